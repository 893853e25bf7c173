/* SPDX-License-Identifier: GPL-2.0 */
/*
 * events.h - event discovery: tracepoints from tracefs (ids, field
 * layouts, argstr formats) and kernel functions from /proc/kallsyms
 * (their parameters from DWARF; user-space ones come from uevents.h),
 * turned into the descriptors of uapi/ktap.h.
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

/*
 * The events/ directory of tracefs: $KTAP_TRACEFS/events (tests), the
 * usual mount points, or tracefs mounted now; NULL with a message.
 */
const char *kp_events_tracefs(char *err, size_t errlen);

/* The entries of dir matching glob, sorted; *n of them. */
char **kp_events_glob_names(const char *dir, const char *glob, unsigned *n);
void kp_events_free_names(char **names, unsigned n);

/* A whole (proc or tracefs) file as a string, or NULL. */
char *kp_events_read_text(const char *path);

/* The parts of a format file's "field:TYPE NAME[N];" declaration. */
struct kp_field_decl {
	const char *type;	/* TYPE NAME[N] starts here */
	const char *end;	/* at the ';' */
	const char *name;	/* NAME, name_len bytes */
	size_t name_len;
	const char *array;	/* "[N]" up to end, or NULL */
};

/* Split the declaration in line; 0, or -1 when it has none. */
int kp_events_field_decl(const char *line, struct kp_field_decl *d);

/* Index of the field called name in ev, or -1. */
int kp_event_field_index(const struct ktap_event *ev, const char *name);

/* The names of ev's fields, comma-separated, into buf. */
void kp_event_field_names(const struct ktap_event *ev, char *buf,
			  size_t size);

/*
 * $name of a kprobe or uprobe: the parameter `name` (or the typed
 * return value in a return probe, for "retval") from the function's
 * DWARF, appended to ev's argument locations.  Returns its index in
 * args[], -2 when the function has no such parameter (its parameters
 * then in names), -3 for $retval without debug info (the caller falls
 * back to the untyped retval), or -1 with the reason in err.
 */
int kp_event_probe_field(struct ktap_event *ev, const char *name,
			 char *names, size_t nameslen, char *err,
			 size_t errlen);

/*
 * The probe point of a kprobe or uprobe spec without its "%return"
 * suffix, into buf: 1 when the suffix was there (a return probe), 0 when
 * not, -1 when text follows it (the message names spec).
 */
int kp_event_split_return(const char *spec, const char *point, char *buf,
			  size_t size, char *err, size_t errlen);

/* A new zeroed descriptor at the end of list. */
struct ktap_event *kp_event_list_push(struct kp_event_list *list);

void kp_event_list_free(struct kp_event_list *list);

#endif /* KP_EVENTS_H */
