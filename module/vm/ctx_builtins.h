/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The context and time built-ins (ctx_builtins.c), for the dispatch
 * table in builtins.c.
 */
#ifndef KP_CTX_BUILTINS_H
#define KP_CTX_BUILTINS_H

#include "builtins.h"

#define KP_CTX_BUILTIN(id)						\
int kp_bif_##id(struct kp_exec *x, const struct kp_proto *p,		\
		const u32 *pc, struct kp_value *ret,			\
		const struct kp_value *args, u32 nargs)

KP_CTX_BUILTIN(STACK);
KP_CTX_BUILTIN(USER_STRING);
KP_CTX_BUILTIN(KERNEL_STRING);
KP_CTX_BUILTIN(KSYM);
KP_CTX_BUILTIN(IPOF);
KP_CTX_BUILTIN(IN_INTERRUPT);
KP_CTX_BUILTIN(IN_IOWAIT);
KP_CTX_BUILTIN(GETTIMEOFDAY_NS);
KP_CTX_BUILTIN(GETTIMEOFDAY_US);
KP_CTX_BUILTIN(GETTIMEOFDAY_MS);
KP_CTX_BUILTIN(GETTIMEOFDAY_S);
KP_CTX_BUILTIN(KTIME_NS);
KP_CTX_BUILTIN(NUM_CPUS);
KP_CTX_BUILTIN(ARCH);
KP_CTX_BUILTIN(KERNEL_V);
KP_CTX_BUILTIN(USTACK);

#endif /* KP_CTX_BUILTINS_H */
