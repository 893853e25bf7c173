/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suggest.h - "did you mean" for a name that is not found: the closest
 * known names by edit distance.
 */
#ifndef KP_SUGGEST_H
#define KP_SUGGEST_H

#include <stddef.h>

#define KP_SUGGEST_MAX	3

struct kp_suggest {
	const char *name;			/* the name not found */
	const char *best[KP_SUGGEST_MAX];	/* closest first */
	unsigned dist[KP_SUGGEST_MAX];
	unsigned n;
};

void kp_suggest_init(struct kp_suggest *s, const char *name);

/* Offers one known name; kept if it is among the closest, near enough. */
void kp_suggest_add(struct kp_suggest *s, const char *candidate);

/*
 * " (did you mean 'a'?)", " (did you mean 'a', 'b' or 'c'?)", or "" when
 * nothing was near enough, into buf.
 */
const char *kp_suggest_format(const struct kp_suggest *s, char *buf,
			      size_t size);

#endif /* KP_SUGGEST_H */
