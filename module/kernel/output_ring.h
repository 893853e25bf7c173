/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One CPU's output ring: a single-producer, single-consumer byte ring of
 * whole records (uapi/ktap.h struct ktap_record), with the nesting guard
 * that keeps it single-producer.  Kernel-independent, so the unit tests
 * run the same code in user space (tests/unit/test-ring.c).
 */
#ifndef KP_OUTPUT_RING_H
#define KP_OUTPUT_RING_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <asm/barrier.h>

#define KP_RING_ALIGNED		____cacheline_aligned
#define kp_ring_counter		atomic64_t
#define kp_ring_counter_inc(c)	atomic64_inc(c)
#define kp_ring_counter_read(c)	((u64)atomic64_read(c))
/* The acquire/release pairs are described at struct kp_ring. */
#define kp_ring_load_acquire(p)	smp_load_acquire(p)
#define kp_ring_store_release(p, v)	smp_store_release(p, v)
#define kp_ring_read_once(x)	READ_ONCE(x)
#define kp_ring_write_once(x, v)	WRITE_ONCE(x, v)
#define kp_ring_barrier()	barrier()

#else /* user space: the unit tests, with the compiler's atomics */
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#define KP_RING_ALIGNED		__aligned(64)
#define __aligned(n)		__attribute__((aligned(n)))
#define kp_ring_counter		uint64_t
#define kp_ring_counter_inc(c)	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED)
#define kp_ring_counter_read(c)	__atomic_load_n(c, __ATOMIC_RELAXED)
#define kp_ring_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define kp_ring_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define kp_ring_read_once(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define kp_ring_write_once(x, v)	__atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define kp_ring_barrier()	__atomic_signal_fence(__ATOMIC_SEQ_CST)
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#include "../uapi/ktap.h"

/*
 * head and tail count bytes ever written and consumed, modulo 2^32;
 * size is a power of two, so (x & (size - 1)) is the position and
 * head - tail the fill level even across the wrap of the counters.
 * The producer owns head, busy and lost; the consumer owns tail.  They
 * sit on separate cache lines so the two sides do not bounce one.
 *
 * Publication: the producer copies a record, then store-releases head;
 * the consumer load-acquires head before reading the bytes below it,
 * and store-releases tail after copying them out, which the producer
 * load-acquires before reusing the space.
 */
struct kp_ring {
	/* producer side */
	char *buf;
	u32 size;			/* bytes, a power of two */
	u32 head;
	u32 busy;			/* a writer is inside, on this CPU */
	kp_ring_counter lost;		/* records dropped, ever */
	/* consumer side */
	u32 tail KP_RING_ALIGNED;	/* published: space before is free */
	u32 next;			/* taken but not yet released */
};

/* Bytes a record of len payload bytes takes in the ring. */
static inline u32 kp_ring_record_bytes(u32 len)
{
	return sizeof(struct ktap_record) +
	       ((len + KTAP_RECORD_ALIGN - 1) & ~(u32)(KTAP_RECORD_ALIGN - 1));
}

/* buf holds size bytes, size a power of two at least KTAP_OUTPUT_SIZE_MIN. */
void kp_ring_init(struct kp_ring *r, char *buf, u32 size);

/*
 * The nesting guard.  The producer of a CPU's ring is whoever writes on
 * that CPU with preemption off; an interrupt or NMI arriving while it is
 * inside would be a second producer, so kp_ring_enter() refuses it
 * (returns false and counts the record lost).  Interrupts on one CPU
 * nest strictly, so the plain flag is enough: a nested writer that got
 * in before the outer one set it has left again before the outer one
 * resumes.  Take the record's timestamp inside, so the ring stays in
 * time order.
 */
static inline bool kp_ring_enter(struct kp_ring *r)
{
	if (kp_ring_read_once(r->busy)) {
		kp_ring_counter_inc(&r->lost);
		return false;
	}
	kp_ring_write_once(r->busy, 1);
	kp_ring_barrier();
	return true;
}

static inline void kp_ring_exit(struct kp_ring *r)
{
	kp_ring_barrier();
	kp_ring_write_once(r->busy, 0);
}

/* Free bytes as the producer sees them. */
u32 kp_ring_room(struct kp_ring *r);

/*
 * Producer, inside the guard: append rec (whose len says how many bytes
 * of data follow) and publish it.  When it does not fit, nothing is
 * written and, if count_lost, the record is counted lost; returns
 * false.
 */
bool kp_ring_write(struct kp_ring *r, const struct ktap_record *rec,
		   const void *data, bool count_lost);

/*
 * Consumer: the header of the oldest record below head (a snapshot of
 * the producer's head taken with kp_ring_head()), into *rec.  Returns
 * false when the ring is empty up to head.
 */
bool kp_ring_peek(struct kp_ring *r, u32 head, struct ktap_record *rec);

/* Consumer: copy the oldest record (header and padded payload) to dst. */
void kp_ring_take(struct kp_ring *r, void *dst, u32 bytes);

/* Consumer: make the space of what kp_ring_take() copied reusable. */
void kp_ring_release(struct kp_ring *r);

/* Consumer: the producer's head, acquired. */
static inline u32 kp_ring_head(struct kp_ring *r)
{
	return kp_ring_load_acquire(&r->head);
}

static inline u64 kp_ring_lost(struct kp_ring *r)
{
	return kp_ring_counter_read(&r->lost);
}

#endif /* KP_OUTPUT_RING_H */
