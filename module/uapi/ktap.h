/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ABI between the ktap tool and the ktapvm module: versions, the
 * /dev/ktap ioctls, the output record format and the bytecode chunk format.
 *
 * This is the only header the two sides share.  Both include it from
 * here; nothing in it may be copied.  Every struct uses fixed-width fields
 * and carries pointers as __u64 so 32-bit tools work on 64-bit kernels.
 *
 * Versioning: KTAP_ABI_MAJOR changes when an old tool and a new module (or
 * the reverse) would misunderstand each other; both sides refuse to talk
 * across a different major.  KTAP_ABI_MINOR grows when something is added
 * compatibly (a new opcode, a new ioctl); a tool states the lowest module
 * minor it needs in the chunk header.
 */
#ifndef _UAPI_KTAP_H
#define _UAPI_KTAP_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KTAP_ABI_MAJOR		1
#define KTAP_ABI_MINOR		10

/* The control device; one open file is one tracing session. */
#define KTAP_DEVICE_NAME	"ktap"
#define KTAP_DEVICE_PATH	"/dev/ktap"

/* ------------------------------------------------------------------------
 * ioctls
 * ------------------------------------------------------------------------ */

#define KTAP_IOC_TYPE		0xB7	/* unused in ioctl-number.rst */

/* KTAP_IOC_VERSION: what the module speaks and which package built it. */
struct ktap_version {
	__u32 abi_major;
	__u32 abi_minor;
	char package_version[32];	/* NUL-terminated, e.g. "0.5.0" */
};

/*
 * Limits a session asks for; zero means "the module's default".  The
 * module clamps nothing silently: a value above its ceiling (a module
 * parameter) makes LOAD fail with a message naming the parameter.
 */
struct ktap_limits {
	__u64 max_insns;	/* instructions per invocation */
	__u64 max_memory;	/* bytes of session heap */
	__u32 max_string;	/* bytes in one string value */
	__u32 max_depth;	/* nested script function calls (ABI 1.1) */
	__u32 max_entries;	/* entries of one table (ABI 1.2) */
	__u32 output_size;	/* bytes of output ring per CPU (ABI 1.5) */
};

/*
 * output_size: rounded up to a power of two; at least KTAP_OUTPUT_SIZE_MIN
 * (room for the largest record), at most the module's ceiling (parameter
 * output_size).  The rings are allocated at LOAD, one per online CPU.
 */
#define KTAP_OUTPUT_SIZE_MIN		(8U << 10)
#define KTAP_OUTPUT_SIZE_DEFAULT	(256U << 10)
#define KTAP_OUTPUT_SIZE_MAX		(1U << 30)	/* the tool's bound */

/*
 * KTAP_IOC_LOAD: hand a chunk to the session.  On failure the ioctl
 * returns a negative errno and, when err_buf is set, a NUL-terminated
 * message explaining what the verifier or loader refused.
 */
struct ktap_load {
	__u32 size;		/* sizeof(struct ktap_load), for extension */
	__u32 flags;		/* KTAP_LOAD_*, the rest must be 0 */
	__u64 chunk;		/* user pointer to the chunk bytes */
	__u32 chunk_len;
	__u32 err_len;		/* size of err_buf */
	__u64 err_buf;		/* user pointer, may be 0 */
	struct ktap_limits limits;
	/* ABI 1.8: events (see "Events" below); all 0 for a script without */
	__u64 events;		/* user pointer to struct ktap_event[nevents] */
	__u32 nevents;
	__s32 cpu;		/* -C: only this CPU; -1 every CPU */
	__s32 pid;		/* -p / -- cmd: only this process; 0 all */
	__u32 end_proto;	/* trace_end body, 0 when the script has none */
	/*
	 * ABI 1.9: sizeof(struct ktap_event) as the tool knows it; 0 means
	 * the ABI 1.8 layout (up to fmt_args).  The module reads each
	 * descriptor with that stride and zero-fills what it lacks.
	 */
	__u32 event_size;
	__u32 pad;		/* must be 0 */
};

/*
 * ABI 1.10: print each frame of a user stack (ustack()) as a user-frame
 * mark instead of a raw address, for the tool to replace with the
 * frame's symbol.  The module cannot name user code itself: that needs
 * the process's mappings and its ELF files, which only user space can
 * read (and after the process has exited, only a tool that followed its
 * mmaps).  A tool sets this only when the module's minor is >= 10.
 */
#define KTAP_LOAD_USER_SYMBOLS	0x1

/*
 * A user-frame mark, inside KTAP_REC_OUTPUT text: the byte
 * KTAP_USYM_MARK, a kind byte ('i' the interrupted instruction, 'r' a
 * return address, which names its call by addr - 1), the process id
 * (tgid) as 8 lowercase hex digits, then the address as 16: always
 * KTAP_USYM_LEN bytes.  A record never holds part of a mark, except
 * where the module cut an overlong line and ended it with "...".
 */
#define KTAP_USYM_MARK		0x01
#define KTAP_USYM_LEN		26

/* KTAP_IOC_START: run the top-level code; output arrives through read(). */

#define KTAP_IOC_VERSION	_IOR(KTAP_IOC_TYPE, 0, struct ktap_version)
#define KTAP_IOC_LOAD		_IOW(KTAP_IOC_TYPE, 1, struct ktap_load)
#define KTAP_IOC_START		_IO(KTAP_IOC_TYPE, 2)
/*
 * KTAP_IOC_START returns 1 when events are live: the session then runs
 * until KTAP_IOC_STOP (ABI 1.8), which disables every event, runs the
 * trace_end body once (not after a runtime error) and ends the output.
 * It returns 0 when the session already ended (no events, exit() or an
 * error in the top-level code).
 */
#define KTAP_IOC_STOP		_IO(KTAP_IOC_TYPE, 3)

/* ------------------------------------------------------------------------
 * Output records, read() from the session fd
 *
 * read() returns whole records only (a buffer too small for the next one
 * gets -EINVAL); it blocks until a record is ready or the session has
 * ended, then returns 0.  Each record is a header then `len` payload bytes,
 * padded to 8 so the next header is aligned.
 *
 * Records are written to per-CPU rings and each read() returns what it
 * takes from them in time order; a record committed late (its writer was
 * interrupted between taking its timestamp and publishing) may still be
 * older than one an earlier read() returned, so readers re-sort within a
 * small window (src/merge.c).  Records a full ring could not take are
 * counted; a LOST record carries the count not reported before, and
 * before the final 0 every drop has been reported.
 * ------------------------------------------------------------------------ */

enum ktap_record_type {
	KTAP_REC_OUTPUT = 1,	/* text for stdout */
	KTAP_REC_ERROR = 2,	/* runtime error "script:line: message" */
	KTAP_REC_LOST = 3,	/* payload: __u64 count of dropped records */
	/*
	 * ABI 1.8: the session asks to be stopped (exit() or a runtime
	 * error in a probe); ktap answers with KTAP_IOC_STOP.  No payload.
	 */
	KTAP_REC_STOP = 4,
	/*
	 * ABI 1.8: at the end, the event hits that could not run a body
	 * (payload: __u64 count).
	 */
	KTAP_REC_DROPPED = 5,
};

struct ktap_record {
	__u32 len;		/* payload bytes, without padding */
	__u16 type;		/* enum ktap_record_type */
	__u16 cpu;
	__u64 time_ns;		/* CLOCK_MONOTONIC when emitted */
};

#define KTAP_RECORD_ALIGN	8
#define KTAP_RECORD_MAX		4096	/* payload bytes of one record */

/* ------------------------------------------------------------------------
 * Events (ABI 1.8)
 *
 * LOAD carries an array of event descriptors: what to attach and which
 * prototype (a function of no parameters) runs on each hit.  User space
 * resolves names (tracefs, kallsyms) and field layouts; the module checks
 * every field against the record it receives before reading it.
 * ------------------------------------------------------------------------ */

enum ktap_event_type {
	KTAP_EVENT_TRACEPOINT = 1,	/* config: tracepoint id (tracefs "id") */
	KTAP_EVENT_KPROBE = 2,		/* name: symbol; config: offset */
	KTAP_EVENT_KRETPROBE = 3,	/* name: symbol */
	KTAP_EVENT_TICK = 4,		/* config: period in ns, one CPU */
	KTAP_EVENT_PROFILE = 5,		/* config: period in ns, every CPU */
	/*
	 * ABI 1.9: path: the ELF file; config: file offset of the probed
	 * instruction; ref_ctr_offset: file offset of an SDT semaphore the
	 * kernel increments while the probe is attached, or 0.
	 */
	KTAP_EVENT_UPROBE = 6,
	KTAP_EVENT_URETPROBE = 7,
};

#define KTAP_EVENTS_MAX		4096	/* descriptors of one session */
#define KTAP_EVENT_NAME_MAX	128	/* bytes of name, NUL included */
#define KTAP_FIELDS_MAX		64	/* fields of one event */
#define KTAP_FIELD_NAME_MAX	48	/* bytes of a field name, NUL included */
#define KTAP_FIELD_SLOTS	32	/* distinct $names of one script */
#define KTAP_ARGSTR_ARGS	16	/* fields argstr's format may use */
#define KTAP_ARGSTR_MAX		1024	/* bytes of argstr's format */
#define KTAP_TIMER_MIN_NS	100000	/* tick/profile: at most 10 kHz */
#define KTAP_PATH_MAX		4096	/* bytes of a uprobe's path, NUL included */
#define KTAP_EVENT_ARGS_MAX	32	/* args[] of one event */

/* How a field's bytes become a value. */
enum ktap_field_kind {
	KTAP_FIELD_INT = 1,	/* signed integer of size 1, 2, 4 or 8 */
	KTAP_FIELD_UINT = 2,	/* unsigned integer (pointers too) */
	KTAP_FIELD_CHARS = 3,	/* char[size], NUL-terminated or full */
	KTAP_FIELD_DATA_LOC = 4,	/* __data_loc char[]: u16 offset, u16 len */
	KTAP_FIELD_OTHER = 5,	/* not representable: reads give nil */
};

struct ktap_event_field {
	char name[KTAP_FIELD_NAME_MAX];
	__u16 offset;		/* in the raw record */
	__u16 size;
	__u8 kind;		/* enum ktap_field_kind */
	__u8 pad[3];		/* must be 0 */
};

/* The flags of struct ktap_event. */
/*
 * One of a glob's matches: skipped when the kernel refuses it (LOAD still
 * fails when it refuses every event).
 */
#define KTAP_EVENT_F_OPTIONAL	0x1

struct ktap_event {
	__u32 type;		/* enum ktap_event_type */
	__u32 proto;		/* the body: prototype 1..nprotos-1 */
	__u64 config;		/* see enum ktap_event_type */
	char name[KTAP_EVENT_NAME_MAX];	/* probename, NUL-terminated */
	__u32 flags;		/* KTAP_EVENT_F_* */
	__u16 nfields;		/* tracepoints: fields[] entries */
	__u16 first_arg;	/* fields[first_arg] is arg0 */
	__u64 fields;		/* user pointer to struct ktap_event_field[] */
	/* $name slot -> index into fields[] + 1; 0: no such field (nil) */
	__u8 slots[KTAP_FIELD_SLOTS];
	/*
	 * argstr: a printf format of the VM (man/ktap.7) applied to the
	 * fields fmt_args[0..fmt_nargs); fmt_len 0 means argstr is nil.
	 */
	__u64 fmt;		/* user pointer to fmt_len bytes */
	__u32 fmt_len;
	__u32 fmt_nargs;
	__u8 fmt_args[KTAP_ARGSTR_ARGS];
	/* ABI 1.9 (see struct ktap_load's event_size) */
	__u64 path;		/* uprobes: user pointer to a NUL-terminated path */
	__u64 ref_ctr_offset;	/* uprobes: see KTAP_EVENT_UPROBE */
	/*
	 * Argument locations evaluated on each hit, for probes (not
	 * tracepoints): args[0..nnum) are arg1..argN (an SDT marker's
	 * arguments); without them argN follows the calling convention.
	 * A $name slot s of such an event (slots[] is then an index into
	 * args[] + 1, not into fields[]) reads args[s - 1].
	 */
	__u64 args;		/* user pointer to struct ktap_event_arg[nargs] */
	__u16 nargs;
	__u16 nnum;
	__u32 pad2;		/* must be 0 */
};

/*
 * ABI 1.9: where a probe's argument lives at the probed instruction.
 * Registers are numbered as DWARF numbers them on the architecture
 * (x86_64: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp,
 * 8..15 r8..r15, 16 the probed address), so a DW_OP_regN or bregN maps
 * one to one.  The value read is `size` bytes, sign-extended when
 * is_signed, zero-extended otherwise.
 */
enum ktap_arg_kind {
	KTAP_ARG_NONE = 0,	/* unavailable: reads give nil */
	KTAP_ARG_CONST = 1,	/* the value is disp */
	KTAP_ARG_REG = 2,	/* register base */
	KTAP_ARG_MEM = 3,	/* memory at base + index * scale + disp */
};

#define KTAP_REG_NONE		0xff	/* no base or index register */
#define KTAP_REG_MAX		16	/* highest register number */

struct ktap_event_arg {
	__s64 disp;
	__u8 kind;		/* enum ktap_arg_kind */
	__u8 size;		/* 1, 2, 4 or 8 */
	__u8 is_signed;		/* 0 or 1 */
	__u8 base;		/* register or KTAP_REG_NONE */
	__u8 index;		/* register or KTAP_REG_NONE */
	__u8 scale;		/* 1, 2, 4 or 8 (when index is set) */
	__u8 pad[2];		/* must be 0 */
};

/*
 * Event context items, operand B of EVGET (operand C is the argument
 * number for ARG, the $name slot for FIELD).  Append only.
 */
enum ktap_evctx {
	KTAP_EVCTX_PROBENAME,	/* the event's name */
	KTAP_EVCTX_ARGSTR,	/* the event rendered as text */
	KTAP_EVCTX_CPU,
	KTAP_EVCTX_PID,		/* process (thread group) id */
	KTAP_EVCTX_TID,		/* thread id */
	KTAP_EVCTX_UID,
	KTAP_EVCTX_EXECNAME,	/* current->comm */
	KTAP_EVCTX_ARG,		/* argC, see man/ktap.7 */
	KTAP_EVCTX_FIELD,	/* $name of slot C */
	KTAP_EVCTX_RETVAL,	/* return value in a kretprobe or uretprobe */
	KTAP_EVCTX__COUNT
};

#define KTAP_EVCTX_MAX_ARG	9	/* arg0 .. arg9 */

/* ------------------------------------------------------------------------
 * Bytecode chunk
 *
 * All integers are in the byte order of the machine that runs the chunk;
 * a chunk from a machine of the other order fails the magic check.
 *
 *   chunk   := header name globals proto*          (header.nprotos of them;
 *                                                   proto 0 is the top level)
 *   name    := string                              script name for messages
 *   globals := string*                             header.nglobals names
 *   proto   := proto_header code lines const*
 *   code    := __u32[ncode]                        instructions
 *   lines   := __u32[ncode]                        source line of each
 *   const   := const_header payload                int64 or string bytes
 *   string  := __u32 length, bytes, zero padding to a multiple of 4
 * ------------------------------------------------------------------------ */

#define KTAP_CHUNK_MAGIC	0x5041544bU	/* "KTAP" read little-endian */
#define KTAP_CHUNK_MAX		(4U << 20)	/* bytes of one chunk */

struct ktap_chunk_header {
	__u32 magic;
	__u16 abi_major;	/* must equal the module's KTAP_ABI_MAJOR */
	__u16 abi_minor;	/* lowest module minor this chunk needs */
	__u32 flags;		/* none defined yet, must be 0 */
	__u32 size;		/* bytes of the whole chunk, header included */
	__u32 nprotos;
	__u32 nglobals;
};

#define KTAP_MAX_PROTOS		1024
#define KTAP_MAX_GLOBALS	65535
#define KTAP_MAX_REGS		250	/* registers of one frame */
#define KTAP_MAX_CODE		65536	/* instructions of one prototype */
#define KTAP_MAX_CONSTS		65535
#define KTAP_MAX_NAME		256	/* bytes of a global's name */
#define KTAP_MAX_SCRIPT_NAME	4096	/* bytes of the script name */

struct ktap_proto_header {
	__u32 ncode;
	__u32 nconsts;
	__u8 nparams;
	__u8 nregs;		/* frame size, parameters included */
	__u16 flags;		/* none defined yet, must be 0 */
	__u32 line;		/* line where the function starts */
};

enum ktap_const_type {
	KTAP_CONST_INT = 1,	/* payload: __s64 */
	KTAP_CONST_STR = 2,	/* payload: bytes, padded to 4 */
};

struct ktap_const_header {
	__u8 type;		/* enum ktap_const_type */
	__u8 pad[3];
	__u32 len;		/* payload bytes without padding */
};

/* ------------------------------------------------------------------------
 * Instructions
 *
 * Every instruction is one __u32 in one of two layouts:
 *
 *    31       24 23       16 15        8 7         0
 *   +-----------+-----------+-----------+-----------+
 *   |     C     |     B     |     A     |    op     |   ABC
 *   +-----------+-----------+-----------+-----------+
 *   |          Bx           |     A     |    op     |   ABx
 *   +-----------------------+-----------+-----------+
 *
 * sBx is Bx minus KTAP_SBX_BIAS, so jumps reach +-32767 instructions.
 * A jump's target is the address of the next instruction plus sBx.
 * ------------------------------------------------------------------------ */

#define KTAP_SBX_BIAS		0x7fff

#define KTAP_INSN_OP(i)		((i) & 0xff)
#define KTAP_INSN_A(i)		(((i) >> 8) & 0xff)
#define KTAP_INSN_B(i)		(((i) >> 16) & 0xff)
#define KTAP_INSN_C(i)		(((i) >> 24) & 0xff)
#define KTAP_INSN_BX(i)		(((i) >> 16) & 0xffff)
#define KTAP_INSN_SBX(i)	((int)KTAP_INSN_BX(i) - KTAP_SBX_BIAS)

#define KTAP_INSN_ABC(op, a, b, c) \
	((__u32)(op) | ((__u32)(a) << 8) | ((__u32)(b) << 16) | ((__u32)(c) << 24))
#define KTAP_INSN_ABX(op, a, bx) \
	((__u32)(op) | ((__u32)(a) << 8) | ((__u32)(bx) << 16))

/*
 * Operand modes: what an operand field holds, hence what the verifier
 * checks and what the disassembler prints.
 *   NONE  unused, must be 0          REG  register of the frame
 *   KST   constant index (Bx)        GBL  global slot index (Bx)
 *   JMP   sBx jump offset            LIT  literal 0..255 (B or C)
 *   BIF   built-in function id       INT  sBx literal integer
 *   ARG   argument count n: registers A+1..A+n must be in the frame
 *   PRO   prototype index (Bx) of a function, 1..nprotos-1 (proto 0 is
 *         the top level, never a value)
 *   FOR   A: the first of the four registers A..A+3 of a numeric for
 *         loop (index, iterations left, step, the loop variable), of a
 *         table loop (TFORLOOP) or of a sort in progress (SORTSTEP)
 *   KSC   constant index in an 8-bit field (B or C)       (ABI 1.6)
 *   KNUM  KSC of an integer constant                       (ABI 1.6)
 *   KDIV  KNUM of a constant other than 0: a divisor       (ABI 1.6)
 *   BIT   0 or 1                                           (ABI 1.6)
 *   EVT   an enum ktap_evctx item                          (ABI 1.8)
 */
enum ktap_operand_mode {
	KTAP_MODE_NONE,
	KTAP_MODE_REG,
	KTAP_MODE_KST,
	KTAP_MODE_GBL,
	KTAP_MODE_JMP,
	KTAP_MODE_LIT,
	KTAP_MODE_BIF,
	KTAP_MODE_INT,
	KTAP_MODE_ARG,
	KTAP_MODE_PRO,
	KTAP_MODE_FOR,
	KTAP_MODE_KSC,
	KTAP_MODE_KNUM,
	KTAP_MODE_KDIV,
	KTAP_MODE_BIT,
	KTAP_MODE_EVT,
};

/* The modes that fill the 16-bit Bx field (ABx layout). */
#define KTAP_MODE_IS_BX(m) \
	((m) == KTAP_MODE_KST || (m) == KTAP_MODE_GBL || \
	 (m) == KTAP_MODE_JMP || (m) == KTAP_MODE_INT || (m) == KTAP_MODE_PRO)

/*
 * The opcodes.  ktap_opcodes.h is the one table of them (an X-macro
 * include file: define KTAP_OP(name, a, b, c) and include it); the enum
 * here, the verifier's mode table, the disassembler's names and the
 * interpreter's dispatch table are all generated from it.
 */
enum ktap_opcode {
#define KTAP_OP(name, a, b, c) KTAP_OP_##name,
#include "ktap_opcodes.h"
	KTAP_OP__COUNT
};

/*
 * The ABI minor that introduced an opcode, so a tool can state in the
 * chunk header the lowest module minor its chunk needs (opcodes are only
 * ever appended, so the first opcode of each minor is enough).
 */
#define KTAP_OP_MINOR(op)	\
	((op) >= KTAP_OP_EVGET ? 8 : (op) >= KTAP_OP_ADDT ? 7 :	\
	 (op) >= KTAP_OP_ADDK ? 6 : (op) >= KTAP_OP_AGGT ? 3 :		\
	 (op) >= KTAP_OP_NEWTAB ? 2 : (op) >= KTAP_OP_FUNC ? 1 : 0)

/*
 * Built-in functions, from the ktap_builtins.h table.  Ids are positions
 * in that table and are part of the ABI: append only.
 */
enum ktap_builtin {
#define KTAP_BUILTIN(id, name, min_args, max_args) KTAP_BIF_##id,
#include "ktap_builtins.h"
	KTAP_BIF__COUNT
};

/* The ABI minor that introduced a built-in, like KTAP_OP_MINOR. */
#define KTAP_BIF_MINOR(id)	\
	((id) >= KTAP_BIF_EXIT ? 8 : (id) >= KTAP_BIF_STACK ? 4 :	\
	 (id) >= KTAP_BIF_COUNT ? 3 : (id) >= KTAP_BIF_DELETE ? 2 :	\
	 (id) >= KTAP_BIF_PRINTF ? 1 : 0)

#endif /* _UAPI_KTAP_H */
