// SPDX-License-Identifier: GPL-2.0
/*
 * list_elf.c - `ktap -lf` and `ktap -lm` (list_elf.h): what uprobes and
 * SDT events could name in one file, found as the events would be.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "elfsym.h"
#include "list_elf.h"
#include "session.h"

static struct kp_elf *open_dso(int argc, char **argv, const char *opt,
			       int *status)
{
	char path[4096], err[1024];
	struct kp_elf *e;

	if (argc < 1 || argc > 2) {
		fprintf(stderr, "ktap: usage: ktap %s DSO [GLOB] (DSO a path, a library such as libc, or a program in PATH)\n",
			opt);
		*status = KP_EXIT_USAGE;
		return NULL;
	}
	*status = KP_EXIT_SYSTEM;
	if (kp_elf_find(argv[0], path, sizeof(path), err, sizeof(err))) {
		fprintf(stderr, "ktap: %s\n", err);
		return NULL;
	}
	e = kp_elf_open(path, err, sizeof(err));
	if (!e)
		fprintf(stderr, "ktap: %s\n", err);
	return e;
}

int kp_list_functions(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*", *which;
	struct kp_elf_func *f;
	char err[1024];
	int status, n, i, shown = 0;
	struct kp_elf *e = open_dso(argc, argv, "-lf", &status);

	if (!e)
		return status;
	n = kp_elf_funcs(e, &f, &which, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "ktap: %s\n", err);
		kp_elf_close(e);
		return KP_EXIT_SYSTEM;
	}
	for (i = 0; i < n; i++) {
		/* sorted: a name at several offsets is shown once */
		if (fnmatch(glob, f[i].name, 0) ||
		    (i && !strcmp(f[i].name, f[i - 1].name)))
			continue;
		printf("%s\n", f[i].name);
		shown++;
	}
	if (!shown)
		fprintf(stderr, "ktap: no function matches '%s' in %s\n", glob,
			kp_elf_path(e));
	kp_elf_funcs_free(f, n);
	kp_elf_close(e);
	return shown ? KP_EXIT_OK : KP_EXIT_SCRIPT;
}

int kp_list_markers(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	struct kp_elf_sdt *s;
	char err[1024], full[512];
	int status, n, i, shown = 0;
	struct kp_elf *e = open_dso(argc, argv, "-lm", &status);

	if (!e)
		return status;
	n = kp_elf_sdts(e, &s, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "ktap: %s\n", err);
		kp_elf_close(e);
		return KP_EXIT_SYSTEM;
	}
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s:%s", s[i].provider, s[i].name);
		if (fnmatch(glob, full, 0) && fnmatch(glob, s[i].name, 0))
			continue;
		printf("%s %u arg%s\n", full, s[i].nargs,
		       s[i].nargs == 1 ? "" : "s");
		shown++;
	}
	if (!shown)
		fprintf(stderr, n ? "ktap: no SDT marker matches '%s' in %s\n" :
			"ktap: %.0s%s has no SDT markers (no .note.stapsdt section)\n",
			glob, kp_elf_path(e));
	kp_elf_sdts_free(s, n);
	kp_elf_close(e);
	return shown ? KP_EXIT_OK : KP_EXIT_SCRIPT;
}
