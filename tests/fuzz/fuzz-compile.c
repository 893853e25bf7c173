// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-compile - libFuzzer target: arbitrary bytes as script text through
 * the whole compiler, then whatever compiles through the disassembler and
 * the VM core.
 *
 * Besides crashes, sanitizer reports and leaks, it checks that the two
 * sides agree: every chunk kp_compile() produces must load and verify.
 * A refusal is a bug on one side or the other (the compiler made
 * something invalid, or the verifier refuses something valid), so it
 * aborts with the loader's message.  The chunk must also list with no
 * operand flagged by the disassembler (fuzz_check_listing()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fuzz-host.h"

#define FUZZ_MAX_INSNS	10000

_Static_assert(FUZZ_MAX_INSNS < KP_YIELD_INTERVAL,
	       "fuzz_yield() treats any call as a budget overrun");

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Limits under which a compiled chunk must load: the instruction budget
 * is small so runs stay fast; string and memory limits are what the chunk
 * itself needs, so no refusal here is a session limit doing its job.  A
 * string constant cannot be longer than the chunk.  The loaded form takes
 * at most 4 heap bytes per chunk byte (a global: 8 chunk bytes, 32 heap
 * bytes for its name, slot and value), 6 with ASan's redzones (at most
 * one object per 8 chunk bytes), at worst twice that when objects leave
 * the ends of 64 KiB heap blocks unused; plus the frame and output line.
 */
static struct kp_vm_limits fuzz_limits_for(size_t chunk_len)
{
	struct kp_vm_limits lim = {
		.max_insns = FUZZ_MAX_INSNS,
		.max_memory = (u64)chunk_len * 12 + (2U << 20),
		.max_string = (u32)chunk_len,
		.max_depth = KP_DEFAULT_MAX_DEPTH,
		.max_entries = KP_DEFAULT_MAX_ENTRIES,
	};

	return lim;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kp_chunk_buf chunk;
	struct kp_vm_limits lim;
	struct fuzz_host host = { 0 };
	struct kp_vm *vm;
	char err[512];
	int ret;

	/* Event discovery must not read (or mount) the host's tracefs. */
	setenv("KTAP_TRACEFS", "/nonexistent/tracefs", 0);
	setenv("KTAP_KALLSYMS", "/nonexistent/kallsyms", 0);
	if (kp_compile("fuzz.kp", (const char *)data, size, fuzz_devnull(),
		       &chunk)) {
		if (chunk.data || chunk.len)
			fuzz_fail("kp_compile failed but returned a chunk");
		return 0;
	}
	if (!chunk.data || chunk.len > KTAP_CHUNK_MAX)
		fuzz_fail("kp_compile returned a chunk of %zu bytes", chunk.len);
	lim = fuzz_limits_for(chunk.len);
	ret = fuzz_load(chunk.data, chunk.len, &lim, &host, &vm, err,
			sizeof(err));
	if (ret)
		fuzz_fail("kp_vm_load refused a chunk kp_compile produced (%d): %s",
			  ret, err);
	fuzz_check_listing(vm, chunk.data, chunk.len);
	fuzz_run(vm, &host);
	kp_vm_free(vm);
	kp_chunk_buf_free(&chunk);
	return 0;
}
