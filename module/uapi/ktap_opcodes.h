/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The opcode table of the ktap bytecode, part of the ABI in ktap.h.
 *
 * One line per opcode: KTAP_OP(name, mode of A, mode of B or Bx, mode
 * of C) and what it does.  A Bx mode (KST, GBL, JMP, INT) in the B column
 * means the ABx layout, and C is then NONE.  Opcode numbers are line
 * positions: append new opcodes and bump KTAP_ABI_MINOR.
 *
 * This is an X-macro include file: define KTAP_OP, include it; it
 * undefines KTAP_OP at the end.  It deliberately has no include guard.
 */
KTAP_OP(MOV,     REG,  REG,  NONE)	/* R[A] := R[B] */
KTAP_OP(LOADK,   REG,  KST,  NONE)	/* R[A] := K[Bx] */
KTAP_OP(LOADI,   REG,  INT,  NONE)	/* R[A] := sBx */
KTAP_OP(LOADNIL, REG,  NONE, NONE)	/* R[A] := nil */
KTAP_OP(LOADB,   REG,  LIT,  NONE)	/* R[A] := (B != 0) */
KTAP_OP(GETG,    REG,  GBL,  NONE)	/* R[A] := G[Bx] */
KTAP_OP(SETG,    REG,  GBL,  NONE)	/* G[Bx] := R[A] */
KTAP_OP(ADD,     REG,  REG,  REG)	/* R[A] := R[B] + R[C] */
KTAP_OP(SUB,     REG,  REG,  REG)	/* R[A] := R[B] - R[C] */
KTAP_OP(MUL,     REG,  REG,  REG)	/* R[A] := R[B] * R[C] */
KTAP_OP(DIV,     REG,  REG,  REG)	/* R[A] := R[B] / R[C] */
KTAP_OP(MOD,     REG,  REG,  REG)	/* R[A] := R[B] % R[C] */
KTAP_OP(BAND,    REG,  REG,  REG)	/* R[A] := R[B] & R[C] */
KTAP_OP(BOR,     REG,  REG,  REG)	/* R[A] := R[B] | R[C] */
KTAP_OP(BXOR,    REG,  REG,  REG)	/* R[A] := R[B] ^ R[C] */
KTAP_OP(SHL,     REG,  REG,  REG)	/* R[A] := R[B] << R[C] */
KTAP_OP(SHR,     REG,  REG,  REG)	/* R[A] := R[B] >> R[C] */
KTAP_OP(CONCAT,  REG,  REG,  REG)	/* R[A] := R[B] .. R[C] */
KTAP_OP(EQ,      REG,  REG,  REG)	/* R[A] := R[B] == R[C] */
KTAP_OP(NE,      REG,  REG,  REG)	/* R[A] := R[B] != R[C] */
KTAP_OP(LT,      REG,  REG,  REG)	/* R[A] := R[B] < R[C] */
KTAP_OP(LE,      REG,  REG,  REG)	/* R[A] := R[B] <= R[C] */
KTAP_OP(NEG,     REG,  REG,  NONE)	/* R[A] := -R[B] */
KTAP_OP(BNOT,    REG,  REG,  NONE)	/* R[A] := ~R[B] */
KTAP_OP(NOT,     REG,  REG,  NONE)	/* R[A] := !R[B] */
KTAP_OP(JMP,     NONE, JMP,  NONE)	/* pc += sBx */
KTAP_OP(JMPF,    REG,  JMP,  NONE)	/* if !R[A] then pc += sBx */
KTAP_OP(JMPT,    REG,  JMP,  NONE)	/* if R[A] then pc += sBx */
KTAP_OP(CALLB,   REG,  BIF,  ARG)	/* R[A] := bif[B](R[A+1..A+C]) */
KTAP_OP(RET,     NONE, NONE, NONE)	/* end this invocation */

#undef KTAP_OP
