// SPDX-License-Identifier: GPL-2.0
/*
 * Tables, and who owns what they (and globals) hold.
 *
 * Layout (as Lua's ltable.c): an array part arr[0..asize) holding the
 * keys 1..asize, nil where a key is absent; and a hash part of hsize
 * slots (a power of two), open addressing with linear probing.  A slot
 * is free (key nil, val nil), a tombstone (key nil, val true) left by a
 * removal so that probe sequences stay unbroken, or live.
 * Invariants:
 *   - an integer key k with 1 <= k <= asize is only ever in arr[k-1];
 *   - every live key of the hash part is reachable from its home slot
 *     (hash & (hsize-1)) by probing without crossing a free slot;
 *   - hused (live + tombstones) <= 3/4 hsize, so probing ends;
 *   - count is the number of non-nil values in both parts.
 * Inserting a new key into a hash part that would pass 3/4 rehashes:
 * the array part is resized to the largest power of two n such that
 * more than n/2 of the keys 1..n are present (Lua's computesizes), the
 * rest goes into a hash part sized for it, and the tombstones vanish.
 *
 * Ownership (module/vm/README.md, "Memory"): a stored string is copied
 * into the store and owned by its slot; a stored table counts its
 * holders in refs.  A string or table a slot lets go of may still sit
 * in a register of an invocation running here or on another CPU, so it
 * is retired into the store's open generation, not freed, and
 * kp_store_reap() frees it once no running invocation can still see it
 * (store.c, "Epochs").  Registers borrow and count nothing.  A table
 * whose refs fall to 0 releases what it holds when reaped; tables in a
 * reference cycle keep each other alive until the session ends (there
 * is no cycle collector).
 *
 * Concurrency: probe handlers on every CPU share tables.  Every
 * operation takes the table's lock, and the pool lock inside it when it
 * allocates or lets go of something; refs and the queued flags change
 * only under the pool lock, so a reap sees them settled.  A table
 * stored again after it was retired, and let go of again, is marked
 * requeue and goes round another generation: its last release counts.
 */
#include "table.h"
#include "agg.h"
#include "arith.h"

#define KP_TAB_MAXBITS	30	/* array parts up to 2^30 keys */

static size_t kp_str_size(u32 len)
{
	return sizeof(struct kp_str) + (size_t)len + 1;
}

/* FNV-1a, 32 bits: simple, and good enough for open addressing. */
u32 kp_str_hash(struct kp_str *s)
{
	u32 h = 2166136261U, i;

	if (s->hashed)
		return s->hash;
	for (i = 0; i < s->len; i++)
		h = (h ^ (u8)s->data[i]) * 16777619U;
	s->hash = h;
	s->hashed = 1;
	return h;
}

static u32 kp_tab_hash(const struct kp_value *k)
{
	u64 x;

	switch (k->type) {
	case KP_TSTR:
	case KP_TSTACK:
		return kp_str_hash(k->s);
	case KP_TBOOL:
		return k->b;
	default:	/* numbers: Fibonacci hashing spreads sequences */
		x = (u64)k->n * 0x9E3779B97F4A7C15ULL;
		return (u32)(x >> 32);
	}
}

static bool kp_key_equal(const struct kp_value *a, const struct kp_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KP_TSTR:
	case KP_TSTACK:
		return a->s == b->s || (a->s->len == b->s->len &&
			kp_str_hash(a->s) == kp_str_hash(b->s) &&
			!memcmp(a->s->data, b->s->data, a->s->len));
	case KP_TBOOL:
		return a->b == b->b;
	default:
		return a->n == b->n;
	}
}

static int kp_key_check(const struct kp_value *k)
{
	if (k->type == KP_TNIL)
		return KP_TAB_ENIL;
	if (k->type != KP_TNUM && !kp_type_has_bytes(k->type) &&
	    k->type != KP_TBOOL)
		return KP_TAB_EKEY;
	return 0;
}

/* The array slot of k, or NULL when k belongs to the hash part. */
static struct kp_value *kp_tab_arr_slot(struct kp_tab *t,
					const struct kp_value *k)
{
	if (k->type == KP_TNUM && k->n >= 1 && (u64)k->n <= t->asize)
		return &t->arr[k->n - 1];
	return NULL;
}

/* The live hash slot holding k, or NULL. */
static struct kp_tab_node *kp_tab_find(struct kp_tab *t,
				       const struct kp_value *k)
{
	u32 mask = t->hsize - 1, i;
	struct kp_tab_node *n;

	if (!t->hsize)
		return NULL;
	for (i = kp_tab_hash(k) & mask;; i = (i + 1) & mask) {
		n = &t->hash[i];
		if (n->key.type == KP_TNIL) {
			if (n->val.type == KP_TNIL)
				return NULL;	/* free: the end of the chain */
			continue;		/* tombstone */
		}
		if (kp_key_equal(&n->key, k))
			return n;
	}
}

/* Where a new key k goes: the first free slot or tombstone on its chain. */
static struct kp_tab_node *kp_tab_free_slot(struct kp_tab *t,
					    const struct kp_value *k)
{
	u32 mask = t->hsize - 1, i = kp_tab_hash(k) & mask;

	while (t->hash[i].key.type != KP_TNIL)
		i = (i + 1) & mask;
	return &t->hash[i];
}

static bool kp_tab_alloc_parts(struct kp_store *st, struct kp_tab *t,
			       u32 asize, u32 hsize)
{
	t->arr = asize ? kp_store_alloc(st, sizeof(*t->arr) * asize) : NULL;
	t->hash = hsize ? kp_store_alloc(st, sizeof(*t->hash) * hsize) : NULL;
	if ((asize && !t->arr) || (hsize && !t->hash)) {
		kp_store_free(st, t->arr, sizeof(*t->arr) * asize);
		kp_store_free(st, t->hash, sizeof(*t->hash) * hsize);
		return false;
	}
	t->asize = asize;
	t->hsize = hsize;
	t->hused = 0;
	return true;
}

/* The smallest power of two whose 3/4 holds n keys (0 for none). */
static u32 kp_tab_hash_size(u32 n)
{
	u32 size = 4;

	if (!n)
		return 0;
	while ((u64)size * 3 / 4 < n)
		size <<= 1;
	return size;
}

/* Pool lock held: t has no holder left; free it once nobody can see it. */
static void kp_tab_retire(struct kp_store *st, struct kp_tab *t)
{
	if (t->queued) {
		t->requeue = true;
		return;
	}
	t->queued = true;
	t->dead_next = st->open.tabs;
	st->open.tabs = t;
	kp_store_pending_add(st, 1);
}

struct kp_tab *kp_tab_new(struct kp_store *st, u32 narr, u32 nrec, u32 id)
{
	unsigned long flags;
	struct kp_tab *t;

	if (!kp_lock(st, &st->lock, &flags))
		return NULL;
	t = kp_store_alloc(st, sizeof(*t));
	if (t && !kp_tab_alloc_parts(st, t, narr, kp_tab_hash_size(nrec))) {
		kp_store_free(st, t, sizeof(*t));
		t = NULL;
	}
	if (t) {
		kp_lock_init(&t->lock);
		t->id = id;
		kp_tab_retire(st, t);
	}
	kp_unlock(st, &st->lock, flags);
	return t;
}

int kp_tab_get(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, struct kp_value *out)
{
	struct kp_value *slot;
	struct kp_tab_node *n;
	unsigned long flags;
	int err = kp_key_check(key);

	if (err)
		return err;
	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	slot = kp_tab_arr_slot(t, key);
	if (slot) {
		*out = *slot;
	} else {
		n = kp_tab_find(t, key);
		*out = n ? n->val : kp_nil();
	}
	kp_unlock(st, &t->lock, flags);
	return 0;
}

/* Count the integer keys by the power of two above them (nums[i]: 2^(i-1) < k <= 2^i). */
static void kp_tab_count_key(const struct kp_value *k, u32 *nums, u32 *nint)
{
	if (k->type != KP_TNUM || k->n < 1 || k->n > (1LL << KP_TAB_MAXBITS))
		return;
	/* the smallest i with k <= 2^i */
	nums[kp_fls64((u64)k->n - 1)]++;
	(*nint)++;
}

/* Lua's computesizes: the array size that keeps the array over half full. */
static u32 kp_tab_array_size(const u32 *nums, u32 nint, u32 *in_array)
{
	u32 i, a = 0, na = 0, best = 0;

	*in_array = 0;
	for (i = 0; i <= KP_TAB_MAXBITS && (1U << i) / 2 < nint; i++) {
		a += nums[i];
		if (a > (1U << i) / 2) {
			best = 1U << i;
			na = a;
		}
	}
	*in_array = na;
	return best;
}

/* Put a live entry (already owned) into the new parts, no checks. */
static void kp_tab_place(struct kp_tab *t, const struct kp_value *k,
			 const struct kp_value *v)
{
	struct kp_value *slot = kp_tab_arr_slot(t, k);
	struct kp_tab_node *n;

	if (slot) {
		*slot = *v;
		return;
	}
	n = kp_tab_free_slot(t, k);
	n->key = *k;
	n->val = *v;
	t->hused++;
}

/* Move every entry of the old parts (arr, asize, hash, hsize) into t. */
static void kp_tab_move(struct kp_tab *t, struct kp_value *arr, u32 asize,
			struct kp_tab_node *hash, u32 hsize)
{
	struct kp_value k;
	u32 i;

	for (i = 0; i < asize; i++) {
		if (arr[i].type == KP_TNIL)
			continue;
		k = kp_num((s64)i + 1);
		kp_tab_place(t, &k, &arr[i]);
	}
	for (i = 0; i < hsize; i++)
		if (hash[i].key.type != KP_TNIL)
			kp_tab_place(t, &hash[i].key, &hash[i].val);
}

/* Resize the parts to fit the entries and one more key, extra. */
static bool kp_tab_rehash(struct kp_store *st, struct kp_tab *t,
			  const struct kp_value *extra)
{
	u32 nums[KP_TAB_MAXBITS + 1] = { 0 };
	struct kp_value *oarr = t->arr, k;
	struct kp_tab_node *ohash = t->hash;
	u32 oasize = t->asize, ohsize = t->hsize, nint = 0, in_array, asize, i;

	for (i = 0; i < oasize; i++) {
		k = kp_num((s64)i + 1);
		if (oarr[i].type != KP_TNIL)
			kp_tab_count_key(&k, nums, &nint);
	}
	for (i = 0; i < ohsize; i++)
		if (ohash[i].key.type != KP_TNIL)
			kp_tab_count_key(&ohash[i].key, nums, &nint);
	kp_tab_count_key(extra, nums, &nint);
	asize = kp_tab_array_size(nums, nint, &in_array);
	if (!kp_tab_alloc_parts(st, t, asize,
				kp_tab_hash_size(t->count + 1 - in_array))) {
		t->arr = oarr;
		t->asize = oasize;
		t->hash = ohash;
		t->hsize = ohsize;
		return false;
	}
	kp_tab_move(t, oarr, oasize, ohash, ohsize);
	kp_store_free(st, oarr, sizeof(*oarr) * oasize);
	kp_store_free(st, ohash, sizeof(*ohash) * ohsize);
	return true;
}

/* Remove the entry in slot (array) or n (hash). */
static void kp_tab_remove(struct kp_store *st, struct kp_tab *t,
			  struct kp_value *slot, struct kp_tab_node *n)
{
	if (slot) {
		kp_value_release(st, slot);
		*slot = kp_nil();
	} else {
		kp_value_release(st, &n->key);
		kp_value_release(st, &n->val);
		n->key = kp_nil();
		n->val = kp_bool(true);	/* a tombstone */
	}
	t->count--;
}

/* A key not in t: make room, then own and place key and val. */
static int kp_tab_insert(struct kp_store *st, struct kp_tab *t,
			 const struct kp_value *key, struct kp_value *val)
{
	struct kp_value k = *key, *slot;
	struct kp_tab_node *n;

	if ((u64)t->hused + 1 > (u64)t->hsize * 3 / 4 &&
	    !kp_tab_rehash(st, t, key))
		return KP_TAB_ENOMEM;
	if (!kp_value_hold(st, &k))
		return KP_TAB_ENOMEM;
	slot = kp_tab_arr_slot(t, &k);
	if (slot) {
		*slot = *val;
	} else {
		n = kp_tab_free_slot(t, &k);
		if (n->val.type == KP_TNIL)
			t->hused++;	/* a free slot, not a tombstone */
		n->key = k;
		n->val = *val;
	}
	t->count++;
	return 0;
}

static int kp_tab_set_locked(struct kp_store *st, struct kp_tab *t,
			     const struct kp_value *key,
			     const struct kp_value *val, u32 max_entries)
{
	struct kp_value *slot = kp_tab_arr_slot(t, key), v = *val;
	struct kp_tab_node *n = slot ? NULL : kp_tab_find(t, key);
	struct kp_value *cur = slot ? slot : n ? &n->val : NULL;
	int err;

	if (v.type == KP_TNIL) {
		if (cur && cur->type != KP_TNIL)
			kp_tab_remove(st, t, slot, n);
		return 0;
	}
	if (!cur || cur->type == KP_TNIL) {
		if (t->count >= max_entries)
			return KP_TAB_EFULL;
		if (!kp_value_hold(st, &v))
			return KP_TAB_ENOMEM;
		if (slot) {
			*slot = v;
			t->count++;
			return 0;
		}
		err = kp_tab_insert(st, t, key, &v);
		if (err)
			kp_value_release(st, &v);
		return err;
	}
	if (!kp_value_hold(st, &v))
		return KP_TAB_ENOMEM;
	kp_value_release(st, cur);
	*cur = v;
	return 0;
}

/*
 * Whether t[key] := val needs the pool: anything but overwriting a live
 * value, or filling an array slot, with neither value owning anything.
 */
static bool kp_tab_set_needs_pool(struct kp_tab *t, const struct kp_value *key,
				  const struct kp_value *val)
{
	struct kp_value *slot = kp_tab_arr_slot(t, key);
	struct kp_tab_node *n = slot ? NULL : kp_tab_find(t, key);
	struct kp_value *cur = slot ? slot : n ? &n->val : NULL;

	if (kp_value_owns(val) || (cur && kp_value_owns(cur)))
		return true;
	return !slot && (!cur || cur->type == KP_TNIL || val->type == KP_TNIL);
}

/* t's lock held: t[key] := val, with the pool lock when it is needed. */
static int kp_tab_set_pooled(struct kp_store *st, struct kp_tab *t,
			     const struct kp_value *key,
			     const struct kp_value *val, u32 max_entries)
{
	unsigned long flags;
	int err;

	if (!kp_tab_set_needs_pool(t, key, val))
		return kp_tab_set_locked(st, t, key, val, max_entries);
	if (!kp_lock(st, &st->lock, &flags))
		return KP_TAB_EBUSY;
	err = kp_tab_set_locked(st, t, key, val, max_entries);
	kp_unlock(st, &st->lock, flags);
	return err;
}

int kp_tab_set(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, const struct kp_value *val,
	       u32 max_entries)
{
	unsigned long flags;
	int err = kp_key_check(key);

	if (err)
		return err;
	/* A sort in progress lives in scratch: nothing may keep it. */
	if (val->type == KP_TSORT)
		return KP_TAB_EVAL;
	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	err = kp_tab_set_pooled(st, t, key, val, max_entries);
	kp_unlock(st, &t->lock, flags);
	return err;
}

/* Release every entry of t and its parts; t itself stays. */
int kp_tab_add(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, s64 n, u32 max_entries, s64 *sum)
{
	struct kp_value v = kp_num(n), bad;
	int err = kp_tab_arith(st, t, key, KTAP_OP_ADD, &v, max_entries, &bad,
			       sum);

	return err == KP_TAB_EARITH ? 1 : err;
}

static void kp_tab_drop_parts(struct kp_store *st, struct kp_tab *t)
{
	u32 i;

	for (i = 0; i < t->asize; i++)
		kp_value_release(st, &t->arr[i]);
	for (i = 0; i < t->hsize; i++) {
		kp_value_release(st, &t->hash[i].key);
		kp_value_release(st, &t->hash[i].val);
	}
	kp_store_free(st, t->arr, sizeof(*t->arr) * t->asize);
	kp_store_free(st, t->hash, sizeof(*t->hash) * t->hsize);
	t->arr = NULL;
	t->hash = NULL;
	t->asize = 0;
	t->hsize = 0;
	t->hused = 0;
	t->count = 0;
}

/* t's lock held: the slot holding key's value, or NULL. */
static struct kp_value *kp_tab_lookup(struct kp_tab *t,
				      const struct kp_value *key)
{
	struct kp_value *slot = kp_tab_arr_slot(t, key);
	struct kp_tab_node *node;

	if (slot)
		return slot;
	node = kp_tab_find(t, key);
	return node ? &node->val : NULL;
}

int kp_tab_agg(struct kp_store *st, struct kp_tab *t,
	       const struct kp_value *key, s64 n, u32 max_entries,
	       struct kp_value *bad)
{
	unsigned long flags, pflags;
	struct kp_value cur = kp_nil(), nv, *slot;
	int err = kp_key_check(key);

	if (err)
		return err;
	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	slot = kp_tab_lookup(t, key);
	if (slot)
		cur = *slot;
	if (cur.type == KP_TAGG) {
		kp_agg_add(st, cur.agg, n);
	} else if (cur.type != KP_TNIL) {
		*bad = cur;
		err = KP_TAB_EAGG;
	} else if (!kp_lock(st, &st->lock, &pflags)) {
		err = KP_TAB_EBUSY;
	} else {
		nv = kp_aggv(kp_agg_new(st));
		err = nv.agg ? kp_tab_set_locked(st, t, key, &nv, max_entries) :
			       KP_TAB_ENOMEM;
		if (!err)
			kp_agg_add(st, nv.agg, n);
		kp_unlock(st, &st->lock, pflags);
	}
	kp_unlock(st, &t->lock, flags);
	return err;
}

int kp_tab_arith(struct kp_store *st, struct kp_tab *t,
		 const struct kp_value *key, u32 op, const struct kp_value *n,
		 u32 max_entries, struct kp_value *bad, s64 *result)
{
	struct kp_value *cur, v;
	unsigned long flags;
	int err = kp_key_check(key);

	if (err)
		return err;
	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	cur = kp_tab_lookup(t, key);
	v = cur && cur->type != KP_TNIL ? *cur : kp_num(0);
	if (v.type != KP_TNUM || n->type != KP_TNUM) {
		*bad = v.type != KP_TNUM ? v : *n;
		err = KP_TAB_EARITH;
	} else if ((op == KTAP_OP_DIV || op == KTAP_OP_MOD) && !n->n) {
		err = KP_TAB_EDIV0;
	} else if (cur && cur->type == KP_TNUM) {
		cur->n = kp_arith_binop(op, v.n, n->n);	/* the hot path */
		v = *cur;
	} else {
		v = kp_num(kp_arith_binop(op, v.n, n->n));
		err = kp_tab_set_pooled(st, t, key, &v, max_entries);
	}
	if (!err && result)
		*result = v.n;
	kp_unlock(st, &t->lock, flags);
	return err;
}

int kp_tab_clear(struct kp_store *st, struct kp_tab *t)
{
	unsigned long flags, pflags;

	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	if (!kp_lock(st, &st->lock, &pflags)) {
		kp_unlock(st, &t->lock, flags);
		return KP_TAB_EBUSY;
	}
	kp_tab_drop_parts(st, t);
	kp_unlock(st, &st->lock, pflags);
	kp_unlock(st, &t->lock, flags);
	return 0;
}

int kp_tab_next(struct kp_store *st, struct kp_tab *t, u32 *pos,
		struct kp_value *key, struct kp_value *val)
{
	unsigned long flags;
	bool found = false;
	u32 i;

	if (!kp_lock(st, &t->lock, &flags))
		return KP_TAB_EBUSY;
	for (i = *pos; i < t->asize && !found; i++) {
		if (t->arr[i].type != KP_TNIL) {
			*key = kp_num((s64)i + 1);
			*val = t->arr[i];
			found = true;
		}
	}
	for (; i - t->asize < t->hsize && !found; i++) {
		if (t->hash[i - t->asize].key.type != KP_TNIL) {
			*key = t->hash[i - t->asize].key;
			*val = t->hash[i - t->asize].val;
			found = true;
		}
	}
	*pos = i;
	kp_unlock(st, &t->lock, flags);
	return found;
}

bool kp_value_hold(struct kp_store *st, struct kp_value *v)
{
	struct kp_str *s;

	if (v->type == KP_TTAB) {
		v->t->refs++;
		return true;
	}
	if (v->type == KP_TAGG) {
		v->agg->refs++;
		return true;
	}
	if (!kp_type_has_bytes(v->type) || v->s->home == KP_STR_CONST)
		return true;
	s = kp_store_alloc(st, kp_str_size(v->s->len));
	if (!s)
		return false;
	s->len = v->s->len;
	/* v->s is private (scratch) or already hashed; s is shared soon. */
	s->hash = kp_str_hash(v->s);
	s->hashed = 1;
	s->home = KP_STR_STORE;
	memcpy(s->data, v->s->data, (size_t)s->len + 1);
	v->s = s;
	return true;
}

void kp_value_release(struct kp_store *st, const struct kp_value *v)
{
	if (kp_type_has_bytes(v->type) && v->s->home == KP_STR_STORE)
		kp_store_retire_str(st, v->s);
	else if (v->type == KP_TTAB && --v->t->refs == 0)
		kp_tab_retire(st, v->t);
	else if (v->type == KP_TAGG && --v->agg->refs == 0)
		kp_agg_retire(st, v->agg);
}

/*
 * A generation no running invocation can see: free what it holds.
 * Freeing a table releases its entries into the open generation, which
 * a later round frees: a deep nesting costs rounds, never C stack.
 */
static void kp_store_free_gen(struct kp_store *st, struct kp_store_gen *g)
{
	struct kp_tab *t;
	struct kp_str *s;
	int freed = 0;

	while (g->tabs) {
		t = g->tabs;
		g->tabs = t->dead_next;
		if (t->refs || t->requeue) {	/* stored again since */
			t->queued = false;
			t->requeue = false;
			if (!t->refs)
				kp_tab_retire(st, t);
			freed++;
			continue;
		}
		kp_tab_drop_parts(st, t);
		kp_store_free(st, t, sizeof(*t));
		freed++;
	}
	freed += kp_agg_free_list(st, g->aggs);
	while (g->strs) {
		s = g->strs;
		g->strs = s->dead_next;
		kp_store_free(st, s, kp_str_size(s->len));
		freed++;
	}
	kp_store_pending_add(st, -freed);
}

void kp_store_reap(struct kp_store *st, bool all)
{
	struct kp_store_gen g;
	unsigned long flags;
	u32 rounds = 0;

	if (!kp_atomic_read(&st->pending) || !kp_lock(st, &st->lock, &flags))
		return;
	while ((all || rounds++ < KP_STORE_NGENS) && kp_store_take_safe(st, &g))
		kp_store_free_gen(st, &g);
	kp_unlock(st, &st->lock, flags);
}
