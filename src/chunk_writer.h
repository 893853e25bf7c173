/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_writer.h - builds a bytecode chunk in memory and serialises it in
 * the format of module/uapi/ktap.h; also the API tests use to craft
 * chunks by hand.
 */
#ifndef KP_CHUNK_WRITER_H
#define KP_CHUNK_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/ktap.h"

/*
 * The builder checks nothing about what it is given (register numbers,
 * operand ranges, counts): the code generator enforces the limits, and a
 * test may deliberately build a chunk the verifier must refuse.
 */
struct kp_chunk_builder;
struct kp_chunk_proto;

struct kp_chunk_builder *kp_chunk_new(const char *script_name);
void kp_chunk_free(struct kp_chunk_builder *c);

/* Appends a global name; returns its slot. */
unsigned kp_chunk_add_global(struct kp_chunk_builder *c, const char *name);
unsigned kp_chunk_nglobals(const struct kp_chunk_builder *c);

/* Appends a prototype (the first one is the top level). */
struct kp_chunk_proto *kp_chunk_add_proto(struct kp_chunk_builder *c,
					  unsigned nparams, unsigned line);
unsigned kp_chunk_nprotos(const struct kp_chunk_builder *c);
void kp_chunk_set_nregs(struct kp_chunk_proto *p, unsigned nregs);

/* Appends an instruction with its source line; returns its index. */
unsigned kp_chunk_emit(struct kp_chunk_proto *p, uint32_t insn, unsigned line);
void kp_chunk_patch(struct kp_chunk_proto *p, unsigned pc, uint32_t insn);
uint32_t kp_chunk_insn(const struct kp_chunk_proto *p, unsigned pc);
unsigned kp_chunk_ncode(const struct kp_chunk_proto *p);

/* Returns the index of the constant, adding it unless an equal one exists. */
unsigned kp_chunk_const_int(struct kp_chunk_proto *p, int64_t v);
unsigned kp_chunk_const_str(struct kp_chunk_proto *p, const char *s,
			    size_t len);
unsigned kp_chunk_nconsts(const struct kp_chunk_proto *p);

/* Whether any code of the chunk calls built-in id (uapi/ktap_builtins.h). */
bool kp_chunk_calls_builtin(const struct kp_chunk_builder *c,
			    enum ktap_builtin id);

/*
 * Serialises the chunk into a malloc()ed buffer.  Returns 0, or -1 if it
 * cannot be represented (over 4 GiB); the KTAP_CHUNK_MAX limit is the
 * compiler's to enforce.
 */
int kp_chunk_serialize(const struct kp_chunk_builder *c, unsigned char **data,
		       size_t *len);

/* Whether opcode `op` uses the ABx layout, from uapi/ktap_opcodes.h. */
bool kp_chunk_op_is_bx(unsigned op);

#endif /* KP_CHUNK_WRITER_H */
