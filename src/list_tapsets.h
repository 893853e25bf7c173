/* SPDX-License-Identifier: GPL-2.0 */
/*
 * list_tapsets.h - ktap -l [PATTERN] and ktap -i NAME: what the tapset
 * path holds (tools and library tapsets) and the documentation of one.
 */
#ifndef KP_LIST_TAPSETS_H
#define KP_LIST_TAPSETS_H

#include "tpath.h"

/*
 * -l: the tools and library tapsets whose name, category or provided
 * names match PATTERN (a glob, or a substring without glob characters;
 * NULL: all), grouped by category.  A PATTERN that is exactly a name
 * shows that one as -i does.  Returns the exit status: 1 when nothing
 * matches.
 */
int kp_list_tapsets(const struct kp_tpath *path, const char *pattern);

/* -i: the full header of tool or tapset NAME, or the doc of a library
 * function or alias NAME.  Returns the exit status. */
int kp_list_info(const struct kp_tpath *path, const char *name);

#endif /* KP_LIST_TAPSETS_H */
