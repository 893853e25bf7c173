/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM core's interface to its hosts (the kernel module and the
 * user-space test runner): load and verify a chunk, run its code in the
 * process context or in a CPU's probe context, free it.
 */
#ifndef KP_VM_H
#define KP_VM_H

#include "port.h"
#include "value.h"
#include "heap.h"
#include "store.h"
#include "exec.h"

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
 * It is called from whichever context runs the code: it may wait for
 * the reader only when kp_vm_may_sleep() says so, and must drop (and
 * count) otherwise.
 */
struct kp_vm_host {
	int (*emit)(void *ctx, u16 type, const char *data, u32 len);
	/*
	 * Called every KP_YIELD_INTERVAL instructions of the process
	 * context when not NULL (never in probe context): the host
	 * reschedules here and returns a negative errno to stop a script
	 * whose process is being killed.
	 */
	int (*yield)(void *ctx);
	/*
	 * Events (ABI 1.8), both may be NULL.  event_get() puts item
	 * (enum ktap_evctx) of the event x->event, with index (argN's N,
	 * a $name slot), into *out; it may build strings with
	 * kp_vm_scratch_str() and kp_vm_scratch_format(), and leaves *out
	 * nil when the item does not exist.  stop() is exit().  Both are
	 * called wherever the code runs, probe context included.
	 */
	void (*event_get)(struct kp_exec *x, u32 item, u32 index,
			  struct kp_value *out);
	void (*stop)(void *ctx);
	void *ctx;
	/*
	 * Print user stack frames as marks the tool names (the session
	 * asked with KTAP_LOAD_USER_SYMBOLS) rather than in hex.
	 */
	bool user_marks;
};

#define KP_YIELD_INTERVAL	65536	/* a power of two */

/*
 * A global's value as two words, read and written only through
 * kp_vm_get_global() and kp_vm_set_global() (atomically per word).
 */
struct kp_global {
	u64 w[2];
};

/*
 * Memory (README.md, "Memory"): the heap holds the loaded chunk, the
 * globals and the execution contexts, all allocated at LOAD, and is the
 * budget the store's pool (the rest of --max-memory) is carved from.
 *
 * Concurrency: the same chunk runs in the process context and in every
 * CPU's probe context at once.  Globals are 16-byte values: readers
 * take them under globals_seq (a seqcount, retried while odd or moved),
 * writers under globals_lock; tables have their own locks; the store
 * has the pool lock and the epochs that defer frees (store.c).
 */
struct kp_vm {
	struct kp_heap heap;
	struct kp_store store;
	kp_atomic_t next_table_id;
	struct kp_chunk chunk;
	struct kp_vm_limits limits;
	struct kp_vm_host host;
	struct kp_global *globals;
	struct kp_lock globals_lock;
	kp_atomic_t globals_seq;
	struct kp_exec *proc;		/* top level, trace_end */
	struct kp_exec **cpus;		/* one per possible CPU */
	u32 ncpus;
	kp_atomic64_t dropped;		/* events not run: kp_vm_dropped() */
};

/*
 * Parse and verify a chunk.  On failure returns a negative errno and
 * leaves a one-line reason in err (always NUL-terminated).
 */
int kp_vm_load(const void *data, u32 len, const struct kp_vm_limits *limits,
	       const struct kp_vm_host *host, struct kp_vm **out,
	       char *err, size_t errlen);

/*
 * Run proto (a function of the chunk taking no arguments) in the process
 * context: the top level, trace_end.  Process context only; it may
 * sleep in emit() and yield().  A runtime error is emitted as a record
 * and returned as -EINVAL; -EBUSY when the process context is already
 * running.
 */
int kp_vm_run_proc(struct kp_vm *vm, const struct kp_proto *proto);

/* kp_vm_run_proc() of the top-level code. */
int kp_vm_run_main(struct kp_vm *vm);

/*
 * Run proto for one event on this CPU's probe context, from a probe
 * handler with preemption off (any context, NMI included).  event is
 * the host's, for the context built-ins.  Returns 0; -EBUSY when the
 * event was dropped (the VM was already running on this CPU, or in NMI
 * a lock was taken) and counted; -EINVAL after a runtime error, emitted
 * as a record: the host stops the session.
 */
int kp_vm_run_probe(struct kp_vm *vm, const struct kp_proto *proto,
		    const void *event);

/*
 * Process context, after the top level ran and before any probe may
 * fire: map all of the pool the budget allows now, since probe context
 * cannot map more (store.c), and turn on the locks, guards and
 * seqcounts that sharing the VM between contexts needs (until then the
 * process context runs alone and skips them).  0 or -ENOMEM.
 * kp_vm_run_probe() before it drops the event.
 */
int kp_vm_prepare_probes(struct kp_vm *vm);

/*
 * Temporaries for event_get(): a string of x's scratch holding
 * data[0..len) (cut at --max-string), and the text that the printf
 * format fmt[0..len) makes of args.  NULL when out of memory.
 */
struct kp_str *kp_vm_scratch_str(struct kp_exec *x, const char *data,
				 u32 len);
struct kp_str *kp_vm_scratch_format(struct kp_exec *x, const char *fmt,
				    u32 len, const struct kp_value *args,
				    u32 nargs);

/* How many events kp_vm_run_probe() dropped. */
u64 kp_vm_dropped(struct kp_vm *vm);

/*
 * Whether the code calling emit() runs in the process context and may
 * wait (for the output reader); false in probe context.
 */
bool kp_vm_may_sleep(struct kp_vm *vm);

/* What a session's pool holds, for tests and debugging. */
struct kp_vm_stats {
	u64 pool_objects;	/* live objects */
	u64 pool_bytes;		/* their class sizes */
	u64 pool_carved;	/* bytes carved from the segments so far */
	u64 pool_mapped;	/* bytes of the segments */
	u64 dropped;		/* kp_vm_dropped() */
};

/*
 * Process context, with nothing running (after the last invocation):
 * free everything retired, then count.
 */
void kp_vm_stats(struct kp_vm *vm, struct kp_vm_stats *out);

void kp_vm_free(struct kp_vm *vm);

/* Internal to the core, shared between its files. */
int kp_chunk_parse(struct kp_vm *vm, const void *data, u32 len,
		   char *err, size_t errlen);
int kp_verify(const struct kp_chunk *chunk, char *err, size_t errlen);
int kp_interp(struct kp_exec *x, const struct kp_proto *proto);
int kp_vm_error(struct kp_exec *x, const struct kp_proto *proto,
		const u32 *pc, const char *fmt, ...)
	__printf(4, 5);

/*
 * Out of pool.  In the process context the pool grows and the failed
 * instruction runs again (KP_EXEC_RETRY: whatever failed for lack of
 * memory changed nothing).  In NMI a lock was maybe taken: KP_EXEC_DROP,
 * and kp_vm_run_probe() counts the event as dropped.  Otherwise it
 * reports the out-of-memory error for what (a built-in's name, or NULL).
 */
#define KP_EXEC_DROP	(-EAGAIN)
#define KP_EXEC_RETRY	(-ENOBUFS)
int kp_vm_no_memory(struct kp_exec *x, const struct kp_proto *proto,
		    const u32 *pc, const char *what);

/*
 * Globals.  A writer holds globals_lock and makes globals_seq odd while
 * it writes the two words; a reader retries until it read both words
 * under one even value.  A reader never waits for a lock, so this is
 * safe in NMI too: the writer it may retry for runs on another CPU (one
 * on this CPU holds the guard, and the event would have been dropped).
 * Until probes may run (!store.shared) they are plain words.
 */
static inline struct kp_value kp_vm_get_global(struct kp_vm *vm, u32 i)
{
	struct kp_global *g = &vm->globals[i];
	struct kp_value v;
	u64 w[2];
	int seq;

	if (likely(!vm->store.shared)) {	/* the process context alone */
		memcpy(&v, g, sizeof(v));
		return v;
	}
	for (;;) {
		seq = kp_atomic_read(&vm->globals_seq);
		kp_smp_rmb();
		w[0] = kp_load_u64(&g->w[0]);
		w[1] = kp_load_u64(&g->w[1]);
		kp_smp_rmb();
		if (!(seq & 1) && kp_atomic_read(&vm->globals_seq) == seq)
			break;
	}
	memcpy(&v, w, sizeof(v));
	return v;
}

/* G[i] := v, holding v and letting go of the old; KP_TAB_* codes. */
int kp_vm_set_global(struct kp_vm *vm, u32 i, const struct kp_value *v);
/* G[i] <<< n (see kp_tab_agg()). */
int kp_vm_agg_global(struct kp_vm *vm, u32 i, s64 n, struct kp_value *bad);

#endif /* KP_VM_H */
