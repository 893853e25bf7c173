// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe and kretprobe events, registered by the session itself (so
 * nothing appears in tracefs) and unregistered when it ends.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include "event.h"

static int kp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kp_event *ev = container_of(kp, struct kp_event, kprobe);
	struct kp_evctx ctx = {
		.ev = ev, .regs = regs, .ip = (unsigned long)kp->addr,
	};

	if (kp_event_wanted(ev, true))
		ev->set->fire(ev->set, &ctx);
	return 0;
}

static int kp_kretprobe_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct kp_event *ev;
	struct kp_evctx ctx = { .regs = regs };

	if (!rp)
		return 0;
	ev = container_of(rp, struct kp_event, kretprobe);
	ctx.ev = ev;
	ctx.ip = (unsigned long)rp->kp.addr;
	if (kp_event_wanted(ev, true))
		ev->set->fire(ev->set, &ctx);
	return 0;
}

int kp_kprobe_attach(struct kp_event *ev, char *err, size_t errlen)
{
	int ret;

	if (ev->d.type == KTAP_EVENT_KRETPROBE) {
		ev->kretprobe.kp.symbol_name = ev->d.name;
		ev->kretprobe.kp.flags = KPROBE_FLAG_DISABLED;
		ev->kretprobe.handler = kp_kretprobe_ret;
		ret = register_kretprobe(&ev->kretprobe);
	} else {
		ev->kprobe.symbol_name = ev->d.name;
		ev->kprobe.offset = (unsigned int)ev->d.config;
		ev->kprobe.flags = KPROBE_FLAG_DISABLED;
		ev->kprobe.pre_handler = kp_kprobe_pre;
		ret = register_kprobe(&ev->kprobe);
	}
	if (ret)
		snprintf(err, errlen, "cannot probe '%s'%s: error %d (%s)",
			 ev->d.name,
			 ev->d.type == KTAP_EVENT_KRETPROBE ? " for return" : "",
			 ret, ret == -ENOENT ? "no such symbol" :
			 ret == -EINVAL ? "the kernel refuses to probe it (blacklisted, notrace or not at an instruction)" :
			 ret == -EBUSY ? "busy" : "see the kernel log");
	return ret;
}

void kp_kprobe_enable(struct kp_event *ev)
{
	if (ev->d.type == KTAP_EVENT_KRETPROBE)
		enable_kretprobe(&ev->kretprobe);
	else
		enable_kprobe(&ev->kprobe);
}

void kp_kprobe_disable(struct kp_event *ev)
{
	if (ev->d.type == KTAP_EVENT_KRETPROBE)
		disable_kretprobe(&ev->kretprobe);
	else
		disable_kprobe(&ev->kprobe);
}

void kp_kprobe_detach(struct kp_event *ev)
{
	if (ev->d.type == KTAP_EVENT_KRETPROBE)
		unregister_kretprobe(&ev->kretprobe);
	else
		unregister_kprobe(&ev->kprobe);
}
