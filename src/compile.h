/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.h - the compiler's entry point: script text in, bytecode chunk
 * (or diagnostics) out.
 */
#ifndef KP_COMPILE_H
#define KP_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "disasm.h"	/* kp_disasm(), the listing behind ktap -S */
#include "events.h"

/*
 * The tapset files whose code a chunk holds: their lines are numbered
 * after the script's (see kp_diag_chunk_line()), so the line of a
 * runtime error in a tapset function names its file again through
 * kp_line_map_error().
 */
struct kp_line_file {
	char *name;
	unsigned base;		/* chunk line base + L is line L of name */
	unsigned nlines;
};

struct kp_line_map {
	struct kp_line_file *files;
	unsigned n;
};

/*
 * A runtime error message "SCRIPT:LINE: text" with LINE in a tapset
 * file, as "FILE:LINE: text" into buf; the message itself otherwise.
 */
const char *kp_line_map_error(const struct kp_line_map *map, const char *msg,
			      size_t len, char *buf, size_t size);

/* A compiled script: the chunk, and the events its blocks attach to. */
struct kp_chunk_buf {
	unsigned char *data;
	size_t len;
	struct kp_event_list events;	/* bodies' prototypes filled in */
	unsigned end_proto;		/* trace_end's prototype, or 0 */
	struct kp_line_map lines;	/* tapset files' lines */
	bool user_stacks;		/* the code calls ustack() */
};

/*
 * Compiles `len` bytes of `source` (need not be NUL-terminated);
 * `script_name` is what messages and the chunk call it (the caller picks
 * one for -e).  0 on success; -1 after printing diagnostics to `err`
 * (stderr in ktap).  On failure out->data is NULL.
 */
int kp_compile(const char *script_name, const char *source, size_t len,
	       FILE *err, struct kp_chunk_buf *out);

/*
 * kp_compile() for a script run with the command-line words args[0..n):
 * when the script uses the name `arg`, the top level starts by setting
 * the global arg = {[0] = script_name, [1] = args[0], ...}, a word that
 * spells a number (decimal or 0x hex, in range) as that number.  The
 * words thus become part of the chunk (--emit-chunk records them).
 */
int kp_compile_args(const char *script_name, const char *source, size_t len,
		    const char *const *args, int nargs, FILE *err,
		    struct kp_chunk_buf *out);

struct kp_tpath;

/*
 * kp_compile_args() with the tapset library of `tapsets` (NULL: none):
 * functions and probe aliases the script uses but does not define come
 * from there.
 */
int kp_compile_lib(const char *script_name, const char *source, size_t len,
		   const char *const *args, int nargs,
		   const struct kp_tpath *tapsets, FILE *err,
		   struct kp_chunk_buf *out);
void kp_chunk_buf_free(struct kp_chunk_buf *buf);

#endif /* KP_COMPILE_H */
