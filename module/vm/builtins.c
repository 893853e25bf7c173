// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in functions.  Each takes the VM, its arguments and a slot for
 * its result; a table generated from KTAP_BUILTINS maps ids to them.
 * The verifier has checked the argument count against the table in
 * uapi/ktap_builtins.h, so a built-in only checks argument types.
 */
#include "builtins.h"
#include "format.h"
#include "str.h"
#include "table.h"
#include "sort.h"
#include "../uapi/ktap.h"

typedef int (*kp_builtin_fn)(struct kp_vm *vm, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs);

/*
 * Send the text that o wrote to vm->line_buf as one output record.  o
 * counted all of it; text longer than a record is cut and ends with
 * "...\n", which says so and starts what follows on a line of its own,
 * rather than being split where other output could come between.
 */
static int kp_bif_emit(struct kp_vm *vm, const struct kp_fmt_out *o)
{
	static const char cut[] = "...\n";
	u32 len = (u32)o->len;

	if (o->len > KTAP_RECORD_MAX) {
		len = KTAP_RECORD_MAX;
		memcpy(vm->line_buf + len - (sizeof(cut) - 1), cut,
		       sizeof(cut) - 1);
	}
	if (!len)
		return 0;
	return vm->host.emit(vm->host.ctx, KTAP_REC_OUTPUT, vm->line_buf, len);
}

/* print(...): the values as text separated by tabs, then a newline. */
static int kp_bif_PRINT(struct kp_vm *vm,
			const struct kp_proto *p __maybe_unused,
			const u32 *pc __maybe_unused, struct kp_value *ret,
			const struct kp_value *args, u32 nargs)
{
	char num[KP_FMT_NUM_MAX];
	struct kp_fmt_out o;
	const char *text;
	u32 i, len;

	kp_fmt_init(&o, vm->line_buf, KTAP_RECORD_MAX);
	for (i = 0; i < nargs; i++) {
		if (i)
			kp_fmt_put(&o, "\t", 1);
		text = kp_str_text(&args[i], num, &len);
		kp_fmt_put(&o, text, len);
	}
	kp_fmt_put(&o, "\n", 1);
	*ret = kp_nil();
	return kp_bif_emit(vm, &o);
}

/* Format args[1..nargs) by the format args[0] into o, for fn. */
static int kp_bif_format(struct kp_vm *vm, const struct kp_proto *p,
			 const u32 *pc, const char *fn, struct kp_fmt_out *o,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_fmt_error err;
	char msg[128];

	if (args[0].type != KP_TSTR)
		return kp_vm_error(vm, p, pc, "%s: the format must be a string, got %s",
				   fn, kp_type_name(args[0].type));
	if (kp_fmt_format(o, args[0].s->data, args[0].s->len, args + 1,
			  nargs - 1, &err) == KP_FMT_OK)
		return 0;
	kp_fmt_describe(&err, fn, msg, sizeof(msg));
	return kp_vm_error(vm, p, pc, "%s", msg);
}

/*
 * printf(fmt, ...): one output record, no newline added.  Formatting
 * completes before anything is emitted, so a bad argument prints nothing.
 */
static int kp_bif_PRINTF(struct kp_vm *vm, const struct kp_proto *p,
			 const u32 *pc, struct kp_value *ret,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_fmt_out o;
	int err;

	kp_fmt_init(&o, vm->line_buf, KTAP_RECORD_MAX);
	err = kp_bif_format(vm, p, pc, "printf", &o, args, nargs);
	if (err)
		return err;
	*ret = kp_nil();
	return kp_bif_emit(vm, &o);
}

/*
 * sprintf(fmt, ...): the text printf would show, as a string.  The first
 * pass measures it and reports errors, the second writes it straight
 * into a string of that size: no buffer, and no limit but --max-string.
 */
static int kp_bif_SPRINTF(struct kp_vm *vm, const struct kp_proto *p,
			  const u32 *pc, struct kp_value *ret,
			  const struct kp_value *args, u32 nargs)
{
	struct kp_str *s = NULL;
	struct kp_fmt_out o;
	int err;

	kp_fmt_init(&o, NULL, 0);
	err = kp_bif_format(vm, p, pc, "sprintf", &o, args, nargs);
	if (!err)
		err = kp_str_make(vm, p, pc, "sprintf", o.len, &s);
	if (err)
		return err;
	kp_fmt_init(&o, s->data, s->len);
	kp_bif_format(vm, p, pc, "sprintf", &o, args, nargs);
	*ret = kp_strv(s);
	return 0;
}

/* A new string holding len bytes of text, for fn. */
static int kp_bif_string(struct kp_vm *vm, const struct kp_proto *p,
			 const u32 *pc, const char *fn, struct kp_value *ret,
			 const char *text, u32 len)
{
	struct kp_str *s;
	int err = kp_str_make(vm, p, pc, fn, len, &s);

	if (err)
		return err;
	memcpy(s->data, text, len);
	*ret = kp_strv(s);
	return 0;
}

/* tostring(v): v as print shows it; a string is returned as it is. */
static int kp_bif_TOSTRING(struct kp_vm *vm, const struct kp_proto *p,
			   const u32 *pc, struct kp_value *ret,
			   const struct kp_value *args, u32 nargs __maybe_unused)
{
	char num[KP_FMT_NUM_MAX];
	const char *text;
	u32 len;

	if (args[0].type == KP_TSTR) {
		*ret = args[0];
		return 0;
	}
	text = kp_str_text(&args[0], num, &len);
	return kp_bif_string(vm, p, pc, "tostring", ret, text, len);
}

/*
 * tonumber(v [, base]): a number passes through; a string that spells a
 * number in base (2..36; decimal or 0x hex when absent or nil) gives
 * that number; anything else gives nil.  A bad base is an error.
 */
static int kp_bif_TONUMBER(struct kp_vm *vm, const struct kp_proto *p,
			   const u32 *pc, struct kp_value *ret,
			   const struct kp_value *args, u32 nargs)
{
	const struct kp_value *v = &args[0];
	s64 base = 0, n;

	if (nargs > 1 && args[1].type != KP_TNIL) {
		if (args[1].type != KP_TNUM)
			return kp_vm_error(vm, p, pc, "tonumber: the base must be a number, got %s",
					   kp_type_name(args[1].type));
		base = args[1].n;
		if (base < 2 || base > 36)
			return kp_vm_error(vm, p, pc, "tonumber: base %lld out of range (2..36)",
					   (long long)base);
	}
	if (v->type == KP_TNUM)
		*ret = *v;
	else if (v->type == KP_TSTR &&
		 kp_str_to_int(v->s->data, v->s->len, (u32)base, &n))
		*ret = kp_num(n);
	else
		*ret = kp_nil();
	return 0;
}

/* type(v): the name of v's type; kp_type_name() knows every type. */
static int kp_bif_TYPE(struct kp_vm *vm, const struct kp_proto *p,
		       const u32 *pc, struct kp_value *ret,
		       const struct kp_value *args, u32 nargs __maybe_unused)
{
	const char *name = kp_type_name(args[0].type);

	return kp_bif_string(vm, p, pc, "type", ret, name, strlen(name));
}

/* len(s): the length of a string in bytes; len(t): its entry count. */
static int kp_bif_LEN(struct kp_vm *vm, const struct kp_proto *p,
		      const u32 *pc, struct kp_value *ret,
		      const struct kp_value *args, u32 nargs __maybe_unused)
{
	switch (args[0].type) {
	case KP_TSTR:
		*ret = kp_num(args[0].s->len);
		return 0;
	case KP_TTAB:
		*ret = kp_num(args[0].t->count);
		return 0;
	default:
		return kp_vm_error(vm, p, pc, "len: expects a string or a table, got %s",
				   kp_type_name(args[0].type));
	}
}

static int kp_bif_tab_arg(struct kp_vm *vm, const struct kp_proto *p,
			  const u32 *pc, const char *fn,
			  const struct kp_value *v)
{
	if (v->type == KP_TTAB)
		return 0;
	return kp_vm_error(vm, p, pc, "%s: expects a table, got %s", fn,
			   kp_type_name(v->type));
}

/* delete(t): remove every entry; delete(t, k): remove k. */
static int kp_bif_DELETE(struct kp_vm *vm, const struct kp_proto *p,
			 const u32 *pc, struct kp_value *ret,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_value nil = kp_nil();
	int err = kp_bif_tab_arg(vm, p, pc, "delete", &args[0]);

	if (err)
		return err;
	*ret = kp_nil();
	if (nargs == 1) {
		kp_tab_clear(&vm->store, args[0].t);
		return 0;
	}
	err = kp_tab_set(&vm->store, args[0].t, &args[1], &nil, 0);
	if (err == KP_TAB_ENIL)
		return kp_vm_error(vm, p, pc, "delete: table index is nil");
	if (err)
		return kp_vm_error(vm, p, pc, "delete: a %s value cannot be a table key",
				   kp_type_name(args[1].type));
	return 0;
}

/* A size hint of table.new: a number 0..max_entries (nil: 0). */
static int kp_bif_size_arg(struct kp_vm *vm, const struct kp_proto *p,
			   const u32 *pc, const struct kp_value *args,
			   u32 nargs, u32 i, u32 *out)
{
	*out = 0;
	if (i >= nargs || args[i].type == KP_TNIL)
		return 0;
	if (args[i].type != KP_TNUM || args[i].n < 0 ||
	    args[i].n > vm->limits.max_entries)
		return kp_vm_error(vm, p, pc, "table.new: size %u must be a number from 0 to %u (--max-entries)",
				   i + 1, vm->limits.max_entries);
	*out = (u32)args[i].n;
	return 0;
}

/* table.new([narr [, nrec]]): an empty table with room for the keys. */
static int kp_bif_TABLE_NEW(struct kp_vm *vm, const struct kp_proto *p,
			    const u32 *pc, struct kp_value *ret,
			    const struct kp_value *args, u32 nargs)
{
	struct kp_tab *t;
	u32 narr, nrec;
	int err = kp_bif_size_arg(vm, p, pc, args, nargs, 0, &narr);

	if (!err)
		err = kp_bif_size_arg(vm, p, pc, args, nargs, 1, &nrec);
	if (err)
		return err;
	t = kp_tab_new(&vm->store, narr, nrec, ++vm->next_table_id);
	if (!t)
		return kp_vm_error(vm, p, pc, "table.new: out of session memory (raise it with --max-memory)");
	*ret = kp_tabv(t);
	return 0;
}

/*
 * sort_pairs(t [, cmp]): the compiler calls it for the head of
 * "for (k, v in sort_pairs(t))": the keys in order (kp_sort_pairs()),
 * or with cmp a sort for SORTSTEP to drive (kp_sort_start()), since a
 * built-in never calls script code itself.
 */
static int kp_bif_SORT_PAIRS(struct kp_vm *vm, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs)
{
	int err = kp_bif_tab_arg(vm, p, pc, "sort_pairs", &args[0]);

	if (err)
		return err;
	if (nargs > 1)
		return kp_sort_start(vm, p, pc, ret, &args[0], &args[1]);
	return kp_sort_pairs(vm, p, pc, ret, &args[0]);
}

/* Indexed by built-in id: the include file lists them in that order. */
static const kp_builtin_fn kp_builtins[KTAP_BIF__COUNT] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) (kp_bif_##id),
#include "../uapi/ktap_builtins.h"
};

int kp_builtin_call(struct kp_vm *vm, const struct kp_proto *p,
		    const u32 *pc, u32 id, struct kp_value *ret,
		    const struct kp_value *args, u32 nargs)
{
	return kp_builtins[id](vm, p, pc, ret, args, nargs);
}
