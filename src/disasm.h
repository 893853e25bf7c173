/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disasm.h - the disassembler behind "ktap -S": a readable listing of a
 * serialised chunk.
 */
#ifndef KP_DISASM_H
#define KP_DISASM_H

#include <stddef.h>
#include <stdio.h>

/*
 * Lists the chunk's header, globals and, per prototype, its constants
 * and instructions.  Reads `chunk` with bounds checks throughout: on
 * malformed input it prints what is wrong and where, and returns -1.
 */
int kp_disasm(FILE *out, const void *chunk, size_t len);

#endif /* KP_DISASM_H */
