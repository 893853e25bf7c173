/* SPDX-License-Identifier: GPL-2.0 */
/*
 * demangle.h - C++ function names as a reader writes them, for the user
 * stack frames ktap names (usym.c).
 */
#ifndef KP_DEMANGLE_H
#define KP_DEMANGLE_H

/*
 * The readable form of a mangled C++ name ("_ZN3foo3barEi" ->
 * "foo::bar(int)") in a malloc()ed string the caller frees; NULL for a
 * name that is not mangled, cannot be demangled, or when no C++ runtime
 * is installed to demangle it.
 */
char *kp_demangle(const char *name);

#endif /* KP_DEMANGLE_H */
