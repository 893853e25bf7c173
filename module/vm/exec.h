/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Execution contexts: where one invocation of a chunk's code runs.  One
 * per possible CPU for probe handlers, and one process context for the
 * top-level code and trace_end (exec.c).
 */
#ifndef KP_EXEC_H
#define KP_EXEC_H

#include "port.h"
#include "value.h"
#include "store.h"

struct kp_vm;

/*
 * A call in progress: where its caller resumes.  The interpreter keeps
 * these in x->frames instead of recursing in C, so a deep script
 * recursion costs session memory, never kernel stack.
 */
struct kp_frame {
	const struct kp_proto *proto;	/* the caller's */
	const u32 *pc;			/* the caller's, after the CALL */
	struct kp_value *regs;		/* the caller's frame */
};

struct kp_exec {
	struct kp_vm *vm;
	u32 slot;		/* in vm->store.ctxs: the CPU, or ncpus */
	bool probe;		/* a CPU's: never sleeps, never yields */
	/*
	 * The value stack: the frames of the running invocation, at most
	 * limits.max_depth calls deep.  A callee's frame starts right
	 * above its caller's call register, which lies inside the
	 * caller's frame, so each level adds at most chunk.max_regs
	 * values (kp_exec_new()).
	 */
	struct kp_value *stack;
	struct kp_value *stack_end;
	struct kp_frame *frames;	/* limits.max_depth + 1 of them */
	char *line_buf;			/* KTAP_RECORD_MAX bytes of output */
	struct kp_scratch scratch;	/* this invocation's temporaries */
	const void *event;		/* the event a probe handles */
	kp_atomic_t busy;		/* process context: one at a time */
};

/* A context for slot, its memory from the session heap; NULL when full. */
struct kp_exec *kp_exec_new(struct kp_vm *vm, u32 slot, bool probe);

/*
 * Run proto (no arguments) in x.  The caller owns x for the call: the
 * recursion guard or the process context's busy flag says so.
 */
int kp_exec_run(struct kp_exec *x, const struct kp_proto *proto);

#endif /* KP_EXEC_H */
