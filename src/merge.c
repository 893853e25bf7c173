// SPDX-License-Identifier: GPL-2.0
/*
 * The reorder window over a session's output records (merge.h): a
 * binary min-heap keyed by (timestamp, arrival), so records with equal
 * timestamps keep the order they arrived in.
 */
#include <stdlib.h>
#include <string.h>
#include "merge.h"

void kp_merge_init(struct kp_merge *m, unsigned long long window_ns,
		   size_t max_held)
{
	memset(m, 0, sizeof(*m));
	m->window_ns = window_ns;
	m->max_held = max_held ? max_held : 1;
}

static int kp_merge_before(const struct kp_merge_item *a,
			   const struct kp_merge_item *b)
{
	if (a->rec.time_ns != b->rec.time_ns)
		return a->rec.time_ns < b->rec.time_ns;
	return a->seq < b->seq;
}

static void kp_merge_swap(struct kp_merge *m, size_t i, size_t j)
{
	struct kp_merge_item t = m->heap[i];

	m->heap[i] = m->heap[j];
	m->heap[j] = t;
}

int kp_merge_push(struct kp_merge *m, const struct ktap_record *rec,
		  const char *payload)
{
	struct kp_merge_item *it;
	size_t i;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct kp_merge_item *heap = realloc(m->heap, cap * sizeof(*heap));

		if (!heap)
			return -1;
		m->heap = heap;
		m->cap = cap;
	}
	it = &m->heap[m->n];
	it->rec = *rec;
	it->seq = m->seq++;
	it->payload = malloc(rec->len ? rec->len : 1);
	if (!it->payload)
		return -1;
	memcpy(it->payload, payload, rec->len);
	/* Sift up. */
	for (i = m->n++; i > 0 && kp_merge_before(&m->heap[i],
						  &m->heap[(i - 1) / 2]);
	     i = (i - 1) / 2)
		kp_merge_swap(m, i, (i - 1) / 2);
	return 0;
}

/* Remove the oldest record, hand it to emit, free it. */
static void kp_merge_pop(struct kp_merge *m, kp_merge_emit_fn *emit, void *ctx)
{
	struct kp_merge_item top = m->heap[0];
	size_t i = 0;

	m->heap[0] = m->heap[--m->n];
	/* Sift down. */
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, least = i;

		if (l < m->n && kp_merge_before(&m->heap[l], &m->heap[least]))
			least = l;
		if (r < m->n && kp_merge_before(&m->heap[r], &m->heap[least]))
			least = r;
		if (least == i)
			break;
		kp_merge_swap(m, i, least);
		i = least;
	}
	if (top.rec.time_ns < m->last_ns)
		m->late++;
	else
		m->last_ns = top.rec.time_ns;
	emit(ctx, &top.rec, top.payload);
	free(top.payload);
}

void kp_merge_drain(struct kp_merge *m, unsigned long long now_ns,
		    kp_merge_emit_fn *emit, void *ctx)
{
	while (m->n > m->max_held ||
	       (m->n && m->heap[0].rec.time_ns + m->window_ns <= now_ns))
		kp_merge_pop(m, emit, ctx);
}

long long kp_merge_due_in(const struct kp_merge *m, unsigned long long now_ns)
{
	unsigned long long due;

	if (!m->n)
		return -1;
	due = m->heap[0].rec.time_ns + m->window_ns;
	return due > now_ns ? (long long)(due - now_ns) : 0;
}

void kp_merge_flush(struct kp_merge *m, kp_merge_emit_fn *emit, void *ctx)
{
	while (m->n)
		kp_merge_pop(m, emit, ctx);
}

void kp_merge_free(struct kp_merge *m)
{
	while (m->n)
		free(m->heap[--m->n].payload);
	free(m->heap);
	m->heap = NULL;
	m->cap = 0;
}
