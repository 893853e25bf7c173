// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VM's tables and memory model, on module/vm directly:
 * insert, look up and delete at scale (through rehashes and the
 * array/hash boundary), the store's size classes and budget, deferred
 * frees, nested tables freed without recursion, and the footprint
 * claim: a script run as a million invocations that keeps storing and
 * overwriting table entries uses the same store memory after the
 * thousandth invocation as after the millionth.
 */
#include <stdlib.h>
#include "tap.h"
#include "compile.h"
#include "chunk_writer.h"
#include "vm/vm.h"
#include "vm/table.h"
#include "uapi/ktap.h"

static struct kp_store store;

/* Ownership changes happen under the pool lock (table.h). */
static void hold(struct kp_value *v)
{
	unsigned long flags;

	kp_lock(&store, &store.lock, &flags);
	kp_value_hold(&store, v);
	kp_unlock(&store, &store.lock, flags);
}

static void release(struct kp_value *v)
{
	unsigned long flags;

	kp_lock(&store, &store.lock, &flags);
	kp_value_release(&store, v);
	kp_unlock(&store, &store.lock, flags);
}

static struct kp_str *scratch_str(const char *text)
{
	static char buf[16][64];
	static int next;
	struct kp_str *s = (struct kp_str *)buf[next++ % 16];

	memset(s, 0, sizeof(buf[0]));
	s->len = (u32)strlen(text);
	s->home = KP_STR_SCRATCH;
	memcpy(s->data, text, s->len);
	return s;
}

static void test_int_keys(void)
{
	struct kp_tab *t = kp_tab_new(&store, 0, 0, 1);
	struct kp_value k, v;
	bool good = true;
	s64 i;

	for (i = 1; i <= 100000; i++) {
		k = kp_num(i);
		v = kp_num(i * 3);
		good &= kp_tab_set(&store, t, &k, &v, U32_MAX) == 0;
	}
	ok(good && t->count == 100000, "100000 integer keys inserted");
	ok(t->asize >= 65536 && t->hsize < 65536,
	   "dense integer keys went to the array part (asize %u, hsize %u)",
	   t->asize, t->hsize);
	for (i = 1; i <= 100000 && good; i++) {
		k = kp_num(i);
		good = !kp_tab_get(&store, t, &k, &v) && v.type == KP_TNUM && v.n == i * 3;
	}
	ok(good, "every integer key reads back");
	k = kp_num(100001);
	kp_tab_get(&store, t, &k, &v);
	ok(v.type == KP_TNIL, "a missing key reads nil");
	for (i = 1; i <= 100000; i += 2) {
		k = kp_num(i);
		v = kp_nil();
		kp_tab_set(&store, t, &k, &v, U32_MAX);
	}
	ok(t->count == 50000, "assigning nil removes (count %u)", t->count);
	k = kp_num(-5);
	v = kp_num(1);
	kp_tab_set(&store, t, &k, &v, U32_MAX);
	kp_tab_get(&store, t, &k, &v);
	ok(v.n == 1 && t->count == 50001, "a negative key lives in the hash part");
	kp_tab_clear(&store, t);
	ok(t->count == 0 && !t->asize && !t->hsize, "clear empties both parts");
}

static void test_str_keys(void)
{
	struct kp_tab *t = kp_tab_new(&store, 0, 0, 2);
	struct kp_value k, v;
	char text[32];
	bool good = true;
	int i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 20000; i++) {
			snprintf(text, sizeof(text), "key%d", i);
			k = kp_strv(scratch_str(text));
			v = kp_num(i + round);
			good &= !kp_tab_set(&store, t, &k, &v, U32_MAX);
		}
	}
	ok(good && t->count == 20000, "string keys: overwriting keeps the count");
	for (i = 0; i < 20000 && good; i++) {
		snprintf(text, sizeof(text), "key%d", i);
		k = kp_strv(scratch_str(text));
		good = !kp_tab_get(&store, t, &k, &v) && v.n == i + 2;
	}
	ok(good, "every string key reads its last value");
	for (i = 0; i < 20000; i++) {
		snprintf(text, sizeof(text), "key%d", i);
		k = kp_strv(scratch_str(text));
		v = kp_nil();
		kp_tab_set(&store, t, &k, &v, U32_MAX);
	}
	ok(t->count == 0, "every string key deleted");
	k = kp_strv(scratch_str("again"));
	v = kp_num(7);
	ok(!kp_tab_set(&store, t, &k, &v, U32_MAX) && !kp_tab_get(&store, t, &k, &v) &&
	   v.n == 7, "a table full of tombstones still takes new keys");
}

static void test_errors_and_limits(void)
{
	struct kp_tab *t = kp_tab_new(&store, 0, 0, 3);
	struct kp_value k = kp_nil(), v = kp_num(1);

	is_int(kp_tab_set(&store, t, &k, &v, 10), KP_TAB_ENIL, "nil key");
	is_int(kp_tab_get(&store, t, &k, &v), KP_TAB_ENIL, "nil key on read");
	k = kp_tabv(t);
	is_int(kp_tab_set(&store, t, &k, &v, 10), KP_TAB_EKEY, "table key");
	k = kp_num(1);
	kp_tab_set(&store, t, &k, &v, 1);
	k = kp_num(2);
	is_int(kp_tab_set(&store, t, &k, &v, 1), KP_TAB_EFULL,
	       "a new key past max_entries");
	k = kp_num(1);
	v = kp_num(5);
	is_int(kp_tab_set(&store, t, &k, &v, 1), 0,
	       "overwriting at the limit is fine");
}

/* kp_tab_add(): the counter idiom's get-or-create and update. */
static void test_counter(void)
{
	struct kp_tab *t = kp_tab_new(&store, 0, 0, 4);
	struct kp_value k = kp_strv(scratch_str("reads")), v;
	s64 sum = 0;
	int good = 1, i;

	is_int(kp_tab_add(&store, t, &k, -3, 10, &sum), 0,
	       "a missing key is created");
	ok(sum == -3 && t->count == 1 && !kp_tab_get(&store, t, &k, &v) &&
	   v.type == KP_TNUM && v.n == -3, "... holding 0 + n");
	for (i = 0; i < 1000; i++)
		good &= !kp_tab_add(&store, t, &k, 2, 10, &sum);
	ok(good && sum == 1997 && t->count == 1, "adding 2 a thousand times");
	k = kp_num(1);
	for (i = 0; i < 3; i++)
		kp_tab_add(&store, t, &k, 1, 10, &sum);
	ok(sum == 3 && !kp_tab_get(&store, t, &k, &v) && v.n == 3,
	   "an integer key counts the same");
	v = kp_num(0x7fffffffffffffffLL);
	kp_tab_set(&store, t, &k, &v, 10);
	ok(!kp_tab_add(&store, t, &k, 1, 10, &sum) && sum == INT64_MIN,
	   "adding wraps like +");
	v = kp_strv(scratch_str("text"));
	kp_tab_set(&store, t, &k, &v, 10);
	is_int(kp_tab_add(&store, t, &k, 1, 10, &sum), 1,
	       "a string there: 1, nothing done");
	ok(!kp_tab_get(&store, t, &k, &v) && v.type == KP_TSTR, "... it stays");
	k = kp_num(2);
	is_int(kp_tab_add(&store, t, &k, 1, 2, &sum), KP_TAB_EFULL,
	       "a new key past max_entries");
	k = kp_nil();
	is_int(kp_tab_add(&store, t, &k, 1, 10, &sum), KP_TAB_ENIL,
	       "a nil key");
}

/* The positions kp_tab_next() visits, each entry once. */
static void test_iteration(void)
{
	struct kp_tab *t = kp_tab_new(&store, 4, 4, 4);
	struct kp_value k, v;
	s64 sum = 0;
	u32 pos = 0, n = 0;
	int i;

	for (i = 1; i <= 10; i++) {
		k = kp_num(i * (i % 2 ? 1 : 1000));
		v = kp_num(i);
		kp_tab_set(&store, t, &k, &v, U32_MAX);
	}
	while (kp_tab_next(&store, t, &pos, &k, &v) > 0) {
		n++;
		sum += v.n;
	}
	ok(n == 10 && sum == 55, "iteration visits array and hash parts once");
}

/* Nested tables 100000 deep are freed by the work list, not recursion. */
static void test_deep_nesting(void)
{
	struct kp_tab *root = kp_tab_new(&store, 0, 0, 5), *t = root, *c;
	struct kp_value k = kp_num(1), v;
	u64 before;
	int i;

	v = kp_tabv(root);
	hold(&v);
	kp_store_reap(&store, true);
	before = store.live_objects;
	for (i = 0; i < 100000; i++) {
		c = kp_tab_new(&store, 0, 0, 6);
		v = kp_tabv(c);
		kp_tab_set(&store, t, &k, &v, U32_MAX);
		t = c;
	}
	kp_store_reap(&store, true);
	ok(store.live_objects > before + 100000, "a chain of 100000 tables lives");
	v = kp_tabv(root);
	release(&v);
	kp_store_reap(&store, true);
	ok(store.live_objects == before - 1,
	   "releasing its root frees the whole chain (%llu objects left)",
	   (unsigned long long)store.live_objects);
}

#define SBX(n)	((unsigned)((n) + KTAP_SBX_BIAS))

/* Load a 4-register top level of insn then RET; the loader's message. */
static const char *verify_one(u32 insn)
{
	static char err[256];
	struct kp_chunk_builder *c = kp_chunk_new("v.kp");
	struct kp_chunk_proto *p = kp_chunk_add_proto(c, 0, 0);
	struct kp_vm_limits lim = {
		.max_insns = 100, .max_memory = 1 << 20, .max_string = 16,
		.max_depth = 2, .max_entries = 16,
	};
	struct kp_vm_host host = { .emit = NULL };
	unsigned char *data;
	struct kp_vm *vm;
	size_t len;

	kp_chunk_set_nregs(p, 4);
	kp_chunk_emit(p, insn, 1);
	kp_chunk_emit(p, KTAP_OP_RET, 2);
	kp_chunk_serialize(c, &data, &len);
	kp_chunk_free(c);
	err[0] = '\0';
	if (!kp_vm_load(data, len, &lim, &host, &vm, err, sizeof(err))) {
		kp_vm_free(vm);
		snprintf(err, sizeof(err), "accepted");
	}
	free(data);
	return err;
}

static void refuses(u32 insn, const char *want, const char *what)
{
	const char *got = verify_one(insn);

	ok(strstr(got, want) != NULL, "verifier: %s", what);
	if (!strstr(got, want))
		diag("got '%s', wanted '%s'", got, want);
}

static void test_verify_table_ops(void)
{
	is_str(verify_one(KTAP_INSN_ABC(KTAP_OP_NEWTAB, 3, 255, 255)),
	       "accepted", "verifier: NEWTAB with any size hints");
	refuses(KTAP_INSN_ABC(KTAP_OP_NEWTAB, 4, 0, 0),
		"NEWTAB: register A=4 outside the frame of 4", "NEWTAB's A");
	is_str(verify_one(KTAP_INSN_ABC(KTAP_OP_GETT, 0, 1, 3)), "accepted",
	       "verifier: GETT in the frame");
	refuses(KTAP_INSN_ABC(KTAP_OP_GETT, 0, 4, 1),
		"GETT: register B=4 outside the frame", "GETT's B");
	refuses(KTAP_INSN_ABC(KTAP_OP_GETT0, 0, 1, 9),
		"GETT0: register C=9 outside the frame", "GETT0's C");
	refuses(KTAP_INSN_ABC(KTAP_OP_SETT, 5, 1, 2),
		"SETT: register A=5 outside the frame", "SETT's A");
	is_str(verify_one(KTAP_INSN_ABX(KTAP_OP_TFORLOOP, 0, SBX(-1))),
	       "accepted", "verifier: TFORLOOP with its 4 registers");
	refuses(KTAP_INSN_ABX(KTAP_OP_TFORLOOP, 1, SBX(-1)),
		"TFORLOOP: loop registers R1..R4 outside the frame of 4",
		"TFORLOOP's registers");
	refuses(KTAP_INSN_ABX(KTAP_OP_TFORLOOP, 0, SBX(5)),
		"TFORLOOP: jump to 6 outside the code", "TFORLOOP's jump");
	refuses(KTAP_INSN_ABX(KTAP_OP_SORTSTEP, 2, SBX(0)),
		"SORTSTEP: loop registers R2..R5 outside the frame of 4",
		"SORTSTEP's registers");
	refuses(KTAP_INSN_ABX(KTAP_OP_SORTSTEP, 0, SBX(-3)),
		"SORTSTEP: jump to -2 outside the code", "SORTSTEP's jump");
	refuses(KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_DELETE, 3),
		"CALLB: built-in 7 called with 3 arguments", "delete's arity");
}

static void test_verify_aggregation_ops(void)
{
	is_str(verify_one(KTAP_INSN_ABC(KTAP_OP_AGGT, 0, 1, 3)), "accepted",
	       "verifier: AGGT in the frame");
	refuses(KTAP_INSN_ABC(KTAP_OP_AGGT, 4, 1, 2),
		"AGGT: register A=4 outside the frame", "AGGT's A");
	refuses(KTAP_INSN_ABC(KTAP_OP_AGGT, 0, 7, 2),
		"AGGT: register B=7 outside the frame", "AGGT's B");
	refuses(KTAP_INSN_ABC(KTAP_OP_AGGT, 0, 1, 200),
		"AGGT: register C=200 outside the frame", "AGGT's C");
	refuses(KTAP_INSN_ABX(KTAP_OP_AGGG, 0, 0),
		"AGGG: global 0 outside the table of 0", "AGGG's global");
	refuses(KTAP_INSN_ABX(KTAP_OP_AGGG, 9, 0),
		"AGGG: register A=9 outside the frame", "AGGG's A");
	refuses(KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_COUNT, 2),
		"called with 2 arguments", "count's arity");
	refuses(KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_PRINT_HIST, 0),
		"called with 0 arguments", "print_hist's arity");
	is_str(verify_one(KTAP_INSN_ABC(KTAP_OP_CALLB, 0, KTAP_BIF_PRINT_HIST, 2)),
	       "accepted", "verifier: print_hist with 2 arguments");
}

static int quiet_emit(void *ctx, u16 type, const char *data, u32 len)
{
	(void)ctx;
	if (type == KTAP_REC_ERROR)
		diag("%.*s", (int)len, data);
	return 0;
}

/*
 * The footprint claim: a million invocations of a top level that
 * stores strings and tables into a global table and overwrites them.
 */
static void test_flat_footprint(void)
{
	static const char src[] =
		"if (!t) { t = {}; n = 0 }\n"
		"n += 1\n"
		"t[n % 64] = \"v\" .. n % 1000\n"
		"t[\"sub\" .. n % 8] = {n, name = \"x\" .. n % 1000, {deep = n}}\n"
		"t.count += 1\n"
		"delete(t, n % 64 + 1)\n";
	struct kp_vm_limits lim = {
		.max_insns = 100000, .max_memory = 4 << 20,
		.max_string = 4096, .max_depth = 10, .max_entries = 1000,
	};
	struct kp_vm_host host = { .emit = quiet_emit };
	struct kp_chunk_buf chunk;
	u64 live = 0, carved = 0, used = 0;
	struct kp_vm *vm;
	char err[256];
	long i;
	int ret = 0;

	if (kp_compile("-e", src, strlen(src), stderr, &chunk) ||
	    kp_vm_load(chunk.data, chunk.len, &lim, &host, &vm, err,
		       sizeof(err))) {
		ok(false, "footprint script loads");
		return;
	}
	for (i = 1; i <= 1000000 && !ret; i++) {
		ret = kp_vm_run_main(vm);
		if (i == 1000) {
			live = vm->store.live_bytes;
			carved = vm->store.top;
			used = vm->heap.used;
		}
	}
	ok(!ret, "a million invocations run");
	is_int(vm->store.live_bytes, live, "store bytes in use: flat from invocation 1000 to 1000000");
	is_int(vm->store.top, carved, "store bytes carved from the pool: flat");
	is_int(vm->heap.used, used, "the session budget used: flat");
	kp_vm_free(vm);
	kp_chunk_buf_free(&chunk);
}

static char stack_out[256];

static int capture_emit(void *ctx, u16 type, const char *data, u32 len)
{
	size_t used = strlen(stack_out);

	(void)ctx;
	if (type == KTAP_REC_ERROR)
		diag("%.*s", (int)len, data);
	else if (used + len < sizeof(stack_out))
		memcpy(stack_out + used, data, len);
	return 0;
}

/*
 * Stack values are stored like strings (KP_TSTACK in a struct kp_str):
 * as keys and as a global's value they survive the end of each
 * invocation, keep counting, and the store stays flat.
 */
static void test_stack_values(void)
{
	static const char src[] =
		"if (!s) { s = {}; n = 0 }\n"
		"n += 1\n"
		"s[stack(n % 3 + 1)] += 1\n"
		"last = stack()\n"
		"if (n == 100000) { print(len(s), s[stack(1)], s[stack(2)], s[stack(3)], last == stack(), type(last)) }\n";
	struct kp_vm_limits lim = {
		.max_insns = 100000, .max_memory = 4 << 20,
		.max_string = 4096, .max_depth = 10, .max_entries = 1000,
	};
	struct kp_vm_host host = { .emit = capture_emit };
	struct kp_chunk_buf chunk;
	u64 live = 0;
	struct kp_vm *vm;
	char err[256];
	long i;
	int ret = 0;

	if (kp_compile("-e", src, strlen(src), stderr, &chunk) ||
	    kp_vm_load(chunk.data, chunk.len, &lim, &host, &vm, err,
		       sizeof(err))) {
		ok(false, "stack script loads");
		return;
	}
	for (i = 1; i <= 100000 && !ret; i++) {
		ret = kp_vm_run_main(vm);
		if (i == 1000)
			live = vm->store.live_bytes;
	}
	ok(!ret, "100000 invocations storing stacks run");
	is_str(stack_out, "3\t33333\t33334\t33333\ttrue\tstack\n",
	       "stack keys and a stack global keep their identity across invocations");
	is_int(vm->store.live_bytes, live, "stack values: store bytes flat from invocation 1000 to 100000");
	kp_vm_free(vm);
	kp_chunk_buf_free(&chunk);
}

int main(void)
{
	if (kp_store_init(&store, 256 << 20, 256 << 20, 1))
		return 1;
	test_int_keys();
	test_str_keys();
	test_errors_and_limits();
	test_counter();
	test_iteration();
	test_deep_nesting();
	kp_store_reap(&store, true);
	is_int(store.live_objects, 0, "every table and string freed once released");
	kp_store_destroy(&store);
	test_flat_footprint();
	test_stack_values();
	test_verify_table_ops();
	test_verify_aggregation_ops();
	return done();
}
