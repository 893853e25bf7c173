// SPDX-License-Identifier: GPL-2.0
/*
 * dwarf.c - function parameters from DWARF (dwarf.h): finds the debug
 * file of a kernel function (vmlinux or a module, checked against the
 * running kernel's build id) or of a user ELF, finds the function's
 * DIE by its symbol's address, and turns each parameter's location at
 * the entry pc into a register location (uapi/ktap.h, struct
 * ktap_event_arg), or into the reason it is not one.
 *
 * Only the entry is evaluated: there every parameter the calling
 * convention passes in a register is still in it, which is what a
 * kprobe or uprobe on the function sees.  Anything else (a stack slot,
 * pieces, a computed value) would need a DWARF expression evaluator in
 * the module; the VM has none, so those are compile errors.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dwarf.h"
#include "elfsym.h"

/* ---- registers ------------------------------------------------------------ */

/*
 * The module reads registers by their DWARF numbers (uapi/ktap.h, struct
 * ktap_event_arg), so a DW_OP_regN is passed on as it is.  What is
 * architecture-specific here is only which numbers are the argument
 * registers, for -L's argN column.
 */
#if defined(__x86_64__)
/* argN of the x86-64 psABI: rdi rsi rdx rcx r8 r9 (figure 3.36's numbers) */
static const unsigned dw_arg_reg[] = { 5, 4, 1, 2, 8, 9 };
#define DW_RETURN_REG	0	/* rax */
#define DW_LAST_REG	15	/* r15; 16 is the return address */
#endif

/* Whether the module can read DWARF register reg here. */
static int reg_known(unsigned reg)
{
#if defined(__x86_64__)
	return reg <= DW_LAST_REG && reg < KTAP_REG_MAX;
#else
	(void)reg;
	return 0;
#endif
}

static int reg_arg(unsigned reg)
{
#if defined(__x86_64__)
	unsigned i;

	for (i = 0; i < sizeof(dw_arg_reg) / sizeof(dw_arg_reg[0]); i++)
		if (dw_arg_reg[i] == reg)
			return (int)i + 1;
#endif
	(void)reg;
	return 0;
}

/* ---- types ----------------------------------------------------------------- */

static int type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, type) ? 0 : -1;
}

/* The C spelling of die's type, enough to tell what a $name holds. */
static void type_name(Dwarf_Die *die, char *buf, size_t size, int depth)
{
	Dwarf_Die t;
	const char *name, *prefix = "";
	char inner[KP_DWARF_TYPE_MAX - 12];	/* room for "volatile " or " *" */
	size_t len;

	if (type_of(die, &t)) {
		snprintf(buf, size, "void");
		return;
	}
	name = dwarf_diename(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		if (depth > 8) {
			snprintf(buf, size, "...*");
			return;
		}
		type_name(&t, inner, sizeof(inner), depth + 1);
		len = strlen(inner);
		snprintf(buf, size, "%s%s*", inner,
			 len && inner[len - 1] == '*' ? "" : " ");
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		if (depth > 8) {
			snprintf(buf, size, "...");
			return;
		}
		type_name(&t, inner, sizeof(inner), depth + 1);
		snprintf(buf, size, "%s %s", dwarf_tag(&t) == DW_TAG_const_type ?
			 "const" : "volatile", inner);
		return;
	case DW_TAG_structure_type:
		prefix = "struct ";
		break;
	case DW_TAG_union_type:
		prefix = "union ";
		break;
	case DW_TAG_enumeration_type:
		prefix = "enum ";
		break;
	case DW_TAG_subroutine_type:
		name = "function";
		break;
	default:
		break;
	}
	snprintf(buf, size, "%s%s", prefix, name ? name : "(anonymous)");
}

/* Whether a base type's values are signed; *fp for floating point. */
static int base_signed(Dwarf_Die *t, int *fp)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = DW_ATE_unsigned;

	if (dwarf_attr(t, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	*fp = enc == DW_ATE_float || enc == DW_ATE_complex_float ||
	      enc == DW_ATE_decimal_float;
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

/*
 * How die's value is read from a register: fills size and sign of a,
 * or returns the problem.
 */
static const char *type_loc(Dwarf_Die *die, struct ktap_event_arg *a)
{
	Dwarf_Die t, peeled, under;
	int is_signed = 0, fp = 0, size;

	if (type_of(die, &t))
		return "has no type (void)";
	if (dwarf_peel_type(&t, &peeled))
		return "has a type the VM cannot read";
	size = dwarf_bytesize(&peeled);
	switch (dwarf_tag(&peeled)) {
	case DW_TAG_base_type:
		is_signed = base_signed(&peeled, &fp);
		if (fp)
			return "is a floating-point value (the VM has integers only)";
		break;
	case DW_TAG_enumeration_type:
		if (!type_of(&peeled, &under) && !dwarf_peel_type(&under, &under))
			is_signed = base_signed(&under, &fp);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		size = size > 0 ? size : (int)sizeof(void *);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return "is a struct passed by value";
	case DW_TAG_union_type:
		return "is a union passed by value";
	default:
		return "has a type the VM cannot read";
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return "is not 1, 2, 4 or 8 bytes wide";
	a->size = (uint8_t)size;
	a->is_signed = (uint8_t)!!is_signed;
	return NULL;
}

/* ---- locations ------------------------------------------------------------- */

/* Why an expression is not a plain register, or NULL with *reg set. */
static const char *expr_register(const Dwarf_Op *ops, size_t n, unsigned *reg)
{
	size_t i;

	if (!n)
		return "is optimized out at the function's entry";
	for (i = 0; i < n; i++)
		if (ops[i].atom == DW_OP_piece || ops[i].atom == DW_OP_bit_piece)
			return "is split into pieces (registers or memory)";
	if (n == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) {
		*reg = ops[0].atom - DW_OP_reg0;
		return NULL;
	}
	if (n == 1 && ops[0].atom == DW_OP_regx) {
		*reg = (unsigned)ops[0].number;
		return NULL;
	}
	switch (ops[0].atom) {
	case DW_OP_GNU_parameter_ref:
		return "is optimized out (this copy of the function is not passed it)";
	case DW_OP_fbreg:
	case DW_OP_bregx:
	case DW_OP_call_frame_cfa:
		return "is on the stack (passed in memory)";
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
	case DW_OP_implicit_value:
		return "is a computed value, not a register";
	default:
		if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31)
			return "is on the stack (passed in memory)";
		if (ops[n - 1].atom == DW_OP_stack_value)
			return "is a computed value, not a register";
		return "has a DWARF location the VM cannot evaluate";
	}
}

/* Fill v from the parameter DIE: name, type, location at pc. */
static void read_param(Dwarf_Die *param, Dwarf_Addr pc, struct kp_dwarf_var *v)
{
	Dwarf_Attribute loc;
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	unsigned reg = 0;
	int n;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s",
		 dwarf_diename(param) ? dwarf_diename(param) : "");
	type_name(param, v->type, sizeof(v->type), 0);
	v->problem = type_loc(param, &v->loc);
	if (v->problem)
		return;
	if (!dwarf_attr(param, DW_AT_location, &loc)) {
		v->problem = "is optimized out";
		return;
	}
	n = dwarf_getlocation_addr(&loc, pc, &ops, &nops, 1);
	if (n < 0) {
		v->problem = "has a DWARF location the VM cannot evaluate";
		return;
	}
	v->problem = expr_register(ops, n ? nops : 0, &reg);
	if (v->problem)
		return;
	if (!reg_known(reg)) {
		v->problem = "is in a register ktap cannot read on this architecture";
		return;
	}
	v->loc.kind = KTAP_ARG_REG;
	v->loc.base = (uint8_t)reg;
	v->loc.index = KTAP_REG_NONE;
	v->arg = reg_arg(reg);
}

/* ---- the function's DIE ---------------------------------------------------- */

static int add_param(struct kp_dwarf_func *f, Dwarf_Die *param, Dwarf_Addr pc)
{
	if (f->nparams == KP_DWARF_PARAMS_MAX)
		return -1;
	read_param(param, pc, &f->params[f->nparams]);
	if (f->params[f->nparams].name[0])
		f->nparams++;
	return 0;
}

/* Whether the parameter DIE p is the concrete instance of abstract one a. */
static int instance_of(Dwarf_Die *p, Dwarf_Die *a)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;

	return dwarf_attr(p, DW_AT_abstract_origin, &attr) &&
	       dwarf_formref_die(&attr, &origin) &&
	       dwarf_dieoffset(&origin) == dwarf_dieoffset(a);
}

/*
 * A clone of an inlined or optimized function (foo.isra.0) names its
 * parameters through its abstract origin and may lack some: those are
 * optimized out.  The abstract list gives the source order.
 */
static void read_params(Dwarf_Die *fn, Dwarf_Addr pc, struct kp_dwarf_func *f)
{
	Dwarf_Attribute attr;
	Dwarf_Die abstract, a, c, *use;
	int have_abstract;

	have_abstract = dwarf_attr(fn, DW_AT_abstract_origin, &attr) &&
			dwarf_formref_die(&attr, &abstract) &&
			dwarf_child(&abstract, &a) == 0;
	if (!have_abstract) {
		if (dwarf_child(fn, &c) == 0)
			do {
				if (dwarf_tag(&c) == DW_TAG_formal_parameter &&
				    add_param(f, &c, pc))
					return;
			} while (dwarf_siblingof(&c, &c) == 0);
		return;
	}
	do {
		if (dwarf_tag(&a) != DW_TAG_formal_parameter)
			continue;
		use = &a;
		if (dwarf_child(fn, &c) == 0)
			do {
				if (instance_of(&c, &a)) {
					use = &c;
					break;
				}
			} while (dwarf_siblingof(&c, &c) == 0);
		if (add_param(f, use, pc))
			return;
		if (use == &a && f->nparams &&
		    !f->params[f->nparams - 1].problem)
			f->params[f->nparams - 1].problem = "is optimized out";
	} while (dwarf_siblingof(&a, &a) == 0);
}

static void read_return(Dwarf_Die *fn, struct kp_dwarf_func *f)
{
	struct kp_dwarf_var *r = &f->ret;
	Dwarf_Die t;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "retval");
	type_name(fn, r->type, sizeof(r->type), 0);
	if (type_of(fn, &t)) {
		r->problem = "does not exist (the function returns void)";
		return;
	}
	r->problem = type_loc(fn, &r->loc);
#if defined(__x86_64__)
	r->loc.kind = KTAP_ARG_REG;
	r->loc.base = DW_RETURN_REG;
	r->loc.index = KTAP_REG_NONE;
#else
	if (!r->problem)
		r->problem = "is in a register ktap cannot read on this architecture";
#endif
}

/* The address of the function symbol sym in mod, or 0. */
static Dwarf_Addr symbol_address(Dwfl_Module *mod, const char *sym)
{
	int i, n = dwfl_module_getsymtab(mod);
	const char *name;
	GElf_Sym s;
	GElf_Addr addr;

	for (i = 1; i < n; i++) {
		name = dwfl_module_getsym_info(mod, i, &s, &addr, NULL, NULL,
					       NULL);
		if (name && GELF_ST_TYPE(s.st_info) == STT_FUNC &&
		    s.st_shndx != SHN_UNDEF && !strcmp(name, sym))
			return addr;
	}
	return 0;
}

static int read_function(Dwfl_Module *mod, const char *sym,
			 struct kp_dwarf_func *f, char *err, size_t errlen)
{
	Dwarf_Addr addr = symbol_address(mod, sym), bias = 0;
	Dwarf_Die *cu, *scopes = NULL;
	int n, i;

	if (!addr) {
		snprintf(err, errlen, "%s has no function symbol '%s'", f->file,
			 sym);
		return -2;
	}
	cu = dwfl_module_addrdie(mod, addr, &bias);
	n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : -1;
	for (i = n - 1; i >= 0; i--)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			break;
	if (i < 0) {
		free(scopes);
		snprintf(err, errlen, "%s has no DWARF entry for function '%s'",
			 f->file, sym);
		return -1;
	}
	read_params(&scopes[i], addr - bias, f);
	read_return(&scopes[i], f);
	free(scopes);
	return 0;
}

/* ---- debug files -------------------------------------------------------------- */

static char *debuginfo_path;
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* Files opened so far, for globs that probe many functions of one. */
#define OPEN_MAX 16
static struct open_file {
	char path[512];
	char debug[512];	/* the file the DWARF is in */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	int has_dwarf;
} opened[OPEN_MAX];
static unsigned nopened;

static struct open_file *open_debug(const char *path)
{
	struct open_file *o;
	const char *debug = NULL;
	Dwarf_Addr bias;
	unsigned i;

	for (i = 0; i < nopened; i++)
		if (!strcmp(opened[i].path, path))
			return &opened[i];
	if (nopened == OPEN_MAX)
		kp_dwarf_cleanup();
	o = &opened[nopened];
	memset(o, 0, sizeof(*o));
	o->dwfl = dwfl_begin(&offline_callbacks);
	if (!o->dwfl)
		return NULL;
	o->mod = dwfl_report_offline(o->dwfl, path, path, -1);
	dwfl_report_end(o->dwfl, NULL, NULL);
	if (!o->mod) {
		dwfl_end(o->dwfl);
		return NULL;
	}
	o->has_dwarf = dwfl_module_getdwarf(o->mod, &bias) != NULL;
	snprintf(o->path, sizeof(o->path), "%s", path);
	/* Name the separate debug file when libdw found one (-L says it). */
	dwfl_module_info(o->mod, NULL, NULL, NULL, NULL, NULL, NULL, &debug);
	snprintf(o->debug, sizeof(o->debug), "%s", debug ? debug : path);
	nopened++;
	return o;
}

void kp_dwarf_cleanup(void)
{
	while (nopened)
		dwfl_end(opened[--nopened].dwfl);
}

const struct kp_dwarf_var *kp_dwarf_param(const struct kp_dwarf_func *f,
					  const char *name)
{
	unsigned i;

	if (!strcmp(name, "retval"))
		return &f->ret;
	for (i = 0; i < f->nparams; i++)
		if (!strcmp(f->params[i].name, name))
			return &f->params[i];
	return NULL;
}

/* The GNU build id in an ELF note file (/sys/kernel/notes), as hex. */
static int note_build_id(const char *path, char *hex, size_t size)
{
	unsigned char buf[4096];
	uint32_t nsz, dsz, type, i;
	size_t off = 0, len;
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = read(fd, buf, sizeof(buf));
	close(fd);
	len = got > 0 ? (size_t)got : 0;
	while (off + 12 <= len) {
		memcpy(&nsz, buf + off, 4);
		memcpy(&dsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		off += 12;
		if (nsz > len || dsz > len || off + ((nsz + 3) & ~3u) +
		    dsz > len)
			return -1;
		if (type == 3 && nsz == 4 && !memcmp(buf + off, "GNU", 4) &&
		    dsz * 2 < size) {
			off += 4;
			for (i = 0; i < dsz; i++)
				sprintf(hex + 2 * i, "%02x", buf[off + i]);
			return 0;
		}
		off += ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u);
	}
	return -1;
}

static void module_build_id(Dwfl_Module *mod, char *hex, size_t size)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(mod, &bits, &vaddr), i;

	hex[0] = '\0';
	for (i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
		sprintf(hex + 2 * i, "%02x", bits[i]);
}

/* Why the candidates were refused, for the final error. */
struct search {
	const char *want_id;	/* the running build id, or "" */
	char notes[1024];
	size_t len;
};

static void note(struct search *s, const char *path, const char *why)
{
	if (s->len < sizeof(s->notes))
		s->len += (size_t)snprintf(s->notes + s->len,
					   sizeof(s->notes) - s->len,
					   "; %s %s", path, why);
}

/* Try one candidate file: it exists, has DWARF and the right build id. */
static struct open_file *try_file(struct search *s, const char *path)
{
	struct open_file *o;
	char id[128];
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return NULL;
	o = open_debug(path);
	if (!o) {
		note(s, path, "is not an ELF file libdw can read");
		return NULL;
	}
	if (!o->has_dwarf) {
		note(s, path, "has no DWARF debug info");
		return NULL;
	}
	module_build_id(o->mod, id, sizeof(id));
	if (s->want_id[0] && id[0] && strcmp(id, s->want_id)) {
		note(s, path, "belongs to another build (build id differs)");
		return NULL;
	}
	return o;
}

/* "ext4" from ".../ext4.ko.xz", "vmlinux-6.1" from "/x/vmlinux-6.1". */
static void base_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	char *dot;

	snprintf(out, size, "%s", b ? b + 1 : path);
	dot = strstr(out, ".ko");
	if (dot)
		*dot = '\0';
	for (dot = out; *dot; dot++)
		if (*dot == '-')
			*dot = '_';
}

/* $KTAP_DEBUGINFO_PATH: files and directories, searched first. */
static struct open_file *try_env(struct search *s, const char *module,
				 const char *release)
{
	const char *env = getenv("KTAP_DEBUGINFO_PATH");
	char *copy, *entry, *save = NULL, path[4096], base[256];
	struct open_file *o = NULL;
	struct stat st;

	if (!env || !*env)
		return NULL;
	copy = strdup(env);
	for (entry = strtok_r(copy, ":", &save); entry && !o;
	     entry = strtok_r(NULL, ":", &save)) {
		if (!stat(entry, &st) && S_ISDIR(st.st_mode)) {
			if (module)
				snprintf(path, sizeof(path), "%s/%s.ko", entry, module);
			else
				snprintf(path, sizeof(path), "%s/vmlinux-%s", entry,
					 release);
			o = try_file(s, path);
			if (!o && !module) {
				snprintf(path, sizeof(path), "%s/vmlinux", entry);
				o = try_file(s, path);
			}
			continue;
		}
		base_name(entry, base, sizeof(base));
		if (module ? !strcmp(base, module) : !strncmp(base, "vmlinux", 7))
			o = try_file(s, entry);
	}
	free(copy);
	return o;
}

/* The module's path under /lib/modules/R (modules.dep), without .xz etc. */
static int module_relpath(const char *release, const char *module, char *rel,
			  size_t size)
{
	char path[512], line[1024], base[256], *colon;
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		base_name(line, base, sizeof(base));
		if (!strcmp(base, module) && strlen(line) < size) {
			memcpy(rel, line, strlen(line) + 1);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* The module a kallsyms text symbol belongs to ("" for vmlinux). */
static int kallsyms_module(const char *sym, char *module, size_t size)
{
	const char *path = getenv("KTAP_KALLSYMS");
	FILE *f = fopen(path && *path ? path : "/proc/kallsyms", "r");
	char line[512], name[256], mod[128], kind;
	int n, found = -1;

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		n = sscanf(line, "%*s %c %255s [%127[^]]", &kind, name, mod);
		if (n >= 2 && (kind == 't' || kind == 'T') && !strcmp(name, sym)) {
			snprintf(module, size, "%s", mod);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static struct open_file *find_vmlinux(struct search *s, const char *release,
				      char *hint, size_t hintlen)
{
	static const char *const fmts[] = {
		"/usr/lib/debug/boot/vmlinux-%s",
		"/usr/lib/debug/lib/modules/%s/vmlinux",
		"/boot/vmlinux-%s",
		"/lib/modules/%s/build/vmlinux",
	};
	struct open_file *o = try_env(s, NULL, release);
	char path[512];
	unsigned i;

	for (i = 0; !o && i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(path, sizeof(path), fmts[i], release);
		o = try_file(s, path);
	}
	if (!o && s->want_id[0]) {
		kp_elf_debug_path(s->want_id, path, sizeof(path));
		o = try_file(s, path);
	}
	snprintf(hint, hintlen, "the kernel (vmlinux) %s: install linux-image-%s-dbg (it provides /usr/lib/debug/boot/vmlinux-%s), or name a vmlinux with DWARF in KTAP_DEBUGINFO_PATH",
		 release, release, release);
	return o;
}

static struct open_file *find_module(struct search *s, const char *release,
				     const char *module, char *hint,
				     size_t hintlen)
{
	struct open_file *o = try_env(s, module, release);
	char rel[400], path[512], *z;

	if (!o && !module_relpath(release, module, rel, sizeof(rel))) {
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", release, rel);
		o = try_file(s, path);
		z = strstr(rel, ".ko");
		if (z)
			z[3] = '\0';	/* the -dbg package's copy is plain */
		snprintf(path, sizeof(path), "/usr/lib/debug/lib/modules/%s/%s",
			 release, rel);
		if (!o)
			o = try_file(s, path);
		snprintf(hint, hintlen, "module '%s' of %s: install linux-image-%s-dbg (it provides %s), or name the module's .ko built with debug info in KTAP_DEBUGINFO_PATH",
			 module, release, release, path);
	} else {
		snprintf(hint, hintlen, "module '%s' of %s (not in modules.dep): name its .ko built with debug info in KTAP_DEBUGINFO_PATH",
			 module, release);
	}
	if (!o && s->want_id[0]) {
		kp_elf_debug_path(s->want_id, path, sizeof(path));
		o = try_file(s, path);
	}
	return o;
}

int kp_dwarf_kernel_func(const char *sym, struct kp_dwarf_func *out,
			 char *err, size_t errlen)
{
	struct search s = { "", "", 0 };
	char module[128], id[128] = "", notes[512], hint[1024];
	struct open_file *o;
	struct utsname u;

	memset(out, 0, sizeof(*out));
	uname(&u);
	if (kallsyms_module(sym, module, sizeof(module)))
		module[0] = '\0';
	if (module[0]) {
		snprintf(notes, sizeof(notes),
			 "/sys/module/%s/notes/.note.gnu.build-id", module);
		note_build_id(notes, id, sizeof(id));
	} else {
		note_build_id("/sys/kernel/notes", id, sizeof(id));
	}
	s.want_id = id;
	o = module[0] ? find_module(&s, u.release, module, hint, sizeof(hint)) :
			find_vmlinux(&s, u.release, hint, sizeof(hint));
	if (!o) {
		snprintf(err, errlen, "no DWARF debug info for %s%s", hint,
			 s.notes);
		return -1;
	}
	snprintf(out->file, sizeof(out->file), "%s", o->debug);
	return read_function(o->mod, sym, out, err, errlen);
}

int kp_dwarf_user_func(const char *path, const char *sym,
		       struct kp_dwarf_func *out, char *err, size_t errlen)
{
	struct open_file *o;
	char id[128], debug[512];

	memset(out, 0, sizeof(*out));
	if (access(path, R_OK)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
			 strerror(errno));
		return -2;
	}
	o = open_debug(path);
	if (!o) {
		snprintf(err, errlen, "'%s' is not an ELF file libdw can read",
			 path);
		return -2;
	}
	if (!symbol_address(o->mod, sym)) {
		snprintf(err, errlen, "'%s' has no function symbol '%s'", path,
			 sym);
		return -2;
	}
	if (!o->has_dwarf) {
		module_build_id(o->mod, id, sizeof(id));
		kp_elf_debug_path(id, debug, sizeof(debug));
		snprintf(err, errlen, "'%s' has no DWARF debug info: build it with -g, or install its debug symbols (%s, on Debian from the package's -dbgsym)",
			 path, id[0] ? debug : "/usr/lib/debug/...");
		return -1;
	}
	snprintf(out->file, sizeof(out->file), "%s", o->debug);
	return read_function(o->mod, sym, out, err, errlen);
}
