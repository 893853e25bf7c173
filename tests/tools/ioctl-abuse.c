// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-abuse: drives /dev/ktap with malformed requests and checks that
 * each gets the documented errno (and message), never a crash.  Runs in
 * the kernel tests, prints TAP-like "ok"/"not ok" lines and a summary the
 * data-file test matches.  Test-only; never installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "uapi/ktap.h"

static int failures;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	failures += !cond;
}

static int open_session(void)
{
	int fd = open(KTAP_DEVICE_PATH, O_RDWR);

	if (fd < 0) {
		perror(KTAP_DEVICE_PATH);
		exit(2);
	}
	return fd;
}

/* LOAD and return -errno (0 on success); the module's message in err. */
static int load(int fd, struct ktap_load *req, char *err, size_t errlen)
{
	err[0] = '\0';
	req->err_buf = (unsigned long)err;
	req->err_len = errlen;
	return ioctl(fd, KTAP_IOC_LOAD, req) ? -errno : 0;
}

static void abuse_load(const void *chunk, size_t len)
{
	struct ktap_load req = { .size = sizeof(req) };
	char err[512];
	int fd = open_session();

	check(ioctl(fd, 0xdead) < 0 && errno == ENOTTY, "unknown ioctl: ENOTTY");
	check(ioctl(fd, KTAP_IOC_START) < 0 && errno == EINVAL,
	      "START before LOAD: EINVAL");
	/* every bit but the one flag ABI 1.10 defines */
	req.flags = ~(__u32)KTAP_LOAD_USER_SYMBOLS;
	check(load(fd, &req, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "unknown load flags 0xfffffffe"),
	      "LOAD with unknown flags");
	req.flags = 0;
	req.chunk_len = KTAP_CHUNK_MAX + 1;
	check(load(fd, &req, err, sizeof(err)) == -E2BIG &&
	      strstr(err, "larger than"), "LOAD of an oversized chunk");
	req.chunk = 16;		/* an address nobody maps */
	req.chunk_len = len;
	check(load(fd, &req, err, sizeof(err)) == -EFAULT,
	      "LOAD from a bad address: EFAULT");
	req.size = 1 << 20;
	check(load(fd, &req, err, sizeof(err)) == -E2BIG,
	      "LOAD with a huge struct size: E2BIG");
	req.size = sizeof(req);
	req.limits.max_memory = 1;
	req.chunk = (unsigned long)chunk;
	check(load(fd, &req, err, sizeof(err)) == -ENOMEM &&
	      strstr(err, "session memory"), "LOAD into 1 byte of memory");
	req.limits.max_memory = 0;
	req.limits.output_size = KTAP_OUTPUT_SIZE_MIN - 1;
	check(load(fd, &req, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "below the minimum 8192"),
	      "LOAD with an output buffer below the minimum");
	req.limits.output_size = KTAP_OUTPUT_SIZE_MAX + 1;
	check(load(fd, &req, err, sizeof(err)) == -E2BIG &&
	      strstr(err, "module parameter ktapvm.output_size"),
	      "LOAD with an output buffer above the ceiling");
	/* Not a power of two: the module rounds it up. */
	req.limits.output_size = KTAP_OUTPUT_SIZE_MIN + 1;
	check(load(fd, &req, err, 8) == 0, "a good LOAD after all that");
	check(load(fd, &req, err, 8) == -EBUSY && strlen(err) == 7,
	      "a second LOAD: EBUSY, message cut to the buffer");
	close(fd);
}

static void abuse_read(const void *chunk, size_t len)
{
	struct ktap_load req = {
		.size = sizeof(req), .chunk = (unsigned long)chunk,
		.chunk_len = len,
	};
	struct pollfd pfd;
	char err[512], small[8], big[4096];
	int fd = open_session();

	check(load(fd, &req, err, sizeof(err)) == 0, "LOAD for reading");
	check(ioctl(fd, KTAP_IOC_START) == 0, "START runs the script");
	pfd.fd = fd;
	pfd.events = POLLIN;
	check(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN),
	      "poll says output is ready");
	check(read(fd, small, sizeof(small)) < 0 && errno == EINVAL,
	      "read into a buffer smaller than a record: EINVAL");
	check(read(fd, big, sizeof(big)) > (ssize_t)sizeof(struct ktap_record),
	      "read returns the record");
	check(read(fd, big, sizeof(big)) == 0, "then end of session: 0");
	check(ioctl(fd, KTAP_IOC_START) < 0 && errno == EINVAL,
	      "a second START: EINVAL");
	close(fd);
}

/* LOAD with one event descriptor; -errno, the message in err. */
static int load_event(const void *chunk, size_t len, struct ktap_event *ev,
		      struct ktap_load *extra, char *err, size_t errlen)
{
	struct ktap_load req = {
		.size = sizeof(req), .chunk = (unsigned long)chunk,
		.chunk_len = len, .events = (unsigned long)ev, .nevents = 1,
		.cpu = -1, .event_size = sizeof(*ev),
	};
	int fd = open_session(), ret;

	if (extra) {
		if (extra->event_size)
			req.event_size = extra->event_size;
		req.nevents = extra->nevents;
		req.cpu = extra->cpu;
		req.pid = extra->pid;
		req.end_proto = extra->end_proto;
		if (extra->events)
			req.events = extra->events;
	}
	ret = load(fd, &req, err, errlen);
	close(fd);
	return ret;
}

static struct ktap_event tick(unsigned period)
{
	struct ktap_event ev = {
		.type = KTAP_EVENT_TICK, .proto = 1, .config = period,
	};

	strcpy(ev.name, "tick-1ms");
	return ev;
}

/* Malformed event descriptors (the chunk must have a prototype 1). */
static void abuse_events(const void *chunk, size_t len)
{
	struct ktap_event_field f = { .name = "x", .offset = 8, .size = 4,
				      .kind = KTAP_FIELD_INT };
	struct ktap_load x = { .nevents = 1, .cpu = -1 };
	struct ktap_event ev;
	char err[512];

	ev = tick(1000000);
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == 0,
	      "a good tick descriptor loads");
	ev.type = 0;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "bad type"), "event type 0: EINVAL");
	ev = tick(1000000);
	ev.proto = 0;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "the top level as a body: EINVAL");
	ev.proto = 999;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "a body past the prototypes: EINVAL");
	ev = tick(1000);
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "below the minimum"), "a 1us timer: EINVAL");
	ev = tick(1000000);
	memset(ev.name, 'a', sizeof(ev.name));
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "not terminated"), "an unterminated name: EINVAL");
	ev = tick(1000000);
	ev.flags = 0x80;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "unknown event flags: EINVAL");
	ev.flags = 0;
	ev.nfields = 1;
	ev.fields = (unsigned long)&f;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "only tracepoints"), "a timer with fields: EINVAL");
	ev.type = KTAP_EVENT_TRACEPOINT;
	ev.fields = 16;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EFAULT,
	      "fields at a bad address: EFAULT");
	ev.fields = (unsigned long)&f;
	ev.nfields = KTAP_FIELDS_MAX + 1;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "too many fields: EINVAL");
	ev.nfields = 1;
	ev.slots[3] = 2;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "slot"), "a $name slot past the fields: EINVAL");
	ev.slots[3] = 1;
	f.kind = 9;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "malformed"), "a field of unknown kind: EINVAL");
	f.kind = KTAP_FIELD_INT;
	f.size = 3;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "a 3-byte integer field: EINVAL");
	f.size = 4;
	ev.fmt_nargs = 1;
	ev.fmt_args[0] = 1;
	ev.fmt_len = 2;
	ev.fmt = (unsigned long)"%d";
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "argstr"), "argstr of a field past the end: EINVAL");
	ev.fmt_args[0] = 0;
	ev.config = 0xfffffff;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) < 0 &&
	      strstr(err, "cannot attach tracepoint"),
	      "a tracepoint id that does not exist is refused");
	memset(&ev, 0, sizeof(ev));
	ev.type = KTAP_EVENT_KPROBE;
	ev.proto = 1;
	strcpy(ev.name, "no_such_function_in_any_kernel");
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -ENOENT &&
	      strstr(err, "no such symbol"), "a kprobe on nothing: ENOENT");
	ev = tick(1000000);
	x.cpu = 4096;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EINVAL,
	      "cpu 4096: EINVAL");
	x.cpu = -1;
	x.pid = -5;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EINVAL,
	      "a negative pid: EINVAL");
	x.pid = 0;
	x.end_proto = 999;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "trace_end"), "a trace_end past the prototypes: EINVAL");
	x.end_proto = 0;
	x.nevents = KTAP_EVENTS_MAX + 1;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EINVAL,
	      "too many events: EINVAL");
	x.nevents = 2;
	x.events = 16;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EFAULT,
	      "descriptors at a bad address: EFAULT");
}

/* Malformed uprobe descriptors and argument locations (ABI 1.9). */
static void abuse_uprobes(const void *chunk, size_t len)
{
	struct ktap_event_arg a = { .kind = KTAP_ARG_REG, .size = 8,
				    .base = 5, .index = KTAP_REG_NONE };
	struct ktap_load x = { .nevents = 1, .cpu = -1 };
	struct {
		struct ktap_event ev;
		__u64 more;
	} big;
	struct ktap_event ev;
	char err[512];

	memset(&ev, 0, sizeof(ev));
	ev.type = KTAP_EVENT_UPROBE;
	ev.proto = 1;
	strcpy(ev.name, "u");
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "needs a path"), "a uprobe without a path: EINVAL");
	ev.path = 16;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EFAULT,
	      "a uprobe path at a bad address: EFAULT");
	ev.path = (unsigned long)"/no/such/file";
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -ENOENT &&
	      strstr(err, "no such file"), "a uprobe on a missing file: ENOENT");
	ev.path = (unsigned long)"/";
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "not a regular file"), "a uprobe on a directory: EINVAL");
	ev = tick(1000000);
	ev.path = (unsigned long)"/bin/true";
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "belong to uprobes"), "a timer with a path: EINVAL");
	ev = tick(1000000);
	ev.nargs = 1;
	ev.args = (unsigned long)&a;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "only for probes"), "a timer with arguments: EINVAL");
	memset(&ev, 0, sizeof(ev));
	ev.type = KTAP_EVENT_KPROBE;
	ev.proto = 1;
	strcpy(ev.name, "no_such_function_in_any_kernel");
	ev.nargs = 1;
	ev.args = (unsigned long)&a;
	ev.nnum = 2;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "more numbered arguments than locations: EINVAL");
	ev.nnum = 1;
	a.base = 17;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "malformed"), "register 17: EINVAL");
	a.base = 5;
	a.kind = 9;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "an argument of unknown kind: EINVAL");
	a.kind = KTAP_ARG_MEM;
	a.index = 3;
	a.scale = 3;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "an index scaled by 3: EINVAL");
	a.scale = 4;
	ev.args = 16;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EFAULT,
	      "arguments at a bad address: EFAULT");
	ev.nargs = KTAP_EVENT_ARGS_MAX + 1;
	check(load_event(chunk, len, &ev, NULL, err, sizeof(err)) == -EINVAL,
	      "too many argument locations: EINVAL");
	ev = tick(1000000);
	x.event_size = 100;
	check(load_event(chunk, len, &ev, &x, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "descriptors of 100 bytes"),
	      "descriptors smaller than ABI 1.8's: EINVAL");
	memset(&big, 0, sizeof(big));
	big.ev = tick(1000000);
	big.more = 1;
	x.event_size = sizeof(big);
	x.events = (unsigned long)&big;
	check(load_event(chunk, len, &big.ev, &x, err, sizeof(err)) == -E2BIG &&
	      strstr(err, "does not know"),
	      "descriptor fields of a newer ABI: E2BIG");
	big.more = 0;
	check(load_event(chunk, len, &big.ev, &x, err, sizeof(err)) == 0,
	      "a larger descriptor with zero tail loads");
}

/* A live session: START says so, STOP ends it, read() then sees the end. */
static void abuse_live(const void *chunk, size_t len)
{
	struct ktap_event ev = tick(1000000);
	struct ktap_load req = {
		.size = sizeof(req), .chunk = (unsigned long)chunk,
		.chunk_len = len, .events = (unsigned long)&ev, .nevents = 1,
		.cpu = -1,
	};
	char err[512], buf[65536];
	int fd = open_session();
	ssize_t n;

	check(ioctl(fd, KTAP_IOC_STOP) == 0, "STOP before LOAD does nothing");
	check(load(fd, &req, err, sizeof(err)) == 0, "LOAD a tick event");
	check(ioctl(fd, KTAP_IOC_START) == 1, "START with events: 1, live");
	usleep(50000);
	check(ioctl(fd, KTAP_IOC_STOP) == 0, "STOP ends the session");
	check(ioctl(fd, KTAP_IOC_STOP) == 0, "a second STOP does nothing");
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0);
	check(n == 0, "read() then reaches the end");
	close(fd);
}

int main(int argc, char **argv)
{
	static char chunk[KTAP_CHUNK_MAX];
	FILE *f;
	size_t len;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: ioctl-abuse CHUNK-FILE (from ktap --emit-chunk)\n");
		return 2;
	}
	len = fread(chunk, 1, sizeof(chunk), f);
	fclose(f);
	abuse_load(chunk, len);
	abuse_read(chunk, len);
	abuse_events(chunk, len);
	abuse_uprobes(chunk, len);
	abuse_live(chunk, len);
	printf("%d failures\n", failures);
	return failures != 0;
}
