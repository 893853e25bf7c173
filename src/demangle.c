// SPDX-License-Identifier: GPL-2.0
/*
 * demangle.c - C++ names through libstdc++'s __cxa_demangle (the
 * Itanium C++ ABI's demangler), loaded with dlopen the first time a
 * mangled name is met: ktap is C and should not pull a C++ runtime into
 * every run, while any system running C++ programs has libstdc++.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

typedef char *(*kp_cxa_demangle_fn)(const char *mangled, char *buf,
				     size_t *len, int *status);

static kp_cxa_demangle_fn kp_cxa_demangle(void)
{
	static kp_cxa_demangle_fn fn;
	static int tried;
	void *lib;

	if (!tried) {
		tried = 1;
		/* kept open for the life of the process */
		lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (lib)
			*(void **)&fn = dlsym(lib, "__cxa_demangle");
	}
	return fn;
}

char *kp_demangle(const char *name)
{
	kp_cxa_demangle_fn fn;
	char *out;
	int status;

	/* Itanium ABI mangled names start with _Z */
	if (strncmp(name, "_Z", 2) || !(fn = kp_cxa_demangle()))
		return NULL;
	out = fn(name, NULL, NULL, &status);
	if (status) {
		free(out);
		return NULL;
	}
	return out;
}
