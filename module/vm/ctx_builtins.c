// SPDX-License-Identifier: GPL-2.0
/*
 * The context and time built-ins: backtraces, safe reads of kernel and
 * user memory, symbols, the interrupt state, clocks and facts about the
 * machine.  Each asks the host through port.h's kp_host_* hooks, so the
 * core stays kernel-independent; everything here is safe in probe
 * context (no allocation but scratch, no lock, no fault).
 */
#include "ctx_builtins.h"
#include "stack.h"
#include "str.h"

/* An address argument, for fn: a number, else a runtime error. */
static int kp_ctx_addr(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, const char *fn,
		       const struct kp_value *v, u64 *addr)
{
	if (v->type != KP_TNUM)
		return kp_vm_error(x, p, pc, "%s: the address must be a number, got %s",
				   fn, kp_type_name(v->type));
	*addr = (u64)v->n;
	return 0;
}

/*
 * A count argument args[i] of fn from 1 to max, def when absent or
 * nil; what says what it counts in the message, and hint (or "") how
 * to raise max.
 */
static int kp_ctx_count(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, const char *fn, const char *what,
			const char *hint, const struct kp_value *args,
			u32 nargs, u32 i, u32 def, u32 max, u32 *out)
{
	*out = def;
	if (i >= nargs || args[i].type == KP_TNIL)
		return 0;
	if (args[i].type != KP_TNUM)
		return kp_vm_error(x, p, pc, "%s: the %s must be a number, got %s",
				   fn, what, kp_type_name(args[i].type));
	if (args[i].n < 1 || args[i].n > max)
		return kp_vm_error(x, p, pc, "%s: the %s must be from 1 to %u%s, got %lld",
				   fn, what, max, hint, (long long)args[i].n);
	*out = (u32)args[i].n;
	return 0;
}

/* stack([depth]) and ustack([depth]): innermost frame first. */
static int kp_ctx_stack(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, const char *fn, bool user,
			struct kp_value *ret, const struct kp_value *args,
			u32 nargs)
{
	u32 depth;
	int err = kp_ctx_count(x, p, pc, fn, "depth", "", args, nargs, 0,
			       KP_STACK_DEFAULT_DEPTH, KP_STACK_MAX_DEPTH,
			       &depth);

	if (err)
		return err;
	return kp_stack_capture(x, p, pc, fn, user, depth, ret);
}

int kp_bif_STACK(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		 struct kp_value *ret, const struct kp_value *args, u32 nargs)
{
	return kp_ctx_stack(x, p, pc, "stack", false, ret, args, nargs);
}

/* ustack([depth]): raw user addresses; names are issue 5's (ELF). */
int kp_bif_USTACK(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  struct kp_value *ret, const struct kp_value *args, u32 nargs)
{
	return kp_ctx_stack(x, p, pc, "ustack", true, ret, args, nargs);
}

/*
 * Reads go in pieces that never cross a KP_CTX_PIECE boundary, hence
 * never a page boundary: a string that ends just before an unmapped
 * page reads fine, since its last piece stops at its NUL's page.
 */
#define KP_CTX_PIECE	64

/*
 * The length of the NUL-terminated string at addr, at most max; false
 * when a byte before its end cannot be read.
 */
static bool kp_ctx_strlen(bool user, u64 addr, u32 max, u32 *len)
{
	char piece[KP_CTX_PIECE];
	u32 n = 0, chunk, i;

	while (n < max) {
		chunk = KP_CTX_PIECE - (u32)((addr + n) % KP_CTX_PIECE);
		if (chunk > max - n)
			chunk = max - n;
		if (!kp_host_read(user, piece, addr + n, chunk))
			return false;
		for (i = 0; i < chunk; i++) {
			if (!piece[i]) {
				*len = n + i;
				return true;
			}
		}
		n += chunk;
	}
	*len = max;
	return true;
}

/*
 * user_string / kernel_string (addr [, maxlen]): the string at addr,
 * up to its NUL or maxlen bytes (--max-string by default); nil when
 * it cannot be read, never a fault.  The length is found first and
 * the bytes copied into a string of exactly that size, so a long
 * maxlen costs no scratch; a string that changes in between is read
 * as it is then (the NUL is the VM's own).
 */
static int kp_ctx_string(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, const char *fn, bool user,
			 struct kp_value *ret, const struct kp_value *args,
			 u32 nargs)
{
	struct kp_str *s;
	u32 max, len;
	u64 addr = 0;
	int err = kp_ctx_addr(x, p, pc, fn, &args[0], &addr);

	if (!err)
		err = kp_ctx_count(x, p, pc, fn, "maximum length",
				   " (raise it with --max-string)", args, nargs,
				   1, x->vm->limits.max_string,
				   x->vm->limits.max_string, &max);
	if (err)
		return err;
	*ret = kp_nil();
	if (!kp_ctx_strlen(user, addr, max, &len))
		return 0;
	err = kp_str_make(x, p, pc, fn, len, &s);
	if (err)
		return err;
	if (len && !kp_host_read(user, s->data, addr, len))
		return 0;	/* unmapped since: the scratch goes at the end */
	s->data[len] = '\0';
	*ret = kp_strv(s);
	return 0;
}

int kp_bif_USER_STRING(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, struct kp_value *ret,
		       const struct kp_value *args, u32 nargs)
{
	return kp_ctx_string(x, p, pc, "user_string", true, ret, args, nargs);
}

int kp_bif_KERNEL_STRING(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, struct kp_value *ret,
			 const struct kp_value *args, u32 nargs)
{
	return kp_ctx_string(x, p, pc, "kernel_string", false, ret, args,
			     nargs);
}

#define KP_CTX_SYM_MAX	128	/* bytes of a symbol name we return */

/* ksym(addr): the name of the kernel symbol covering addr, or nil. */
static int kp_ctx_ksym(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, const char *fn, struct kp_value *ret,
		       const struct kp_value *args)
{
	char name[KP_CTX_SYM_MAX];
	u64 addr = 0;
	u32 len;
	int err = kp_ctx_addr(x, p, pc, fn, &args[0], &addr);

	if (err)
		return err;
	*ret = kp_nil();
	len = kp_host_ksym(addr, false, name, sizeof(name));
	if (!len)
		return 0;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	return kp_str_result(x, p, pc, fn, name, len, ret);
}

int kp_bif_KSYM(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		struct kp_value *ret, const struct kp_value *args,
		u32 nargs __maybe_unused)
{
	return kp_ctx_ksym(x, p, pc, "ksym", ret, args);
}

/* ipof(addr): ktap 0.4's name for ksym. */
int kp_bif_IPOF(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		struct kp_value *ret, const struct kp_value *args,
		u32 nargs __maybe_unused)
{
	return kp_ctx_ksym(x, p, pc, "ipof", ret, args);
}

/* The built-ins without arguments that return one fact. */
#define KP_CTX_FACT(id, expr)						\
int kp_bif_##id(struct kp_exec *x __maybe_unused,			\
		const struct kp_proto *p __maybe_unused,		\
		const u32 *pc __maybe_unused, struct kp_value *ret,	\
		const struct kp_value *args __maybe_unused,		\
		u32 nargs __maybe_unused)				\
{									\
	*ret = (expr);							\
	return 0;							\
}

KP_CTX_FACT(IN_INTERRUPT, kp_bool(kp_host_in_interrupt()))
KP_CTX_FACT(IN_IOWAIT, kp_bool(kp_host_in_iowait()))
KP_CTX_FACT(GETTIMEOFDAY_NS, kp_num((s64)kp_host_time_ns(true)))
KP_CTX_FACT(GETTIMEOFDAY_US, kp_num((s64)(kp_host_time_ns(true) / 1000)))
KP_CTX_FACT(GETTIMEOFDAY_MS, kp_num((s64)(kp_host_time_ns(true) / 1000000)))
KP_CTX_FACT(GETTIMEOFDAY_S, kp_num((s64)(kp_host_time_ns(true) / 1000000000)))
KP_CTX_FACT(KTIME_NS, kp_num((s64)kp_host_time_ns(false)))
KP_CTX_FACT(NUM_CPUS, kp_num(kp_host_online_cpus()))

int kp_bif_ARCH(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		struct kp_value *ret, const struct kp_value *args __maybe_unused,
		u32 nargs __maybe_unused)
{
	const char *text = kp_host_arch();

	return kp_str_result(x, p, pc, "arch", text, strlen(text), ret);
}

int kp_bif_KERNEL_V(struct kp_exec *x, const struct kp_proto *p,
		    const u32 *pc, struct kp_value *ret,
		    const struct kp_value *args __maybe_unused,
		    u32 nargs __maybe_unused)
{
	const char *text = kp_host_release();

	return kp_str_result(x, p, pc, "kernel_v", text, strlen(text), ret);
}
