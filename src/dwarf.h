/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwarf.h - function parameters by name from DWARF debug info (libdw):
 * where each one lives at the function's entry, as a register location
 * the module can read ($name), or why it cannot be read.
 */
#ifndef KP_DWARF_H
#define KP_DWARF_H

#include <stddef.h>

#include "uapi/ktap.h"

#define KP_DWARF_PARAMS_MAX	32
#define KP_DWARF_TYPE_MAX	96

/* A parameter, or the return value (name "retval"). */
struct kp_dwarf_var {
	char name[KTAP_FIELD_NAME_MAX];
	char type[KP_DWARF_TYPE_MAX];	/* as C spells it, for -L */
	/* NULL when readable; else why not, e.g. "is on the stack" */
	const char *problem;
	struct ktap_event_arg loc;	/* a KTAP_ARG_REG when readable */
	int arg;		/* N when it is in argN's register, else 0 */
};

struct kp_dwarf_func {
	unsigned nparams;
	struct kp_dwarf_var params[KP_DWARF_PARAMS_MAX];
	struct kp_dwarf_var ret;	/* problem set for void */
	char file[512];			/* the file the DWARF came from */
};

/*
 * The kernel function `sym` (a /proc/kallsyms text symbol, of vmlinux
 * or of a module): its debug info is searched in $KTAP_DEBUGINFO_PATH,
 * Debian's -dbg package paths and the module's .ko, and must match the
 * running kernel's build id.  Returns 0, or -1 with a message in err
 * that says what would provide the debug info (-2: the debug file has
 * no such function).
 */
int kp_dwarf_kernel_func(const char *sym, struct kp_dwarf_func *out,
			 char *err, size_t errlen);

/*
 * The function `sym` of the ELF file `path` (uprobes): debug info of
 * the file itself, or found by its build id or debuglink under
 * /usr/lib/debug.  Returns 0; -1 when there is no debug info (err says
 * what would provide it); -2 when the file or the symbol is missing.
 */
int kp_dwarf_user_func(const char *path, const char *sym,
		       struct kp_dwarf_func *out, char *err, size_t errlen);

/* The parameter called name ("retval": the return value), or NULL. */
const struct kp_dwarf_var *kp_dwarf_param(const struct kp_dwarf_func *f,
					  const char *name);

/* Close the debug files opened so far. */
void kp_dwarf_cleanup(void);

#endif /* KP_DWARF_H */
