// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of bench/events: getpid() system calls, timed.
 *
 *   getpid-bench COUNT    make COUNT calls, print "ns/call N.NN"
 *   getpid-bench --tick   one call a millisecond until killed, so a
 *                         tracer's first event comes as soon as its
 *                         probe is live
 *
 * Built static so that no dynamic loading adds system calls, and the
 * calls go through syscall() so no libc ever answers from a cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const struct timespec ms = { 0, 1000000 };
	long count, i;
	double start;

	if (argc == 2 && !strcmp(argv[1], "--tick")) {
		for (;;) {
			syscall(SYS_getpid);
			nanosleep(&ms, NULL);
		}
	}
	if (argc != 2 || (count = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: getpid-bench COUNT | --tick\n");
		return 2;
	}
	start = now_ns();
	for (i = 0; i < count; i++)
		syscall(SYS_getpid);
	printf("ns/call %.2f\n", (now_ns() - start) / count);
	return 0;
}
