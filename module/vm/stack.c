// SPDX-License-Identifier: GPL-2.0
/*
 * Stack values: a kernel backtrace taken by stack() (or a user one by
 * ustack()) and kept as raw return addresses.  Capture is cheap and
 * safe in any context, and two hits of one code path give equal bytes,
 * so a stack works as a table key; names are looked up only when a
 * stack is printed, usually once per distinct key at the end of
 * tracing.  User frames are named by the tool, not here (ktap.h,
 * KTAP_LOAD_USER_SYMBOLS).
 */
#include "stack.h"
#include "str.h"
#include "../uapi/ktap.h"

int kp_stack_capture(struct kp_exec *x, const struct kp_proto *p,
		     const u32 *pc, const char *fn, bool user, u32 depth,
		     struct kp_value *ret)
{
	struct kp_str *s;
	u32 n, tgid;
	u64 room = (u64)depth * sizeof(u64) + (user ? sizeof(tgid) : 0);
	int err = kp_str_make(x, p, pc, fn, room, &s);

	if (err)
		return err;
	/* Scratch memory is 8-aligned, and data[] lies 8-aligned in it. */
	if (user) {
		n = kp_host_ustack((u64 *)(void *)s->data, depth, &tgid);
		memcpy(s->data + n * sizeof(u64), &tgid, sizeof(tgid));
		s->len = n * sizeof(u64) + sizeof(tgid);
	} else {
		n = kp_host_kstack((u64 *)(void *)s->data, depth);
		s->len = n * sizeof(u64);
	}
	s->data[s->len] = '\0';
	*ret = kp_stackv(s);
	return 0;
}

/* Append n as width lowercase hex digits. */
static void kp_stack_put_digits(struct kp_fmt_out *o, u64 n, int width)
{
	static const char hex[] = "0123456789abcdef";
	char buf[16];
	int i;

	for (i = 0; i < width; i++)
		buf[i] = hex[(n >> (4 * (width - 1 - i))) & 15];
	kp_fmt_put(o, buf, width);
}

/* Append addr as 0x and 16 hex digits. */
static void kp_stack_put_hex(struct kp_fmt_out *o, u64 addr)
{
	kp_fmt_put(o, "0x", 2);
	kp_stack_put_digits(o, addr, 16);
}

/* A user frame as the mark ktap.h defines, for the tool to name. */
static void kp_stack_put_mark(struct kp_fmt_out *o, u32 tgid, u32 frame,
			      u64 addr)
{
	char head[2] = { KTAP_USYM_MARK, frame ? 'r' : 'i' };

	kp_fmt_put(o, head, sizeof(head));
	kp_stack_put_digits(o, tgid, 8);
	kp_stack_put_digits(o, addr, 16);
}

#define KP_STACK_SYM_MAX	128	/* bytes of one frame's text */

void kp_stack_put(struct kp_fmt_out *o, const struct kp_str *s,
		  const char *prefix)
{
	char sym[KP_STACK_SYM_MAX];
	u32 i, n = kp_stack_depth(s), len;
	bool user = kp_stack_is_user(s);
	u64 addr;

	for (i = 0; i < n; i++) {
		memcpy(&addr, s->data + i * sizeof(u64), sizeof(addr));
		if (i)
			kp_fmt_put(o, "\n", 1);
		kp_fmt_put(o, prefix, strlen(prefix));
		if (user) {
			if (o->user_marks)
				kp_stack_put_mark(o, kp_stack_tgid(s), i, addr);
			else
				kp_stack_put_hex(o, addr);
			continue;
		}
		len = kp_host_ksym(addr, true, sym, sizeof(sym));
		if (len)
			kp_fmt_put(o, sym, len < sizeof(sym) ? len : sizeof(sym) - 1);
		else
			kp_stack_put_hex(o, addr);
	}
}
