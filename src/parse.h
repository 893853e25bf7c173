/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - the recursive-descent parser: script text in, syntax tree out.
 */
#ifndef KP_PARSE_H
#define KP_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/*
 * How deep blocks and expressions may nest.  The later passes recurse
 * over the tree, so this bounds their stack use too.  Lua's parser uses
 * the same number (LUAI_MAXCCALLS).
 */
#define KP_PARSE_MAX_DEPTH	200

/*
 * Parses a whole script.  Returns its top-level BLOCK, allocated in
 * `arena`, or NULL after reporting the first error through `diag`.
 */
struct kp_ast_node *kp_parse_chunk(const char *src, size_t len,
				   struct kp_diag *diag,
				   struct kp_ast_arena *arena);

/*
 * Parses a library tapset: a chunk whose statements may also be probe
 * alias definitions (PROBE nodes of kind KP_PROBE_ALIAS):
 *   alias NAME = EVENTDEF [, EVENTDEF]... [if kernel RELOP "X.Y"] { prologue }
 */
struct kp_ast_node *kp_parse_tapset(const char *src, size_t len,
				    struct kp_diag *diag,
				    struct kp_ast_arena *arena);

#endif /* KP_PARSE_H */
