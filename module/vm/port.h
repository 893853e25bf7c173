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

static inline void *kp_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void kp_free(void *p)
{
	kvfree(p);
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

#endif /* KP_PORT_H */
