/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Aggregations: the statistic `s[k] <<< v` folds numbers into (agg.c).
 */
#ifndef KP_AGG_H
#define KP_AGG_H

#include "store.h"
#include "value.h"

/* Bucket 0: values <= 0; bucket i (1..64): 2^(i-1) <= v < 2^i. */
#define KP_AGG_NBUCKETS	65

/* One CPU's share; count 0 means that CPU folded nothing yet. */
struct kp_agg_slot {
	s64 count, sum, min, max;
	s64 hist[KP_AGG_NBUCKETS];
};

struct kp_agg {
	u32 refs;		/* holders: globals and table slots */
	u32 nslots;		/* kp_nr_cpus() when made */
	bool queued;		/* in one of the store's generations */
	bool requeue;		/* let go of again while queued */
	struct kp_agg *dead_next;
	struct kp_agg_slot slots[];
};

/*
 * With the pool lock held: a new empty aggregation with a slot per
 * possible CPU, or NULL over budget.  Like a new table it starts with
 * no holder, retired, so it is freed unless something stores it.
 */
struct kp_agg *kp_agg_new(struct kp_store *st);

/*
 * Fold v into the running CPU's slot: no shared lock, no allocation;
 * interrupts off and the CPU's guard up, so a probe firing on this CPU
 * meanwhile is dropped rather than folding into the same slot.
 */
void kp_agg_add(struct kp_store *st, struct kp_agg *a, s64 v);

/* All slots merged; count is never 0 once anything was folded. */
void kp_agg_read(const struct kp_agg *a, struct kp_agg_slot *out);

/* The bucket of v (see KP_AGG_NBUCKETS). */
u32 kp_agg_bucket(s64 v);

/* Ownership, as for tables (table.c), with the pool lock held. */
void kp_agg_retire(struct kp_store *st, struct kp_agg *a);
/* Free a reaped generation's list; returns how many left the list. */
int kp_agg_free_list(struct kp_store *st, struct kp_agg *list);

static inline struct kp_value kp_aggv(struct kp_agg *a)
{
	struct kp_value v = { .type = KP_TAGG, .agg = a };
	return v;
}

#endif /* KP_AGG_H */
