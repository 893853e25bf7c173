/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tpath.h - the tapset search path: where library tapsets and tool
 * scripts are looked for, in the order that decides which one wins.
 */
#ifndef KP_TPATH_H
#define KP_TPATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One directory of the path.  Library tapsets are lib/NAME.kp, tools are
 * tools/NAME.kp: a directory given by -I, $KTAP_TAPSET_PATH or
 * ~/.ktap/tapset holds its tools in its tools/ subdirectory (as tapset/
 * of the source tree does); the installed pair is $(pkgdatadir)/tapset
 * and $(pkgdatadir)/tools.
 */
struct kp_tpath_dir {
	char *lib;
	char *tools;
	const char *origin;	/* "-I", "KTAP_TAPSET_PATH", "~/.ktap/tapset", "installed" */
};

struct kp_tpath {
	struct kp_tpath_dir *dirs;
	unsigned n;
};

/*
 * Builds the path: the -I directories in the order given, then the
 * entries of $KTAP_TAPSET_PATH (colon-separated, empty ones skipped),
 * then ~/.ktap/tapset, then the installed directories.  The first
 * directory that has a name wins.
 */
void kp_tpath_init(struct kp_tpath *p, const char *const *idirs,
		   unsigned nidirs);
void kp_tpath_free(struct kp_tpath *p);

/* The malloc()ed path of tool NAME (tools/NAME.kp), or NULL. */
char *kp_tpath_find_tool(const struct kp_tpath *p, const char *name);

/* Whether `name` can name a tool: letters, digits, '_', '-', '.'. */
bool kp_tpath_is_tool_name(const char *name);

/*
 * The NAME.kp files of `dir`, sorted by name: a malloc()ed NULL-ended
 * array of malloc()ed full paths (free with kp_tpath_free_list()), or
 * NULL when the directory cannot be read or has none.
 */
char **kp_tpath_list(const char *dir);
void kp_tpath_free_list(char **list);

/* A whole file, NUL-terminated, malloc()ed; NULL if it cannot be read. */
char *kp_tpath_read(const char *path, size_t *len);

#endif /* KP_TPATH_H */
