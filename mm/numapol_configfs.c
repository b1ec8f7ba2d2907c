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
 *   group: @grp is valid for the binding's whole life. It holds a reference
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
 *   -> the target's numapol_mutex (taken by the core) -> when the
 *   writer is itself a target, what set_mempolicy(2) and mbind(2) take.
 *   numapol_cfs_tasks_lock is never held with another lock, and no two
 *   group locks are ever held together.
 * - The targets are changed from their own context (task_work): they
 *   never take a group lock on our behalf, and the core waits for each
 *   at most numapol.timeout_ms, so a target that is itself blocked on a
 *   group lock (or stopped) makes the operation fail with EAGAIN instead
 *   of deadlocking. While mkdir or rmdir of a binding waits so, su_mutex
 *   is held: other mkdir/rmdir under numapol/ wait as long.
 */

#include <linux/configfs.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numapol.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

struct numapol_cfs_group {
	struct config_group group;
	struct config_group tasks;
	struct config_group ranges;
	struct mutex lock;		/* see "Locking" above */
	struct numapol_policy *pol;
	bool move;
	struct list_head bindings;	/* creation order */
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
	/* Ranges only. */
	unsigned long start, end;
	bool enabled;
	struct mm_struct *mm;		/* set while enabled */
};

/*
 * A killable guard(mutex): a group lock may be held while its policy is
 * re-applied to many targets, so whoever waits for it must stay killable.
 */
DEFINE_GUARD_COND(mutex, _kill, mutex_lock_killable(_T) == 0)

/* Does a killable guard hold its lock (false: the wait was killed)? */
static inline bool numapol_cfs_held(class_mutex_kill_t *guard)
{
	return class_mutex_kill_lock_ptr(guard);
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

/*
 * Give a binding @pol (NULL: remove a range's VMA policy). Called with the
 * group lock. Return: 0, -ESRCH when the target is gone, -EACCES or -EPERM
 * when it is out of the binding's reach, or an error of the core, in which
 * case the core has changed nothing.
 */
static int numapol_cfs_apply(struct numapol_cfs_binding *b,
			     struct numapol_policy *pol, bool move)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;

	lockdep_assert_held(&b->grp->lock);
	ret = numapol_cfs_target(b, &task, &mm);
	if (ret)
		return ret;
	ret = numapol_cfs_check_access(b, task, mm);
	if (ret)
		goto out;
	if (b->kind == NUMAPOL_CFS_TASK)
		ret = numapol_set_process(task, mm, pol);
	else
		ret = numapol_set_range(task, mm, b->start, b->end, pol, move);
	if (!ret)
		numapol_cfs_set_pol(b, pol);
out:
	mmput(mm);
	put_task_struct(task);
	return ret;
}

static bool numapol_cfs_active(struct numapol_cfs_binding *b)
{
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

	CLASS(mutex_kill, guard)(&grp->lock);
	if (!numapol_cfs_held(&guard))
		return -EINTR;
	len = numapol_format(grp->pol, page, PAGE_SIZE - 1);
	page[len++] = '\n';
	return len;
}

/*
 * Re-apply, in creation order; on the first failure give the bindings
 * already changed the group's policy back, so the group, its "policy" and
 * its members keep the old policy. Bindings whose target is gone are
 * skipped (they read "exited"), and so are those whose target is out of
 * their reach (they read "error 13" or "error 1"): one user's binding must
 * not stop the group's owner.
 */
static ssize_t numapol_cfs_policy_store(struct config_item *item,
					const char *page, size_t count)
{
	struct numapol_cfs_group *grp = to_numapol_cfs_group(item);
	struct numapol_cfs_binding *b, *failed = NULL;
	struct numapol_policy *pol;
	int ret = 0, err;

	pol = numapol_parse(page, count);
	if (IS_ERR(pol))
		return PTR_ERR(pol);

	if (mutex_lock_killable(&grp->lock)) {
		numapol_policy_put(pol);
		return -EINTR;
	}
	list_for_each_entry(b, &grp->bindings, node) {
		if (!numapol_cfs_active(b))
			continue;
		err = numapol_cfs_apply(b, pol, grp->move);
		b->err = err == -ESRCH ? 0 : err;
		if (b->err && !numapol_cfs_denied(err)) {
			failed = b;
			ret = err;
			break;
		}
	}
	if (failed) {
		list_for_each_entry(b, &grp->bindings, node) {
			if (b == failed)
				break;
			if (!numapol_cfs_active(b))
				continue;
			err = numapol_cfs_apply(b, grp->pol, grp->move);
			/* Could not be put back (writer killed?): say so. */
			b->err = err == -ESRCH ? 0 : err;
		}
	} else {
		swap(grp->pol, pol);
	}
	mutex_unlock(&grp->lock);
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

	CLASS(mutex_kill, guard)(&grp->lock);
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
	CLASS(mutex_kill, guard)(&grp->lock);
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

	CLASS(mutex_kill, guard)(&b->grp->lock);
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

	CLASS(mutex_kill, guard)(&b->grp->lock);
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
		ret = mutex_lock_killable(&b->grp->lock);
	if (!ret) {
		if (b->enabled) {
			ret = -EBUSY;
		} else {
			swap(b->pid, pid);
			put_cred(b->cred);
			b->cred = get_current_cred();
			b->err = 0;
		}
		mutex_unlock(&b->grp->lock);
	}
	put_pid(pid);
	return ret ?: count;
}

static ssize_t numapol_cfs_addr_show(struct numapol_cfs_binding *b,
				     unsigned long *addr, char *page)
{
	CLASS(mutex_kill, guard)(&b->grp->lock);
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
	CLASS(mutex_kill, guard)(&b->grp->lock);
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

	CLASS(mutex_kill, guard)(&b->grp->lock);
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
					grp->move);
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
	CLASS(mutex_kill, guard)(&b->grp->lock);
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

	spin_lock(&numapol_cfs_tasks_lock);
	if (numapol_cfs_find_task(b->pid))
		ret = -EBUSY;
	else
		list_add_tail(&b->all, &numapol_cfs_tasks);
	spin_unlock(&numapol_cfs_tasks_lock);
	if (ret)
		goto out_free;

	ret = mutex_lock_killable(&grp->lock);
	if (!ret) {
		ret = numapol_set_process(task, mm, grp->pol);
		if (!ret) {
			numapol_cfs_set_pol(b, grp->pol);
			list_add_tail(&b->node, &grp->bindings);
		}
		mutex_unlock(&grp->lock);
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

/* rmdir tasks/<pid>: the process's threads go back to "default". */
static void numapol_cfs_task_drop(struct config_group *group,
				  struct config_item *item)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);
	struct numapol_cfs_group *grp = b->grp;

	mutex_lock(&grp->lock);
	list_del(&b->node);
	/* Best effort: a stopped target keeps the group's policy. */
	numapol_cfs_apply(b, numapol_cfs_default, false);
	numapol_cfs_set_pol(b, NULL);
	mutex_unlock(&grp->lock);

	/* Only now may another group bind the process. */
	spin_lock(&numapol_cfs_tasks_lock);
	list_del(&b->all);
	spin_unlock(&numapol_cfs_tasks_lock);
	config_item_put(item);
}

static struct configfs_group_operations numapol_cfs_tasks_ops = {
	.make_item	= numapol_cfs_task_make,
	.drop_item	= numapol_cfs_task_drop,
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

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->grp = grp;
	b->kind = NUMAPOL_CFS_RANGE;
	INIT_LIST_HEAD(&b->all);
	if (mutex_lock_killable(&grp->lock)) {
		kfree(b);
		return ERR_PTR(-EINTR);
	}
	config_item_init_type_name(&b->item, name, &numapol_cfs_range_type);
	list_add_tail(&b->node, &grp->bindings);
	mutex_unlock(&grp->lock);
	return &b->item;
}

/* rmdir ranges/<name>: an enabled range loses its VMA policy. */
static void numapol_cfs_range_drop(struct config_group *group,
				   struct config_item *item)
{
	struct numapol_cfs_binding *b = to_numapol_cfs_binding(item);
	struct numapol_cfs_group *grp = b->grp;

	mutex_lock(&grp->lock);
	list_del(&b->node);
	if (b->enabled) {
		/* Best effort, as for tasks. */
		numapol_cfs_apply(b, NULL, false);
		numapol_cfs_range_disabled(b);
	}
	mutex_unlock(&grp->lock);
	config_item_put(item);
}

static struct configfs_group_operations numapol_cfs_ranges_ops = {
	.make_item	= numapol_cfs_range_make,
	.drop_item	= numapol_cfs_range_drop,
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
