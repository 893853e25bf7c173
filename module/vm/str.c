// SPDX-License-Identifier: GPL-2.0
/*
 * VM strings: immutable byte strings in the session heap, and the one
 * function that renders any value as text so print and .. agree.
 */
#include "str.h"

struct kp_str *kp_str_new(struct kp_heap *heap, const char *data, u32 len)
{
	struct kp_str *s = kp_heap_alloc(heap, sizeof(*s) + len + 1);

	if (!s)
		return NULL;
	s->len = len;
	memcpy(s->data, data, len);
	s->data[len] = '\0';
	return s;
}

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
	default:
		return "?";
	}
}

static bool kp_str_append(char *buf, size_t size, size_t *pos,
			  const char *data, size_t len)
{
	size_t room = *pos < size ? size - *pos - 1 : 0;
	bool fits = len <= room;

	if (!fits)
		len = room;
	memcpy(buf + *pos, data, len);
	*pos += len;
	if (size)
		buf[*pos] = '\0';
	return fits;
}

bool kp_str_format(const struct kp_value *v, char *buf, size_t size,
		   size_t *pos)
{
	char num[24];
	int n;

	switch (v->type) {
	case KP_TNUM:
		n = kp_snprintf(num, sizeof(num), "%lld", (long long)v->n);
		return kp_str_append(buf, size, pos, num, n);
	case KP_TSTR:
		return kp_str_append(buf, size, pos, v->s->data, v->s->len);
	case KP_TBOOL:
		return kp_str_append(buf, size, pos, v->b ? "true" : "false",
				     v->b ? 4 : 5);
	case KP_TFUNC:
		/*
		 * The prototype's index as ktap -S lists it, not an address:
		 * kernel addresses must not leak, and output stays the same
		 * from run to run.
		 */
		n = kp_snprintf(num, sizeof(num), "function: #%u",
				v->fn->index);
		return kp_str_append(buf, size, pos, num, n);
	default:
		return kp_str_append(buf, size, pos, "nil", 3);
	}
}
