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
	req.flags = 1;
	check(load(fd, &req, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "unknown load flags"), "LOAD with unknown flags");
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
	printf("%d failures\n", failures);
	return failures != 0;
}
