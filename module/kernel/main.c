// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm module entry: the /dev/ktap misc device, the module parameters
 * (ceilings on session limits) and version reporting.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/moduleparam.h>
#include "../uapi/ktap.h"
#include "session.h"

struct kp_ceilings kp_ceilings = {
	.max_insns = 100000000,		/* about a second of bytecode */
	.max_memory = 256UL << 20,
	.max_string = 65536,
	.max_depth = 10000,		/* memory is bounded by max_memory */
	.max_entries = 1U << 24,	/* as above; a sanity bound */
	.output_size = 16U << 20,	/* per CPU */
};

bool kp_output_wait = true;

module_param_named(max_insns, kp_ceilings.max_insns, ulong, 0644);
MODULE_PARM_DESC(max_insns, "Highest instruction limit a session may ask for");
module_param_named(max_memory, kp_ceilings.max_memory, ulong, 0644);
MODULE_PARM_DESC(max_memory, "Highest session memory limit in bytes");
module_param_named(max_string, kp_ceilings.max_string, uint, 0644);
MODULE_PARM_DESC(max_string, "Highest string length limit in bytes");
module_param_named(max_depth, kp_ceilings.max_depth, uint, 0644);
MODULE_PARM_DESC(max_depth, "Highest call depth limit a session may ask for");
module_param_named(max_entries, kp_ceilings.max_entries, uint, 0644);
MODULE_PARM_DESC(max_entries, "Highest table entries limit a session may ask for");
module_param_named(output_size, kp_ceilings.output_size, uint, 0644);
MODULE_PARM_DESC(output_size, "Highest output buffer size per CPU a session may ask for, in bytes");
module_param_named(output_wait, kp_output_wait, bool, 0644);
MODULE_PARM_DESC(output_wait, "Top-level code and trace_end wait for the reader when their CPU's output buffer is full (N: drop and count, as probes do)");

struct kp_last_session kp_last_session;

module_param_named(last_pool_objects, kp_last_session.pool_objects, ulong, 0444);
MODULE_PARM_DESC(last_pool_objects, "Objects live in the pool of the session closed last");
module_param_named(last_pool_carved, kp_last_session.pool_carved, ulong, 0444);
MODULE_PARM_DESC(last_pool_carved, "Bytes the session closed last carved from its pool");
module_param_named(last_dropped, kp_last_session.dropped, ulong, 0444);
MODULE_PARM_DESC(last_dropped, "Events the session closed last dropped");

/* Read-only, so user space can check the ABI before opening the device. */
static char abi_version[16] = __stringify(KTAP_ABI_MAJOR) "." __stringify(KTAP_ABI_MINOR);
module_param_string(abi_version, abi_version, sizeof(abi_version), 0444);
MODULE_PARM_DESC(abi_version, "ABI version (major.minor) spoken on /dev/ktap");

static struct miscdevice kp_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KTAP_DEVICE_NAME,
	.fops = &kp_session_fops,
	.mode = 0600,
};

static int __init kp_init(void)
{
	int ret = misc_register(&kp_device);

	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", KTAP_DEVICE_NAME, ret);
		return ret;
	}
	pr_info("ktapvm %s loaded (ABI %s)\n", KTAP_PACKAGE_VERSION,
		abi_version);
	return 0;
}

static void __exit kp_exit(void)
{
	misc_deregister(&kp_device);
}

module_init(kp_init);
module_exit(kp_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ktap developers");
MODULE_DESCRIPTION("ktap virtual machine: runs verified tracing bytecode");
MODULE_VERSION(KTAP_PACKAGE_VERSION);
