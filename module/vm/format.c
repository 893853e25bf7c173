// SPDX-License-Identifier: GPL-2.0
/*
 * printf-style formatting, done here rather than by the host's
 * vsnprintf: the kernel's differs from libc's (%p hashes pointers,
 * unknown conversions are skipped, flags are handled in its own way),
 * and a script must print the same bytes on both sides.  Every number
 * is a 64-bit integer; there is no floating point.
 *
 * Text goes into a struct kp_fmt_out, which stops writing when its
 * buffer is full but keeps counting, so the same code measures a
 * result (sprintf sizes its string exactly) and writes it.  Padding is
 * added by count, so a huge width costs no more than the buffer holds.
 */
#include "format.h"
#include "stack.h"
#include "str.h"

void kp_fmt_put(struct kp_fmt_out *o, const char *data, size_t len)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memcpy(o->buf + o->len, data, len < room ? len : room);
	}
	o->len += len;
}

void kp_fmt_fill(struct kp_fmt_out *o, char c, u64 n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memset(o->buf + o->len, c, n < room ? n : room);
	}
	o->len += n;
}

/* The digits of u, written backwards so they end just before end. */
static char *kp_fmt_digits(char *end, u64 u, u32 base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = set[u % base];
		u /= base;
	} while (u);
	return p;
}

u32 kp_fmt_decimal(char *buf, s64 n)
{
	char tmp[KP_FMT_NUM_MAX], *end = tmp + sizeof(tmp), *p;

	/* 0 - (u64)n is the magnitude even for S64_MIN. */
	p = kp_fmt_digits(end, n < 0 ? 0 - (u64)n : (u64)n, 10, false);
	if (n < 0)
		*--p = '-';
	memcpy(buf, p, end - p);
	return end - p;
}

/* data padded with spaces to the width, on the side the flags say. */
static void kp_fmt_padded(struct kp_fmt_out *o, const struct kp_fmt_spec *spec,
			  const char *data, size_t len)
{
	u64 pad = (u64)spec->width > len ? spec->width - len : 0;

	if (!(spec->flags & KP_FMT_LEFT))
		kp_fmt_fill(o, ' ', pad);
	kp_fmt_put(o, data, len);
	if (spec->flags & KP_FMT_LEFT)
		kp_fmt_fill(o, ' ', pad);
}

void kp_fmt_str(struct kp_fmt_out *o, const struct kp_fmt_spec *spec,
		const char *s, size_t len)
{
	if (spec->prec >= 0 && (size_t)spec->prec < len)
		len = spec->prec;
	kp_fmt_padded(o, spec, s, len);
}

/*
 * A number laid out as C does: [spaces] prefix [zeros] digits [spaces].
 * The prefix is the sign or 0x.  The '0' flag pads with zeros after the
 * prefix, unless '-' is given or a precision already says how many
 * digits to show.
 */
static void kp_fmt_layout(struct kp_fmt_out *o, const struct kp_fmt_spec *spec,
			  const char *prefix, u64 zeros, const char *digits,
			  u32 ndigits)
{
	size_t nprefix = strlen(prefix);
	u64 body = nprefix + zeros + ndigits;
	u64 pad = (u64)spec->width > body ? spec->width - body : 0;
	bool left = spec->flags & KP_FMT_LEFT;
	bool zero_pad = !left && (spec->flags & KP_FMT_ZERO) && spec->prec < 0;

	if (!left && !zero_pad)
		kp_fmt_fill(o, ' ', pad);
	kp_fmt_put(o, prefix, nprefix);
	kp_fmt_fill(o, '0', zeros + (zero_pad ? pad : 0));
	kp_fmt_put(o, digits, ndigits);
	if (left)
		kp_fmt_fill(o, ' ', pad);
}

/* The sign a signed conversion shows for v: '-', or what '+'/' ' ask for. */
static const char *kp_fmt_sign(const struct kp_fmt_spec *spec, s64 v)
{
	if (v < 0)
		return "-";
	if (spec->flags & KP_FMT_PLUS)
		return "+";
	return spec->flags & KP_FMT_SPACE ? " " : "";
}

void kp_fmt_int(struct kp_fmt_out *o, const struct kp_fmt_spec *spec, s64 v)
{
	char buf[KP_FMT_NUM_MAX], *end = buf + sizeof(buf), *digits;
	bool alt = spec->flags & KP_FMT_ALT;
	const char *prefix = "";
	u64 u = (u64)v, zeros = 0;
	u32 ndigits;

	switch (spec->conv) {
	case 'c':
		buf[0] = (char)(u & 0xff);
		kp_fmt_padded(o, spec, buf, 1);
		return;
	case 'd':
	case 'i':
		prefix = kp_fmt_sign(spec, v);
		digits = kp_fmt_digits(end, v < 0 ? 0 - u : u, 10, false);
		break;
	case 'o':
		digits = kp_fmt_digits(end, u, 8, false);
		break;
	case 'x':
	case 'X':
		if (alt && u)
			prefix = spec->conv == 'x' ? "0x" : "0X";
		digits = kp_fmt_digits(end, u, 16, spec->conv == 'X');
		break;
	case 'p':
		prefix = "0x";
		digits = kp_fmt_digits(end, u, 16, false);
		break;
	default:	/* 'u' */
		digits = kp_fmt_digits(end, u, 10, false);
		break;
	}
	ndigits = end - digits;
	/* C: a zero shown with precision 0 has no digits (%p keeps its 0). */
	if (spec->prec == 0 && u == 0 && spec->conv != 'p')
		ndigits = 0;
	if (spec->prec > 0 && (u32)spec->prec > ndigits)
		zeros = spec->prec - ndigits;
	/* C: '#' with %o makes the first digit a 0. */
	if (spec->conv == 'o' && alt && !zeros && (!ndigits || *digits != '0'))
		zeros = 1;
	kp_fmt_layout(o, spec, prefix, zeros, digits, ndigits);
}

static bool kp_fmt_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static u8 kp_fmt_flag(char c)
{
	switch (c) {
	case '-':
		return KP_FMT_LEFT;
	case '0':
		return KP_FMT_ZERO;
	case '+':
		return KP_FMT_PLUS;
	case ' ':
		return KP_FMT_SPACE;
	case '#':
		return KP_FMT_ALT;
	default:
		return 0;
	}
}

/* Decimal digits at fmt[*i..len); false when above KP_FMT_MAX_WIDTH. */
static bool kp_fmt_number(const char *fmt, size_t len, size_t *i, s32 *n)
{
	u64 v = 0;
	bool fits = true;

	for (; *i < len && kp_fmt_is_digit(fmt[*i]); (*i)++) {
		v = v * 10 + (fmt[*i] - '0');
		if (v > KP_FMT_MAX_WIDTH) {
			fits = false;
			v = KP_FMT_MAX_WIDTH;	/* keep reading to the letter */
		}
	}
	*n = (s32)v;
	return fits;
}

/*
 * conversion := '%' flag* digit* ('.' digit*)? letter
 * flag       := '-' | '0' | '+' | ' ' | '#'
 * letter     := 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'c' | 's' | 'p'
 * fmt[*i] is the '%'; *i ends past the letter, or at len.
 */
static enum kp_fmt_status kp_fmt_parse(const char *fmt, size_t len, size_t *i,
				       struct kp_fmt_spec *spec)
{
	bool fits;
	u8 flag;

	spec->flags = 0;
	spec->prec = -1;
	for ((*i)++; *i < len && (flag = kp_fmt_flag(fmt[*i])); (*i)++)
		spec->flags |= flag;
	fits = kp_fmt_number(fmt, len, i, &spec->width);
	if (*i < len && fmt[*i] == '.') {
		(*i)++;
		fits &= kp_fmt_number(fmt, len, i, &spec->prec);
	}
	if (*i == len)
		return KP_FMT_E_INCOMPLETE;
	spec->conv = fmt[(*i)++];
	switch (spec->conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
	case 'c': case 's': case 'p':
		return fits ? KP_FMT_OK : KP_FMT_E_WIDTH;
	default:
		return KP_FMT_E_UNKNOWN;
	}
}

/* One argument under its conversion: %s renders any value, as print does. */
static enum kp_fmt_status kp_fmt_arg(struct kp_fmt_out *o,
				     const struct kp_fmt_spec *spec,
				     const struct kp_value *v,
				     struct kp_fmt_error *err)
{
	char num[KP_FMT_NUM_MAX];
	const char *text;
	u32 len;

	if (spec->conv == 's' && v->type == KP_TSTACK) {
		/* Frames, one per line: too long for a buffer of width. */
		kp_stack_put(o, v->s, "");
		return KP_FMT_OK;
	}
	if (spec->conv == 's') {
		text = kp_str_text(v, num, &len);
		kp_fmt_str(o, spec, text, len);
		return KP_FMT_OK;
	}
	if (v->type != KP_TNUM) {
		err->got = v->type;
		return KP_FMT_E_TYPE;
	}
	kp_fmt_int(o, spec, v->n);
	return KP_FMT_OK;
}

/*
 * Copy a conversion as written into dst for a message: bytes that are
 * not printable ASCII become \xHH, and a spec too long for dst (flags
 * may repeat without end) is cut and ends with "...".
 */
static void kp_fmt_quote(char *dst, size_t size, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, pos = 0, need = 0, limit;

	for (i = 0; i < len; i++)
		need += (u8)src[i] >= 0x20 && (u8)src[i] < 0x7f ? 1 : 4;
	limit = need < size ? size - 1 : size - sizeof("...");
	for (i = 0; i < len; i++) {
		u8 c = src[i];
		bool plain = c >= 0x20 && c < 0x7f;

		if (pos + (plain ? 1 : 4) > limit)
			break;
		if (plain) {
			dst[pos++] = c;
			continue;
		}
		dst[pos++] = '\\';
		dst[pos++] = 'x';
		dst[pos++] = hex[c >> 4];
		dst[pos++] = hex[c & 15];
	}
	if (i < len) {
		memcpy(dst + pos, "...", 3);
		pos += 3;
	}
	dst[pos] = '\0';
}

enum kp_fmt_status kp_fmt_format(struct kp_fmt_out *o, const char *fmt,
				 size_t len, const struct kp_value *args,
				 u32 nargs, struct kp_fmt_error *err)
{
	struct kp_fmt_spec spec;
	enum kp_fmt_status st;
	const char *pct;
	size_t i = 0, start;
	u32 next = 0;

	while (i < len) {
		/* Plain text up to the next '%' is copied as it is. */
		pct = memchr(fmt + i, '%', len - i);
		start = i;
		i = pct ? (size_t)(pct - fmt) : len;
		kp_fmt_put(o, fmt + start, i - start);
		if (i == len)
			break;
		if (i + 1 < len && fmt[i + 1] == '%') {
			kp_fmt_put(o, "%", 1);
			i += 2;
			continue;
		}
		start = i;
		st = kp_fmt_parse(fmt, len, &i, &spec);
		if (st == KP_FMT_OK && next == nargs)
			st = KP_FMT_E_MISSING;
		if (st == KP_FMT_OK)
			st = kp_fmt_arg(o, &spec, &args[next++], err);
		if (st != KP_FMT_OK) {
			err->status = st;
			err->conv = st == KP_FMT_E_INCOMPLETE ? 0 : spec.conv;
			kp_fmt_quote(err->spec, sizeof(err->spec), fmt + start,
				     i - start);
			return st;
		}
	}
	return KP_FMT_OK;
}

void kp_fmt_describe(const struct kp_fmt_error *err, const char *fn,
		     char *buf, size_t size)
{
	/* C's length modifiers, which a C programmer may write by habit. */
	bool modifier = err->conv && strchr("hlLjzt", err->conv);

	switch (err->status) {
	case KP_FMT_E_TYPE:
		kp_snprintf(buf, size, "%s: %s expects a number, got %s",
			    fn, err->spec, kp_type_name(err->got));
		break;
	case KP_FMT_E_MISSING:
		kp_snprintf(buf, size, "%s: missing argument for %s",
			    fn, err->spec);
		break;
	case KP_FMT_E_UNKNOWN:
		kp_snprintf(buf, size, "%s: unknown conversion '%s'%s", fn,
			    err->spec, modifier ?
			    " (no length modifiers: every number is 64-bit)" : "");
		break;
	case KP_FMT_E_INCOMPLETE:
		kp_snprintf(buf, size, "%s: incomplete conversion '%s' at the end of the format",
			    fn, err->spec);
		break;
	case KP_FMT_E_WIDTH:
		kp_snprintf(buf, size, "%s: width or precision above %d in '%s'",
			    fn, KP_FMT_MAX_WIDTH, err->spec);
		break;
	default:
		kp_snprintf(buf, size, "%s: bad format", fn);
		break;
	}
}
