// SPDX-License-Identifier: GPL-2.0
/*
 * numapol configfs control plane: /sys/kernel/config/numapol/
 *
 *   numapol/<group>/		a named policy ("default" when made)
 *	policy			the group's policy; a write re-applies it to
 *				every binding before it returns
 *	move			0|1: range bindings also migrate pages
 *	tasks/<pid>/state	a process bound to the group (all threads)
 *	ranges/<name>/{pid,start,end,enable,state}
 *				an address range of a process bound to it
 *
 * The policies are set by the numapol core (mm/numapol.c), in the target's
 * own context, exactly as for /proc/<pid>/numa_policy and numa_maps.
 *
 * Object lifetimes
 * ================
 * - struct numapol_cfs_group is a config_group, made by mkdir of <group>.
 *   configfs holds its reference until rmdir; its default groups tasks/
 *   and ranges/ are embedded, and each holds a reference on it (their
 *   ci_parent), so it is freed (numapol_cfs_group_release()) after both.
 *   It holds one reference on its current struct numapol_policy (@pol),
 *   replaced by a successful write of "policy", dropped on release.
 * - struct numapol_cfs_binding (tasks/<pid> or ranges/<name>) is a
 *   config_item whose ci_parent reference pins tasks/ or ranges/ and so the
 *   group until rmdir, which drops it before drop_item. A removed binding
 *   uses @grp until it is finished, under the group lock: by rmdir itself
 *   (the group cannot go while rmdir holds tasks/ or ranges/), or by the
 *   group's drop worker, which holds a reference on the group (see
 *   numapol_cfs_unlock()); the group's release finds no binding left.
 *   It holds a reference
 *   on the target's struct pid (never a number: once the process is gone,
 *   pid_task() is NULL and a process that gets the same number later is a
 *   different struct pid, which no binding names). The pid reference is
 *   dropped on release, after rmdir and the last open attribute file.
 *   It also holds a reference on the policy its target was last given
 *   (@pol): taken when a policy is applied to it, replaced by the next one,
 *   dropped when the range is disabled, at rmdir, or on release. A policy
 *   therefore lives while its group or any binding still uses it.
 *   An enabled range also holds an mm_count reference (mmgrab()) on the
 *   mm it was enabled in, only to recognise that address space: after the
 *   target's execve(2) the range belongs to nothing and reads "exited".
 *   It is dropped when the range is disabled or removed.
 *   It holds a reference on the credentials of whoever named the target
 *   (made tasks/<pid>, or wrote the range's pid), replaced with the pid
 *   and dropped on release: every later application is checked with them.
 *
 * Locking
 * =======
 * - numapol_cfs_group.lock (a mutex) protects the group's @pol, @move and
 *   @bindings, and every field of its bindings. It is held across the whole
 *   re-application of a policy, so policy writes, mkdir/rmdir of bindings
 *   and attribute writes of one group are serialized, and a binding is
 *   either changed by a policy write or created/removed, never both.
 * - numapol_cfs_tasks_lock (a spinlock, innermost) protects the list of
 *   every task binding, which makes a process bound in one group only.
 * - Lock order: configfs's su_mutex (held around make_item and drop_item)
 *   or an attribute's frag_sem (held around show and store) -> group lock
 *   -> the target's numapol_mutex (taken by the core; a policy write's
 *   batch try-locks up to NUMAPOL_SET_BATCH of them) -> when the
 *   writer is itself a target, what set_mempolicy(2) and mbind(2) take.
 *   numapol_cfs_tasks_lock is never held with another lock, and no two
 *   group locks are ever held together.
 * - The targets are changed from their own context (task_work): they
 *   never take a group lock on our behalf, and the core waits for each
 *   at most numapol.timeout_ms, so a target that is itself blocked on a
 *   group lock (or stopped) makes the operation fail with EAGAIN instead
 *   of deadlocking.
 * - configfs holds its subsystem mutex (su_mutex) around make_item and
 *   drop_item, and every mkdir and rmdir under numapol/ waits for it
 *   uninterruptibly. rmdir waits for a busy group lock at most
 *   numapol.timeout_ms, killably; then it leaves the binding queued on
 *   the group's @dropped list, to be finished by the group's worker once
 *   the lock is free (numapol_cfs_unlock()). Until then its target keeps
 *   its policy, and
 *   a mkdir of the same process (in any group) waits up to
 *   numapol.timeout_ms for it to be finished (else -EBUSY). mkdir itself
 *   waits for the group lock killably, as long as a policy write holds
 *   it (about one timeout per NUMAPOL_SET_BATCH processes, which
 *   numapol_batch_set() waits for together, and one per range);
 *   meanwhile other mkdir and rmdir under numapol/ wait for su_mutex,
 *   uninterruptibly: a known limit. Waits for the targets themselves
 *   (mkdir applies the group's policy, rmdir resets) are bounded by the
 *   core.
 */

#include <linux/configfs.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numapol.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

struct numapol_cfs_group {
	struct config_group group;
	struct config_group tasks;
	struct config_group ranges;
	struct mutex lock;		/* see "Locking" above */
	struct numapol_policy *pol;
	bool move;
	struct list_head bindings;	/* creation order */
	struct llist_head dropped;	/* removed while the lock was busy */
	struct work_struct drop_work;	/* finishes them */
};

enum numapol_cfs_kind {
	NUMAPOL_CFS_TASK,
	NUMAPOL_CFS_RANGE,
};

struct numapol_cfs_binding {
	struct config_item item;
	struct numapol_cfs_group *grp;
	enum numapol_cfs_kind kind;
	struct list_head node;		/* grp->bindings */
	struct list_head all;		/* numapol_cfs_tasks (tasks only) */
	struct pid *pid;		/* NULL: a range whose pid is unset */
	const struct cred *cred;	/* of whoever named the target */
	struct numapol_policy *pol;	/* last given to the target, or NULL */
	int err;			/* the last failure, or 0 */
	/* Scratch of a policy write, under the group lock. */
	bool changed;			/* given it alone: undone alone */
	bool batched;			/* given it by the write's batch */
	/* Ranges only. */
	unsigned long start, end;
	bool enabled;
	struct mm_struct *mm;		/* set while enabled */
	/* rmdir'ed: left for whoever holds the group lock to finish. */
	bool dropped;
	struct llist_node drop;
};

static void numapol_cfs_finish_drop(struct numapol_cfs_binding *b);

/*
 * Finish the bindings removed while the group was busy, lock held; with
 * @only, that one alone (rmdir, under configfs's subsystem mutex: not the
 * others' waits too), the others going back on the queue.
 */
static void numapol_cfs_finish_dropped(struct numapol_cfs_group *grp,
				       struct numapol_cfs_binding *only)
{
	struct numapol_cfs_binding *b, *next;
	struct llist_node *first;

	lockdep_assert_held(&grp->lock);
	first = llist_reverse_order(llist_del_all(&grp->dropped));
	llist_for_each_entry_safe(b, next, first, drop) {
		if (only && b != only)
			llist_add(&b->drop, &grp->dropped);
		else
			numapol_cfs_finish_drop(b);
	}
}

/*
 * Unlock a group. A binding's rmdir (drop_item, which cannot fail and must
 * not wait long) queues the binding on @dropped and finishes it itself
 * only if it gets the lock (a mutex_trylock() that succeeds, within
 * numapol.timeout_ms). Whoever unlocks hands what is queued to
 * @drop_work: not finished in its own context, which may be
 * that of a killed writer, or of a reader. The queue is never left
 * behind: either the dropper's trylock sees the lock free, or the holder,
 * after unlocking, sees the queued binding (each side writes, then a full
 * barrier, then reads what the other side writes).
 */
static void numapol_cfs_unlock(struct numapol_cfs_group *grp)
{
	mutex_unlock(&grp->lock);
	/* Pairs with the full barrier of llist_add() in the dropper. */
	smp_mb();
	if (llist_empty(&grp->dropped))
		return;
	/* The work holds the group until it has run. */
	config_group_get(&grp->group);
	if (!queue_work(system_unbound_wq, &grp->drop_work))
		config_group_put(&grp->group);
}

/* @drop_work: take the lock (a worker is never killed) and finish. */
static void numapol_cfs_drop_work(struct work_struct *work)
{
	struct numapol_cfs_group *grp =
		container_of(work, struct numapol_cfs_group, drop_work);

	if (!mutex_lock_killable(&grp->lock)) {
		numapol_cfs_finish_dropped(grp, NULL);
		numapol_cfs_unlock(grp);
	}
	config_group_put(&grp->group);
}

static int numapol_cfs_lock_killable(struct numapol_cfs_group *grp)
{
	return mutex_lock_killable(&grp->lock);
}

/*
 * The group lock for rmdir, which configfs calls with its subsystem mutex
 * held: every other mkdir and rmdir under numapol/ waits for that mutex,
 * uninterruptibly. A policy write may hold the group lock for one timeout
 * per batch of members, so wait no longer than numapol.timeout_ms, and killably.
 * Polling, it may lose the lock to waiters: it is only used where giving
 * up is harmless. Return: 0, -EAGAIN (the group stayed busy) or -EINTR.
 */
static int numapol_cfs_lock_bounded(struct numapol_cfs_group *grp)
{
	unsigned long deadline = numapol_deadline();

	while (!mutex_trylock(&grp->lock)) {
		if (time_after(jiffies, deadline))
			return -EAGAIN;
		schedule_timeout_killable(1);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/*
 * guard(numapol_grp_kill)(grp): a group lock may be held while its policy
 * is re-applied to many targets, so whoever waits for it must stay
 * killable; unlocking hands the bindings removed meanwhile to the group's
 * worker.
 */
DEFINE_GUARD(numapol_grp, struct numapol_cfs_group *, mutex_lock(&_T->lock),
	     numapol_cfs_unlock(_T))
DEFINE_GUARD_COND(numapol_grp, _kill, numapol_cfs_lock_killable(_T) == 0)

/* Does a killable guard hold its lock (false: the wait was killed)? */
static inline bool numapol_cfs_held(class_numapol_grp_kill_t *guard)
{
	return class_numapol_grp_kill_lock_ptr(guard);
}

static DEFINE_SPINLOCK(numapol_cfs_tasks_lock);
static LIST_HEAD(numapol_cfs_tasks);
static struct numapol_policy *numapol_cfs_default;

static struct numapol_cfs_group *to_numapol_cfs_group(struct config_item *item)
{
	return container_of(to_config_group(item), struct numapol_cfs_group,
			    group);
}

static struct numapol_cfs_binding *
to_numapol_cfs_binding(struct config_item *item)
{
	return container_of(item, struct numapol_cfs_binding, item);
}

/*
 * The process a binding names, and its mm: a referenced thread-group
 * leader and an mm with a user reference, or -ESRCH when the process has
 * exited (or, for an enabled range, replaced its mm by execve(2)).
 */
static int numapol_cfs_target(struct numapol_cfs_binding *b,
			      struct task_struct **taskp,
			      struct mm_struct **mmp)
{
	struct task_struct *task, *live;
	struct mm_struct *mm;

	task = b->pid ? get_pid_task(b->pid, PIDTYPE_TGID) : NULL;
	if (!task)
		return -ESRCH;
	live = numapol_live_thread(task);
	mm = get_task_mm(live);
	put_task_struct(live);
	if (!mm || (b->enabled && mm != b->mm)) {
		if (mm)
			mmput(mm);
		put_task_struct(task);
		return -ESRCH;
	}
	*taskp = task;
	if (mmp)
		*mmp = mm;
	else
		mmput(mm);
	return 0;
}

/* Remember what the target was given: @pol, or NULL for nothing. */
static void numapol_cfs_set_pol(struct numapol_cfs_binding *b,
				struct numapol_policy *pol)
{
	numapol_policy_put(b->pol);
	b->pol = pol ? numapol_policy_get(pol) : NULL;
}

/*
 * May the binding still change its target? The access rules are those of
 * the core, checked with the credentials of whoever named the target (made
 * tasks/<pid>, or wrote a range's pid), not of whoever happens to write the
 * group's policy: a target that has since become out of their reach (it
 * executed a set-user-ID program, say) is no longer changed through it.
 */
static int numapol_cfs_check_access(struct numapol_cfs_binding *b,
				    struct task_struct *task,
				    struct mm_struct *mm)
{
	const struct cred *old;
	struct mm_struct *checked;
	int ret = 0;

	old = override_creds(b->cred);
	checked = numapol_access_mm(task, true);
	revert_creds(old);
	if (IS_ERR(checked))
		return PTR_ERR(checked);
	/* One object checked and changed: not an image exec'ed since. */
	if (checked != mm)
		ret = -ESRCH;
	mmdrop(checked);
	return ret;
}

/* The target is out of the binding's reach: skipped, not a failure. */
static bool numapol_cfs_denied(int err)
{
	return err == -EACCES || err == -EPERM;
}

/* Does the process of @task run another mm than @mm (execve(2) since)? */
static bool numapol_cfs_mm_replaced(struct task_struct *task,
				    struct mm_struct *mm)
{
	struct task_struct *live = numapol_live_thread(task);
	struct mm_struct *cur = get_task_mm(live);
	bool replaced = cur && cur != mm;

	put_task_struct(live);
	if (cur)
		mmput(cur);
	return replaced;
}

/*
 * One try of numapol_cfs_apply(). *@execed is set when the process called
 * execve(2) between our taking its mm and its change.
 */
static int numapol_cfs_apply_once(struct numapol_cfs_binding *b,
				  struct numapol_policy *pol, bool move,
				  bool *execed)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;

	ret = numapol_cfs_target(b, &task, &mm);
	if (ret)
		return ret;
	ret = numapol_cfs_check_access(b, task, mm);
	if (ret) {
		/* A task binding's process is still there, in a new image. */
		*execed = ret == -ESRCH && b->kind == NUMAPOL_CFS_TASK;
		goto out;
	}
	if (b->kind == NUMAPOL_CFS_TASK) {
		ret = numapol_set_process(task, mm, pol);
		/* The core refuses an mm replaced since (EPERM); an LSM too. */
		*execed = ret == -EPERM && numapol_cfs_mm_replaced(task, mm);
	} else {
		ret = numapol_set_range(task, mm, b->start, b->end, pol,
					move ? NUMAPOL_RANGE_MOVE : 0);
	}
	if (!ret)
		numapol_cfs_set_pol(b, pol);
out:
	mmput(mm);
	put_task_struct(task);
	return ret;
}

/* How often a process that keeps calling execve(2) is tried again. */
#define NUMAPOL_CFS_EXEC_TRIES	3

/*
 * Give a binding @pol (NULL: remove a range's VMA policy). Called with the
 * group lock. A task binding outlives execve(2): when the process replaced
 * its image while being changed, it is checked and changed again in its
 * new one. Return: 0, -ESRCH when the target is gone, -EACCES or -EPERM
 * when it is out of the binding's reach, -EAGAIN when it called execve(2)
 * during each try, or an error of the core, in which case the core has
 * changed nothing.
 */
static int numapol_cfs_apply(struct numapol_cfs_binding *b,
			     struct numapol_policy *pol, bool move)
{
	int ret, tries = 0;
	bool execed;

	lockdep_assert_held(&b->grp->lock);
	do {
		execed = false;
		ret = numapol_cfs_apply_once(b, pol, move, &execed);
	} while (execed && ++tries < NUMAPOL_CFS_EXEC_TRIES);
	/* Not skipped as gone or out of reach: it did not take the change. */
	return execed ? -EAGAIN : ret;
}

/* Not removed, and a task binding or an enabled range. */
static bool numapol_cfs_active(struct numapol_cfs_binding *b)
{
	if (READ_ONCE(b->dropped))
		return false;
	return b->kind == NUMAPOL_CFS_TASK || b->enabled;
}

/* "exited": the process is gone, or the enabled range's mm is. */
static bool numapol_cfs_exited(struct numapol_cfs_binding *b)
{
	struct task_struct *task;

	if (numapol_cfs_target(b, &task, NULL))
		return true;
	put_task_struct(task);
	return false;
}

/* A pid written by the user, in the writer's pid namespace. */
static int numapol_cfs_parse_pid(const char *buf, bool exact,
				 struct pid **pidp, struct task_struct **taskp)
{
	struct task_struct *task;
	char canon[16];
	struct pid *pid;
	int nr;

	if (kstrtoint(buf, 10, &nr) || nr <= 0)
		return -EINVAL;
	/* A directory name must be the number as /proc shows it. */
	snprintf(canon, sizeof(canon), "%d", nr);
	if (exact && strcmp(buf, canon))
		return -EINVAL;
	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_TGID) : NULL;
	if (!task) {
		put_pid(pid);
		return -ESRCH;
	}
	*pidp = pid;
	*taskp = task;
	return 0;
}

/* ---- numapol/<group>/ attributes --------------------------------------- */

static ssize_t numapol_cfs_policy_show(struct config_item *item, char *page)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);
	int len;

	CLASS(numapol_grp_kill, guard)(grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	len = numapol_format(grp->pol, page, PAGE_SIZE - 1);
	page[len++] = '\n';
	return len;
}

/*
 * Record what giving @b @pol returned. Return: the failure, or 0 when it took the policy,
 * its target is gone (it reads "exited"), or the target is out of its
 * reach (it reads "error 13" or "error 1"): one user's binding must not
 * stop the group's owner.
 */
static int numapol_cfs_record(struct numapol_cfs_binding *b,
			      struct numapol_policy *pol, int err)
{
	b->err = err == -ESRCH ? 0 : err;
	if (!err)
		numapol_cfs_set_pol(b, pol);
	return b->err && !numapol_cfs_denied(err) ? err : 0;
}

/* Give @b @pol alone (numapol_cfs_apply()); it is undone alone. */
static int numapol_cfs_apply_alone(struct numapol_cfs_binding *b,
				   struct numapol_policy *pol, bool move)
{
	int err = numapol_cfs_apply(b, pol, move);

	b->changed = !err;
	return numapol_cfs_record(b, pol, err);
}

/*
 * Look up a task binding's process and check it, for a batch: like
 * numapol_cfs_apply_once(), but the mm is kept by mm_count only (the core
 * only compares it), so a process that exits meanwhile is not pinned.
 */
static int numapol_cfs_prepare(struct numapol_cfs_binding *b,
			       struct numapol_target *t)
{
	int ret;

	ret = numapol_cfs_target(b, &t->task, &t->mm);
	if (ret)
		return ret;
	ret = numapol_cfs_check_access(b, t->task, t->mm);
	if (!ret)
		mmgrab(t->mm);
	mmput(t->mm);
	if (ret)
		put_task_struct(t->task);
	return ret;
}

/*
 * Change @n prepared task bindings @bs at once (numapol_batch_set()) and
 * record the results. A process that called execve(2) meanwhile is done
 * again alone, in its new image. Return: the first failure, or 0.
 */
static int numapol_cfs_batch(struct numapol_batch *batch,
			     struct numapol_policy *pol,
			     struct numapol_cfs_binding **bs,
			     struct numapol_target *t, int n)
{
	int i, err, ret = 0;
	bool execed;

	numapol_batch_set(batch, t, n);
	for (i = 0; i < n; i++) {
		err = t[i].ret;
		/* The core refuses an mm replaced since (EPERM). */
		execed = err == -EPERM &&
			 numapol_cfs_mm_replaced(t[i].task, t[i].mm);
		mmdrop(t[i].mm);
		put_task_struct(t[i].task);
		/* Removed meanwhile: whoever finishes it resets its target. */
		if (!numapol_cfs_active(bs[i]))
			continue;
		if (execed) {
			err = numapol_cfs_apply_alone(bs[i], pol, false);
		} else {
			bs[i]->batched = !err;
			err = numapol_cfs_record(bs[i], pol, err);
		}
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/*
 * Give @pol to the group's task bindings, NUMAPOL_SET_BATCH processes at
 * a time (numapol_batch_set(): their changes run in parallel), each looked
 * up and checked just before its batch. A binding whose check fails is
 * done alone by numapol_cfs_apply(), which says why (gone, out of reach)
 * or retries after an execve(2). It stops at the first failure.
 * Return: 0 or that failure; *@batchp: what numapol_batch_end() takes.
 */
static int numapol_cfs_apply_tasks(struct numapol_cfs_group *grp,
				   struct numapol_policy *pol,
				   struct numapol_batch **batchp)
{
	struct numapol_cfs_binding *bs[NUMAPOL_SET_BATCH], *b;
	struct numapol_target t[NUMAPOL_SET_BATCH];
	struct numapol_batch *batch;
	int n = 0, m = 0, ret = 0;

	*batchp = NULL;
	list_for_each_entry(b, &grp->bindings, node)
		n += b->kind == NUMAPOL_CFS_TASK && numapol_cfs_active(b);
	if (!n)
		return 0;
	batch = numapol_batch_new(pol, n);
	if (!batch)
		return -ENOMEM;
	*batchp = batch;

	list_for_each_entry(b, &grp->bindings, node) {
		if (b->kind != NUMAPOL_CFS_TASK || !numapol_cfs_active(b))
			continue;
		if (numapol_cfs_prepare(b, &t[m]))
			ret = numapol_cfs_apply_alone(b, pol, false);
		else
			bs[m++] = b;
		if (ret)
			break;
		if (m == NUMAPOL_SET_BATCH) {
			ret = numapol_cfs_batch(batch, pol, bs, t, m);
			m = 0;
			if (ret)
				return ret;
		}
	}
	if (m && !ret)
		return numapol_cfs_batch(batch, pol, bs, t, m);
	/* The write has failed: the batch prepared last is not begun. */
	while (m--) {
		mmdrop(t[m].mm);
		put_task_struct(t[m].task);
	}
	return ret;
}

/*
 * Give @pol to the group's enabled ranges, in creation order, stopping at
 * the first failure.
 */
static int numapol_cfs_apply_ranges(struct numapol_cfs_group *grp,
				    struct numapol_policy *pol)
{
	struct numapol_cfs_binding *b;
	int err;

	list_for_each_entry(b, &grp->bindings, node) {
		if (b->kind != NUMAPOL_CFS_RANGE || !numapol_cfs_active(b))
			continue;
		err = numapol_cfs_apply_alone(b, pol, b->grp->move);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A write failed: give the group's policy back to the bindings it changed.
 * Those of the batch are undone by the core (numapol_batch_end()), each
 * thread only while it still runs the policy the write gave it; those
 * changed alone (an execve(2) retry, ranges) are given it again.
 */
static void numapol_cfs_undo(struct numapol_cfs_group *grp,
			     struct numapol_batch *batch)
{
	struct numapol_cfs_binding *b;
	int err;

	numapol_batch_end(batch, true);
	list_for_each_entry(b, &grp->bindings, node) {
		if (b->batched)
			numapol_cfs_set_pol(b, grp->pol);
		if (!b->changed || !numapol_cfs_active(b))
			continue;
		err = numapol_cfs_apply(b, grp->pol, grp->move);
		/* Could not be put back (writer killed?): it says so. */
		numapol_cfs_record(b, grp->pol, err);
	}
}

/*
 * Re-apply: to the task bindings in parallel batches, then to the ranges
 * in creation order. If any fails, give the bindings already changed the
 * group's policy back, so the group, its "policy" and its members keep the
 * old policy. Bindings whose target is gone are skipped (they read
 * "exited"), and so are those whose target is out of their reach (they
 * read "error 13" or "error 1").
 */
static ssize_t numapol_cfs_policy_store(struct config_item *item,
					const char *page, size_t count)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);
	struct numapol_cfs_binding *b;
	struct numapol_batch *batch;
	struct numapol_policy *pol;
	int ret;

	pol = numapol_parse(page, count);
	if (IS_ERR(pol))
		return PTR_ERR(pol);

	if (numapol_cfs_lock_killable(grp)) {
		numapol_policy_put(pol);
		return -EINTR;
	}
	list_for_each_entry(b, &grp->bindings, node) {
		b->changed = false;
		b->batched = false;
	}
	ret = numapol_cfs_apply_tasks(grp, pol, &batch);
	if (!ret)
		ret = numapol_cfs_apply_ranges(grp, pol);
	if (ret) {
		numapol_cfs_undo(grp, batch);
	} else {
		numapol_batch_end(batch, false);
		swap(grp->pol, pol);
	}
	numapol_cfs_unlock(grp);
	numapol_policy_put(pol);
	return ret ?: count;
}

static int numapol_cfs_parse_bool(const char *page, bool *val)
{
	unsigned int v;

	if (kstrtouint(page, 10, &v) || v > 1)
		return -EINVAL;
	*val = v;
	return 0;
}

static ssize_t numapol_cfs_move_show(struct config_item *item, char *page)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);

	CLASS(numapol_grp_kill, guard)(grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	return sysfs_emit(page, "%d\n", grp->move);
}

static ssize_t numapol_cfs_move_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);
	bool move;

	if (numapol_cfs_parse_bool(page, &move))
		return -EINVAL;
	CLASS(numapol_grp_kill, guard)(grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	grp->move = move;
	return count;
}

CONFIGFS_ATTR(numapol_cfs_, policy);
CONFIGFS_ATTR(numapol_cfs_, move);

static struct configfs_attribute *numapol_cfs_group_attrs[] = {
	&numapol_cfs_attr_policy,
	&numapol_cfs_attr_move,
	NULL,
};

/* ---- bindings: state, and the range attributes ------------------------- */

static ssize_t numapol_cfs_state_show(struct config_item *item, char *page)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	if (b->pid && numapol_cfs_exited(b))
		return sysfs_emit(page, "exited\n");
	if (b->err)
		return sysfs_emit(page, "error %d\n", -b->err);
	if (!numapol_cfs_active(b))
		return sysfs_emit(page, "disabled\n");
	return sysfs_emit(page, "bound\n");
}

static ssize_t numapol_cfs_pid_show(struct config_item *item, char *page)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	return sysfs_emit(page, "%d\n", b->pid ? pid_vnr(b->pid) : 0);
}

/* The permission rules apply to whoever names the target. */
static ssize_t numapol_cfs_pid_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int ret;

	ret = numapol_cfs_parse_pid(page, false, &pid, &task);
	if (ret)
		return ret;
	mm = numapol_access_mm(task, true);
	put_task_struct(task);
	ret = PTR_ERR_OR_ZERO(mm);
	if (!ret)
		mmdrop(mm);
	if (!ret)
		ret = numapol_cfs_lock_killable(b->grp);
	if (!ret) {
		if (b->enabled) {
			ret = -EBUSY;
		} else {
			swap(b->pid, pid);
			put_cred(b->cred);
			b->cred = get_current_cred();
			b->err = 0;
		}
		numapol_cfs_unlock(b->grp);
	}
	put_pid(pid);
	return ret ?: count;
}

static ssize_t numapol_cfs_addr_show(struct numapol_cfs_binding *b,
				     unsigned long *addr, char *page)
{
	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	return sysfs_emit(page, "0x%lx\n", *addr);
}

static ssize_t numapol_cfs_addr_store(struct numapol_cfs_binding *b,
				      unsigned long *addr, const char *page,
				      size_t count)
{
	unsigned long val;

	/* Hex, "0x" optional. */
	if (kstrtoul(page, 16, &val) || (val & ~PAGE_MASK))
		return -EINVAL;
	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	if (b->enabled)
		return -EBUSY;
	*addr = val;
	b->err = 0;
	return count;
}

static ssize_t numapol_cfs_start_show(struct config_item *item, char *page)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	return numapol_cfs_addr_show(b, &b->start, page);
}

static ssize_t numapol_cfs_start_store(struct config_item *item,
				       const char *page, size_t count)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	return numapol_cfs_addr_store(b, &b->start, page, count);
}

static ssize_t numapol_cfs_end_show(struct config_item *item, char *page)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	return numapol_cfs_addr_show(b, &b->end, page);
}

static ssize_t numapol_cfs_end_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	return numapol_cfs_addr_store(b, &b->end, page, count);
}

static ssize_t numapol_cfs_enable_show(struct config_item *item, char *page)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	return sysfs_emit(page, "%d\n", b->enabled);
}

static int numapol_cfs_range_enable(struct numapol_cfs_binding *b)
{
	struct numapol_cfs_group *grp = b->grp;
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;

	ret = numapol_cfs_target(b, &task, &mm);
	if (ret)
		return ret;
	ret = numapol_cfs_check_access(b, task, mm);
	if (!ret)
		ret = numapol_set_range(task, mm, b->start, b->end, grp->pol,
					grp->move ? NUMAPOL_RANGE_MOVE : 0);
	put_task_struct(task);
	if (!ret) {
		mmgrab(mm);
		b->mm = mm;
		b->enabled = true;
		numapol_cfs_set_pol(b, grp->pol);
	}
	mmput(mm);
	return ret;
}

static void numapol_cfs_range_disabled(struct numapol_cfs_binding *b)
{
	b->enabled = false;
	mmdrop(b->mm);
	b->mm = NULL;
	numapol_cfs_set_pol(b, NULL);
}

/*
 * 1 applies the group's policy to the range, 0 removes the range's VMA
 * policy; on failure the binding stays as it was and reads "error <errno>".
 */
static ssize_t numapol_cfs_enable_store(struct config_item *item,
					const char *page, size_t count)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);
	bool enable;
	int ret = 0;

	if (numapol_cfs_parse_bool(page, &enable))
		return -EINVAL;
	CLASS(numapol_grp_kill, guard)(b->grp);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	if (enable == b->enabled)
		return count;
	if (enable) {
		/* An incomplete binding is bad input: nothing changes. */
		if (!b->pid || b->end <= b->start)
			return -EINVAL;
		ret = numapol_cfs_range_enable(b);
	} else {
		ret = numapol_cfs_apply(b, NULL, false);
		/* Gone with its process (or its mm): nothing left to remove. */
		if (!ret || ret == -ESRCH)
			numapol_cfs_range_disabled(b);
		if (ret == -ESRCH)
			ret = 0;
	}
	b->err = ret == -ESRCH ? 0 : ret;
	return ret ?: count;
}

CONFIGFS_ATTR_RO(numapol_cfs_, state);
CONFIGFS_ATTR(numapol_cfs_, pid);
CONFIGFS_ATTR(numapol_cfs_, start);
CONFIGFS_ATTR(numapol_cfs_, end);
CONFIGFS_ATTR(numapol_cfs_, enable);

static struct configfs_attribute *numapol_cfs_task_attrs[] = {
	&numapol_cfs_attr_state,
	NULL,
};

static struct configfs_attribute *numapol_cfs_range_attrs[] = {
	&numapol_cfs_attr_pid,
	&numapol_cfs_attr_start,
	&numapol_cfs_attr_end,
	&numapol_cfs_attr_enable,
	&numapol_cfs_attr_state,
	NULL,
};

static void numapol_cfs_binding_release(struct config_item *item)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);

	numapol_policy_put(b->pol);
	put_pid(b->pid);
	put_cred(b->cred);
	kfree(b);
}

static struct configfs_item_operations numapol_cfs_binding_item_ops = {
	.release	= numapol_cfs_binding_release,
};

static const struct config_item_type numapol_cfs_task_type = {
	.ct_item_ops	= &numapol_cfs_binding_item_ops,
	.ct_attrs	= numapol_cfs_task_attrs,
	.ct_owner	= THIS_MODULE,
};

static const struct config_item_type numapol_cfs_range_type = {
	.ct_item_ops	= &numapol_cfs_binding_item_ops,
	.ct_attrs	= numapol_cfs_range_attrs,
	.ct_owner	= THIS_MODULE,
};

/* ---- tasks/ ------------------------------------------------------------ */

static struct numapol_cfs_binding *numapol_cfs_find_task(struct pid *pid)
{
	struct numapol_cfs_binding *b;

	lockdep_assert_held(&numapol_cfs_tasks_lock);
	list_for_each_entry(b, &numapol_cfs_tasks, all)
		if (b->pid == pid)
			return b;
	return NULL;
}

/* mkdir tasks/<pid>: bind every thread of process <pid>, or fail. */
static struct config_item *numapol_cfs_task_make(struct config_group *group,
						 const char *name)
{
	struct numapol_cfs_group *grp =
		container_of(group, struct numapol_cfs_group, tasks);
	struct numapol_cfs_binding *b;
	struct mm_struct *mm = NULL;
	struct task_struct *task;
	unsigned long deadline;
	struct pid *pid;
	int ret;

	ret = numapol_cfs_parse_pid(name, true, &pid, &task);
	if (ret)
		return ERR_PTR(ret);
	/*
	 * Access is checked on a live thread (the leader may have exited),
	 * for this mm: an execve() since voids it.
	 */
	mm = numapol_access_mm(task, true);
	if (IS_ERR(mm)) {
		ret = PTR_ERR(mm);
		mm = NULL;
		goto out_task;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		ret = -ENOMEM;
		goto out_task;
	}
	b->grp = grp;
	b->kind = NUMAPOL_CFS_TASK;
	b->pid = pid;
	pid = NULL;
	b->cred = get_current_cred();

	deadline = numapol_deadline();
	for (;;) {
		struct numapol_cfs_binding *old;
		bool busy = false;

		spin_lock(&numapol_cfs_tasks_lock);
		old = numapol_cfs_find_task(b->pid);
		if (!old)
			list_add_tail(&b->all, &numapol_cfs_tasks);
		else if (READ_ONCE(old->dropped))
			busy = true;	/* removed, its reset not yet made */
		else
			ret = -EBUSY;
		spin_unlock(&numapol_cfs_tasks_lock);
		if (!busy)
			break;
		/* Its group's current operation ends within a timeout. */
		if (time_after(jiffies, deadline)) {
			ret = -EBUSY;
			break;
		}
		schedule_timeout_killable(1);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (ret)
		goto out_free;

	ret = numapol_cfs_lock_killable(grp);
	if (!ret) {
		ret = numapol_set_process(task, mm, grp->pol);
		if (!ret) {
			numapol_cfs_set_pol(b, grp->pol);
			list_add_tail(&b->node, &grp->bindings);
		}
		numapol_cfs_unlock(grp);
	}
	if (ret) {
		spin_lock(&numapol_cfs_tasks_lock);
		list_del(&b->all);
		spin_unlock(&numapol_cfs_tasks_lock);
		goto out_free;
	}
	mmdrop(mm);
	put_task_struct(task);
	config_item_init_type_name(&b->item, name, &numapol_cfs_task_type);
	return &b->item;

out_free:
	numapol_policy_put(b->pol);
	put_pid(b->pid);
	put_cred(b->cred);
	kfree(b);
out_task:
	if (mm)
		mmdrop(mm);
	put_task_struct(task);
	put_pid(pid);
	return ERR_PTR(ret);
}

/*
 * Finish a removed binding, with the group lock held: a task binding's
 * threads go back to "default", an enabled range loses its VMA policy
 * (best effort: a stopped target keeps the group's policy), then the
 * binding leaves its group and drops the reference rmdir left it. The
 * reset is made with the credentials of whoever named the target,
 * whatever context finishes the binding.
 */
static void numapol_cfs_finish_drop(struct numapol_cfs_binding *b)
{
	const struct cred *old = NULL;
	int ret = 0;

	lockdep_assert_held(&b->grp->lock);
	if (b->cred)
		old = override_creds(b->cred);
	if (b->kind == NUMAPOL_CFS_TASK)
		ret = numapol_cfs_apply(b, numapol_cfs_default, false);
	else if (b->enabled)
		ret = numapol_cfs_apply(b, NULL, false);
	if (old)
		revert_creds(old);
	/*
	 * Whoever finishes it was killed meanwhile (rmdir): not a reason to
	 * leave the target its policy. Queued again, it goes to the worker.
	 */
	if (ret == -EINTR && fatal_signal_pending(current)) {
		llist_add(&b->drop, &b->grp->dropped);
		return;
	}
	list_del(&b->node);
	if (b->kind == NUMAPOL_CFS_TASK) {
		numapol_cfs_set_pol(b, NULL);
		/* Only now may another group bind the process. */
		spin_lock(&numapol_cfs_tasks_lock);
		list_del(&b->all);
		spin_unlock(&numapol_cfs_tasks_lock);
	} else if (b->enabled) {
		numapol_cfs_range_disabled(b);
	}
	config_item_put(&b->item);
}

/*
 * rmdir of a binding. configfs calls it with its subsystem mutex held, and
 * it cannot fail: it must not wait long for the group lock, which a policy
 * write may hold for one timeout per batch of members. The binding is marked, so
 * that it takes no part in what a holder is doing (numapol_cfs_active()),
 * and queued; it is finished here if the group is free within
 * numapol.timeout_ms, else handed to the group's worker when the holder
 * unlocks (numapol_cfs_unlock()).
 */
static void numapol_cfs_binding_drop(struct config_group *group,
				     struct config_item *item)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);
	struct numapol_cfs_group *grp = b->grp;

	WRITE_ONCE(b->dropped, true);
	/* A full barrier before the trylock; see numapol_cfs_unlock(). */
	llist_add(&b->drop, &grp->dropped);
	if (!numapol_cfs_lock_bounded(grp)) {
		numapol_cfs_finish_dropped(grp, b);
		numapol_cfs_unlock(grp);
	}
}

static struct configfs_group_operations numapol_cfs_tasks_ops = {
	.make_item	= numapol_cfs_task_make,
	.drop_item	= numapol_cfs_binding_drop,
};

static const struct config_item_type numapol_cfs_tasks_type = {
	.ct_group_ops	= &numapol_cfs_tasks_ops,
	.ct_owner	= THIS_MODULE,
};

/* ---- ranges/ ----------------------------------------------------------- */

static struct config_item *numapol_cfs_range_make(struct config_group *group,
						  const char *name)
{
	struct numapol_cfs_group *grp =
		container_of(group, struct numapol_cfs_group, ranges);
	struct numapol_cfs_binding *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->grp = grp;
	b->kind = NUMAPOL_CFS_RANGE;
	INIT_LIST_HEAD(&b->all);
	ret = numapol_cfs_lock_killable(grp);
	if (ret) {
		kfree(b);
		return ERR_PTR(ret);
	}
	config_item_init_type_name(&b->item, name, &numapol_cfs_range_type);
	list_add_tail(&b->node, &grp->bindings);
	numapol_cfs_unlock(grp);
	return &b->item;
}

static struct configfs_group_operations numapol_cfs_ranges_ops = {
	.make_item	= numapol_cfs_range_make,
	.drop_item	= numapol_cfs_binding_drop,
};

static const struct config_item_type numapol_cfs_ranges_type = {
	.ct_group_ops	= &numapol_cfs_ranges_ops,
	.ct_owner	= THIS_MODULE,
};

/* ---- numapol/ ---------------------------------------------------------- */

static void numapol_cfs_group_release(struct config_item *item)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);

	WARN_ON_ONCE(!list_empty(&grp->bindings));
	numapol_policy_put(grp->pol);
	mutex_destroy(&grp->lock);
	kfree(grp);
}

static struct configfs_item_operations numapol_cfs_group_item_ops = {
	.release	= numapol_cfs_group_release,
};

static const struct config_item_type numapol_cfs_group_type = {
	.ct_item_ops	= &numapol_cfs_group_item_ops,
	.ct_attrs	= numapol_cfs_group_attrs,
	.ct_owner	= THIS_MODULE,
};

/* mkdir numapol/<group>; rmdir fails with ENOTEMPTY while it has bindings. */
static struct config_group *numapol_cfs_group_make(struct config_group *root,
						   const char *name)
{
	struct numapol_cfs_group *grp;

	grp = kzalloc(sizeof(*grp), GFP_KERNEL);
	if (!grp)
		return ERR_PTR(-ENOMEM);
	mutex_init(&grp->lock);
	INIT_LIST_HEAD(&grp->bindings);
	init_llist_head(&grp->dropped);
	INIT_WORK(&grp->drop_work, numapol_cfs_drop_work);
	grp->pol = numapol_policy_get(numapol_cfs_default);
	config_group_init_type_name(&grp->group, name, &numapol_cfs_group_type);
	config_group_init_type_name(&grp->tasks, "tasks",
				    &numapol_cfs_tasks_type);
	configfs_add_default_group(&grp->tasks, &grp->group);
	config_group_init_type_name(&grp->ranges, "ranges",
				    &numapol_cfs_ranges_type);
	configfs_add_default_group(&grp->ranges, &grp->group);
	return &grp->group;
}

static struct configfs_group_operations numapol_cfs_root_ops = {
	.make_group	= numapol_cfs_group_make,
};

static const struct config_item_type numapol_cfs_root_type = {
	.ct_group_ops	= &numapol_cfs_root_ops,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem numapol_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "numapol",
			.ci_type	= &numapol_cfs_root_type,
		},
	},
};

/* After configfs itself (fs/ links after mm/). */
static int __init numapol_cfs_init(void)
{
	int ret;

	numapol_cfs_default = numapol_parse("default", 7);
	if (IS_ERR(numapol_cfs_default))
		return PTR_ERR(numapol_cfs_default);
	config_group_init(&numapol_cfs_subsys.su_group);
	mutex_init(&numapol_cfs_subsys.su_mutex);
	ret = configfs_register_subsystem(&numapol_cfs_subsys);
	if (ret) {
		pr_err("numapol: cannot register configfs subsystem: %d\n", ret);
		numapol_policy_put(numapol_cfs_default);
	}
	return ret;
}
late_initcall(numapol_cfs_init);
