// SPDX-License-Identifier: GPL-2.0
/*
 * process_set_mempolicy(2), process_get_mempolicy(2) and process_mbind(2):
 * the memory policy of another process, named by a pidfd.
 *
 * A third front end of the numapol core, next to /proc/<pid>/numa_policy,
 * the writable /proc/<pid>/numa_maps and configfs: the same checks
 * (numapol_access_mm(), at call time, on the pidfd's task), the same change
 * made by the target itself (task_work), the same bounded, killable waits
 * and the same rollback. Only the arguments differ: struct mpol_args, which
 * grows by size as clone3(2)'s and openat2(2)'s do.
 *
 * A process pidfd stands for every thread of the process (a thread created
 * during the call gets the policy too); a PIDFD_THREAD pidfd for that
 * thread alone.
 */

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/numapol.h>
#include <linux/pid.h>
#include <uapi/linux/pidfd.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

/* Node masks are arrays of __u64 in user space, whatever the word size. */
#define NUMAPOL_MASK_WORDS	BITS_TO_U64(MAX_NUMNODES)

/* As clone3(2): the first version is the smallest, a larger one E2BIG. */
static int numapol_copy_args(struct mpol_args *args,
			     const struct mpol_args __user *uargs, size_t usize)
{
	BUILD_BUG_ON(sizeof(struct mpol_args) != MPOL_ARGS_SIZE_VER0);

	if (usize < MPOL_ARGS_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(args, sizeof(*args), uargs, usize);
}

/*
 * A node mask of @maxnodes bits from user space, as set_mempolicy(2) reads
 * one: none without bits or a pointer, at most a page of bits, and those
 * above MAX_NUMNODES must be clear.
 */
static int numapol_get_nodes(nodemask_t *nodes, u64 unodes, u64 maxnodes)
{
	u64 __user *p = u64_to_user_ptr(unodes);
	u64 words[NUMAPOL_MASK_WORDS];
	unsigned long nbits, i;

	nodes_clear(*nodes);
	if (!maxnodes || !unodes)
		return 0;
	if (maxnodes > PAGE_SIZE * BITS_PER_BYTE)
		return -EINVAL;
	nbits = min_t(u64, maxnodes, MAX_NUMNODES);
	for (i = MAX_NUMNODES / 64; i < DIV_ROUND_UP(maxnodes, 64); i++) {
		u64 word;

		if (get_user(word, p + i))
			return -EFAULT;
		/* Bits from @maxnodes on are not the caller's: ignored. */
		if (i == (maxnodes - 1) / 64 && maxnodes % 64)
			word &= BIT_ULL(maxnodes % 64) - 1;
		/* Bits below MAX_NUMNODES name nodes of this kernel. */
		if (i == MAX_NUMNODES / 64)
			word &= ~(BIT_ULL(MAX_NUMNODES % 64) - 1);
		if (word)
			return -EINVAL;
	}
	if (copy_from_user(words, p, BITS_TO_U64(nbits) * sizeof(u64)))
		return -EFAULT;
	bitmap_from_arr64(nodes_addr(*nodes), words, nbits);
	return 0;
}

/* As get_mempolicy(2): the caller's mask must hold every possible node. */
static int numapol_put_nodes(u64 unodes, u64 maxnodes, const nodemask_t *nodes)
{
	u64 __user *p = u64_to_user_ptr(unodes);
	u64 words[NUMAPOL_MASK_WORDS];
	unsigned long nwords, copy;

	if (!unodes)
		return 0;
	if (maxnodes < nr_node_ids || maxnodes > PAGE_SIZE * BITS_PER_BYTE)
		return -EINVAL;
	nwords = DIV_ROUND_UP(maxnodes, 64);
	copy = min_t(unsigned long, nwords, NUMAPOL_MASK_WORDS);
	bitmap_to_arr64(words, nodes_addr(*nodes), MAX_NUMNODES);
	if (nwords > copy &&
	    clear_user(p + copy, (nwords - copy) * sizeof(u64)))
		return -EFAULT;
	if (copy_to_user(p, words, copy * sizeof(u64)))
		return -EFAULT;
	return 0;
}

/*
 * The policy the arguments describe, as set_mempolicy(2) and mbind(2) read
 * theirs: MPOL_PREFERRED without nodes is local allocation, and with
 * several nodes the first (for relative nodes, where the first one depends
 * on the target's cpuset, only one node is accepted).
 */
static struct numapol_policy *numapol_args_policy(const struct mpol_args *args,
						  bool range)
{
	unsigned short mode = args->mode, flags = args->mode_flags;
	nodemask_t nodes;
	int ret;

	if (args->home_node != NUMA_NO_NODE && !range)
		return ERR_PTR(-EINVAL);
	ret = numapol_get_nodes(&nodes, args->pol_nodes, args->pol_maxnodes);
	if (ret)
		return ERR_PTR(ret);
	if (mode == MPOL_PREFERRED) {
		if (nodes_empty(nodes)) {
			if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
				return ERR_PTR(-EINVAL);
			mode = MPOL_LOCAL;
		} else if (!(flags & MPOL_F_RELATIVE_NODES)) {
			nodes = nodemask_of_node(first_node(nodes));
		}
	}
	return numapol_policy_new(mode, flags, &nodes, args->home_node);
}

/*
 * The task a pidfd names, referenced: the thread of a PIDFD_THREAD pidfd,
 * else the process (*@group set). -EBADF when @pidfd is not a pidfd,
 * -ESRCH when its process or thread has exited.
 */
static struct task_struct *numapol_pidfd_task(int pidfd, bool *group)
{
	struct task_struct *task;
	unsigned int f_flags;
	struct pid *pid;

	pid = pidfd_get_pid(pidfd, &f_flags);
	if (IS_ERR(pid))
		return ERR_CAST(pid);
	*group = !(f_flags & PIDFD_THREAD);
	task = get_pid_task(pid, *group ? PIDTYPE_TGID : PIDTYPE_PID);
	put_pid(pid);
	return task ?: ERR_PTR(-ESRCH);
}

/*
 * The task a pidfd names (see numapol_pidfd_task()), checked for a change
 * as the proc files check their opener (numapol_access_mm()): its mm with
 * an mm_count reference in *@mmp. Return: the referenced task, or an
 * ERR_PTR().
 */
static struct task_struct *numapol_pidfd_target(int pidfd, bool *group,
						struct mm_struct **mmp)
{
	struct task_struct *task = numapol_pidfd_task(pidfd, group);
	struct mm_struct *mm;

	if (IS_ERR(task))
		return task;
	mm = numapol_access_mm(task, *group);
	if (IS_ERR(mm)) {
		put_task_struct(task);
		return ERR_CAST(mm);
	}
	*mmp = mm;
	return task;
}

/**
 * sys_process_set_mempolicy - set the task policy of another process
 * @pidfd: the process (every thread), or with PIDFD_THREAD one thread
 * @uargs: the policy; home_node must be NUMA_NO_NODE
 * @usize: sizeof(*@uargs) as the caller knows it
 * @flags: none yet, 0
 *
 * As set_mempolicy(2) called by the target (every thread of it): the nodes
 * are checked against the target's cpuset, static and relative nodes and
 * MPOL_F_NUMA_BALANCING mean what they mean there.
 *
 * Return: 0 once every thread runs the new policy; -EBADF, -ESRCH, -EFAULT,
 * -E2BIG, -EINVAL, -EACCES, -EPERM, or, as for /proc/<pid>/numa_policy,
 * -EAGAIN (a thread did not take the change within numapol.timeout_ms:
 * nothing changed) and -EINTR (the caller was killed).
 */
SYSCALL_DEFINE4(process_set_mempolicy, int, pidfd,
		const struct mpol_args __user *, uargs, size_t, usize,
		unsigned int, flags)
{
	struct numapol_policy *pol;
	struct task_struct *task;
	struct mpol_args args;
	struct mm_struct *mm;
	bool group;
	int ret;

	if (flags)
		return -EINVAL;
	ret = numapol_copy_args(&args, uargs, usize);
	if (ret)
		return ret;
	pol = numapol_args_policy(&args, false);
	if (IS_ERR(pol))
		return PTR_ERR(pol);
	task = numapol_pidfd_target(pidfd, &group, &mm);
	if (IS_ERR(task)) {
		ret = PTR_ERR(task);
	} else {
		if (group)
			ret = numapol_set_process(task, mm, pol);
		else
			ret = numapol_set_thread(task, mm, pol);
		mmdrop(mm);
		put_task_struct(task);
	}
	numapol_policy_put(pol);
	return ret;
}

/* What get_mempolicy(2) reports of @pol (NULL: the default policy). */
static void numapol_fill_args(struct mpol_args *args, nodemask_t *nodes,
			      const struct mempolicy *pol)
{
	nodes_clear(*nodes);
	args->mode = MPOL_DEFAULT;
	args->mode_flags = 0;
	args->home_node = NUMA_NO_NODE;
	if (!pol)
		return;
	args->mode = pol->mode;
	args->mode_flags = pol->flags & MPOL_MODE_FLAGS;
	args->home_node = pol->home_node;
	if (pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
		*nodes = pol->w.user_nodemask;
	else if (pol->mode != MPOL_DEFAULT && pol->mode != MPOL_LOCAL)
		*nodes = pol->nodes;
}

/* The policy of the VMA at @addr in @task's mm, as MPOL_F_ADDR reads it. */
static int numapol_get_vma_policy(struct task_struct *task, bool group,
				  unsigned long addr, struct mpol_args *args,
				  nodemask_t *nodes)
{
	struct task_struct *t = group ? numapol_live_thread(task) :
					get_task_struct(task);
	struct vm_area_struct *vma;
	struct mempolicy *pol;
	struct mm_struct *mm;
	pgoff_t ilx;
	int ret = 0;

	mm = mm_access(t, PTRACE_MODE_READ_FSCREDS);
	put_task_struct(t);
	if (IS_ERR_OR_NULL(mm))
		return mm ? PTR_ERR(mm) : -ESRCH;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	addr = untagged_addr_remote(mm, addr);
	vma = vma_lookup(mm, addr);
	if (vma) {
		/* A shared policy (shmem) comes with a reference. */
		pol = __get_vma_policy(vma, addr, &ilx);
		numapol_fill_args(args, nodes, pol);
		mpol_cond_put(pol);
	} else {
		ret = -EFAULT;
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/* The task policy of @task (a process: a live thread of it). */
static int numapol_get_task_policy(struct task_struct *task, bool group,
				   struct mpol_args *args, nodemask_t *nodes)
{
	struct task_struct *t = group ? numapol_live_thread(task) :
					get_task_struct(task);
	int ret = 0;

	if (!ptrace_may_access(t, PTRACE_MODE_READ_FSCREDS)) {
		ret = -EACCES;
	} else {
		/* Its owner replaces it, and do_exit() drops it, under it. */
		task_lock(t);
		/* Every thread has exited (a zombie): nothing to read. */
		if (!t->mm || (t->flags & PF_EXITING))
			ret = -ESRCH;
		else
			numapol_fill_args(args, nodes, t->mempolicy);
		task_unlock(t);
	}
	put_task_struct(t);
	return ret;
}

/**
 * sys_process_get_mempolicy - read the policy of another process
 * @pidfd: the process (its task policy is that of a live thread), or with
 *	PIDFD_THREAD one thread
 * @uargs: in: pol_nodes and pol_maxnodes say where the nodes go (pol_nodes
 *	0: nowhere); out: mode, mode_flags, home_node and the nodes
 * @usize: sizeof(*@uargs) as the caller knows it
 * @addr: with MPOL_F_ADDR, an address of the target: the policy of the
 *	mapping there
 * @flags: 0 (the task policy) or MPOL_F_ADDR
 *
 * Reports what get_mempolicy(2) called by the target would: the nodes as
 * given for static and relative nodes, the default policy (MPOL_DEFAULT) of
 * a mapping without one. Needs ptrace read access, as numa_maps does.
 *
 * Return: 0; -EBADF, -ESRCH, -EFAULT (also: no mapping at @addr), -E2BIG,
 * -EINVAL (also: pol_maxnodes smaller than the number of possible nodes),
 * -EACCES, -EPERM, -EINTR.
 */
SYSCALL_DEFINE5(process_get_mempolicy, int, pidfd,
		struct mpol_args __user *, uargs, size_t, usize,
		unsigned long, addr, unsigned int, flags)
{
	struct task_struct *task;
	struct mpol_args args;
	nodemask_t nodes;
	bool group;
	int ret;

	/* As get_mempolicy(2): an address only with MPOL_F_ADDR. */
	if ((flags & ~MPOL_F_ADDR) || (!(flags & MPOL_F_ADDR) && addr))
		return -EINVAL;
	ret = numapol_copy_args(&args, uargs, usize);
	if (ret)
		return ret;
	task = numapol_pidfd_task(pidfd, &group);
	if (IS_ERR(task))
		return PTR_ERR(task);
	if (task->flags & PF_KTHREAD)
		ret = -EINVAL;
	else if (flags & MPOL_F_ADDR)
		ret = numapol_get_vma_policy(task, group, addr, &args, &nodes);
	else
		ret = numapol_get_task_policy(task, group, &args, &nodes);
	put_task_struct(task);
	if (ret)
		return ret;
	ret = numapol_put_nodes(args.pol_nodes, args.pol_maxnodes, &nodes);
	if (ret)
		return ret;
	if (copy_to_user(uargs, &args, min(usize, sizeof(args))))
		return -EFAULT;
	return 0;
}

/**
 * sys_process_mbind - set the policy of an address range of another process
 * @pidfd: the process (a PIDFD_THREAD pidfd names its process here)
 * @start: start of the range, page aligned
 * @len: its length, rounded up to pages
 * @uargs: the policy, and a home node (NUMA_NO_NODE: none) set as
 *	set_mempolicy_home_node(2) would, for bind and preferred-many
 * @usize: sizeof(*@uargs) as the caller knows it
 * @flags: MPOL_MF_STRICT, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, as for mbind(2)
 *
 * As mbind(2) called by the target: VMAs are split and merged, and nodes
 * checked against the target's cpuset, by the target itself. Pages are
 * moved (MPOL_MF_MOVE) by the caller, in batches, as a numa_maps "move"
 * line does, so the target is never the migration engine; MPOL_MF_MOVE_ALL
 * also moves pages other processes map and needs CAP_SYS_NICE.
 *
 * Return: 0; as mbind(2) (-EFAULT for a hole in the range, -EIO with
 * MPOL_MF_STRICT for pages that are not, or could not be moved, where the
 * policy wants them); -EBADF, -ESRCH, -E2BIG, -EACCES, -EPERM, -EAGAIN and
 * -EINTR as process_set_mempolicy(2).
 */
SYSCALL_DEFINE6(process_mbind, int, pidfd, unsigned long, start,
		unsigned long, len, const struct mpol_args __user *, uargs,
		size_t, usize, unsigned int, flags)
{
	unsigned int rflags = NUMAPOL_RANGE_STRICT;
	struct numapol_policy *pol;
	struct task_struct *task;
	struct mpol_args args;
	struct mm_struct *mm;
	unsigned long end;
	bool group;
	int ret;

	if (flags & ~MPOL_MF_VALID)
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
		return -EPERM;
	/* As mbind(2), before the pidfd (a tag is in the high bits). */
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (start + len < start)
		return -EINVAL;
	if (!(flags & MPOL_MF_STRICT))
		rflags = 0;
	if (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		rflags |= NUMAPOL_RANGE_MOVE;
	if (flags & MPOL_MF_MOVE_ALL)
		rflags |= NUMAPOL_RANGE_MOVE_ALL;
	ret = numapol_copy_args(&args, uargs, usize);
	if (ret)
		return ret;
	pol = numapol_args_policy(&args, true);
	if (IS_ERR(pol))
		return PTR_ERR(pol);
	/* As mbind(2): the policy is checked, then an empty range is done. */
	if (!len) {
		numapol_policy_put(pol);
		return 0;
	}
	task = numapol_pidfd_target(pidfd, &group, &mm);
	if (IS_ERR(task)) {
		ret = PTR_ERR(task);
		goto out_pol;
	}
	if (!mmget_not_zero(mm)) {
		ret = -ESRCH;
		goto out_mm;
	}
	if (mmap_read_lock_killable(mm)) {
		ret = -EINTR;
		goto out_mmput;
	}
	start = untagged_addr_remote(mm, start);
	mmap_read_unlock(mm);
	end = start + len;
	if (end < start)
		ret = -EINVAL;
	else
		ret = numapol_set_range(task, mm, start, end, pol, rflags);
out_mmput:
	mmput(mm);
out_mm:
	mmdrop(mm);
	put_task_struct(task);
out_pol:
	numapol_policy_put(pol);
	return ret;
}
