/* SPDX-License-Identifier: GPL-2.0 */
/*
 * codegen.h - the code generator: turns the resolved syntax tree into
 * the instructions, constants and globals of a chunk.
 */
#ifndef KP_CODEGEN_H
#define KP_CODEGEN_H

#include "ast.h"
#include "chunk_writer.h"
#include "diag.h"
#include "resolve.h"

/*
 * Adds the globals of `res` and prototype 0 (the top-level code, ending
 * in RET) to `out`.  Folds constant integer expressions in the tree as
 * it goes.  Returns 0, or -1 after reporting through `diag` (a limit of
 * the bytecode format was exceeded); `out` is then incomplete.
 */
int kp_gen_chunk(struct kp_ast_node *chunk, const struct kp_res_result *res,
		 struct kp_diag *diag, struct kp_chunk_builder *out);

/*
 * Folds the integer arithmetic of `a op b` exactly as the VM computes it
 * (module/vm/interp.c): wraps in two's complement, '/' truncates, '%'
 * takes the dividend's sign, x / -1 wraps, shifts follow Lua (logical,
 * counts of 64 or more give 0, negative counts reverse).  Returns 0 when
 * the result is left to run time: division by zero, and operators that
 * do not yield integers.
 */
int kp_gen_fold_binary(enum kp_ast_binop op, int64_t a, int64_t b,
		       int64_t *result);

#endif /* KP_CODEGEN_H */
