/* SPDX-License-Identifier: GPL-2.0 */
/*
 * events.h - event discovery: tracepoints from tracefs (ids, field
 * layouts, argstr formats) and kernel functions from /proc/kallsyms
 * (user-space ones come from uevents.h), turned into the descriptors of
 * uapi/ktap.h.
 */
#ifndef KP_EVENTS_H
#define KP_EVENTS_H

#include <stddef.h>

#include "uapi/ktap.h"

/*
 * A growing array of descriptors; each owns its fields and format
 * (their addresses are in the descriptor, as the ABI wants).
 */
struct kp_event_list {
	struct ktap_event *ev;
	unsigned n, cap;
};

/*
 * Append the events that `spec` (an EVENTDEF of LANGUAGE.md without a
 * filter) matches.  Returns 0, or -1 with a message in err (a spec that
 * matches nothing is an error naming it).
 */
int kp_events_add(struct kp_event_list *list, const char *spec, char *err,
		  size_t errlen);

/* Append a tick or profile timer of period_ns called `name`. */
int kp_events_add_timer(struct kp_event_list *list, const char *name,
			unsigned type, unsigned long long period_ns, char *err,
			size_t errlen);

/* Index of the field called name in ev, or -1. */
int kp_event_field_index(const struct ktap_event *ev, const char *name);

/* The names of ev's fields, comma-separated, into buf. */
void kp_event_field_names(const struct ktap_event *ev, char *buf,
			  size_t size);

/* A new zeroed descriptor at the end of list. */
struct ktap_event *kp_event_list_push(struct kp_event_list *list);

void kp_event_list_free(struct kp_event_list *list);

#endif /* KP_EVENTS_H */
