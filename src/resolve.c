/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.c - the resolver: tells locals from globals, numbers both,
 * binds every name to a local, a global slot or a built-in, refuses
 * names of enclosing functions' locals, and checks built-in arities.
 *
 * Two walks over the tree.  The first follows the scopes: a `var` in
 * any block (a function body, a loop, an if arm...) declares locals of
 * that block, numbered per function, each visible from the statement
 * after its declaration to the end of the block; parameters and for
 * loop variables are locals too.  Every use of a name in scope binds to
 * that local.  A name found only among the locals of an enclosing
 * function is an error: there are no closures.  Every other name that
 * is assigned (or declared by `var` at the top level) is a global,
 * numbered in order of first appearance (ktap 0.4: assigning creates a
 * global, so a read may come textually before the assignment, as in a
 * loop or in a function defined before the assignment runs).
 * The second walk binds the remaining uses.  Lookup order for a name:
 * local, script global, built-in (uapi/ktap_builtins.h), tapset hook;
 * then it is undefined.
 *
 * Errors are reported and the walk goes on (it cannot loop), so the
 * caller just checks the error count.
 */
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "resolve.h"
#include "suggest.h"

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

void kp_res_suggest_builtins(struct kp_suggest *s)
{
	static const char *const evctx[] = {
		"probename", "argstr", "cpu", "pid", "tid", "uid", "execname",
		"retval",
	};
	unsigned i;

	for (i = 0; i < KTAP_BIF__COUNT; i++)
		kp_suggest_add(s, kp_res_builtins[i].name);
	for (i = 0; i < sizeof(evctx) / sizeof(evctx[0]); i++)
		kp_suggest_add(s, evctx[i]);
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

/* A local in scope: the scope stack holds them innermost last. */
struct kp_res_local {
	const char *name;
	unsigned id;		/* number within its function */
	unsigned func;		/* nesting level of that function, 0: top */
};

struct kp_resolver {
	struct kp_diag *diag;
	struct kp_ast_arena *arena;
	const struct kp_res_hooks *hooks;
	struct kp_res_map globals;
	const char **names;	/* by slot */
	unsigned nnames;
	unsigned names_cap;
	struct kp_res_local *scope;	/* the locals in scope */
	unsigned nscope, scope_cap;
	unsigned func;		/* nesting level of the function being walked */
	unsigned nlocals;	/* locals numbered so far in that function */
	bool top_block;		/* walking the top level's own statements */
	/* statements the tapset hook gave, still to walk */
	struct kp_ast_node **pending;
	unsigned npending, pending_cap;
};

static void declare_global(struct kp_resolver *r, struct kp_ast_node *name)
{
	struct kp_res_entry *e;

	if ((r->globals.count + 1) * 2 > r->globals.cap)
		map_grow(&r->globals);
	e = map_find(&r->globals, name->u.name.id);
	if (!e->name) {
		/* The chunk carries global names, up to the loader's limit. */
		if (strlen(name->u.name.id) > KTAP_MAX_NAME) {
			kp_diag_error(r->diag, name->pos, KP_MSG_NAME_TOO_LONG,
				      strlen(name->u.name.id), KTAP_MAX_NAME);
			return;
		}
		if (r->nnames >= KTAP_MAX_GLOBALS) {
			kp_diag_error(r->diag, name->pos,
				      KP_MSG_TOO_MANY_GLOBALS,
				      KTAP_MAX_GLOBALS);
			return;
		}
		if (r->nnames == r->names_cap) {
			r->names_cap = r->names_cap ? r->names_cap * 2 : 32;
			r->names = kp_diag_xrealloc(r->names, r->names_cap *
						    sizeof(*r->names));
		}
		e->name = name->u.name.id;
		e->slot = r->nnames;
		r->globals.count++;
		r->names[r->nnames++] = e->name;
	}
	name->u.name.sym.kind = KP_SYM_GLOBAL;
	name->u.name.sym.index = e->slot;
}

/* Brings a new local into scope; `name` is its declaring NAME node. */
static void declare_local(struct kp_resolver *r, struct kp_ast_node *name)
{
	if (r->nscope == r->scope_cap) {
		r->scope_cap = r->scope_cap ? r->scope_cap * 2 : 32;
		r->scope = kp_diag_xrealloc(r->scope,
					    r->scope_cap * sizeof(*r->scope));
	}
	r->scope[r->nscope].name = name->u.name.id;
	r->scope[r->nscope].id = r->nlocals;
	r->scope[r->nscope].func = r->func;
	r->nscope++;
	name->u.name.sym.kind = KP_SYM_LOCAL;
	name->u.name.sym.index = r->nlocals++;
}

/*
 * Binds a NAME node to the innermost local of that name, if any, and
 * returns true; a local of an enclosing function is reported.
 */
static bool bind_local(struct kp_resolver *r, struct kp_ast_node *n)
{
	unsigned i;

	for (i = r->nscope; i-- > 0;) {
		if (strcmp(r->scope[i].name, n->u.name.id))
			continue;
		if (r->scope[i].func != r->func) {
			kp_diag_error(r->diag, n->pos, KP_MSG_CAPTURE,
				      n->u.name.id);
			return true;
		}
		n->u.name.sym.kind = KP_SYM_LOCAL;
		n->u.name.sym.index = r->scope[i].id;
		return true;
	}
	return false;
}

/* A name being assigned: the local in scope, else a global. */
static void bind_target(struct kp_resolver *r, struct kp_ast_node *n)
{
	if (!bind_local(r, n))
		declare_global(r, n);
}

static void scope_stmt(struct kp_resolver *r, struct kp_ast_node *s);
static void scope_expr(struct kp_resolver *r, struct kp_ast_node *e);

/* A nested block: its locals end with it; `var` in it declares locals. */
static void scope_block(struct kp_resolver *r, struct kp_ast_node *block)
{
	unsigned nscope = r->nscope;
	bool top = r->top_block;
	struct kp_ast_node *s;

	r->top_block = false;
	for (s = block->u.block.stmts; s; s = s->next)
		scope_stmt(r, s);
	r->top_block = top;
	r->nscope = nscope;
}

/* A function: its parameters, then its body, with its own numbering. */
static void scope_function(struct kp_resolver *r, struct kp_ast_node *fn)
{
	unsigned nscope = r->nscope, nlocals = r->nlocals, first = r->nscope;
	bool top = r->top_block;
	struct kp_ast_node *param;
	unsigned i;

	r->func++;
	r->nlocals = 0;
	r->top_block = false;
	for (param = fn->u.func.params; param; param = param->next) {
		for (i = first; i < r->nscope; i++)
			if (!strcmp(r->scope[i].name, param->u.name.id))
				kp_diag_error(r->diag, param->pos,
					      KP_MSG_DUPLICATE_PARAM,
					      param->u.name.id);
		declare_local(r, param);
	}
	scope_block(r, fn->u.func.body);
	fn->u.func.nlocals = r->nlocals;
	r->func--;
	r->nlocals = nlocals;
	r->top_block = top;
	r->nscope = nscope;
}

/* First walk, expressions: bind names that are locals in scope. */
static void scope_expr(struct kp_resolver *r, struct kp_ast_node *e)
{
	struct kp_ast_node *arg;

	switch (e->kind) {
	case KP_AST_NAME:
		bind_local(r, e);
		break;
	case KP_AST_BINARY:
		scope_expr(r, e->u.bin.l);
		scope_expr(r, e->u.bin.r);
		break;
	case KP_AST_UNARY:
		scope_expr(r, e->u.un.e);
		break;
	case KP_AST_CALL:
		scope_expr(r, e->u.call.fn);
		for (arg = e->u.call.args; arg; arg = arg->next)
			scope_expr(r, arg);
		break;
	case KP_AST_FUNCTION:
		scope_function(r, e);
		break;
	case KP_AST_INDEX:
		scope_expr(r, e->u.index.obj);
		scope_expr(r, e->u.index.key);
		break;
	case KP_AST_TABLE:
		for (arg = e->u.table.fields; arg; arg = arg->next) {
			if (arg->u.field.key)
				scope_expr(r, arg->u.field.key);
			scope_expr(r, arg->u.field.value);
		}
		break;
	default:	/* literals */
		break;
	}
}

/* A name being assigned binds as a target; t[k] only reads t and k. */
static void scope_target(struct kp_resolver *r, struct kp_ast_node *n)
{
	if (n->kind == KP_AST_NAME)
		bind_target(r, n);
	else
		scope_expr(r, n);
}

/* for (k, v in pairs(t)): k and v are locals of the loop only. */
static void scope_forin(struct kp_resolver *r, struct kp_ast_node *s)
{
	unsigned nscope = r->nscope;
	struct kp_ast_node *arg;

	for (arg = s->u.forin.iter->u.call.args; arg; arg = arg->next)
		scope_expr(r, arg);
	declare_local(r, s->u.forin.k);
	if (s->u.forin.v)
		declare_local(r, s->u.forin.v);
	scope_block(r, s->u.forin.body);
	r->nscope = nscope;
}

static void scope_exprs(struct kp_resolver *r, struct kp_ast_node *e)
{
	for (; e; e = e->next)
		scope_expr(r, e);
}

/*
 * var a, b = e1, e2: the values are resolved before the names come into
 * scope, so `var x = x` reads the outer x.  At the top level's own
 * statements `var` declares globals (LANGUAGE.md).
 */
static void scope_var(struct kp_resolver *r, struct kp_ast_node *s)
{
	struct kp_ast_node *n;

	scope_exprs(r, s->u.assign.values);
	for (n = s->u.assign.targets; n; n = n->next) {
		if (r->top_block)
			declare_global(r, n);
		else
			declare_local(r, n);
	}
}

/* for (i = first, last, step): i is a local of the loop only. */
static void scope_numfor(struct kp_resolver *r, struct kp_ast_node *s)
{
	unsigned nscope = r->nscope;

	scope_expr(r, s->u.numfor.first);
	scope_expr(r, s->u.numfor.last);
	if (s->u.numfor.step)
		scope_expr(r, s->u.numfor.step);
	declare_local(r, s->u.numfor.var);
	scope_block(r, s->u.numfor.body);
	r->nscope = nscope;
}

/* for (init; cond; post): what init declares is a local of the loop. */
static void scope_cfor(struct kp_resolver *r, struct kp_ast_node *s)
{
	unsigned nscope = r->nscope;
	bool top = r->top_block;

	r->top_block = false;
	if (s->u.cfor.init)
		scope_stmt(r, s->u.cfor.init);
	if (s->u.cfor.cond)
		scope_expr(r, s->u.cfor.cond);
	if (s->u.cfor.post)
		scope_stmt(r, s->u.cfor.post);
	scope_block(r, s->u.cfor.body);
	r->top_block = top;
	r->nscope = nscope;
}

/* First walk, statements: scopes, locals, and which names are globals. */
static void scope_stmt(struct kp_resolver *r, struct kp_ast_node *s)
{
	struct kp_ast_node *n;

	switch (s->kind) {
	case KP_AST_EXPR_STMT:
	case KP_AST_RETURN:
		if (s->u.expr.e)
			scope_expr(r, s->u.expr.e);
		break;
	case KP_AST_VAR:
		scope_var(r, s);
		break;
	case KP_AST_ASSIGN:
		scope_exprs(r, s->u.assign.values);
		for (n = s->u.assign.targets; n; n = n->next)
			scope_target(r, n);
		break;
	case KP_AST_COMPOUND:
	case KP_AST_AGGREGATE:
		scope_expr(r, s->u.compound.value);
		/* fall through */
	case KP_AST_INCDEC:
		scope_target(r, s->u.compound.target);
		break;
	case KP_AST_FORIN:
		scope_forin(r, s);
		break;
	case KP_AST_BLOCK:
		scope_block(r, s);
		break;
	case KP_AST_IF:
		for (n = s->u.if_.arms; n; n = n->next) {
			scope_expr(r, n->u.loop.cond);
			scope_block(r, n->u.loop.body);
		}
		if (s->u.if_.els)
			scope_block(r, s->u.if_.els);
		break;
	case KP_AST_WHILE:
		scope_expr(r, s->u.loop.cond);
		scope_block(r, s->u.loop.body);
		break;
	case KP_AST_REPEAT:
		scope_block(r, s->u.loop.body);
		scope_expr(r, s->u.loop.cond);
		break;
	case KP_AST_NUMFOR:
		scope_numfor(r, s);
		break;
	case KP_AST_PROBE:
		scope_function(r, s->u.probe.fn);
		break;
	case KP_AST_CFOR:
		scope_cfor(r, s);
		break;
	default:	/* break, continue */
		break;
	}
}

/* ---- the second walk: globals, built-ins, tapsets ---------------------- */

static bool bind_global(struct kp_resolver *r, struct kp_ast_node *n);

/*
 * Asks the tapset hook, if there is one (kp_res_tapset_lookup_fn): a
 * library function becomes a global now; its statements are walked by
 * resolve_pending().
 */
static bool lookup_tapset(struct kp_resolver *r, struct kp_ast_node *name)
{
	struct kp_ast_node *stmts = NULL;

	if (!r->hooks || !r->hooks->tapset_lookup ||
	    !r->hooks->tapset_lookup(r->hooks->ctx, name->u.name.id, &stmts))
		return false;
	if (r->npending == r->pending_cap) {
		r->pending_cap = r->pending_cap ? r->pending_cap * 2 : 8;
		r->pending = kp_diag_xrealloc(r->pending, r->pending_cap *
					      sizeof(*r->pending));
	}
	r->pending[r->npending++] = stmts;
	declare_global(r, name);
	return true;
}

/* The names an undefined `name` may have meant, as a message suffix. */
static const char *did_you_mean(struct kp_resolver *r, const char *name,
				char *buf, size_t size)
{
	struct kp_suggest s;
	unsigned i;

	kp_suggest_init(&s, name);
	for (i = 0; i < r->nnames; i++)
		kp_suggest_add(&s, r->names[i]);
	kp_res_suggest_builtins(&s);
	if (r->hooks && r->hooks->tapset_names)
		r->hooks->tapset_names(r->hooks->ctx, &s);
	return kp_suggest_format(&s, buf, size);
}

/* Binds a NAME node to a script global; true if it is one. */
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

/*
 * The event context names (LANGUAGE.md "Event context"), when no
 * variable of the script has the name: the node becomes an EVCTX.
 */
static bool bind_event_name(struct kp_ast_node *n)
{
	static const struct { const char *name; unsigned item; } names[] = {
		{ "probename", KTAP_EVCTX_PROBENAME },
		{ "argstr", KTAP_EVCTX_ARGSTR },
		{ "cpu", KTAP_EVCTX_CPU },
		{ "pid", KTAP_EVCTX_PID },
		{ "tid", KTAP_EVCTX_TID },
		{ "uid", KTAP_EVCTX_UID },
		{ "execname", KTAP_EVCTX_EXECNAME },
		{ "retval", KTAP_EVCTX_RETVAL },
	};
	const char *id = n->u.name.id;
	unsigned i;

	if (!strncmp(id, "arg", 3) && id[3] >= '0' && id[3] <= '9' && !id[4]) {
		n->kind = KP_AST_EVCTX;
		n->u.ev.item = KTAP_EVCTX_ARG;
		n->u.ev.index = (unsigned)(id[3] - '0');
		n->u.ev.field = NULL;
		return true;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(id, names[i].name)) {
			n->kind = KP_AST_EVCTX;
			n->u.ev.item = names[i].item;
			n->u.ev.index = 0;
			n->u.ev.field = NULL;
			return true;
		}
	}
	return false;
}

static void resolve_name(struct kp_resolver *r, struct kp_ast_node *n)
{
	char what[256];

	if (n->u.name.sym.kind != KP_SYM_UNRESOLVED || bind_global(r, n) ||
	    bind_event_name(n))
		return;
	if (kp_res_builtin_id(n->u.name.id) >= 0) {
		/* Built-ins are called by id, they have no function value. */
		snprintf(what, sizeof(what),
			 "using the built-in function '%s' as a value",
			 n->u.name.id);
		kp_diag_error(r->diag, n->pos, KP_MSG_NOT_SUPPORTED, what);
		return;
	}
	if (lookup_tapset(r, n))
		return;
	kp_diag_error(r->diag, n->pos, KP_MSG_UNDEFINED_VAR, n->u.name.id,
		      did_you_mean(r, n->u.name.id, what, sizeof(what)));
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

static void resolve_expr(struct kp_resolver *r, struct kp_ast_node *e);

/*
 * table.new(...): a call of a qualified built-in name, "NAME.field",
 * when NAME is no variable (a variable named table is indexed instead).
 * True when n was such a call.
 */
static bool resolve_qualified(struct kp_resolver *r, struct kp_ast_node *n)
{
	struct kp_ast_node *fn = n->u.call.fn, *obj;
	char name[64];
	int id;

	if (fn->kind != KP_AST_INDEX || fn->u.index.key->kind != KP_AST_STR)
		return false;
	obj = fn->u.index.obj;
	if (obj->kind != KP_AST_NAME ||
	    obj->u.name.sym.kind != KP_SYM_UNRESOLVED || bind_global(r, obj))
		return false;
	if ((size_t)snprintf(name, sizeof(name), "%s.%s", obj->u.name.id,
			     fn->u.index.key->u.str.s) >= sizeof(name))
		return false;
	id = kp_res_builtin_id(name);
	if (id < 0)
		return false;
	n->u.call.sym.kind = KP_SYM_BUILTIN;
	n->u.call.sym.index = (unsigned)id;
	check_arity(r, n, id);
	return true;
}

/*
 * name(...): a variable (local or script global) holding a function
 * wins over a built-in of the same name, as a Lua global would.
 */
static void resolve_call(struct kp_resolver *r, struct kp_ast_node *n)
{
	struct kp_ast_node *fn = n->u.call.fn;
	char hint[256];
	int id;

	if (resolve_qualified(r, n))
		return;
	if (fn->kind != KP_AST_NAME || fn->u.name.sym.kind != KP_SYM_UNRESOLVED ||
	    bind_global(r, fn)) {
		resolve_expr(r, fn);
		return;
	}
	id = kp_res_builtin_id(fn->u.name.id);
	if (id >= 0) {
		n->u.call.sym.kind = KP_SYM_BUILTIN;
		n->u.call.sym.index = (unsigned)id;
		check_arity(r, n, id);
		return;
	}
	if (lookup_tapset(r, fn))
		return;		/* a global now: its value is called */
	kp_diag_error(r->diag, n->pos, KP_MSG_UNDEFINED_FUNC, fn->u.name.id,
		      did_you_mean(r, fn->u.name.id, hint, sizeof(hint)));
}

static void resolve_stmt(struct kp_resolver *r, struct kp_ast_node *s);

static void resolve_list(struct kp_resolver *r, struct kp_ast_node *s)
{
	for (; s; s = s->next)
		resolve_stmt(r, s);
}

static void resolve_exprs(struct kp_resolver *r, struct kp_ast_node *e)
{
	for (; e; e = e->next)
		resolve_expr(r, e);
}

static void resolve_fields(struct kp_resolver *r, struct kp_ast_node *f)
{
	for (; f; f = f->next) {
		if (f->u.field.key)
			resolve_expr(r, f->u.field.key);
		resolve_expr(r, f->u.field.value);
	}
}

/* Targets: names are bound already; t[k] reads t and k. */
static void resolve_targets(struct kp_resolver *r, struct kp_ast_node *n)
{
	for (; n; n = n->next)
		if (n->kind == KP_AST_INDEX)
			resolve_expr(r, n);
}

static void resolve_expr(struct kp_resolver *r, struct kp_ast_node *e)
{
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
		resolve_exprs(r, e->u.call.args);
		resolve_call(r, e);
		break;
	case KP_AST_FUNCTION:
		resolve_list(r, e->u.func.body->u.block.stmts);
		break;
	case KP_AST_INDEX:
		resolve_expr(r, e->u.index.obj);
		resolve_expr(r, e->u.index.key);
		break;
	case KP_AST_TABLE:
		resolve_fields(r, e->u.table.fields);
		break;
	default:	/* literals */
		break;
	}
}

/* Second walk: bind every name read or called; targets are bound. */
static void resolve_stmt(struct kp_resolver *r, struct kp_ast_node *s)
{
	struct kp_ast_node *n;

	switch (s->kind) {
	case KP_AST_EXPR_STMT:
	case KP_AST_RETURN:
		if (s->u.expr.e)
			resolve_expr(r, s->u.expr.e);
		break;
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		resolve_exprs(r, s->u.assign.values);
		resolve_targets(r, s->u.assign.targets);
		break;
	case KP_AST_COMPOUND:
		resolve_expr(r, s->u.compound.value);
		/* fall through */
	case KP_AST_INCDEC:
		resolve_targets(r, s->u.compound.target);
		break;
	case KP_AST_AGGREGATE:
		resolve_expr(r, s->u.compound.value);
		resolve_targets(r, s->u.compound.target);
		n = s->u.compound.target;
		if (n->kind == KP_AST_NAME && n->u.name.sym.kind == KP_SYM_LOCAL)
			kp_diag_error(r->diag, n->pos, KP_MSG_AGG_LOCAL,
				      n->u.name.id);
		break;
	case KP_AST_FORIN:
		resolve_exprs(r, s->u.forin.iter->u.call.args);
		resolve_stmt(r, s->u.forin.body);
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
	case KP_AST_REPEAT:
		resolve_expr(r, s->u.loop.cond);
		resolve_stmt(r, s->u.loop.body);
		break;
	case KP_AST_NUMFOR:
		resolve_expr(r, s->u.numfor.first);
		resolve_expr(r, s->u.numfor.last);
		if (s->u.numfor.step)
			resolve_expr(r, s->u.numfor.step);
		resolve_stmt(r, s->u.numfor.body);
		break;
	case KP_AST_PROBE:
		resolve_expr(r, s->u.probe.fn);
		break;
	case KP_AST_CFOR:
		if (s->u.cfor.init)
			resolve_stmt(r, s->u.cfor.init);
		if (s->u.cfor.cond)
			resolve_expr(r, s->u.cfor.cond);
		if (s->u.cfor.post)
			resolve_stmt(r, s->u.cfor.post);
		resolve_stmt(r, s->u.cfor.body);
		break;
	default:	/* break, continue */
		break;
	}
}

/*
 * The tapset statements: top-level code of their own, put before the
 * script's, walked both ways like it (the scope stack is empty between
 * top-level statements).  Walking them may ask the hook for more.
 */
static void resolve_pending(struct kp_resolver *r, struct kp_ast_node *chunk)
{
	struct kp_ast_node *stmts, *s, *last;
	unsigned i;

	for (i = 0; i < r->npending; i++) {
		stmts = r->pending[i];
		if (!stmts)
			continue;
		r->top_block = true;
		for (s = stmts; s; s = s->next)
			scope_stmt(r, s);
		for (s = stmts; s; s = s->next)
			resolve_stmt(r, s);
		for (last = stmts; last->next; last = last->next)
			;
		last->next = chunk->u.block.stmts;
		chunk->u.block.stmts = stmts;
	}
}

int kp_res_resolve(struct kp_ast_node *chunk, struct kp_diag *diag,
		   struct kp_ast_arena *arena,
		   const struct kp_res_hooks *hooks,
		   struct kp_res_result *out)
{
	struct kp_resolver r;
	unsigned errors = diag->nerrors;
	struct kp_ast_node *s;

	memset(&r, 0, sizeof(r));
	r.diag = diag;
	r.arena = arena;
	r.hooks = hooks;
	r.top_block = true;
	for (s = chunk->u.block.stmts; s; s = s->next)
		scope_stmt(&r, s);
	resolve_stmt(&r, chunk);
	resolve_pending(&r, chunk);
	out->nglobals = r.nnames;
	out->nlocals = r.nlocals;
	out->globals = kp_ast_alloc(arena, (r.nnames + 1) * sizeof(*out->globals));
	if (r.nnames)
		memcpy(out->globals, r.names, r.nnames * sizeof(*r.names));
	free(r.names);
	free(r.globals.entries);
	free(r.scope);
	free(r.pending);
	return diag->nerrors > errors ? -1 : 0;
}
