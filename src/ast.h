/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ast.h - the syntax tree the parser builds and the later passes read
 * and annotate, plus the arena that owns all of its memory.
 */
#ifndef KP_AST_H
#define KP_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

/*
 * Arena: every node and string of one compilation lives here and is
 * freed at once, so passes can stop anywhere (even by longjmp) and leak
 * nothing.
 */
struct kp_ast_arena {
	struct kp_ast_arena_block *blocks;
};

void kp_ast_arena_init(struct kp_ast_arena *arena);
void kp_ast_arena_free(struct kp_ast_arena *arena);
void *kp_ast_alloc(struct kp_ast_arena *arena, size_t size);
char *kp_ast_strdup(struct kp_ast_arena *arena, const char *s, size_t len);

/*
 * Node kinds: (enum suffix, name in kp_ast_dump).  Expressions come
 * first, so kp_ast_is_expr() is one comparison.
 */
#define KP_AST_KINDS(_)							\
	/* expressions */						\
	_(INT, "int") _(STR, "str")					\
	_(TRUE, "true") _(FALSE, "false") _(NIL, "nil")			\
	_(NAME, "name")							\
	_(BINARY, "binary")	/* also && and ||, see KP_AST_BINOPS */	\
	_(UNARY, "unary")						\
	_(CALL, "call")							\
	_(FUNCTION, "function")						\
	_(INDEX, "index")	/* t[k], t.name */			\
	_(TABLE, "table")	/* {1, x = 2, [k] = 3} */		\
	_(EVCTX, "evctx")	/* pid, arg1, $name... of the event */	\
	/* statements */						\
	_(BLOCK, "block")						\
	_(EXPR_STMT, "expr")	/* a call whose result is dropped */	\
	_(VAR, "var")							\
	_(ASSIGN, "=")							\
	_(COMPOUND, "op=")	/* a += e and the others */		\
	_(INCDEC, "incdec")	/* a++ and a-- */			\
	_(AGGREGATE, "<<<")	/* s[k] <<< v, s <<< v */		\
	_(IF, "if")							\
	_(ARM, "arm")		/* one "(cond) {body}" of an if */	\
	_(WHILE, "while")						\
	_(NUMFOR, "for")	/* for (i = first, last [, step]) */	\
	_(CFOR, "cfor")		/* for (init; cond; post) */		\
	_(REPEAT, "repeat")						\
	_(BREAK, "break")						\
	_(CONTINUE, "continue")						\
	_(RETURN, "return")						\
	_(FORIN, "forin")	/* for (k, v in pairs(t)) */		\
	_(FIELD, "field")	/* one item of a TABLE */		\
	_(PROBE, "probe")	/* trace, trace_end, tick-, profile- */

enum kp_ast_kind {
#define KP_AST_KIND_ENUM(id, name) KP_AST_##id,
	KP_AST_KINDS(KP_AST_KIND_ENUM)
#undef KP_AST_KIND_ENUM
	KP_AST__COUNT
};

/* Binary operators: (enum suffix, spelling) */
#define KP_AST_BINOPS(_)						\
	_(OR, "||") _(AND, "&&")					\
	_(BOR, "|") _(BXOR, "^") _(BAND, "&")				\
	_(EQ, "==") _(NE, "!=")						\
	_(LT, "<") _(LE, "<=") _(GT, ">") _(GE, ">=")			\
	_(CONCAT, "..") _(SHL, "<<") _(SHR, ">>")			\
	_(ADD, "+") _(SUB, "-") _(MUL, "*") _(DIV, "/") _(MOD, "%")

enum kp_ast_binop {
#define KP_AST_BINOP_ENUM(id, spelling) KP_BIN_##id,
	KP_AST_BINOPS(KP_AST_BINOP_ENUM)
#undef KP_AST_BINOP_ENUM
	KP_BIN__COUNT
};

#define KP_AST_UNOPS(_) _(NEG, "-") _(NOT, "!") _(BNOT, "~")

enum kp_ast_unop {
#define KP_AST_UNOP_ENUM(id, spelling) KP_UN_##id,
	KP_AST_UNOPS(KP_AST_UNOP_ENUM)
#undef KP_AST_UNOP_ENUM
	KP_UN__COUNT
};

/*
 * What a name stands for, filled in by the resolver.  There are no
 * upvalues: a function cannot use the locals of the one around it.
 * A tapset library function is a global like the script's own (its
 * definition is put into the tree, see resolve.h).
 */
enum kp_ast_sym_kind {
	KP_SYM_UNRESOLVED,
	KP_SYM_GLOBAL,		/* index: global slot */
	KP_SYM_BUILTIN,		/* index: enum ktap_builtin */
	KP_SYM_LOCAL,		/* index: local number in its function */
};

struct kp_ast_sym {
	enum kp_ast_sym_kind kind;
	unsigned index;
};

/* The blocks of tracing (LANGUAGE.md "Tracing blocks"). */
enum kp_probe_kind {
	KP_PROBE_TRACE,		/* trace EVENTDEF [/FILTER/] { } */
	KP_PROBE_END,		/* trace_end { } */
	KP_PROBE_TICK,		/* tick-N<unit> { } */
	KP_PROBE_PROFILE,	/* profile-N<unit> { } */
	KP_PROBE_ALIAS,		/* alias NAME = EVENTDEF, ... { } (tapsets) */
};

/*
 * One node type for everything keeps lists trivial: a list is a chain
 * through `next`.  Which union member is valid follows from `kind`.
 */
struct kp_ast_node {
	enum kp_ast_kind kind;
	struct kp_pos pos;
	struct kp_ast_node *next;
	/* expressions: height of the tree; the parser bounds it, so the
	 * recursive passes cannot run out of stack */
	unsigned depth;
	union {
		int64_t ival;					/* INT */
		struct { const char *s; size_t len; } str;	/* STR */
		struct {					/* NAME */
			const char *id;
			struct kp_ast_sym sym;
		} name;
		struct {					/* BINARY */
			enum kp_ast_binop op;
			struct kp_ast_node *l, *r;
		} bin;
		struct {					/* UNARY */
			enum kp_ast_unop op;
			struct kp_ast_node *e;
		} un;
		struct {					/* CALL */
			struct kp_ast_node *fn;	/* what is called */
			/* BUILTIN when fn is a NAME that names a built-in
			 * (and no variable); else the value of fn is called */
			struct kp_ast_sym sym;
			struct kp_ast_node *args;
			unsigned nargs;
		} call;
		struct {					/* FUNCTION */
			const char *name;	/* function NAME(), else NULL */
			struct kp_ast_node *params;	/* NAME nodes */
			unsigned nparams;
			struct kp_ast_node *body;	/* BLOCK */
			unsigned nlocals;	/* resolver: parameters included */
		} func;
		struct {					/* BLOCK */
			struct kp_ast_node *stmts;
			struct kp_pos end;	/* of its '}' or <eof> */
		} block;
		struct { struct kp_ast_node *e; } expr;	/* EXPR_STMT, RETURN
							 * (e NULL: no value) */
		struct {				/* VAR, ASSIGN */
			struct kp_ast_node *targets;	/* NAME or INDEX nodes */
			unsigned ntargets;
			struct kp_ast_node *values;	/* may be empty for VAR */
			unsigned nvalues;
		} assign;
		struct {			/* COMPOUND, INCDEC, AGGREGATE */
			enum kp_ast_binop op;	/* INCDEC: ADD or SUB */
			struct kp_ast_node *target;	/* a NAME or INDEX node */
			struct kp_ast_node *value;	/* NULL for INCDEC */
		} compound;
		struct {				/* IF */
			struct kp_ast_node *arms;	/* ARM nodes */
			struct kp_ast_node *els;	/* BLOCK or NULL */
		} if_;
		struct {				/* ARM, WHILE, REPEAT */
			struct kp_ast_node *cond;
			struct kp_ast_node *body;	/* BLOCK */
		} loop;
		struct {				/* NUMFOR */
			struct kp_ast_node *var;	/* NAME, a local */
			struct kp_ast_node *first, *last;
			struct kp_ast_node *step;	/* NULL: 1 */
			struct kp_ast_node *body;
		} numfor;
		struct {				/* INDEX */
			struct kp_ast_node *obj, *key;
		} index;
		struct {				/* TABLE */
			struct kp_ast_node *fields;	/* FIELD nodes */
			unsigned narr, nrec;	/* positional, keyed */
		} table;
		struct {				/* FIELD */
			struct kp_ast_node *key;	/* NULL: positional */
			struct kp_ast_node *value;
		} field;
		struct {				/* FORIN */
			struct kp_ast_node *k, *v;	/* NAMEs, v may be NULL */
			struct kp_ast_node *iter;	/* CALL of pairs/sort_pairs */
			bool sorted;			/* sort_pairs */
			struct kp_ast_node *body;
		} forin;
		struct {				/* EVCTX */
			unsigned item;	/* enum ktap_evctx */
			/* ARG: N; FIELD: the slot, set by the events pass */
			unsigned index;
			const char *field;	/* FIELD: the name */
			/* FIELD in a tapset: nil, not an error, where the
			 * events lack it (a prologue serves many kernels) */
			bool optional;
		} ev;
		struct {				/* PROBE */
			enum kp_probe_kind kind;
			/* TRACE: the event spec; ALIAS: the alias name */
			const char *spec;
			/* ALIAS, and TRACE of an alias once expanded: the
			 * EVENTDEFs (STR nodes) that replace spec */
			struct kp_ast_node *events;
			/* ALIAS: only if the kernel release compares so
			 * (kver_op: KP_BIN_LT..KP_BIN_GE, or EQ/NE) */
			const char *kver;
			enum kp_ast_binop kver_op;
			uint64_t period_ns;	/* TICK, PROFILE */
			struct kp_ast_node *fn;	/* FUNCTION, no params */
			unsigned proto;		/* set by codegen */
		} probe;
		struct {				/* CFOR */
			struct kp_ast_node *init;	/* statement or NULL */
			struct kp_ast_node *cond;	/* NULL: true */
			struct kp_ast_node *post;	/* statement or NULL */
			struct kp_ast_node *body;
		} cfor;
	} u;
};

static inline int kp_ast_is_expr(const struct kp_ast_node *n)
{
	return n->kind < KP_AST_BLOCK;
}

struct kp_ast_node *kp_ast_new(struct kp_ast_arena *arena,
			       enum kp_ast_kind kind, struct kp_pos pos);
const char *kp_ast_kind_name(enum kp_ast_kind kind);
const char *kp_ast_binop_spelling(enum kp_ast_binop op);
const char *kp_ast_unop_spelling(enum kp_ast_unop op);

/*
 * An S-expression rendering, for tests and debugging: "(+ 1 (* 2 3))".
 * kp_ast_dump() returns a malloc()ed string the caller frees.
 */
void kp_ast_dump_file(FILE *out, const struct kp_ast_node *n);
char *kp_ast_dump(const struct kp_ast_node *n);

#endif /* KP_AST_H */
