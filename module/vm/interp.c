// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter: runs verified bytecode over register frames on the
 * value stack.  Dispatch is a computed goto through a table generated
 * from the opcode X-macro (a switch where the compiler lacks
 * labels-as-values).  Because the verifier proved every operand in
 * range, handlers index registers, constants, globals and prototypes
 * without checks; they only check what depends on runtime values (types,
 * division by zero, limits).
 *
 * A script call never recurses in C (the kernel stack is 16 KiB): CALL
 * saves the caller's proto, pc and frame in x->frames and switches the
 * dispatch loop's state to the callee; RET switches back.  So one budget
 * of instructions covers the whole invocation, calls included.
 */
#include "vm.h"
#include "str.h"
#include "format.h"
#include "builtins.h"
#include "table.h"
#include "sort.h"
#include "agg.h"
#include "arith.h"
#include "../uapi/ktap.h"

/* objtool must know the table's indirect jumps are intended. */
#ifndef __annotate_jump_table
#define __annotate_jump_table
#endif

static int kp_arith_error(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, const struct kp_value *b,
			  const struct kp_value *c)
{
	const struct kp_value *bad = b->type != KP_TNUM ? b : c;

	return kp_vm_error(x, p, pc, "attempt to perform arithmetic on a %s value",
			   kp_type_name(bad->type));
}

static bool kp_equal(const struct kp_value *b, const struct kp_value *c)
{
	if (b->type != c->type)
		return false;
	switch (b->type) {
	case KP_TNIL:
		return true;
	case KP_TBOOL:
		return b->b == c->b;
	case KP_TNUM:
		return b->n == c->n;
	case KP_TSTR:
	case KP_TSTACK:
		return b->s == c->s || (b->s->len == c->s->len &&
			!memcmp(b->s->data, c->s->data, b->s->len));
	case KP_TFUNC:
		return b->fn == c->fn;
	case KP_TTAB:
		return b->t == c->t;	/* identity, as LANGUAGE.md says */
	case KP_TAGG:
		return b->agg == c->agg;
	default:
		return false;
	}
}

/* Compare two numbers or two strings: <0, 0, >0; -2 when not comparable. */
static int kp_compare(const struct kp_value *b, const struct kp_value *c)
{
	u32 n;
	int r;

	if (b->type == KP_TNUM && c->type == KP_TNUM)
		return b->n < c->n ? -1 : b->n > c->n;
	if (b->type != KP_TSTR || c->type != KP_TSTR)
		return -2;
	n = b->s->len < c->s->len ? b->s->len : c->s->len;
	r = memcmp(b->s->data, c->s->data, n);
	if (r)
		return r < 0 ? -1 : 1;
	return b->s->len < c->s->len ? -1 : b->s->len > c->s->len;
}

static int kp_concat(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		     struct kp_value *a, const struct kp_value *b,
		     const struct kp_value *c)
{
	char nb[KP_FMT_NUM_MAX], nc[KP_FMT_NUM_MAX];
	const char *tb, *tc;
	u32 lb, lc;
	struct kp_str *s;

	if (b->type != KP_TSTR && b->type != KP_TNUM)
		return kp_vm_error(x, p, pc, "attempt to concatenate a %s value",
				   kp_type_name(b->type));
	if (c->type != KP_TSTR && c->type != KP_TNUM)
		return kp_vm_error(x, p, pc, "attempt to concatenate a %s value",
				   kp_type_name(c->type));
	tb = kp_str_text(b, nb, &lb);
	tc = kp_str_text(c, nc, &lc);
	if ((u64)lb + lc > x->vm->limits.max_string)
		return kp_vm_error(x, p, pc, "string longer than %u bytes (raise it with --max-string)",
				   x->vm->limits.max_string);
	s = kp_scratch_alloc(&x->scratch, sizeof(*s) + lb + lc + 1);
	if (!s)
		return kp_vm_no_memory(x, p, pc, NULL);
	memcpy(s->data, tb, lb);
	memcpy(s->data + lb, tc, lc);
	s->len = lb + lc;
	s->home = KP_STR_SCRATCH;
	*a = kp_strv(s);
	return 0;
}

/* The runtime error for a failed table operation (table.h's codes). */
static int kp_tab_error(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, int err, const struct kp_value *key)
{
	switch (err) {
	case KP_TAB_ENIL:
		return kp_vm_error(x, p, pc, "table index is nil");
	case KP_TAB_EKEY:
		return kp_vm_error(x, p, pc, "a %s value cannot be a table key",
				   kp_type_name(key->type));
	case KP_TAB_EVAL:
		return kp_vm_error(x, p, pc, "a sort in progress cannot be stored");
	case KP_TAB_EFULL:
		return kp_vm_error(x, p, pc, "table entries limit exceeded (%u); raise it with --max-entries",
				   x->vm->limits.max_entries);
	case KP_TAB_EAGG:
		return kp_vm_error(x, p, pc, "attempt to aggregate into a %s value (<<< needs an aggregation or nil)",
				   kp_type_name(key->type));
	case KP_TAB_EBUSY:
		return KP_EXEC_DROP;
	default:
		return kp_vm_no_memory(x, p, pc, NULL);
	}
}

static int kp_index_error(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, const struct kp_value *t)
{
	return kp_vm_error(x, p, pc, "attempt to index a %s value",
			   kp_type_name(t->type));
}

/* R[A] := t[key]; a missing key gives nil, or 0 for the counter idiom. */
static int kp_get_table(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, struct kp_value *a,
			const struct kp_value *t, const struct kp_value *key,
			bool zero)
{
	struct kp_value v;
	int err;

	if (t->type != KP_TTAB)
		return kp_index_error(x, p, pc, t);
	err = kp_tab_get(&x->vm->store, t->t, key, &v);
	if (err)
		return kp_tab_error(x, p, pc, err, key);
	*a = (zero && v.type == KP_TNIL) ? kp_num(0) : v;
	return 0;
}

static int kp_set_table(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, const struct kp_value *t,
			const struct kp_value *key, const struct kp_value *val)
{
	int err;

	if (t->type != KP_TTAB)
		return kp_index_error(x, p, pc, t);
	err = kp_tab_set(&x->vm->store, t->t, key, val, x->vm->limits.max_entries);
	return err ? kp_tab_error(x, p, pc, err, key) : 0;
}

/* G[i] := v: the global now holds v, and lets go of what it held. */
static int kp_set_global(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, u32 i, const struct kp_value *val)
{
	int err = kp_vm_set_global(x->vm, i, val);

	return err ? kp_tab_error(x, p, pc, err, val) : 0;
}

/* A new table; tables are numbered in creation order for print. */
static int kp_new_table(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, struct kp_value *a, u32 narr, u32 nrec)
{
	struct kp_tab *t = kp_tab_new(&x->vm->store, narr, nrec,
				      kp_atomic_inc_return(&x->vm->next_table_id));

	if (!t)
		return kp_tab_error(x, p, pc, KP_TAB_ENOMEM, a);
	*a = kp_tabv(t);
	return 0;
}

/* ADDT .. SHRT: t[key] op= v in one step; op is ADD .. SHR. */
static int kp_arith_table(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, const struct kp_value *t,
			  const struct kp_value *key, const struct kp_value *v,
			  u32 op)
{
	struct kp_value bad;
	int err;

	if (t->type != KP_TTAB)
		return kp_index_error(x, p, pc, t);
	err = kp_tab_arith(&x->vm->store, t->t, key, op, v,
			   x->vm->limits.max_entries, &bad, NULL);
	if (err == KP_TAB_EARITH)
		return kp_arith_error(x, p, pc, &bad, &bad);
	if (err == KP_TAB_EDIV0)
		return kp_vm_error(x, p, pc, "divide by zero");
	return err ? kp_tab_error(x, p, pc, err, key) : 0;
}

/* `<<<` takes numbers. */
static int kp_agg_value(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, const struct kp_value *v)
{
	if (v->type == KP_TNUM)
		return 0;
	return kp_vm_error(x, p, pc, "attempt to aggregate a %s value (<<< takes numbers)",
			   kp_type_name(v->type));
}

/* AGGT: t[key] <<< v, in one step under the table's lock. */
static int kp_agg_table(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, const struct kp_value *t,
			const struct kp_value *key, const struct kp_value *v)
{
	struct kp_value bad;
	int err;

	if (t->type != KP_TTAB)
		return kp_index_error(x, p, pc, t);
	err = kp_agg_value(x, p, pc, v);
	if (err)
		return err;
	err = kp_tab_agg(&x->vm->store, t->t, key, v->n,
			 x->vm->limits.max_entries, &bad);
	if (err == KP_TAB_EAGG)
		return kp_tab_error(x, p, pc, err, &bad);
	return err ? kp_tab_error(x, p, pc, err, key) : 0;
}

/* AGGG: G[i] <<< v. */
static int kp_agg_global(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, u32 i, const struct kp_value *v)
{
	struct kp_value bad;
	int err = kp_agg_value(x, p, pc, v);

	if (err)
		return err;
	err = kp_vm_agg_global(x->vm, i, v->n, &bad);
	if (err == KP_TAB_EAGG)
		return kp_tab_error(x, p, pc, err, &bad);
	return err ? kp_tab_error(x, p, pc, err, v) : 0;
}

/*
 * GETT0 a, t, k; ADD/ADDK/SUB/SUBK a, a, x; SETT t, k, a: what the
 * compiler emits for t[k] += x, -= x, ++ and --, run as one get-or-create
 * under one lock acquisition (kp_tab_add).  pc points at the ADD.
 * Returns 1 when the three are done, 0 when they are to run one by one
 * (another shape, or operands whose errors those report), or the error.
 */
static int kp_counter(struct kp_exec *x, const struct kp_proto *p,
		      const u32 *pc, u32 insn, struct kp_value *regs,
		      const struct kp_value *k)
{
	u32 a = KTAP_INSN_A(insn), b = KTAP_INSN_B(insn), c = KTAP_INSN_C(insn);
	u32 op, set;
	const struct kp_value *n;
	s64 sum;
	int err;

	/* the verifier proved the code does not end at GETT0 */
	if (pc + 1 >= p->code + p->ncode || a == b || a == c ||
	    regs[b].type != KP_TTAB)
		return 0;
	op = pc[0];
	set = pc[1];
	if (KTAP_INSN_OP(set) != KTAP_OP_SETT || KTAP_INSN_A(set) != b ||
	    KTAP_INSN_B(set) != c || KTAP_INSN_C(set) != a ||
	    KTAP_INSN_A(op) != a || KTAP_INSN_B(op) != a)
		return 0;
	switch (KTAP_INSN_OP(op)) {
	case KTAP_OP_ADD:
	case KTAP_OP_SUB:
		n = &regs[KTAP_INSN_C(op)];
		if (KTAP_INSN_C(op) == a || n->type != KP_TNUM)
			return 0;
		break;
	case KTAP_OP_ADDK:
	case KTAP_OP_SUBK:
		n = &k[KTAP_INSN_C(op)];	/* an integer, as verified */
		break;
	default:
		return 0;
	}
	/* a - n is a + -n in wrapping arithmetic */
	err = kp_tab_add(&x->vm->store, regs[b].t, &regs[c],
			 KTAP_INSN_OP(op) == KTAP_OP_ADD ||
			 KTAP_INSN_OP(op) == KTAP_OP_ADDK ? n->n :
			 kp_arith_neg(n->n), x->vm->limits.max_entries, &sum);
	if (err == 1 || err == KP_TAB_ENIL || err == KP_TAB_EKEY)
		return 0;	/* GETT0 or ADD says what is wrong */
	if (err)
		return kp_tab_error(x, p, pc + 2, err, &regs[c]);
	regs[a] = kp_num(sum);
	return 1;
}

/* TFORLOOP: 1 after loading the next entry into f[2], f[3]; 0 at the end. */
static int kp_tab_step(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, struct kp_value *f)
{
	u32 pos;
	int ret;

	if (f[0].type != KP_TTAB)
		return kp_vm_error(x, p, pc, "pairs: expects a table, got %s",
				   kp_type_name(f[0].type));
	if (f[1].type != KP_TNUM || f[1].n < 0 || f[1].n > U32_MAX)
		return kp_vm_error(x, p, pc, "TFORLOOP: bad position");
	pos = (u32)f[1].n;
	ret = kp_tab_next(&x->vm->store, f[0].t, &pos, &f[2], &f[3]);
	if (ret <= 0)
		return ret ? KP_EXEC_DROP : 0;
	f[1] = kp_num(pos);
	return 1;
}

/*
 * A callee's frame starts with the n arguments; its other registers,
 * and parameters beyond the arguments, start as nil.  Arguments beyond
 * the parameters are dropped (made nil) rather than left for the callee
 * to find in its temporaries.
 */
static void kp_frame_init(struct kp_value *base, u32 nargs,
			  const struct kp_proto *callee)
{
	u32 i = nargs < callee->nparams ? nargs : callee->nparams;

	for (; i < callee->nregs; i++)
		base[i] = kp_nil();
}

/*
 * FORPREP: f[0..2] hold first, last and step.  Returns 1 when the loop
 * runs no iteration, 0 after setting it up, or the error.  The number of
 * iterations left is computed now, in u64, as Lua 5.4 does: stepping
 * until the index passes `last` would wrap around near the ends of the
 * number range and never stop.
 */
static int kp_for_prep(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, struct kp_value *f)
{
	static const char *const what[3] = { "initial value", "limit", "step" };
	s64 first, last, step;
	u64 count;
	int i;

	for (i = 0; i < 3; i++)
		if (f[i].type != KP_TNUM)
			return kp_vm_error(x, p, pc, "'for' %s must be a number, not a %s",
					   what[i], kp_type_name(f[i].type));
	first = f[0].n;
	last = f[1].n;
	step = f[2].n;
	if (step == 0)
		return kp_vm_error(x, p, pc, "'for' step is zero");
	if (step > 0 ? first > last : first < last)
		return 1;
	if (step > 0)
		count = ((u64)last - (u64)first) / (u64)step;
	else	/* -step as u64 without overflowing at S64_MIN */
		count = ((u64)first - (u64)last) / ((u64)-(step + 1) + 1);
	f[1] = kp_num((s64)count);
	f[3] = f[0];
	return 0;
}

#define RA	(regs[KTAP_INSN_A(insn)])
#define RB	(regs[KTAP_INSN_B(insn)])
#define RC	(regs[KTAP_INSN_C(insn)])

/* Binary integer operator; both operands must be numbers. */
#define KP_ARITH(expr)							\
	do {								\
		const struct kp_value *b = &RB, *c = &RC;		\
		if (unlikely(b->type != KP_TNUM || c->type != KP_TNUM)) { \
			ret = kp_arith_error(x, p, pc, b, c);		\
			goto out;					\
		}							\
		RA = kp_num(expr);					\
	} while (0)

#define KP_DIVISION(fn)							\
	do {								\
		if (RB.type == KP_TNUM && RC.type == KP_TNUM && RC.n == 0) { \
			ret = kp_vm_error(x, p, pc, "divide by zero");	\
			goto out;					\
		}							\
		KP_ARITH(fn(b->n, c->n));				\
	} while (0)

#define KP_ARITH_TABLE(op)						\
	do {								\
		ret = kp_arith_table(x, p, pc, &RA, &RB, &RC, KTAP_OP_##op); \
		if (ret)						\
			goto out;					\
	} while (0)

#define KP_ORDER(test)							\
	do {								\
		int r = kp_compare(&RB, &RC);				\
		if (unlikely(r == -2)) {				\
			ret = kp_vm_error(x, p, pc, "attempt to compare %s with %s", \
					  kp_type_name(RB.type),	\
					  kp_type_name(RC.type));	\
			goto out;					\
		}							\
		RA = kp_bool(test);					\
	} while (0)

/*
 * Constant-operand arithmetic: the verifier proved K[C] an integer (and
 * not 0 for DIVK and MODK), so only R[B] is checked.
 */
#define KP_ARITHK(fn)							\
	do {								\
		const struct kp_value *b = &RB;				\
		if (unlikely(b->type != KP_TNUM)) {			\
			ret = kp_arith_error(x, p, pc, b, b);		\
			goto out;					\
		}							\
		RA = kp_num(fn(b->n, k[KTAP_INSN_C(insn)].n));		\
	} while (0)

/*
 * The end of a fused compare: the verifier proved *pc a JMP with an
 * instruction after it.  Taken when the outcome equals the flag C.
 */
#define KP_BRANCH(outcome)						\
	do {								\
		if ((outcome) == (bool)KTAP_INSN_C(insn))		\
			pc += KTAP_INSN_SBX(*pc) + 1;			\
		else							\
			pc++;						\
	} while (0)

/* A fused order test x OP y; numbers take the fast path. */
#define KP_TORDER(lhs, rhs, OP)						\
	do {								\
		const struct kp_value *l = (lhs), *r = (rhs);		\
		bool t;							\
		if (likely(l->type == KP_TNUM && r->type == KP_TNUM)) {	\
			t = l->n OP r->n;				\
		} else {						\
			int c = kp_compare(l, r);			\
			if (unlikely(c == -2)) {			\
				ret = kp_vm_error(x, p, pc, "attempt to compare %s with %s", \
						  kp_type_name(l->type), \
						  kp_type_name(r->type)); \
				goto out;				\
			}						\
			t = c OP 0;					\
		}							\
		KP_BRANCH(t);						\
	} while (0)

/* A fused equality test; numbers take the fast path. */
#define KP_TEQUAL(lhs, rhs)						\
	do {								\
		const struct kp_value *l = (lhs), *r = (rhs);		\
		KP_BRANCH(l->type == KP_TNUM && r->type == KP_TNUM ?	\
			  l->n == r->n : kp_equal(l, r));		\
	} while (0)

/*
 * The instruction budget is spent in slices of at most
 * KP_YIELD_INTERVAL: counting one down is the only cost per
 * instruction, and the end of a slice (kp_refill) is where the host may
 * reschedule or stop us and where the limit is enforced.  `left` counts
 * what the slices still to come hold.
 *
 * Dispatch: a computed goto through a table generated from the opcode
 * X-macro, each handler ending in its own indirect jump; or, built with
 * -DKP_INTERP_SWITCH (compilers without labels as values, and a check
 * that the handlers do not depend on it: tests/tools/ktap-uvm-switch), a
 * switch whose cases, generated from the same X-macro, jump to the
 * handlers' labels.
 */
#ifdef KP_INTERP_SWITCH
#define KP_DISPATCH()	do { goto dispatch; } while (0)
#else
#define KP_DISPATCH()	do { goto *kp_dispatch[KTAP_INSN_OP(insn)]; } while (0)
#endif

#define KP_NEXT()							\
	do {								\
		if (unlikely(--slice == 0))				\
			goto refill;					\
		insn = *pc++;						\
		KP_DISPATCH();						\
	} while (0)

/*
 * Run proto (which takes no arguments) on a frame at the bottom of the
 * value stack.  pc always points at the instruction after the one being
 * executed, which is what jumps are relative to and what kp_vm_error()
 * uses to find the source line.  p, k, pc and regs describe the function
 * running now; depth counts the calls below it in x->frames.
 */
int kp_interp(struct kp_exec *x, const struct kp_proto *p)
{
#ifndef KP_INTERP_SWITCH
	/* Indexed by opcode: the include file lists them in that order. */
	static const void *const kp_dispatch[KTAP_OP__COUNT] __annotate_jump_table = {
#define KTAP_OP(name, a, b, c) (&&op_##name),
#include "../uapi/ktap_opcodes.h"
	};
#endif
	struct kp_value *regs = x->stack;
	struct kp_value *k = p->consts;
	const u32 *pc = p->code;
	/* max_insns instructions run; fetching one more is the error */
	u64 left = x->vm->limits.max_insns + 1;
	u32 slice = left < KP_YIELD_INTERVAL ? (u32)left : KP_YIELD_INTERVAL;
	int (*yield)(void *ctx) = x->probe ? NULL : x->vm->host.yield;
	struct kp_value result, *loop;
	struct kp_frame *frame;
	u32 depth = 0;
	u32 insn;
	int ret = 0;

	left -= slice;
	kp_frame_init(regs, 0, p);
	KP_NEXT();
#ifdef KP_INTERP_SWITCH
dispatch:
	switch (KTAP_INSN_OP(insn)) {
	/* case labels may sit in a nested statement: one per opcode */
#define KTAP_OP(name, a, b, c) do { case KTAP_OP_##name: goto op_##name; } while (0);
#include "../uapi/ktap_opcodes.h"
	default:	/* the verifier lets no other opcode through */
		ret = kp_vm_error(x, p, pc, "unknown opcode %u",
				  KTAP_INSN_OP(insn));
		goto out;
	}
#endif
op_MOV:
	RA = RB;
	KP_NEXT();
op_LOADK:
	RA = k[KTAP_INSN_BX(insn)];
	KP_NEXT();
op_LOADI:
	RA = kp_num(KTAP_INSN_SBX(insn));
	KP_NEXT();
op_LOADNIL:
	RA = kp_nil();
	KP_NEXT();
op_LOADB:
	RA = kp_bool(KTAP_INSN_B(insn) != 0);
	KP_NEXT();
op_GETG:
	RA = kp_vm_get_global(x->vm, KTAP_INSN_BX(insn));
	KP_NEXT();
op_SETG:
	/*
	 * Alone (no probe may run yet), what owns nothing is just copied;
	 * else under the globals' lock: another CPU may write it too.
	 */
	if (likely(!x->vm->store.shared && RA.type < KP_TSTR)) {
		struct kp_global *g = &x->vm->globals[KTAP_INSN_BX(insn)];

		memcpy(&result, g, sizeof(result));
		if (likely(result.type < KP_TSTR)) {
			memcpy(g, &RA, sizeof(*g));
			KP_NEXT();
		}
	}
	ret = kp_set_global(x, p, pc, KTAP_INSN_BX(insn), &RA);
	if (ret)
		goto out;
	KP_NEXT();
op_ADD:
	KP_ARITH(kp_arith_add(b->n, c->n));
	KP_NEXT();
op_SUB:
	KP_ARITH(kp_arith_sub(b->n, c->n));
	KP_NEXT();
op_MUL:
	KP_ARITH(kp_arith_mul(b->n, c->n));
	KP_NEXT();
op_DIV:
	KP_DIVISION(kp_arith_div);
	KP_NEXT();
op_MOD:
	KP_DIVISION(kp_arith_mod);
	KP_NEXT();
op_BAND:
	KP_ARITH(b->n & c->n);
	KP_NEXT();
op_BOR:
	KP_ARITH(b->n | c->n);
	KP_NEXT();
op_BXOR:
	KP_ARITH(b->n ^ c->n);
	KP_NEXT();
op_SHL:
	KP_ARITH(kp_arith_shl(b->n, c->n));
	KP_NEXT();
op_SHR:
	KP_ARITH(kp_arith_shr(b->n, c->n));
	KP_NEXT();
op_CONCAT:
	ret = kp_concat(x, p, pc, &RA, &RB, &RC);
	if (ret)
		goto out;
	KP_NEXT();
op_EQ:
	RA = kp_bool(kp_equal(&RB, &RC));
	KP_NEXT();
op_NE:
	RA = kp_bool(!kp_equal(&RB, &RC));
	KP_NEXT();
op_LT:
	KP_ORDER(r < 0);
	KP_NEXT();
op_LE:
	KP_ORDER(r <= 0);
	KP_NEXT();
op_NEG:
	if (unlikely(RB.type != KP_TNUM)) {
		ret = kp_arith_error(x, p, pc, &RB, &RB);
		goto out;
	}
	RA = kp_num(kp_arith_neg(RB.n));
	KP_NEXT();
op_BNOT:
	if (unlikely(RB.type != KP_TNUM)) {
		ret = kp_arith_error(x, p, pc, &RB, &RB);
		goto out;
	}
	RA = kp_num(~RB.n);
	KP_NEXT();
op_NOT:
	RA = kp_bool(!kp_truthy(&RB));
	KP_NEXT();
op_JMP:
	pc += KTAP_INSN_SBX(insn);
	KP_NEXT();
op_JMPF:
	if (!kp_truthy(&RA))
		pc += KTAP_INSN_SBX(insn);
	KP_NEXT();
op_JMPT:
	if (kp_truthy(&RA))
		pc += KTAP_INSN_SBX(insn);
	KP_NEXT();
op_CALLB:
	ret = kp_builtin_call(x, p, pc, KTAP_INSN_B(insn), &RA,
			      &regs[KTAP_INSN_A(insn) + 1], KTAP_INSN_C(insn));
	if (ret)
		goto out;
	KP_NEXT();
op_RET:
	result = kp_nil();
	goto leave;
op_FUNC:
	RA = kp_funcv(&x->vm->chunk.protos[KTAP_INSN_BX(insn)]);
	KP_NEXT();
op_CALL:
	if (unlikely(RA.type != KP_TFUNC)) {
		ret = kp_vm_error(x, p, pc, "attempt to call a %s value",
				  kp_type_name(RA.type));
		goto out;
	}
	/* The second test cannot fail (see kp_vm_alloc_stack()); cheap insurance. */
	if (unlikely(depth == x->vm->limits.max_depth ||
		     &RA + 1 + RA.fn->nregs > x->stack_end))
		goto stack_overflow;
	frame = &x->frames[depth++];
	frame->proto = p;
	frame->pc = pc;
	frame->regs = regs;
	p = RA.fn;
	regs = &RA + 1;
	kp_frame_init(regs, KTAP_INSN_B(insn), p);
	k = p->consts;
	pc = p->code;
	KP_NEXT();
op_RET1:
	result = RA;
	goto leave;
op_FORPREP:
	ret = kp_for_prep(x, p, pc, &RA);
	if (ret < 0)
		goto out;
	if (ret)
		pc += KTAP_INSN_SBX(insn);
	ret = 0;
	KP_NEXT();
op_FORLOOP:
	/*
	 * FORPREP left numbers here, unless crafted bytecode skipped it:
	 * then stop rather than read a pointer as a number.
	 */
	loop = &RA;
	if (unlikely(loop[0].type != KP_TNUM || loop[1].type != KP_TNUM ||
		     loop[2].type != KP_TNUM)) {
		ret = kp_vm_error(x, p, pc, "FORLOOP without FORPREP");
		goto out;
	}
	if (loop[1].n) {
		loop[1].n = (s64)((u64)loop[1].n - 1);
		loop[0].n = kp_arith_add(loop[0].n, loop[2].n);
		loop[3] = loop[0];
		pc += KTAP_INSN_SBX(insn);
	}
	KP_NEXT();
op_NEWTAB:
	ret = kp_new_table(x, p, pc, &RA, KTAP_INSN_B(insn), KTAP_INSN_C(insn));
	if (ret)
		goto out;
	KP_NEXT();
op_GETT:
	if (likely(RB.type == KP_TTAB) && kp_tab_get_fast(&x->vm->store, RB.t, &RC, &RA))
		KP_NEXT();
	ret = kp_get_table(x, p, pc, &RA, &RB, &RC, false);
	if (ret)
		goto out;
	KP_NEXT();
op_GETT0:
	/* the counter idiom counts as its three instructions */
	if (likely(slice > 2)) {
		ret = kp_counter(x, p, pc, insn, regs, k);
		if (ret < 0)
			goto out;
		if (ret) {
			ret = 0;
			pc += 2;
			slice -= 2;
			KP_NEXT();
		}
	}
	if (likely(RB.type == KP_TTAB) && kp_tab_get_fast(&x->vm->store, RB.t, &RC, &RA)) {
		if (RA.type == KP_TNIL)
			RA = kp_num(0);
		KP_NEXT();
	}
	ret = kp_get_table(x, p, pc, &RA, &RB, &RC, true);
	if (ret)
		goto out;
	KP_NEXT();
op_SETT:
	if (likely(RA.type == KP_TTAB) &&
	    kp_tab_set_fast(&x->vm->store, RA.t, &RB, &RC,
			    x->vm->limits.max_entries))
		KP_NEXT();
	ret = kp_set_table(x, p, pc, &RA, &RB, &RC);
	if (ret)
		goto out;
	KP_NEXT();
op_TFORLOOP:
	ret = kp_tab_step(x, p, pc, &RA);
	if (ret < 0)
		goto out;
	if (ret)
		pc += KTAP_INSN_SBX(insn);
	ret = 0;
	KP_NEXT();
op_SORTSTEP:
	ret = kp_sort_step(x, p, pc, &RA);
	if (ret < 0)
		goto out;
	if (ret)
		pc += KTAP_INSN_SBX(insn);
	ret = 0;
	KP_NEXT();
op_AGGT:
	ret = kp_agg_table(x, p, pc, &RA, &RB, &RC);
	if (ret)
		goto out;
	KP_NEXT();
op_AGGG:
	ret = kp_agg_global(x, p, pc, KTAP_INSN_BX(insn), &RA);
	if (ret)
		goto out;
	KP_NEXT();
op_ADDK:
	KP_ARITHK(kp_arith_add);
	KP_NEXT();
op_SUBK:
	KP_ARITHK(kp_arith_sub);
	KP_NEXT();
op_MULK:
	KP_ARITHK(kp_arith_mul);
	KP_NEXT();
op_DIVK:
	KP_ARITHK(kp_arith_div);
	KP_NEXT();
op_MODK:
	KP_ARITHK(kp_arith_mod);
	KP_NEXT();
op_TEQ:
	KP_TEQUAL(&RA, &RB);
	KP_NEXT();
op_TLT:
	KP_TORDER(&RA, &RB, <);
	KP_NEXT();
op_TLE:
	KP_TORDER(&RA, &RB, <=);
	KP_NEXT();
op_TEQK:
	KP_TEQUAL(&RA, &k[KTAP_INSN_B(insn)]);
	KP_NEXT();
op_TLTK:
	KP_TORDER(&RA, &k[KTAP_INSN_B(insn)], <);
	KP_NEXT();
op_TLEK:
	KP_TORDER(&RA, &k[KTAP_INSN_B(insn)], <=);
	KP_NEXT();
op_TGTK:
	/* R > K as K < R: an error names the types as a > b always has */
	KP_TORDER(&k[KTAP_INSN_B(insn)], &RA, <);
	KP_NEXT();
op_TGEK:
	KP_TORDER(&k[KTAP_INSN_B(insn)], &RA, <=);
	KP_NEXT();
op_ADDT:
	KP_ARITH_TABLE(ADD);
	KP_NEXT();
op_SUBT:
	KP_ARITH_TABLE(SUB);
	KP_NEXT();
op_MULT:
	KP_ARITH_TABLE(MUL);
	KP_NEXT();
op_DIVT:
	KP_ARITH_TABLE(DIV);
	KP_NEXT();
op_MODT:
	KP_ARITH_TABLE(MOD);
	KP_NEXT();
op_BANDT:
	KP_ARITH_TABLE(BAND);
	KP_NEXT();
op_BORT:
	KP_ARITH_TABLE(BOR);
	KP_NEXT();
op_BXORT:
	KP_ARITH_TABLE(BXOR);
	KP_NEXT();
op_SHLT:
	KP_ARITH_TABLE(SHL);
	KP_NEXT();
op_SHRT:
	KP_ARITH_TABLE(SHR);
	KP_NEXT();
refill:
	/* The slice is spent: the limit, the host's turn, the next slice. */
	if (!left)
		goto insn_limit;
	if (yield) {	/* NULL in probe context */
		ret = yield(x->vm->host.ctx);
		if (ret)
			goto out;
	}
	slice = left < KP_YIELD_INTERVAL ? (u32)left : KP_YIELD_INTERVAL;
	left -= slice;
	insn = *pc++;
	KP_DISPATCH();
op_EVGET:
	RA = kp_nil();
	if (x->vm->host.event_get)
		x->vm->host.event_get(x, KTAP_INSN_B(insn), KTAP_INSN_C(insn),
				      &RA);
	KP_NEXT();
leave:
	/* A return: to the caller's frame, or out of the invocation. */
	if (!depth)
		goto out;
	frame = &x->frames[--depth];
	regs[-1] = result;	/* the caller's CALL register */
	p = frame->proto;
	pc = frame->pc;
	regs = frame->regs;
	k = p->consts;
	KP_NEXT();
stack_overflow:
	ret = kp_vm_error(x, p, pc, "stack overflow (more than %u nested calls); raise the limit with --max-depth",
			  x->vm->limits.max_depth);
	goto out;
insn_limit:
	ret = kp_vm_error(x, p, pc, "instruction limit exceeded (%llu); raise it with --max-insns",
			  (unsigned long long)x->vm->limits.max_insns);
out:
	if (unlikely(ret == KP_EXEC_RETRY)) {	/* the pool grew: again */
		ret = 0;
		pc--;
		KP_NEXT();
	}
	return ret;
}
