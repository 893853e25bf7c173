/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session's output channel: one ring per online CPU (output_ring.h)
 * written by the VM wherever it runs, drained by read()/poll() in time
 * order.
 *
 * Life cycle, as the session drives it:
 *   kp_output_init()      at open: locks, wait queues, the irq_work
 *   kp_output_alloc()     at LOAD: the rings, size from the session limits
 *   kp_output_write()     from any context, any CPU, while the session runs
 *   kp_output_end()       once every writer is gone (see there)
 *   kp_output_destroy()   at release
 */
#ifndef KP_OUTPUT_H
#define KP_OUTPUT_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include "output_ring.h"

struct kp_output {
	struct kp_ring **rings;		/* [nr_cpu_ids], NULL before LOAD */
	atomic64_t lost_no_ring;	/* written on a CPU that has none */
	u32 ring_size;			/* bytes per CPU */
	bool ended;			/* no more records will come */
	bool reader_waiting;		/* a reader sleeps or polls */
	struct irq_work wake;		/* wakes readers from probe context */
	struct mutex read_lock;		/* one reader at a time owns below */
	char *bounce;			/* read()'s copy-out buffer */
	u32 *active;			/* CPUs with records in this read */
	u32 *heads;			/* their heads at the start of it */
	struct ktap_record *fronts;	/* their oldest record's header */
	u64 lost_reported;		/* drops already sent as LOST */
	atomic_t stop;			/* a KTAP_REC_STOP is to be sent */
	wait_queue_head_t readers;	/* wait for records or the end */
	wait_queue_head_t writers;	/* sleepable writers wait for room */
};

void kp_output_init(struct kp_output *out);

/*
 * Allocate the rings of size bytes each (a power of two, at least
 * KTAP_OUTPUT_SIZE_MIN) for the CPUs online now, in process context.
 * 0 or -ENOMEM.
 */
int kp_output_alloc(struct kp_output *out, u32 size);

/*
 * Queue one record on the running CPU's ring.  Safe in any context,
 * NMI included: it never sleeps or spins unless may_sleep, and wakes the
 * reader through irq_work.  When the ring is full, a writer with
 * may_sleep (process context, preemptible: top-level code, trace_end)
 * waits for the reader to make room; any other writer drops the record
 * and counts it, as does a writer that interrupted another on the same
 * CPU.  Returns 0 (also when dropped), -EMSGSIZE for a payload above
 * KTAP_RECORD_MAX, or -EINTR/-ERESTARTSYS when a wait was interrupted.
 */
int kp_output_write(struct kp_output *out, u16 type, const void *data,
		    u32 len, bool may_sleep);

/*
 * The end of the session's output.  Call it in process context after
 * every writer is gone: the top-level code has returned, every probe is
 * unregistered and its handlers have finished (e.g. after
 * tracepoint_synchronize_unregister() / synchronize_rcu()), and
 * trace_end has run.  read() then drains what is left on every CPU,
 * sends a final LOST record when anything was dropped, and returns 0.
 * Writing after this is a bug.
 */
void kp_output_end(struct kp_output *out);

/*
 * Ask ktap to stop the session: the next read() ends with a
 * KTAP_REC_STOP record (ABI 1.6).  Any context, NMI included.
 */
void kp_output_request_stop(struct kp_output *out);

/* Process context; no writer may remain (kp_output_end() first). */
void kp_output_destroy(struct kp_output *out);

ssize_t kp_output_read(struct kp_output *out, char __user *ubuf,
		       size_t count, bool nonblock);
__poll_t kp_output_poll(struct kp_output *out, struct file *file,
			poll_table *wait);

#endif /* KP_OUTPUT_H */
