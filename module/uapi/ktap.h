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
#define KTAP_ABI_MINOR		0

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
	__u32 reserved;
};

/*
 * KTAP_IOC_LOAD: hand a chunk to the session.  On failure the ioctl
 * returns a negative errno and, when err_buf is set, a NUL-terminated
 * message explaining what the verifier or loader refused.
 */
struct ktap_load {
	__u32 size;		/* sizeof(struct ktap_load), for extension */
	__u32 flags;		/* none defined yet, must be 0 */
	__u64 chunk;		/* user pointer to the chunk bytes */
	__u32 chunk_len;
	__u32 err_len;		/* size of err_buf */
	__u64 err_buf;		/* user pointer, may be 0 */
	struct ktap_limits limits;
};

/* KTAP_IOC_START: run the top-level code; output arrives through read(). */

#define KTAP_IOC_VERSION	_IOR(KTAP_IOC_TYPE, 0, struct ktap_version)
#define KTAP_IOC_LOAD		_IOW(KTAP_IOC_TYPE, 1, struct ktap_load)
#define KTAP_IOC_START		_IO(KTAP_IOC_TYPE, 2)

/* ------------------------------------------------------------------------
 * Output records, read() from the session fd
 *
 * read() returns whole records only (a buffer too small for the next one
 * gets -EINVAL); it blocks until a record is ready or the session has
 * ended, then returns 0.  Each record is a header then `len` payload bytes,
 * padded to 8 so the next header is aligned.
 * ------------------------------------------------------------------------ */

enum ktap_record_type {
	KTAP_REC_OUTPUT = 1,	/* text for stdout */
	KTAP_REC_ERROR = 2,	/* runtime error "script:line: message" */
	KTAP_REC_LOST = 3,	/* payload: __u64 count of dropped records */
};

struct ktap_record {
	__u32 len;		/* payload bytes, without padding */
	__u16 type;		/* enum ktap_record_type */
	__u16 cpu;
	__u64 time_ns;		/* ktime_get_ns() when emitted */
};

#define KTAP_RECORD_ALIGN	8
#define KTAP_RECORD_MAX		4096	/* payload bytes of one record */

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
 *   ___    unused, must be 0        REG   register of the frame
 *   KST    constant index (Bx)      GBL   global slot index (Bx)
 *   JMP    sBx jump offset          LIT   literal 0..255 (B or C)
 *   BIF    built-in function id     INT   sBx literal integer
 *   ARG    argument count n: registers A+1..A+n must be in the frame
 */
#define KTAP_MODES(_) _(___) _(REG) _(KST) _(GBL) _(JMP) _(LIT) _(BIF) _(INT) _(ARG)

enum ktap_operand_mode {
#define KTAP_MODE_ENUM(m) KTAP_MODE_##m,
	KTAP_MODES(KTAP_MODE_ENUM)
#undef KTAP_MODE_ENUM
};

/* The modes that fill the 16-bit Bx field (ABx layout). */
#define KTAP_MODE_IS_BX(m) \
	((m) == KTAP_MODE_KST || (m) == KTAP_MODE_GBL || \
	 (m) == KTAP_MODE_JMP || (m) == KTAP_MODE_INT)

/*
 * The opcode table: name, mode of A, mode of B (or Bx), mode of C, and
 * what it does.  A Bx-mode (KST, GBL, JMP, INT) in the B column means the
 * instruction uses the ABx layout and C is then "___".  This is the only
 * list of opcodes; the enum, the verifier's mode table, the disassembler's
 * names and the interpreter's dispatch table are generated from it.
 */
#define KTAP_OPCODES(_)							\
	_(MOV,     REG, REG, ___)	/* R[A] := R[B] */		\
	_(LOADK,   REG, KST, ___)	/* R[A] := K[Bx] */		\
	_(LOADI,   REG, INT, ___)	/* R[A] := sBx */		\
	_(LOADNIL, REG, ___, ___)	/* R[A] := nil */		\
	_(LOADB,   REG, LIT, ___)	/* R[A] := (B != 0) */		\
	_(GETG,    REG, GBL, ___)	/* R[A] := G[Bx] */		\
	_(SETG,    REG, GBL, ___)	/* G[Bx] := R[A] */		\
	_(ADD,     REG, REG, REG)	/* R[A] := R[B] + R[C] */	\
	_(SUB,     REG, REG, REG)	/* R[A] := R[B] - R[C] */	\
	_(MUL,     REG, REG, REG)	/* R[A] := R[B] * R[C] */	\
	_(DIV,     REG, REG, REG)	/* R[A] := R[B] / R[C] */	\
	_(MOD,     REG, REG, REG)	/* R[A] := R[B] % R[C] */	\
	_(BAND,    REG, REG, REG)	/* R[A] := R[B] & R[C] */	\
	_(BOR,     REG, REG, REG)	/* R[A] := R[B] | R[C] */	\
	_(BXOR,    REG, REG, REG)	/* R[A] := R[B] ^ R[C] */	\
	_(SHL,     REG, REG, REG)	/* R[A] := R[B] << R[C] */	\
	_(SHR,     REG, REG, REG)	/* R[A] := R[B] >> R[C] */	\
	_(CONCAT,  REG, REG, REG)	/* R[A] := R[B] .. R[C] */	\
	_(EQ,      REG, REG, REG)	/* R[A] := R[B] == R[C] */	\
	_(NE,      REG, REG, REG)	/* R[A] := R[B] != R[C] */	\
	_(LT,      REG, REG, REG)	/* R[A] := R[B] < R[C] */	\
	_(LE,      REG, REG, REG)	/* R[A] := R[B] <= R[C] */	\
	_(NEG,     REG, REG, ___)	/* R[A] := -R[B] */		\
	_(BNOT,    REG, REG, ___)	/* R[A] := ~R[B] */		\
	_(NOT,     REG, REG, ___)	/* R[A] := !R[B] */		\
	_(JMP,     ___, JMP, ___)	/* pc += sBx */			\
	_(JMPF,    REG, JMP, ___)	/* if !R[A] then pc += sBx */	\
	_(JMPT,    REG, JMP, ___)	/* if R[A] then pc += sBx */	\
	_(CALLB,   REG, BIF, ARG)	/* R[A] := bif[B](R[A+1..A+C]) */ \
	_(RET,     ___, ___, ___)	/* end this invocation */

enum ktap_opcode {
#define KTAP_OP_ENUM(name, a, b, c) KTAP_OP_##name,
	KTAP_OPCODES(KTAP_OP_ENUM)
#undef KTAP_OP_ENUM
	KTAP_OP__COUNT
};

/*
 * Built-in functions: name, least and most arguments (-1: no upper bound).
 * Ids are the position in this list and are part of the ABI: append only.
 */
#define KTAP_BUILTINS(_)						\
	_(PRINT,    "print",    0, -1)	/* values, tab-separated, newline */

enum ktap_builtin {
#define KTAP_BIF_ENUM(id, name, min, max) KTAP_BIF_##id,
	KTAP_BUILTINS(KTAP_BIF_ENUM)
#undef KTAP_BIF_ENUM
	KTAP_BIF__COUNT
};

#endif /* _UAPI_KTAP_H */
