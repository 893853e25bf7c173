#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What tests/runtime/kernel/tapsets.test traces: an open and a failed
# one, an exec and an exit, a sleep, direct writes to a null_blk device,
# a TCP connect on loopback and a SIGUSR1.  Done three times, a second
# apart, in case ktap attached late.
modprobe null_blk nr_devices=1 || exit 1
ip link set lo up 2>/dev/null || busybox ip link set lo up
for i in 1 2 3; do
	: >/tmp/ktap-alias-open
	cat /tmp/ktap-alias-open
	cat /tmp/ktap-alias-missing 2>/dev/null
	/bin/sleep 0.1
	dd if=/dev/zero of=/dev/nullb0 bs=4096 count=4 oflag=direct 2>/dev/null
	python3 -c 'import socket; socket.socket().connect_ex(("127.0.0.1", 45678))'
	sh -c 'trap "" USR1; kill -USR1 $$'
	sleep 1
done
