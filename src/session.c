// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space half of a session.  A reader thread drains the session
 * fd while the main thread sits in the START ioctl, because the module
 * runs the top-level code inside that ioctl and waits for room in the
 * output ring when the script prints more than it holds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "output.h"
#include "session.h"

#define KP_READ_SIZE	(64 * 1024)

struct kp_reader {
	int fd;
	int runtime_error;	/* an ERROR record arrived */
	int read_errno;		/* read() failed with this */
};

static void *kp_reader_main(void *arg)
{
	struct kp_reader *rd = arg;
	char *buf = malloc(KP_READ_SIZE);
	ssize_t n;

	if (!buf) {
		rd->read_errno = ENOMEM;
		return NULL;
	}
	while ((n = read(rd->fd, buf, KP_READ_SIZE)) != 0) {
		ssize_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rd->read_errno = errno;
			break;
		}
		while (off + (ssize_t)sizeof(struct ktap_record) <= n) {
			struct ktap_record rec;

			memcpy(&rec, buf + off, sizeof(rec));
			off += sizeof(rec);
			if (kp_output_print(rec.type, buf + off, rec.len))
				rd->runtime_error = 1;
			off += (rec.len + KTAP_RECORD_ALIGN - 1) &
			       ~(KTAP_RECORD_ALIGN - 1);
		}
	}
	fflush(stdout);
	free(buf);
	return NULL;
}

static int kp_open_device(void)
{
	int fd = open(KTAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fprintf(stderr, "ktap: %s does not exist: the ktapvm module is not loaded (load it with 'modprobe ktapvm' as root)\n",
			KTAP_DEVICE_PATH);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "ktap: cannot open %s: %s; ktap must run as root (it needs CAP_SYS_ADMIN)\n",
			KTAP_DEVICE_PATH, strerror(errno));
	else
		fprintf(stderr, "ktap: cannot open %s: %s\n", KTAP_DEVICE_PATH,
			strerror(errno));
	return -1;
}

/* The VERSION ioctl on an open session, the package string terminated. */
static int kp_ask_version(int fd, struct ktap_version *v)
{
	if (ioctl(fd, KTAP_IOC_VERSION, v) < 0)
		return -1;
	v->package_version[sizeof(v->package_version) - 1] = '\0';
	return 0;
}

/* Refuse to talk to a module of another ABI major, naming both sides. */
static int kp_check_abi(int fd)
{
	struct ktap_version v;

	if (kp_ask_version(fd, &v)) {
		fprintf(stderr, "ktap: the module behind %s does not answer the version request (%s): it is not a compatible ktapvm\n",
			KTAP_DEVICE_PATH, strerror(errno));
		return -1;
	}
	if (v.abi_major != KTAP_ABI_MAJOR) {
		fprintf(stderr, "ktap: ABI mismatch: this ktap %s speaks ABI %d.%d but the loaded ktapvm %s speaks ABI %u.%u; install the same version of ktap and ktap-dkms (see 'dkms status ktap')\n",
			PACKAGE_VERSION, KTAP_ABI_MAJOR, KTAP_ABI_MINOR,
			v.package_version, v.abi_major, v.abi_minor);
		return -1;
	}
	return 0;
}

static int kp_load(int fd, const void *chunk, size_t len,
		   const struct kp_run_options *opts)
{
	char err[512] = "";
	struct ktap_load req = {
		.size = sizeof(req),
		.chunk = (unsigned long)chunk,
		.chunk_len = len,
		.err_buf = (unsigned long)err,
		.err_len = sizeof(err),
		.limits = opts->limits,
	};

	int load_errno;

	if (ioctl(fd, KTAP_IOC_LOAD, &req) == 0)
		return 0;
	load_errno = errno;
	if (err[0])
		fprintf(stderr, "ktap: the module refused the script: %s\n", err);
	else
		fprintf(stderr, "ktap: loading the script failed: %s\n",
			strerror(load_errno));
	return -load_errno;
}

static int kp_run_loaded(int fd)
{
	struct kp_reader rd = { .fd = fd };
	pthread_t reader;
	int ret, start_errno = 0;

	ret = pthread_create(&reader, NULL, kp_reader_main, &rd);
	if (ret) {
		fprintf(stderr, "ktap: cannot start the output reader: %s\n",
			strerror(ret));
		return KP_EXIT_SYSTEM;
	}
	if (ioctl(fd, KTAP_IOC_START) < 0)
		start_errno = errno;
	pthread_join(reader, NULL);
	if (start_errno) {
		fprintf(stderr, "ktap: running the script failed: %s\n",
			strerror(start_errno));
		return KP_EXIT_SYSTEM;
	}
	if (rd.read_errno) {
		fprintf(stderr, "ktap: reading the output failed: %s\n",
			strerror(rd.read_errno));
		return KP_EXIT_SYSTEM;
	}
	return rd.runtime_error ? KP_EXIT_SCRIPT : KP_EXIT_OK;
}

int kp_session_run(const void *chunk, size_t len,
		   const struct kp_run_options *opts)
{
	int fd, ret;

	fd = kp_open_device();
	if (fd < 0)
		return KP_EXIT_SYSTEM;
	if (kp_check_abi(fd)) {
		ret = KP_EXIT_SYSTEM;
	} else {
		ret = kp_load(fd, chunk, len, opts);
		if (ret == 0)
			ret = kp_run_loaded(fd);
		else
			ret = ret == -EINVAL || ret == -ENOMEM ? KP_EXIT_SCRIPT :
							 KP_EXIT_SYSTEM;
	}
	close(fd);
	return ret;
}

/* Read one line of a sysfs file into buf; 0 on success. */
static int kp_read_sysfs(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Without the right to open /dev/ktap (not root), the module's versions
 * are still readable from sysfs.
 */
static int kp_module_version_sysfs(struct ktap_version *v)
{
	char abi[32];

	if (kp_read_sysfs("/sys/module/ktapvm/version", v->package_version,
			  sizeof(v->package_version)) ||
	    kp_read_sysfs("/sys/module/ktapvm/parameters/abi_version", abi,
			  sizeof(abi)) ||
	    sscanf(abi, "%u.%u", &v->abi_major, &v->abi_minor) != 2)
		return -1;
	return 0;
}

int kp_module_version(struct ktap_version *v)
{
	int fd = open(KTAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		int open_errno = errno;

		if (open_errno != ENOENT && kp_module_version_sysfs(v) == 0)
			return 0;
		errno = open_errno;
		return -1;
	}
	ret = kp_ask_version(fd, v);
	close(fd);
	return ret;
}
