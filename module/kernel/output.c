// SPDX-License-Identifier: GPL-2.0
/*
 * A session's output: per-CPU rings written from any context, read()
 * and poll() draining all of them in time order.
 *
 * Writers never take a lock and never wake anyone directly from probe
 * context (a probe may fire inside the scheduler, with its locks held):
 * they queue an irq_work, and only when a reader has said it is going
 * to sleep.  The reader's "I am waiting" flag and the writers' head
 * are a Dekker pair: the writer publishes head, smp_mb(), reads the
 * flag; the reader sets the flag, smp_mb(), reads the heads.  One of
 * them sees the other, so no wakeup is lost.
 *
 * Each read() is a k-way merge of the rings by timestamp: every ring is
 * in time order already (output_ring.h), so taking the oldest front
 * record each time returns everything it returns in time order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/timekeeping.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include <linux/topology.h>
#include <linux/sched/signal.h>
#include "../uapi/ktap.h"
#include "output.h"

#define KP_BOUNCE_SIZE	(64 * 1024)

static void kp_output_wake_fn(struct irq_work *work)
{
	struct kp_output *out = container_of(work, struct kp_output, wake);

	wake_up_interruptible(&out->readers);
}

void kp_output_init(struct kp_output *out)
{
	memset(out, 0, sizeof(*out));
	mutex_init(&out->read_lock);
	init_waitqueue_head(&out->readers);
	init_waitqueue_head(&out->writers);
	init_irq_work(&out->wake, kp_output_wake_fn);
}

static void kp_output_free_rings(struct kp_ring **rings)
{
	int cpu;

	if (!rings)
		return;
	for_each_possible_cpu(cpu) {
		if (rings[cpu])
			kvfree(rings[cpu]->buf);
		kfree(rings[cpu]);
	}
	kfree(rings);
}

/*
 * Rings for the CPUs online now: on machines that report many more
 * possible CPUs than they have (hot-plug slots), rings for all of them
 * would waste memory.  A CPU brought online later has no ring; what is
 * written there is dropped and counted (kp_output_try()).
 */
static struct kp_ring **kp_output_alloc_rings(u32 size)
{
	struct kp_ring **rings;
	int cpu, ret = 0;

	rings = kcalloc(nr_cpu_ids, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return NULL;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		int node = cpu_to_node(cpu);
		char *buf = kvzalloc_node(size, GFP_KERNEL, node);

		rings[cpu] = kzalloc_node(sizeof(*rings[cpu]), GFP_KERNEL, node);
		if (!buf || !rings[cpu]) {
			kvfree(buf);
			ret = -ENOMEM;
			break;
		}
		kp_ring_init(rings[cpu], buf, size);
	}
	cpus_read_unlock();
	if (ret) {
		kp_output_free_rings(rings);
		return NULL;
	}
	return rings;
}

int kp_output_alloc(struct kp_output *out, u32 size)
{
	struct kp_ring **rings;

	if (out->rings)
		return -EBUSY;
	out->bounce = kvzalloc(KP_BOUNCE_SIZE, GFP_KERNEL);
	out->active = kcalloc(nr_cpu_ids, sizeof(*out->active), GFP_KERNEL);
	out->heads = kcalloc(nr_cpu_ids, sizeof(*out->heads), GFP_KERNEL);
	out->fronts = kcalloc(nr_cpu_ids, sizeof(*out->fronts), GFP_KERNEL);
	rings = kp_output_alloc_rings(size);
	if (!out->bounce || !out->active || !out->heads || !out->fronts ||
	    !rings) {
		kp_output_free_rings(rings);
		kvfree(out->bounce);
		kfree(out->active);
		kfree(out->heads);
		kfree(out->fronts);
		out->bounce = NULL;
		out->active = NULL;
		out->heads = NULL;
		out->fronts = NULL;
		return -ENOMEM;
	}
	out->ring_size = size;
	/* Readers that find the rings find them initialised. */
	smp_store_release(&out->rings, rings);
	return 0;
}

void kp_output_destroy(struct kp_output *out)
{
	irq_work_sync(&out->wake);
	kp_output_free_rings(out->rings);
	kvfree(out->bounce);
	kfree(out->active);
	kfree(out->heads);
	kfree(out->fronts);
	out->rings = NULL;
}

static void kp_output_wake_reader(struct kp_output *out, bool may_sleep)
{
	/* Pairs with the reader's smp_mb() in kp_output_want_wakeup(). */
	smp_mb();
	if (!READ_ONCE(out->reader_waiting))
		return;
	if (may_sleep)
		wake_up_interruptible(&out->readers);
	else
		irq_work_queue(&out->wake);
}

/* One attempt on the running CPU's ring; false when it was full. */
static bool kp_output_try(struct kp_output *out, struct kp_ring **rings,
			  struct ktap_record *rec, const void *data,
			  bool count_lost, struct kp_ring **ring)
{
	int cpu = get_cpu();
	struct kp_ring *r = rings[cpu];
	bool done = true;

	*ring = r;
	if (unlikely(!r)) {
		atomic64_inc(&out->lost_no_ring);
	} else if (kp_ring_enter(r)) {
		rec->cpu = cpu;
		rec->time_ns = ktime_get_mono_fast_ns();
		done = kp_ring_write(r, rec, data, count_lost);
		kp_ring_exit(r);
	}
	put_cpu();
	return done;
}

int kp_output_write(struct kp_output *out, u16 type, const void *data,
		    u32 len, bool may_sleep)
{
	/* Pairs with kp_output_alloc(): the rings are initialised. */
	struct kp_ring **rings = smp_load_acquire(&out->rings);
	struct ktap_record rec = { .len = len, .type = type };
	u32 need = kp_ring_record_bytes(len);
	struct kp_ring *r;
	int ret;

	if (len > KTAP_RECORD_MAX)
		return -EMSGSIZE;
	if (WARN_ON_ONCE(!rings))
		return -EINVAL;
	/* A safety net: never sleep where the caller could not. */
	may_sleep = may_sleep && preemptible();
	while (!kp_output_try(out, rings, &rec, data, !may_sleep, &r)) {
		/* Only a full ring comes back: r is set. */
		if (!may_sleep)
			return 0;
		kp_output_wake_reader(out, true);
		ret = wait_event_interruptible(out->writers,
					       kp_ring_room(r) >= need ||
					       READ_ONCE(out->ended));
		if (ret)
			return ret;
	}
	kp_output_wake_reader(out, may_sleep);
	return 0;
}

void kp_output_request_stop(struct kp_output *out)
{
	atomic_set(&out->stop, 1);
	irq_work_queue(&out->wake);
}

void kp_output_end(struct kp_output *out)
{
	/* Pairs with the readers: who sees ended sees every record. */
	smp_store_release(&out->ended, true);
	irq_work_sync(&out->wake);
	wake_up_interruptible_all(&out->readers);
	wake_up_interruptible_all(&out->writers);
}

static u64 kp_output_lost(struct kp_output *out, struct kp_ring **rings)
{
	u64 lost = atomic64_read(&out->lost_no_ring);
	int cpu;

	for_each_possible_cpu(cpu)
		if (rings[cpu])
			lost += kp_ring_lost(rings[cpu]);
	return lost;
}

/* Index in out->active of the ring whose front record is oldest. */
static u32 kp_output_oldest(const struct ktap_record *front, u32 nactive)
{
	u32 i, best = 0;

	for (i = 1; i < nactive; i++)
		if (front[i].time_ns < front[best].time_ns)
			best = i;
	return best;
}

/*
 * Move whole records that fit in count bytes to the bounce buffer, the
 * oldest first, then a LOST record for drops not yet reported.  *more
 * says whether something is left that did not fit.
 */
static size_t kp_output_take(struct kp_output *out, struct kp_ring **rings,
			     size_t count, bool *more)
{
	struct ktap_record *front = out->fronts, rec;
	u32 nactive = 0, i;
	size_t done = 0;
	u64 lost;
	int cpu;

	for_each_possible_cpu(cpu) {
		u32 head;

		if (!rings[cpu])
			continue;
		head = kp_ring_head(rings[cpu]);
		if (kp_ring_peek(rings[cpu], head, &front[nactive])) {
			out->active[nactive] = cpu;
			out->heads[nactive++] = head;
		}
	}
	*more = false;
	while (nactive) {
		u32 best = kp_output_oldest(front, nactive);
		u32 bytes = kp_ring_record_bytes(front[best].len);
		struct kp_ring *r = rings[out->active[best]];

		if (done + bytes > count) {
			*more = true;
			break;
		}
		kp_ring_take(r, out->bounce + done, bytes);
		done += bytes;
		if (!kp_ring_peek(r, out->heads[best], &front[best])) {
			kp_ring_release(r);
			nactive--;
			out->active[best] = out->active[nactive];
			out->heads[best] = out->heads[nactive];
			front[best] = front[nactive];
		}
	}
	for (i = 0; i < nactive; i++)
		kp_ring_release(rings[out->active[i]]);
	lost = kp_output_lost(out, rings) - out->lost_reported;
	if (lost && done + kp_ring_record_bytes(sizeof(lost)) > count) {
		*more = true;
	} else if (lost) {
		rec = (struct ktap_record){
			.len = sizeof(lost), .type = KTAP_REC_LOST,
			.time_ns = ktime_get_mono_fast_ns(),
		};
		memcpy(out->bounce + done, &rec, sizeof(rec));
		memcpy(out->bounce + done + sizeof(rec), &lost, sizeof(lost));
		done += kp_ring_record_bytes(sizeof(lost));
		out->lost_reported += lost;
	}
	/* After every record: ktap stops once it has seen them all. */
	if (!*more && atomic_read(&out->stop) &&
	    done + kp_ring_record_bytes(0) <= count) {
		rec = (struct ktap_record){
			.type = KTAP_REC_STOP,
			.time_ns = ktime_get_mono_fast_ns(),
		};
		atomic_set(&out->stop, 0);
		memcpy(out->bounce + done, &rec, sizeof(rec));
		done += kp_ring_record_bytes(0);
	}
	return done;
}

static bool kp_output_readable(struct kp_output *out)
{
	/* As in kp_output_read_locked(). */
	struct kp_ring **rings = smp_load_acquire(&out->rings);
	int cpu;

	/* Pairs with kp_output_end(). */
	if (smp_load_acquire(&out->ended) || atomic_read(&out->stop))
		return true;
	if (!rings)
		return false;
	for_each_possible_cpu(cpu)
		if (rings[cpu] && kp_ring_head(rings[cpu]) !=
		    kp_ring_load_acquire(&rings[cpu]->tail))
			return true;
	return kp_output_lost(out, rings) != READ_ONCE(out->lost_reported);
}

/* Before sleeping: writers must wake us (see the top of this file). */
static bool kp_output_want_wakeup(struct kp_output *out)
{
	WRITE_ONCE(out->reader_waiting, true);
	/* Pairs with kp_output_wake_reader()'s smp_mb(). */
	smp_mb();
	return kp_output_readable(out);
}

static ssize_t kp_output_read_locked(struct kp_output *out,
				     char __user *ubuf, size_t count,
				     bool nonblock)
{
	struct kp_ring **rings;
	size_t done = 0;
	bool ended, more = false;
	int ret;

	count = min_t(size_t, count, KP_BOUNCE_SIZE);
	for (;;) {
		/*
		 * ended first: once it is seen, every record is visible
		 * (kp_output_end()); the rings pair with kp_output_alloc().
		 */
		ended = smp_load_acquire(&out->ended);
		rings = smp_load_acquire(&out->rings);
		if (rings)
			done = kp_output_take(out, rings, count, &more);
		if (done || more || ended)
			break;
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(out->readers,
					       kp_output_want_wakeup(out));
		if (ret)
			return ret;
	}
	WRITE_ONCE(out->reader_waiting, false);
	if (!done)
		return more ? -EINVAL : 0;
	wake_up_interruptible(&out->writers);
	if (copy_to_user(ubuf, out->bounce, done))
		return -EFAULT;
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
	return kp_output_want_wakeup(out) ? EPOLLIN | EPOLLRDNORM : 0;
}
