/* SPDX-License-Identifier: GPL-2.0 */
/*
 * argstr.h - how a tracepoint's argstr is rendered: a printf format of
 * the VM over some of the event's fields, made from its tracefs "print
 * fmt" the way the kernel's own trace output would show the event.
 */
#ifndef KP_ARGSTR_H
#define KP_ARGSTR_H

#include "uapi/ktap.h"

/*
 * Set ev's fmt, fmt_len, fmt_args and fmt_nargs (ev's fields must be
 * set).  print_fmt is the text after "print fmt: ", or NULL.  syscalls
 * events follow the kernel's syscall output; a print fmt the VM's
 * formatter cannot follow (helpers such as __print_flags, %pS) falls
 * back to "name: field=value ...".
 */
void kp_argstr_build(struct ktap_event *ev, const char *subsys,
		     const char *print_fmt);

#endif /* KP_ARGSTR_H */
