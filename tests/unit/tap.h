/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - a tiny Test Anything Protocol helper for the unit tests:
 * plan(), ok(), is_int(), is_str(), diag() and done(), whose return value
 * is the test program's exit status.
 *
 * Header-only on purpose: each unit test is one .c file plus this.
 */
#ifndef KP_TAP_H
#define KP_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_planned = -1;	/* -1: the plan is printed by done() */
static int tap_run;
static int tap_failed;

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Announces how many tests will run; skip it to let done() count. */
static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Prints a "# " comment line for each line of the message. */
static inline TAP_PRINTF(1, 2) void diag(const char *fmt, ...)
{
	char buf[4096];
	const char *line, *end;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = buf; *line; line = end + (*end == '\n')) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		printf("# %.*s\n", (int)(end - line), line);
	}
}

static inline bool tap_vok(bool cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static inline TAP_PRINTF(2, 3) bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline TAP_PRINTF(3, 4) bool is_int(long long got, long long want,
					    const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (!r)
		diag("got:      %lld\nexpected: %lld", got, want);
	return r;
}

/* NULL counts as a string different from every real one. */
static inline TAP_PRINTF(3, 4) bool is_str(const char *got, const char *want,
					    const char *fmt, ...)
{
	bool same = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vok(same, fmt, ap);
	va_end(ap);
	if (!same)
		diag("got:      %s\nexpected: %s", got ? got : "(null)",
		     want ? want : "(null)");
	return same;
}

/* Finishes the run; returns the exit status (0 when everything passed). */
static inline int done(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_run);
}

#endif /* KP_TAP_H */
