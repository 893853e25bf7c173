// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VM core built in user space: compiled scripts run
 * and print what they should (calls, recursion, loops included), runtime
 * errors carry script:line, deep recursion costs heap and not C stack,
 * and the loader/verifier refuse every damaged chunk we can make
 * (truncations at every length, unknown opcodes, operands off the frame,
 * bad call windows, prototype indices and returns, random flips)
 * without crashing — run under ASan/UBSan this is the first fuzzer.
 */
#include <stdlib.h>
#include "tap.h"
#include "chunk_writer.h"
#include "compile.h"
#include "vm/vm.h"
#include "uapi/ktap.h"

/* What the VM emitted, as the test host saw it. */
struct capture {
	char out[1 << 16];
	size_t out_len;
	char err[1024];
	int records;
};

static int capture_emit(void *ctx, u16 type, const char *data, u32 len)
{
	struct capture *c = ctx;

	c->records++;
	if (type == KTAP_REC_ERROR) {
		snprintf(c->err, sizeof(c->err), "%.*s", (int)len, data);
		return 0;
	}
	if (c->out_len + len < sizeof(c->out)) {
		memcpy(c->out + c->out_len, data, len);
		c->out_len += len;
		c->out[c->out_len] = '\0';
	}
	return 0;
}

static const struct kp_vm_limits default_limits = {
	.max_insns = KP_DEFAULT_MAX_INSNS,
	.max_memory = KP_DEFAULT_MAX_MEMORY,
	.max_string = KP_DEFAULT_MAX_STRING,
	.max_depth = KP_DEFAULT_MAX_DEPTH,
	.max_entries = KP_DEFAULT_MAX_ENTRIES,
};

static struct kp_chunk_buf compile_or_die(const char *src)
{
	struct kp_chunk_buf chunk = { 0 };

	if (kp_compile("-e", src, strlen(src), stderr, &chunk)) {
		diag("cannot compile: %s", src);
		exit(1);
	}
	return chunk;
}

/* Load and run bytes; returns load's result, run's result in *run_ret. */
static int load_and_run(const void *data, size_t len,
			const struct kp_vm_limits *lim, struct capture *cap,
			char *err, size_t errlen)
{
	struct kp_vm_host host = { .emit = capture_emit, .ctx = cap };
	struct kp_vm *vm;
	int ret;

	memset(cap, 0, sizeof(*cap));
	ret = kp_vm_load(data, len, lim, &host, &vm, err, errlen);
	if (ret)
		return ret;
	kp_vm_run_main(vm);
	kp_vm_free(vm);
	return 0;
}

static void check_output(const char *src, const char *want_out,
			 const char *want_err)
{
	struct kp_chunk_buf chunk = compile_or_die(src);
	struct capture cap;
	char err[256], name[256], *nl;
	int ret = load_and_run(chunk.data, chunk.len, &default_limits, &cap,
			       err, sizeof(err));

	/* One TAP line per test: show the script's lines joined by "; ". */
	snprintf(name, sizeof(name), "%s", src);
	while ((nl = strchr(name, '\n')))
		*nl = ';';
	ok(ret == 0 && !strcmp(cap.out, want_out) &&
	   !strcmp(cap.err, want_err), "runs: %s", name);
	if (ret || strcmp(cap.out, want_out) || strcmp(cap.err, want_err))
		diag("load=%d (%s)\nout: '%s' want '%s'\nerr: '%s' want '%s'",
		     ret, ret ? err : "", cap.out, want_out, cap.err,
		     want_err);
	kp_chunk_buf_free(&chunk);
}

static void test_programs(void)
{
	check_output("print(\"hello\")", "hello\n", "");
	check_output("print(1, \"a\", true, nil)", "1\ta\ttrue\tnil\n", "");
	check_output("print(7 / 2, -7 / 2, -7 % 3, 1 << 63 >> 63)",
		     "3\t-3\t-1\t1\n", "");
	check_output("var m = -0x7fffffffffffffff - 1\nvar d = -1\nprint(m / d, m % d)",
		     "-9223372036854775808\t0\n", "");
	check_output("var s = \"x\" .. 1 .. \"y\"\nprint(s, s == \"x1y\", \"a\" < \"b\")",
		     "x1y\ttrue\ttrue\n", "");
	check_output("var i = 0\nwhile (i < 5) { i += 1 }\nprint(i)", "5\n", "");
	check_output("var z = 0\nprint(\"before\")\nprint(1 / z)\nprint(\"after\")",
		     "before\n", "-e:3: divide by zero");
	check_output("var n = nil\nprint(n + 1)", "",
		     "-e:2: attempt to perform arithmetic on a nil value");
	check_output("while (true) { }", "",
		     "-e:1: instruction limit exceeded (1000000); raise it with --max-insns");
}

static void test_functions(void)
{
	check_output("function fib(n) { if (n < 2) { return n }\n"
		     "return fib(n - 1) + fib(n - 2) }\nprint(fib(15))",
		     "610\n", "");
	check_output("function f(a, b, c) { print(a, b, c) }\nf(1)\n"
		     "f(1, 2, 3, 4, 5)", "1\tnil\tnil\n1\t2\t3\n", "");
	check_output("function f(a) { var x, y\nreturn y }\nprint(f(1, 2, 3))",
		     "nil\n", "");
	check_output("function f() { }\nprint(f(), f)", "nil\tfunction: #1\n",
		     "");
	check_output("var g = function (x) { return x * 2 }\n"
		     "print(g == g, g != 1, g(21))", "true\ttrue\t42\n", "");
	check_output("x = 5\nx(1)", "", "-e:2: attempt to call a number value");
	check_output("function f(n) { return f(n + 1) }\nf(0)", "",
		     "-e:1: stack overflow (more than 200 nested calls); raise "
		     "the limit with --max-depth");
	check_output("function f() { while (true) { } }\nf()", "",
		     "-e:1: instruction limit exceeded (1000000); raise it with "
		     "--max-insns");
	check_output("for (i = 3, 1, -1) { print(i) }\nvar s = 0\n"
		     "for (i = 1, 3, s) { }", "3\n2\n1\n", "-e:3: 'for' step is zero");
	check_output("for (i = \"a\", 1) { }", "",
		     "-e:1: 'for' initial value must be a number, not a string");
	check_output("for (i = 0x7ffffffffffffffe, 0x7fffffffffffffff) { print(i) }",
		     "9223372036854775806\n9223372036854775807\n", "");
}

/* Deep recursion costs session memory only, never C stack. */
static void test_deep_recursion(void)
{
	struct kp_chunk_buf chunk = compile_or_die(
		"function down(n) { if (n == 0) { return 0 }\n"
		"return 1 + down(n - 1) }\nprint(down(9999))");
	struct kp_vm_limits lim = default_limits;
	struct capture cap;
	char err[256] = "";

	lim.max_depth = 10000;
	ok(load_and_run(chunk.data, chunk.len, &lim, &cap, err,
			sizeof(err)) == 0 && !strcmp(cap.out, "9999\n"),
	   "recursion 10000 calls deep with --max-depth 10000 (%s%s)",
	   cap.err, err);
	lim.max_depth = 9999;
	load_and_run(chunk.data, chunk.len, &lim, &cap, err, sizeof(err));
	ok(strstr(cap.err, "stack overflow (more than 9999 nested calls)") != NULL,
	   "... and a stack overflow with 9999");
	lim.max_depth = 1000000;
	lim.max_memory = 1 << 20;
	ok(load_and_run(chunk.data, chunk.len, &lim, &cap, err, sizeof(err)) &&
	   strstr(err, "stacks of 1000000 calls") &&
	   strstr(err, "lower --max-depth or raise --max-memory"),
	   "a stack too big for the session is refused at load: %s", err);
	kp_chunk_buf_free(&chunk);
}

/* ---- hand-made chunks for the verifier ------------------------------- */

#define SBX(n)	((unsigned)((n) + KTAP_SBX_BIAS))

/*
 * Proto 0 (3 registers) loads function 1 into r0, calls it with one
 * argument in r1 and prints the result; proto 1 (2 registers) returns
 * its argument plus one.  Each test replaces one instruction.
 */
static struct kp_chunk_builder *call_chunk(struct kp_chunk_proto **p0,
					   struct kp_chunk_proto **p1)
{
	struct kp_chunk_builder *c = kp_chunk_new("v.kp");

	*p0 = kp_chunk_add_proto(c, 0, 0);
	kp_chunk_set_nregs(*p0, 3);
	kp_chunk_emit(*p0, KTAP_INSN_ABX(KTAP_OP_FUNC, 1, 1), 1);
	kp_chunk_emit(*p0, KTAP_INSN_ABX(KTAP_OP_LOADI, 2, SBX(41)), 1);
	kp_chunk_emit(*p0, KTAP_INSN_ABC(KTAP_OP_CALL, 1, 1, 0), 1);
	kp_chunk_emit(*p0, KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_PRINT, 1), 1);
	kp_chunk_emit(*p0, KTAP_INSN_ABC(KTAP_OP_RET, 0, 0, 0), 2);
	*p1 = kp_chunk_add_proto(c, 1, 1);
	kp_chunk_set_nregs(*p1, 2);
	kp_chunk_emit(*p1, KTAP_INSN_ABX(KTAP_OP_LOADI, 1, SBX(1)), 1);
	kp_chunk_emit(*p1, KTAP_INSN_ABC(KTAP_OP_ADD, 1, 0, 1), 1);
	kp_chunk_emit(*p1, KTAP_INSN_ABC(KTAP_OP_RET1, 1, 0, 0), 1);
	return c;
}

/* Serialises c (and frees it), then loads and runs it. */
static int run_built(struct kp_chunk_builder *c, struct capture *cap,
		     char *err, size_t errlen)
{
	unsigned char *data;
	size_t len;
	int ret;

	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	err[0] = '\0';
	ret = load_and_run(data, len, &default_limits, cap, err, errlen);
	free(data);
	return ret;
}

/* The call chunk with instruction pc of proto `which` replaced. */
static void expect_call_refusal(unsigned which, unsigned pc, uint32_t insn,
				const char *what, const char *want)
{
	struct kp_chunk_proto *p[2];
	struct kp_chunk_builder *c = call_chunk(&p[0], &p[1]);
	struct capture cap;
	char err[256];

	kp_chunk_patch(p[which], pc, insn);
	ok(run_built(c, &cap, err, sizeof(err)) != 0 && strstr(err, want) &&
	   cap.records == 0, "verifier refuses %s", what);
	if (!strstr(err, want))
		diag("error was '%s', wanted it to contain '%s'", err, want);
}

static void test_verify_calls(void)
{
	struct kp_chunk_proto *p0, *p1;
	struct capture cap;
	char err[256];

	ok(run_built(call_chunk(&p0, &p1), &cap, err, sizeof(err)) == 0 &&
	   !strcmp(cap.out, "42\n"), "the hand-made call chunk runs: %s%s",
	   err, cap.err);
	expect_call_refusal(0, 0, KTAP_INSN_ABX(KTAP_OP_FUNC, 1, 0),
			    "FUNC of proto 0 (the top level)",
			    "instruction 0 (line 1): FUNC: function 0 outside 1..1");
	expect_call_refusal(0, 0, KTAP_INSN_ABX(KTAP_OP_FUNC, 1, 2),
			    "FUNC of a proto that does not exist",
			    "FUNC: function 2 outside 1..1");
	expect_call_refusal(0, 2, KTAP_INSN_ABC(KTAP_OP_CALL, 1, 2, 0),
			    "a call window past the frame",
			    "instruction 2 (line 1): CALL: arguments R2..R3 outside the frame of 3");
	expect_call_refusal(0, 2, KTAP_INSN_ABC(KTAP_OP_CALL, 2, 1, 0),
			    "a call window starting at the last register",
			    "CALL: arguments R3..R3 outside the frame of 3");
	expect_call_refusal(0, 2, KTAP_INSN_ABC(KTAP_OP_CALL, 3, 0, 0),
			    "a called register outside the frame",
			    "CALL: register A=3 outside the frame of 3");
	expect_call_refusal(0, 2, KTAP_INSN_ABC(KTAP_OP_CALL, 1, 1, 1),
			    "a call with a non-zero C",
			    "CALL: unused operand C is 1");
	expect_call_refusal(1, 2, KTAP_INSN_ABC(KTAP_OP_RET1, 2, 0, 0),
			    "RET1 of a register outside the frame",
			    "function 1, instruction 2 (line 1): RET1: register A=2 outside the frame of 2");
	expect_call_refusal(1, 2, KTAP_INSN_ABC(KTAP_OP_RET1, 1, 1, 0),
			    "RET1 with a non-zero B", "RET1: unused operand B is 1");
	expect_call_refusal(1, 2, KTAP_INSN_ABC(KTAP_OP_RET, 1, 0, 0),
			    "RET with an operand", "RET: unused operand A is 1");
	expect_call_refusal(1, 2, KTAP_INSN_ABC(KTAP_OP_MOV, 0, 1, 0),
			    "a function that can run past its end",
			    "function 1, instruction 2 (line 1): MOV: code may run past its end");
	expect_call_refusal(1, 0, KTAP_INSN_ABX(KTAP_OP_LOADI, 9, SBX(1)),
			    "a bad register in proto 1 (every proto is checked)",
			    "function 1, instruction 0 (line 1): LOADI: register A=9 outside the frame of 2");
	expect_call_refusal(0, 2, KTAP_INSN_ABX(KTAP_OP_FORPREP, 0, SBX(1)),
			    "a for loop's registers past the frame",
			    "FORPREP: loop registers R0..R3 outside the frame of 3");
	expect_call_refusal(0, 2, KTAP_INSN_ABX(KTAP_OP_FORLOOP, 1, SBX(5)),
			    "FORLOOP with loop registers past the frame",
			    "FORLOOP: loop registers R1..R4 outside the frame of 3");
}

/*
 * ABI 1.6's constant operands and fused compares: a chunk printing
 * 3 * 5 after TLTK jumps over the other arm, then one instruction of it
 * replaced per refusal.  Constants: k0 = 5, k1 = 0, k2 = "s".
 */
static struct kp_chunk_builder *fused_chunk(struct kp_chunk_proto **pp)
{
	struct kp_chunk_builder *c = kp_chunk_new("f.kp");
	struct kp_chunk_proto *p = kp_chunk_add_proto(c, 0, 0);

	kp_chunk_set_nregs(p, 2);
	kp_chunk_const_int(p, 5);
	kp_chunk_const_int(p, 0);
	kp_chunk_const_str(p, "s", 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_LOADI, 0, SBX(3)), 1);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_TLTK, 0, 0, 1), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_JMP, 0, SBX(2)), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_LOADI, 1, SBX(0)), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_JMP, 0, SBX(1)), 1);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_MULK, 1, 0, 0), 1);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_PRINT, 1), 1);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_RET, 0, 0, 0), 2);
	*pp = p;
	return c;
}

static void expect_fused_refusal(unsigned pc, uint32_t insn, const char *what,
				 const char *want)
{
	struct kp_chunk_proto *p;
	struct kp_chunk_builder *c = fused_chunk(&p);
	struct capture cap;
	char err[256];

	kp_chunk_patch(p, pc, insn);
	ok(run_built(c, &cap, err, sizeof(err)) != 0 && strstr(err, want) &&
	   cap.records == 0, "verifier refuses %s", what);
	if (!strstr(err, want))
		diag("error was '%s', wanted it to contain '%s'", err, want);
}

static void test_verify_fused(void)
{
	static const struct {
		unsigned pc;
		uint32_t insn;
		const char *what, *want;
	} cases[] = {
		{ 5, KTAP_INSN_ABC(KTAP_OP_DIVK, 1, 0, 1), "DIVK by a constant 0",
		  "instruction 5 (line 1): DIVK: constant 1 is a zero divisor" },
		{ 5, KTAP_INSN_ABC(KTAP_OP_MODK, 1, 0, 1), "MODK by a constant 0",
		  "MODK: constant 1 is a zero divisor" },
		{ 5, KTAP_INSN_ABC(KTAP_OP_ADDK, 1, 0, 2),
		  "ADDK of a string constant", "ADDK: constant 2 is not an integer" },
		{ 5, KTAP_INSN_ABC(KTAP_OP_SUBK, 1, 0, 3),
		  "SUBK of a constant that does not exist",
		  "SUBK: constant 3 outside the table of 3" },
		{ 1, KTAP_INSN_ABC(KTAP_OP_TGEK, 0, 7, 1),
		  "TGEK of a constant that does not exist",
		  "TGEK: constant 7 outside the table of 3" },
		{ 1, KTAP_INSN_ABC(KTAP_OP_TLTK, 0, 0, 2),
		  "a fused compare with a flag of 2",
		  "TLTK: flag C is 2, must be 0 or 1" },
		{ 1, KTAP_INSN_ABC(KTAP_OP_TEQ, 0, 2, 1),
		  "TEQ of a register outside the frame",
		  "TEQ: register B=2 outside the frame of 2" },
		{ 2, KTAP_INSN_ABX(KTAP_OP_LOADI, 1, SBX(0)),
		  "a fused compare not followed by a JMP",
		  "instruction 1 (line 1): TLTK: must be followed by a JMP" },
		{ 6, KTAP_INSN_ABC(KTAP_OP_TLE, 0, 1, 0),
		  "a fused compare whose JMP is the last instruction",
		  "instruction 6 (line 1): TLE: must be followed by a JMP and one more" },
	};
	struct kp_chunk_proto *p;
	struct capture cap;
	char err[256];
	size_t i;

	ok(run_built(fused_chunk(&p), &cap, err, sizeof(err)) == 0 &&
	   !strcmp(cap.out, "15\n"), "TLTK takes its JMP, MULK multiplies: %s%s",
	   err, cap.err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_fused_refusal(cases[i].pc, cases[i].insn, cases[i].what,
				     cases[i].want);
}

/* Proto 0 declaring parameters, and a FORLOOP that skipped FORPREP. */
static void test_verify_misc(void)
{
	struct kp_chunk_builder *c = kp_chunk_new("m.kp");
	struct kp_chunk_proto *p = kp_chunk_add_proto(c, 1, 0);
	struct capture cap;
	char err[256];

	kp_chunk_set_nregs(p, 1);
	kp_chunk_emit(p, KTAP_OP_RET, 1);
	ok(run_built(c, &cap, err, sizeof(err)) != 0 &&
	   strstr(err, "function 0 (the top level) has 1 parameters"),
	   "the loader refuses a top level with parameters: %s", err);
	c = kp_chunk_new("m.kp");
	p = kp_chunk_add_proto(c, 0, 0);
	kp_chunk_set_nregs(p, 4);
	kp_chunk_const_str(p, "s", 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_LOADK, 1, 0), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_FORLOOP, 0, SBX(-2)), 2);
	kp_chunk_emit(p, KTAP_OP_RET, 3);
	ok(run_built(c, &cap, err, sizeof(err)) == 0 &&
	   !strcmp(cap.err, "m.kp:2: FORLOOP without FORPREP"),
	   "FORLOOP without FORPREP stops rather than read a string as a "
	   "number (%s)",
	   cap.err);
}

static int refused(const void *data, size_t len, char *err, size_t errlen)
{
	struct capture cap;

	return load_and_run(data, len, &default_limits, &cap, err, errlen) != 0;
}

static void patch_u32(unsigned char *buf, size_t off, u32 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

/* Offset of the first instruction of proto 0 in a chunk with no globals. */
static size_t first_insn(const unsigned char *buf)
{
	u32 name_len;

	memcpy(&name_len, buf + sizeof(struct ktap_chunk_header), 4);
	return sizeof(struct ktap_chunk_header) + 4 + ((name_len + 3) & ~3U) +
	       sizeof(struct ktap_proto_header);
}

static void expect_refusal(const unsigned char *data, size_t len,
			   const char *what, const char *want)
{
	char err[256] = "";

	ok(refused(data, len, err, sizeof(err)) && strstr(err, want),
	   "refuses %s", what);
	if (!strstr(err, want))
		diag("error was '%s', wanted it to contain '%s'", err, want);
}

static void test_crafted(void)
{
	struct kp_chunk_buf chunk = compile_or_die("print(\"x\")");
	unsigned char *bad = malloc(chunk.len);
	size_t insn = first_insn(chunk.data);

#define RESET() memcpy(bad, chunk.data, chunk.len)
	RESET();
	patch_u32(bad, 0, 0x12345678);
	expect_refusal(bad, chunk.len, "a wrong magic", "bad magic");
	RESET();
	bad[offsetof(struct ktap_chunk_header, abi_major)]++;
	expect_refusal(bad, chunk.len, "another ABI major", "this module speaks ABI");
	RESET();
	patch_u32(bad, insn, KTAP_INSN_ABX(KTAP_OP_LOADK, 200, 0));
	expect_refusal(bad, chunk.len, "a register off the frame", "register A=200 outside the frame");
	RESET();
	patch_u32(bad, insn, KTAP_INSN_ABX(KTAP_OP_LOADK, 0, 77));
	expect_refusal(bad, chunk.len, "a constant index off the table", "constant 77 outside");
	RESET();
	patch_u32(bad, insn, KTAP_OP__COUNT);
	expect_refusal(bad, chunk.len, "an unknown opcode", "unknown opcode");
	RESET();
	patch_u32(bad, insn, KTAP_INSN_ABX(KTAP_OP_JMP, 0, 0));
	expect_refusal(bad, chunk.len, "a jump before the code", "outside the code");
	RESET();
	patch_u32(bad, insn, KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF__COUNT, 0));
	expect_refusal(bad, chunk.len, "an unknown built-in", "unknown built-in");
	RESET();
	patch_u32(bad, insn, KTAP_INSN_ABC(KTAP_OP_MOV, 0, 0, 1));
	expect_refusal(bad, chunk.len, "a non-zero unused operand", "unused operand C");
	expect_refusal(chunk.data, chunk.len - 1, "a chunk one byte short", "bytes but");
	free(bad);
	kp_chunk_buf_free(&chunk);
#undef RESET
}

/* Every proper prefix of a valid chunk must be refused, at every length. */
static void test_truncations(void)
{
	struct kp_chunk_buf chunk = compile_or_die("var a = \"s\"\nif (a) { print(a .. 1) }");
	unsigned char *copy = malloc(chunk.len);
	struct ktap_chunk_header h;
	size_t len, accepted = 0;
	char err[256];

	for (len = 0; len < chunk.len; len++) {
		memcpy(copy, chunk.data, len);
		if (len >= sizeof(h)) {	/* keep size honest to reach the body */
			memcpy(&h, copy, sizeof(h));
			h.size = len;
			memcpy(copy, &h, sizeof(h));
		}
		accepted += !refused(copy, len, err, sizeof(err));
	}
	is_int(accepted, 0, "all %zu truncations refused", chunk.len);
	free(copy);
	kp_chunk_buf_free(&chunk);
}

/* Random byte flips: loading may succeed or not, but nothing may crash. */
static void test_flips(void)
{
	struct kp_chunk_buf chunk = compile_or_die(
		"function f(a, b) { return a .. b }\nvar i = 0\n"
		"while (i < 3) { print(i, f(\"v\", i)) i += 1 }\n"
		"for (j = 1, 2) { var k = f(j, j) print(k) }");
	struct kp_vm_limits lim = default_limits;
	unsigned char *copy = malloc(chunk.len);
	int round, loaded = 0;
	struct capture cap;
	char err[256];

	lim.max_insns = 1000;
	srand(1);
	for (round = 0; round < 20000; round++) {
		memcpy(copy, chunk.data, chunk.len);
		copy[rand() % chunk.len] ^= 1 << (rand() % 8);
		loaded += load_and_run(copy, chunk.len, &lim, &cap, err,
				       sizeof(err)) == 0;
	}
	ok(1, "20000 chunks with a flipped bit: no crash (%d loaded and ran)",
	   loaded);
	free(copy);
	kp_chunk_buf_free(&chunk);
}

/*
 * A string constant whose length is within 3 of U32_MAX: its padded
 * length wrapped to 0 in 32 bits, so under a host with no string or
 * memory limit the loader copied 4 GiB out of a chunk of 100 bytes
 * (found by fuzz-chunk).  Each must be refused as truncated.
 */
static void test_string_length_wrap(void)
{
	struct kp_chunk_buf chunk = compile_or_die("print(\"x\")");
	struct kp_vm_limits lim = default_limits;
	size_t insn = first_insn(chunk.data), konst;
	struct ktap_proto_header ph;
	struct capture cap;
	char err[256];
	u32 len;

	/* The first constant ("x") follows the code and the line table. */
	memcpy(&ph, chunk.data + insn - sizeof(ph), sizeof(ph));
	konst = insn + (size_t)ph.ncode * 2 * sizeof(u32);
	lim.max_string = UINT32_MAX;
	lim.max_memory = UINT64_MAX;
	for (len = UINT32_MAX - 3; len != 0; len++) {
		patch_u32(chunk.data,
			  konst + offsetof(struct ktap_const_header, len), len);
		err[0] = '\0';
		ok(load_and_run(chunk.data, chunk.len, &lim, &cap, err,
				sizeof(err)) &&
		   strstr(err, "truncated in string constant"),
		   "a string constant of %u bytes is refused: %s", len, err);
	}
	kp_chunk_buf_free(&chunk);
}

/*
 * What the compiler produces loads, whatever the script's name: the
 * loader takes names of up to KTAP_MAX_SCRIPT_NAME bytes, and the chunk
 * keeps the end of a longer one.
 */
static void test_long_script_name(void)
{
	size_t len = KTAP_MAX_SCRIPT_NAME + 100;
	char *name = malloc(len + 1);
	struct kp_chunk_buf chunk = { 0 };
	struct capture cap;
	char err[256] = "";

	memset(name, 'd', len);
	name[len] = '\0';
	ok(kp_compile(name, "print(1)", 8, stderr, &chunk) == 0 &&
	   load_and_run(chunk.data, chunk.len, &default_limits, &cap, err,
			sizeof(err)) == 0 && !strcmp(cap.out, "1\n"),
	   "a script name of %zu bytes: compiles, loads, runs %s", len, err);
	kp_chunk_buf_free(&chunk);
	free(name);
}

/*
 * A literal longer than the session's string limit compiles (the limit
 * is the session's), and the loader's refusal says which option raises it.
 */
static void test_long_literal(void)
{
	size_t n = KP_DEFAULT_MAX_STRING + 1;
	char *src = malloc(n + 16);
	struct kp_vm_limits lim = default_limits;
	struct kp_chunk_buf chunk;
	struct capture cap;
	char err[256] = "";

	memcpy(src, "print(\"", 7);
	memset(src + 7, 'x', n);
	strcpy(src + 7 + n, "\")");
	chunk = compile_or_die(src);
	ok(load_and_run(chunk.data, chunk.len, &lim, &cap, err, sizeof(err)) &&
	   strstr(err, "string constant is 4097 bytes, longer than 4096 (raise it with --max-string)"),
	   "a 4097-byte literal under the default limit: %s", err);
	lim.max_string = n;
	/* print() cuts the line to one record, and says so with "...". */
	ok(!load_and_run(chunk.data, chunk.len, &lim, &cap, err, sizeof(err)) &&
	   !cap.err[0] && cap.out_len > 4 && cap.out_len <= KTAP_RECORD_MAX &&
	   !strcmp(cap.out + cap.out_len - 4, "...\n"),
	   "and with --max-string 4097 it runs");
	kp_chunk_buf_free(&chunk);
	free(src);
}

static void test_memory_limit(void)
{
	struct kp_chunk_buf chunk = compile_or_die("print(1)");
	struct kp_vm_limits lim = default_limits;
	struct capture cap;
	char err[256] = "";

	lim.max_memory = 1024;
	ok(load_and_run(chunk.data, chunk.len, &lim, &cap, err, sizeof(err)) &&
	   strstr(err, "session memory"), "a 1 KiB session is too small: %s", err);
	kp_chunk_buf_free(&chunk);
}

int main(void)
{
	test_programs();
	test_functions();
	test_deep_recursion();
	test_verify_calls();
	test_verify_misc();
	test_verify_fused();
	test_crafted();
	test_truncations();
	test_flips();
	test_string_length_wrap();
	test_long_script_name();
	test_long_literal();
	test_memory_limit();
	return done();
}
