// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe-target: what the uprobe and SDT kernel tests probe.  Built with
 * -g, it calls functions with arguments derived from its pid (so no test
 * can pass on remembered numbers), fires SDT markers of every operand
 * form, and prints each value as "P WHAT VALUES" so a test can compare
 * what ktap saw ("K WHAT VALUES") with what really happened.
 *
 *   uprobe-target [ROUNDS [PAUSE_MS]]   (defaults: 1 round, no pause)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

/* volatile: the markers name them in memory, symbol(%rip) */
volatile long ut_global;
static volatile int ut_static;

/* The semaphore-guarded marker lives in uprobe-target-sem.c. */
int ut_sem_fire(long value);
/* Global, so .symtab names them; noinline, so they are really called. */
long ut_add(long a, long b);
int ut_neg(int x);
long ut_eight(long a, long b, long c, long d, long e, long f, long g, long h);

__attribute__((noinline)) long ut_add(long a, long b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

/* An int result: only the low half of rax is defined (see retval). */
__attribute__((noinline)) int ut_neg(int x)
{
	__asm__ volatile("" ::: "memory");
	return -x;
}

/* More arguments than registers: the seventh and eighth are on the stack. */
__attribute__((noinline)) long ut_eight(long a, long b, long c, long d,
					long e, long f, long g, long h)
{
	__asm__ volatile("" ::: "memory");
	return a + b + c + d + e + f + g + h;
}

static void round_once(long seed)
{
	long (*volatile labs_p)(long) = labs;	/* a call into libc */
	volatile long on_stack = seed * 7;
	long a = seed, b = seed % 97 + 3, r;
	int n;

	r = ut_add(a, b);
	printf("P add %ld %ld\nP add= %ld\n", a, b, r);
	n = ut_neg((int)b);
	printf("P neg %ld\nP neg= %d\n", b, n);
	r = ut_eight(1, 2, 3, 4, 5, 6, seed, seed + 1);
	printf("P eight %ld %ld\nP eight= %ld\n", seed, seed + 1, r);
	r = labs_p(-seed);
	printf("P labs %ld\nP labs= %ld\nP pid %d\n", -seed, r, (int)getpid());
	ut_global = seed * 5;
	ut_static = -(int)seed;
	/* a register, a constant, the stack; globals (symbol(%rip)) */
	DTRACE_PROBE3(ktap_test, forms, b, 5, on_stack);
	printf("P forms %ld 5 %ld\n", b, (long)on_stack);
	DTRACE_PROBE2(ktap_test, globals, ut_global, ut_static);
	printf("P globals %ld %d\n", ut_global, ut_static);
	DTRACE_PROBE2(ktap_test, neg, (int)-b, (short)-3);
	printf("P sdtneg %ld -3\n", -b);
	DTRACE_PROBE(ktap_test, noargs);
	printf("P semaphore %d\n", ut_sem_fire(seed));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 1, i;
	long pause_ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000 };

	for (i = 0; i < rounds; i++) {
		round_once(getpid() % 10000 + 100 + i);
		if (pause_ms)
			nanosleep(&ts, NULL);
	}
	return 0;
}
