/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.h - the resolver: decides what every name in the tree stands
 * for (local, global slot, built-in, tapset library function) and checks
 * calls.
 */
#ifndef KP_RESOLVE_H
#define KP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"

/*
 * TAPSET HOOK.  Asked about a name that is neither a local, a script
 * global nor a built-in, before "undefined variable/function" is
 * reported.  When the tapset library defines a function of that name,
 * it returns true and *stmts: the top-level statements that define it
 * (its "function NAME" and the data of its tapset file the first time
 * that file is used).  The resolver makes NAME a global, puts the
 * statements before the script's own (so they run first) and resolves
 * them too, which may ask the hook again.
 */
typedef bool (*kp_res_tapset_lookup_fn)(void *ctx, const char *name,
					struct kp_ast_node **stmts);

struct kp_suggest;

struct kp_res_hooks {
	kp_res_tapset_lookup_fn tapset_lookup;
	/* offers the library's names for "did you mean" */
	void (*tapset_names)(void *ctx, struct kp_suggest *s);
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

/* Offers every built-in name (and the event context names) to s. */
void kp_res_suggest_builtins(struct kp_suggest *s);

#endif /* KP_RESOLVE_H */
