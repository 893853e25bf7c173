/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elfsym.h - user-space ELF files through libelf: finding a library by
 * its short name, the probeable functions of a file and their file
 * offsets, and its SDT markers (.note.stapsdt).
 */
#ifndef KP_ELFSYM_H
#define KP_ELFSYM_H

#include <stddef.h>

struct kp_elf;

/* A function that can be probed: defined, sized, executable, not PLT. */
struct kp_elf_func {
	char *name;
	unsigned long long vaddr;
	unsigned long long offset;	/* in the file, what uprobes take */
	unsigned long long size;	/* bytes of code */
};

/* One SDT marker. */
struct kp_elf_sdt {
	char *provider, *name, *args;	/* args: the note's operand spec */
	unsigned long long pc;		/* link-time address, base-adjusted */
	unsigned long long offset;	/* file offset of pc */
	unsigned long long sem_offset;	/* file offset of the semaphore, 0 */
	unsigned nargs;
};

/*
 * The file `name` stands for: a path (with a '/') as it is, else a
 * library (libc, libc.so.6, pthread) in LD_LIBRARY_PATH and the system
 * library directories, else a program in PATH.  Returns 0 with the path
 * in buf, or -1 with a message in err.
 */
int kp_elf_find(const char *name, char *buf, size_t size, char *err,
		size_t errlen);

/* Open an ELF file; NULL with a message in err. */
struct kp_elf *kp_elf_open(const char *path, char *err, size_t errlen);
void kp_elf_close(struct kp_elf *e);
const char *kp_elf_path(const struct kp_elf *e);

/*
 * The probeable functions of .symtab, or of .dynsym when there is no
 * .symtab, sorted by name (aliases of one address each appear).  *which
 * names the table used.  Returns the count, or -1 with a message.
 */
int kp_elf_funcs(struct kp_elf *e, struct kp_elf_func **out,
		 const char **which, char *err, size_t errlen);
void kp_elf_funcs_free(struct kp_elf_func *f, int n);

/*
 * Of several names of one address (open, open64, __open64) the one a
 * reader knows: whether a is better than b, by fewest leading
 * underscores, then shortest, then first in byte order, so the choice
 * never depends on table order.
 */
int kp_elf_better_name(const char *a, const char *b);

/* e's GNU build id in hex into hex; 0, or -1 when it has none. */
int kp_elf_build_id(struct kp_elf *e, char *hex, size_t size);

/*
 * Where the separate debug file of the file with build id id lies, as
 * gdb and libdw look for it: /usr/lib/debug/.build-id/xx/rest.debug
 * (Debian's -dbg and -dbgsym packages).
 */
void kp_elf_debug_path(const char *id, char *path, size_t size);

/*
 * kp_elf_funcs() from the .symtab of e's separate debug file, with e's
 * file offsets: it names the local functions a stripped e's .dynsym
 * lacks.  The debug file's path goes into path ("" when e has no build
 * id).  Count, or -1 when that file is missing or has no .symtab.
 */
int kp_elf_debug_funcs(struct kp_elf *e, struct kp_elf_func **out,
		       char *path, size_t size);

/* Whether a file offset lies in an executable segment. */
int kp_elf_offset_is_code(struct kp_elf *e, unsigned long long offset);

/* The address of any defined symbol called name; 0 when there is none. */
unsigned long long kp_elf_symbol(struct kp_elf *e, const char *name);

/* The SDT markers of the file, in note order.  Count, or -1. */
int kp_elf_sdts(struct kp_elf *e, struct kp_elf_sdt **out, char *err,
		size_t errlen);
void kp_elf_sdts_free(struct kp_elf_sdt *s, int n);

/*
 * Whether a return probe on this function would corrupt the program:
 * code entered by a jump with no return address on the stack (_start),
 * or whose return address is saved and returned to twice (setjmp).
 */
int kp_elf_no_return_probe(const char *name);

#endif /* KP_ELFSYM_H */
