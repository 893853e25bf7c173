// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a probe's arguments at a hit: the argument locations of
 * uapi/ktap.h (an SDT marker's operands, DWARF parameters) and the
 * calling convention of user-space functions.  Memory is read with the
 * nofault helpers only: probe context never faults or sleeps.
 */
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include "event.h"

#ifdef CONFIG_X86_64
/* DWARF register number -> struct pt_regs slot (x86_64 psABI order). */
static const u16 kp_loc_regs[KTAP_REG_MAX + 1] = {
	offsetof(struct pt_regs, ax), offsetof(struct pt_regs, dx),
	offsetof(struct pt_regs, cx), offsetof(struct pt_regs, bx),
	offsetof(struct pt_regs, si), offsetof(struct pt_regs, di),
	offsetof(struct pt_regs, bp), offsetof(struct pt_regs, sp),
	offsetof(struct pt_regs, r8), offsetof(struct pt_regs, r9),
	offsetof(struct pt_regs, r10), offsetof(struct pt_regs, r11),
	offsetof(struct pt_regs, r12), offsetof(struct pt_regs, r13),
	offsetof(struct pt_regs, r14), offsetof(struct pt_regs, r15),
	offsetof(struct pt_regs, ip),
};

static bool kp_loc_reg(const struct kp_evctx *c, u8 reg, u64 *val)
{
	if (reg > KTAP_REG_MAX)
		return false;
	/* 16 is the probed address, also in a return probe's context */
	if (reg == KTAP_REG_MAX)
		*val = c->ip;
	else
		*val = *(const unsigned long *)((const char *)c->regs +
						kp_loc_regs[reg]);
	return true;
}
#else
static bool kp_loc_reg(const struct kp_evctx *c, u8 reg, u64 *val)
{
	return false;
}
#endif

static bool kp_loc_user(const struct kp_evctx *c)
{
	return c->ev->d.type == KTAP_EVENT_UPROBE ||
	       c->ev->d.type == KTAP_EVENT_URETPROBE;
}

static bool kp_loc_mem(const struct kp_evctx *c, u64 addr, u32 size,
		       u64 *val)
{
	*val = 0;
	/* little-endian: the low bytes come first */
	if (kp_loc_user(c))
		return !copy_from_user_nofault(val,
					       (const void __user *)(uintptr_t)addr,
					       size);
	return !copy_from_kernel_nofault(val, (const void *)(uintptr_t)addr,
					 size);
}

bool kp_event_loc_read(const struct ktap_event_arg *a,
		       const struct kp_evctx *c, u64 *val)
{
	u64 base = 0, index = 0, v;
	u32 bits = 8 * a->size;

	if (!c->regs)
		return false;
	switch (a->kind) {
	case KTAP_ARG_CONST:
		v = (u64)a->disp;
		break;
	case KTAP_ARG_REG:
		if (!kp_loc_reg(c, a->base, &v))
			return false;
		break;
	case KTAP_ARG_MEM:
		if ((a->base != KTAP_REG_NONE && !kp_loc_reg(c, a->base, &base)) ||
		    (a->index != KTAP_REG_NONE && !kp_loc_reg(c, a->index, &index)))
			return false;
		if (!kp_loc_mem(c, base + index * a->scale + (u64)a->disp,
				a->size, &v))
			return false;
		break;
	default:
		return false;
	}
	if (bits < 64 && a->is_signed)
		v = (u64)((s64)(v << (64 - bits)) >> (64 - bits));
	else if (bits < 64)
		v &= (1ULL << bits) - 1;
	*val = v;
	return true;
}

#ifdef CONFIG_X86_64
bool kp_event_user_arg(const struct kp_evctx *c, u32 n, u64 *val)
{
	/* rdi rsi rdx rcx r8 r9, then the stack above the return address */
	static const u8 regs[] = { 5, 4, 1, 2, 8, 9 };

	if (!c->regs || n == 0)
		return false;
	if (n <= ARRAY_SIZE(regs))
		return kp_loc_reg(c, regs[n - 1], val);
	return kp_loc_mem(c, c->regs->sp + 8 * (n - ARRAY_SIZE(regs)), 8, val);
}
#else
bool kp_event_user_arg(const struct kp_evctx *c, u32 n, u64 *val)
{
	return false;	/* the calling convention is known for x86_64 only */
}
#endif
