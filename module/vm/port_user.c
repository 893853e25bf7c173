// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space side of port.h's context hooks, for libktapvm.a (the
 * unit tests, the fuzzers and ktap-uvm); the kernel's is
 * module/kernel/ctx_host.c.
 *
 * There is no kernel to look at here, so this host stands in for one as
 * plainly as it can, to keep the language suite's results the same on
 * both VMs: memory reads are reads of this process's own memory through
 * process_vm_readv(), which fails instead of faulting, so a bad address
 * gives nil as in the kernel; clocks, CPUs and uname are the machine's;
 * the user backtrace is this process's own; and the "kernel" backtrace
 * is a fixed three-frame one of a made-up kernel text (uvm_kernel_text
 * below), whose symbols ksym() knows.
 */
#ifndef __KERNEL__

#define _GNU_SOURCE
#include <execinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "port.h"

/* The CPUs of the user-space host (port.h): threads that run probes. */
u32 kp_port_ncpus = 1;
__thread u32 kp_port_cpu;
__thread bool kp_port_nmi;

struct uvm_sym {
	u64 addr;
	u32 size;
	const char *name;
};

/* Sorted by address; the region and names are invented, not a kernel's. */
static const struct uvm_sym uvm_kernel_text[] = {
	{ 0xffffffff81000000ULL, 0x80, "uvm_entry_syscall" },
	{ 0xffffffff81000080ULL, 0x40, "uvm_sys_ioctl" },
	{ 0xffffffff810000c0ULL, 0x100, "uvm_ktap_ioctl" },
};

#define UVM_NSYMS	(sizeof(uvm_kernel_text) / sizeof(uvm_kernel_text[0]))

u32 kp_host_kstack(u64 *ips, u32 max)
{
	/* Return addresses inside each function, innermost first. */
	static const u64 frames[] = {
		0xffffffff810000c0ULL + 0x4a,
		0xffffffff81000080ULL + 0x1d,
		0xffffffff81000000ULL + 0x63,
	};
	u32 i;

	for (i = 0; i < max && i < sizeof(frames) / sizeof(frames[0]); i++)
		ips[i] = frames[i];
	return i;
}

/*
 * The real user backtrace of this process, as glibc's backtrace()
 * finds it, innermost first (backtrace's own caller included).
 */
u32 kp_host_ustack(u64 *ips, u32 max, u32 *tgid)
{
	void *buf[64];
	int n, i;

	*tgid = (u32)getpid();
	n = backtrace(buf, max < 64 ? (int)max : 64);
	for (i = 0; i < n; i++)
		ips[i] = (u64)(uintptr_t)buf[i];
	return n > 0 ? (u32)n : 0;
}

u32 kp_host_ksym(u64 addr, bool frame, char *buf, u32 size)
{
	const struct uvm_sym *s;
	size_t i;
	int n;

	for (i = 0; i < UVM_NSYMS; i++) {
		s = &uvm_kernel_text[i];
		if (addr < s->addr || addr - s->addr >= s->size)
			continue;
		if (frame)
			n = snprintf(buf, size, "%s+%#llx/%#x", s->name,
				     (unsigned long long)(addr - s->addr),
				     s->size);
		else
			n = snprintf(buf, size, "%s", s->name);
		if (n < 0)
			return 0;
		return (u32)n < size ? (u32)n : size - 1;
	}
	return 0;
}

bool kp_host_read(bool user, void *dst, u64 src, u32 len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = {
		.iov_base = (void *)(uintptr_t)src, .iov_len = len,
	};

	(void)user;	/* one address space here */
	if ((uintptr_t)src != src)
		return false;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) ==
	       (ssize_t)len;
}

bool kp_host_in_interrupt(void)
{
	return false;	/* a process is never an interrupt */
}

bool kp_host_in_iowait(void)
{
	return false;	/* it runs, so it is not waiting */
}

u64 kp_host_time_ns(bool wall)
{
	struct timespec ts;

	clock_gettime(wall ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

u32 kp_host_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (u32)n : 1;
}

static const struct utsname *uvm_uname(void)
{
	static struct utsname u;

	if (!u.sysname[0] && uname(&u))
		strcpy(u.machine, "unknown");
	return &u;
}

const char *kp_host_arch(void)
{
	return uvm_uname()->machine;
}

const char *kp_host_release(void)
{
	return uvm_uname()->release;
}

#endif /* !__KERNEL__ */
