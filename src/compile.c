/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.c - runs the compiler's passes in order (parse, resolve,
 * generate, serialise) and owns the memory they share.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "ast.h"
#include "chunk_writer.h"
#include "codegen.h"
#include "compile.h"
#include "diag.h"
#include "parse.h"
#include "probes.h"
#include "resolve.h"
#include "tapset.h"
#include "spec_args.h"

/*
 * The name the chunk gives the script, for the module's messages.  The
 * loader takes at most KTAP_MAX_SCRIPT_NAME bytes; a longer path keeps
 * its end, which names the file.
 */
static const char *chunk_script_name(const char *name)
{
	size_t len = strlen(name);

	return len > KTAP_MAX_SCRIPT_NAME ? name + len - KTAP_MAX_SCRIPT_NAME
					  : name;
}

/* Serialises `chunk` into `out`, refusing what the module would refuse. */
static int write_chunk(struct kp_chunk_builder *chunk, struct kp_diag *diag,
		       struct kp_chunk_buf *out)
{
	static const struct kp_pos no_pos;
	size_t len;

	if (kp_chunk_serialize(chunk, &out->data, &out->len) ||
	    out->len > KTAP_CHUNK_MAX) {
		len = out->len;
		kp_chunk_buf_free(out);
		kp_diag_error(diag, no_pos, KP_MSG_CHUNK_SIZE, len,
			      KTAP_CHUNK_MAX);
		return -1;
	}
	return 0;
}

/*
 * Whether `source` mentions the name arg.  A textual scan, so a string or
 * comment that says arg also counts; that only costs an unused global.
 */
static bool uses_arg(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if (memcmp(s + i, "arg", 3))
			continue;
		if ((i && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) ||
		    (i + 3 < len && (isalnum((unsigned char)s[i + 3]) ||
				     s[i + 3] == '_')))
			continue;
		return true;
	}
	return false;
}

static struct kp_ast_node *str_node(struct kp_ast_arena *arena,
				    const char *text, struct kp_pos pos)
{
	struct kp_ast_node *n = kp_ast_new(arena, KP_AST_STR, pos);

	n->u.str.len = strlen(text);
	n->u.str.s = kp_ast_strdup(arena, text, n->u.str.len);
	return n;
}

/*
 * A word as the INT or STR node that arg[] holds for it: decimal or 0x
 * hex that fits 64 bits is a number (not octal: "010" stays a string).
 */
static struct kp_ast_node *arg_value(struct kp_ast_arena *arena,
				     const char *word, struct kp_pos pos)
{
	struct kp_ast_node *n;
	const char *digits = word + (*word == '-' || *word == '+');
	long long v;
	char *end;

	errno = 0;
	v = strtoll(word, &end, 0);
	if (isdigit((unsigned char)*digits) && !*end && !errno &&
	    (digits[0] != '0' || !digits[1] || digits[1] == 'x' ||
	     digits[1] == 'X')) {
		n = kp_ast_new(arena, KP_AST_INT, pos);
		n->u.ival = v;
		return n;
	}
	return str_node(arena, word, pos);
}

/* Prepends "arg = {[0] = name, [1] = args[0], ...}" to the top level. */
static void prepend_arg(struct kp_ast_node *tree, struct kp_ast_arena *arena,
			const char *name, const char *const *args, int nargs)
{
	static const struct kp_pos pos = { 1, 1, 0 };
	struct kp_ast_node *set = kp_ast_new(arena, KP_AST_ASSIGN, pos);
	struct kp_ast_node *t = kp_ast_new(arena, KP_AST_TABLE, pos);
	struct kp_ast_node **tail = &t->u.table.fields, *f;
	int i;

	for (i = -1; i < nargs; i++) {
		f = kp_ast_new(arena, KP_AST_FIELD, pos);
		f->u.field.key = kp_ast_new(arena, KP_AST_INT, pos);
		f->u.field.key->u.ival = i + 1;
		/* arg[0], the script's name, is a string whatever it spells */
		f->u.field.value = i < 0 ? str_node(arena, name, pos) :
					   arg_value(arena, args[i], pos);
		*tail = f;
		tail = &f->next;
		t->u.table.nrec++;
	}
	set->u.assign.targets = kp_ast_new(arena, KP_AST_NAME, pos);
	set->u.assign.targets->u.name.id = "arg";
	set->u.assign.ntargets = 1;
	set->u.assign.values = t;
	set->u.assign.nvalues = 1;
	set->next = tree->u.block.stmts;
	tree->u.block.stmts = set;
}

/* The tapset files of diag, for runtime errors (struct kp_line_map). */
static void keep_line_map(const struct kp_diag *diag, struct kp_line_map *map)
{
	unsigned i;

	map->n = diag->nfiles - 1;
	map->files = map->n ? kp_diag_xrealloc(NULL, map->n * sizeof(*map->files))
			    : NULL;
	for (i = 0; i < map->n; i++) {
		map->files[i].name = strdup(diag->files[i + 1].name);
		map->files[i].base = diag->files[i + 1].base;
		map->files[i].nlines = diag->files[i + 1].nlines;
	}
}

const char *kp_line_map_error(const struct kp_line_map *map, const char *msg,
			      size_t len, char *buf, size_t size)
{
	unsigned long line;
	const char *colon;
	char *end;
	unsigned i;

	snprintf(buf, size, "%.*s", (int)len, msg);
	if (!map)
		return buf;
	/* the first ":DIGITS: " ends the script's name */
	for (colon = strchr(buf, ':'); colon; colon = strchr(colon + 1, ':')) {
		line = strtoul(colon + 1, &end, 10);
		if (end > colon + 1 && end[0] == ':' && end[1] == ' ')
			break;
	}
	for (i = 0; colon && i < map->n; i++) {
		const struct kp_line_file *f = &map->files[i];

		if (line > f->base && line <= f->base + f->nlines) {
			char rest[4096];

			snprintf(rest, sizeof(rest), "%s", end);
			snprintf(buf, size, "%s:%lu%s", f->name, line - f->base,
				 rest);
			break;
		}
	}
	return buf;
}

int kp_compile(const char *script_name, const char *source, size_t len,
	       FILE *err, struct kp_chunk_buf *out)
{
	return kp_compile_args(script_name, source, len, NULL, -1, err, out);
}

int kp_compile_args(const char *script_name, const char *source, size_t len,
		    const char *const *args, int nargs, FILE *err,
		    struct kp_chunk_buf *out)
{
	return kp_compile_lib(script_name, source, len, args, nargs, NULL,
			      err, out);
}

/* nargs < 0: no arg table at all (the unit tests' kp_compile()). */
int kp_compile_lib(const char *script_name, const char *source, size_t len,
		   const char *const *args, int nargs,
		   const struct kp_tpath *tapsets, FILE *err,
		   struct kp_chunk_buf *out)
{
	struct kp_tapset_lib *lib;
	struct kp_res_hooks hooks;
	struct kp_diag diag;
	struct kp_ast_arena arena;
	struct kp_res_result res;
	struct kp_ast_node *tree;
	struct kp_chunk_builder *chunk = NULL;
	struct kp_probes probes;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&probes, 0, sizeof(probes));
	kp_diag_init(&diag, err, script_name, source, len);
	kp_ast_arena_init(&arena);
	lib = kp_tapset_open(tapsets, &diag, &arena);
	kp_tapset_hooks(lib, &hooks);
	tree = kp_parse_chunk(source, len, &diag, &arena);
	if (!tree)
		goto out;
	if (kp_spec_args_subst(tree, &arena, &diag, args, nargs))
		goto out;
	if (nargs >= 0 && uses_arg(source, len))
		prepend_arg(tree, &arena, diag.script_name, args, nargs);
	if (kp_tapset_expand_aliases(lib, tree) ||
	    kp_res_resolve(tree, &diag, &arena, &hooks, &res))
		goto out;
	if (kp_probes_resolve(tree, &diag, &probes))
		goto out;
	chunk = kp_chunk_new(chunk_script_name(diag.script_name));
	if (kp_gen_chunk(tree, &res, &diag, chunk))
		goto out;
	out->end_proto = kp_probes_finish(&probes);
	out->user_stacks = kp_chunk_calls_builtin(chunk, KTAP_BIF_USTACK);
	ret = write_chunk(chunk, &diag, out);
	if (!ret) {
		out->events = probes.events;
		memset(&probes.events, 0, sizeof(probes.events));
		keep_line_map(&diag, &out->lines);
	}
out:
	kp_probes_free(&probes);
	kp_chunk_free(chunk);
	kp_tapset_close(lib);
	kp_ast_arena_free(&arena);
	return ret;
}

void kp_chunk_buf_free(struct kp_chunk_buf *buf)
{
	unsigned i;

	if (!buf)
		return;
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
	kp_event_list_free(&buf->events);
	buf->end_proto = 0;
	for (i = 0; i < buf->lines.n; i++)
		free(buf->lines.files[i].name);
	free(buf->lines.files);
	memset(&buf->lines, 0, sizeof(buf->lines));
}
