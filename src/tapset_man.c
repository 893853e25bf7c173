// SPDX-License-Identifier: GPL-2.0
/*
 * tapset_man.c - writes the PROBE ALIASES and FUNCTIONS sections of
 * man/ktap-tapsets.7 from the library's doc comments, so the manual
 * cannot drift from the tapsets (ktap --tapset-man DIR; Makefile.am).
 * In a doc comment, a line indented by two or more spaces starting
 * "NAME  text" (two spaces) is an item (an alias variable); a more
 * indented line continues the item before it; other lines are prose.
 */
#include <stdlib.h>
#include <string.h>

#include "tapset_doc.h"
#include "tapset_man.h"
#include "tpath.h"

/* Text for roff: backslashes escaped, no control character in column 0. */
static void roff_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static size_t indent_of(const char *s)
{
	size_t n = 0;

	while (s[n] == ' ')
		n++;
	return n;
}

/* "  name   text": the length of name if the line is an item, else 0. */
static size_t item_name(const char *line, size_t *text)
{
	size_t in = indent_of(line), n = in, gap;

	if (in < 2)
		return 0;
	while (line[n] && line[n] != ' ')
		n++;
	gap = indent_of(line + n);
	if (gap < 2 || !line[n + gap])
		return 0;
	*text = n + gap;
	return n - in;
}

static void entry(FILE *f, const struct kp_doc_entry *e)
{
	size_t item_indent = 0, text, len;
	bool in_items = false;
	unsigned i;

	fputs(".SS ", f);
	roff_text(f, e->signature);
	fputc('\n', f);
	for (i = 0; i < e->nlines; i++) {
		const char *l = e->lines[i];

		if ((len = item_name(l, &text)) &&
		    (!in_items || indent_of(l) <= item_indent)) {
			item_indent = indent_of(l);
			in_items = true;
			fputs(".TP\n.B ", f);
			fwrite(l + item_indent, 1, len, f);
			fputc('\n', f);
			roff_text(f, l + text);
		} else if (in_items && indent_of(l) > item_indent) {
			roff_text(f, l + indent_of(l));
		} else {
			if (in_items)
				fputs(".PP\n", f);
			in_items = false;
			roff_text(f, l + indent_of(l));
		}
		fputc('\n', f);
	}
}

static int section(FILE *f, struct kp_doc *docs, unsigned n, bool alias)
{
	unsigned i, j, count = 0;

	fprintf(f, ".SH %s\n", alias ? "PROBE ALIASES" : "FUNCTIONS");
	for (i = 0; i < n; i++) {
		for (j = 0; j < docs[i].nentries; j++) {
			if (docs[i].entries[j].alias != alias)
				continue;
			entry(f, &docs[i].entries[j]);
			fprintf(f, ".PP\nIn\n.IR %s.kp .\n", docs[i].name);
			count++;
		}
	}
	return count;
}

int kp_man_tapsets(FILE *f, const char *dir)
{
	char **list = kp_tpath_list(dir), **p;
	struct kp_doc *docs = NULL;
	unsigned n = 0, i;
	int ok;

	for (p = list; p && *p; p++) {
		docs = realloc(docs, (n + 1) * sizeof(*docs));
		if (!docs || kp_doc_read(*p, false, &docs[n]) == 0)
			n++;
	}
	kp_tpath_free_list(list);
	ok = docs && section(f, docs, n, true) && section(f, docs, n, false);
	for (i = 0; i < n; i++)
		kp_doc_free(&docs[i]);
	free(docs);
	if (!ok)
		fprintf(stderr, "ktap: no documented tapsets in '%s'\n", dir);
	return ok ? 0 : 1;
}
