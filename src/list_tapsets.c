// SPDX-License-Identifier: GPL-2.0
/*
 * list_tapsets.c - ktap -l and -i (list_tapsets.h).  Everything shown
 * comes from the files' own comments (tapset_doc.h); a name shadowed by
 * an earlier directory of the path is not shown, as it would not run.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "suggest.h"
#include "list_tapsets.h"
#include "tapset_doc.h"

/* The categories of the tool header convention, in listing order. */
static const char *const kp_categories[] = {
	"files", "process", "syscalls", "block", "sched", "cpu", "network",
	"vfs", "kernel", "memory",
};
#define KP_NCATEGORIES (sizeof(kp_categories) / sizeof(kp_categories[0]))

struct doc_set {
	struct kp_doc *docs;
	unsigned n;
};

/* Whether a tool of that name came earlier: that one runs, not d.
 * Library files are all listed: the first to define a name wins, not
 * the first of a file name. */
static bool have(const struct doc_set *set, const struct kp_doc *d)
{
	unsigned i;

	for (i = 0; i < set->n; i++)
		if (d->tool && set->docs[i].tool &&
		    !strcmp(set->docs[i].name, d->name))
			return true;
	return false;
}

static void add_dir(struct doc_set *set, const char *dir, bool tool)
{
	char **list = kp_tpath_list(dir), **p;
	struct kp_doc d;

	for (p = list; p && *p; p++) {
		if (kp_doc_read(*p, tool, &d))
			continue;
		if (have(set, &d)) {
			kp_doc_free(&d);
			continue;
		}
		set->docs = kp_diag_xrealloc(set->docs, (set->n + 1) *
					     sizeof(*set->docs));
		set->docs[set->n++] = d;
	}
	kp_tpath_free_list(list);
}

static void load(struct doc_set *set, const struct kp_tpath *path)
{
	unsigned i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < path->n; i++) {
		add_dir(set, path->dirs[i].tools, true);
		add_dir(set, path->dirs[i].lib, false);
	}
}

static void unload(struct doc_set *set)
{
	unsigned i;

	for (i = 0; i < set->n; i++)
		kp_doc_free(&set->docs[i]);
	free(set->docs);
}

static bool match(const char *pattern, const char *s)
{
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, s, 0) == 0;
	return strstr(s, pattern) != NULL;
}

static bool doc_matches(const struct kp_doc *d, const char *pattern)
{
	unsigned i;

	if (!pattern || match(pattern, d->name) || match(pattern, d->category))
		return true;
	for (i = 0; i < d->nentries; i++)
		if (match(pattern, d->entries[i].name))
			return true;
	return false;
}

/* "  aliases: a, b" under a library tapset's line. */
static void print_provides(const struct kp_doc *d, bool alias)
{
	const char *sep = alias ? "      aliases: " : "    functions: ";
	unsigned i;

	for (i = 0; i < d->nentries; i++) {
		if (d->entries[i].alias != alias)
			continue;
		printf("%s%s", sep, d->entries[i].name);
		sep = ", ";
	}
	if (sep[0] == ',')
		putchar('\n');
}

static void print_doc_line(const struct kp_doc *d)
{
	printf("  %-16s %s%s\n", d->name, d->tool ? "" : "(library) ",
	       d->description);
	if (!d->tool) {
		print_provides(d, false);
		print_provides(d, true);
	}
}

/* The listing of one category: a header, an underline, its items. */
static unsigned print_category(const struct doc_set *set, const char *cat,
			       const char *pattern, bool *printed)
{
	unsigned i, n = 0;
	bool tool;

	for (tool = true;; tool = false) {
		for (i = 0; i < set->n; i++) {
			const struct kp_doc *d = &set->docs[i];
			const char *c = d->category[0] ? d->category : "other";

			if (d->tool != tool || strcmp(c, cat) ||
			    !doc_matches(d, pattern))
				continue;
			if (!n++)
				printf("%s%s\n%.*s\n", *printed ? "\n" : "", cat,
				       (int)strlen(cat),
				       "----------------------------------------");
			*printed = true;
			print_doc_line(d);
		}
		if (!tool)
			break;
	}
	return n;
}

static bool known_category(const char *c)
{
	unsigned i;

	for (i = 0; i < KP_NCATEGORIES; i++)
		if (!strcmp(kp_categories[i], c))
			return true;
	return false;
}

/* Categories outside the convention, and "other", after the known ones. */
static unsigned print_other_categories(const struct doc_set *set,
				       const char *pattern, bool *printed)
{
	unsigned i, j, n = 0;
	const char *c;

	for (i = 0; i < set->n; i++) {
		c = set->docs[i].category[0] ? set->docs[i].category : "other";
		if (known_category(c))
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(c, set->docs[j].category[0] ?
				    set->docs[j].category : "other"))
				break;
		if (j == i)
			n += print_category(set, c, pattern, printed);
	}
	return n;
}

static const struct kp_doc *find_doc(const struct doc_set *set,
				     const char *name)
{
	unsigned i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->docs[i].name, name))
			return &set->docs[i];
	return NULL;
}

static void print_entry(const struct kp_doc_entry *e)
{
	unsigned i;

	printf("\n%s%s\n", e->alias ? "probe alias " : "", e->signature);
	for (i = 0; i < e->nlines; i++)
		printf("    %s\n", e->lines[i]);
}

static void print_info(const struct kp_doc *d)
{
	unsigned i = 0, n = d->nheader;

	while (i < n && !d->header[i][0])
		i++;
	while (n > i && !d->header[n - 1][0])
		n--;
	for (; i < n; i++)
		printf("%s\n", d->header[i]);
	printf("\n%s: %s\n", d->tool ? "Tool" : "Library tapset", d->path);
	for (i = 0; i < d->nentries; i++)
		print_entry(&d->entries[i]);
}

/* A library function or alias called name, with the tapset it is in. */
static bool print_entry_info(const struct doc_set *set, const char *name)
{
	unsigned i, j;

	for (i = 0; i < set->n; i++) {
		for (j = 0; j < set->docs[i].nentries; j++) {
			if (strcmp(set->docs[i].entries[j].name, name))
				continue;
			print_entry(&set->docs[i].entries[j]);
			printf("\nIn library tapset %s (%s)\n",
			       set->docs[i].name, set->docs[i].path);
			return true;
		}
	}
	return false;
}

static void nothing_matches(const struct doc_set *set, const char *what,
			    const char *name)
{
	struct kp_suggest s;
	char hint[256];
	unsigned i, j;

	kp_suggest_init(&s, name);
	for (i = 0; i < set->n; i++) {
		kp_suggest_add(&s, set->docs[i].name);
		for (j = 0; j < set->docs[i].nentries; j++)
			kp_suggest_add(&s, set->docs[i].entries[j].name);
	}
	fprintf(stderr, "ktap: %s '%s' on the tapset path%s\n", what, name,
		kp_suggest_format(&s, hint, sizeof(hint)));
}

int kp_list_info(const struct kp_tpath *path, const char *name)
{
	struct doc_set set;
	const struct kp_doc *d;
	int ret = 0;

	load(&set, path);
	d = find_doc(&set, name);
	if (d)
		print_info(d);
	else if (!print_entry_info(&set, name)) {
		nothing_matches(&set, "no tool, tapset, function or alias", name);
		ret = 1;
	}
	unload(&set);
	return ret;
}

int kp_list_tapsets(const struct kp_tpath *path, const char *pattern)
{
	struct doc_set set;
	bool printed = false;
	unsigned i, n = 0;

	load(&set, path);
	if (pattern && find_doc(&set, pattern)) {
		unload(&set);
		return kp_list_info(path, pattern);
	}
	for (i = 0; i < KP_NCATEGORIES; i++)
		n += print_category(&set, kp_categories[i], pattern, &printed);
	n += print_other_categories(&set, pattern, &printed);
	if (!n) {
		if (pattern)
			nothing_matches(&set, "nothing matches", pattern);
		else
			fprintf(stderr, "ktap: no tools or tapsets on the tapset path (-I, KTAP_TAPSET_PATH, ~/.ktap/tapset, %s)\n",
				path->n ? path->dirs[path->n - 1].lib : "");
	}
	unload(&set);
	return n ? 0 : 1;
}
