/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test-lex.c - unit test of the lexer (src/lex.c): every token kind,
 * numbers and their range, strings and escapes, comments, positions and
 * the error reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lex.h"
#include "tap.h"

/* Everything a test wants to know after lexing a whole source. */
struct lexed {
	char kinds[1024];	/* token spellings joined by spaces */
	char *errors;		/* what the diag printed */
	size_t errors_len;
	struct kp_token last;	/* the last token (EOF or ERROR) */
};

static void lex_source(const char *src, struct lexed *out)
{
	struct kp_diag d;
	struct kp_lex lx;
	struct kp_token tok;
	FILE *err;
	size_t used = 0;

	memset(out, 0, sizeof(*out));
	err = open_memstream(&out->errors, &out->errors_len);
	kp_diag_init(&d, err, "t.kp", src, strlen(src));
	kp_lex_init(&lx, src, strlen(src), &d);
	do {
		kp_lex_next(&lx, &tok);
		used += snprintf(out->kinds + used, sizeof(out->kinds) - used,
				 "%s%s", used ? " " : "",
				 kp_lex_spelling(tok.kind));
	} while (tok.kind != KP_TK_EOF && tok.kind != KP_TK_ERROR &&
		 used < sizeof(out->kinds) - 64);
	out->last = tok;
	kp_lex_free(&lx);
	fclose(err);
}

/* The token kinds of `src` as spellings; a static buffer. */
static const char *kinds(const char *src)
{
	static struct lexed l;

	free(l.errors);
	lex_source(src, &l);
	return l.kinds;
}

/* The first line the diag printed for `src`, "" if none; static buffer. */
static const char *first_error(const char *src)
{
	static char line[256];
	struct lexed l;
	char *nl;

	lex_source(src, &l);
	snprintf(line, sizeof(line), "%s", l.errors ? l.errors : "");
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	free(l.errors);
	return line;
}

/* Lexes one token of `src`, copying string text to `text`. */
static struct kp_token one_token(const char *src, char *text, size_t size)
{
	struct kp_diag d;
	struct kp_lex lx;
	struct kp_token tok;

	kp_diag_init(&d, NULL, "t.kp", src, strlen(src));
	kp_lex_init(&lx, src, strlen(src), &d);
	kp_lex_next(&lx, &tok);
	if (text && size) {
		size_t n = tok.len < size - 1 ? tok.len : size - 1;

		if (tok.str)
			memcpy(text, tok.str, n);
		text[tok.str ? n : 0] = '\0';
	}
	kp_lex_free(&lx);
	tok.str = NULL;	/* dangling now */
	return tok;
}

struct spelled {
	const char *spelling;
	enum kp_tok kind;
};

static const struct spelled fixed_tokens[] = {
#define SPELLED(id, s) { s, KP_TK_##id },
	KP_TOKENS_KEYWORD(SPELLED)
	KP_TOKENS_PUNCT(SPELLED)
#undef SPELLED
};

static void test_every_fixed_token(void)
{
	size_t i, n = sizeof(fixed_tokens) / sizeof(fixed_tokens[0]);
	int bad = 0;

	for (i = 0; i < n; i++) {
		struct kp_token t = one_token(fixed_tokens[i].spelling, NULL, 0);

		if (t.kind != fixed_tokens[i].kind ||
		    t.raw_len != strlen(fixed_tokens[i].spelling)) {
			diag("'%s' lexed as %s", fixed_tokens[i].spelling,
			     kp_lex_spelling(t.kind));
			bad++;
		}
	}
	ok(!bad, "each of the %zu keywords and punctuators lexes alone", n);
	is_str(kinds("var function return if elseif else while for in break "
		     "continue repeat until trace trace_end true false nil"),
	       "var function return if elseif else while for in break "
	       "continue repeat until trace trace_end true false nil <eof>",
	       "all keywords in a row");
	is_str(kinds("a+=1 b-=2 c*=3 d/=4 e%=5 f&=6 g|=7 h^=8 i<<=9 j>>=1 "
		     "k..=2"),
	       "<name> += <integer> <name> -= <integer> <name> *= <integer> "
	       "<name> /= <integer> <name> %= <integer> <name> &= <integer> "
	       "<name> |= <integer> <name> ^= <integer> <name> <<= <integer> "
	       "<name> >>= <integer> <name> ..= <integer> <eof>",
	       "compound assignments");
	is_str(kinds("x++ y-- s[k]<<<v"),
	       "<name> ++ <name> -- <name> [ <name> ] <<< <name> <eof>",
	       "++, --, <<<");
	is_str(kinds("a<<<=b ...c a||b&&c!d~e"),
	       "<name> <<< = <name> .. . <name> <name> || <name> && <name> "
	       "! <name> ~ <name> <eof>",
	       "longest match");
	is_str(kinds("(){}[],;.: == != < <= > >= << >> + - * / % ^ & |"),
	       "( ) { } [ ] , ; . : == != < <= > >= << >> + - * / % ^ & | "
	       "<eof>", "brackets and operators");
	is_str(kinds("trace_end traced _x x1 $filename"),
	       "trace_end <name> <name> <name> <$field> <eof>",
	       "names, keywords as prefixes, $field");
	is_str(kinds(""), "<eof>", "empty source");
}

static void test_names(void)
{
	char text[64];
	struct kp_token t = one_token("  _foo_Bar9 x", text, sizeof(text));

	ok(t.kind == KP_TK_NAME && !strcmp(text, "_foo_Bar9"), "name text");
	t = one_token("$retval", text, sizeof(text));
	ok(t.kind == KP_TK_FIELD && !strcmp(text, "retval"),
	   "$field text is the name");
	is_str(first_error("$ x"), "t.kp:1:1: error: unexpected character '$'",
	       "lone $");
	is_str(first_error("a @ b"),
	       "t.kp:1:3: error: unexpected character '@'", "unknown character");
	is_str(first_error("a \x01"),
	       "t.kp:1:3: error: unexpected character '\\x01'",
	       "control character shown escaped");
}

static void test_numbers(void)
{
	struct kp_token t;

	t = one_token("0", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == 0, "0");
	t = one_token("123", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == 123, "decimal");
	t = one_token("0x7f", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == 0x7f, "hex");
	t = one_token("0XDeadBeef", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == 0xdeadbeef, "hex, mixed case");
	t = one_token("9223372036854775807", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == INT64_MAX, "INT64_MAX");
	t = one_token("0x7fffffffffffffff", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == INT64_MAX, "INT64_MAX in hex");
	t = one_token("9223372036854775808", NULL, 0);
	ok(t.kind == KP_TK_INT && t.ival == KP_LEX_INT_MIN_MAGNITUDE,
	   "2^63 lexes (the parser allows it only after unary minus)");
	is_str(first_error("x = 9223372036854775809"),
	       "t.kp:1:5: error: number out of range near "
	       "'9223372036854775809'", "2^63 + 1 is out of range");
	is_str(first_error("99999999999999999999999"),
	       "t.kp:1:1: error: number out of range near "
	       "'99999999999999999999999'", "far out of range");
	is_str(first_error("0x10000000000000000"),
	       "t.kp:1:1: error: number out of range near "
	       "'0x10000000000000000'", "hex out of range");
	is_str(first_error("12ab"),
	       "t.kp:1:1: error: malformed number near '12ab'", "12ab");
	is_str(first_error("0x"), "t.kp:1:1: error: malformed number near '0x'",
	       "0x without digits");
	is_str(first_error("1.5"),
	       "t.kp:1:1: error: malformed number near '1.5'", "no floats");
	is_str(first_error("0644"),
	       "t.kp:1:1: error: malformed number near '0644' (leading zeros "
	       "are not allowed; there are no octal literals)",
	       "no octal guessing");
	is_str(kinds("1..2"), "<integer> .. <integer> <eof>", "1..2 concatenates");
}

static void test_strings(void)
{
	char text[64];
	struct kp_token t;

	t = one_token("\"a\\n\\t\\r\\\\\\\"\\'b\"", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && !strcmp(text, "a\n\t\r\\\"'b"),
	   "simple escapes");
	t = one_token("'\\x41\\x6a\\65\\066'", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && !strcmp(text, "AjAB"),
	   "\\xHH and decimal \\ddd");
	t = one_token("\"a\\0b\"", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && t.len == 3 && text[1] == '\0' &&
	   text[2] == 'b', "\\0 is a NUL byte inside the string");
	t = one_token("\"\\255\\1234\"", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && t.len == 3 &&
	   (unsigned char)text[0] == 255 && text[1] == 123 && text[2] == '4',
	   "\\ddd takes at most three digits");
	t = one_token("'say \"hi\"'", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && !strcmp(text, "say \"hi\""),
	   "double quotes inside single quotes");
	t = one_token("\"\"", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && t.len == 0, "empty string");
	is_str(first_error("print(\"a\\qb\")"),
	       "t.kp:1:9: error: invalid escape sequence '\\q'", "bad escape");
	is_str(first_error("\"\\256\""),
	       "t.kp:1:2: error: invalid escape sequence '\\256'",
	       "decimal escape above 255");
	is_str(first_error("\"\\x4g\""),
	       "t.kp:1:2: error: invalid escape sequence '\\x4'",
	       "short hex escape");
	is_str(first_error("x = \"abc"),
	       "t.kp:1:5: error: unfinished string near '\"abc'",
	       "string not closed at end of input");
	is_str(first_error("x = 'abc\ny'"),
	       "t.kp:1:5: error: unfinished string near ''abc'",
	       "string not closed at end of line");
}

static void test_long_strings(void)
{
	char text[64];
	struct kp_token t;
	struct lexed l;

	t = one_token("[[a\\n\"b]]", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && !strcmp(text, "a\\n\"b"),
	   "long string: no escapes");
	t = one_token("[[\nline1\nline2]]", text, sizeof(text));
	ok(t.kind == KP_TK_STRING && !strcmp(text, "line1\nline2"),
	   "long string: first newline dropped, others kept");
	lex_source("[[a\nb\nc]] x", &l);
	is_str(l.kinds, "<string> <name> <eof>", "long string then a name");
	free(l.errors);
	is_str(first_error("x = [[abc\n\n"),
	       "t.kp:1:5: error: unfinished long string", "unfinished long string");
}

static void test_comments(void)
{
	struct lexed l;

	is_str(kinds("#!/usr/bin/env ktap\na # c\nb // c\nc /* x\ny */ d"),
	       "<name> <name> <name> <name> <eof>", "#, // and /* */ comments");
	is_str(kinds("a/**/b/***/c"), "<name> <name> <name> <eof>",
	       "empty and starry block comments");
	is_str(kinds("a / b"), "<name> / <name> <eof>", "a slash is division");
	lex_source("x = 1\n  /* never\nclosed", &l);
	ok(l.last.kind == KP_TK_ERROR, "unterminated block comment: error");
	is_str(l.errors,
	       "t.kp:2:3: error: unfinished comment\n  /* never\n  ^\n",
	       "... reported where it starts, with the caret");
	free(l.errors);
}

/* Positions: lines, byte columns (a tab is one), nl_before. */
static void test_positions(void)
{
	const char *src = "a = 1\n\tif (b)  # c\n  /* x\n */ \"s\" [[\n]] z";
	static const unsigned want[][3] = {	/* line, col, nl_before */
		{ 1, 1, 0 }, { 1, 3, 0 }, { 1, 5, 0 },
		{ 2, 2, 1 }, { 2, 5, 0 }, { 2, 6, 0 }, { 2, 7, 0 },
		{ 4, 5, 1 }, { 4, 9, 0 }, { 5, 4, 0 }, { 5, 5, 0 },
	};
	struct kp_diag d;
	struct kp_lex lx;
	struct kp_token t;
	size_t i, bad = 0;

	kp_diag_init(&d, NULL, "t.kp", src, strlen(src));
	kp_lex_init(&lx, src, strlen(src), &d);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		kp_lex_next(&lx, &t);
		if (t.pos.line != want[i][0] || t.pos.col != want[i][1] ||
		    t.nl_before != (bool)want[i][2]) {
			diag("token %zu (%s) at %u:%u nl=%d, want %u:%u nl=%u",
			     i, kp_lex_spelling(t.kind), t.pos.line, t.pos.col,
			     t.nl_before, want[i][0], want[i][1], want[i][2]);
			bad++;
		}
	}
	ok(!bad, "line and column of every token, across comments and "
	   "long strings");
	ok(t.kind == KP_TK_EOF, "ends with <eof> at %u:%u", t.pos.line,
	   t.pos.col);
	kp_lex_free(&lx);
}

static void test_error_is_sticky(void)
{
	struct kp_diag d;
	struct kp_lex lx;
	struct kp_token t;
	const char *src = "a @ b";
	int n_err = 0, i;

	kp_diag_init(&d, NULL, "t.kp", src, strlen(src));
	kp_lex_init(&lx, src, strlen(src), &d);
	for (i = 0; i < 4; i++)
		n_err += kp_lex_next(&lx, &t) == KP_TK_ERROR;
	ok(n_err == 3 && d.nerrors == 1,
	   "after an error every token is <error>, reported once");
	kp_lex_free(&lx);
}

/* A source that is not NUL-terminated, with NULs inside: no overreads. */
static void test_not_nul_terminated(void)
{
	char src[] = { 'a', ' ', '"', 'x', '\0', 'y', '"', ' ', '1', '2' };
	struct kp_diag d;
	struct kp_lex lx;
	struct kp_token t;
	char *copy = malloc(sizeof(src));

	memcpy(copy, src, sizeof(src));
	kp_diag_init(&d, NULL, "t.kp", copy, sizeof(src));
	kp_lex_init(&lx, copy, sizeof(src), &d);
	kp_lex_next(&lx, &t);
	kp_lex_next(&lx, &t);
	ok(t.kind == KP_TK_STRING && t.len == 3, "raw NUL inside a string");
	kp_lex_next(&lx, &t);
	ok(t.kind == KP_TK_INT && t.ival == 12, "number at the very end");
	kp_lex_next(&lx, &t);
	ok(t.kind == KP_TK_EOF, "then <eof>");
	kp_lex_free(&lx);
	free(copy);
}

int main(void)
{
	test_every_fixed_token();
	test_names();
	test_numbers();
	test_strings();
	test_long_strings();
	test_comments();
	test_positions();
	test_error_is_sticky();
	test_not_nul_terminated();
	return done();
}
