// SPDX-License-Identifier: GPL-2.0
/*
 * One CPU's output ring (output_ring.h has the layout and the memory
 * ordering).  Records are padded to 8 bytes but may wrap around the end
 * of the buffer, so every copy is split in at most two.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "output_ring.h"

void kp_ring_init(struct kp_ring *r, char *buf, u32 size)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->size = size;
}

u32 kp_ring_room(struct kp_ring *r)
{
	return r->size - (r->head - kp_ring_load_acquire(&r->tail));
}

static void kp_ring_put(struct kp_ring *r, u32 pos, const void *src, u32 n)
{
	u32 at = pos & (r->size - 1);
	u32 first = n < r->size - at ? n : r->size - at;

	memcpy(r->buf + at, src, first);
	memcpy(r->buf, (const char *)src + first, n - first);
}

static void kp_ring_get(struct kp_ring *r, u32 pos, void *dst, u32 n)
{
	u32 at = pos & (r->size - 1);
	u32 first = n < r->size - at ? n : r->size - at;

	memcpy(dst, r->buf + at, first);
	memcpy((char *)dst + first, r->buf, n - first);
}

bool kp_ring_write(struct kp_ring *r, const struct ktap_record *rec,
		   const void *data, bool count_lost)
{
	static const char zero[KTAP_RECORD_ALIGN];
	u32 need = kp_ring_record_bytes(rec->len);
	u32 pos = r->head;

	if (kp_ring_room(r) < need) {
		if (count_lost)
			kp_ring_counter_inc(&r->lost);
		return false;
	}
	kp_ring_put(r, pos, rec, sizeof(*rec));
	kp_ring_put(r, pos + sizeof(*rec), data, rec->len);
	kp_ring_put(r, pos + sizeof(*rec) + rec->len, zero,
		    need - sizeof(*rec) - rec->len);
	kp_ring_store_release(&r->head, pos + need);
	return true;
}

bool kp_ring_peek(struct kp_ring *r, u32 head, struct ktap_record *rec)
{
	if (r->next == head)
		return false;
	kp_ring_get(r, r->next, rec, sizeof(*rec));
	return true;
}

void kp_ring_take(struct kp_ring *r, void *dst, u32 bytes)
{
	kp_ring_get(r, r->next, dst, bytes);
	r->next += bytes;
}

void kp_ring_release(struct kp_ring *r)
{
	kp_ring_store_release(&r->tail, r->next);
}
