/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapset.h - the tapset library as the compiler sees it: which file of
 * the tapset path defines a function or a probe alias, the statements
 * that define a function, and the expansion of an alias for the
 * running kernel.
 */
#ifndef KP_TAPSET_H
#define KP_TAPSET_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "resolve.h"
#include "tpath.h"

struct kp_tapset_lib;

/*
 * A library over `path` (NULL: an empty library).  Nothing is read
 * until a name is looked up.  Parsed tapsets live in `arena` and report
 * through `diag` under their own file names.
 */
struct kp_tapset_lib *kp_tapset_open(const struct kp_tpath *path,
				     struct kp_diag *diag,
				     struct kp_ast_arena *arena);
void kp_tapset_close(struct kp_tapset_lib *lib);

/* The resolver's hooks (resolve.h) for this library. */
void kp_tapset_hooks(struct kp_tapset_lib *lib, struct kp_res_hooks *hooks);

/*
 * Replaces every "trace ALIAS" block of `chunk` by the alias's events on
 * this kernel, its prologue put before the block's body.  Returns 0, or
 * -1 after reporting.
 */
int kp_tapset_expand_aliases(struct kp_tapset_lib *lib,
			     struct kp_ast_node *chunk);

/*
 * The kernel release aliases are chosen for: $KTAP_KERNEL_RELEASE if
 * set (tests), else uname -r.  Whether it compares to `version` as
 * `op` (KP_BIN_LT..KP_BIN_GE, EQ, NE) says: release numbers compared
 * field by field, "6.1.0-56-amd64" as 6.1.0.
 */
bool kp_tapset_kernel_is(enum kp_ast_binop op, const char *version);

#endif /* KP_TAPSET_H */
