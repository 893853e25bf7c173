// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in functions.  Each takes the running context, its arguments
 * and a slot for its result; a table generated from KTAP_BUILTINS maps
 * ids to them.
 * The verifier has checked the argument count against the table in
 * uapi/ktap_builtins.h, so a built-in only checks argument types.
 */
#include "builtins.h"
#include "format.h"
#include "str.h"
#include "table.h"
#include "sort.h"
#include "agg.h"
#include "arith.h"
#include "stack.h"
#include "ctx_builtins.h"
#include "../uapi/ktap.h"

typedef int (*kp_builtin_fn)(struct kp_exec *x, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs);

/* Output of x's session: user stacks printed as the host asked. */
static void kp_bif_out_init(struct kp_exec *x, struct kp_fmt_out *o,
			    char *buf, size_t size)
{
	kp_fmt_init(o, buf, size);
	o->user_marks = x->vm->host.user_marks;
}

/*
 * Send the text that o wrote to x->line_buf as one output record.  o
 * counted all of it; text longer than a record is cut and ends with
 * "...\n", which says so and starts what follows on a line of its own,
 * rather than being split where other output could come between.
 */
static int kp_bif_emit(struct kp_exec *x, const struct kp_fmt_out *o)
{
	static const char cut[] = "...\n";
	u32 len = (u32)o->len;

	if (o->len > KTAP_RECORD_MAX) {
		len = KTAP_RECORD_MAX;
		memcpy(x->line_buf + len - (sizeof(cut) - 1), cut,
		       sizeof(cut) - 1);
	}
	if (!len)
		return 0;
	return x->vm->host.emit(x->vm->host.ctx, KTAP_REC_OUTPUT, x->line_buf, len);
}

/* Append n in decimal to o. */
static void kp_bif_put_num(struct kp_fmt_out *o, s64 n)
{
	char num[KP_FMT_NUM_MAX];

	kp_fmt_put(o, num, kp_fmt_decimal(num, n));
}

/* An aggregation as print shows it: count=.. sum=.. avg=.. min=.. max=.. */
static void kp_bif_put_agg(struct kp_fmt_out *o, const struct kp_agg *a)
{
	struct kp_agg_slot m;

	kp_agg_read(a, &m);
	kp_fmt_put(o, "count=", 6);
	kp_bif_put_num(o, m.count);
	kp_fmt_put(o, " sum=", 5);
	kp_bif_put_num(o, m.sum);
	kp_fmt_put(o, " avg=", 5);
	kp_bif_put_num(o, m.count ? kp_arith_div(m.sum, m.count) : 0);
	kp_fmt_put(o, " min=", 5);
	kp_bif_put_num(o, m.min);
	kp_fmt_put(o, " max=", 5);
	kp_bif_put_num(o, m.max);
}

/* print(...): the values as text separated by tabs, then a newline. */
static int kp_bif_PRINT(struct kp_exec *x,
			const struct kp_proto *p __maybe_unused,
			const u32 *pc __maybe_unused, struct kp_value *ret,
			const struct kp_value *args, u32 nargs)
{
	char num[KP_FMT_NUM_MAX];
	struct kp_fmt_out o;
	const char *text;
	u32 i, len;

	kp_bif_out_init(x, &o, x->line_buf, KTAP_RECORD_MAX);
	for (i = 0; i < nargs; i++) {
		if (i)
			kp_fmt_put(&o, "\t", 1);
		if (args[i].type == KP_TAGG) {
			kp_bif_put_agg(&o, args[i].agg);
			continue;
		}
		if (args[i].type == KP_TSTACK) {
			kp_stack_put(&o, args[i].s, "");
			continue;
		}
		text = kp_str_text(&args[i], num, &len);
		kp_fmt_put(&o, text, len);
	}
	kp_fmt_put(&o, "\n", 1);
	*ret = kp_nil();
	return kp_bif_emit(x, &o);
}

/* Format args[1..nargs) by the format args[0] into o, for fn. */
static int kp_bif_format(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, const char *fn, struct kp_fmt_out *o,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_fmt_error err;
	char msg[128];

	if (args[0].type != KP_TSTR)
		return kp_vm_error(x, p, pc, "%s: the format must be a string, got %s",
				   fn, kp_type_name(args[0].type));
	if (kp_fmt_format(o, args[0].s->data, args[0].s->len, args + 1,
			  nargs - 1, &err) == KP_FMT_OK)
		return 0;
	kp_fmt_describe(&err, fn, msg, sizeof(msg));
	return kp_vm_error(x, p, pc, "%s", msg);
}

/*
 * printf(fmt, ...): one output record, no newline added.  Formatting
 * completes before anything is emitted, so a bad argument prints nothing.
 */
static int kp_bif_PRINTF(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, struct kp_value *ret,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_fmt_out o;
	int err;

	kp_bif_out_init(x, &o, x->line_buf, KTAP_RECORD_MAX);
	err = kp_bif_format(x, p, pc, "printf", &o, args, nargs);
	if (err)
		return err;
	*ret = kp_nil();
	return kp_bif_emit(x, &o);
}

/*
 * sprintf(fmt, ...): the text printf would show, as a string.  The first
 * pass measures it and reports errors, the second writes it straight
 * into a string of that size: no buffer, and no limit but --max-string.
 */
static int kp_bif_SPRINTF(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, struct kp_value *ret,
			  const struct kp_value *args, u32 nargs)
{
	struct kp_str *s = NULL;
	struct kp_fmt_out o;
	int err;

	kp_bif_out_init(x, &o, NULL, 0);
	err = kp_bif_format(x, p, pc, "sprintf", &o, args, nargs);
	if (!err)
		err = kp_str_make(x, p, pc, "sprintf", o.len, &s);
	if (err)
		return err;
	kp_bif_out_init(x, &o, s->data, s->len);
	kp_bif_format(x, p, pc, "sprintf", &o, args, nargs);
	*ret = kp_strv(s);
	return 0;
}

/* tostring(stack): its text, measured first, as sprintf does. */
static int kp_bif_stack_string(struct kp_exec *x, const struct kp_proto *p,
			       const u32 *pc, struct kp_value *ret,
			       const struct kp_str *stack)
{
	struct kp_fmt_out o;
	struct kp_str *s;
	int err;

	kp_bif_out_init(x, &o, NULL, 0);
	kp_stack_put(&o, stack, "");
	err = kp_str_make(x, p, pc, "tostring", o.len, &s);
	if (err)
		return err;
	kp_bif_out_init(x, &o, s->data, s->len);
	kp_stack_put(&o, stack, "");
	*ret = kp_strv(s);
	return 0;
}

/* tostring(v): v as print shows it; a string is returned as it is. */
static int kp_bif_TOSTRING(struct kp_exec *x, const struct kp_proto *p,
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
	if (args[0].type == KP_TSTACK)
		return kp_bif_stack_string(x, p, pc, ret, args[0].s);
	text = kp_str_text(&args[0], num, &len);
	return kp_str_result(x, p, pc, "tostring", text, len, ret);
}

/*
 * tonumber(v [, base]): a number passes through; a string that spells a
 * number in base (2..36; decimal or 0x hex when absent or nil) gives
 * that number; anything else gives nil.  A bad base is an error.
 */
static int kp_bif_TONUMBER(struct kp_exec *x, const struct kp_proto *p,
			   const u32 *pc, struct kp_value *ret,
			   const struct kp_value *args, u32 nargs)
{
	const struct kp_value *v = &args[0];
	s64 base = 0, n;

	if (nargs > 1 && args[1].type != KP_TNIL) {
		if (args[1].type != KP_TNUM)
			return kp_vm_error(x, p, pc, "tonumber: the base must be a number, got %s",
					   kp_type_name(args[1].type));
		base = args[1].n;
		if (base < 2 || base > 36)
			return kp_vm_error(x, p, pc, "tonumber: base %lld out of range (2..36)",
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
static int kp_bif_TYPE(struct kp_exec *x, const struct kp_proto *p,
		       const u32 *pc, struct kp_value *ret,
		       const struct kp_value *args, u32 nargs __maybe_unused)
{
	const char *name = kp_type_name(args[0].type);

	return kp_str_result(x, p, pc, "type", name, strlen(name), ret);
}

/* len(s): the length of a string in bytes; len(t): its entry count. */
static int kp_bif_LEN(struct kp_exec *x, const struct kp_proto *p,
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
		return kp_vm_error(x, p, pc, "len: expects a string or a table, got %s",
				   kp_type_name(args[0].type));
	}
}

static int kp_bif_tab_arg(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, const char *fn,
			  const struct kp_value *v)
{
	if (v->type == KP_TTAB)
		return 0;
	return kp_vm_error(x, p, pc, "%s: expects a table, got %s", fn,
			   kp_type_name(v->type));
}

/* delete(t): remove every entry; delete(t, k): remove k. */
static int kp_bif_DELETE(struct kp_exec *x, const struct kp_proto *p,
			 const u32 *pc, struct kp_value *ret,
			 const struct kp_value *args, u32 nargs)
{
	struct kp_value nil = kp_nil();
	int err = kp_bif_tab_arg(x, p, pc, "delete", &args[0]);

	if (err)
		return err;
	*ret = kp_nil();
	if (nargs == 1)
		err = kp_tab_clear(&x->vm->store, args[0].t);
	else
		err = kp_tab_set(&x->vm->store, args[0].t, &args[1], &nil, 0);
	if (err == KP_TAB_EBUSY || err == KP_TAB_ENOMEM)
		return kp_vm_no_memory(x, p, pc, "delete");
	if (err == KP_TAB_ENIL)
		return kp_vm_error(x, p, pc, "delete: table index is nil");
	if (err)
		return kp_vm_error(x, p, pc, "delete: a %s value cannot be a table key",
				   kp_type_name(args[1].type));
	return 0;
}

/* A size hint of table.new: a number 0..max_entries (nil: 0). */
static int kp_bif_size_arg(struct kp_exec *x, const struct kp_proto *p,
			   const u32 *pc, const struct kp_value *args,
			   u32 nargs, u32 i, u32 *out)
{
	*out = 0;
	if (i >= nargs || args[i].type == KP_TNIL)
		return 0;
	if (args[i].type != KP_TNUM || args[i].n < 0 ||
	    args[i].n > x->vm->limits.max_entries)
		return kp_vm_error(x, p, pc, "table.new: size %u must be a number from 0 to %u (--max-entries)",
				   i + 1, x->vm->limits.max_entries);
	*out = (u32)args[i].n;
	return 0;
}

/* table.new([narr [, nrec]]): an empty table with room for the keys. */
static int kp_bif_TABLE_NEW(struct kp_exec *x, const struct kp_proto *p,
			    const u32 *pc, struct kp_value *ret,
			    const struct kp_value *args, u32 nargs)
{
	struct kp_tab *t;
	u32 narr, nrec;
	int err = kp_bif_size_arg(x, p, pc, args, nargs, 0, &narr);

	if (!err)
		err = kp_bif_size_arg(x, p, pc, args, nargs, 1, &nrec);
	if (err)
		return err;
	t = kp_tab_new(&x->vm->store, narr, nrec,
		       kp_atomic_inc_return(&x->vm->next_table_id));
	if (!t)
		return kp_vm_no_memory(x, p, pc, "table.new");
	*ret = kp_tabv(t);
	return 0;
}

/*
 * sort_pairs(t [, cmp]): the compiler calls it for the head of
 * "for (k, v in sort_pairs(t))": the keys in order (kp_sort_pairs()),
 * or with cmp a sort for SORTSTEP to drive (kp_sort_start()), since a
 * built-in never calls script code itself.
 */
static int kp_bif_SORT_PAIRS(struct kp_exec *x, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs)
{
	int err = kp_bif_tab_arg(x, p, pc, "sort_pairs", &args[0]);

	if (err)
		return err;
	if (nargs > 1)
		return kp_sort_start(x, p, pc, ret, &args[0], &args[1]);
	return kp_sort_pairs(x, p, pc, ret, &args[0]);
}

/* The merged statistic of an aggregation argument, for fn. */
static int kp_bif_agg_arg(struct kp_exec *x, const struct kp_proto *p,
			  const u32 *pc, const char *fn,
			  const struct kp_value *v, struct kp_agg_slot *m)
{
	if (v->type != KP_TAGG)
		return kp_vm_error(x, p, pc, "%s: expects an aggregation, got %s",
				   fn, kp_type_name(v->type));
	kp_agg_read(v->agg, m);
	return 0;
}

/* count(), sum() ... share this: which field of the merged statistic. */
enum kp_agg_field { KP_AGG_COUNT, KP_AGG_SUM, KP_AGG_AVG, KP_AGG_MIN, KP_AGG_MAX };

static int kp_bif_agg_field(struct kp_exec *x, const struct kp_proto *p,
			    const u32 *pc, const char *fn,
			    enum kp_agg_field f, struct kp_value *ret,
			    const struct kp_value *args)
{
	struct kp_agg_slot m;
	int err = kp_bif_agg_arg(x, p, pc, fn, &args[0], &m);

	if (err)
		return err;
	switch (f) {
	case KP_AGG_COUNT:
		*ret = kp_num(m.count);
		break;
	case KP_AGG_SUM:
		*ret = kp_num(m.sum);
		break;
	case KP_AGG_AVG:	/* count >= 1: an aggregation exists once fed */
		*ret = kp_num(m.count ? kp_arith_div(m.sum, m.count) : 0);
		break;
	case KP_AGG_MIN:
		*ret = kp_num(m.min);
		break;
	default:
		*ret = kp_num(m.max);
		break;
	}
	return 0;
}

#define KP_BIF_AGG(id, name, field)					\
static int kp_bif_##id(struct kp_exec *x, const struct kp_proto *p,	\
		       const u32 *pc, struct kp_value *ret,		\
		       const struct kp_value *args,			\
		       u32 nargs __maybe_unused)			\
{									\
	return kp_bif_agg_field(x, p, pc, name, field, ret, args);	\
}

KP_BIF_AGG(COUNT, "count", KP_AGG_COUNT)
KP_BIF_AGG(SUM, "sum", KP_AGG_SUM)
KP_BIF_AGG(AVG, "avg", KP_AGG_AVG)
KP_BIF_AGG(MIN, "min", KP_AGG_MIN)
KP_BIF_AGG(MAX, "max", KP_AGG_MAX)

#define KP_HIST_BAR	40

/* n spaces (or fill characters) into o. */
static void kp_bif_pad(struct kp_fmt_out *o, char fill, u64 n)
{
	static const char spaces[] = "                                        ";
	static const char ats[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
	const char *src = fill == '@' ? ats : spaces;
	u64 k;

	while (n) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		kp_fmt_put(o, src, k);
		n -= k;
	}
}

/* The bar length of v scaled so that top fills KP_HIST_BAR. */
static u64 kp_bif_bar(s64 v, s64 top)
{
	if (v <= 0 || top <= 0)
		return 0;
	if (top <= S64_MAX / KP_HIST_BAR)
		return (u64)(v * KP_HIST_BAR / top);
	return (u64)(v / (top / KP_HIST_BAR));
}

/*
 * One row: label right-aligned to width, " |", the bar padded to
 * KP_HIST_BAR, " ", the count; one output record.
 */
static int kp_bif_hist_row(struct kp_exec *x, u32 width, const char *label,
			   u32 len, s64 n, s64 top)
{
	struct kp_fmt_out o;
	u64 bar = kp_bif_bar(n, top);

	kp_bif_out_init(x, &o, x->line_buf, KTAP_RECORD_MAX);
	kp_bif_pad(&o, ' ', len < width ? width - len : 0);
	kp_fmt_put(&o, label, len);
	kp_fmt_put(&o, " |", 2);
	kp_bif_pad(&o, '@', bar);
	kp_bif_pad(&o, ' ', KP_HIST_BAR - bar);
	kp_fmt_put(&o, " ", 1);
	kp_bif_put_num(&o, n);
	kp_fmt_put(&o, "\n", 1);
	return kp_bif_emit(x, &o);
}

/* The header: "value" right-aligned to width, the title, "count". */
static int kp_bif_hist_header(struct kp_exec *x, u32 width)
{
	static const char title[] =
		" ------------- Distribution ------------- count\n";
	struct kp_fmt_out o;

	kp_bif_out_init(x, &o, x->line_buf, KTAP_RECORD_MAX);
	kp_bif_pad(&o, ' ', width - 5);
	kp_fmt_put(&o, "value", 5);
	kp_fmt_put(&o, title, sizeof(title) - 1);
	return kp_bif_emit(x, &o);
}

#define KP_HIST_AGG_WIDTH	16	/* DTrace's quantize value column */
#define KP_HIST_TAB_WIDTH	31	/* ktap's print_hist key column */

/*
 * print_hist(agg): the log2 histogram, the non-empty range of buckets
 * and one empty bucket on each side.  A row's value is the least the
 * bucket holds (1, 2, 4 ...); the bucket of values <= 0 shows "<= 0".
 * The bars are scaled to the total count, as quantize does.
 */
static int kp_bif_hist_agg(struct kp_exec *x, const struct kp_agg *a)
{
	char num[KP_FMT_NUM_MAX];
	struct kp_agg_slot m;
	u32 lo = KP_AGG_NBUCKETS, hi = 0, b, len;
	int err;

	kp_agg_read(a, &m);
	for (b = 0; b < KP_AGG_NBUCKETS; b++) {
		if (!m.hist[b])
			continue;
		if (lo == KP_AGG_NBUCKETS)
			lo = b;
		hi = b;
	}
	if (lo == KP_AGG_NBUCKETS)
		return 0;
	lo = lo ? lo - 1 : 0;
	hi = hi + 1 < KP_AGG_NBUCKETS ? hi + 1 : hi;
	err = kp_bif_hist_header(x, KP_HIST_AGG_WIDTH);
	for (b = lo; b <= hi && !err; b++) {
		if (b == 0)
			err = kp_bif_hist_row(x, KP_HIST_AGG_WIDTH, "<= 0", 4,
					      m.hist[0], m.count);
		else {
			len = kp_fmt_decimal(num, (s64)(1ULL << (b - 1)));
			err = kp_bif_hist_row(x, KP_HIST_AGG_WIDTH, num, len,
					      m.hist[b], m.count);
		}
	}
	return err;
}

/*
 * A stack key of print_hist: its frames, one record each, above its
 * row, which then has no label (a backtrace is too wide for the key
 * column and reads best as a block).
 */
static int kp_bif_hist_stack(struct kp_exec *x, const struct kp_str *stack)
{
	struct kp_fmt_out o;

	kp_bif_out_init(x, &o, x->line_buf, KTAP_RECORD_MAX);
	kp_stack_put(&o, stack, "    ");
	kp_fmt_put(&o, "\n", 1);
	return kp_bif_emit(x, &o);
}

/*
 * print_hist(t [, n]): the n (20) entries of largest value, largest
 * first (ties by key, as sort_pairs orders them), bars scaled to the
 * largest value.  Every value must be a number.
 */
static int kp_bif_hist_tab(struct kp_exec *x, const struct kp_proto *p,
			   const u32 *pc, const struct kp_value *args,
			   u32 nargs)
{
	char num[KP_FMT_NUM_MAX];
	struct kp_value keys, k, v, idx;
	const char *text;
	s64 n = 20, top = 0, i;
	u32 pos = 0, len;
	int err;

	if (nargs > 1 && args[1].type != KP_TNIL) {
		if (args[1].type != KP_TNUM || args[1].n < 0)
			return kp_vm_error(x, p, pc, "print_hist: the count must be a number >= 0, got %s",
					   kp_type_name(args[1].type));
		n = args[1].n;
	}
	while (kp_tab_next(&x->vm->store, args[0].t, &pos, &k, &v) > 0) {
		if (v.type != KP_TNUM)
			return kp_vm_error(x, p, pc, "print_hist: expects a table of numbers, found a %s value",
					   kp_type_name(v.type));
	}
	err = kp_sort_pairs(x, p, pc, &keys, &args[0]);
	if (err)
		return err;
	err = kp_bif_hist_header(x, KP_HIST_TAB_WIDTH);
	for (i = 1; i <= n && !err; i++) {
		idx = kp_num(i);
		if (kp_tab_get(&x->vm->store, keys.t, &idx, &k) ||
		    k.type == KP_TNIL)
			break;
		if (kp_tab_get(&x->vm->store, args[0].t, &k, &v) ||
		    v.type != KP_TNUM)
			continue;
		if (i == 1)
			top = v.n;
		if (k.type == KP_TSTACK) {
			err = kp_bif_hist_stack(x, k.s);
			len = 0;
			text = "";
		} else {
			text = kp_str_text(&k, num, &len);
		}
		if (err)
			break;
		err = kp_bif_hist_row(x, KP_HIST_TAB_WIDTH, text, len, v.n,
				      top);
	}
	return err;
}

/* print_hist(agg) or print_hist(t [, n]): see the two above. */
static int kp_bif_PRINT_HIST(struct kp_exec *x, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs)
{
	*ret = kp_nil();
	if (args[0].type == KP_TAGG)
		return kp_bif_hist_agg(x, args[0].agg);
	if (args[0].type == KP_TTAB)
		return kp_bif_hist_tab(x, p, pc, args, nargs);
	return kp_vm_error(x, p, pc, "print_hist: expects an aggregation or a table, got %s",
			   kp_type_name(args[0].type));
}

/*
 * exit(): ask the host to stop tracing.  The invocation runs on to its
 * end; the host runs trace_end once the events are quiet.
 */
static int kp_bif_EXIT(struct kp_exec *x,
		       const struct kp_proto *p __maybe_unused,
		       const u32 *pc __maybe_unused, struct kp_value *ret,
		       const struct kp_value *args __maybe_unused,
		       u32 nargs __maybe_unused)
{
	*ret = kp_nil();
	if (x->vm->host.stop)
		x->vm->host.stop(x->vm->host.ctx);
	return 0;
}

/* Indexed by built-in id: the include file lists them in that order. */
static const kp_builtin_fn kp_builtins[KTAP_BIF__COUNT] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) (kp_bif_##id),
#include "../uapi/ktap_builtins.h"
};

int kp_builtin_call(struct kp_exec *x, const struct kp_proto *p,
		    const u32 *pc, u32 id, struct kp_value *ret,
		    const struct kp_value *args, u32 nargs)
{
	return kp_builtins[id](x, p, pc, ret, args, nargs);
}
