// SPDX-License-Identifier: GPL-2.0
/*
 * The session heap: blocks of at least KP_HEAP_BLOCK bytes carved
 * front to back; a request larger than a block gets a block of its own.
 * Invariant: heap->used counts every byte of every block, so the memory
 * limit bounds what the host really allocated, not just what was asked.
 * Under AddressSanitizer (port.h) what is not handed out stays poisoned
 * and each object is followed by a poisoned redzone, so ASan sees an
 * overrun from one object into the next as it would between mallocs.
 */
#include "heap.h"

#define KP_HEAP_BLOCK	(64 * 1024)

struct kp_heap_block {
	struct kp_heap_block *next;
	size_t size;		/* usable bytes after the header */
	size_t top;		/* first free byte */
	u64 data[];		/* u64 keeps every allocation 8-aligned */
};

void kp_heap_init(struct kp_heap *heap, u64 limit)
{
	heap->blocks = NULL;
	heap->used = 0;
	heap->limit = limit;
}

static struct kp_heap_block *kp_heap_grow(struct kp_heap *heap, size_t need)
{
	struct kp_heap_block *block;
	size_t size = need > KP_HEAP_BLOCK ? need : KP_HEAP_BLOCK;
	size_t total = sizeof(*block) + size;

	if (heap->used + total > heap->limit)
		return NULL;
	block = kp_zalloc(total);
	if (!block)
		return NULL;
	kp_heap_poison(block->data, size);
	block->size = size;
	block->next = heap->blocks;
	heap->blocks = block;
	heap->used += total;
	return block;
}

void *kp_heap_alloc(struct kp_heap *heap, size_t size)
{
	struct kp_heap_block *block = heap->blocks;
	size_t want = size;
	void *p;

	size = ((size + 7) & ~(size_t)7) + KP_HEAP_REDZONE;
	if (want == 0 || size > heap->limit)
		return NULL;
	if (!block || block->size - block->top < size) {
		block = kp_heap_grow(heap, size);
		if (!block)
			return NULL;
	}
	p = (char *)block->data + block->top;
	block->top += size;
	kp_heap_unpoison(p, want);
	return p;
}

void kp_heap_destroy(struct kp_heap *heap)
{
	struct kp_heap_block *block = heap->blocks;

	while (block) {
		struct kp_heap_block *next = block->next;

		kp_heap_unpoison(block->data, block->size);
		kp_free(block);
		block = next;
	}
	heap->blocks = NULL;
	heap->used = 0;
}
