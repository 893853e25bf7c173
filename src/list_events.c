// SPDX-License-Identifier: GPL-2.0
/*
 * list_events.c - the discovery listings of kernel events: `ktap -le
 * [GLOB]` (tracepoints, -v adds their fields) and `ktap -L EVENTDEF`
 * (what argN and $name mean for a probe: tracepoint fields, kprobe and
 * uprobe parameters from DWARF).
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "dwarf.h"
#include "events.h"
#include "list.h"
#include "uevents.h"
#include "session.h"

/* ---- tracepoint fields ------------------------------------------------------ */

/*
 * One "field:TYPE NAME[N];" declaration of a format file split into
 * name and type ("char[16]" for an array); 0, or -1 if it is none.
 */
static int split_decl(const char *line, char *type, size_t tsize,
		      char *name, size_t nsize)
{
	struct kp_field_decl d;
	int tlen;

	if (kp_events_field_decl(line, &d))
		return -1;
	snprintf(name, nsize, "%.*s", (int)d.name_len, d.name);
	tlen = (int)(d.name - d.type);
	while (tlen > 0 && d.type[tlen - 1] == ' ')
		tlen--;
	snprintf(type, tsize, "%.*s%.*s", tlen, d.type,
		 d.array ? (int)(d.end - d.array) : 0, d.array ? d.array : "");
	return 0;
}

/*
 * The fields of a tracepoint after the common ones, numbered as argN
 * (args) or just declared (-le -v).
 */
static void print_fields(const char *root, const char *subsys,
			 const char *event, int args)
{
	char path[4096], type[256], name[128], *text, *line, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s/%s/format", root, subsys, event);
	text = kp_events_read_text(path);
	if (!text) {
		printf("    (cannot read %s)\n", path);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (split_decl(line, type, sizeof(type), name, sizeof(name)) ||
		    !strncmp(name, "common_", 7))
			continue;
		if (args)
			printf("    arg%-2d $%-20s %s\n", n++, name, type);
		else
			printf("    %s %s\n", type, name);
	}
	free(text);
}

/* Each tracepoint "subsys:event" matching glob: print it, *n of them. */
static int walk_tracepoints(const char *glob, int verbose, int args,
			    unsigned *n)
{
	char err[512], sub[4096], dir[4096], id[4200], subglob[256];
	const char *root = kp_events_tracefs(err, sizeof(err)), *colon;
	char **subs, **evs, *text;
	unsigned nsubs, nevs, i, j;

	if (!root) {
		fprintf(stderr, "ktap: %s\n", err);
		return -1;
	}
	colon = strchr(glob, ':');
	snprintf(subglob, sizeof(subglob), "%.*s",
		 colon ? (int)(colon - glob) : 1, colon ? glob : "*");
	subs = kp_events_glob_names(root, subglob, &nsubs);
	for (i = 0; i < nsubs; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", root,
				     subs[i]) >= sizeof(sub))
			continue;
		evs = kp_events_glob_names(sub, colon ? colon + 1 : glob, &nevs);
		for (j = 0; j < nevs; j++) {
			if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", sub,
					     evs[j]) >= sizeof(dir))
				continue;
			snprintf(id, sizeof(id), "%s/id", dir);
			text = kp_events_read_text(id);
			if (!text)
				continue;	/* "enable", "filter"... */
			free(text);
			printf("%s:%s\n", subs[i], evs[j]);
			(*n)++;
			if (verbose || args)
				print_fields(root, subs[i], evs[j], args);
		}
		kp_events_free_names(evs, nevs);
	}
	kp_events_free_names(subs, nsubs);
	return 0;
}

int kp_list_tracepoints(int verbose, char **args, int nargs)
{
	const char *glob = nargs ? args[0] : "*:*";
	unsigned n = 0;

	if (nargs > 1) {
		fprintf(stderr, "ktap: -le takes at most one GLOB (e.g. 'sched:*'), not %d words\n",
			nargs);
		return KP_EXIT_USAGE;
	}
	if (walk_tracepoints(glob, verbose, 0, &n))
		return KP_EXIT_SYSTEM;
	if (!n) {
		fprintf(stderr, "ktap: no tracepoint matches '%s'\n", glob);
		return KP_EXIT_SCRIPT;
	}
	return KP_EXIT_OK;
}

/* ---- probe parameters ------------------------------------------------------- */

static void print_var(const struct kp_dwarf_var *v)
{
	char arg[16] = "-";

	if (v->arg)
		snprintf(arg, sizeof(arg), "arg%d", v->arg);
	if (v->problem)
		printf("    %-5s $%-20s %s  (not readable: %s)\n", arg, v->name,
		       v->type, v->problem);
	else
		printf("    %-5s $%-20s %s\n", arg, v->name, v->type);
}

/* A function's parameters (or return value) from DWARF, or why not. */
static void print_params(const struct kp_dwarf_func *f, int err, const char *msg,
			 int ret)
{
	unsigned i;

	printf("    arg0  the probed address\n");
	if (err) {
		printf("    %s\n", ret ? "arg1  the return value ($retval)" :
		       "arg1..arg6  the arguments by the calling convention");
		printf("    $name: %s\n", msg);
		return;
	}
	printf("    debug info: %s\n", f->file);
	if (ret) {
		struct kp_dwarf_var r = f->ret;

		r.arg = 1;
		print_var(&r);
		return;
	}
	for (i = 0; i < f->nparams; i++)
		print_var(&f->params[i]);
}

/* One probe's parameters: of the kernel or of the uprobe's ELF file. */
static void print_probe(const struct ktap_event *ev, struct kp_dwarf_func *f)
{
	int ret = ev->type == KTAP_EVENT_KRETPROBE ||
		  ev->type == KTAP_EVENT_URETPROBE;
	char err[1536];
	int e;

	if (ev->type == KTAP_EVENT_KPROBE || ev->type == KTAP_EVENT_KRETPROBE) {
		printf("probe:%s%s\n", ev->name, ret ? "%return" : "");
		e = kp_dwarf_kernel_func(ev->name, f, err, sizeof(err));
		print_params(f, e, err, ret);
		return;
	}
	if (strchr(ev->name, ':')) {	/* an SDT marker: its note's arguments */
		const struct ktap_event_arg *a =
			(const struct ktap_event_arg *)(uintptr_t)ev->args;

		printf("sdt:%s:%s\n", (const char *)(uintptr_t)ev->path,
		       ev->name);
		if (ev->nnum == 1 && a[0].kind == KTAP_ARG_NONE)
			printf("    (no arguments)\n");
		else
			printf("    arg1..arg%u  the marker's arguments, as its note places them\n",
			       ev->nnum);
		return;
	}
	printf("probe:%s:%s%s\n", (const char *)(uintptr_t)ev->path, ev->name,
	       ret ? "%return" : "");
	if (!strncmp(ev->name, "0x", 2)) {
		printf("    arg0  the probed address\n    arg1..arg6  the arguments by the calling convention, if it is a function's entry\n");
		return;
	}
	e = kp_dwarf_user_func((const char *)(uintptr_t)ev->path, ev->name, f,
			       err, sizeof(err));
	print_params(f, e, err, ret);
}

/* probe: and sdt: EVENTDEFs, through the events code (globs, libc...). */
static int list_probes(const char *spec)
{
	struct kp_event_list list = { 0 };
	struct kp_dwarf_func *f;
	char err[1536];
	unsigned i;
	int r = kp_uevents_match(spec) ?
		kp_uevents_add(&list, spec, err, sizeof(err)) :
		kp_events_add(&list, spec, err, sizeof(err));

	if (r) {
		fprintf(stderr, "ktap: %s\n", err);
		kp_event_list_free(&list);
		return KP_EXIT_SCRIPT;
	}
	f = kp_diag_xrealloc(NULL, sizeof(*f));
	for (i = 0; i < list.n; i++)
		print_probe(&list.ev[i], f);
	kp_event_list_free(&list);
	kp_dwarf_cleanup();
	free(f);
	return KP_EXIT_OK;
}

int kp_list_args(int verbose, char **args, int nargs)
{
	const char *spec = nargs == 1 ? args[0] : NULL;
	unsigned n = 0;

	(void)verbose;
	if (!spec) {
		fprintf(stderr, "ktap: -L (--list-args) takes one EVENTDEF, e.g. 'ktap -L syscalls:sys_enter_openat'\n");
		return KP_EXIT_USAGE;
	}
	if (!strncmp(spec, "probe:", 6) || !strncmp(spec, "sdt:", 4))
		return list_probes(spec);
	if (!strchr(spec, ':') || strchr(spec, '/')) {
		fprintf(stderr, "ktap: '%s' is not an event: write SUBSYSTEM:EVENT, probe:FUNCTION, probe:FILE:FUNCTION or sdt:FILE:NAME\n",
			spec);
		return KP_EXIT_USAGE;
	}
	if (walk_tracepoints(spec, 1, 1, &n))
		return KP_EXIT_SYSTEM;
	if (!n) {
		fprintf(stderr, "ktap: no tracepoint matches '%s'\n", spec);
		return KP_EXIT_SCRIPT;
	}
	return KP_EXIT_OK;
}
