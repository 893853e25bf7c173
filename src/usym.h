/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usym.h - naming the user stack frames the module prints as marks
 * (uapi/ktap.h, KTAP_LOAD_USER_SYMBOLS): each becomes
 * "malloc+0x14/0x2a0 [libc.so.6]", or "[libc.so.6+0x2724a]" where the
 * file has no symbol there, or the address in hex where no file is
 * known to be mapped.
 */
#ifndef KP_USYM_H
#define KP_USYM_H

#include <poll.h>
#include <stddef.h>

struct kp_usym;

/*
 * A symbolizer.  With follow set it also follows every process's
 * executable mmaps and forks from now on (a perf software event per
 * CPU), so frames of processes that exit before their stack is printed
 * are still named; without it, or when the kernel refuses the events
 * (said once with -v), only processes still alive are.  Never NULL.
 */
struct kp_usym *kp_usym_new(int follow);
void kp_usym_free(struct kp_usym *u);

/* Read a running process's mappings now, while it surely exists (-p). */
void kp_usym_read_process(struct kp_usym *u, int pid);

/*
 * What to poll() for, into pfd: a follow ring's descriptor is readable
 * when the ring is half full.  Returns how many entries it filled (at
 * most max).
 */
int kp_usym_poll_fds(const struct kp_usym *u, struct pollfd *pfd, int max);

/* Take in what the follow rings hold. */
void kp_usym_drain(struct kp_usym *u);

/*
 * The text [text, text + len) with every mark replaced by its frame's
 * name.  Returns the new length and points *out at the text, which
 * stays valid until the next call (text itself when it has no mark).
 * A mark cut short (an overlong line the module ended with "...") is
 * left out.
 */
size_t kp_usym_expand(struct kp_usym *u, const char *text, size_t len,
		      const char **out);

/* Whether it follows mmaps (kp_usym_new(1) and the kernel agreed). */
int kp_usym_following(const struct kp_usym *u);

/* Mappings events the kernel dropped (its ring was full), for -v. */
unsigned long long kp_usym_lost(const struct kp_usym *u);

#endif /* KP_USYM_H */
