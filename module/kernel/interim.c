// SPDX-License-Identifier: GPL-2.0
/*
 * INTERIM, until per-CPU execution contexts (branch vmctx) land: how
 * probe bodies run.  One hit at a time per session, under a raw
 * spinlock taken with trylock, so a hit that finds the VM busy (on
 * another CPU, or on this one: the recursion guard) is dropped and
 * counted instead of waiting; NMI hits are dropped too.  And the VM's
 * memory in probe context comes from kmalloc(GFP_ATOMIC), with frees of
 * vmalloc()ed blocks deferred to a work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hardirq.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "../vm/vm.h"
#include "session.h"

void kp_session_fire(struct kp_events *set, const struct kp_evctx *ctx)
{
	struct kp_session *s = container_of(set, struct kp_session, events);
	unsigned long flags;
	int ret;

	if (in_nmi() || !raw_spin_trylock_irqsave(&s->vm_lock, flags)) {
		atomic64_inc(&set->dropped);
		return;
	}
	ret = kp_vm_run_proto(s->vm, ctx->ev->d.proto, ctx);
	raw_spin_unlock_irqrestore(&s->vm_lock, flags);
	if (ret)
		kp_session_probe_failed(s);
}

static LLIST_HEAD(kp_interim_frees);

static void kp_interim_free_work(struct work_struct *work)
{
	struct llist_node *n = llist_del_all(&kp_interim_frees), *next;

	for (; n; n = next) {
		next = n->next;
		vfree(n);
	}
}

static DECLARE_WORK(kp_interim_work, kp_interim_free_work);

void *kp_interim_zalloc(size_t size)
{
	if (preemptible())
		return kvzalloc(size, GFP_KERNEL);
	return kzalloc(size, GFP_ATOMIC | __GFP_NOWARN);
}

void kp_interim_free(void *p)
{
	if (!p)
		return;
	if (!is_vmalloc_addr(p) || preemptible()) {
		kvfree(p);
		return;
	}
	/* vfree() may sleep: the block itself carries the list node. */
	llist_add((struct llist_node *)p, &kp_interim_frees);
	schedule_work(&kp_interim_work);
}

void kp_interim_exit(void)
{
	flush_work(&kp_interim_work);
}
