// SPDX-License-Identifier: GPL-2.0
/*
 * sort_pairs: snapshot a table's entries into the invocation's scratch,
 * merge-sort them bottom-up (stable, O(n log n), no recursion, one
 * scratch buffer of n entries) and return their keys as the array part
 * of a fresh table.  The for-in loop then walks that key table and reads
 * each value from the original table when it gets there (man ktap.7).
 * Values of different types order by type (numbers, strings, booleans,
 * then the rest), so mixed tables sort deterministically.
 *
 * With a compare function the same merge sort runs as a resumable state
 * machine (struct kp_sorter): each SORTSTEP instruction merges until it
 * needs cmp(right, left), hands that call to the interpreter, and takes
 * the answer on its next run.  Left is kept unless cmp says right sorts
 * first, so the sort is stable; the entries are sorted by key first, so
 * entries cmp ranks alike come out by key, smallest first.  The calls count against the
 * instruction limit like any others.
 */
#include "sort.h"
#include "table.h"

struct kp_sort_entry {
	struct kp_value key, val;
};

/* <0, 0, >0: a before, tied with, after b in ascending order. */
static int kp_sort_cmp_value(const struct kp_value *a,
			     const struct kp_value *b)
{
	u32 n;
	int r;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	switch (a->type) {
	case KP_TNUM:
		return a->n < b->n ? -1 : a->n > b->n;
	case KP_TBOOL:
		return (int)a->b - (int)b->b;
	case KP_TSTR:
	case KP_TSTACK:
		n = a->s->len < b->s->len ? a->s->len : b->s->len;
		r = memcmp(a->s->data, b->s->data, n);
		if (r)
			return r < 0 ? -1 : 1;
		return a->s->len < b->s->len ? -1 : a->s->len > b->s->len;
	case KP_TTAB:
		return a->t->id < b->t->id ? -1 : a->t->id > b->t->id;
	default:
		return 0;
	}
}

/* True when a comes first: larger value, then smaller key. */
static bool kp_sort_before(const struct kp_sort_entry *a,
			   const struct kp_sort_entry *b)
{
	int r = kp_sort_cmp_value(&a->val, &b->val);

	if (r)
		return r > 0;
	return kp_sort_cmp_value(&a->key, &b->key) < 0;
}

/* True when a's key is smaller: the order ties keep with a cmp function. */
static bool kp_sort_key_before(const struct kp_sort_entry *a,
			       const struct kp_sort_entry *b)
{
	return kp_sort_cmp_value(&a->key, &b->key) < 0;
}

typedef bool (*kp_sort_before_fn)(const struct kp_sort_entry *a,
				  const struct kp_sort_entry *b);

/* Merge the runs src[lo..mid) and src[mid..hi) into dst[lo..hi). */
static void kp_sort_merge(const struct kp_sort_entry *src,
			  struct kp_sort_entry *dst, u32 lo, u32 mid, u32 hi,
			  kp_sort_before_fn before)
{
	u32 i = lo, j = mid, k;

	for (k = lo; k < hi; k++) {
		if (i < mid && (j >= hi || !before(&src[j], &src[i])))
			dst[k] = src[i++];
		else
			dst[k] = src[j++];
	}
}

/* Sort e[0..n) with tmp[0..n); returns the array holding the result. */
static struct kp_sort_entry *kp_sort_run(struct kp_sort_entry *e,
					 struct kp_sort_entry *tmp, u32 n,
					 kp_sort_before_fn before)
{
	struct kp_sort_entry *src = e, *dst = tmp, *swap;
	u64 width, lo;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			u64 mid = lo + width < n ? lo + width : n;
			u64 hi = lo + 2 * width < n ? lo + 2 * width : n;

			kp_sort_merge(src, dst, (u32)lo, (u32)mid, (u32)hi,
				      before);
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	return src;
}

/* The keys of sorted[0..n) as entries 1..n of a new table. */
static int kp_sort_keys(struct kp_exec *x, const struct kp_proto *p,
			const u32 *pc, struct kp_value *ret,
			const struct kp_sort_entry *sorted, u32 n)
{
	struct kp_tab *keys = kp_tab_new(&x->vm->store, n, 0,
			kp_atomic_inc_return(&x->vm->next_table_id));
	struct kp_value idx;
	u32 i;

	if (!keys)
		goto nomem;
	for (i = 0; i < n; i++) {
		idx = kp_num((s64)i + 1);
		if (kp_tab_set(&x->vm->store, keys, &idx, &sorted[i].key, U32_MAX))
			goto nomem;
	}
	*ret = kp_tabv(keys);
	return 0;
nomem:
	return kp_vm_no_memory(x, p, pc, "sort_pairs");
}

int kp_sort_pairs(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  struct kp_value *ret, const struct kp_value *t)
{
	struct kp_sort_entry *e, *tmp;
	u32 n = t->t->count, i = 0, pos = 0;
	size_t size = sizeof(*e) * ((size_t)n + 1);

	e = kp_scratch_alloc(&x->scratch, size);
	tmp = kp_scratch_alloc(&x->scratch, size);
	if (!e || !tmp)
		return kp_vm_no_memory(x, p, pc, "sort_pairs");
	while (i < n &&
	       kp_tab_next(&x->vm->store, t->t, &pos, &e[i].key, &e[i].val) > 0)
		i++;
	return kp_sort_keys(x, p, pc, ret,
			    kp_sort_run(e, tmp, i, kp_sort_before), i);
}

struct kp_sorter {
	struct kp_sort_entry *src, *dst;
	struct kp_value cmp;
	u32 n, width, lo, mid, hi, i, j, k;
	bool waiting;		/* a cmp answer is due in f[1] */
};

/* Set up the merge of the runs at lo (width wide) for the current pass. */
static void kp_sorter_run(struct kp_sorter *s)
{
	u64 mid = (u64)s->lo + s->width, hi = (u64)s->lo + 2ULL * s->width;

	s->mid = mid < s->n ? (u32)mid : s->n;
	s->hi = hi < s->n ? (u32)hi : s->n;
	s->i = s->lo;
	s->j = s->mid;
	s->k = s->lo;
}

/* Move on to the next pair of runs, or the next pass; false when sorted. */
static bool kp_sorter_next(struct kp_sorter *s)
{
	struct kp_sort_entry *swap;

	s->lo = s->hi;
	if (s->lo >= s->n) {
		swap = s->src;
		s->src = s->dst;
		s->dst = swap;
		if ((u64)s->width * 2 >= s->n)
			return false;
		s->width *= 2;
		s->lo = 0;
	}
	kp_sorter_run(s);
	return true;
}

int kp_sort_start(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  struct kp_value *ret, const struct kp_value *t,
		  const struct kp_value *cmp)
{
	u32 n = t->t->count, i = 0, pos = 0;
	size_t size = sizeof(struct kp_sort_entry) * ((size_t)n + 1);
	struct kp_sorter *s;

	if (cmp->type != KP_TFUNC)
		return kp_vm_error(x, p, pc, "sort_pairs: the compare function must be a function, got %s",
				   kp_type_name(cmp->type));
	s = kp_scratch_alloc(&x->scratch, sizeof(*s));
	if (s) {
		s->src = kp_scratch_alloc(&x->scratch, size);
		s->dst = kp_scratch_alloc(&x->scratch, size);
	}
	if (!s || !s->src || !s->dst)
		return kp_vm_no_memory(x, p, pc, "sort_pairs");
	while (i < n && kp_tab_next(&x->vm->store, t->t, &pos,
				    &s->src[i].key, &s->src[i].val) > 0)
		i++;
	/* By key first, so that the stable sort leaves ties in key order. */
	if (kp_sort_run(s->src, s->dst, i, kp_sort_key_before) != s->src)
		memcpy(s->src, s->dst, sizeof(*s->src) * i);
	s->n = i;
	s->cmp = *cmp;
	s->width = 1;
	kp_sorter_run(s);
	ret->type = KP_TSORT;
	ret->sort = s;
	return 0;
}

int kp_sort_step(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		 struct kp_value *f)
{
	struct kp_sorter *s;

	if (f[0].type != KP_TSORT)
		return kp_vm_error(x, p, pc, "SORTSTEP without sort_pairs");
	s = f[0].sort;
	if (s->waiting) {
		s->waiting = false;
		s->dst[s->k++] = kp_truthy(&f[1]) ? s->src[s->j++]
						   : s->src[s->i++];
	}
	while (s->n > 1) {
		if (s->k == s->hi) {
			if (!kp_sorter_next(s))
				break;
			continue;
		}
		if (s->i < s->mid && s->j < s->hi) {
			f[1] = s->cmp;
			f[2] = s->src[s->j].val;
			f[3] = s->src[s->i].val;
			s->waiting = true;
			return 0;
		}
		s->dst[s->k++] = s->i < s->mid ? s->src[s->i++]
					       : s->src[s->j++];
	}
	if (kp_sort_keys(x, p, pc, &f[0], s->src, s->n))
		return -EINVAL;
	return 1;
}
