// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-chunk - libFuzzer target: arbitrary bytes as a bytecode chunk,
 * the way a hostile user hands one to KTAP_IOC_LOAD.
 *
 * The verifier's promise (module/vm/verify.c) is that whatever it accepts
 * is safe to run, so every accepted chunk is run; a crash, a sanitizer
 * report, a leak, a broken host contract (fuzz-host.h) or a run doing
 * more than its instruction budget is a bug.  The disassembler reads the
 * same bytes and must survive them too, and list whatever the loader
 * accepted without flagging an operand: it checks operands against the
 * opcode table on its own, so a flag means it and the verifier disagree.
 *
 * The header's size field must equal the input length, which nearly every
 * mutation that adds or removes bytes breaks.  So after the bytes as
 * given, a copy with the size field set to the length goes through the
 * same checks: the loader's size check is still fuzzed, and mutations of
 * the body reach the body parser and the verifier.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz-host.h"

#define FUZZ_MAX_INSNS	10000

_Static_assert(FUZZ_MAX_INSNS < KP_YIELD_INTERVAL,
	       "fuzz_yield() treats any call as a budget overrun");

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two hosts.  A session with small limits, so the memory and string
 * limits are hit on every path; and a host that sets no limit at all
 * (the module's ceilings are parameters root may raise), so a length or
 * count the loader trusts shows as a huge allocation or read rather than
 * as a refusal.  Only the first runs what it loads: without a memory
 * limit a doubling string would take all of it.
 */
static const struct kp_vm_limits fuzz_session_limits = {
	.max_insns = FUZZ_MAX_INSNS,
	.max_memory = 1U << 20,
	.max_string = 256,
	.max_depth = 16,
	.max_entries = 1024,
};

static const struct kp_vm_limits fuzz_unlimited = {
	.max_insns = FUZZ_MAX_INSNS,
	.max_memory = UINT64_MAX,
	.max_string = UINT32_MAX,
	.max_depth = KP_DEFAULT_MAX_DEPTH,	/* it sizes the value stack */
	.max_entries = KP_DEFAULT_MAX_ENTRIES,
};

static void fuzz_one(const uint8_t *data, size_t size,
		     const struct kp_vm_limits *lim, bool run)
{
	struct fuzz_host host = { 0 };
	struct kp_vm *vm;
	char err[256];

	if (fuzz_load(data, size, lim, &host, &vm, err, sizeof(err)))
		return;
	fuzz_check_listing(vm, data, size);
	if (run)
		fuzz_run(vm, &host);
	kp_vm_free(vm);
}

static void fuzz_bytes(const uint8_t *data, size_t size)
{
	kp_disasm(fuzz_devnull(), data, size);
	fuzz_one(data, size, &fuzz_session_limits, true);
	fuzz_one(data, size, &fuzz_unlimited, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktap_chunk_header h;
	uint8_t *fixed;

	fuzz_bytes(data, size);
	if (size < sizeof(h) || size > KTAP_CHUNK_MAX)
		return 0;
	memcpy(&h, data, sizeof(h));
	if (h.size == size)
		return 0;
	/* An exact-size copy, so ASan catches a read past the end. */
	fixed = malloc(size);
	if (!fixed)
		abort();
	h.size = (__u32)size;
	memcpy(fixed, data, size);
	memcpy(fixed, &h, sizeof(h));
	fuzz_bytes(fixed, size);
	free(fixed);
	return 0;
}
