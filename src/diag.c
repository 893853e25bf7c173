/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diag.c - prints compile errors as "FILE:LINE:COL: error: MESSAGE", then
 * the source line and a caret under the column (bpftrace/clang layout).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "diag.h"

static const char *const kp_msg_formats[] = {
#define KP_MSG_FORMAT(id, fmt) fmt,
	KP_MESSAGES(KP_MSG_FORMAT)
#undef KP_MSG_FORMAT
};

void kp_diag_init(struct kp_diag *d, FILE *out, const char *script_name,
		  const char *src, size_t len)
{
	d->out = out;
	d->script_name = script_name ? script_name : "<script>";
	d->src = src;
	d->len = src ? len : 0;
	d->nerrors = 0;
	/* Stop at the first error: later ones are mostly its echoes. */
	d->max_errors = 1;
	d->nfiles = 1;
	d->cur_file = 0;
}

static unsigned count_lines(const char *src, size_t len)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < len; i++)
		n += src[i] == '\n';
	return n;
}

unsigned kp_diag_add_file(struct kp_diag *d, const char *name,
			  const char *src, size_t len)
{
	struct kp_diag_file *f, *prev = &d->files[d->nfiles - 1];

	if (d->nfiles >= KP_DIAG_MAX_FILES)
		return d->cur_file = 0;
	f = &d->files[d->nfiles];
	f->name = name;
	f->src = src;
	f->len = len;
	f->nlines = count_lines(src, len);
	f->base = d->nfiles == 1 ? count_lines(d->src, d->len) :
				   prev->base + prev->nlines;
	return d->cur_file = d->nfiles++;
}

unsigned kp_diag_chunk_line(const struct kp_diag *d, struct kp_pos pos)
{
	if (!pos.file || pos.file >= d->nfiles || !pos.line)
		return pos.line;
	return d->files[pos.file].base + pos.line;
}

/* The file a position is in. */
static struct kp_diag_file file_of(const struct kp_diag *d, struct kp_pos pos)
{
	struct kp_diag_file f = { d->script_name, d->src, d->len, 0, 0 };

	if (pos.file && pos.file < d->nfiles)
		f = d->files[pos.file];
	return f;
}

const char *kp_diag_format(enum kp_msg msg)
{
	if ((unsigned)msg >= KP_MSG__COUNT)
		return "internal error: unknown message";
	return kp_msg_formats[msg];
}

/* Finds the bytes of source line `line`; false when the script is shorter. */
static bool find_line(const struct kp_diag_file *d, unsigned line,
		      size_t *start, size_t *end)
{
	size_t i = 0;
	unsigned cur = 1;

	while (cur < line) {
		while (i < d->len && d->src[i] != '\n')
			i++;
		if (i >= d->len)
			return false;
		i++;
		cur++;
	}
	*start = i;
	while (i < d->len && d->src[i] != '\n')
		i++;
	/* A CRLF script should not print a stray carriage return. */
	if (i > *start && d->src[i - 1] == '\r')
		i--;
	*end = i;
	return true;
}

static void print_source_line(const struct kp_diag *d, struct kp_pos pos)
{
	struct kp_diag_file f = file_of(d, pos);
	size_t start, end, i;

	if (!find_line(&f, pos.line, &start, &end))
		return;
	fwrite(f.src + start, 1, end - start, d->out);
	fputc('\n', d->out);
	/*
	 * Copy the tabs of the source line into the caret line, so the caret
	 * stands under the token whatever the reader's tab width.
	 */
	for (i = 1; i < pos.col; i++) {
		size_t at = start + i - 1;

		fputc(at < end && f.src[at] == '\t' ? '\t' : ' ', d->out);
	}
	fputs("^\n", d->out);
}

void kp_diag_verror(struct kp_diag *d, struct kp_pos pos, enum kp_msg msg,
		    va_list ap)
{
	d->nerrors++;
	if (d->nerrors > d->max_errors || !d->out)
		return;
	if (pos.line)
		fprintf(d->out, "%s:%u:%u: error: ", file_of(d, pos).name,
			pos.line, pos.col);
	else
		fprintf(d->out, "%s: error: ", d->script_name);
	vfprintf(d->out, kp_diag_format(msg), ap);
	fputc('\n', d->out);
	if (pos.line)
		print_source_line(d, pos);
}

void kp_diag_error(struct kp_diag *d, struct kp_pos pos, enum kp_msg msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	kp_diag_verror(d, pos, msg, ap);
	va_end(ap);
}

void *kp_diag_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p) {
		fputs("ktap: out of memory\n", stderr);
		exit(EXIT_FAILURE);
	}
	return p;
}
