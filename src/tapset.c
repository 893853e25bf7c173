// SPDX-License-Identifier: GPL-2.0
/*
 * tapset.c - the tapset library for the compiler (tapset.h).
 *
 * The index is built on the first lookup: every library file of the
 * tapset path, in path order and by name within a directory, scanned
 * for the lines that start a definition ("function NAME" and
 * "alias NAME" in column 0).  The first file defining a name wins, so
 * an -I directory shadows the installed library name by name.
 *
 * A function is taken out of its file's syntax tree (parsed once) and
 * handed to the resolver with, the first time, the file's other top
 * level statements (its data: tables the functions read).  An alias is
 * parsed afresh for each use, because its prologue becomes part of the
 * block that uses it.  Alias definitions of one name are tried in the
 * order of the file: the first whose version guard holds and one of
 * whose events exists on this kernel is used, with all of its events
 * that exist.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "events.h"
#include "parse.h"
#include "suggest.h"
#include "tapset.h"

struct tapset_file {
	char *path;
	char *text;
	size_t len;
	unsigned diag_file;	/* 0 until parsed */
	struct kp_ast_node *tree;	/* functions still to hand out */
	bool data_given;
};

struct tapset_def {
	char *name;
	bool alias;
	unsigned file;
};

struct kp_tapset_lib {
	const struct kp_tpath *path;
	struct kp_diag *diag;
	struct kp_ast_arena *arena;
	bool indexed;
	struct tapset_file *files;
	unsigned nfiles;
	struct tapset_def *defs;
	unsigned ndefs;
};

struct kp_tapset_lib *kp_tapset_open(const struct kp_tpath *path,
				     struct kp_diag *diag,
				     struct kp_ast_arena *arena)
{
	struct kp_tapset_lib *lib = kp_diag_xrealloc(NULL, sizeof(*lib));

	memset(lib, 0, sizeof(*lib));
	lib->path = path;
	lib->diag = diag;
	lib->arena = arena;
	return lib;
}

void kp_tapset_close(struct kp_tapset_lib *lib)
{
	unsigned i;

	if (!lib)
		return;
	for (i = 0; i < lib->nfiles; i++) {
		free(lib->files[i].path);
		free(lib->files[i].text);
	}
	for (i = 0; i < lib->ndefs; i++)
		free(lib->defs[i].name);
	free(lib->files);
	free(lib->defs);
	free(lib);
}

/* "function NAME" or "alias NAME" at the start of a line: NAME's length. */
static size_t def_at(const char *line, const char *keyword, const char **name)
{
	size_t k = strlen(keyword), n = 0;

	if (strncmp(line, keyword, k) || (line[k] != ' ' && line[k] != '\t'))
		return 0;
	line += k;
	while (*line == ' ' || *line == '\t')
		line++;
	while (line[n] == '_' || line[n] == '.' ||
	       (line[n] >= 'a' && line[n] <= 'z') ||
	       (line[n] >= 'A' && line[n] <= 'Z') ||
	       (line[n] >= '0' && line[n] <= '9'))
		n++;
	*name = line;
	return n;
}

static void add_def(struct kp_tapset_lib *lib, const char *name, size_t len,
		    bool alias)
{
	struct tapset_def *d;

	lib->defs = kp_diag_xrealloc(lib->defs, (lib->ndefs + 1) *
				     sizeof(*lib->defs));
	d = &lib->defs[lib->ndefs++];
	d->name = kp_diag_xrealloc(NULL, len + 1);
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->alias = alias;
	d->file = lib->nfiles - 1;
}

static void index_file(struct kp_tapset_lib *lib, char *path)
{
	struct tapset_file *f;
	const char *line, *name;
	size_t len;
	char *text = kp_tpath_read(path, &len);

	if (!text) {
		free(path);
		return;
	}
	lib->files = kp_diag_xrealloc(lib->files, (lib->nfiles + 1) *
				      sizeof(*lib->files));
	f = &lib->files[lib->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->text = text;
	f->len = len;
	for (line = text; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if ((len = def_at(line, "function", &name)))
			add_def(lib, name, len, false);
		else if ((len = def_at(line, "alias", &name)))
			add_def(lib, name, len, true);
	}
}

static void build_index(struct kp_tapset_lib *lib)
{
	unsigned d;
	char **list, **p;

	if (lib->indexed || !lib->path)
		return;
	lib->indexed = true;
	for (d = 0; d < lib->path->n; d++) {
		list = kp_tpath_list(lib->path->dirs[d].lib);
		for (p = list; p && *p; p++)
			index_file(lib, *p);
		free(list);	/* the paths now belong to the files */
	}
}

static const struct tapset_def *find_def(struct kp_tapset_lib *lib,
					 const char *name, bool alias)
{
	unsigned i;

	build_index(lib);
	for (i = 0; i < lib->ndefs; i++)
		if (lib->defs[i].alias == alias &&
		    !strcmp(lib->defs[i].name, name))
			return &lib->defs[i];
	return NULL;
}

/* Parses a tapset file (again), its positions under its own name. */
static struct kp_ast_node *parse_file(struct kp_tapset_lib *lib,
				      struct tapset_file *f)
{
	struct kp_ast_node *tree;

	if (f->diag_file)
		lib->diag->cur_file = f->diag_file;
	else
		f->diag_file = kp_diag_add_file(lib->diag, f->path, f->text,
						f->len);
	tree = kp_parse_tapset(f->text, f->len, lib->diag, lib->arena);
	lib->diag->cur_file = 0;
	return tree;
}

static bool is_function_def(const struct kp_ast_node *s, const char *name)
{
	return s->kind == KP_AST_ASSIGN && s->u.assign.nvalues == 1 &&
	       s->u.assign.values->kind == KP_AST_FUNCTION &&
	       s->u.assign.values->u.func.name &&
	       (!name || !strcmp(s->u.assign.values->u.func.name, name));
}

/*
 * The file's data: what is neither a function nor an alias.  A trace
 * block has no place in a library (it would run in every script that
 * uses one of its functions).
 */
static struct kp_ast_node *take_data(struct kp_tapset_lib *lib,
				     struct tapset_file *f)
{
	struct kp_ast_node *head = NULL, **tail = &head, **s = &f->tree->u.block.stmts;
	struct kp_ast_node *n;

	while ((n = *s)) {
		if (is_function_def(n, NULL) || (n->kind == KP_AST_PROBE &&
		    n->u.probe.kind == KP_PROBE_ALIAS)) {
			s = &n->next;
			continue;
		}
		if (n->kind == KP_AST_PROBE)
			kp_diag_error(lib->diag, n->pos, KP_MSG_TAPSET_PROBE);
		*s = n->next;
		n->next = NULL;
		*tail = n;
		tail = &n->next;
	}
	return head;
}

/* The hook: the statements defining function `name`, see resolve.h. */
static bool lookup_function(void *ctx, const char *name,
			    struct kp_ast_node **stmts)
{
	struct kp_tapset_lib *lib = ctx;
	const struct tapset_def *def = find_def(lib, name, false);
	struct tapset_file *f;
	struct kp_ast_node **s, *fn;

	if (!def)
		return false;
	f = &lib->files[def->file];
	if (!f->tree && !(f->tree = parse_file(lib, f)))
		return false;
	for (s = &f->tree->u.block.stmts; *s && !is_function_def(*s, name);
	     s = &(*s)->next)
		;
	if (!*s)
		return false;
	fn = *s;
	*s = fn->next;
	fn->next = NULL;
	if (!f->data_given) {
		f->data_given = true;
		fn->next = take_data(lib, f);
	}
	*stmts = fn;
	return true;
}

static void offer_names(struct kp_tapset_lib *lib, struct kp_suggest *s,
			bool alias)
{
	unsigned i;

	build_index(lib);
	for (i = 0; i < lib->ndefs; i++)
		if (lib->defs[i].alias == alias)
			kp_suggest_add(s, lib->defs[i].name);
}

static void offer_functions(void *ctx, struct kp_suggest *s)
{
	offer_names(ctx, s, false);
}

void kp_tapset_hooks(struct kp_tapset_lib *lib, struct kp_res_hooks *hooks)
{
	memset(hooks, 0, sizeof(*hooks));
	hooks->tapset_lookup = lookup_function;
	hooks->tapset_names = offer_functions;
	hooks->ctx = lib;
}

/* ---- kernel releases ------------------------------------------------ */

/* Compares two releases field by field ("6.12.3" > "6.2"). */
static int compare_release(const char *a, const char *b)
{
	unsigned long x, y;
	char *end;

	while (*a || *b) {
		x = strtoul(a, &end, 10);
		a = end;
		y = strtoul(b, &end, 10);
		b = end;
		if (x != y)
			return x < y ? -1 : 1;
		if (*a != '.' && *b != '.')
			break;
		a += *a == '.';
		b += *b == '.';
	}
	return 0;
}

bool kp_tapset_kernel_is(enum kp_ast_binop op, const char *version)
{
	const char *release = getenv("KTAP_KERNEL_RELEASE");
	struct utsname u;
	int c;

	if (!release || !*release) {
		if (uname(&u))
			return false;
		release = u.release;
	}
	c = compare_release(release, version);
	switch (op) {
	case KP_BIN_LT: return c < 0;
	case KP_BIN_LE: return c <= 0;
	case KP_BIN_GT: return c > 0;
	case KP_BIN_GE: return c >= 0;
	case KP_BIN_EQ: return c == 0;
	default: return c != 0;
	}
}

/* ---- aliases -------------------------------------------------------- */

/* Keeps the events of `def` that exist here; why the others do not. */
static struct kp_ast_node *existing_events(struct kp_ast_node *def,
					   char *why, size_t size)
{
	struct kp_ast_node *head = NULL, **tail = &head, *e, *next;
	struct kp_event_list probe = { 0 };
	char err[512];
	size_t used = strlen(why);

	for (e = def->u.probe.events; e; e = next) {
		next = e->next;
		e->next = NULL;
		if (kp_events_add(&probe, e->u.str.s, err, sizeof(err)) == 0) {
			*tail = e;
			tail = &e->next;
		} else if (used < size) {
			used += (size_t)snprintf(why + used, size - used,
						 "; %s", err);
		}
		kp_event_list_free(&probe);
	}
	return head;
}

/* The first usable definition of `name` in `tree`, events chosen. */
static struct kp_ast_node *choose(struct kp_ast_node *tree, const char *name,
				  char *why, size_t size)
{
	struct kp_ast_node *s;
	size_t used;

	for (s = tree->u.block.stmts; s; s = s->next) {
		if (s->kind != KP_AST_PROBE || s->u.probe.kind != KP_PROBE_ALIAS ||
		    strcmp(s->u.probe.spec, name))
			continue;
		if (s->u.probe.kver &&
		    !kp_tapset_kernel_is(s->u.probe.kver_op, s->u.probe.kver)) {
			used = strlen(why);
			snprintf(why + used, size - used,
				 "; a definition needs kernel %s \"%s\"",
				 kp_ast_binop_spelling(s->u.probe.kver_op),
				 s->u.probe.kver);
			continue;
		}
		s->u.probe.events = existing_events(s, why, size);
		if (s->u.probe.events)
			return s;
	}
	return NULL;
}

/* trace ALIAS { body }: the alias's events, its prologue, then body. */
static void expand(struct kp_tapset_lib *lib, struct kp_ast_node *n)
{
	const struct tapset_def *def = find_def(lib, n->u.probe.spec, true);
	struct kp_ast_node *tree, *alias, *last, *body;
	struct kp_suggest s;
	char why[2048] = "";

	if (!def) {
		kp_suggest_init(&s, n->u.probe.spec);
		offer_names(lib, &s, true);
		kp_diag_error(lib->diag, n->pos, KP_MSG_ALIAS_UNKNOWN,
			      n->u.probe.spec,
			      kp_suggest_format(&s, why, sizeof(why)));
		return;
	}
	tree = parse_file(lib, &lib->files[def->file]);
	if (!tree)
		return;
	alias = choose(tree, n->u.probe.spec, why, sizeof(why));
	if (!alias) {
		kp_diag_error(lib->diag, n->pos, KP_MSG_ALIAS_NO_EVENT,
			      n->u.probe.spec, lib->files[def->file].path,
			      why[0] ? why + 2 : "no definition");
		return;
	}
	n->u.probe.events = alias->u.probe.events;
	body = n->u.probe.fn->u.func.body;
	last = alias->u.probe.fn->u.func.body->u.block.stmts;
	if (!last)
		return;
	while (last->next)
		last = last->next;
	last->next = body->u.block.stmts;
	body->u.block.stmts = alias->u.probe.fn->u.func.body->u.block.stmts;
}

int kp_tapset_expand_aliases(struct kp_tapset_lib *lib,
			     struct kp_ast_node *chunk)
{
	unsigned errors = lib->diag->nerrors;
	struct kp_ast_node *s;

	for (s = chunk->u.block.stmts; s; s = s->next)
		if (s->kind == KP_AST_PROBE && s->u.probe.kind == KP_PROBE_TRACE &&
		    !strchr(s->u.probe.spec, ':'))
			expand(lib, s);
	return lib->diag->nerrors > errors ? -1 : 0;
}
