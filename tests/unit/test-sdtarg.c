// SPDX-License-Identifier: GPL-2.0
/*
 * test-sdtarg: SDT operand specs (src/sdtarg.c) become the argument
 * locations the module evaluates: every x86_64 form gcc emits, symbols
 * made relative to the marker, and what ktap cannot read becoming nil.
 */
#include <string.h>

#include "sdtarg.h"
#include "tap.h"

#define PC	0x1200ULL

static unsigned long long lookup(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "counter") ? 0x4010 : 0;
}

struct want {
	const char *spec;
	unsigned char kind, size, is_signed, base, index, scale;
	long long disp;
};

#define NONE KTAP_REG_NONE

static const struct want cases[] = {
	{ "-4@%edi", KTAP_ARG_REG, 4, 1, 5, NONE, 1, 0 },
	{ "8@%rax", KTAP_ARG_REG, 8, 0, 0, NONE, 1, 0 },
	{ "-8@%r15", KTAP_ARG_REG, 8, 1, 15, NONE, 1, 0 },
	{ "-4@%r15d", KTAP_ARG_REG, 4, 1, 15, NONE, 1, 0 },
	{ "1@%sil", KTAP_ARG_REG, 1, 0, 4, NONE, 1, 0 },
	{ "-4@$5", KTAP_ARG_CONST, 4, 1, NONE, NONE, 1, 5 },
	{ "-2@$-3", KTAP_ARG_CONST, 2, 1, NONE, NONE, 1, -3 },
	{ "8@-16(%rbp)", KTAP_ARG_MEM, 8, 0, 6, NONE, 1, -16 },
	{ "-8@40(%rsp)", KTAP_ARG_MEM, 8, 1, 7, NONE, 1, 40 },
	{ "4@(%rax,%rbx,4)", KTAP_ARG_MEM, 4, 0, 0, 3, 4, 0 },
	{ "8@8(%rdi,%r8)", KTAP_ARG_MEM, 8, 0, 5, 8, 1, 8 },
	/* symbol(%rip): the symbol's distance from the marker, from rip */
	{ "-8@counter(%rip)", KTAP_ARG_MEM, 8, 1, KTAP_REG_MAX, NONE, 1,
	  0x4010 - (long long)PC },
	{ "4@counter+8(%rip)", KTAP_ARG_MEM, 4, 0, KTAP_REG_MAX, NONE, 1,
	  0x4018 - (long long)PC },
	/* an old note without SIZE@: 8 bytes, unsigned */
	{ "%rdx", KTAP_ARG_REG, 8, 0, 1, NONE, 1, 0 },
	/* what cannot be read: nil, the size kept */
	{ "1@%ah", KTAP_ARG_NONE, 1, 0, NONE, NONE, 0, 0 },
	{ "8@unknown(%rip)", KTAP_ARG_NONE, 8, 0, NONE, NONE, 0, 0 },
	{ "8@16(%rip)", KTAP_ARG_NONE, 8, 0, NONE, NONE, 0, 0 },
	{ "3@%rax", KTAP_ARG_NONE, 8, 0, NONE, NONE, 0, 0 },
};

int main(void)
{
	struct ktap_event_arg a[KTAP_EVENT_ARGS_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct want *w = &cases[i];

		n = kp_sdt_parse_args(w->spec, PC, lookup, NULL, a, 4);
		if (!is_int(n, 1, "'%s' is one argument", w->spec))
			continue;
		ok(a[0].kind == w->kind && a[0].size == w->size &&
		   a[0].is_signed == w->is_signed && a[0].base == w->base &&
		   a[0].index == w->index && a[0].disp == w->disp &&
		   (w->index == NONE || a[0].scale == w->scale),
		   "'%s': kind %u size %u signed %u base %u index %u scale %u disp %lld",
		   w->spec, a[0].kind, a[0].size, a[0].is_signed, a[0].base,
		   a[0].index, a[0].scale, (long long)a[0].disp);
	}
	n = kp_sdt_parse_args("-4@%edi  8@-16(%rbp) -4@$5", PC, lookup, NULL,
			      a, 4);
	is_int(n, 3, "three operands, spaces between them");
	is_int(a[1].disp, -16, "the second is the stack slot");
	is_int(kp_sdt_parse_args("", PC, lookup, NULL, a, 4), 0,
	       "a marker without arguments");
	is_int(kp_sdt_parse_args("8@%rax 8@%rax", PC, lookup, NULL, a, 1), -1,
	       "more operands than room is an error");
	return done();
}
