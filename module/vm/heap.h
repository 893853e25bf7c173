/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session heap: a bump allocator bounded by the session memory limit.
 *
 * Everything a session allocates (the loaded chunk, strings) comes from
 * here and is released at once when the session closes, so nothing can
 * leak past the session's file descriptor.
 */
#ifndef KP_HEAP_H
#define KP_HEAP_H

#include "port.h"

struct kp_heap_block;

struct kp_heap {
	struct kp_heap_block *blocks;	/* newest first */
	u64 used;			/* bytes handed out, headers included */
	u64 limit;
};

void kp_heap_init(struct kp_heap *heap, u64 limit);
/* Zeroed memory aligned to 8, or NULL when over the limit or out of memory. */
void *kp_heap_alloc(struct kp_heap *heap, size_t size);
void kp_heap_destroy(struct kp_heap *heap);

#endif /* KP_HEAP_H */
