/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The porting header: everything the VM core needs from its host.
 *
 * The files in module/vm/ include no kernel or libc header but this one,
 * so the same core is built into ktapvm.ko and into a user-space library
 * that the tests and fuzzers run without a kernel.  Each host provides:
 * fixed-width types, memory, string helpers and formatted printing.
 * Memory comes from process context only (LOAD and the top-level code);
 * the probe-context allocator arrives with events.
 */
#ifndef KP_PORT_H
#define KP_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/stdarg.h>
#include <linux/spinlock.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/bitops.h>

/*
 * INTERIM (module/kernel/interim.c): GFP_ATOMIC in probe context, until
 * the session pool of branch vmctx replaces allocation there.
 */
void *kp_interim_zalloc(size_t size);
void kp_interim_free(void *p);

static inline void *kp_zalloc(size_t size)
{
	return kp_interim_zalloc(size);
}

static inline void kp_free(void *p)
{
	kp_interim_free(p);
}

/* CPUs: aggregations keep one slot per possible CPU (agg.c). */
static inline u32 kp_nr_cpus(void)
{
	return nr_cpu_ids;
}

/*
 * The id of the CPU running now, for a read that may go stale at once
 * (a hint, messages): raw_ because the caller does not need it to stay.
 */
static inline u32 kp_cpu_id(void)
{
	return raw_smp_processor_id();
}

/*
 * The running CPU, pinned until kp_cpu_put(): an aggregation's update of
 * its slot must not migrate half way, since another writer could then
 * be on the slot at the same time.  The top-level code runs preemptible
 * (inside an ioctl); probe handlers already run with preemption off,
 * where get_cpu() only costs a counter.
 */
static inline u32 kp_cpu_get(void)
{
	return get_cpu();
}

static inline void kp_cpu_put(void)
{
	put_cpu();
}

/* See the user-space versions: KASAN watches whole heap blocks only. */
#define KP_HEAP_REDZONE	0

static inline void kp_heap_poison(void *p, size_t n)
{
}

static inline void kp_heap_unpoison(void *p, size_t n)
{
}

/*
 * A table's lock.  Raw and irqsave because probe handlers will take it
 * in any context; flags live in the lock, which only its holder touches.
 */
struct kp_lock {
	raw_spinlock_t lock;
	unsigned long flags;
};

static inline void kp_lock_init(struct kp_lock *l)
{
	raw_spin_lock_init(&l->lock);
}

static inline void kp_lock(struct kp_lock *l)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->flags = flags;
}

static inline void kp_unlock(struct kp_lock *l)
{
	raw_spin_unlock_irqrestore(&l->lock, l->flags);
}

/* The position of the highest set bit, 1..64; 0 for 0. */
static inline u32 kp_fls64(u64 x)
{
	return fls64(x);
}

#else /* user space */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef S64_MAX
#define S64_MAX INT64_MAX
#endif
#ifndef S64_MIN
#define S64_MIN INT64_MIN
#endif
#ifndef U32_MAX
#define U32_MAX UINT32_MAX
#endif

static inline void *kp_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void kp_free(void *p)
{
	free(p);
}

/* One thread runs a user-space session: CPU 0 of 1. */
static inline u32 kp_nr_cpus(void)
{
	return 1;
}

static inline u32 kp_cpu_id(void)
{
	return 0;
}

static inline u32 kp_cpu_get(void)
{
	return 0;
}

static inline void kp_cpu_put(void)
{
}

/*
 * The session heap carves objects out of big blocks, so AddressSanitizer
 * sees only the blocks: a read from one object into the next or into
 * the unused rest would go unnoticed.  Under ASan (the sanitizer builds
 * of the tests, the fuzzers) the heap poisons what it has not handed out
 * and leaves a poisoned redzone after each object.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KP_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KP_ASAN 1
#endif

#ifdef KP_ASAN
#include <sanitizer/asan_interface.h>
#define KP_HEAP_REDZONE	16
#define kp_heap_poison(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define kp_heap_unpoison(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define KP_HEAP_REDZONE	0
static inline void kp_heap_poison(void *p, size_t n)
{
	(void)p;
	(void)n;
}

static inline void kp_heap_unpoison(void *p, size_t n)
{
	(void)p;
	(void)n;
}
#endif

static inline u32 kp_fls64(u64 x)
{
	return x ? 64 - (u32)__builtin_clzll(x) : 0;
}

/*
 * The user-space VM runs one thread per session: the lock only checks
 * that every table operation pairs its lock and unlock.
 */
struct kp_lock {
	int held;
};

static inline void kp_lock_init(struct kp_lock *l)
{
	l->held = 0;
}

static inline void kp_lock(struct kp_lock *l)
{
	if (l->held++)
		abort();
}

static inline void kp_unlock(struct kp_lock *l)
{
	if (--l->held)
		abort();
}

#define __maybe_unused	__attribute__((unused))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#endif /* __KERNEL__ */

/* Both hosts provide C99 snprintf semantics (the kernel's included). */
#define kp_snprintf snprintf

/*
 * What the context built-ins (ctx_builtins.c) ask of the host about the
 * machine and the code running now: module/kernel/ctx_host.c in the
 * kernel; module/vm/port_user.c in user space, where ktap-uvm stands in
 * for a kernel (see there).  Each may be called in any context, NMI
 * included: none sleeps, takes a lock or faults.
 */

/*
 * The kernel backtrace of the running code, innermost frame first, up
 * to max return addresses into ips; the VM's and the host's own frames
 * are left out.  Returns how many it stored.
 */
u32 kp_host_kstack(u64 *ips, u32 max);

/*
 * The current task's user backtrace: its user instruction pointer, then
 * the return addresses a frame-pointer walk finds (code built without
 * frame pointers ends it early), up to max; 0 in a kernel thread.
 */
u32 kp_host_ustack(u64 *ips, u32 max);

/*
 * The kernel symbol at addr into buf (size bytes, NUL-terminated,
 * truncated to fit): its name, or with frame set "name+0xoff/0xsize"
 * (and " [module]") as backtraces show a return address.  Returns the
 * length, 0 when no symbol covers addr.
 */
u32 kp_host_ksym(u64 addr, bool frame, char *buf, u32 size);

/*
 * Copy len bytes at src (user memory of the current task when user is
 * set, else kernel memory) to dst without ever faulting; false when
 * any of it cannot be read.
 */
bool kp_host_read(bool user, void *dst, u64 src, u32 len);

bool kp_host_in_interrupt(void);	/* hard or soft irq, or NMI */
bool kp_host_in_iowait(void);		/* the current task waits for I/O */
u64 kp_host_time_ns(bool wall);		/* wall clock, else monotonic */
u32 kp_host_online_cpus(void);
const char *kp_host_arch(void);		/* uname -m */
const char *kp_host_release(void);	/* uname -r */

#endif /* KP_PORT_H */
