// SPDX-License-Identifier: GPL-2.0
/*
 * elfsym.c - user-space ELF files (elfsym.h): library lookup, function
 * symbols turned into file offsets through the PT_LOAD program headers
 * (so PIE executables and shared libraries work alike), and the SDT
 * notes that sys/sdt.h leaves in .note.stapsdt.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "elfsym.h"

struct kp_elf {
	char *path;
	int fd;
	Elf *elf;
	size_t shstrndx;
};

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(kp_diag_xrealloc(NULL, n), s, n);
}

/* ---- finding the file ------------------------------------------------- */

/* Whether path is an ELF file; with native set, an x86_64 one. */
static int is_elf_file(const char *path, int native)
{
	unsigned char h[20];
	struct stat st;
	int fd, ok;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ok = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) &&
	     !memcmp(h, ELFMAG, SELFMAG) &&
	     (!native || (h[EI_CLASS] == ELFCLASS64 && h[EI_DATA] == ELFDATA2LSB &&
			  h[18] == EM_X86_64 && h[19] == 0));
	close(fd);
	return ok;
}

/*
 * The directories of /etc/ld.so.conf (what ldconfig puts in
 * ld.so.cache), ':'-separated into buf; "include GLOB" lines followed
 * one level deep, as Debian uses them.
 */
static void ld_so_conf(const char *path, int depth, char *buf, size_t size)
{
	char line[4096], *p, *end;
	size_t len, i;
	glob_t g;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " \t");
		end = p + strcspn(p, "#\r\n");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		if (!strncmp(p, "include", 7) && (p[7] == ' ' || p[7] == '\t')) {
			p += 8 + strspn(p + 8, " \t");
			if (depth < 2 && !glob(p, 0, NULL, &g)) {
				for (i = 0; i < g.gl_pathc; i++)
					ld_so_conf(g.gl_pathv[i], depth + 1, buf, size);
				globfree(&g);
			}
		} else if (*p == '/') {
			len = strlen(buf);
			snprintf(buf + len, size - len, "%s%s", len ? ":" : "", p);
		}
	}
	fclose(f);
}

/* The first ELF file matching pattern (a glob) in dir, sorted. */
static int find_in_dir(const char *dir, const char *pattern, char *buf,
		       size_t size)
{
	char pat[4096];
	glob_t g;
	size_t i;
	int found = 0;

	if (snprintf(pat, sizeof(pat), "%s/%s", dir, pattern) >= (int)sizeof(pat))
		return 0;
	if (glob(pat, 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && !found; i++) {
		if (is_elf_file(g.gl_pathv[i], 1)) {
			snprintf(buf, size, "%s", g.gl_pathv[i]);
			found = 1;
		}
	}
	globfree(&g);
	return found;
}

static int find_in_path_list(const char *list, const char *const *pats,
			     char *buf, size_t size)
{
	char *copy, *dir, *save = NULL;
	int found = 0;
	unsigned i;

	if (!list || !*list)
		return 0;
	copy = xstrdup(list);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save))
		for (i = 0; pats[i] && !found; i++)
			found = find_in_dir(dir, pats[i], buf, size);
	free(copy);
	return found;
}

static int has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int kp_elf_find(const char *name, char *buf, size_t size, char *err,
		size_t errlen)
{
	static const char libdirs[] =
		"/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:"
		"/usr/lib64:/lib:/usr/lib:/usr/local/lib";
	char pats[4][512], conf[8192] = "";
	const char *list[5];
	unsigned n = 0;

	if (strchr(name, '/')) {
		if (access(name, F_OK)) {
			snprintf(err, errlen, "cannot probe in '%s': %s", name, strerror(errno));
			return -1;
		}
		if (!is_elf_file(name, 0)) {
			snprintf(err, errlen, "'%s' is not an ELF file (a script or a linker script?): give the path of the binary or library",
				 name);
			return -1;
		}
		snprintf(buf, size, "%s", name);
		return 0;
	}
	if (!*name || has_glob_chars(name) || strlen(name) > 256) {
		snprintf(err, errlen, "'%s' is not a file: give a path or a library name such as libc",
			 name);
		return -1;
	}
	/* libc -> libc.so.6; libc.so.6 as it is; pthread -> libpthread.so.0 */
	snprintf(pats[0], sizeof(pats[0]), "%s", name);
	snprintf(pats[1], sizeof(pats[1]), "%s.so.*", name);
	snprintf(pats[2], sizeof(pats[2]), "lib%s.so.*", name);
	snprintf(pats[3], sizeof(pats[3]), "%s.so", name);
	for (n = 0; n < 4; n++)
		list[n] = pats[n];
	list[4] = NULL;
	ld_so_conf("/etc/ld.so.conf", 0, conf, sizeof(conf));
	if (find_in_path_list(getenv("LD_LIBRARY_PATH"), list, buf, size) ||
	    find_in_path_list(conf, list, buf, size) ||
	    find_in_path_list(libdirs, list, buf, size))
		return 0;
	list[1] = NULL;		/* a program: its exact name in PATH */
	if (find_in_path_list(getenv("PATH"), list, buf, size))
		return 0;
	snprintf(err, errlen, "no library or program called '%s' (searched LD_LIBRARY_PATH, /etc/ld.so.conf, %s and PATH): give its path",
		 name, libdirs);
	return -1;
}

/* ---- the file ---------------------------------------------------------- */

struct kp_elf *kp_elf_open(const char *path, char *err, size_t errlen)
{
	struct kp_elf *e = memset(kp_diag_xrealloc(NULL, sizeof(*e)), 0,
				  sizeof(*e));
	GElf_Ehdr eh;

	e->fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	e->path = xstrdup(path);
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &eh)) {
		snprintf(err, errlen, "'%s' is not an ELF file", path);
		goto fail;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		snprintf(err, errlen, "'%s' is not an x86_64 executable or shared library",
			 path);
		goto fail;
	}
	if (elf_getshdrstrndx(e->elf, &e->shstrndx)) {
		snprintf(err, errlen, "'%s': no section names: %s", path,
			 elf_errmsg(-1));
		goto fail;
	}
	return e;
fail:
	kp_elf_close(e);
	return NULL;
}

void kp_elf_close(struct kp_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->path);
	free(e);
}

const char *kp_elf_path(const struct kp_elf *e)
{
	return e->path;
}

/*
 * vaddr -> file offset through the PT_LOAD headers; only bytes that are
 * in the file count, and with exec set only executable segments.
 */
static int vaddr_to_offset(struct kp_elf *e, unsigned long long vaddr,
			   int exec, unsigned long long *off)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(e->elf, &n))
		return -1;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    (exec && !(ph.p_flags & PF_X)))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -1;
}

int kp_elf_offset_is_code(struct kp_elf *e, unsigned long long offset)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(e->elf, &n))
		return 0;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(e->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    (ph.p_flags & PF_X) && offset >= ph.p_offset &&
		    offset < ph.p_offset + ph.p_filesz)
			return 1;
	}
	return 0;
}

static const char *section_name(struct kp_elf *e, Elf_Scn *scn)
{
	GElf_Shdr sh;
	const char *name;

	if (!gelf_getshdr(scn, &sh))
		return "";
	name = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
	return name ? name : "";
}

static Elf_Scn *find_section(struct kp_elf *e, unsigned type, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e->elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type &&
		    (!name || !strcmp(section_name(e, scn), name)))
			return scn;
	}
	return NULL;
}

/* .symtab, else .dynsym; NULL when the file has neither. */
static Elf_Scn *symbol_table(struct kp_elf *e, const char **which)
{
	Elf_Scn *scn = find_section(e, SHT_SYMTAB, NULL);

	*which = ".symtab";
	if (!scn) {
		scn = find_section(e, SHT_DYNSYM, NULL);
		*which = ".dynsym";
	}
	return scn;
}

/* A function's section: executable and not a PLT. */
static int code_section(struct kp_elf *e, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(e->elf, shndx);
	GElf_Shdr sh;

	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR) &&
	       strncmp(section_name(e, scn), ".plt", 4);
}

static int func_cmp(const void *a, const void *b)
{
	const struct kp_elf_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->offset > y->offset) - (x->offset < y->offset);
}

/*
 * The functions of sym's symbol table, their file offsets through
 * layout's program headers: the same file, or the file a separate
 * debug file (whose own headers map no bytes) was stripped from.
 */
static int funcs_of(struct kp_elf *e, struct kp_elf *layout,
		    struct kp_elf_func **out, const char **which, char *err,
		    size_t errlen)
{
	Elf_Scn *scn = symbol_table(e, which);
	struct kp_elf_func *f = NULL;
	unsigned cap = 0, n = 0, i, j;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Sym sym;
	const char *name;

	*out = NULL;
	if (!scn || !gelf_getshdr(scn, &sh) || !(data = elf_getdata(scn, NULL))) {
		snprintf(err, errlen, "'%s' has no symbol table (it is stripped): probe an offset (:0xOFFSET) or use a build with symbols",
			 e->path);
		return -1;
	}
	for (i = 0; sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
		unsigned long long off;

		if (!gelf_getsym(data, (int)i, &sym) ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_size ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE ||
		    !code_section(e, sym.st_shndx) ||
		    vaddr_to_offset(layout, sym.st_value, 1, &off))
			continue;
		name = elf_strptr(e->elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			f = kp_diag_xrealloc(f, cap * sizeof(*f));
		}
		f[n].name = xstrdup(name);
		f[n].vaddr = sym.st_value;
		f[n].offset = off;
		f[n].size = sym.st_size;
		n++;
	}
	if (!n && !strcmp(*which, ".dynsym")) {
		free(f);
		snprintf(err, errlen, "'%s' is stripped: it has no .symtab and its .dynsym defines no function; probe an offset (:0xOFFSET) or use a build with symbols",
			 e->path);
		return -1;
	}
	qsort(f, n, sizeof(*f), func_cmp);
	/* one name once (a local symbol may repeat in several objects) */
	for (i = 0, j = 0; i < n; i++) {
		if (j && !strcmp(f[j - 1].name, f[i].name) &&
		    f[j - 1].offset == f[i].offset) {
			free(f[i].name);
			continue;
		}
		f[j++] = f[i];
	}
	*out = f;
	return (int)j;
}

int kp_elf_funcs(struct kp_elf *e, struct kp_elf_func **out,
		 const char **which, char *err, size_t errlen)
{
	return funcs_of(e, e, out, which, err, errlen);
}

int kp_elf_better_name(const char *a, const char *b)
{
	size_t ua = strspn(a, "_"), ub = strspn(b, "_");

	if (ua != ub)
		return ua < ub;
	if (strlen(a) != strlen(b))
		return strlen(a) < strlen(b);
	return strcmp(a, b) < 0;
}

int kp_elf_build_id(struct kp_elf *e, char *hex, size_t size)
{
	Elf_Scn *scn = NULL;
	size_t off, name_off, desc_off, i;
	const unsigned char *desc;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Nhdr nh;

	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		off = 0;
		while ((off = gelf_getnote(data, off, &nh, &name_off,
					   &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || 2 * nh.n_descsz + 1 > size)
				continue;
			desc = (const unsigned char *)data->d_buf + desc_off;
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return 0;
		}
	}
	return -1;
}

void kp_elf_debug_path(const char *id, char *path, size_t size)
{
	snprintf(path, size, "/usr/lib/debug/.build-id/%.2s/%s.debug", id,
		 id[0] ? id + 2 : "");
}

int kp_elf_debug_funcs(struct kp_elf *e, struct kp_elf_func **out,
		       char *path, size_t size)
{
	char id[128], err[256];
	const char *which;
	struct kp_elf *d;
	int n = -1;

	path[0] = '\0';
	*out = NULL;
	if (kp_elf_build_id(e, id, sizeof(id)) || strlen(id) < 3)
		return -1;
	kp_elf_debug_path(id, path, size);
	if (access(path, R_OK) || !(d = kp_elf_open(path, err, sizeof(err))))
		return -1;
	if (find_section(d, SHT_SYMTAB, NULL))
		n = funcs_of(d, e, out, &which, err, sizeof(err));
	kp_elf_close(d);
	return n;
}

void kp_elf_funcs_free(struct kp_elf_func *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

unsigned long long kp_elf_symbol(struct kp_elf *e, const char *name)
{
	const char *which, *s;
	Elf_Scn *scn = symbol_table(e, &which);
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Sym sym;
	size_t i;

	if (!scn || !gelf_getshdr(scn, &sh) || !(data = elf_getdata(scn, NULL)))
		return 0;
	for (i = 0; sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
		if (!gelf_getsym(data, (int)i, &sym) ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		s = elf_strptr(e->elf, sh.sh_link, sym.st_name);
		if (s && !strcmp(s, name))
			return sym.st_value;
	}
	return 0;
}

int kp_elf_no_return_probe(const char *name)
{
	/*
	 * Entered by a jump, the word at the stack pointer is argc or a
	 * signal frame; or the return address is saved to be returned to
	 * again later (setjmp, getcontext), where the kernel's trampoline
	 * would find no pending return and kill the program.
	 */
	static const char *const names[] = {
		"_start", "__start", "_dl_start_user", "__restore_rt",
		"setjmp", "_setjmp", "__setjmp", "sigsetjmp", "__sigsetjmp",
		"getcontext", "__getcontext", "swapcontext", "__swapcontext",
		NULL,
	};
	unsigned i;

	for (i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

/* ---- SDT notes ---------------------------------------------------------- */

#define SDT_NOTE_TYPE	3	/* what sys/sdt.h emits, with owner "stapsdt" */

static unsigned count_args(const char *spec)
{
	unsigned n = 0;
	int in = 0;

	for (; *spec; spec++) {
		if (*spec == ' ')
			in = 0;
		else if (!in)
			in = 1, n++;
	}
	return n;
}

/* Parse one note's descriptor into s; 0 when it is well formed. */
static int parse_sdt(struct kp_elf *e, const char *desc, size_t len,
		     long long base_adjust, struct kp_elf_sdt *s)
{
	unsigned long long pc, sem;
	const char *provider, *name, *args, *end = desc + len;

	if (len < 24)
		return -1;
	memcpy(&pc, desc, 8);
	memcpy(&sem, desc + 16, 8);
	provider = desc + 24;
	name = memchr(provider, '\0', (size_t)(end - provider));
	if (!name++ || name >= end)
		return -1;
	args = memchr(name, '\0', (size_t)(end - name));
	if (!args++ || args > end)
		return -1;
	if (args == end || !memchr(args, '\0', (size_t)(end - args)))
		args = "";
	s->pc = pc + (unsigned long long)base_adjust;
	if (vaddr_to_offset(e, s->pc, 1, &s->offset))
		return -1;
	s->sem_offset = 0;
	if (sem && vaddr_to_offset(e, sem + (unsigned long long)base_adjust, 0,
				   &s->sem_offset))
		return -1;
	s->provider = xstrdup(provider);
	s->name = xstrdup(name);
	s->args = xstrdup(args);
	s->nargs = count_args(args);
	return 0;
}

int kp_elf_sdts(struct kp_elf *e, struct kp_elf_sdt **out, char *err,
		size_t errlen)
{
	Elf_Scn *scn = find_section(e, SHT_NOTE, ".note.stapsdt");
	Elf_Scn *base = find_section(e, SHT_PROGBITS, ".stapsdt.base");
	struct kp_elf_sdt *s = NULL;
	unsigned n = 0;
	size_t off = 0, name_off, desc_off;
	long long adjust;
	GElf_Shdr bsh;
	GElf_Nhdr nh;
	Elf_Data *data;

	*out = NULL;
	if (!scn || !(data = elf_getdata(scn, NULL)))
		return 0;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *owner = (const char *)data->d_buf + name_off;
		const char *desc = (const char *)data->d_buf + desc_off;
		unsigned long long note_base;

		if (nh.n_type != SDT_NOTE_TYPE || nh.n_namesz != 8 ||
		    memcmp(owner, "stapsdt", 8) || nh.n_descsz < 24)
			continue;
		/* prelink may move .stapsdt.base; the note says where it was */
		memcpy(&note_base, desc + 8, 8);
		adjust = 0;
		if (base && gelf_getshdr(base, &bsh) && note_base)
			adjust = (long long)(bsh.sh_addr - note_base);
		s = kp_diag_xrealloc(s, (n + 1) * sizeof(*s));
		if (parse_sdt(e, desc, nh.n_descsz, adjust, &s[n])) {
			snprintf(err, errlen, "'%s': a malformed SDT note in .note.stapsdt",
				 e->path);
			kp_elf_sdts_free(s, (int)n);
			return -1;
		}
		n++;
	}
	*out = s;
	return (int)n;
}

void kp_elf_sdts_free(struct kp_elf_sdt *s, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(s[i].provider);
		free(s[i].name);
		free(s[i].args);
	}
	free(s);
}
