// SPDX-License-Identifier: GPL-2.0
/*
 * The session object store and the per-invocation scratch area.
 *
 * Store: objects up to 4096 bytes come from size classes (powers of two
 * from 16); each class carves 64 KiB blocks taken from the host into
 * objects and keeps freed ones on its free list, so a script that
 * overwrites table entries reuses the same memory and its footprint
 * stays flat.  Larger objects (the arrays of big tables) are host
 * allocations of their own, returned to the host when freed.
 * Invariants: host_bytes is exactly what the store holds from the host
 * and is charged to the budget; live_bytes is the sum of the class
 * sizes (or exact sizes, for large objects) of objects handed out and
 * not freed; blocks are never returned before the session ends.
 *
 * Scratch: a bump allocator for the temporaries of one invocation
 * (concatenations, sprintf and tostring results).  kp_scratch_reset()
 * at the end of the invocation keeps the first block and returns the
 * others, so a steady script reuses one block.
 *
 * Both take memory from the host allocator in process context today
 * (LOAD and the top-level code).  Probe context will need the pool
 * carved once at LOAD that README.md plans; only the two "grow"
 * functions below change then.
 */
#include "store.h"

#define KP_STORE_BLOCK		(64 * 1024)
#define KP_STORE_MIN_SHIFT	4		/* the smallest class: 16 */
#define KP_STORE_MAX_OBJ	(16U << (KP_STORE_NCLASSES - 1))

struct kp_store_block {
	struct kp_store_block *next;
	size_t size;		/* usable bytes after the header */
	size_t top;		/* first free byte (scratch only) */
	u64 data[];
};

/*
 * A large object: a header in front keeps its size and links it into
 * the store's list, so session end frees it even if a reference cycle
 * kept its table alive.
 */
struct kp_store_big {
	struct kp_store_big *next, *prev;
	u64 size;
	u64 data[];
};

static int kp_store_class(size_t size)
{
	int c = 0;

	while ((16U << c) < size)
		c++;
	return c;
}

static bool kp_budget_charge(struct kp_heap *budget, u64 bytes)
{
	if (budget->used + bytes > budget->limit)
		return false;
	budget->used += bytes;
	return true;
}

static struct kp_store_block *kp_block_new(struct kp_heap *budget,
					   size_t size, u64 *host_bytes)
{
	struct kp_store_block *b;
	size_t total = sizeof(*b) + size;

	if (!kp_budget_charge(budget, total))
		return NULL;
	b = kp_zalloc(total);
	if (!b) {
		budget->used -= total;
		return NULL;
	}
	b->size = size;
	*host_bytes += total;
	return b;
}

void kp_store_init(struct kp_store *st, struct kp_heap *budget)
{
	memset(st, 0, sizeof(*st));
	st->budget = budget;
}

/* Carve a new block into objects of class c, all onto its free list. */
static bool kp_store_grow(struct kp_store *st, int c)
{
	size_t osize = 16U << c, off;
	struct kp_store_block *b;

	b = kp_block_new(st->budget, KP_STORE_BLOCK, &st->host_bytes);
	if (!b)
		return false;
	b->next = st->blocks;
	st->blocks = b;
	for (off = 0; off + osize <= b->size; off += osize) {
		void **obj = (void **)((char *)b->data + off);

		*obj = st->free[c];
		st->free[c] = obj;
	}
	return true;
}

static void *kp_store_alloc_big(struct kp_store *st, size_t size)
{
	u64 total = sizeof(struct kp_store_big) + size;
	struct kp_store_big *big;

	if (!kp_budget_charge(st->budget, total))
		return NULL;
	big = kp_zalloc(total);
	if (!big) {
		st->budget->used -= total;
		return NULL;
	}
	big->size = total;
	big->next = st->bigs;
	if (st->bigs)
		st->bigs->prev = big;
	st->bigs = big;
	st->host_bytes += total;
	st->live_bytes += total;
	st->live_objects++;
	return big->data;
}

void *kp_store_alloc(struct kp_store *st, size_t size)
{
	void **obj;
	int c;

	if (size > KP_STORE_MAX_OBJ)
		return kp_store_alloc_big(st, size);
	c = kp_store_class(size);
	if (!st->free[c] && !kp_store_grow(st, c))
		return NULL;
	obj = st->free[c];
	st->free[c] = *obj;
	memset(obj, 0, 16U << c);
	st->live_bytes += 16U << c;
	st->live_objects++;
	return obj;
}

void kp_store_free(struct kp_store *st, void *p, size_t size)
{
	struct kp_store_big *big;
	int c;

	if (!p)
		return;
	st->live_objects--;
	if (size > KP_STORE_MAX_OBJ) {
		big = (struct kp_store_big *)((char *)p - sizeof(*big));
		st->live_bytes -= big->size;
		st->host_bytes -= big->size;
		st->budget->used -= big->size;
		if (big->prev)
			big->prev->next = big->next;
		else
			st->bigs = big->next;
		if (big->next)
			big->next->prev = big->prev;
		kp_free(big);
		return;
	}
	c = kp_store_class(size);
	st->live_bytes -= 16U << c;
	*(void **)p = st->free[c];
	st->free[c] = p;
}

static void kp_blocks_free(struct kp_store_block *b, struct kp_heap *budget)
{
	while (b) {
		struct kp_store_block *next = b->next;

		budget->used -= sizeof(*b) + b->size;
		kp_free(b);
		b = next;
	}
}

/*
 * Session end: everything goes back to the host at once, including the
 * tables that reference cycles kept alive (cycles are not collected).
 */
void kp_store_destroy(struct kp_store *st)
{
	while (st->bigs) {
		struct kp_store_big *next = st->bigs->next;

		st->budget->used -= st->bigs->size;
		kp_free(st->bigs);
		st->bigs = next;
	}
	kp_blocks_free(st->blocks, st->budget);
	st->blocks = NULL;
	memset(st->free, 0, sizeof(st->free));
}

void kp_scratch_init(struct kp_scratch *sc, struct kp_heap *budget)
{
	memset(sc, 0, sizeof(*sc));
	sc->budget = budget;
}

void *kp_scratch_alloc(struct kp_scratch *sc, size_t size)
{
	struct kp_store_block *b = sc->blocks;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (!b || b->size - b->top < size) {
		b = kp_block_new(sc->budget, size > KP_STORE_BLOCK ?
				 size : KP_STORE_BLOCK, &sc->host_bytes);
		if (!b)
			return NULL;
		b->next = sc->blocks;	/* newest first: the one carved */
		sc->blocks = b;
	}
	p = (char *)b->data + b->top;
	b->top += size;
	memset(p, 0, size);
	return p;
}

/* Keeps the oldest block (the list's last), which a steady script reuses. */
void kp_scratch_reset(struct kp_scratch *sc)
{
	struct kp_store_block *b = sc->blocks, *next;

	while (b && b->next) {
		next = b->next;
		sc->host_bytes -= sizeof(*b) + b->size;
		sc->budget->used -= sizeof(*b) + b->size;
		kp_free(b);
		b = next;
	}
	sc->blocks = b;
	if (b)
		b->top = 0;
}

void kp_scratch_destroy(struct kp_scratch *sc)
{
	kp_blocks_free(sc->blocks, sc->budget);
	sc->blocks = NULL;
	sc->host_bytes = 0;
}
