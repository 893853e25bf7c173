/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdtarg.h - the operand spec of an SDT marker's note ("-4@%edi
 * 8@-16(%rbp) -4@$5") turned into the argument locations of uapi/ktap.h
 * (x86_64 AT&T operands).
 */
#ifndef KP_SDTARG_H
#define KP_SDTARG_H

#include "uapi/ktap.h"

/*
 * Resolves a symbol of an operand (counter(%rip), or a bare address
 * expression) to its link-time address; 0 when unknown.
 */
typedef unsigned long long (*kp_sdt_symbol_fn)(void *ctx, const char *name);

/*
 * Fill out[0..max) from spec for a marker at link-time address pc.
 * Returns the number of arguments; an operand ktap cannot evaluate
 * (a high-byte register, an unknown symbol) becomes KTAP_ARG_NONE, so
 * reads give nil.  -1 when spec is not an operand list at all.
 */
int kp_sdt_parse_args(const char *spec, unsigned long long pc,
		      kp_sdt_symbol_fn sym, void *ctx,
		      struct ktap_event_arg *out, unsigned max);

#endif /* KP_SDTARG_H */
