#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The storm: every syscall tracepoint (enter and exit) on both vCPUs for
# 30 seconds while two busy workloads run, each hit printing a record
# into 8 KiB per-CPU buffers so most records are dropped.  Prints facts
# for storm.test to check; the harness checks the kernel log.
# Usage: storm.sh KTAP
ktap=$1
out=${TMPDIR:-/tmp}/storm.out
err=${TMPDIR:-/tmp}/storm.err

dd if=/dev/zero of=/dev/null bs=1 count=1000000000 2>/dev/null &
dd_pid=$!
sh -c 'while :; do cat /etc/hostname >/dev/null; done' &
cat_pid=$!

$ktap -B 8K -t 30 -o $out -e '
var s = {}
trace syscalls:* {
	s[probename] += 1
	printf("%s %d\n", execname, pid)
}
trace_end {
	var hits = 0
	for (k, v in pairs(s)) { hits += v }
	printf("HITS %d DISTINCT %d READS %d\n", hits, len(s), s["sys_enter_read"])
}' 2>$err
status=$?
kill $dd_pid $cat_pid
echo "ktap exit status $status"
cat $err >&2

# Every hit printed one record: what reached the file plus what ktap
# reports lost must be exactly the hits the script counted.
set -- $(grep '^HITS ' $out)
hits=$2 distinct=$4 reads=$6
printed=$(grep -c -v '^HITS ' $out)
lost=$(sed -n 's/^ktap: \([0-9]*\) records lost.*/\1/p' $err)
echo "hits $hits printed $printed lost ${lost:-none}"
[ -n "$lost" ] && [ $((printed + lost)) -eq "$hits" ] && echo "accounting exact"
[ "${lost:-0}" -gt 0 ] && echo "records were lost and reported"
[ "$distinct" -ge 20 ] && echo "at least 20 distinct syscall events"
[ "$reads" -ge 10000 ] && echo "dd's reads counted"
grep -q '^dd [0-9]' $out && echo "dd's records printed"
