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
	struct kp_lock lock;
	u32 refs;		/* holders: globals and table slots */
	u32 count;		/* entries */
	u32 asize;		/* array part: keys 1..asize */
	u32 hsize;		/* hash part: 0 or a power of two */
	u32 hused;		/* hash slots live or tombstones */
	u32 id;			/* creation number, what print shows */
	bool queued;		/* on the store's deferred-free list */
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

/*
 * A new empty table sized for narr keys 1..narr and nrec others, or
 * NULL over budget.  It starts with no holder, queued for freeing at the
 * end of the invocation unless something stores it by then.
 */
struct kp_tab *kp_tab_new(struct kp_store *st, u32 narr, u32 nrec, u32 id);

/* *out := t[key] (nil when absent); KP_TAB_ENIL or KP_TAB_EKEY. */
int kp_tab_get(struct kp_tab *t, const struct kp_value *key,
	       struct kp_value *out);

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
static inline bool kp_tab_get_fast(struct kp_tab *t,
				   const struct kp_value *key,
				   struct kp_value *out)
{
	u64 i = (u64)key->n - 1;
	bool hit;

	if (key->type != KP_TNUM)
		return false;
	kp_lock(&t->lock);
	hit = i < t->asize;
	if (hit)
		*out = t->arr[i];
	kp_unlock(&t->lock);
	return hit;
}

/*
 * Only a number or a boolean replacing nil, a number or a boolean: what
 * owns nothing needs no hold and no release.  Filling a nil slot counts
 * an entry, within max_entries.
 */
static inline bool kp_tab_set_fast(struct kp_tab *t,
				   const struct kp_value *key,
				   const struct kp_value *val, u32 max_entries)
{
	u64 i = (u64)key->n - 1;
	struct kp_value *slot;
	bool done = false;

	if (key->type != KP_TNUM ||
	    (val->type != KP_TNUM && val->type != KP_TBOOL))
		return false;
	kp_lock(&t->lock);
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
	kp_unlock(&t->lock);
	return done;
}

/*
 * The counter idiom t[key] += n as one operation: the number there (0
 * when absent) plus n, stored back and put in *sum, under one lock
 * acquisition, so updates of one key from several CPUs add up.  Returns
 * 0, a KP_TAB_E* error, or 1 (nothing done) when the value there is not
 * a number.
 */
int kp_tab_add(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, s64 n, u32 max_entries, s64 *sum);

/* Remove every entry. */
void kp_tab_clear(struct kp_store *st, struct kp_tab *t);

/*
 * The entry at or after position *pos (0 starts), moving *pos past it;
 * false at the end.  Positions stay valid across any change: a table
 * changed while iterated is walked in an unspecified order.
 */
bool kp_tab_next(struct kp_tab *t, u32 *pos, struct kp_value *key,
		 struct kp_value *val);

/*
 * Ownership.  kp_value_hold() makes v fit to be stored in a global or a
 * table: a scratch or store string is copied into the store for the new
 * holder, a table gains a reference.  false over budget.
 * kp_value_release() is the holder letting go: the string or the table
 * (when its last reference goes) is queued for kp_store_reap().
 */
bool kp_value_hold(struct kp_store *st, struct kp_value *v);
void kp_value_release(struct kp_store *st, const struct kp_value *v);

/*
 * The end of an invocation: free the queued strings, and the queued
 * tables nothing holds any more (which releases what they hold, and so
 * on, through an explicit work list rather than C recursion).
 */
void kp_store_reap(struct kp_store *st);

/* The hash of a string's bytes, cached in it. */
u32 kp_str_hash(struct kp_str *s);

#endif /* KP_TABLE_H */
