// SPDX-License-Identifier: GPL-2.0
/*
 * The bytecode verifier.
 *
 * A chunk comes from user space and is untrusted.  Before anything runs,
 * this proves for every instruction of every function (each prototype is
 * checked alike, the top level being just prototype 0):
 *   - the opcode exists;
 *   - each operand fits its mode from the opcode table in uapi/ktap.h:
 *     registers lie inside the function's frame, constant and global
 *     indices inside their tables, built-in ids exist, unused fields are 0;
 *   - a prototype operand (FUNC) names a function of the chunk other
 *     than the top level: 1 <= Bx < nprotos;
 *   - every jump lands on an instruction of the same function;
 *   - a call's registers lie inside the frame: the built-in (CALLB) or
 *     the called value (CALL) in A and its arguments A+1..A+n; so a
 *     callee's frame, which starts at the caller's A+1, begins inside
 *     the caller's, and the value stack sized at load holds every chain
 *     of calls the depth limit admits (vm.c, kp_vm_alloc_stack());
 *   - a built-in call passes a number of arguments the built-in accepts;
 *   - a return's value register (RET1) lies inside the frame;
 *   - a constant operand in an 8-bit field (ABI 1.6) indexes the table,
 *     and is an integer for ADDK..MODK and not 0 for DIVK and MODK (so
 *     they need no type or zero check); a flag (BIT) is 0 or 1;
 *   - a fused compare (TEQ..TGEK) is followed by a JMP and that by one
 *     more instruction, so both outcomes land inside the code;
 *   - a numeric for loop's four registers A..A+3 lie inside the frame,
 *     and so do those of a table loop (TFORLOOP) and of a sort in
 *     progress with the call it makes (SORTSTEP: A..A+3);
 *   - control cannot run off the end of the code (the last instruction is
 *     RET, RET1 or an unconditional JMP).
 * The loader has already checked each frame: parameters within it, at
 * most KTAP_MAX_REGS registers, and none for the top level.
 * The interpreter relies on these facts and does not check them again.
 * Runtime facts (types of values, the depth and instruction limits) are
 * the interpreter's job.
 */
#include "vm.h"
#include "../uapi/ktap.h"

/* Tables indexed by opcode: the include file lists them in that order. */
static const u8 kp_op_modes[KTAP_OP__COUNT][3] = {
#define KTAP_OP(name, a, b, c) { KTAP_MODE_##a, KTAP_MODE_##b, KTAP_MODE_##c },
#include "../uapi/ktap_opcodes.h"
};

static const char *const kp_op_names[KTAP_OP__COUNT] = {
#define KTAP_OP(name, a, b, c) (#name),
#include "../uapi/ktap_opcodes.h"
};

static const int kp_bif_arity[KTAP_BIF__COUNT][2] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) { min_args, max_args },
#include "../uapi/ktap_builtins.h"
};

struct kp_vcheck {
	const struct kp_chunk *chunk;
	const struct kp_proto *proto;
	u32 fn;			/* function index, for messages */
	u32 pc;
	char *err;
	size_t errlen;
};

#define kp_verify_fail(v, ...)						\
	({								\
		int _n = kp_snprintf((v)->err, (v)->errlen,		\
				     "verifier: function %u, instruction %u (line %u): ", \
				     (v)->fn, (v)->pc, (v)->proto->lines[(v)->pc]); \
		if (_n >= 0 && (size_t)_n < (v)->errlen)		\
			kp_snprintf((v)->err + _n, (v)->errlen - _n, __VA_ARGS__); \
		-EINVAL;						\
	})

/* A constant in an 8-bit field: in the table, a number (KNUM), not 0 (KDIV). */
static int kp_verify_const(struct kp_vcheck *v, const char *op, u8 mode, u32 x)
{
	const struct kp_proto *p = v->proto;

	if (x >= p->nconsts)
		return kp_verify_fail(v, "%s: constant %u outside the table of %u",
				      op, x, p->nconsts);
	if (mode != KTAP_MODE_KSC && p->consts[x].type != KP_TNUM)
		return kp_verify_fail(v, "%s: constant %u is not an integer",
				      op, x);
	if (mode == KTAP_MODE_KDIV && p->consts[x].n == 0)
		return kp_verify_fail(v, "%s: constant %u is a zero divisor",
				      op, x);
	return 0;
}

/* Check one operand of value x against its mode. */
static int kp_verify_operand(struct kp_vcheck *v, u32 insn, u8 mode,
			     char field, u32 x)
{
	const struct kp_proto *p = v->proto;
	const char *op = kp_op_names[KTAP_INSN_OP(insn)];
	s64 target;

	switch (mode) {
	case KTAP_MODE_NONE:
		if (x)
			return kp_verify_fail(v, "%s: unused operand %c is %u, must be 0",
					      op, field, x);
		return 0;
	case KTAP_MODE_REG:
		if (x >= p->nregs)
			return kp_verify_fail(v, "%s: register %c=%u outside the frame of %u",
					      op, field, x, p->nregs);
		return 0;
	case KTAP_MODE_KST:
		if (x >= p->nconsts)
			return kp_verify_fail(v, "%s: constant %u outside the table of %u",
					      op, x, p->nconsts);
		return 0;
	case KTAP_MODE_GBL:
		if (x >= v->chunk->nglobals)
			return kp_verify_fail(v, "%s: global %u outside the table of %u",
					      op, x, v->chunk->nglobals);
		return 0;
	case KTAP_MODE_JMP:
		target = (s64)v->pc + 1 + KTAP_INSN_SBX(insn);
		if (target < 0 || target >= p->ncode)
			return kp_verify_fail(v, "%s: jump to %lld outside the code (0..%u)",
					      op, (long long)target, p->ncode - 1);
		return 0;
	case KTAP_MODE_BIF:
		if (x >= KTAP_BIF__COUNT)
			return kp_verify_fail(v, "%s: unknown built-in %u", op, x);
		return 0;
	case KTAP_MODE_PRO:
		if (x == 0 || x >= v->chunk->nprotos)
			return kp_verify_fail(v, "%s: function %u outside 1..%u (0 is the top level)",
					      op, x, v->chunk->nprotos - 1);
		return 0;
	case KTAP_MODE_ARG:	/* the count of A+1..A+x, A a register */
		if (KTAP_INSN_A(insn) + x >= p->nregs)
			return kp_verify_fail(v, "%s: arguments R%u..R%u outside the frame of %u",
					      op, KTAP_INSN_A(insn) + 1,
					      KTAP_INSN_A(insn) + x, p->nregs);
		return 0;
	case KTAP_MODE_FOR:
		if (x + 3 >= p->nregs)
			return kp_verify_fail(v, "%s: loop registers R%u..R%u outside the frame of %u",
					      op, x, x + 3, p->nregs);
		return 0;
	case KTAP_MODE_KSC:
	case KTAP_MODE_KNUM:
	case KTAP_MODE_KDIV:
		return kp_verify_const(v, op, mode, x);
	case KTAP_MODE_BIT:
		if (x > 1)
			return kp_verify_fail(v, "%s: flag %c is %u, must be 0 or 1",
					      op, field, x);
		return 0;
	case KTAP_MODE_EVT:
		if (x >= KTAP_EVCTX__COUNT)
			return kp_verify_fail(v, "%s: unknown event item %u", op, x);
		return 0;
	default:	/* LIT, INT: every value is valid */
		return 0;
	}
}

/* CALLB: C within the built-in's arity (its registers are checked). */
static int kp_verify_arity(struct kp_vcheck *v, u32 insn)
{
	u32 b = KTAP_INSN_B(insn), c = KTAP_INSN_C(insn);

	if ((int)c < kp_bif_arity[b][0] ||
	    (kp_bif_arity[b][1] >= 0 && (int)c > kp_bif_arity[b][1]))
		return kp_verify_fail(v, "CALLB: built-in %u called with %u arguments",
				      b, c);
	return 0;
}

static int kp_verify_insn(struct kp_vcheck *v, u32 insn)
{
	u32 op = KTAP_INSN_OP(insn);
	const u8 *modes;
	int ret;

	if (op >= KTAP_OP__COUNT)
		return kp_verify_fail(v, "unknown opcode %u", op);
	modes = kp_op_modes[op];
	ret = kp_verify_operand(v, insn, modes[0], 'A', KTAP_INSN_A(insn));
	if (ret)
		return ret;
	if (KTAP_MODE_IS_BX(modes[1]))
		return kp_verify_operand(v, insn, modes[1], 'B',
					 KTAP_INSN_BX(insn));
	ret = kp_verify_operand(v, insn, modes[1], 'B', KTAP_INSN_B(insn));
	if (!ret)
		ret = kp_verify_operand(v, insn, modes[2], 'C',
					KTAP_INSN_C(insn));
	if (!ret && modes[1] == KTAP_MODE_BIF)
		ret = kp_verify_arity(v, insn);
	return ret;
}

/* A fused compare's JMP: the next instruction, with one more after it. */
static int kp_verify_fused(struct kp_vcheck *v, u32 insn)
{
	const struct kp_proto *p = v->proto;
	u32 op = KTAP_INSN_OP(insn);

	if (op < KTAP_OP_TEQ || op > KTAP_OP_TGEK)
		return 0;
	if (v->pc + 2 >= p->ncode ||
	    KTAP_INSN_OP(p->code[v->pc + 1]) != KTAP_OP_JMP)
		return kp_verify_fail(v, "%s: must be followed by a JMP and one more instruction",
				      kp_op_names[op]);
	return 0;
}

static int kp_verify_proto(struct kp_vcheck *v)
{
	const struct kp_proto *p = v->proto;
	u32 last;
	int ret;

	for (v->pc = 0; v->pc < p->ncode; v->pc++) {
		ret = kp_verify_insn(v, p->code[v->pc]);
		if (!ret)
			ret = kp_verify_fused(v, p->code[v->pc]);
		if (ret)
			return ret;
	}
	v->pc = p->ncode - 1;
	last = KTAP_INSN_OP(p->code[v->pc]);
	if (last != KTAP_OP_RET && last != KTAP_OP_RET1 && last != KTAP_OP_JMP)
		return kp_verify_fail(v, "%s: code may run past its end (last instruction must be RET, RET1 or JMP)",
				      kp_op_names[last]);
	return 0;
}

int kp_verify(const struct kp_chunk *chunk, char *err, size_t errlen)
{
	struct kp_vcheck v = { .chunk = chunk, .err = err, .errlen = errlen };
	int ret;

	for (v.fn = 0; v.fn < chunk->nprotos; v.fn++) {
		v.proto = &chunk->protos[v.fn];
		ret = kp_verify_proto(&v);
		if (ret)
			return ret;
	}
	return 0;
}
