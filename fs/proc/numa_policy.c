// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/numa_policy and /proc/<pid>/task/<tid>/numa_policy: read and
 * write the task memory policy of a running process or thread.
 *
 * Reading needs what reading numa_maps needs (ptrace read access). Writing
 * is checked when the file is opened, as for /proc/<pid>/mem: ptrace attach
 * access, CAP_SYS_NICE for another user's task, and the LSM hook; the file
 * remembers the target's mm, so a descriptor kept across the target's
 * execve(2) (of a setuid program, say) can no longer change it.
 * The change itself is made by mm/numapol.c, in the target's own context.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/numapol.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

static int numa_policy_open(struct inode *inode, struct file *file,
			    bool group)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret = 0;

	task = get_proc_task(inode);
	if (!task)
		return -ESRCH;

	if (!(file->f_mode & FMODE_WRITE)) {
		if (!ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS))
			ret = -EACCES;
		goto out;
	}
	/* The <pid> file stands for the process: the leader may be gone. */
	mm = numapol_access_mm(task, group);
	if (IS_ERR(mm))
		ret = PTR_ERR(mm);
	else
		file->private_data = mm;
out:
	put_task_struct(task);
	return ret;
}

static int tgid_numa_policy_open(struct inode *inode, struct file *file)
{
	return numa_policy_open(inode, file, true);
}

static int tid_numa_policy_open(struct inode *inode, struct file *file)
{
	return numa_policy_open(inode, file, false);
}

static int numa_policy_release(struct inode *inode, struct file *file)
{
	struct mm_struct *mm = file->private_data;

	if (mm)
		mmdrop(mm);
	return 0;
}

static ssize_t numa_policy_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos, bool group)
{
	struct task_struct *task, *shown;
	ssize_t len;
	char *buf;

	task = get_proc_task(file_inode(file));
	if (!task)
		return -ESRCH;
	shown = group ? numapol_live_thread(task) : get_task_struct(task);
	put_task_struct(task);

	buf = kmalloc(NUMAPOL_STR_SIZE + 1, GFP_KERNEL);
	if (!buf) {
		put_task_struct(shown);
		return -ENOMEM;
	}
	len = numapol_task_policy_str(shown, buf, NUMAPOL_STR_SIZE);
	buf[len++] = '\n';
	put_task_struct(shown);

	len = simple_read_from_buffer(ubuf, count, ppos, buf, len);
	kfree(buf);
	return len;
}

static ssize_t numa_policy_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos, bool group)
{
	struct numapol_policy *pol;
	struct task_struct *task;
	struct mm_struct *mm;
	char *buf;
	int ret;

	/* One write(2) of the whole string, from the start. */
	if (*ppos != 0 || count > NUMAPOL_MAX_INPUT)
		return -EINVAL;
	buf = memdup_user(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	pol = numapol_parse(buf, count);
	kfree(buf);
	if (IS_ERR(pol))
		return PTR_ERR(pol);

	task = get_proc_task(file_inode(file));
	if (!task) {
		ret = -ESRCH;
		goto out_pol;
	}
	/* Refused (EPERM) if the target has called execve() since open. */
	mm = file->private_data;
	if (group)
		ret = numapol_set_process(task, mm, pol);
	else
		ret = numapol_set_thread(task, mm, pol);
	put_task_struct(task);
out_pol:
	numapol_policy_put(pol);
	return ret ? ret : count;
}

static ssize_t tgid_numa_policy_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	return numa_policy_read(file, buf, count, ppos, true);
}

static ssize_t tgid_numa_policy_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	return numa_policy_write(file, buf, count, ppos, true);
}

static ssize_t tid_numa_policy_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	return numa_policy_read(file, buf, count, ppos, false);
}

static ssize_t tid_numa_policy_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	return numa_policy_write(file, buf, count, ppos, false);
}

const struct file_operations proc_tgid_numa_policy_operations = {
	.open		= tgid_numa_policy_open,
	.read		= tgid_numa_policy_read,
	.write		= tgid_numa_policy_write,
	.llseek		= generic_file_llseek,
	.release	= numa_policy_release,
};

const struct file_operations proc_tid_numa_policy_operations = {
	.open		= tid_numa_policy_open,
	.read		= tid_numa_policy_read,
	.write		= tid_numa_policy_write,
	.llseek		= generic_file_llseek,
	.release	= numa_policy_release,
};
