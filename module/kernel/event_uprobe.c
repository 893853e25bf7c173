// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe and uretprobe events: user-space code located by an ELF file's
 * path and a file offset (user space resolved the symbol), registered by
 * the session itself and unregistered when it ends, SIGKILL included.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/preempt.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "compat_uprobe.h"
#include "event.h"

/*
 * Uprobe handlers run in the probed task, preemptible, possibly while
 * ktap itself calls the probed library: its own hits are skipped, or
 * every record it reads would make more.  Preemption is off around the
 * VM so that quiescing (synchronize_rcu) waits for a running body.
 */
static void kp_uprobe_fire(struct kp_event *ev, struct pt_regs *regs,
			   unsigned long ip)
{
	struct kp_evctx ctx = { .ev = ev, .regs = regs, .ip = ip };

	if (current->tgid == ev->set->owner)
		return;
	preempt_disable();
	if (kp_event_wanted(ev, true))
		ev->set->fire(ev->set, &ctx);
	preempt_enable();
}

static int kp_uprobe_handler(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct kp_event *ev = container_of(uc, struct kp_event, uprobe.uc);

	kp_uprobe_fire(ev, regs, instruction_pointer(regs));
	return 0;
}

static int kp_uretprobe_handler(struct uprobe_consumer *uc,
				unsigned long func, struct pt_regs *regs)
{
	struct kp_event *ev = container_of(uc, struct kp_event, uprobe.uc);

	kp_uprobe_fire(ev, regs, func);
	return 0;
}

/*
 * With -p / -- cmd only the traced process gets the breakpoints, so a
 * glob over a whole library slows down nothing else.  An address space
 * is the process's when its owner is (the handler checks each hit
 * anyway: a child forked from it inherits the breakpoints).
 */
bool kp_uprobe_wants_mm(struct uprobe_consumer *uc, struct mm_struct *mm)
{
#ifdef CONFIG_MEMCG
	struct kp_event *ev = container_of(uc, struct kp_event, uprobe.uc);
	struct task_struct *owner;
	bool wanted;

	rcu_read_lock();
	owner = rcu_dereference(mm->owner);
	wanted = !owner || owner->tgid == ev->set->tgid;
	rcu_read_unlock();
	return wanted;
#else
	return true;
#endif
}

static const char *kp_uprobe_strerror(int ret)
{
	switch (ret) {
	case -ENOENT:
		return "no such file";
	case -EINVAL:
		return "the offset is outside the file, misaligned, or its SDT semaphore offset conflicts with another probe there";
	case -ENOTSUPP:
	case -EOPNOTSUPP:
		return "the instruction there cannot be probed";
	case -EIO:
		return "the file system cannot be probed";
	case -EACCES:
		return "permission denied";
	default:
		return "see the kernel log";
	}
}

int kp_uprobe_attach(struct kp_event *ev, char *err, size_t errlen)
{
	struct inode *inode;
	int ret;

	ret = kern_path(ev->path, LOOKUP_FOLLOW, &ev->uprobe.path);
	if (ret)
		goto fail;
	inode = d_real_inode(ev->uprobe.path.dentry);
	if (!S_ISREG(inode->i_mode)) {
		path_put(&ev->uprobe.path);
		snprintf(err, errlen, "cannot probe '%s' in %s: not a regular file",
			 ev->d.name, ev->path);
		return -EINVAL;
	}
	if (ev->d.type == KTAP_EVENT_URETPROBE)
		ev->uprobe.uc.ret_handler = kp_uretprobe_handler;
	else
		ev->uprobe.uc.handler = kp_uprobe_handler;
	if (ev->set->tgid)
		ev->uprobe.uc.filter = kp_compat_uprobe_filter;
	/* The path's reference keeps the inode the uprobe names alive. */
	ret = kp_compat_uprobe_register(&ev->uprobe.handle, inode,
					ev->d.config, ev->d.ref_ctr_offset,
					&ev->uprobe.uc);
	if (!ret)
		return 0;
	path_put(&ev->uprobe.path);
fail:
	snprintf(err, errlen, "cannot probe '%s'%s in %s at offset 0x%llx: error %d (%s)",
		 ev->d.name,
		 ev->d.type == KTAP_EVENT_URETPROBE ? " for return" : "",
		 ev->path, (unsigned long long)ev->d.config, ret,
		 kp_uprobe_strerror(ret));
	return ret;
}

/* Hits are filtered by the set's state: nothing to switch per probe. */
void kp_uprobe_enable(struct kp_event *ev)
{
}

void kp_uprobe_disable(struct kp_event *ev)
{
}

void kp_uprobe_detach(struct kp_event *ev)
{
	kp_compat_uprobe_unregister(&ev->uprobe.handle,
				    d_real_inode(ev->uprobe.path.dentry),
				    ev->d.config, &ev->uprobe.uc);
}

/*
 * After the detach of every uprobe of a set: wait once for handlers
 * still running, then drop the files.  One wait for all keeps the
 * teardown of a glob over a whole library short.
 */
void kp_uprobe_release(struct kp_event *ev, u32 n)
{
	u32 i;

	kp_compat_uprobe_sync();
	for (i = 0; i < n; i++) {
		if (ev[i].attached && (ev[i].d.type == KTAP_EVENT_UPROBE ||
				       ev[i].d.type == KTAP_EVENT_URETPROBE))
			path_put(&ev[i].uprobe.path);
	}
}
