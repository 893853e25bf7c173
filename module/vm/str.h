/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strings of the VM: creation in the session heap and conversion of
 * values to text (for print, concatenation and messages).
 */
#ifndef KP_STR_H
#define KP_STR_H

#include "vm.h"

struct kp_str *kp_str_new(struct kp_heap *heap, const char *data, u32 len);

/*
 * Append v as text to buf[*pos..size); on overflow writes what fits and
 * returns false.  buf stays NUL-terminated when size > 0.
 */
bool kp_str_format(const struct kp_value *v, char *buf, size_t size,
		   size_t *pos);

#endif /* KP_STR_H */
