/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The built-in function table of the ktap bytecode, part of the ABI in
 * ktap.h: KTAP_BUILTIN(id, name in scripts, least and most arguments,
 * -1 for no upper bound).  Ids are line positions: append only.
 *
 * An X-macro include file: define KTAP_BUILTIN, include it; it undefines
 * KTAP_BUILTIN at the end.  It deliberately has no include guard.
 */
KTAP_BUILTIN(PRINT, "print", 0, -1)	/* values, tab-separated, newline */

#undef KTAP_BUILTIN
