#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The guest half of bench/events: runs inside ONE booted kernel.

Per-event overhead: getpid-bench makes COUNT getpid() calls untraced,
then under ktap, then under bpftrace, each counting the calls per
process name; the overhead of a tracer is its ns/call minus the
untraced ns/call. A traced run only counts when the tracer's own count
for getpid-bench reaches COUNT, i.e. its probe was live for the whole
loop. Rounds interleave the three so load hits them alike; medians.

Time to first event: from starting the tracer until its probe's first
line arrives on a pipe, while getpid-bench --tick calls getpid() once
a millisecond (so at most ~1 ms of it is waiting for the workload).
"""
import argparse
import re
import signal
import statistics
import subprocess
import sys
import time

COMM = 'getpid-bench'

COUNT_SCRIPTS = {
    'ktap': ['-e', 'var s = {} trace syscalls:sys_enter_getpid { s[execname] += 1 } '
             'trace_end { print("count", s["%s"]) }' % COMM],
    'bpftrace': ['-e', 'tracepoint:syscalls:sys_enter_getpid { @[comm] = count(); }'],
}
COUNT_RESULT = {
    'ktap': re.compile(r'^count\t(\d+)$', re.M),
    'bpftrace': re.compile(r'^@\[%s\]: (\d+)$' % COMM, re.M),
}
FIRST_SCRIPTS = {
    'ktap': ['-e', 'trace syscalls:sys_enter_getpid { if (execname == "%s") '
             '{ print("hit"); exit() } }' % COMM],
    'bpftrace': ['-B', 'line', '-e', 'tracepoint:syscalls:sys_enter_getpid '
                 '/comm == "%s"/ { printf("hit\\n"); exit(); }' % COMM],
}


def time_to_first_event(tool, argv, bench):
    ticker = subprocess.Popen([bench, '--tick'])
    try:
        start = time.monotonic()
        tracer = subprocess.Popen(argv + FIRST_SCRIPTS[tool],
                                  stdout=subprocess.PIPE, text=True)
        for line in tracer.stdout:
            if line.strip() == 'hit':
                elapsed = time.monotonic() - start
                break
        else:
            sys.exit('%s ended without an event' % tool)
        tracer.wait(timeout=300)
        return elapsed
    finally:
        ticker.kill()
        ticker.wait()


def ns_per_call(bench, count):
    out = subprocess.run([bench, str(count)], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[1])


def traced_ns_per_call(tool, argv, bench, count, settle):
    tracer = subprocess.Popen(argv + COUNT_SCRIPTS[tool],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(settle)
    ns = ns_per_call(bench, count)
    tracer.send_signal(signal.SIGINT)
    out, _ = tracer.communicate(timeout=300)
    seen = COUNT_RESULT[tool].search(out)
    if not seen or int(seen.group(1)) < count:
        print('# %s counted %s of %d calls: probe not live yet, run '
              'dropped' % (tool, seen and seen.group(1), count))
        return None
    return ns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ktap', required=True)
    ap.add_argument('--bench', required=True)
    ap.add_argument('--count', type=int, default=200000)
    ap.add_argument('--rounds', type=int, default=5)
    args = ap.parse_args()
    tools = {'ktap': [args.ktap, '-q'], 'bpftrace': ['bpftrace']}

    first = {tool: [] for tool in tools}
    for _ in range(args.rounds):
        for tool, argv in tools.items():
            first[tool].append(time_to_first_event(tool, argv, args.bench))
    start = {tool: statistics.median(v) for tool, v in first.items()}

    runs = {'none': [], **{tool: [] for tool in tools}}
    for _ in range(args.rounds):
        runs['none'].append(ns_per_call(args.bench, args.count))
        for tool, argv in tools.items():
            ns = traced_ns_per_call(tool, argv, args.bench, args.count,
                                    2 * start[tool] + 1)
            if ns is not None:
                runs[tool].append(ns)

    base = statistics.median(runs['none'])
    print('calls per run %d, rounds %d' % (args.count, args.rounds))
    print('%-9s %12s %14s %12s %14s' % ('tracer', 'ns/call', 'overhead ns',
                                         'runs kept', 'first event s'))
    print('%-9s %12.1f %14s %12d %14s' % ('none', base, '-',
                                           len(runs['none']), '-'))
    over = {}
    for tool in tools:
        if not runs[tool]:
            sys.exit('no valid %s run' % tool)
        ns = statistics.median(runs[tool])
        over[tool] = ns - base
        print('%-9s %12.1f %14.1f %12d %14.3f' % (tool, ns, over[tool],
                                                   len(runs[tool]),
                                                   start[tool]))
    print('overhead ktap/bpftrace %.2f (target <= 1.5)' %
          (over['ktap'] / over['bpftrace']))
    print('first event ktap/bpftrace %.3f (target < 0.1)' %
          (start['ktap'] / start['bpftrace']))


if __name__ == '__main__':
    main()
