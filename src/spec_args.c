// SPDX-License-Identifier: GPL-2.0
/*
 * spec_args.c - replaces $1, $2, ... in the event specs of trace blocks
 * with the script's command-line words, so a tool can take the events
 * it traces as an argument (`trace probe:$1` run as `ktap s.kp 'vfs_*'`).
 *
 * Why at compile time and only there: which events a session attaches
 * is fixed before it loads, and arg[] is a run-time table the kernel
 * builds; a spec is a raw word (kp_lex_raw_word()), so the word is
 * pasted in verbatim and the events are then resolved as if written
 * that way.  Only trace specs are rewritten: filters and bodies read
 * arg[] as before.
 */
#include <stdlib.h>
#include <string.h>

#include "spec_args.h"

/*
 * The word for $N (N >= 1), or NULL when the script did not get it.
 * nargs < 0 (no command line) must not reach the unsigned comparison,
 * where it would turn into a huge count.
 */
static const char *spec_arg(const char *const *args, int nargs,
			    unsigned long n)
{
	if (nargs <= 0 || n < 1 || n > (unsigned long)nargs)
		return NULL;
	return args[n - 1];
}

/* Builds the rewritten spec; 0, or -1 after reporting a missing word. */
static int subst_one(struct kp_ast_node *probe, struct kp_ast_arena *arena,
		     struct kp_diag *diag, const char *const *args, int nargs)
{
	const char *s = probe->u.probe.spec, *word;
	size_t need = 1, i, out = 0;
	unsigned long n;
	char *end, *buf;
	int pass;

	/* pass 0 measures, pass 1 copies */
	for (pass = 0; pass < 2; pass++) {
		buf = pass ? kp_ast_alloc(arena, need) : NULL;
		for (i = 0; s[i];) {
			if (s[i] != '$' || s[i + 1] < '1' || s[i + 1] > '9') {
				if (pass)
					buf[out] = s[i];
				out++, i++;
				continue;
			}
			n = strtoul(s + i + 1, &end, 10);
			word = spec_arg(args, nargs, n);
			if (!word) {
				kp_diag_error(diag, probe->pos, KP_MSG_SPEC_ARG,
					      s, n, n, nargs < 0 ? 0 : nargs);
				return -1;
			}
			if (pass)
				memcpy(buf + out, word, strlen(word));
			out += strlen(word);
			i = (size_t)(end - s);
		}
		if (pass) {
			buf[out] = '\0';
			probe->u.probe.spec = buf;
		}
		need = out + 1;
		out = 0;
	}
	return 0;
}

/* nargs < 0 (no command line at all) counts as no arguments. */
int kp_spec_args_subst(struct kp_ast_node *tree, struct kp_ast_arena *arena,
		       struct kp_diag *diag, const char *const *args,
		       int nargs)
{
	struct kp_ast_node *st;
	int ret = 0;

	for (st = tree->u.block.stmts; st; st = st->next) {
		if (st->kind != KP_AST_PROBE ||
		    st->u.probe.kind != KP_PROBE_TRACE ||
		    !strchr(st->u.probe.spec, '$'))
			continue;
		if (subst_one(st, arena, diag, args, nargs))
			ret = -1;
	}
	return ret;
}
