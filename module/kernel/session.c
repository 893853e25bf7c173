// SPDX-License-Identifier: GPL-2.0
/*
 * The session: what one open file of /dev/ktap owns and the ioctls that
 * drive it.  A session goes NEW --LOAD--> LOADED --START--> LIVE
 * --STOP--> ENDED (START goes straight to ENDED when nothing is left to
 * wait for); its output is read() until the end.  Closing the file,
 * which the kernel also does when ktap is killed, detaches every event
 * and frees everything the session owns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "../uapi/ktap.h"
#include "../vm/vm.h"
#include "event.h"
#include "output.h"
#include "session.h"

#define KP_ERR_MAX	512

static void kp_session_fire(struct kp_events *set,
			    const struct kp_evctx *ctx);

static int kp_session_open(struct inode *inode, struct file *file)
{
	struct kp_session *s;

	/* The device is 0600 already; a session also needs the capability. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	s->events.fire = kp_session_fire;
	kp_output_init(&s->out);
	file->private_data = s;
	return 0;
}

static int kp_session_release(struct inode *inode, struct file *file)
{
	struct kp_session *s = file->private_data;
	struct kp_vm_stats st;

	kp_events_free(&s->events);
	if (s->vm) {
		kp_vm_stats(s->vm, &st);
		kp_last_session.pool_objects = st.pool_objects;
		kp_last_session.pool_carved = st.pool_carved;
		kp_last_session.dropped = st.dropped;
	}
	kp_vm_free(s->vm);
	kp_output_destroy(&s->out);
	kfree(s);
	return 0;
}

/*
 * The VM's output hook, called wherever the VM runs: only the process
 * context of the task running the session may wait for the reader; a
 * probe handler must not, even one that fires in that task while the
 * top level runs (kp_vm_may_sleep()).
 */
static int kp_session_emit(void *ctx, u16 type, const char *data, u32 len)
{
	struct kp_session *s = ctx;
	bool may_sleep = READ_ONCE(s->runner) == current &&
			 READ_ONCE(kp_output_wait) && kp_vm_may_sleep(s->vm);

	return kp_output_write(&s->out, type, data, len, may_sleep);
}

/* exit(): in the top level, START ends the session; in a probe, STOP. */
static void kp_session_exit(void *ctx)
{
	struct kp_session *s = ctx;

	WRITE_ONCE(s->exit_requested, true);
	if (atomic_cmpxchg(&s->events.state, KP_EVENTS_LIVE,
			   KP_EVENTS_STOPPING) == KP_EVENTS_LIVE)
		kp_output_request_stop(&s->out);
}

/* Run the body of a hit on this CPU's execution context. */
static void kp_session_fire(struct kp_events *set, const struct kp_evctx *ctx)
{
	struct kp_session *s = container_of(set, struct kp_session, events);
	int ret;

	ret = kp_vm_run_probe(s->vm, &s->vm->chunk.protos[ctx->ev->d.proto],
			      ctx);
	if (ret && ret != -EBUSY)
		kp_session_probe_failed(s);
}

void kp_session_probe_failed(struct kp_session *s)
{
	WRITE_ONCE(s->failed, true);
	if (atomic_cmpxchg(&s->events.state, KP_EVENTS_LIVE,
			   KP_EVENTS_STOPPING) == KP_EVENTS_LIVE)
		kp_output_request_stop(&s->out);
}

/*
 * The VM's yield hook for code run inside an ioctl: a long top-level loop
 * must not hog the CPU, and must end at once when ktap is interrupted or
 * killed rather than when its instruction budget runs out.
 */
static int kp_session_yield(void *ctx)
{
	cond_resched();
	return signal_pending(current) ? -EINTR : 0;
}

static long kp_ioctl_version(void __user *arg)
{
	struct ktap_version v = {
		.abi_major = KTAP_ABI_MAJOR,
		.abi_minor = KTAP_ABI_MINOR,
	};

	strscpy(v.package_version, KTAP_PACKAGE_VERSION,
		sizeof(v.package_version));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * The per-CPU output ring size: 0 asks for the default (or the ceiling,
 * if an administrator set it lower); anything else is rounded up to a
 * power of two and must lie between the minimum and the ceiling.
 */
static int kp_resolve_output_size(u32 req, u32 *size, char *err)
{
	u32 ceiling = kp_ceilings.output_size;

	if (!req) {
		*size = rounddown_pow_of_two(min(KTAP_OUTPUT_SIZE_DEFAULT,
						 max(ceiling,
						     KTAP_OUTPUT_SIZE_MIN)));
		return 0;
	}
	if (req < KTAP_OUTPUT_SIZE_MIN) {
		snprintf(err, KP_ERR_MAX, "output buffer of %u bytes per CPU is below the minimum %u",
			 req, KTAP_OUTPUT_SIZE_MIN);
		return -EINVAL;
	}
	if (req > KTAP_OUTPUT_SIZE_MAX ||
	    roundup_pow_of_two(req) > ceiling) {
		snprintf(err, KP_ERR_MAX, "output buffer of %u bytes per CPU is above the module's ceiling %u (module parameter ktapvm.output_size)",
			 req, ceiling);
		return -E2BIG;
	}
	*size = roundup_pow_of_two(req);
	return 0;
}

/* Turn what user space asked for into limits: 0 = default, above = error. */
static int kp_resolve_limits(const struct ktap_limits *req,
			     struct kp_vm_limits *lim, char *err)
{
	kp_vm_limits_from_request(req, lim);
	if (lim->max_insns > kp_ceilings.max_insns)
		snprintf(err, KP_ERR_MAX, "instruction limit %llu is above the module's ceiling %lu (module parameter ktapvm.max_insns)",
			 lim->max_insns, kp_ceilings.max_insns);
	else if (lim->max_memory > kp_ceilings.max_memory)
		snprintf(err, KP_ERR_MAX, "memory limit %llu is above the module's ceiling %lu (module parameter ktapvm.max_memory)",
			 lim->max_memory, kp_ceilings.max_memory);
	else if (lim->max_string > kp_ceilings.max_string)
		snprintf(err, KP_ERR_MAX, "string limit %u is above the module's ceiling %u (module parameter ktapvm.max_string)",
			 lim->max_string, kp_ceilings.max_string);
	else if (lim->max_entries > kp_ceilings.max_entries)
		snprintf(err, KP_ERR_MAX, "table entries limit %u is above the module's ceiling %u (module parameter ktapvm.max_entries)",
			 lim->max_entries, kp_ceilings.max_entries);
	else if (lim->max_depth > kp_ceilings.max_depth)
		snprintf(err, KP_ERR_MAX, "call depth limit %u is above the module's ceiling %u (module parameter ktapvm.max_depth)",
			 lim->max_depth, kp_ceilings.max_depth);
	else
		return 0;
	return -E2BIG;
}

/* The events and trace_end of a LOAD; on failure the VM goes too. */
static int kp_load_events(struct kp_session *s, const struct ktap_load *req,
			  char *err)
{
	u32 nprotos = s->vm->chunk.nprotos;
	int ret;

	if (req->end_proto >= nprotos) {
		snprintf(err, KP_ERR_MAX, "trace_end body %u outside 1..%u",
			 req->end_proto, nprotos - 1);
		ret = -EINVAL;
	} else {
		s->end_proto = req->end_proto;
		/*
		 * Probe context lives on the pool: all of it, and the VM
		 * shared (locks on) before any probe can fire.
		 */
		ret = req->nevents ? kp_vm_prepare_probes(s->vm) : 0;
		if (ret)
			snprintf(err, KP_ERR_MAX, "cannot map the session's memory pool (--max-memory)");
		else
			ret = kp_events_load(&s->events, req, nprotos, err,
					     KP_ERR_MAX);
	}
	if (ret) {
		kp_events_free(&s->events);
		kp_vm_free(s->vm);
		s->vm = NULL;
	}
	return ret;
}

static int kp_load(struct kp_session *s, const struct ktap_load *req,
		   char *err)
{
	struct kp_vm_host host = {
		.emit = kp_session_emit, .yield = kp_session_yield,
		.event_get = kp_event_get, .stop = kp_session_exit, .ctx = s,
		.user_marks = req->flags & KTAP_LOAD_USER_SYMBOLS,
	};
	struct kp_vm_limits lim;
	u32 output_size;
	void *chunk;
	int ret;

	if (s->state != KP_SESSION_NEW) {
		snprintf(err, KP_ERR_MAX, "this session already has a chunk; open /dev/ktap again");
		return -EBUSY;
	}
	if (req->flags & ~KTAP_LOAD_USER_SYMBOLS) {
		snprintf(err, KP_ERR_MAX, "unknown load flags 0x%x",
			 req->flags & ~KTAP_LOAD_USER_SYMBOLS);
		return -EINVAL;
	}
	if (req->chunk_len > KTAP_CHUNK_MAX) {
		snprintf(err, KP_ERR_MAX, "chunk of %u bytes is larger than %u",
			 req->chunk_len, KTAP_CHUNK_MAX);
		return -E2BIG;
	}
	ret = kp_resolve_limits(&req->limits, &lim, err);
	if (!ret)
		ret = kp_resolve_output_size(req->limits.output_size,
					     &output_size, err);
	if (ret)
		return ret;
	chunk = vmemdup_user(u64_to_user_ptr(req->chunk), req->chunk_len);
	if (IS_ERR(chunk)) {
		snprintf(err, KP_ERR_MAX, "cannot read the chunk from user memory");
		return PTR_ERR(chunk);
	}
	ret = kp_vm_load(chunk, req->chunk_len, &lim, &host, &s->vm, err,
			 KP_ERR_MAX);
	kvfree(chunk);
	if (ret)
		return ret;
	ret = kp_output_alloc(&s->out, output_size);
	if (ret) {
		snprintf(err, KP_ERR_MAX, "cannot allocate %u bytes of output buffer for each of %u CPUs",
			 output_size, num_online_cpus());
		kp_vm_free(s->vm);
		s->vm = NULL;
		return ret;
	}
	ret = kp_load_events(s, req, err);
	if (ret) {
		/* The rings stay until release; this session is done. */
		s->state = KP_SESSION_ENDED;
		return ret;
	}
	s->state = KP_SESSION_LOADED;
	return 0;
}

static long kp_ioctl_load(struct kp_session *s, void __user *arg)
{
	struct ktap_load req;
	char *err;
	long ret;

	/*
	 * Read the size first: a newer tool may pass a larger struct, which
	 * is fine as long as the fields this module does not know are zero.
	 */
	ret = copy_struct_from_user(&req, sizeof(req), arg,
				    sizeof(req.size));
	if (!ret && req.size > PAGE_SIZE)
		ret = -E2BIG;
	if (!ret)
		ret = copy_struct_from_user(&req, sizeof(req), arg, req.size);
	if (ret)
		return ret;
	err = kzalloc(KP_ERR_MAX, GFP_KERNEL);
	if (!err)
		return -ENOMEM;
	ret = kp_load(s, &req, err);
	if (ret && req.err_buf && req.err_len) {
		size_t n = min_t(size_t, strlen(err) + 1, req.err_len);

		err[n - 1] = '\0';
		if (copy_to_user(u64_to_user_ptr(req.err_buf), err, n))
			ret = -EFAULT;
	}
	kfree(err);
	return ret;
}

/*
 * Stop: quiesce the events, run trace_end once unless a runtime error
 * stopped the session, report dropped hits, end the output.
 */
static int kp_session_stop(struct kp_session *s)
{
	u64 dropped;
	int ret = 0;

	if (s->state != KP_SESSION_LIVE)
		return 0;
	kp_events_quiesce(&s->events);
	WRITE_ONCE(s->runner, current);
	if (s->end_proto && !READ_ONCE(s->failed))
		ret = kp_vm_run_proc(s->vm, &s->vm->chunk.protos[s->end_proto]);
	dropped = kp_vm_dropped(s->vm) + atomic64_read(&s->events.dropped);
	if (dropped)
		kp_output_write(&s->out, KTAP_REC_DROPPED, &dropped,
				sizeof(dropped), true);
	WRITE_ONCE(s->runner, NULL);
	s->state = KP_SESSION_ENDED;
	kp_output_end(&s->out);
	return ret == -EINVAL ? 0 : ret;
}

/*
 * Run the top-level code, then enable the events.  A runtime error is
 * reported in the output stream, not as the ioctl's result; a signal
 * while waiting for the reader ends the run with that error.  Returns 1
 * when the session is live (see KTAP_IOC_STOP).
 */
static long kp_ioctl_start(struct kp_session *s)
{
	int ret;

	if (s->state != KP_SESSION_LOADED)
		return -EINVAL;
	WRITE_ONCE(s->runner, current);
	ret = kp_vm_run_main(s->vm);
	WRITE_ONCE(s->runner, NULL);
	s->state = KP_SESSION_LIVE;
	if (!ret && !s->exit_requested && (s->events.n || s->end_proto)) {
		kp_events_enable(&s->events);
		return 1;
	}
	if (ret)
		WRITE_ONCE(s->failed, true);
	ret = kp_session_stop(s) ?: ret;
	return ret == -EINVAL ? 0 : ret;
}

static long kp_session_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct kp_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (cmd == KTAP_IOC_VERSION)
		return kp_ioctl_version(uarg);
	if (mutex_lock_interruptible(&s->lock))
		return -ERESTARTSYS;
	switch (cmd) {
	case KTAP_IOC_LOAD:
		ret = kp_ioctl_load(s, uarg);
		break;
	case KTAP_IOC_START:
		ret = kp_ioctl_start(s);
		break;
	case KTAP_IOC_STOP:
		ret = kp_session_stop(s);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static ssize_t kp_session_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct kp_session *s = file->private_data;

	return kp_output_read(&s->out, buf, count,
			      file->f_flags & O_NONBLOCK);
}

static __poll_t kp_session_poll(struct file *file, poll_table *wait)
{
	struct kp_session *s = file->private_data;

	return kp_output_poll(&s->out, file, wait);
}

const struct file_operations kp_session_fops = {
	.owner = THIS_MODULE,
	.open = kp_session_open,
	.release = kp_session_release,
	.unlocked_ioctl = kp_session_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = kp_session_read,
	.poll = kp_session_poll,
	.llseek = noop_llseek,
};
