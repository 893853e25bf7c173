# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/try-ktap and scripts/run-tests: installs what a fresh
# Debian 12 needs (when run as root), then autoreconf, configure and make
# in the source tree.  Each step runs only when its inputs changed.

ktap_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build tools, ktap's libraries, what the qemu kernel tests boot (both
# Debian 12 kernel series with their headers), linux-source for
# checkpatch.pl, and clang with its libFuzzer runtime and llvm-symbolizer
# for the fuzz targets (tests/fuzz/), mandoc and man-db for the manuals'
# lint (tests/man.test), sys/sdt.h for the uprobe test program
# (tests/tools/uprobe-target), and what tests/packaging/run builds,
# checks and installs packages with (dkms, debhelper with dh-dkms,
# dpkg-dev, lintian, rpm, fakeroot), and iproute2 (ip, tc) with which
# the tools' kernel tests bring up lo and add netem loss to it, and
# libc6-dbg, whose debug file names libc's internal functions in
# ustack() frames (tests/unit/test-usym, kernel uprobes.test).
ktap_packages="build-essential autoconf automake pkg-config libelf-dev
libdw-dev python3 kmod cpio xz-utils zstd busybox-static qemu-system-x86
util-linux procps iproute2 linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.1
clang libclang-rt-14-dev llvm-14 mandoc man-db systemtap-sdt-dev
dkms dh-dkms debhelper dpkg-dev lintian rpm fakeroot libc6-dbg"

ktap_install_packages() {
	local missing=() p
	for p in $ktap_packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "ktap: missing Debian packages: ${missing[*]}" >&2
		echo "ktap: install them as root: apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "ktap: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ktap_build() {
	cd "$ktap_top" || return 1
	if [ ! -x configure ] || [ configure.ac -nt configure ] ||
	   [ Makefile.am -nt Makefile.in ] || [ m4/ktap.m4 -nt configure ]; then
		autoreconf -fi || return 1
	fi
	if [ ! -f Makefile ] || [ configure -nt config.status ]; then
		./configure --enable-werror ${KTAP_CONFIGURE_FLAGS:-} || return 1
	fi
	make -j"$(nproc)" >/dev/null || make
}
