// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space half of a session.  A reader thread drains the session
 * fd while the main thread sits in the START ioctl, because the module
 * runs the top-level code inside that ioctl and waits for room in the
 * output rings when the script prints more than they hold.  With events
 * the main thread then waits for a reason to stop (a signal, the traced
 * command's end, the timeout, or the module's KTAP_REC_STOP, which the
 * reader turns into SIGUSR1) and sends STOP, which runs trace_end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "merge.h"
#include "module.h"
#include "output.h"
#include "session.h"
#include "usym.h"

#define KP_READ_SIZE	(64 * 1024)
#define KP_POLL_MAX	1025	/* the session, and up to 1024 CPUs' rings */

/*
 * The reader thread: poll() and read() the session fd, put the records
 * back in time order (merge.h) and print each once its reorder window
 * has passed, so output stays live while the script runs.
 */
struct kp_reader {
	int fd;
	struct kp_printer *printer;
	struct kp_usym *usym;		/* its follow rings are polled too */
	struct pollfd pfd[KP_POLL_MAX];	/* the session fd, then the rings' */
	struct kp_merge merge;
	unsigned long long reads;	/* read() calls that returned data */
	int read_errno;			/* read() failed with this */
};

static void kp_reader_emit(void *ctx, const struct ktap_record *rec,
			   const char *payload)
{
	kp_printer_record(ctx, rec, payload);
}

/* Hold every whole record of one read() in the merge heap. */
static int kp_reader_take(struct kp_reader *rd, const char *buf, size_t n)
{
	size_t off = 0;

	while (off + sizeof(struct ktap_record) <= n) {
		struct ktap_record rec;

		memcpy(&rec, buf + off, sizeof(rec));
		off += sizeof(rec);
		if (rec.len > n - off) {
			rd->read_errno = EPROTO;
			return -1;
		}
		if (rec.type == KTAP_REC_STOP) {
			kill(getpid(), SIGUSR1);	/* kp_wait_stop() */
			continue;
		}
		if (kp_merge_push(&rd->merge, &rec, buf + off)) {
			rd->read_errno = ENOMEM;
			return -1;
		}
		off += (rec.len + KTAP_RECORD_ALIGN - 1) &
		       ~(KTAP_RECORD_ALIGN - 1);
	}
	return 0;
}

/*
 * Wait for records, or until the oldest held one is due; take in the
 * mmaps the follow rings (usym.h) report when one fills up meanwhile.
 */
static void kp_reader_wait(struct kp_reader *rd)
{
	struct pollfd *pfd = rd->pfd;
	long long due = kp_merge_due_in(&rd->merge, kp_now_ns());
	int timeout = due < 0 ? -1 : (int)((due + 999999) / 1000000);
	int i, n = rd->usym ?
		   kp_usym_poll_fds(rd->usym, pfd + 1, KP_POLL_MAX - 1) : 0;

	pfd[0].fd = rd->fd;
	pfd[0].events = POLLIN;
	if (poll(pfd, n + 1, timeout) < 0) {
		if (errno != EINTR)
			rd->read_errno = errno;
		return;
	}
	/* only when a ring asked: records alone need no draining here */
	for (i = 1; i <= n; i++) {
		if (pfd[i].revents) {
			kp_usym_drain(rd->usym);
			break;
		}
	}
}

static void *kp_reader_main(void *arg)
{
	struct kp_reader *rd = arg;
	char *buf = malloc(KP_READ_SIZE);
	ssize_t n;

	if (!buf) {
		rd->read_errno = ENOMEM;
		return NULL;
	}
	while (!rd->read_errno) {
		n = read(rd->fd, buf, KP_READ_SIZE);
		if (n == 0)
			break;
		if (n > 0) {
			rd->reads++;
			kp_reader_take(rd, buf, n);
		} else if (errno == EAGAIN) {
			kp_printer_flush(rd->printer);	/* idle: show it */
			kp_reader_wait(rd);
		} else if (errno != EINTR) {
			rd->read_errno = errno;
		}
		kp_merge_drain(&rd->merge, kp_now_ns(), kp_reader_emit,
			       rd->printer);
	}
	kp_merge_flush(&rd->merge, kp_reader_emit, rd->printer);
	free(buf);
	kill(getpid(), SIGUSR1);	/* the session ended: stop waiting */
	return NULL;
}

/*
 * The module must speak the ABI minor the chunk's header asks for, and
 * 1.5 for -B (struct ktap_limits' output_size).  A chunk claiming a
 * minor newer than this ktap knows (--run-chunk of another tool's
 * chunk) is left to the module, which refuses it with its own message.
 * Returns the module's minor, or -1 after the refusal.
 */
static int kp_session_check_abi(int fd, const void *chunk, size_t len,
				const struct kp_run_options *opts)
{
	struct ktap_chunk_header h = { 0 };
	unsigned int need = 0;
	const char *why = "ktap";

	if (len >= sizeof(h))
		memcpy(&h, chunk, sizeof(h));
	if (h.abi_minor <= KTAP_ABI_MINOR && h.abi_minor > need) {
		need = h.abi_minor;
		why = "this script";
	}
	if (opts->limits.output_size && need < 5) {
		need = 5;
		why = "-B";
	}
	/* Event descriptors grew for uprobes in 1.9. */
	if (opts->nevents && need < 9) {
		need = 9;
		why = "events";
	}
	return kp_module_check(fd, need, why);
}

static int kp_load(int fd, const void *chunk, size_t len,
		   const struct kp_run_options *opts, bool user_symbols)
{
	char err[512] = "";
	struct ktap_load req = {
		.size = sizeof(req),
		.flags = user_symbols ? KTAP_LOAD_USER_SYMBOLS : 0,
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
		.event_size = sizeof(struct ktap_event),
	};

	int load_errno;

	if (ioctl(fd, KTAP_IOC_LOAD, &req) == 0) {
		kp_msg_verbose("loaded %zu bytes of bytecode; output buffer %u KiB per CPU",
			       len, (opts->limits.output_size ?
				     opts->limits.output_size :
				     KTAP_OUTPUT_SIZE_DEFAULT) >> 10);
		return 0;
	}
	load_errno = errno;
	kp_module_explain_load(load_errno);
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

/* The time left until end, or -1 when it has passed. */
static int kp_time_left(const struct timespec *end, struct timespec *left)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = end->tv_sec - now.tv_sec;
	left->tv_nsec = end->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_sec--;
		left->tv_nsec += 1000000000L;
	}
	return left->tv_sec < 0 ? -1 : 0;
}

/* Wait for a reason to stop a live session. */
static void kp_wait_stop(const struct kp_run_options *opts, pid_t *child)
{
	struct timespec end, left, *wait = NULL;
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
			if (kp_time_left(&end, &left))
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
	int live;

	kp_msg_verbose("running the top-level code");
	live = ioctl(fd, KTAP_IOC_START);
	if (live < 0)
		return errno;
	if (live == 1) {
		kp_msg_verbose("tracing %u events", opts->nevents);
		if (go >= 0 && write(go, "g", 1) != 1)
			kp_cmd_end(child, SIGKILL);
		kp_wait_stop(opts, child);
		if (ioctl(fd, KTAP_IOC_STOP) < 0)
			return errno;
	}
	return 0;
}

static int kp_run_loaded(int fd, const struct kp_run_options *opts,
			 struct kp_usym *usym, pid_t *child, int go)
{
	struct kp_printer printer;
	struct kp_reader rd = { .fd = fd, .printer = &printer, .usym = usym };
	pthread_t reader;
	int ret, start_errno;

	kp_printer_init(&printer, opts->out, opts->timestamps);
	printer.lines = opts->lines;
	printer.usym = usym;
	kp_merge_init(&rd.merge, KP_MERGE_WINDOW_NS, KP_MERGE_MAX_HELD);
	ret = pthread_create(&reader, NULL, kp_reader_main, &rd);
	if (ret) {
		fprintf(stderr, "ktap: cannot start the output reader: %s\n",
			strerror(ret));
		return KP_EXIT_SYSTEM;
	}
	start_errno = kp_trace(fd, opts, child, go);
	pthread_join(reader, NULL);
	kp_msg_verbose("%llu reads; %llu records came later than the reorder window",
		       rd.reads, rd.merge.late);
	kp_merge_free(&rd.merge);
	ret = kp_printer_finish(&printer) ? KP_EXIT_SYSTEM :
		printer.runtime_error ? KP_EXIT_SCRIPT : KP_EXIT_OK;
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
	return ret;
}

int kp_session_run(const void *chunk, size_t len,
		   const struct kp_run_options *opts)
{
	struct kp_run_options o = *opts;
	struct kp_usym *usym = NULL;
	pid_t child = 0;
	int fd, ret, go = -1, minor;
	sigset_t set;

	/* Non-blocking reads: the reader polls so it can flush on time. */
	fd = kp_module_open(O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return KP_EXIT_SYSTEM;
	kp_stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	minor = kp_session_check_abi(fd, chunk, len, opts);
	if (minor < 0) {
		close(fd);
		return KP_EXIT_SYSTEM;
	}
	/*
	 * A module of ABI 1.10 or newer leaves user frames for ktap to
	 * name; follow mmaps from before the command starts, so the names
	 * of its libraries are known when it has exited.
	 */
	if (minor >= 10) {
		usym = kp_usym_new(o.user_stacks);
		if (o.pid)
			kp_usym_read_process(usym, o.pid);
	}
	if (o.cmd) {
		child = kp_cmd_fork(o.cmd, &go);
		if (child < 0) {
			fprintf(stderr, "ktap: cannot start '%s': %s\n",
				o.cmd[0], strerror(errno));
			kp_usym_free(usym);
			close(fd);
			return KP_EXIT_SYSTEM;
		}
		o.pid = child;
	}
	ret = kp_load(fd, chunk, len, &o, usym != NULL);
	if (ret == 0)
		ret = kp_run_loaded(fd, &o, usym, &child, go);
	else
		ret = ret == -EINVAL || ret == -ENOMEM || ret == -ENOENT ?
		      KP_EXIT_SCRIPT : KP_EXIT_SYSTEM;
	if (go >= 0)
		close(go);
	/* Done with it: a command that still runs is told to end. */
	kp_cmd_end(&child, SIGTERM);
	if (usym && kp_usym_lost(usym))
		kp_msg_verbose("%llu mmap reports were lost: some user frames may be unnamed",
			       kp_usym_lost(usym));
	kp_usym_free(usym);
	close(fd);
	return ret;
}
