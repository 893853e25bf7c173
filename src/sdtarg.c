// SPDX-License-Identifier: GPL-2.0
/*
 * sdtarg.c - SDT operand specs (sdtarg.h).  Each operand is
 * "[-]SIZE@OPERAND" (an old note may lack "SIZE@": 8 bytes unsigned),
 * where OPERAND is %reg, $constant, or memory disp(%base,%index,scale)
 * with any part optional and disp a number or symbol[+-number].
 * Registers get their DWARF numbers; a symbol is made relative to the
 * marker's address (register 16), so PIE and shared libraries work
 * wherever they are loaded.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sdtarg.h"

#define REG_IP	KTAP_REG_MAX

/* x86_64 register names of every width -> DWARF number. */
static int reg_number(const char *name, size_t len)
{
	static const char *const names[][5] = {
		{ "rax", "eax", "ax", "al", NULL },
		{ "rdx", "edx", "dx", "dl", NULL },
		{ "rcx", "ecx", "cx", "cl", NULL },
		{ "rbx", "ebx", "bx", "bl", NULL },
		{ "rsi", "esi", "si", "sil", NULL },
		{ "rdi", "edi", "di", "dil", NULL },
		{ "rbp", "ebp", "bp", "bpl", NULL },
		{ "rsp", "esp", "sp", "spl", NULL },
	};
	char buf[8];
	unsigned i, j;
	char *end;
	long r;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; names[i][j]; j++)
			if (!strcmp(buf, names[i][j]))
				return (int)i;
	if (!strcmp(buf, "rip") || !strcmp(buf, "eip"))
		return REG_IP;
	if (buf[0] != 'r' || !isdigit((unsigned char)buf[1]))
		return -1;
	r = strtol(buf + 1, &end, 10);
	if (r < 8 || r > 15 ||
	    (*end && strcmp(end, "d") && strcmp(end, "w") && strcmp(end, "b") &&
	     strcmp(end, "l")))
		return -1;
	return (int)r;
}

/* "%name" at *p; advances past it.  -1: not a register ktap reads. */
static int parse_reg(const char **p)
{
	const char *s = *p + 1;
	size_t len = 0;

	while (isalnum((unsigned char)s[len]))
		len++;
	*p = s + len;
	return reg_number(s, len);
}

/* A number, symbol, or symbol+-number.  *is_sym tells which. */
static int parse_disp(const char **p, long long *disp, int *is_sym,
		      unsigned long long pc, kp_sdt_symbol_fn sym, void *ctx)
{
	const char *s = *p;
	char name[256];
	size_t len = 0;
	unsigned long long addr;
	char *end;

	*disp = 0;
	*is_sym = 0;
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '.') {
		while (isalnum((unsigned char)s[len]) || s[len] == '_' ||
		       s[len] == '.' || s[len] == '@')
			len++;
		if (len >= sizeof(name))
			return -1;
		memcpy(name, s, len);
		name[len] = '\0';
		addr = sym ? sym(ctx, name) : 0;
		if (!addr)
			return -1;
		*disp = (long long)(addr - pc);
		*is_sym = 1;
		s += len;
	}
	if (*s == '+' || *s == '-' || isdigit((unsigned char)*s)) {
		*disp += strtoll(s, &end, 0);
		if (end == s)
			return -1;
		s = end;
	}
	*p = s;
	return 0;
}

/* One operand (after SIZE@) into a; 0 or -1 (unusable: KIND_NONE). */
static int parse_operand(const char *s, struct ktap_event_arg *a,
			 unsigned long long pc, kp_sdt_symbol_fn sym,
			 void *ctx)
{
	int is_sym, r;
	char *end;

	a->base = a->index = KTAP_REG_NONE;
	a->scale = 1;
	if (*s == '%') {
		r = parse_reg(&s);
		if (r < 0 || r == REG_IP || *s)
			return -1;
		a->kind = KTAP_ARG_REG;
		a->base = (unsigned char)r;
		return 0;
	}
	if (*s == '$') {
		a->disp = strtoll(s + 1, &end, 0);
		if (end == s + 1 || *end)
			return -1;
		a->kind = KTAP_ARG_CONST;
		return 0;
	}
	if (parse_disp(&s, &a->disp, &is_sym, pc, sym, ctx))
		return -1;
	a->kind = KTAP_ARG_MEM;
	if (!*s) {
		/* an absolute address: only a symbol can be relocated */
		if (!is_sym)
			return -1;
		a->base = REG_IP;
		return 0;
	}
	if (*s++ != '(')
		return -1;
	if (*s == '%') {
		r = parse_reg(&s);
		if (r < 0)
			return -1;
		a->base = (unsigned char)r;
	}
	/* disp(%rip) means the address disp; only a symbol says which */
	if (a->base == REG_IP && !is_sym)
		return -1;
	if (a->base != REG_IP && is_sym)
		a->disp += (long long)pc;	/* symbol + base: link-time */
	if (*s == ',') {
		s++;
		if (*s != '%' || (r = parse_reg(&s)) < 0 || r == REG_IP)
			return -1;
		a->index = (unsigned char)r;
		if (*s == ',') {
			a->scale = (unsigned char)strtoul(s + 1, &end, 10);
			s = end;
		}
	}
	if (*s != ')' || s[1] ||
	    (a->scale != 1 && a->scale != 2 && a->scale != 4 && a->scale != 8))
		return -1;
	return 0;
}

int kp_sdt_parse_args(const char *spec, unsigned long long pc,
		      kp_sdt_symbol_fn sym, void *ctx,
		      struct ktap_event_arg *out, unsigned max)
{
	char op[256];
	unsigned n = 0;
	size_t len;
	long size;
	char *end;

	while (*spec) {
		struct ktap_event_arg *a = &out[n];
		const char *at;

		while (*spec == ' ')
			spec++;
		if (!*spec)
			break;
		len = strcspn(spec, " ");
		if (n == max || len >= sizeof(op))
			return -1;
		memcpy(op, spec, len);
		op[len] = '\0';
		spec += len;
		memset(a, 0, sizeof(*a));
		a->size = 8;
		at = strchr(op, '@');
		if (at) {
			size = strtol(op, &end, 10);
			if (end != at || !size)
				return -1;
			a->is_signed = size < 0;
			a->size = (unsigned char)labs(size);
			at++;
		} else {
			at = op;
		}
		if ((a->size != 1 && a->size != 2 && a->size != 4 &&
		     a->size != 8) || parse_operand(at, a, pc, sym, ctx)) {
			unsigned char sz = a->size, sg = a->is_signed;

			memset(a, 0, sizeof(*a));
			a->kind = KTAP_ARG_NONE;
			a->size = (sz == 1 || sz == 2 || sz == 4) ? sz : 8;
			a->is_signed = sg;
			a->base = a->index = KTAP_REG_NONE;
		}
		n++;
	}
	return (int)n;
}
