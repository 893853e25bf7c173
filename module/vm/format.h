/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatted text for printf, sprintf and the rendering of numbers: the
 * conversions of man/ktap.7 done by hand, without the host's printf, so
 * the kernel and user space produce the same bytes.
 */
#ifndef KP_FORMAT_H
#define KP_FORMAT_H

#include "port.h"
#include "value.h"

/*
 * A bounded output sink that counts everything it is given, like
 * snprintf: len is what the whole text needs, and the first size bytes
 * of it are in buf.  A sink of size 0 (buf may be NULL) only measures.
 * Nothing is NUL-terminated.
 */
struct kp_fmt_out {
	char *buf;
	size_t size;
	u64 len;
	bool user_marks;	/* user stack frames as marks (stack.h) */
};

static inline void kp_fmt_init(struct kp_fmt_out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->user_marks = false;
}

void kp_fmt_put(struct kp_fmt_out *o, const char *data, size_t len);
void kp_fmt_fill(struct kp_fmt_out *o, char c, u64 n);

/* Flags of a conversion, as written between '%' and the width. */
#define KP_FMT_LEFT	0x01	/* '-' */
#define KP_FMT_ZERO	0x02	/* '0' */
#define KP_FMT_PLUS	0x04	/* '+' */
#define KP_FMT_SPACE	0x08	/* ' ' */
#define KP_FMT_ALT	0x10	/* '#' */

/* Width and precision stop where C's int does, as C's printf does. */
#define KP_FMT_MAX_WIDTH	2147483647

/* One conversion: %[flags][width][.precision]conv */
struct kp_fmt_spec {
	u8 flags;
	char conv;
	s32 width;	/* 0 when not given */
	s32 prec;	/* -1 when not given */
};

/* Digits of the longest number: 22 octal digits of 2^64 - 1, a '0' more. */
#define KP_FMT_NUM_MAX	24

/*
 * The integer conversions d i u x X o p c of value v.  The caller checked
 * that spec->conv is one of them.
 */
void kp_fmt_int(struct kp_fmt_out *o, const struct kp_fmt_spec *spec, s64 v);

/* %s: len bytes of s, cut to the precision, padded to the width. */
void kp_fmt_str(struct kp_fmt_out *o, const struct kp_fmt_spec *spec,
		const char *s, size_t len);

/* n in decimal into buf (KP_FMT_NUM_MAX bytes); returns the length. */
u32 kp_fmt_decimal(char *buf, s64 n);

/* Why a format could not be applied to its arguments. */
enum kp_fmt_status {
	KP_FMT_OK,
	KP_FMT_E_TYPE,		/* %d and friends given a non-number */
	KP_FMT_E_MISSING,	/* more conversions than arguments */
	KP_FMT_E_UNKNOWN,	/* a conversion letter we do not have */
	KP_FMT_E_INCOMPLETE,	/* the format ends inside a conversion */
	KP_FMT_E_WIDTH,		/* width or precision above KP_FMT_MAX_WIDTH */
};

struct kp_fmt_error {
	enum kp_fmt_status status;
	u8 got;			/* KP_FMT_E_TYPE: the argument's type */
	char conv;		/* the conversion letter, 0 if none */
	char spec[40];		/* the conversion as written, quoted */
};

/*
 * Apply the format fmt[0..len) to args[0..nargs) and write the text to
 * o.  Arguments beyond those the format uses are ignored, as in C.
 * Returns KP_FMT_OK, or another status with *err filled in; o then holds
 * a partial text that the caller must not show.
 */
enum kp_fmt_status kp_fmt_format(struct kp_fmt_out *o, const char *fmt,
				 size_t len, const struct kp_value *args,
				 u32 nargs, struct kp_fmt_error *err);

/*
 * The message for err, naming fn, the function that failed ("printf"),
 * e.g. "printf: %d expects a number, got string".  Always NUL-terminated.
 */
void kp_fmt_describe(const struct kp_fmt_error *err, const char *fn,
		     char *buf, size_t size);

#endif /* KP_FORMAT_H */
