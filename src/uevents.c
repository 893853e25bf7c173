// SPDX-License-Identifier: GPL-2.0
/*
 * uevents.c - uprobe, uretprobe and SDT marker events (uevents.h): the
 * EVENTDEF is split into file and what to probe there, the file found
 * and read with elfsym.c, and each match becomes a descriptor holding
 * the file's path, the file offset, an SDT semaphore's offset and the
 * marker's argument locations.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "elfsym.h"
#include "sdtarg.h"
#include "uevents.h"

int kp_uevents_match(const char *spec)
{
	const char *rest;

	if (!strncmp(spec, "sdt:", 4))
		return 1;
	if (strncmp(spec, "probe:", 6))
		return 0;
	rest = spec + 6;
	return rest[0] == '/' || strchr(rest, ':') != NULL;
}

static int is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static struct ktap_event *push(struct kp_event_list *list, unsigned type,
			       const char *path, unsigned long long offset,
			       const char *name, int optional)
{
	struct ktap_event *ev = kp_event_list_push(list);
	size_t n = strlen(path) + 1;

	ev->type = type;
	ev->config = offset;
	ev->path = (uintptr_t)memcpy(kp_diag_xrealloc(NULL, n), path, n);
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	if (optional)
		ev->flags = KTAP_EVENT_F_OPTIONAL;
	return ev;
}

static int too_many(const struct kp_event_list *list, unsigned more,
		    const char *spec, char *err, size_t errlen)
{
	if (list->n + more <= KTAP_EVENTS_MAX)
		return 0;
	snprintf(err, errlen, "'%s' matches %u probes, more than the %u events one session may have: narrow the glob",
		 spec, more, KTAP_EVENTS_MAX);
	return 1;
}

static int offset_cmp(const void *a, const void *b)
{
	const struct kp_elf_func *const *x = a, *const *y = b;

	return ((*x)->offset > (*y)->offset) - ((*x)->offset < (*y)->offset);
}

/*
 * A glob: each matched address once, under the name kp_elf_better_name()
 * prefers (malloc over __libc_malloc); return probes skip _start & co.
 */
static int add_func_glob(struct kp_event_list *list, const char *spec,
			 const char *path, struct kp_elf_func *f, int nf,
			 const char *glob, unsigned type, unsigned *refused,
			 char *err, size_t errlen)
{
	struct kp_elf_func **m = kp_diag_xrealloc(NULL, (size_t)(nf + 1) *
						  sizeof(*m));
	unsigned n = 0, i, j, uniq = 0;

	for (i = 0; i < (unsigned)nf; i++) {
		if (fnmatch(glob, f[i].name, 0))
			continue;
		if (type == KTAP_EVENT_URETPROBE &&
		    kp_elf_no_return_probe(f[i].name)) {
			(*refused)++;
			continue;
		}
		m[n++] = &f[i];
	}
	qsort(m, n, sizeof(*m), offset_cmp);
	for (i = 0; i < n; i = j) {
		struct kp_elf_func *best = m[i];

		for (j = i + 1; j < n && m[j]->offset == m[i]->offset; j++)
			if (kp_elf_better_name(m[j]->name, best->name))
				best = m[j];
		m[uniq++] = best;
	}
	if (too_many(list, uniq, spec, err, errlen)) {
		free(m);
		return -1;
	}
	for (i = 0; i < uniq; i++)
		push(list, type, path, m[i]->offset, m[i]->name, 1);
	free(m);
	return 0;
}

/*
 * A function the file's own .dynsym lacks (a stripped library's
 * internal one, such as libc's _int_malloc), from its debug file.
 * Returns how many probes it added; debug names its path.
 */
static int add_debug_func(struct kp_event_list *list, const char *spec,
			  struct kp_elf *e, const char *what, unsigned type,
			  char *debug, size_t debuglen)
{
	const char *path = kp_elf_path(e);
	unsigned before = list->n;
	struct kp_elf_func *f;
	char err[256];
	int nf = kp_elf_debug_funcs(e, &f, debug, debuglen), i;

	for (i = 0; i < nf; i++)
		if (!strcmp(f[i].name, what) &&
		    !too_many(list, 1, spec, err, sizeof(err)))
			push(list, type, path, f[i].offset, what, 0);
	if (nf > 0)
		kp_elf_funcs_free(f, nf);
	return (int)(list->n - before);
}

static int add_funcs(struct kp_event_list *list, const char *spec,
		     struct kp_elf *e, const char *what, unsigned type,
		     char *err, size_t errlen)
{
	char debug[256] = "";
	const char *path = kp_elf_path(e), *which;
	struct kp_elf_func *f;
	unsigned before = list->n, refused = 0;
	int nf = kp_elf_funcs(e, &f, &which, err, errlen), i, ret = 0;

	if (nf < 0)
		return -1;
	if (is_glob(what)) {
		ret = add_func_glob(list, spec, path, f, nf, what, type,
				    &refused, err, errlen);
	} else if (type == KTAP_EVENT_URETPROBE && kp_elf_no_return_probe(what)) {
		refused = 1;
	} else {
		/* a local name may exist in several objects: probe each */
		for (i = 0; i < nf; i++)
			if (!strcmp(f[i].name, what) &&
			    !too_many(list, 1, spec, err, errlen))
				push(list, type, path, f[i].offset, what, 0);
	}
	kp_elf_funcs_free(f, nf);
	/* one name only: a glob keeps to the functions the file exports */
	if (!ret && list->n == before && !refused && !is_glob(what) &&
	    strcmp(which, ".symtab") &&
	    add_debug_func(list, spec, e, what, type, debug, sizeof(debug)))
		return 0;
	if (ret || list->n > before)
		return ret;
	if (refused)
		snprintf(err, errlen, "'%s': a return probe on %s would corrupt the program (it is entered by a jump, or its return address is saved and returned to again); probe its entry instead",
			 spec, is_glob(what) ? "each function matched" : what);
	else if (strcmp(which, ".symtab") && debug[0] && access(debug, R_OK))
		snprintf(err, errlen, "no function matches '%s' in %s (%d probeable functions in its %s; list them with ktap -lf %s); its internal functions are named in its debug file %s, which is not installed (Debian: the package's -dbg or -dbgsym)",
			 what, path, nf, which, path, debug);
	else
		snprintf(err, errlen, "no function matches '%s' in %s (%d probeable functions in its %s; list them with ktap -lf %s)",
			 what, path, nf, which, path);
	return -1;
}

/* :0xOFFSET (or decimal): a file offset, which must be in code. */
static int add_offset(struct kp_event_list *list, const char *spec,
		      struct kp_elf *e, const char *what, unsigned type,
		      char *err, size_t errlen)
{
	unsigned long long off;
	char *end, name[32];

	off = strtoull(what, &end, 0);
	if (*end || end == what) {
		snprintf(err, errlen, "malformed event '%s': an offset is a number such as 0x1139",
			 spec);
		return -1;
	}
	if (!kp_elf_offset_is_code(e, off)) {
		snprintf(err, errlen, "'%s': file offset 0x%llx is not in an executable segment of %s",
			 spec, off, kp_elf_path(e));
		return -1;
	}
	snprintf(name, sizeof(name), "0x%llx", off);
	push(list, type, kp_elf_path(e), off, name, 0);
	return 0;
}

static unsigned long long sdt_symbol(void *ctx, const char *name)
{
	return kp_elf_symbol(ctx, name);
}

static int sdt_match(const struct kp_elf_sdt *s, const char *pat)
{
	char full[512];

	if (!strchr(pat, ':'))
		return !fnmatch(pat, s->name, 0);
	snprintf(full, sizeof(full), "%s:%s", s->provider, s->name);
	return !fnmatch(pat, full, 0);
}

static void sdt_event(struct kp_event_list *list, struct kp_elf *e,
		      const struct kp_elf_sdt *s, int optional)
{
	struct ktap_event_arg args[KTAP_EVENT_ARGS_MAX];
	struct ktap_event *ev;
	char name[KTAP_EVENT_NAME_MAX];
	int n;

	snprintf(name, sizeof(name), "%s:%s", s->provider, s->name);
	ev = push(list, KTAP_EVENT_UPROBE, kp_elf_path(e), s->offset, name,
		  optional);
	ev->ref_ctr_offset = s->sem_offset;
	n = kp_sdt_parse_args(s->args, s->pc, sdt_symbol, e, args,
			      KTAP_EVENT_ARGS_MAX);
	if (n <= 0) {
		/* no arguments (or unreadable ones): arg1.. are nil */
		memset(args, 0, sizeof(args[0]));
		args[0].size = 8;
		args[0].base = args[0].index = KTAP_REG_NONE;
		n = 1;
	}
	ev->args = (uintptr_t)memcpy(kp_diag_xrealloc(NULL, n * sizeof(args[0])),
				     args, n * sizeof(args[0]));
	ev->nargs = ev->nnum = (unsigned short)n;
}

static int add_sdts(struct kp_event_list *list, const char *spec,
		    struct kp_elf *e, const char *what, char *err,
		    size_t errlen)
{
	struct kp_elf_sdt *s;
	unsigned before = list->n, matched = 0;
	int n = kp_elf_sdts(e, &s, err, errlen), i;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		matched += sdt_match(&s[i], what);
	if (!too_many(list, matched, spec, err, errlen))
		for (i = 0; i < n; i++)
			if (sdt_match(&s[i], what))
				sdt_event(list, e, &s[i], is_glob(what));
	kp_elf_sdts_free(s, n);
	if (list->n > before)
		return 0;
	if (matched)
		return -1;
	if (!n)
		snprintf(err, errlen, "%s has no SDT markers (no .note.stapsdt section)",
			 kp_elf_path(e));
	else
		snprintf(err, errlen, "no SDT marker matches '%s' in %s (%d markers; list them with ktap -lm %s)",
			 what, kp_elf_path(e), n, kp_elf_path(e));
	return -1;
}

int kp_uevents_add(struct kp_event_list *list, const char *spec, char *err,
		   size_t errlen)
{
	int sdt = !strncmp(spec, "sdt:", 4);
	const char *rest = spec + (sdt ? 4 : 6), *colon = strchr(rest, ':');
	const char *what;
	char file[4096], path[4096], sym[512];
	unsigned type = KTAP_EVENT_UPROBE;
	struct kp_elf *e;
	int r, ret;

	if (!colon || colon == rest || !colon[1] ||
	    (size_t)(colon - rest) >= sizeof(file)) {
		snprintf(err, errlen, "malformed event '%s': write %s:FILE:%s (FILE a path or a library such as libc)",
			 spec, sdt ? "sdt" : "probe",
			 sdt ? "NAME" : "SYMBOL[%return]");
		return -1;
	}
	snprintf(file, sizeof(file), "%.*s", (int)(colon - rest), rest);
	what = colon + 1;
	ret = kp_event_split_return(spec, what, sym, sizeof(sym), err, errlen);
	if (ret < 0)
		return -1;
	if (ret && (sdt || !sym[0])) {
		snprintf(err, errlen, "malformed event '%s': %%return ends a uprobe's SYMBOL; SDT markers have none",
			 spec);
		return -1;
	}
	if (ret)
		type = KTAP_EVENT_URETPROBE;
	if (kp_elf_find(file, path, sizeof(path), err, errlen))
		return -1;
	e = kp_elf_open(path, err, errlen);
	if (!e)
		return -1;
	if (sdt)
		r = add_sdts(list, spec, e, sym, err, errlen);
	else if (sym[0] >= '0' && sym[0] <= '9')
		r = add_offset(list, spec, e, sym, type, err, errlen);
	else
		r = add_funcs(list, spec, e, sym, type, err, errlen);
	kp_elf_close(e);
	return r;
}
