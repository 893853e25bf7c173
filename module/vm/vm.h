/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM core's interface to its hosts (the kernel module and the
 * user-space test runner): load and verify a chunk, run it, free it.
 */
#ifndef KP_VM_H
#define KP_VM_H

#include "port.h"
#include "value.h"
#include "heap.h"
#include "store.h"

/* Defaults and what a session may ask for; the host enforces ceilings. */
#define KP_DEFAULT_MAX_INSNS	1000000ULL
#define KP_DEFAULT_MAX_MEMORY	(16ULL << 20)
#define KP_DEFAULT_MAX_STRING	4096U
#define KP_DEFAULT_MAX_DEPTH	200U	/* as Lua's LUAI_MAXCCALLS */
#define KP_DEFAULT_MAX_ENTRIES	(1U << 20)	/* table_int's 1M fits */

struct kp_vm_limits {
	u64 max_insns;		/* instructions per invocation */
	u64 max_memory;		/* bytes of session heap */
	u32 max_string;		/* bytes of one string */
	u32 max_depth;		/* nested script function calls */
	u32 max_entries;	/* entries of one table */
};

struct ktap_limits;
struct kp_vm;

/*
 * The limits a session asked for in the ABI's struct ktap_limits, with
 * every 0 ("the default") replaced by its default above.  Ceilings are
 * the host's to check.
 */
void kp_vm_limits_from_request(const struct ktap_limits *req,
			       struct kp_vm_limits *lim);

/*
 * How the VM hands output to its host.  emit() receives one whole record
 * (enum ktap_record_type) and returns 0, or a negative errno when the
 * session must stop (for instance a signal while waiting for the reader).
 */
struct kp_vm_host {
	int (*emit)(void *ctx, u16 type, const char *data, u32 len);
	/*
	 * Called every KP_YIELD_INTERVAL instructions when not NULL: a host
	 * running the VM in process context reschedules here and returns a
	 * negative errno to stop a script whose process is being killed.
	 */
	int (*yield)(void *ctx);
	/*
	 * Events (ABI 1.7), both may be NULL.  event_get() puts item
	 * (enum ktap_evctx) of the event vm->event, with index (argN's N,
	 * a $name slot), into *out; it may build strings with
	 * kp_vm_scratch_str() and kp_vm_scratch_format(), and leaves *out
	 * nil when the item does not exist.  stop() is exit().
	 */
	void (*event_get)(struct kp_vm *vm, u32 item, u32 index,
			  struct kp_value *out);
	void (*stop)(void *ctx);
	void *ctx;
};

#define KP_YIELD_INTERVAL	65536	/* a power of two */

/*
 * A call in progress: where its caller resumes.  The interpreter keeps
 * these in vm->frames instead of recursing in C, so a deep script
 * recursion costs session heap, never kernel stack.
 */
struct kp_frame {
	const struct kp_proto *proto;	/* the caller's */
	const u32 *pc;			/* the caller's, after the CALL */
	struct kp_value *regs;		/* the caller's frame */
};

/*
 * Memory (README.md, "Memory"): the heap holds the loaded chunk and the
 * stack and is the budget every other allocation is charged to; the
 * store holds what globals and tables own; scratch the temporaries of
 * the running invocation.
 */
struct kp_vm {
	struct kp_heap heap;
	struct kp_store store;
	struct kp_scratch scratch;
	u32 next_table_id;
	struct kp_chunk chunk;
	struct kp_vm_limits limits;
	struct kp_vm_host host;
	struct kp_value *globals;
	/*
	 * The value stack: the frames of the running invocation, at most
	 * limits.max_depth calls deep.  A callee's frame starts right above
	 * its caller's call register, which lies inside the caller's frame,
	 * so each level adds at most chunk.max_regs values (kp_vm_setup()).
	 */
	struct kp_value *stack;
	struct kp_value *stack_end;
	struct kp_frame *frames;	/* limits.max_depth of them */
	char *line_buf;			/* KTAP_RECORD_MAX bytes for output */
	const void *event;		/* the host's event being handled, or NULL */
};

/*
 * Parse and verify a chunk.  On failure returns a negative errno and
 * leaves a one-line reason in err (always NUL-terminated).
 */
int kp_vm_load(const void *data, u32 len, const struct kp_vm_limits *limits,
	       const struct kp_vm_host *host, struct kp_vm **out,
	       char *err, size_t errlen);

/* Run the top-level code; a runtime error is emitted as a record. */
int kp_vm_run_main(struct kp_vm *vm);

/*
 * Run prototype index (a function of no parameters, e.g. a probe body)
 * as one invocation, with vm->event = event for EVGET.  A runtime error
 * is emitted as a record and returned (negative).
 */
int kp_vm_run_proto(struct kp_vm *vm, u32 index, const void *event);

/*
 * Temporaries for event_get(): a string of the invocation's scratch
 * holding data[0..len) (cut at --max-string), and the text that the
 * printf format fmt[0..len) makes of args.  NULL when out of memory.
 */
struct kp_str *kp_vm_scratch_str(struct kp_vm *vm, const char *data, u32 len);
struct kp_str *kp_vm_scratch_format(struct kp_vm *vm, const char *fmt,
				    u32 len, const struct kp_value *args,
				    u32 nargs);

/*
 * The end of an invocation: frees what it unlinked (kp_store_reap())
 * and its temporaries.  Nothing the invocation left in registers may
 * be used after this; what globals and tables hold stays.
 */
void kp_vm_end_invocation(struct kp_vm *vm);

void kp_vm_free(struct kp_vm *vm);

/* Internal to the core, shared between its files. */
int kp_chunk_parse(struct kp_vm *vm, const void *data, u32 len,
		   char *err, size_t errlen);
int kp_verify(const struct kp_chunk *chunk, char *err, size_t errlen);
int kp_interp(struct kp_vm *vm, const struct kp_proto *proto);
int kp_vm_error(struct kp_vm *vm, const struct kp_proto *proto,
		const u32 *pc, const char *fmt, ...)
	__printf(4, 5);

#endif /* KP_VM_H */
