// SPDX-License-Identifier: GPL-2.0
/*
 * tpath.c - the tapset search path (tpath.h): built once from -I, the
 * environment and the installed directory, then only read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "tpath.h"

#ifndef KTAP_TAPSET_DIR
#define KTAP_TAPSET_DIR "/usr/local/share/ktap/tapset"
#endif
#ifndef KTAP_TOOLS_DIR
#define KTAP_TOOLS_DIR "/usr/local/share/ktap/tools"
#endif

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = kp_diag_xrealloc(NULL, la + lb + 2);

	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static void add(struct kp_tpath *p, char *lib, char *tools,
		const char *origin)
{
	p->dirs = kp_diag_xrealloc(p->dirs, (p->n + 1) * sizeof(*p->dirs));
	p->dirs[p->n].lib = lib;
	p->dirs[p->n].tools = tools;
	p->dirs[p->n].origin = origin;
	p->n++;
}

static void add_root(struct kp_tpath *p, const char *dir, size_t len,
		     const char *origin)
{
	char *lib;

	if (!len)
		return;
	lib = kp_diag_xrealloc(NULL, len + 1);
	memcpy(lib, dir, len);
	lib[len] = '\0';
	add(p, lib, join(lib, "tools"), origin);
}

void kp_tpath_init(struct kp_tpath *p, const char *const *idirs,
		   unsigned nidirs)
{
	const char *env = getenv("KTAP_TAPSET_PATH");
	const char *home = getenv("HOME");
	const char *colon;
	unsigned i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < nidirs; i++)
		add_root(p, idirs[i], strlen(idirs[i]), "-I");
	for (; env && *env; env = colon ? colon + 1 : NULL) {
		colon = strchr(env, ':');
		add_root(p, env, colon ? (size_t)(colon - env) : strlen(env),
			 "KTAP_TAPSET_PATH");
	}
	if (home && *home) {
		char *dot = join(home, ".ktap/tapset");

		add(p, dot, join(dot, "tools"), "~/.ktap/tapset");
	}
	add(p, strdup(KTAP_TAPSET_DIR), strdup(KTAP_TOOLS_DIR), "installed");
}

void kp_tpath_free(struct kp_tpath *p)
{
	unsigned i;

	for (i = 0; i < p->n; i++) {
		free(p->dirs[i].lib);
		free(p->dirs[i].tools);
	}
	free(p->dirs);
	memset(p, 0, sizeof(*p));
}

bool kp_tpath_is_tool_name(const char *name)
{
	const char *s;

	if (!*name || *name == '.' || *name == '-')
		return false;
	for (s = name; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *s))
			return false;
	return true;
}

char *kp_tpath_find_tool(const struct kp_tpath *p, const char *name)
{
	char file[256];
	unsigned i;
	char *path;

	if (!kp_tpath_is_tool_name(name) || strlen(name) > 200)
		return NULL;
	snprintf(file, sizeof(file), "%s.kp", name);
	for (i = 0; i < p->n; i++) {
		path = join(p->dirs[i].tools, file);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **kp_tpath_list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **list = NULL;
	size_t n = 0, len;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (len < 4 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 3, ".kp"))
			continue;
		list = kp_diag_xrealloc(list, (n + 2) * sizeof(*list));
		list[n++] = join(dir, e->d_name);
		list[n] = NULL;
	}
	closedir(d);
	if (list)
		qsort(list, n, sizeof(*list), by_name);
	return list;
}

void kp_tpath_free_list(char **list)
{
	char **p;

	for (p = list; p && *p; p++)
		free(*p);
	free(list);
}

char *kp_tpath_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t size = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len + 1 >= size)
			buf = kp_diag_xrealloc(buf, size = size * 2 + 4096);
		n = fread(buf + *len, 1, size - *len - 1, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	} else {
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}
