/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session's events: the descriptors LOAD hands over (uapi/ktap.h
 * struct ktap_event), what attaching each one owns, and one hit of one
 * of them as the VM sees it through EVGET.
 */
#ifndef KP_EVENT_H
#define KP_EVENT_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kprobes.h>
#include <linux/path.h>
#include <linux/perf_event.h>
#include "../uapi/ktap.h"
#include "compat_uprobe.h"

struct kp_vm;
struct kp_exec;
struct kp_value;
struct kp_events;

/* A timer of a tick or profile event, one per CPU it runs on. */
struct kp_timer {
	struct hrtimer hrtimer;
	struct kp_event *ev;
	bool started;
};

struct kp_event {
	struct ktap_event d;		/* as LOAD gave it, checked */
	struct ktap_event_field *fields;	/* d.nfields of them */
	char *fmt;			/* argstr's format, d.fmt_len bytes */
	struct ktap_event_arg *args;	/* d.nargs of them */
	char *path;			/* uprobes: the ELF file */
	struct kp_events *set;
	bool attached;			/* registered or created */
	union {
		struct {		/* tracepoints: counters per CPU or task */
			struct perf_event **perf;
			u32 nperf;
		};
		struct kprobe kprobe;
		struct kretprobe kretprobe;
		struct {		/* tick: timers[0]; profile: per CPU */
			struct kp_timer *timers;
			u32 ntimers;
		};
		struct {		/* uprobes: the file is held while attached */
			struct uprobe_consumer uc;
			struct kp_uprobe_handle handle;
			struct path path;
		} uprobe;
	};
};

/* One hit: what EVGET reads.  Lives on the stack of the handler. */
struct kp_evctx {
	const struct kp_event *ev;
	const void *raw;		/* tracepoint record */
	u32 raw_size;
	struct pt_regs *regs;		/* probes: the interrupted code */
	unsigned long ip;		/* probes: the probed address */
};

enum kp_events_state {
	KP_EVENTS_IDLE,			/* attached, disabled */
	KP_EVENTS_LIVE,			/* hits run the VM */
	KP_EVENTS_STOPPING,		/* hits are dropped */
};

/*
 * fire() runs a body for a hit (the session's); it is called in any
 * context, NMI included, with the set live.
 */
struct kp_events {
	struct kp_event *ev;
	u32 n;
	int cpu;			/* -C, or -1 */
	pid_t tgid;			/* -p / -- cmd, or 0 */
	pid_t owner;			/* the process that loaded the set */
	atomic_t state;			/* enum kp_events_state */
	atomic64_t dropped;		/* hits not run (the VM counts its own) */
	void (*fire)(struct kp_events *set, const struct kp_evctx *ctx);
};

/*
 * Copy and check the descriptors of a LOAD, then attach them disabled.
 * nprotos bounds the body indices.  On failure a message is in err.
 */
int kp_events_load(struct kp_events *set, const struct ktap_load *req,
		   u32 nprotos, char *err, size_t errlen);
void kp_events_enable(struct kp_events *set);
/* Stop hits and wait until none runs any more (process context). */
void kp_events_quiesce(struct kp_events *set);
void kp_events_free(struct kp_events *set);

/* Whether a hit of ev on this CPU and task should run (-C, -p). */
bool kp_event_wanted(const struct kp_event *ev, bool filter_task);

/* The VM host's event_get hook (struct kp_vm_host). */
void kp_event_get(struct kp_exec *x, u32 item, u32 index,
		  struct kp_value *out);

/* Per kind: attach disabled, enable, disable, detach (event_*.c). */
int kp_perf_attach(struct kp_event *ev, char *err, size_t errlen);
void kp_perf_enable(struct kp_event *ev);
void kp_perf_disable(struct kp_event *ev);
void kp_perf_detach(struct kp_event *ev);

int kp_kprobe_attach(struct kp_event *ev, char *err, size_t errlen);
void kp_kprobe_enable(struct kp_event *ev);
void kp_kprobe_disable(struct kp_event *ev);
void kp_kprobe_detach(struct kp_event *ev);

int kp_uprobe_attach(struct kp_event *ev, char *err, size_t errlen);
void kp_uprobe_enable(struct kp_event *ev);
void kp_uprobe_disable(struct kp_event *ev);
void kp_uprobe_detach(struct kp_event *ev);
/* Once all are detached: wait for their handlers, then release ev[0..n). */
void kp_uprobe_release(struct kp_event *ev, u32 n);

/*
 * An argument location (struct ktap_event_arg) at a hit: false when it
 * cannot be read (no such register here, unreadable memory).  Memory is
 * user memory for uprobes, kernel memory for kprobes.
 */
bool kp_event_loc_read(const struct ktap_event_arg *a,
		       const struct kp_evctx *c, u64 *val);
/* argN (N >= 1) of a uprobe hit by the calling convention. */
bool kp_event_user_arg(const struct kp_evctx *c, u32 n, u64 *val);

int kp_timer_attach(struct kp_event *ev, char *err, size_t errlen);
void kp_timer_enable(struct kp_event *ev);
void kp_timer_disable(struct kp_event *ev);
void kp_timer_detach(struct kp_event *ev);

#endif /* KP_EVENT_H */
