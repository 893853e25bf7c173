// SPDX-License-Identifier: GPL-2.0
/*
 * Stack values: a kernel backtrace taken by stack() and kept as raw
 * return addresses.  Capture is cheap and safe in any context, and two
 * hits of one code path give equal bytes, so a stack works as a table
 * key; names are looked up only when a stack is printed, usually once
 * per distinct key at the end of tracing.
 */
#include "stack.h"
#include "str.h"

int kp_stack_capture(struct kp_exec *x, const struct kp_proto *p,
		     const u32 *pc, const char *fn, bool user, u32 depth,
		     struct kp_value *ret)
{
	struct kp_str *s;
	u32 n;
	int err = kp_str_make(x, p, pc, fn, (u64)depth * sizeof(u64), &s);

	if (err)
		return err;
	/* Scratch memory is 8-aligned, and data[] lies 8-aligned in it. */
	if (user)
		n = kp_host_ustack((u64 *)(void *)s->data, depth);
	else
		n = kp_host_kstack((u64 *)(void *)s->data, depth);
	s->len = n * sizeof(u64);
	s->data[s->len] = '\0';
	*ret = kp_stackv(s);
	return 0;
}

/* Append addr as 0x and 16 hex digits. */
static void kp_stack_put_hex(struct kp_fmt_out *o, u64 addr)
{
	static const char hex[] = "0123456789abcdef";
	char buf[18];
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = hex[(addr >> (60 - 4 * i)) & 15];
	kp_fmt_put(o, buf, sizeof(buf));
}

#define KP_STACK_SYM_MAX	128	/* bytes of one frame's text */

void kp_stack_put(struct kp_fmt_out *o, const struct kp_str *s,
		  const char *prefix)
{
	char sym[KP_STACK_SYM_MAX];
	u32 i, n = kp_stack_depth(s), len;
	u64 addr;

	for (i = 0; i < n; i++) {
		memcpy(&addr, s->data + i * sizeof(u64), sizeof(addr));
		if (i)
			kp_fmt_put(o, "\n", 1);
		kp_fmt_put(o, prefix, strlen(prefix));
		len = kp_host_ksym(addr, true, sym, sizeof(sym));
		if (len)
			kp_fmt_put(o, sym, len < sizeof(sym) ? len : sizeof(sym) - 1);
		else
			kp_stack_put_hex(o, addr);
	}
}
