// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of port.h's context hooks: backtraces, symbols,
 * nofault memory reads, the interrupt state, clocks and uname, for the
 * VM's context built-ins (vm/ctx_builtins.c).  Every hook is safe in
 * any context, NMI included: the clocks are the NMI-safe "fast" ones,
 * uname is the initial namespace's (a probe may fire in a task whose
 * nsproxy is gone), and memory is only read through the *_nofault
 * helpers both supported kernels export (copy_from_kernel_nofault and
 * copy_from_user_nofault; the strncpy_*_nofault ones are not exported).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hardirq.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "../vm/port.h"

/*
 * The backtrace starts inside ktapvm (this function, the built-in, the
 * interpreter, and at top level the ioctl): those frames are dropped,
 * so the stack begins where the kernel called into us, and two hits of
 * one kernel path give the same stack whichever script line asked.
 */
u32 kp_host_kstack(u64 *ips, u32 max)
{
	unsigned long *raw = (unsigned long *)ips;
	u32 n, own, skip = 0;

	BUILD_BUG_ON(sizeof(unsigned long) != sizeof(u64));
	/*
	 * Each walk starts from here, so skipping the frames of ours found
	 * so far starts the next one further out; when our frames filled
	 * ips, walk again past them (a handful of rounds at most).
	 */
	for (;;) {
		n = stack_trace_save(raw, max, skip);
		for (own = 0; own < n && within_module(raw[own], THIS_MODULE);)
			own++;
		if (!own)
			return n;
		if (n < max) {
			memmove(raw, raw + own, (n - own) * sizeof(*raw));
			return n - own;
		}
		skip += own;
	}
}

/*
 * A frame as the x86-64 ABI lays it out when frame pointers are kept:
 * the caller's frame pointer, then the return address.
 */
struct kp_host_uframe {
	unsigned long next;
	unsigned long ret;
};

u32 kp_host_ustack(u64 *ips, u32 max, u32 *tgid)
{
	struct pt_regs *regs;
	struct kp_host_uframe f;
	unsigned long fp;
	u32 n = 0;

	*tgid = current->tgid;
	if (!max || !current->mm || (current->flags & PF_KTHREAD))
		return 0;
	regs = task_pt_regs(current);
	ips[n++] = instruction_pointer(regs);
	fp = frame_pointer(regs);
	/*
	 * Each read goes through copy_from_user_nofault (which also refuses
	 * in an NMI that came while another mm was loaded); a frame must
	 * lie above the one before, so a loop ends.
	 */
	while (n < max && fp && !(fp & (sizeof(long) - 1))) {
		if (copy_from_user_nofault(&f, (const void __user *)fp,
					   sizeof(f)) || !f.ret)
			break;
		ips[n++] = f.ret;
		if (f.next <= fp)
			break;
		fp = f.next;
	}
	return n;
}

/*
 * %pB for return addresses (it looks up addr - 1, so a call at the end
 * of a function is not named after the next one), %ps for a plain
 * address.  An address without a symbol prints as 0x...: no symbol.
 */
u32 kp_host_ksym(u64 addr, bool frame, char *buf, u32 size)
{
	int n;

	if (frame)
		n = snprintf(buf, size, "%pB", (void *)(unsigned long)addr);
	else
		n = snprintf(buf, size, "%ps", (void *)(unsigned long)addr);
	if (n <= 0 || !strncmp(buf, "0x", 2))
		return 0;
	return (u32)n < size ? (u32)n : size - 1;
}

bool kp_host_read(bool user, void *dst, u64 src, u32 len)
{
	if (user)
		return !copy_from_user_nofault(dst,
					       (const void __user *)(unsigned long)src,
					       len);
	return !copy_from_kernel_nofault(dst, (const void *)(unsigned long)src,
					 len);
}

bool kp_host_in_interrupt(void)
{
	return in_interrupt();
}

bool kp_host_in_iowait(void)
{
	return current->in_iowait;
}

u64 kp_host_time_ns(bool wall)
{
	return wall ? ktime_get_real_fast_ns() : ktime_get_mono_fast_ns();
}

u32 kp_host_online_cpus(void)
{
	return num_online_cpus();
}

const char *kp_host_arch(void)
{
	return init_utsname()->machine;
}

const char *kp_host_release(void)
{
	return init_utsname()->release;
}
