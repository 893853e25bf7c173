// SPDX-License-Identifier: GPL-2.0
/*
 * The output ring.  head and tail count bytes ever written and read, so
 * head - tail is the fill level and (x % size) the position; records are
 * padded to 8 bytes and may wrap around the end of the ring.  Readers
 * copy whole records into a bounce buffer under the lock and only then
 * to user space, because copy_to_user() may fault and sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/timekeeping.h>
#include <linux/smp.h>
#include <linux/sched/signal.h>
#include "../uapi/ktap.h"
#include "output.h"

#define KP_BOUNCE_SIZE	(64 * 1024)

static size_t kp_record_bytes(u32 len)
{
	return sizeof(struct ktap_record) + ALIGN(len, KTAP_RECORD_ALIGN);
}

static void kp_output_wake(struct irq_work *work)
{
	struct kp_output *out = container_of(work, struct kp_output, wake);

	wake_up_interruptible(&out->readers);
}

int kp_output_init(struct kp_output *out, size_t size)
{
	init_irq_work(&out->wake, kp_output_wake);
	atomic64_set(&out->lost_busy, 0);
	atomic_set(&out->stop, 0);
	spin_lock_init(&out->lock);
	mutex_init(&out->read_lock);
	init_waitqueue_head(&out->readers);
	init_waitqueue_head(&out->writers);
	out->size = ALIGN(size, KTAP_RECORD_ALIGN);
	out->ring = kvzalloc(out->size, GFP_KERNEL);
	out->bounce = kvzalloc(KP_BOUNCE_SIZE, GFP_KERNEL);
	if (!out->ring || !out->bounce) {
		kp_output_destroy(out);
		return -ENOMEM;
	}
	return 0;
}

void kp_output_destroy(struct kp_output *out)
{
	irq_work_sync(&out->wake);
	kvfree(out->ring);
	kvfree(out->bounce);
	out->ring = NULL;
	out->bounce = NULL;
}

static void kp_ring_put(struct kp_output *out, const void *src, size_t n)
{
	size_t pos = out->head % out->size;
	size_t first = min(n, out->size - pos);

	memcpy(out->ring + pos, src, first);
	memcpy(out->ring, (const char *)src + first, n - first);
	out->head += n;
}

static void kp_ring_get(struct kp_output *out, void *dst, size_t n)
{
	size_t pos = out->tail % out->size;
	size_t first = min(n, out->size - pos);

	memcpy(dst, out->ring + pos, first);
	memcpy((char *)dst + first, out->ring, n - first);
	out->tail += n;
}

static bool kp_output_has_room(struct kp_output *out, size_t need)
{
	unsigned long flags;
	bool room;

	spin_lock_irqsave(&out->lock, flags);
	room = out->size - (out->head - out->tail) >= need || out->ended;
	spin_unlock_irqrestore(&out->lock, flags);
	return room;
}

int kp_output_write(struct kp_output *out, u16 type, const void *data,
		    u32 len, bool may_sleep)
{
	static const u64 zero;
	struct ktap_record rec = {
		.len = len, .type = type, .cpu = raw_smp_processor_id(),
		.time_ns = ktime_get_ns(),
	};
	size_t need = kp_record_bytes(len);
	unsigned long flags;
	int ret;

	if (len > KTAP_RECORD_MAX)
		return -EMSGSIZE;
	if (!may_sleep) {
		if (!spin_trylock_irqsave(&out->lock, flags)) {
			atomic64_inc(&out->lost_busy);
			return 0;
		}
		if (out->size - (out->head - out->tail) < need) {
			out->lost++;
			spin_unlock_irqrestore(&out->lock, flags);
			return 0;
		}
	}
	while (may_sleep) {
		spin_lock_irqsave(&out->lock, flags);
		if (out->size - (out->head - out->tail) >= need)
			break;
		if (!may_sleep || out->ended) {
			out->lost++;
			spin_unlock_irqrestore(&out->lock, flags);
			return 0;
		}
		spin_unlock_irqrestore(&out->lock, flags);
		ret = wait_event_interruptible(out->writers,
					       kp_output_has_room(out, need));
		if (ret)
			return ret;
	}
	kp_ring_put(out, &rec, sizeof(rec));
	kp_ring_put(out, data, len);
	kp_ring_put(out, &zero, need - sizeof(rec) - len);
	spin_unlock_irqrestore(&out->lock, flags);
	if (may_sleep)
		wake_up_interruptible(&out->readers);
	else
		irq_work_queue(&out->wake);
	return 0;
}

void kp_output_request_stop(struct kp_output *out)
{
	atomic_set(&out->stop, 1);
	irq_work_queue(&out->wake);
}

void kp_output_end(struct kp_output *out)
{
	unsigned long flags;

	spin_lock_irqsave(&out->lock, flags);
	out->ended = true;
	spin_unlock_irqrestore(&out->lock, flags);
	wake_up_interruptible(&out->readers);
	wake_up_interruptible(&out->writers);
}

/* Move whole records that fit in count bytes to the bounce buffer. */
static size_t kp_output_take(struct kp_output *out, size_t count)
{
	struct ktap_record rec;
	size_t done = 0, n;

	count = min_t(size_t, count, KP_BOUNCE_SIZE);
	while (out->head != out->tail) {
		size_t pos = out->tail % out->size;

		/* Peek the header, which may itself wrap. */
		n = min(sizeof(rec), out->size - pos);
		memcpy(&rec, out->ring + pos, n);
		memcpy((char *)&rec + n, out->ring, sizeof(rec) - n);
		n = kp_record_bytes(rec.len);
		if (done + n > count)
			break;
		kp_ring_get(out, out->bounce + done, n);
		done += n;
	}
	/* Report drops once the backlog is gone and the record fits. */
	out->lost += atomic64_xchg(&out->lost_busy, 0);
	n = kp_record_bytes(sizeof(u64));
	if (out->lost && out->head == out->tail && done + n <= count) {
		struct ktap_record lost = {
			.len = sizeof(u64), .type = KTAP_REC_LOST,
			.time_ns = ktime_get_ns(),
		};

		memcpy(out->bounce + done, &lost, sizeof(lost));
		memcpy(out->bounce + done + sizeof(lost), &out->lost,
		       sizeof(u64));
		out->lost = 0;
		done += n;
	}
	n = kp_record_bytes(0);
	if (out->head == out->tail && !out->lost && done + n <= count &&
	    atomic_xchg(&out->stop, 0)) {
		struct ktap_record stop = {
			.type = KTAP_REC_STOP, .time_ns = ktime_get_ns(),
		};

		memcpy(out->bounce + done, &stop, sizeof(stop));
		done += n;
	}
	return done;
}

static bool kp_output_readable(struct kp_output *out)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&out->lock, flags);
	ready = out->head != out->tail || out->lost || out->ended ||
		atomic64_read(&out->lost_busy) || atomic_read(&out->stop);
	spin_unlock_irqrestore(&out->lock, flags);
	return ready;
}

static ssize_t kp_output_read_locked(struct kp_output *out,
				     char __user *ubuf, size_t count,
				     bool nonblock)
{
	unsigned long flags;
	size_t done;
	bool pending;
	int ret;

	for (;;) {
		spin_lock_irqsave(&out->lock, flags);
		done = kp_output_take(out, count);
		pending = out->head != out->tail || out->lost ||
			  atomic64_read(&out->lost_busy) ||
			  atomic_read(&out->stop);
		if (done || (!pending && out->ended)) {
			spin_unlock_irqrestore(&out->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&out->lock, flags);
		/* Something is queued but the caller's buffer is too small. */
		if (pending)
			return -EINVAL;
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(out->readers,
					       kp_output_readable(out));
		if (ret)
			return ret;
	}
	if (done) {
		wake_up_interruptible(&out->writers);
		if (copy_to_user(ubuf, out->bounce, done))
			return -EFAULT;
	}
	return done;
}

ssize_t kp_output_read(struct kp_output *out, char __user *ubuf,
		       size_t count, bool nonblock)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&out->read_lock))
		return -ERESTARTSYS;
	ret = kp_output_read_locked(out, ubuf, count, nonblock);
	mutex_unlock(&out->read_lock);
	return ret;
}

__poll_t kp_output_poll(struct kp_output *out, struct file *file,
			poll_table *wait)
{
	poll_wait(file, &out->readers, wait);
	return kp_output_readable(out) ? EPOLLIN | EPOLLRDNORM : 0;
}
