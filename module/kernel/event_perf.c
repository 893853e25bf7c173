// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint events through perf kernel counters: one counter per CPU,
 * or per thread of the traced process (-p, -- cmd; inherited by the
 * threads and children it starts), whose overflow handler hands the raw
 * record to the session.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "event.h"

/* Threads of one traced process we attach to, at most. */
#define KP_PERF_MAX_THREADS	1024

static void kp_perf_handler(struct perf_event *pe,
			    struct perf_sample_data *data,
			    struct pt_regs *regs)
{
	struct kp_event *ev = pe->overflow_handler_context;
	struct kp_evctx ctx = { .ev = ev, .regs = regs };

	/* Per-task counters already filter by task. */
	if (!data->raw || !kp_event_wanted(ev, false))
		return;
	ctx.raw = data->raw->frag.data;
	ctx.raw_size = data->raw->frag.size;
	ev->set->fire(ev->set, &ctx);
}

static struct perf_event *kp_perf_create(struct kp_event *ev, int cpu,
					 struct task_struct *task)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = ev->d.config,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.disabled = 1,
		.inherit = !!task,
	};

	return perf_event_create_kernel_counter(&attr, cpu, task,
						kp_perf_handler, ev);
}

static int kp_perf_fail(struct kp_event *ev, long err, char *msg,
			size_t msglen)
{
	snprintf(msg, msglen, "cannot attach tracepoint '%s' (id %llu): error %ld",
		 ev->d.name, (unsigned long long)ev->d.config, err);
	return (int)err;
}

/* One counter per online CPU (or the one -C names). */
static int kp_perf_attach_cpus(struct kp_event *ev, char *err, size_t errlen)
{
	struct perf_event *pe;
	int cpu, ret = 0;

	ev->perf = kcalloc(nr_cpu_ids, sizeof(*ev->perf), GFP_KERNEL);
	if (!ev->perf)
		return -ENOMEM;
	ev->nperf = nr_cpu_ids;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (ev->set->cpu >= 0 && cpu != ev->set->cpu)
			continue;
		pe = kp_perf_create(ev, cpu, NULL);
		if (IS_ERR(pe)) {
			ret = kp_perf_fail(ev, PTR_ERR(pe), err, errlen);
			break;
		}
		ev->perf[cpu] = pe;
	}
	cpus_read_unlock();
	return ret;
}

/* The threads of process tgid, referenced; *n of them. */
static struct task_struct **kp_perf_threads(pid_t tgid, u32 *n)
{
	struct task_struct **tasks, *leader = NULL, *t;
	struct pid *pid = find_get_pid(tgid);

	if (pid)
		leader = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	tasks = kcalloc(KP_PERF_MAX_THREADS, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		if (leader)
			put_task_struct(leader);
		return ERR_PTR(-ENOMEM);
	}
	*n = 0;
	if (leader) {
		rcu_read_lock();
		for_each_thread(leader, t) {
			if (*n == KP_PERF_MAX_THREADS)
				break;
			get_task_struct(t);
			tasks[(*n)++] = t;
		}
		rcu_read_unlock();
		put_task_struct(leader);
	}
	if (!*n) {
		kfree(tasks);
		return ERR_PTR(-ESRCH);
	}
	return tasks;
}

static int kp_perf_attach_task(struct kp_event *ev, char *err, size_t errlen)
{
	struct task_struct **tasks;
	struct perf_event *pe;
	int ret = 0;
	u32 i, n;

	tasks = kp_perf_threads(ev->set->tgid, &n);
	if (IS_ERR(tasks)) {
		snprintf(err, errlen, "no process %d to trace", ev->set->tgid);
		return PTR_ERR(tasks);
	}
	ev->perf = kcalloc(n, sizeof(*ev->perf), GFP_KERNEL);
	ev->nperf = ev->perf ? n : 0;
	for (i = 0; i < n; i++) {
		if (ev->perf && !ret) {
			pe = kp_perf_create(ev, -1, tasks[i]);
			if (IS_ERR(pe))
				ret = kp_perf_fail(ev, PTR_ERR(pe), err, errlen);
			else
				ev->perf[i] = pe;
		}
		put_task_struct(tasks[i]);
	}
	kfree(tasks);
	return ev->perf ? ret : -ENOMEM;
}

int kp_perf_attach(struct kp_event *ev, char *err, size_t errlen)
{
	int ret;

	if (ev->set->tgid)
		ret = kp_perf_attach_task(ev, err, errlen);
	else
		ret = kp_perf_attach_cpus(ev, err, errlen);
	if (ret)
		kp_perf_detach(ev);
	return ret;
}

void kp_perf_enable(struct kp_event *ev)
{
	u32 i;

	for (i = 0; i < ev->nperf; i++) {
		if (ev->perf[i])
			perf_event_enable(ev->perf[i]);
	}
}

void kp_perf_disable(struct kp_event *ev)
{
	u32 i;

	for (i = 0; i < ev->nperf; i++) {
		if (ev->perf[i])
			perf_event_disable(ev->perf[i]);
	}
}

void kp_perf_detach(struct kp_event *ev)
{
	u32 i;

	for (i = 0; i < ev->nperf; i++) {
		if (ev->perf[i])
			perf_event_release_kernel(ev->perf[i]);
	}
	kfree(ev->perf);
	ev->perf = NULL;
	ev->nperf = 0;
}
