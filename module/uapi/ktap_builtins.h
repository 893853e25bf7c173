/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The built-in function table of the ktap bytecode, part of the ABI in
 * ktap.h: KTAP_BUILTIN(id, name in scripts, least and most arguments,
 * -1 for no upper bound).  Ids are line positions: append only, and
 * bump KTAP_ABI_MINOR in ktap.h.
 *
 * An X-macro include file: define KTAP_BUILTIN, include it; it undefines
 * KTAP_BUILTIN at the end.  It deliberately has no include guard.
 */
KTAP_BUILTIN(PRINT, "print", 0, -1)	/* values, tab-separated, newline */
KTAP_BUILTIN(PRINTF, "printf", 1, -1)	/* (fmt, ...): formatted, no newline */
KTAP_BUILTIN(SPRINTF, "sprintf", 1, -1)	/* (fmt, ...) -> the text printf shows */
KTAP_BUILTIN(TOSTRING, "tostring", 1, 1) /* (v) -> v as print shows it */
KTAP_BUILTIN(TONUMBER, "tonumber", 1, 2) /* (s [, base]) -> number or nil */
KTAP_BUILTIN(TYPE, "type", 1, 1)	/* (v) -> "nil", "number", ... */
KTAP_BUILTIN(LEN, "len", 1, 1)		/* (s) -> bytes; (t) -> entries */
/* ABI 1.2: tables */
KTAP_BUILTIN(DELETE, "delete", 1, 2)	/* (t [, k]): empty t, or remove k */
KTAP_BUILTIN(TABLE_NEW, "table.new", 0, 2) /* ([narr [, nrec]]) -> presized {} */
KTAP_BUILTIN(SORT_PAIRS, "sort_pairs", 1, 2) /* (t [, cmp]) -> keys in order, see ktap.7 */
/* ABI 1.3: aggregations */
KTAP_BUILTIN(COUNT, "count", 1, 1)	/* (agg) -> numbers folded in */
KTAP_BUILTIN(SUM, "sum", 1, 1)		/* (agg) -> their sum */
KTAP_BUILTIN(AVG, "avg", 1, 1)		/* (agg) -> sum / count, truncated */
KTAP_BUILTIN(MIN, "min", 1, 1)		/* (agg) -> the least */
KTAP_BUILTIN(MAX, "max", 1, 1)		/* (agg) -> the greatest */
KTAP_BUILTIN(PRINT_HIST, "print_hist", 1, 2) /* (agg) or (t [, n]), see ktap.7 */

/* ABI 1.4: context and time (man/ktap.7, CONTEXT) */
KTAP_BUILTIN(STACK, "stack", 0, 1)	/* ([depth]) -> the kernel backtrace here */
KTAP_BUILTIN(USER_STRING, "user_string", 1, 2) /* (addr [, maxlen]) -> string or nil */
KTAP_BUILTIN(KERNEL_STRING, "kernel_string", 1, 2) /* (addr [, maxlen]) -> string or nil */
KTAP_BUILTIN(KSYM, "ksym", 1, 1)	/* (addr) -> kernel symbol name or nil */
KTAP_BUILTIN(IPOF, "ipof", 1, 1)	/* (addr) -> the same as ksym */
KTAP_BUILTIN(IN_INTERRUPT, "in_interrupt", 0, 0) /* () -> in irq/softirq/NMI? */
KTAP_BUILTIN(IN_IOWAIT, "in_iowait", 0, 0) /* () -> current task waits for I/O? */
KTAP_BUILTIN(GETTIMEOFDAY_NS, "gettimeofday_ns", 0, 0) /* () -> wall clock, ns */
KTAP_BUILTIN(GETTIMEOFDAY_US, "gettimeofday_us", 0, 0) /* () -> wall clock, us */
KTAP_BUILTIN(GETTIMEOFDAY_MS, "gettimeofday_ms", 0, 0) /* () -> wall clock, ms */
KTAP_BUILTIN(GETTIMEOFDAY_S, "gettimeofday_s", 0, 0) /* () -> wall clock, s */
KTAP_BUILTIN(KTIME_NS, "ktime_ns", 0, 0) /* () -> monotonic clock, ns */
KTAP_BUILTIN(NUM_CPUS, "num_cpus", 0, 0) /* () -> online CPUs */
KTAP_BUILTIN(ARCH, "arch", 0, 0)	/* () -> machine, e.g. "x86_64" */
KTAP_BUILTIN(KERNEL_V, "kernel_v", 0, 0) /* () -> kernel release (uname -r) */
KTAP_BUILTIN(USTACK, "ustack", 0, 1)	/* ([depth]) -> the user backtrace, raw */

/* ABI 1.8: events */
KTAP_BUILTIN(EXIT, "exit", 0, 0)	/* (): stop tracing; trace_end runs */

#undef KTAP_BUILTIN
