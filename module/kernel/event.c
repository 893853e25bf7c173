// SPDX-License-Identifier: GPL-2.0
/*
 * Events of a session: checking the descriptors of LOAD, attaching,
 * enabling and quiescing them by kind, and reading one hit's context
 * (probename, argN, $name, argstr...) for the VM's EVGET.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <asm/ptrace.h>
#include "../vm/vm.h"
#include "event.h"

struct kp_event_ops {
	int (*attach)(struct kp_event *ev, char *err, size_t errlen);
	void (*enable)(struct kp_event *ev);
	void (*disable)(struct kp_event *ev);
	void (*detach)(struct kp_event *ev);
};

static const struct kp_event_ops kp_perf_ops = {
	kp_perf_attach, kp_perf_enable, kp_perf_disable, kp_perf_detach,
};

static const struct kp_event_ops kp_kprobe_ops = {
	kp_kprobe_attach, kp_kprobe_enable, kp_kprobe_disable,
	kp_kprobe_detach,
};

static const struct kp_event_ops kp_timer_ops = {
	kp_timer_attach, kp_timer_enable, kp_timer_disable, kp_timer_detach,
};

static const struct kp_event_ops kp_uprobe_ops = {
	kp_uprobe_attach, kp_uprobe_enable, kp_uprobe_disable,
	kp_uprobe_detach,
};

static bool kp_event_is_uprobe(const struct ktap_event *d)
{
	return d->type == KTAP_EVENT_UPROBE || d->type == KTAP_EVENT_URETPROBE;
}

static bool kp_event_is_probe(const struct ktap_event *d)
{
	return d->type == KTAP_EVENT_KPROBE || d->type == KTAP_EVENT_KRETPROBE ||
	       kp_event_is_uprobe(d);
}

static const struct kp_event_ops *kp_event_ops(const struct kp_event *ev)
{
	switch (ev->d.type) {
	case KTAP_EVENT_TRACEPOINT:
		return &kp_perf_ops;
	case KTAP_EVENT_KPROBE:
	case KTAP_EVENT_KRETPROBE:
		return &kp_kprobe_ops;
	case KTAP_EVENT_UPROBE:
	case KTAP_EVENT_URETPROBE:
		return &kp_uprobe_ops;
	default:
		return &kp_timer_ops;
	}
}

/* The fields of a tracepoint: names terminated, layouts sane. */
static int kp_event_check_fields(struct kp_event *ev, char *err,
				 size_t errlen)
{
	const struct ktap_event *d = &ev->d;
	u32 i;

	if (d->nfields > KTAP_FIELDS_MAX || d->first_arg > d->nfields) {
		snprintf(err, errlen, "event %u: %u fields (at most %u), first argument %u",
			 (u32)(ev - ev->set->ev), d->nfields, KTAP_FIELDS_MAX,
			 d->first_arg);
		return -EINVAL;
	}
	for (i = 0; i < d->nfields; i++) {
		const struct ktap_event_field *f = &ev->fields[i];

		if (f->kind < KTAP_FIELD_INT || f->kind > KTAP_FIELD_OTHER ||
		    f->pad[0] || f->pad[1] || f->pad[2] ||
		    !memchr(f->name, '\0', sizeof(f->name)) ||
		    ((f->kind == KTAP_FIELD_INT || f->kind == KTAP_FIELD_UINT) &&
		     f->size != 1 && f->size != 2 && f->size != 4 &&
		     f->size != 8)) {
			snprintf(err, errlen, "event '%s': field %u is malformed",
				 d->name, i);
			return -EINVAL;
		}
	}
	for (i = 0; i < KTAP_FIELD_SLOTS; i++) {
		if (d->slots[i] > (d->nargs ? d->nargs : d->nfields)) {
			snprintf(err, errlen, "event '%s': $name slot %u names field %u of %u",
				 d->name, i, d->slots[i],
				 d->nargs ? d->nargs : d->nfields);
			return -EINVAL;
		}
	}
	for (i = 0; i < d->fmt_nargs; i++) {
		if (d->fmt_args[i] >= d->nfields)
			break;
	}
	if (d->fmt_len > KTAP_ARGSTR_MAX || d->fmt_nargs > KTAP_ARGSTR_ARGS ||
	    i < d->fmt_nargs) {
		snprintf(err, errlen, "event '%s': malformed argstr format",
			 d->name);
		return -EINVAL;
	}
	return 0;
}

/* The argument locations of a probe: known kinds, registers, sizes. */
static int kp_event_check_args(struct kp_event *ev, char *err, size_t errlen)
{
	const struct ktap_event *d = &ev->d;
	u32 i;

	/* args is NULL when kp_event_copy() stopped at another bad count */
	if (d->nargs > KTAP_EVENT_ARGS_MAX || d->nnum > d->nargs || d->pad2 ||
	    (d->nargs && (!kp_event_is_probe(d) || !ev->args))) {
		snprintf(err, errlen, "event '%s': %u argument locations (at most %u, only for probes), %u numbered",
			 d->name, d->nargs, KTAP_EVENT_ARGS_MAX, d->nnum);
		return -EINVAL;
	}
	for (i = 0; i < d->nargs; i++) {
		const struct ktap_event_arg *a = &ev->args[i];
		bool reg_ok = a->base <= KTAP_REG_MAX || a->base == KTAP_REG_NONE;
		bool idx_ok = a->index <= KTAP_REG_MAX || a->index == KTAP_REG_NONE;

		if (a->kind > KTAP_ARG_MEM || a->is_signed > 1 ||
		    a->pad[0] || a->pad[1] || !reg_ok || !idx_ok ||
		    (a->size != 1 && a->size != 2 && a->size != 4 &&
		     a->size != 8) ||
		    (a->kind == KTAP_ARG_REG && a->base == KTAP_REG_NONE) ||
		    (a->index != KTAP_REG_NONE && a->scale != 1 &&
		     a->scale != 2 && a->scale != 4 && a->scale != 8)) {
			snprintf(err, errlen, "event '%s': argument location %u is malformed",
				 d->name, i);
			return -EINVAL;
		}
	}
	return 0;
}

static int kp_event_check(struct kp_event *ev, u32 nprotos, char *err,
			  size_t errlen)
{
	const struct ktap_event *d = &ev->d;
	bool timer = d->type == KTAP_EVENT_TICK || d->type == KTAP_EVENT_PROFILE;

	if (!memchr(d->name, '\0', sizeof(d->name)) || !d->name[0]) {
		snprintf(err, errlen, "event %u: the name is empty or not terminated",
			 (u32)(ev - ev->set->ev));
		return -EINVAL;
	}
	if (d->type < KTAP_EVENT_TRACEPOINT || d->type > KTAP_EVENT_URETPROBE ||
	    d->proto == 0 || d->proto >= nprotos ||
	    (d->flags & ~KTAP_EVENT_F_OPTIONAL)) {
		snprintf(err, errlen, "event '%s': bad type %u, body %u (1..%u) or flags 0x%x",
			 d->name, d->type, d->proto, nprotos - 1, d->flags);
		return -EINVAL;
	}
	if (timer && d->config < KTAP_TIMER_MIN_NS) {
		snprintf(err, errlen, "event '%s': period %llu ns is below the minimum %u ns",
			 d->name, (unsigned long long)d->config,
			 KTAP_TIMER_MIN_NS);
		return -EINVAL;
	}
	if (d->type != KTAP_EVENT_TRACEPOINT && (d->nfields || d->fmt_len)) {
		snprintf(err, errlen, "event '%s': only tracepoints have fields",
			 d->name);
		return -EINVAL;
	}
	if (kp_event_is_uprobe(d) != !!ev->path ||
	    (d->ref_ctr_offset && !kp_event_is_uprobe(d))) {
		snprintf(err, errlen, "event '%s': a path and a semaphore belong to uprobes, and every uprobe needs a path",
			 d->name);
		return -EINVAL;
	}
	return kp_event_check_args(ev, err, errlen) ?:
	       kp_event_check_fields(ev, err, errlen);
}

/* The descriptor size of ABI 1.8, before ktap_load had event_size. */
#define KP_EVENT_SIZE_1_8	offsetof(struct ktap_event, path)

/* Copy descriptor i (esize bytes) and what it points to from user space. */
static int kp_event_copy(struct kp_event *ev, const void __user *u,
			 u32 esize, char *err, size_t errlen)
{
	int ret = copy_struct_from_user(&ev->d, sizeof(ev->d), u, esize);

	if (ret == -E2BIG) {
		snprintf(err, errlen, "event descriptor %u uses fields this module (ABI %u.%u) does not know",
			 (u32)(ev - ev->set->ev), KTAP_ABI_MAJOR,
			 KTAP_ABI_MINOR);
		return ret;
	}
	if (ret)
		goto fault;
	if (ev->d.nfields > KTAP_FIELDS_MAX || ev->d.fmt_len > KTAP_ARGSTR_MAX ||
	    ev->d.nargs > KTAP_EVENT_ARGS_MAX)
		return 0;	/* kp_event_check() says what is wrong */
	if (ev->d.nargs) {
		ev->args = memdup_user(u64_to_user_ptr(ev->d.args),
				       sizeof(*ev->args) * ev->d.nargs);
		if (IS_ERR(ev->args)) {
			ev->args = NULL;
			goto fault;
		}
	}
	if (ev->d.path) {
		ev->path = strndup_user(u64_to_user_ptr(ev->d.path),
					KTAP_PATH_MAX);
		if (IS_ERR(ev->path)) {
			ret = PTR_ERR(ev->path);
			ev->path = NULL;
			if (ret == -EINVAL) {
				snprintf(err, errlen, "event '%.*s': the path is longer than %u bytes",
					 (int)sizeof(ev->d.name), ev->d.name,
					 KTAP_PATH_MAX);
				return ret;
			}
			goto fault;
		}
	}
	if (ev->d.nfields) {
		ev->fields = memdup_user(u64_to_user_ptr(ev->d.fields),
					 sizeof(*ev->fields) * ev->d.nfields);
		if (IS_ERR(ev->fields)) {
			ev->fields = NULL;
			goto fault;
		}
	}
	if (ev->d.fmt_len) {
		ev->fmt = memdup_user(u64_to_user_ptr(ev->d.fmt),
				      ev->d.fmt_len);
		if (IS_ERR(ev->fmt)) {
			ev->fmt = NULL;
			goto fault;
		}
	}
	return 0;
fault:
	snprintf(err, errlen, "cannot read event descriptor %u from user memory",
		 (u32)(ev - ev->set->ev));
	return -EFAULT;
}

int kp_events_load(struct kp_events *set, const struct ktap_load *req,
		   u32 nprotos, char *err, size_t errlen)
{
	const char __user *u = u64_to_user_ptr(req->events);
	u32 i, attached, esize = req->event_size ?: KP_EVENT_SIZE_1_8;
	int ret;

	set->cpu = req->cpu;
	set->tgid = req->pid;
	set->owner = current->tgid;
	if (esize < KP_EVENT_SIZE_1_8 || esize > PAGE_SIZE || req->pad) {
		snprintf(err, errlen, "event descriptors of %u bytes (at least %zu), pad %u",
			 esize, KP_EVENT_SIZE_1_8, req->pad);
		return -EINVAL;
	}
	atomic_set(&set->state, KP_EVENTS_IDLE);
	if (req->nevents > KTAP_EVENTS_MAX || req->pid < 0 || req->cpu < -1 ||
	    (req->cpu >= 0 && (req->cpu >= nr_cpu_ids || !cpu_online(req->cpu)))) {
		snprintf(err, errlen, "%u events (at most %u), cpu %d or pid %d is not valid",
			 req->nevents, KTAP_EVENTS_MAX, req->cpu, req->pid);
		return -EINVAL;
	}
	if (!req->nevents)
		return 0;
	set->ev = kvcalloc(req->nevents, sizeof(*set->ev), GFP_KERNEL);
	if (!set->ev)
		return -ENOMEM;
	set->n = req->nevents;
	for (i = 0; i < set->n; i++)
		set->ev[i].set = set;
	for (i = 0; i < set->n; i++) {
		ret = kp_event_copy(&set->ev[i], u + (size_t)i * esize, esize,
				    err, errlen);
		if (!ret)
			ret = kp_event_check(&set->ev[i], nprotos, err, errlen);
		if (ret)
			return ret;
	}
	for (i = 0, attached = 0; i < set->n; i++) {
		struct kp_event *ev = &set->ev[i];

		ret = kp_event_ops(ev)->attach(ev, err, errlen);
		if (ret && !(ev->d.flags & KTAP_EVENT_F_OPTIONAL))
			return ret;
		if (!ret) {
			ev->attached = true;
			attached++;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	/* err holds why the last one was refused */
	return attached ? 0 : ret;
}

void kp_events_enable(struct kp_events *set)
{
	u32 i;

	atomic_set(&set->state, KP_EVENTS_LIVE);
	for (i = 0; i < set->n; i++) {
		if (set->ev[i].attached)
			kp_event_ops(&set->ev[i])->enable(&set->ev[i]);
	}
}

void kp_events_quiesce(struct kp_events *set)
{
	u32 i;

	if (atomic_xchg(&set->state, KP_EVENTS_STOPPING) == KP_EVENTS_IDLE &&
	    !set->n)
		return;
	for (i = 0; i < set->n; i++) {
		if (set->ev[i].attached)
			kp_event_ops(&set->ev[i])->disable(&set->ev[i]);
	}
	/*
	 * Every handler runs with preemption disabled, so once a grace
	 * period has passed none is still inside the VM.
	 */
	synchronize_rcu();
}

void kp_events_free(struct kp_events *set)
{
	bool uprobes = false;
	u32 i;

	kp_events_quiesce(set);
	for (i = 0; i < set->n; i++) {
		struct kp_event *ev = &set->ev[i];

		if (ev->attached) {
			kp_event_ops(ev)->detach(ev);
			uprobes |= kp_event_is_uprobe(&ev->d);
		}
		cond_resched();
	}
	if (uprobes)
		kp_uprobe_release(set->ev, set->n);
	for (i = 0; i < set->n; i++) {
		struct kp_event *ev = &set->ev[i];

		kfree(ev->fields);
		kfree(ev->fmt);
		kfree(ev->args);
		kfree(ev->path);
	}
	kvfree(set->ev);
	set->ev = NULL;
	set->n = 0;
}

bool kp_event_wanted(const struct kp_event *ev, bool filter_task)
{
	const struct kp_events *set = ev->set;

	if (atomic_read(&set->state) != KP_EVENTS_LIVE)
		return false;
	if (set->cpu >= 0 && set->cpu != raw_smp_processor_id())
		return false;
	return !filter_task || !set->tgid || current->tgid == set->tgid;
}

/* ---- the context of a hit ---------------------------------------------- */

static void kp_event_str(struct kp_exec *x, const char *s, size_t len,
			 struct kp_value *out)
{
	struct kp_str *str = kp_vm_scratch_str(x, s, len);

	if (str)
		*out = kp_strv(str);
}

/* Field i of a tracepoint record, checked against the record's size. */
static void kp_event_field(struct kp_exec *x, const struct kp_evctx *c, u32 i,
			   struct kp_value *out)
{
	const struct ktap_event_field *f = &c->ev->fields[i];
	const char *p = (const char *)c->raw + f->offset;
	u64 u = 0;
	u32 loc;

	if ((u32)f->offset + f->size > c->raw_size)
		return;
	switch (f->kind) {
	case KTAP_FIELD_INT:
	case KTAP_FIELD_UINT:
		memcpy(&u, p, f->size);	/* little-endian: low bytes first */
		if (f->kind == KTAP_FIELD_INT && f->size < 8)
			u = (u64)((s64)(u << (64 - 8 * f->size)) >>
				  (64 - 8 * f->size));
		*out = kp_num((s64)u);
		return;
	case KTAP_FIELD_CHARS:
		kp_event_str(x, p, strnlen(p, f->size), out);
		return;
	case KTAP_FIELD_DATA_LOC:
		if (f->size != 4)
			return;
		memcpy(&loc, p, 4);	/* offset in the low half, length high */
		if ((loc & 0xffff) + (loc >> 16) > c->raw_size)
			return;
		p = (const char *)c->raw + (loc & 0xffff);
		kp_event_str(x, p, strnlen(p, loc >> 16), out);
		return;
	default:
		return;
	}
}

/* argstr: the event's format over its fields. */
static void kp_event_argstr(struct kp_exec *x, const struct kp_evctx *c,
			    struct kp_value *out)
{
	const struct ktap_event *d = &c->ev->d;
	struct kp_value args[KTAP_ARGSTR_ARGS];
	struct kp_str *s;
	u32 i;

	if (!d->fmt_len || !c->raw)
		return;
	for (i = 0; i < d->fmt_nargs; i++) {
		args[i] = kp_nil();
		kp_event_field(x, c, d->fmt_args[i], &args[i]);
	}
	s = kp_vm_scratch_format(x, c->ev->fmt, d->fmt_len, args,
				 d->fmt_nargs);
	if (s)
		*out = kp_strv(s);
}

static bool kp_event_is_return(const struct ktap_event *d)
{
	return d->type == KTAP_EVENT_KRETPROBE || d->type == KTAP_EVENT_URETPROBE;
}

static void kp_event_loc(const struct kp_evctx *c, u32 i, struct kp_value *out)
{
	u64 v;

	if (i < c->ev->d.nargs && kp_event_loc_read(&c->ev->args[i], c, &v))
		*out = kp_num((s64)v);
}

/*
 * argN of a probe: the address, then the argument locations user space
 * sent (an SDT marker's), else the arguments by calling convention.
 */
static void kp_event_probe_arg(const struct kp_evctx *c, u32 n,
			       struct kp_value *out)
{
	const struct ktap_event *d = &c->ev->d;
	u64 v;

	if (!c->regs)
		return;
	if (n == 0)
		*out = kp_num((s64)c->ip);
	else if (d->nnum)
		kp_event_loc(c, n <= d->nnum ? n - 1 : d->nargs, out);
	else if (kp_event_is_return(d))
		*out = n == 1 ? kp_num((s64)regs_return_value(c->regs)) : *out;
	else if (kp_event_is_uprobe(d))
		*out = kp_event_user_arg(c, n, &v) ? kp_num((s64)v) : *out;
	else
		*out = kp_num((s64)regs_get_kernel_argument(c->regs, n - 1));
}

static void kp_event_arg(struct kp_exec *x, const struct kp_evctx *c, u32 n,
			 struct kp_value *out)
{
	const struct ktap_event *d = &c->ev->d;

	if (n > KTAP_EVCTX_MAX_ARG)
		return;
	if (d->type == KTAP_EVENT_TRACEPOINT) {
		if ((u32)d->first_arg + n < d->nfields)
			kp_event_field(x, c, d->first_arg + n, out);
		return;
	}
	kp_event_probe_arg(c, n, out);
}

/* Items that need no event: the current task and CPU. */
static bool kp_event_task_item(struct kp_exec *x, u32 item,
			       struct kp_value *out)
{
	char comm[TASK_COMM_LEN];

	switch (item) {
	case KTAP_EVCTX_CPU:
		*out = kp_num(raw_smp_processor_id());
		return true;
	case KTAP_EVCTX_PID:
		*out = kp_num(task_tgid_nr(current));
		return true;
	case KTAP_EVCTX_TID:
		*out = kp_num(task_pid_nr(current));
		return true;
	case KTAP_EVCTX_UID:
		*out = kp_num(from_kuid_munged(&init_user_ns, current_uid()));
		return true;
	case KTAP_EVCTX_EXECNAME:
		/* comm may change under us: take a terminated copy */
		memcpy(comm, current->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = '\0';
		kp_event_str(x, comm, strlen(comm), out);
		return true;
	default:
		return false;
	}
}

void kp_event_get(struct kp_exec *x, u32 item, u32 index,
		  struct kp_value *out)
{
	const struct kp_evctx *c = x->event;

	if (kp_event_task_item(x, item, out) || !c)
		return;
	switch (item) {
	case KTAP_EVCTX_PROBENAME:
		kp_event_str(x, c->ev->d.name, strlen(c->ev->d.name), out);
		break;
	case KTAP_EVCTX_ARGSTR:
		kp_event_argstr(x, c, out);
		break;
	case KTAP_EVCTX_ARG:
		kp_event_arg(x, c, index, out);
		break;
	case KTAP_EVCTX_FIELD:
		if (index >= KTAP_FIELD_SLOTS || !c->ev->d.slots[index])
			break;
		if (c->ev->d.nargs)
			kp_event_loc(c, c->ev->d.slots[index] - 1, out);
		else if (c->raw)
			kp_event_field(x, c, c->ev->d.slots[index] - 1, out);
		break;
	case KTAP_EVCTX_RETVAL:
		if (kp_event_is_return(&c->ev->d) && c->regs)
			*out = kp_num((s64)regs_return_value(c->regs));
		break;
	}
}
