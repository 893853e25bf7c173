// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - the tracing-block pass (probes.h).  $name slots are
 * numbered over the whole script, so one EVGET works for every event a
 * glob matched: each event's descriptor maps the slot to its own field,
 * or to none (the value is then nil).  A $name that no event of its
 * block has is a compile error listing the fields there are, except in
 * a probe alias's prologue, which may name fields of other kernels.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes.h"

struct probes_walk {
	struct kp_probes *p;
	struct kp_diag *diag;
	struct kp_ast_node *probe;	/* the trace block walked, or NULL */
	unsigned first, last;		/* its events */
};

static void walk(struct probes_walk *w, struct kp_ast_node *n);

static void walk_list(struct probes_walk *w, struct kp_ast_node *n)
{
	for (; n; n = n->next)
		walk(w, n);
}

static unsigned slot_of(struct probes_walk *w, const char *name,
			struct kp_pos pos)
{
	struct kp_probes *p = w->p;
	unsigned i;

	for (i = 0; i < p->nslots; i++)
		if (!strcmp(p->slot_names[i], name))
			return i;
	if (p->nslots == KTAP_FIELD_SLOTS) {
		kp_diag_error(w->diag, pos, KP_MSG_TOO_MANY_FIELDS,
			      KTAP_FIELD_SLOTS);
		return 0;
	}
	p->slot_names[p->nslots] = name;
	return p->nslots++;
}

/*
 * Whose $names are parameters from DWARF: kprobes, and uprobes on a
 * function (an SDT marker, "provider:name", has its note's arguments).
 */
static bool dwarf_probe(const struct ktap_event *ev)
{
	switch (ev->type) {
	case KTAP_EVENT_KPROBE:
	case KTAP_EVENT_KRETPROBE:
		return true;
	case KTAP_EVENT_UPROBE:
	case KTAP_EVENT_URETPROBE:
		return !ev->nnum && !strchr(ev->name, ':');
	default:
		return false;
	}
}

static bool is_return(const struct ktap_event *ev)
{
	return ev->type == KTAP_EVENT_KRETPROBE ||
	       ev->type == KTAP_EVENT_URETPROBE;
}

/*
 * The args[] index of $name in a probe: the parameter from DWARF, added
 * to the event the first time.  -2: no such parameter (names says
 * which there are); -3: $retval without debug info; -1: reported.
 */
static int probe_field(struct probes_walk *w, struct kp_ast_node *n,
		       struct ktap_event *ev, unsigned slot, char *names,
		       size_t size)
{
	char err[1536];
	int f;

	if (ev->slots[slot])
		return ev->slots[slot] - 1;
	f = kp_event_probe_field(ev, n->u.ev.field, names, size, err,
				 sizeof(err));
	if (f == -1)
		kp_diag_error(w->diag, n->pos, KP_MSG_PROBE_FIELD,
			      n->u.ev.field, ev->name, err);
	return f;
}

/*
 * $retval where every event is a return probe: typed by DWARF when each
 * function has debug info, else the built-in retval (the whole register).
 */
static void retval(struct probes_walk *w, struct kp_ast_node *n)
{
	struct ktap_event *ev = w->p->events.ev;
	unsigned slot = slot_of(w, n->u.ev.field, n->pos), i;
	bool untyped = false;
	char names[8];
	int f;

	for (i = w->first; i < w->last; i++) {
		f = dwarf_probe(&ev[i]) ?
			probe_field(w, n, &ev[i], slot, names, sizeof(names)) : -3;
		if (f == -1)
			return;	/* reported */
		if (f < 0)
			untyped = true;
		else
			ev[i].slots[slot] = (unsigned char)(f + 1);
	}
	n->u.ev.index = slot;
	if (untyped) {
		n->u.ev.item = KTAP_EVCTX_RETVAL;
		n->u.ev.index = 0;
		n->u.ev.field = NULL;
	}
}

/* $name: give it a slot and map the slot in each event of the block. */
static void field(struct probes_walk *w, struct kp_ast_node *n)
{
	struct ktap_event *ev = w->p->events.ev;
	unsigned slot, i, found = 0;
	char names[1024] = "";
	int f;

	if (!w->probe) {
		kp_diag_error(w->diag, n->pos, KP_MSG_FIELD_OUTSIDE,
			      n->u.ev.field);
		return;
	}
	for (i = w->first; i < w->last && is_return(&ev[i]); i++)
		;
	if (!strcmp(n->u.ev.field, "retval") && w->first < w->last &&
	    i == w->last) {
		retval(w, n);
		return;
	}
	slot = slot_of(w, n->u.ev.field, n->pos);
	n->u.ev.index = slot;
	for (i = w->first; i < w->last; i++) {
		if (dwarf_probe(&ev[i]))
			f = probe_field(w, n, &ev[i], slot, names,
					sizeof(names));
		else
			f = kp_event_field_index(&ev[i], n->u.ev.field);
		if (f == -1 && dwarf_probe(&ev[i]))
			return;	/* reported */
		if (f >= 0) {
			ev[i].slots[slot] = (unsigned char)(f + 1);
			found++;
		}
	}
	if (found || w->first == w->last || n->u.ev.optional)
		return;
	if (dwarf_probe(&ev[w->first])) {
		kp_diag_error(w->diag, n->pos, KP_MSG_PARAM_UNKNOWN,
			      w->probe->u.probe.spec, n->u.ev.field, names);
		return;
	}
	kp_event_field_names(&ev[w->first], names, sizeof(names));
	kp_diag_error(w->diag, n->pos, KP_MSG_FIELD_UNKNOWN,
		      w->probe->u.probe.spec, n->u.ev.field, names);
}

static void walk_expr(struct probes_walk *w, struct kp_ast_node *n)
{
	switch (n->kind) {
	case KP_AST_EVCTX:
		if (n->u.ev.field)
			field(w, n);
		break;
	case KP_AST_BINARY:
		walk(w, n->u.bin.l);
		walk(w, n->u.bin.r);
		break;
	case KP_AST_UNARY:
		walk(w, n->u.un.e);
		break;
	case KP_AST_CALL:
		walk(w, n->u.call.fn);
		walk_list(w, n->u.call.args);
		break;
	case KP_AST_FUNCTION:
		walk(w, n->u.func.body);
		break;
	case KP_AST_INDEX:
		walk(w, n->u.index.obj);
		walk(w, n->u.index.key);
		break;
	case KP_AST_TABLE:
		walk_list(w, n->u.table.fields);
		break;
	default:	/* literals and names */
		break;
	}
}

static void walk_loop(struct probes_walk *w, struct kp_ast_node *n)
{
	switch (n->kind) {
	case KP_AST_NUMFOR:
		walk(w, n->u.numfor.first);
		walk(w, n->u.numfor.last);
		walk(w, n->u.numfor.step);
		walk(w, n->u.numfor.body);
		break;
	case KP_AST_CFOR:
		walk(w, n->u.cfor.init);
		walk(w, n->u.cfor.cond);
		walk(w, n->u.cfor.post);
		walk(w, n->u.cfor.body);
		break;
	case KP_AST_FORIN:
		walk(w, n->u.forin.iter);
		walk(w, n->u.forin.body);
		break;
	default:	/* ARM, WHILE, REPEAT */
		walk(w, n->u.loop.cond);
		walk(w, n->u.loop.body);
		break;
	}
}

static void walk(struct probes_walk *w, struct kp_ast_node *n)
{
	if (!n)
		return;
	if (kp_ast_is_expr(n)) {
		walk_expr(w, n);
		return;
	}
	switch (n->kind) {
	case KP_AST_BLOCK:
		walk_list(w, n->u.block.stmts);
		break;
	case KP_AST_EXPR_STMT:
	case KP_AST_RETURN:
		walk(w, n->u.expr.e);
		break;
	case KP_AST_VAR:
	case KP_AST_ASSIGN:
		walk_list(w, n->u.assign.targets);
		walk_list(w, n->u.assign.values);
		break;
	case KP_AST_COMPOUND:
	case KP_AST_INCDEC:
	case KP_AST_AGGREGATE:
		walk(w, n->u.compound.target);
		walk(w, n->u.compound.value);
		break;
	case KP_AST_IF:
		walk_list(w, n->u.if_.arms);
		walk(w, n->u.if_.els);
		break;
	case KP_AST_FIELD:
		walk(w, n->u.field.key);
		walk(w, n->u.field.value);
		break;
	case KP_AST_PROBE:
		walk(w, n->u.probe.fn);
		break;
	case KP_AST_ARM:
	case KP_AST_WHILE:
	case KP_AST_REPEAT:
	case KP_AST_NUMFOR:
	case KP_AST_CFOR:
	case KP_AST_FORIN:
		walk_loop(w, n);
		break;
	default:	/* break, continue */
		break;
	}
}

/* Resolve one block's events; `name` is what probename gives timers. */
static int add_events(struct kp_probes *p, struct kp_ast_node *n,
		      char *err, size_t errlen)
{
	static const char *const timer_names[] = { "tick", "profile" };
	char name[KTAP_EVENT_NAME_MAX];

	struct kp_ast_node *e;

	/* an expanded probe alias: the events it chose on this kernel */
	for (e = n->u.probe.events; e; e = e->next)
		if (kp_events_add(&p->events, e->u.str.s, err, errlen))
			return -1;
	if (n->u.probe.events)
		return 0;
	if (n->u.probe.kind == KP_PROBE_TRACE)
		return kp_events_add(&p->events, n->u.probe.spec, err, errlen);
	snprintf(name, sizeof(name), "%s%s",
		 timer_names[n->u.probe.kind == KP_PROBE_PROFILE],
		 n->u.probe.spec);
	return kp_events_add_timer(&p->events, name,
				   n->u.probe.kind == KP_PROBE_TICK ?
				   KTAP_EVENT_TICK : KTAP_EVENT_PROFILE,
				   n->u.probe.period_ns, err, errlen);
}

static void resolve_probe(struct probes_walk *w, struct kp_ast_node *n)
{
	struct kp_probes *p = w->p;
	char err[1024];
	unsigned i;

	if (n->u.probe.kind == KP_PROBE_END) {
		if (p->end)
			kp_diag_error(w->diag, n->pos, KP_MSG_DUP_TRACE_END);
		p->end = n;
		w->probe = NULL;	/* not an event: $name has no meaning */
		walk(w, n->u.probe.fn);
		return;
	}
	w->first = p->events.n;
	if (add_events(p, n, err, sizeof(err)))
		kp_diag_error(w->diag, n->pos, KP_MSG_EVENT, err);
	w->last = p->events.n;
	p->owner = kp_diag_xrealloc(p->owner, (p->events.n + 1) *
				    sizeof(*p->owner));
	for (i = w->first; i < w->last; i++)
		p->owner[i] = n;
	w->probe = n;
	walk(w, n->u.probe.fn);
}

int kp_probes_resolve(struct kp_ast_node *chunk, struct kp_diag *diag,
		      struct kp_probes *out)
{
	struct probes_walk w = { out, diag, NULL, 0, 0 };
	unsigned errors = diag->nerrors;
	struct kp_ast_node *s;

	memset(out, 0, sizeof(*out));
	for (s = chunk->u.block.stmts; s; s = s->next) {
		w.probe = NULL;
		if (s->kind == KP_AST_PROBE)
			resolve_probe(&w, s);
		else
			walk(&w, s);
	}
	return diag->nerrors > errors ? -1 : 0;
}

unsigned kp_probes_finish(struct kp_probes *p)
{
	unsigned i;

	for (i = 0; i < p->events.n; i++)
		p->events.ev[i].proto = p->owner[i]->u.probe.proto;
	return p->end ? p->end->u.probe.proto : 0;
}

void kp_probes_free(struct kp_probes *p)
{
	kp_event_list_free(&p->events);
	free(p->owner);
	p->owner = NULL;
}
