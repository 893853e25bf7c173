/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting a session's output records back in time order: a min-heap by
 * timestamp that holds each record for a short reorder window.
 */
#ifndef KTAP_MERGE_H
#define KTAP_MERGE_H

#include <stddef.h>
#include "uapi/ktap.h"

/*
 * Why a window: every read() returns records in time order already
 * (the module merges its per-CPU rings), but a writer interrupted
 * between taking its timestamp and publishing its record can publish a
 * record older than one an earlier read() returned.  Holding each record
 * until it is window_ns old (by the caller's clock, CLOCK_MONOTONIC as
 * the module's) lets such a record overtake the newer ones.
 */
#define KP_MERGE_WINDOW_NS	(50ULL * 1000 * 1000)
/* Beyond this many held records the oldest go out at once. */
#define KP_MERGE_MAX_HELD	65536

struct kp_merge_item {
	struct ktap_record rec;
	unsigned long long seq;		/* arrival order, breaks time ties */
	char *payload;			/* rec.len bytes, owned */
};

struct kp_merge {
	struct kp_merge_item *heap;	/* heap[0] is the oldest */
	size_t n, cap;
	size_t max_held;
	unsigned long long window_ns;
	unsigned long long seq;
	unsigned long long last_ns;	/* time of the last record emitted */
	unsigned long long late;	/* emitted older than one before it */
};

typedef void kp_merge_emit_fn(void *ctx, const struct ktap_record *rec,
			      const char *payload);

void kp_merge_init(struct kp_merge *m, unsigned long long window_ns,
		   size_t max_held);

/* Hold a copy of one record.  0, or -1 when out of memory. */
int kp_merge_push(struct kp_merge *m, const struct ktap_record *rec,
		  const char *payload);

/*
 * Emit, oldest first, every held record at least window_ns older than
 * now_ns, and the oldest ones beyond max_held.
 */
void kp_merge_drain(struct kp_merge *m, unsigned long long now_ns,
		    kp_merge_emit_fn *emit, void *ctx);

/* Nanoseconds until the oldest held record is due, or -1 if none. */
long long kp_merge_due_in(const struct kp_merge *m, unsigned long long now_ns);

/* Emit everything held (the end of the output), oldest first. */
void kp_merge_flush(struct kp_merge *m, kp_merge_emit_fn *emit, void *ctx);

void kp_merge_free(struct kp_merge *m);

#endif /* KTAP_MERGE_H */
