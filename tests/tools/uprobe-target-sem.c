// SPDX-License-Identifier: GPL-2.0
/*
 * The semaphore-guarded SDT marker of uprobe-target: a separate file,
 * since sys/sdt.h gives every marker of a file a semaphore or none.
 * The semaphore is non-zero only while a tracer is attached.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short ktap_test_guarded_semaphore
	__attribute__((unused)) __attribute__((section(".probes")));

int ut_sem_fire(long value);

/* Fires the marker when someone listens; says whether it did. */
int ut_sem_fire(long value)
{
	if (!__builtin_expect(ktap_test_guarded_semaphore, 0))
		return 0;
	DTRACE_PROBE1(ktap_test, guarded, value);
	return 1;
}
