/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uevents.h - user-space events: uprobes and uretprobes
 * (probe:FILE:SYMBOL, :0xOFFSET, :GLOB, %return) and SDT markers
 * (sdt:FILE:NAME), resolved through elfsym.h into descriptors.
 */
#ifndef KP_UEVENTS_H
#define KP_UEVENTS_H

#include <stddef.h>

#include "events.h"

/*
 * Whether spec names a user-space event: sdt:..., or probe: followed by
 * a path or FILE:WHAT (a kprobe's SYMBOL has no colon and no slash).
 */
int kp_uevents_match(const char *spec);

/* Append the events of spec; 0, or -1 with a message in err. */
int kp_uevents_add(struct kp_event_list *list, const char *spec, char *err,
		   size_t errlen);

#endif /* KP_UEVENTS_H */
