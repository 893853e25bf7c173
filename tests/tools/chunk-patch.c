// SPDX-License-Identifier: GPL-2.0
/*
 * chunk-patch: damage a compiled chunk in one precise way, so the tests
 * can prove the module refuses it (never installed; test-only).
 *
 *   chunk-patch KIND IN OUT
 *     magic      the magic number is wrong
 *     abi-major  the chunk claims the next ABI major
 *     abi-minor  the chunk needs a module minor newer than this one
 *     operand    the first instruction's A register is 255 (off the frame)
 *     opcode     the first instruction has an opcode that does not exist
 *     jump       the last instruction jumps far past the end
 *     proto      the first FUNC of the top level names prototype 0
 *     call       the first CALL of the top level passes 255 arguments
 *     truncate   the last 4 bytes are cut off
 * Offsets come from uapi/ktap.h's structs, never from copied numbers.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/ktap.h"

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(KTAP_CHUNK_MAX);

	if (!f || !buf) {
		perror(path);
		exit(2);
	}
	*len = fread(buf, 1, KTAP_CHUNK_MAX, f);
	fclose(f);
	return buf;
}

static size_t skip_string(const unsigned char *buf, size_t off)
{
	__u32 len;

	memcpy(&len, buf + off, sizeof(len));
	return off + sizeof(len) + ((len + 3) & ~3U);
}

/* Offset of proto 0's header, walking the name and global names. */
static size_t first_proto(const unsigned char *buf)
{
	struct ktap_chunk_header h;
	size_t off = sizeof(h);
	__u32 i;

	memcpy(&h, buf, sizeof(h));
	off = skip_string(buf, off);
	for (i = 0; i < h.nglobals; i++)
		off = skip_string(buf, off);
	return off;
}

static void patch_insn(unsigned char *buf, size_t off, __u32 insn)
{
	memcpy(buf + off, &insn, sizeof(insn));
}

/* Offset of the first instruction with opcode op in proto 0, or 0. */
static size_t find_op(const unsigned char *buf, size_t code, __u32 ncode,
		      unsigned op)
{
	__u32 i, insn;

	for (i = 0; i < ncode; i++) {
		memcpy(&insn, buf + code + i * sizeof(insn), sizeof(insn));
		if (KTAP_INSN_OP(insn) == op)
			return code + i * sizeof(insn);
	}
	return 0;
}

/* Rewrites the first `op` of proto 0 with f(insn); -1 if there is none. */
static int patch_op(unsigned char *buf, size_t code, __u32 ncode,
		    unsigned op, __u32 (*f)(__u32 insn))
{
	size_t at = find_op(buf, code, ncode, op);
	__u32 insn;

	if (!at)
		return -1;
	memcpy(&insn, buf + at, sizeof(insn));
	patch_insn(buf, at, f(insn));
	return 0;
}

static __u32 func_of_proto0(__u32 insn)
{
	return KTAP_INSN_ABX(KTAP_INSN_OP(insn), KTAP_INSN_A(insn), 0);
}

static __u32 call_255_args(__u32 insn)
{
	return KTAP_INSN_ABC(KTAP_INSN_OP(insn), KTAP_INSN_A(insn), 255, 0);
}

static int patch(const char *kind, unsigned char *buf, size_t *len)
{
	struct ktap_chunk_header *h = (struct ktap_chunk_header *)buf;
	size_t proto = first_proto(buf);
	struct ktap_proto_header ph;
	size_t code = proto + sizeof(ph);
	__u32 insn;

	memcpy(&ph, buf + proto, sizeof(ph));
	memcpy(&insn, buf + code, sizeof(insn));
	if (!strcmp(kind, "magic"))
		h->magic ^= 0xff;
	else if (!strcmp(kind, "abi-major"))
		h->abi_major = KTAP_ABI_MAJOR + 1;
	else if (!strcmp(kind, "abi-minor"))
		h->abi_minor = KTAP_ABI_MINOR + 1;
	else if (!strcmp(kind, "operand"))
		patch_insn(buf, code, (insn & ~0xff00U) | (255U << 8));
	else if (!strcmp(kind, "opcode"))
		patch_insn(buf, code, (insn & ~0xffU) | KTAP_OP__COUNT);
	else if (!strcmp(kind, "jump"))
		patch_insn(buf, code + (ph.ncode - 1) * sizeof(__u32),
			   KTAP_INSN_ABX(KTAP_OP_JMP, 0, 0xffff));
	else if (!strcmp(kind, "proto"))
		return patch_op(buf, code, ph.ncode, KTAP_OP_FUNC, func_of_proto0);
	else if (!strcmp(kind, "call"))
		return patch_op(buf, code, ph.ncode, KTAP_OP_CALL, call_255_args);
	else if (!strcmp(kind, "truncate"))
		*len -= 4;
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len;
	FILE *out;

	if (argc != 4) {
		fprintf(stderr, "usage: chunk-patch magic|abi-major|abi-minor|operand|opcode|jump|proto|call|truncate IN OUT\n");
		return 2;
	}
	buf = read_all(argv[2], &len);
	if (len < sizeof(struct ktap_chunk_header) || patch(argv[1], buf, &len)) {
		fprintf(stderr, "chunk-patch: cannot apply '%s' to %s\n",
			argv[1], argv[2]);
		return 2;
	}
	out = fopen(argv[3], "wb");
	if (!out || fwrite(buf, 1, len, out) != len || fclose(out)) {
		perror(argv[3]);
		return 2;
	}
	free(buf);
	return 0;
}
