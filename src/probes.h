/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes.h - the compiler pass for tracing blocks: resolves each trace
 * block's EVENTDEF to event descriptors, checks every $name against
 * them and numbers the names (slots), and after code generation tells
 * each descriptor which prototype is its body.
 */
#ifndef KP_PROBES_H
#define KP_PROBES_H

#include "ast.h"
#include "diag.h"
#include "events.h"

struct kp_probes {
	struct kp_event_list events;
	/* the PROBE node of each event, for its prototype */
	struct kp_ast_node **owner;
	struct kp_ast_node *end;	/* the trace_end block, or NULL */
	const char *slot_names[KTAP_FIELD_SLOTS];
	unsigned nslots;
};

/* Before code generation.  Returns 0, or -1 after reporting. */
int kp_probes_resolve(struct kp_ast_node *chunk, struct kp_diag *diag,
		      struct kp_probes *out);

/* After code generation: the descriptors' proto fields; trace_end's. */
unsigned kp_probes_finish(struct kp_probes *p);

void kp_probes_free(struct kp_probes *p);

#endif /* KP_PROBES_H */
