/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test-parse.c - unit test of the parser (src/parse.c) and of the
 * diagnostics (src/diag.c): tree shapes through kp_ast_dump(), error
 * messages with their line:col and caret, and random or truncated input
 * that must never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "tap.h"

struct parsed {
	char *dump;		/* the tree, NULL on error */
	char *errors;		/* everything the diag printed */
	size_t errors_len;
};

static void parse_source(const char *src, size_t len, struct parsed *out,
			 bool tapset)
{
	struct kp_ast_arena arena;
	struct kp_ast_node *tree;
	struct kp_diag d;
	FILE *err;

	memset(out, 0, sizeof(*out));
	err = open_memstream(&out->errors, &out->errors_len);
	kp_diag_init(&d, err, "t.kp", src, len);
	kp_ast_arena_init(&arena);
	tree = tapset ? kp_parse_tapset(src, len, &d, &arena) :
			kp_parse_chunk(src, len, &d, &arena);
	if (tree)
		out->dump = kp_ast_dump(tree);
	kp_ast_arena_free(&arena);
	fclose(err);
}

static void parsed_free(struct parsed *p)
{
	free(p->dump);
	free(p->errors);
}

/* The dump of a whole file, or its errors; a static buffer. */
static const char *parse_dump(const char *src, bool tapset)
{
	static char buf[2048];
	struct parsed p;

	parse_source(src, strlen(src), &p, tapset);
	snprintf(buf, sizeof(buf), "%s", p.dump ? p.dump : p.errors);
	parsed_free(&p);
	return buf;
}

static const char *tree(const char *src)
{
	return parse_dump(src, false);
}

/* A library tapset, where "alias" defines probe aliases. */
static const char *tapset_tree(const char *src)
{
	return parse_dump(src, true);
}

/* The dump of expression `e`, parsed as the value in "x = e". */
static const char *expr(const char *e)
{
	static char buf[2048];
	char src[1024];
	const char *t, *prefix = "(block (= (x) (";
	size_t len;

	snprintf(src, sizeof(src), "x = %s", e);
	t = tree(src);
	len = strlen(t);
	if (strncmp(t, prefix, strlen(prefix)) || len < strlen(prefix) + 3)
		return t;
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - strlen(prefix) - 3),
		 t + strlen(prefix));
	return buf;
}

/* The first line of the errors for `src` ("" when it parses). */
static const char *error(const char *src)
{
	static char buf[512];
	struct parsed p;
	char *nl;

	parse_source(src, strlen(src), &p, false);
	snprintf(buf, sizeof(buf), "%s", p.errors ? p.errors : "");
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	parsed_free(&p);
	return buf;
}

/* All the errors for `src`, source line and caret included. */
static const char *report(const char *src)
{
	static char buf[1024];
	struct parsed p;

	parse_source(src, strlen(src), &p, false);
	snprintf(buf, sizeof(buf), "%s", p.errors ? p.errors : "");
	parsed_free(&p);
	return buf;
}

static void test_precedence(void)
{
	is_str(expr("1 + 2 * 3"), "(+ 1 (* 2 3))", "* binds tighter than +");
	is_str(expr("1 - 2 - 3"), "(- (- 1 2) 3)", "- is left-associative");
	is_str(expr("a .. b .. c"), "(.. a (.. b c))", ".. is right-associative");
	is_str(expr("a || b && c || d"), "(|| (|| a (&& b c)) d)", "|| below &&");
	is_str(expr("a && b | c"), "(&& a (| b c))", "&& below |");
	is_str(expr("a | b ^ c & d"), "(| a (^ b (& c d)))", "| below ^ below &");
	is_str(expr("a & b == c"), "(& a (== b c))", "& below ==");
	is_str(expr("a == b != c"), "(!= (== a b) c)", "== != left-associative");
	is_str(expr("a != b < c"), "(!= a (< b c))", "== below <");
	is_str(expr("a > b >= c <= d"), "(<= (>= (> a b) c) d)",
	       "comparisons left-associative");
	is_str(expr("a < b .. c"), "(< a (.. b c))", "< below ..");
	is_str(expr("a .. b << c"), "(.. a (<< b c))", ".. below <<");
	is_str(expr("a << b + c >> d"), "(>> (<< a (+ b c)) d)", "<< below +");
	is_str(expr("a + b * c % d / e"), "(+ a (/ (% (* b c) d) e))",
	       "+ below * %% /");
	is_str(expr("-a * b"), "(* (- a) b)", "unary minus binds tightest");
	is_str(expr("!a == b"), "(== (! a) b)", "! binds tighter than ==");
	is_str(expr("~-!a"), "(~ (- (! a)))", "stacked unary operators");
	is_str(expr("- -a"), "(- (- a))", "minus minus with a space");
	is_str(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)", "parentheses");
	is_str(expr("a .. b + c .. d"), "(.. a (.. (+ b c) d))",
	       "+ inside a .. chain");
}

static void test_operands(void)
{
	is_str(expr("-9223372036854775808"), "-9223372036854775808",
	       "INT64_MIN literal through unary minus");
	is_str(expr("-0x8000000000000000 - 1"), "(- -9223372036854775808 1)",
	       "INT64_MIN in hex, then binary minus");
	is_str(expr("9223372036854775807"), "9223372036854775807", "INT64_MAX");
	is_str(expr("f(1, g(2), \"s\\n\", nil, true, false)"),
	       "(call f 1 (call g 2) \"s\\n\" nil true false)",
	       "call with nested call and literals");
	is_str(expr("f()"), "(call f)", "call without arguments");
	is_str(expr("[[long\nstring]]"), "\"long\\nstring\"", "long string");
	is_str(error("x = 'it''s'"), "t.kp:1:9: error: unexpected symbol near "
	       "''s''", "two strings in a row are not a call");
}

static void test_statements(void)
{
	is_str(tree("var a, b = 1, 2\nvar c"),
	       "(block (var (a b) (1 2)) (var (c) ()))", "var with and without values");
	is_str(tree("a, b = b, a"), "(block (= (a b) (b a)))",
	       "multiple assignment");
	is_str(tree("a += 1; b -= 2; c *= 3; d /= 4; e %= 5; f &= 6; g |= 7;"
		    "h ^= 8; i <<= 9; j >>= 1; k ..= \"x\""),
	       "(block (+= a 1) (-= b 2) (*= c 3) (/= d 4) (%= e 5) (&= f 6) "
	       "(|= g 7) (^= h 8) (<<= i 9) (>>= j 1) (..= k \"x\"))",
	       "every compound assignment");
	is_str(tree("x++\ny--"), "(block (++ x) (-- y))", "++ and --");
	is_str(tree("s[k] <<< v + 1\ng <<< 2"),
	       "(block (<<< (index s k) (+ v 1)) (<<< g 2))",
	       "<<< on an element and on a name");
	is_str(tree("if (a) { print(1) } elseif (b) { } else if (c) { }"
		    " else { x = 1 }"),
	       "(block (if a (block (call print 1)) elseif b (block) "
	       "elseif c (block) else (block (= (x) (1)))))",
	       "if, elseif, else if, else");
	is_str(tree("if (a) {\n} else {\n}"),
	       "(block (if a (block) else (block)))", "if/else across lines");
	is_str(tree("while (i < 10) { i++; if (i == 5) { continue } break }"),
	       "(block (while (< i 10) (block (++ i) (if (== i 5) "
	       "(block (continue))) (break))))", "while, break, continue");
	is_str(tree(";;a = 1;; b = 2\n\nc = 3 d = 4;"),
	       "(block (= (a) (1)) (= (b) (2)) (= (c) (3)) (= (d) (4)))",
	       "separators are optional");
	is_str(tree("# only a comment\n"), "(block)", "empty script");
	is_str(tree("print(\"hello\")"), "(block (call print \"hello\"))",
	       "call statement");
}

static void test_functions(void)
{
	is_str(tree("function f(a, b) { return a + b }"),
	       "(block (= (f) ((function f (a b) (block (return (+ a b)))))))",
	       "function statement: an assignment of a function value");
	is_str(expr("function () { return }"), "(function () (block (return)))",
	       "function expression without parameters");
	is_str(tree("function f() {\n  return\n  x = 1\n}"),
	       "(block (= (f) ((function f () (block (return) (= (x) (1)))))))",
	       "a newline ends a return without a value");
	is_str(tree("function f() { return; }"),
	       "(block (= (f) ((function f () (block (return))))))",
	       "a ';' ends a return too");
	is_str(expr("f()(1)(2, 3)"), "(call (call (call f) 1) 2 3)",
	       "calls of call results");
	is_str(expr("(function (x) { return x })(1)"),
	       "(call (function (x) (block (return x))) 1)",
	       "calling a function expression in parentheses");
	is_str(tree("(f)(1)"), "(block (call f 1))",
	       "a call of a parenthesized value is a statement");
	is_str(tree("while (a) { function f() { } }"),
	       "(block (while a (block (= (f) ((function f () (block)))))))",
	       "a function statement inside a block");
	is_str(error("while (a) { function f() { break } }"),
	       "t.kp:1:28: error: 'break' outside a loop",
	       "a loop around a function is not around its body");
	is_str(error("function (a) { }"),
	       "t.kp:1:10: error: <name> expected near '('",
	       "a function statement needs a name");
	is_str(error("function f(a, 1) { }"),
	       "t.kp:1:15: error: <name> expected near '1'",
	       "parameters are names");
	is_str(error("x = function (a) { }(1)"),
	       "t.kp:1:24: error: syntax error near '<eof>' (a statement must "
	       "be a call or an assignment)",
	       "a function expression takes no call suffix: (1) starts a "
	       "statement");
}

static void test_loops(void)
{
	is_str(tree("for (i = 1, 10) { }"), "(block (for i 1 10 - (block)))",
	       "numeric for");
	is_str(tree("for (i = 10, 1, -2) { break }"),
	       "(block (for i 10 1 (- 2) (block (break))))",
	       "numeric for with a step");
	is_str(tree("for (var i = 0; i < 3; i++) { continue }"),
	       "(block (cfor (var (i) (0)) (< i 3) (++ i) (block (continue))))",
	       "C form with var");
	is_str(tree("for (i, j = 0, 9; i < j; i += 1) { }"),
	       "(block (cfor (= (i j) (0 9)) (< i j) (+= i 1) (block)))",
	       "C form with a multiple assignment");
	is_str(tree("for (;;) { break }"), "(block (cfor - - - (block (break))))",
	       "C form with nothing");
	is_str(tree("for (f(); ; g()) { }"),
	       "(block (cfor (call f) - (call g) (block)))",
	       "C form with calls");
	is_str(tree("for (i++; i; ) { }"), "(block (cfor (++ i) i - (block)))",
	       "C form starting with ++");
	is_str(tree("repeat { x++ } until (x > 3)"),
	       "(block (repeat (block (++ x)) (> x 3)))", "repeat until");
	is_str(error("for (i = 1) { }"),
	       "t.kp:1:6: error: a numeric 'for' takes 2 or 3 values "
	       "(first, last [, step]), got 1", "numeric for with one value");
	is_str(error("for (i = 1, 2, 3, 4) { }"),
	       "t.kp:1:6: error: a numeric 'for' takes 2 or 3 values "
	       "(first, last [, step]), got 4", "numeric for with four values");
	is_str(error("for (i = 1, 2 { }"),
	       "t.kp:1:15: error: ';' expected near '{'",
	       "numeric for without ')'");
	is_str(error("for (var i = 1, 2) { }"),
	       "t.kp:1:18: error: ';' expected near ')'",
	       "var makes the C form");
	is_str(error("repeat { } x"), "t.kp:1:12: error: 'until' expected near 'x'",
	       "repeat without until");
	is_str(error("for (;;) { } break"), "t.kp:1:14: error: 'break' outside a loop",
	       "break after a loop");
}

static void test_tables(void)
{
	is_str(tree("x = {}"), "(block (= (x) ((table))))", "empty constructor");
	is_str(tree("x = {1, 2; name = 3, [\"k\"] = 4,}"),
	       "(block (= (x) ((table 1 2 [\"name\"]=3 [\"k\"]=4))))",
	       "constructor: positional, named, bracketed, trailing separator");
	is_str(tree("x = {a == 1}"), "(block (= (x) ((table (== a 1)))))",
	       "a NAME followed by == is a value");
	is_str(tree("x = t[1].a[k]"),
	       "(block (= (x) ((index (index (index t 1) \"a\") k))))",
	       "index and field chains");
	is_str(tree("t[k] += 1; t.n++"),
	       "(block (+= (index t k) 1) (++ (index t \"n\")))",
	       "compound assignment to elements");
	is_str(tree("t[1], t.a = 2, 3"),
	       "(block (= ((index t 1) (index t \"a\")) (2 3)))",
	       "element targets");
	is_str(tree("for (k, v in pairs(t)) { }"),
	       "(block (forin k v (call pairs t) (block)))", "pairs loop");
	is_str(tree("for (k in sort_pairs(t, f)) { break }"),
	       "(block (forin k (call sort_pairs t f) (block (break))))",
	       "sort_pairs loop, one name");
	is_str(tree("x = f()[1]"), "(block (= (x) ((index (call f) 1))))",
	       "index of a call");
	is_str(error("for (k in t) { }"),
	       "t.kp:1:11: error: 'for ... in' needs pairs(t) or sort_pairs(t [, cmp])",
	       "for-in needs an iterator call");
	is_str(error("for (a, b, c in pairs(t)) { }"),
	       "t.kp:1:6: error: 'for ... in' takes one or two names", "three names");
}

static void test_errors(void)
{
	is_str(error("x = "), "t.kp:1:5: error: unexpected symbol near '<eof>'",
	       "missing value");
	is_str(error("x = 1 +"),
	       "t.kp:1:8: error: unexpected symbol near '<eof>'",
	       "missing right operand");
	is_str(error("print(1"), "t.kp:1:8: error: ')' expected near '<eof>'",
	       "unclosed call");
	is_str(error("print(1,\n  2\n"),
	       "t.kp:3:1: error: ')' expected (to close '(' at line 1) near "
	       "'<eof>'", "unclosed call across lines names the opener");
	is_str(error("if (a) {\n  print(1)\n"),
	       "t.kp:3:1: error: '}' expected (to close '{' at line 1) near "
	       "'<eof>'", "unclosed block");
	is_str(error("if a { }"), "t.kp:1:4: error: '(' expected near 'a'",
	       "if without parentheses");
	is_str(error("if (a) print(1)"),
	       "t.kp:1:8: error: '{' expected near 'print'",
	       "if without braces");
	is_str(error("while (a) { } else { }"),
	       "t.kp:1:15: error: unexpected symbol near 'else'", "stray else");
	is_str(error("x"),
	       "t.kp:1:2: error: syntax error near '<eof>' (a statement must "
	       "be a call or an assignment)", "a bare name is no statement");
	is_str(error("(print(1))"),
	       "t.kp:1:11: error: syntax error near '<eof>' (a statement must "
	       "be a call or an assignment)", "a call in parentheses neither");
	is_str(error("1 + 2"), "t.kp:1:1: error: unexpected symbol near '1'",
	       "an expression is no statement");
	is_str(error("}"), "t.kp:1:1: error: unexpected symbol near '}'",
	       "stray closing brace");
	is_str(error("f() = 1"),
	       "t.kp:1:1: error: cannot assign to this expression",
	       "assigning to a call");
	is_str(error("a, f() = 1, 2"),
	       "t.kp:1:4: error: cannot assign to this expression",
	       "assigning to a call in a list");
	is_str(error("f() += 1"),
	       "t.kp:1:1: error: cannot assign to this expression",
	       "compound assignment to a call");
	is_str(error("a, b += 1"), "t.kp:1:6: error: '=' expected near '+='",
	       "compound assignment to a list");
	is_str(error("var 1 = 2"), "t.kp:1:5: error: <name> expected near '1'",
	       "var needs a name");
	is_str(error("x = 9223372036854775808"),
	       "t.kp:1:5: error: number out of range near "
	       "'9223372036854775808'", "2^63 without minus");
	is_str(error("x = -(9223372036854775808)"),
	       "t.kp:1:7: error: number out of range near "
	       "'9223372036854775808'", "2^63 in parentheses");
	is_str(error("break"), "t.kp:1:1: error: 'break' outside a loop",
	       "break outside a loop");
	is_str(error("if (a) { continue }"),
	       "t.kp:1:10: error: 'continue' outside a loop",
	       "continue outside a loop");
	is_str(error("x = \"abc\\q\""),
	       "t.kp:1:9: error: invalid escape sequence '\\q'",
	       "lexer errors stop the parser");
}

/* Tracing blocks: the spec is raw, a filter becomes the body's first if. */
static void test_aliases(void)
{
	is_str(tapset_tree("alias a.b = x:y, p:q if kernel >= \"6.1\" { var v = $f }"),
	       "(block (probe 4 a.b 0 [x:y p:q] kernel >= 6.1 (block (var (v) ($f)))))",
	       "alias: events, a version guard, a prologue");
	is_str(tapset_tree("alias n =x:y,z:w {}\nalias n = probe:f { return }"),
	       "(block (probe 4 n 0 [x:y z:w] (block)) (probe 4 n 0 [probe:f] (block (return))))",
	       "alias: commas without blanks; two definitions of one name");
	is_str(tapset_tree("alias n x:y {}"),
	       "t.kp:1:9: error: '=' expected near the alias's events\n"
	       "alias n x:y {}\n        ^\n",
	       "alias: '=' is required");
	is_str(tapset_tree("alias n = x:y if kernel ~ \"6\" {}"),
	       "t.kp:1:25: error: a comparison expected near '~'\n"
	       "alias n = x:y if kernel ~ \"6\" {}\n                        ^\n",
	       "alias: the guard compares");
	is_str(tree("alias = 1"), "(block (= (alias) (1)))",
	       "alias is an ordinary name in a script");
	is_str(tree("trace syscall.open /path == \"x\"/ { }"),
	       "(block (probe 0 syscall.open 0 (block (if (! (== path \"x\")) (block (return))))))",
	       "the filter of a probe alias reads names, not fields");
}

static void test_probes(void)
{
	is_str(tree("trace syscalls:sys_enter_* { print(1) }"),
	       "(block (probe 0 syscalls:sys_enter_* 0 (block (call print 1))))",
	       "trace block");
	is_str(tree("trace probe:vfs_read%return{}"),
	       "(block (probe 0 probe:vfs_read%return 0 (block)))",
	       "a spec ends at '{'");
	is_str(tree("trace sched:sched_switch /prev_pid != 0 && $next_pid/ { }"),
	       "(block (probe 0 sched:sched_switch 0 (block (if (! (&& (!= $prev_pid 0) $next_pid)) (block (return))))))",
	       "filter names are fields; '/' ends it");
	is_str(tree("trace_end { x = 1 }"),
	       "(block (probe 1 - 0 (block (= (x) (1)))))", "trace_end");
	is_str(tree("tick-1s { }\nprofile-10ms { }\ntick-250us { }"),
	       "(block (probe 2 -1s 1000000000 (block)) (probe 3 -10ms 10000000 (block)) (probe 2 -250us 250000 (block)))",
	       "timers and their periods");
	is_str(tree("profile-99hz { }\ntick-1hz { }"),
	       "(block (probe 3 -99hz 10101010 (block)) (probe 2 -1hz 1000000000 (block)))",
	       "a rate in hz is a period of 1 s / N");
	is_str(error("profile-0hz { }"),
	       "t.kp:1:8: error: malformed event '-0hz': expected -N followed by one of ns, us, usec, ms, msec, s, sec, hz",
	       "0hz has no period");
	is_str(expr("$filename"), "$filename", "$name");
	is_str(error("tick-1h { }"),
	       "t.kp:1:5: error: malformed event '-1h': expected -N followed by one of ns, us, usec, ms, msec, s, sec, hz",
	       "a unit that does not exist");
	is_str(error("if (1) { trace_end { } }"),
	       "t.kp:1:10: error: trace blocks must be at the top level",
	       "blocks only at the top level");
	is_str(error("function f() { tick-1s { } }"),
	       "t.kp:1:16: error: timer blocks must be at the top level",
	       "timers only at the top level");
}

static void test_not_supported(void)
{
	static const char *const cases[][2] = {
		{ "a:b()", "1:2: error: method call ':' is not supported yet" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[256];

		snprintf(want, sizeof(want), "t.kp:%s", cases[i][1]);
		is_str(error(cases[i][0]), want, "not supported: %s", cases[i][0]);
	}
}

/* Builds `n` copies of `open`, then `mid`, then `n` copies of `close`. */
static char *nest(int n, const char *open, const char *mid, const char *close)
{
	size_t size = n * (strlen(open) + strlen(close)) + strlen(mid) + 1;
	char *s = malloc(size), *p = s;
	int i;

	for (i = 0; i < n; i++)
		p += sprintf(p, "%s", open);
	p += sprintf(p, "%s", mid);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s", close);
	return s;
}

static void test_limits(void)
{
	const char *too_deep = "error: script nested too deeply (limit 200 levels)";
	char *s;

	s = nest(150, "(", "x = 1", ")");
	ok(strstr(error(s), "')' expected near '='") != NULL,
	   "an assignment in parentheses is an error");
	free(s);
	s = nest(100, "if (a) { ", "print(1)", " }");
	is_str(error(s), "", "100 nested blocks are fine");
	free(s);
	s = nest(300, "if (a) { ", "print(1)", " }");
	ok(strstr(error(s), too_deep) != NULL, "300 nested blocks are too deep");
	free(s);
	s = nest(300, "(", "1", ")");
	{
		char *src = malloc(strlen(s) + 8);

		sprintf(src, "x = %s", s);
		ok(strstr(error(src), too_deep) != NULL,
		   "300 nested parentheses are too deep");
		free(src);
	}
	free(s);
	s = nest(300, "a .. ", "a", "");
	{
		char *src = malloc(strlen(s) + 8);

		sprintf(src, "x = %s", s);
		ok(strstr(error(src), too_deep) != NULL,
		   "a 300-long .. chain is too deep (right recursion)");
		free(src);
	}
	free(s);
	s = nest(300, "", "x = a", " + a");
	ok(strstr(error(s), too_deep) != NULL,
	   "a 300-long + chain is too deep (tree height)");
	free(s);
	s = nest(120, "x = function () { ", "", " }");
	ok(strstr(error(s), too_deep) != NULL,
	   "120 nested function expressions are too deep");
	free(s);
	s = nest(150, "", "x = function () { y = a", " + a");
	{
		char *src = malloc(strlen(s) + 8 * 60 + 8);
		char *q = src + sprintf(src, "%s }", s);
		int i;

		is_str(error(src), "", "a function holding a 150-high "
		       "expression is fine");
		for (i = 0; i < 60; i++)
			q += sprintf(q, " + a");
		ok(strstr(error(src), too_deep) != NULL,
		   "... but not at the bottom of a 60-long + chain: the "
		   "function's height counts");
		free(src);
	}
	free(s);
	s = nest(1000, "if (a) { } else ", "{ }", "");
	is_str(error(s), "", "1000 'else if' arms do not nest");
	free(s);
	s = nest(1000, "", "if (a) { }", " elseif (b) { }");
	is_str(error(s), "", "1000 elseif arms do not nest");
	free(s);
}

/* The whole report: location, source line, caret under the column. */
static void test_caret(void)
{
	is_str(report("x = 1\ny = 2 +* 3\nz = 4\n"),
	       "t.kp:2:8: error: unexpected symbol near '*'\n"
	       "y = 2 +* 3\n"
	       "       ^\n", "caret under the token on its line");
	is_str(report("if (a) {\n\t\tx = 1 +* 2\n}\n"),
	       "t.kp:2:10: error: unexpected symbol near '*'\n"
	       "\t\tx = 1 +* 2\n"
	       "\t\t       ^\n", "tabs are kept so the caret lines up");
	is_str(report("x = 1 +\r\n"),
	       "t.kp:2:1: error: unexpected symbol near '<eof>'\n"
	       "\n"
	       "^\n", "error at the end: empty last line, caret in column 1");
	is_str(report("a = 1\r\nb = )\r\n"),
	       "t.kp:2:5: error: unexpected symbol near ')'\n"
	       "b = )\n"
	       "    ^\n", "CRLF: no carriage return in the report");
	is_str(report("x = \"a very long string that goes on and on and on\" y"),
	       "t.kp:1:54: error: syntax error near '<eof>' (a statement must "
	       "be a call or an assignment)\n"
	       "x = \"a very long string that goes on and on and on\" y\n"
	       "                                                     ^\n",
	       "caret far to the right");
}

/* A small deterministic PRNG (xorshift32), so failures reproduce. */
static unsigned rng_state = 2463534242u;

static unsigned rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state % n;
}

static const char *const vocabulary[] = {
	"var", "function", "return", "if", "elseif", "else", "while", "for",
	"in", "break", "continue", "repeat", "until", "trace", "trace_end",
	"true", "false", "nil", "||", "&&", "|", "^", "&", "==", "!=", "<",
	"<=", ">", ">=", "..", "<<", ">>", "+", "-", "*", "/", "%", "!", "~",
	"=", "+=", "-=", "..=", "<<=", "++", "--", "<<<", "(", ")", "{", "}",
	"[", "]", ",", ";", ".", ":", "\n", "a", "b", "print", "x", "1",
	"0x10", "9223372036854775808", "\"s\"", "'\\n'", "[[l]]", "$f",
	"tick-1s", "(", ")", "{", "}", "print(", "x =", "if (a) {",
	"while (b) {", "# c\n", "/* c */",
};

/* Parses `src`: it must return, and fail only with a proper report. */
static bool survives(const char *src, size_t len)
{
	struct parsed p;
	bool good;

	parse_source(src, len, &p, false);
	good = p.dump ? p.errors_len == 0
		      : p.errors_len > 0 && !strncmp(p.errors, "t.kp:", 5);
	if (!good)
		diag("bad outcome for: %.*s", (int)len, src);
	parsed_free(&p);
	return good;
}

static void test_random_streams(void)
{
	const size_t nwords = sizeof(vocabulary) / sizeof(vocabulary[0]);
	int i, bad = 0;
	char src[1024];

	for (i = 0; i < 500; i++) {
		size_t len = 0;
		int n = 1 + rng(40), j;

		for (j = 0; j < n; j++)
			len += snprintf(src + len, sizeof(src) - len, "%s ",
					vocabulary[rng(nwords)]);
		bad += !survives(src, len);
	}
	ok(!bad, "500 random token streams: no crash, proper reports");
	for (i = 0; i < 200; i++) {
		size_t len = 1 + rng(64), j;

		for (j = 0; j < len; j++)
			src[j] = (char)rng(256);
		bad += !survives(src, len);
	}
	ok(!bad, "200 random byte strings: no crash, proper reports");
	{
		static const char script[] =
			"var n = 0 # count\n"
			"while (n < 10) {\n"
			"\tn += 1; if (n % 2 == 0) { continue }\n"
			"\tif (n > 7 && n != 9 || !n) { break } elseif (n) {\n"
			"\t\tprint(\"n=\" .. n, -9223372036854775808, 0x7f)\n"
			"\t} else if (n <= 3) { x, y = y, x } else { s ..= [[t]] }\n"
			"}\n/* end */ n++\n";
		size_t cut;

		for (cut = 0; cut <= sizeof(script) - 1; cut++) {
			char *copy = malloc(cut ? cut : 1);

			memcpy(copy, script, cut);
			bad += !survives(copy, cut);
			free(copy);
		}
		ok(!bad, "every prefix of a %zu-byte script: no crash, no "
		   "overread", sizeof(script) - 1);
		is_str(error(script), "", "and the whole script parses");
	}
}

int main(void)
{
	test_precedence();
	test_operands();
	test_statements();
	test_functions();
	test_loops();
	test_tables();
	test_errors();
	test_not_supported();
	test_probes();
	test_aliases();
	test_limits();
	test_caret();
	test_random_streams();
	return done();
}
