/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test-codegen.c - unit test of the resolver and the code generator
 * (src/resolve.c, src/codegen.c) through kp_compile(): the opcode
 * sequences of small scripts (calls, returns, locals and every loop form
 * included), constant folding, registers, jumps, line numbers, the
 * limits, and the name and scope errors.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "ast.h"
#include "codegen.h"
#include "compile.h"
#include "parse.h"
#include "resolve.h"
#include "suggest.h"
#include "tapset.h"
#include "tap.h"

static const struct {
	const char *name;
	unsigned char mode[3];
} ops[] = {
#define KTAP_OP(name, a, b, c) \
	{ #name, { KTAP_MODE_##a, KTAP_MODE_##b, KTAP_MODE_##c } },
#include "uapi/ktap_opcodes.h"
};

static const char *const builtins[] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) name,
#include "uapi/ktap_builtins.h"
};

/* A compiled script, decoded independently of src/disasm.c. */
struct compiled {
	int rc;
	char errors[2048];
	char code[8192];	/* "LOADI r1 3 | CALLB r0 print 1 | RET",
				 * then " || " and the next proto's code */
	char globals[512];	/* "a b c" */
	unsigned nregs, ncode, nconsts;	/* of proto 0 */
	unsigned nprotos, abi_minor;
	unsigned proto_nregs[8], proto_nparams[8];
	uint32_t lines[64];	/* of the first 64 instructions */
	int64_t kint[16];	/* the first 16 constants, if integers */
	bool clean_listing;	/* kp_disasm() flagged no operand */
};

static uint32_t rd32(const unsigned char *p, size_t *off)
{
	uint32_t v;

	memcpy(&v, p + *off, 4);
	*off += 4;
	return v;
}

static void skip_string(const unsigned char *p, size_t *off, char *out,
			size_t size)
{
	uint32_t len = rd32(p, off);

	if (out)
		snprintf(out, size, "%.*s", (int)len, (const char *)p + *off);
	*off += (len + 3) & ~3u;
}

static void append_operand(char *buf, size_t size, unsigned mode,
			   unsigned v, unsigned pc)
{
	size_t n = strlen(buf);

	switch (mode) {
	case KTAP_MODE_NONE:
		break;
	case KTAP_MODE_REG: snprintf(buf + n, size - n, " r%u", v); break;
	case KTAP_MODE_KST:
	case KTAP_MODE_KSC:
	case KTAP_MODE_KNUM:
	case KTAP_MODE_KDIV: snprintf(buf + n, size - n, " k%u", v); break;
	case KTAP_MODE_GBL: snprintf(buf + n, size - n, " g%u", v); break;
	case KTAP_MODE_JMP:
		snprintf(buf + n, size - n, " ->%d",
			 (int)pc + 1 + (int)v - KTAP_SBX_BIAS);
		break;
	case KTAP_MODE_INT:
		snprintf(buf + n, size - n, " %d", (int)v - KTAP_SBX_BIAS);
		break;
	case KTAP_MODE_BIF:
		snprintf(buf + n, size - n, " %s",
			 v < KTAP_BIF__COUNT ? builtins[v] : "?");
		break;
	case KTAP_MODE_PRO: snprintf(buf + n, size - n, " p%u", v); break;
	case KTAP_MODE_FOR: snprintf(buf + n, size - n, " r%u", v); break;
	default:
		snprintf(buf + n, size - n, " %u", v);
		break;
	}
}

/*
 * Appends the code of one prototype to c->code; for proto 0 also keeps
 * its lines and integer constants.  Returns the offset after it.
 */
static size_t decode_code(struct compiled *c, const unsigned char *p,
			  size_t off, const struct ktap_proto_header *ph,
			  bool first)
{
	unsigned pc;

	for (pc = 0; pc < ph->ncode; pc++) {
		uint32_t insn = rd32(p, &off);
		unsigned op = KTAP_INSN_OP(insn);
		size_t n = strlen(c->code);
		bool bx;

		if (n + 64 > sizeof(c->code))
			continue;	/* listing full; keep reading the code */
		snprintf(c->code + n, sizeof(c->code) - n, "%s%s",
			 pc ? " | " : "", op < KTAP_OP__COUNT ? ops[op].name : "?");
		if (op >= KTAP_OP__COUNT)
			continue;
		bx = KTAP_MODE_IS_BX(ops[op].mode[1]);
		append_operand(c->code, sizeof(c->code), ops[op].mode[0],
			       KTAP_INSN_A(insn), pc);
		append_operand(c->code, sizeof(c->code), ops[op].mode[1],
			       bx ? KTAP_INSN_BX(insn) : KTAP_INSN_B(insn), pc);
		if (!bx)
			append_operand(c->code, sizeof(c->code),
				       ops[op].mode[2], KTAP_INSN_C(insn), pc);
	}
	for (pc = 0; pc < ph->ncode; pc++) {
		uint32_t line = rd32(p, &off);

		if (first && pc < 64)
			c->lines[pc] = line;
	}
	for (pc = 0; pc < ph->nconsts; pc++) {
		struct ktap_const_header h;

		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		if (first && pc < 16 && h.type == KTAP_CONST_INT)
			memcpy(&c->kint[pc], p + off, 8);
		off += (h.len + 3) & ~3u;
	}
	return off;
}

/*
 * Decodes what the test needs: globals, proto 0's header, lines and
 * constants, and the code of every proto, " || " between protos.
 */
static void decode(struct compiled *c, const unsigned char *p)
{
	struct ktap_chunk_header h;
	struct ktap_proto_header ph;
	size_t off = sizeof(h);
	unsigned i;

	memcpy(&h, p, sizeof(h));
	c->abi_minor = h.abi_minor;
	skip_string(p, &off, NULL, 0);
	for (i = 0; i < h.nglobals; i++) {
		size_t n = strlen(c->globals);

		snprintf(c->globals + n, sizeof(c->globals) - n, "%s",
			 i ? " " : "");
		n = strlen(c->globals);
		skip_string(p, &off, c->globals + n, sizeof(c->globals) - n);
	}
	c->nprotos = h.nprotos;
	for (i = 0; i < h.nprotos; i++) {
		memcpy(&ph, p + off, sizeof(ph));
		off += sizeof(ph);
		if (i == 0) {
			c->nregs = ph.nregs;
			c->ncode = ph.ncode;
			c->nconsts = ph.nconsts;
		} else {
			size_t n = strlen(c->code);

			snprintf(c->code + n, sizeof(c->code) - n, " || ");
		}
		if (i < 8) {
			c->proto_nregs[i] = ph.nregs;
			c->proto_nparams[i] = ph.nparams;
		}
		off = decode_code(c, p, off, &ph, i == 0);
	}
}

/* The listing must flag nothing: every operand is in range. */
static bool listing_is_clean(const struct kp_chunk_buf *buf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc = kp_disasm(out, buf->data, buf->len);
	bool clean;

	fclose(out);
	clean = rc == 0 && !strstr(text, "; !") && !strstr(text, "error");
	if (!clean)
		diag("%s", text);
	free(text);
	return clean;
}

static void compile_into(struct compiled *c, const char *src, size_t len)
{
	struct kp_chunk_buf buf;
	char *errors = NULL;
	size_t errors_len = 0;
	FILE *err = open_memstream(&errors, &errors_len);

	memset(c, 0, sizeof(*c));
	c->rc = kp_compile("t.kp", src, len, err, &buf);
	fclose(err);
	snprintf(c->errors, sizeof(c->errors), "%s", errors);
	free(errors);
	if (c->rc == 0) {
		decode(c, buf.data);
		c->clean_listing = listing_is_clean(&buf);
	}
	kp_chunk_buf_free(&buf);
}

static struct compiled *compile(const char *src)
{
	static struct compiled c;

	compile_into(&c, src, strlen(src));
	return &c;
}

/* The instruction sequence of `src`, or its first error line. */
static const char *code(const char *src)
{
	struct compiled *c = compile(src);
	char *nl;

	if (c->rc == 0)
		return c->code;
	nl = strchr(c->errors, '\n');
	if (nl)
		*nl = '\0';
	return c->errors;
}

static void test_basics(void)
{
	struct compiled *c;

	is_str(code(""), "RET", "empty script: just RET");
	c = compile("print(1+2)");
	is_str(c->code, "LOADI r1 3 | CALLB r0 print 1 | RET",
	       "print(1+2) folds to LOADI 3");
	is_int(c->nregs, 2, "... in a frame of 2 registers");
	ok(c->clean_listing, "... and lists cleanly");
	c = compile("b = \"x\"; c = \"y\"; a = b .. c");
	is_str(c->code, "LOADK r0 k0 | SETG r0 g0 | LOADK r0 k1 | SETG r0 g1 | "
	       "GETG r0 g0 | GETG r1 g1 | CONCAT r0 r0 r1 | SETG r0 g2 | RET",
	       "a = b .. c");
	is_str(c->globals, "b c a", "globals in order of first assignment");
	is_str(code("print(\"hello\", 42, nil, true, false)"),
	       "LOADK r1 k0 | LOADI r2 42 | LOADNIL r3 | LOADB r4 1 | "
	       "LOADB r5 0 | CALLB r0 print 5 | RET", "every literal kind");
	c = compile("print(\"a\", \"b\", \"a\", \"b\")");
	is_str(c->code, "LOADK r1 k0 | LOADK r2 k1 | LOADK r3 k0 | "
	       "LOADK r4 k1 | CALLB r0 print 4 | RET", "strings deduplicated");
	is_int(c->nconsts, 2, "... two constants");
	c = compile("print(100000, 100000, -100000)");
	is_int(c->nconsts, 2, "integer constants deduplicated");
	ok(c->kint[0] == 100000 && c->kint[1] == -100000,
	   "... with their values");
	c = compile("x = a; a = 1");
	is_str(c->code, "GETG r0 g1 | SETG r0 g0 | LOADI r0 1 | SETG r0 g1 | RET",
	       "a read before its assignment is a global");
	is_str(c->globals, "x a", "... numbered by first assignment");
}

static void test_folding(void)
{
	static const char *const cases[][2] = {
		{ "2 * 3 + 4 - -1", "LOADI r1 11" },
		{ "(1 + 2) * (3 + 4) % 5", "LOADI r1 1" },
		{ "-7 / 2", "LOADI r1 -3" },
		{ "-7 % 3", "LOADI r1 -1" },
		{ "7 % -3", "LOADI r1 1" },
		{ "16 >> 2", "LOADI r1 4" },
		{ "1 << 64", "LOADI r1 0" },
		{ "1 >> -1", "LOADI r1 2" },
		{ "1 << 4 | 3 & 6 ^ 1", "LOADI r1 19" },
		{ "~0", "LOADI r1 -1" },
		{ "- -5", "LOADI r1 5" },
		{ "32768", "LOADI r1 32768" },
		{ "-32767", "LOADI r1 -32767" },
		{ "32769", "LOADK r1 k0" },
		{ "-32768", "LOADK r1 k0" },
		{ "7 / 0", "LOADI r1 7 | LOADI r2 0 | DIV r1 r1 r2" },
		{ "7 % (1 - 1)", "LOADI r1 7 | LOADI r2 0 | MOD r1 r1 r2" },
		{ "!1", "LOADI r1 1 | NOT r1 r1" },
		{ "1 < 2", "LOADI r1 1 | LOADI r2 2 | LT r1 r1 r2" },
		{ "1 .. 2", "LOADI r1 1 | LOADI r2 2 | CONCAT r1 r1 r2" },
		{ "-a + 1 * 2", "GETG r1 g0 | NEG r1 r1 | ADDK r1 r1 k0" },
	};
	struct compiled *c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[128], want[256];

		snprintf(src, sizeof(src), "print(%s) a = 0", cases[i][0]);
		snprintf(want, sizeof(want),
			 "%s | CALLB r0 print 1 | LOADI r0 0 | SETG r0 g0 | RET",
			 cases[i][1]);
		is_str(code(src), want, "print(%s)", cases[i][0]);
	}
	c = compile("print(9223372036854775807 + 1)");
	ok(c->rc == 0 && c->kint[0] == INT64_MIN, "INT64_MAX + 1 wraps");
	c = compile("print(-9223372036854775808 - 1)");
	ok(c->rc == 0 && c->kint[0] == INT64_MAX, "INT64_MIN - 1 wraps");
	c = compile("print(-(-9223372036854775808))");
	ok(c->rc == 0 && c->kint[0] == INT64_MIN, "-INT64_MIN wraps");
	c = compile("print(4611686018427387904 * 4)");
	ok(c->rc == 0 && !strcmp(c->code, "LOADI r1 0 | CALLB r0 print 1 | RET"),
	   "2^62 * 4 wraps to 0");
	c = compile("print(-9223372036854775808 / -1)");
	ok(c->rc == 0 && c->kint[0] == INT64_MIN, "INT64_MIN / -1 wraps");
	c = compile("print(-9223372036854775808 % -1)");
	is_str(c->code, "LOADI r1 0 | CALLB r0 print 1 | RET",
	       "INT64_MIN %% -1 is 0");
	c = compile("print(-8 >> 1)");
	ok(c->rc == 0 && c->kint[0] == INT64_MAX - 3, ">> is logical, as in "
	   "the VM (%" PRId64 ")", c->kint[0]);
	c = compile("print(1 << 62)");
	ok(c->rc == 0 && c->kint[0] == (int64_t)1 << 62, "1 << 62 folds");
	c = compile("print(1 << 63)");
	ok(c->rc == 0 && c->kint[0] == INT64_MIN, "1 << 63 folds to INT64_MIN");
}

static void test_fold_binary(void)
{
	int64_t v = 0;

	ok(kp_gen_fold_binary(KP_BIN_ADD, INT64_MAX, 1, &v) && v == INT64_MIN,
	   "fold: add wraps");
	ok(kp_gen_fold_binary(KP_BIN_MUL, INT64_MIN, -1, &v) && v == INT64_MIN,
	   "fold: INT64_MIN * -1 wraps");
	ok(kp_gen_fold_binary(KP_BIN_MOD, INT64_MIN, -1, &v) && v == 0,
	   "fold: INT64_MIN %% -1 is 0");
	ok(!kp_gen_fold_binary(KP_BIN_DIV, 1, 0, &v) &&
	   !kp_gen_fold_binary(KP_BIN_MOD, 1, 0, &v),
	   "fold: division by zero left to the VM");
	ok(kp_gen_fold_binary(KP_BIN_SHR, INT64_MIN, 63, &v) && v == 1,
	   "fold: >> is logical");
	ok(kp_gen_fold_binary(KP_BIN_SHR, -8, INT64_MIN, &v) && v == 0,
	   "fold: >> by INT64_MIN gives 0");
	ok(kp_gen_fold_binary(KP_BIN_SHL, -1, -63, &v) && v == 1,
	   "fold: << by a negative count shifts right");
	ok(!kp_gen_fold_binary(KP_BIN_EQ, 1, 1, &v),
	   "fold: comparisons are not integer folds");
}

static void test_operators(void)
{
	static const char *const cases[][2] = {
		{ "a < b", "LT r1 r1 r2" },
		{ "a <= b", "LE r1 r1 r2" },
		{ "a > b", "LT r1 r2 r1" },
		{ "a >= b", "LE r1 r2 r1" },
		{ "a == b", "EQ r1 r1 r2" },
		{ "a != b", "NE r1 r1 r2" },
		{ "a - b", "SUB r1 r1 r2" },
		{ "a / b", "DIV r1 r1 r2" },
		{ "a & b", "BAND r1 r1 r2" },
		{ "a | b", "BOR r1 r1 r2" },
		{ "a ^ b", "BXOR r1 r1 r2" },
		{ "a << b", "SHL r1 r1 r2" },
		{ "a >> b", "SHR r1 r1 r2" },
		{ "a .. b", "CONCAT r1 r1 r2" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[128], want[256];

		snprintf(src, sizeof(src), "print(%s) a = 0 b = 0", cases[i][0]);
		snprintf(want, sizeof(want), "GETG r1 g0 | GETG r2 g1 | %s | "
			 "CALLB r0 print 1", cases[i][1]);
		ok(!strncmp(code(src), want, strlen(want)), "%s: %s",
		   cases[i][0], cases[i][1]);
	}
	is_str(code("print(!a, -a, ~a) a = 0"),
	       "GETG r1 g0 | NOT r1 r1 | GETG r2 g0 | NEG r2 r2 | GETG r3 g0 | "
	       "BNOT r3 r3 | CALLB r0 print 3 | LOADI r0 0 | SETG r0 g0 | RET",
	       "unary operators");
	is_str(code("x = a && b; x = a || b; a = 0 b = 0"),
	       "GETG r0 g1 | JMPF r0 ->3 | GETG r0 g2 | SETG r0 g0 | "
	       "GETG r0 g1 | JMPT r0 ->7 | GETG r0 g2 | SETG r0 g0 | "
	       "LOADI r0 0 | SETG r0 g1 | LOADI r0 0 | SETG r0 g2 | RET",
	       "&& and || keep the deciding operand");
	is_str(code("x = a + (b + (a + b)); a = 0 b = 0"),
	       "GETG r0 g1 | GETG r1 g2 | GETG r2 g1 | GETG r3 g2 | "
	       "ADD r2 r2 r3 | ADD r1 r1 r2 | ADD r0 r0 r1 | SETG r0 g0 | "
	       "LOADI r0 0 | SETG r0 g1 | LOADI r0 0 | SETG r0 g2 | RET",
	       "right-nested operands stack up registers");
	is_int(compile("x = a + (b + (a + b)); a = 0 b = 0")->nregs, 4,
	       "... frame of 4");
	is_str(code("print(print(1), 2)"),
	       "LOADI r2 1 | CALLB r1 print 1 | LOADI r2 2 | CALLB r0 print 2 | "
	       "RET", "a call as an argument calls in place");
}

static void test_statements(void)
{
	is_str(code("a, b = b, a"),
	       "GETG r0 g1 | GETG r1 g0 | SETG r0 g0 | SETG r1 g1 | RET",
	       "a, b = b, a swaps");
	is_str(code("var a, b, c = 1"),
	       "LOADI r0 1 | LOADNIL r1 | LOADNIL r2 | SETG r0 g0 | SETG r1 g1 | "
	       "SETG r2 g2 | RET", "missing values are nil");
	is_str(code("a = 1, print(2)"),
	       "LOADI r0 1 | LOADI r2 2 | CALLB r1 print 1 | SETG r0 g0 | RET",
	       "extra values are still evaluated");
	is_str(code("x += 5"),
	       "GETG r0 g0 | ADDK r0 r0 k0 | SETG r0 g0 | RET",
	       "x += 5: a constant operand");
	is_str(code("x += y; x -= 300; x *= 2; x /= 3; x %= 4; x /= 0; y = 0"),
	       "GETG r0 g0 | GETG r1 g1 | ADD r0 r0 r1 | SETG r0 g0 | "
	       "GETG r0 g0 | SUBK r0 r0 k0 | SETG r0 g0 | "
	       "GETG r0 g0 | MULK r0 r0 k1 | SETG r0 g0 | "
	       "GETG r0 g0 | DIVK r0 r0 k2 | SETG r0 g0 | "
	       "GETG r0 g0 | MODK r0 r0 k3 | SETG r0 g0 | "
	       "GETG r0 g0 | LOADI r1 0 | DIV r0 r0 r1 | SETG r0 g0 | "
	       "LOADI r0 0 | SETG r0 g1 | RET",
	       "every K form; dividing by a literal 0 stays DIV (runtime error)");
	is_str(code("s ..= \"!\""),
	       "GETG r0 g0 | LOADK r1 k0 | CONCAT r0 r0 r1 | SETG r0 g0 | RET",
	       "s ..= \"!\"");
	is_str(code("x >>= 1 + 1"),
	       "GETG r0 g0 | LOADI r1 2 | SHR r0 r0 r1 | SETG r0 g0 | RET",
	       "x >>= 1 + 1 folds the operand");
	is_str(code("x++; x--"),
	       "GETG r0 g0 | ADDK r0 r0 k0 | SETG r0 g0 | "
	       "GETG r0 g0 | SUBK r0 r0 k0 | SETG r0 g0 | RET",
	       "x++ and x--");
}

static void test_control_flow(void)
{
	is_str(code("if (a) { print(1) } a = 0"),
	       "GETG r0 g0 | JMPF r0 ->4 | LOADI r1 1 | CALLB r0 print 1 | "
	       "LOADI r0 0 | SETG r0 g0 | RET", "if");
	is_str(code("if (a) { print(1) } else { print(2) } a = 0"),
	       "GETG r0 g0 | JMPF r0 ->5 | LOADI r1 1 | CALLB r0 print 1 | "
	       "JMP ->7 | LOADI r1 2 | CALLB r0 print 1 | "
	       "LOADI r0 0 | SETG r0 g0 | RET", "if/else");
	is_str(code("if (a) { print(1) } elseif (b) { print(2) } "
		    "else if (c) { } else { print(3) } a = 0 b = 0 c = 0"),
	       "GETG r0 g0 | JMPF r0 ->5 | LOADI r1 1 | CALLB r0 print 1 | "
	       "JMP ->15 | GETG r0 g1 | JMPF r0 ->10 | LOADI r1 2 | "
	       "CALLB r0 print 1 | JMP ->15 | GETG r0 g2 | JMPF r0 ->13 | "
	       "JMP ->15 | LOADI r1 3 | CALLB r0 print 1 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | "
	       "LOADI r0 0 | SETG r0 g2 | RET", "if/elseif/else if/else chain");
	is_str(code("if (a) { } elseif (b) { } a = 0 b = 0"),
	       "GETG r0 g0 | JMPF r0 ->3 | JMP ->5 | GETG r0 g1 | JMPF r0 ->5 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "no jump after the last arm without else");
	is_str(code("while (a) { if (b) { break } continue } a = 0 b = 0"),
	       "JMP ->5 | GETG r0 g1 | JMPF r0 ->4 | JMP ->7 | JMP ->5 | "
	       "GETG r0 g0 | JMPT r0 ->1 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "while tests at the bottom; break and continue");
	is_str(code("while (a) { while (b) { break } break } a = 0 b = 0"),
	       "JMP ->6 | JMP ->3 | JMP ->5 | GETG r0 g1 | JMPT r0 ->2 | "
	       "JMP ->8 | GETG r0 g0 | JMPT r0 ->1 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "break leaves the innermost loop only");
	is_str(code("if (a > 1 && b) { } a = 0 b = 0"),
	       "GETG r0 g0 | TGTK r0 k0 0 | JMP ->5 | "
	       "GETG r0 g1 | JMPF r0 ->5 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "a condition with && and a comparison: jumps, no boolean");
	is_str(code("if (a < b || !(a == \"x\")) { print(1) } a = 0 b = 0"),
	       "GETG r0 g0 | GETG r1 g1 | TLT r0 r1 1 | JMP ->7 | "
	       "GETG r0 g0 | TEQK r0 k0 1 | JMP ->9 | "
	       "LOADI r1 1 | CALLB r0 print 1 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "|| jumps into the body, ! reverses the sense");
	is_str(code("if (1 >= a && a != b) { } a = 0 b = 0"),
	       "GETG r0 g0 | TLEK r0 k0 0 | JMP ->7 | GETG r0 g0 | "
	       "GETG r1 g1 | TEQ r0 r1 1 | JMP ->7 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "a literal on the left mirrors the test; != is TEQ reversed");
	is_str(code("if (a > b) { } elseif (0) { print(1) } a = 0 b = 0"),
	       "GETG r0 g0 | GETG r1 g1 | TLT r1 r0 0 | JMP ->5 | JMP ->8 | "
	       "JMP ->8 | LOADI r1 1 | CALLB r0 print 1 | "
	       "LOADI r0 0 | SETG r0 g0 | LOADI r0 0 | SETG r0 g1 | RET",
	       "a > b is b < a; a literal condition decides at compile time");
}

static void test_functions(void)
{
	struct compiled *c;

	c = compile("function add(a, b) { return a + b }\nprint(add(1, 2))");
	is_str(c->code, "FUNC r0 p1 | SETG r0 g0 | "
	       "GETG r1 g0 | LOADI r2 1 | LOADI r3 2 | CALL r1 2 | "
	       "CALLB r0 print 1 | RET || "
	       "ADD r2 r0 r1 | RET1 r2 | RET",
	       "a call: the function, then its arguments right above it");
	ok(c->nprotos == 2 && c->proto_nparams[1] == 2 &&
	   c->proto_nregs[1] == 3, "... proto 1 has 2 parameters in a frame "
	   "of 3");
	is_int(c->abi_minor, 1, "... and the chunk needs ABI minor 1");
	is_int(compile("x = 1\nif (x < 2) { }")->abi_minor, 6,
	       "a fused compare needs ABI minor 6");
	is_int(compile("x = 1\nx += 1")->abi_minor, 6,
	       "... and so does a constant operand");
	is_int(compile("print(1)")->abi_minor, 0,
	       "a chunk without the new opcodes needs ABI minor 0");
	is_str(code("function f() { return }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || RET | RET",
	       "return without a value: RET");
	is_str(code("function f() { }\nx = f()"),
	       "FUNC r0 p1 | SETG r0 g0 | GETG r0 g0 | CALL r0 0 | "
	       "SETG r0 g1 | RET || RET",
	       "falling off the end returns nil; a call result assigned");
	is_str(code("function f(a) { return -a }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || NEG r1 r0 | RET1 r1 | RET",
	       "return of an expression on a parameter");
	is_str(code("function f(a) { return a }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || RET1 r0 | RET",
	       "return of a local returns its register");
	is_str(code("g = 0\ng(g(), 1)"),
	       "LOADI r0 0 | SETG r0 g0 | GETG r0 g0 | GETG r1 g0 | "
	       "CALL r1 0 | LOADI r2 1 | CALL r0 2 | RET",
	       "a call as an argument calls in place");
	is_str(code("f = 0\nf()(2)"),
	       "LOADI r0 0 | SETG r0 g0 | GETG r0 g0 | CALL r0 0 | "
	       "LOADI r1 2 | CALL r0 1 | RET", "calling a call's result");
	is_str(code("x = function (a) { return function (b) { return b } }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || FUNC r1 p2 | RET1 r1 | RET "
	       "|| RET1 r0 | RET", "nested functions get the next protos");
	is_str(code("function f(a) { var n = 0\nfunction g() { n = 1 } }"),
	       "t.kp:2:16: error: cannot use 'n', a local of an enclosing "
	       "function (functions do not capture locals: pass it as an "
	       "argument or make it a global)",
	       "assigning an enclosing function's local is an error too");
	is_str(code("function f(a, b, a) { }"),
	       "t.kp:1:18: error: duplicate parameter 'a'",
	       "duplicate parameter");
}

static void test_locals(void)
{
	is_str(code("function f(a) { var b = a * 2\nvar c\na = b\n"
		    "a += 1\nreturn a }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || "
	       "MULK r1 r0 k0 | LOADNIL r2 | MOV r0 r1 | "
	       "ADDK r0 r0 k1 | RET1 r0 | RET",
	       "locals and parameters live in registers");
	is_str(code("function f(a, b) { a = b * 2 + a\nb = (a + 1) * a\n"
		    "a = a && b\nreturn a }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || "
	       "MULK r2 r1 k0 | ADD r0 r2 r0 | "
	       "ADDK r2 r0 k1 | MUL r1 r2 r0 | "
	       "MOV r2 r0 | JMPF r2 ->7 | MOV r2 r1 | MOV r0 r2 | "
	       "RET1 r0 | RET",
	       "a local assigned an expression takes its last write in place "
	       "(not through && or ||)");
	is_str(code("x = 1\nif (x) { var x = 2\nprint(x) }\nprint(x)"),
	       "LOADI r0 1 | SETG r0 g0 | GETG r0 g0 | JMPF r0 ->7 | "
	       "LOADI r0 2 | MOV r2 r0 | CALLB r1 print 1 | "
	       "GETG r1 g0 | CALLB r0 print 1 | RET",
	       "var in a block at top level is a local shadowing the global");
	is_str(code("if (1) { var a, b = 1\nvar c = a }\nif (1) { var d = 5 }"),
	       "LOADI r0 1 | LOADNIL r1 | MOV r2 r0 | LOADI r0 5 | RET",
	       "a block's registers are free again after it");
	is_str(code("if (1) { var a = 1\nvar a = a + 1\nprint(a) }"),
	       "LOADI r0 1 | ADDK r1 r0 k0 | MOV r3 r1 | CALLB r2 print 1 | "
	       "RET", "var a = a + 1 reads the previous a");
	is_str(code("if (1) { var a, b = 1, 2\na, b = b, a }"),
	       "LOADI r0 1 | LOADI r1 2 | "
	       "MOV r2 r1 | MOV r3 r0 | MOV r0 r2 | MOV r1 r3 | RET",
	       "swapping locals goes through temporaries");
	is_str(code("if (1) { var a = 1\na++\nprint(a < 2, -a) }"),
	       "LOADI r0 1 | ADDK r0 r0 k0 | LOADI r3 2 | LT r2 r0 r3 | "
	       "NEG r3 r0 | CALLB r1 print 2 | RET",
	       "operators read locals in place; a comparison as a value is LT");
}

static void test_loops(void)
{
	struct compiled *c;

	c = compile("for (i = 1, 10) { print(i) }");
	is_str(c->code, "LOADI r0 1 | LOADI r1 10 | LOADI r2 1 | "
	       "FORPREP r0 ->7 | MOV r5 r3 | CALLB r4 print 1 | "
	       "FORLOOP r0 ->4 | RET",
	       "numeric for: FORPREP, body, FORLOOP; the variable is r3");
	is_int(c->nregs, 6, "... in a frame of 6");
	is_str(code("for (i = 10, 1, -2) { if (i == 4) { break } continue }"),
	       "LOADI r0 10 | LOADI r1 1 | LOADI r2 -2 | FORPREP r0 ->9 | "
	       "TEQK r3 k0 0 | JMP ->7 | JMP ->9 | "
	       "JMP ->8 | FORLOOP r0 ->4 | RET",
	       "numeric for: break to the exit, continue to FORLOOP");
	is_str(code("for (var i = 0; i < 3; i++) { if (i) { break } continue }"),
	       "LOADI r0 0 | JMP ->6 | JMPF r0 ->4 | JMP ->8 | JMP ->5 | "
	       "ADDK r0 r0 k0 | TLTK r0 k1 1 | JMP ->2 | RET",
	       "C form: tested at the bottom; continue runs the post statement");
	is_str(code("for (;;) { break }"), "JMP ->2 | JMP ->3 | JMP ->1 | RET",
	       "C form without a condition");
	is_str(code("n = 0\nrepeat { n++\nif (n == 2) { continue } } "
		    "until (n > 3)"),
	       "LOADI r0 0 | SETG r0 g0 | GETG r0 g0 | ADDK r0 r0 k0 | "
	       "SETG r0 g0 | GETG r0 g0 | TEQK r0 k1 0 | JMP ->9 | JMP ->9 | "
	       "GETG r0 g0 | TGTK r0 k2 0 | JMP ->2 | RET",
	       "repeat: continue jumps to the condition");
	is_str(code("repeat { var x = 1 } until (x)"),
	       "t.kp:1:29: error: undefined variable 'x'",
	       "until does not see the body's locals (as C's do-while)");
	is_str(code("for (i = 1, 2) { }\nprint(i)"),
	       "t.kp:2:7: error: undefined variable 'i'",
	       "the numeric loop's variable is a local of the loop");
}

static void test_aggregations(void)
{
	is_str(code("var s = {}\nk = 1\nv = 2\ns[k] <<< v"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | LOADI r0 1 | SETG r0 g1 | LOADI r0 2 | SETG r0 g2 | GETG r0 g0 | GETG r1 g1 | GETG r2 g2 | AGGT r0 r1 r2 | RET",
	       "s[k] <<< v: t, k, v, then AGGT");
	is_str(code("g <<< 5"), "LOADI r0 5 | AGGG r0 g0 | RET",
	       "g <<< 5: AGGG");
	is_str(code("function f(s, k) { s[k] <<< k * 2 }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || MULK r3 r1 k0 | AGGT r0 r1 r3 | RET",
	       "locals as table and key are used in place");
	is_int(compile("g <<< 1")->abi_minor, 3,
	       "a chunk with <<< needs ABI minor 3");
	is_int(compile("var g = 1\nprint(count(g))")->abi_minor, 3,
	       "... and so does one calling count()");
	is_str(code("function f() { var a\na <<< 1 }"),
	       "t.kp:2:1: error: '<<<' needs a global or a table element, not the local 'a'",
	       "<<< into a local is refused");
}

static void test_tables(void)
{
	is_str(code("var t = {}\nk = 1\nt[k] += 1"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | LOADI r0 1 | SETG r0 g1 | GETG r0 g0 | GETG r1 g1 | LOADI r2 1 | ADDT r0 r1 r2 | RET", "t[k] += 1: one ADDT");
	is_str(code("var t = {}\nt.a -= 2\nt.a <<= 1\nt.a ..= \"x\""),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r0 g0 | LOADK r1 k0 | LOADI r2 2 | SUBT r0 r1 r2 | GETG r0 g0 | LOADK r1 k0 | LOADI r2 1 | SHLT r0 r1 r2 | GETG r0 g0 | LOADK r1 k0 | GETT0 r2 r0 r1 | LOADK r3 k1 | CONCAT r2 r2 r3 | SETT r0 r1 r2 | RET",
	       "-= and <<= fused; ..= stays GETT0, CONCAT, SETT");
	is_str(code("var t = {7, x = 8, [\"k\"] = 9}"),
	       "NEWTAB r0 1 2 | LOADI r1 1 | LOADI r2 7 | SETT r0 r1 r2 | LOADK r1 k0 | LOADI r2 8 | SETT r0 r1 r2 | LOADK r1 k1 | LOADI r2 9 | SETT r0 r1 r2 | SETG r0 g0 | RET",
	       "a constructor: NEWTAB sized 1 and 2, then SETT per field");
	is_str(code("var t = {}\nprint(t.a[1])"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r1 g0 | LOADK r2 k0 | GETT r1 r1 r2 | LOADI r2 1 | GETT r1 r1 r2 | CALLB r0 print 1 | RET", "index chains: GETT");
	is_str(code("function f(t) { t.n++ }"),
	       "FUNC r0 p1 | SETG r0 g0 | RET || LOADK r2 k0 | LOADI r3 1 | ADDT r0 r2 r3 | RET", "t.n++ on a local table");
	is_str(code("var t = {}\nfor (k, v in pairs(t)) { print(k) }"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r0 g0 | LOADI r1 0 | JMP ->7 | MOV r5 r2 | CALLB r4 print 1 | TFORLOOP r0 ->5 | RET",
	       "pairs: JMP to TFORLOOP, which jumps back to the body");
	is_str(code("var t = {}\nfor (k, v in sort_pairs(t)) { }"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r0 g0 | MOV r2 r0 | CALLB r1 sort_pairs 1 | LOADI r2 1 | MOV r4 r1 | CALLB r3 len 1 | LOADI r4 1 | FORPREP r2 ->13 | GETT r6 r1 r5 | GETT r7 r0 r6 | FORLOOP r2 ->10 | RET",
	       "sort_pairs: the key table walked by a numeric loop");
	is_str(code("var t = {}\nfor (k in sort_pairs(t, f)) { }\nf = 1"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r0 g0 | MOV r2 r0 | GETG r3 g1 | CALLB r1 sort_pairs 2 | SORTSTEP r1 ->9 | CALL r2 2 | JMP ->6 | LOADI r2 1 | MOV r4 r1 | CALLB r3 len 1 | LOADI r4 1 | FORPREP r2 ->17 | GETT r6 r1 r5 | GETT r7 r0 r6 | FORLOOP r2 ->14 | LOADI r0 1 | SETG r0 g1 | RET",
	       "sort_pairs with cmp: SORTSTEP, CALL, JMP until sorted");
	is_str(code("var n = table.new(4, 2)"),
	       "LOADI r1 4 | LOADI r2 2 | CALLB r0 table.new 2 | SETG r0 g0 | RET",
	       "table.new is a qualified built-in");
	is_str(code("var table = {}\nvar n = table.new"),
	       "NEWTAB r0 0 0 | SETG r0 g0 | GETG r0 g0 | LOADK r1 k0 | GETT r0 r0 r1 | SETG r0 g1 | RET",
	       "a variable named table is indexed instead");
}

/* Probe bodies are prototypes; the top level does not run them. */
static void test_probes(void)
{
	struct compiled *c;

	c = compile("tick-1s { print(pid, arg3) }\ntrace_end { exit() }");
	is_str(c->code, "RET || EVGET r1 3 0 | EVGET r2 7 3 | "
	       "CALLB r0 print 2 | RET || CALLB r0 exit 0 | RET",
	       "a timer and trace_end: two prototypes, EVGET for context");
	is_int(c->abi_minor, 8, "... and the chunk needs ABI minor 8");
	is_str(code("var pid = 1\nprofile-1ms { print(pid) }"),
	       "LOADI r0 1 | SETG r0 g0 | RET || GETG r1 g0 | "
	       "CALLB r0 print 1 | RET",
	       "a global of the same name hides the context name");
	is_str(code("tick-1ms { var cpu = 2; print(cpu) }"),
	       "RET || LOADI r0 2 | MOV r2 r0 | CALLB r1 print 1 | RET",
	       "so does a local");
}

static void test_lines(void)
{
	struct compiled *c = compile("x = 1\n\nif (x) {\n  print(x,\n    2)\n}\n");

	ok(c->rc == 0 && c->ncode == 8, "multi-line script compiles (%s)",
	   c->code);
	ok(c->lines[0] == 1 && c->lines[1] == 1 && c->lines[2] == 3 &&
	   c->lines[3] == 3 && c->lines[4] == 4 && c->lines[5] == 5 &&
	   c->lines[6] == 4,
	   "every instruction has its source line (%u %u %u %u %u %u %u)",
	   c->lines[0], c->lines[1], c->lines[2], c->lines[3], c->lines[4],
	   c->lines[5], c->lines[6]);
}

static void test_name_errors(void)
{
	is_str(code("print(x)"), "t.kp:1:7: error: undefined variable 'x'",
	       "undefined variable");
	is_str(code("if (1) {\n  foo(1)\n}"),
	       "t.kp:2:3: error: undefined function 'foo'", "undefined function");
	is_str(code("x = print"),
	       "t.kp:1:5: error: using the built-in function 'print' as a value "
	       "is not supported yet", "built-in as a value");
	is_str(code("print = 1; print(2)"),
	       "LOADI r0 1 | SETG r0 g0 | GETG r0 g0 | LOADI r1 2 | CALL r0 1 | "
	       "RET", "a global shadows the built-in of the same name");
	ok(strstr(compile("print(a, b)")->errors, "\nprint(a, b)\n      ^\n") != NULL,
	   "name error report has source line and caret");
}

static void test_arity_words(void)
{
	char buf[64];

	kp_res_describe_arity(buf, sizeof(buf), 1, -1);
	is_str(buf, "at least 1 argument", "arity: at least 1");
	kp_res_describe_arity(buf, sizeof(buf), 2, 2);
	is_str(buf, "exactly 2 arguments", "arity: exactly 2");
	kp_res_describe_arity(buf, sizeof(buf), 0, 0);
	is_str(buf, "no arguments", "arity: none");
	kp_res_describe_arity(buf, sizeof(buf), 0, 1);
	is_str(buf, "at most 1 argument", "arity: at most 1");
	kp_res_describe_arity(buf, sizeof(buf), 1, 3);
	is_str(buf, "1 to 3 arguments", "arity: a range");
	is_int(kp_res_builtin_id("print"), KTAP_BIF_PRINT, "builtin id of print");
	is_int(kp_res_builtin_id("nosuch"), -1, "no builtin nosuch");
}

/*
 * A tapset hook that knows one function, to show where it plugs in: it
 * hands out the statement defining it, parsed from its own text.
 */
struct fake_lib {
	int asked;
	struct kp_diag *diag;
	struct kp_ast_arena *arena;
};

static bool fake_tapset(void *ctx, const char *name, struct kp_ast_node **stmts)
{
	static const char def[] = "function answer() { return 42 }";
	struct fake_lib *lib = ctx;

	lib->asked++;
	if (strcmp(name, "answer"))
		return false;
	*stmts = kp_parse_chunk(def, strlen(def), lib->diag,
				lib->arena)->u.block.stmts;
	return true;
}

static void fake_names(void *ctx, struct kp_suggest *s)
{
	(void)ctx;
	kp_suggest_add(s, "answer");
}

static void test_tapset_hook(void)
{
	const char *src = "x = answer(); nosuch(1); answr()";
	struct kp_ast_arena arena;
	struct kp_res_result res;
	struct kp_res_hooks hooks = { fake_tapset, fake_names, NULL };
	struct kp_ast_node *tree;
	struct kp_diag d;
	struct fake_lib lib = { 0, &d, &arena };
	char *errors = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&errors, &len);
	int rc;

	hooks.ctx = &lib;
	kp_diag_init(&d, err, "t.kp", src, strlen(src));
	d.max_errors = 5;
	kp_ast_arena_init(&arena);
	tree = kp_parse_chunk(src, strlen(src), &d, &arena);
	rc = kp_res_resolve(tree, &d, &arena, &hooks, &res);
	fclose(err);
	ok(rc == -1 && lib.asked == 3, "tapset hook asked about the unknown names");
	ok(strstr(errors, "undefined function 'nosuch'") &&
	   !strstr(errors, "undefined function 'answer'"),
	   "... and its answer is taken");
	ok(strstr(errors, "undefined function 'answr' (did you mean 'answer'?)") != NULL,
	   "did you mean offers the library's names");
	ok(tree->u.block.stmts->kind == KP_AST_ASSIGN &&
	   tree->u.block.stmts->u.assign.values->kind == KP_AST_FUNCTION,
	   "the library's definition runs before the script");
	ok(res.nglobals == 2 && !strcmp(res.globals[1], "answer"),
	   "the library function is a global");
	free(errors);
	kp_ast_arena_free(&arena);
}

/* The version guard of probe aliases: releases compared field by field. */
static void test_kernel_release(void)
{
	setenv("KTAP_KERNEL_RELEASE", "6.1.0-56-amd64", 1);
	ok(kp_tapset_kernel_is(KP_BIN_LT, "6.12") &&
	   kp_tapset_kernel_is(KP_BIN_GE, "6.1") &&
	   kp_tapset_kernel_is(KP_BIN_EQ, "6.1") &&
	   !kp_tapset_kernel_is(KP_BIN_GT, "6.1.0") &&
	   kp_tapset_kernel_is(KP_BIN_GT, "5.19"),
	   "6.1.0-56-amd64: below 6.12, at least 6.1, equal to 6.1, above 5.19");
	setenv("KTAP_KERNEL_RELEASE", "6.12.117+deb12-amd64", 1);
	ok(kp_tapset_kernel_is(KP_BIN_GT, "6.2") &&
	   kp_tapset_kernel_is(KP_BIN_NE, "6.12.116") &&
	   kp_tapset_kernel_is(KP_BIN_LE, "6.12.117") &&
	   !kp_tapset_kernel_is(KP_BIN_LT, "6.12"),
	   "6.12.117+deb12: numbers, not strings (6.12 > 6.2)");
	unsetenv("KTAP_KERNEL_RELEASE");
}

static void test_suggest(void)
{
	struct kp_suggest s;
	char buf[128];

	kp_suggest_init(&s, "pirnt");
	kp_suggest_add(&s, "print");
	kp_suggest_add(&s, "printf");
	kp_suggest_add(&s, "pid");
	kp_suggest_add(&s, "zzzzz");
	is_str(kp_suggest_format(&s, buf, sizeof(buf)),
	       " (did you mean 'print'?)",
	       "suggest: a transposition is one edit; two are too many for five letters");
	kp_suggest_init(&s, "ab");
	kp_suggest_add(&s, "xy");
	is_str(kp_suggest_format(&s, buf, sizeof(buf)), "",
	       "suggest: nothing near enough, nothing said");
	kp_suggest_init(&s, "count_x");
	kp_suggest_add(&s, "count_a");
	kp_suggest_add(&s, "count_b");
	kp_suggest_add(&s, "count_c");
	kp_suggest_add(&s, "count");
	is_str(kp_suggest_format(&s, buf, sizeof(buf)),
	       " (did you mean 'count_a', 'count_b' or 'count_c'?)",
	       "suggest: at most three");
}

/* A script of `n` copies of `stmt` between `head` and `tail`. */
static char *repeat(const char *head, const char *stmt, int n,
		    const char *tail)
{
	size_t size = strlen(head) + strlen(stmt) * n + strlen(tail) + 1;
	char *s = malloc(size), *p = s;
	int i;

	p += sprintf(p, "%s", head);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s", stmt);
	sprintf(p, "%s", tail);
	return s;
}

static void test_limits(void)
{
	struct compiled *c = malloc(sizeof(*c));
	char *s;

	s = repeat("print(", "1, ", 248, "1)");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0 && c->nregs == 250, "250 registers: fine (nregs %u)",
	   c->nregs);
	free(s);
	s = repeat("print(", "1, ", 250, "1)");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "error: expression too complex "
				 "(needs more than 250 registers)"),
	   "251 registers: error");
	free(s);
	s = repeat("function f(p) { var a", ", a", 248, " }");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0 && c->proto_nregs[1] == 250,
	   "a parameter and 249 locals: 250 registers, fine");
	free(s);
	s = repeat("function f(p) { var a", ", a", 249, " }");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "error: too many local variables "
				 "in one function (limit 250 registers"),
	   "one more local: error");
	free(s);
	s = repeat("", "function f() { }\n", 1023, "");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0 && c->nprotos == 1024, "1023 functions: fine");
	free(s);
	s = repeat("", "function f() { }\n", 1024, "");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "t.kp:1024:1: error: too many "
				 "functions (limit 1023)"),
	   "1024 functions: too many");
	free(s);
	/* JMPT back from pc 2 + body to 1 is -(2 + body): body <= 32765 */
	s = repeat("while (a) {\n", "b = 100000\n", 16382, "}\na = 0\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0, "a loop body of 32764 instructions fits the jumps");
	free(s);
	s = repeat("while (a) {\n", "b = 100000\n", 16383, "}\na = 0\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "t.kp:1:1: error: control "
				 "structure too long (a jump of -32768 "
				 "instructions, limit 32767)"),
	   "one more statement: jump out of range, reported at the loop");
	free(s);
	s = repeat("", "b = 100000\n", 32767, "print()\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0 && c->ncode == KTAP_MAX_CODE,
	   "exactly %d instructions: fine", KTAP_MAX_CODE);
	free(s);
	s = repeat("", "b = 100000\n", 32767, "print()\nprint()\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "error: code too large (limit "
				 "65536 instructions)"), "one more: too large");
	free(s);
	/* The loader refused global names over 256 bytes (fuzz-compile). */
	s = repeat("", "a", KTAP_MAX_NAME, " = 1\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == 0, "a global name of %d bytes: fine", KTAP_MAX_NAME);
	free(s);
	s = repeat("x = 1\n", "a", KTAP_MAX_NAME + 1, " += 1\n");
	compile_into(c, s, strlen(s));
	ok(c->rc == -1 && strstr(c->errors, "t.kp:2:1: error: name of a global "
				 "variable too long (257 bytes, limit 256)"),
	   "one more byte: error at the name");
	free(s);
	free(c);
}

/* The whole pipeline on random token streams: never a crash. */
static void test_random_pipeline(void)
{
	static const char *const words[] = {
		"var", "if", "else", "elseif", "while", "break", "continue",
		"(", ")", "{", "}", ",", ";", "\n", "=", "+=", "..=", "++",
		"--", "+", "-", "*", "/", "%", "<<", ">>", "..", "<", ">=",
		"==", "!=", "&&", "||", "!", "~", "a", "b", "print", "x", "0",
		"1", "32768", "-9223372036854775808", "\"s\"", "nil", "true",
		"print(", "a =", "b =", "if (a) {", "while (b) {", "x = a",
		"function", "return", "for", "repeat", "until", "in",
		"for (i = 1, 2) {", "function g(x) {", "for (;;) {",
	};
	const size_t nwords = sizeof(words) / sizeof(words[0]);
	struct compiled *c = malloc(sizeof(*c));
	unsigned state = 12345;
	int i, j, bad = 0, compiled = 0;
	char src[2048];

	for (i = 0; i < 600; i++) {
		size_t len = 0;
		int n;

		state = state * 1103515245u + 12345u;
		n = 1 + (state >> 16) % 60;
		for (j = 0; j < n; j++) {
			state = state * 1103515245u + 12345u;
			len += snprintf(src + len, sizeof(src) - len, "%s ",
					words[(state >> 16) % nwords]);
		}
		compile_into(c, src, len);
		if (c->rc == 0) {
			compiled++;
			bad += !c->clean_listing;
		} else {
			bad += strncmp(c->errors, "t.kp:", 5) != 0;
		}
	}
	ok(!bad && compiled == 0, "600 random token streams through "
	   "kp_compile: every failure is a proper report");
	free(c);
}

/* ---- random valid scripts --------------------------------------------- */

struct gen {
	char *buf;
	size_t len, size;
	unsigned state;
	int loops;		/* loops around the statement being made */
	int loops_saved[8];	/* of the functions around it, by depth */
};

static unsigned pick(struct gen *g, unsigned n)
{
	g->state = g->state * 1103515245u + 12345u;
	return (g->state >> 16) % n;
}

static void put(struct gen *g, const char *text)
{
	size_t n = strlen(text);

	if (g->len + n + 1 < g->size) {
		memcpy(g->buf + g->len, text, n + 1);
		g->len += n;
	}
}

static void gen_expr(struct gen *g, int depth)
{
	static const char *const leaves[] = {
		"a", "b", "c", "0", "1", "-7", "32768", "32769", "100000",
		"-9223372036854775808", "0x7fffffffffffffff", "\"s\"", "'t'",
		"nil", "true", "false", "[[long]]", "f(a)", "f()",
		"f(1, 2, 3)", "function (q) { return q }",
	};
	static const char *const binops[] = {
		"||", "&&", "|", "^", "&", "==", "!=", "<", "<=", ">", ">=",
		"..", "<<", ">>", "+", "-", "*", "/", "%",
	};
	unsigned what = depth > 4 ? 0 : pick(g, 6);

	if (what <= 1) {
		put(g, leaves[pick(g, sizeof(leaves) / sizeof(leaves[0]))]);
	} else if (what == 2) {
		put(g, pick(g, 3) == 0 ? "! " : pick(g, 2) ? "- " : "~ ");
		gen_expr(g, depth + 1);
	} else if (what == 3) {
		put(g, "(");
		gen_expr(g, depth + 1);
		put(g, ")");
	} else if (what == 4) {
		put(g, "print(");
		if (pick(g, 3)) {
			gen_expr(g, depth + 1);
			put(g, ", ");
			gen_expr(g, depth + 1);
		}
		put(g, ")");
	} else {
		gen_expr(g, depth + 1);
		put(g, " ");
		put(g, binops[pick(g, sizeof(binops) / sizeof(binops[0]))]);
		put(g, " ");
		gen_expr(g, depth + 1);
	}
}

static void gen_block(struct gen *g, int depth);

/* The loops, functions and return of the random scripts. */
static void gen_loop_stmt(struct gen *g, int depth, unsigned what)
{
	if (what == 0) {
		put(g, "for (i = ");
		gen_expr(g, 3);
		put(g, ", ");
		gen_expr(g, 3);
		put(g, pick(g, 2) ? ", -1) " : ") ");
	} else if (what == 1) {
		put(g, "for (var j = 0; j < 3; j++) ");
	} else if (what == 2 && depth == 0) {
		/* only at the top: nested, it could use a block's locals */
		put(g, "function f(x, y) ");
		g->loops_saved[depth] = g->loops;
		g->loops = 0;
		gen_block(g, depth + 1);
		g->loops = g->loops_saved[depth];
		return;
	} else if (what <= 3) {
		put(g, "return ");
		gen_expr(g, 0);
		return;
	}
	g->loops++;
	if (what == 4) {
		put(g, "repeat ");
		gen_block(g, depth + 1);
		put(g, " until (");
		gen_expr(g, 0);
		put(g, ")");
	} else {
		gen_block(g, depth + 1);
	}
	g->loops--;
}

static void gen_stmt(struct gen *g, int depth)
{
	static const char *const compound[] = {
		" += ", " -= ", " *= ", " /= ", " %= ", " &= ", " |= ",
		" ^= ", " <<= ", " >>= ", " ..= ",
	};
	unsigned what = pick(g, depth > 3 ? 6 : 10);

	if (what == 0) {
		put(g, "a = ");
		gen_expr(g, 0);
	} else if (what == 1) {
		put(g, "var b, c = ");
		gen_expr(g, 0);
		if (pick(g, 2)) {
			put(g, ", ");
			gen_expr(g, 0);
		}
	} else if (what == 2) {
		put(g, "a, b, c = c, a");
	} else if (what == 3) {
		put(g, "c");
		put(g, compound[pick(g, sizeof(compound) / sizeof(compound[0]))]);
		gen_expr(g, 0);
	} else if (what == 4) {
		put(g, pick(g, 2) ? "b++" : "b--");
	} else if (what == 5) {
		if (g->loops)
			put(g, pick(g, 2) ? "break" : "continue");
		else
			put(g, "print(\"x\")");
	} else if (what <= 7) {
		put(g, "if (");
		gen_expr(g, 0);
		put(g, ") ");
		gen_block(g, depth + 1);
		while (pick(g, 3) == 0) {
			put(g, pick(g, 2) ? " elseif (" : " else if (");
			gen_expr(g, 0);
			put(g, ") ");
			gen_block(g, depth + 1);
		}
		if (pick(g, 2)) {
			put(g, " else ");
			gen_block(g, depth + 1);
		}
	} else if (what == 8) {
		put(g, "while (");
		gen_expr(g, 0);
		put(g, ") ");
		g->loops++;
		gen_block(g, depth + 1);
		g->loops--;
	} else {
		gen_loop_stmt(g, depth, pick(g, 5));
	}
	put(g, pick(g, 2) ? "\n" : "; ");
}

static void gen_block(struct gen *g, int depth)
{
	int n = pick(g, 4);

	put(g, "{\n");
	while (n--)
		gen_stmt(g, depth);
	put(g, "}");
}

/* Random scripts from the grammar: all must compile and list cleanly. */
static void test_random_valid_scripts(void)
{
	struct compiled *c = malloc(sizeof(*c));
	struct gen g = { NULL, 0, 1 << 16, 777, 0, { 0 } };
	int i, failed = 0, unclean = 0;

	g.buf = malloc(g.size);
	for (i = 0; i < 300; i++) {
		int n = 1 + pick(&g, 12);

		g.len = 0;
		g.buf[0] = '\0';
		put(&g, "a = 1 b = 2 c = \"s\"\n"
		    "function f(x, y) { return x }\n");
		while (n--)
			gen_stmt(&g, 0);
		compile_into(c, g.buf, g.len);
		if (c->rc) {
			if (!failed)
				diag("%s\n%s", g.buf, c->errors);
			failed++;
		} else {
			unclean += !c->clean_listing;
		}
	}
	ok(!failed, "300 random valid scripts compile (%d failed)", failed);
	ok(!unclean, "... and every operand is in range in their listing");
	free(g.buf);
	free(c);
}

/*
 * The listing shows the chunk's ABI: the major, and the lowest minor the
 * chunk needs, which is 0 for a chunk using only the first opcodes and
 * built-ins (as this one does).
 */
#define ABI_STR(x) #x
#define ABI_XSTR(x) ABI_STR(x)
#define ABI_TEXT ABI_XSTR(KTAP_ABI_MAJOR) ".0"

/* What "ktap -S" shows for a small script. */
static void test_listing(void)
{
	static const char src[] = "x = 1\nif (x) { print(\"hi\\n\", x) }\n";
	static const char want[] =
		"chunk \"t.kp\": abi " ABI_TEXT ", flags 0x0, 132 bytes, 1 protos, "
		"1 globals\n"
		"  g0     x\n"
		"\n"
		"proto 0: line 0, 0 params, 3 regs, 8 instructions, "
		"1 constants, "
		"flags 0x0\n"
		"  k0     str \"hi\\n\"\n"
		"    pc  line  instruction\n"
		"     0     1  LOADI    r0 1\n"
		"     1     1  SETG     r0 g0           ; x\n"
		"     2     2  GETG     r0 g0           ; x\n"
		"     3     2  JMPF     r0 -> 7\n"
		"     4     2  LOADK    r1 k0           ; \"hi\\n\"\n"
		"     5     2  GETG     r2 g0           ; x\n"
		"     6     2  CALLB    r0 print 2\n"
		"     7     3  RET\n";
	struct kp_chunk_buf buf;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!ok(kp_compile("t.kp", src, strlen(src), stderr, &buf) == 0,
		"listing: compiles"))
		return;
	out = open_memstream(&text, &len);
	is_int(kp_disasm(out, buf.data, buf.len), 0, "listing: kp_disasm ok");
	fclose(out);
	is_str(text, want, "listing: the ktap -S text");
	free(text);
	kp_chunk_buf_free(&buf);
}

int main(void)
{
	test_basics();
	test_listing();
	test_folding();
	test_fold_binary();
	test_operators();
	test_statements();
	test_control_flow();
	test_functions();
	test_locals();
	test_loops();
	test_aggregations();
	test_tables();
	test_probes();
	test_lines();
	test_name_errors();
	test_arity_words();
	test_tapset_hook();
	test_suggest();
	test_kernel_release();
	test_limits();
	test_random_pipeline();
	test_random_valid_scripts();
	return done();
}
