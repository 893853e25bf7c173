// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space half of a session.  A reader thread drains the session
 * fd while the main thread sits in the START ioctl, because the module
 * runs the top-level code inside that ioctl and waits for room in the
 * output ring when the script prints more than it holds.  With events
 * the main thread then waits for a reason to stop (a signal, the traced
 * command's end, the timeout, or the module's KTAP_REC_STOP, which the
 * reader turns into SIGUSR1) and sends STOP, which runs trace_end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
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
			if (rec.type == KTAP_REC_STOP)
				kill(getpid(), SIGUSR1);
			else if (kp_output_print(rec.type, buf + off, rec.len))
				rd->runtime_error = 1;
			off += (rec.len + KTAP_RECORD_ALIGN - 1) &
			       ~(KTAP_RECORD_ALIGN - 1);
		}
	}
	fflush(stdout);
	free(buf);
	kill(getpid(), SIGUSR1);	/* the session ended: stop waiting */
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
		.events = (unsigned long)opts->events,
		.nevents = opts->nevents,
		.cpu = opts->cpu,
		.pid = opts->pid,
		.end_proto = opts->end_proto,
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

/* The signals the main thread waits for; blocked in every thread. */
static void kp_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGUSR1);
}

/*
 * -- cmd: fork it, held before exec until the probes are live (a byte
 * on the pipe; EOF means ktap gave up, and the child exits).
 */
static pid_t kp_cmd_fork(char **cmd, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t set;

		kp_stop_signals(&set);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		fprintf(stderr, "ktap: cannot run '%s': %s\n", cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

/* Reap the command, killing it first if it still runs. */
static void kp_cmd_end(pid_t *child, int sig)
{
	if (*child <= 0)
		return;
	if (sig)
		kill(*child, sig);
	waitpid(*child, NULL, 0);
	*child = 0;
}

/* Wait for a reason to stop a live session. */
static void kp_wait_stop(const struct kp_run_options *opts, pid_t *child)
{
	struct timespec end, now, left, *wait = NULL;
	siginfo_t info;
	sigset_t set;
	int sig;

	kp_stop_signals(&set);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)opts->timeout;
	end.tv_nsec += (long)((opts->timeout - (double)(time_t)opts->timeout) *
			      1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		if (opts->timeout > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = end.tv_sec - now.tv_sec;
			left.tv_nsec = end.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000L;
			}
			if (left.tv_sec < 0)
				return;
			wait = &left;
		}
		sig = sigtimedwait(&set, &info, wait);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig != SIGCHLD)
			return;		/* a signal, SIGUSR1, the timeout */
		if (*child > 0 && waitpid(*child, NULL, WNOHANG) == *child) {
			*child = 0;
			return;
		}
	}
}

/* START; when live, release the command, wait, STOP.  0 or an errno. */
static int kp_trace(int fd, const struct kp_run_options *opts, pid_t *child,
		    int go)
{
	int live = ioctl(fd, KTAP_IOC_START);

	if (live < 0)
		return errno;
	if (live == 1) {
		if (go >= 0 && write(go, "g", 1) != 1)
			kp_cmd_end(child, SIGKILL);
		kp_wait_stop(opts, child);
		if (ioctl(fd, KTAP_IOC_STOP) < 0)
			return errno;
	}
	return 0;
}

static int kp_run_loaded(int fd, const struct kp_run_options *opts,
			 pid_t *child, int go)
{
	struct kp_reader rd = { .fd = fd };
	pthread_t reader;
	int ret, start_errno;

	ret = pthread_create(&reader, NULL, kp_reader_main, &rd);
	if (ret) {
		fprintf(stderr, "ktap: cannot start the output reader: %s\n",
			strerror(ret));
		return KP_EXIT_SYSTEM;
	}
	start_errno = kp_trace(fd, opts, child, go);
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
	struct kp_run_options o = *opts;
	pid_t child = 0;
	int fd, ret, go = -1;
	sigset_t set;

	fd = kp_open_device();
	if (fd < 0)
		return KP_EXIT_SYSTEM;
	kp_stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (kp_check_abi(fd)) {
		close(fd);
		return KP_EXIT_SYSTEM;
	}
	if (o.cmd) {
		child = kp_cmd_fork(o.cmd, &go);
		if (child < 0) {
			fprintf(stderr, "ktap: cannot start '%s': %s\n",
				o.cmd[0], strerror(errno));
			close(fd);
			return KP_EXIT_SYSTEM;
		}
		o.pid = child;
	}
	ret = kp_load(fd, chunk, len, &o);
	if (ret == 0)
		ret = kp_run_loaded(fd, &o, &child, go);
	else
		ret = ret == -EINVAL || ret == -ENOMEM || ret == -ENOENT ?
		      KP_EXIT_SCRIPT : KP_EXIT_SYSTEM;
	if (go >= 0)
		close(go);
	/* Done with it: a command that still runs is told to end. */
	kp_cmd_end(&child, SIGTERM);
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
