// SPDX-License-Identifier: GPL-2.0
/*
 * VM strings: immutable byte strings in the session heap; the one
 * function that renders any value as text, so print, %s and tostring
 * agree; and the parser of numbers in text behind tonumber.
 */
#include "str.h"
#include "format.h"
#include "table.h"

struct kp_str *kp_str_alloc(struct kp_heap *heap, u32 len)
{
	struct kp_str *s = kp_heap_alloc(heap, sizeof(*s) + (size_t)len + 1);

	if (!s)
		return NULL;
	s->len = len;
	s->data[len] = '\0';
	return s;
}

struct kp_str *kp_str_new(struct kp_heap *heap, const char *data, u32 len)
{
	struct kp_str *s = kp_str_alloc(heap, len);

	/* Hashed now: a constant is shared by every CPU (table.h). */
	if (s) {
		memcpy(s->data, data, len);
		kp_str_hash(s);
	}
	return s;
}

int kp_str_make(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		const char *fn, u64 len, struct kp_str **out)
{
	struct kp_str *s;

	if (len > x->vm->limits.max_string)
		return kp_vm_error(x, p, pc, "%s: string longer than %u bytes (raise it with --max-string)",
				   fn, x->vm->limits.max_string);
	s = kp_scratch_alloc(&x->scratch, sizeof(*s) + (size_t)len + 1);
	if (s) {
		s->len = (u32)len;
		s->home = KP_STR_SCRATCH;
	}
	if (!s)
		return kp_vm_no_memory(x, p, pc, fn);
	*out = s;
	return 0;
}

int kp_str_result(struct kp_exec *x, const struct kp_proto *p, const u32 *pc,
		  const char *fn, const char *text, u32 len,
		  struct kp_value *ret)
{
	struct kp_str *s = NULL;
	int err = kp_str_make(x, p, pc, fn, len, &s);

	if (err)
		return err;
	memcpy(s->data, text, len);
	*ret = kp_strv(s);
	return 0;
}

/* The names type() returns: a new type adds its name here. */
const char *kp_type_name(u8 type)
{
	switch (type) {
	case KP_TNIL:
		return "nil";
	case KP_TBOOL:
		return "boolean";
	case KP_TNUM:
		return "number";
	case KP_TSTR:
		return "string";
	case KP_TFUNC:
		return "function";
	case KP_TTAB:
		return "table";
	case KP_TAGG:
		return "aggregation";
	case KP_TSTACK:
		return "stack";
	default:
		return "?";
	}
}

const char *kp_str_text(const struct kp_value *v, char *num, u32 *len)
{
	const char *text;

	switch (v->type) {
	case KP_TNUM:
		*len = kp_fmt_decimal(num, v->n);
		return num;
	case KP_TSTR:
		*len = v->s->len;
		return v->s->data;
	case KP_TBOOL:
		*len = v->b ? 4 : 5;
		return v->b ? "true" : "false";
	case KP_TNIL:
		*len = 3;
		return "nil";
	case KP_TFUNC:
		/*
		 * The prototype's index as ktap -S lists it, not an address:
		 * kernel addresses must not leak, and output stays the same
		 * from run to run.  "function: #" plus at most 4 digits
		 * (KTAP_MAX_PROTOS) fits KP_FMT_NUM_MAX.
		 */
		memcpy(num, "function: #", 11);
		*len = 11 + kp_fmt_decimal(num + 11, v->fn->index);
		return num;
	case KP_TTAB:
		/* Like functions: a creation number, never an address. */
		memcpy(num, "table: #", 8);
		*len = 8 + kp_fmt_decimal(num + 8, v->t->id);
		return num;
	default:	/* a type without a rendering yet shows its name */
		text = kp_type_name(v->type);
		*len = strlen(text);
		return text;
	}
}

static bool kp_str_is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of c as a digit of bases up to 36, or 36 if it is none. */
static u32 kp_str_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

static bool kp_str_has_0x(const char *s, const char *end)
{
	return end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	       kp_str_digit(s[2]) < 16;
}

/*
 * number := space* ('-' | '+')? ('0x' | '0X')? digit+ space*
 * The 0x prefix is for base 16 and for base 0, where it selects 16
 * (else 10).  The digits may spell any 64-bit pattern, 0 .. 2^64 - 1,
 * which is then read as two's complement (and negated after '-'): so
 * what %u, %x or %o print reads back as the same number.
 */
bool kp_str_to_int(const char *s, u32 len, u32 base, s64 *out)
{
	const char *end = s + len;
	bool neg = false, any = false;
	u64 v = 0;
	u32 d;

	while (s < end && kp_str_is_space(*s))
		s++;
	while (end > s && kp_str_is_space(end[-1]))
		end--;
	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if ((base == 0 || base == 16) && kp_str_has_0x(s, end)) {
		base = 16;
		s += 2;
	}
	if (base == 0)
		base = 10;
	for (; s < end; s++, any = true) {
		d = kp_str_digit(*s);
		if (d >= base || v > (~(u64)0 - d) / base)
			return false;
		v = v * base + d;
	}
	if (!any)
		return false;
	*out = (s64)(neg ? 0 - v : v);
	return true;
}
