/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spec_args.h - script arguments substituted into event specs ($1).
 */
#ifndef KP_SPEC_ARGS_H
#define KP_SPEC_ARGS_H

#include "ast.h"
#include "diag.h"

int kp_spec_args_subst(struct kp_ast_node *tree, struct kp_ast_arena *arena,
		       struct kp_diag *diag, const char *const *args,
		       int nargs);

#endif /* KP_SPEC_ARGS_H */
