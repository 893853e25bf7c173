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

static const struct kp_event_ops *kp_event_ops(const struct kp_event *ev)
{
	switch (ev->d.type) {
	case KTAP_EVENT_TRACEPOINT:
		return &kp_perf_ops;
	case KTAP_EVENT_KPROBE:
	case KTAP_EVENT_KRETPROBE:
		return &kp_kprobe_ops;
	default:
		return &kp_timer_ops;
	}
}

/*
 * Tracepoints read their records, probes their registers: a register
 * field is a whole, aligned pt_regs slot of a kprobe.
 */
static int kp_event_check_kind(const struct ktap_event *d,
			       const struct ktap_event_field *f)
{
	bool reg = f->kind == KTAP_FIELD_REG || f->kind == KTAP_FIELD_UREG;

	if (d->type == KTAP_EVENT_TRACEPOINT)
		return f->kind < KTAP_FIELD_INT || f->kind > KTAP_FIELD_OTHER;
	if (d->type != KTAP_EVENT_KPROBE && d->type != KTAP_EVENT_KRETPROBE)
		return -EINVAL;
	if (!reg || f->offset % sizeof(unsigned long) ||
	    f->offset > MAX_REG_OFFSET)
		return -EINVAL;
	return f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8;
}

/* The fields of an event: names terminated, layouts sane. */
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

		if (kp_event_check_kind(d, f) ||
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
		if (d->slots[i] > d->nfields) {
			snprintf(err, errlen, "event '%s': $name slot %u names field %u of %u",
				 d->name, i, d->slots[i], d->nfields);
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
	if (d->type < KTAP_EVENT_TRACEPOINT || d->type > KTAP_EVENT_PROFILE ||
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
	if (d->type != KTAP_EVENT_TRACEPOINT &&
	    (d->fmt_len || d->first_arg ||
	     (d->nfields && d->type != KTAP_EVENT_KPROBE &&
	      d->type != KTAP_EVENT_KRETPROBE))) {
		snprintf(err, errlen, "event '%s': only tracepoints have an argstr format, only tracepoints and probes fields",
			 d->name);
		return -EINVAL;
	}
	return kp_event_check_fields(ev, err, errlen);
}

/* Copy descriptor i and what it points to from user space. */
static int kp_event_copy(struct kp_event *ev, const struct ktap_event __user *u,
			 char *err, size_t errlen)
{
	if (copy_from_user(&ev->d, u, sizeof(ev->d)))
		goto fault;
	if (ev->d.nfields > KTAP_FIELDS_MAX || ev->d.fmt_len > KTAP_ARGSTR_MAX)
		return 0;	/* kp_event_check() says what is wrong */
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
	const struct ktap_event __user *u = u64_to_user_ptr(req->events);
	u32 i, attached;
	int ret;

	set->cpu = req->cpu;
	set->tgid = req->pid;
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
		ret = kp_event_copy(&set->ev[i], u + i, err, errlen);
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
	u32 i;

	kp_events_quiesce(set);
	for (i = 0; i < set->n; i++) {
		struct kp_event *ev = &set->ev[i];

		if (ev->attached)
			kp_event_ops(ev)->detach(ev);
		kfree(ev->fields);
		kfree(ev->fmt);
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

/* The low size bytes of u, sign-extended when the field is signed. */
static s64 kp_event_extend(u64 u, u32 size, bool is_signed)
{
	if (size >= 8)
		return (s64)u;
	u &= (1ULL << (8 * size)) - 1;
	if (is_signed)
		return (s64)(u << (64 - 8 * size)) >> (64 - 8 * size);
	return (s64)u;
}

/* A register field of a probe: kp_event_check_kind() bounded offset. */
static void kp_event_reg(const struct kp_evctx *c,
			 const struct ktap_event_field *f, struct kp_value *out)
{
	if (!c->regs)
		return;
	*out = kp_num(kp_event_extend(regs_get_register(c->regs, f->offset),
				      f->size, f->kind == KTAP_FIELD_REG));
}

/*
 * Field i of a hit: a register of a probe, or a slice of a tracepoint
 * record checked against the record's size.
 */
static void kp_event_field(struct kp_exec *x, const struct kp_evctx *c, u32 i,
			   struct kp_value *out)
{
	const struct ktap_event_field *f = &c->ev->fields[i];
	const char *p;
	u64 u = 0;
	u32 loc;

	if (f->kind == KTAP_FIELD_REG || f->kind == KTAP_FIELD_UREG) {
		kp_event_reg(c, f, out);
		return;
	}
	if (!c->raw || (u32)f->offset + f->size > c->raw_size)
		return;
	p = (const char *)c->raw + f->offset;
	switch (f->kind) {
	case KTAP_FIELD_INT:
	case KTAP_FIELD_UINT:
		memcpy(&u, p, f->size);	/* little-endian: low bytes first */
		*out = kp_num(kp_event_extend(u, f->size,
					      f->kind == KTAP_FIELD_INT));
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

/* argN of a kprobe: the address, then arguments by calling convention. */
static void kp_event_probe_arg(const struct kp_evctx *c, u32 n,
			       struct kp_value *out)
{
	if (!c->regs)
		return;
	if (n == 0)
		*out = kp_num((s64)c->ip);
	else if (c->ev->d.type == KTAP_EVENT_KRETPROBE)
		*out = n == 1 ? kp_num((s64)regs_return_value(c->regs)) : *out;
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
		if (index < KTAP_FIELD_SLOTS && c->ev->d.slots[index])
			kp_event_field(x, c, c->ev->d.slots[index] - 1, out);
		break;
	case KTAP_EVCTX_RETVAL:
		if (c->ev->d.type == KTAP_EVENT_KRETPROBE && c->regs)
			*out = kp_num((s64)regs_return_value(c->regs));
		break;
	}
}
