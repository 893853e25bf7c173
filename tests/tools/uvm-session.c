// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space VM backend of ktap-uvm, a test build of the ktap command
 * (the same src/ktap.c) that runs scripts on module/vm/ built in user
 * space instead of in the kernel, so the language suite runs in
 * milliseconds without qemu.  It replaces src/session.c: same interface,
 * same messages, same exit statuses.  Never installed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "output.h"
#include "module.h"
#include "session.h"
#include "vm/vm.h"

#include <stdlib.h>

/*
 * The module's default ceilings (module/kernel/main.c), so limit errors
 * read the same on both backends.  The instruction ceiling can be raised
 * with $KTAP_UVM_MAX_INSNS, as root can raise the module parameter; the
 * benchmarks (bench/run) need that for their 10M-iteration loop.
 */
#define UVM_MAX_MEMORY	(256ULL << 20)
#define UVM_MAX_STRING	65536U
#define UVM_MAX_DEPTH	10000U

static unsigned long long uvm_max_insns(void)
{
	const char *env = getenv("KTAP_UVM_MAX_INSNS");

	return env ? strtoull(env, NULL, 10) : 100000000ULL;
}

/* One thread, one CPU: records are printed as they come, stamped now. */
static int uvm_emit(void *ctx, u16 type, const char *data, u32 len)
{
	struct ktap_record rec = {
		.len = len, .type = type, .time_ns = kp_now_ns(),
	};

	kp_printer_record(ctx, &rec, data);
	return 0;
}

static int uvm_limits(const struct ktap_limits *req, struct kp_vm_limits *lim)
{
	kp_vm_limits_from_request(req, lim);
	if (lim->max_insns > uvm_max_insns() || lim->max_memory > UVM_MAX_MEMORY ||
	    lim->max_string > UVM_MAX_STRING || lim->max_depth > UVM_MAX_DEPTH) {
		fprintf(stderr, "ktap: the module refused the script: a limit is above the module's ceiling (user-space VM ceilings: %llu instructions, %llu bytes, %u string bytes, %u calls deep)\n",
			uvm_max_insns(), UVM_MAX_MEMORY, UVM_MAX_STRING, UVM_MAX_DEPTH);
		return -1;
	}
	return 0;
}

int kp_session_run(const void *chunk, size_t len,
		   const struct kp_run_options *opts)
{
	struct kp_printer printer;
	struct kp_vm_host host = { .emit = uvm_emit, .ctx = &printer };
	struct kp_vm_limits lim;
	struct kp_vm *vm;
	char err[512];
	int ret;

	if (uvm_limits(&opts->limits, &lim))
		return KP_EXIT_SYSTEM;
	if (opts->nevents || opts->cmd || opts->pid) {
		fprintf(stderr, "ktap: the user-space VM has no kernel events; run this script with ktap\n");
		return KP_EXIT_SYSTEM;
	}
	kp_printer_init(&printer, opts->out, opts->timestamps);
	printer.lines = opts->lines;
	ret = kp_vm_load(chunk, len, &lim, &host, &vm, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ktap: the module refused the script: %s\n", err);
		return ret == -EINVAL || ret == -ENOMEM ? KP_EXIT_SCRIPT :
							 KP_EXIT_SYSTEM;
	}
	/* Without events the session stops at once: trace_end runs now. */
	if (!kp_vm_run_main(vm) && opts->end_proto &&
	    opts->end_proto < vm->chunk.nprotos)
		kp_vm_run_proc(vm, &vm->chunk.protos[opts->end_proto]);
	kp_vm_free(vm);
	if (kp_printer_finish(&printer))
		return KP_EXIT_SYSTEM;
	return printer.runtime_error ? KP_EXIT_SCRIPT : KP_EXIT_OK;
}

int kp_module_version(struct ktap_version *v)
{
	v->abi_major = KTAP_ABI_MAJOR;
	v->abi_minor = KTAP_ABI_MINOR;
	snprintf(v->package_version, sizeof(v->package_version), "%s-uvm",
		 PACKAGE_VERSION);
	return 0;
}
