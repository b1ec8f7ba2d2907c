// SPDX-License-Identifier: GPL-2.0
/*
 * Writing /proc/<pid>/numa_maps: set the memory policy of a VMA or of an
 * address range of a running process, and migrate its pages, in lines that
 * look like what numa_maps prints, so that a saved numa_maps can be written
 * back to restore the policies it shows:
 *
 *	2000000000040000 interleave={2,3}
 *	7f3a1c000000-7f3a1c400000 bind:1 move
 *	7f3a1c000000 N0-1(1000)>3
 *
 * Every line of a write(2) is parsed and checked before any is applied.
 * Policies are set by a thread of the target calling mbind(2)'s do_mbind()
 * itself (mm/numapol.c); migrations run here, in the writer's context, in
 * small batches. Writers are checked when the file is opened, as for
 * /proc/<pid>/mem.
 */

#include <linux/fs.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/numapol.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/* A write(2) holds at most this much; a line at most NUMAPOL_MAPS_MAX_LINE. */
#define NUMAPOL_MAPS_MAX_WRITE	(4UL << 20)
#define NUMAPOL_MAPS_MAX_LINE	(PATH_MAX + 512)

/* Guards proc_maps_private::numapol_pending against concurrent pwrite(2)s. */
static DEFINE_MUTEX(numapol_pending_lock);

/**
 * numapol_maps_open - check a writer of /proc/<pid>/numa_maps
 * @inode: the numa_maps inode
 * @file: the file being opened
 *
 * Writers need ptrace attach access (as for /proc/<pid>/mem), plus what
 * numapol_check_access() asks; readers are checked as before.
 *
 * Return: 0 or a negative errno.
 */
int numapol_maps_open(struct inode *inode, struct file *file)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	mm = proc_mem_open(inode, PTRACE_MODE_ATTACH);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	task = get_proc_task(inode);
	if (!task)
		ret = -ESRCH;
	else if (!mm)
		ret = (task->flags & PF_KTHREAD) ? -EINVAL : -ESRCH;
	else
		ret = numapol_check_access(task);
	if (task)
		put_task_struct(task);
	if (mm)
		mmdrop(mm);
	return ret;
}

/**
 * numapol_maps_release - free what a writer of numa_maps left behind
 * @priv: the file's proc_maps_private
 */
void numapol_maps_release(struct proc_maps_private *priv)
{
	kfree(priv->numapol_pending);
	priv->numapol_pending = NULL;
}

/* What numa_maps shows as the policy of @vma: its own, or the task's. */
static void numapol_shown_policy(struct task_struct *task,
				 struct vm_area_struct *vma, char *buf,
				 size_t size)
{
	struct mempolicy *pol;
	pgoff_t ilx;

	pol = __get_vma_policy(vma, vma->vm_start, &ilx);
	if (pol) {
		mpol_to_str(buf, size, pol);
		mpol_cond_put(pol);
		return;
	}
	numapol_task_policy_str(task, buf, size);
}

/*
 * Check every line against the address space before anything is applied:
 * a VMA start names a VMA, a range has no hole. Lines that would not change
 * what numa_maps shows are marked to be skipped.
 */
static int numapol_maps_resolve(struct task_struct *task, struct mm_struct *mm,
				struct numapol_maps_line *lines, int n)
{
	char *shown, *wanted;
	int i, ret = 0;

	shown = kmalloc(2 * NUMAPOL_STR_SIZE, GFP_KERNEL);
	if (!shown)
		return -ENOMEM;
	wanted = shown + NUMAPOL_STR_SIZE;
	if (mmap_read_lock_killable(mm)) {
		kfree(shown);
		return -EINTR;
	}
	for (i = 0; i < n && !ret; i++) {
		struct numapol_maps_line *l = &lines[i];
		struct vm_area_struct *vma;
		unsigned long addr;

		if (l->whole_vma) {
			vma = vma_lookup(mm, l->start);
			if (!vma || vma->vm_start != l->start) {
				ret = -EINVAL;
				break;
			}
			l->end = vma->vm_end;
			if (!l->pol || l->move)
				continue;
			numapol_shown_policy(task, vma, shown,
					     NUMAPOL_STR_SIZE);
			numapol_format(l->pol, wanted, NUMAPOL_STR_SIZE);
			l->skip = !strcmp(shown, wanted);
			continue;
		}
		for (addr = l->start; addr < l->end; addr = vma->vm_end) {
			vma = find_vma(mm, addr);
			if (!vma || vma->vm_start > addr) {
				ret = -EFAULT;	/* as mbind(2) for a hole */
				break;
			}
		}
	}
	mmap_read_unlock(mm);
	kfree(shown);
	return ret;
}

static int numapol_maps_apply(struct proc_maps_private *priv,
			      struct numapol_maps_line *lines, int n)
{
	struct mm_struct *mm = priv->mm;
	struct task_struct *task;
	int i, ret;

	task = get_proc_task(priv->inode);
	if (!task)
		return -ESRCH;
	if (!mm || !mmget_not_zero(mm)) {
		put_task_struct(task);
		return -ESRCH;
	}
	ret = numapol_maps_resolve(task, mm, lines, n);
	for (i = 0; i < n && !ret; i++) {
		struct numapol_maps_line *l = &lines[i];
		long moved;

		if (l->skip)
			continue;
		if (l->pol) {
			ret = numapol_set_range(task, mm, l->start, l->end,
						l->pol, l->move);
			continue;
		}
		moved = numapol_migrate_range(mm, l->start, l->end, &l->from,
					      &l->to, l->max_pages);
		if (moved < 0)
			ret = moved;
	}
	mmput(mm);
	put_task_struct(task);
	return ret;
}

/* Parse the complete lines of @data; returns how many, or -errno. */
static int numapol_maps_parse(char *data, size_t len,
			      struct numapol_maps_line **linesp)
{
	struct numapol_maps_line *lines;
	size_t nl = 0, i;
	char *p, *end = data + len;
	int n = 0, ret = 0;

	for (i = 0; i < len; i++)
		nl += data[i] == '\n';
	lines = kvcalloc(nl + 1, sizeof(*lines), GFP_KERNEL);
	if (!lines)
		return -ENOMEM;
	for (p = data; p < end && !ret; ) {
		char *eol = memchr(p, '\n', end - p) ?: end;

		/* Empty lines, as at the end of a file, are allowed. */
		if (eol > p)
			ret = numapol_parse_maps_line(p, eol - p, &lines[n++]);
		p = eol + 1;
	}
	if (ret) {
		while (n--)
			numapol_policy_put(lines[n].pol);
		kvfree(lines);
		return ret;
	}
	*linesp = lines;
	return n;
}

/**
 * numapol_maps_write - write(2) of /proc/<pid>/numa_maps
 * @file: the file
 * @ubuf: lines, see Documentation/admin-guide/mm/numapol.rst
 * @count: their length
 * @ppos: unused: lines are a stream
 *
 * A write holds whole lines; when it also holds a last line without its
 * newline (cat(1) copying a large saved numa_maps in blocks), that part is
 * kept and completed by the next write. A write with no newline at all is
 * one line.
 *
 * Return: @count, or a negative errno; on -EINVAL no line of the write was
 * applied.
 */
ssize_t numapol_maps_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct proc_maps_private *priv = m->private;
	struct numapol_maps_line *lines = NULL;
	char *buf, *data, *pending, *last, *tail = NULL;
	size_t plen, len;
	int n, ret;

	if (!count)
		return 0;
	if (count > NUMAPOL_MAPS_MAX_WRITE)
		return -EINVAL;
	buf = vmemdup_user(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&numapol_pending_lock);
	pending = priv->numapol_pending;
	priv->numapol_pending = NULL;
	mutex_unlock(&numapol_pending_lock);
	plen = pending ? strlen(pending) : 0;

	len = plen + count;
	data = kvmalloc(len + 1, GFP_KERNEL);
	ret = -ENOMEM;
	if (!data)
		goto out;
	if (plen)
		memcpy(data, pending, plen);
	memcpy(data + plen, buf, count);
	data[len] = '\0';

	for (last = data + len - 1; last >= data && *last != '\n'; last--)
		;
	if (last < data)
		last = NULL;
	if (last || plen) {
		size_t tlen = last ? data + len - (last + 1) : len;

		/* An unfinished last line waits for the next write. */
		ret = -EINVAL;
		if (tlen > NUMAPOL_MAPS_MAX_LINE)
			goto out;
		if (tlen) {
			ret = -ENOMEM;
			tail = kmemdup_nul(data + len - tlen, tlen, GFP_KERNEL);
			if (!tail)
				goto out;
		}
		len -= tlen;
	}

	n = numapol_maps_parse(data, len, &lines);
	ret = n;
	if (n < 0)
		goto out;
	ret = numapol_maps_apply(priv, lines, n);
	while (n--)
		numapol_policy_put(lines[n].pol);
	kvfree(lines);
	if (!ret) {
		mutex_lock(&numapol_pending_lock);
		swap(priv->numapol_pending, tail);
		mutex_unlock(&numapol_pending_lock);
		ret = count;
	}
out:
	kfree(tail);
	kvfree(data);
	kfree(pending);
	kvfree(buf);
	return ret;
}
