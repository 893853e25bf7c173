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

# KTAP_PTHREAD: ktap's output reader is a thread.
AC_DEFUN([KTAP_PTHREAD], [
	AC_CHECK_LIB([pthread], [pthread_create], [PTHREAD_LIBS=-lpthread],
		[AC_MSG_ERROR([POSIX threads are required])])
	AC_SUBST([PTHREAD_LIBS])
])
