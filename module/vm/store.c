// SPDX-License-Identifier: GPL-2.0
/*
 * The session object store: a pool carved at LOAD, deferred frees by
 * epochs, and the per-invocation scratch area.
 *
 * Pool.  Segments mapped in process context (vmalloc in the kernel, mmap
 * in user space), up to the limit LOAD left of --max-memory: a small
 * first one at LOAD, so a session that stores little starts fast; more
 * when the process context runs out (kp_store_grow(), and the
 * interpreter retries the instruction); and all the rest before probes
 * attach (kp_vm_reserve_pool()), because probe context never calls the
 * host's allocator: it carves what is mapped, under the pool lock.
 * Objects come in power-of-two classes from 16 bytes; a class takes
 * from its free list, else carves from the untouched rest of the
 * current segment, else splits a free object of a larger class in
 * halves.  Freed objects go back to their class's list; halves are
 * never merged again, so a pool may fragment (a known limit).
 * Invariants: live_bytes is the sum of the class sizes of objects
 * handed out and not freed; top (bytes carved) and mapped only grow,
 * mapped <= limit.  The pool lock guards all
 * of it, the deferred frees, and the refs of tables and aggregations;
 * it is a leaf (nothing is locked while holding it).
 *
 * Epochs.  An object unlinked from its last holder (an overwritten
 * string, a table nothing holds) may still sit in a register of an
 * invocation running on another CPU, so it is retired, not freed: it
 * joins the open generation.  Every context publishes the store's epoch
 * in its slot when an invocation begins (then a full barrier) and 0 when
 * it ends.  A reap closes the open generation by stamping it with the
 * epoch and advancing the epoch, then frees the oldest closed generation
 * whose stamp is below the epoch of every running invocation: those
 * began after everything in it was unlinked, so they cannot have
 * reached it; those running since before have ended.
 * Why epochs rather than RCU: the process context (top level,
 * trace_end) sleeps while it waits for the output reader, so it cannot
 * be an RCU reader, and waiting for a grace period would need a work
 * item and sleeping; epochs cover both kinds of context with the same
 * code, free from any context without sleeping (probe handlers reap
 * what they can at the end of each hit), and run unchanged in user space,
 * where the threaded unit tests and ThreadSanitizer exercise them.
 * The price is one store and one barrier per invocation, and a sweep of
 * the context slots when there is something to free.
 *
 * Scratch: a bump arena per context, carved at LOAD, reset when the
 * invocation ends.  A request that does not fit borrows a pool object,
 * returned at the reset.
 */
#include "store.h"
#include "value.h"

#define KP_STORE_MIN	16

struct kp_scratch_big {
	struct kp_scratch_big *next;
	u64 size;		/* as passed to kp_store_alloc() */
	u64 data[];
};

static u32 kp_store_class(size_t size)
{
	u32 c = 0;

	while (((u64)KP_STORE_MIN << c) < size)
		c++;
	return c;
}

/* A mapped piece of the pool; objects start after the header. */
struct kp_store_seg {
	struct kp_store_seg *next;
	u64 size;		/* with the header */
	u64 data[];
};

#define KP_SEG_HDR	((u64)sizeof(struct kp_store_seg))

/* Pool lock held (or no one else yet): carve from the new segment on. */
static void kp_store_add_seg(struct kp_store *st, struct kp_store_seg *seg)
{
	u64 rest = st->cur_size - st->cur_top, chunk;
	char *p = st->cur ? st->cur + st->cur_top : NULL;	/* none at first */
	u32 c;

	/* The old segment's rest: free objects, largest first. */
	while (rest >= KP_STORE_MIN) {
		for (c = 0; c + 1 < KP_STORE_NCLASSES &&
		     ((u64)KP_STORE_MIN << (c + 1)) <= rest; c++)
			;
		chunk = (u64)KP_STORE_MIN << c;
		*(void **)p = st->free[c];
		st->free[c] = p;
		p += chunk;
		rest -= chunk;
	}
	st->top += st->cur_size - st->cur_top;
	seg->next = st->segs;
	st->segs = seg;
	st->cur = (char *)seg->data;
	st->cur_size = seg->size - KP_SEG_HDR;
	st->cur_top = 0;
	st->mapped += seg->size;
}

static struct kp_store_seg *kp_store_map(u64 size)
{
	struct kp_store_seg *seg;

	if (size != (size_t)size)
		return NULL;
	seg = kp_pool_map((size_t)size);
	if (seg)
		seg->size = size;
	return seg;
}

int kp_store_init(struct kp_store *st, u64 first, u64 limit, u32 ncpus)
{
	struct kp_store_seg *seg;
	u64 slots = sizeof(*st->ctxs) * ((u64)ncpus + 1);
	u32 i;

	memset(st, 0, sizeof(*st));
	kp_lock_init(&st->lock);
	st->limit = limit;
	first = (first + KP_SEG_HDR + slots + 4095) & ~(u64)4095;
	if (first > limit)
		first = limit & ~(u64)4095;
	if (first < KP_SEG_HDR + slots + 64)
		return -ENOMEM;
	seg = kp_store_map(first);
	if (!seg)
		return -ENOMEM;
	kp_store_add_seg(st, seg);
	/* The context slots first, cache-aligned at the segment's start. */
	st->cur_top = (64 - KP_SEG_HDR % 64) % 64;
	st->ctxs = (struct kp_store_ctx *)(st->cur + st->cur_top);
	st->cur_top += (slots + 63) & ~(u64)63;
	st->top = st->cur_top;
	st->ncpus = ncpus;
	for (i = 0; i <= ncpus; i++) {
		kp_atomic64_set(&st->ctxs[i].epoch, 0);
		kp_local_set(&st->ctxs[i].guard, 0);
	}
	kp_atomic64_set(&st->epoch, 1);
	kp_atomic_set(&st->pending, 0);
	return 0;
}

void kp_store_destroy(struct kp_store *st)
{
	struct kp_store_seg *seg;

	while (st->segs) {
		seg = st->segs;
		st->segs = seg->next;
		kp_pool_unmap(seg, (size_t)seg->size);
	}
	st->ctxs = NULL;
}

/*
 * Segments double (a session that grows maps O(log) of them), at least
 * what was asked and at most what the limit leaves.
 */
bool kp_store_grow(struct kp_store *st, u64 bytes)
{
	u64 left = st->limit - st->mapped, size;
	struct kp_store_seg *seg;
	unsigned long flags;

	size = bytes ? bytes + KP_SEG_HDR : left;
	if (bytes && size < st->mapped)
		size = st->mapped;
	size = (size + 4095) & ~(u64)4095;
	if (size > left)
		size = left & ~(u64)4095;
	if (!size || (bytes && size < bytes + KP_SEG_HDR))
		return false;
	seg = kp_store_map(size);
	if (!seg)
		return false;
	while (!kp_lock(st, &st->lock, &flags))
		;	/* process context: never NMI, never fails */
	kp_store_add_seg(st, seg);
	kp_unlock(st, &st->lock, flags);
	return true;
}

bool kp_lock(struct kp_store *st, struct kp_lock *l, unsigned long *flags)
{
	u32 cpu;

	kp_irq_save(*flags);
	cpu = kp_cpu_id();
	kp_local_inc_return(&st->ctxs[cpu].guard);
	if (kp_lock_raw(l))
		return true;
	kp_local_dec(&st->ctxs[cpu].guard);
	kp_irq_restore(*flags);
	return false;
}

void kp_unlock(struct kp_store *st, struct kp_lock *l, unsigned long flags)
{
	kp_unlock_raw(l);
	/* Interrupts are still off: the same CPU as kp_lock(). */
	kp_local_dec(&st->ctxs[kp_cpu_id()].guard);
	kp_irq_restore(flags);
}

/* An object of class c: its free list, the pool's rest, or a split. */
static void *kp_store_take(struct kp_store *st, u32 c)
{
	u64 size = (u64)KP_STORE_MIN << c;
	void **obj;
	u32 d;

	if (st->free[c]) {
		obj = st->free[c];
		st->free[c] = *obj;
		return obj;
	}
	if (size <= st->cur_size - st->cur_top) {
		obj = (void **)(st->cur + st->cur_top);
		st->cur_top += size;
		st->top += size;
		return obj;
	}
	for (d = c + 1; d < KP_STORE_NCLASSES && !st->free[d]; d++)
		;
	if (d == KP_STORE_NCLASSES) {
		st->want = size;
		return NULL;
	}
	obj = st->free[d];
	st->free[d] = *obj;
	while (d-- > c) {	/* keep the lower half, free the upper */
		void **half = (void **)((char *)obj + ((u64)KP_STORE_MIN << d));

		*half = st->free[d];
		st->free[d] = half;
	}
	return obj;
}

void *kp_store_alloc(struct kp_store *st, size_t size)
{
	u32 c = kp_store_class(size ? size : 1);
	void *obj;

	if (c >= KP_STORE_NCLASSES)
		return NULL;
	obj = kp_store_take(st, c);
	if (!obj)
		return NULL;
	memset(obj, 0, (size_t)KP_STORE_MIN << c);
	st->live_bytes += (u64)KP_STORE_MIN << c;
	st->live_objects++;
	return obj;
}

void kp_store_free(struct kp_store *st, void *p, size_t size)
{
	u32 c;

	if (!p)
		return;
	c = kp_store_class(size ? size : 1);
	st->live_bytes -= (u64)KP_STORE_MIN << c;
	st->live_objects--;
	*(void **)p = st->free[c];
	st->free[c] = p;
}

void kp_store_retire_str(struct kp_store *st, struct kp_str *s)
{
	s->dead_next = st->open.strs;
	st->open.strs = s;
	kp_store_pending_add(st, 1);
}

void kp_store_enter(struct kp_store *st, u32 slot)
{
	kp_atomic64_set(&st->ctxs[slot].epoch, kp_atomic64_read(&st->epoch));
	kp_smp_mb();	/* published before this invocation reads anything */
}

void kp_store_leave(struct kp_store *st, u32 slot)
{
	kp_smp_mb();	/* every read of this invocation is done */
	kp_atomic64_set(&st->ctxs[slot].epoch, 0);
}

/* The lowest epoch a running invocation began in; U64 max when none. */
static u64 kp_store_min_epoch(struct kp_store *st)
{
	u64 min = ~0ULL, e;
	u32 i;

	kp_smp_mb();	/* the unlinking happened before this sweep */
	for (i = 0; i <= st->ncpus; i++) {
		e = (u64)kp_atomic64_read(&st->ctxs[i].epoch);
		if (e && e < min)
			min = e;
	}
	return min;
}

static bool kp_store_gen_empty(const struct kp_store_gen *g)
{
	return !g->strs && !g->tabs && !g->aggs;
}

bool kp_store_take_safe(struct kp_store *st, struct kp_store_gen *out)
{
	if (!kp_store_gen_empty(&st->open) && st->nclosed < KP_STORE_NGENS) {
		st->open.epoch = (u64)kp_atomic64_read(&st->epoch);
		st->closed[st->nclosed++] = st->open;
		memset(&st->open, 0, sizeof(st->open));
		kp_atomic64_inc(&st->epoch);
	}
	if (!st->nclosed || st->closed[0].epoch >= kp_store_min_epoch(st))
		return false;
	*out = st->closed[0];
	st->nclosed--;
	memmove(&st->closed[0], &st->closed[1],
		sizeof(st->closed[0]) * st->nclosed);
	return true;
}

void kp_scratch_init(struct kp_scratch *sc, struct kp_store *st,
		     void *arena, size_t size)
{
	memset(sc, 0, sizeof(*sc));
	sc->st = st;
	sc->arena = arena;
	sc->size = size;
}

static void *kp_scratch_borrow(struct kp_scratch *sc, size_t size)
{
	struct kp_scratch_big *big;
	unsigned long flags;
	u64 total = sizeof(*big) + size;

	if (!kp_lock(sc->st, &sc->st->lock, &flags))
		return NULL;
	big = kp_store_alloc(sc->st, total);
	kp_unlock(sc->st, &sc->st->lock, flags);
	if (!big)
		return NULL;
	big->size = total;
	big->next = sc->bigs;
	sc->bigs = big;
	return big->data;
}

void *kp_scratch_alloc(struct kp_scratch *sc, size_t size)
{
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (size > sc->size - sc->top)
		return kp_scratch_borrow(sc, size);
	p = sc->arena + sc->top;
	sc->top += size;
	memset(p, 0, size);
	return p;
}

void kp_scratch_reset(struct kp_scratch *sc)
{
	struct kp_scratch_big *big;
	unsigned long flags;

	sc->top = 0;
	/* Busy in NMI: the borrowed objects go back at a later reset. */
	if (!sc->bigs || !kp_lock(sc->st, &sc->st->lock, &flags))
		return;
	while (sc->bigs) {
		big = sc->bigs;
		sc->bigs = big->next;
		kp_store_free(sc->st, big, big->size);
	}
	kp_unlock(sc->st, &sc->st->lock, flags);
}
