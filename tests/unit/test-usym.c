// SPDX-License-Identifier: GPL-2.0
/*
 * test-usym: the user-frame marks the module prints (uapi/ktap.h) become
 * names (src/usym.c), here for this very process, whose mappings
 * /proc/self/maps gives: a function of this program from its .symtab,
 * one of libc from its .dynsym, a return address at a function's end,
 * an address nothing maps, a process that does not exist, and marks
 * cut short by an overlong line; libc's internal caller of main through
 * libc6-dbg's debug file; a C++ name demangled.  And, where perf events are allowed
 * (root), a child that exec'd and exited is still named from the mmaps
 * followed while it ran.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/ktap.h"
#include "demangle.h"
#include "elfsym.h"
#include "usym.h"
#include "tap.h"

/* Global and noinline: .symtab names it, with a size. */
__attribute__((noinline)) int usym_test_target(int x);
__attribute__((noinline)) int usym_test_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

/*
 * A C function under the symbol g++ gives kp::test::target(int), so a
 * C++ frame is tested without a C++ compiler.
 */
__attribute__((noinline)) int cxx_target(int x) __asm__("_ZN2kp4test6targetEi");
__attribute__((noinline)) int cxx_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x - 1;
}

/* A mark as the module writes it, into buf (KTAP_USYM_LEN bytes). */
static void mark(char *buf, char kind, unsigned pid, unsigned long long a)
{
	char tmp[KTAP_USYM_LEN + 1];

	snprintf(tmp, sizeof(tmp), "%c%c%08x%016llx", KTAP_USYM_MARK, kind,
		 pid, a);
	memcpy(buf, tmp, KTAP_USYM_LEN);
}

/* The expansion of "<" mark ">" as a C string. */
static const char *expand_one(struct kp_usym *u, char kind, unsigned pid,
			      unsigned long long a)
{
	static char res[1024];
	char in[KTAP_USYM_LEN + 2];
	const char *out;
	size_t n;

	in[0] = '<';
	mark(in + 1, kind, pid, a);
	in[KTAP_USYM_LEN + 1] = '>';
	n = kp_usym_expand(u, in, sizeof(in), &out);
	snprintf(res, sizeof(res), "%.*s", (int)n, out);
	return res;
}

static bool matches(const char *s, const char *re)
{
	regex_t r;
	bool m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB))
		return false;
	m = !regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	if (!m)
		diag("'%s' does not match /%s/", s, re);
	return m;
}

/*
 * Run this program again as a child that writes where its
 * usym_test_target is (PIE: another address than ours) and exits.
 * Returns that address and the child's pid once it has been reaped.
 */
static unsigned long long child_address(const char *self, pid_t *pid)
{
	unsigned long long a = 0;
	char buf[64];
	int fds[2];
	ssize_t n;

	if (pipe(fds))
		return 0;
	*pid = fork();
	if (*pid == 0) {
		dup2(fds[1], 1);
		execl(self, self, "--print-address", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (n > 0) {
		buf[n] = '\0';
		a = strtoull(buf, NULL, 16);
	}
	waitpid(*pid, NULL, 0);
	return a;
}

/* Whether libc.so.6's separate debug file (libc6-dbg) is installed. */
static bool libc_debug_file(void)
{
	char id[128], path[256], err[256];
	struct kp_elf *e = kp_elf_open("/lib/x86_64-linux-gnu/libc.so.6", err,
				       sizeof(err));
	bool found = false;

	if (e && !kp_elf_build_id(e, id, sizeof(id))) {
		kp_elf_debug_path(id, path, sizeof(path));
		found = !access(path, R_OK);
	}
	if (e)
		kp_elf_close(e);
	return found;
}

/*
 * main's return address lies in __libc_start_call_main, a local
 * function Debian's stripped libc.so.6 does not name: its debug file
 * does.
 */
static void test_debug_file(unsigned long long main_ret)
{
	struct kp_usym *u = kp_usym_new(0);

	if (!libc_debug_file())
		ok(true, "# SKIP libc6-dbg is not installed: names from debug files not tested");
	else
		ok(matches(expand_one(u, 'r', (unsigned)getpid(), main_ret),
			   "^<__libc_start_call_main\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[libc\\.so\\.6\\]>$"),
		   "libc's local caller of main, named from libc6-dbg's debug file by build id");
	kp_usym_free(u);
}

static void test_follow(const char *self)
{
	struct kp_usym *u = kp_usym_new(1);
	unsigned long long a;
	pid_t pid;

	if (!kp_usym_following(u)) {
		ok(true, "# SKIP perf events refused (not root?): following mmaps not tested");
		kp_usym_free(u);
		return;
	}
	a = child_address(self, &pid);
	ok(a && matches(expand_one(u, 'i', (unsigned)pid, a),
			"^<usym_test_target\\+0x0/0x[0-9a-f]+ \\[test-usym\\]>$"),
	   "a child that exec'd and exited is named from the mmaps followed while it ran");
	kp_usym_free(u);
}

int main(int argc, char **argv)
{
	struct kp_usym *u;
	unsigned pid = (unsigned)getpid();
	unsigned long long fn = (unsigned long long)(unsigned long)usym_test_target;
	unsigned long long libc_fn = (unsigned long long)(unsigned long)getpid;
	char in[64], want[64];
	const char *out;
	size_t n;

	if (argc > 1 && !strcmp(argv[1], "--print-address")) {
		printf("%llx\n", fn);
		return 0;
	}
	plan(12);
	u = kp_usym_new(0);

	n = kp_usym_expand(u, "no marks\n", 9, &out);
	ok(n == 9 && !memcmp(out, "no marks\n", 9),
	   "text without a mark is printed as it is");

	ok(matches(expand_one(u, 'i', pid, fn),
		   "^<usym_test_target\\+0x0/0x[0-9a-f]+ \\[test-usym\\]>$"),
	   "an instruction at a function's start: its .symtab name, offset 0 and its file");

	ok(matches(expand_one(u, 'i', pid, libc_fn),
		   "^<getpid\\+0x0/0x[0-9a-f]+ \\[libc\\.so\\.6\\]>$"),
	   "a libc function by its .dynsym name, the plainest of its aliases");

	/*
	 * A return address just past a function's end belongs to the call
	 * at the end of that function (kernel %pB does the same).
	 */
	{
		char got[1024];
		unsigned long long size;

		snprintf(got, sizeof(got), "%s", expand_one(u, 'i', pid, fn));
		if (sscanf(strchr(got, '/') + 1, "0x%llx", &size) != 1)
			size = 0;
		snprintf(want, sizeof(want), "<usym_test_target+0x%llx/0x%llx [test-usym]>",
			 size, size);
		is_str(expand_one(u, 'r', pid, fn + size), want,
		       "a return address one past a function's end names that function");
	}

	is_str(expand_one(u, 'i', pid, 0x10), "<0x0000000000000010>",
	       "an address nothing maps stays in hex");

	{
		char *d = kp_demangle("_ZN2kp4test6targetEi");

		ok(d && !strcmp(d, "kp::test::target(int)") &&
		   !kp_demangle("malloc") && !kp_demangle("_Znot valid"),
		   "kp_demangle: a mangled name demangled; plain and broken ones not");
		free(d);
	}
	ok(matches(expand_one(u, 'i', pid,
			      (unsigned long long)(unsigned long)cxx_target),
		   "^<kp::test::target\\(int\\)\\+0x0/0x[0-9a-f]+ \\[test-usym\\]>$"),
	   "a C++ function's frame shows its demangled name");

	/* pid_max is at most 2^22: this process cannot exist */
	snprintf(want, sizeof(want), "<0x%016llx>", fn);
	is_str(expand_one(u, 'i', 0x7ffffffe, fn), want,
	       "a frame of a process ktap never saw, and gone, stays in hex");

	/* A line the module cut: the mark is part-written, then "...\n". */
	memcpy(in, "ab", 2);
	mark(in + 2, 'r', pid, fn);
	memcpy(in + 2 + 12, "...\n", 4);
	n = kp_usym_expand(u, in, 18, &out);
	ok(n == 6 && !memcmp(out, "ab...\n", 6),
	   "a mark cut short is left out, with its digits");

	n = kp_usym_expand(u, "\x01zzz", 4, &out);
	ok(n == 3 && !memcmp(out, "zzz", 3),
	   "a lone mark byte is left out, the text after it kept");

	kp_usym_free(u);
	test_debug_file((unsigned long long)(unsigned long)
			__builtin_return_address(0));
	test_follow(argv[0]);
	return done();
}
