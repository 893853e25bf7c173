// SPDX-License-Identifier: GPL-2.0
/*
 * Timer events: tick-N runs on one CPU (the one -C names, else the CPU
 * that starts it), profile-N on every online CPU, each an hrtimer
 * pinned to its CPU that fires in hard interrupt context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <asm/irq_regs.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include "event.h"

static enum hrtimer_restart kp_timer_fn(struct hrtimer *t)
{
	struct kp_timer *timer = container_of(t, struct kp_timer, hrtimer);
	struct kp_event *ev = timer->ev;
	struct kp_evctx ctx = { .ev = ev, .regs = get_irq_regs() };

	if (atomic_read(&ev->set->state) != KP_EVENTS_LIVE)
		return HRTIMER_NORESTART;
	ev->set->fire(ev->set, &ctx);
	hrtimer_forward_now(t, ns_to_ktime(ev->d.config));
	return HRTIMER_RESTART;
}

int kp_timer_attach(struct kp_event *ev, char *err, size_t errlen)
{
	u32 i;

	ev->ntimers = ev->d.type == KTAP_EVENT_PROFILE ? nr_cpu_ids : 1;
	ev->timers = kcalloc(ev->ntimers, sizeof(*ev->timers), GFP_KERNEL);
	if (!ev->timers) {
		ev->ntimers = 0;
		return -ENOMEM;
	}
	for (i = 0; i < ev->ntimers; i++) {
		hrtimer_init(&ev->timers[i].hrtimer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);
		ev->timers[i].hrtimer.function = kp_timer_fn;
		ev->timers[i].ev = ev;
	}
	return 0;
}

/* Runs on the timer's CPU, so that the pinned timer stays there. */
static void kp_timer_start_here(void *arg)
{
	struct kp_timer *timer = arg;

	hrtimer_start(&timer->hrtimer, ns_to_ktime(timer->ev->d.config),
		      HRTIMER_MODE_REL_PINNED);
}

static void kp_timer_start_on(struct kp_timer *timer, int cpu)
{
	timer->started = true;
	smp_call_function_single(cpu, kp_timer_start_here, timer, 1);
}

void kp_timer_enable(struct kp_event *ev)
{
	int cpu = ev->set->cpu;

	cpus_read_lock();
	if (ev->d.type == KTAP_EVENT_TICK) {
		kp_timer_start_on(&ev->timers[0],
				  cpu >= 0 ? cpu : raw_smp_processor_id());
	} else {
		for_each_online_cpu(cpu) {
			if (ev->set->cpu < 0 || cpu == ev->set->cpu)
				kp_timer_start_on(&ev->timers[cpu], cpu);
		}
	}
	cpus_read_unlock();
}

void kp_timer_disable(struct kp_event *ev)
{
	u32 i;

	for (i = 0; i < ev->ntimers; i++) {
		if (ev->timers[i].started)
			hrtimer_cancel(&ev->timers[i].hrtimer);
	}
}

void kp_timer_detach(struct kp_event *ev)
{
	kp_timer_disable(ev);
	kfree(ev->timers);
	ev->timers = NULL;
	ev->ntimers = 0;
}
