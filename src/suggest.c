// SPDX-License-Identifier: GPL-2.0
/*
 * suggest.c - picks the known names closest to a misspelt one.  The
 * distance is Damerau-Levenshtein restricted to adjacent transpositions
 * (so "pirnt" is one edit from "print"); a candidate is near enough when
 * at most a third of the name (at most 3 edits) differs, which keeps
 * short names from matching everything: "b" suggests nothing.
 */
#include <stdio.h>
#include <string.h>

#include "suggest.h"

/* Longer names are never suggested: the table below stays small. */
#define KP_SUGGEST_MAXLEN	64

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

static unsigned distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned d[KP_SUGGEST_MAXLEN + 1][KP_SUGGEST_MAXLEN + 1];
	size_t i, j;

	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

void kp_suggest_init(struct kp_suggest *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
}

void kp_suggest_add(struct kp_suggest *s, const char *candidate)
{
	size_t la = strlen(s->name), lb = strlen(candidate);
	unsigned limit = (unsigned)(la / 3), d, i;

	if (limit > 3)
		limit = 3;
	if (!limit || la > KP_SUGGEST_MAXLEN || lb > KP_SUGGEST_MAXLEN ||
	    (la > lb ? la - lb : lb - la) > limit || !strcmp(s->name, candidate))
		return;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->best[i], candidate))
			return;
	d = distance(s->name, la, candidate, lb);
	if (d > limit)
		return;
	/* insertion into the sorted few; equal distances keep their order */
	for (i = s->n; i > 0 && s->dist[i - 1] > d; i--) {
		if (i < KP_SUGGEST_MAX) {
			s->best[i] = s->best[i - 1];
			s->dist[i] = s->dist[i - 1];
		}
	}
	if (i >= KP_SUGGEST_MAX)
		return;
	s->best[i] = candidate;
	s->dist[i] = d;
	if (s->n < KP_SUGGEST_MAX)
		s->n++;
}

const char *kp_suggest_format(const struct kp_suggest *s, char *buf,
			      size_t size)
{
	size_t used;
	unsigned i;

	buf[0] = '\0';
	if (!s->n)
		return buf;
	used = (size_t)snprintf(buf, size, " (did you mean ");
	for (i = 0; i < s->n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s'%s'",
					 !i ? "" : i + 1 < s->n ? ", " : " or ",
					 s->best[i]);
	if (used < size)
		snprintf(buf + used, size - used, "?)");
	return buf;
}
