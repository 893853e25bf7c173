// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the reorder window (src/merge.c): time order across
 * CPUs, holding records for the window, late records overtaking within
 * it and counted beyond it, ties, the cap on held records, the flush.
 */
#include <stdlib.h>
#include "merge.h"
#include "tap.h"

static char seen[4096];
static size_t nseen;

/* Records the payload's first byte of each emitted record. */
static void collect(void *ctx, const struct ktap_record *rec,
		    const char *payload)
{
	(void)ctx;
	if (nseen < sizeof(seen) - 1 && rec->len)
		seen[nseen++] = payload[0];
	seen[nseen] = '\0';
}

static void push(struct kp_merge *m, unsigned long long t, int cpu, char c)
{
	struct ktap_record rec = { .len = 1, .type = KTAP_REC_OUTPUT,
				   .cpu = cpu, .time_ns = t };

	kp_merge_push(m, &rec, &c);
}

static void reset(void)
{
	nseen = 0;
	seen[0] = '\0';
}

static void test_order(void)
{
	struct kp_merge m;

	kp_merge_init(&m, 50, 1000);
	reset();
	/* Two CPUs' records as one read() might interleave them. */
	push(&m, 10, 0, 'a');
	push(&m, 40, 0, 'd');
	push(&m, 20, 1, 'b');
	push(&m, 30, 1, 'c');
	push(&m, 45, 1, 'e');
	kp_merge_drain(&m, 1000, collect, NULL);
	is_str(seen, "abcde", "records of several CPUs come out in time order");
	push(&m, 60, 0, 'x');
	push(&m, 60, 1, 'y');
	push(&m, 60, 0, 'z');
	kp_merge_drain(&m, 1000, collect, NULL);
	is_str(seen, "abcdexyz", "equal timestamps keep their arrival order");
	kp_merge_free(&m);
}

static void test_window(void)
{
	struct kp_merge m;

	kp_merge_init(&m, 50, 1000);
	reset();
	push(&m, 100, 0, 'a');
	kp_merge_drain(&m, 149, collect, NULL);
	is_str(seen, "", "a record younger than the window is held");
	is_int(kp_merge_due_in(&m, 120), 30, "and due when the window has passed");
	kp_merge_drain(&m, 150, collect, NULL);
	is_str(seen, "a", "and emitted once it is window old");
	is_int(kp_merge_due_in(&m, 150), -1, "nothing held, nothing due");
	push(&m, 200, 0, 'c');
	push(&m, 190, 1, 'b');	/* committed late on another CPU */
	kp_merge_drain(&m, 245, collect, NULL);
	is_str(seen, "ab", "a late record within the window overtakes");
	kp_merge_drain(&m, 250, collect, NULL);
	is_str(seen, "abc", "and the newer one follows");
	is_int(m.late, 0, "nothing came out of order");
	push(&m, 120, 1, 'z');	/* later than the window allows */
	kp_merge_drain(&m, 300, collect, NULL);
	is_str(seen, "abcz", "a record beyond the window is still printed");
	is_int(m.late, 1, "and counted late");
	kp_merge_free(&m);
}

static void test_cap_and_flush(void)
{
	struct kp_merge m;
	unsigned long long last = 0;
	int i, sorted = 1;

	kp_merge_init(&m, 1000, 3);
	reset();
	push(&m, 5, 0, 'e');
	push(&m, 1, 0, 'a');
	push(&m, 4, 0, 'd');
	push(&m, 2, 0, 'b');
	push(&m, 3, 0, 'c');
	kp_merge_drain(&m, 0, collect, NULL);
	is_str(seen, "ab", "beyond max_held the oldest go out at once");
	kp_merge_flush(&m, collect, NULL);
	is_str(seen, "abcde", "the flush emits everything held, in order");
	kp_merge_free(&m);

	kp_merge_init(&m, 1000, 100000);
	srand(7);
	for (i = 0; i < 20000; i++) {
		struct ktap_record rec = { .len = sizeof(unsigned long long),
					   .time_ns = (unsigned long long)rand() };

		kp_merge_push(&m, &rec, (const char *)&rec.time_ns);
	}
	while (m.n) {
		unsigned long long t = m.heap[0].rec.time_ns;

		if (t < last)
			sorted = 0;
		last = t;
		kp_merge_drain(&m, t + 1000, collect, NULL);
	}
	ok(sorted, "20000 random timestamps come out sorted");
	is_int(m.late, 0, "none late");
	kp_merge_free(&m);
}

int main(void)
{
	test_order();
	test_window();
	test_cap_and_flush();
	return done();
}
