/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_writer.c - holds a chunk under construction (globals, prototypes,
 * code, lines, constants) and writes it out byte for byte as the grammar
 * in module/uapi/ktap.h describes.
 */
#include <stdlib.h>
#include <string.h>

#include "uapi/ktap.h"
#include "chunk_writer.h"
#include "diag.h"

struct kp_chunk_const {
	enum ktap_const_type type;
	int64_t ival;		/* KTAP_CONST_INT */
	char *s;		/* KTAP_CONST_STR, malloc()ed */
	size_t len;
};

struct kp_chunk_proto {
	unsigned nparams;
	unsigned nregs;
	unsigned line;
	uint32_t *code;
	uint32_t *lines;
	unsigned ncode, code_cap;
	struct kp_chunk_const *consts;
	unsigned nconsts, consts_cap;
	/* dedup index: const index + 1 per slot, 0 when empty */
	unsigned *index;
	unsigned index_cap;	/* a power of two, at least 2 * nconsts */
};

struct kp_chunk_builder {
	char *name;
	char **globals;
	unsigned nglobals, globals_cap;
	struct kp_chunk_proto **protos;
	unsigned nprotos, protos_cap;
};

/* Grows *array (of `size`-byte items) so it holds at least `need` items. */
static void *grow(void *array, unsigned *cap, unsigned need, size_t size)
{
	if (need <= *cap)
		return array;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 16;
	return kp_diag_xrealloc(array, (size_t)*cap * size);
}

static char *dup_bytes(const char *s, size_t len)
{
	char *p = kp_diag_xrealloc(NULL, len + 1);

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct kp_chunk_builder *kp_chunk_new(const char *script_name)
{
	struct kp_chunk_builder *c = kp_diag_xrealloc(NULL, sizeof(*c));

	memset(c, 0, sizeof(*c));
	script_name = script_name ? script_name : "";
	c->name = dup_bytes(script_name, strlen(script_name));
	return c;
}

static void free_proto(struct kp_chunk_proto *p)
{
	unsigned i;

	for (i = 0; i < p->nconsts; i++)
		free(p->consts[i].s);
	free(p->consts);
	free(p->index);
	free(p->code);
	free(p->lines);
	free(p);
}

void kp_chunk_free(struct kp_chunk_builder *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->nglobals; i++)
		free(c->globals[i]);
	for (i = 0; i < c->nprotos; i++)
		free_proto(c->protos[i]);
	free(c->globals);
	free(c->protos);
	free(c->name);
	free(c);
}

unsigned kp_chunk_add_global(struct kp_chunk_builder *c, const char *name)
{
	c->globals = grow(c->globals, &c->globals_cap, c->nglobals + 1,
			  sizeof(*c->globals));
	c->globals[c->nglobals] = dup_bytes(name, strlen(name));
	return c->nglobals++;
}

unsigned kp_chunk_nglobals(const struct kp_chunk_builder *c)
{
	return c->nglobals;
}

struct kp_chunk_proto *kp_chunk_add_proto(struct kp_chunk_builder *c,
					  unsigned nparams, unsigned line)
{
	struct kp_chunk_proto *p = kp_diag_xrealloc(NULL, sizeof(*p));

	memset(p, 0, sizeof(*p));
	p->nparams = nparams;
	p->line = line;
	c->protos = grow(c->protos, &c->protos_cap, c->nprotos + 1,
			 sizeof(*c->protos));
	c->protos[c->nprotos++] = p;
	return p;
}

unsigned kp_chunk_nprotos(const struct kp_chunk_builder *c)
{
	return c->nprotos;
}

void kp_chunk_set_nregs(struct kp_chunk_proto *p, unsigned nregs)
{
	p->nregs = nregs;
}

unsigned kp_chunk_emit(struct kp_chunk_proto *p, uint32_t insn, unsigned line)
{
	/* code and lines are parallel arrays sharing one capacity */
	if (p->ncode == p->code_cap) {
		p->code_cap = p->code_cap ? p->code_cap * 2 : 64;
		p->code = kp_diag_xrealloc(p->code,
					   p->code_cap * sizeof(*p->code));
		p->lines = kp_diag_xrealloc(p->lines,
					    p->code_cap * sizeof(*p->lines));
	}
	p->code[p->ncode] = insn;
	p->lines[p->ncode] = line;
	return p->ncode++;
}

void kp_chunk_patch(struct kp_chunk_proto *p, unsigned pc, uint32_t insn)
{
	if (pc < p->ncode)
		p->code[pc] = insn;
}

uint32_t kp_chunk_insn(const struct kp_chunk_proto *p, unsigned pc)
{
	return pc < p->ncode ? p->code[pc] : 0;
}

unsigned kp_chunk_ncode(const struct kp_chunk_proto *p)
{
	return p->ncode;
}

unsigned kp_chunk_nconsts(const struct kp_chunk_proto *p)
{
	return p->nconsts;
}

/* ---- constants, deduplicated through a small hash index -------------- */

static unsigned hash_const(enum ktap_const_type type, const void *bytes,
			   size_t len)
{
	const unsigned char *b = bytes;
	unsigned h = 2166136261u ^ (unsigned)type;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static bool const_equal(const struct kp_chunk_const *k,
			const struct kp_chunk_const *want)
{
	if (k->type != want->type)
		return false;
	if (k->type == KTAP_CONST_INT)
		return k->ival == want->ival;
	return k->len == want->len && !memcmp(k->s, want->s, k->len);
}

static unsigned const_hash(const struct kp_chunk_const *k)
{
	if (k->type == KTAP_CONST_INT)
		return hash_const(k->type, &k->ival, sizeof(k->ival));
	return hash_const(k->type, k->s, k->len);
}

/* The index slot that holds `k`, or the empty slot where it would go. */
static unsigned *index_slot(const struct kp_chunk_proto *p,
			    const struct kp_chunk_const *k)
{
	unsigned i = const_hash(k) & (p->index_cap - 1);

	while (p->index[i] && !const_equal(&p->consts[p->index[i] - 1], k))
		i = (i + 1) & (p->index_cap - 1);
	return &p->index[i];
}

static void grow_index(struct kp_chunk_proto *p)
{
	unsigned i;

	free(p->index);
	p->index_cap = p->index_cap ? p->index_cap * 2 : 64;
	p->index = kp_diag_xrealloc(NULL, p->index_cap * sizeof(*p->index));
	memset(p->index, 0, p->index_cap * sizeof(*p->index));
	for (i = 0; i < p->nconsts; i++)
		*index_slot(p, &p->consts[i]) = i + 1;
}

/* Finds `k` or appends it (taking a copy of its string). */
static unsigned add_const(struct kp_chunk_proto *p,
			  const struct kp_chunk_const *k)
{
	unsigned *slot;

	if ((p->nconsts + 1) * 2 > p->index_cap)
		grow_index(p);
	slot = index_slot(p, k);
	if (*slot)
		return *slot - 1;
	p->consts = grow(p->consts, &p->consts_cap, p->nconsts + 1,
			 sizeof(*p->consts));
	p->consts[p->nconsts] = *k;
	if (k->type == KTAP_CONST_STR)
		p->consts[p->nconsts].s = dup_bytes(k->s, k->len);
	*slot = p->nconsts + 1;
	return p->nconsts++;
}

unsigned kp_chunk_const_int(struct kp_chunk_proto *p, int64_t v)
{
	struct kp_chunk_const k = { KTAP_CONST_INT, v, NULL, 0 };

	return add_const(p, &k);
}

unsigned kp_chunk_const_str(struct kp_chunk_proto *p, const char *s,
			    size_t len)
{
	struct kp_chunk_const k = { KTAP_CONST_STR, 0, (char *)s, len };

	return add_const(p, &k);
}

/* ---- operand layout ---------------------------------------------------- */

bool kp_chunk_op_is_bx(unsigned op)
{
	static const unsigned char b_modes[] = {
#define KTAP_OP(name, a, b, c) KTAP_MODE_##b,
#include "uapi/ktap_opcodes.h"
	};

	return op < KTAP_OP__COUNT && KTAP_MODE_IS_BX(b_modes[op]);
}

/* ---- serialisation ----------------------------------------------------- */

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* string := __u32 length, bytes, zero padding to a multiple of 4 */
static size_t string_size(size_t len)
{
	return sizeof(__u32) + pad4(len);
}

static size_t const_size(const struct kp_chunk_const *k)
{
	size_t payload = k->type == KTAP_CONST_INT ? sizeof(__s64) : k->len;

	return sizeof(struct ktap_const_header) + pad4(payload);
}

static size_t proto_size(const struct kp_chunk_proto *p)
{
	size_t size = sizeof(struct ktap_proto_header);
	unsigned i;

	size += (size_t)p->ncode * 2 * sizeof(__u32);	/* code, lines */
	for (i = 0; i < p->nconsts; i++)
		size += const_size(&p->consts[i]);
	return size;
}

static size_t chunk_size(const struct kp_chunk_builder *c)
{
	size_t size = sizeof(struct ktap_chunk_header);
	unsigned i;

	size += string_size(strlen(c->name));
	for (i = 0; i < c->nglobals; i++)
		size += string_size(strlen(c->globals[i]));
	for (i = 0; i < c->nprotos; i++)
		size += proto_size(c->protos[i]);
	return size;
}

/* A cursor over a zeroed buffer of the exact size: padding stays zero. */
struct kp_chunk_out {
	unsigned char *buf;
	size_t off;
};

static void put(struct kp_chunk_out *w, const void *src, size_t n)
{
	if (n)
		memcpy(w->buf + w->off, src, n);
	w->off += n;
}

static void put_string(struct kp_chunk_out *w, const char *s, size_t len)
{
	__u32 n = (__u32)len;

	put(w, &n, sizeof(n));
	put(w, s, len);
	w->off += pad4(len) - len;
}

static void put_const(struct kp_chunk_out *w, const struct kp_chunk_const *k)
{
	struct ktap_const_header h;

	memset(&h, 0, sizeof(h));
	h.type = (__u8)k->type;
	if (k->type == KTAP_CONST_INT) {
		__s64 v = k->ival;

		h.len = sizeof(v);
		put(w, &h, sizeof(h));
		put(w, &v, sizeof(v));
		return;
	}
	h.len = (__u32)k->len;
	put(w, &h, sizeof(h));
	put(w, k->s, k->len);
	w->off += pad4(k->len) - k->len;
}

static void put_proto(struct kp_chunk_out *w, const struct kp_chunk_proto *p)
{
	struct ktap_proto_header h;
	unsigned i;

	memset(&h, 0, sizeof(h));
	h.ncode = p->ncode;
	h.nconsts = p->nconsts;
	h.nparams = (__u8)p->nparams;
	h.nregs = (__u8)p->nregs;
	h.line = p->line;
	put(w, &h, sizeof(h));
	put(w, p->code, (size_t)p->ncode * sizeof(*p->code));
	put(w, p->lines, (size_t)p->ncode * sizeof(*p->lines));
	for (i = 0; i < p->nconsts; i++)
		put_const(w, &p->consts[i]);
}

/* The ABI minor one instruction needs: its opcode's, or its built-in's. */
static unsigned insn_minor(uint32_t insn)
{
	unsigned op = KTAP_INSN_OP(insn), bif = KTAP_INSN_B(insn);

	if (op >= KTAP_OP__COUNT)
		return 0;
	if (op == KTAP_OP_CALLB && bif < KTAP_BIF__COUNT &&
	    KTAP_BIF_MINOR(bif) > KTAP_OP_MINOR(op))
		return KTAP_BIF_MINOR(bif);
	return KTAP_OP_MINOR(op);
}

/*
 * The lowest module minor that runs the chunk: the newest opcode or
 * built-in used decides, so a script without the newer features still
 * runs on an older module of the same major.
 */
bool kp_chunk_calls_builtin(const struct kp_chunk_builder *c,
			    enum ktap_builtin id)
{
	unsigned i, pc;
	uint32_t insn;

	for (i = 0; i < c->nprotos; i++) {
		for (pc = 0; pc < c->protos[i]->ncode; pc++) {
			insn = c->protos[i]->code[pc];
			if (KTAP_INSN_OP(insn) == KTAP_OP_CALLB &&
			    KTAP_INSN_B(insn) == id)
				return true;
		}
	}
	return false;
}

static unsigned needed_minor(const struct kp_chunk_builder *c)
{
	unsigned minor = 0, i, pc;

	for (i = 0; i < c->nprotos; i++)
		for (pc = 0; pc < c->protos[i]->ncode; pc++)
			if (insn_minor(c->protos[i]->code[pc]) > minor)
				minor = insn_minor(c->protos[i]->code[pc]);
	return minor;
}

int kp_chunk_serialize(const struct kp_chunk_builder *c, unsigned char **data,
		       size_t *len)
{
	struct ktap_chunk_header h;
	struct kp_chunk_out w;
	size_t size = chunk_size(c);
	unsigned i;

	*data = NULL;
	*len = 0;
	if (size > UINT32_MAX)
		return -1;
	w.buf = kp_diag_xrealloc(NULL, size);
	memset(w.buf, 0, size);
	w.off = 0;
	memset(&h, 0, sizeof(h));
	h.magic = KTAP_CHUNK_MAGIC;
	h.abi_major = KTAP_ABI_MAJOR;
	h.abi_minor = needed_minor(c);
	h.flags = 0;
	h.size = (__u32)size;
	h.nprotos = c->nprotos;
	h.nglobals = c->nglobals;
	put(&w, &h, sizeof(h));
	put_string(&w, c->name, strlen(c->name));
	for (i = 0; i < c->nglobals; i++)
		put_string(&w, c->globals[i], strlen(c->globals[i]));
	for (i = 0; i < c->nprotos; i++)
		put_proto(&w, c->protos[i]);
	*data = w.buf;
	*len = w.off;
	return 0;
}
