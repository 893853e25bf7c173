// SPDX-License-Identifier: GPL-2.0
/*
 * How ktap prints what a script emitted, shared by the kernel session
 * (src/session.c) and the user-space test VM (tests/tools/uvm-session.c)
 * so both show exactly the same thing; and ktap's own messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "compile.h"
#include "output.h"
#include "usym.h"

int kp_verbosity = 1;

unsigned long long kp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void kp_printer_init(struct kp_printer *p, FILE *out, bool timestamps)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->timestamps = timestamps;
	p->start_ns = kp_now_ns();
}

static void kp_printer_stamp(struct kp_printer *p, unsigned long long t)
{
	unsigned long long rel = t > p->start_ns ? t - p->start_ns : 0;

	fprintf(p->out, "%llu.%06llu ", rel / 1000000000ULL,
		rel % 1000000000ULL / 1000);
}

static void kp_printer_text(struct kp_printer *p, const char *s,
			    unsigned int len, unsigned long long t)
{
	const char *end;

	if (p->usym)
		len = (unsigned int)kp_usym_expand(p->usym, s, len, &s);
	end = s + len;
	if (!p->timestamps) {
		fwrite(s, 1, len, p->out);
		return;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		const char *stop = nl ? nl + 1 : end;

		if (!p->mid_line)
			kp_printer_stamp(p, t);
		fwrite(s, 1, stop - s, p->out);
		p->mid_line = !nl;
		s = stop;
	}
}

void kp_printer_record(struct kp_printer *p, const struct ktap_record *rec,
		       const char *payload)
{
	unsigned long long lost;
	char msg[4096];

	switch (rec->type) {
	case KTAP_REC_OUTPUT:
		kp_printer_text(p, payload, rec->len, rec->time_ns);
		p->records++;
		p->bytes += rec->len;
		if (rec->cpu < 64)
			p->cpus |= 1ULL << rec->cpu;
		break;
	case KTAP_REC_ERROR:
		fflush(p->out);
		fprintf(stderr, "error: %s\n",
			kp_line_map_error(p->lines, payload, rec->len, msg,
					  sizeof(msg)));
		p->runtime_error = true;
		break;
	case KTAP_REC_LOST:
		if (rec->len >= sizeof(lost)) {
			memcpy(&lost, payload, sizeof(lost));
			p->lost += lost;
		}
		break;
	case KTAP_REC_DROPPED:
		if (rec->len >= sizeof(lost)) {
			memcpy(&lost, payload, sizeof(lost));
			p->dropped += lost;
		}
		break;
	default:
		fprintf(stderr, "ktap: ignoring output record of unknown type %u\n",
			rec->type);
	}
}

void kp_printer_flush(struct kp_printer *p)
{
	fflush(p->out);	/* an error sticks; kp_printer_finish reports it */
}

int kp_printer_finish(struct kp_printer *p)
{
	int ret = 0;

	if (fflush(p->out) || ferror(p->out)) {
		fprintf(stderr, "ktap: writing the output failed: %s\n",
			strerror(errno));
		ret = -1;
	}
	kp_msg_verbose("%llu output records (%llu bytes) from %d CPU%s",
		       p->records, p->bytes, __builtin_popcountll(p->cpus),
		       __builtin_popcountll(p->cpus) == 1 ? "" : "s");
	/* Not under -q: a run that lost output must say so. */
	if (p->lost)
		fprintf(stderr, "ktap: %llu records lost (an output buffer was full; -B SIZE gives each CPU a larger one)\n",
			p->lost);
	if (p->dropped)
		fprintf(stderr, "ktap: %llu event hits dropped (the session's VM was busy, or NMI context)\n",
			p->dropped);
	return ret;
}

static void kp_msg(const char *fmt, va_list ap)
{
	fputs("ktap: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void kp_msg_info(const char *fmt, ...)
{
	va_list ap;

	if (kp_verbosity < 1)
		return;
	va_start(ap, fmt);
	kp_msg(fmt, ap);
	va_end(ap);
}

void kp_msg_verbose(const char *fmt, ...)
{
	va_list ap;

	if (kp_verbosity < 2)
		return;
	va_start(ap, fmt);
	kp_msg(fmt, ap);
	va_end(ap);
}
