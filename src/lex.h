/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lex.h - the lexer: turns script bytes into tokens, each with its line
 * and column; the token kinds are listed once, below.
 */
#ifndef KP_LEX_H
#define KP_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/*
 * The token kinds, in three X-macro lists: (enum suffix, spelling).  The
 * spelling of a keyword or punctuator is what the lexer matches; the
 * spelling of a special token is only what messages show.
 */
#define KP_TOKENS_SPECIAL(_)						\
	_(EOF, "<eof>")							\
	_(ERROR, "<error>")	/* the lexer has reported an error */	\
	_(NAME, "<name>")						\
	_(INT, "<integer>")						\
	_(STRING, "<string>")						\
	_(FIELD, "<$field>")	/* $name: an event field */

#define KP_TOKENS_KEYWORD(_)						\
	_(VAR, "var") _(FUNCTION, "function") _(RETURN, "return")	\
	_(IF, "if") _(ELSEIF, "elseif") _(ELSE, "else")			\
	_(WHILE, "while") _(FOR, "for") _(IN, "in")			\
	_(BREAK, "break") _(CONTINUE, "continue")			\
	_(REPEAT, "repeat") _(UNTIL, "until")				\
	_(TRACE, "trace") _(TRACE_END, "trace_end")			\
	_(TRUE, "true") _(FALSE, "false") _(NIL, "nil")

/* The lexer takes the longest punctuator that matches. */
#define KP_TOKENS_PUNCT(_)						\
	_(OROR, "||") _(ANDAND, "&&")					\
	_(BOR, "|") _(BXOR, "^") _(BAND, "&")				\
	_(EQ, "==") _(NE, "!=")						\
	_(LT, "<") _(LE, "<=") _(GT, ">") _(GE, ">=")			\
	_(CONCAT, "..") _(SHL, "<<") _(SHR, ">>")			\
	_(PLUS, "+") _(MINUS, "-")					\
	_(STAR, "*") _(SLASH, "/") _(PERCENT, "%")			\
	_(NOT, "!") _(TILDE, "~")					\
	_(ASSIGN, "=")							\
	_(ADD_ASSIGN, "+=") _(SUB_ASSIGN, "-=") _(MUL_ASSIGN, "*=")	\
	_(DIV_ASSIGN, "/=") _(MOD_ASSIGN, "%=")				\
	_(BAND_ASSIGN, "&=") _(BOR_ASSIGN, "|=") _(BXOR_ASSIGN, "^=")	\
	_(SHL_ASSIGN, "<<=") _(SHR_ASSIGN, ">>=")			\
	_(CONCAT_ASSIGN, "..=")						\
	_(INC, "++") _(DEC, "--")					\
	_(AGGREGATE, "<<<")						\
	_(LPAREN, "(") _(RPAREN, ")")					\
	_(LBRACE, "{") _(RBRACE, "}")					\
	_(LBRACKET, "[") _(RBRACKET, "]")				\
	_(COMMA, ",") _(SEMI, ";") _(DOT, ".") _(COLON, ":")

enum kp_tok {
#define KP_TK_ENUM(id, spelling) KP_TK_##id,
	KP_TOKENS_SPECIAL(KP_TK_ENUM)
	KP_TOKENS_KEYWORD(KP_TK_ENUM)
	KP_TOKENS_PUNCT(KP_TK_ENUM)
#undef KP_TK_ENUM
	KP_TK__COUNT
};

/* 2^63: the one literal only valid right after a unary minus. */
#define KP_LEX_INT_MIN_MAGNITUDE	((uint64_t)1 << 63)

struct kp_token {
	enum kp_tok kind;
	struct kp_pos pos;	/* of the first byte */
	size_t offset;		/* source bytes of the token, for messages */
	size_t raw_len;
	bool nl_before;		/* a newline separates it from the token before */
	/* INT: the magnitude, at most KP_LEX_INT_MIN_MAGNITUDE */
	uint64_t ival;
	/*
	 * NAME, FIELD (without the '$'), STRING (escapes decoded): the text,
	 * not NUL-terminated, valid until the next kp_lex_next() call.
	 */
	const char *str;
	size_t len;
};

/*
 * The lexer pulls one token at a time, so the parser can later switch to
 * raw scanning where ktap's grammar needs it (event specs such as
 * "syscalls:sys_enter_*" or a "/filter/"), see kp_lex_peek_byte().
 */
struct kp_lex {
	const char *src;
	size_t len;
	size_t cur;		/* next byte to read */
	unsigned line;		/* of src[cur] */
	size_t line_start;	/* offset of the first byte of that line */
	struct kp_diag *diag;
	unsigned file;		/* what positions say: diag->cur_file at init */
	bool failed;		/* after an error, every token is KP_TK_ERROR */
	char *buf;		/* decoded bytes of the last string token */
	size_t buf_len;
	size_t buf_cap;
};

void kp_lex_init(struct kp_lex *lx, const char *src, size_t len,
		 struct kp_diag *diag);
void kp_lex_free(struct kp_lex *lx);
enum kp_tok kp_lex_next(struct kp_lex *lx, struct kp_token *tok);
int kp_lex_peek_byte(const struct kp_lex *lx);
/*
 * Raw scanning for event specs ("syscalls:sys_enter_*", "-10ms"): skips
 * blanks on the line, then takes bytes up to a blank, a newline or '{'.
 * Returns their count, *start and *pos where they begin.
 */
size_t kp_lex_raw_word(struct kp_lex *lx, const char **start,
		       struct kp_pos *pos);
const char *kp_lex_spelling(enum kp_tok kind);
void kp_lex_describe(const struct kp_lex *lx, const struct kp_token *tok,
		     char *buf, size_t size);

#endif /* KP_LEX_H */
