# SPDX-License-Identifier: GPL-2.0
# ktap's own autoconf macros.

# KTAP_KERNEL_DIR: where the kernel build tree for ktapvm.ko is.
# --with-kernel=DIR, else /lib/modules/$(uname -r)/build, else the newest
# /lib/modules/*/build; --without-kernel builds the tool only.
AC_DEFUN([KTAP_KERNEL_DIR], [
	AC_ARG_WITH([kernel],
		[AS_HELP_STRING([--with-kernel=DIR],
			[kernel build tree for ktapvm.ko (default: the running kernel's, else the newest installed)])],
		[], [with_kernel=auto])
	AC_MSG_CHECKING([for a kernel build tree])
	KERNEL_DIR=
	AS_CASE([$with_kernel],
		[no], [],
		[auto|yes], [
			KERNEL_DIR=/lib/modules/`uname -r`/build
			AS_IF([test ! -d "$KERNEL_DIR"], [
				KERNEL_DIR=`ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1`
			])],
		[KERNEL_DIR=$with_kernel])
	AS_IF([test -n "$KERNEL_DIR" && test ! -f "$KERNEL_DIR/Makefile"], [
		AS_IF([test "$with_kernel" = auto], [KERNEL_DIR=],
			[AC_MSG_ERROR([$KERNEL_DIR is not a kernel build tree: install linux-headers-<version> or pass --with-kernel=DIR])])
	])
	AS_IF([test -n "$KERNEL_DIR"], [ktap_build_module=yes], [ktap_build_module=no])
	AC_MSG_RESULT([${KERNEL_DIR:-none (ktapvm.ko will not be built; install linux-headers-$(uname -r))}])
	AC_SUBST([KERNEL_DIR])
	AM_CONDITIONAL([BUILD_MODULE], [test "$ktap_build_module" = yes])
])

# KTAP_WARNINGS: the house warning set; --enable-werror makes them errors.
AC_DEFUN([KTAP_WARNINGS], [
	AC_ARG_ENABLE([werror],
		[AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors (CI does)])],
		[], [enable_werror=no])
	WARN_CFLAGS="-Wall -Wextra -Wshadow -Wundef -Wmissing-prototypes -Wstrict-prototypes"
	AS_IF([test "$enable_werror" = yes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
	AC_SUBST([WARN_CFLAGS])
])

# KTAP_SANITIZERS: --enable-sanitizers builds everything with ASan+UBSan.
AC_DEFUN([KTAP_SANITIZERS], [
	AC_ARG_ENABLE([sanitizers],
		[AS_HELP_STRING([--enable-sanitizers], [build with AddressSanitizer and UndefinedBehaviorSanitizer])],
		[], [enable_sanitizers=no])
	SANITIZER_CFLAGS=
	AS_IF([test "$enable_sanitizers" = yes],
		[SANITIZER_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"])
	AC_SUBST([SANITIZER_CFLAGS])
])

# KTAP_TSAN: the threaded unit test is built a second time with
# ThreadSanitizer when the compiler can link it (gcc needs libtsan).
AC_DEFUN([KTAP_TSAN], [
	TSAN_CFLAGS="-fsanitize=thread -g -O1"
	AC_MSG_CHECKING([whether $CC can link -fsanitize=thread])
	ktap_save_CFLAGS=$CFLAGS
	CFLAGS="$CFLAGS $TSAN_CFLAGS"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [have_tsan=yes], [have_tsan=no])
	CFLAGS=$ktap_save_CFLAGS
	AC_MSG_RESULT([$have_tsan])
	AC_SUBST([TSAN_CFLAGS])
	AM_CONDITIONAL([HAVE_TSAN], [test "$have_tsan" = yes])
])

# KTAP_PTHREAD: ktap's output reader is a thread.
AC_DEFUN([KTAP_PTHREAD], [
	AC_CHECK_LIB([pthread], [pthread_create], [PTHREAD_LIBS=-lpthread],
		[AC_MSG_ERROR([POSIX threads are required])])
	AC_SUBST([PTHREAD_LIBS])
])

# KTAP_DL: ktap loads libstdc++ only when it meets a C++ name to
# demangle (src/demangle.c); dlopen is in libc since glibc 2.34, in
# libdl before.
AC_DEFUN([KTAP_DL], [
	ktap_save_LIBS=$LIBS
	AC_SEARCH_LIBS([dlopen], [dl], [],
		[AC_MSG_ERROR([dlopen is required])])
	LIBS=$ktap_save_LIBS
	DL_LIBS=
	test "$ac_cv_search_dlopen" = "none required" ||
		DL_LIBS=$ac_cv_search_dlopen
	AC_SUBST([DL_LIBS])
])

# KTAP_FUZZING: the libFuzzer targets (tests/fuzz/) need clang and its
# fuzzer runtime, whatever compiler builds the rest.  By default they are
# built when $CLANG can link -fsanitize=fuzzer; --enable-fuzzing makes
# that a requirement, --disable-fuzzing skips them.  FUZZING_REASON says
# why they are not built, for tests/fuzz.test to report.
AC_DEFUN([KTAP_FUZZING], [
	AC_ARG_ENABLE([fuzzing],
		[AS_HELP_STRING([--enable-fuzzing],
			[build the libFuzzer targets with clang (default: when clang can link -fsanitize=fuzzer)])],
		[], [enable_fuzzing=auto])
	AC_ARG_VAR([CLANG], [the clang that builds the libFuzzer targets])
	FUZZ_CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
	fuzzing_reason=
	AS_IF([test "$enable_fuzzing" = no],
		[fuzzing_reason="disabled by configure --disable-fuzzing"],
		[AC_CHECK_PROGS([CLANG], [clang clang-14])
		 AS_IF([test -z "$CLANG"],
			[fuzzing_reason="clang not found: install clang and libclang-rt-14-dev (Debian)"],
			[_KTAP_CLANG_LINKS_FUZZER])])
	AS_IF([test -n "$fuzzing_reason"], [
		AS_IF([test "$enable_fuzzing" = yes],
			[AC_MSG_ERROR([--enable-fuzzing: $fuzzing_reason])])
		enable_fuzzing=no
		fuzzing_summary="no ($fuzzing_reason)"
	], [
		enable_fuzzing=yes
		fuzzing_summary="yes ($CLANG)"
	])
	AC_SUBST([FUZZ_CFLAGS])
	AC_SUBST([FUZZING], [$enable_fuzzing])
	AC_SUBST([FUZZING_REASON], [$fuzzing_reason])
	AM_CONDITIONAL([ENABLE_FUZZING], [test "$enable_fuzzing" = yes])
])

# A program made only of LLVMFuzzerTestOneInput links when the fuzzer
# runtime (Debian: libclang-rt-14-dev) provides main().
AC_DEFUN([_KTAP_CLANG_LINKS_FUZZER], [
	AC_MSG_CHECKING([whether $CLANG can link -fsanitize=fuzzer])
	ktap_save_CC=$CC ktap_save_CFLAGS=$CFLAGS
	ktap_save_LDFLAGS=$LDFLAGS ktap_save_LIBS=$LIBS
	CC=$CLANG CFLAGS=$FUZZ_CFLAGS LDFLAGS= LIBS=
	AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return data && size > 1 ? 0 : 0;
}
]])], [AC_MSG_RESULT([yes])], [
		AC_MSG_RESULT([no])
		fuzzing_reason="$CLANG cannot link -fsanitize=fuzzer: install libclang-rt-14-dev (Debian)"
	])
	CC=$ktap_save_CC CFLAGS=$ktap_save_CFLAGS
	LDFLAGS=$ktap_save_LDFLAGS LIBS=$ktap_save_LIBS
])
