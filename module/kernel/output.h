/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session's output channel: a ring of whole records (uapi/ktap.h
 * struct ktap_record) written by the VM and drained by read()/poll().
 */
#ifndef KP_OUTPUT_H
#define KP_OUTPUT_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>

struct kp_output {
	spinlock_t lock;		/* guards everything below */
	char *ring;
	size_t size;			/* bytes, a multiple of 8 */
	size_t head;			/* bytes ever written */
	size_t tail;			/* bytes ever read */
	u64 lost;			/* records dropped, not yet reported */
	bool ended;			/* no more records will come */
	struct mutex read_lock;		/* one reader owns bounce at a time */
	char *bounce;			/* read()'s copy-out buffer */
	wait_queue_head_t readers;	/* wait for records or the end */
	wait_queue_head_t writers;	/* sleepable writers wait for room */
	/*
	 * Probe context may hold locks that wake_up() takes (a tracepoint
	 * inside the scheduler): it wakes readers through this irq_work.
	 */
	struct irq_work wake;
	atomic64_t lost_busy;		/* dropped: the lock was busy */
	atomic_t stop;			/* a KTAP_REC_STOP is to be sent */
};

int kp_output_init(struct kp_output *out, size_t size);
void kp_output_destroy(struct kp_output *out);

/*
 * Queue one record.  With may_sleep (process context only) wait for the
 * reader to make room; otherwise (probe context) drop the record and
 * count it, also when another writer holds the ring.
 */
int kp_output_write(struct kp_output *out, u16 type, const void *data,
		    u32 len, bool may_sleep);
void kp_output_end(struct kp_output *out);
/* Ask ktap to stop the session (KTAP_REC_STOP); any context but NMI. */
void kp_output_request_stop(struct kp_output *out);
ssize_t kp_output_read(struct kp_output *out, char __user *ubuf,
		       size_t count, bool nonblock);
__poll_t kp_output_poll(struct kp_output *out, struct file *file,
			poll_table *wait);

#endif /* KP_OUTPUT_H */
