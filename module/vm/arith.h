/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integer arithmetic of the ktap language, in one place for the two
 * sides that compute it: the interpreter, and the compiler's constant
 * folder (src/codegen.c), so a literal expression means exactly what the
 * same expression computes at run time.
 *
 * Numbers are 64-bit two's complement and every operation wraps.  The
 * wrapping ones go through u64 because signed overflow is undefined in C.
 */
#ifndef KP_ARITH_H
#define KP_ARITH_H

#include "port.h"
#include "../uapi/ktap.h"

static inline s64 kp_arith_add(s64 a, s64 b)
{
	return (s64)((u64)a + (u64)b);
}

static inline s64 kp_arith_sub(s64 a, s64 b)
{
	return (s64)((u64)a - (u64)b);
}

static inline s64 kp_arith_mul(s64 a, s64 b)
{
	return (s64)((u64)a * (u64)b);
}

static inline s64 kp_arith_neg(s64 a)
{
	return (s64)(0 - (u64)a);
}

/*
 * Division and modulo truncate toward zero like C; b must not be 0 (the
 * caller reports that).  S64_MIN / -1 would trap on x86, so it wraps to
 * S64_MIN, and its remainder is 0.
 */
static inline s64 kp_arith_div(s64 a, s64 b)
{
	return b == -1 ? kp_arith_neg(a) : a / b;
}

static inline s64 kp_arith_mod(s64 a, s64 b)
{
	return b == -1 ? 0 : a % b;
}

/*
 * Shifts follow Lua: logical, a count of 64 or more gives 0, and a
 * negative count shifts the other way.
 */
static inline s64 kp_arith_shl(s64 a, s64 n)
{
	if (n <= -64 || n >= 64)
		return 0;
	if (n >= 0)
		return (s64)((u64)a << n);
	return (s64)((u64)a >> -n);
}

static inline s64 kp_arith_shr(s64 a, s64 n)
{
	return kp_arith_shl(a, n == S64_MIN ? 64 : -n);
}

/*
 * The binary operator of opcode op (ADD .. SHR) on a and b; for DIV and
 * MOD b must not be 0.
 */
static inline s64 kp_arith_binop(u32 op, s64 a, s64 b)
{
	switch (op) {
	case KTAP_OP_ADD:
		return kp_arith_add(a, b);
	case KTAP_OP_SUB:
		return kp_arith_sub(a, b);
	case KTAP_OP_MUL:
		return kp_arith_mul(a, b);
	case KTAP_OP_DIV:
		return kp_arith_div(a, b);
	case KTAP_OP_MOD:
		return kp_arith_mod(a, b);
	case KTAP_OP_BAND:
		return a & b;
	case KTAP_OP_BOR:
		return a | b;
	case KTAP_OP_BXOR:
		return a ^ b;
	case KTAP_OP_SHL:
		return kp_arith_shl(a, b);
	default:
		return kp_arith_shr(a, b);
	}
}

#endif /* KP_ARITH_H */
