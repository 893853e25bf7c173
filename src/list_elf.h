/* SPDX-License-Identifier: GPL-2.0 */
/*
 * list_elf.h - the listings of a user-space ELF file: `ktap -lf DSO
 * [GLOB]` (probeable functions) and `ktap -lm DSO [GLOB]` (SDT markers).
 */
#ifndef KP_LIST_ELF_H
#define KP_LIST_ELF_H

/*
 * argv holds the words after -lf / -lm.  Each prints one line per match
 * and returns the exit status: 0, 1 when nothing matches, 2 on bad usage,
 * 3 when the file cannot be read.
 */
int kp_list_functions(int argc, char **argv);
int kp_list_markers(int argc, char **argv);

#endif /* KP_LIST_ELF_H */
