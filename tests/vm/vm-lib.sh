# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Host-side helpers of ktap-vm: finding bootable kernels, building the module and the per-kernel initramfs.
#
# Sourced by ktap-vm (bash, set -euo pipefail). Functions are prefixed kv_;
# they report through kv_skip (exit 77: something this machine lacks) and
# kv_fail (exit 2, or the code given: something is broken).

kv_msg() { printf 'ktap-vm: %s\n' "$*" >&2; }

# Exit 77 is automake's "skip": the test cannot run here, nothing failed.
kv_skip() {
	kv_msg "$*"
	exit 77
}

kv_fail() {
	local code=$1
	shift
	kv_msg "$*"
	exit "$code"
}

# kv_need TOOL PACKAGE: skip unless TOOL is on PATH.
kv_need() {
	command -v "$1" >/dev/null 2>&1 ||
		kv_skip "$1 not found; install the Debian package '$2'"
}

# A kernel is bootable here when its image and its headers are both installed.
kv_list_kernels() {
	local img ver
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		ver=${img#/boot/vmlinuz-}
		[ -f "/lib/modules/$ver/build/Makefile" ] && echo "$ver"
	done | sort -V
}

# kv_pick_kernel WANTED: WANTED if given, else `uname -r` when bootable,
# else the newest bootable kernel.
kv_pick_kernel() {
	local wanted=$1 list running
	list=$(kv_list_kernels)
	[ -n "$list" ] || kv_skip "no kernel with both /boot/vmlinuz-VER and" \
		"/lib/modules/VER/build; install e.g. the Debian packages" \
		"'linux-image-amd64 linux-headers-amd64'"
	if [ -n "$wanted" ]; then
		grep -qxF -- "$wanted" <<<"$list" ||
			kv_skip "kernel $wanted is not bootable here (needs" \
				"/boot/vmlinuz-$wanted and /lib/modules/$wanted/build;" \
				"Debian packages 'linux-image-$wanted linux-headers-$wanted')"
		echo "$wanted"
		return
	fi
	running=$(uname -r)
	if grep -qxF -- "$running" <<<"$list"; then
		echo "$running"
	else
		tail -n1 <<<"$list"
	fi
}

# Build artifacts are never copied: objects built in the source tree for
# another kernel must not leak into this kernel's build.
kv_is_artifact() {
	case ${1##*/} in
	*.o | *.ko | *.mod | *.mod.c | .*.cmd | *.a | *.symvers | \
		modules.order | .tmp_versions | .cache.mk | *.dwo | *.tmp | .ktap-vm-*)
		return 0 ;;
	esac
	return 1
}

# kv_sync_tree SRC DST: make DST's source files equal to SRC's. Changed
# files get a fresh mtime so that make rebuilds what depends on them;
# unchanged ones keep theirs so that make does not.
kv_sync_tree() {
	local src=$1 dst=$2 rel
	mkdir -p "$dst"
	(cd "$src" && find . -mindepth 1 \( -type d -o -type f \) -print0) |
		while IFS= read -r -d '' rel; do
			kv_is_artifact "$rel" && continue
			if [ -d "$src/$rel" ]; then
				mkdir -p "$dst/$rel"
			elif ! cmp -s "$src/$rel" "$dst/$rel"; then
				cp -f "$src/$rel" "$dst/$rel"
			fi
		done
	# Drop sources deleted upstream, so a stale header cannot hide an error.
	(cd "$dst" && find . -mindepth 1 -type f -print0) |
		while IFS= read -r -d '' rel; do
			kv_is_artifact "$rel" && continue
			[ -e "$src/$rel" ] || rm -f "$dst/$rel"
		done
}

# kv_build_module VER SRC OUTDIR NAME: build NAME.ko in OUTDIR from a copy
# of SRC against VER's headers.
kv_build_module() {
	local ver=$1 src=$2 out=$3 name=$4 log stamp
	[ -d "$src" ] || kv_fail 2 "module source $src does not exist (or use --no-module)"
	kv_need make make
	kv_need gcc gcc
	kv_sync_tree "$src" "$out"
	# Even a no-op Kbuild run costs about a second under make; skip it when
	# neither the sources nor the kernel's build tree changed.
	stamp=$(kv_module_stamp "$ver" "$out" "$name")
	if [ -f "$out/$name.ko" ] && [ "$(cat "$out/.ktap-vm-stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	rm -f "$out/.ktap-vm-stamp"
	log=$out/.ktap-vm-build.log
	if ! make -C "/lib/modules/$ver/build" M="$out" modules >"$log" 2>&1; then
		cat "$log" >&2
		kv_fail 126 "building the module in $out against $ver failed"
	fi
	[ -f "$out/$name.ko" ] ||
		kv_fail 126 "the build of $src made no $name.ko (see --module-name)"
	echo "$stamp" >"$out/.ktap-vm-stamp"
}

# kv_module_stamp VER DIR NAME: changes whenever a build could.
kv_module_stamp() {
	local build=/lib/modules/$1/build
	{
		echo "$3"
		(cd "$2" && find . -type f -print0 | LC_ALL=C sort -z |
			while IFS= read -r -d '' f; do
				kv_is_artifact "$f" || printf '%s\0' "$f" "$(sha256sum <"$f")"
			done)
		stat -Lc '%n %s %Y' "$build/Makefile" "$build/Module.symvers" \
			"$build/.config" 2>/dev/null || true
	} | sha256sum | cut -d' ' -f1
}

# kv_9p_chain VER: the .ko files that mounting a virtio 9p share needs, in
# load order, one per line; built-in ones are left out. One modprobe call
# per module: --show-depends takes further names as module parameters.
kv_9p_chain() {
	local ver=$1 mod out line
	for mod in virtio_pci 9pnet_virtio 9p; do
		out=$(modprobe -S "$ver" --show-depends "$mod" 2>&1) ||
			kv_skip "kernel $ver has no $mod: $out"
		while read -r line; do
			case $line in
			insmod\ *) line=${line#insmod }; echo "${line%% *}" ;;
			esac
		done <<<"$out"
	done | awk '!seen[$0]++'
}

# kv_unpack_ko SRC DST: modules may ship compressed; busybox insmod takes
# only plain ELF, so decompress on the host.
kv_unpack_ko() {
	case $1 in
	*.ko) cp "$1" "$2" ;;
	*.ko.xz) kv_need xz xz-utils; xz -dc "$1" >"$2" ;;
	*.ko.zst) kv_need zstd zstd; zstd -qdc "$1" >"$2" ;;
	*.ko.gz) kv_need gzip gzip; gzip -dc "$1" >"$2" ;;
	*) kv_fail 2 "do not know how to unpack $1" ;;
	esac
}

# kv_u LEN OFFSET FILE: the little-endian unsigned LEN-byte integer at OFFSET.
kv_u() { od -An -tu"$1" -j "$2" -N "$1" -- "$3" | tr -d ' '; }

# kv_boot_image VER OUT: print the image to boot. Under tcg, decompressing
# an xz bzImage costs seconds per boot (6.1: 4.9 s vs 2.5 s per run), so
# when the kernel has a PVH entry (CONFIG_PVH, which qemu boots from a plain
# ELF vmlinux) unpack it once into OUT; otherwise boot the bzImage as is.
kv_boot_image() {
	local ver=$1 out=$2 img=/boot/vmlinuz-$1 key setup off len size magic
	local -a unpack
	key=$(stat -Lc '%n %s %Y' "$img")
	if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		echo "$out"
		return
	fi
	rm -f "$out" "$out.key"
	# The bzImage header: "HdrS" at 0x202, protocol >= 2.08 for the payload
	# fields at 0x248; the payload starts after the setup sectors and ends
	# with its uncompressed size (Documentation/arch/x86/boot.rst).
	if ! grep -qs '^CONFIG_PVH=y' "/boot/config-$ver" "/lib/modules/$ver/build/.config" ||
		[ "$(od -An -c -j 514 -N 4 "$img" | tr -d ' ')" != HdrS ] ||
		[ "$(kv_u 2 518 "$img")" -lt 520 ]; then
		echo "$img"
		return
	fi
	setup=$(kv_u 1 497 "$img")
	[ "$setup" != 0 ] || setup=4
	off=$(((setup + 1) * 512 + $(kv_u 4 584 "$img")))
	len=$(kv_u 4 588 "$img")
	size=$(kv_u 4 $((off + len - 4)) "$img")
	magic=$(od -An -tx1 -j "$off" -N 4 "$img" | tr -d ' ')
	case $magic in
	fd377a58) unpack=(xz -dc) ;;
	28b52ffd) unpack=(zstd -qdc) ;;
	1f8b*) unpack=(gzip -dc) ;;
	*) echo "$img"; return ;;
	esac
	if command -v "${unpack[0]}" >/dev/null; then
		# The size trailer after the stream makes the unpacker complain; the
		# size and ELF checks below are what tell a good image.
		tail -c +$((off + 1)) "$img" | head -c "$len" |
			"${unpack[@]}" >"$out.tmp" 2>/dev/null || true
		if [ "$(stat -c %s "$out.tmp")" = "$size" ] &&
			[ "$(od -An -c -N 4 "$out.tmp" | tr -d ' ')" = 177ELF ]; then
			mv -f "$out.tmp" "$out"
			echo "$key" >"$out.key"
			echo "$out"
			return
		fi
	fi
	rm -f "$out.tmp"
	echo "$img"
}

# kv_initramfs_key VER CHAIN SCRIPTS...: changes whenever the image would.
kv_initramfs_key() {
	local ver=$1 chain=$2
	shift 2
	{
		cat -- "$@" "$KV_BUSYBOX"
		stat -Lc '%n %s %Y' "/boot/vmlinuz-$ver"
		[ -z "$chain" ] || xargs -d '\n' stat -Lc '%n %s %Y' <<<"$chain"
	} | sha256sum | cut -d' ' -f1
}

# kv_build_initramfs VER OUT INIT SCRIPTS...: write the cpio image to OUT
# unless the cached one was made from the same inputs.
kv_build_initramfs() {
	local ver=$1 out=$2 init=$3 chain key root ko n=0 applet
	shift 3
	chain=$(kv_9p_chain "$ver")
	key=$(kv_initramfs_key "$ver" "$chain" "$init" "$@")
	if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	root=$(mktemp -d "$out.root.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,host,orig,lib/ktap-vm}
	cp "$KV_BUSYBOX" "$root/bin/busybox"
	for applet in $("$KV_BUSYBOX" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	install -m 0755 "$init" "$root/init"
	: >"$root/lib/ktap-vm/modules.list"
	if [ -n "$chain" ]; then
		while read -r ko; do
			n=$((n + 1))
			local base=${ko##*/}
			base=$(printf '%02d-%s.ko' "$n" "${base%%.ko*}")
			kv_unpack_ko "$ko" "$root/lib/ktap-vm/$base"
			echo "$base" >>"$root/lib/ktap-vm/modules.list"
		done <<<"$chain"
	fi
	# Uncompressed: under tcg the kernel's gunzip costs more than copying.
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) >"$out.tmp"
	rm -rf "$root"
	mv -f "$out.tmp" "$out"
	echo "$key" >"$out.key"
}
