/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Built-in functions, called by CALLB with the id from uapi/ktap.h's
 * KTAP_BUILTINS table.
 */
#ifndef KP_BUILTINS_H
#define KP_BUILTINS_H

#include "vm.h"

/*
 * Call built-in id with args[0..nargs); the verifier proved id valid and
 * nargs within its arity.  The result goes to *ret.
 */
int kp_builtin_call(struct kp_exec *x, const struct kp_proto *p,
		    const u32 *pc, u32 id, struct kp_value *ret,
		    const struct kp_value *args, u32 nargs);

#endif /* KP_BUILTINS_H */
