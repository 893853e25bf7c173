/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strings of the VM: creation in the session heap, conversion of values
 * to text (for print, .., %s and tostring) and of text to numbers.
 */
#ifndef KP_STR_H
#define KP_STR_H

#include "vm.h"

struct kp_str *kp_str_new(struct kp_heap *heap, const char *data, u32 len);

/* A string of len bytes for the caller to fill in (data[len] is NUL). */
struct kp_str *kp_str_alloc(struct kp_heap *heap, u32 len);

/*
 * A temporary string (in the invocation's scratch) of len bytes for
 * built-in fn at pc, which fills it in.  A
 * string over the session's --max-string, or a full session heap, is a
 * runtime error naming fn and the option; returns it (the caller returns
 * it at once) and leaves *out alone.
 */
int kp_str_make(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		const char *fn, u64 len, struct kp_str **out);

/* *ret := a new temporary string of text[0..len), for fn; as above. */
int kp_str_result(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  const char *fn, const char *text, u32 len,
		  struct kp_value *ret);

/*
 * The text of v as print shows it: a string's bytes, a number in
 * decimal (written to num, KP_FMT_NUM_MAX bytes), true, false, nil.
 * Returns the bytes and their count in *len; they are not NUL-terminated.
 */
const char *kp_str_text(const struct kp_value *v, char *num, u32 *len);

/*
 * The integer that s[0..len) spells in base 2..36, or with base 0 in
 * decimal or as 0x hex; see tonumber in man/ktap.7.  False when s is not
 * such a number.
 */
bool kp_str_to_int(const char *s, u32 len, u32 base, s64 *out);

#endif /* KP_STR_H */
