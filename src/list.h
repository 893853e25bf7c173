/* SPDX-License-Identifier: GPL-2.0 */
/*
 * list.h - the discovery listings `ktap -l*` and `-L` dispatch to: each
 * takes the -v count and the words after its option, prints one probe
 * per line and returns the exit status (non-zero when nothing matches).
 */
#ifndef KP_LIST_H
#define KP_LIST_H

/* -le [GLOB]: tracepoints as SUBSYS:EVENT; -v adds their fields. */
int kp_list_tracepoints(int verbose, char **args, int nargs);

/* -L / --list-args EVENTDEF: what argN and $name mean there. */
int kp_list_args(int verbose, char **args, int nargs);

#endif /* KP_LIST_H */
