// SPDX-License-Identifier: GPL-2.0
/*
 * numapol: read and change the NUMA memory policy of a running process.
 *
 * Why this is safe
 * ================
 * A task reads its own task->mempolicy with no lock and no reference on the
 * page allocation fast path. Only the task itself replaces that pointer
 * (do_set_mempolicy()), and the replaced policy is freed at once, so no
 * other task may ever replace it: the 2005 /proc/<pid>/numa_policy patch did,
 * and slept a second hoping the target had stopped using the old policy.
 *
 * numapol never writes another task's policy. It queues a task_work on each
 * target thread (TWA_SIGNAL: a thread sleeping interruptibly is woken, a
 * running one is interrupted), and the work calls do_set_mempolicy() in the
 * thread's own context, exactly as if the thread had called set_mempolicy(2)
 * itself: the nodes are checked against, and contextualized by, the
 * *target's* cpuset. The writer waits for the work to complete, so when
 * write() returns the new policy is in force. Nothing is added to any
 * allocation or fault path.
 *
 * A thread that cannot run the work in time (stopped, traced, frozen by the
 * v1 freezer, in a long uninterruptible sleep, or behind another task_work
 * that blocks) makes the write fail with -EAGAIN after numapol.timeout_ms:
 * the pending work is cancelled (a work that task_work_run() has already
 * taken sees it was cancelled and does nothing), and the threads already
 * changed get their previous policy back, again from their own context.
 * The writer never waits uninterruptibly: every wait is killable, and all
 * but one end at the deadline. The exception is a work that has already
 * started, waited for killably: it is the thread's own set_mempolicy(2),
 * or its mbind(2) without migration, which first makes sure the mmap_lock
 * is free (trying until the deadline, so that do_mbind() does not wait for
 * it uninterruptibly) and otherwise fails with -EAGAIN, changing nothing.
 *
 * A rollback restores a thread's old policy only while the thread still
 * runs the one this write installed (the work keeps a reference on it, so
 * its address identifies it), and rebinds it to the thread's cpuset as it
 * is now. Since task_work runs the last queued first, an undo still
 * pending on a stopped thread is moved behind a later write's change
 * (numapol_req_queue()), so it can never take back that change. A writer
 * killed while waiting leaves each thread with its old or its new policy.
 *
 * Every thread of a process: a thread runs its task_work only when it
 * returns to user space, so when a thread has run ours, every clone(2) it
 * made before has completed, and the thread it created is on the thread
 * list (copy_process() links it under tasklist_lock before clone returns).
 * Threads created after the work ran inherit the new policy (fork copies
 * the policy of the thread that calls clone). So after a round of works
 * has completed, the threads that may lack the change are on the list:
 * they get a work in the next round, unless they already run a policy
 * equal to the new one (inherited), which makes a process that keeps
 * creating threads converge. This does not rely on copy_process() backing
 * out on a pending notification: it backs out on task_sigpending() only,
 * and TWA_SIGNAL sets TIF_NOTIFY_SIGNAL.
 *
 * Locking: numapol's changes to one process are serialized by a mutex of
 * its own, signal_struct::numapol_mutex, taken killably and held for at
 * most the bounded wait (and, for "move", the batched migration, which is
 * killable). It is not a lock the target ever takes: its execve(2), ptrace
 * attach and seccomp TSYNC (cred_guard_mutex, exec_update_lock) are never
 * blocked by a write. An execve(2) is instead recognised where it matters,
 * in the target's own context: the work compares current->mm with the mm
 * the writer's access was checked for (numapol_access_mm()), and refuses
 * a new image. The deadline starts once the mutex is held. A writer
 * waits for the mutex only while it holds no other numapol_mutex:
 * numapol_batch_set(), which holds up to NUMAPOL_SET_BATCH of them, only
 * try-locks them, so they have no lock order.
 *
 * The policy of an address range (numa_maps) is set the same way: one
 * thread of the target calls do_mbind() itself, without MPOL_MF_MOVE, so
 * VMAs are split and merged, and locks taken, exactly as for its own
 * mbind(2). With "move", the pages are then migrated by the writer, like
 * a migration line.
 *
 * Migrating pages between nodes (numa_maps' "N0-1>3") needs nothing from
 * the target and runs in the writer's context, like migrate_pages(2), with
 * its rules (destinations in the target's cpuset unless the writer has
 * CAP_SYS_NICE, the LSM hook), but in batches of NUMAPOL_MIGRATE_BATCH
 * pages: the target's mmap_lock is held for reading only while a batch is
 * isolated, never while it is copied.
 */

#include <linux/bsearch.h>
#include <linux/completion.h>
#include <linux/cpuset.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mempolicy.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/moduleparam.h>
#include <linux/numapol.h>
#include <linux/pagewalk.h>
#include <linux/ptrace.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/task_work.h>
#include <linux/wait_bit.h>

#include "internal.h"

static unsigned int numapol_timeout_ms = 1000;
module_param_named(timeout_ms, numapol_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "How long a policy write waits for a target thread before failing with EAGAIN");

/**
 * numapol_deadline - when a wait for targets that starts now must end
 *
 * Return: jiffies + numapol.timeout_ms.
 */
unsigned long numapol_deadline(void)
{
	return jiffies + msecs_to_jiffies(READ_ONCE(numapol_timeout_ms));
}

/* Input names, case-insensitive; the output names are mpol_to_str()'s. */
static const struct {
	const char *name;
	unsigned short mode;
} numapol_modes[] = {
	{ "default", MPOL_DEFAULT },
	{ "local", MPOL_LOCAL },
	{ "prefer (many)", MPOL_PREFERRED_MANY },
	{ "preferred-many", MPOL_PREFERRED_MANY },
	{ "preferred_many", MPOL_PREFERRED_MANY },
	{ "preferred", MPOL_PREFERRED },
	{ "prefer", MPOL_PREFERRED },
	{ "bind", MPOL_BIND },
	{ "interleave", MPOL_INTERLEAVE },
	{ "weighted interleave", MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted-interleave", MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted_interleave", MPOL_WEIGHTED_INTERLEAVE },
};

static const struct {
	const char *name;
	unsigned short flag;
} numapol_flag_names[] = {
	{ "static", MPOL_F_STATIC_NODES },
	{ "relative", MPOL_F_RELATIVE_NODES },
	{ "balancing", MPOL_F_NUMA_BALANCING },
};

/* "static", "relative|balancing", ...: each flag at most once. */
static int numapol_parse_flags(char *str, unsigned short *flags)
{
	char *tok;
	int i;

	while ((tok = strsep(&str, "|"))) {
		for (i = 0; i < ARRAY_SIZE(numapol_flag_names); i++)
			if (!strcasecmp(tok, numapol_flag_names[i].name))
				break;
		if (i == ARRAY_SIZE(numapol_flag_names) ||
		    (*flags & numapol_flag_names[i].flag))
			return -EINVAL;
		*flags |= numapol_flag_names[i].flag;
	}
	return 0;
}

/* "0,2-5", "{2,3}" (the 2005 form) or "all". */
static int numapol_parse_nodes(char *str, struct numapol_policy *pol)
{
	size_t len = strlen(str);

	if (len >= 2 && str[0] == '{' && str[len - 1] == '}') {
		str[len - 1] = '\0';
		str++;
		len -= 2;
	}
	if (!strcasecmp(str, "all")) {
		pol->all = true;
		return 0;
	}
	/*
	 * Digits, commas and ranges only: in particular the 2005 zone syntax
	 * ("3/normal") is refused, policies have not been per zone since;
	 * and no empty element, which nodelist_parse() would let pass.
	 */
	if (!*str || str[strspn(str, "0123456789,-")] || *str == ',' ||
	    str[len - 1] == ',' || strstr(str, ",,"))
		return -EINVAL;
	if (nodelist_parse(str, pol->nodes) || nodes_empty(pol->nodes))
		return -EINVAL;
	return 0;
}

/* The rules of a complete policy, independent of any task. */
static int numapol_validate(const struct numapol_policy *pol)
{
	unsigned short flags = pol->flags;
	bool has_nodes = pol->all || !nodes_empty(pol->nodes);

	switch (pol->mode) {
	case MPOL_DEFAULT:
	case MPOL_LOCAL:
		return has_nodes || flags ? -EINVAL : 0;
	case MPOL_PREFERRED:
		if (pol->all || nodes_weight(pol->nodes) != 1)
			return -EINVAL;
		break;
	default:
		if (!has_nodes)
			return -EINVAL;
	}
	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((flags & MPOL_F_NUMA_BALANCING) && pol->mode != MPOL_BIND &&
	    pol->mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	if (flags & MPOL_F_RELATIVE_NODES)
		return pol->all ? -EINVAL : 0;
	/* Absolute node numbers must name possible nodes. */
	if (!nodes_subset(pol->nodes, node_states[N_POSSIBLE]))
		return -EINVAL;
	return 0;
}

/**
 * numapol_parse - parse a memory policy string
 * @buf: the string, not necessarily NUL-terminated
 * @len: its length; one trailing newline is allowed
 *
 * Accepts the output of mpol_to_str() ("interleave:2-3",
 * "bind=static|balancing:0-1", "prefer (many):0-1"), the 2005 form
 * ("prefer=1", "interleave={2,3}", "bind=0,2-5"), the aliases "preferred",
 * "preferred-many", "weighted-interleave" (also with '_'), and "all" as a
 * node list. Mode and flag names are case-insensitive.
 *
 * Return: a new policy with one reference, ERR_PTR(-EINVAL) for anything
 * else, or ERR_PTR(-ENOMEM).
 */
struct numapol_policy *numapol_parse(const char *buf, size_t len)
{
	struct numapol_policy *pol;
	char *str, *rest = NULL, *nodes = NULL;
	int i, ret = -EINVAL;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len > NUMAPOL_MAX_INPUT || memchr(buf, '\0', len))
		return ERR_PTR(-EINVAL);

	str = kmemdup_nul(buf, len, GFP_KERNEL_ACCOUNT);
	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!str || !pol) {
		ret = -ENOMEM;
		goto err;
	}
	kref_init(&pol->kref);
	pol->home_node = NUMA_NO_NODE;

	for (i = 0; i < ARRAY_SIZE(numapol_modes); i++) {
		size_t n = strlen(numapol_modes[i].name);

		if (!strncasecmp(str, numapol_modes[i].name, n) &&
		    (!str[n] || str[n] == '=' || str[n] == ':')) {
			pol->mode = numapol_modes[i].mode;
			rest = str + n;
			break;
		}
	}
	if (!rest)
		goto err;

	if (*rest == '=') {
		char *colon = strchr(++rest, ':');

		/* "mode=flags[:nodes]", or the 2005 "mode=nodes". */
		if (isalpha(*rest) && (colon || strcasecmp(rest, "all"))) {
			if (colon)
				*colon = '\0';
			if (numapol_parse_flags(rest, &pol->flags))
				goto err;
			nodes = colon ? colon + 1 : NULL;
		} else {
			nodes = rest;
		}
	} else if (*rest == ':') {
		nodes = rest + 1;
	}

	if (nodes && numapol_parse_nodes(nodes, pol))
		goto err;
	if (numapol_validate(pol))
		goto err;
	kfree(str);
	return pol;
err:
	kfree(str);
	kfree(pol);
	return ERR_PTR(ret);
}

/**
 * numapol_policy_new - make a policy from its parts, as the syscalls get it
 * @mode: MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, ...
 * @flags: MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING
 * @nodes: the node list (empty for default and local)
 * @home_node: a home node for a range policy (see
 *	set_mempolicy_home_node(2)), or NUMA_NO_NODE
 *
 * The same rules as numapol_parse() (a preferred policy has one node);
 * a home node needs a bind or preferred-many policy and an online node.
 *
 * Return: a new policy with one reference, ERR_PTR(-EINVAL) for a policy
 * the rules refuse, ERR_PTR(-EOPNOTSUPP) for a home node with another
 * mode (as set_mempolicy_home_node(2)), or ERR_PTR(-ENOMEM).
 */
struct numapol_policy *numapol_policy_new(unsigned short mode,
					  unsigned short flags,
					  const nodemask_t *nodes,
					  int home_node)
{
	struct numapol_policy *pol;

	if (mode >= MPOL_MAX || (flags & ~MPOL_MODE_FLAGS))
		return ERR_PTR(-EINVAL);
	if (home_node != NUMA_NO_NODE) {
		if (home_node < 0 || home_node >= MAX_NUMNODES ||
		    !node_online(home_node))
			return ERR_PTR(-EINVAL);
		if (mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
			return ERR_PTR(-EOPNOTSUPP);
	}
	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!pol)
		return ERR_PTR(-ENOMEM);
	kref_init(&pol->kref);
	pol->mode = mode;
	pol->flags = flags;
	pol->nodes = *nodes;
	pol->home_node = home_node;
	if (numapol_validate(pol)) {
		kfree(pol);
		return ERR_PTR(-EINVAL);
	}
	return pol;
}

static void numapol_policy_release(struct kref *kref)
{
	kfree(container_of(kref, struct numapol_policy, kref));
}

/**
 * numapol_policy_put - drop a reference to a policy
 * @pol: the policy, or NULL
 */
void numapol_policy_put(struct numapol_policy *pol)
{
	if (pol)
		kref_put(&pol->kref, numapol_policy_release);
}

/**
 * numapol_format - format a policy as numa_maps and numa_policy show it
 * @pol: the policy
 * @buf: the buffer
 * @size: its size, at least NUMAPOL_STR_SIZE to never truncate
 *
 * The text is mpol_to_str()'s, so it reads back with numapol_parse(); a
 * node list of "all" (resolved only against a target) is shown as ":all".
 *
 * Return: the length of the string in @buf.
 */
int numapol_format(const struct numapol_policy *pol, char *buf, size_t size)
{
	struct mempolicy mp = {
		.mode = pol->mode,
		.flags = pol->flags,
		.nodes = pol->nodes,
	};
	size_t len;

	mpol_to_str(buf, size, &mp);
	len = strlen(buf);
	if (pol->all)
		len += scnprintf(buf + len, size - len, ":all");
	return len;
}

/**
 * numapol_policy_equal - do two parsed policies say the same
 * @a: a policy
 * @b: another
 *
 * Return: true when mode, flags and node list are the same.
 */
bool numapol_policy_equal(const struct numapol_policy *a,
			  const struct numapol_policy *b)
{
	return a->mode == b->mode && a->flags == b->flags &&
	       a->all == b->all && nodes_equal(a->nodes, b->nodes) &&
	       a->home_node == b->home_node;
}

/**
 * numapol_check_access - may current change @task's memory policy
 * @task: the target
 *
 * The rules of /proc/<pid>/mem for writers: ptrace attach access (with the
 * caller's filesystem credentials), plus CAP_SYS_NICE in the target's user
 * namespace when the target belongs to another user, plus the LSM hook of
 * migrate_pages(2) and move_pages(2). Called when a file is opened for
 * writing and when a binding is created, with the opener's credentials.
 *
 * Return: 0, -EINVAL for a kernel thread, -EACCES or -EPERM.
 */
int numapol_check_access(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	struct user_namespace *ns;
	bool same_owner;

	if (task->flags & PF_KTHREAD)
		return -EINVAL;
	if (!ptrace_may_access(task, PTRACE_MODE_ATTACH_FSCREDS))
		return -EACCES;

	rcu_read_lock();
	tcred = __task_cred(task);
	same_owner = uid_eq(cred->euid, tcred->euid) ||
		     uid_eq(cred->euid, tcred->uid);
	ns = get_user_ns(tcred->user_ns);
	rcu_read_unlock();
	if (!same_owner && !ns_capable(ns, CAP_SYS_NICE)) {
		put_user_ns(ns);
		return -EPERM;
	}
	put_user_ns(ns);
	return security_task_movememory(task);
}

/**
 * numapol_task_policy_str - format the task policy of a thread
 * @task: the thread
 * @buf: the buffer
 * @size: its size (NUMAPOL_STR_SIZE)
 *
 * Reads the policy under task_lock(), which its owner holds to replace it
 * and do_exit() holds to drop it.
 *
 * Return: the length of the string.
 */
int numapol_task_policy_str(struct task_struct *task, char *buf, size_t size)
{
	task_lock(task);
	mpol_to_str(buf, size, task->mempolicy);
	task_unlock(task);
	return strlen(buf);
}

/*
 * One thread's part of a write: its task_work, and what it did.
 *
 * References: the writer holds one (on its list) until the write ends; a
 * queued work holds one, dropped by the work function or by whoever
 * cancels the work.
 *
 * @state decides, once, whether a queued work will run: the work moves it
 * from QUEUED to RUNNING when it starts, a writer that gives up moves it
 * from QUEUED to CANCELLED (and the work, if task_work_run() already holds
 * it, then does nothing). A writer killed while the work runs moves it from
 * RUNNING to ABANDONED, and the work takes back a task policy it just
 * installed, since nobody will roll it back. A range request first makes
 * sure the target's mmap_lock is free (until @deadline), then moves from
 * RUNNING to COMMITTED and calls do_mbind(); a writer killed before that
 * stops it from changing anything.
 */
enum numapol_req_state {
	NUMAPOL_QUEUED,
	NUMAPOL_RUNNING,
	NUMAPOL_COMMITTED,		/* a range request is in do_mbind() */
	NUMAPOL_DONE,
	NUMAPOL_CANCELLED,
	NUMAPOL_ABANDONED,
};

struct numapol_req {
	struct callback_head twork;
	refcount_t ref;
	atomic_t state;			/* enum numapol_req_state */
	struct completion done;
	struct list_head node;		/* the writer's list */
	struct numapol_req *prior;	/* undos to run first (see _queue) */
	struct numapol_req *next;	/* on a @prior list */
	struct task_struct *task;
	struct mm_struct *mm;		/* the mm the change is meant for */
	struct numapol_policy *pol;	/* NULL: a range policy removed */
	struct mempolicy *old;		/* the thread's policy before */
	struct mempolicy *new;		/* and the one this request installed */
	bool range;			/* VMA policies, not the task's */
	struct numapol_range *ranges;	/* their own copy, in order */
	int nr_ranges;
	int nr_done;			/* ranges set, from the first */
	unsigned long deadline;		/* the range's lock wait ends here */
	int ret;
	bool applied;
	bool undo;			/* run again to put @old back */
	bool inherited;			/* undo a policy a new thread inherited */
	struct numapol_batch *batch;	/* counts it while queued, or NULL */
};

static void numapol_batch_put(struct numapol_batch *b);
static void numapol_batch_count(struct numapol_batch *b);
static void numapol_batch_uncount(struct numapol_batch *b);
static void numapol_req_batch(struct numapol_req *req, struct numapol_batch *b);

static void numapol_req_put(struct numapol_req *req)
{
	if (!refcount_dec_and_test(&req->ref))
		return;
	numapol_policy_put(req->pol);
	while (req->nr_ranges)
		numapol_policy_put(req->ranges[--req->nr_ranges].pol);
	kvfree(req->ranges);
	mpol_put(req->old);
	mpol_put(req->new);
	mmdrop(req->mm);
	put_task_struct(req->task);
	if (req->batch)
		numapol_batch_put(req->batch);
	kfree(req);
}

static struct numapol_req *numapol_req_alloc(struct task_struct *task,
					     struct mm_struct *mm,
					     struct numapol_policy *pol)
{
	struct numapol_req *req = kzalloc(sizeof(*req), GFP_KERNEL_ACCOUNT);

	if (!req)
		return NULL;
	refcount_set(&req->ref, 1);
	atomic_set(&req->state, NUMAPOL_DONE);
	init_completion(&req->done);
	INIT_LIST_HEAD(&req->node);
	req->task = get_task_struct(task);
	mmgrab(mm);
	req->mm = mm;
	req->pol = pol ? numapol_policy_get(pol) : NULL;
	return req;
}

/*
 * The node list of @pol for current, checked against its cpuset as
 * set_mempolicy(2) does: a plain list must lie in the cpuset; a static or
 * relative one is interpreted against it (do_set_mempolicy() refuses it
 * when nothing is left).
 */
static int numapol_current_nodes(const struct numapol_policy *pol,
				 nodemask_t *nodes)
{
	nodemask_t allowed;

	nodes_and(allowed, cpuset_current_mems_allowed, node_states[N_MEMORY]);
	*nodes = pol->all ? allowed : pol->nodes;
	if (!(pol->flags & (MPOL_F_RELATIVE_NODES | MPOL_F_STATIC_NODES)) &&
	    !nodes_subset(*nodes, allowed))
		return -EINVAL;
	return 0;
}

/* Install @req's policy as current's task policy, remembering the old. */
static int numapol_set_current(struct numapol_req *req)
{
	const struct numapol_policy *pol = req->pol;
	unsigned short flags = pol->flags;
	struct mempolicy *old;
	nodemask_t nodes;
	int ret;

	ret = numapol_current_nodes(pol, &nodes);
	if (ret)
		return ret;
	/* As sanitize_mpol_flags() does for set_mempolicy(2). */
	if (flags & MPOL_F_NUMA_BALANCING)
		flags |= MPOL_F_MOF | MPOL_F_MORON;

	/* Only current replaces current->mempolicy: no lock needed to read. */
	old = current->mempolicy;
	mpol_get(old);
	ret = do_set_mempolicy(pol->mode, flags, &nodes);
	if (ret) {
		mpol_put(old);
		return ret;
	}
	req->old = old;
	/* Held, so that no other policy can ever have this address. */
	req->new = current->mempolicy;
	mpol_get(req->new);
	return 0;
}

/*
 * Is @mm's mmap_lock free right now? (There is no mmap_write_trylock():
 * the probe takes and drops the rwsem itself, changing nothing, so it
 * needs none of mmap_write_unlock()'s VMA-lock bookkeeping.)
 */
static bool numapol_mmap_lock_free(struct mm_struct *mm)
{
	if (!down_write_trylock(&mm->mmap_lock))
		return false;
	up_write(&mm->mmap_lock);
	return true;
}

/*
 * mbind(2) of one range of current's mm, without migration. The first
 * range of a request moves it from RUNNING to COMMITTED, the others
 * find it COMMITTED unless the writer was killed meanwhile.
 */
static int numapol_mbind_one(struct numapol_req *req, struct numapol_range *r,
			     int expect)
{
	const struct numapol_policy *pol = r->pol;
	unsigned short mode = MPOL_DEFAULT, flags = 0;
	nodemask_t nodes = NODE_MASK_NONE;
	unsigned long mbind_flags = 0;
	struct vm_area_struct *vma;
	struct mempolicy *vpol;
	pgoff_t ilx;
	int ret;

	if (pol) {
		ret = numapol_current_nodes(pol, &nodes);
		if (ret)
			return ret;
		mode = pol->mode;
		flags = pol->flags;
		if (flags & MPOL_F_NUMA_BALANCING)
			flags |= MPOL_F_MOF | MPOL_F_MORON;
	}
	/* Without a move, mbind(2) itself reports misplaced pages. */
	if ((r->flags & NUMAPOL_RANGE_STRICT) &&
	    !(r->flags & NUMAPOL_RANGE_MOVE))
		mbind_flags = MPOL_MF_STRICT;
	/*
	 * do_mbind() waits for the mmap_lock uninterruptibly. Make sure it is
	 * free first, waiting (killably, a tick at a time) no longer than the
	 * writer does: a long holder makes the write fail with -EAGAIN,
	 * having changed nothing (more), instead of hanging it.
	 */
	while (!numapol_mmap_lock_free(current->mm)) {
		if (atomic_read(&req->state) != expect)
			return -EINTR;	/* the writer was killed */
		if (time_after(jiffies, req->deadline))
			return -EAGAIN;
		if (schedule_timeout_killable(1) && fatal_signal_pending(current))
			return -EINTR;
	}
	if (atomic_cmpxchg(&req->state, expect,
			   NUMAPOL_COMMITTED) != expect)
		return -EINTR;
	ret = do_mbind(r->start, r->end - r->start, mode, flags, &nodes,
		       mbind_flags, pol ? pol->home_node : NUMA_NO_NODE);
	if (ret || !pol || !(r->flags & NUMAPOL_RANGE_MOVE))
		return ret;

	/* The nodes the range's pages belong on, as the policy now says. */
	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, r->start);
	vpol = vma ? __get_vma_policy(vma, r->start, &ilx) : NULL;
	if (vpol && vpol->mode != MPOL_LOCAL)
		r->move_to = vpol->nodes;
	mpol_cond_put(vpol);
	mmap_read_unlock(current->mm);
	return 0;
}

/*
 * The request's ranges, in order, by current: one round trip for all of
 * them. It stops at the first failure, and once the writer's deadline
 * has passed or current is being killed; the ranges before stay set.
 */
static int numapol_mbind_current(struct numapol_req *req)
{
	int i, ret = 0;

	for (i = 0; i < req->nr_ranges && !ret; i++) {
		/* The writer's time is bounded, and so is the target's. */
		if (i && time_after(jiffies, req->deadline))
			return -EAGAIN;
		if (i && fatal_signal_pending(current))
			return -EINTR;
		ret = numapol_mbind_one(req, &req->ranges[i],
					i ? NUMAPOL_COMMITTED : NUMAPOL_RUNNING);
		if (!ret)
			req->nr_done = i + 1;
		cond_resched();
	}
	return ret;
}

/*
 * Put back the policy current had before a failed write, but only while
 * current still runs the one that write installed: a later write, or a
 * set_mempolicy(2) of its own, is never undone. The old policy was not
 * rebound by cpuset changes since (only the installed one was): rebind it
 * to current's cpuset as it is now.
 */
static void numapol_undo_current(struct numapol_req *req)
{
	struct mempolicy *cur, *old;

	/* Only current replaces current->mempolicy: no lock needed to read. */
	if (req->inherited) {
		/*
		 * A thread created during the write by an updated thread runs a
		 * copy of the new policy: give it a copy of the old one.
		 */
		if (!mpol_equal(current->mempolicy, req->new))
			return;
		old = mpol_dup(req->old);
		if (IS_ERR(old))
			return;
	} else {
		if (current->mempolicy != req->new)
			return;
		old = req->old;
		req->old = NULL;	/* now current's */
		req->applied = false;
	}
	task_lock(current);
	cur = current->mempolicy;
	current->mempolicy = old;
	mpol_rebind_task(current, &current->mems_allowed);
	if (old && (old->mode == MPOL_INTERLEAVE ||
		    old->mode == MPOL_WEIGHTED_INTERLEAVE)) {
		current->il_prev = MAX_NUMNODES - 1;
		current->il_weight = 0;
	}
	task_unlock(current);
	mpol_put(cur);		/* current's reference; @req->new keeps its own */
}

static void numapol_twork(struct callback_head *head);
static void numapol_req_uncount(struct numapol_req *req);

/*
 * An undo taken off an exiting thread's list: there is nothing left to
 * undo; whoever waits for it stops waiting.
 */
static void numapol_req_drop(struct numapol_req *u)
{
	struct numapol_req *p;

	/* Undos it had taken off the list to run first go with it. */
	while ((p = u->prior)) {
		u->prior = p->next;
		numapol_req_drop(p);
	}
	atomic_set(&u->state, NUMAPOL_CANCELLED);
	complete_all(&u->done);
	numapol_req_uncount(u);
	numapol_req_put(u);
}

/*
 * A request of a batch is over (done, cancelled, or dropped): the batch
 * counts it no more, and its writer is woken when none is left.
 */
static void numapol_req_uncount(struct numapol_req *req)
{
	if (req->batch)
		numapol_batch_uncount(req->batch);
}

/* Run the undos of earlier writes that numapol_req_queue() put first. */
static void numapol_run_prior(struct numapol_req *req)
{
	struct numapol_req *u;

	while ((u = req->prior)) {
		req->prior = u->next;
		numapol_twork(&u->twork);
	}
}

static void numapol_twork(struct callback_head *head)
{
	struct numapol_req *req = container_of(head, struct numapol_req, twork);
	int st;

	numapol_run_prior(req);
	/* Cancelled by a writer that gave up: do nothing. */
	if (atomic_cmpxchg(&req->state, NUMAPOL_QUEUED,
			   NUMAPOL_RUNNING) != NUMAPOL_QUEUED) {
		complete_all(&req->done);
		numapol_req_uncount(req);
		numapol_req_put(req);
		return;
	}
	if (current->flags & PF_EXITING) {
		/* From exit_task_work(): the thread's policy is about to go. */
		if (!req->undo)
			req->ret = -ESRCH;
	} else if (req->undo) {
		numapol_undo_current(req);
	} else if (current->mm != req->mm) {
		/* An execve(2) since the access check: not this image. */
		req->ret = req->range ? -ESRCH : -EPERM;
	} else if (req->range) {
		req->ret = numapol_mbind_current(req);
		req->applied = !req->ret;
	} else {
		req->ret = numapol_set_current(req);
		req->applied = !req->ret;
	}
	st = atomic_read(&req->state);
	do {
		if (st == NUMAPOL_ABANDONED)
			break;
	} while (!atomic_try_cmpxchg(&req->state, &st, NUMAPOL_DONE));
	if (st == NUMAPOL_ABANDONED) {
		/* The writer was killed meanwhile; nobody will roll back. */
		if (req->applied && !req->range && !req->undo)
			numapol_undo_current(req);
	}
	/* complete_all(): done stays done for every later look. */
	complete_all(&req->done);
	numapol_req_uncount(req);
	numapol_req_put(req);
}

static bool numapol_undo_match(struct callback_head *head, void *data)
{
	struct numapol_req *req;

	if (head->func != numapol_twork)
		return false;
	req = container_of(head, struct numapol_req, twork);
	return req->undo && atomic_read(&req->state) == NUMAPOL_QUEUED;
}

/* Add @req's work to its thread: 0, or -ESRCH when the thread is exiting. */
static int numapol_req_add(struct numapol_req *req)
{
	init_task_work(&req->twork, numapol_twork);
	return task_work_add(req->task, &req->twork, TWA_SIGNAL);
}

/*
 * Have @req's thread run it: queue its task_work, or run it if it is us.
 *
 * task_work runs the last queued first. An undo of an earlier write that
 * could not run in time (its thread was stopped) must still run before
 * this request, or it would take back what this request installs: such
 * undos are taken off the thread's list and attached to @req, whose work
 * runs them first, in the thread's context (or, if @req is cancelled
 * before it runs, numapol_req_settle() queues them again).
 */
static void numapol_req_queue(struct numapol_req *req)
{
	struct numapol_req *u, **tail = &req->prior;
	struct callback_head *head;

	refcount_inc(&req->ref);
	reinit_completion(&req->done);
	atomic_set(&req->state, NUMAPOL_QUEUED);
	if (req->batch)
		numapol_batch_count(req->batch);
	if (req->task == current) {
		/* Nothing of ours can be pending: we are not in user space. */
		numapol_twork(&req->twork);
		return;
	}
	/*
	 * Newest first, as task_work would have run them. An undo pulls them
	 * too: one still pending when an undo is queued belongs to a later
	 * write (a batch undoes its changes after it has unlocked them,
	 * numapol_batch_end()), and must run first, or it would put back
	 * the policy this undo takes away.
	 */
	while ((head = task_work_cancel_match(req->task, numapol_undo_match,
					      NULL))) {
		u = container_of(head, struct numapol_req, twork);
		u->next = NULL;
		*tail = u;
		tail = &u->next;
	}
	if (numapol_req_add(req)) {
		/* The thread is past exit_task_work(): nothing to undo there. */
		while ((u = req->prior)) {
			req->prior = u->next;
			numapol_req_drop(u);
		}
		atomic_set(&req->state, NUMAPOL_CANCELLED);
		req->ret = -ESRCH;
		complete_all(&req->done);
		numapol_req_uncount(req);
		numapol_req_put(req);
	}
}

/* Wait for @req until @deadline: 0, -EAGAIN, or -EINTR (fatal signal). */
static int numapol_req_wait(struct numapol_req *req, unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	long ret;

	ret = wait_for_completion_killable_timeout(&req->done,
						   max(left, 1L));
	if (ret > 0)
		return 0;
	return ret ? -EINTR : -EAGAIN;
}

/*
 * Make sure @req's work will not start later: cancel it if it has not
 * started, else wait (killably) for it to finish. A work that has started
 * is short: a set_mempolicy(2), or an mbind(2) without migration that
 * gives up at the deadline if the target's mmap_lock is not free.
 *
 * Return: true when the work ran to completion (its result is in @req).
 */
static bool numapol_req_settle(struct numapol_req *req)
{
	struct numapol_req *u;
	int st;

	if (atomic_cmpxchg(&req->state, NUMAPOL_QUEUED,
			   NUMAPOL_CANCELLED) == NUMAPOL_QUEUED) {
		/* Else task_work_run() holds it; the work will see CANCELLED. */
		if (task_work_cancel(req->task, &req->twork)) {
			struct numapol_req *rev = NULL;

			/*
			 * Ours again: the undos it carried go back to the
			 * list, oldest first, so that the newest runs first.
			 */
			while ((u = req->prior)) {
				req->prior = u->next;
				u->next = rev;
				rev = u;
			}
			while ((u = rev)) {
				rev = u->next;
				if (numapol_req_add(u))
					numapol_req_drop(u);
			}
			numapol_req_uncount(req);
			numapol_req_put(req);	/* the work's reference */
		}
		return false;
	}
	if (!wait_for_completion_killable(&req->done))
		return true;
	/* Killed: the work, if still running, cleans up after itself. */
	st = atomic_read_acquire(&req->state);	/* DONE: its results too */
	do {
		if (st != NUMAPOL_RUNNING && st != NUMAPOL_COMMITTED) {
			/*
			 * DONE is set just before complete_all(): let it land
			 * (no sleep in between), or a reinit_completion() to
			 * queue an undo would be undone by it.
			 */
			wait_for_completion(&req->done);
			return true;
		}
	} while (!atomic_try_cmpxchg(&req->state, &st, NUMAPOL_ABANDONED));
	return false;
}

/*
 * The threads a change has queued a request on, sorted by address. Each
 * request holds a reference to its thread, and the change keeps its
 * requests until it is freed: an address in @t is not reused meanwhile.
 * A change of one thread needs none.
 */
struct numapol_seen {
	struct task_struct **t;
	unsigned int n, max;
};

static int numapol_task_cmp(const void *a, const void *b)
{
	const struct task_struct *x = *(struct task_struct * const *)a;
	const struct task_struct *y = *(struct task_struct * const *)b;

	return x < y ? -1 : x > y;
}

static bool numapol_seen_has(const struct numapol_seen *s,
			     struct task_struct *t)
{
	return !!__inline_bsearch(&t, s->t, s->n, sizeof(*s->t),
				  numapol_task_cmp);
}

/* Make room for @n more threads: 0 or -ENOMEM. */
static int numapol_seen_grow(struct numapol_seen *s, unsigned int n)
{
	struct task_struct **t;
	unsigned int need;

	if (n <= s->max - s->n)
		return 0;
	if (check_add_overflow(s->n, n, &need))
		return -ENOMEM;
	/* Rounds that find a few threads more do not copy it each time. */
	n = max(need, 2 * s->max);
	t = kvmalloc_array(n, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	if (s->n)
		memcpy(t, s->t, s->n * sizeof(*t));
	kvfree(s->t);
	s->t = t;
	s->max = n;
	return 0;
}

/* Sort again if threads were added at the end since it had @old. */
static void numapol_seen_sort(struct numapol_seen *s, unsigned int old)
{
	if (s->n != old)
		sort(s->t, s->n, sizeof(*s->t), numapol_task_cmp, NULL);
}

/*
 * Which threads of a process a round of requests (or of undos) is for:
 * threads that can run one and are not in @seen, that started at @since or
 * later (task_struct::start_time), and, with @by_policy, whose policy is
 * (@equal) or is not equal to @ref.
 */
struct numapol_pick {
	const struct numapol_seen *seen;
	u64 since;
	bool by_policy, equal;
	struct mempolicy *ref;
};

static bool numapol_pick_one(struct task_struct *t,
			     const struct numapol_pick *p)
{
	bool same;

	/* io_uring and vhost workers never return to user space. */
	if (t->flags & (PF_EXITING | PF_KTHREAD | PF_USER_WORKER |
			PF_IO_WORKER) ||
	    t->start_time < p->since || numapol_seen_has(p->seen, t))
		return false;
	if (!p->by_policy)
		return true;
	task_lock(t);
	same = mpol_equal(t->mempolicy, p->ref);
	task_unlock(t);
	return same == p->equal;
}

/*
 * The threads of @task's process that @p picks, each referenced, in a
 * kvmalloc()ed array of *@n; NULL when out of memory.
 */
static struct task_struct **numapol_pick_threads(struct task_struct *task,
						 const struct numapol_pick *p,
						 int *n)
{
	int i, max = READ_ONCE(task->signal->nr_threads) + 8;
	struct task_struct **threads, *t;

again:
	threads = kvmalloc_array(max, sizeof(*threads), GFP_KERNEL_ACCOUNT);
	if (!threads)
		return NULL;
	*n = 0;
	rcu_read_lock();
	for_each_thread(task, t) {
		if (!numapol_pick_one(t, p))
			continue;
		if (*n < max)
			threads[*n] = get_task_struct(t);
		(*n)++;
	}
	rcu_read_unlock();
	if (*n > max) {
		for (i = 0; i < max; i++)
			put_task_struct(threads[i]);
		kvfree(threads);
		max = *n + 8;
		goto again;
	}
	return threads;
}

/*
 * Threads created during the write by threads that had taken the new
 * policy inherited it, and have no request of their own: queue an undo for
 * each that still runs a policy equal to @ref, giving it a copy of
 * @ref_old. Returns how many were queued.
 */
static int numapol_rollback_inherited(struct task_struct *task,
				      struct mm_struct *mm,
				      struct numapol_seen *seen, u64 since,
				      struct mempolicy *ref,
				      struct mempolicy *ref_old,
				      struct list_head *reqs)
{
	struct numapol_pick p = {
		.seen = seen, .since = since,
		.by_policy = true, .equal = true, .ref = ref,
	};
	unsigned int old = seen->n;
	struct task_struct **threads;
	int i, n, queued = 0;
	bool record;

	threads = numapol_pick_threads(task, &p, &n);
	if (!threads)
		return 0;
	/*
	 * Unrecorded, a thread may be given a second undo by a later look:
	 * it finds the thread's policy no longer equal to @ref, and does
	 * nothing.
	 */
	record = !numapol_seen_grow(seen, n);

	for (i = 0; i < n; i++) {
		struct numapol_req *req = numapol_req_alloc(threads[i], mm,
							    NULL);

		put_task_struct(threads[i]);
		if (!req)
			continue;
		req->undo = true;
		req->inherited = true;
		mpol_get(ref);
		req->new = ref;
		mpol_get(ref_old);
		req->old = ref_old;
		/* A later look (numapol_rollback()) skips the thread. */
		if (record)
			seen->t[seen->n++] = req->task;
		list_add_tail(&req->node, reqs);
		numapol_req_queue(req);
		queued++;
	}
	numapol_seen_sort(seen, old);
	kvfree(threads);
	return queued;
}

/*
 * What a rollback gives the threads created during the write that
 * inherited the new policy: @new, what the first changed thread installed,
 * and a copy of its old policy (the thread itself rebinds the original in
 * place once it has it back: numapol_undo_current()).
 */
struct numapol_undo_ref {
	bool have;
	struct mempolicy *new, *old;
};

static void numapol_undo_ref_put(struct numapol_undo_ref *r)
{
	if (!r->have)
		return;
	mpol_put(r->new);
	mpol_put(r->old);
	r->have = false;
}

/*
 * Give every thread that took the new policy its old one back, from its own
 * context: the request that made the change is queued again to undo it, so
 * this needs no memory and cannot fail. A thread that does not run it
 * before numapol_rollback_wait() gives up still runs it before it next
 * returns to user space (and before any later write's change to it). For
 * a process (@group), threads created meanwhile (from @since on) that
 * inherited the new policy are given the old one too (this needs the
 * process's lock, and memory). @later: another change of the process's
 * policy has begun since this one; a thread running the default policy
 * may then run it by that change, and is left alone when this one
 * installed the default (NULL: no object to tell them apart).
 *
 * Return in @r (numapol_undo_ref_put() it) what numapol_rollback() needs
 * to look again for threads created meanwhile.
 */
static void numapol_rollback_queue(struct task_struct *task,
				   struct mm_struct *mm, bool group,
				   struct numapol_seen *seen, u64 since,
				   bool later, struct list_head *reqs,
				   struct numapol_undo_ref *r)
{
	struct numapol_req *req;
	bool have_ref = false;

	r->have = false;
	list_for_each_entry(req, reqs, node) {
		if (!numapol_req_settle(req) || !req->applied)
			continue;
		if (later && !req->new)
			continue;
		if (!have_ref && group) {
			struct mempolicy *old;
			bool same;

			/*
			 * Copied before the thread can have it back (and
			 * rebind it in place). A rewrite of the policy a
			 * thread had needs no undo for threads that inherited
			 * it. (mpol_dup() rebinds the copy to the writer's
			 * cpuset if that is being rebound right now; the
			 * thread rebinds its own copy of it to its cpuset.)
			 */
			have_ref = true;
			/* Still the thread's: a cpuset change rebinds it. */
			task_lock(req->task);
			same = mpol_equal(req->old, req->new);
			task_unlock(req->task);
			old = same ? ERR_PTR(-EEXIST) : mpol_dup(req->old);
			if (!IS_ERR(old)) {
				r->have = true;
				r->new = req->new;
				mpol_get(r->new);
				r->old = old;
			}
		}
		req->undo = true;
		numapol_req_queue(req);
	}
	/* Even when killed: the threads must not keep what failed. */
	if (r->have)
		numapol_rollback_inherited(task, mm, seen, since, r->new,
					   r->old, reqs);
}

/* Wait for the undos queued on @reqs until @deadline: 0 or -EINTR. */
static int numapol_rollback_wait(struct list_head *reqs,
				 unsigned long deadline)
{
	struct numapol_req *req;

	list_for_each_entry(req, reqs, node) {
		if (req->undo && numapol_req_wait(req, deadline) == -EINTR)
			return -EINTR;
	}
	return 0;
}

/*
 * Roll back and wait a bounded time for it, killably; the process's lock is
 * held throughout. A thread that had the new policy may have been in
 * clone(2) while the threads were looked at (copy_process() goes on
 * despite a pending notification, and links the new thread late): once
 * the threads have run their undos, every thread they made with the new
 * policy is on the list. So look again after each wait, until a look
 * finds none, or the deadline.
 */
static void numapol_rollback(struct task_struct *task, struct mm_struct *mm,
			     bool group, struct numapol_seen *seen, u64 since,
			     struct list_head *reqs)
{
	unsigned long deadline = numapol_deadline();
	struct numapol_undo_ref r;

	numapol_rollback_queue(task, mm, group, seen, since, false, reqs, &r);
	while (!numapol_rollback_wait(reqs, deadline) && r.have &&
	       !fatal_signal_pending(current) &&
	       time_before(jiffies, deadline) &&
	       numapol_rollback_inherited(task, mm, seen, since, r.new, r.old,
					  reqs))
		cond_resched();
	numapol_undo_ref_put(&r);
}

/*
 * Queue a request on every thread of @task's process (or on @task alone)
 * that has none yet and, when @have_ref, does not already run a policy
 * equal to @ref (what a thread installed in this write, NULL for default:
 * a thread created by an updated thread inherits it, and needs nothing).
 * Returns how many were queued, or -ENOMEM.
 */
static int numapol_queue_round(struct task_struct *task, bool group,
			       struct mm_struct *mm, struct numapol_policy *pol,
			       bool have_ref, struct mempolicy *ref,
			       struct numapol_seen *seen,
			       struct list_head *reqs,
			       struct numapol_batch *batch)
{
	struct numapol_pick p = {
		.seen = seen,
		.by_policy = have_ref, .equal = false, .ref = ref,
	};
	unsigned int old = seen->n;
	struct task_struct **threads;
	int i, n;

	if (!group) {
		struct numapol_req *req;

		/* One request, for @task: no thread to look up. */
		if (!list_empty(reqs))
			return 0;
		req = numapol_req_alloc(task, mm, pol);
		if (!req)
			return -ENOMEM;
		numapol_req_batch(req, batch);
		list_add_tail(&req->node, reqs);
		numapol_req_queue(req);
		return 1;
	}

	threads = numapol_pick_threads(task, &p, &n);
	if (!threads)
		return -ENOMEM;
	if (numapol_seen_grow(seen, n))
		goto nomem;

	for (i = 0; i < n; i++) {
		struct numapol_req *req = numapol_req_alloc(threads[i], mm, pol);

		if (!req) {
			numapol_seen_sort(seen, old);
			goto nomem;
		}
		numapol_req_batch(req, batch);
		seen->t[seen->n++] = threads[i];
		list_add_tail(&req->node, reqs);
		numapol_req_queue(req);
		/* Its request holds it now. */
		put_task_struct(threads[i]);
		threads[i] = NULL;
	}
	numapol_seen_sort(seen, old);
	kvfree(threads);
	return n;

nomem:
	/* Put the threads not queued on; -ENOMEM fails the change. */
	for (i = 0; i < n; i++)
		if (threads[i])
			put_task_struct(threads[i]);
	kvfree(threads);
	return -ENOMEM;
}

/*
 * Take the lock that serializes numapol's changes to @task's process, and
 * check that @mm is still the process's (an execve(2) since the access
 * check ends the right to change it). With @try, never wait for it:
 * -EBUSY when another writer holds it.
 */
static int numapol_lock(struct task_struct *task, struct mm_struct *mm,
			bool group, int exec_err, bool try)
{
	struct task_struct *t;
	struct mm_struct *cur;
	int ret;

	if (try) {
		if (!mutex_trylock(&task->signal->numapol_mutex))
			return -EBUSY;
	} else {
		ret = mutex_lock_killable(&task->signal->numapol_mutex);
		if (ret)
			return ret;
	}
	t = group ? numapol_live_thread(task) : get_task_struct(task);
	task_lock(t);
	cur = t->mm;
	task_unlock(t);
	put_task_struct(t);
	if (cur == mm)
		return 0;
	mutex_unlock(&task->signal->numapol_mutex);
	return cur ? exec_err : -ESRCH;
}

/*
 * One change of a task policy: started under the process's numapol_mutex
 * (numapol_set_start()), advanced by numapol_set_step() as its requests
 * complete, ended (rolled back on failure, unlocked) by numapol_set_end().
 * The requests of a change that succeeded are kept until
 * numapol_set_free(), so that a batch can still give the threads their old
 * policy back (numapol_batch_end()).
 */
struct numapol_set_ctx {
	struct task_struct *task;
	struct mm_struct *mm;
	struct numapol_policy *pol;
	bool group;
	bool deferred;			/* batch: its lock was busy */
	bool done;			/* ended: @ret is its result */
	bool applied;			/* some thread took the policy */
	struct mempolicy *ref;		/* what the first one installed */
	unsigned long deadline;
	u64 since;			/* as task_struct::start_time */
	unsigned long seq;		/* signal->numapol_seq it began as */
	bool undoing;			/* batch: rolled back, not waited for */
	int n;				/* requests queued by the last round */
	int ret;
	struct numapol_batch *batch;	/* the batch it is part of, or NULL */
	struct list_head *seen_to;	/* the last request looked at */
	struct numapol_seen seen;	/* (most) threads of @reqs */
	struct list_head reqs;
};

/* Queue the first round of a change; the process's lock is held. */
static void numapol_set_start(struct numapol_set_ctx *c)
{
	/* The time allowed starts now, not behind another writer. */
	c->deadline = numapol_deadline();
	c->since = ktime_get_ns();
	c->seq = c->task->signal->numapol_seq + 1;
	WRITE_ONCE(c->task->signal->numapol_seq, c->seq);
	c->seen = (struct numapol_seen){};
	INIT_LIST_HEAD(&c->reqs);
	c->seen_to = &c->reqs;
	c->n = numapol_queue_round(c->task, c->group, c->mm, c->pol, false,
				   NULL, &c->seen, &c->reqs, c->batch);
}

/* Free what a change kept (its requests), once it is over. */
static void numapol_set_free(struct numapol_set_ctx *c)
{
	struct numapol_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &c->reqs, node) {
		list_del(&req->node);
		numapol_req_put(req);
	}
	kvfree(c->seen.t);
	c->seen = (struct numapol_seen){};
}

/*
 * End a change with @ret: roll it back if it failed; unlock. In a batch
 * the rollback is only queued: numapol_batch_set() waits for all of them
 * at once, and frees the requests then.
 */
static void numapol_set_end(struct numapol_set_ctx *c, int ret)
{
	if (!ret && !c->applied)
		ret = -ESRCH;	/* every thread was exiting */
	if (ret && c->batch) {
		struct numapol_undo_ref r;

		/* Locked: threads created since are this change's. */
		numapol_rollback_queue(c->task, c->mm, c->group, &c->seen,
				       c->since, false, &c->reqs, &r);
		numapol_undo_ref_put(&r);
		c->undoing = true;
	} else if (ret) {
		numapol_rollback(c->task, c->mm, c->group, &c->seen, c->since,
				 &c->reqs);
	}
	mutex_unlock(&c->task->signal->numapol_mutex);
	if (ret && !c->undoing)
		numapol_set_free(c);
	c->ret = ret;
	c->done = true;
}

/* The first request of @c not looked at yet, or NULL. */
static struct numapol_req *numapol_set_next(struct numapol_set_ctx *c)
{
	if (c->seen_to->next == &c->reqs)
		return NULL;
	return list_entry(c->seen_to->next, struct numapol_req, node);
}

/*
 * Advance a started change as far as it goes without waiting: look at the
 * requests that are done, in order; once all are, queue a round for the
 * threads created meanwhile, or end the change when there is none. It
 * fails at the first request that failed, at the deadline, or when the
 * writer is being killed.
 *
 * Return: true when the change has ended (numapol_set_end()).
 */
static bool numapol_set_step(struct numapol_set_ctx *c)
{
	struct numapol_req *req;
	int ret = 0;

	while (!c->done) {
		/* The last round could not queue all it had to: -ENOMEM. */
		if (c->n < 0) {
			numapol_set_end(c, c->n);
			break;
		}
		while ((req = numapol_set_next(c))) {
			if (!completion_done(&req->done)) {
				if (fatal_signal_pending(current))
					ret = -EINTR;
				else if (time_after(jiffies, c->deadline))
					ret = -EAGAIN;
				else
					return false;
				break;
			}
			if (req->ret && req->ret != -ESRCH) {
				ret = req->ret;
				break;
			}
			if (req->applied && !c->applied)
				c->ref = req->new;
			c->applied |= req->applied;
			c->seen_to = &req->node;
		}
		if (!ret && c->n > 0) {
			c->n = numapol_queue_round(c->task, c->group, c->mm,
						   c->pol, c->applied, c->ref,
						   &c->seen, &c->reqs, c->batch);
			/*
			 * Threads still to change: not past the deadline, or
			 * once killed (the rollback cancels what was queued),
			 * even if each round completes at once.
			 */
			if (c->n > 0 && fatal_signal_pending(current))
				ret = -EINTR;
			else if (c->n > 0 && time_after(jiffies, c->deadline))
				ret = -EAGAIN;
			else
				continue;
		}
		numapol_set_end(c, ret);
	}
	return true;
}

/* Run a started change to its end, waiting for its requests in turn. */
static int numapol_set_run(struct numapol_set_ctx *c)
{
	struct numapol_req *req;

	while (!numapol_set_step(c)) {
		req = numapol_set_next(c);
		numapol_req_wait(req, c->deadline);
	}
	return c->ret;
}

/*
 * What every change of a task policy checks before taking the lock.
 * Kernel threads have no policy of a process to change; io_uring and vhost
 * workers never return to user space (to run a task_work at a point of
 * their choosing) and allocate for the process as its own kernel threads:
 * a process's change skips them, and a change of one alone is refused.
 */
static int numapol_set_check(struct task_struct *task)
{
	if (task->flags & (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER))
		return -EINVAL;
	return security_task_movememory(task);
}

static int numapol_set(struct task_struct *task, struct mm_struct *mm,
		       struct numapol_policy *pol, bool group)
{
	struct numapol_set_ctx c = {
		.task = task, .mm = mm, .pol = pol, .group = group,
	};
	int ret;

	ret = numapol_set_check(task);
	if (ret)
		return ret;
	ret = numapol_lock(task, mm, group, -EPERM, false);
	if (ret)
		return ret;
	numapol_set_start(&c);
	ret = numapol_set_run(&c);
	if (!ret)
		numapol_set_free(&c);
	return ret;
}

/**
 * numapol_set_thread - change the task policy of one thread
 * @task: the thread
 * @mm: the mm access to @task was checked for (numapol_access_mm()): the
 *	change is refused (-EPERM) if @task has called execve() since
 * @pol: the new policy
 *
 * The policy is installed by @task itself (task_work), checked against its
 * cpuset; returns once it is in force.
 *
 * Return: 0; -EINVAL when @pol names nodes the thread may not use or @task
 * is a kernel thread; -ESRCH when it is exiting; -EPERM when it has
 * called execve() since @mm; -EAGAIN when it did not get to run the change
 * within numapol.timeout_ms (nothing changed); -EINTR when the caller was
 * killed (the thread has its old or its new policy); -ENOMEM.
 */
int numapol_set_thread(struct task_struct *task, struct mm_struct *mm,
		       struct numapol_policy *pol)
{
	return numapol_set(task, mm, pol, false);
}

/**
 * numapol_set_process - change the task policy of every thread of a process
 * @task: any thread of the process
 * @mm: as for numapol_set_thread()
 * @pol: the new policy
 *
 * Like numapol_set_thread() for every thread, including threads created
 * while the change is in progress. On failure no thread keeps the new
 * policy.
 *
 * Return: as numapol_set_thread().
 */
int numapol_set_process(struct task_struct *task, struct mm_struct *mm,
			struct numapol_policy *pol)
{
	return numapol_set(task, mm, pol, true);
}

/**
 * struct numapol_batch - task-policy changes of many processes, one write
 * @ref: the writer's reference, and one per request of the batch (a
 *	request may outlive the writer, killed)
 * @pending: requests queued and not over yet
 * @pol: the policy they are given
 * @n: contexts used
 * @max: contexts allocated
 * @ctx: one per process given to numapol_batch_set(), in order
 */
struct numapol_batch {
	refcount_t ref;
	atomic_t pending;
	struct numapol_policy *pol;
	int n, max;
	struct numapol_set_ctx ctx[] __counted_by(max);
};

/* How often a batch waiting for a slow member ends the changes that are over. */
#define NUMAPOL_BATCH_TICK_MS	10

static void numapol_batch_put(struct numapol_batch *b)
{
	if (refcount_dec_and_test(&b->ref))
		kvfree(b);
}

static void numapol_batch_count(struct numapol_batch *b)
{
	atomic_inc(&b->pending);
}

/*
 * Wake the writer once no request is left: one wake-up per batch, not one
 * per request. (The atomic is fully ordered: the completion before it is
 * seen by a writer that sees the count at zero.)
 */
static void numapol_batch_uncount(struct numapol_batch *b)
{
	if (atomic_dec_and_test(&b->pending))
		wake_up_var(b);
}

/* Make @req one of @b's (counted while queued), when @b is not NULL. */
static void numapol_req_batch(struct numapol_req *req, struct numapol_batch *b)
{
	if (!b)
		return;
	refcount_inc(&b->ref);
	req->batch = b;
}

/**
 * numapol_batch_new - prepare to change the task policy of many processes
 * @pol: the new policy (a reference is taken)
 * @max: how many processes at most
 *
 * Return: a batch for numapol_batch_set() and numapol_batch_end(), or
 * NULL without memory.
 */
struct numapol_batch *numapol_batch_new(struct numapol_policy *pol, int max)
{
	struct numapol_batch *b;

	b = kvzalloc(struct_size(b, ctx, max), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	refcount_set(&b->ref, 1);
	b->max = max;
	b->pol = numapol_policy_get(pol);
	return b;
}

/*
 * Wait until every request of @b is over, a tick has passed (so that the
 * changes that are over end, and unlock their processes, while a slow one
 * is still waited for), or the earliest deadline of @c[0..@n), killably.
 */
static void numapol_batch_wait(struct numapol_batch *b,
			       struct numapol_set_ctx *c, int n)
{
	long left = msecs_to_jiffies(NUMAPOL_BATCH_TICK_MS);
	struct wait_bit_queue_entry wbq;
	struct wait_queue_head *wq;
	int i;

	for (i = 0; i < n; i++) {
		if (!c[i].done && !c[i].deferred)
			left = min(left, (long)(c[i].deadline - jiffies) + 1);
	}
	if (left <= 0)
		return;
	/* wait_var_event_killable(), with a timeout. */
	wq = __var_waitqueue(b);
	init_wait_var_entry(&wbq, b, 0);
	for (;;) {
		if (prepare_to_wait_event(wq, &wbq.wq_entry, TASK_KILLABLE))
			break;		/* killed: the steps see it */
		if (!atomic_read(&b->pending) || left <= 0)
			break;
		left = schedule_timeout(left);
	}
	finish_wait(wq, &wbq.wq_entry);
}

/**
 * numapol_batch_set - change the task policy of some processes at once
 * @b: the batch
 * @t: the processes: for each, a thread and the mm access to it was
 *	checked for, as numapol_set_process() takes them; @t[i].ret is set
 *	to what numapol_set_process() would have returned
 * @n: how many, at most NUMAPOL_SET_BATCH (and @b's room)
 *
 * Like numapol_set_process() on each, but every change is queued before
 * any is waited for, so the processes' threads run them in parallel, and
 * each change advances (further rounds, its end, its unlock) as soon as
 * its requests are done, whatever the others do: @n slow processes cost
 * one numapol.timeout_ms, not @n. Each process has its own full timeout
 * from the moment its change is queued. To hold several numapol_mutexes
 * without a lock order, they are only try-locked; a process that another
 * writer is changing is done afterwards, alone, holding no other.
 *
 * A change that fails is rolled back at once (as numapol_set_process());
 * those that succeed can still be undone by numapol_batch_end().
 */
void numapol_batch_set(struct numapol_batch *b, struct numapol_target *t,
		       int n)
{
	struct numapol_set_ctx *c = b->ctx + b->n;
	unsigned long deadline;
	int i, left, ret;

	if (WARN_ON_ONCE(n > NUMAPOL_SET_BATCH || n > b->max - b->n)) {
		for (i = 0; i < n; i++)
			t[i].ret = -EINVAL;
		return;
	}
	for (i = 0; i < n; i++) {
		/* Held until numapol_batch_end(): the caller's may not be. */
		c[i] = (struct numapol_set_ctx) {
			.task = get_task_struct(t[i].task), .mm = t[i].mm,
			.pol = b->pol, .group = true, .batch = b,
		};
		mmgrab(c[i].mm);
		/* Killed: start nothing more (nothing changed there). */
		ret = fatal_signal_pending(current) ? -EINTR :
		      numapol_set_check(c[i].task);
		if (!ret) {
			ret = numapol_lock(c[i].task, c[i].mm, true, -EPERM,
					   true);
			c[i].deferred = ret == -EBUSY;
		}
		if (c[i].deferred) {
			continue;
		} else if (ret) {
			c[i].ret = ret;
			c[i].done = true;
		} else {
			numapol_set_start(&c[i]);
		}
	}
	for (;;) {
		for (i = 0, left = 0; i < n; i++)
			left += !c[i].done && !c[i].deferred &&
				!numapol_set_step(&c[i]);
		if (!left)
			break;
		numapol_batch_wait(b, c, n);
	}
	/* Now that no numapol_mutex is held: wait for the busy ones. */
	for (i = 0; i < n; i++) {
		if (!c[i].deferred)
			continue;
		c[i].deferred = false;
		ret = fatal_signal_pending(current) ? -EINTR :
		      numapol_lock(c[i].task, c[i].mm, true, -EPERM, false);
		if (ret) {
			c[i].ret = ret;
			c[i].done = true;
			continue;
		}
		numapol_set_start(&c[i]);
		numapol_set_run(&c[i]);
	}
	/* The rollbacks of those that failed, waited for together. */
	deadline = numapol_deadline();
	for (i = 0; i < n; i++) {
		if (!c[i].undoing)
			continue;
		numapol_rollback_wait(&c[i].reqs, deadline);
		numapol_set_free(&c[i]);
		c[i].undoing = false;
	}
	for (i = 0; i < n; i++)
		t[i].ret = c[i].ret;
	b->n += n;
}

/*
 * The lock of a batch member's process, to undo its change: killably, or,
 * when the writer is being killed, until @deadline (one for the whole
 * batch: its holders are writers bounded by numapol.timeout_ms): an undo
 * queued without the lock might run before the pending undo of a write
 * that began after ours.
 */
static bool numapol_batch_lock(struct numapol_set_ctx *c,
			       unsigned long deadline)
{
	struct mutex *lock = &c->task->signal->numapol_mutex;

	if (!mutex_lock_killable(lock))
		return true;
	while (!mutex_trylock(lock)) {
		if (time_after(jiffies, deadline))
			return false;
		schedule_timeout_uninterruptible(1);
	}
	return true;
}

/**
 * numapol_batch_end - keep or undo a batch's changes, and free it
 * @b: the batch, or NULL
 * @undo: give every thread that took the new policy its old one back
 *
 * The undo is the rollback of a failed numapol_set_process(): a thread
 * gets its old policy back only while it still runs the one this batch
 * installed, so a later write, or a policy the thread set itself, is
 * never undone. It needs no memory, is queued even when the caller is
 * being killed, and is waited for at most numapol.timeout_ms in all,
 * killably; a thread that does not run it by then runs it before it next
 * returns to user space.
 */
void numapol_batch_end(struct numapol_batch *b, bool undo)
{
	unsigned long deadline = numapol_deadline();
	struct numapol_undo_ref r;
	struct numapol_set_ctx *c;
	bool locked, later;
	int i;

	if (!b)
		return;
	for (i = 0; undo && i < b->n; i++) {
		c = &b->ctx[i];
		if (c->ret)
			continue;	/* rolled back already, or never begun */
		/*
		 * Under the lock, so that its undos are ordered with other
		 * writers' (numapol_req_queue()), and threads created since
		 * are found, if no other change has begun since ours.
		 */
		locked = numapol_batch_lock(c, deadline);
		/*
		 * No task-policy change since ours: its threads are ours,
		 * and so is a thread that runs the default policy or one
		 * equal to ours. Unlocked, a change may begin any time.
		 */
		later = !locked ||
			READ_ONCE(c->task->signal->numapol_seq) != c->seq;
		/* Then threads created since may be the later change's. */
		numapol_rollback_queue(c->task, c->mm, c->group && !later,
				       &c->seen, c->since, later, &c->reqs, &r);
		numapol_undo_ref_put(&r);
		if (locked)
			mutex_unlock(&c->task->signal->numapol_mutex);
	}
	deadline = numapol_deadline();
	for (i = 0; undo && i < b->n; i++) {
		if (!b->ctx[i].ret &&
		    numapol_rollback_wait(&b->ctx[i].reqs, deadline))
			break;
	}
	for (i = 0; i < b->n; i++) {
		c = &b->ctx[i];
		if (!c->ret)
			numapol_set_free(c);
		mmdrop(c->mm);
		put_task_struct(c->task);
	}
	numapol_policy_put(b->pol);
	numapol_batch_put(b);
}

/**
 * numapol_live_thread - a thread of a process that can run its requests
 * @task: any thread of the process
 *
 * The leader may have exited while other threads run; workers (io_uring,
 * vhost) never return to user space.
 *
 * Return: a referenced thread: the first one that is neither exiting nor a
 * worker, else @task.
 */
struct task_struct *numapol_live_thread(struct task_struct *task)
{
	struct task_struct *t, *found = NULL;

	rcu_read_lock();
	for_each_thread(task, t) {
		if (!(t->flags & (PF_EXITING | PF_USER_WORKER | PF_IO_WORKER))) {
			found = get_task_struct(t);
			break;
		}
	}
	rcu_read_unlock();
	return found ?: get_task_struct(task);
}

/**
 * numapol_access_mm - check a writer against a target, and get its mm
 * @task: the target thread, or any thread of the target process
 * @group: @task stands for its process: check a live thread of it (the
 *	leader may have exited)
 *
 * The one check every front end makes when it is given a target: ptrace
 * attach access to it (mm_access(), with the caller's filesystem
 * credentials, so a file descriptor handed to a set-user-ID program gains
 * nothing), plus numapol_check_access(). The mm it returns is the object
 * the access was checked on; every later change is made to it or refused.
 *
 * Return: the mm with an mm_count reference (mmdrop() it), or
 * ERR_PTR(-EINVAL) for a kernel thread, -ESRCH when there is no mm,
 * -EACCES or -EPERM.
 */
struct mm_struct *numapol_access_mm(struct task_struct *task, bool group)
{
	struct task_struct *t;
	struct mm_struct *mm;
	int ret;

	if (task->flags & PF_KTHREAD)
		return ERR_PTR(-EINVAL);
	t = group ? numapol_live_thread(task) : get_task_struct(task);
	mm = mm_access(t, PTRACE_MODE_ATTACH_FSCREDS);
	if (IS_ERR_OR_NULL(mm)) {
		put_task_struct(t);
		return mm ? ERR_CAST(mm) : ERR_PTR(-ESRCH);
	}
	ret = numapol_check_access(t);
	put_task_struct(t);
	if (ret) {
		mmput(mm);
		return ERR_PTR(ret);
	}
	mmgrab(mm);
	mmput(mm);
	return mm;
}

/**
 * numapol_may_migrate - may a writer move a process's pages to some nodes
 * @task: a thread of the target process
 * @to: the destination nodes
 * @cap_sys_nice: the writer (for a file: its opener) has CAP_SYS_NICE
 *
 * The rules of migrate_pages(2), in its order: the destinations must be
 * memory nodes, in the target's cpuset unless the writer has CAP_SYS_NICE,
 * and some of them in the writer's own cpuset (pages are only allocated
 * there); and the LSM must agree.
 *
 * Return: 0, -EINVAL (not memory nodes, or none the writer may allocate
 * on), -EPERM (outside the target's cpuset), or the LSM's error.
 */
int numapol_may_migrate(struct task_struct *task, const nodemask_t *to,
			bool cap_sys_nice)
{
	nodemask_t allowed;

	if (!nodes_subset(*to, node_states[N_MEMORY]))
		return -EINVAL;
	allowed = cpuset_mems_allowed(task);
	if (!nodes_subset(*to, allowed) && !cap_sys_nice)
		return -EPERM;
	nodes_and(allowed, *to, cpuset_current_mems_allowed);
	if (nodes_empty(allowed))
		return -EINVAL;
	return security_task_movememory(task);
}

/* Move the pages of a range set with NUMAPOL_RANGE_MOVE. */
static int numapol_move_range(struct mm_struct *mm, struct numapol_range *r,
			      bool lru_off)
{
	unsigned long failed = 0;
	nodemask_t from;
	long moved;

	if (!(r->flags & NUMAPOL_RANGE_MOVE) || !r->pol ||
	    nodes_empty(r->move_to))
		return 0;
	nodes_andnot(from, node_states[N_MEMORY], r->move_to);
	if (!lru_off)
		lru_cache_disable();
	moved = numapol_migrate_range(mm, r->start, r->end, &from,
				      &r->move_to, ULONG_MAX,
				      r->flags & NUMAPOL_RANGE_MOVE_ALL, &failed);
	if (!lru_off)
		lru_cache_enable();
	if (moved < 0)
		return moved;
	/* As mbind(2) with MPOL_MF_STRICT. */
	if ((r->flags & NUMAPOL_RANGE_STRICT) &&
	    (failed || !nodes_subset(r->move_to, cpuset_current_mems_allowed)))
		return -EIO;
	return 0;
}

/**
 * numapol_set_ranges - set the policies of address ranges, as mbind(2) would
 * @task: a thread of the target process
 * @mm: the target's mm, as checked by numapol_access_mm(), with a user
 *	reference (mmget()) held by the caller
 * @ranges: the ranges, applied in this order; each page aligned, with its
 *	policy (NULL to remove the range's VMA policy) and flags:
 *	NUMAPOL_RANGE_MOVE: also migrate the range's pages to the policy's
 *	nodes (only those mapped by this process alone, unless
 *	NUMAPOL_RANGE_MOVE_ALL); NUMAPOL_RANGE_STRICT: as mbind(2)'s
 *	MPOL_MF_STRICT, -EIO when pages of the range are not on the policy's
 *	nodes (without a move: the policy is then not set) or could not be
 *	moved there (also: some of the nodes are outside the caller's cpuset,
 *	where it cannot allocate)
 * @n: how many (at least one)
 * @flags: NUMAPOL_RANGE_LRU_OFF: the caller has called lru_cache_disable()
 *	(once for several calls), see numapol_migrate_range()
 *
 * A thread of the target calls do_mbind() itself (task_work) for every
 * range, one after the other in one task_work: one round trip for all of
 * them. VMAs are split and merged, nodes checked against the target's
 * cpuset and locks taken exactly as for the target's own mbind(2); the
 * caller waits. Then the pages of the ranges with NUMAPOL_RANGE_MOVE that
 * sit elsewhere are migrated to the policy's nodes (spread over them) by
 * the caller, in batches, as numapol_migrate_range() does: the target is
 * never the migration engine. A home node in a policy is set with it, as
 * set_mempolicy_home_node(2) would set it. The ranges are copied: @ranges
 * is the caller's again on return.
 *
 * Return: 0, or the error of the first range that failed, the ranges
 * before it being set (and moved): as mbind(2) (-EFAULT for a hole in the
 * range, ...); -EINVAL for nodes the target may not use; -ESRCH when the
 * target has exited or called execve() since @mm was taken; -EAGAIN when
 * the target did not get to it (or to the rest) within
 * numapol.timeout_ms; -EINTR when the caller was killed (ranges already
 * set stay set, without their moves; a range being set has its old or its
 * new policy; pages moved so far stay moved); -ENOMEM.
 */
int numapol_set_ranges(struct task_struct *task, struct mm_struct *mm,
		       const struct numapol_range *ranges, int n,
		       unsigned int flags)
{
	struct numapol_req *req;
	unsigned long deadline;
	struct task_struct *t;
	bool moves;
	int i, ret;

	if (n <= 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if ((ranges[i].start | ranges[i].end) & ~PAGE_MASK ||
		    ranges[i].end <= ranges[i].start)
			return -EINVAL;
	}
	if (task->flags & PF_KTHREAD)
		return -EINVAL;
	ret = security_task_movememory(task);
	if (ret)
		return ret;
	ret = numapol_lock(task, mm, true, -ESRCH, false);
	if (ret)
		return ret;
	deadline = jiffies + msecs_to_jiffies(numapol_timeout_ms);
	/* A process changing its own range does it itself, at once. */
	if (same_thread_group(current, task) && current->mm == mm)
		t = get_task_struct(current);
	else
		t = numapol_live_thread(task);
	req = numapol_req_alloc(t, mm, NULL);
	put_task_struct(t);
	if (req)
		req->ranges = kvmemdup(ranges, array_size(n, sizeof(*ranges)),
				       GFP_KERNEL_ACCOUNT);
	if (!req || !req->ranges) {
		if (req)
			numapol_req_put(req);
		ret = -ENOMEM;
		goto unlock;
	}
	/* The work may outlive the caller (killed): its own references. */
	for (i = 0; i < n; i++) {
		if (req->ranges[i].pol)
			numapol_policy_get(req->ranges[i].pol);
		nodes_clear(req->ranges[i].move_to);
	}
	req->nr_ranges = n;
	req->range = true;
	req->deadline = deadline;

	numapol_req_queue(req);
	ret = numapol_req_wait(req, deadline);
	if (ret && numapol_req_settle(req))
		ret = 0;	/* it had started, and has completed */
	/* Killed or timed out before it started: nothing was set. */
	n = ret ? 0 : req->nr_done;
	if (!ret)
		ret = req->ret;
	/* The ranges set are moved, also when a later one failed. */
	for (i = 0, moves = false; i < n; i++)
		moves |= (req->ranges[i].flags & NUMAPOL_RANGE_MOVE) &&
			 req->ranges[i].pol && !nodes_empty(req->ranges[i].move_to);
	/* One drain of the LRU caches for all (no wait for the target now). */
	if (moves && !(flags & NUMAPOL_RANGE_LRU_OFF))
		lru_cache_disable();
	for (i = 0; i < n && moves; i++) {
		int err = numapol_move_range(mm, &req->ranges[i], true);

		if (err) {
			ret = err;
			break;
		}
	}
	if (moves && !(flags & NUMAPOL_RANGE_LRU_OFF))
		lru_cache_enable();
	numapol_req_put(req);
unlock:
	mutex_unlock(&task->signal->numapol_mutex);
	return ret;
}

/**
 * numapol_set_range - set the policy of an address range, as mbind(2) would
 * @task: a thread of the target process
 * @mm: as for numapol_set_ranges()
 * @start: start of the range, page aligned
 * @end: its end (exclusive), page aligned
 * @pol: the policy, or NULL to remove the range's VMA policy
 * @flags: NUMAPOL_RANGE_MOVE, _MOVE_ALL, _STRICT for the range, and
 *	NUMAPOL_RANGE_LRU_OFF, as for numapol_set_ranges()
 *
 * numapol_set_ranges() of one range.
 *
 * Return: as numapol_set_ranges(); on any error but -EINTR the range
 * keeps its policy unless the error came after it was set (-EIO,
 * a failed migration).
 */
int numapol_set_range(struct task_struct *task, struct mm_struct *mm,
		      unsigned long start, unsigned long end,
		      struct numapol_policy *pol, unsigned int flags)
{
	struct numapol_range r = {
		.start = start,
		.end = end,
		.pol = pol,
		.flags = flags & ~NUMAPOL_RANGE_LRU_OFF,
	};

	return numapol_set_ranges(task, mm, &r, 1,
				  flags & NUMAPOL_RANGE_LRU_OFF);
}

/* Tokens numa_maps itself prints after the policy: a restore ignores them. */
static bool numapol_maps_stat_token(const char *tok)
{
	static const char * const keys[] = {
		"anon=", "dirty=", "mapped=", "mapmax=", "swapcache=",
		"active=", "writeback=", "kernelpagesize_kB=",
	};
	int i;

	if (!strcmp(tok, "heap") || !strcmp(tok, "stack") ||
	    !strcmp(tok, "huge"))
		return true;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strncmp(tok, keys[i], strlen(keys[i])))
			return true;
	/* N<node>=<pages> */
	if (tok[0] == 'N' && isdigit(tok[1])) {
		tok += strspn(tok + 1, "0123456789") + 1;
		return tok[0] == '=' && tok[1] &&
		       !tok[1 + strspn(tok + 1, "0123456789")];
	}
	return false;
}

/* A node list of a migration line: "0", "0-1,3", "{2,3}". */
static int numapol_parse_nodemask(char *str, nodemask_t *mask)
{
	struct numapol_policy tmp = {};
	int ret = numapol_parse_nodes(str, &tmp);

	if (ret || tmp.all || !nodes_subset(tmp.nodes, node_states[N_POSSIBLE]))
		return -EINVAL;
	*mask = tmp.nodes;
	return 0;
}

/* "N<from>[(<pages>)]><to>" */
static int numapol_parse_migration(char *tok, struct numapol_maps_line *l)
{
	char *gt = strchr(tok, '>'), *paren;

	if (tok[0] != 'N' || !gt)
		return -EINVAL;
	*gt = '\0';
	l->max_pages = ULONG_MAX;
	paren = strchr(tok, '(');
	if (paren) {
		size_t n = strlen(paren);

		if (n < 3 || paren[n - 1] != ')')
			return -EINVAL;
		paren[n - 1] = '\0';
		*paren = '\0';
		if (!isdigit(paren[1]) || kstrtoul(paren + 1, 10, &l->max_pages) ||
		    !l->max_pages)
			return -EINVAL;
	}
	if (numapol_parse_nodemask(tok + 1, &l->from) ||
	    numapol_parse_nodemask(gt + 1, &l->to))
		return -EINVAL;
	return 0;
}

static int numapol_parse_hex(const char *s, unsigned long *val)
{
	if (!strncasecmp(s, "0x", 2))
		s += 2;
	if (!isxdigit(*s))
		return -EINVAL;
	return kstrtoul(s, 16, val);
}

/**
 * numapol_parse_cache_put - drop the policies a parse cache holds
 * @cache: the cache (zero-initialised, or used by numapol_parse_maps_line())
 */
void numapol_parse_cache_put(struct numapol_parse_cache *cache)
{
	int i;

	for (i = 0; i < NUMAPOL_PARSE_CACHE; i++) {
		numapol_policy_put(cache->pol[i]);
		cache->pol[i] = NULL;
	}
}

/*
 * numapol_parse() of the NUL-terminated @str of length @len, or the policy
 * an earlier call parsed from the same text: a policy is never changed
 * once made, so lines share it. Only policies parsed without error from
 * texts shorter than cache->text[] are kept, the last NUMAPOL_PARSE_CACHE.
 */
static struct numapol_policy *
numapol_parse_cached(struct numapol_parse_cache *cache, const char *str,
		     size_t len)
{
	struct numapol_policy *pol;
	unsigned int i;

	if (!cache)
		return numapol_parse(str, len);
	for (i = 0; i < NUMAPOL_PARSE_CACHE; i++) {
		if (cache->pol[i] && !strcmp(cache->text[i], str))
			return numapol_policy_get(cache->pol[i]);
	}
	pol = numapol_parse(str, len);
	if (IS_ERR(pol) || len >= sizeof(cache->text[0]))
		return pol;
	i = cache->next++ % NUMAPOL_PARSE_CACHE;
	numapol_policy_put(cache->pol[i]);
	cache->pol[i] = numapol_policy_get(pol);
	memcpy(cache->text[i], str, len + 1);
	return pol;
}

/**
 * numapol_parse_maps_line - parse one line written to /proc/<pid>/numa_maps
 * @line: the line, without its newline, not necessarily NUL-terminated
 * @len: its length
 * @out: the result; on success, @out->pol holds a reference (or is NULL)
 * @cache: policies of earlier lines, used again for the same text; or NULL
 *
 * ``range SP action [SP numa_maps-token ...]`` where range is ``HEX`` (the
 * start of a VMA, numa_maps' first column) or ``HEX-HEX`` (page aligned),
 * and action is a policy (numapol_parse(), its two-word mode names
 * included) optionally followed by ``move``, or ``N<nodes>[(<pages>)]>
 * <nodes>``. The tokens numa_maps prints after the policy are ignored (all
 * of the line after ``file=``, whose path may hold spaces); any other is
 * refused.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int numapol_parse_maps_line(const char *line, size_t len,
			    struct numapol_maps_line *out,
			    struct numapol_parse_cache *cache)
{
	char *buf, *p, *tok, *dash, *action;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!len || len > PATH_MAX + 512 || memchr(line, '\0', len))
		return -EINVAL;
	buf = kmemdup_nul(line, len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	p = buf;

	/* The range. */
	tok = strsep(&p, " ");
	dash = strchr(tok, '-');
	if (dash)
		*dash = '\0';
	if (numapol_parse_hex(tok, &out->start) || (out->start & ~PAGE_MASK))
		goto err;
	if (dash) {
		if (numapol_parse_hex(dash + 1, &out->end) ||
		    (out->end & ~PAGE_MASK) || out->end <= out->start)
			goto err;
	} else {
		out->whole_vma = true;
	}

	/* The action: a policy ("prefer (many)" holds a space) or "N..>..". */
	action = strsep(&p, " ");
	if (!action || !*action)
		goto err;
	if (action[0] == 'N') {
		ret = numapol_parse_migration(action, out);
		if (ret)
			goto err;
		ret = -EINVAL;
	} else {
		size_t alen = strlen(action);

		if (p && ((!strcasecmp(action, "prefer") &&
			   !strncasecmp(p, "(many)", 6)) ||
			  (!strcasecmp(action, "weighted") &&
			   !strncasecmp(p, "interleave", 10)))) {
			/* Rejoin the two words strsep() split. */
			action[alen] = ' ';
			strsep(&p, " ");
			alen = strlen(action);
		}
		out->pol = numapol_parse_cached(cache, action, alen);
		if (IS_ERR(out->pol)) {
			ret = PTR_ERR(out->pol);
			out->pol = NULL;
			goto err;
		}
		if (p && !strcmp(p, "move")) {
			out->move = true;
			p = NULL;
		} else if (p && !strncmp(p, "move ", 5)) {
			out->move = true;
			p += 5;
		}
	}

	/* What numa_maps prints after the policy. */
	while ((tok = strsep(&p, " "))) {
		if (!strncmp(tok, "file=", 5))
			break;
		if (!numapol_maps_stat_token(tok))
			goto err;
	}
	kfree(buf);
	return 0;
err:
	numapol_policy_put(out->pol);
	out->pol = NULL;
	kfree(buf);
	return ret;
}

/*
 * Base pages isolated, and so migrated, together: a page in a batch stays
 * unmapped until the whole batch is copied, so this bounds how long a
 * target thread touching it waits. (A larger folio is never split: a batch
 * holds at least one.)
 */
#define NUMAPOL_MIGRATE_BATCH	256

/* Page table entries looked at per mmap_lock hold, at most. */
#define NUMAPOL_SCAN_BATCH	4096

/* One batch's isolation: what to take, where it goes, how far it got. */
struct numapol_isolate {
	const nodemask_t *from, *to;
	int node;			/* the next target node, round robin */
	unsigned long budget;		/* base pages still allowed */
	unsigned long isolated;		/* base pages on lists[] */
	unsigned long scanned;		/* entries looked at */
	unsigned long next;		/* where the next batch starts */
	struct list_head *lists;	/* by target node */
	bool move_all;			/* also pages mapped elsewhere */
	unsigned long failed;		/* folios that could not be taken */
	struct folio *last_large;	/* compared only, never used */
};

static bool numapol_isolate_full(struct numapol_isolate *iso)
{
	return iso->isolated >= min_t(unsigned long, iso->budget,
				      NUMAPOL_MIGRATE_BATCH) ||
	       iso->scanned >= NUMAPOL_SCAN_BATCH;
}

/*
 * Take @folio for migration if it sits on a @from node and fits. Every
 * such folio takes the next destination in turn, also one it already sits
 * on (it then stays): "N1>1-2" spreads node 1's pages over nodes 1 and 2.
 */
static void numapol_isolate_folio(struct numapol_isolate *iso,
				  struct folio *folio)
{
	long nr = folio_nr_pages(folio);
	int node = iso->node;

	if (!node_isset(folio_nid(folio), *iso->from) ||
	    nr > iso->budget - iso->isolated)
		return;
	/* A large folio mapped by several PTEs: taken at the first. */
	if (nr > 1) {
		if (folio == iso->last_large)
			return;
		iso->last_large = folio;
	}
	iso->node = next_node_in(node, *iso->to);
	switch (__add_folio_for_migration(folio, node, &iso->lists[node],
					  iso->move_all)) {
	case 1:
		iso->isolated += nr;
		break;
	case -EBUSY:	/* pinned, or being freed: mbind(2) counts it */
		iso->failed++;
		break;
	}
}

/*
 * One page table (or huge PMD) under its lock, as queue_folios_pte_range()
 * does for migrate_pages(2): a folio mapped by several entries is isolated
 * at the first; the others then fail to isolate it again, harmlessly.
 */
static int numapol_isolate_pmd(pmd_t *pmd, unsigned long addr,
			       unsigned long end, struct mm_walk *walk)
{
	struct numapol_isolate *iso = walk->private;
	struct vm_area_struct *vma = walk->vma;
	pte_t *start_pte, *pte;
	struct folio *folio;
	spinlock_t *ptl;	/* the page table lock, or the huge PMD's */

	if (numapol_isolate_full(iso)) {
		iso->next = addr;
		return 1;
	}
	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		pmd_t pmdval = pmdp_get(pmd);

		iso->scanned++;
		/* Not a migration entry, nor the huge zero page. */
		if (pmd_present(pmdval)) {
			folio = pmd_folio(pmdval);
			if (!is_huge_zero_folio(folio))
				numapol_isolate_folio(iso, folio);
		}
		spin_unlock(ptl);
		iso->next = end;
		walk->action = ACTION_CONTINUE;
		return numapol_isolate_full(iso);
	}

	start_pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!start_pte) {
		walk->action = ACTION_AGAIN;
		return 0;
	}
	/* Only while the table's lock keeps its folios mapped. */
	iso->last_large = NULL;
	for (pte = start_pte; addr != end; pte++, addr += PAGE_SIZE) {
		pte_t ptent = ptep_get(pte);

		if (numapol_isolate_full(iso))
			break;
		iso->scanned++;
		if (!pte_present(ptent))
			continue;
		folio = vm_normal_folio(vma, addr, ptent);
		if (!folio || folio_is_zone_device(folio))
			continue;
		numapol_isolate_folio(iso, folio);
	}
	pte_unmap_unlock(start_pte, ptl);
	iso->next = addr;
	return numapol_isolate_full(iso);
}

static const struct mm_walk_ops numapol_isolate_ops = {
	.pmd_entry	= numapol_isolate_pmd,
	.walk_lock	= PGWALK_RDLOCK,
};

/* hugetlb pages, one lookup each (there are few of them). */
static void numapol_isolate_hugetlb(struct vm_area_struct *vma,
				    unsigned long addr, unsigned long end,
				    struct numapol_isolate *iso)
{
	unsigned long size = vma_kernel_pagesize(vma);
	struct folio_walk fw;
	struct folio *folio;

	for (; addr < end && !numapol_isolate_full(iso); addr += size) {
		iso->scanned++;
		folio = folio_walk_start(&fw, vma, addr, 0);
		if (folio) {
			numapol_isolate_folio(iso, folio);
			folio_walk_end(&fw, vma);
		}
	}
	iso->next = min(addr, end);
}

/*
 * Isolate the folios of [iso->next, end) that sit on @from, at most
 * NUMAPOL_MIGRATE_BATCH base pages, onto iso->lists[] by target node. Called
 * with the mmap_lock held for reading; advances iso->next.
 */
static void numapol_isolate_batch(struct mm_struct *mm, unsigned long end,
				  struct numapol_isolate *iso)
{
	iso->isolated = 0;
	iso->scanned = 0;
	iso->last_large = NULL;
	while (iso->next < end && !numapol_isolate_full(iso)) {
		struct vm_area_struct *vma = find_vma(mm, iso->next);
		unsigned long addr, stop;

		if (!vma || vma->vm_start >= end) {
			iso->next = end;
			break;
		}
		addr = max(iso->next, vma->vm_start);
		stop = min(end, vma->vm_end);
		iso->next = stop;
		if (!vma_migratable(vma))
			continue;
		if (is_vm_hugetlb_page(vma))
			numapol_isolate_hugetlb(vma, addr, stop, iso);
		else if (walk_page_range_vma(vma, addr, stop,
					     &numapol_isolate_ops, iso) <= 0)
			iso->next = stop;
	}
}

/**
 * numapol_migrate_range - move pages of a range from some nodes to others
 * @mm: the target's mm (the caller holds a reference on its users)
 * @start: start of the range
 * @end: its end (exclusive)
 * @from: the nodes whose pages move
 * @to: the nodes they move to, spread round robin
 * @max_pages: at most this many base pages move (ULONG_MAX: no limit)
 * @move_all: also move pages mapped by other processes (as
 *	migrate_pages(2) does for a caller with CAP_SYS_NICE)
 * @nr_failed: if not NULL, incremented by the number of folios that
 *	should have moved but could not be isolated or migrated
 *
 * Runs in the caller's context, in batches of NUMAPOL_MIGRATE_BATCH pages:
 * the mmap_lock is held (for reading) only while a batch is isolated, and
 * the batch is migrated without it, so the target is never stopped for
 * long. Pages mapped by other processes are left alone unless @move_all,
 * as move_pages(2) does without MPOL_MF_MOVE_ALL. Policies are not
 * changed. It stops when the target has exited meanwhile, or is being
 * reaped by the OOM killer. As for
 * migrate_pages(2), pages are only placed on nodes of the caller's cpuset
 * (the caller checks the target's, numapol_may_migrate()). Pages are
 * counted in base pages: a 2 MiB folio is 512. The caller brackets its
 * calls with lru_cache_disable() and lru_cache_enable(), as
 * migrate_pages(2) does once per call: that drains every CPU's LRU
 * caches, which is too costly to do per range.
 *
 * Return: the number of base pages migrated, -EINTR when the caller got a
 * fatal signal (pages moved so far stay moved), -ESRCH when the target
 * has gone, or -ENOMEM.
 */
long numapol_migrate_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end, const nodemask_t *from,
			   const nodemask_t *to, unsigned long max_pages,
			   bool move_all, unsigned long *nr_failed)
{
	struct numapol_isolate iso = {
		.from = from,
		.next = start,
	};
	unsigned long moved = 0;
	nodemask_t dest;
	long ret = 0;
	int n;

	iso.move_all = move_all;
	nodes_and(dest, *to, cpuset_current_mems_allowed);
	if (nodes_empty(*from) || nodes_empty(dest))
		return 0;
	iso.to = &dest;
	iso.lists = kcalloc(nr_node_ids, sizeof(*iso.lists), GFP_KERNEL);
	if (!iso.lists)
		return -ENOMEM;
	for (n = 0; n < nr_node_ids; n++)
		INIT_LIST_HEAD(&iso.lists[n]);
	iso.node = first_node(dest);

	while (iso.next < end && moved < max_pages) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		/* Only our reference left, or an OOM victim: stop. */
		if (atomic_read(&mm->mm_users) <= 1 ||
		    test_bit(MMF_OOM_SKIP, &mm->flags)) {
			ret = -ESRCH;
			break;
		}
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		iso.budget = max_pages - moved;
		numapol_isolate_batch(mm, end, &iso);
		mmap_read_unlock(mm);

		for_each_node_mask(n, dest) {
			struct migration_target_control mtc = {
				.nid = n,
				.gfp_mask = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE,
				.reason = MR_SYSCALL,
			};
			unsigned int done = 0;
			int err;

			if (list_empty(&iso.lists[n]))
				continue;
			/* As move_pages(2) does, counting base pages moved. */
			err = migrate_pages(&iso.lists[n], alloc_migration_target,
					    NULL, (unsigned long)&mtc,
					    MIGRATE_SYNC, MR_SYSCALL, &done);
			if (err) {
				putback_movable_pages(&iso.lists[n]);
				iso.failed += err > 0 ? err : 1;
			}
			moved += done;
		}
		cond_resched();
	}
	kfree(iso.lists);
	if (nr_failed)
		*nr_failed += iso.failed;
	return ret ? ret : moved;
}
