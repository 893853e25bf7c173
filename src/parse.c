/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.c - the recursive-descent parser: builds the syntax tree of a
 * script, binary operators by precedence climbing (as Lua's lparser.c).
 *
 * Each parse function starts with its grammar rule.  The first error is
 * reported and unwinds with longjmp to kp_parse_chunk(): the tree lives
 * in the arena and the parser state in the arena too, so nothing leaks
 * and no automatic variable is needed after the jump.
 *
 * Constructs of LANGUAGE.md that this version does not compile yet stop
 * with "... is not supported yet" at the token that starts them; search
 * for not_supported() and refuse_for_in() to find the places to extend.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "uapi/ktap.h"
#include "lex.h"
#include "parse.h"

struct kp_parser {
	struct kp_lex lex;
	struct kp_token tok;	/* the current token */
	struct kp_diag *diag;
	struct kp_ast_arena *arena;
	unsigned depth;		/* blocks and sub-expressions being parsed */
	/*
	 * The deepest depth + expression height met so far, so a function
	 * expression can carry the height of its body (see parse_function).
	 */
	unsigned peak;
	unsigned loops;		/* loops around the current statement, in
				 * the function being parsed */
	bool in_filter;		/* a trace /FILTER/: names are fields, '/'
				 * ends the expression */
	bool filter_fields;	/* ... and its names are fields (not after
				 * a probe alias) */
	bool tapset;		/* a library tapset: alias definitions */
	char near[64];		/* the current token, quoted, for messages */
	jmp_buf on_error;
};

/*
 * Binary operator priorities (LANGUAGE.md, lowest first), indexed by
 * token; left 0 means "not a binary operator".  Left-associative
 * operators have left == right; '..' is right-associative, so its right
 * priority is one lower and a following '..' binds first.
 */
struct kp_binop_prio {
	unsigned char left, right;
	enum kp_ast_binop op;
};

static const struct kp_binop_prio kp_binop_prios[KP_TK__COUNT] = {
	[KP_TK_OROR] = { 1, 1, KP_BIN_OR },
	[KP_TK_ANDAND] = { 2, 2, KP_BIN_AND },
	[KP_TK_BOR] = { 3, 3, KP_BIN_BOR },
	[KP_TK_BXOR] = { 4, 4, KP_BIN_BXOR },
	[KP_TK_BAND] = { 5, 5, KP_BIN_BAND },
	[KP_TK_EQ] = { 6, 6, KP_BIN_EQ },
	[KP_TK_NE] = { 6, 6, KP_BIN_NE },
	[KP_TK_LT] = { 7, 7, KP_BIN_LT },
	[KP_TK_LE] = { 7, 7, KP_BIN_LE },
	[KP_TK_GT] = { 7, 7, KP_BIN_GT },
	[KP_TK_GE] = { 7, 7, KP_BIN_GE },
	[KP_TK_CONCAT] = { 9, 8, KP_BIN_CONCAT },
	[KP_TK_SHL] = { 10, 10, KP_BIN_SHL },
	[KP_TK_SHR] = { 10, 10, KP_BIN_SHR },
	[KP_TK_PLUS] = { 11, 11, KP_BIN_ADD },
	[KP_TK_MINUS] = { 11, 11, KP_BIN_SUB },
	[KP_TK_STAR] = { 12, 12, KP_BIN_MUL },
	[KP_TK_SLASH] = { 12, 12, KP_BIN_DIV },
	[KP_TK_PERCENT] = { 12, 12, KP_BIN_MOD },
};

#define KP_PRIO_UNARY	13	/* above every binary operator */

/* ---- tokens and errors ---------------------------------------------- */

static void next(struct kp_parser *p)
{
	/* On KP_TK_ERROR the lexer has already printed the message. */
	if (kp_lex_next(&p->lex, &p->tok) == KP_TK_ERROR)
		longjmp(p->on_error, 1);
}

static _Noreturn void fail(struct kp_parser *p, struct kp_pos pos,
			   enum kp_msg msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	kp_diag_verror(p->diag, pos, msg, ap);
	va_end(ap);
	longjmp(p->on_error, 1);
}

static const char *near_tok(struct kp_parser *p)
{
	kp_lex_describe(&p->lex, &p->tok, p->near, sizeof(p->near));
	return p->near;
}

static _Noreturn void fail_unexpected(struct kp_parser *p)
{
	fail(p, p->tok.pos, KP_MSG_UNEXPECTED, near_tok(p));
}

/* `construct` names what the user wrote, quoted: "'function'". */
static _Noreturn void not_supported(struct kp_parser *p, const char *construct)
{
	fail(p, p->tok.pos, KP_MSG_NOT_SUPPORTED, construct);
}

static bool check(const struct kp_parser *p, enum kp_tok kind)
{
	return p->tok.kind == kind;
}

static bool accept(struct kp_parser *p, enum kp_tok kind)
{
	if (!check(p, kind))
		return false;
	next(p);
	return true;
}

/* "'('" for punctuators and keywords, "<name>" for the special tokens. */
static void token_what(enum kp_tok kind, char *buf, size_t size)
{
	if (kind <= KP_TK_FIELD)
		snprintf(buf, size, "%s", kp_lex_spelling(kind));
	else
		snprintf(buf, size, "'%s'", kp_lex_spelling(kind));
}

static void expect(struct kp_parser *p, enum kp_tok kind)
{
	char what[32];

	if (accept(p, kind))
		return;
	token_what(kind, what, sizeof(what));
	fail(p, p->tok.pos, KP_MSG_EXPECTED, what, near_tok(p));
}

/* expect() for a closing bracket; names the opening one if lines apart. */
static void expect_closing(struct kp_parser *p, enum kp_tok close,
			   enum kp_tok open, struct kp_pos open_pos)
{
	char what[32], opener[32];

	if (open_pos.line == p->tok.pos.line || check(p, close)) {
		expect(p, close);
		return;
	}
	token_what(close, what, sizeof(what));
	token_what(open, opener, sizeof(opener));
	fail(p, p->tok.pos, KP_MSG_EXPECTED_TO_CLOSE, what, opener,
	     open_pos.line, near_tok(p));
}

static void enter(struct kp_parser *p)
{
	if (++p->depth > KP_PARSE_MAX_DEPTH)
		fail(p, p->tok.pos, KP_MSG_TOO_DEEP, KP_PARSE_MAX_DEPTH);
	if (p->depth > p->peak)
		p->peak = p->depth;
}

static void leave(struct kp_parser *p)
{
	p->depth--;
}

static struct kp_ast_node *new_node(struct kp_parser *p,
				    enum kp_ast_kind kind, struct kp_pos pos)
{
	return kp_ast_new(p->arena, kind, pos);
}

/* Records the height of an expression node; bounded, see KP_PARSE_MAX_DEPTH. */
static void set_depth(struct kp_parser *p, struct kp_ast_node *n,
		      unsigned child_depth)
{
	n->depth = child_depth + 1;
	if (n->depth > KP_PARSE_MAX_DEPTH)
		fail(p, n->pos, KP_MSG_TOO_DEEP, KP_PARSE_MAX_DEPTH);
	if (p->depth + n->depth > p->peak)
		p->peak = p->depth + n->depth;
}

/* ---- expressions ------------------------------------------------------ */

static struct kp_ast_node *parse_subexpr(struct kp_parser *p, unsigned limit);

/* expr := subexpr(0) */
static struct kp_ast_node *parse_expr(struct kp_parser *p)
{
	return parse_subexpr(p, 0);
}

/* exprlist := expr { ',' expr }   -- *depth gets the deepest one's height */
static struct kp_ast_node *parse_exprlist(struct kp_parser *p,
					  unsigned *count, unsigned *depth)
{
	struct kp_ast_node *head = NULL, **tail = &head;

	*count = 0;
	*depth = 0;
	do {
		struct kp_ast_node *e = parse_expr(p);

		*tail = e;
		tail = &e->next;
		(*count)++;
		if (e->depth > *depth)
			*depth = e->depth;
	} while (accept(p, KP_TK_COMMA));
	return head;
}

/* args := '(' [ exprlist ] ')'   -- applied to `fn`, the value to call */
static struct kp_ast_node *parse_call(struct kp_parser *p,
				      struct kp_ast_node *fn)
{
	struct kp_ast_node *n = new_node(p, KP_AST_CALL, fn->pos);
	struct kp_pos open = p->tok.pos;
	unsigned depth = 0;

	n->u.call.fn = fn;
	next(p);
	if (!check(p, KP_TK_RPAREN))
		n->u.call.args = parse_exprlist(p, &n->u.call.nargs, &depth);
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	set_depth(p, n, depth > fn->depth ? depth : fn->depth);
	return n;
}

/* A STR node for the name token at hand (t.name is t["name"]). */
static struct kp_ast_node *name_as_string(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_STR, p->tok.pos);

	if (!check(p, KP_TK_NAME))
		fail_unexpected(p);
	n->u.str.s = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
	n->u.str.len = p->tok.len;
	next(p);
	return n;
}

/* index := '[' expr ']' | '.' NAME   -- applied to obj */
static struct kp_ast_node *parse_index(struct kp_parser *p,
				       struct kp_ast_node *obj)
{
	struct kp_ast_node *n = new_node(p, KP_AST_INDEX, p->tok.pos);
	struct kp_pos open = p->tok.pos;
	unsigned depth;

	n->u.index.obj = obj;
	if (accept(p, KP_TK_DOT)) {
		n->u.index.key = name_as_string(p);
	} else {
		next(p);
		n->u.index.key = parse_expr(p);
		expect_closing(p, KP_TK_RBRACKET, KP_TK_LBRACKET, open);
	}
	depth = obj->depth > n->u.index.key->depth ? obj->depth
						    : n->u.index.key->depth;
	set_depth(p, n, depth);
	return n;
}

/*
 * suffixes := { args | index }   -- after the primary expression e
 * *bare stays true through indexing (t[k] may be assigned to).
 */
static struct kp_ast_node *parse_suffixes(struct kp_parser *p,
					  struct kp_ast_node *e, bool *bare)
{
	for (;;) {
		if (check(p, KP_TK_LPAREN))
			e = parse_call(p, e);
		else if (check(p, KP_TK_LBRACKET) || check(p, KP_TK_DOT))
			e = parse_index(p, e);
		else
			break;
		*bare = true;
	}
	if (check(p, KP_TK_COLON))
		not_supported(p, "method call ':'");
	return e;
}

static struct kp_ast_node *new_name(struct kp_parser *p);

/*
 * suffixedexp := primaryexp suffixes
 * primaryexp := NAME | '(' expr ')'
 * *bare tells whether the outermost part is a name or a call, not
 * parentheses: only a bare name may be assigned to, and only a bare
 * call may stand as a statement.
 */
static struct kp_ast_node *parse_suffixed(struct kp_parser *p, bool *bare)
{
	struct kp_ast_node *e;

	*bare = check(p, KP_TK_NAME);
	if (*bare) {
		e = new_name(p);
	} else if (check(p, KP_TK_LPAREN)) {
		struct kp_pos open = p->tok.pos;

		next(p);
		e = parse_expr(p);
		expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	} else {
		fail_unexpected(p);
	}
	return parse_suffixes(p, e, bare);
}

static void parse_funcbody(struct kp_parser *p, struct kp_ast_node *fn);

/*
 * function_expr := 'function' funcbody
 * Its node's height is that of its body (blocks and expressions), so
 * the expression around it stays within KP_PARSE_MAX_DEPTH as a whole:
 * the later passes recurse through function bodies too.
 */
static struct kp_ast_node *parse_function(struct kp_parser *p)
{
	struct kp_ast_node *fn = new_node(p, KP_AST_FUNCTION, p->tok.pos);
	unsigned outer_peak = p->peak;

	next(p);
	p->peak = p->depth;
	parse_funcbody(p, fn);
	set_depth(p, fn, p->peak - p->depth);
	if (outer_peak > p->peak)
		p->peak = outer_peak;
	return fn;
}

/*
 * field := '[' expr ']' '=' expr | NAME '=' expr | expr
 * An expression that is a lone NAME followed by '=' was the key of the
 * second form ('=' cannot continue an expression; '==' is its own token).
 */
static struct kp_ast_node *parse_field(struct kp_parser *p,
				       struct kp_ast_node *t)
{
	struct kp_ast_node *f = new_node(p, KP_AST_FIELD, p->tok.pos), *e;
	struct kp_pos open = p->tok.pos;

	if (accept(p, KP_TK_LBRACKET)) {
		f->u.field.key = parse_expr(p);
		expect_closing(p, KP_TK_RBRACKET, KP_TK_LBRACKET, open);
		expect(p, KP_TK_ASSIGN);
		f->u.field.value = parse_expr(p);
	} else {
		bool name = check(p, KP_TK_NAME);

		e = parse_expr(p);
		if (name && e->kind == KP_AST_NAME && accept(p, KP_TK_ASSIGN)) {
			f->u.field.key = new_node(p, KP_AST_STR, e->pos);
			f->u.field.key->u.str.s = e->u.name.id;
			f->u.field.key->u.str.len = strlen(e->u.name.id);
			e = parse_expr(p);
		}
		f->u.field.value = e;
	}
	if (f->u.field.key)
		t->u.table.nrec++;
	else
		t->u.table.narr++;
	return f;
}

/* table := '{' [ field { (',' | ';') field } [ ',' | ';' ] ] '}' */
static struct kp_ast_node *parse_table(struct kp_parser *p)
{
	struct kp_ast_node *t = new_node(p, KP_AST_TABLE, p->tok.pos);
	struct kp_ast_node **tail = &t->u.table.fields, *f;
	struct kp_pos open = p->tok.pos;
	unsigned depth = 0;

	next(p);
	while (!check(p, KP_TK_RBRACE)) {
		f = parse_field(p, t);
		*tail = f;
		tail = &f->next;
		if (f->u.field.value->depth > depth)
			depth = f->u.field.value->depth;
		if (f->u.field.key && f->u.field.key->depth > depth)
			depth = f->u.field.key->depth;
		if (!accept(p, KP_TK_COMMA) && !accept(p, KP_TK_SEMI))
			break;
	}
	expect_closing(p, KP_TK_RBRACE, KP_TK_LBRACE, open);
	set_depth(p, t, depth);
	return t;
}

/* simpleexp := INT | STRING | 'true' | 'false' | 'nil' | suffixedexp */
static struct kp_ast_node *parse_simple(struct kp_parser *p)
{
	static const enum kp_ast_kind literal[KP_TK__COUNT] = {
		[KP_TK_TRUE] = KP_AST_TRUE,
		[KP_TK_FALSE] = KP_AST_FALSE,
		[KP_TK_NIL] = KP_AST_NIL,
	};
	struct kp_ast_node *n;
	bool bare;

	switch (p->tok.kind) {
	case KP_TK_INT:
		if (p->tok.ival > INT64_MAX)
			fail(p, p->tok.pos, KP_MSG_NUMBER_RANGE, near_tok(p));
		n = new_node(p, KP_AST_INT, p->tok.pos);
		n->u.ival = (int64_t)p->tok.ival;
		break;
	case KP_TK_STRING:
		n = new_node(p, KP_AST_STR, p->tok.pos);
		n->u.str.s = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
		n->u.str.len = p->tok.len;
		break;
	case KP_TK_TRUE:
	case KP_TK_FALSE:
	case KP_TK_NIL:
		n = new_node(p, literal[p->tok.kind], p->tok.pos);
		break;
	case KP_TK_LBRACE:
		return parse_table(p);
	case KP_TK_FUNCTION:
		return parse_function(p);
	case KP_TK_FIELD:
		n = new_node(p, KP_AST_EVCTX, p->tok.pos);
		n->u.ev.item = KTAP_EVCTX_FIELD;
		n->u.ev.field = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
		n->u.ev.optional = p->tapset;
		break;
	case KP_TK_NAME:
		if (!p->in_filter || !p->filter_fields)
			return parse_suffixed(p, &bare);
		/* In a filter a name is a field of the event, as in tracefs. */
		n = new_node(p, KP_AST_EVCTX, p->tok.pos);
		n->u.ev.item = KTAP_EVCTX_FIELD;
		n->u.ev.field = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
		break;
	default:
		return parse_suffixed(p, &bare);
	}
	next(p);
	return n;
}

/* unaryexp := ( '!' | '-' | '~' ) subexpr(UNARY) | simpleexp */
static struct kp_ast_node *parse_operand(struct kp_parser *p)
{
	struct kp_ast_node *n;
	struct kp_pos pos = p->tok.pos;
	enum kp_ast_unop op;

	if (check(p, KP_TK_NOT))
		op = KP_UN_NOT;
	else if (check(p, KP_TK_MINUS))
		op = KP_UN_NEG;
	else if (check(p, KP_TK_TILDE))
		op = KP_UN_BNOT;
	else
		return parse_simple(p);
	next(p);
	/* 2^63 exists only negated: -9223372036854775808 is INT64_MIN. */
	if (op == KP_UN_NEG && check(p, KP_TK_INT) &&
	    p->tok.ival == KP_LEX_INT_MIN_MAGNITUDE) {
		n = new_node(p, KP_AST_INT, pos);
		n->u.ival = INT64_MIN;
		next(p);
		return n;
	}
	n = new_node(p, KP_AST_UNARY, pos);
	n->u.un.op = op;
	n->u.un.e = parse_subexpr(p, KP_PRIO_UNARY);
	set_depth(p, n, n->u.un.e->depth);
	return n;
}

/*
 * subexpr(limit) := unaryexp { binop subexpr(right priority of binop) }
 *                   -- taking only binops whose left priority > limit
 */
static struct kp_ast_node *parse_subexpr(struct kp_parser *p, unsigned limit)
{
	struct kp_ast_node *e;

	enter(p);
	e = parse_operand(p);
	for (;;) {
		const struct kp_binop_prio *prio = &kp_binop_prios[p->tok.kind];
		struct kp_ast_node *n;

		if (prio->left <= limit ||
		    (p->in_filter && check(p, KP_TK_SLASH)))
			break;
		n = new_node(p, KP_AST_BINARY, p->tok.pos);
		next(p);
		n->u.bin.op = prio->op;
		n->u.bin.l = e;
		n->u.bin.r = parse_subexpr(p, prio->right);
		set_depth(p, n, e->depth > n->u.bin.r->depth ?
				e->depth : n->u.bin.r->depth);
		e = n;
	}
	leave(p);
	return e;
}

/* ---- statements ------------------------------------------------------- */

static struct kp_ast_node *parse_statement(struct kp_parser *p);

/* statements := { ';' | statement }   -- up to `end` or the end of input */
static struct kp_ast_node *parse_statements(struct kp_parser *p,
					    enum kp_tok end, struct kp_pos pos)
{
	struct kp_ast_node *block = new_node(p, KP_AST_BLOCK, pos);
	struct kp_ast_node **tail = &block->u.block.stmts;

	for (;;) {
		struct kp_ast_node *s;

		if (accept(p, KP_TK_SEMI))
			continue;
		if (check(p, end) || check(p, KP_TK_EOF))
			break;
		s = parse_statement(p);
		*tail = s;
		tail = &s->next;
	}
	block->u.block.end = p->tok.pos;
	return block;
}

/* block := '{' statements '}' */
static struct kp_ast_node *parse_block(struct kp_parser *p)
{
	struct kp_pos open = p->tok.pos;
	struct kp_ast_node *block;

	expect(p, KP_TK_LBRACE);
	enter(p);
	block = parse_statements(p, KP_TK_RBRACE, open);
	leave(p);
	expect_closing(p, KP_TK_RBRACE, KP_TK_LBRACE, open);
	return block;
}

/* cond := '(' expr ')' */
static struct kp_ast_node *parse_cond(struct kp_parser *p)
{
	struct kp_pos open = p->tok.pos;
	struct kp_ast_node *e;

	expect(p, KP_TK_LPAREN);
	e = parse_expr(p);
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	return e;
}

/* arm := cond block   -- after 'if', 'elseif' or 'else if' */
static struct kp_ast_node *parse_arm(struct kp_parser *p, struct kp_pos pos)
{
	struct kp_ast_node *arm = new_node(p, KP_AST_ARM, pos);

	arm->u.loop.cond = parse_cond(p);
	arm->u.loop.body = parse_block(p);
	return arm;
}

/*
 * if_stmt := 'if' arm { ( 'elseif' | 'else' 'if' ) arm } [ 'else' block ]
 * The arms form a list rather than nested ifs, so a long elseif chain
 * does not nest (and does not hit KP_PARSE_MAX_DEPTH).
 */
static struct kp_ast_node *parse_if(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_IF, p->tok.pos);
	struct kp_ast_node **tail = &n->u.if_.arms;
	struct kp_pos pos = p->tok.pos;

	next(p);
	for (;;) {
		*tail = parse_arm(p, pos);
		tail = &(*tail)->next;
		pos = p->tok.pos;
		if (accept(p, KP_TK_ELSEIF))
			continue;
		if (!accept(p, KP_TK_ELSE))
			break;
		if (!accept(p, KP_TK_IF)) {
			n->u.if_.els = parse_block(p);
			break;
		}
	}
	return n;
}

/* A loop body: break and continue in it belong to this loop. */
static struct kp_ast_node *parse_loop_body(struct kp_parser *p)
{
	struct kp_ast_node *body;

	p->loops++;
	body = parse_block(p);
	p->loops--;
	return body;
}

/* while_stmt := 'while' cond block */
static struct kp_ast_node *parse_while(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_WHILE, p->tok.pos);

	next(p);
	n->u.loop.cond = parse_cond(p);
	n->u.loop.body = parse_loop_body(p);
	return n;
}

/*
 * repeat_stmt := 'repeat' block 'until' cond
 * As in C's do-while, the condition does not see the block's locals.
 */
static struct kp_ast_node *parse_repeat(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_REPEAT, p->tok.pos);

	next(p);
	n->u.loop.body = parse_loop_body(p);
	expect(p, KP_TK_UNTIL);
	n->u.loop.cond = parse_cond(p);
	return n;
}

/* jump_stmt := 'break' | 'continue' */
static struct kp_ast_node *parse_jump(struct kp_parser *p)
{
	enum kp_ast_kind kind = check(p, KP_TK_BREAK) ? KP_AST_BREAK
						       : KP_AST_CONTINUE;
	struct kp_ast_node *n = new_node(p, kind, p->tok.pos);

	if (!p->loops)
		fail(p, p->tok.pos, KP_MSG_OUTSIDE_LOOP,
		     kp_lex_spelling(p->tok.kind));
	next(p);
	return n;
}

static struct kp_ast_node *new_name(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_NAME, p->tok.pos);

	if (!check(p, KP_TK_NAME))
		expect(p, KP_TK_NAME);	/* reports the error */
	n->u.name.id = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
	next(p);
	return n;
}

/* Appends a NAME node to a list kept by its tail pointer. */
static void append(struct kp_ast_node ***tail, struct kp_ast_node *n,
		   unsigned *count)
{
	**tail = n;
	*tail = &n->next;
	(*count)++;
}

/* var_stmt := 'var' NAME { ',' NAME } [ '=' exprlist ] */
static struct kp_ast_node *parse_var(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_VAR, p->tok.pos);
	struct kp_ast_node **tail = &n->u.assign.targets;
	unsigned depth;

	next(p);
	do {
		append(&tail, new_name(p), &n->u.assign.ntargets);
	} while (accept(p, KP_TK_COMMA));
	if (accept(p, KP_TK_ASSIGN))
		n->u.assign.values = parse_exprlist(p, &n->u.assign.nvalues,
						    &depth);
	return n;
}

static void require_assignable(struct kp_parser *p, struct kp_ast_node *e,
			       bool bare)
{
	if (!bare || (e->kind != KP_AST_NAME && e->kind != KP_AST_INDEX))
		fail(p, e->pos, KP_MSG_NOT_ASSIGNABLE);
}

/*
 * The rest of an assignment whose targets so far are in n:
 *   { ',' target } '=' exprlist;  target := NAME | suffixedexp index
 */
static struct kp_ast_node *finish_assign(struct kp_parser *p,
					 struct kp_ast_node *n,
					 struct kp_ast_node **tail)
{
	struct kp_ast_node *target;
	unsigned depth;
	bool bare;

	while (accept(p, KP_TK_COMMA)) {
		target = parse_suffixed(p, &bare);
		require_assignable(p, target, bare);
		append(&tail, target, &n->u.assign.ntargets);
	}
	expect(p, KP_TK_ASSIGN);
	n->u.assign.values = parse_exprlist(p, &n->u.assign.nvalues, &depth);
	return n;
}

/* assignment := target { ',' target } '=' exprlist */
static struct kp_ast_node *parse_assign(struct kp_parser *p,
					struct kp_ast_node *first, bool bare)
{
	struct kp_ast_node *n = new_node(p, KP_AST_ASSIGN, first->pos);
	struct kp_ast_node **tail = &n->u.assign.targets;

	require_assignable(p, first, bare);
	append(&tail, first, &n->u.assign.ntargets);
	return finish_assign(p, n, tail);
}

/* The operator of a compound assignment token; false for other tokens. */
static bool compound_op(enum kp_tok kind, enum kp_ast_binop *op)
{
	static const struct { enum kp_tok tok; enum kp_ast_binop op; } map[] = {
		{ KP_TK_ADD_ASSIGN, KP_BIN_ADD },
		{ KP_TK_SUB_ASSIGN, KP_BIN_SUB },
		{ KP_TK_MUL_ASSIGN, KP_BIN_MUL },
		{ KP_TK_DIV_ASSIGN, KP_BIN_DIV },
		{ KP_TK_MOD_ASSIGN, KP_BIN_MOD },
		{ KP_TK_BAND_ASSIGN, KP_BIN_BAND },
		{ KP_TK_BOR_ASSIGN, KP_BIN_BOR },
		{ KP_TK_BXOR_ASSIGN, KP_BIN_BXOR },
		{ KP_TK_SHL_ASSIGN, KP_BIN_SHL },
		{ KP_TK_SHR_ASSIGN, KP_BIN_SHR },
		{ KP_TK_CONCAT_ASSIGN, KP_BIN_CONCAT },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].tok == kind) {
			*op = map[i].op;
			return true;
		}
	}
	return false;
}

/* compound := target compound_op expr  |  target ( '++' | '--' ) */
static struct kp_ast_node *parse_compound(struct kp_parser *p,
					  struct kp_ast_node *target,
					  enum kp_ast_binop op)
{
	bool incdec = check(p, KP_TK_INC) || check(p, KP_TK_DEC);
	struct kp_ast_node *n = new_node(p, incdec ? KP_AST_INCDEC
						   : KP_AST_COMPOUND, p->tok.pos);

	n->u.compound.op = op;
	n->u.compound.target = target;
	next(p);
	if (!incdec)
		n->u.compound.value = parse_expr(p);
	return n;
}

/* expr_stmt, once its first suffixedexp `e` is parsed: see below */
static struct kp_ast_node *finish_expr_stmt(struct kp_parser *p,
					    struct kp_ast_node *e, bool bare)
{
	enum kp_ast_binop op = KP_BIN_ADD;
	struct kp_ast_node *n;

	if (check(p, KP_TK_ASSIGN) || check(p, KP_TK_COMMA))
		return parse_assign(p, e, bare);
	if (check(p, KP_TK_INC) || check(p, KP_TK_DEC) ||
	    compound_op(p->tok.kind, &op)) {
		require_assignable(p, e, bare);
		if (check(p, KP_TK_INC) || check(p, KP_TK_DEC))
			op = check(p, KP_TK_INC) ? KP_BIN_ADD : KP_BIN_SUB;
		return parse_compound(p, e, op);
	}
	if (check(p, KP_TK_AGGREGATE)) {
		require_assignable(p, e, bare);
		n = new_node(p, KP_AST_AGGREGATE, p->tok.pos);
		n->u.compound.target = e;
		next(p);
		n->u.compound.value = parse_expr(p);
		return n;
	}
	if (!bare || e->kind != KP_AST_CALL)
		fail(p, p->tok.pos, KP_MSG_NOT_A_STATEMENT, near_tok(p));
	n = new_node(p, KP_AST_EXPR_STMT, e->pos);
	n->u.expr.e = e;
	return n;
}

/*
 * expr_stmt := call | assignment | compound
 * Anything else that starts like an expression is an error: a value
 * computed and dropped is almost certainly a typo.
 */
static struct kp_ast_node *parse_expr_stmt(struct kp_parser *p)
{
	struct kp_ast_node *e;
	bool bare;

	e = parse_suffixed(p, &bare);
	return finish_expr_stmt(p, e, bare);
}

/*
 * return_stmt := 'return' [ expr ]
 * The value must start on the line of 'return': a newline ends the
 * statement, as in `if (x) { return }`.
 */
static struct kp_ast_node *parse_return(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_RETURN, p->tok.pos);

	next(p);
	if (!p->tok.nl_before && !check(p, KP_TK_RBRACE) &&
	    !check(p, KP_TK_SEMI) && !check(p, KP_TK_EOF))
		n->u.expr.e = parse_expr(p);
	return n;
}

/* params := '(' [ NAME { ',' NAME } ] ')' */
static void parse_params(struct kp_parser *p, struct kp_ast_node *fn)
{
	struct kp_ast_node **tail = &fn->u.func.params;
	struct kp_pos open = p->tok.pos;

	expect(p, KP_TK_LPAREN);
	if (!check(p, KP_TK_RPAREN)) {
		do {
			append(&tail, new_name(p), &fn->u.func.nparams);
		} while (accept(p, KP_TK_COMMA));
	}
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
}

/*
 * funcbody := params block
 * A loop around the function is not around its body: break and
 * continue must have a loop inside the function.
 */
static void parse_funcbody(struct kp_parser *p, struct kp_ast_node *fn)
{
	unsigned loops = p->loops;

	parse_params(p, fn);
	p->loops = 0;
	fn->u.func.body = parse_block(p);
	p->loops = loops;
}

/*
 * function_stmt := 'function' NAME funcbody
 * The same as NAME = function funcbody: a global, unless a local NAME
 * is in scope (as in Lua).
 */
static struct kp_ast_node *parse_function_stmt(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_ASSIGN, p->tok.pos);
	struct kp_ast_node *fn = new_node(p, KP_AST_FUNCTION, p->tok.pos);

	next(p);
	n->u.assign.targets = new_name(p);
	n->u.assign.ntargets = 1;
	fn->u.func.name = n->u.assign.targets->u.name.id;
	parse_funcbody(p, fn);
	n->u.assign.values = fn;
	n->u.assign.nvalues = 1;
	return n;
}

/* The C form after its init:  ';' [ expr ] ';' [ expr_stmt ] ')' block */
static struct kp_ast_node *finish_cfor(struct kp_parser *p, struct kp_pos pos,
				       struct kp_pos open,
				       struct kp_ast_node *init)
{
	struct kp_ast_node *n = new_node(p, KP_AST_CFOR, pos);

	n->u.cfor.init = init;
	expect(p, KP_TK_SEMI);
	if (!check(p, KP_TK_SEMI))
		n->u.cfor.cond = parse_expr(p);
	expect(p, KP_TK_SEMI);
	if (!check(p, KP_TK_RPAREN))
		n->u.cfor.post = parse_expr_stmt(p);
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	n->u.cfor.body = parse_loop_body(p);
	return n;
}

/* The numeric form once "NAME = exprlist" is parsed: ')' block */
static struct kp_ast_node *finish_numfor(struct kp_parser *p,
					 struct kp_pos pos, struct kp_pos open,
					 struct kp_ast_node *assign)
{
	struct kp_ast_node *n = new_node(p, KP_AST_NUMFOR, pos);
	struct kp_ast_node *v = assign->u.assign.values;

	if (assign->u.assign.nvalues < 2 || assign->u.assign.nvalues > 3)
		fail(p, assign->pos, KP_MSG_FOR_VALUES,
		     assign->u.assign.nvalues);
	n->u.numfor.var = assign->u.assign.targets;
	n->u.numfor.first = v;
	n->u.numfor.last = v->next;
	n->u.numfor.step = v->next->next;
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	n->u.numfor.body = parse_loop_body(p);
	return n;
}

/*
 * The iterating form once its names (in the ASSIGN node's targets, one
 * or two) are parsed:  'in' iter ')' block
 * iter := ( 'pairs' | 'sort_pairs' ) args   -- the only iterators
 */
static struct kp_ast_node *finish_forin(struct kp_parser *p,
					struct kp_pos pos, struct kp_pos open,
					struct kp_ast_node *names)
{
	struct kp_ast_node *n = new_node(p, KP_AST_FORIN, pos), *it, *fn;

	if (names->u.assign.ntargets > 2)
		fail(p, names->pos, KP_MSG_FOR_IN_NAMES);
	expect(p, KP_TK_IN);
	it = parse_expr(p);
	fn = it->kind == KP_AST_CALL ? it->u.call.fn : NULL;
	if (!fn || fn->kind != KP_AST_NAME ||
	    (strcmp(fn->u.name.id, "pairs") &&
	     strcmp(fn->u.name.id, "sort_pairs")))
		fail(p, it->pos, KP_MSG_FOR_IN_ITER);
	n->u.forin.sorted = !strcmp(fn->u.name.id, "sort_pairs");
	if (it->u.call.nargs < 1 ||
	    it->u.call.nargs > (n->u.forin.sorted ? 2U : 1U))
		fail(p, it->pos, KP_MSG_FOR_IN_ITER);
	n->u.forin.k = names->u.assign.targets;
	n->u.forin.v = n->u.forin.k->next;
	n->u.forin.k->next = NULL;
	n->u.forin.iter = it;
	expect_closing(p, KP_TK_RPAREN, KP_TK_LPAREN, open);
	n->u.forin.body = parse_loop_body(p);
	return n;
}

/*
 * The head of a for loop that starts with a NAME, up to its ')':
 *   NAME '=' expr ',' expr [ ',' expr ]      the numeric form
 *   NAME { ',' NAME } 'in' ...               the iterating form
 *   otherwise an expr_stmt, the init of the C form
 */
static struct kp_ast_node *parse_for_name(struct kp_parser *p,
					  struct kp_pos pos, struct kp_pos open)
{
	struct kp_ast_node *first = new_name(p), *n, **tail;
	bool bare = true;
	unsigned depth;

	if (!check(p, KP_TK_IN) && !check(p, KP_TK_ASSIGN) &&
	    !check(p, KP_TK_COMMA)) {
		n = parse_suffixes(p, first, &bare);
		return finish_cfor(p, pos, open, finish_expr_stmt(p, n, bare));
	}
	n = new_node(p, KP_AST_ASSIGN, first->pos);
	tail = &n->u.assign.targets;
	append(&tail, first, &n->u.assign.ntargets);
	while (accept(p, KP_TK_COMMA))
		append(&tail, new_name(p), &n->u.assign.ntargets);
	if (check(p, KP_TK_IN))
		return finish_forin(p, pos, open, n);
	expect(p, KP_TK_ASSIGN);
	n->u.assign.values = parse_exprlist(p, &n->u.assign.nvalues, &depth);
	if (n->u.assign.ntargets == 1 && check(p, KP_TK_RPAREN))
		return finish_numfor(p, pos, open, n);
	return finish_cfor(p, pos, open, n);
}

/*
 * for_stmt := 'for' '(' for_head ')' block
 * for_head := NAME '=' expr ',' expr [ ',' expr ]           numeric
 *           | NAME [ ',' NAME ] 'in' iter                    iterating
 *           | [ var_stmt | expr_stmt ] ';' [ expr ] ';' [ expr_stmt ]
 * The numeric loop's NAME, and names declared by var in the C form's
 * init, are locals of the loop.
 */
static struct kp_ast_node *parse_for(struct kp_parser *p)
{
	struct kp_pos pos = p->tok.pos, open;
	struct kp_ast_node *init = NULL;

	next(p);
	open = p->tok.pos;
	expect(p, KP_TK_LPAREN);
	if (check(p, KP_TK_NAME))
		return parse_for_name(p, pos, open);
	if (check(p, KP_TK_VAR))
		init = parse_var(p);
	else if (!check(p, KP_TK_SEMI))
		init = parse_expr_stmt(p);
	return finish_cfor(p, pos, open, init);
}

/* "tick-1s {" and "profile-1ms {": a name glued to a '-'. */
static bool at_timer_block(struct kp_parser *p)
{
	return check(p, KP_TK_NAME) && kp_lex_peek_byte(&p->lex) == '-' &&
	       ((p->tok.len == 4 && !memcmp(p->tok.str, "tick", 4)) ||
		(p->tok.len == 7 && !memcmp(p->tok.str, "profile", 7)));
}

/* The nanoseconds "-N<unit>" of a timer spells, or 0. */
static uint64_t timer_period(const char *s, size_t len)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "usec", 1000 },
		{ "ms", 1000000 }, { "msec", 1000000 },
		{ "s", 1000000000 }, { "sec", 1000000000 },
	};
	uint64_t n = 0;
	size_t i = 1, u;

	if (len < 3 || s[0] != '-')
		return 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (n > UINT64_MAX / 10 / 1000000000)
			return 0;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	/* DTrace's profile-99hz: a rate, whose period is 1 s / N */
	if (i > 1 && len - i == 2 && !memcmp(s + i, "hz", 2))
		return n && n <= 1000000000 ? 1000000000 / n : 0;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (i > 1 && len - i == strlen(units[u].unit) &&
		    !memcmp(s + i, units[u].unit, len - i))
			return n * units[u].ns;
	}
	return 0;
}

/*
 * The body of a probe: a function of no parameters.  A filter becomes
 * its first statement, "if (!(filter)) { return }".
 */
static struct kp_ast_node *parse_probe_body(struct kp_parser *p,
					    struct kp_ast_node *filter)
{
	struct kp_ast_node *fn = new_node(p, KP_AST_FUNCTION, p->tok.pos);
	struct kp_ast_node *iff, *arm, *not, *ret;

	fn->u.func.body = parse_block(p);
	if (!filter)
		return fn;
	not = new_node(p, KP_AST_UNARY, filter->pos);
	not->u.un.op = KP_UN_NOT;
	not->u.un.e = filter;
	set_depth(p, not, filter->depth);
	ret = new_node(p, KP_AST_RETURN, filter->pos);
	arm = new_node(p, KP_AST_ARM, filter->pos);
	arm->u.loop.cond = not;
	arm->u.loop.body = new_node(p, KP_AST_BLOCK, filter->pos);
	arm->u.loop.body->u.block.stmts = ret;
	arm->u.loop.body->u.block.end = filter->pos;
	iff = new_node(p, KP_AST_IF, filter->pos);
	iff->u.if_.arms = arm;
	iff->next = fn->u.func.body->u.block.stmts;
	fn->u.func.body->u.block.stmts = iff;
	return fn;
}

/*
 * filter := '/' expr '/'   -- names in expr are the event's fields, or,
 * after a probe alias (no `fields`), ordinary names: its variables
 */
static struct kp_ast_node *parse_filter(struct kp_parser *p, bool fields)
{
	struct kp_ast_node *e;

	if (!accept(p, KP_TK_SLASH))
		return NULL;
	p->in_filter = true;
	p->filter_fields = fields;
	e = parse_expr(p);
	p->in_filter = false;
	expect(p, KP_TK_SLASH);
	return e;
}

/*
 * probe := 'trace' EVENTDEF [ filter ] block | 'trace_end' block
 *        | ('tick' | 'profile') '-' INT unit block
 * EVENTDEF and "-N<unit>" are scanned raw (kp_lex_raw_word()).
 */
static struct kp_ast_node *parse_probe(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_PROBE, p->tok.pos);
	struct kp_ast_node *filter = NULL;
	const char *word;
	struct kp_pos pos;
	size_t len;

	if (p->depth)
		fail(p, p->tok.pos, KP_MSG_PROBE_NOT_TOP,
		     check(p, KP_TK_NAME) ? "timer" : "trace");
	if (check(p, KP_TK_TRACE_END)) {
		n->u.probe.kind = KP_PROBE_END;
		next(p);
		n->u.probe.fn = parse_probe_body(p, NULL);
		return n;
	}
	n->u.probe.kind = check(p, KP_TK_TRACE) ? KP_PROBE_TRACE :
			  p->tok.len == 4 ? KP_PROBE_TICK : KP_PROBE_PROFILE;
	len = kp_lex_raw_word(&p->lex, &word, &pos);
	n->u.probe.spec = kp_ast_strdup(p->arena, word, len);
	if (n->u.probe.kind != KP_PROBE_TRACE) {
		n->u.probe.period_ns = timer_period(word, len);
		if (!n->u.probe.period_ns)
			fail(p, pos, KP_MSG_EVENT_SPEC, n->u.probe.spec,
			     "expected -N followed by one of ns, us, usec, ms, msec, s, sec, hz");
	} else if (!len) {
		fail(p, pos, KP_MSG_EXPECTED, "event name", "the end of the line");
	}
	next(p);
	/* a probe alias's filter sees the alias's variables, not fields */
	if (n->u.probe.kind == KP_PROBE_TRACE)
		filter = parse_filter(p, !!memchr(word, ':', len));
	n->u.probe.fn = parse_probe_body(p, filter);
	return n;
}

/* One raw word of an alias definition, or a failure saying what was due. */
static size_t alias_word(struct kp_parser *p, const char **word,
			 struct kp_pos *pos, const char *what)
{
	size_t len = kp_lex_raw_word(&p->lex, word, pos);

	if (!len)
		fail(p, *pos, KP_MSG_EXPECTED, what, "the end of the line");
	return len;
}

/* The EVENTDEFs after '=': words separated by commas, on one line. */
static struct kp_ast_node *parse_alias_events(struct kp_parser *p,
					      const char *word, size_t len,
					      struct kp_pos pos)
{
	struct kp_ast_node *head = NULL, **tail = &head, *e;
	bool more = true;
	size_t i, start;

	while (more) {
		more = len && word[len - 1] == ',';
		for (i = start = 0; i <= len; i++) {
			if (i < len && word[i] != ',')
				continue;
			if (i > start) {
				e = new_node(p, KP_AST_STR, pos);
				e->u.str.len = i - start;
				e->u.str.s = kp_ast_strdup(p->arena, word + start,
							   i - start);
				*tail = e;
				tail = &e->next;
			}
			start = i + 1;
		}
		if (more)
			len = alias_word(p, &word, &pos, "event name");
	}
	return head;
}

/* [ 'if' 'kernel' relop STRING ] -- relop: < <= > >= == != */
static void parse_alias_guard(struct kp_parser *p, struct kp_ast_node *n)
{
	const struct kp_binop_prio *prio;

	if (!accept(p, KP_TK_IF))
		return;
	if (!check(p, KP_TK_NAME) || p->tok.len != 6 ||
	    memcmp(p->tok.str, "kernel", 6))
		fail(p, p->tok.pos, KP_MSG_EXPECTED, "'kernel'", near_tok(p));
	next(p);
	prio = &kp_binop_prios[p->tok.kind];
	if (p->tok.kind != KP_TK_LT && p->tok.kind != KP_TK_LE &&
	    p->tok.kind != KP_TK_GT && p->tok.kind != KP_TK_GE &&
	    p->tok.kind != KP_TK_EQ && p->tok.kind != KP_TK_NE)
		fail(p, p->tok.pos, KP_MSG_EXPECTED, "a comparison", near_tok(p));
	n->u.probe.kver_op = prio->op;
	next(p);
	if (!check(p, KP_TK_STRING))
		fail(p, p->tok.pos, KP_MSG_EXPECTED,
		     "a kernel release string such as \"5.6\"", near_tok(p));
	n->u.probe.kver = kp_ast_strdup(p->arena, p->tok.str, p->tok.len);
	next(p);
}

/*
 * alias := 'alias' NAME '=' EVENTDEF { ',' EVENTDEF } [ guard ] block
 * NAME (dotted: "syscall.open") and the EVENTDEFs are scanned raw.
 */
static struct kp_ast_node *parse_alias(struct kp_parser *p)
{
	struct kp_ast_node *n = new_node(p, KP_AST_PROBE, p->tok.pos);
	const char *word;
	struct kp_pos pos;
	size_t len;

	if (p->depth)
		fail(p, p->tok.pos, KP_MSG_PROBE_NOT_TOP, "alias");
	n->u.probe.kind = KP_PROBE_ALIAS;
	len = alias_word(p, &word, &pos, "alias name");
	if (memchr(word, ':', len) || memchr(word, '=', len))
		fail(p, pos, KP_MSG_EVENT_SPEC, kp_ast_strdup(p->arena, word, len),
		     "an alias name has no ':' and is followed by ' = '");
	n->u.probe.spec = kp_ast_strdup(p->arena, word, len);
	len = alias_word(p, &word, &pos, "'='");
	if (word[0] != '=')
		fail(p, pos, KP_MSG_EXPECTED, "'='", "the alias's events");
	if (len == 1)
		len = alias_word(p, &word, &pos, "event name");
	else
		word++, len--;
	n->u.probe.events = parse_alias_events(p, word, len, pos);
	next(p);
	parse_alias_guard(p, n);
	n->u.probe.fn = parse_probe_body(p, NULL);
	return n;
}

/* In a library tapset, "alias" followed by a name starts a definition. */
static bool at_alias(struct kp_parser *p)
{
	int c = kp_lex_peek_byte(&p->lex);

	return p->tapset && check(p, KP_TK_NAME) && p->tok.len == 5 &&
	       !memcmp(p->tok.str, "alias", 5) && (c == ' ' || c == '\t');
}

/*
 * statement := var_stmt | if_stmt | while_stmt | repeat_stmt | for_stmt
 *            | jump_stmt | return_stmt | function_stmt | expr_stmt
 *            -- and, later, probes
 */
static struct kp_ast_node *parse_statement(struct kp_parser *p)
{
	switch (p->tok.kind) {
	case KP_TK_VAR:
		return parse_var(p);
	case KP_TK_IF:
		return parse_if(p);
	case KP_TK_WHILE:
		return parse_while(p);
	case KP_TK_REPEAT:
		return parse_repeat(p);
	case KP_TK_FOR:
		return parse_for(p);
	case KP_TK_BREAK:
	case KP_TK_CONTINUE:
		return parse_jump(p);
	case KP_TK_RETURN:
		return parse_return(p);
	case KP_TK_FUNCTION:
		return parse_function_stmt(p);
	case KP_TK_TRACE:
	case KP_TK_TRACE_END:
		return parse_probe(p);
	default:
		if (at_timer_block(p))
			return parse_probe(p);
		if (at_alias(p))
			return parse_alias(p);
		return parse_expr_stmt(p);
	}
}

static struct kp_ast_node *parse_file(const char *src, size_t len,
				      struct kp_diag *diag,
				      struct kp_ast_arena *arena, bool tapset)
{
	/* In the arena, not on the stack: its fields change after setjmp. */
	struct kp_parser *p = kp_ast_alloc(arena, sizeof(*p));
	struct kp_ast_node *chunk;
	struct kp_pos start = { 1, 1, diag->cur_file };

	p->diag = diag;
	p->arena = arena;
	p->tapset = tapset;
	kp_lex_init(&p->lex, src, len, diag);
	if (setjmp(p->on_error)) {
		kp_lex_free(&p->lex);
		return NULL;
	}
	next(p);
	chunk = parse_statements(p, KP_TK_EOF, start);
	if (!check(p, KP_TK_EOF))
		fail_unexpected(p);
	kp_lex_free(&p->lex);
	return chunk;
}

/* chunk := statements EOF */
struct kp_ast_node *kp_parse_chunk(const char *src, size_t len,
				   struct kp_diag *diag,
				   struct kp_ast_arena *arena)
{
	return parse_file(src, len, diag, arena, false);
}

struct kp_ast_node *kp_parse_tapset(const char *src, size_t len,
				    struct kp_diag *diag,
				    struct kp_ast_arena *arena)
{
	return parse_file(src, len, diag, arena, true);
}
