/* SPDX-License-Identifier: GPL-2.0 */
/*
 * codegen.c - the code generator: register allocation, constant folding,
 * constants, and control flow with back-patched jumps.
 *
 * Registers are a stack of temporaries: `top` is the first free one, an
 * expression is compiled into a register its caller owns (`dst`) using
 * registers from `top` up for its parts, and every statement gives back
 * all it took.  The frame size is the highest `top` ever reached.  No
 * register outlives a statement yet: every variable is a global.  Locals
 * will be registers below the statement's base.
 *
 * Forward jumps are emitted with offset 0 and patched once the target
 * is known (kp_gen_jumps).  Errors (limits of the bytecode format) are
 * reported and generation goes on with harmless garbage, so the walk
 * needs no unwinding; the caller discards the chunk.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>

#include "uapi/ktap.h"
#include "vm/arith.h"
#include "codegen.h"

/* Jumps waiting for their target. */
struct kp_gen_jumps {
	unsigned *pcs;
	unsigned n, cap;
};

struct kp_gen_loop {
	struct kp_gen_loop *outer;
	struct kp_gen_jumps breaks;
	struct kp_gen_jumps continues;
};

struct kp_gen {
	struct kp_diag *diag;
	struct kp_chunk_proto *proto;
	struct kp_pos pos;	/* node being compiled: line of what is emitted */
	unsigned top;		/* first free register */
	unsigned frame;		/* registers used so far: the frame size */
	struct kp_gen_loop *loop;	/* innermost loop, NULL outside */
};

/* Opcodes of binary operators; GT and GE are LT and LE swapped. */
static const unsigned char kp_gen_binop_ops[KP_BIN__COUNT] = {
	[KP_BIN_BOR] = KTAP_OP_BOR,
	[KP_BIN_BXOR] = KTAP_OP_BXOR,
	[KP_BIN_BAND] = KTAP_OP_BAND,
	[KP_BIN_EQ] = KTAP_OP_EQ,
	[KP_BIN_NE] = KTAP_OP_NE,
	[KP_BIN_LT] = KTAP_OP_LT,
	[KP_BIN_LE] = KTAP_OP_LE,
	[KP_BIN_GT] = KTAP_OP_LT,
	[KP_BIN_GE] = KTAP_OP_LE,
	[KP_BIN_CONCAT] = KTAP_OP_CONCAT,
	[KP_BIN_SHL] = KTAP_OP_SHL,
	[KP_BIN_SHR] = KTAP_OP_SHR,
	[KP_BIN_ADD] = KTAP_OP_ADD,
	[KP_BIN_SUB] = KTAP_OP_SUB,
	[KP_BIN_MUL] = KTAP_OP_MUL,
	[KP_BIN_DIV] = KTAP_OP_DIV,
	[KP_BIN_MOD] = KTAP_OP_MOD,
};

static const unsigned char kp_gen_unop_ops[KP_UN__COUNT] = {
	[KP_UN_NEG] = KTAP_OP_NEG,
	[KP_UN_NOT] = KTAP_OP_NOT,
	[KP_UN_BNOT] = KTAP_OP_BNOT,
};

/* LOADI reaches what fits sBx. */
#define KP_GEN_SBX_MIN	(-KTAP_SBX_BIAS)
#define KP_GEN_SBX_MAX	(0xffff - KTAP_SBX_BIAS)

/* ---- constant folding --------------------------------------------------- */

/*
 * Must compute exactly what the VM would, or a script would change
 * meaning when a value becomes a literal: both use vm/arith.h.
 */
int kp_gen_fold_binary(enum kp_ast_binop op, int64_t a, int64_t b,
		       int64_t *result)
{
	switch (op) {
	case KP_BIN_ADD: *result = kp_arith_add(a, b); return 1;
	case KP_BIN_SUB: *result = kp_arith_sub(a, b); return 1;
	case KP_BIN_MUL: *result = kp_arith_mul(a, b); return 1;
	case KP_BIN_BAND: *result = a & b; return 1;
	case KP_BIN_BOR: *result = a | b; return 1;
	case KP_BIN_BXOR: *result = a ^ b; return 1;
	case KP_BIN_SHL: *result = kp_arith_shl(a, b); return 1;
	case KP_BIN_SHR: *result = kp_arith_shr(a, b); return 1;
	case KP_BIN_DIV:
	case KP_BIN_MOD:
		/* Division by zero is the VM's runtime error to report. */
		if (b == 0)
			return 0;
		*result = op == KP_BIN_DIV ? kp_arith_div(a, b) :
					     kp_arith_mod(a, b);
		return 1;
	default:
		return 0;
	}
}

static int fold_unary(enum kp_ast_unop op, int64_t a, int64_t *result)
{
	if (op == KP_UN_NEG)
		*result = kp_arith_neg(a);
	else if (op == KP_UN_BNOT)
		*result = ~a;
	else
		return 0;	/* '!' yields a boolean */
	return 1;
}

static void make_int(struct kp_ast_node *e, int64_t v)
{
	e->kind = KP_AST_INT;
	e->u.ival = v;
	e->depth = 1;
}

/* Replaces integer-literal sub-expressions by their value, bottom up. */
static void fold_expr(struct kp_ast_node *e)
{
	struct kp_ast_node *arg;
	int64_t v;

	switch (e->kind) {
	case KP_AST_BINARY:
		fold_expr(e->u.bin.l);
		fold_expr(e->u.bin.r);
		if (e->u.bin.l->kind == KP_AST_INT &&
		    e->u.bin.r->kind == KP_AST_INT &&
		    kp_gen_fold_binary(e->u.bin.op, e->u.bin.l->u.ival,
				       e->u.bin.r->u.ival, &v))
			make_int(e, v);
		break;
	case KP_AST_UNARY:
		fold_expr(e->u.un.e);
		if (e->u.un.e->kind == KP_AST_INT &&
		    fold_unary(e->u.un.op, e->u.un.e->u.ival, &v))
			make_int(e, v);
		break;
	case KP_AST_CALL:
		for (arg = e->u.call.args; arg; arg = arg->next)
			fold_expr(arg);
		break;
	default:
		break;
	}
}

/* ---- emitting ------------------------------------------------------------ */

static unsigned here(const struct kp_gen *g)
{
	return kp_chunk_ncode(g->proto);
}

static unsigned emit(struct kp_gen *g, uint32_t insn)
{
	if (here(g) == KTAP_MAX_CODE)
		kp_diag_error(g->diag, g->pos, KP_MSG_CODE_SIZE, KTAP_MAX_CODE);
	return kp_chunk_emit(g->proto, insn, g->pos.line);
}

/* Operands above 255 only occur after a reported register overflow. */
static unsigned emit_abc(struct kp_gen *g, enum ktap_opcode op, unsigned a,
			 unsigned b, unsigned c)
{
	assert(!kp_chunk_op_is_bx(op));
	return emit(g, KTAP_INSN_ABC(op, a & 0xff, b & 0xff, c & 0xff));
}

static unsigned emit_abx(struct kp_gen *g, enum ktap_opcode op, unsigned a,
			 unsigned bx)
{
	assert(kp_chunk_op_is_bx(op));
	return emit(g, KTAP_INSN_ABX(op, a & 0xff, bx & 0xffff));
}

/* A jump with offset 0, for patch_jump() to aim. */
static unsigned emit_jump(struct kp_gen *g, enum ktap_opcode op, unsigned a)
{
	return emit_abx(g, op, a, KTAP_SBX_BIAS);
}

/* Aims the jump at `pc` at `target`: sBx counts from the next instruction. */
static void patch_jump(struct kp_gen *g, unsigned pc, unsigned target)
{
	long offset = (long)target - ((long)pc + 1);
	uint32_t insn = kp_chunk_insn(g->proto, pc);

	if (offset < KP_GEN_SBX_MIN || offset > KP_GEN_SBX_MAX) {
		kp_diag_error(g->diag, g->pos, KP_MSG_JUMP_RANGE, offset,
			      KTAP_SBX_BIAS);
		return;
	}
	kp_chunk_patch(g->proto, pc,
		       KTAP_INSN_ABX(KTAP_INSN_OP(insn), KTAP_INSN_A(insn),
				     (unsigned)(offset + KTAP_SBX_BIAS)));
}

static void jumps_add(struct kp_gen_jumps *j, unsigned pc)
{
	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 8;
		j->pcs = kp_diag_xrealloc(j->pcs, j->cap * sizeof(*j->pcs));
	}
	j->pcs[j->n++] = pc;
}

/* Aims every jump of the list at `target` and empties it. */
static void jumps_patch(struct kp_gen *g, struct kp_gen_jumps *j,
			unsigned target)
{
	unsigned i;

	for (i = 0; i < j->n; i++)
		patch_jump(g, j->pcs[i], target);
	free(j->pcs);
	j->pcs = NULL;
	j->n = j->cap = 0;
}

/* ---- registers and constants ------------------------------------------- */

static unsigned reg_push(struct kp_gen *g)
{
	unsigned r = g->top++;

	if (g->top > g->frame) {
		g->frame = g->top;
		if (g->frame == KTAP_MAX_REGS + 1)
			kp_diag_error(g->diag, g->pos, KP_MSG_TOO_MANY_REGS,
				      KTAP_MAX_REGS);
	}
	return r;
}

static void reg_pop(struct kp_gen *g, unsigned n)
{
	assert(g->top >= n);
	g->top -= n;
}

/* Constant indices must fit Bx and the format's limit. */
static unsigned check_const(struct kp_gen *g, unsigned k)
{
	if (k >= KTAP_MAX_CONSTS)
		kp_diag_error(g->diag, g->pos, KP_MSG_TOO_MANY_CONSTS,
			      KTAP_MAX_CONSTS);
	return k;
}

static void gen_int(struct kp_gen *g, unsigned dst, int64_t v)
{
	unsigned k;

	if (v >= KP_GEN_SBX_MIN && v <= KP_GEN_SBX_MAX) {
		emit_abx(g, KTAP_OP_LOADI, dst, (unsigned)(v + KTAP_SBX_BIAS));
		return;
	}
	k = check_const(g, kp_chunk_const_int(g->proto, v));
	emit_abx(g, KTAP_OP_LOADK, dst, k);
}

/* ---- expressions ------------------------------------------------------- */

static void gen_expr(struct kp_gen *g, struct kp_ast_node *e, unsigned dst);

/* The global slot of a resolved NAME node (the resolver made it one). */
static unsigned global_slot(struct kp_gen *g, const struct kp_ast_node *n)
{
	if (n->u.name.sym.kind != KP_SYM_GLOBAL) {
		kp_diag_error(g->diag, n->pos, KP_MSG_NOT_SUPPORTED,
			      "this kind of variable");
		return 0;
	}
	return n->u.name.sym.index;
}

/* a && b, a || b: the deciding operand, evaluating b only if needed. */
static void gen_logical(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	enum ktap_opcode skip = e->u.bin.op == KP_BIN_AND ? KTAP_OP_JMPF
							  : KTAP_OP_JMPT;
	unsigned jump;

	gen_expr(g, e->u.bin.l, dst);
	g->pos = e->pos;
	jump = emit_jump(g, skip, dst);
	gen_expr(g, e->u.bin.r, dst);
	g->pos = e->pos;
	patch_jump(g, jump, here(g));
}

static void gen_binary(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	enum kp_ast_binop op = e->u.bin.op;
	enum ktap_opcode opcode = kp_gen_binop_ops[op];
	unsigned right;

	if (op == KP_BIN_AND || op == KP_BIN_OR) {
		gen_logical(g, e, dst);
		return;
	}
	/* Operands are evaluated left to right, whatever the opcode wants. */
	gen_expr(g, e->u.bin.l, dst);
	right = reg_push(g);
	gen_expr(g, e->u.bin.r, right);
	g->pos = e->pos;
	if (op == KP_BIN_GT || op == KP_BIN_GE)	/* a > b is b < a */
		emit_abc(g, opcode, dst, right, dst);
	else
		emit_abc(g, opcode, dst, dst, right);
	reg_pop(g, 1);
}

/* CALLB A B C: R[A] := bif[B](R[A+1..A+C]) */
static void gen_call(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	/* The arguments go right above the base, so use dst if it is on top. */
	unsigned base = dst + 1 == g->top ? dst : reg_push(g);
	struct kp_ast_node *arg;

	for (arg = e->u.call.args; arg; arg = arg->next)
		gen_expr(g, arg, reg_push(g));
	g->pos = e->pos;
	if (e->u.call.sym.kind != KP_SYM_BUILTIN)
		kp_diag_error(g->diag, e->pos, KP_MSG_NOT_SUPPORTED,
			      "calling this kind of function");
	emit_abc(g, KTAP_OP_CALLB, base, e->u.call.sym.index, e->u.call.nargs);
	reg_pop(g, e->u.call.nargs);
	if (base != dst) {
		emit_abc(g, KTAP_OP_MOV, dst, base, 0);
		reg_pop(g, 1);
	}
}

/* Compiles `e` into register `dst`, which the caller owns. */
static void gen_expr(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	g->pos = e->pos;
	switch (e->kind) {
	case KP_AST_INT:
		gen_int(g, dst, e->u.ival);
		break;
	case KP_AST_STR:
		emit_abx(g, KTAP_OP_LOADK, dst,
			 check_const(g, kp_chunk_const_str(g->proto, e->u.str.s,
							   e->u.str.len)));
		break;
	case KP_AST_TRUE:
	case KP_AST_FALSE:
		emit_abc(g, KTAP_OP_LOADB, dst, e->kind == KP_AST_TRUE, 0);
		break;
	case KP_AST_NIL:
		emit_abc(g, KTAP_OP_LOADNIL, dst, 0, 0);
		break;
	case KP_AST_NAME:
		emit_abx(g, KTAP_OP_GETG, dst, global_slot(g, e));
		break;
	case KP_AST_BINARY:
		gen_binary(g, e, dst);
		break;
	case KP_AST_UNARY:
		gen_expr(g, e->u.un.e, dst);
		g->pos = e->pos;
		emit_abc(g, kp_gen_unop_ops[e->u.un.op], dst, dst, 0);
		break;
	case KP_AST_CALL:
		gen_call(g, e, dst);
		break;
	default:
		assert(!"not an expression");
		break;
	}
}

/* An expression as a statement uses it: fold it first, then compile. */
static void gen_value(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	fold_expr(e);
	gen_expr(g, e, dst);
}

/* ---- statements -------------------------------------------------------- */

static void gen_stmt(struct kp_gen *g, struct kp_ast_node *s);

static void gen_block(struct kp_gen *g, struct kp_ast_node *block)
{
	struct kp_ast_node *s;

	for (s = block->u.block.stmts; s; s = s->next)
		gen_stmt(g, s);
}

/*
 * var a, b = e1, e2  and  a, b = e1, e2: every value is computed before
 * any target changes (so a, b = b, a swaps); extra values are computed
 * and dropped, missing ones are nil.
 */
static void gen_assign(struct kp_gen *g, struct kp_ast_node *s)
{
	unsigned base = g->top, i;
	struct kp_ast_node *n;

	for (n = s->u.assign.values; n; n = n->next)
		gen_value(g, n, reg_push(g));
	g->pos = s->pos;
	for (i = s->u.assign.nvalues; i < s->u.assign.ntargets; i++)
		emit_abc(g, KTAP_OP_LOADNIL, reg_push(g), 0, 0);
	for (n = s->u.assign.targets, i = 0; n; n = n->next, i++) {
		g->pos = n->pos;
		emit_abx(g, KTAP_OP_SETG, base + i, global_slot(g, n));
	}
	g->top = base;
}

/* a op= e, a++, a--: read a, combine, write back. */
static void gen_compound(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *target = s->u.compound.target;
	unsigned slot = global_slot(g, target);
	unsigned acc = reg_push(g), operand;

	g->pos = target->pos;
	emit_abx(g, KTAP_OP_GETG, acc, slot);
	operand = reg_push(g);
	if (s->kind == KP_AST_INCDEC) {
		g->pos = s->pos;
		gen_int(g, operand, 1);
	} else {
		gen_value(g, s->u.compound.value, operand);
	}
	g->pos = s->pos;
	emit_abc(g, kp_gen_binop_ops[s->u.compound.op], acc, acc, operand);
	emit_abx(g, KTAP_OP_SETG, acc, slot);
	reg_pop(g, 2);
}

/* Compiles a condition and a jump taken when it is false; returns the jump. */
static unsigned gen_cond_jump(struct kp_gen *g, struct kp_ast_node *cond)
{
	unsigned r = reg_push(g), jump;

	gen_value(g, cond, r);
	g->pos = cond->pos;
	jump = emit_jump(g, KTAP_OP_JMPF, r);
	reg_pop(g, 1);
	return jump;
}

/*
 *     cond1; JMPF -> next1; body1; JMP -> end
 *   next1: cond2; JMPF -> else; body2; JMP -> end
 *   else: else-body
 *   end:
 */
static void gen_if(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_jumps to_end = { NULL, 0, 0 };
	struct kp_ast_node *arm;
	unsigned skip;

	for (arm = s->u.if_.arms; arm; arm = arm->next) {
		skip = gen_cond_jump(g, arm->u.loop.cond);
		gen_block(g, arm->u.loop.body);
		if (arm->next || s->u.if_.els)
			jumps_add(&to_end, emit_jump(g, KTAP_OP_JMP, 0));
		g->pos = arm->pos;
		patch_jump(g, skip, here(g));
	}
	if (s->u.if_.els)
		gen_block(g, s->u.if_.els);
	g->pos = s->pos;
	jumps_patch(g, &to_end, here(g));
}

/*
 *   start: cond; JMPF -> exit; body; JMP -> start
 *   exit:
 * continue jumps to start, break to exit.
 */
static void gen_while(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { g->loop, { NULL, 0, 0 }, { NULL, 0, 0 } };
	unsigned start = here(g), exit;

	exit = gen_cond_jump(g, s->u.loop.cond);
	g->loop = &loop;
	gen_block(g, s->u.loop.body);
	g->loop = loop.outer;
	g->pos = s->pos;
	patch_jump(g, emit_jump(g, KTAP_OP_JMP, 0), start);
	patch_jump(g, exit, here(g));
	jumps_patch(g, &loop.breaks, here(g));
	jumps_patch(g, &loop.continues, start);
}

static void gen_loop_jump(struct kp_gen *g, struct kp_ast_node *s)
{
	bool is_break = s->kind == KP_AST_BREAK;

	g->pos = s->pos;
	if (!g->loop) {		/* the parser refuses this already */
		kp_diag_error(g->diag, s->pos, KP_MSG_OUTSIDE_LOOP,
			      is_break ? "break" : "continue");
		return;
	}
	jumps_add(is_break ? &g->loop->breaks : &g->loop->continues,
		  emit_jump(g, KTAP_OP_JMP, 0));
}

static void gen_stmt(struct kp_gen *g, struct kp_ast_node *s)
{
	unsigned base = g->top;

	g->pos = s->pos;
	switch (s->kind) {
	case KP_AST_EXPR_STMT:
		gen_value(g, s->u.expr.e, reg_push(g));
		reg_pop(g, 1);
		break;
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		gen_assign(g, s);
		break;
	case KP_AST_COMPOUND:
	case KP_AST_INCDEC:
		gen_compound(g, s);
		break;
	case KP_AST_IF:
		gen_if(g, s);
		break;
	case KP_AST_WHILE:
		gen_while(g, s);
		break;
	case KP_AST_BREAK:
	case KP_AST_CONTINUE:
		gen_loop_jump(g, s);
		break;
	case KP_AST_BLOCK:
		gen_block(g, s);
		break;
	default:
		assert(!"not a statement");
		break;
	}
	/* Temporaries never outlive their statement. */
	assert(g->top == base);
}

int kp_gen_chunk(struct kp_ast_node *chunk, const struct kp_res_result *res,
		 struct kp_diag *diag, struct kp_chunk_builder *out)
{
	struct kp_gen g = { diag, NULL, { 0, 0 }, 0, 0, NULL };
	unsigned errors = diag->nerrors, i;

	for (i = 0; i < res->nglobals; i++)
		kp_chunk_add_global(out, res->globals[i]);
	/* The top level has no parameters and starts "at line 0", as in Lua. */
	g.proto = kp_chunk_add_proto(out, 0, 0);
	gen_block(&g, chunk);
	g.pos = chunk->u.block.end;
	emit_abc(&g, KTAP_OP_RET, 0, 0, 0);
	kp_chunk_set_nregs(g.proto, g.frame);
	return diag->nerrors > errors ? -1 : 0;
}
