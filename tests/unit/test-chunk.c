/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test-chunk.c - unit test of the chunk writer and the disassembler
 * (src/chunk_writer.c, src/disasm.c): the exact bytes of a hand-built
 * chunk, its listing, out-of-range operands flagged, and malformed or
 * corrupted chunks refused without a crash.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "chunk_writer.h"
#include "disasm.h"
#include "tap.h"

#define SBX(n)	((unsigned)((n) + KTAP_SBX_BIAS))

struct listing {
	int rc;
	char *text;
	size_t len;
};

static void list(struct listing *l, const void *data, size_t len)
{
	FILE *out = open_memstream(&l->text, &l->len);

	l->rc = kp_disasm(out, data, len);
	fclose(out);
}

static uint32_t u32_at(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put_u32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/* The chunk the byte-level tests check; see the layout in test_bytes(). */
static struct kp_chunk_builder *hand_chunk(void)
{
	struct kp_chunk_builder *c = kp_chunk_new("hand.kp");
	struct kp_chunk_proto *p;

	kp_chunk_add_global(c, "a");
	kp_chunk_add_global(c, "bc");
	p = kp_chunk_add_proto(c, 0, 0);
	kp_chunk_set_nregs(p, 2);
	kp_chunk_const_str(p, "hello", 5);
	kp_chunk_const_int(p, (int64_t)1 << 40);
	kp_chunk_const_str(p, "", 0);
	kp_chunk_const_str(p, "abcd", 4);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_LOADI, 0, SBX(5)), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_SETG, 0, 0), 1);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_LOADK, 1, 0), 2);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_PRINT, 1), 2);
	kp_chunk_emit(p, KTAP_INSN_ABX(KTAP_OP_JMPT, 0, SBX(-5)), 3);
	kp_chunk_emit(p, KTAP_INSN_ABC(KTAP_OP_RET, 0, 0, 0), 4);
	return c;
}

static void test_builder(void)
{
	struct kp_chunk_builder *c = kp_chunk_new("b.kp");
	struct kp_chunk_proto *p = kp_chunk_add_proto(c, 0, 0);
	unsigned i, bad = 0;
	char s[16];

	is_int(kp_chunk_const_str(p, "x", 1), 0, "first constant is k0");
	is_int(kp_chunk_const_int(p, 7), 1, "second is k1");
	is_int(kp_chunk_const_str(p, "x", 1), 0, "equal string: same index");
	is_int(kp_chunk_const_int(p, 7), 1, "equal integer: same index");
	is_int(kp_chunk_const_str(p, "7", 1), 2, "string \"7\" is not integer 7");
	is_int(kp_chunk_const_str(p, "x\0y", 3), 3, "bytes after a NUL count");
	is_int(kp_chunk_const_int(p, 0), 4, "integer 0");
	is_int(kp_chunk_const_str(p, "", 0), 5, "empty string is another");
	for (i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "s%u", i);
		bad += kp_chunk_const_str(p, s, strlen(s)) != 6 + i;
	}
	for (i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "s%u", i);
		bad += kp_chunk_const_str(p, s, strlen(s)) != 6 + i;
	}
	ok(!bad && kp_chunk_nconsts(p) == 5006,
	   "5000 strings added twice: indices stable through index growth");
	is_int(kp_chunk_emit(p, 0x11, 3), 0, "emit returns the index");
	is_int(kp_chunk_emit(p, 0x22, 4), 1, "... of each instruction");
	kp_chunk_patch(p, 0, 0x33);
	ok(kp_chunk_insn(p, 0) == 0x33 && kp_chunk_insn(p, 1) == 0x22 &&
	   kp_chunk_ncode(p) == 2, "patch rewrites one instruction");
	is_int(kp_chunk_add_global(c, "g"), 0, "globals get slots in order");
	is_int(kp_chunk_add_global(c, "h"), 1, "... 0, 1");
	is_int(kp_chunk_nglobals(c), 2, "two globals");
	kp_chunk_free(c);
	ok(kp_chunk_op_is_bx(KTAP_OP_LOADK) && kp_chunk_op_is_bx(KTAP_OP_JMP) &&
	   kp_chunk_op_is_bx(KTAP_OP_LOADI) && kp_chunk_op_is_bx(KTAP_OP_GETG),
	   "LOADK, JMP, LOADI, GETG use the ABx layout");
	ok(!kp_chunk_op_is_bx(KTAP_OP_MOV) && !kp_chunk_op_is_bx(KTAP_OP_CALLB) &&
	   !kp_chunk_op_is_bx(KTAP_OP_RET) && !kp_chunk_op_is_bx(0xff),
	   "MOV, CALLB, RET and unknown opcodes do not");
}

/*
 * The layout of hand_chunk(), offsets in bytes:
 *   0 header (24)          24 name: len 7, "hand.kp", 1 pad
 *  36 global: len 1, "a", 3 pad      44 global: len 2, "bc", 2 pad
 *  52 proto header (16)    68 code (6 x 4)    92 lines (6 x 4)
 * 116 const str "hello": header (8), 5 bytes, 3 pad
 * 132 const int: header (8), 8 bytes
 * 148 const str "": header (8)       156 const str "abcd": header, 4 bytes
 * 168 end
 */
static void test_bytes(void)
{
	struct kp_chunk_builder *c = hand_chunk();
	const struct ktap_chunk_header *h;
	struct ktap_proto_header ph;
	struct ktap_const_header kh;
	unsigned char *data;
	size_t len;
	int64_t big;

	ok(kp_chunk_serialize(c, &data, &len) == 0, "serialises");
	kp_chunk_free(c);
	is_int(len, 168, "size: 168 bytes");
	h = (const struct ktap_chunk_header *)data;
	ok(h->magic == KTAP_CHUNK_MAGIC, "header: magic");
	ok(h->abi_major == KTAP_ABI_MAJOR && h->abi_minor == 0,
	   "header: ABI %u.%u: major from ktap.h, minor 0 as only opcodes of "
	   "ABI 1.0 are used", h->abi_major, h->abi_minor);
	ok(h->flags == 0 && h->size == len && h->nprotos == 1 &&
	   h->nglobals == 2, "header: flags 0, size, nprotos 1, nglobals 2");
	ok(u32_at(data, 24) == 7 && !memcmp(data + 28, "hand.kp", 7) &&
	   data[35] == 0, "script name, zero-padded");
	ok(u32_at(data, 36) == 1 && data[40] == 'a' && !data[41] && !data[42] &&
	   !data[43], "global \"a\", three zero bytes of padding");
	ok(u32_at(data, 44) == 2 && !memcmp(data + 48, "bc", 2) && !data[50] &&
	   !data[51], "global \"bc\", two zero bytes of padding");
	memcpy(&ph, data + 52, sizeof(ph));
	ok(ph.ncode == 6 && ph.nconsts == 4 && ph.nparams == 0 &&
	   ph.nregs == 2 && ph.flags == 0 && ph.line == 0, "proto header");
	ok(u32_at(data, 68) == KTAP_INSN_ABX(KTAP_OP_LOADI, 0, SBX(5)) &&
	   u32_at(data, 88) == KTAP_OP_RET, "code");
	ok(u32_at(data, 92) == 1 && u32_at(data, 104) == 2 &&
	   u32_at(data, 112) == 4, "lines, parallel to the code");
	memcpy(&kh, data + 116, sizeof(kh));
	ok(kh.type == KTAP_CONST_STR && kh.len == 5 && !kh.pad[0] &&
	   !kh.pad[1] && !kh.pad[2] && !memcmp(data + 124, "hello", 5) &&
	   !data[129] && !data[130] && !data[131],
	   "string constant: header, bytes, zero padding");
	memcpy(&kh, data + 132, sizeof(kh));
	memcpy(&big, data + 140, sizeof(big));
	ok(kh.type == KTAP_CONST_INT && kh.len == 8 && big == (int64_t)1 << 40,
	   "integer constant: len 8, value");
	memcpy(&kh, data + 148, sizeof(kh));
	ok(kh.type == KTAP_CONST_STR && kh.len == 0, "empty string: no payload");
	memcpy(&kh, data + 156, sizeof(kh));
	ok(kh.type == KTAP_CONST_STR && kh.len == 4 &&
	   !memcmp(data + 164, "abcd", 4), "4-byte string: no padding");
	free(data);
}

/*
 * The listing shows the chunk's ABI: the major, and the lowest minor the
 * chunk needs, which is 0 for a chunk using only the first opcodes and
 * built-ins (as this one does).
 */
#define ABI_STR(x) #x
#define ABI_XSTR(x) ABI_STR(x)
#define ABI_TEXT ABI_XSTR(KTAP_ABI_MAJOR) ".0"

static void test_listing(void)
{
	static const char want[] =
		"chunk \"hand.kp\": abi " ABI_TEXT ", flags 0x0, 168 bytes, 1 protos, "
		"2 globals\n"
		"  g0     a\n"
		"  g1     bc\n"
		"\n"
		"proto 0: line 0, 0 params, 2 regs, 6 instructions, "
		"4 constants, "
		"flags 0x0\n"
		"  k0     str \"hello\"\n"
		"  k1     int 1099511627776\n"
		"  k2     str \"\"\n"
		"  k3     str \"abcd\"\n"
		"    pc  line  instruction\n"
		"     0     1  LOADI    r0 5\n"
		"     1     1  SETG     r0 g0           ; a\n"
		"     2     2  LOADK    r1 k0           ; \"hello\"\n"
		"     3     2  CALLB    r0 print 1\n"
		"     4     3  JMPT     r0 -> 0\n"
		"     5     4  RET\n";
	struct kp_chunk_builder *c = hand_chunk();
	struct listing l;
	unsigned char *data;
	size_t len;

	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	list(&l, data, len);
	is_int(l.rc, 0, "disassembles");
	is_str(l.text, want, "listing of the hand-built chunk");
	free(l.text);
	free(data);
}

/* Every kind of out-of-range operand is listed, with a "!" comment. */
static void test_bad_operands(void)
{
	static const struct {
		uint32_t insn;
		const char *want;
	} cases[] = {
		{ KTAP_INSN_ABX(KTAP_OP_LOADI, 200, SBX(1)),
		  "LOADI    r200 1          ; !r200 outside the frame of 2" },
		{ KTAP_INSN_ABX(KTAP_OP_GETG, 0, 9),
		  "GETG     r0 g9           ; !no global g9" },
		{ KTAP_INSN_ABX(KTAP_OP_LOADK, 0, 99),
		  "LOADK    r0 k99          ; !no constant k99" },
		/* at pc 3 and 4: targets are pc + 1 + sBx */
		{ KTAP_INSN_ABX(KTAP_OP_JMP, 0, SBX(1000)),
		  "JMP      -> 1004         ; !jump outside the code" },
		{ KTAP_INSN_ABX(KTAP_OP_JMP, 0, SBX(-6)),
		  "JMP      -> -1           ; !jump outside the code" },
		{ 0xee, "???      0x000000ee       ; !unknown opcode 238" },
		{ KTAP_INSN_ABC(KTAP_OP_CALLB, 0, 99, 0),
		  "CALLB    r0 bif99 0      ; !unknown built-in" },
		{ KTAP_INSN_ABC(KTAP_OP_CALLB, 1, KTAP_BIF_PRINT, 5),
		  "CALLB    r1 print 5      ; !arguments r2..r6 outside the "
		  "frame" },
		{ KTAP_INSN_ABC(KTAP_OP_RET, 3, 0, 0),
		  "RET                      ; !unused operand is 3, not 0" },
		{ KTAP_INSN_ABC(KTAP_OP_ADD, 0, 1, 2),
		  "ADD      r0 r1 r2        ; !r2 outside the frame of 2" },
	};
	struct kp_chunk_builder *c = kp_chunk_new("bad.kp");
	struct kp_chunk_proto *p = kp_chunk_add_proto(c, 0, 0);
	struct listing l;
	unsigned char *data;
	size_t len, i;

	kp_chunk_set_nregs(p, 2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		kp_chunk_emit(p, cases[i].insn, 1);
	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	list(&l, data, len);
	is_int(l.rc, 0, "a chunk with bad operands still lists");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[160];

		snprintf(line, sizeof(line), "%6zu     1  %s\n", i,
			 cases[i].want);
		if (!ok(strstr(l.text, line) != NULL, "flagged: %s",
			cases[i].want))
			diag("%s", l.text);
	}
	free(l.text);
	free(data);
}

static void test_several_protos(void)
{
	struct kp_chunk_builder *c = kp_chunk_new("two.kp");
	struct kp_chunk_proto *p;
	struct listing l;
	unsigned char *data;
	size_t len;

	p = kp_chunk_add_proto(c, 0, 0);
	kp_chunk_emit(p, KTAP_OP_RET, 1);
	p = kp_chunk_add_proto(c, 2, 10);
	kp_chunk_set_nregs(p, 3);
	kp_chunk_emit(p, KTAP_OP_RET, 12);
	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	list(&l, data, len);
	ok(l.rc == 0 && strstr(l.text, "2 protos, 0 globals\n") &&
	   strstr(l.text, "proto 1: line 10, 2 params, 3 regs, 1 instructions") &&
	   strstr(l.text, "     0    12  RET\n"), "two prototypes listed");
	free(l.text);
	/* another ABI major: still listed, with a note */
	((struct ktap_chunk_header *)data)->abi_major = KTAP_ABI_MAJOR + 1;
	list(&l, data, len);
	ok(l.rc == 0 && strstr(l.text, "; note: this ktap speaks abi"),
	   "a chunk of another ABI major lists with a note");
	free(l.text);
	free(data);
}

/* Lists `data` expecting failure with `msg` in the text. */
static void expect_malformed(const void *data, size_t len, const char *msg,
			     const char *what)
{
	struct listing l;

	list(&l, data, len);
	if (!ok(l.rc == -1 && strstr(l.text, msg), "malformed: %s", what))
		diag("rc %d, text:\n%s", l.rc, l.text);
	free(l.text);
}

static void test_malformed(void)
{
	struct kp_chunk_builder *c = hand_chunk();
	unsigned char *data, *copy;
	size_t len, cut;
	int bad = 0;

	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	copy = malloc(len + 8);
	expect_malformed(NULL, 0, "truncated header", "no bytes at all");
	memcpy(copy, data, len);
	copy[0] ^= 0xff;
	expect_malformed(copy, len, "bad magic", "wrong magic");
	expect_malformed(data, len - 1, "header says 168 bytes, have 167",
			 "size field disagrees");
	memcpy(copy, data, len);
	put_u32(copy, 20, 0xffffffff);
	expect_malformed(copy, len, "4294967295 globals run past the end",
			 "huge nglobals, no huge allocation");
	memcpy(copy, data, len);
	put_u32(copy, 52, 0x40000000);
	expect_malformed(copy, len, "instructions run past the end",
			 "huge ncode");
	memcpy(copy, data, len);
	put_u32(copy, 56, 0xffffff);
	expect_malformed(copy, len, "constants run past the end", "huge nconsts");
	memcpy(copy, data, len);
	copy[132] = 9;
	expect_malformed(copy, len, "unknown constant type 9", "constant type");
	memcpy(copy, data, len);
	put_u32(copy, 136, 4);
	expect_malformed(copy, len, "integer constant of 4 bytes",
			 "integer constant length");
	memcpy(copy, data, len);
	put_u32(copy, 120, 1000);
	expect_malformed(copy, len, "string constant of 1000 bytes runs past",
			 "string length past the end");
	memcpy(copy, data, len);
	memset(copy + len, 0, 8);
	put_u32(copy, 12, (uint32_t)len + 8);
	expect_malformed(copy, len + 8, "8 bytes after the last prototype",
			 "trailing bytes");
	/* every truncation, with the size field patched to match */
	for (cut = 0; cut < len; cut++) {
		struct listing l;

		memcpy(copy, data, len);
		if (cut >= 16)
			put_u32(copy, 12, (uint32_t)cut);
		list(&l, copy, cut);
		bad += l.rc != -1 || !strstr(l.text, "error: malformed chunk");
		free(l.text);
	}
	ok(!bad, "each of the %zu truncations is refused", len);
	free(copy);
	free(data);
}

/* Flip bits everywhere: the listing may fail but must not overread. */
static void test_corruption(void)
{
	struct kp_chunk_builder *c = hand_chunk();
	unsigned char *data, *copy;
	size_t len, i;
	int bit, outcomes[2] = { 0, 0 };

	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			struct listing l;

			/* an exact-size copy, so ASan sees any overread */
			copy = malloc(len);
			memcpy(copy, data, len);
			copy[i] ^= (unsigned char)(1u << bit);
			list(&l, copy, len);
			outcomes[l.rc == 0]++;
			free(l.text);
			free(copy);
		}
	}
	ok(outcomes[0] + outcomes[1] == (int)len * 8,
	   "%zu single-bit corruptions: %d listed, %d refused, no crash",
	   len * 8, outcomes[1], outcomes[0]);
	free(data);
}

int main(void)
{
	test_builder();
	test_bytes();
	test_listing();
	test_bad_operands();
	test_several_protos();
	test_malformed();
	test_corruption();
	return done();
}
