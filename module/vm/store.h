/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session object store: the pool carved at LOAD that strings,
 * tables and aggregations live in, its lock, the deferred frees that
 * keep an unlinked object alive while another CPU may still read it,
 * and the per-invocation scratch area.  See store.c and README.md.
 */
#ifndef KP_STORE_H
#define KP_STORE_H

#include "port.h"

#define KP_STORE_NCLASSES	40	/* 16 bytes << 0..39: any pool */
#define KP_STORE_NGENS		4	/* closed generations waiting */

struct kp_str;
struct kp_tab;
struct kp_agg;
struct kp_store_seg;

/* Objects unlinked in one span of time, freed together. */
struct kp_store_gen {
	u64 epoch;		/* the store's epoch when the span closed */
	struct kp_str *strs;
	struct kp_tab *tabs;
	struct kp_agg *aggs;
};

/*
 * One per execution context: slots 0..ncpus-1 are the CPUs' (probe
 * context), slot ncpus the process context's.
 */
struct kp_store_ctx {
	kp_atomic64_t epoch;	/* 0: not running; else the epoch it began in */
	kp_local_t guard;	/* CPUs: > 0 while the VM runs or locks here */
} KP_CACHE_ALIGNED;

struct kp_store {
	/*
	 * The pool lock: the free lists, the generations, and the refs of
	 * tables and aggregations.  A leaf: nothing is locked under it.
	 */
	struct kp_lock lock;
	struct kp_store_seg *segs;	/* mapped, newest first */
	char *cur;		/* the segment being carved */
	u64 cur_size;
	u64 cur_top;
	u64 top;		/* bytes carved from all segments */
	u64 mapped;		/* bytes of all segments */
	u64 limit;		/* the most that may be mapped */
	u64 want;		/* the last request that found no room */
	void *free[KP_STORE_NCLASSES];
	u64 live_bytes;		/* handed out and not freed */
	u64 live_objects;
	struct kp_store_ctx *ctxs;
	u32 ncpus;		/* ctxs[ncpus] is the process context */
	kp_atomic64_t epoch;
	kp_atomic_t pending;	/* retired, not yet freed: 0 skips a reap */
	struct kp_store_gen open;	/* retired since the last close */
	struct kp_store_gen closed[KP_STORE_NGENS];	/* oldest first */
	u32 nclosed;
};

/* A per-invocation arena carved at LOAD; overflow borrows from the pool. */
struct kp_scratch_big;
struct kp_scratch {
	struct kp_store *st;
	char *arena;
	size_t size;
	size_t top;
	struct kp_scratch_big *bigs;	/* borrowed from the pool */
};

/*
 * A pool of up to limit bytes for ncpus CPUs plus the process context,
 * first bytes of it mapped now.  Returns 0 or -ENOMEM.
 */
int kp_store_init(struct kp_store *st, u64 first, u64 limit, u32 ncpus);
void kp_store_destroy(struct kp_store *st);

/*
 * Process context, no lock held: map at least bytes more of the pool
 * (all that is left when bytes is 0).  False when the limit leaves no
 * room (or the host has no memory).
 */
bool kp_store_grow(struct kp_store *st, u64 bytes);

/*
 * Locks (the pool's, a table's, the globals'): interrupts off, and the
 * CPU's guard raised so that a probe firing on this CPU while the lock
 * is held is dropped instead of spinning on it.  False only in NMI when
 * the lock is taken: the caller drops what it was doing.
 */
bool kp_lock(struct kp_store *st, struct kp_lock *l, unsigned long *flags);
void kp_unlock(struct kp_store *st, struct kp_lock *l, unsigned long flags);

/* With the pool lock held: zeroed, 8-aligned memory, or NULL when full. */
void *kp_store_alloc(struct kp_store *st, size_t size);
void kp_store_free(struct kp_store *st, void *p, size_t size);

/* Pool lock held: n more (or fewer) objects wait to be freed. */
static inline void kp_store_pending_add(struct kp_store *st, int n)
{
	kp_atomic_set(&st->pending, kp_atomic_read(&st->pending) + n);
}

/* Pool lock held: s waits in the open generation (see store.c). */
void kp_store_retire_str(struct kp_store *st, struct kp_str *s);

/* An invocation in context slot begins or ends (store.c, "Epochs"). */
void kp_store_enter(struct kp_store *st, u32 slot);
void kp_store_leave(struct kp_store *st, u32 slot);

/*
 * Pool lock held: close the open generation when there is room, then
 * return the oldest closed generation no running invocation can still
 * see, taken off the list, or NULL.
 */
bool kp_store_take_safe(struct kp_store *st, struct kp_store_gen *out);

/*
 * The end of an invocation (table.c, which knows what freeing a table
 * means): free what no running invocation can still see.  all: until
 * nothing is left that can go (process context, tests); else a bounded
 * amount, and nothing when the pool lock is busy (probe context).
 */
void kp_store_reap(struct kp_store *st, bool all);

void kp_scratch_init(struct kp_scratch *sc, struct kp_store *st,
		     void *arena, size_t size);
/* Zeroed, 8-aligned; NULL when neither the arena nor the pool has room. */
void *kp_scratch_alloc(struct kp_scratch *sc, size_t size);
/* Forget everything allocated since the last reset. */
void kp_scratch_reset(struct kp_scratch *sc);

#endif /* KP_STORE_H */
