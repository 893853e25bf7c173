// SPDX-License-Identifier: GPL-2.0
/*
 * The chunk loader: turns the bytes user space handed over into a
 * struct kp_chunk in the session heap, following the grammar in
 * uapi/ktap.h.  Every read is bounds-checked against the chunk; any
 * inconsistency refuses the whole chunk with a message saying what and
 * where.  What the instructions mean is the verifier's business.
 */
#include "vm.h"
#include "str.h"
#include "../uapi/ktap.h"

struct kp_reader {
	const u8 *pos;
	const u8 *end;
	struct kp_heap *heap;
	char *err;
	size_t errlen;
};

#define kp_load_fail(rd, ...) \
	(kp_snprintf((rd)->err, (rd)->errlen, __VA_ARGS__), -EINVAL)

/* The session heap is full: the script is too big for its memory limit. */
#define kp_load_nomem(rd, what) \
	(kp_snprintf((rd)->err, (rd)->errlen, \
		     "out of session memory loading %s (raise it with --max-memory)", \
		     what), -ENOMEM)

static int kp_read(struct kp_reader *rd, void *dst, size_t n, const char *what)
{
	if ((size_t)(rd->end - rd->pos) < n)
		return kp_load_fail(rd, "chunk truncated in %s", what);
	memcpy(dst, rd->pos, n);
	rd->pos += n;
	return 0;
}

/*
 * String bytes of a known length, then zero padding to a multiple of 4.
 * The padded length is computed in 64 bits: in 32, a length within 3 of
 * U32_MAX would wrap to a padding of 0 and pass the bounds check, and
 * only a string limit (a module parameter) would stand in the way.
 */
static int kp_read_str_bytes(struct kp_reader *rd, u32 len, u32 max,
			     struct kp_str **out, const char *what)
{
	u64 padded = ((u64)len + 3) & ~3ULL;

	if (len > max)
		return kp_load_fail(rd, "%s is %u bytes, longer than %u",
				    what, len, max);
	if ((u64)(rd->end - rd->pos) < padded)
		return kp_load_fail(rd, "chunk truncated in %s", what);
	*out = kp_str_new(rd->heap, (const char *)rd->pos, len);
	if (!*out)
		return kp_load_nomem(rd, what);
	rd->pos += padded;
	return 0;
}

/* A string: __u32 length, then its bytes. */
static int kp_read_str(struct kp_reader *rd, u32 max, struct kp_str **out,
		       const char *what)
{
	u32 len;
	int ret;

	ret = kp_read(rd, &len, sizeof(len), what);
	if (ret)
		return ret;
	return kp_read_str_bytes(rd, len, max, out, what);
}

/* Copy an array of n u32s out of the chunk into the heap. */
static int kp_read_words(struct kp_reader *rd, u32 n, const u32 **out,
			 const char *what)
{
	u32 *words;

	if ((size_t)(rd->end - rd->pos) / sizeof(u32) < n)
		return kp_load_fail(rd, "chunk truncated in %s", what);
	words = kp_heap_alloc(rd->heap, (size_t)n * sizeof(u32) + 1);
	if (!words)
		return kp_load_nomem(rd, what);
	memcpy(words, rd->pos, (size_t)n * sizeof(u32));
	rd->pos += (size_t)n * sizeof(u32);
	*out = words;
	return 0;
}

static int kp_read_const(struct kp_reader *rd, u32 max_string,
			 struct kp_value *k)
{
	struct ktap_const_header kh;
	s64 n;
	int ret;

	ret = kp_read(rd, &kh, sizeof(kh), "constant header");
	if (ret)
		return ret;
	switch (kh.type) {
	case KTAP_CONST_INT:
		if (kh.len != sizeof(n))
			return kp_load_fail(rd, "integer constant of %u bytes",
					    kh.len);
		ret = kp_read(rd, &n, sizeof(n), "integer constant");
		if (!ret)
			*k = kp_num(n);
		return ret;
	case KTAP_CONST_STR:
		/* Unlike names, a literal's limit is the session's to raise. */
		if (kh.len > max_string)
			return kp_load_fail(rd, "string constant is %u bytes, longer than %u (raise it with --max-string)",
					    kh.len, max_string);
		ret = kp_read_str_bytes(rd, kh.len, max_string, &k->s,
					"string constant");
		k->type = KP_TSTR;
		return ret;
	default:
		return kp_load_fail(rd, "unknown constant type %u", kh.type);
	}
}

static int kp_read_proto(struct kp_reader *rd, const struct kp_vm_limits *lim,
			 u32 index, struct kp_proto *p)
{
	struct ktap_proto_header ph;
	u32 i;
	int ret;

	ret = kp_read(rd, &ph, sizeof(ph), "function header");
	if (ret)
		return ret;
	if (ph.flags)
		return kp_load_fail(rd, "function %u: unknown flags 0x%x",
				    index, ph.flags);
	if (ph.ncode == 0 || ph.ncode > KTAP_MAX_CODE)
		return kp_load_fail(rd, "function %u: %u instructions (1..%u)",
				    index, ph.ncode, KTAP_MAX_CODE);
	if (ph.nconsts > KTAP_MAX_CONSTS)
		return kp_load_fail(rd, "function %u: %u constants (max %u)",
				    index, ph.nconsts, KTAP_MAX_CONSTS);
	if (ph.nregs > KTAP_MAX_REGS || ph.nparams > ph.nregs)
		return kp_load_fail(rd, "function %u: frame of %u registers with %u parameters (max %u)",
				    index, ph.nregs, ph.nparams, KTAP_MAX_REGS);
	if (index == 0 && ph.nparams)
		return kp_load_fail(rd, "function 0 (the top level) has %u parameters, must have none",
				    ph.nparams);
	p->index = index;
	p->ncode = ph.ncode;
	p->nconsts = ph.nconsts;
	p->nparams = ph.nparams;
	p->nregs = ph.nregs;
	p->line = ph.line;
	ret = kp_read_words(rd, ph.ncode, &p->code, "code");
	if (!ret)
		ret = kp_read_words(rd, ph.ncode, &p->lines, "line table");
	if (ret)
		return ret;
	p->consts = kp_heap_alloc(rd->heap, sizeof(*p->consts) * (ph.nconsts + 1));
	if (!p->consts)
		return kp_load_nomem(rd, "constants");
	for (i = 0; i < ph.nconsts && !ret; i++)
		ret = kp_read_const(rd, lim->max_string, &p->consts[i]);
	return ret;
}

static int kp_check_header(struct kp_reader *rd,
			   const struct ktap_chunk_header *h, u32 len)
{
	if (h->magic != KTAP_CHUNK_MAGIC)
		return kp_load_fail(rd, "not a ktap chunk: bad magic 0x%08x (expected 0x%08x)",
				    h->magic, KTAP_CHUNK_MAGIC);
	if (h->abi_major != KTAP_ABI_MAJOR)
		return kp_load_fail(rd, "chunk is for ABI %u.%u but this module speaks ABI %u.%u: use the ktap tool that matches the installed ktap-dkms",
				    h->abi_major, h->abi_minor,
				    KTAP_ABI_MAJOR, KTAP_ABI_MINOR);
	if (h->abi_minor > KTAP_ABI_MINOR)
		return kp_load_fail(rd, "chunk needs ABI %u.%u but this module speaks only ABI %u.%u: upgrade ktap-dkms",
				    h->abi_major, h->abi_minor,
				    KTAP_ABI_MAJOR, KTAP_ABI_MINOR);
	if (h->flags)
		return kp_load_fail(rd, "chunk has unknown flags 0x%x", h->flags);
	if (h->size != len)
		return kp_load_fail(rd, "chunk header says %u bytes but %u were given",
				    h->size, len);
	if (h->nprotos == 0 || h->nprotos > KTAP_MAX_PROTOS)
		return kp_load_fail(rd, "chunk has %u functions (1..%u)",
				    h->nprotos, KTAP_MAX_PROTOS);
	if (h->nglobals > KTAP_MAX_GLOBALS)
		return kp_load_fail(rd, "chunk has %u globals (max %u)",
				    h->nglobals, KTAP_MAX_GLOBALS);
	return 0;
}

static int kp_read_body(struct kp_reader *rd, struct kp_vm *vm,
			const struct ktap_chunk_header *h)
{
	struct kp_chunk *c = &vm->chunk;
	u32 i;
	int ret;

	ret = kp_read_str(rd, KTAP_MAX_SCRIPT_NAME, &c->name, "script name");
	if (ret)
		return ret;
	c->nglobals = h->nglobals;
	c->global_names = kp_heap_alloc(&vm->heap,
					sizeof(*c->global_names) * (h->nglobals + 1));
	c->nprotos = h->nprotos;
	c->protos = kp_heap_alloc(&vm->heap, sizeof(*c->protos) * h->nprotos);
	if (!c->global_names || !c->protos)
		return kp_load_nomem(rd, "the chunk");
	for (i = 0; i < h->nglobals && !ret; i++)
		ret = kp_read_str(rd, KTAP_MAX_NAME, &c->global_names[i],
				  "global name");
	for (i = 0; i < h->nprotos && !ret; i++) {
		ret = kp_read_proto(rd, &vm->limits, i, &c->protos[i]);
		if (!ret && c->protos[i].nregs > c->max_regs)
			c->max_regs = c->protos[i].nregs;
	}
	if (!ret && rd->pos != rd->end)
		return kp_load_fail(rd, "%zu stray bytes after the last function",
				    (size_t)(rd->end - rd->pos));
	return ret;
}

int kp_chunk_parse(struct kp_vm *vm, const void *data, u32 len,
		   char *err, size_t errlen)
{
	struct kp_reader rd = {
		.pos = data, .end = (const u8 *)data + len,
		.heap = &vm->heap, .err = err, .errlen = errlen,
	};
	struct ktap_chunk_header h;
	int ret;

	ret = kp_read(&rd, &h, sizeof(h), "chunk header");
	if (!ret)
		ret = kp_check_header(&rd, &h, len);
	if (!ret)
		ret = kp_read_body(&rd, vm, &h);
	return ret;
}
