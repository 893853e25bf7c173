// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's life cycle: load (parse + verify) a chunk into a fresh session
 * heap, set up its execution contexts and pool, run its code in the
 * process context or a CPU's probe context, report runtime errors, keep
 * the globals consistent across CPUs, free it all.
 */
#include "vm.h"
#include "format.h"
#include "table.h"
#include "agg.h"
#include "../uapi/ktap.h"

/* Less than this left of --max-memory for the pool fails LOAD. */
#define KP_POOL_MIN	(64 * 1024)
/* What LOAD maps of the pool: LOAD stays quick, the rest comes later. */
#define KP_POOL_FIRST	(128 * 1024)

static int kp_vm_setup(struct kp_vm *vm, char *err, size_t errlen)
{
	struct kp_chunk *c = &vm->chunk;
	struct kp_value nil = kp_nil();
	u32 i;

	vm->globals = kp_heap_alloc(&vm->heap,
				    sizeof(*vm->globals) * (c->nglobals + 1));
	if (!vm->globals)
		goto full;
	for (i = 0; i < c->nglobals; i++)
		memcpy(&vm->globals[i], &nil, sizeof(nil));
	vm->ncpus = kp_nr_cpus();
	vm->cpus = kp_heap_alloc(&vm->heap, sizeof(*vm->cpus) * vm->ncpus);
	if (!vm->cpus)
		goto full;
	for (i = 0; i < vm->ncpus; i++) {
		vm->cpus[i] = kp_exec_new(vm, i, true);
		if (!vm->cpus[i])
			goto stack;
	}
	vm->proc = kp_exec_new(vm, vm->ncpus, false);
	if (!vm->proc)
		goto stack;
	return 0;
stack:
	kp_snprintf(err, errlen, "out of session memory for %u stacks of %u calls of up to %u registers (lower --max-depth or raise --max-memory)",
		    vm->ncpus + 1, vm->limits.max_depth, vm->chunk.max_regs);
	return -ENOMEM;
full:
	kp_snprintf(err, errlen, "out of session memory (limit %llu bytes; raise it with --max-memory)",
		    (unsigned long long)vm->heap.limit);
	return -ENOMEM;
}

/*
 * The pool: what LOAD left of the budget, whole pages, reserved now and
 * mapped as it is needed (store.c).
 */
static int kp_vm_setup_pool(struct kp_vm *vm, char *err, size_t errlen)
{
	u64 left = vm->heap.limit - vm->heap.used;

	left &= ~(u64)4095;
	if (left < KP_POOL_MIN) {
		kp_snprintf(err, errlen, "out of session memory: %llu bytes left for tables and strings after loading (raise it with --max-memory)",
			    (unsigned long long)left);
		return -ENOMEM;
	}
	if (kp_store_init(&vm->store, KP_POOL_FIRST, left, vm->ncpus)) {
		kp_snprintf(err, errlen, "cannot map a pool of %llu bytes (lower --max-memory)",
			    (unsigned long long)left);
		return -ENOMEM;
	}
	vm->heap.used += left;
	return 0;
}

void kp_vm_limits_from_request(const struct ktap_limits *req,
			       struct kp_vm_limits *lim)
{
	lim->max_insns = req->max_insns ? req->max_insns : KP_DEFAULT_MAX_INSNS;
	lim->max_memory = req->max_memory ? req->max_memory :
					    KP_DEFAULT_MAX_MEMORY;
	lim->max_string = req->max_string ? req->max_string :
					    KP_DEFAULT_MAX_STRING;
	lim->max_depth = req->max_depth ? req->max_depth : KP_DEFAULT_MAX_DEPTH;
	lim->max_entries = req->max_entries ? req->max_entries :
					      KP_DEFAULT_MAX_ENTRIES;
}

int kp_vm_load(const void *data, u32 len, const struct kp_vm_limits *limits,
	       const struct kp_vm_host *host, struct kp_vm **out,
	       char *err, size_t errlen)
{
	struct kp_vm *vm;
	int ret;

	if (!limits->max_insns || !limits->max_memory || !limits->max_string ||
	    !limits->max_depth || !limits->max_entries) {
		kp_snprintf(err, errlen, "every limit must be at least 1");
		return -EINVAL;
	}
	vm = kp_zalloc(sizeof(*vm));
	if (!vm) {
		kp_snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	vm->limits = *limits;
	vm->host = *host;
	kp_heap_init(&vm->heap, limits->max_memory);
	kp_lock_init(&vm->globals_lock);
	ret = kp_chunk_parse(vm, data, len, err, errlen);
	if (!ret)
		ret = kp_verify(&vm->chunk, err, errlen);
	if (!ret)
		ret = kp_vm_setup(vm, err, errlen);
	if (!ret)
		ret = kp_vm_setup_pool(vm, err, errlen);
	if (ret) {
		kp_vm_free(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

int kp_vm_run_proc(struct kp_vm *vm, const struct kp_proto *proto)
{
	struct kp_exec *x = vm->proc;
	int ret;

	if (kp_atomic_inc_return(&x->busy) != 1) {
		kp_atomic_dec(&x->busy);
		return -EBUSY;
	}
	ret = kp_exec_run(x, proto);
	kp_atomic_dec(&x->busy);
	return ret;
}

int kp_vm_run_main(struct kp_vm *vm)
{
	return kp_vm_run_proc(vm, &vm->chunk.protos[0]);
}

/*
 * The recursion guard is the CPU's guard in the store: up while the VM
 * runs a probe here, and while any context holds one of the VM's locks
 * here.  An event that finds it up (an interrupt or NMI on top of the
 * VM, a probe on a function the VM calls) is dropped, so a probe never
 * waits for something its own CPU holds.
 */
int kp_vm_run_probe(struct kp_vm *vm, const struct kp_proto *proto,
		    const void *event)
{
	u32 cpu = kp_cpu_id();
	kp_local_t *guard = &vm->store.ctxs[cpu].guard;
	struct kp_exec *x = vm->cpus[cpu];
	int ret;

	/* Without kp_vm_prepare_probes() nothing here is safe to share. */
	if (unlikely(!vm->store.shared) || kp_local_inc_return(guard) != 1) {
		if (!vm->store.shared) {
			kp_atomic64_inc(&vm->dropped);
			return -EBUSY;
		}
		kp_local_dec(guard);
		kp_atomic64_inc(&vm->dropped);
		return -EBUSY;
	}
	x->event = event;
	ret = kp_exec_run(x, proto);
	x->event = NULL;
	kp_local_dec(guard);
	if (ret == KP_EXEC_DROP) {
		kp_atomic64_inc(&vm->dropped);
		return -EBUSY;
	}
	return ret;
}

int kp_vm_prepare_probes(struct kp_vm *vm)
{
	if (vm->store.mapped < vm->store.limit && !kp_store_grow(&vm->store, 0))
		return -ENOMEM;
	vm->store.shared = true;
	kp_smp_mb();	/* before the host lets a probe see this VM */
	return 0;
}

struct kp_str *kp_vm_scratch_str(struct kp_exec *x, const char *data,
				 u32 len)
{
	struct kp_str *s;

	if (len > x->vm->limits.max_string)
		len = x->vm->limits.max_string;
	s = kp_scratch_alloc(&x->scratch, sizeof(*s) + (size_t)len + 1);
	if (!s)
		return NULL;
	memcpy(s->data, data, len);
	s->data[len] = '\0';
	s->len = len;
	s->home = KP_STR_SCRATCH;
	return s;
}

struct kp_str *kp_vm_scratch_format(struct kp_exec *x, const char *fmt,
				    u32 len, const struct kp_value *args,
				    u32 nargs)
{
	struct kp_fmt_error err;
	struct kp_fmt_out o;
	struct kp_str *s;
	u64 n;

	/* Measure, then write: the formatter counts what does not fit. */
	kp_fmt_init(&o, NULL, 0);
	o.user_marks = x->vm->host.user_marks;
	kp_fmt_format(&o, fmt, len, args, nargs, &err);
	n = o.len < x->vm->limits.max_string ? o.len : x->vm->limits.max_string;
	s = kp_scratch_alloc(&x->scratch, sizeof(*s) + (size_t)n + 1);
	if (!s)
		return NULL;
	kp_fmt_init(&o, s->data, n);
	o.user_marks = x->vm->host.user_marks;
	kp_fmt_format(&o, fmt, len, args, nargs, &err);
	s->data[n] = '\0';
	s->len = (u32)n;
	s->home = KP_STR_SCRATCH;
	return s;
}

u64 kp_vm_dropped(struct kp_vm *vm)
{
	return (u64)kp_atomic64_read(&vm->dropped);
}

bool kp_vm_may_sleep(struct kp_vm *vm)
{
	u32 cpu = kp_cpu_get();
	bool idle = !kp_local_read(&vm->store.ctxs[cpu].guard);

	kp_cpu_put();
	return idle && !kp_in_nmi();
}

void kp_vm_stats(struct kp_vm *vm, struct kp_vm_stats *out)
{
	kp_store_reap(&vm->store, true);
	out->pool_objects = vm->store.live_objects;
	out->pool_bytes = vm->store.live_bytes;
	out->pool_carved = vm->store.top;
	out->pool_mapped = vm->store.mapped;
	out->dropped = kp_vm_dropped(vm);
}

void kp_vm_free(struct kp_vm *vm)
{
	if (!vm)
		return;
	kp_store_destroy(&vm->store);
	kp_heap_destroy(&vm->heap);
	kp_free(vm);
}

/*
 * Report a runtime error as "script:line: message" through the host and
 * return the error that stops the session.  pc points after the failing
 * instruction (see kp_interp()).
 */
int kp_vm_error(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		const char *fmt, ...)
{
	struct kp_vm *vm = x->vm;
	char *msg = x->line_buf;
	u32 at = pc > p->code ? (u32)(pc - p->code) - 1 : 0;
	va_list ap;
	int n;

	n = kp_snprintf(msg, KTAP_RECORD_MAX, "%s:%u: ",
			vm->chunk.name->data, p->lines[at]);
	if (n < KTAP_RECORD_MAX) {
		va_start(ap, fmt);
		n += vsnprintf(msg + n, KTAP_RECORD_MAX - n, fmt, ap);
		va_end(ap);
	}
	if (n >= KTAP_RECORD_MAX)
		n = KTAP_RECORD_MAX - 1;
	vm->host.emit(vm->host.ctx, KTAP_REC_ERROR, msg, n);
	return -EINVAL;
}

int kp_vm_no_memory(struct kp_exec *x, const struct kp_proto *p,
		    const u32 *pc, const char *what)
{
	if (kp_in_nmi())
		return KP_EXEC_DROP;
	if (!x->probe && kp_store_grow(&x->vm->store, x->vm->store.want))
		return KP_EXEC_RETRY;
	if (what)
		return kp_vm_error(x, p, pc, "%s: out of session memory (raise it with --max-memory)",
				   what);
	return kp_vm_error(x, p, pc, "out of session memory (raise it with --max-memory)");
}

/* Globals: see kp_vm_get_global() in vm.h. */
/* globals_lock held. */
static void kp_vm_write_global(struct kp_vm *vm, u32 i,
			       const struct kp_value *v)
{
	struct kp_global *g = &vm->globals[i];
	int seq = kp_atomic_read(&vm->globals_seq);
	u64 w[2];

	memcpy(w, v, sizeof(w));
	if (!vm->store.shared) {	/* no reader anywhere else */
		memcpy(g, w, sizeof(w));
		return;
	}
	kp_atomic_set_release(&vm->globals_seq, seq + 1);
	kp_smp_wmb();
	kp_store_u64(&g->w[0], w[0]);
	kp_store_u64(&g->w[1], w[1]);
	kp_atomic_set_release(&vm->globals_seq, seq + 2);
}

/* globals_lock held: the pool lock too when old or new owns something. */
static int kp_vm_replace_global(struct kp_vm *vm, u32 i, struct kp_value *nv)
{
	struct kp_store *st = &vm->store;
	struct kp_value old = kp_vm_get_global(vm, i);
	unsigned long flags;
	int err = 0;

	if (!kp_value_owns(nv) && !kp_value_owns(&old)) {
		kp_vm_write_global(vm, i, nv);
		return 0;
	}
	if (!kp_lock(st, &st->lock, &flags))
		return KP_TAB_EBUSY;
	if (kp_value_hold(st, nv)) {
		kp_value_release(st, &old);
		kp_vm_write_global(vm, i, nv);
	} else {
		err = KP_TAB_ENOMEM;
	}
	kp_unlock(st, &st->lock, flags);
	return err;
}

int kp_vm_set_global(struct kp_vm *vm, u32 i, const struct kp_value *v)
{
	struct kp_value nv = *v;
	unsigned long flags;
	int err;

	if (nv.type == KP_TSORT)
		return KP_TAB_EVAL;
	if (!kp_lock(&vm->store, &vm->globals_lock, &flags))
		return KP_TAB_EBUSY;
	err = kp_vm_replace_global(vm, i, &nv);
	kp_unlock(&vm->store, &vm->globals_lock, flags);
	return err;
}

/* G[i] <<< n in one step, making the aggregation when G[i] is nil. */
int kp_vm_agg_global(struct kp_vm *vm, u32 i, s64 n, struct kp_value *bad)
{
	struct kp_store *st = &vm->store;
	unsigned long flags, pflags;
	struct kp_value cur, nv;
	int err = 0;

	if (!kp_lock(st, &vm->globals_lock, &flags))
		return KP_TAB_EBUSY;
	cur = kp_vm_get_global(vm, i);
	if (cur.type == KP_TAGG) {
		kp_agg_add(st, cur.agg, n);
	} else if (cur.type != KP_TNIL) {
		*bad = cur;
		err = KP_TAB_EAGG;
	} else if (!kp_lock(st, &st->lock, &pflags)) {
		err = KP_TAB_EBUSY;
	} else {
		nv = kp_aggv(kp_agg_new(st));
		if (nv.agg) {
			kp_agg_add(st, nv.agg, n);
			kp_value_hold(st, &nv);
			kp_vm_write_global(vm, i, &nv);
		} else {
			err = KP_TAB_ENOMEM;
		}
		kp_unlock(st, &st->lock, pflags);
	}
	kp_unlock(st, &vm->globals_lock, flags);
	return err;
}
