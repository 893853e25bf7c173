/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disasm.c - the disassembler: reads a chunk with a bounds-checked cursor
 * and lists it, one instruction a line as "index line OPNAME operands ;
 * comment", with names and operand modes taken from ktap_opcodes.h.
 *
 * It is a debugging tool, so an instruction whose operands are out of
 * range is still listed (with a "!" comment); only a chunk too broken to
 * walk makes it stop with -1.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "disasm.h"

struct kp_disasm_op {
	const char *name;
	unsigned char mode[3];	/* of A, B (or Bx), C */
};

static const struct kp_disasm_op kp_disasm_ops[] = {
#define KTAP_OP(name, a, b, c) \
	{ #name, { KTAP_MODE_##a, KTAP_MODE_##b, KTAP_MODE_##c } },
#include "uapi/ktap_opcodes.h"
};

static const char *const kp_disasm_builtins[] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) name,
#include "uapi/ktap_builtins.h"
};

struct kp_disasm_str {
	const unsigned char *p;
	size_t len;
};

struct kp_disasm_const {
	unsigned type;
	int64_t ival;
	struct kp_disasm_str str;
};

/* What a listing of one prototype needs to know to check operands. */
struct kp_disasm_proto {
	struct ktap_proto_header h;
	const unsigned char *code;	/* possibly unaligned: use memcpy */
	const unsigned char *lines;
	struct kp_disasm_const *consts;
};

struct kp_disasm {
	FILE *out;
	const unsigned char *buf;
	size_t len;
	size_t off;		/* the read cursor; never past len */
	struct ktap_chunk_header h;
	struct kp_disasm_str *globals;
};

/* ---- bounds-checked reading ------------------------------------------ */

static int malformed(struct kp_disasm *d, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "error: malformed chunk at offset %zu: ", d->off);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	return -1;
}

static size_t remaining(const struct kp_disasm *d)
{
	return d->len - d->off;
}

static bool rd(struct kp_disasm *d, void *dst, size_t n)
{
	if (n > remaining(d))
		return false;
	memcpy(dst, d->buf + d->off, n);
	d->off += n;
	return true;
}

/* Takes `n` bytes in place, plus zero padding to a multiple of 4. */
static bool rd_padded(struct kp_disasm *d, size_t n, const unsigned char **p)
{
	size_t padded;

	if (n > remaining(d))
		return false;
	padded = n + ((4 - n % 4) % 4);
	if (padded > remaining(d))
		return false;
	*p = d->buf + d->off;
	d->off += padded;
	return true;
}

/* string := __u32 length, bytes, zero padding to a multiple of 4 */
static bool rd_string(struct kp_disasm *d, struct kp_disasm_str *s)
{
	__u32 len;

	if (!rd(d, &len, sizeof(len)))
		return false;
	s->len = len;
	return rd_padded(d, len, &s->p);
}

static uint32_t u32_at(const unsigned char *p, size_t index)
{
	uint32_t v;

	memcpy(&v, p + index * sizeof(v), sizeof(v));
	return v;
}

/* Prints bytes quoted and escaped, clipped for a one-line listing. */
/* One byte of a string as the listing shows it: "a", "\\n", "\\x01". */
static const char *escape(unsigned char c, char buf[8])
{
	static const char named[] = "\nn\tt\rr\"\"\\\\";
	const char *p = c ? strchr(named, c) : NULL;

	if (p && (p - named) % 2 == 0)
		snprintf(buf, 8, "\\%c", p[1]);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "%c", c);
	else
		snprintf(buf, 8, "\\x%02x", c);
	return buf;
}

static void print_quoted(FILE *out, const unsigned char *s, size_t len)
{
	const size_t max_shown = 40;
	char buf[8];
	size_t i;

	fputc('"', out);
	for (i = 0; i < len && i < max_shown; i++)
		fputs(escape(s[i], buf), out);
	fputs(i < len ? "\"..." : "\"", out);
}

/* ---- instructions ------------------------------------------------------ */

/* The operand text and the comment of one instruction being listed. */
struct kp_disasm_line {
	char ops[64];
	size_t ops_len;
	char note[160];
	size_t note_len;
};

static void vappend(char *buf, size_t size, size_t *len, const char *fmt,
		    va_list ap)
{
	int n;

	if (*len + 1 >= size)
		return;
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - 1 - *len;
}

static __attribute__((format(printf, 2, 3)))
void ops(struct kp_disasm_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(l->ops, sizeof(l->ops), &l->ops_len, fmt, ap);
	va_end(ap);
}

/* Adds to the comment; `sep` says whether to start a new item with "; ". */
static __attribute__((format(printf, 3, 4)))
void note_sep(struct kp_disasm_line *l, bool sep, const char *fmt, ...)
{
	va_list ap;

	if (sep && l->note_len)
		note_sep(l, false, "; ");
	va_start(ap, fmt);
	vappend(l->note, sizeof(l->note), &l->note_len, fmt, ap);
	va_end(ap);
}

#define note(l, ...) note_sep(l, true, __VA_ARGS__)

static void note_const(struct kp_disasm_line *l,
		       const struct kp_disasm_const *k)
{
	char buf[8];
	size_t i;

	if (k->type == KTAP_CONST_INT) {
		note(l, "%" PRId64, k->ival);
		return;
	}
	note(l, "\"");
	for (i = 0; i < k->str.len && i < 32; i++)
		note_sep(l, false, "%s", escape(k->str.p[i], buf));
	note_sep(l, false, i < k->str.len ? "\"..." : "\"");
}

/* Operands that index a table of the chunk: true if `mode` is one. */
static bool print_index_operand(const struct kp_disasm *d,
				const struct kp_disasm_proto *p,
				struct kp_disasm_line *l, unsigned mode,
				unsigned v)
{
	switch (mode) {
	case KTAP_MODE_KST:
	case KTAP_MODE_KSC:
	case KTAP_MODE_KNUM:
	case KTAP_MODE_KDIV:
		ops(l, " k%u", v);
		if (v < p->h.nconsts)
			note_const(l, &p->consts[v]);
		else
			note(l, "!no constant k%u", v);
		return true;
	case KTAP_MODE_GBL:
		ops(l, " g%u", v);
		if (v < d->h.nglobals)
			note(l, "%.*s", (int)d->globals[v].len,
			     (const char *)d->globals[v].p);
		else
			note(l, "!no global g%u", v);
		return true;
	case KTAP_MODE_BIF:
		if (v < KTAP_BIF__COUNT) {
			ops(l, " %s", kp_disasm_builtins[v]);
		} else {
			ops(l, " bif%u", v);
			note(l, "!unknown built-in");
		}
		return true;
	case KTAP_MODE_PRO:
		ops(l, " p%u", v);
		if (v == 0 || v >= d->h.nprotos)
			note(l, "!no function p%u", v);
		return true;
	default:
		return false;
	}
}

static void print_operand(const struct kp_disasm *d,
			  const struct kp_disasm_proto *p,
			  struct kp_disasm_line *l, unsigned mode,
			  unsigned v, unsigned pc, unsigned a)
{
	long target;

	if (print_index_operand(d, p, l, mode, v))
		return;
	switch (mode) {
	case KTAP_MODE_NONE:
		if (v)
			note(l, "!unused operand is %u, not 0", v);
		break;
	case KTAP_MODE_REG:
		ops(l, " r%u", v);
		if (v >= p->h.nregs)
			note(l, "!r%u outside the frame of %u", v, p->h.nregs);
		break;
	case KTAP_MODE_JMP:
		target = (long)pc + 1 + ((long)v - KTAP_SBX_BIAS);
		ops(l, " -> %ld", target);
		if (target < 0 || target >= (long)p->h.ncode)
			note(l, "!jump outside the code");
		break;
	case KTAP_MODE_INT:
		ops(l, " %ld", (long)v - KTAP_SBX_BIAS);
		break;
	case KTAP_MODE_ARG:
		ops(l, " %u", v);
		if (v && a + v >= p->h.nregs)
			note(l, "!arguments r%u..r%u outside the frame",
			     a + 1, a + v);
		break;
	case KTAP_MODE_FOR:
		ops(l, " r%u", v);
		if (v + 3 >= p->h.nregs)
			note(l, "!loop registers r%u..r%u outside the frame of %u",
			     v, v + 3, p->h.nregs);
		break;
	case KTAP_MODE_BIT:	/* a fused compare's flag: when its JMP is taken */
		ops(l, " %u", v);
		if (v > 1)
			note(l, "!flag %u is not 0 or 1", v);
		else
			note(l, "jump if %s", v ? "true" : "false");
		break;
	default:	/* LIT */
		ops(l, " %u", v);
		break;
	}
}

static void print_insn(const struct kp_disasm *d,
		       const struct kp_disasm_proto *p, unsigned pc)
{
	uint32_t insn = u32_at(p->code, pc), line = u32_at(p->lines, pc);
	unsigned op = KTAP_INSN_OP(insn), a = KTAP_INSN_A(insn);
	const struct kp_disasm_op *info;
	struct kp_disasm_line l;
	bool bx;

	memset(&l, 0, sizeof(l));
	fprintf(d->out, "%6u %5" PRIu32 "  ", pc, line);
	if (op >= KTAP_OP__COUNT) {
		fprintf(d->out, "???      0x%08" PRIx32 "       ; !unknown opcode "
			"%u\n", insn, op);
		return;
	}
	info = &kp_disasm_ops[op];
	bx = KTAP_MODE_IS_BX(info->mode[1]);
	print_operand(d, p, &l, info->mode[0], a, pc, a);
	print_operand(d, p, &l, info->mode[1],
		      bx ? KTAP_INSN_BX(insn) : KTAP_INSN_B(insn), pc, a);
	if (!bx)
		print_operand(d, p, &l, info->mode[2], KTAP_INSN_C(insn), pc, a);
	/* Columns: name in 8, operands in 16, then the comment. */
	fputs(info->name, d->out);
	if (l.ops_len || l.note_len)
		fprintf(d->out, "%*s%s", (int)(8 - strlen(info->name)), "",
			l.ops);
	if (l.note_len)
		fprintf(d->out, "%*s ; %s", (int)(16 - l.ops_len), "", l.note);
	fputc('\n', d->out);
}

/* ---- prototypes -------------------------------------------------------- */

/* const := const_header payload */
static int read_const(struct kp_disasm *d, struct kp_disasm_const *k)
{
	struct ktap_const_header h;
	const unsigned char *payload;

	if (!rd(d, &h, sizeof(h)))
		return malformed(d, "truncated constant header");
	k->type = h.type;
	if (h.type == KTAP_CONST_INT) {
		if (h.len != sizeof(__s64))
			return malformed(d, "integer constant of %" PRIu32
					 " bytes", h.len);
		if (!rd(d, &k->ival, sizeof(k->ival)))
			return malformed(d, "truncated integer constant");
		return 0;
	}
	if (h.type != KTAP_CONST_STR)
		return malformed(d, "unknown constant type %u", h.type);
	if (!rd_padded(d, h.len, &payload))
		return malformed(d, "string constant of %" PRIu32
				 " bytes runs past the end", h.len);
	k->str.p = payload;
	k->str.len = h.len;
	return 0;
}

/* proto := proto_header code lines const* */
static int read_proto(struct kp_disasm *d, struct kp_disasm_proto *p)
{
	unsigned i;

	if (!rd(d, &p->h, sizeof(p->h)))
		return malformed(d, "truncated prototype header");
	if (p->h.ncode > remaining(d) / (2 * sizeof(__u32)))
		return malformed(d, "%" PRIu32 " instructions run past the end",
				 p->h.ncode);
	p->code = d->buf + d->off;
	p->lines = p->code + p->h.ncode * sizeof(__u32);
	d->off += (size_t)p->h.ncode * 2 * sizeof(__u32);
	/* Bounding the count by the bytes left bounds the allocation too. */
	if (p->h.nconsts > remaining(d) / sizeof(struct ktap_const_header))
		return malformed(d, "%" PRIu32 " constants run past the end",
				 p->h.nconsts);
	p->consts = calloc(p->h.nconsts + 1, sizeof(*p->consts));
	if (!p->consts)
		return malformed(d, "out of memory");
	for (i = 0; i < p->h.nconsts; i++)
		if (read_const(d, &p->consts[i]))
			return -1;
	return 0;
}

static void print_proto(const struct kp_disasm *d,
			const struct kp_disasm_proto *p, unsigned index)
{
	unsigned i;

	fprintf(d->out,
		"\nproto %u: line %" PRIu32 ", %u params, %u regs, "
		"%" PRIu32 " instructions, %" PRIu32 " constants, "
		"flags 0x%x\n", index, p->h.line, p->h.nparams, p->h.nregs,
		p->h.ncode, p->h.nconsts, p->h.flags);
	for (i = 0; i < p->h.nconsts; i++) {
		const struct kp_disasm_const *k = &p->consts[i];

		fprintf(d->out, "  k%-5u ", i);
		if (k->type == KTAP_CONST_INT) {
			fprintf(d->out, "int %" PRId64 "\n", k->ival);
		} else {
			fputs("str ", d->out);
			print_quoted(d->out, k->str.p, k->str.len);
			fputc('\n', d->out);
		}
	}
	fprintf(d->out, "%6s %5s  %s\n", "pc", "line", "instruction");
	for (i = 0; i < p->h.ncode; i++)
		print_insn(d, p, i);
}

static int disasm_protos(struct kp_disasm *d)
{
	unsigned i;

	for (i = 0; i < d->h.nprotos; i++) {
		struct kp_disasm_proto p;
		int err;

		memset(&p, 0, sizeof(p));
		err = read_proto(d, &p);
		if (!err)
			print_proto(d, &p, i);
		free(p.consts);
		if (err)
			return -1;
	}
	if (remaining(d))
		return malformed(d, "%zu bytes after the last prototype",
				 remaining(d));
	return 0;
}

/* ---- the chunk ----------------------------------------------------------- */

/* header name globals */
static int disasm_header(struct kp_disasm *d)
{
	struct kp_disasm_str name;
	unsigned i;

	if (!rd(d, &d->h, sizeof(d->h)))
		return malformed(d, "truncated header (%zu bytes)", d->len);
	if (d->h.magic != KTAP_CHUNK_MAGIC)
		return malformed(d, "bad magic 0x%08" PRIx32
				 " (not a ktap chunk, or other byte order)",
				 d->h.magic);
	if (d->h.size != d->len)
		return malformed(d, "header says %" PRIu32 " bytes, have %zu",
				 d->h.size, d->len);
	if (!rd_string(d, &name))
		return malformed(d, "truncated script name");
	fputs("chunk ", d->out);
	print_quoted(d->out, name.p, name.len);
	/* tests/runtime/host/cli.test matches this line */
	fprintf(d->out, ": abi %u.%u, flags 0x%" PRIx32 ", %" PRIu32
		" bytes, %" PRIu32 " protos, %" PRIu32 " globals\n",
		d->h.abi_major, d->h.abi_minor, d->h.flags, d->h.size,
		d->h.nprotos, d->h.nglobals);
	if (d->h.abi_major != KTAP_ABI_MAJOR)
		fprintf(d->out, "; note: this ktap speaks abi %u.%u\n",
			KTAP_ABI_MAJOR, KTAP_ABI_MINOR);
	if (d->h.nglobals > remaining(d) / sizeof(__u32))
		return malformed(d, "%" PRIu32 " globals run past the end",
				 d->h.nglobals);
	d->globals = calloc(d->h.nglobals + 1, sizeof(*d->globals));
	if (!d->globals)
		return malformed(d, "out of memory");
	for (i = 0; i < d->h.nglobals; i++) {
		if (!rd_string(d, &d->globals[i]))
			return malformed(d, "truncated name of global %u", i);
		fprintf(d->out, "  g%-5u %.*s\n", i, (int)d->globals[i].len,
			(const char *)d->globals[i].p);
	}
	return 0;
}

int kp_disasm(FILE *out, const void *chunk, size_t len)
{
	struct kp_disasm d;
	int err;

	memset(&d, 0, sizeof(d));
	d.out = out;
	d.buf = chunk;
	d.len = chunk ? len : 0;
	err = disasm_header(&d);
	if (!err)
		err = disasm_protos(&d);
	free(d.globals);
	return err;
}
