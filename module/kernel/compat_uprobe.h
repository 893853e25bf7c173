/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where the uprobe API of the kernels ktapvm supports
 * differs: registration returns a handle since 6.12, and unregistration
 * there is split into a per-probe part and one wait for all of them.
 */
#ifndef KP_COMPAT_UPROBE_H
#define KP_COMPAT_UPROBE_H

#include <linux/err.h>
#include <linux/mm_types.h>
#include <linux/uprobes.h>
#include <linux/version.h>

/* Whether uc's breakpoints belong in mm (event_uprobe.c). */
bool kp_uprobe_wants_mm(struct uprobe_consumer *uc, struct mm_struct *mm);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)

struct kp_uprobe_handle {
	struct uprobe *uprobe;
};

static inline int kp_compat_uprobe_register(struct kp_uprobe_handle *h,
					    struct inode *inode, loff_t off,
					    loff_t ref_ctr_off,
					    struct uprobe_consumer *uc)
{
	h->uprobe = uprobe_register(inode, off, ref_ctr_off, uc);
	return IS_ERR(h->uprobe) ? PTR_ERR(h->uprobe) : 0;
}

/* Handlers may still run until kp_compat_uprobe_sync() returns. */
static inline void kp_compat_uprobe_unregister(struct kp_uprobe_handle *h,
					       struct inode *inode, loff_t off,
					       struct uprobe_consumer *uc)
{
	uprobe_unregister_nosync(h->uprobe, uc);
}

static inline void kp_compat_uprobe_sync(void)
{
	uprobe_unregister_sync();
}

static inline bool kp_compat_uprobe_filter(struct uprobe_consumer *uc,
					   struct mm_struct *mm)
{
	return kp_uprobe_wants_mm(uc, mm);
}

#else	/* 6.1: uprobe_unregister() waits for running handlers itself */

struct kp_uprobe_handle {
};

static inline int kp_compat_uprobe_register(struct kp_uprobe_handle *h,
					    struct inode *inode, loff_t off,
					    loff_t ref_ctr_off,
					    struct uprobe_consumer *uc)
{
	return uprobe_register_refctr(inode, off, ref_ctr_off, uc);
}

static inline void kp_compat_uprobe_unregister(struct kp_uprobe_handle *h,
					       struct inode *inode, loff_t off,
					       struct uprobe_consumer *uc)
{
	uprobe_unregister(inode, off, uc);
}

static inline void kp_compat_uprobe_sync(void)
{
}

static inline bool kp_compat_uprobe_filter(struct uprobe_consumer *uc,
					   enum uprobe_filter_ctx ctx,
					   struct mm_struct *mm)
{
	return kp_uprobe_wants_mm(uc, mm);
}

#endif

#endif /* KP_COMPAT_UPROBE_H */
