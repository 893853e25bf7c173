// SPDX-License-Identifier: GPL-2.0
/*
 * tapset_doc.c - reads a tapset's or tool's header and doc comments
 * (tapset_doc.h): the one source of truth for ktap -l and the manual.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "tapset_doc.h"
#include "tpath.h"

static char *dup_range(const char *s, size_t len)
{
	char *d = kp_diag_xrealloc(NULL, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	while (len && (d[len - 1] == ' ' || d[len - 1] == '\t' ||
		       d[len - 1] == '\r'))
		d[--len] = '\0';
	return d;
}

static void push(char ***list, unsigned *n, char *s)
{
	*list = kp_diag_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = s;
}

/* The next line of text from *at: its start and length; NULL at the end. */
static const char *next_line(const char **at, size_t *len)
{
	const char *line = *at, *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	*len = nl ? (size_t)(nl - line) : strlen(line);
	*at = nl ? nl + 1 : line + *len;
	return line;
}

/* "NAME - description" and "Category: X" out of the header lines. */
static void read_title(struct kp_doc *doc)
{
	const char *dash;
	unsigned i;

	for (i = 0; i < doc->nheader; i++) {
		const char *l = doc->header[i];

		if (!doc->name && *l && (dash = strstr(l, " - "))) {
			doc->name = dup_range(l, (size_t)(dash - l));
			doc->description = strdup(dash + 3);
		} else if (!doc->category[0] && !strncmp(l, "Category:", 9)) {
			free(doc->category);
			l += 9;
			while (*l == ' ')
				l++;
			doc->category = strdup(l);
		}
	}
}

static const char *header(struct kp_doc *doc, const char *text)
{
	const char *line, *at = text;
	size_t len;

	if (!strncmp(at, "#!", 2))
		next_line(&at, &len);
	while ((line = next_line(&at, &len)) && len && line[0] == '#' &&
	       (len < 2 || line[1] != '#')) {
		line++;
		len--;
		if (len && *line == ' ')
			line++, len--;
		push(&doc->header, &doc->nheader, dup_range(line, len));
	}
	return at;
}

/*
 * A "##" block followed by "function NAME" or "alias NAME": an entry,
 * which takes the block's lines after the signature (true), or not.
 */
static bool add_entry(struct kp_doc *doc, char **block, unsigned nblock,
		      const char *def, size_t len)
{
	struct kp_doc_entry *e;
	bool alias = !strncmp(def, "alias ", 6);
	const char *name = def + (alias ? 6 : 9), *end, *sig = block[0];

	if (!alias && strncmp(def, "function ", 9))
		return false;
	while (*name == ' ')
		name++;
	for (end = name; end < def + len && *end != ' ' && *end != '(' &&
	     *end != '\t'; end++)
		;
	if (!strncmp(sig, "alias ", 6))
		sig += 6;
	doc->entries = kp_diag_xrealloc(doc->entries, (doc->nentries + 1) *
					sizeof(*doc->entries));
	e = &doc->entries[doc->nentries++];
	e->name = dup_range(name, (size_t)(end - name));
	e->alias = alias;
	e->signature = strdup(sig);
	e->nlines = nblock - 1;
	e->lines = kp_diag_xrealloc(NULL, nblock * sizeof(*e->lines));
	memcpy(e->lines, block + 1, e->nlines * sizeof(*block));
	return true;
}

static void entries(struct kp_doc *doc, const char *at)
{
	char **block = NULL;
	unsigned nblock = 0, i;
	const char *line;
	size_t len;

	while ((line = next_line(&at, &len))) {
		if (len >= 2 && line[0] == '#' && line[1] == '#') {
			line += 2;
			len -= 2;
			if (len && *line == ' ')
				line++, len--;
			push(&block, &nblock, dup_range(line, len));
			continue;
		}
		if (nblock && !add_entry(doc, block, nblock, line, len))
			for (i = 1; i < nblock; i++)
				free(block[i]);
		if (nblock)
			free(block[0]);
		nblock = 0;
	}
	for (i = 0; i < nblock; i++)
		free(block[i]);
	free(block);
}

int kp_doc_read(const char *path, bool tool, struct kp_doc *doc)
{
	size_t len;
	char *text = kp_tpath_read(path, &len);
	const char *base = strrchr(path, '/');

	memset(doc, 0, sizeof(*doc));
	if (!text)
		return -1;
	doc->path = strdup(path);
	doc->tool = tool;
	doc->category = strdup("");
	entries(doc, header(doc, text));
	read_title(doc);
	if (!doc->name) {
		base = base ? base + 1 : path;
		doc->name = dup_range(base, strlen(base) - 3);	/* ".kp" */
		doc->description = strdup("");
	}
	free(text);
	return 0;
}

void kp_doc_free(struct kp_doc *doc)
{
	unsigned i, j;

	for (i = 0; i < doc->nheader; i++)
		free(doc->header[i]);
	for (i = 0; i < doc->nentries; i++) {
		for (j = 0; j < doc->entries[i].nlines; j++)
			free(doc->entries[i].lines[j]);
		free(doc->entries[i].lines);
		free(doc->entries[i].name);
		free(doc->entries[i].signature);
	}
	free(doc->entries);
	free(doc->header);
	free(doc->path);
	free(doc->name);
	free(doc->description);
	free(doc->category);
	memset(doc, 0, sizeof(*doc));
}
