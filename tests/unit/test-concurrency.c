// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VM on several CPUs at once, in user space: threads
 * stand for CPUs (each its own kp_port_cpu) and run script functions
 * through kp_vm_run_probe() concurrently, as probe handlers will.
 * Checks exact counts for t[k] += 1 from every thread (no lost update),
 * that strings and tables replaced under other threads' feet are freed
 * exactly once and only after every reader is done (the store's live
 * objects return to their baseline), the recursion guard, trylock in
 * NMI, and that probe context may not sleep.  Built a second time with
 * ThreadSanitizer (test-concurrency-tsan) when the compiler has it.
 */
#include <pthread.h>
#include <stdlib.h>
#include "tap.h"
#include "compile.h"
#include "chunk_writer.h"
#include "vm/vm.h"
#include "vm/table.h"
#include "uapi/ktap.h"

#define NTHREADS	4
/* ThreadSanitizer runs an order of magnitude slower: fewer rounds. */
#if defined(__SANITIZE_THREAD__)
#define NHITS		20000
#else
#define NHITS		100000
#endif

static const char script[] =
	"var t, u, g, c, out = {}, {}, nil, 0, 0\n"
	"function count() { t[\"k\"] += 1\n t[c % 7] += 2\n t.s -= 1 }\n"
	"function churn() {\n"
	"  c += 1\n"
	"  u[c % 8] = \"s\" .. c\n"
	"  g = {c, name = \"n\" .. c}\n"
	"  var x, y = g, u[(c + 3) % 8]\n"
	"  if (x && y) { out = len(x[\"name\"] .. y) }\n"
	"  u[\"t\" .. c % 4] = {x}\n"
	"}\n"
	"function clear() { u = {}\n g = nil }\n"
	"function talk() { print(\"hi\") }\n";

struct run {
	struct kp_vm *vm;
	const struct kp_proto *proto;
	u32 cpu;
	int failures;
};

static struct kp_vm *the_vm;
static const struct kp_proto *talk_proto;
static int nested_ret = 1;
static int sleep_in_probe = -1, sleep_in_proc = -1;
static char error_text[512];

static int emit(void *ctx, u16 type, const char *data, u32 len)
{
	(void)ctx;
	if (type == KTAP_REC_ERROR) {
		snprintf(error_text, sizeof(error_text), "%.*s", (int)len,
			 data);
		return 0;
	}
	if (len == 3 && !memcmp(data, "hi\n", 3)) {
		/* An "interrupt" on this CPU while its probe runs. */
		if (kp_vm_may_sleep(the_vm)) {
			sleep_in_proc = 1;
		} else {
			sleep_in_probe = 0;
			nested_ret = kp_vm_run_probe(the_vm, talk_proto, NULL);
		}
	}
	return 0;
}

static const struct kp_proto *proto_of(struct kp_vm *vm, const char *name)
{
	struct kp_value v;
	u32 i;

	for (i = 0; i < vm->chunk.nglobals; i++) {
		if (strcmp(vm->chunk.global_names[i]->data, name))
			continue;
		v = kp_vm_get_global(vm, i);
		return v.type == KP_TFUNC ? v.fn : NULL;
	}
	return NULL;
}

static struct kp_value global_of(struct kp_vm *vm, const char *name)
{
	u32 i;

	for (i = 0; i < vm->chunk.nglobals; i++)
		if (!strcmp(vm->chunk.global_names[i]->data, name))
			return kp_vm_get_global(vm, i);
	return kp_nil();
}

static void *hammer(void *arg)
{
	struct run *r = arg;
	int i;

	kp_port_cpu = r->cpu;
	for (i = 0; i < NHITS; i++)
		if (kp_vm_run_probe(r->vm, r->proto, NULL))
			r->failures++;
	return NULL;
}

/* Every thread runs proto NHITS times at once; failed runs returned. */
static int run_threads(struct kp_vm *vm, const struct kp_proto *proto)
{
	pthread_t th[NTHREADS];
	struct run r[NTHREADS];
	int i, failures = 0;

	for (i = 0; i < NTHREADS; i++) {
		r[i] = (struct run){ .vm = vm, .proto = proto, .cpu = (u32)i };
		pthread_create(&th[i], NULL, hammer, &r[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		failures += r[i].failures;
	}
	return failures;
}

static s64 entry(struct kp_vm *vm, const char *tab, struct kp_value key)
{
	struct kp_value t = global_of(vm, tab), v = kp_nil();

	if (t.type == KP_TTAB)
		kp_tab_get(&vm->store, t.t, &key, &v);
	return v.type == KP_TNUM ? v.n : -1;
}

static struct kp_value str_key(const char *s)
{
	static struct kp_str *keys[4];
	static int next;
	size_t len = strlen(s);
	struct kp_str *k = calloc(1, sizeof(*k) + len + 1);

	k->len = (u32)len;
	k->home = KP_STR_SCRATCH;
	memcpy(k->data, s, len);
	free(keys[next % 4]);
	keys[next++ % 4] = k;
	return kp_strv(k);
}

static void test_counts(struct kp_vm *vm)
{
	s64 sum = 0;
	int i;

	is_int(run_threads(vm, proto_of(vm, "count")), 0,
	       "%d threads x %d runs of count() at once: none failed",
	       NTHREADS, NHITS);
	is_int(entry(vm, "t", str_key("k")), NTHREADS * NHITS,
	       "t[\"k\"] += 1 lost no update");
	for (i = 0; i < 7; i++)	/* c is 0: all go to t[0] */
		sum += entry(vm, "t", kp_num(i)) > 0 ?
		       entry(vm, "t", kp_num(i)) : 0;
	is_int(sum, 2LL * NTHREADS * NHITS,
	       "t[c %% 7] += 2 over 7 keys sums to 2 x every run");
	is_int(entry(vm, "t", str_key("s")), -(s64)NTHREADS * NHITS,
	       "t.s -= 1 lost no update");
}

/*
 * Strings and tables replaced while other threads read them: nothing is
 * freed early (ASan and TSan builds would see it), and once the script
 * lets go of everything, the store is back to what it held before.
 */
static void test_churn(struct kp_vm *vm)
{
	u64 base_objects, base_bytes;

	kp_vm_run_proc(vm, proto_of(vm, "clear"));
	base_objects = vm->store.live_objects;
	base_bytes = vm->store.live_bytes;
	is_int(run_threads(vm, proto_of(vm, "churn")), 0,
	       "%d threads x %d runs of churn() at once: none failed (%s)",
	       NTHREADS, NHITS, error_text);
	ok(vm->store.live_objects > base_objects,
	   "... and they left strings and tables stored");
	diag("pool: %llu carved, %llu live bytes, %llu objects, %d pending",
	     (unsigned long long)vm->store.top,
	     (unsigned long long)vm->store.live_bytes,
	     (unsigned long long)vm->store.live_objects,
	     kp_atomic_read(&vm->store.pending));
	kp_vm_run_proc(vm, proto_of(vm, "clear"));
	is_int(vm->store.live_objects, base_objects,
	       "after clear() every object retired by any thread is freed");
	is_int(vm->store.live_bytes, base_bytes,
	       "... and the store's bytes in use are back to the baseline");
	is_int(kp_atomic_read(&vm->store.pending), 0,
	       "... and nothing waits to be freed");
}

static void test_guard_and_sleep(struct kp_vm *vm)
{
	u64 dropped = kp_vm_dropped(vm);

	kp_port_cpu = 1;
	is_int(kp_vm_run_probe(vm, talk_proto, NULL), 0,
	       "a probe that prints runs");
	is_int(nested_ret, -EBUSY,
	       "an event on the same CPU while its probe runs is dropped");
	is_int(kp_vm_dropped(vm), dropped + 1, "... and counted");
	is_int(sleep_in_probe, 0, "probe context may not sleep");
	kp_port_cpu = 0;
	kp_vm_run_proc(vm, talk_proto);
	is_int(sleep_in_proc, 1, "the process context may sleep");
}

/* In NMI a taken lock drops the event instead of spinning. */
static void test_nmi(struct kp_vm *vm)
{
	struct kp_value t = global_of(vm, "t");
	u64 dropped = kp_vm_dropped(vm);
	s64 before = entry(vm, "t", str_key("k"));
	unsigned long flags;

	kp_port_cpu = 0;
	kp_lock(&vm->store, &t.t->lock, &flags);	/* "another CPU" */
	kp_port_cpu = 2;
	kp_port_nmi = true;
	is_int(kp_vm_run_probe(vm, proto_of(vm, "count"), NULL), -EBUSY,
	       "in NMI, count() on a locked table is dropped");
	kp_port_nmi = false;
	kp_port_cpu = 0;
	kp_unlock(&vm->store, &t.t->lock, flags);
	is_int(kp_vm_dropped(vm), dropped + 1, "... and counted");
	is_int(entry(vm, "t", str_key("k")), before,
	       "... and changed nothing");
}

int main(void)
{
	/*
	 * Room for what waits while a thread is descheduled in the middle
	 * of a run (more threads than cores): everything retired since it
	 * began.  Only the pages touched are real (an mmap).
	 */
	struct kp_vm_limits lim = {
		.max_insns = 100000, .max_memory = 256 << 20,
		.max_string = 4096, .max_depth = 10, .max_entries = 100000,
	};
	struct kp_vm_host host = { .emit = emit };
	struct kp_chunk_buf chunk;
	char err[256];

	kp_port_ncpus = NTHREADS;
	if (kp_compile("-e", script, strlen(script), stderr, &chunk) ||
	    kp_vm_load(chunk.data, chunk.len, &lim, &host, &the_vm, err,
		       sizeof(err))) {
		ok(false, "the script loads: %s", err);
		return done();
	}
	is_int(kp_vm_run_main(the_vm), 0, "the top level runs");
	is_int(kp_vm_reserve_pool(the_vm), 0,
	       "the pool is mapped before probes run");
	talk_proto = proto_of(the_vm, "talk");
	test_counts(the_vm);
	test_churn(the_vm);
	test_guard_and_sleep(the_vm);
	test_nmi(the_vm);
	kp_vm_free(the_vm);
	kp_chunk_buf_free(&chunk);
	return done();
}
