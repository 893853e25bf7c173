// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of one CPU's output ring (module/kernel/output_ring.c, the
 * kernel's code built in user space): whole records in and out, drops
 * when full, wraparound of the buffer and of the 32-bit counters, the
 * nesting guard, and a producer and a consumer thread at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include "../../module/kernel/output_ring.h"
#include "tap.h"

#define RING_SIZE	KTAP_OUTPUT_SIZE_MIN

static char ring_buf[RING_SIZE];

static bool put(struct kp_ring *r, u32 len, unsigned char fill, u64 t)
{
	char data[KTAP_RECORD_MAX];
	struct ktap_record rec = { .len = len, .type = KTAP_REC_OUTPUT,
				   .time_ns = t };

	memset(data, fill, len);
	return kp_ring_write(r, &rec, data, true);
}

/* Take the oldest record; false when empty or its bytes are wrong. */
static bool get(struct kp_ring *r, u32 len, unsigned char fill, u64 t)
{
	static char out[KTAP_RECORD_MAX + sizeof(struct ktap_record) + 8];
	struct ktap_record rec;
	u32 i;

	if (!kp_ring_peek(r, kp_ring_head(r), &rec) || rec.len != len ||
	    rec.time_ns != t)
		return false;
	kp_ring_take(r, out, kp_ring_record_bytes(rec.len));
	kp_ring_release(r);
	for (i = 0; i < len; i++)
		if ((unsigned char)out[sizeof(rec) + i] != fill)
			return false;
	return true;
}

static void test_fill_and_drop(void)
{
	struct kp_ring r;
	int n = 0;

	kp_ring_init(&r, ring_buf, RING_SIZE);
	is_int(kp_ring_record_bytes(0), 16, "an empty record is its header");
	is_int(kp_ring_record_bytes(9), 32, "payloads are padded to 8");
	while (put(&r, 100, 'a', n))
		n++;
	/* 100 bytes take 16 + 104 = 120; 8192 / 120 = 68. */
	is_int(n, 68, "a full ring holds as many records as fit");
	is_int(kp_ring_lost(&r), 1, "the record that did not fit is counted");
	is_int(kp_ring_room(&r), 32, "8192 - 68 * 120 bytes are left");
	ok(put(&r, 8, 'p', 100), "a 24-byte record still fits");
	ok(!put(&r, 0, 0, 101), "a 16-byte one no longer does");
	is_int(kp_ring_lost(&r), 2, "and is counted too");
	{
		struct ktap_record rec = { .len = 0 };

		ok(!kp_ring_write(&r, &rec, "", false),
		   "a writer that will wait is refused too");
		is_int(kp_ring_lost(&r), 2, "without counting a loss");
	}
	ok(get(&r, 100, 'a', 0) && get(&r, 100, 'a', 1),
	   "records come out oldest first, intact");
	ok(put(&r, 100, 'b', 99), "consuming makes room again");
}

static void test_wrap(u32 start)
{
	struct kp_ring r;
	bool good = true;
	u32 i, len;

	kp_ring_init(&r, ring_buf, RING_SIZE);
	r.head = r.tail = r.next = start;
	/* Lengths that do not divide the size, so records straddle the end. */
	for (i = 0; i < 20000 && good; i++) {
		len = (i * 37) % 1500;
		good = put(&r, len, (unsigned char)i, i) &&
		       put(&r, len / 2, (unsigned char)~i, i + 1) &&
		       get(&r, len, (unsigned char)i, i) &&
		       get(&r, len / 2, (unsigned char)~i, i + 1);
	}
	ok(good, "20000 rounds across the end of the buffer (counters from 0x%x) keep every byte",
	   start);
	is_int(kp_ring_lost(&r), 0, "and lose nothing");
	is_int(r.head - r.tail, 0, "and leave the ring empty");
}

static void test_guard(void)
{
	struct kp_ring r;

	kp_ring_init(&r, ring_buf, RING_SIZE);
	ok(kp_ring_enter(&r), "the first writer on a CPU gets in");
	ok(!kp_ring_enter(&r), "a nested writer (an interrupt or NMI) is refused");
	is_int(kp_ring_lost(&r), 1, "and its record counted lost");
	kp_ring_exit(&r);
	ok(kp_ring_enter(&r), "after the outer writer leaves, the next gets in");
	kp_ring_exit(&r);
}

/* One producer, one consumer, as a CPU and the reader in the kernel. */
#define STRESS_RECORDS	300000

static void *stress_producer(void *arg)
{
	struct kp_ring *r = arg;
	u64 i;

	for (i = 0; i < STRESS_RECORDS; i++) {
		struct ktap_record rec = { .len = sizeof(i), .time_ns = i };

		kp_ring_write(r, &rec, &i, true);
	}
	return NULL;
}

static void test_threads(void)
{
	static char big[64 * 1024];
	struct kp_ring r;
	pthread_t producer;
	u64 got = 0, last = 0, bad = 0;
	bool first = true;

	kp_ring_init(&r, big, sizeof(big));
	pthread_create(&producer, NULL, stress_producer, &r);
	for (;;) {
		char out[32];
		struct ktap_record rec;
		u64 v;

		if (!kp_ring_peek(&r, kp_ring_head(&r), &rec)) {
			if (got + kp_ring_lost(&r) == STRESS_RECORDS)
				break;
			continue;
		}
		kp_ring_take(&r, out, kp_ring_record_bytes(rec.len));
		kp_ring_release(&r);
		memcpy(&v, out + sizeof(rec), sizeof(v));
		if (v != rec.time_ns || (!first && v <= last))
			bad++;
		first = false;
		last = v;
		got++;
	}
	pthread_join(producer, NULL);
	is_int(bad, 0, "a concurrent consumer sees every record whole and in order");
	is_int(got + kp_ring_lost(&r), STRESS_RECORDS,
	       "records read plus records lost = records written (%llu lost)",
	       (unsigned long long)kp_ring_lost(&r));
}

int main(void)
{
	test_fill_and_drop();
	test_wrap(0);
	test_wrap(0xfffff000u);
	test_guard();
	test_threads();
	return done();
}
