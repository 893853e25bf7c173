// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregations.  An aggregation keeps count, sum, min, max and a log2
 * histogram of the numbers folded into it, in one slot per possible CPU
 * (struct kp_agg_slot).  `<<<` updates only the slot of the CPU it runs
 * on, so it takes no lock and never allocates; readers (count(), print,
 * print_hist ...) merge the slots.  A reader racing a writer on another
 * CPU may see that slot's fields from slightly different moments; the
 * merged view is still made of whole 64-bit fields, never torn.
 *
 * Sums wrap like every other integer of the language.  Ownership is that
 * of tables: refs counts the globals and table slots holding it, and an
 * aggregation without holders is queued and freed by kp_store_reap().
 */
#include "agg.h"

static size_t kp_agg_size(u32 nslots)
{
	return sizeof(struct kp_agg) + sizeof(struct kp_agg_slot) * nslots;
}

struct kp_agg *kp_agg_new(struct kp_store *st)
{
	u32 n = kp_nr_cpus();
	struct kp_agg *a = kp_store_alloc(st, kp_agg_size(n));

	if (!a)
		return NULL;
	a->nslots = n;
	a->queued = true;
	a->dead_next = st->dead_aggs;
	st->dead_aggs = a;
	return a;
}

u32 kp_agg_bucket(s64 v)
{
	u64 x = (u64)v;
	u32 b = 0;

	if (v <= 0)
		return 0;
	while (x) {		/* at most 63 rounds: v < 2^63 */
		x >>= 1;
		b++;
	}
	return b;
}

void kp_agg_add(struct kp_agg *a, s64 v)
{
	u32 cpu = kp_cpu_get();
	struct kp_agg_slot *s;

	/* nr_cpu_ids does not change while a session runs; be safe anyway. */
	s = &a->slots[cpu < a->nslots ? cpu : 0];
	if (!s->count || v < s->min)
		s->min = v;
	if (!s->count || v > s->max)
		s->max = v;
	s->count++;
	s->sum = (s64)((u64)s->sum + (u64)v);
	s->hist[kp_agg_bucket(v)]++;
	kp_cpu_put();
}

void kp_agg_read(const struct kp_agg *a, struct kp_agg_slot *out)
{
	const struct kp_agg_slot *s;
	u32 i, b;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < a->nslots; i++) {
		s = &a->slots[i];
		if (!s->count)
			continue;
		if (!out->count || s->min < out->min)
			out->min = s->min;
		if (!out->count || s->max > out->max)
			out->max = s->max;
		out->count += s->count;
		out->sum = (s64)((u64)out->sum + (u64)s->sum);
		for (b = 0; b < KP_AGG_NBUCKETS; b++)
			out->hist[b] += s->hist[b];
	}
}

void kp_agg_queue(struct kp_store *st, struct kp_agg *a)
{
	if (a->queued)
		return;
	a->queued = true;
	a->dead_next = st->dead_aggs;
	st->dead_aggs = a;
}

void kp_agg_reap(struct kp_store *st)
{
	struct kp_agg *a;

	while (st->dead_aggs) {
		a = st->dead_aggs;
		st->dead_aggs = a->dead_next;
		a->queued = false;
		if (a->refs)
			continue;	/* stored again since it was queued */
		kp_store_free(st, a, kp_agg_size(a->nslots));
	}
}
