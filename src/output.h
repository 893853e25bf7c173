/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing a session's output records (uapi/ktap.h struct ktap_record)
 * the way ktap shows them, whichever VM produced them, and ktap's own
 * messages at the verbosity -q / -v chose.
 */
#ifndef KTAP_OUTPUT_H
#define KTAP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "uapi/ktap.h"

struct kp_line_map;
struct kp_usym;

struct kp_printer {
	FILE *out;			/* stdout, or the -o file */
	bool timestamps;		/* -T */
	unsigned long long start_ns;	/* -T prints time since this */
	bool mid_line;			/* the last text did not end a line */
	bool runtime_error;		/* an ERROR record arrived */
	unsigned long long lost;	/* summed LOST records */
	unsigned long long dropped;	/* DROPPED: event hits not run */
	unsigned long long records;	/* OUTPUT records printed */
	unsigned long long bytes;	/* their payload bytes */
	unsigned long long cpus;	/* CPUs 0..63 that wrote them, a mask */
	/* a runtime error in tapset code names the tapset: see compile.h */
	const struct kp_line_map *lines;
	/* names user stack frames (usym.h); NULL: the text is printed as is */
	struct kp_usym *usym;
};

/* CLOCK_MONOTONIC in nanoseconds: the clock of the records' time_ns. */
unsigned long long kp_now_ns(void);

void kp_printer_init(struct kp_printer *p, FILE *out, bool timestamps);

/*
 * Print one record: output to p->out (with -T, every line that starts
 * gets the record's time since start_ns as "SECONDS.MICROSECONDS "),
 * a runtime error to stderr as "error: ...", a lost-records count is
 * added up for kp_printer_finish().
 */
void kp_printer_record(struct kp_printer *p, const struct ktap_record *rec,
		       const char *payload);

/*
 * Hand what is printed so far to the reader of p->out (a pipe or file
 * is block-buffered by stdio): called whenever the session goes idle,
 * so `ktap ... | grep` sees a quiet trace's lines as they happen while
 * a busy one still writes in large blocks.
 */
void kp_printer_flush(struct kp_printer *p);

/*
 * The end of the output: flush it, report lost records on stderr.
 * Returns -1 (after saying why) when the output could not be written.
 */
int kp_printer_finish(struct kp_printer *p);

/* ktap's messages on stderr: 0 with -q, 1 by default, 2 and up with -v. */
extern int kp_verbosity;

/* A banner or summary line, left out under -q. */
void kp_msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What ktap is doing, shown with -v only. */
void kp_msg_verbose(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* KTAP_OUTPUT_H */
