/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapset_doc.h - the documentation a tapset or tool carries in its own
 * comments, read for ktap -l / -i and for man/ktap-tapsets.7.
 *
 * The header: the comment lines at the top of the file ("#!" skipped),
 * up to the first line that is not a comment:
 *     # NAME - one-line description
 *     #
 *     # Category: files|process|syscalls|block|sched|cpu|network|vfs|kernel|memory
 *     # Usage: ...            (tools; then "#   ARG  meaning" lines)
 *     # Example: ...          (tools; then "#   $ ktap NAME" and output)
 * A doc comment: "##" lines right before a "function" or "alias" line
 * of a library tapset; the first is the signature ("errno_str(n)",
 * "alias syscall.open"), the rest the description, then "##   NAME
 * meaning" lines: the alias's variables.
 */
#ifndef KP_TAPSET_DOC_H
#define KP_TAPSET_DOC_H

#include <stdbool.h>

struct kp_doc_entry {
	char *name;		/* "errno_str", "syscall.open" */
	char *signature;	/* "errno_str(n)", "syscall.open" */
	bool alias;
	char **lines;		/* the "##" lines after the signature */
	unsigned nlines;
};

struct kp_doc {
	char *path;
	bool tool;
	char *name;		/* from "NAME - description"; else the file's */
	char *description;	/* "" if the header has none */
	char *category;		/* "" if the header has none */
	char **header;		/* every header line, "# " taken off */
	unsigned nheader;
	struct kp_doc_entry *entries;	/* library tapsets: in file order */
	unsigned nentries;
};

/* Reads the doc of the file at path; -1 if it cannot be read. */
int kp_doc_read(const char *path, bool tool, struct kp_doc *doc);
void kp_doc_free(struct kp_doc *doc);

#endif /* KP_TAPSET_DOC_H */
