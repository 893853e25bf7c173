/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapset_man.h - the generated part of man/ktap-tapsets.7: every probe
 * alias with its variables and every function of the library tapsets
 * of one directory, from their doc comments (tapset_doc.h).
 */
#ifndef KP_TAPSET_MAN_H
#define KP_TAPSET_MAN_H

#include <stdio.h>

/* Writes the roff sections for dir's *.kp to f; the exit status. */
int kp_man_tapsets(FILE *f, const char *dir);

#endif /* KP_TAPSET_MAN_H */
