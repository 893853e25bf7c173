/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a compiled chunk in the kernel: talk to /dev/ktap, check the
 * module's ABI, load, start, and copy the session's output to stdio.
 */
#ifndef KTAP_SESSION_H
#define KTAP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "uapi/ktap.h"

struct kp_line_map;

struct kp_run_options {
	struct ktap_limits limits;	/* zero fields: module defaults */
	FILE *out;			/* the script's output: stdout or -o */
	bool timestamps;		/* -T */
	const struct ktap_event *events;	/* the script's events */
	unsigned nevents;
	unsigned end_proto;		/* trace_end's prototype, or 0 */
	int cpu;			/* -C, or -1 for every CPU */
	int pid;			/* -p, or 0 */
	double timeout;			/* -t seconds, or 0 */
	char **cmd;			/* -- cmd args: started and traced */
	/* the chunk's tapset lines, for runtime errors; NULL: none */
	const struct kp_line_map *lines;
	/*
	 * The script calls ustack(): follow mmaps while it runs, so its
	 * user frames are named even after their process exited (usym.h).
	 */
	bool user_stacks;
};

/* Exit statuses of the ktap command. */
enum kp_exit {
	KP_EXIT_OK = 0,
	KP_EXIT_SCRIPT = 1,	/* compile, load (verifier) or runtime error */
	KP_EXIT_USAGE = 2,	/* bad command line */
	KP_EXIT_SYSTEM = 3,	/* module missing, ABI mismatch, permissions */
};

/*
 * Load chunk into a new session, run it, stream its output; enum kp_exit.
 * With events, tracing goes on until Ctrl-C (SIGINT, SIGTERM), exit()
 * or a runtime error in the script, the end of the traced command, or
 * the -t timeout; then trace_end runs.
 */
int kp_session_run(const void *chunk, size_t len,
		   const struct kp_run_options *opts);

#endif /* KTAP_SESSION_H */
