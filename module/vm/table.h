/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tables: the one structured type of the language, and the ownership
 * rules of the values stored in them and in globals (see table.c).
 */
#ifndef KP_TABLE_H
#define KP_TABLE_H

#include "store.h"
#include "value.h"

struct kp_tab_node {
	struct kp_value key;	/* nil: free (val nil) or a tombstone */
	struct kp_value val;
};

struct kp_tab {
	struct kp_lock lock;	/* the entries; refs etc. are the pool's */
	u32 refs;		/* holders: globals and table slots */
	u32 count;		/* entries */
	u32 asize;		/* array part: keys 1..asize */
	u32 hsize;		/* hash part: 0 or a power of two */
	u32 hused;		/* hash slots live or tombstones */
	u32 id;			/* creation number, what print shows */
	bool queued;		/* in one of the store's generations */
	bool requeue;		/* let go of again while queued */
	struct kp_value *arr;
	struct kp_tab_node *hash;
	struct kp_tab *dead_next;
};

/* Results besides 0; the VM turns them into messages. */
#define KP_TAB_ENIL	(-1)	/* the key is nil */
#define KP_TAB_EKEY	(-2)	/* a key of a type that cannot be one */
#define KP_TAB_ENOMEM	(-3)	/* over --max-memory */
#define KP_TAB_EFULL	(-4)	/* over --max-entries */
#define KP_TAB_EVAL	(-5)	/* a value that cannot be stored */
#define KP_TAB_EBUSY	(-6)	/* a lock was taken, in NMI: drop the event */
#define KP_TAB_EAGG	(-7)	/* <<< into a value that is not an aggregation */
#define KP_TAB_EARITH	(-8)	/* op= on a value that is not a number */
#define KP_TAB_EDIV0	(-9)	/* /= or %= by zero */

/*
 * Every operation takes the table's lock (kp_lock(): interrupts off, in
 * NMI only tried), and the pool lock under it when it allocates or lets
 * go of something.  The refs and the queued flags are the pool lock's.
 */

/*
 * A new empty table sized for narr keys 1..narr and nrec others, or
 * NULL over budget (or busy, in NMI).  It starts with no holder, retired
 * (table.c), so it is freed after the invocation unless stored by then.
 */
struct kp_tab *kp_tab_new(struct kp_store *st, u32 narr, u32 nrec, u32 id);

/* *out := t[key] (nil when absent); KP_TAB_ENIL, EKEY or EBUSY. */
int kp_tab_get(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, struct kp_value *out);

/* t[key] := val; nil removes.  A new key past max_entries: KP_TAB_EFULL. */
int kp_tab_set(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, const struct kp_value *val,
	       u32 max_entries);

/*
 * The array fast paths of GETT and SETT, inline in the interpreter: a
 * number key within the array part, under the table's lock.  false
 * leaves the work to kp_tab_get() / kp_tab_set().  The key is read
 * before *out is written, so they may be the same register.
 */
static inline bool kp_tab_get_fast(struct kp_store *st, struct kp_tab *t,
				   const struct kp_value *key,
				   struct kp_value *out)
{
	u64 i = (u64)key->n - 1;
	unsigned long flags;
	bool hit;

	if (key->type != KP_TNUM || !kp_lock(st, &t->lock, &flags))
		return false;
	hit = i < t->asize;
	if (hit)
		*out = t->arr[i];
	kp_unlock(st, &t->lock, flags);
	return hit;
}

/*
 * Only a number or a boolean replacing nil, a number or a boolean: what
 * owns nothing needs no hold and no release.  Filling a nil slot counts
 * an entry, within max_entries.
 */
static inline bool kp_tab_set_fast(struct kp_store *st, struct kp_tab *t,
				   const struct kp_value *key,
				   const struct kp_value *val, u32 max_entries)
{
	u64 i = (u64)key->n - 1;
	struct kp_value *slot;
	unsigned long flags;
	bool done = false;

	if (key->type != KP_TNUM ||
	    (val->type != KP_TNUM && val->type != KP_TBOOL) ||
	    !kp_lock(st, &t->lock, &flags))
		return false;
	if (i < t->asize) {
		slot = &t->arr[i];
		if (slot->type == KP_TNIL && t->count < max_entries) {
			t->count++;
			*slot = *val;
			done = true;
		} else if (slot->type == KP_TNUM || slot->type == KP_TBOOL) {
			*slot = *val;
			done = true;
		}
	}
	kp_unlock(st, &t->lock, flags);
	return done;
}

/*
 * The counter idiom t[key] += n as compiled before ABI 1.7 (GETT0, ADD,
 * SETT), as one operation: kp_tab_arith() of ADD, with the sum in *sum.
 * Returns 0, a KP_TAB_E* error, or 1 (nothing done) when the value
 * there is not a number.
 */
int kp_tab_add(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, s64 n, u32 max_entries, s64 *sum);

/*
 * t[key] <<< n in one step under t's lock, making the aggregation when
 * t[key] is nil; KP_TAB_EAGG (with *bad := t[key]) when it holds
 * something else.
 */
int kp_tab_agg(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, s64 n, u32 max_entries,
	       struct kp_value *bad);

/*
 * t[key] := t[key] op n in one step under t's lock (op: KTAP_OP_ADD ..
 * KTAP_OP_SHR), a missing element counting as 0; the new value goes to
 * *result too unless NULL.  KP_TAB_EARITH with *bad := the element or
 * n when one is not a number, KP_TAB_EDIV0.
 */
int kp_tab_arith(struct kp_store *st, struct kp_tab *t,
		 const struct kp_value *key, u32 op, const struct kp_value *n,
		 u32 max_entries, struct kp_value *bad, s64 *result);

/* Remove every entry; 0 or KP_TAB_EBUSY. */
int kp_tab_clear(struct kp_store *st, struct kp_tab *t);

/*
 * The entry at or after position *pos (0 starts), moving *pos past it:
 * 1, or 0 at the end, or KP_TAB_EBUSY.  Positions stay valid across any
 * change: a table changed while iterated is walked in an unspecified
 * order.
 */
int kp_tab_next(struct kp_store *st, struct kp_tab *t, u32 *pos,
		struct kp_value *key, struct kp_value *val);

/*
 * Ownership, with the pool lock held.  kp_value_hold() makes v fit to be
 * stored in a global or a table: a scratch or store string is copied
 * into the store for the new holder, a table gains a reference.  false
 * over budget.  kp_value_release() is the holder letting go: the string
 * or the table (when its last reference goes) is retired, and freed by
 * kp_store_reap() once no running invocation can still see it.
 */
bool kp_value_hold(struct kp_store *st, struct kp_value *v);
void kp_value_release(struct kp_store *st, const struct kp_value *v);

/* Whether storing or dropping v involves the pool (hold/release). */
static inline bool kp_value_owns(const struct kp_value *v)
{
	return (kp_type_has_bytes(v->type) && v->s->home != KP_STR_CONST) ||
	       v->type == KP_TTAB || v->type == KP_TAGG;
}

/*
 * The hash of a string's bytes, cached in it.  Only a string no other
 * CPU can see may be hashed for the first time: constants are hashed at
 * LOAD and store strings when made, so shared strings are only read.
 */
u32 kp_str_hash(struct kp_str *s);

#endif /* KP_TABLE_H */
