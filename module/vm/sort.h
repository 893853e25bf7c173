/* SPDX-License-Identifier: GPL-2.0 */
/* sort_pairs: the keys of a table in the order of its values. */
#ifndef KP_SORT_H
#define KP_SORT_H

#include "vm.h"

/*
 * *ret := a new table whose entries 1..n are the keys of t, sorted by
 * value descending (ties by key ascending).  Runs in C with a bottom-up
 * merge sort: no recursion, scratch memory only.
 */
int kp_sort_pairs(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  struct kp_value *ret, const struct kp_value *t);

/*
 * sort_pairs(t, cmp): *ret := a sort in progress (KP_TSORT, in scratch)
 * that SORTSTEP drives; see ktap_opcodes.h.
 */
int kp_sort_start(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  struct kp_value *ret, const struct kp_value *t,
		  const struct kp_value *cmp);

/*
 * SORTSTEP on f[0..3]: 0 when it left a comparison to call in
 * f[1..3], 1 when done (f[0] is then the key table), or the error.
 */
int kp_sort_step(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		 struct kp_value *f);

#endif /* KP_SORT_H */
