// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the ktapvm module from user space: open /dev/ktap, load the
 * module with modprobe when the device is missing, refuse a module whose
 * ABI this ktap cannot speak, and turn each way this fails (not root, no
 * build for the running kernel, signature rejected, lockdown) into a
 * message that says what to do.  The package versions of the tool and
 * the module are both named, because the fix is to make them equal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "module.h"
#include "output.h"

#define KP_MODULE_NAME	"ktapvm"
#define KP_LOCKDOWN	"/sys/kernel/security/lockdown"

/* How to put a matching module in place; every mismatch message ends so. */
#define KP_FIX_VERSION \
	"; 'dkms status ktap' shows what is installed: install ktap-dkms " \
	PACKAGE_VERSION " (the version of this ktap), then 'modprobe -r " \
	KP_MODULE_NAME "' so that the matching module is loaded"

static const char *kp_module_kernel(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u) < 0)
		return "unknown";
	return u.release;
}

/*
 * The active lockdown level ("none", "integrity", "confidentiality"),
 * the bracketed word of securityfs's lockdown file; "none" without it.
 * KTAP_LOCKDOWN names another file, for the tests.
 */
static const char *kp_module_lockdown(char *buf, size_t size)
{
	const char *path = getenv("KTAP_LOCKDOWN");
	FILE *f = fopen(path && *path ? path : KP_LOCKDOWN, "r");
	char line[128];
	char *open_br, *close_br;

	snprintf(buf, size, "none");
	if (!f)
		return buf;
	if (fgets(line, sizeof(line), f)) {
		open_br = strchr(line, '[');
		close_br = open_br ? strchr(open_br, ']') : NULL;
		if (close_br) {
			*close_br = '\0';
			snprintf(buf, size, "%s", open_br + 1);
		}
	}
	fclose(f);
	return buf;
}

/*
 * Run `modprobe ktapvm` (or $KTAP_MODPROBE, for the tests) and keep
 * what it wrote to stderr in err.  Returns its exit status, 127 when
 * it could not be run.
 */
static int kp_module_modprobe(char *err, size_t size)
{
	const char *prog = getenv("KTAP_MODPROBE");
	int pipefd[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (!prog || !*prog)
		prog = "modprobe";
	err[0] = '\0';
	if (pipe(pipefd) < 0)
		return 127;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return 127;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execlp(prog, prog, KP_MODULE_NAME, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], err + used, size - 1 - used)) > 0 ||
	       (n < 0 && errno == EINTR))
		used += n > 0 ? (size_t)n : 0;
	err[used] = '\0';
	err[strcspn(err, "\n")] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}

/* modprobe failed; say why in the words of the fix.  err: its message. */
static void kp_module_explain_modprobe(const char *err)
{
	const char *kernel = kp_module_kernel();
	char lockdown[32];

	kp_module_lockdown(lockdown, sizeof(lockdown));
	if (strstr(err, "not found in directory") || strstr(err, "cannot run"))
		fprintf(stderr, "ktap: the ktapvm module is not installed for the running kernel %s: install linux-headers-%s, then run 'dkms autoinstall' as root so DKMS builds it ('dkms status ktap' lists the kernels it is built for; ktap-dkms must be installed)\n",
			kernel, kernel);
	else if (strstr(err, strerror(EKEYREJECTED)) ||
		 strstr(err, strerror(ENOKEY)) ||
		 (strstr(err, strerror(EPERM)) && strcmp(lockdown, "none")))
		fprintf(stderr, "ktap: the kernel refused to load ktapvm: its signature was rejected (%s; Secure Boot%s%s%s). Enrol the DKMS signing key: 'mokutil --import /var/lib/dkms/mok.pub' as root, reboot and confirm the key in the MOK manager, then run 'dkms autoinstall --force'\n",
			err, strcmp(lockdown, "none") ? ", kernel lockdown '" : "",
			strcmp(lockdown, "none") ? lockdown : "",
			strcmp(lockdown, "none") ? "'" : "");
	else if (strstr(err, strerror(ENOEXEC)) ||
		 strstr(err, strerror(EINVAL)))
		fprintf(stderr, "ktap: the installed ktapvm does not match the running kernel %s (%s): rebuild it with 'dkms install ktap/%s -k %s --force' as root\n",
			kernel, err, PACKAGE_VERSION, kernel);
	else
		fprintf(stderr, "ktap: 'modprobe %s' failed%s%s; 'dmesg' and 'dkms status ktap' may say why\n",
			KP_MODULE_NAME, *err ? ": " : "", err);
}

/* The device appears when the module registers it; allow udev a moment. */
static int kp_module_open_after_load(int flags)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int fd, i;

	for (i = 0; i < 50; i++) {
		fd = open(KTAP_DEVICE_PATH, flags);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		nanosleep(&pause, NULL);
	}
	return -1;
}

static void kp_module_explain_open(int err)
{
	if (err == EACCES || err == EPERM)
		fprintf(stderr, "ktap: cannot open %s: %s; ktap must run as root (it needs CAP_SYS_ADMIN)\n",
			KTAP_DEVICE_PATH, strerror(err));
	else
		fprintf(stderr, "ktap: cannot open %s: %s\n", KTAP_DEVICE_PATH,
			strerror(err));
}

int kp_module_open(int flags)
{
	char err[512];
	struct stat st;
	int fd = open(KTAP_DEVICE_PATH, flags);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT) {
		kp_module_explain_open(errno);
		return -1;
	}
	if (stat("/sys/module/" KP_MODULE_NAME, &st) == 0) {
		fprintf(stderr, "ktap: ktapvm is loaded but %s does not exist: mount devtmpfs on /dev (or create the node from /sys/class/misc/ktap/dev)\n",
			KTAP_DEVICE_PATH);
		return -1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "ktap: the ktapvm module is not loaded, and only root can load it: run ktap as root (it then loads the module itself with 'modprobe ktapvm')\n");
		return -1;
	}
	kp_msg_verbose("%s is missing: running 'modprobe %s'", KTAP_DEVICE_PATH,
		       KP_MODULE_NAME);
	if (kp_module_modprobe(err, sizeof(err)) != 0) {
		kp_module_explain_modprobe(err);
		return -1;
	}
	fd = kp_module_open_after_load(flags);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "ktap: 'modprobe %s' succeeded but %s did not appear; is devtmpfs mounted on /dev?\n",
				KP_MODULE_NAME, KTAP_DEVICE_PATH);
		else
			kp_module_explain_open(errno);
	}
	return fd;
}

/* The VERSION ioctl on an open session, the package string terminated. */
static int kp_module_ask_version(int fd, struct ktap_version *v)
{
	if (ioctl(fd, KTAP_IOC_VERSION, v) < 0)
		return -1;
	v->package_version[sizeof(v->package_version) - 1] = '\0';
	return 0;
}

int kp_module_check(int fd, unsigned int need_minor, const char *why)
{
	struct ktap_version v;

	if (kp_module_ask_version(fd, &v)) {
		fprintf(stderr, "ktap: the module behind %s does not answer the version request (%s): it is not a compatible ktapvm%s\n",
			KTAP_DEVICE_PATH, strerror(errno), KP_FIX_VERSION);
		return -1;
	}
	if (v.abi_major != KTAP_ABI_MAJOR) {
		fprintf(stderr, "ktap: ABI mismatch: this ktap %s speaks ABI %d.%d but the loaded ktapvm %s speaks ABI %u.%u%s\n",
			PACKAGE_VERSION, KTAP_ABI_MAJOR, KTAP_ABI_MINOR,
			v.package_version, v.abi_major, v.abi_minor,
			KP_FIX_VERSION);
		return -1;
	}
	if (v.abi_minor < need_minor) {
		fprintf(stderr, "ktap: %s needs ktapvm ABI %d.%u or newer, but the loaded ktapvm %s speaks ABI %u.%u (this ktap %s speaks ABI %d.%d)%s\n",
			why, KTAP_ABI_MAJOR, need_minor, v.package_version,
			v.abi_major, v.abi_minor, PACKAGE_VERSION,
			KTAP_ABI_MAJOR, KTAP_ABI_MINOR, KP_FIX_VERSION);
		return -1;
	}
	kp_msg_verbose("module ktapvm %s (ABI %u.%u) at %s", v.package_version,
		       v.abi_major, v.abi_minor, KTAP_DEVICE_PATH);
	return (int)v.abi_minor;
}

void kp_module_explain_load(int err)
{
	char lockdown[32];

	if (err != EPERM && err != EACCES)
		return;
	kp_module_lockdown(lockdown, sizeof(lockdown));
	if (!strcmp(lockdown, "confidentiality"))
		fprintf(stderr, "ktap: the kernel is locked down ('%s' in %s), which blocks kprobes, perf events and tracing: boot with lockdown=integrity (or none), which needs Secure Boot's lockdown lifted ('mokutil --disable-validation')\n",
			lockdown, KP_LOCKDOWN);
}

/* Read one line of a sysfs file into buf; 0 on success. */
static int kp_module_read_sysfs(const char *path, char *buf, size_t size)
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

	if (kp_module_read_sysfs("/sys/module/ktapvm/version",
				 v->package_version,
				 sizeof(v->package_version)) ||
	    kp_module_read_sysfs("/sys/module/ktapvm/parameters/abi_version",
				 abi, sizeof(abi)) ||
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
	ret = kp_module_ask_version(fd, v);
	close(fd);
	return ret;
}
