/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of the ktap VM and the loaded chunk they come from.
 *
 * A value is a 16-byte tagged union.  Numbers are 64-bit signed integers
 * (the kernel has no floating point).  Strings are immutable, live in the
 * session heap and carry their length, so they may contain NUL bytes.
 * A function is its prototype: there are no closures, so two function
 * values of one prototype cannot be told apart and compare equal.
 */
#ifndef KP_VALUE_H
#define KP_VALUE_H

#include "port.h"

enum kp_type {
	KP_TNIL,
	KP_TBOOL,
	KP_TNUM,
	KP_TSTR,
	KP_TFUNC,
	KP_TTAB,
	KP_TSORT,	/* a sort in progress: compiler temporaries only */
	KP_TAGG,	/* an aggregation (agg.h), ABI 1.3 */
	KP_TSTACK,	/* a kernel backtrace (stack.h), ABI 1.4 */
};

struct kp_proto;
struct kp_tab;
struct kp_sorter;
struct kp_agg;

/* Where a string lives, hence who frees it (store.c, table.c). */
enum kp_str_home {
	KP_STR_CONST,	/* the chunk's constants: the session heap */
	KP_STR_SCRATCH,	/* a temporary of the running invocation */
	KP_STR_STORE,	/* owned by one global or table slot */
};

struct kp_str {
	u32 len;
	u32 hash;		/* of the bytes, once hashed is set */
	u8 hashed;
	u8 home;		/* enum kp_str_home */
	struct kp_str *dead_next;	/* on the store's deferred-free list */
	char data[];	/* len bytes, then a NUL for the host's convenience */
};

struct kp_value {
	u8 type;	/* enum kp_type */
	union {
		bool b;
		s64 n;
		struct kp_str *s;	/* KP_TSTR and KP_TSTACK */
		const struct kp_proto *fn;
		struct kp_tab *t;
		struct kp_sorter *sort;
		struct kp_agg *agg;
	};
};

static inline struct kp_value kp_nil(void)
{
	struct kp_value v = { .type = KP_TNIL };
	return v;
}

static inline struct kp_value kp_bool(bool b)
{
	struct kp_value v = { .type = KP_TBOOL, .b = b };
	return v;
}

static inline struct kp_value kp_num(s64 n)
{
	struct kp_value v = { .type = KP_TNUM, .n = n };
	return v;
}

static inline struct kp_value kp_strv(struct kp_str *s)
{
	struct kp_value v = { .type = KP_TSTR, .s = s };
	return v;
}

/*
 * A stack keeps its return addresses (u64 each) as the bytes of a
 * struct kp_str: it is stored, owned, hashed and compared exactly like
 * a string (table.c), only its type and its text differ (stack.c).
 */
static inline struct kp_value kp_stackv(struct kp_str *s)
{
	struct kp_value v = { .type = KP_TSTACK, .s = s };
	return v;
}

/* The types whose value is a struct kp_str: strings and stacks. */
static inline bool kp_type_has_bytes(u8 type)
{
	return type == KP_TSTR || type == KP_TSTACK;
}

static inline struct kp_value kp_funcv(const struct kp_proto *fn)
{
	struct kp_value v = { .type = KP_TFUNC, .fn = fn };
	return v;
}

static inline struct kp_value kp_tabv(struct kp_tab *t)
{
	struct kp_value v = { .type = KP_TTAB, .t = t };
	return v;
}

/* nil, false and 0 are false (LANGUAGE.md); everything else is true. */
static inline bool kp_truthy(const struct kp_value *v)
{
	switch (v->type) {
	case KP_TNIL:
		return false;
	case KP_TBOOL:
		return v->b;
	case KP_TNUM:
		return v->n != 0;
	default:
		return true;
	}
}

const char *kp_type_name(u8 type);

/* One compiled function, as the loader leaves it after verification. */
struct kp_proto {
	u32 ncode;
	u32 nconsts;
	u8 nparams;
	u8 nregs;
	u32 line;
	u32 index;		/* in the chunk's table, for messages */
	const u32 *code;
	const u32 *lines;
	struct kp_value *consts;
};

struct kp_chunk {
	struct kp_str *name;		/* script name for messages */
	u32 nglobals;
	struct kp_str **global_names;
	u32 nprotos;
	struct kp_proto *protos;	/* protos[0] is the top level */
	u8 max_regs;			/* largest frame of any proto */
};

#endif /* KP_VALUE_H */
