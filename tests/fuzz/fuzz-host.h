/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz-host.h - the user-space host the libFuzzer targets run the VM core
 * in, and the promises of the core it checks on every run.
 *
 * Header-only on purpose, like tests/unit/tap.h: each fuzz target is one
 * .c file plus this, compiled together with the sources it fuzzes.
 *
 * A broken promise is a bug: fuzz_fail() prints why and aborts, so
 * libFuzzer saves the input as a crash artifact.
 */
#ifndef KP_FUZZ_HOST_H
#define KP_FUZZ_HOST_H

#include <stdio.h>
#include <stdlib.h>

#include "disasm.h"
#include "vm/vm.h"
#include "uapi/ktap.h"

/* Where diagnostics and listings go: opened once, never closed. */
static FILE *fuzz_devnull(void)
{
	static FILE *devnull;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull) {
			perror("/dev/null");
			abort();
		}
	}
	return devnull;
}

static __attribute__((noreturn, format(printf, 1, 2)))
void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: BUG: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* What one run handed to its host. */
struct fuzz_host {
	u64 records;
	u64 checksum;	/* of every byte emitted, so ASan sees them read */
};

/*
 * The emit contract (vm.h, uapi/ktap.h): whole records of a known type,
 * at most KTAP_RECORD_MAX bytes each, every byte readable.
 */
static int fuzz_emit(void *ctx, u16 type, const char *data, u32 len)
{
	struct fuzz_host *h = ctx;
	u32 i;

	if (type != KTAP_REC_OUTPUT && type != KTAP_REC_ERROR)
		fuzz_fail("emit of record type %u", type);
	if (len > KTAP_RECORD_MAX)
		fuzz_fail("emit of a %u-byte record (limit %u)", len,
			  KTAP_RECORD_MAX);
	for (i = 0; i < len; i++)
		h->checksum = h->checksum * 31 + (unsigned char)data[i];
	h->records++;
	return 0;
}

/*
 * The yield hook runs every KP_YIELD_INTERVAL instructions; the targets
 * use budgets below that, so a call means the budget was overrun.
 */
static int fuzz_yield(void *ctx)
{
	(void)ctx;
	fuzz_fail("yield called: more than %d instructions ran",
		  KP_YIELD_INTERVAL);
}

/* Load bytes as the kernel would; 0 or the loader's negative errno. */
static int fuzz_load(const void *data, size_t len,
		     const struct kp_vm_limits *lim, struct fuzz_host *h,
		     struct kp_vm **vm, char *err, size_t errlen)
{
	struct kp_vm_host host = {
		.emit = fuzz_emit, .yield = fuzz_yield, .ctx = h,
	};
	int ret;

	if (len > KTAP_CHUNK_MAX)	/* the ioctl refuses these first */
		return -E2BIG;
	*vm = NULL;
	err[0] = '\0';
	ret = kp_vm_load(data, (u32)len, lim, &host, vm, err, errlen);
	if (!memchr(err, '\0', errlen))
		fuzz_fail("load left an unterminated message");
	if (ret > 0 || (ret && *vm) || (!ret && !*vm))
		fuzz_fail("load returned %d with vm %p", ret, (void *)*vm);
	if (ret && !err[0])
		fuzz_fail("load refused a chunk (%d) without saying why", ret);
	return ret;
}

/*
 * Run the top level and check what a run may do: one record at most per
 * instruction (print is one instruction), a session heap within its
 * limit.  A run that loops past its budget trips fuzz_yield() or
 * libFuzzer's -timeout.
 */
static void fuzz_run(struct kp_vm *vm, struct fuzz_host *h)
{
	kp_vm_run_main(vm);
	if (h->records > vm->limits.max_insns + 1)
		fuzz_fail("%llu records from a budget of %llu instructions",
			  (unsigned long long)h->records,
			  (unsigned long long)vm->limits.max_insns);
	if (vm->heap.used > vm->heap.limit)
		fuzz_fail("session heap at %llu bytes, limit %llu",
			  (unsigned long long)vm->heap.used,
			  (unsigned long long)vm->heap.limit);
}

/* Whether a name or string as the listing shows it could hold a '!'. */
static bool fuzz_shows_bang(const struct kp_str *s)
{
	return memchr(s->data, '!', s->len) || memchr(s->data, '\n', s->len);
}

/* "%6u %5u  OPNAME...": an instruction line of the listing. */
static bool fuzz_is_insn_line(const char *line)
{
	const char *p = line;
	int field;

	for (field = 0; field < 2; field++) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p[0] == ' ' && p[1] == ' ';
}

/*
 * The disassembler checks operands on its own (src/disasm.c) and flags a
 * bad one with '!' in an instruction's comment.  On a chunk the verifier
 * accepted, a flag means the two disagree about the opcode table.  Names
 * and strings are listed as they are (strings with '\n' escaped, names
 * not), so a chunk whose global names or string constants could show a
 * '!' on an instruction line is listed but not checked.
 */
static void fuzz_check_listing(const struct kp_vm *vm, const void *data,
			       size_t len)
{
	const struct kp_chunk *c = &vm->chunk;
	bool check = true;
	char *text = NULL, *line, *end;
	size_t text_len = 0;
	FILE *out;
	u32 i, j;

	for (i = 0; i < c->nglobals && check; i++)
		check = !fuzz_shows_bang(c->global_names[i]);
	for (i = 0; i < c->nprotos && check; i++)
		for (j = 0; j < c->protos[i].nconsts && check; j++)
			check = c->protos[i].consts[j].type != KP_TSTR ||
				!fuzz_shows_bang(c->protos[i].consts[j].s);
	out = open_memstream(&text, &text_len);
	if (!out)
		abort();
	if (kp_disasm(out, data, len))
		fuzz_fail("kp_disasm cannot list a chunk kp_vm_load accepted");
	fclose(out);
	for (line = text; check && *line; line = end + (*end == '\n')) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (fuzz_is_insn_line(line) && memchr(line, '!', end - line))
			fuzz_fail("the verifier accepted what kp_disasm flags: %.*s",
				  (int)(end - line), line);
	}
	free(text);
}

#endif /* KP_FUZZ_HOST_H */
