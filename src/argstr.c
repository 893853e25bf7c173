// SPDX-License-Identifier: GPL-2.0
/*
 * argstr.c - builds a tracepoint's argstr format (see argstr.h) from
 * its tracefs print fmt: the C format string is kept with its length
 * modifiers dropped, and each argument must be a plain field
 * (REC->name or __get_str(name), casts allowed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argstr.h"
#include "events.h"

struct argstr {
	char fmt[KTAP_ARGSTR_MAX];
	size_t len;
	unsigned char args[KTAP_ARGSTR_ARGS];
	unsigned nargs;
	int bad;
};

static void put(struct argstr *a, const char *s, size_t n)
{
	if (a->len + n >= sizeof(a->fmt)) {
		a->bad = 1;
		return;
	}
	memcpy(a->fmt + a->len, s, n);
	a->len += n;
}

static void put_arg(struct argstr *a, int field)
{
	if (field < 0 || a->nargs == KTAP_ARGSTR_ARGS)
		a->bad = 1;
	else
		a->args[a->nargs++] = (unsigned char)field;
}

static void finish(struct ktap_event *ev, const struct argstr *a)
{
	char *fmt = malloc(a->len + 1);

	if (!fmt)
		return;
	memcpy(fmt, a->fmt, a->len);
	fmt[a->len] = '\0';
	free((void *)(uintptr_t)ev->fmt);
	ev->fmt = (uintptr_t)fmt;
	ev->fmt_len = (uint32_t)a->len;
	ev->fmt_nargs = a->nargs;
	memcpy(ev->fmt_args, a->args, sizeof(ev->fmt_args));
}

/* "sys_openat(dfd: ffffff9c, ...)" and "sys_openat -> 0x3", as the kernel. */
static void syscall_format(struct ktap_event *ev)
{
	const struct ktap_event_field *f =
		(const struct ktap_event_field *)(uintptr_t)ev->fields;
	int enter = !strncmp(ev->name, "sys_enter_", 10);
	const char *call = ev->name + (enter ? 10 : 9);
	struct argstr a = { .len = 0 };
	char buf[256];
	unsigned i, first = ev->first_arg + 1u;	/* after __syscall_nr */

	snprintf(buf, sizeof(buf), "sys_%s%s", call, enter ? "(" : " -> 0x%x");
	put(&a, buf, strlen(buf));
	for (i = first; enter && i < ev->nfields; i++) {
		snprintf(buf, sizeof(buf), "%s%s: %%x", i > first ? ", " : "",
			 f[i].name);
		put(&a, buf, strlen(buf));
		put_arg(&a, (int)i);
	}
	if (enter)
		put(&a, ")", 1);
	else
		put_arg(&a, kp_event_field_index(ev, "ret"));
	if (!a.bad)
		finish(ev, &a);
}

/* "name: field=value ..." over the event's own fields. */
static void fallback_format(struct ktap_event *ev)
{
	const struct ktap_event_field *f =
		(const struct ktap_event_field *)(uintptr_t)ev->fields;
	struct argstr a = { .len = 0 };
	char buf[KTAP_EVENT_NAME_MAX + KTAP_FIELD_NAME_MAX + 8];
	unsigned i;

	snprintf(buf, sizeof(buf), "%s:", ev->name);
	put(&a, buf, strlen(buf));
	for (i = ev->first_arg; i < ev->nfields && a.nargs < KTAP_ARGSTR_ARGS;
	     i++) {
		if (f[i].kind == KTAP_FIELD_OTHER)
			continue;
		snprintf(buf, sizeof(buf), " %s=%s", f[i].name,
			 f[i].kind == KTAP_FIELD_INT ? "%d" :
			 f[i].kind == KTAP_FIELD_UINT ? "%u" : "%s");
		put(&a, buf, strlen(buf));
		put_arg(&a, (int)i);
	}
	if (!a.bad)
		finish(ev, &a);
}

/* The C string literal at *p, escapes decoded, into a; *p moves past it. */
static int format_string(struct argstr *a, const char **p)
{
	const char *s = *p;
	unsigned convs = 0;
	char c;

	if (*s++ != '"')
		return -1;
	while (*s && *s != '"') {
		c = *s++;
		if (c == '\\') {
			c = *s++;
			c = c == 'n' ? ' ' : c == 't' ? '\t' : c;
			if (!c)
				return -1;
			put(a, &c, 1);
			continue;
		}
		if (c != '%') {
			put(a, &c, 1);
			continue;
		}
		put(a, "%", 1);
		if (*s == '%') {
			put(a, s++, 1);
			continue;
		}
		while (*s && strchr("-+ #0123456789.", *s))
			put(a, s++, 1);
		while (*s && strchr("hlLqjzt", *s))
			s++;	/* the VM's numbers are all 64 bits */
		if (!*s || !strchr("diuxXocsp", *s) ||
		    (*s == 'p' && (s[1] >= 'A' && s[1] <= 'z')))
			return -1;
		put(a, s++, 1);
		convs++;
	}
	if (*s != '"')
		return -1;
	*p = s + 1;
	return (int)convs;
}

/* One argument: casts and parentheses around REC->name or __get_str(name). */
static int format_arg(const struct ktap_event *ev, const char *s, size_t n)
{
	char name[KTAP_FIELD_NAME_MAX];
	size_t depth, i;

	for (;;) {
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n || *s != '(')
			break;
		for (depth = 0, i = 0; i < n; i++) {
			depth += s[i] == '(';
			depth -= s[i] == ')';
			if (!depth)
				break;
		}
		if (i == n)
			return -1;
		if (i == n - 1) {	/* (expr) */
			s++;
			n -= 2;
		} else {		/* (type)expr */
			s += i + 1;
			n -= i + 1;
		}
	}
	if (n > 5 && !memcmp(s, "REC->", 5))
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), s + 5);
	else if (n > 11 && !memcmp(s, "__get_str(", 10) && s[n - 1] == ')')
		snprintf(name, sizeof(name), "%.*s", (int)(n - 11), s + 10);
	else
		return -1;
	return kp_event_field_index(ev, name);
}

static int print_fmt_format(struct ktap_event *ev, const char *pf)
{
	struct argstr a = { .len = 0 };
	const char *p = pf, *start;
	int convs, depth = 0;
	char prefix[160];

	snprintf(prefix, sizeof(prefix), "%s: ", ev->name);
	put(&a, prefix, strlen(prefix));
	convs = format_string(&a, &p);
	if (convs < 0)
		return -1;
	while (*p == ' ')
		p++;
	while (*p == ',' && !a.bad) {
		start = ++p;
		for (; *p && (depth || *p != ','); p++) {
			depth += *p == '(';
			depth -= *p == ')';
		}
		put_arg(&a, format_arg(ev, start, (size_t)(p - start)));
	}
	if (a.bad || *p || (int)a.nargs != convs)
		return -1;
	finish(ev, &a);
	return 0;
}

void kp_argstr_build(struct ktap_event *ev, const char *subsys,
		     const char *print_fmt)
{
	if (!strcmp(subsys, "syscalls"))
		syscall_format(ev);
	else if (!print_fmt || print_fmt_format(ev, print_fmt))
		fallback_format(ev);
}
