/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.c - the resolver: numbers the script's globals, binds every
 * name to a global slot or a built-in, and checks built-in call arities.
 *
 * Two walks over the tree.  The first collects every name that is
 * assigned or declared anywhere: those are the globals, numbered in order
 * of first appearance (ktap 0.4: assigning creates a global, so a read
 * may come textually before the assignment, as in a loop).  The second
 * binds each use.  Lookup order for a name: script global, built-in
 * (uapi/ktap_builtins.h), tapset hook; then it is undefined.
 *
 * For now `var` inside a block also declares a global: locals arrive
 * with functions and probe bodies, which give them a frame to live in.
 *
 * Errors are reported and the walk goes on (it cannot loop), so the
 * caller just checks the error count.
 */
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "resolve.h"

struct kp_res_builtin {
	const char *name;
	int min_args;
	int max_args;		/* -1: no upper bound */
};

/* Indexed by enum ktap_builtin: the ABI's table, not a copy of it. */
static const struct kp_res_builtin kp_res_builtins[] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) { name, min_args, max_args },
#include "uapi/ktap_builtins.h"
};

int kp_res_builtin_id(const char *name)
{
	int i;

	for (i = 0; i < KTAP_BIF__COUNT; i++)
		if (!strcmp(kp_res_builtins[i].name, name))
			return i;
	return -1;
}

/* ---- name -> global slot, open addressing with linear probing -------- */

struct kp_res_entry {
	const char *name;	/* NULL: empty */
	unsigned slot;
};

struct kp_res_map {
	struct kp_res_entry *entries;
	unsigned cap;		/* a power of two, kept at least twice count */
	unsigned count;
};

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The entry holding `name`, or the empty entry where it would go. */
static struct kp_res_entry *map_find(const struct kp_res_map *m,
				     const char *name)
{
	unsigned i = hash_name(name) & (m->cap - 1);

	while (m->entries[i].name && strcmp(m->entries[i].name, name))
		i = (i + 1) & (m->cap - 1);
	return &m->entries[i];
}

static void map_grow(struct kp_res_map *m)
{
	struct kp_res_map bigger = { NULL, m->cap ? m->cap * 2 : 64, m->count };
	unsigned i;

	bigger.entries = kp_diag_xrealloc(NULL, bigger.cap *
					  sizeof(*bigger.entries));
	memset(bigger.entries, 0, bigger.cap * sizeof(*bigger.entries));
	for (i = 0; i < m->cap; i++)
		if (m->entries[i].name)
			*map_find(&bigger, m->entries[i].name) = m->entries[i];
	free(m->entries);
	*m = bigger;
}

/* ---- the resolver ----------------------------------------------------- */

struct kp_resolver {
	struct kp_diag *diag;
	struct kp_ast_arena *arena;
	const struct kp_res_hooks *hooks;
	struct kp_res_map globals;
	const char **names;	/* by slot */
	unsigned nnames;
	unsigned names_cap;
};

static void declare(struct kp_resolver *r, const struct kp_ast_node *name)
{
	struct kp_res_entry *e;

	if ((r->globals.count + 1) * 2 > r->globals.cap)
		map_grow(&r->globals);
	e = map_find(&r->globals, name->u.name.id);
	if (e->name)
		return;
	/* The chunk carries global names, up to the loader's limit. */
	if (strlen(name->u.name.id) > KTAP_MAX_NAME) {
		kp_diag_error(r->diag, name->pos, KP_MSG_NAME_TOO_LONG,
			      strlen(name->u.name.id), KTAP_MAX_NAME);
		return;
	}
	if (r->nnames >= KTAP_MAX_GLOBALS) {
		kp_diag_error(r->diag, name->pos, KP_MSG_TOO_MANY_GLOBALS,
			      KTAP_MAX_GLOBALS);
		return;
	}
	if (r->nnames == r->names_cap) {
		r->names_cap = r->names_cap ? r->names_cap * 2 : 32;
		r->names = kp_diag_xrealloc(r->names,
					    r->names_cap * sizeof(*r->names));
	}
	e->name = name->u.name.id;
	e->slot = r->nnames;
	r->globals.count++;
	r->names[r->nnames++] = e->name;
}

static void declare_list(struct kp_resolver *r, const struct kp_ast_node *s);

/* First walk: every assigned or declared name becomes a global. */
static void declare_stmt(struct kp_resolver *r, const struct kp_ast_node *s)
{
	const struct kp_ast_node *n;

	switch (s->kind) {
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		for (n = s->u.assign.targets; n; n = n->next)
			declare(r, n);
		break;
	case KP_AST_COMPOUND:
	case KP_AST_INCDEC:
		declare(r, s->u.compound.target);
		break;
	case KP_AST_BLOCK:
		declare_list(r, s->u.block.stmts);
		break;
	case KP_AST_IF:
		for (n = s->u.if_.arms; n; n = n->next)
			declare_stmt(r, n->u.loop.body);
		if (s->u.if_.els)
			declare_stmt(r, s->u.if_.els);
		break;
	case KP_AST_WHILE:
		declare_stmt(r, s->u.loop.body);
		break;
	default:
		break;
	}
}

static void declare_list(struct kp_resolver *r, const struct kp_ast_node *s)
{
	for (; s; s = s->next)
		declare_stmt(r, s);
}

/* Asks the tapset hook, if there is one; see kp_res_tapset_lookup_fn. */
static bool lookup_tapset(struct kp_resolver *r, const char *name,
			  bool is_call, struct kp_ast_sym *sym)
{
	if (!r->hooks || !r->hooks->tapset_lookup)
		return false;
	return r->hooks->tapset_lookup(r->hooks->ctx, name, is_call, sym);
}

/* Binds a NAME node; true if it is a script global. */
static bool bind_global(struct kp_resolver *r, struct kp_ast_node *n)
{
	struct kp_res_entry *e;

	if (!r->globals.cap)
		return false;
	e = map_find(&r->globals, n->u.name.id);
	if (!e->name)
		return false;
	n->u.name.sym.kind = KP_SYM_GLOBAL;
	n->u.name.sym.index = e->slot;
	return true;
}

static void resolve_name(struct kp_resolver *r, struct kp_ast_node *n)
{
	char what[96];

	if (bind_global(r, n))
		return;
	if (kp_res_builtin_id(n->u.name.id) >= 0) {
		/* Function values come with functions. */
		snprintf(what, sizeof(what),
			 "using the built-in function '%s' as a value",
			 n->u.name.id);
		kp_diag_error(r->diag, n->pos, KP_MSG_NOT_SUPPORTED, what);
		return;
	}
	if (lookup_tapset(r, n->u.name.id, false, &n->u.name.sym))
		return;
	kp_diag_error(r->diag, n->pos, KP_MSG_UNDEFINED_VAR, n->u.name.id);
}

/* "1 argument", "2 arguments" */
static int plural(char *buf, size_t size, int n)
{
	return snprintf(buf, size, "%d argument%s", n, n == 1 ? "" : "s");
}

void kp_res_describe_arity(char *buf, size_t size, int min_args,
			   int max_args)
{
	int n;

	if (max_args < 0) {
		n = snprintf(buf, size, "at least ");
		plural(buf + n, size - n, min_args);
	} else if (min_args == max_args) {
		if (max_args == 0) {
			snprintf(buf, size, "no arguments");
			return;
		}
		n = snprintf(buf, size, "exactly ");
		plural(buf + n, size - n, max_args);
	} else if (min_args == 0) {
		n = snprintf(buf, size, "at most ");
		plural(buf + n, size - n, max_args);
	} else {
		snprintf(buf, size, "%d to %d arguments", min_args, max_args);
	}
}

static void check_arity(struct kp_resolver *r, const struct kp_ast_node *n,
			int id)
{
	const struct kp_res_builtin *b = &kp_res_builtins[id];
	int nargs = (int)n->u.call.nargs;
	char arity[64];

	if (nargs >= b->min_args && (b->max_args < 0 || nargs <= b->max_args))
		return;
	kp_res_describe_arity(arity, sizeof(arity), b->min_args, b->max_args);
	kp_diag_error(r->diag, n->pos, KP_MSG_ARG_COUNT, b->name, arity,
		      nargs);
}

static void resolve_call(struct kp_resolver *r, struct kp_ast_node *n)
{
	struct kp_res_entry *e = NULL;
	char what[96];
	int id;

	if (r->globals.cap)
		e = map_find(&r->globals, n->u.call.id);
	if (e && e->name) {
		/* Calls through variables come with function values. */
		snprintf(what, sizeof(what), "calling the variable '%s'",
			 n->u.call.id);
		kp_diag_error(r->diag, n->pos, KP_MSG_NOT_SUPPORTED, what);
		return;
	}
	id = kp_res_builtin_id(n->u.call.id);
	if (id >= 0) {
		n->u.call.sym.kind = KP_SYM_BUILTIN;
		n->u.call.sym.index = (unsigned)id;
		check_arity(r, n, id);
		return;
	}
	if (lookup_tapset(r, n->u.call.id, true, &n->u.call.sym))
		return;
	kp_diag_error(r->diag, n->pos, KP_MSG_UNDEFINED_FUNC, n->u.call.id);
}

static void resolve_expr(struct kp_resolver *r, struct kp_ast_node *e)
{
	struct kp_ast_node *arg;

	switch (e->kind) {
	case KP_AST_NAME:
		resolve_name(r, e);
		break;
	case KP_AST_BINARY:
		resolve_expr(r, e->u.bin.l);
		resolve_expr(r, e->u.bin.r);
		break;
	case KP_AST_UNARY:
		resolve_expr(r, e->u.un.e);
		break;
	case KP_AST_CALL:
		for (arg = e->u.call.args; arg; arg = arg->next)
			resolve_expr(r, arg);
		resolve_call(r, e);
		break;
	default:	/* literals */
		break;
	}
}

static void resolve_list(struct kp_resolver *r, struct kp_ast_node *s);

/* Second walk: bind every name read, assigned or called. */
static void resolve_stmt(struct kp_resolver *r, struct kp_ast_node *s)
{
	struct kp_ast_node *n;

	switch (s->kind) {
	case KP_AST_EXPR_STMT:
		resolve_expr(r, s->u.expr.e);
		break;
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		for (n = s->u.assign.values; n; n = n->next)
			resolve_expr(r, n);
		for (n = s->u.assign.targets; n; n = n->next)
			bind_global(r, n);
		break;
	case KP_AST_COMPOUND:
		resolve_expr(r, s->u.compound.value);
		/* fall through */
	case KP_AST_INCDEC:
		bind_global(r, s->u.compound.target);
		break;
	case KP_AST_BLOCK:
		resolve_list(r, s->u.block.stmts);
		break;
	case KP_AST_IF:
		for (n = s->u.if_.arms; n; n = n->next) {
			resolve_expr(r, n->u.loop.cond);
			resolve_stmt(r, n->u.loop.body);
		}
		if (s->u.if_.els)
			resolve_stmt(r, s->u.if_.els);
		break;
	case KP_AST_WHILE:
		resolve_expr(r, s->u.loop.cond);
		resolve_stmt(r, s->u.loop.body);
		break;
	default:	/* break, continue */
		break;
	}
}

static void resolve_list(struct kp_resolver *r, struct kp_ast_node *s)
{
	for (; s; s = s->next)
		resolve_stmt(r, s);
}

int kp_res_resolve(struct kp_ast_node *chunk, struct kp_diag *diag,
		   struct kp_ast_arena *arena,
		   const struct kp_res_hooks *hooks,
		   struct kp_res_result *out)
{
	struct kp_resolver r = { diag, arena, hooks, { NULL, 0, 0 }, NULL, 0, 0 };
	unsigned errors = diag->nerrors;

	declare_stmt(&r, chunk);
	resolve_stmt(&r, chunk);
	out->nglobals = r.nnames;
	out->globals = kp_ast_alloc(arena, (r.nnames + 1) * sizeof(*out->globals));
	if (r.nnames)
		memcpy(out->globals, r.names, r.nnames * sizeof(*r.names));
	free(r.names);
	free(r.globals.entries);
	return diag->nerrors > errors ? -1 : 0;
}
