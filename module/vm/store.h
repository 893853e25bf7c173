/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session object store and the per-invocation scratch area: where
 * strings and tables live once the chunk is loaded.  See store.c and
 * README.md ("Memory") for the model.
 */
#ifndef KP_STORE_H
#define KP_STORE_H

#include "heap.h"

#define KP_STORE_NCLASSES	9	/* 16, 32, .. 4096 bytes */

struct kp_store_block;
struct kp_store_big;
struct kp_str;
struct kp_tab;
struct kp_agg;

/*
 * Every byte the store and the scratch area take from the host is
 * charged to the session heap's budget (heap->used against heap->limit),
 * so --max-memory bounds the session as a whole.
 */
struct kp_store {
	struct kp_heap *budget;
	void *free[KP_STORE_NCLASSES];	/* free objects of each class */
	struct kp_store_block *blocks;	/* carved into objects, kept */
	struct kp_store_big *bigs;	/* objects over 4096 bytes */
	u64 host_bytes;		/* taken from the host and not returned */
	u64 live_bytes;		/* handed out and not freed */
	u64 live_objects;
	/* Unlinked from their holder, freed at the end of the invocation. */
	struct kp_str *dead_strs;
	struct kp_tab *dead_tabs;
	struct kp_agg *dead_aggs;
};

struct kp_scratch {
	struct kp_heap *budget;
	struct kp_store_block *blocks;	/* newest first; the last is kept */
	u64 host_bytes;
};

void kp_store_init(struct kp_store *st, struct kp_heap *budget);
/* Zeroed memory of size bytes, 8-aligned; NULL over budget. */
void *kp_store_alloc(struct kp_store *st, size_t size);
/* Give back what kp_store_alloc(size) returned. */
void kp_store_free(struct kp_store *st, void *p, size_t size);
void kp_store_destroy(struct kp_store *st);

void kp_scratch_init(struct kp_scratch *sc, struct kp_heap *budget);
void *kp_scratch_alloc(struct kp_scratch *sc, size_t size);
/* Forget everything allocated since the last reset. */
void kp_scratch_reset(struct kp_scratch *sc);
void kp_scratch_destroy(struct kp_scratch *sc);

#endif /* KP_STORE_H */
