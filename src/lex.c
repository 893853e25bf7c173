/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lex.c - the lexer: comments, names and keywords, int64 numbers, strings
 * with escapes, long strings and punctuators, as LANGUAGE.md "Lexical".
 *
 * Errors are reported through the diag at the offending byte; the token
 * is then KP_TK_ERROR and stays so, and the caller stops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

static const char *const kp_tok_spellings[] = {
#define KP_TK_SPELLING(id, spelling) spelling,
	KP_TOKENS_SPECIAL(KP_TK_SPELLING)
	KP_TOKENS_KEYWORD(KP_TK_SPELLING)
	KP_TOKENS_PUNCT(KP_TK_SPELLING)
#undef KP_TK_SPELLING
};

struct kp_lex_word {
	const char *spelling;
	size_t len;
	enum kp_tok kind;
};

#define KP_TK_WORD(id, spelling) { spelling, sizeof(spelling) - 1, KP_TK_##id },
static const struct kp_lex_word kp_keywords[] = {
	KP_TOKENS_KEYWORD(KP_TK_WORD)
};
static const struct kp_lex_word kp_puncts[] = {
	KP_TOKENS_PUNCT(KP_TK_WORD)
};
#undef KP_TK_WORD

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *kp_lex_spelling(enum kp_tok kind)
{
	if ((unsigned)kind >= KP_TK__COUNT)
		return "<?>";
	return kp_tok_spellings[kind];
}

void kp_lex_init(struct kp_lex *lx, const char *src, size_t len,
		 struct kp_diag *diag)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = src ? len : 0;
	lx->line = 1;
	lx->diag = diag;
	lx->file = diag ? diag->cur_file : 0;
}

void kp_lex_free(struct kp_lex *lx)
{
	free(lx->buf);
	lx->buf = NULL;
	lx->buf_len = lx->buf_cap = 0;
}

/* Character classes by hand: <ctype.h> depends on the locale. */
static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || is_digit(c);
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte at cur + ahead, or -1 past the end. */
static int peek(const struct kp_lex *lx, size_t ahead)
{
	if (lx->cur + ahead >= lx->len)
		return -1;
	return (unsigned char)lx->src[lx->cur + ahead];
}

int kp_lex_peek_byte(const struct kp_lex *lx)
{
	return peek(lx, 0);
}

static struct kp_pos pos_at(const struct kp_lex *lx, size_t offset)
{
	struct kp_pos pos = { lx->line, (unsigned)(offset - lx->line_start + 1),
			      lx->file };

	return pos;
}

size_t kp_lex_raw_word(struct kp_lex *lx, const char **start,
		       struct kp_pos *pos)
{
	size_t begin;

	while (peek(lx, 0) == ' ' || peek(lx, 0) == '\t')
		lx->cur++;
	begin = lx->cur;
	*pos = pos_at(lx, begin);
	while (peek(lx, 0) > ' ' && peek(lx, 0) != '{')
		lx->cur++;
	*start = lx->src + begin;
	return lx->cur - begin;
}

/* Steps over the byte at cur, keeping line and line_start right. */
static void advance(struct kp_lex *lx)
{
	if (lx->src[lx->cur] == '\n') {
		lx->line++;
		lx->line_start = lx->cur + 1;
	}
	lx->cur++;
}

/* Writes `len` bytes of `s` for a message: quoted, clipped, escaped. */
static void quote_bytes(char *buf, size_t size, const char *s, size_t len)
{
	size_t out = 0, i;
	const size_t max_shown = 40;

	if (size < 8)
		return;
	buf[out++] = '\'';
	for (i = 0; i < len && i < max_shown && out + 6 < size; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f)
			buf[out++] = c;
		else if (c == '\n' || c == '\t')
			out += snprintf(buf + out, size - out, "\\%c",
					c == '\n' ? 'n' : 't');
		else
			out += snprintf(buf + out, size - out, "\\x%02x", c);
	}
	if (i < len && out + 5 < size) {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out++] = '\'';
	buf[out] = '\0';
}

void kp_lex_describe(const struct kp_lex *lx, const struct kp_token *tok,
		     char *buf, size_t size)
{
	if (tok->kind == KP_TK_EOF || tok->offset >= lx->len) {
		quote_bytes(buf, size, "<eof>", 5);
		return;
	}
	quote_bytes(buf, size, lx->src + tok->offset, tok->raw_len);
}

static enum kp_tok lex_error(struct kp_lex *lx, struct kp_pos pos,
			     enum kp_msg msg, size_t from, size_t to)
{
	char text[64];

	quote_bytes(text, sizeof(text), lx->src + from, to - from);
	kp_diag_error(lx->diag, pos, msg, text);
	lx->failed = true;
	return KP_TK_ERROR;
}

/* Comment or whitespace; returns -1 on error, else whether a newline passed. */
static int skip_space(struct kp_lex *lx)
{
	bool newline = false;
	int c;

	while ((c = peek(lx, 0)) >= 0) {
		if (c == '\n' || c == ' ' || c == '\t' || c == '\r' ||
		    c == '\f' || c == '\v') {
			newline |= c == '\n';
			advance(lx);
		} else if (c == '#' || (c == '/' && peek(lx, 1) == '/')) {
			while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
				advance(lx);
		} else if (c == '/' && peek(lx, 1) == '*') {
			struct kp_pos start = pos_at(lx, lx->cur);

			advance(lx);
			advance(lx);
			while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
				if (peek(lx, 0) < 0) {
					kp_diag_error(lx->diag, start,
						      KP_MSG_UNFINISHED_COMMENT);
					lx->failed = true;
					return -1;
				}
				newline |= peek(lx, 0) == '\n';
				advance(lx);
			}
			advance(lx);
			advance(lx);
		} else {
			break;
		}
	}
	return newline;
}

static void buf_push(struct kp_lex *lx, char c)
{
	if (lx->buf_len + 1 >= lx->buf_cap) {
		lx->buf_cap = lx->buf_cap ? lx->buf_cap * 2 : 64;
		lx->buf = kp_diag_xrealloc(lx->buf, lx->buf_cap);
	}
	lx->buf[lx->buf_len++] = c;
	lx->buf[lx->buf_len] = '\0';
}

/* Empties the string buffer, allocating it so an empty string has one. */
static void buf_reset(struct kp_lex *lx)
{
	lx->buf_len = 0;
	buf_push(lx, '\0');
	lx->buf_len = 0;
}

static enum kp_tok lex_name(struct kp_lex *lx, struct kp_token *tok)
{
	size_t i;

	while (is_name_char(peek(lx, 0)))
		advance(lx);
	tok->str = lx->src + tok->offset;
	tok->len = lx->cur - tok->offset;
	for (i = 0; i < ARRAY_SIZE(kp_keywords); i++)
		if (kp_keywords[i].len == tok->len &&
		    !memcmp(kp_keywords[i].spelling, tok->str, tok->len))
			return kp_keywords[i].kind;
	return KP_TK_NAME;
}

/*
 * number := digit+ | '0' ('x' | 'X') hexdigit+
 * The value must fit int64, except 2^63 which the parser accepts after a
 * unary minus only (so -9223372036854775808 compiles).
 */
static enum kp_tok lex_number(struct kp_lex *lx, struct kp_token *tok)
{
	unsigned base = 10, ndigits = 0;
	bool overflow = false, malformed = false;
	uint64_t v = 0;
	int d;

	if (peek(lx, 0) == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'X')) {
		base = 16;
		advance(lx);
		advance(lx);
	}
	while ((d = hex_value(peek(lx, 0))) >= 0 && (unsigned)d < base) {
		if (v > (KP_LEX_INT_MIN_MAGNITUDE - (unsigned)d) / base)
			overflow = true;
		else
			v = v * base + (unsigned)d;
		ndigits++;
		advance(lx);
	}
	/* "12ab", "0x" and "1.5" (there are no floats) are one bad token. */
	while (is_name_char(peek(lx, 0)) ||
	       (peek(lx, 0) == '.' && is_digit(peek(lx, 1)))) {
		malformed = true;
		advance(lx);
	}
	if (ndigits == 0 || malformed)
		return lex_error(lx, tok->pos, KP_MSG_MALFORMED_NUMBER,
				 tok->offset, lx->cur);
	/* C programmers would read 0644 as octal; refuse the guess. */
	if (base == 10 && ndigits > 1 && lx->src[tok->offset] == '0')
		return lex_error(lx, tok->pos, KP_MSG_LEADING_ZERO,
				 tok->offset, lx->cur);
	if (overflow)
		return lex_error(lx, tok->pos, KP_MSG_NUMBER_RANGE,
				 tok->offset, lx->cur);
	tok->ival = v;
	return KP_TK_INT;
}

/*
 * escape := '\' ( 'n' | 't' | 'r' | '\' | '"' | "'" | 'x' hex hex
 *               | digit [digit [digit]] )
 * \ddd is decimal, at most 255, as in Lua and ktap 0.4 (so \0 is NUL).
 */
static bool lex_escape(struct kp_lex *lx)
{
	static const char plain[] = "n\nt\tr\r\\\\\"\"''";
	size_t start = lx->cur, end;
	struct kp_pos pos = pos_at(lx, start);
	int c = peek(lx, 1);
	unsigned v = 0, n;
	const char *p;

	if (c > 0 && (p = strchr(plain, c)) && (p - plain) % 2 == 0) {
		buf_push(lx, p[1]);
		lx->cur += 2;
		return true;
	}
	if (c == 'x' && hex_value(peek(lx, 2)) >= 0 &&
	    hex_value(peek(lx, 3)) >= 0) {
		buf_push(lx, (char)(hex_value(peek(lx, 2)) * 16 +
				    hex_value(peek(lx, 3))));
		lx->cur += 4;
		return true;
	}
	for (n = 0; n < 3 && is_digit(peek(lx, 1 + n)); n++)
		v = v * 10 + (unsigned)(peek(lx, 1 + n) - '0');
	if (n > 0 && v <= 255) {
		buf_push(lx, (char)v);
		lx->cur += 1 + n;
		return true;
	}
	/* Show the backslash and the bytes that made it wrong: \q \256 \x4 */
	end = start + 2;
	if (c < 0 || c == '\n')
		end = start + 1;
	else if (n > 0)
		end = start + 1 + n;
	else if (c == 'x')
		while (end < start + 4 && hex_value(peek(lx, end - start)) >= 0)
			end++;
	lex_error(lx, pos, KP_MSG_BAD_ESCAPE, start, end);
	return false;
}

/* string := '"' { char | escape } '"' | "'" { char | escape } "'" */
static enum kp_tok lex_string(struct kp_lex *lx, struct kp_token *tok)
{
	char quote = lx->src[lx->cur];

	buf_reset(lx);
	advance(lx);
	for (;;) {
		int c = peek(lx, 0);

		if (c < 0 || c == '\n')
			return lex_error(lx, tok->pos, KP_MSG_UNFINISHED_STRING,
					 tok->offset, lx->cur);
		if (c == quote)
			break;
		if (c == '\\') {
			if (!lex_escape(lx))
				return KP_TK_ERROR;
			continue;
		}
		buf_push(lx, (char)c);
		advance(lx);
	}
	advance(lx);
	tok->str = lx->buf;
	tok->len = lx->buf_len;
	return KP_TK_STRING;
}

/*
 * long_string := '[[' bytes ']]'  -- no escapes, may span lines; a newline
 * right after the opening brackets is dropped, as in Lua.
 */
static enum kp_tok lex_long_string(struct kp_lex *lx, struct kp_token *tok)
{
	size_t start;

	advance(lx);
	advance(lx);
	if (peek(lx, 0) == '\r' && peek(lx, 1) == '\n')
		advance(lx);
	if (peek(lx, 0) == '\n')
		advance(lx);
	start = lx->cur;
	while (!(peek(lx, 0) == ']' && peek(lx, 1) == ']')) {
		if (peek(lx, 0) < 0) {
			kp_diag_error(lx->diag, tok->pos,
				      KP_MSG_UNFINISHED_LONG_STRING);
			lx->failed = true;
			return KP_TK_ERROR;
		}
		advance(lx);
	}
	tok->str = lx->src + start;
	tok->len = lx->cur - start;
	advance(lx);
	advance(lx);
	return KP_TK_STRING;
}

/* field := '$' name */
static enum kp_tok lex_field(struct kp_lex *lx, struct kp_token *tok)
{
	if (!is_name_start(peek(lx, 1)))
		return lex_error(lx, tok->pos, KP_MSG_BAD_CHAR,
				 lx->cur, lx->cur + 1);
	advance(lx);
	while (is_name_char(peek(lx, 0)))
		advance(lx);
	tok->str = lx->src + tok->offset + 1;
	tok->len = lx->cur - tok->offset - 1;
	return KP_TK_FIELD;
}

static enum kp_tok lex_punct(struct kp_lex *lx, struct kp_token *tok)
{
	const struct kp_lex_word *best = NULL;
	size_t left = lx->len - lx->cur, i;

	for (i = 0; i < ARRAY_SIZE(kp_puncts); i++) {
		const struct kp_lex_word *w = &kp_puncts[i];

		if (w->len <= left && (!best || w->len > best->len) &&
		    !memcmp(w->spelling, lx->src + lx->cur, w->len))
			best = w;
	}
	if (!best)
		return lex_error(lx, tok->pos, KP_MSG_BAD_CHAR,
				 lx->cur, lx->cur + 1);
	lx->cur += best->len;
	return best->kind;
}

static enum kp_tok lex_token(struct kp_lex *lx, struct kp_token *tok)
{
	int c = peek(lx, 0);

	if (c < 0)
		return KP_TK_EOF;
	if (is_name_start(c))
		return lex_name(lx, tok);
	if (is_digit(c))
		return lex_number(lx, tok);
	if (c == '"' || c == '\'')
		return lex_string(lx, tok);
	if (c == '[' && peek(lx, 1) == '[')
		return lex_long_string(lx, tok);
	if (c == '$')
		return lex_field(lx, tok);
	return lex_punct(lx, tok);
}

enum kp_tok kp_lex_next(struct kp_lex *lx, struct kp_token *tok)
{
	int nl;

	memset(tok, 0, sizeof(*tok));
	nl = lx->failed ? -1 : skip_space(lx);
	tok->offset = lx->cur;
	tok->pos = pos_at(lx, lx->cur);
	if (nl < 0) {
		tok->kind = KP_TK_ERROR;
		return tok->kind;
	}
	tok->nl_before = nl;
	tok->kind = lex_token(lx, tok);
	tok->raw_len = lx->cur - tok->offset;
	return tok->kind;
}
