/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.c - runs the compiler's passes in order (parse, resolve,
 * generate, serialise) and owns the memory they share.
 */
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "ast.h"
#include "chunk_writer.h"
#include "codegen.h"
#include "compile.h"
#include "diag.h"
#include "parse.h"
#include "resolve.h"

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

int kp_compile(const char *script_name, const char *source, size_t len,
	       FILE *err, struct kp_chunk_buf *out)
{
	struct kp_diag diag;
	struct kp_ast_arena arena;
	struct kp_res_result res;
	struct kp_ast_node *tree;
	struct kp_chunk_builder *chunk = NULL;
	int ret = -1;

	out->data = NULL;
	out->len = 0;
	kp_diag_init(&diag, err, script_name, source, len);
	kp_ast_arena_init(&arena);
	tree = kp_parse_chunk(source, len, &diag, &arena);
	if (!tree)
		goto out;
	/* No tapset library yet: see kp_res_tapset_lookup_fn. */
	if (kp_res_resolve(tree, &diag, &arena, NULL, &res))
		goto out;
	chunk = kp_chunk_new(chunk_script_name(diag.script_name));
	if (kp_gen_chunk(tree, &res, &diag, chunk))
		goto out;
	ret = write_chunk(chunk, &diag, out);
out:
	kp_chunk_free(chunk);
	kp_ast_arena_free(&arena);
	return ret;
}

void kp_chunk_buf_free(struct kp_chunk_buf *buf)
{
	if (!buf)
		return;
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
}
