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

#endif /* KP_SESSION_H */
