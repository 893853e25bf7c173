// SPDX-License-Identifier: GPL-2.0
/*
 * usym.c - names the user stack frames the module prints as marks.
 *
 * A frame is an address in one process; naming it takes the file
 * mapped there and that file's symbols, which only user space can read.
 * And output is often printed long after the frame was captured: an
 * aggregation keyed by ustack() is printed by trace_end, when the
 * traced command has exited and its /proc/PID/maps is gone.  So, as
 * perf does, ktap follows mappings as they are made: a system-wide
 * software event with attr.mmap reports every executable mmap (and
 * attr.task every fork) into a ring per CPU, drained before a record is
 * printed.  A process that was running before ktap started is read
 * from /proc/PID/maps the first time one of its frames is named.
 *
 * A process's mappings are kept in the order they were learnt and never
 * removed (munmap is not reported); a lookup takes the newest one that
 * covers the address.  An exec or a remap thus shadows what it replaced,
 * while a frame captured before it still finds its file wherever
 * nothing newer covers the address.  The rare frame captured before an
 * exec and printed after it, at an address the new image reuses, gets
 * the new image's name: the price of not keeping time on every mapping.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "demangle.h"
#include "diag.h"
#include "elfsym.h"
#include "output.h"
#include "usym.h"

#define USYM_BUCKETS	256
#define USYM_MAX_MAPS	4096	/* per process; the oldest half goes */
#define USYM_RING_PAGES	64	/* data pages of each follow ring */

struct usym_file {
	struct usym_file *next;		/* in its bucket */
	char *path;
	bool loaded;			/* funcs read (or found missing) */
	struct kp_elf_func *funcs;	/* sorted by offset, one per offset */
	int nfuncs;
};

struct usym_map {
	unsigned long long start, end, pgoff;
	struct usym_file *file;
};

struct usym_proc {
	struct usym_proc *next;		/* in its bucket */
	int pid;
	bool read_proc;			/* /proc/PID/maps read once */
	struct usym_map *maps;		/* oldest first */
	unsigned n, cap;
};

struct usym_ring {
	int fd;
	struct perf_event_mmap_page *meta;
	char *data;
	unsigned long long size;
};

struct kp_usym {
	struct usym_proc *procs[USYM_BUCKETS];
	struct usym_file *files[USYM_BUCKETS];
	struct usym_ring *rings;
	int nrings;
	unsigned long long lost;
	char *buf;			/* kp_usym_expand()'s result */
	size_t cap;
};

static unsigned usym_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % USYM_BUCKETS;
}

/* ---- files ------------------------------------------------------------- */

static struct usym_file *usym_file(struct kp_usym *u, const char *path)
{
	unsigned b = usym_hash(path);
	struct usym_file *f;

	for (f = u->files[b]; f; f = f->next)
		if (!strcmp(f->path, path))
			return f;
	f = kp_diag_xrealloc(NULL, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->path = kp_diag_xrealloc(NULL, strlen(path) + 1);
	strcpy(f->path, path);
	f->next = u->files[b];
	u->files[b] = f;
	return f;
}

/* By offset; at one offset the name a reader knows first. */
static int usym_func_cmp(const void *a, const void *b)
{
	const struct kp_elf_func *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return kp_elf_better_name(x->name, y->name) ? -1 :
	       kp_elf_better_name(y->name, x->name) ? 1 : 0;
}

/*
 * The file's functions by offset: its .symtab, else its debug file's,
 * else its .dynsym; none for a foreign file.
 */
static void usym_file_load(struct usym_file *f)
{
	struct kp_elf_func *ef, *df;
	struct kp_elf *e;
	const char *which = "";
	char err[256], debug[256];
	int n, i, j, dn;

	f->loaded = true;
	e = f->path[0] == '/' ? kp_elf_open(f->path, err, sizeof(err)) : NULL;
	if (!e)
		return;
	n = kp_elf_funcs(e, &ef, &which, err, sizeof(err));
	if (n < 0 || strcmp(which, ".symtab")) {
		dn = kp_elf_debug_funcs(e, &df, debug, sizeof(debug));
		if (dn > 0) {
			if (n >= 0)
				kp_elf_funcs_free(ef, n);
			ef = df;
			n = dn;
		}
	}
	kp_elf_close(e);
	if (n <= 0) {
		if (!n)
			kp_elf_funcs_free(ef, 0);
		return;
	}
	f->funcs = ef;
	qsort(f->funcs, n, sizeof(*f->funcs), usym_func_cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (j && f->funcs[j - 1].offset == f->funcs[i].offset) {
			free(f->funcs[i].name);
			continue;
		}
		f->funcs[j++] = f->funcs[i];
	}
	f->nfuncs = j;
	/* C++ functions as their source spells them */
	for (i = 0; i < j; i++) {
		char *readable = kp_demangle(f->funcs[i].name);

		if (readable) {
			free(f->funcs[i].name);
			f->funcs[i].name = readable;
		}
	}
}

/* The function whose code holds file offset off, or NULL. */
static const struct kp_elf_func *usym_file_func(struct usym_file *f,
						unsigned long long off)
{
	int lo = 0, hi, mid;

	if (!f->loaded)
		usym_file_load(f);
	hi = f->nfuncs - 1;
	/* the last function starting at or before off */
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (f->funcs[mid].offset <= off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (hi < 0 || off - f->funcs[hi].offset >= f->funcs[hi].size)
		return NULL;
	return &f->funcs[hi];
}

/* ---- processes --------------------------------------------------------- */

static struct usym_proc *usym_proc(struct kp_usym *u, int pid, bool create)
{
	unsigned b = (unsigned)pid % USYM_BUCKETS;
	struct usym_proc *p;

	for (p = u->procs[b]; p; p = p->next)
		if (p->pid == pid)
			return p;
	if (!create)
		return NULL;
	p = kp_diag_xrealloc(NULL, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->next = u->procs[b];
	u->procs[b] = p;
	return p;
}

static void usym_proc_add(struct usym_proc *p, unsigned long long start,
			  unsigned long long end, unsigned long long pgoff,
			  struct usym_file *file)
{
	if (p->n == USYM_MAX_MAPS) {
		p->n /= 2;
		memmove(p->maps, p->maps + p->n, p->n * sizeof(*p->maps));
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->maps = kp_diag_xrealloc(p->maps, p->cap * sizeof(*p->maps));
	}
	p->maps[p->n].start = start;
	p->maps[p->n].end = end;
	p->maps[p->n].pgoff = pgoff;
	p->maps[p->n].file = file;
	p->n++;
}

/* The executable file mappings of a running process, as they are now. */
static void usym_proc_read(struct kp_usym *u, struct usym_proc *p)
{
	unsigned long long start, end, pgoff;
	char path[64], line[4352], perms[8];
	int name;
	FILE *f;

	p->read_proc = true;
	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		name = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end,
			   perms, &pgoff, &name) < 4 || !name ||
		    !strchr(perms, 'x'))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (line[name])
			usym_proc_add(p, start, end, pgoff,
				      usym_file(u, line + name));
	}
	fclose(f);
}

void kp_usym_read_process(struct kp_usym *u, int pid)
{
	usym_proc_read(u, usym_proc(u, pid, true));
}

static const struct usym_map *usym_proc_map(const struct usym_proc *p,
					    unsigned long long addr)
{
	unsigned i;

	for (i = p->n; i-- > 0;)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

/* ---- following mmaps: a perf software event per CPU --------------------- */

/* PERF_RECORD_MMAP and PERF_RECORD_FORK, as perf_event.h documents them. */
struct usym_rec_mmap {
	struct perf_event_header h;
	__u32 pid, tid;
	__u64 addr, len, pgoff;
	char filename[];
};

struct usym_rec_fork {
	struct perf_event_header h;
	__u32 pid, ppid, tid, ptid;
	__u64 time;
};

static void usym_follow(struct kp_usym *u)
{
	long page = sysconf(_SC_PAGESIZE);
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	size_t len = (size_t)(USYM_RING_PAGES + 1) * page;
	struct perf_event_attr a;
	struct usym_ring *r;
	int cpu, fd, fails = 0, err = 0;
	void *m;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.mmap = 1;		/* executable mmaps, with their file */
	a.task = 1;		/* fork and exit */
	a.watermark = 1;	/* poll() wakes when half full */
	a.wakeup_watermark = (USYM_RING_PAGES / 2) * page;
	u->rings = kp_diag_xrealloc(NULL, (ncpus > 0 ? ncpus : 1) *
				    sizeof(*u->rings));
	for (cpu = 0; cpu < ncpus; cpu++) {
		fd = syscall(SYS_perf_event_open, &a, -1, cpu, -1,
			     PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			/* an offline CPU is ENODEV; anything else is a refusal */
			if (errno != ENODEV)
				err = errno, fails++;
			continue;
		}
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			err = errno, fails++;
			close(fd);
			continue;
		}
		r = &u->rings[u->nrings++];
		r->fd = fd;
		r->meta = m;
		r->data = (char *)m + page;
		r->size = (unsigned long long)USYM_RING_PAGES * page;
	}
	if (fails)
		kp_msg_verbose("following mmaps for ustack() names failed on %d CPU%s (%s): frames of processes that exit before they are printed stay unnamed",
			       fails, fails == 1 ? "" : "s", strerror(err));
}

static void usym_take_mmap(struct kp_usym *u, const struct usym_rec_mmap *r,
			   size_t size)
{
	size_t room = size - sizeof(*r);

	if (size <= sizeof(*r) || !memchr(r->filename, '\0', room) ||
	    !r->filename[0] || !r->len)
		return;
	usym_proc_add(usym_proc(u, (int)r->pid, true), r->addr,
		      r->addr + r->len, r->pgoff, usym_file(u, r->filename));
}

/*
 * A new process starts with its parent's mappings (threads share them):
 * they go in as its oldest.  The rings are per CPU and drained one after
 * another, so the child's own mmaps (its exec, on another CPU) may have
 * been taken in already; they must stay newer.
 */
static void usym_take_fork(struct kp_usym *u, const struct usym_rec_fork *r)
{
	struct usym_proc *child, *parent;
	unsigned i, own, first;

	if (r->pid == r->ppid)
		return;
	parent = usym_proc(u, (int)r->ppid, false);
	if (!parent || !parent->n)
		return;
	child = usym_proc(u, (int)r->pid, true);
	own = child->n;
	if (own >= USYM_MAX_MAPS - 1)
		return;
	/* the parent's newest that fit, so no add drops the child's own */
	first = parent->n > USYM_MAX_MAPS - 1 - own ?
		parent->n - (USYM_MAX_MAPS - 1 - own) : 0;
	for (i = first; i < parent->n; i++)
		usym_proc_add(child, parent->maps[i].start, parent->maps[i].end,
			      parent->maps[i].pgoff, parent->maps[i].file);
	/* rotate: the parent's (now at the end) before the child's own */
	if (own && child->n > own) {
		unsigned add = child->n - own;
		struct usym_map *tmp = kp_diag_xrealloc(NULL, own * sizeof(*tmp));

		memcpy(tmp, child->maps, own * sizeof(*tmp));
		memmove(child->maps, child->maps + own, add * sizeof(*tmp));
		memcpy(child->maps + add, tmp, own * sizeof(*tmp));
		free(tmp);
	}
}

/* Copy n bytes at ring position pos, which may wrap, to dst. */
static void usym_ring_copy(const struct usym_ring *r, unsigned long long pos,
			   void *dst, size_t n)
{
	size_t at = pos % r->size, first = r->size - at;

	if (first > n)
		first = n;
	memcpy(dst, r->data + at, first);
	memcpy((char *)dst + first, r->data, n - first);
}

static void usym_ring_drain(struct kp_usym *u, struct usym_ring *r)
{
	unsigned long long head, tail = r->meta->data_tail;
	struct perf_event_header h;
	union {
		struct perf_event_header h;
		struct usym_rec_mmap mmap;
		struct usym_rec_fork fork;
		__u64 lost[3];
		char bytes[65536];
	} rec;

	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	while (tail + sizeof(h) <= head) {
		usym_ring_copy(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h) || tail + h.size > head)
			break;
		usym_ring_copy(r, tail, &rec, h.size);
		tail += h.size;
		if (h.type == PERF_RECORD_MMAP)
			usym_take_mmap(u, &rec.mmap, h.size);
		else if (h.type == PERF_RECORD_FORK &&
			 h.size >= sizeof(rec.fork))
			usym_take_fork(u, &rec.fork);
		else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(rec.lost))
			u->lost += rec.lost[2];
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

void kp_usym_drain(struct kp_usym *u)
{
	int i;

	for (i = 0; i < u->nrings; i++)
		usym_ring_drain(u, &u->rings[i]);
}

int kp_usym_poll_fds(const struct kp_usym *u, struct pollfd *pfd, int max)
{
	int i;

	for (i = 0; i < u->nrings && i < max; i++) {
		pfd[i].fd = u->rings[i].fd;
		pfd[i].events = POLLIN;
	}
	return i;
}

int kp_usym_following(const struct kp_usym *u)
{
	return u->nrings > 0;
}

unsigned long long kp_usym_lost(const struct kp_usym *u)
{
	return u->lost;
}

/* ---- naming marks ------------------------------------------------------ */

static void usym_put(struct kp_usym *u, size_t *len, const char *s, size_t n)
{
	if (*len + n > u->cap) {
		u->cap = (*len + n) * 2 + 256;
		u->buf = kp_diag_xrealloc(u->buf, u->cap);
	}
	memcpy(u->buf + *len, s, n);
	*len += n;
}

static bool usym_hex(const char *s, int n, unsigned long long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		*v = *v << 4 | (unsigned long long)(isdigit((unsigned char)s[i]) ?
			s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	return true;
}

/* The name of one frame into buf. */
static void usym_name(struct kp_usym *u, int pid, bool ret,
		      unsigned long long addr, char *buf, size_t size)
{
	struct usym_proc *p = usym_proc(u, pid, true);
	const struct usym_map *m = usym_proc_map(p, addr);
	const struct kp_elf_func *fn;
	unsigned long long off;
	const char *base;

	if (!m && !p->read_proc) {
		usym_proc_read(u, p);
		m = usym_proc_map(p, addr);
	}
	if (!m) {
		snprintf(buf, size, "0x%016llx", addr);
		return;
	}
	off = addr - m->start + m->pgoff;
	base = strrchr(m->file->path, '/');
	base = base ? base + 1 : m->file->path;
	/*
	 * A return address may be the first byte after its call's
	 * function (a call to a noreturn function ends it): look up the
	 * call, as the kernel's %pB does, and show the address itself.
	 */
	fn = usym_file_func(m->file, ret && off ? off - 1 : off);
	if (fn)
		snprintf(buf, size, "%s+0x%llx/0x%llx [%s]", fn->name,
			 off - fn->offset, fn->size, base);
	else
		snprintf(buf, size, "[%s+0x%llx]", base, off);
}

size_t kp_usym_expand(struct kp_usym *u, const char *text, size_t len,
		      const char **out)
{
	const char *p = text, *end = text + len, *mark;
	unsigned long long pid, addr;
	char name[512];
	size_t n = 0;

	*out = text;
	if (!memchr(text, KTAP_USYM_MARK, len))
		return len;
	kp_usym_drain(u);	/* mmaps up to now, before naming */
	while ((mark = memchr(p, KTAP_USYM_MARK, end - p))) {
		usym_put(u, &n, p, mark - p);
		if (end - mark < KTAP_USYM_LEN ||
		    (mark[1] != 'i' && mark[1] != 'r') ||
		    !usym_hex(mark + 2, 8, &pid) ||
		    !usym_hex(mark + 10, 16, &addr)) {
			/* cut short: leave out the mark and what it has */
			p = mark + 1;
			if (p < end && (*p == 'i' || *p == 'r'))
				p++;
			while (p < end && p - mark < KTAP_USYM_LEN &&
			       isxdigit((unsigned char)*p))
				p++;
			continue;
		}
		usym_name(u, (int)pid, mark[1] == 'r', addr, name,
			  sizeof(name));
		usym_put(u, &n, name, strlen(name));
		p = mark + KTAP_USYM_LEN;
	}
	usym_put(u, &n, p, end - p);
	*out = u->buf;
	return n;
}

/* ---- life -------------------------------------------------------------- */

struct kp_usym *kp_usym_new(int follow)
{
	struct kp_usym *u = kp_diag_xrealloc(NULL, sizeof(*u));

	memset(u, 0, sizeof(*u));
	if (follow)
		usym_follow(u);
	return u;
}

void kp_usym_free(struct kp_usym *u)
{
	long page = sysconf(_SC_PAGESIZE);
	struct usym_proc *p, *pn;
	struct usym_file *f, *fn;
	int i;

	if (!u)
		return;
	for (i = 0; i < u->nrings; i++) {
		munmap(u->rings[i].meta, (size_t)(USYM_RING_PAGES + 1) * page);
		close(u->rings[i].fd);
	}
	free(u->rings);
	for (i = 0; i < USYM_BUCKETS; i++) {
		for (p = u->procs[i]; p; p = pn) {
			pn = p->next;
			free(p->maps);
			free(p);
		}
		for (f = u->files[i]; f; f = fn) {
			fn = f->next;
			kp_elf_funcs_free(f->funcs, f->nfuncs);
			free(f->path);
			free(f);
		}
	}
	free(u->buf);
	free(u);
}
