/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The porting header: everything the VM core needs from its host.
 *
 * The files in module/vm/ include no kernel or libc header but this one,
 * so the same core is built into ktapvm.ko and into a user-space library
 * that the tests and fuzzers run without a kernel.  Each host provides:
 * fixed-width types, memory, string helpers, formatted printing, and
 * what running on many CPUs at once needs: the CPU id, atomics, locks,
 * interrupt masking and "are we in NMI".  Host memory is taken only in
 * process context, at LOAD (kp_zalloc, kp_pool_map); probe context lives
 * on what LOAD carved (store.c, exec.c).
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
#include <linux/atomic.h>
#include <linux/vmalloc.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/hardirq.h>
#include <asm/local.h>
#include <linux/bitops.h>

static inline void *kp_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void kp_free(void *p)
{
	kvfree(p);
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
 * The running CPU, pinned until kp_cpu_put(), for a look at this CPU's
 * state that must not migrate half way (kp_vm_may_sleep()).  The
 * top-level code runs preemptible (inside an ioctl); probe handlers
 * already run with preemption off, where get_cpu() only costs a counter.
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
 * The pool of a session's objects (store.c): one vmalloc at LOAD, so
 * probe context never calls the allocator.  Not zeroed: objects are
 * cleared when handed out.
 */
static inline void *kp_pool_map(size_t size)
{
	return vmalloc(size);
}

static inline void kp_pool_unmap(void *p, size_t size)
{
	vfree(p);
}

/* What one CPU writes often: on a cache line of its own. */
#define KP_CACHE_ALIGNED	____cacheline_aligned

/* Atomics: the kernel's, under names both hosts provide. */
typedef atomic_t kp_atomic_t;
typedef atomic64_t kp_atomic64_t;
#define kp_atomic_read(a)		atomic_read(a)
#define kp_atomic_set(a, v)		atomic_set(a, v)
#define kp_atomic_inc_return(a)		atomic_inc_return(a)
#define kp_atomic_dec(a)		atomic_dec(a)
#define kp_atomic64_read(a)		atomic64_read(a)
#define kp_atomic64_set(a, v)		atomic64_set(a, v)
#define kp_atomic64_inc(a)		atomic64_inc(a)
#define kp_atomic64_inc_return(a)	atomic64_inc_return(a)
#define kp_atomic_set_release(a, v)	atomic_set_release(a, v)

/*
 * A counter only its own CPU changes (the recursion guard): interrupts
 * may nest on it but always put back what they took, so no bus lock.
 */
typedef local_t kp_local_t;
#define kp_local_set(l, v)		local_set(l, v)
#define kp_local_read(l)		local_read(l)
#define kp_local_inc_return(l)		local_inc_return(l)
#define kp_local_dec(l)			local_dec(l)
#define kp_smp_mb()			smp_mb()
#define kp_smp_rmb()			smp_rmb()
#define kp_smp_wmb()			smp_wmb()
#define kp_load_u64(p)			READ_ONCE(*(p))
#define kp_store_u64(p, v)		WRITE_ONCE(*(p), v)

/*
 * Interrupts off around a lock: probe handlers take the same locks from
 * interrupt context, so a holder must not be interrupted on its CPU.
 */
#define kp_irq_save(flags)		local_irq_save(flags)
#define kp_irq_restore(flags)		local_irq_restore(flags)

static inline bool kp_in_nmi(void)
{
	return in_nmi();
}

/* A raw spinlock: probe handlers take it in any context but NMI. */
struct kp_lock {
	raw_spinlock_t lock;
};

static inline void kp_lock_init(struct kp_lock *l)
{
	raw_spin_lock_init(&l->lock);
}

/* Interrupts are off.  In NMI only a trylock: it could spin forever. */
static inline bool kp_lock_raw(struct kp_lock *l)
{
	if (in_nmi())
		return raw_spin_trylock(&l->lock);
	raw_spin_lock(&l->lock);
	return true;
}

static inline void kp_unlock_raw(struct kp_lock *l)
{
	raw_spin_unlock(&l->lock);
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
#include <sched.h>
#include <sys/mman.h>
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

/*
 * User-space "CPUs" are threads: a host sets kp_port_ncpus before LOAD
 * (default 1) and gives each thread that runs probes its own
 * kp_port_cpu, as the kernel runs one probe per CPU at a time.
 * Defined in port_user.c.
 */
extern u32 kp_port_ncpus;
extern __thread u32 kp_port_cpu;
/* A thread sets it to run as if in NMI: locks are only tried (tests). */
extern __thread bool kp_port_nmi;

static inline u32 kp_nr_cpus(void)
{
	return kp_port_ncpus ? kp_port_ncpus : 1;
}

static inline u32 kp_cpu_id(void)
{
	return kp_port_cpu < kp_nr_cpus() ? kp_port_cpu : 0;
}

static inline u32 kp_cpu_get(void)
{
	return kp_cpu_id();
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


/* The pool: address space only, pages come when first touched. */
static inline void *kp_pool_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline void kp_pool_unmap(void *p, size_t size)
{
	munmap(p, size);
}

#define KP_CACHE_ALIGNED	__attribute__((aligned(64)))

/*
 * Atomics on GCC's builtins.  Sequentially consistent where the kernel's
 * are fully ordered (returning RMWs), so ThreadSanitizer sees the same
 * happens-before edges the kernel's barriers give.
 */
typedef struct { int v; } kp_atomic_t;
typedef struct { s64 v; } kp_atomic64_t;
#define KP_SC	__ATOMIC_SEQ_CST
#define kp_atomic_read(a)		__atomic_load_n(&(a)->v, KP_SC)
#define kp_atomic_set(a, n)		__atomic_store_n(&(a)->v, n, KP_SC)
#define kp_atomic_inc_return(a)		__atomic_add_fetch(&(a)->v, 1, KP_SC)
#define kp_atomic_dec(a)		__atomic_sub_fetch(&(a)->v, 1, KP_SC)
#define kp_atomic64_read(a)		__atomic_load_n(&(a)->v, KP_SC)
#define kp_atomic64_set(a, n)		__atomic_store_n(&(a)->v, n, KP_SC)
#define kp_atomic64_inc(a)		__atomic_add_fetch(&(a)->v, 1, KP_SC)
#define kp_atomic64_inc_return(a)	__atomic_add_fetch(&(a)->v, 1, KP_SC)
#define kp_atomic_set_release(a, n)	\
	__atomic_store_n(&(a)->v, n, __ATOMIC_RELEASE)

/*
 * A counter only its own thread ("CPU") changes: relaxed loads and
 * stores, as cheap as the kernel's local_t and race-free for TSan.
 */
typedef struct { long v; } kp_local_t;
#define kp_local_set(l, n)	__atomic_store_n(&(l)->v, n, __ATOMIC_RELAXED)
#define kp_local_read(l)	__atomic_load_n(&(l)->v, __ATOMIC_RELAXED)
static inline long kp_local_inc_return(kp_local_t *l)
{
	long n = kp_local_read(l) + 1;

	kp_local_set(l, n);
	return n;
}
#define kp_local_dec(l)		kp_local_set(l, kp_local_read(l) - 1)
#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer has no fences.  Every access the barriers order is an
 * atomic (seqcount words, epochs), so it reports no race either way and
 * sees the epochs' happens-before through their seq_cst stores and loads.
 */
#define kp_smp_mb()	do { } while (0)
#define kp_smp_rmb()	do { } while (0)
#define kp_smp_wmb()	do { } while (0)
#else
#define kp_smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define kp_smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define kp_smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#define kp_load_u64(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#define kp_store_u64(p, n)	__atomic_store_n(p, n, __ATOMIC_RELAXED)

/* No interrupts in user space. */
#define kp_irq_save(flags)	((flags) = 0)
#define kp_irq_restore(flags)	((void)(flags))

static inline bool kp_in_nmi(void)
{
	return kp_port_nmi;
}

/*
 * A spinlock that yields: the threads of a test may outnumber the
 * cores, and a preempted holder must get to run.  Acquire and release
 * atomics, which ThreadSanitizer understands as a lock.
 */
struct kp_lock {
	int held;
};

static inline void kp_lock_init(struct kp_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
}

static inline bool kp_lock_raw(struct kp_lock *l)
{
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)) {
		if (kp_port_nmi)
			return false;
		sched_yield();
	}
	return true;
}

static inline void kp_unlock_raw(struct kp_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
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
 * *tgid is the process the addresses belong to.
 */
u32 kp_host_ustack(u64 *ips, u32 max, u32 *tgid);

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
