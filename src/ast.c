/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ast.c - owns syntax-tree memory (a bump arena) and the S-expression
 * dump that tests use to check the tree's shape.
 */
#include <inttypes.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

/*
 * Blocks are chained newest first; each hands out memory from its end.
 * A request bigger than the usual block gets a block of its own.
 */
struct kp_ast_arena_block {
	struct kp_ast_arena_block *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

#define KP_ARENA_BLOCK_SIZE	(16 * 1024)

void kp_ast_arena_init(struct kp_ast_arena *arena)
{
	arena->blocks = NULL;
}

void kp_ast_arena_free(struct kp_ast_arena *arena)
{
	struct kp_ast_arena_block *b = arena->blocks, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	arena->blocks = NULL;
}

/* Returns zeroed memory aligned for any type. */
void *kp_ast_alloc(struct kp_ast_arena *arena, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct kp_ast_arena_block *b = arena->blocks;
	void *p;

	size = (size + align - 1) & ~(align - 1);
	if (!b || b->size - b->used < size) {
		size_t bsize = size > KP_ARENA_BLOCK_SIZE ? size
							  : KP_ARENA_BLOCK_SIZE;

		b = kp_diag_xrealloc(NULL, sizeof(*b) + bsize);
		b->used = 0;
		b->size = bsize;
		b->next = arena->blocks;
		arena->blocks = b;
	}
	p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

/* Copies `len` bytes and adds a NUL, so names work as C strings. */
char *kp_ast_strdup(struct kp_ast_arena *arena, const char *s, size_t len)
{
	char *p = kp_ast_alloc(arena, len + 1);

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct kp_ast_node *kp_ast_new(struct kp_ast_arena *arena,
			       enum kp_ast_kind kind, struct kp_pos pos)
{
	struct kp_ast_node *n = kp_ast_alloc(arena, sizeof(*n));

	n->kind = kind;
	n->pos = pos;
	n->depth = 1;
	return n;
}

static const char *const kp_ast_kind_names[] = {
#define KP_AST_KIND_NAME(id, name) name,
	KP_AST_KINDS(KP_AST_KIND_NAME)
#undef KP_AST_KIND_NAME
};

static const char *const kp_ast_binop_spellings[] = {
#define KP_AST_BINOP_SPELLING(id, spelling) spelling,
	KP_AST_BINOPS(KP_AST_BINOP_SPELLING)
#undef KP_AST_BINOP_SPELLING
};

static const char *const kp_ast_unop_spellings[] = {
#define KP_AST_UNOP_SPELLING(id, spelling) spelling,
	KP_AST_UNOPS(KP_AST_UNOP_SPELLING)
#undef KP_AST_UNOP_SPELLING
};

const char *kp_ast_kind_name(enum kp_ast_kind kind)
{
	return (unsigned)kind < KP_AST__COUNT ? kp_ast_kind_names[kind] : "?";
}

const char *kp_ast_binop_spelling(enum kp_ast_binop op)
{
	return (unsigned)op < KP_BIN__COUNT ? kp_ast_binop_spellings[op] : "?";
}

const char *kp_ast_unop_spelling(enum kp_ast_unop op)
{
	return (unsigned)op < KP_UN__COUNT ? kp_ast_unop_spellings[op] : "?";
}

static void dump_string(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Dumps a chain of nodes, each preceded by a space. */
static void dump_list(FILE *out, const struct kp_ast_node *n)
{
	for (; n; n = n->next) {
		fputc(' ', out);
		kp_ast_dump_file(out, n);
	}
}

/* "(a b)": the targets or values of an assignment, always in parens. */
static void dump_group(FILE *out, const struct kp_ast_node *n)
{
	fputs(" (", out);
	for (; n; n = n->next) {
		kp_ast_dump_file(out, n);
		if (n->next)
			fputc(' ', out);
	}
	fputc(')', out);
}

/* (if c (block) elseif c2 (block) else (block)) */
static void dump_if(FILE *out, const struct kp_ast_node *n)
{
	const struct kp_ast_node *arm;

	fputs("(if", out);
	for (arm = n->u.if_.arms; arm; arm = arm->next) {
		if (arm != n->u.if_.arms)
			fputs(" elseif", out);
		fputc(' ', out);
		kp_ast_dump_file(out, arm->u.loop.cond);
		fputc(' ', out);
		kp_ast_dump_file(out, arm->u.loop.body);
	}
	if (n->u.if_.els) {
		fputs(" else ", out);
		kp_ast_dump_file(out, n->u.if_.els);
	}
	fputc(')', out);
}

static void dump_expr(FILE *out, const struct kp_ast_node *n)
{
	switch (n->kind) {
	case KP_AST_INT:
		fprintf(out, "%" PRId64, n->u.ival);
		break;
	case KP_AST_STR:
		dump_string(out, n->u.str.s, n->u.str.len);
		break;
	case KP_AST_NAME:
		fputs(n->u.name.id, out);
		break;
	case KP_AST_BINARY:
		fprintf(out, "(%s ", kp_ast_binop_spelling(n->u.bin.op));
		kp_ast_dump_file(out, n->u.bin.l);
		fputc(' ', out);
		kp_ast_dump_file(out, n->u.bin.r);
		fputc(')', out);
		break;
	case KP_AST_UNARY:
		fprintf(out, "(%s ", kp_ast_unop_spelling(n->u.un.op));
		kp_ast_dump_file(out, n->u.un.e);
		fputc(')', out);
		break;
	case KP_AST_CALL:
		fputs("(call ", out);
		kp_ast_dump_file(out, n->u.call.fn);
		dump_list(out, n->u.call.args);
		fputc(')', out);
		break;
	case KP_AST_FUNCTION:
		fputs("(function", out);
		if (n->u.func.name)
			fprintf(out, " %s", n->u.func.name);
		dump_group(out, n->u.func.params);
		fputc(' ', out);
		kp_ast_dump_file(out, n->u.func.body);
		fputc(')', out);
		break;
	case KP_AST_INDEX:
		fputs("(index ", out);
		kp_ast_dump_file(out, n->u.index.obj);
		fputc(' ', out);
		kp_ast_dump_file(out, n->u.index.key);
		fputc(')', out);
		break;
	case KP_AST_TABLE:
		fputs("(table", out);
		dump_list(out, n->u.table.fields);
		fputc(')', out);
		break;
	case KP_AST_EVCTX:
		if (n->u.ev.field)
			fprintf(out, "$%s", n->u.ev.field);
		else
			fprintf(out, "(evctx %u %u)", n->u.ev.item, n->u.ev.index);
		break;
	default:	/* true, false, nil */
		fputs(kp_ast_kind_name(n->kind), out);
		break;
	}
}

/* " part", or " -" for a part that was left out */
static void dump_part(FILE *out, const struct kp_ast_node *n)
{
	fputc(' ', out);
	if (n)
		kp_ast_dump_file(out, n);
	else
		fputc('-', out);
}

/*
 * (while cond body), (repeat body cond), (for i first last step body),
 * (cfor init cond post body)
 */
static void dump_loop(FILE *out, const struct kp_ast_node *n)
{
	if (n->kind == KP_AST_WHILE) {
		fputs("(while", out);
		dump_part(out, n->u.loop.cond);
		dump_part(out, n->u.loop.body);
	} else if (n->kind == KP_AST_REPEAT) {
		fputs("(repeat", out);
		dump_part(out, n->u.loop.body);
		dump_part(out, n->u.loop.cond);
	} else if (n->kind == KP_AST_NUMFOR) {
		fprintf(out, "(for %s", n->u.numfor.var->u.name.id);
		dump_part(out, n->u.numfor.first);
		dump_part(out, n->u.numfor.last);
		dump_part(out, n->u.numfor.step);
		dump_part(out, n->u.numfor.body);
	} else {
		fputs("(cfor", out);
		dump_part(out, n->u.cfor.init);
		dump_part(out, n->u.cfor.cond);
		dump_part(out, n->u.cfor.post);
		dump_part(out, n->u.cfor.body);
	}
	fputc(')', out);
}

/* (probe KIND SPEC PERIOD [EVENTS] kernel OP VERSION BODY) */
static void dump_probe(FILE *out, const struct kp_ast_node *n)
{
	const struct kp_ast_node *e;

	fprintf(out, "(probe %d %s %llu", (int)n->u.probe.kind,
		n->u.probe.spec ? n->u.probe.spec : "-",
		(unsigned long long)n->u.probe.period_ns);
	for (e = n->u.probe.events; e; e = e->next)
		fprintf(out, "%s%s%s", e == n->u.probe.events ? " [" : " ",
			e->u.str.s, e->next ? "" : "]");
	if (n->u.probe.kver)
		fprintf(out, " kernel %s %s",
			kp_ast_binop_spelling(n->u.probe.kver_op),
			n->u.probe.kver);
	dump_part(out, n->u.probe.fn->u.func.body);
	fputc(')', out);
}

static void dump_stmt(FILE *out, const struct kp_ast_node *n)
{
	switch (n->kind) {
	case KP_AST_BLOCK:
		fputs("(block", out);
		dump_list(out, n->u.block.stmts);
		fputc(')', out);
		break;
	case KP_AST_EXPR_STMT:
		kp_ast_dump_file(out, n->u.expr.e);
		break;
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		fprintf(out, "(%s", n->kind == KP_AST_VAR ? "var" : "=");
		dump_group(out, n->u.assign.targets);
		dump_group(out, n->u.assign.values);
		fputc(')', out);
		break;
	case KP_AST_COMPOUND:
		fprintf(out, "(%s= ", kp_ast_binop_spelling(n->u.compound.op));
		kp_ast_dump_file(out, n->u.compound.target);
		fputc(' ', out);
		kp_ast_dump_file(out, n->u.compound.value);
		fputc(')', out);
		break;
	case KP_AST_AGGREGATE:
		fputs("(<<< ", out);
		kp_ast_dump_file(out, n->u.compound.target);
		fputc(' ', out);
		kp_ast_dump_file(out, n->u.compound.value);
		fputc(')', out);
		break;
	case KP_AST_INCDEC:
		fputs(n->u.compound.op == KP_BIN_ADD ? "(++ " : "(-- ", out);
		kp_ast_dump_file(out, n->u.compound.target);
		fputc(')', out);
		break;
	case KP_AST_IF:
		dump_if(out, n);
		break;
	case KP_AST_WHILE:
	case KP_AST_REPEAT:
	case KP_AST_NUMFOR:
	case KP_AST_CFOR:
		dump_loop(out, n);
		break;
	case KP_AST_FIELD:	/* [key]=value, or the value alone */
		if (n->u.field.key) {
			fputc('[', out);
			kp_ast_dump_file(out, n->u.field.key);
			fputs("]=", out);
		}
		kp_ast_dump_file(out, n->u.field.value);
		break;
	case KP_AST_FORIN:
		fprintf(out, "(forin %s", n->u.forin.k->u.name.id);
		if (n->u.forin.v)
			fprintf(out, " %s", n->u.forin.v->u.name.id);
		dump_part(out, n->u.forin.iter);
		dump_part(out, n->u.forin.body);
		fputc(')', out);
		break;
	case KP_AST_PROBE:
		dump_probe(out, n);
		break;
	case KP_AST_RETURN:
		fputs("(return", out);
		if (n->u.expr.e)
			dump_part(out, n->u.expr.e);
		fputc(')', out);
		break;
	default:	/* break, continue, and an ARM met on its own */
		fprintf(out, "(%s)", kp_ast_kind_name(n->kind));
		break;
	}
}

void kp_ast_dump_file(FILE *out, const struct kp_ast_node *n)
{
	if (!n) {
		fputs("<null>", out);
		return;
	}
	if (kp_ast_is_expr(n))
		dump_expr(out, n);
	else
		dump_stmt(out, n);
}

char *kp_ast_dump(const struct kp_ast_node *n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	kp_ast_dump_file(out, n);
	fclose(out);
	return text;
}
