/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack values: kernel and user backtraces captured as return
 * addresses and shown as symbols, one frame per line (stack.c).
 *
 * Layout of the bytes: the frames as u64 each, innermost first; a user
 * stack then has its process id (u32) after them.  So the length alone
 * tells the two apart (a multiple of 8, or 4 more), the frames stay
 * 8-aligned, and two stacks are equal keys only when they are of one
 * kind and, for user stacks, of one process (whose mappings give the
 * addresses their meaning).
 */
#ifndef KP_STACK_H
#define KP_STACK_H

#include "vm.h"
#include "format.h"

#define KP_STACK_DEFAULT_DEPTH	16	/* frames of stack() */
#define KP_STACK_MAX_DEPTH	64	/* frames of stack(depth) */

/* The frames of a stack value. */
static inline u32 kp_stack_depth(const struct kp_str *s)
{
	return s->len / sizeof(u64);
}

static inline bool kp_stack_is_user(const struct kp_str *s)
{
	return s->len % sizeof(u64) == sizeof(u32);
}

/* The process of a user stack. */
static inline u32 kp_stack_tgid(const struct kp_str *s)
{
	u32 tgid;

	memcpy(&tgid, s->data + s->len - sizeof(tgid), sizeof(tgid));
	return tgid;
}

/*
 * The kernel backtrace of the running code (or with user set the
 * current task's user one), at most depth frames, as a new temporary
 * stack value in *ret; a runtime error (returned) for fn when the
 * scratch is full.
 */
int kp_stack_capture(struct kp_exec *x, const struct kp_proto *p,
		     const u32 *pc, const char *fn, bool user, u32 depth,
		     struct kp_value *ret);

/*
 * The text of a stack: each kernel frame as the host symbolizes it
 * ("name+0xoff/0xsize", else the address in hex), each user frame as a
 * user-frame mark (ktap.h) when o->user_marks, else in hex; frames
 * separated by newlines, with prefix before each; no newline at the end.
 */
void kp_stack_put(struct kp_fmt_out *o, const struct kp_str *s,
		  const char *prefix);

#endif /* KP_STACK_H */
