/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the ktapvm module: open /dev/ktap (loading the module when it
 * is missing), check its ABI against this ktap, explain failures.
 */
#ifndef KTAP_MODULE_H
#define KTAP_MODULE_H

#include "uapi/ktap.h"

/*
 * open(/dev/ktap, flags); when it is missing and we are root, run
 * `modprobe ktapvm` first.  Returns the fd, or -1 after printing what
 * went wrong and how to fix it.
 */
int kp_module_open(int flags);

/*
 * Refuse (-1, with a message naming both versions and the fix) a module
 * of another ABI major, or one whose minor is below need_minor; why
 * says what needs that minor ("this script", "-B").  Otherwise returns
 * the module's ABI minor, for what a newer one offers.
 */
int kp_module_check(int fd, unsigned int need_minor, const char *why);

/* After LOAD failed with err: explain it when kernel lockdown is why. */
void kp_module_explain_load(int err);

/*
 * Ask the loaded module for its version, without loading it.  Returns
 * 0 and fills v, or -1 (errno set) when it is not loaded or cannot be
 * asked.
 */
int kp_module_version(struct ktap_version *v);

#endif /* KTAP_MODULE_H */
