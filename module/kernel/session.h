/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions: one per open of /dev/ktap, owning its VM and output.
 */
#ifndef KP_SESSION_H
#define KP_SESSION_H

#include <linux/fs.h>

extern const struct file_operations kp_session_fops;

/* Ceilings on what a session may ask for, set by module parameters. */
struct kp_ceilings {
	unsigned long max_insns;
	unsigned long max_memory;
	unsigned int max_string;
	unsigned int max_depth;
	unsigned int max_entries;
	unsigned int output_size;
};

extern struct kp_ceilings kp_ceilings;

/* Process-context output waits for the reader (module parameter). */
extern bool kp_output_wait;
/*
 * The pool of the session closed last, read back through read-only
 * module parameters (last_pool_objects ...) by the kernel tests: a
 * script that let go of everything must leave nothing live.
 */
struct kp_last_session {
	unsigned long pool_objects;
	unsigned long pool_carved;
	unsigned long dropped;
};

extern struct kp_last_session kp_last_session;

#endif /* KP_SESSION_H */
