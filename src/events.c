// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - event discovery: finds tracefs (mounting it when needed),
 * expands EVENTDEF globs over its events and over /proc/kallsyms, reads
 * each tracepoint's id and format, and builds the descriptors LOAD sends.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "argstr.h"
#include "diag.h"
#include "dwarf.h"
#include "events.h"
#include "uevents.h"

/* ---- the list ------------------------------------------------------------ */

struct ktap_event *kp_event_list_push(struct kp_event_list *list)
{
	struct ktap_event *ev;

	if (list->n == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->ev = kp_diag_xrealloc(list->ev,
					    list->cap * sizeof(*list->ev));
	}
	ev = &list->ev[list->n++];
	memset(ev, 0, sizeof(*ev));
	return ev;
}

void kp_event_list_free(struct kp_event_list *list)
{
	unsigned i;

	for (i = 0; i < list->n; i++) {
		free((void *)(uintptr_t)list->ev[i].fields);
		free((void *)(uintptr_t)list->ev[i].fmt);
		free((void *)(uintptr_t)list->ev[i].path);
		free((void *)(uintptr_t)list->ev[i].args);
	}
	free(list->ev);
	memset(list, 0, sizeof(*list));
}

static const struct ktap_event_field *event_fields(const struct ktap_event *ev)
{
	return (const struct ktap_event_field *)(uintptr_t)ev->fields;
}

int kp_event_field_index(const struct ktap_event *ev, const char *name)
{
	const struct ktap_event_field *f = event_fields(ev);
	int i;

	for (i = 0; i < ev->nfields; i++)
		if (!strcmp(f[i].name, name))
			return i;
	return -1;
}

void kp_event_field_names(const struct ktap_event *ev, char *buf, size_t size)
{
	const struct ktap_event_field *f = event_fields(ev);
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ev->nfields && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : "", f[i].name);
	if (!ev->nfields)
		snprintf(buf, size, "(none)");
}

int kp_events_add_timer(struct kp_event_list *list, const char *name,
			unsigned type, unsigned long long period_ns, char *err,
			size_t errlen)
{
	struct ktap_event *ev;

	if (period_ns < KTAP_TIMER_MIN_NS) {
		snprintf(err, errlen, "%s: the period must be at least %dus",
			 name, KTAP_TIMER_MIN_NS / 1000);
		return -1;
	}
	ev = kp_event_list_push(list);
	ev->type = type;
	ev->config = period_ns;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	return 0;
}

/* ---- tracefs ------------------------------------------------------------- */

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The events/ directory of tracefs: $KTAP_TRACEFS (tests), the usual
 * mount point, the old one under debugfs, or tracefs mounted now.
 */
const char *kp_events_tracefs(char *err, size_t errlen)
{
	static char path[4096];
	const char *env = getenv("KTAP_TRACEFS");

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/events", env);
		return path;
	}
	if (is_dir("/sys/kernel/tracing/events"))
		return "/sys/kernel/tracing/events";
	if (is_dir("/sys/kernel/debug/tracing/events"))
		return "/sys/kernel/debug/tracing/events";
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 &&
	    is_dir("/sys/kernel/tracing/events"))
		return "/sys/kernel/tracing/events";
	snprintf(err, errlen, "tracefs is not mounted and mounting it failed (%s); mount it with 'mount -t tracefs nodev /sys/kernel/tracing' as root",
		 strerror(errno));
	return NULL;
}

char *kp_events_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096)
			buf = kp_diag_xrealloc(buf, cap = cap * 2 + 8192);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int kp_events_field_decl(const char *line, struct kp_field_decl *d)
{
	const char *decl = strstr(line, "field:"), *p;

	if (!decl)
		return -1;
	d->type = decl + 6;
	d->end = strchr(d->type, ';');
	if (!d->end)
		return -1;
	/* The name: the last identifier, before an array size ("c[16]"). */
	p = d->end;
	d->array = NULL;
	if (p > d->type && p[-1] == ']') {
		while (p > d->type && p[-1] != '[')
			p--;
		d->array = p - 1;
	}
	while (p > d->type && !isalnum((unsigned char)p[-1]) && p[-1] != '_')
		p--;
	d->name = p;
	while (d->name > d->type && (isalnum((unsigned char)d->name[-1]) ||
				     d->name[-1] == '_'))
		d->name--;
	d->name_len = (size_t)(p - d->name);
	return d->name_len ? 0 : -1;
}

/* "...field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" */
static int parse_field(const char *line, struct ktap_event_field *f)
{
	struct kp_field_decl d;
	unsigned offset, size, sign;
	const char *decl, *end, *p;

	if (kp_events_field_decl(line, &d))
		return -1;
	decl = d.type;
	end = d.end;
	p = strstr(end, "offset:");
	if (!p || sscanf(p, "offset:%u;\tsize:%u;\tsigned:%u;", &offset, &size,
			 &sign) != 3 || offset > 0xffff || size > 0xffff)
		return -1;
	if (d.name_len >= sizeof(f->name))
		return -1;
	memset(f, 0, sizeof(*f));
	memcpy(f->name, d.name, d.name_len);
	f->offset = (uint16_t)offset;
	f->size = (uint16_t)size;
	if (!strncmp(decl, "__data_loc", 10))
		f->kind = strstr(decl, "char") ? KTAP_FIELD_DATA_LOC :
						 KTAP_FIELD_OTHER;
	else if (memchr(decl, '[', (size_t)(end - decl)) && strstr(decl, "char"))
		f->kind = KTAP_FIELD_CHARS;
	/*
	 * __u8 saddr[4] (sock:inet_sock_set_state...): an IPv4 address, read
	 * as the u32 its bytes make in memory, which ip4_str() of the tapset
	 * library prints
	 */
	else if (memchr(decl, '[', (size_t)(end - decl)))
		f->kind = size == 4 && strstr(decl, "u8 ") ? KTAP_FIELD_UINT :
							      KTAP_FIELD_OTHER;
	else if (size == 1 || size == 2 || size == 4 || size == 8)
		f->kind = sign ? KTAP_FIELD_INT : KTAP_FIELD_UINT;
	else
		f->kind = KTAP_FIELD_OTHER;
	return 0;
}

/* Fill ev from an event directory's format file. */
static int read_format(struct ktap_event *ev, const char *dir,
		       const char *subsys, char *err, size_t errlen)
{
	struct ktap_event_field *fields;
	char path[4096], *text, *line, *save = NULL;
	unsigned n = 0;

	text = (size_t)snprintf(path, sizeof(path), "%s/format", dir) <
		sizeof(path) ? kp_events_read_text(path) : NULL;
	if (!text) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		return -1;
	}
	fields = kp_diag_xrealloc(NULL, KTAP_FIELDS_MAX * sizeof(*fields));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "field:") && n < KTAP_FIELDS_MAX &&
		    !parse_field(line, &fields[n])) {
			if (!strncmp(fields[n].name, "common_", 7))
				ev->first_arg = (uint16_t)(n + 1);
			n++;
		} else if (!strncmp(line, "print fmt: ", 11)) {
			ev->nfields = (uint16_t)n;
			ev->fields = (uintptr_t)fields;
			kp_argstr_build(ev, subsys, line + 11);
		}
	}
	ev->nfields = (uint16_t)n;
	ev->fields = (uintptr_t)fields;
	if (!ev->fmt_len)
		kp_argstr_build(ev, subsys, NULL);
	free(text);
	return 0;
}

/* One tracepoint directory: id, then format. */
static int add_tracepoint(struct kp_event_list *list, const char *dir,
			  const char *subsys, const char *event, int glob,
			  char *err, size_t errlen)
{
	struct ktap_event *ev;
	char path[4096], *id;

	id = (size_t)snprintf(path, sizeof(path), "%s/id", dir) < sizeof(path) ?
		kp_events_read_text(path) : NULL;
	if (!id)
		return 0;	/* not an event: "enable", "filter"... */
	if (list->n == KTAP_EVENTS_MAX) {
		free(id);
		snprintf(err, errlen, "more than %d events match", KTAP_EVENTS_MAX);
		return -1;
	}
	ev = kp_event_list_push(list);
	ev->type = KTAP_EVENT_TRACEPOINT;
	ev->config = strtoull(id, NULL, 10);
	/* Of a glob, events perf cannot count (ftrace's own) are skipped. */
	if (glob)
		ev->flags = KTAP_EVENT_F_OPTIONAL;
	free(id);
	snprintf(ev->name, sizeof(ev->name), "%s", event);
	if (read_format(ev, dir, subsys, err, errlen)) {
		list->n--;
		return -1;
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir matching glob, sorted; *n of them. */
char **kp_events_glob_names(const char *dir, const char *glob,
			    unsigned *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	unsigned cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fnmatch(glob, de->d_name, 0))
			continue;
		if (*n == cap)
			names = kp_diag_xrealloc(names, (cap = cap * 2 + 64) *
						 sizeof(*names));
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

void kp_events_free_names(char **names, unsigned n)
{
	while (n)
		free(names[--n]);
	free(names);
}

static int add_tracepoints(struct kp_event_list *list, const char *spec,
			   const char *colon, char *err, size_t errlen)
{
	char subsys_glob[256], dir[4096], sub[4096];
	const char *root = kp_events_tracefs(err, errlen);
	char **subs, **evs;
	unsigned nsubs, nevs, i, j, before = list->n;
	int ret = 0;

	if (!root)
		return -1;
	snprintf(subsys_glob, sizeof(subsys_glob), "%.*s",
		 (int)(colon - spec), spec);
	subs = kp_events_glob_names(root, subsys_glob, &nsubs);
	for (i = 0; i < nsubs && !ret; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", root,
				     subs[i]) >= sizeof(sub))
			continue;
		evs = kp_events_glob_names(sub, colon + 1, &nevs);
		for (j = 0; j < nevs && !ret; j++) {
			if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", sub,
					     evs[j]) < sizeof(dir) && is_dir(dir))
				ret = add_tracepoint(list, dir, subs[i], evs[j],
						     strpbrk(spec, "*?[") != NULL,
						     err, errlen);
		}
		kp_events_free_names(evs, nevs);
	}
	kp_events_free_names(subs, nsubs);
	if (!ret && list->n == before) {
		snprintf(err, errlen, "no tracepoint matches '%s' (see %s, or 'ls %s')",
			 spec, root, root);
		ret = -1;
	}
	return ret;
}

/* ---- kprobes -------------------------------------------------------------- */

/* Names in the kprobe blacklist (needs debugfs), one string, \n-separated. */
static char *kprobe_blacklist(void)
{
	const char *path = getenv("KTAP_KPROBES_BLACKLIST");
	char *text = kp_events_read_text(path && *path ? path :
			       "/sys/kernel/debug/kprobes/blacklist");
	char *out, *line, *save = NULL, *sym;
	size_t len = 0;

	if (!text)
		return NULL;
	out = kp_diag_xrealloc(NULL, strlen(text) + 2);
	out[len++] = '\n';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		sym = strchr(line, '\t');
		if (!sym)
			continue;
		sym++;
		len += (size_t)sprintf(out + len, "%s\n", sym);
	}
	out[len] = '\0';
	free(text);
	return out;
}

static int blacklisted(const char *blacklist, const char *name)
{
	char key[KTAP_EVENT_NAME_MAX + 2];

	if (!blacklist)
		return 0;
	snprintf(key, sizeof(key), "\n%s\n", name);
	return strstr(blacklist, key) != NULL;
}

/* Text symbols of /proc/kallsyms matching glob, in order, no duplicates. */
static int kallsyms_glob(struct kp_event_list *list, const char *glob,
			 unsigned type, unsigned long long offset,
			 const char *blacklist, unsigned *skipped)
{
	const char *path = getenv("KTAP_KALLSYMS");
	FILE *f = fopen(path && *path ? path : "/proc/kallsyms", "r");
	char line[512], name[256], kind;
	unsigned before = list->n, i;
	struct ktap_event *ev;
	int dup;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &kind, name) != 2 ||
		    (kind != 't' && kind != 'T') || fnmatch(glob, name, 0) ||
		    strlen(name) >= KTAP_EVENT_NAME_MAX ||
		    !strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6) ||
		    strstr(name, ".cold"))
			continue;
		if (blacklisted(blacklist, name)) {
			(*skipped)++;
			continue;
		}
		for (dup = 0, i = before; i < list->n && !dup; i++)
			dup = !strcmp(list->ev[i].name, name);
		if (dup)
			continue;
		if (list->n == KTAP_EVENTS_MAX)
			break;
		ev = kp_event_list_push(list);
		ev->type = type;
		ev->config = offset;
		snprintf(ev->name, sizeof(ev->name), "%s", name);
		if (strpbrk(glob, "*?["))
			ev->flags = KTAP_EVENT_F_OPTIONAL;
	}
	fclose(f);
	return 0;
}

int kp_event_split_return(const char *spec, const char *point, char *buf,
			  size_t size, char *err, size_t errlen)
{
	const char *ret = strstr(point, "%return");

	if (ret && ret[7]) {
		snprintf(err, errlen, "malformed event '%s': nothing may follow %%return",
			 spec);
		return -1;
	}
	snprintf(buf, size, "%.*s",
		 (int)(ret ? ret - point : (long)strlen(point)), point);
	return ret != NULL;
}

/* probe:SYMBOL[+OFFS][%return], SYMBOL may be a glob. */
static int add_kprobes(struct kp_event_list *list, const char *spec,
		       const char *sym, char *err, size_t errlen)
{
	char glob[KTAP_EVENT_NAME_MAX], *plus, *blacklist;
	unsigned type = KTAP_EVENT_KPROBE, skipped = 0, before = list->n;
	unsigned long long offset = 0;
	int ret = kp_event_split_return(spec, sym, glob, sizeof(glob), err,
					errlen);
	char *end;

	if (ret < 0)
		return -1;
	if (ret)
		type = KTAP_EVENT_KRETPROBE;
	plus = strchr(glob, '+');
	if (plus) {
		*plus = '\0';
		offset = strtoull(plus + 1, &end, 0);
		if (*end || end == plus + 1 || ret) {
			snprintf(err, errlen, "malformed event '%s': an offset is SYMBOL+NUMBER, without %%return",
				 spec);
			return -1;
		}
	}
	if (!glob[0]) {
		snprintf(err, errlen, "malformed event '%s': no function name", spec);
		return -1;
	}
	blacklist = kprobe_blacklist();
	if (kallsyms_glob(list, glob, type, offset, blacklist, &skipped)) {
		free(blacklist);
		snprintf(err, errlen, "cannot read /proc/kallsyms: %s", strerror(errno));
		return -1;
	}
	free(blacklist);
	if (list->n > before)
		return 0;
	if (skipped)
		snprintf(err, errlen, "'%s' is in the kernel's kprobe blacklist (/sys/kernel/debug/kprobes/blacklist): it cannot be probed",
			 glob);
	else
		snprintf(err, errlen, "no kernel function matches '%s' (see /proc/kallsyms)",
			 glob);
	return -1;
}

int kp_events_add(struct kp_event_list *list, const char *spec, char *err,
		  size_t errlen)
{
	const char *colon = strchr(spec, ':');

	if (!colon) {
		snprintf(err, errlen, "'%s' is not an event: write SUBSYSTEM:EVENT (e.g. syscalls:sys_enter_openat), or probe:FUNCTION",
			 spec);
		return -1;
	}
	if (kp_uevents_match(spec))
		return kp_uevents_add(list, spec, err, errlen);
	if (!strncmp(spec, "probe:", 6))
		return add_kprobes(list, spec, colon + 1, err, errlen);
	if (!strncmp(spec, "ftrace:", 7)) {
		snprintf(err, errlen, "'%s': %.*s events are not supported yet",
			 spec, (int)(colon - spec), spec);
		return -1;
	}
	if (colon == spec || !colon[1] || strchr(colon + 1, ':') ||
	    strchr(spec, '/')) {
		snprintf(err, errlen, "malformed event '%s': write SUBSYSTEM:EVENT, globs allowed",
			 spec);
		return -1;
	}
	return add_tracepoints(list, spec, colon, err, errlen);
}

/* ---- $name of kprobes and uprobes ------------------------------------------ */

/* Append a location to ev's args (after any SDT ones); its index. */
static int push_arg(struct ktap_event *ev, const struct ktap_event_arg *a)
{
	struct ktap_event_arg *args;

	if (ev->nargs >= KTAP_EVENT_ARGS_MAX)
		return -1;
	args = kp_diag_xrealloc((void *)(uintptr_t)ev->args,
				(ev->nargs + 1u) * sizeof(*args));
	args[ev->nargs] = *a;
	ev->args = (uintptr_t)args;
	return ev->nargs++;
}

/* The parameter names of f, comma-separated. */
static void param_names(const struct kp_dwarf_func *f, char *buf, size_t size)
{
	size_t len = 0;
	unsigned i;

	snprintf(buf, size, "(none)");
	for (i = 0; i < f->nparams && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : "", f->params[i].name);
}

static int is_uprobe(const struct ktap_event *ev)
{
	return ev->type == KTAP_EVENT_UPROBE || ev->type == KTAP_EVENT_URETPROBE;
}

/* The function's DWARF: of the kernel, or of the uprobe's ELF file. */
static int probe_dwarf(const struct ktap_event *ev, struct kp_dwarf_func *fn,
		       char *err, size_t errlen)
{
	if (!is_uprobe(ev))
		return kp_dwarf_kernel_func(ev->name, fn, err, errlen);
	if (!strncmp(ev->name, "0x", 2)) {
		snprintf(err, errlen, "parameters are known for a function symbol, not at the offset %s",
			 ev->name);
		return -1;
	}
	return kp_dwarf_user_func((const char *)(uintptr_t)ev->path, ev->name,
				  fn, err, errlen);
}

/* Which parameters an event can have: none in returns or mid-function. */
static int probe_field_check(const struct ktap_event *ev, const char *name,
			     char *err, size_t errlen)
{
	int ret = ev->type == KTAP_EVENT_KRETPROBE ||
		  ev->type == KTAP_EVENT_URETPROBE;

	if (ret && strcmp(name, "retval")) {
		snprintf(err, errlen, "a return probe cannot read parameters (their registers are reused by then); read them in an entry probe, or use $retval");
		return -1;
	}
	if (!ret && !strcmp(name, "retval")) {
		snprintf(err, errlen, "$retval exists only in return probes (add %%return to the probe)");
		return -1;
	}
	if (ev->config && !is_uprobe(ev)) {
		snprintf(err, errlen, "parameters are known only at the function's entry, not at probe:%s+%llu",
			 ev->name, (unsigned long long)ev->config);
		return -1;
	}
	return 0;
}

int kp_event_probe_field(struct ktap_event *ev, const char *name,
			 char *names, size_t nameslen, char *err,
			 size_t errlen)
{
	const struct kp_dwarf_var *v;
	struct kp_dwarf_func *fn;
	int ret = -1;

	if (probe_field_check(ev, name, err, errlen))
		return -1;
	fn = kp_diag_xrealloc(NULL, sizeof(*fn));
	if (probe_dwarf(ev, fn, err, errlen)) {
		ret = strcmp(name, "retval") ? -1 : -3;
		goto out;
	}
	v = kp_dwarf_param(fn, name);
	if (!v) {
		param_names(fn, names, nameslen);
		ret = -2;
		goto out;
	}
	if (v->problem) {
		if (v == &fn->ret)
			snprintf(err, errlen, "the return value (%s) %s (debug info: %s)",
				 v->type, v->problem, fn->file);
		else
			snprintf(err, errlen, "the parameter (%s) %s; ktap reads parameters from registers only, at the function's entry (debug info: %s)",
				 v->type, v->problem, fn->file);
		goto out;
	}
	ret = push_arg(ev, &v->loc);
	if (ret < 0)
		snprintf(err, errlen, "more than %d argument locations in one event",
			 KTAP_EVENT_ARGS_MAX);
out:
	free(fn);
	return ret;
}
