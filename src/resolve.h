/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.h - the resolver: decides what every name in the tree stands
 * for (local, global slot, built-in, later tapset) and checks calls.
 */
#ifndef KP_RESOLVE_H
#define KP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"

/*
 * TAPSET HOOK.  Asked about a name that is neither a script global nor
 * a built-in, before "undefined variable/function" is reported.  Return
 * true and fill *sym if the tapset library defines it.  The library
 * itself (and a KP_SYM_ kind for its functions) comes in a later issue;
 * kp_compile() passes no hook yet.
 */
typedef bool (*kp_res_tapset_lookup_fn)(void *ctx, const char *name,
					bool is_call, struct kp_ast_sym *sym);

struct kp_res_hooks {
	kp_res_tapset_lookup_fn tapset_lookup;
	void *ctx;
};

/* What the resolver found for the whole script. */
struct kp_res_result {
	const char **globals;	/* name of each global slot, in the arena */
	unsigned nglobals;
	unsigned nlocals;	/* locals of the top level (in its blocks) */
};

/*
 * Resolves every name of `chunk` in place (the sym fields of NAME and
 * CALL nodes, and nlocals of FUNCTION nodes).  Returns 0, or -1 after
 * reporting through `diag`.  `hooks` may be NULL.
 */
int kp_res_resolve(struct kp_ast_node *chunk, struct kp_diag *diag,
		   struct kp_ast_arena *arena,
		   const struct kp_res_hooks *hooks,
		   struct kp_res_result *out);

/*
 * How many arguments a built-in takes, as the arity error words it:
 * "at least 1 argument", "exactly 2 arguments", "1 to 3 arguments"...
 * (max_args -1: no upper bound).
 */
void kp_res_describe_arity(char *buf, size_t size, int min_args,
			   int max_args);

/* The enum ktap_builtin id of a built-in name, or -1. */
int kp_res_builtin_id(const char *name);

#endif /* KP_RESOLVE_H */
