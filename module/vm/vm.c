// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's life cycle: load (parse + verify) a chunk into a fresh session
 * heap, run its top-level code, report runtime errors, free it all.
 */
#include "vm.h"
#include "format.h"
#include "table.h"
#include "../uapi/ktap.h"

/*
 * The value stack for max_depth calls.  The top level's frame starts at
 * the bottom; the verifier proved a CALL's registers A..A+B lie in the
 * caller's frame, and the callee's frame starts at A+1, so each call
 * level starts at most max_regs values above its caller's and ends at
 * most max_regs above its own start: (max_depth + 1) * max_regs values
 * hold any chain of calls the depth limit lets through.
 */
static int kp_vm_alloc_stack(struct kp_vm *vm, char *err, size_t errlen)
{
	u64 nvalues = ((u64)vm->limits.max_depth + 1) * vm->chunk.max_regs + 1;
	u64 size = nvalues * sizeof(*vm->stack);

	if (size <= vm->heap.limit)
		vm->stack = kp_heap_alloc(&vm->heap, (size_t)size);
	vm->frames = kp_heap_alloc(&vm->heap, sizeof(*vm->frames) *
				   ((size_t)vm->limits.max_depth + 1));
	if (!vm->stack || !vm->frames) {
		kp_snprintf(err, errlen, "out of session memory for a stack of %u calls of up to %u registers (lower --max-depth or raise --max-memory)",
			    vm->limits.max_depth, vm->chunk.max_regs);
		return -ENOMEM;
	}
	vm->stack_end = vm->stack + nvalues;
	return 0;
}

static int kp_vm_setup(struct kp_vm *vm, char *err, size_t errlen)
{
	struct kp_chunk *c = &vm->chunk;
	u32 i;

	vm->globals = kp_heap_alloc(&vm->heap,
				    sizeof(*vm->globals) * (c->nglobals + 1));
	vm->line_buf = kp_heap_alloc(&vm->heap, KTAP_RECORD_MAX);
	if (!vm->globals || !vm->line_buf) {
		kp_snprintf(err, errlen, "out of session memory (limit %llu bytes; raise it with --max-memory)",
			    (unsigned long long)vm->heap.limit);
		return -ENOMEM;
	}
	for (i = 0; i < c->nglobals; i++)
		vm->globals[i] = kp_nil();
	return kp_vm_alloc_stack(vm, err, errlen);
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
	kp_store_init(&vm->store, &vm->heap);
	kp_scratch_init(&vm->scratch, &vm->heap);
	ret = kp_chunk_parse(vm, data, len, err, errlen);
	if (!ret)
		ret = kp_verify(&vm->chunk, err, errlen);
	if (!ret)
		ret = kp_vm_setup(vm, err, errlen);
	if (ret) {
		kp_vm_free(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

int kp_vm_run_main(struct kp_vm *vm)
{
	int ret = kp_interp(vm, &vm->chunk.protos[0]);

	kp_vm_end_invocation(vm);
	return ret;
}

int kp_vm_run_proto(struct kp_vm *vm, u32 index, const void *event)
{
	int ret;

	vm->event = event;
	ret = kp_interp(vm, &vm->chunk.protos[index]);
	vm->event = NULL;
	kp_vm_end_invocation(vm);
	return ret;
}

struct kp_str *kp_vm_scratch_str(struct kp_vm *vm, const char *data, u32 len)
{
	struct kp_str *s;

	if (len > vm->limits.max_string)
		len = vm->limits.max_string;
	s = kp_scratch_alloc(&vm->scratch, sizeof(*s) + (size_t)len + 1);
	if (!s)
		return NULL;
	memcpy(s->data, data, len);
	s->data[len] = '\0';
	s->len = len;
	s->home = KP_STR_SCRATCH;
	return s;
}

struct kp_str *kp_vm_scratch_format(struct kp_vm *vm, const char *fmt,
				    u32 len, const struct kp_value *args,
				    u32 nargs)
{
	struct kp_fmt_error err;
	struct kp_fmt_out o;
	struct kp_str *s;
	u64 n;

	/* Measure, then write: the formatter counts what does not fit. */
	kp_fmt_init(&o, NULL, 0);
	kp_fmt_format(&o, fmt, len, args, nargs, &err);
	n = o.len < vm->limits.max_string ? o.len : vm->limits.max_string;
	s = kp_scratch_alloc(&vm->scratch, sizeof(*s) + (size_t)n + 1);
	if (!s)
		return NULL;
	kp_fmt_init(&o, s->data, n);
	kp_fmt_format(&o, fmt, len, args, nargs, &err);
	s->data[n] = '\0';
	s->len = (u32)n;
	s->home = KP_STR_SCRATCH;
	return s;
}

void kp_vm_end_invocation(struct kp_vm *vm)
{
	kp_store_reap(&vm->store);
	kp_scratch_reset(&vm->scratch);
}

void kp_vm_free(struct kp_vm *vm)
{
	if (!vm)
		return;
	kp_store_destroy(&vm->store);
	kp_scratch_destroy(&vm->scratch);
	kp_heap_destroy(&vm->heap);
	kp_free(vm);
}

/*
 * Report a runtime error as "script:line: message" through the host and
 * return the error that stops the session.  pc points after the failing
 * instruction (see kp_interp()).
 */
int kp_vm_error(struct kp_vm *vm, const struct kp_proto *p, const u32 *pc,
		const char *fmt, ...)
{
	char *msg = vm->line_buf;
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
