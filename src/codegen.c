/* SPDX-License-Identifier: GPL-2.0 */
/*
 * codegen.c - the code generator: one prototype per function, register
 * allocation, constant folding, constants, and control flow with
 * back-patched jumps.
 *
 * Registers are a stack: `top` is the first free one.  Below it live the
 * parameters, then the locals of the blocks being compiled, innermost
 * last; a `var` takes the next registers and its block gives them back
 * at its end.  Above them are temporaries: an expression is compiled
 * into a register its caller owns (`dst`) using registers from `top` up
 * for its parts, and every statement gives back all the temporaries it
 * took.  The frame size is the highest `top` ever reached.
 *
 * A call's function goes in a register with its arguments right above;
 * the callee's frame starts at the first argument (see ktap_opcodes.h),
 * which is why calls are always compiled at the top of the stack.
 *
 * Forward jumps are emitted with offset 0 and patched once the target
 * is known (kp_gen_jumps).  Errors (limits of the bytecode format) are
 * reported and generation goes on with harmless garbage, so the walk
 * needs no unwinding; the caller discards the chunk.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* The state of one function being compiled. */
struct kp_gen {
	struct kp_diag *diag;
	struct kp_chunk_builder *chunk;
	struct kp_chunk_proto *proto;
	struct kp_pos pos;	/* node being compiled: line of what is emitted */
	unsigned top;		/* first free register */
	unsigned frame;		/* registers used so far: the frame size */
	struct kp_gen_loop *loop;	/* innermost loop, NULL outside */
	unsigned *local_regs;	/* register of each local, by number */
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
		fold_expr(e->u.call.fn);
		for (arg = e->u.call.args; arg; arg = arg->next)
			fold_expr(arg);
		break;
	default:	/* a function's body is folded as it is compiled */
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
	return kp_chunk_emit(g->proto, insn, kp_diag_chunk_line(g->diag, g->pos));
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

/* Takes the next register; `msg` says why when the frame is full. */
static unsigned reg_take(struct kp_gen *g, enum kp_msg msg)
{
	unsigned r = g->top++;

	if (g->top > g->frame) {
		g->frame = g->top;
		if (g->frame == KTAP_MAX_REGS + 1)
			kp_diag_error(g->diag, g->pos, msg, KTAP_MAX_REGS);
	}
	return r;
}

/* A temporary. */
static unsigned reg_push(struct kp_gen *g)
{
	return reg_take(g, KP_MSG_TOO_MANY_REGS);
}

/* The register of a new local: the next one, kept until its block ends. */
static unsigned reg_local(struct kp_gen *g, const struct kp_ast_node *name)
{
	unsigned r = reg_take(g, KP_MSG_TOO_MANY_LOCALS);

	g->local_regs[name->u.name.sym.index] = r;
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
static void gen_stmt(struct kp_gen *g, struct kp_ast_node *s);
static void gen_value(struct kp_gen *g, struct kp_ast_node *e, unsigned dst);
static unsigned value_reg(struct kp_gen *g, struct kp_ast_node *e,
			  unsigned scratch);

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

static bool is_local(const struct kp_ast_node *e)
{
	return e->kind == KP_AST_NAME && e->u.name.sym.kind == KP_SYM_LOCAL;
}

static unsigned local_reg(const struct kp_gen *g, const struct kp_ast_node *n)
{
	return g->local_regs[n->u.name.sym.index];
}

/*
 * The register holding the value of `e`: a local's own register, else
 * `scratch` after compiling e into it.  Reading a local in place is
 * safe because nothing in an expression can assign to a local (calls
 * cannot reach the caller's locals).
 */
static unsigned expr_reg(struct kp_gen *g, struct kp_ast_node *e,
			 unsigned scratch)
{
	if (is_local(e))
		return local_reg(g, e);
	gen_expr(g, e, scratch);
	return scratch;
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

/*
 * The constant index of an integer literal when it fits an 8-bit
 * operand (a K operand), else -1.  Non-zero: when it is a divisor.
 */
static int small_int(struct kp_gen *g, int64_t v)
{
	unsigned k = kp_chunk_const_int(g->proto, v);

	return k <= 0xff ? (int)k : -1;
}

static int small_const(struct kp_gen *g, const struct kp_ast_node *e,
		       bool nonzero)
{
	if (e->kind != KP_AST_INT || (nonzero && e->u.ival == 0))
		return -1;
	return small_int(g, e->u.ival);
}

/* The K form of an arithmetic operator, or 0 (MOV) for none. */
static enum ktap_opcode arith_k_op(enum kp_ast_binop op)
{
	switch (op) {
	case KP_BIN_ADD: return KTAP_OP_ADDK;
	case KP_BIN_SUB: return KTAP_OP_SUBK;
	case KP_BIN_MUL: return KTAP_OP_MULK;
	case KP_BIN_DIV: return KTAP_OP_DIVK;
	case KP_BIN_MOD: return KTAP_OP_MODK;
	default: return KTAP_OP_MOV;
	}
}

/*
 * dst := left op k with an integer literal k (ADDK..MODK), or k op right
 * for + and *, which commute; evaluation order is kept as a literal has
 * no effect.  Division by a literal 0 stays DIV/MOD: the runtime error.
 * Returns false when the operands do not fit the K form.
 */
static bool gen_arith_k(struct kp_gen *g, struct kp_ast_node *e,
			unsigned dst)
{
	enum kp_ast_binop op = e->u.bin.op;
	enum ktap_opcode kop = arith_k_op(op);
	bool divisor = op == KP_BIN_DIV || op == KP_BIN_MOD;
	struct kp_ast_node *var = e->u.bin.l;
	unsigned operand;
	int k;

	if (kop == KTAP_OP_MOV)
		return false;
	k = small_const(g, e->u.bin.r, divisor);
	if (k < 0 && (op == KP_BIN_ADD || op == KP_BIN_MUL) &&
	    e->u.bin.r->kind != KP_AST_INT) {
		k = small_const(g, e->u.bin.l, false);
		var = e->u.bin.r;
	}
	if (k < 0)
		return false;
	operand = expr_reg(g, var, dst);
	g->pos = e->pos;
	emit_abc(g, kop, dst, operand, (unsigned)k);
	return true;
}

static void gen_binary(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	enum kp_ast_binop op = e->u.bin.op;
	enum ktap_opcode opcode = kp_gen_binop_ops[op];
	unsigned left, right;
	bool temp;

	if (op == KP_BIN_AND || op == KP_BIN_OR) {
		gen_logical(g, e, dst);
		return;
	}
	if (gen_arith_k(g, e, dst))
		return;
	/* Operands are evaluated left to right, whatever the opcode wants. */
	left = expr_reg(g, e->u.bin.l, dst);
	temp = !is_local(e->u.bin.r);
	right = expr_reg(g, e->u.bin.r, temp ? reg_push(g) : 0);
	g->pos = e->pos;
	if (op == KP_BIN_GT || op == KP_BIN_GE)	/* a > b is b < a */
		emit_abc(g, opcode, dst, right, left);
	else
		emit_abc(g, opcode, dst, left, right);
	if (temp)
		reg_pop(g, 1);
}

/*
 * The register a call works in: dst when it is the top one, else a new
 * one (whose result is then moved to dst).  Either way everything above
 * it is free, as the callee's frame needs.
 */
static unsigned call_base(struct kp_gen *g, unsigned dst)
{
	return dst + 1 == g->top ? dst : reg_push(g);
}

static void call_args(struct kp_gen *g, struct kp_ast_node *e)
{
	struct kp_ast_node *arg;

	for (arg = e->u.call.args; arg; arg = arg->next)
		gen_expr(g, arg, reg_push(g));
}

/*
 * CALLB A B C: R[A] := bif[B](R[A+1..A+C])
 * CALL A B:    R[A] := R[A](R[A+1..A+B])
 */
static void gen_call(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	unsigned base = call_base(g, dst);
	bool builtin = e->u.call.sym.kind == KP_SYM_BUILTIN;

	if (!builtin)
		gen_expr(g, e->u.call.fn, base);
	call_args(g, e);
	g->pos = e->pos;
	if (builtin)
		emit_abc(g, KTAP_OP_CALLB, base, e->u.call.sym.index,
			 e->u.call.nargs);
	else
		emit_abc(g, KTAP_OP_CALL, base, e->u.call.nargs, 0);
	reg_pop(g, e->u.call.nargs);
	if (base != dst) {
		emit_abc(g, KTAP_OP_MOV, dst, base, 0);
		reg_pop(g, 1);
	}
}

static void gen_function(struct kp_gen *g, struct kp_ast_node *e,
			 unsigned dst);

/*
 * The registers of t and k in t[k]: `scratch` for t unless it is a
 * local, a new temporary for k unless it is one (the caller pops
 * *pushed of them).
 */
static void index_regs(struct kp_gen *g, struct kp_ast_node *e,
		       unsigned scratch, unsigned *t, unsigned *k,
		       unsigned *pushed)
{
	bool temp = !is_local(e->u.index.key);

	*t = expr_reg(g, e->u.index.obj, scratch);
	*k = expr_reg(g, e->u.index.key, temp ? reg_push(g) : 0);
	*pushed = temp;
}

/* GETT A B C: R[A] := R[B][R[C]] */
static void gen_index(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	unsigned t, k, pushed;

	index_regs(g, e, dst, &t, &k, &pushed);
	g->pos = e->pos;
	emit_abc(g, KTAP_OP_GETT, dst, t, k);
	reg_pop(g, pushed);
}

/* A size hint for NEWTAB: what fits its 8-bit operands. */
static unsigned size_hint(unsigned n)
{
	return n > 255 ? 255 : n;
}

/*
 * {v1, v2, name = v3, [k] = v4}:
 *   NEWTAB dst, narr, nrec; then per field: key and value into
 *   temporaries (positional values get keys 1, 2, ...), SETT dst.
 * Fields are evaluated and stored left to right, so a later field with
 * the same key wins.
 */
static void gen_table(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	struct kp_ast_node *f;
	unsigned key, val;
	int64_t next = 1;

	emit_abc(g, KTAP_OP_NEWTAB, dst, size_hint(e->u.table.narr),
		 size_hint(e->u.table.nrec));
	for (f = e->u.table.fields; f; f = f->next) {
		key = reg_push(g);
		g->pos = f->pos;
		if (f->u.field.key)
			gen_value(g, f->u.field.key, key);
		else
			gen_int(g, key, next++);
		val = value_reg(g, f->u.field.value, reg_push(g));
		g->pos = f->pos;
		emit_abc(g, KTAP_OP_SETT, dst, key, val);
		reg_pop(g, 2);
	}
}

/* Compiles `e` into register `dst`, which the caller owns. */
static void gen_expr(struct kp_gen *g, struct kp_ast_node *e, unsigned dst)
{
	unsigned operand;

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
		if (!is_local(e))
			emit_abx(g, KTAP_OP_GETG, dst, global_slot(g, e));
		else if (local_reg(g, e) != dst)
			emit_abc(g, KTAP_OP_MOV, dst, local_reg(g, e), 0);
		break;
	case KP_AST_BINARY:
		gen_binary(g, e, dst);
		break;
	case KP_AST_UNARY:
		operand = expr_reg(g, e->u.un.e, dst);
		g->pos = e->pos;
		emit_abc(g, kp_gen_unop_ops[e->u.un.op], dst, operand, 0);
		break;
	case KP_AST_CALL:
		gen_call(g, e, dst);
		break;
	case KP_AST_FUNCTION:
		gen_function(g, e, dst);
		break;
	case KP_AST_INDEX:
		gen_index(g, e, dst);
		break;
	case KP_AST_TABLE:
		gen_table(g, e, dst);
		break;
	case KP_AST_EVCTX:
		emit_abc(g, KTAP_OP_EVGET, dst, e->u.ev.item, e->u.ev.index);
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

/* gen_value() into a register of its choice, see expr_reg(). */
static unsigned value_reg(struct kp_gen *g, struct kp_ast_node *e,
			  unsigned scratch)
{
	fold_expr(e);
	return expr_reg(g, e, scratch);
}

/* ---- functions ---------------------------------------------------------- */

static void gen_block(struct kp_gen *g, struct kp_ast_node *block);

/*
 * Compiles a function into a prototype of its own.  Its parameters are
 * its first registers, its locals follow; it ends with RET, so falling
 * off its end returns nil.
 */
static unsigned gen_proto(struct kp_gen *outer, struct kp_ast_node *fn)
{
	struct kp_gen g = { outer->diag, outer->chunk, NULL, fn->pos, 0, 0,
			    NULL, NULL };
	unsigned index = kp_chunk_nprotos(outer->chunk);
	struct kp_ast_node *param;

	if (index == KTAP_MAX_PROTOS)
		kp_diag_error(g.diag, fn->pos, KP_MSG_TOO_MANY_FUNCS,
			      KTAP_MAX_PROTOS - 1);
	g.proto = kp_chunk_add_proto(g.chunk, fn->u.func.nparams,
				     kp_diag_chunk_line(g.diag, fn->pos));
	g.local_regs = kp_diag_xrealloc(NULL, (fn->u.func.nlocals + 1) *
					sizeof(*g.local_regs));
	for (param = fn->u.func.params; param; param = param->next)
		reg_local(&g, param);
	gen_block(&g, fn->u.func.body);
	g.pos = fn->u.func.body->u.block.end;
	emit_abc(&g, KTAP_OP_RET, 0, 0, 0);
	kp_chunk_set_nregs(g.proto, g.frame);
	free(g.local_regs);
	return index;
}

/* FUNC A Bx: R[A] := the function of proto Bx */
static void gen_function(struct kp_gen *g, struct kp_ast_node *e,
			 unsigned dst)
{
	unsigned index = gen_proto(g, e);

	g->pos = e->pos;
	emit_abx(g, KTAP_OP_FUNC, dst, index & 0xffff);
}

/* return [e]: RET1 with the value's register, or RET for nil */
static void gen_return(struct kp_gen *g, struct kp_ast_node *s)
{
	unsigned r;

	if (!s->u.expr.e) {
		emit_abc(g, KTAP_OP_RET, 0, 0, 0);
		return;
	}
	r = value_reg(g, s->u.expr.e, reg_push(g));
	g->pos = s->pos;
	emit_abc(g, KTAP_OP_RET1, r, 0, 0);
	reg_pop(g, 1);
}

/* ---- statements -------------------------------------------------------- */

/* A block's locals end with it: their registers are free again. */
static void gen_block(struct kp_gen *g, struct kp_ast_node *block)
{
	unsigned base = g->top;
	struct kp_ast_node *s;

	for (s = block->u.block.stmts; s; s = s->next)
		gen_stmt(g, s);
	g->top = base;
}

/*
 * Writes register r to a resolved target NAME, or to t[k]: SETT t k r,
 * with t and k evaluated now, after the values (see gen_assign()).
 */
static void store(struct kp_gen *g, struct kp_ast_node *target, unsigned r)
{
	unsigned t, k, pushed;

	g->pos = target->pos;
	if (target->kind == KP_AST_INDEX) {
		index_regs(g, target, reg_push(g), &t, &k, &pushed);
		g->pos = target->pos;
		emit_abc(g, KTAP_OP_SETT, t, k, r);
		reg_pop(g, pushed + 1);
	} else if (!is_local(target))
		emit_abx(g, KTAP_OP_SETG, r, global_slot(g, target));
	else if (local_reg(g, target) != r)
		emit_abc(g, KTAP_OP_MOV, local_reg(g, target), r, 0);
}

/* An expression that only reads what it is written to: no temporaries. */
static bool is_leaf(const struct kp_ast_node *e)
{
	return e->kind == KP_AST_INT || e->kind == KP_AST_STR ||
	       e->kind == KP_AST_TRUE || e->kind == KP_AST_FALSE ||
	       e->kind == KP_AST_NIL || e->kind == KP_AST_NAME ||
	       e->kind == KP_AST_FUNCTION || e->kind == KP_AST_EVCTX;
}

/* Opcodes whose only effect is to write R[A] after reading their operands. */
static bool writes_only_a(enum ktap_opcode op)
{
	switch (op) {
	case KTAP_OP_MOV: case KTAP_OP_LOADK: case KTAP_OP_LOADI:
	case KTAP_OP_LOADNIL: case KTAP_OP_LOADB: case KTAP_OP_GETG:
	case KTAP_OP_ADD: case KTAP_OP_SUB: case KTAP_OP_MUL:
	case KTAP_OP_DIV: case KTAP_OP_MOD: case KTAP_OP_BAND:
	case KTAP_OP_BOR: case KTAP_OP_BXOR: case KTAP_OP_SHL:
	case KTAP_OP_SHR: case KTAP_OP_CONCAT: case KTAP_OP_EQ:
	case KTAP_OP_NE: case KTAP_OP_LT: case KTAP_OP_LE:
	case KTAP_OP_NEG: case KTAP_OP_BNOT: case KTAP_OP_NOT:
	case KTAP_OP_GETT: case KTAP_OP_GETT0: case KTAP_OP_ADDK:
	case KTAP_OP_SUBK: case KTAP_OP_MULK: case KTAP_OP_DIVK:
	case KTAP_OP_MODK:
		return true;
	default:
		return false;
	}
}

/*
 * local = e: e goes to a temporary whose last write, when it is the
 * last instruction and writes nothing else, is aimed at the local
 * instead (no MOV).  Writing the local any earlier could change what
 * e reads of it (x = (x + 1) * x).  && and || end with a jump landing
 * after their last instruction, so they keep the MOV.
 */
static void gen_assign_local(struct kp_gen *g, struct kp_ast_node *e,
			     unsigned local)
{
	unsigned start = here(g), tmp, pc;
	uint32_t insn;

	if (is_leaf(e)) {
		gen_value(g, e, local);
		return;
	}
	tmp = reg_push(g);
	gen_value(g, e, tmp);
	pc = here(g) - 1;
	insn = here(g) > start ? kp_chunk_insn(g->proto, pc) : 0;
	if (here(g) > start && KTAP_INSN_A(insn) == tmp &&
	    writes_only_a(KTAP_INSN_OP(insn)) &&
	    !(e->kind == KP_AST_BINARY && (e->u.bin.op == KP_BIN_AND ||
					   e->u.bin.op == KP_BIN_OR)))
		kp_chunk_patch(g->proto, pc, (insn & ~0xff00U) | (local << 8));
	else
		emit_abc(g, KTAP_OP_MOV, local, tmp, 0);
	reg_pop(g, 1);
}

/*
 * a, b = e1, e2: every value is computed before any target changes (so
 * a, b = b, a swaps); extra values are computed and dropped, missing
 * ones are nil.  A target t[k] evaluates t and k after all the values.  A local assigned a leaf value gets it directly.
 * `var` at the top level is the same, with globals for targets.
 */
static void gen_assign(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *n, *target = s->u.assign.targets;
	unsigned base = g->top, i;

	if (s->u.assign.ntargets == 1 && s->u.assign.nvalues == 1 &&
	    is_local(target)) {
		gen_assign_local(g, s->u.assign.values, local_reg(g, target));
		return;
	}
	for (n = s->u.assign.values; n; n = n->next)
		gen_value(g, n, reg_push(g));
	g->pos = s->pos;
	for (i = s->u.assign.nvalues; i < s->u.assign.ntargets; i++)
		emit_abc(g, KTAP_OP_LOADNIL, reg_push(g), 0, 0);
	for (n = target, i = 0; n; n = n->next, i++)
		store(g, n, base + i);
	g->top = base;
}

/*
 * var a, b = e1, e2 declaring locals: the values are computed into the
 * next registers, which then become the locals (so `var x = x` reads
 * the outer x, as the resolver decided).  Returns how many it declared.
 */
static unsigned gen_var_local(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *n, *value = s->u.assign.values;
	unsigned base = g->top, i = 0;

	for (n = s->u.assign.targets; n; n = n->next, i++) {
		g->pos = n->pos;
		reg_local(g, n);
		if (value) {
			gen_value(g, value, base + i);
			value = value->next;
		} else {
			g->pos = s->pos;
			emit_abc(g, KTAP_OP_LOADNIL, base + i, 0, 0);
		}
	}
	for (; value; value = value->next) {	/* extra values: dropped */
		gen_value(g, value, reg_push(g));
		reg_pop(g, 1);
	}
	return s->u.assign.ntargets;
}

/* The right operand of a compound assignment: e, or 1 for ++ and --. */
static unsigned compound_operand(struct kp_gen *g, struct kp_ast_node *s)
{
	unsigned operand;

	if (s->kind != KP_AST_INCDEC)
		return value_reg(g, s->u.compound.value, reg_push(g));
	g->pos = s->pos;
	operand = reg_push(g);
	gen_int(g, operand, 1);
	return operand;
}

/* acc := acc op e (1 for ++ and --), with a K operand when one fits. */
static void gen_combine(struct kp_gen *g, struct kp_ast_node *s,
			unsigned acc)
{
	enum kp_ast_binop op = s->u.compound.op;
	enum ktap_opcode kop = arith_k_op(op);
	unsigned operand;
	int k = -1;

	if (kop != KTAP_OP_MOV) {
		if (s->kind == KP_AST_INCDEC) {
			k = small_int(g, 1);
		} else {
			fold_expr(s->u.compound.value);
			k = small_const(g, s->u.compound.value,
					op == KP_BIN_DIV || op == KP_BIN_MOD);
		}
	}
	if (k >= 0) {
		g->pos = s->pos;
		emit_abc(g, kop, acc, acc, (unsigned)k);
		return;
	}
	operand = compound_operand(g, s);
	g->pos = s->pos;
	emit_abc(g, kp_gen_binop_ops[op], acc, acc, operand);
}

/*
 * The opcodes that do t[k] op= e in one step under the table's lock,
 * so that probes on several CPUs lose no update (ABI 1.7); 0 for ..=,
 * which allocates and stays a read and a write.
 */
static const unsigned char kp_gen_table_ops[KP_BIN__COUNT] = {
	[KP_BIN_ADD] = KTAP_OP_ADDT,
	[KP_BIN_SUB] = KTAP_OP_SUBT,
	[KP_BIN_MUL] = KTAP_OP_MULT,
	[KP_BIN_DIV] = KTAP_OP_DIVT,
	[KP_BIN_MOD] = KTAP_OP_MODT,
	[KP_BIN_BAND] = KTAP_OP_BANDT,
	[KP_BIN_BOR] = KTAP_OP_BORT,
	[KP_BIN_BXOR] = KTAP_OP_BXORT,
	[KP_BIN_SHL] = KTAP_OP_SHLT,
	[KP_BIN_SHR] = KTAP_OP_SHRT,
};

/*
 * t[k] op= e, t[k]++: the counter idiom.  t, k and then e are evaluated
 * once, and one instruction updates the element (a missing one reads
 * as 0):
 *   ADDT t, k, e        (SUBT .. SHRT for the other operators)
 * ..= has no such opcode:
 *   GETT0 acc, t, k
 *   CONCAT acc, acc, e
 *   SETT t, k, acc
 */
static void gen_compound_index(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *target = s->u.compound.target;
	unsigned base = g->top, t, k, pushed, acc, operand;
	unsigned fused = kp_gen_table_ops[s->u.compound.op];

	index_regs(g, target, reg_push(g), &t, &k, &pushed);
	if (fused) {
		operand = compound_operand(g, s);
		g->pos = s->pos;
		emit_abc(g, fused, t, k, operand);
		g->top = base;
		return;
	}
	acc = reg_push(g);
	g->pos = target->pos;
	emit_abc(g, KTAP_OP_GETT0, acc, t, k);
	gen_combine(g, s, acc);
	emit_abc(g, KTAP_OP_SETT, t, k, acc);
	g->top = base;
}

/*
 * t[k] <<< e:  AGGT t, k, e  (t, k, then e evaluated, in that order)
 * g <<< e:     AGGG e, g
 * The resolver has refused locals as targets.
 */
static void gen_aggregate(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *target = s->u.compound.target;
	unsigned base = g->top, t, k, pushed, v;

	if (target->kind == KP_AST_INDEX) {
		index_regs(g, target, reg_push(g), &t, &k, &pushed);
		v = value_reg(g, s->u.compound.value, reg_push(g));
		g->pos = s->pos;
		emit_abc(g, KTAP_OP_AGGT, t, k, v);
	} else {
		v = value_reg(g, s->u.compound.value, reg_push(g));
		g->pos = s->pos;
		emit_abx(g, KTAP_OP_AGGG, v, global_slot(g, target));
	}
	g->top = base;
}

/* a op= e, a++, a--: read a, combine, write back. */
static void gen_compound(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_ast_node *target = s->u.compound.target;
	unsigned acc, base;

	if (target->kind == KP_AST_INDEX) {
		gen_compound_index(g, s);
		return;
	}
	acc = is_local(target) ? local_reg(g, target) : reg_push(g);
	base = g->top;
	g->pos = target->pos;
	if (!is_local(target))
		emit_abx(g, KTAP_OP_GETG, acc, global_slot(g, target));
	gen_combine(g, s, acc);
	g->top = base;
	if (!is_local(target)) {
		emit_abx(g, KTAP_OP_SETG, acc, global_slot(g, target));
		reg_pop(g, 1);
	}
}

/* ---- conditions -------------------------------------------------------- */

/*
 * A condition is compiled as jumps, not as a boolean in a register: see
 * gen_branch().  A comparison becomes a fused compare and its JMP (TLT
 * and friends, ABI 1.6), with a K operand when one side is a literal.
 */

static void gen_branch(struct kp_gen *g, struct kp_ast_node *e, bool when,
		       struct kp_gen_jumps *jumps);

/* The fused compare of `l op r`, with r a register: x > y is y < x. */
static void fused_rr(enum kp_ast_binop op, enum ktap_opcode *fop, bool *swap)
{
	*swap = op == KP_BIN_GT || op == KP_BIN_GE;
	*fop = op == KP_BIN_LT || op == KP_BIN_GT ? KTAP_OP_TLT :
	       op == KP_BIN_LE || op == KP_BIN_GE ? KTAP_OP_TLE : KTAP_OP_TEQ;
}

/* The fused compare of `x op K`; `mirror` when the literal was on the left. */
static enum ktap_opcode fused_k(enum kp_ast_binop op, bool mirror)
{
	switch (op) {
	case KP_BIN_LT: return mirror ? KTAP_OP_TGTK : KTAP_OP_TLTK;
	case KP_BIN_LE: return mirror ? KTAP_OP_TGEK : KTAP_OP_TLEK;
	case KP_BIN_GT: return mirror ? KTAP_OP_TLTK : KTAP_OP_TGTK;
	case KP_BIN_GE: return mirror ? KTAP_OP_TLEK : KTAP_OP_TGEK;
	default: return KTAP_OP_TEQK;
	}
}

/* The K operand of a literal a fused compare can take, or -1. */
static int compare_const(struct kp_gen *g, const struct kp_ast_node *e)
{
	unsigned k;

	if (e->kind == KP_AST_INT)
		return small_int(g, e->u.ival);
	if (e->kind != KP_AST_STR)
		return -1;
	k = check_const(g, kp_chunk_const_str(g->proto, e->u.str.s,
					      e->u.str.len));
	return k <= 0xff ? (int)k : -1;
}

/*
 * A comparison as a fused compare whose JMP, added to `jumps`, is taken
 * when the comparison gives `when` (NE is EQ with the sense reversed).
 * Operands are evaluated left to right; a literal side becomes K.
 */
static void gen_compare_branch(struct kp_gen *g, struct kp_ast_node *e,
			       bool when, struct kp_gen_jumps *jumps)
{
	enum kp_ast_binop op = e->u.bin.op;
	struct kp_ast_node *l = e->u.bin.l, *r = e->u.bin.r;
	unsigned base = g->top, a, b;
	enum ktap_opcode fop;
	bool swap, mirror = false;
	int k = compare_const(g, r);

	if (op == KP_BIN_NE)
		when = !when;
	if (k < 0 && r->kind != KP_AST_INT && r->kind != KP_AST_STR) {
		k = compare_const(g, l);
		mirror = k >= 0;
	}
	if (k >= 0) {
		a = expr_reg(g, mirror ? r : l, reg_push(g));
		g->pos = e->pos;
		emit_abc(g, fused_k(op, mirror), a, (unsigned)k, when);
	} else {
		a = expr_reg(g, l, reg_push(g));
		b = expr_reg(g, r, is_local(r) ? 0 : reg_push(g));
		fused_rr(op, &fop, &swap);
		g->pos = e->pos;
		emit_abc(g, fop, swap ? b : a, swap ? a : b, when);
	}
	jumps_add(jumps, emit_jump(g, KTAP_OP_JMP, 0));
	g->top = base;
}

/* a && b, a || b as jumps: `fall` is the outcome that evaluates b. */
static void gen_logical_branch(struct kp_gen *g, struct kp_ast_node *e,
			       bool when, struct kp_gen_jumps *jumps)
{
	bool fall = e->u.bin.op == KP_BIN_AND;
	struct kp_gen_jumps skip = { NULL, 0, 0 };

	if (when == fall) {
		/* a decides nothing on its own: !fall skips the whole test */
		gen_branch(g, e->u.bin.l, !fall, &skip);
		gen_branch(g, e->u.bin.r, when, jumps);
		jumps_patch(g, &skip, here(g));
	} else {
		gen_branch(g, e->u.bin.l, when, jumps);
		gen_branch(g, e->u.bin.r, when, jumps);
	}
}

static bool is_compare(enum kp_ast_binop op)
{
	return op == KP_BIN_EQ || op == KP_BIN_NE || op == KP_BIN_LT ||
	       op == KP_BIN_LE || op == KP_BIN_GT || op == KP_BIN_GE;
}

/* A literal's truth (LANGUAGE.md: nil, false and 0 are false); -1 if not one. */
static int literal_truth(const struct kp_ast_node *e)
{
	switch (e->kind) {
	case KP_AST_INT: return e->u.ival != 0;
	case KP_AST_NIL:
	case KP_AST_FALSE: return 0;
	case KP_AST_TRUE:
	case KP_AST_STR: return 1;
	default: return -1;
	}
}

/*
 * Compiles the condition `e` (folded already) as code that jumps, by
 * jumps added to `jumps`, when e's truth is `when`, and falls through
 * otherwise.  Comparisons are fused, && and || and ! become control
 * flow, a literal decides at compile time; anything else is computed
 * into a register tested by JMPT/JMPF.
 */
static void gen_branch(struct kp_gen *g, struct kp_ast_node *e, bool when,
		       struct kp_gen_jumps *jumps)
{
	int truth = literal_truth(e);
	unsigned r;

	g->pos = e->pos;
	if (truth >= 0) {
		if (truth == when)
			jumps_add(jumps, emit_jump(g, KTAP_OP_JMP, 0));
	} else if (e->kind == KP_AST_UNARY && e->u.un.op == KP_UN_NOT) {
		gen_branch(g, e->u.un.e, !when, jumps);
	} else if (e->kind == KP_AST_BINARY &&
		   (e->u.bin.op == KP_BIN_AND || e->u.bin.op == KP_BIN_OR)) {
		gen_logical_branch(g, e, when, jumps);
	} else if (e->kind == KP_AST_BINARY && is_compare(e->u.bin.op)) {
		gen_compare_branch(g, e, when, jumps);
	} else {
		r = expr_reg(g, e, reg_push(g));
		g->pos = e->pos;
		jumps_add(jumps, emit_jump(g, when ? KTAP_OP_JMPT : KTAP_OP_JMPF,
					   r));
		reg_pop(g, 1);
	}
}

/* The jumps taken when `cond` is false (`when` false) or true. */
static void gen_cond(struct kp_gen *g, struct kp_ast_node *cond, bool when,
		     struct kp_gen_jumps *jumps)
{
	fold_expr(cond);
	gen_branch(g, cond, when, jumps);
}

/*
 *     cond1 false -> next1; body1; JMP -> end
 *   next1: cond2 false -> else; body2; JMP -> end
 *   else: else-body
 *   end:
 */
static void gen_if(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_jumps to_end = { NULL, 0, 0 }, skip;
	struct kp_ast_node *arm;

	for (arm = s->u.if_.arms; arm; arm = arm->next) {
		memset(&skip, 0, sizeof(skip));
		gen_cond(g, arm->u.loop.cond, false, &skip);
		gen_block(g, arm->u.loop.body);
		if (arm->next || s->u.if_.els)
			jumps_add(&to_end, emit_jump(g, KTAP_OP_JMP, 0));
		g->pos = arm->pos;
		jumps_patch(g, &skip, here(g));
	}
	if (s->u.if_.els)
		gen_block(g, s->u.if_.els);
	g->pos = s->pos;
	jumps_patch(g, &to_end, here(g));
}

/* Compiles a loop body, collecting its breaks and continues in `loop`. */
static void gen_loop_body(struct kp_gen *g, struct kp_gen_loop *loop,
			  struct kp_ast_node *body)
{
	loop->outer = g->loop;
	g->loop = loop;
	gen_block(g, body);
	g->loop = loop->outer;
}

/* Aims a loop's breaks at `exit` and its continues at `next`. */
static void loop_patch(struct kp_gen *g, struct kp_gen_loop *loop,
		       unsigned exit, unsigned next)
{
	jumps_patch(g, &loop->breaks, exit);
	jumps_patch(g, &loop->continues, next);
}

/*
 * Loops test at the bottom, so an iteration runs one test and no JMP:
 *          JMP -> next
 *   body:  body
 *   next:  cond true -> body
 *   exit:
 * continue jumps to next, break to exit.
 */
static void gen_while(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct kp_gen_jumps again = { NULL, 0, 0 };
	unsigned enter, body, next;

	enter = emit_jump(g, KTAP_OP_JMP, 0);
	body = here(g);
	gen_loop_body(g, &loop, s->u.loop.body);
	next = here(g);
	g->pos = s->pos;
	patch_jump(g, enter, next);
	gen_cond(g, s->u.loop.cond, true, &again);
	g->pos = s->pos;
	jumps_patch(g, &again, body);
	loop_patch(g, &loop, here(g), next);
}

/*
 *   start: body
 *   next:  cond false -> start
 *   exit:
 * continue jumps to the condition, break to exit.
 */
static void gen_repeat(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct kp_gen_jumps again = { NULL, 0, 0 };
	unsigned start = here(g), next;

	gen_loop_body(g, &loop, s->u.loop.body);
	next = here(g);
	gen_cond(g, s->u.loop.cond, false, &again);
	g->pos = s->pos;
	jumps_patch(g, &again, start);
	loop_patch(g, &loop, here(g), next);
}

/*
 *        R[A], R[A+1], R[A+2] := first, last, step (1 if absent)
 *        FORPREP A -> exit        R[A+3], the loop's variable, := first
 *   body: body
 *   next: FORLOOP A -> body
 *   exit:
 * continue jumps to next, break to exit.
 */
static void gen_numfor(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	unsigned base = g->top, prep, body, next;

	gen_value(g, s->u.numfor.first, reg_push(g));
	gen_value(g, s->u.numfor.last, reg_push(g));
	if (s->u.numfor.step) {
		gen_value(g, s->u.numfor.step, reg_push(g));
	} else {
		g->pos = s->pos;
		gen_int(g, reg_push(g), 1);
	}
	g->pos = s->u.numfor.var->pos;
	reg_local(g, s->u.numfor.var);
	g->pos = s->pos;
	prep = emit_jump(g, KTAP_OP_FORPREP, base);
	body = here(g);
	gen_loop_body(g, &loop, s->u.numfor.body);
	next = here(g);
	g->pos = s->pos;
	patch_jump(g, emit_jump(g, KTAP_OP_FORLOOP, base), body);
	patch_jump(g, prep, here(g));
	loop_patch(g, &loop, here(g), next);
	g->top = base;
}

/*
 *          init
 *          JMP -> test
 *   body:  body
 *   next:  post
 *   test:  cond true -> body     (JMP -> body without a condition)
 *   exit:
 * continue jumps to next, break to exit; init's locals end with the loop.
 */
static void gen_cfor(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct kp_gen_jumps again = { NULL, 0, 0 };
	unsigned base = g->top, enter, body, next;

	if (s->u.cfor.init)
		gen_stmt(g, s->u.cfor.init);
	g->pos = s->pos;
	enter = emit_jump(g, KTAP_OP_JMP, 0);
	body = here(g);
	gen_loop_body(g, &loop, s->u.cfor.body);
	next = here(g);
	if (s->u.cfor.post)
		gen_stmt(g, s->u.cfor.post);
	g->pos = s->pos;
	patch_jump(g, enter, here(g));
	if (s->u.cfor.cond)
		gen_cond(g, s->u.cfor.cond, true, &again);
	else
		jumps_add(&again, emit_jump(g, KTAP_OP_JMP, 0));
	g->pos = s->pos;
	jumps_patch(g, &again, body);
	loop_patch(g, &loop, here(g), next);
	g->top = base;
}

/* The register of the loop's value name, or an unnamed one. */
static void forin_value_reg(struct kp_gen *g, struct kp_ast_node *s)
{
	if (s->u.forin.v)
		reg_local(g, s->u.forin.v);
	else
		reg_push(g);
}

/*
 * for (k, v in pairs(t)):
 *        R[A] := t; R[A+1] := 0 (position); R[A+2], R[A+3] are k, v
 *        JMP -> next
 *   body: body
 *   next: TFORLOOP A -> body
 *   exit:
 * continue jumps to next, break to exit.
 */
static void gen_pairs(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	unsigned base = g->top, enter, body, next;

	gen_value(g, s->u.forin.iter->u.call.args, reg_push(g));
	g->pos = s->pos;
	gen_int(g, reg_push(g), 0);
	reg_local(g, s->u.forin.k);
	forin_value_reg(g, s);
	g->pos = s->pos;
	enter = emit_jump(g, KTAP_OP_JMP, 0);
	body = here(g);
	gen_loop_body(g, &loop, s->u.forin.body);
	next = here(g);
	patch_jump(g, enter, next);
	g->pos = s->pos;
	patch_jump(g, emit_jump(g, KTAP_OP_TFORLOOP, base), body);
	loop_patch(g, &loop, here(g), next);
	g->top = base;
}

/* CALLB into R[A] of built-in id with the n registers after A set. */
static void emit_callb(struct kp_gen *g, unsigned a, enum ktap_builtin id,
		       unsigned n)
{
	emit_abc(g, KTAP_OP_CALLB, a, id, n);
	reg_pop(g, n);
}

/*
 * With cmp, sort_pairs left a sort in R[K], which these run to its end:
 *   sort: SORTSTEP K -> done    (else R[K+1..K+3] := cmp, x, y)
 *         CALL K+1 2
 *         JMP -> sort
 *   done:                       (R[K] := the keys in order)
 */
static void gen_sort_steps(struct kp_gen *g, unsigned keys)
{
	unsigned sort = here(g), done;

	reg_push(g);
	reg_push(g);
	reg_push(g);
	done = emit_jump(g, KTAP_OP_SORTSTEP, keys);
	emit_abc(g, KTAP_OP_CALL, keys + 1, 2, 0);
	patch_jump(g, emit_jump(g, KTAP_OP_JMP, 0), sort);
	patch_jump(g, done, here(g));
	reg_pop(g, 3);
}

/*
 * for (k, v in sort_pairs(t [, cmp])): sort_pairs returns the keys in
 * order as entries 1..n of a table; a numeric loop walks them and reads
 * each value from t when it gets there.
 *        R[T] := t; R[K] := sort_pairs(R[T] [, cmp])
 *        R[F], R[F+1], R[F+2] := 1, len(R[K]), 1
 *        FORPREP F -> exit
 *   body: k := R[K][R[F+3]]; v := R[T][k]; body
 *   next: FORLOOP F -> body
 *   exit:
 */
static void gen_sort_pairs(struct kp_gen *g, struct kp_ast_node *s)
{
	struct kp_gen_loop loop = { NULL, { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct kp_ast_node *args = s->u.forin.iter->u.call.args;
	unsigned base = g->top, tab = reg_push(g), keys = reg_push(g), f;
	unsigned prep, body, next;

	gen_value(g, args, tab);
	g->pos = s->pos;
	emit_abc(g, KTAP_OP_MOV, reg_push(g), tab, 0);
	if (args->next)
		gen_value(g, args->next, reg_push(g));
	g->pos = s->pos;
	emit_callb(g, keys, KTAP_BIF_SORT_PAIRS, args->next ? 2 : 1);
	if (args->next)
		gen_sort_steps(g, keys);
	f = reg_push(g);
	gen_int(g, f, 1);
	reg_push(g);	/* f + 1: len()'s result */
	emit_abc(g, KTAP_OP_MOV, reg_push(g), keys, 0);
	emit_callb(g, f + 1, KTAP_BIF_LEN, 1);
	gen_int(g, reg_push(g), 1);
	reg_push(g);	/* the index, f + 3 */
	reg_local(g, s->u.forin.k);
	forin_value_reg(g, s);
	prep = emit_jump(g, KTAP_OP_FORPREP, f);
	body = here(g);
	emit_abc(g, KTAP_OP_GETT, f + 4, keys, f + 3);
	emit_abc(g, KTAP_OP_GETT, f + 5, tab, f + 4);
	gen_loop_body(g, &loop, s->u.forin.body);
	next = here(g);
	g->pos = s->pos;
	patch_jump(g, emit_jump(g, KTAP_OP_FORLOOP, f), body);
	patch_jump(g, prep, here(g));
	loop_patch(g, &loop, here(g), next);
	g->top = base;
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

/* A statement; only `var` declaring locals keeps registers after it. */
static void gen_stmt(struct kp_gen *g, struct kp_ast_node *s)
{
	unsigned base = g->top, declared = 0;

	g->pos = s->pos;
	switch (s->kind) {
	case KP_AST_EXPR_STMT:
		gen_value(g, s->u.expr.e, reg_push(g));
		reg_pop(g, 1);
		break;
	case KP_AST_VAR:
		if (is_local(s->u.assign.targets))
			declared = gen_var_local(g, s);
		else
			gen_assign(g, s);
		break;
	case KP_AST_ASSIGN:
		gen_assign(g, s);
		break;
	case KP_AST_COMPOUND:
	case KP_AST_INCDEC:
		gen_compound(g, s);
		break;
	case KP_AST_AGGREGATE:
		gen_aggregate(g, s);
		break;
	case KP_AST_IF:
		gen_if(g, s);
		break;
	case KP_AST_WHILE:
		gen_while(g, s);
		break;
	case KP_AST_REPEAT:
		gen_repeat(g, s);
		break;
	case KP_AST_NUMFOR:
		gen_numfor(g, s);
		break;
	case KP_AST_CFOR:
		gen_cfor(g, s);
		break;
	case KP_AST_FORIN:
		if (s->u.forin.sorted)
			gen_sort_pairs(g, s);
		else
			gen_pairs(g, s);
		break;
	case KP_AST_BREAK:
	case KP_AST_CONTINUE:
		gen_loop_jump(g, s);
		break;
	case KP_AST_RETURN:
		gen_return(g, s);
		break;
	case KP_AST_BLOCK:
		gen_block(g, s);
		break;
	case KP_AST_PROBE:
		/* Its body is a function the module calls; nothing runs here. */
		s->u.probe.proto = gen_proto(g, s->u.probe.fn);
		break;
	default:
		assert(!"not a statement");
		break;
	}
	/* Temporaries never outlive their statement. */
	assert(g->top == base + declared);
}

int kp_gen_chunk(struct kp_ast_node *chunk, const struct kp_res_result *res,
		 struct kp_diag *diag, struct kp_chunk_builder *out)
{
	struct kp_gen g = { diag, out, NULL, { 0, 0, 0 }, 0, 0, NULL, NULL };
	unsigned errors = diag->nerrors, i;

	for (i = 0; i < res->nglobals; i++)
		kp_chunk_add_global(out, res->globals[i]);
	/* The top level has no parameters and starts "at line 0", as in Lua. */
	g.proto = kp_chunk_add_proto(out, 0, 0);
	g.local_regs = kp_diag_xrealloc(NULL, (res->nlocals + 1) *
					sizeof(*g.local_regs));
	gen_block(&g, chunk);
	g.pos = chunk->u.block.end;
	emit_abc(&g, KTAP_OP_RET, 0, 0, 0);
	kp_chunk_set_nregs(g.proto, g.frame);
	free(g.local_regs);
	return diag->nerrors > errors ? -1 : 0;
}
