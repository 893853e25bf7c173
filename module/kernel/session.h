/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions: one per open of /dev/ktap, owning its VM, output and events.
 */
#ifndef KP_SESSION_H
#define KP_SESSION_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include "event.h"
#include "output.h"

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

enum kp_session_state {
	KP_SESSION_NEW,
	KP_SESSION_LOADED,
	KP_SESSION_LIVE,	/* events enabled, until STOP */
	KP_SESSION_ENDED,	/* output ended */
};

struct kp_session {
	struct mutex lock;		/* serialises ioctls */
	enum kp_session_state state;
	struct kp_vm *vm;
	struct kp_output out;
	/*
	 * The task running VM code in process context (the top-level code,
	 * trace_end) inside an ioctl, or NULL: its output may wait for the
	 * reader when a ring is full (module parameter output_wait).  Any
	 * other writer, a probe handler, drops and counts.
	 */
	struct task_struct *runner;
	struct kp_events events;
	u32 end_proto;			/* trace_end body, or 0 */
	bool failed;			/* a probe hit a runtime error */
	bool exit_requested;		/* exit() ran */
};

/* A probe's runtime error: stop the events, ask ktap to STOP. */
void kp_session_probe_failed(struct kp_session *s);

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
