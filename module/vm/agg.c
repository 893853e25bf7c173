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
 * of tables: refs counts the globals and table slots holding it (under
 * the pool lock), and an aggregation without holders is retired and
 * freed by kp_store_reap().
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
	kp_agg_retire(st, a);
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

void kp_agg_add(struct kp_store *st, struct kp_agg *a, s64 v)
{
	struct kp_agg_slot *s;
	unsigned long flags;
	u32 cpu;

	kp_irq_save(flags);
	cpu = kp_cpu_id();
	kp_local_inc_return(&st->ctxs[cpu].guard);

	/* nr_cpu_ids does not change while a session runs; be safe anyway. */
	s = &a->slots[cpu < a->nslots ? cpu : 0];
	if (!s->count || v < s->min)
		s->min = v;
	if (!s->count || v > s->max)
		s->max = v;
	s->count++;
	s->sum = (s64)((u64)s->sum + (u64)v);
	s->hist[kp_agg_bucket(v)]++;
	kp_local_dec(&st->ctxs[cpu].guard);
	kp_irq_restore(flags);
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

void kp_agg_retire(struct kp_store *st, struct kp_agg *a)
{
	if (a->queued) {
		a->requeue = true;
		return;
	}
	a->queued = true;
	a->dead_next = st->open.aggs;
	st->open.aggs = a;
	kp_store_pending_add(st, 1);
}

int kp_agg_free_list(struct kp_store *st, struct kp_agg *list)
{
	struct kp_agg *a;
	int n = 0;

	while (list) {
		a = list;
		list = a->dead_next;
		n++;
		if (a->refs || a->requeue) {	/* stored again since */
			a->queued = false;
			a->requeue = false;
			if (!a->refs)
				kp_agg_retire(st, a);
			continue;
		}
		kp_store_free(st, a, kp_agg_size(a->nslots));
	}
	return n;
}
