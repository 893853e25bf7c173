/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diag.h - compiler diagnostics: source positions, the one table of every
 * compile-time message, and the "FILE:LINE:COL: error:" report with the
 * source line and a caret that all passes share.
 */
#ifndef KP_DIAG_H
#define KP_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * A place in the script; line and col count from 1, line 0 means "none".
 * file 0 is the script, others are tapset files (kp_diag_add_file()).
 */
struct kp_pos {
	unsigned line;
	unsigned col;		/* byte column: a tab counts as one */
	unsigned file;
};

/*
 * Every message the compiler can print, in one place (as LuaJIT's
 * lj_errmsg.h), so wording stays consistent and tests can grep for them.
 * The comment after each says what the printf arguments are.
 */
#define KP_MESSAGES(_)							\
	/* lexer */							\
	_(BAD_CHAR, "unexpected character %s")		/* 'c' */	\
	_(MALFORMED_NUMBER, "malformed number near %s")	/* 'text' */	\
	_(LEADING_ZERO,							\
	  "malformed number near %s (leading zeros are not allowed; "	\
	  "there are no octal literals)")		/* 'text' */	\
	_(NUMBER_RANGE, "number out of range near %s")	/* 'text' */	\
	_(UNFINISHED_STRING, "unfinished string near %s") /* 'text' */	\
	_(UNFINISHED_LONG_STRING, "unfinished long string")		\
	_(UNFINISHED_COMMENT, "unfinished comment")			\
	_(BAD_ESCAPE, "invalid escape sequence %s")	/* '\q' */	\
	/* parser */							\
	_(UNEXPECTED, "unexpected symbol near %s")	/* 'tok' */	\
	_(EXPECTED, "%s expected near %s")	/* 'what', 'tok' */	\
	_(EXPECTED_TO_CLOSE,						\
	  "%s expected (to close %s at line %u) near %s")		\
	_(NOT_A_STATEMENT,						\
	  "syntax error near %s (a statement must be a call or an "	\
	  "assignment)")				/* 'tok' */	\
	_(NOT_ASSIGNABLE, "cannot assign to this expression")		\
	_(NOT_SUPPORTED, "%s is not supported yet")	/* construct */	\
	_(TOO_DEEP, "script nested too deeply (limit %d levels)")	\
	_(OUTSIDE_LOOP, "'%s' outside a loop")		/* keyword */	\
	_(FOR_VALUES,							\
	  "a numeric 'for' takes 2 or 3 values (first, last [, step]), "	\
	  "got %u")							\
	/* resolver */							\
	_(UNDEFINED_VAR, "undefined variable '%s'%s")	/* , hint */	\
	_(UNDEFINED_FUNC, "undefined function '%s'%s")	/* , hint */	\
	_(ARG_COUNT, "'%s' takes %s, got %d")	/* name, range, n */	\
	_(TOO_MANY_GLOBALS, "too many global variables (limit %d)")	\
	_(CAPTURE,							\
	  "cannot use '%s', a local of an enclosing function (functions "	\
	  "do not capture locals: pass it as an argument or make it a "	\
	  "global)")							\
	_(DUPLICATE_PARAM, "duplicate parameter '%s'")			\
	_(NAME_TOO_LONG,						\
	  "name of a global variable too long (%zu bytes, limit %d)")	\
	_(FOR_IN_ITER,							\
	  "'for ... in' needs pairs(t) or sort_pairs(t [, cmp])")	\
	_(FOR_IN_NAMES, "'for ... in' takes one or two names")		\
	_(AGG_LOCAL,							\
	  "'<<<' needs a global or a table element, not the local '%s'")	\
	/* code generator */						\
	_(TOO_MANY_REGS,						\
	  "expression too complex (needs more than %d registers)")	\
	_(TOO_MANY_LOCALS,						\
	  "too many local variables in one function (limit %d "		\
	  "registers, parameters and temporaries included)")		\
	_(TOO_MANY_FUNCS, "too many functions (limit %d)")		\
	_(JUMP_RANGE,							\
	  "control structure too long (a jump of %ld instructions, "	\
	  "limit %d)")							\
	_(TOO_MANY_CONSTS, "too many constants (limit %d)")		\
	_(CODE_SIZE, "code too large (limit %d instructions)")		\
	/* events */							\
	_(PROBE_NOT_TOP, "%s blocks must be at the top level")		\
	_(DUP_TRACE_END, "a script has at most one trace_end block")	\
	_(EVENT_SPEC, "malformed event '%s': %s")			\
	_(EVENT, "%s")		/* a message from event resolution */	\
	_(SPEC_ARG,							\
	  "event '%s' uses $%lu, but the script got no argument %lu "	\
	  "(it got %d): pass it after the script, as in "		\
	  "'ktap SCRIPT ARG1 ARG2'")					\
	_(FIELD_OUTSIDE,						\
	  "event field '$%s' outside a trace block")			\
	_(FIELD_UNKNOWN, "no event of '%s' has a field '$%s'; its fields: %s") \
	_(PROBE_FIELD, "'$%s' of %s: %s")				\
	_(PARAM_UNKNOWN,						\
	  "no function of '%s' has a parameter '$%s'; its parameters: %s") \
	_(TOO_MANY_FIELDS, "too many distinct event fields (limit %d)") \
	/* tapsets */							\
	_(ALIAS_UNKNOWN,						\
	  "'%s' is neither an event (SUBSYSTEM:EVENT, probe:FUNCTION...) "	\
	  "nor a probe alias of the tapset library%s")	/* , hint */	\
	_(ALIAS_NO_EVENT,						\
	  "probe alias '%s' (%s) has no event on this kernel: %s")	\
	_(TAPSET_PROBE,							\
	  "a library tapset holds functions, probe aliases and data, not "	\
	  "trace or timer blocks (put those in a tool script)")		\
	/* chunk */							\
	_(CHUNK_SIZE, "compiled chunk too large (%zu bytes, limit %u)")

enum kp_msg {
#define KP_MSG_ENUM(id, fmt) KP_MSG_##id,
	KP_MESSAGES(KP_MSG_ENUM)
#undef KP_MSG_ENUM
	KP_MSG__COUNT
};

/* The source files of a compilation: the script, then tapsets. */
#define KP_DIAG_MAX_FILES	64

struct kp_diag_file {
	const char *name;
	const char *src;
	size_t len;
	/*
	 * The chunk numbers tapset lines after the script's, file after
	 * file, so a runtime error's line tells the file (kp_line_map):
	 * line L of this file is chunk line base + L.
	 */
	unsigned base;
	unsigned nlines;
};

/*
 * Where reports go and the script they are about.  Only the first
 * max_errors errors are printed; nerrors counts them all, so a pass can
 * carry on walking after an error and the driver still sees the failure.
 */
struct kp_diag {
	FILE *out;
	const char *script_name;
	const char *src;
	size_t len;
	unsigned nerrors;
	unsigned max_errors;
	/* files[0] unused: file 0 is script_name/src/len above */
	struct kp_diag_file files[KP_DIAG_MAX_FILES];
	unsigned nfiles;
	unsigned cur_file;	/* what the lexer gives its positions */
};

void kp_diag_init(struct kp_diag *d, FILE *out, const char *script_name,
		  const char *src, size_t len);
void kp_diag_error(struct kp_diag *d, struct kp_pos pos, enum kp_msg msg, ...);
void kp_diag_verror(struct kp_diag *d, struct kp_pos pos, enum kp_msg msg,
		    va_list ap);
const char *kp_diag_format(enum kp_msg msg);

/*
 * Registers a tapset file (its text must outlive the compilation) and
 * makes it the one the lexer tags positions with; returns its number,
 * or 0 (the script) when there are too many files.
 */
unsigned kp_diag_add_file(struct kp_diag *d, const char *name,
			  const char *src, size_t len);

/* The line the chunk gives pos (see struct kp_diag_file's base). */
unsigned kp_diag_chunk_line(const struct kp_diag *d, struct kp_pos pos);

/*
 * realloc() that never returns NULL: a compiler out of memory cannot do
 * anything useful, so it says so and exits (as git's xmalloc does).
 */
void *kp_diag_xrealloc(void *ptr, size_t size);

#endif /* KP_DIAG_H */
