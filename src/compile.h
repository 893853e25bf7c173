/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.h - the compiler's entry point: script text in, bytecode chunk
 * (or diagnostics) out.
 */
#ifndef KP_COMPILE_H
#define KP_COMPILE_H

#include <stddef.h>
#include <stdio.h>

#include "disasm.h"	/* kp_disasm(), the listing behind ktap -S */

struct kp_chunk_buf {
	unsigned char *data;
	size_t len;
};

/*
 * Compiles `len` bytes of `source` (need not be NUL-terminated);
 * `script_name` is what messages and the chunk call it (the caller picks
 * one for -e).  0 on success; -1 after printing diagnostics to `err`
 * (stderr in ktap).  On failure out->data is NULL.
 */
int kp_compile(const char *script_name, const char *source, size_t len,
	       FILE *err, struct kp_chunk_buf *out);
void kp_chunk_buf_free(struct kp_chunk_buf *buf);

#endif /* KP_COMPILE_H */
