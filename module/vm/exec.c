// SPDX-License-Identifier: GPL-2.0
/*
 * Execution contexts: the memory one invocation runs on, allocated at
 * LOAD, and the steps around running it.
 *
 * A context owns a value stack and its call frames, an output line
 * buffer and a scratch arena; nothing in it is shared, so the process
 * context and every CPU's probe context run the same chunk at once
 * without locks.  Whoever calls kp_exec_run() owns the context for the
 * call (vm.c: the process context's busy flag, a CPU's recursion
 * guard).  Around the invocation the context publishes its epoch, so
 * what other CPUs unlink meanwhile stays valid until it ends (store.c),
 * and afterwards it resets its scratch and reaps what it can.
 */
#include "exec.h"
#include "vm.h"
#include "table.h"
#include "../uapi/ktap.h"

/* The scratch arena of each context; more is borrowed from the pool. */
#define KP_SCRATCH_ARENA	(16 * 1024)

/*
 * The value stack for max_depth calls.  The top level's frame starts at
 * the bottom; the verifier proved a CALL's registers A..A+B lie in the
 * caller's frame, and the callee's frame starts at A+1, so each call
 * level starts at most max_regs values above its caller's and ends at
 * most max_regs above its own start: (max_depth + 1) * max_regs values
 * hold any chain of calls the depth limit lets through.
 */
struct kp_exec *kp_exec_new(struct kp_vm *vm, u32 slot, bool probe)
{
	u64 nvalues = ((u64)vm->limits.max_depth + 1) * vm->chunk.max_regs + 1;
	u64 size = nvalues * sizeof(struct kp_value);
	struct kp_exec *x = kp_heap_alloc(&vm->heap, sizeof(*x));
	void *arena;

	if (!x || size > vm->heap.limit)
		return NULL;
	x->vm = vm;
	x->slot = slot;
	x->probe = probe;
	x->stack = kp_heap_alloc(&vm->heap, (size_t)size);
	x->frames = kp_heap_alloc(&vm->heap, sizeof(*x->frames) *
				  ((size_t)vm->limits.max_depth + 1));
	x->line_buf = kp_heap_alloc(&vm->heap, KTAP_RECORD_MAX);
	arena = kp_heap_alloc(&vm->heap, KP_SCRATCH_ARENA);
	if (!x->stack || !x->frames || !x->line_buf || !arena)
		return NULL;
	x->stack_end = x->stack + nvalues;
	kp_scratch_init(&x->scratch, &vm->store, arena, KP_SCRATCH_ARENA);
	kp_atomic_set(&x->busy, 0);
	return x;
}

/*
 * One invocation.  Leaving the epoch before reaping is right: nothing
 * this invocation read is used again, and the reap itself only walks
 * objects no one can reach.  The process context reaps everything it
 * can; a probe a bounded amount (it runs with interrupts on or off,
 * in someone else's time).
 */
int kp_exec_run(struct kp_exec *x, const struct kp_proto *proto)
{
	struct kp_store *st = &x->vm->store;
	int ret;

	kp_store_enter(st, x->slot);
	ret = kp_interp(x, proto);
	kp_store_leave(st, x->slot);
	kp_scratch_reset(&x->scratch);
	kp_store_reap(st, !x->probe);
	return ret;
}
