/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The opcode table of the ktap bytecode, part of the ABI in ktap.h.
 *
 * One line per opcode: KTAP_OP(name, mode of A, mode of B or Bx, mode
 * of C) and what it does.  A Bx mode (KST, GBL, JMP, INT, PRO) in the B
 * column means the ABx layout, and C is then NONE.  Opcode numbers are line
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
KTAP_OP(RET,     NONE, NONE, NONE)	/* return nil (top level: end) */
/*
 * ABI 1.1: functions and numeric for loops.
 * CALL runs R[A] on a new frame whose registers 0..B-1 are the caller's
 * R[A+1..A+B]: parameters without an argument are nil, arguments beyond
 * the parameters are dropped.  The callee's RET1 (RET: nil) puts its
 * value into the caller's R[A].
 * A numeric for keeps R[A] index, R[A+1] iterations left, R[A+2] step,
 * R[A+3] the loop variable.  FORPREP takes R[A..A+2] as first, last,
 * step: all numbers, step not 0, else a runtime error.
 */
KTAP_OP(FUNC,    REG,  PRO,  NONE)	/* R[A] := the function of proto Bx */
KTAP_OP(CALL,    REG,  ARG,  NONE)	/* R[A] := R[A](R[A+1..A+B]) */
KTAP_OP(RET1,    REG,  NONE, NONE)	/* return R[A] (top level: end) */
KTAP_OP(FORPREP, FOR,  JMP,  NONE)	/* set up; if no iteration: pc += sBx */
KTAP_OP(FORLOOP, FOR,  JMP,  NONE)	/* if iterations left: step, pc += sBx */
/*
 * ABI 1.2: tables.  A nil or unusable key is a runtime error; GETT of a
 * missing key gives nil, GETT0 gives 0 (the counter idiom t[k] += n).
 * TFORLOOP walks the table R[A] from the position R[A+1] (a number, 0
 * to start): at the next entry it sets R[A+1] past it, R[A+2] := key,
 * R[A+3] := value and jumps; at the end it falls through.
 * SORTSTEP advances the sort that sort_pairs(t, cmp) left in R[A]: when
 * it needs cmp(x, y) it sets R[A+1..A+3] := cmp, x, y and falls through
 * to a CALL A+1 2 and a JMP back, and reads the answer from R[A+1] when
 * it runs again; when sorted, R[A] := the table of keys in order, and
 * pc += sBx.  The interpreter so runs every cmp call as an ordinary
 * script call: no C recursion.
 */
KTAP_OP(NEWTAB,  REG,  LIT,  LIT)	/* R[A] := {} sized for B array, C hash keys */
KTAP_OP(GETT,    REG,  REG,  REG)	/* R[A] := R[B][R[C]] */
KTAP_OP(GETT0,   REG,  REG,  REG)	/* R[A] := R[B][R[C]], 0 when missing */
KTAP_OP(SETT,    REG,  REG,  REG)	/* R[A][R[B]] := R[C] */
KTAP_OP(TFORLOOP, FOR, JMP,  NONE)	/* next entry of R[A]: pc += sBx */
KTAP_OP(SORTSTEP, FOR, JMP,  NONE)	/* sort R[A] on; when done: pc += sBx */
/*
 * ABI 1.3: aggregations.  `<<<` folds the number R[C] (AGGT) or R[A]
 * (AGGG) into the aggregation held by the table element or global,
 * making one there when it holds nil.  A value that is not a number,
 * or a target holding something other than an aggregation, is a
 * runtime error.
 */
KTAP_OP(AGGT,    REG,  REG,  REG)	/* R[A][R[B]] <<< R[C] */
KTAP_OP(AGGG,    REG,  GBL,  NONE)	/* G[Bx] <<< R[A] */
/*
 * ABI 1.6: constant operands and fused compare-and-jump, for speed.
 * K[C] of ADDK..MODK is an integer constant (DIVK, MODK: not 0), as
 * the verifier proves; a constant of index 256 or more needs LOADK and
 * the register form.
 * A fused compare is always followed by a JMP (the verifier proves it,
 * and that the instruction after that JMP exists): when the comparison
 * gives C (0 or 1) the JMP is taken, else it is skipped.  The pair runs
 * as one instruction.  Comparing what cannot be ordered is the runtime
 * error LT and LE give.
 */
KTAP_OP(ADDK,    REG,  REG,  KNUM)	/* R[A] := R[B] + K[C] */
KTAP_OP(SUBK,    REG,  REG,  KNUM)	/* R[A] := R[B] - K[C] */
KTAP_OP(MULK,    REG,  REG,  KNUM)	/* R[A] := R[B] * K[C] */
KTAP_OP(DIVK,    REG,  REG,  KDIV)	/* R[A] := R[B] / K[C] */
KTAP_OP(MODK,    REG,  REG,  KDIV)	/* R[A] := R[B] % K[C] */
KTAP_OP(TEQ,     REG,  REG,  BIT)	/* if (R[A] == R[B]) == C then JMP */
KTAP_OP(TLT,     REG,  REG,  BIT)	/* if (R[A] < R[B]) == C then JMP */
KTAP_OP(TLE,     REG,  REG,  BIT)	/* if (R[A] <= R[B]) == C then JMP */
KTAP_OP(TEQK,    REG,  KSC,  BIT)	/* if (R[A] == K[B]) == C then JMP */
KTAP_OP(TLTK,    REG,  KSC,  BIT)	/* if (R[A] < K[B]) == C then JMP */
KTAP_OP(TLEK,    REG,  KSC,  BIT)	/* if (R[A] <= K[B]) == C then JMP */
KTAP_OP(TGTK,    REG,  KSC,  BIT)	/* if (R[A] > K[B]) == C then JMP */
KTAP_OP(TGEK,    REG,  KSC,  BIT)	/* if (R[A] >= K[B]) == C then JMP */
/*
 * ABI 1.7: t[k] op= v as one step under the table's lock, so updates
 * from several CPUs at once are never lost.  A missing element counts
 * as 0 (the counter idiom); an element or R[C] that is not a number, or
 * a zero divisor, is a runtime error and leaves the element as it was.
 */
KTAP_OP(ADDT,    REG,  REG,  REG)	/* R[A][R[B]] += R[C] */
KTAP_OP(SUBT,    REG,  REG,  REG)	/* R[A][R[B]] -= R[C] */
KTAP_OP(MULT,    REG,  REG,  REG)	/* R[A][R[B]] *= R[C] */
KTAP_OP(DIVT,    REG,  REG,  REG)	/* R[A][R[B]] /= R[C] */
KTAP_OP(MODT,    REG,  REG,  REG)	/* R[A][R[B]] %= R[C] */
KTAP_OP(BANDT,   REG,  REG,  REG)	/* R[A][R[B]] &= R[C] */
KTAP_OP(BORT,    REG,  REG,  REG)	/* R[A][R[B]] |= R[C] */
KTAP_OP(BXORT,   REG,  REG,  REG)	/* R[A][R[B]] ^= R[C] */
KTAP_OP(SHLT,    REG,  REG,  REG)	/* R[A][R[B]] <<= R[C] */
KTAP_OP(SHRT,    REG,  REG,  REG)	/* R[A][R[B]] >>= R[C] */
/*
 * ABI 1.8: events.  EVGET reads an item of the event being handled
 * (enum ktap_evctx in ktap.h); outside an event, items that need one
 * give nil.
 */
KTAP_OP(EVGET,   REG,  EVT,  LIT)	/* R[A] := event item B (index C) */

#undef KTAP_OP
