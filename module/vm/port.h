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

static inline void *kp_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void kp_free(void *p)
{
	kvfree(p);
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

static inline void *kp_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void kp_free(void *p)
{
	free(p);
}

#define __maybe_unused	__attribute__((unused))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#endif /* __KERNEL__ */

/* Both hosts provide C99 snprintf semantics (the kernel's included). */
#define kp_snprintf snprintf

#endif /* KP_PORT_H */
