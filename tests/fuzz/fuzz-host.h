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

#endif /* KP_FUZZ_HOST_H */
