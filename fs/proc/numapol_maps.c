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

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/numapol.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

#include "internal.h"

/* A write(2) holds at most this much; a line at most NUMAPOL_MAPS_MAX_LINE. */
#define NUMAPOL_MAPS_MAX_WRITE	(4UL << 20)
#define NUMAPOL_MAPS_MAX_LINE	(PATH_MAX + 512)

/**
 * struct numapol_maps_writer - what a numa_maps file opened for writing holds
 * @mm: the target's mm, as checked at open (mm_count reference)
 * @lock: serializes the file's writes and its pending line
 * @pending: the start of a line whose end has not been written yet
 * @pending_len: its length
 */
struct numapol_maps_writer {
	struct mm_struct *mm;
	struct mutex lock;	/* the file's writes, and @pending */
	char *pending;
	size_t pending_len;
};

/**
 * numapol_maps_open - check a writer of /proc/<pid>/numa_maps
 * @inode: the numa_maps inode
 * @file: the file, opened by proc_maps_open()
 *
 * Writers need ptrace attach access (as for /proc/<pid>/mem), plus what
 * numapol_check_access() asks, on a live thread of the process; the mm
 * that was checked is the one every write of this file changes (or is
 * refused, after an execve(2)). Readers are checked as before.
 *
 * Return: 0 or a negative errno.
 */
int numapol_maps_open(struct inode *inode, struct file *file)
{
	struct proc_maps_private *priv;
	struct numapol_maps_writer *w;
	struct task_struct *task;
	struct mm_struct *mm;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	task = get_proc_task(inode);
	if (!task)
		return -ESRCH;
	mm = numapol_access_mm(task, true);
	put_task_struct(task);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w) {
		mmdrop(mm);
		return -ENOMEM;
	}
	w->mm = mm;
	mutex_init(&w->lock);
	priv = ((struct seq_file *)file->private_data)->private;
	priv->numapol = w;
	return 0;
}

/**
 * numapol_maps_release - free what a writer of numa_maps left behind
 * @priv: the file's proc_maps_private
 */
void numapol_maps_release(struct proc_maps_private *priv)
{
	struct numapol_maps_writer *w = priv->numapol;

	if (!w)
		return;
	mmdrop(w->mm);
	kfree(w->pending);
	kfree(w);
	priv->numapol = NULL;
}

/*
 * What the lines of one write are compared with: the policy numa_maps
 * shows for a VMA without one of its own (the task's), read once.
 */
struct numapol_maps_shown {
	char *shown, *wanted;
	struct numapol_policy *task_pol;	/* parsed, or NULL */
	char task_str[NUMAPOL_STR_SIZE];
};

/*
 * Would @l change what numa_maps shows for @vma? Compared as text, as
 * numa_maps prints it; a VMA without a policy of its own shows the task's,
 * which is compared as a parsed policy, without printing either.
 */
static bool numapol_maps_same(struct vm_area_struct *vma,
			      struct numapol_maps_line *l,
			      struct numapol_maps_shown *sh)
{
	struct mempolicy *pol;
	pgoff_t ilx;

	pol = __get_vma_policy(vma, vma->vm_start, &ilx);
	if (!pol && sh->task_pol && !l->pol->all)
		return numapol_policy_equal(l->pol, sh->task_pol);
	if (pol) {
		mpol_to_str(sh->shown, NUMAPOL_STR_SIZE, pol);
		mpol_cond_put(pol);
	} else {
		strscpy(sh->shown, sh->task_str, NUMAPOL_STR_SIZE);
	}
	numapol_format(l->pol, sh->wanted, NUMAPOL_STR_SIZE);
	return !strcmp(sh->shown, sh->wanted);
}

/* Check one line against the address space; called with the mmap_lock. */
static int numapol_maps_resolve_line(struct mm_struct *mm,
				     struct numapol_maps_line *l,
				     struct numapol_maps_shown *sh)
{
	struct vm_area_struct *vma;
	unsigned long addr;

	if (l->whole_vma) {
		vma = vma_lookup(mm, l->start);
		if (!vma || vma->vm_start != l->start)
			return -EINVAL;
		l->end = vma->vm_end;
		if (!l->pol || l->move)
			return 0;
		l->skip = numapol_maps_same(vma, l, sh);
		return 0;
	}
	for (addr = l->start; addr < l->end; addr = vma->vm_end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr)
			return -EFAULT;	/* as mbind(2) for a hole */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * Check every line against the address space before anything is applied:
 * a VMA start names a VMA, a range has no hole. Lines that would not change
 * what numa_maps shows are marked to be skipped. The mmap_lock is taken
 * for each line, so that a long write does not hold the target's mmap(2)
 * and munmap(2) off.
 */
static int numapol_maps_resolve(struct task_struct *task, struct mm_struct *mm,
				struct numapol_maps_line *lines, int n)
{
	struct numapol_maps_shown *sh;
	int i, ret = 0;

	sh = kmalloc(sizeof(*sh) + 2 * NUMAPOL_STR_SIZE, GFP_KERNEL);
	if (!sh)
		return -ENOMEM;
	sh->shown = (char *)(sh + 1);
	sh->wanted = sh->shown + NUMAPOL_STR_SIZE;
	numapol_task_policy_str(task, sh->task_str, NUMAPOL_STR_SIZE);
	sh->task_pol = numapol_parse(sh->task_str, strlen(sh->task_str));
	if (IS_ERR(sh->task_pol))
		sh->task_pol = NULL;	/* compared as text */
	for (i = 0; i < n && !ret; i++) {
		cond_resched();
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		ret = numapol_maps_resolve_line(mm, &lines[i], sh);
		mmap_read_unlock(mm);
	}
	numapol_policy_put(sh->task_pol);
	kfree(sh);
	return ret;
}

/*
 * The destinations of every migration line, by migrate_pages(2)'s rules
 * (numapol_may_migrate()), before anything is applied.
 */
static int numapol_maps_check_migrations(struct task_struct *task, bool cap,
					 struct numapol_maps_line *lines, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		if (lines[i].pol)
			continue;
		ret = numapol_may_migrate(task, &lines[i].to, cap);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Set the policies of @lines[0] and of the policy lines that follow it, up
 * to the first migration line, with one numapol_set_ranges() call. *@used
 * is how many lines (skipped ones included) were taken.
 */
static int numapol_maps_set_run(struct task_struct *live, struct mm_struct *mm,
				struct numapol_maps_line *lines, int n, int *used)
{
	struct numapol_range *ranges;
	int i, nr = 0, ret;

	for (i = 0; i < n && (lines[i].skip || lines[i].pol); i++)
		nr += !lines[i].skip;
	*used = i;
	ranges = kvcalloc(nr, sizeof(*ranges), GFP_KERNEL_ACCOUNT);
	if (!ranges)
		return -ENOMEM;
	for (i = 0, nr = 0; i < *used; i++) {
		if (lines[i].skip)
			continue;
		ranges[nr].start = lines[i].start;
		ranges[nr].end = lines[i].end;
		ranges[nr].pol = lines[i].pol;
		ranges[nr].flags = lines[i].move ? NUMAPOL_RANGE_MOVE : 0;
		nr++;
	}
	ret = numapol_set_ranges(live, mm, ranges, nr, 0);
	kvfree(ranges);
	return ret;
}

static int numapol_maps_apply(struct file *file,
			      struct numapol_maps_line *lines, int n)
{
	struct seq_file *m = file->private_data;
	struct proc_maps_private *priv = m->private;
	struct mm_struct *mm = priv->numapol->mm;
	bool cap = file_ns_capable(file, &init_user_ns, CAP_SYS_NICE);
	struct task_struct *task, *live;
	bool lru_off = false;
	int i, ret;

	task = get_proc_task(priv->inode);
	if (!task)
		return -ESRCH;
	if (!mmget_not_zero(mm)) {
		put_task_struct(task);
		return -ESRCH;
	}
	live = numapol_live_thread(task);
	put_task_struct(task);
	/* The file was opened for this mm: an execve() since ends the right. */
	task_lock(live);
	if (live->mm != mm)
		ret = live->mm ? -EPERM : -ESRCH;
	else
		ret = 0;
	task_unlock(live);
	if (!ret)
		ret = numapol_maps_check_migrations(live, cap, lines, n);
	if (!ret)
		ret = numapol_maps_resolve(live, mm, lines, n);
	for (i = 0; i < n && !ret; i++) {
		struct numapol_maps_line *l = &lines[i];
		long moved;

		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (l->skip)
			continue;
		if (l->pol) {
			int used = 0;

			/* Not across waits for the target: on again later. */
			if (lru_off) {
				lru_cache_enable();
				lru_off = false;
			}

			/*
			 * This line and the policy lines up to the next
			 * migration line: one round trip for all of them.
			 */
			ret = numapol_maps_set_run(live, mm, l, n - i, &used);
			i += used - 1;
			continue;
		}
		/*
		 * Drain every CPU's LRU caches once for consecutive
		 * migration lines, not per line; they are on again before
		 * policy lines, whose waits for the target may be long.
		 */
		if (!lru_off) {
			lru_cache_disable();
			lru_off = true;
		}
		moved = numapol_migrate_range(mm, l->start, l->end, &l->from,
					      &l->to, l->max_pages, cap, NULL);
		if (moved < 0)
			ret = moved;
	}
	if (lru_off)
		lru_cache_enable();
	mmput(mm);
	put_task_struct(live);
	return ret;
}

static void numapol_maps_free(struct numapol_maps_line *lines, int n)
{
	while (n--)
		numapol_policy_put(lines[n].pol);
	kvfree(lines);
}

/*
 * Parse the lines of @data (all complete; empty ones are skipped and cost
 * nothing); returns how many, or -errno.
 */
static noinline_for_stack int
numapol_maps_parse(const char *data, size_t len,
		   struct numapol_maps_line **linesp)
{
	const char *p, *end = data + len;
	struct numapol_parse_cache cache = {};
	struct numapol_maps_line *lines;
	size_t nr = 0;
	int n = 0, ret = 0;

	for (p = data; p < end; ) {
		const char *eol = memchr(p, '\n', end - p) ?: end;

		nr += eol > p;
		p = eol + 1;
	}
	if (!nr)
		return 0;
	lines = kvcalloc(nr, sizeof(*lines), GFP_KERNEL_ACCOUNT);
	if (!lines)
		return -ENOMEM;
	for (p = data; p < end && !ret; ) {
		const char *eol = memchr(p, '\n', end - p) ?: end;

		if (eol > p) {
			ret = numapol_parse_maps_line(p, eol - p, &lines[n],
						      &cache);
			if (!ret)
				n++;
			cond_resched();
			if (!ret && fatal_signal_pending(current))
				ret = -EINTR;
		}
		p = eol + 1;
	}
	numapol_parse_cache_put(&cache);
	if (ret) {
		numapol_maps_free(lines, n);
		return ret;
	}
	*linesp = lines;
	return n;
}

/* Parse and apply the complete lines of @data. */
static int numapol_maps_run(struct file *file, const char *data, size_t len)
{
	struct numapol_maps_line *lines = NULL;
	int n, ret;

	n = numapol_maps_parse(data, len, &lines);
	if (n <= 0)
		return n;
	ret = numapol_maps_apply(file, lines, n);
	numapol_maps_free(lines, n);
	return ret;
}

/**
 * numapol_maps_write - write(2) of /proc/<pid>/numa_maps
 * @file: the file
 * @ubuf: lines, see Documentation/admin-guide/mm/numapol-numa_maps.rst
 * @count: their length, at most 4 MiB
 * @ppos: unused: lines are a stream
 *
 * A write holds whole lines; when it also holds a last line without its
 * newline (cat(1) copying a large saved numa_maps in blocks), that part is
 * kept and completed by the next write, or applied when the file is closed
 * (numapol_maps_flush()). A write with no newline at all is one line. A NUL
 * byte anywhere is refused.
 *
 * Return: @count, or a negative errno; on -EINVAL no line of the write was
 * applied (and a pending line is dropped).
 */
ssize_t numapol_maps_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct proc_maps_private *priv = m->private;
	struct numapol_maps_writer *w = priv->numapol;
	size_t plen, len, tlen = 0;
	char *data, *tail = NULL;
	const char *last;
	int ret;

	if (!count)
		return 0;
	if (!w)
		return -EBADF;
	if (count > NUMAPOL_MAPS_MAX_WRITE)
		return -EINVAL;
	ret = mutex_lock_killable(&w->lock);
	if (ret)
		return ret;
	plen = w->pending_len;
	len = plen + count;
	ret = -ENOMEM;
	data = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!data)
		goto out;
	if (plen)
		memcpy(data, w->pending, plen);
	ret = -EFAULT;
	if (copy_from_user(data + plen, ubuf, count))
		goto out;
	/* Whatever happens now, the pending line is consumed. */
	kfree(w->pending);
	w->pending = NULL;
	w->pending_len = 0;
	ret = -EINVAL;
	if (memchr(data + plen, '\0', count))
		goto out;

	for (last = data + len - 1; last >= data && *last != '\n'; last--)
		;
	if (last < data)
		last = NULL;
	if (last || plen) {
		/* An unfinished last line waits for the next write. */
		tlen = last ? data + len - (last + 1) : len;
		if (tlen > NUMAPOL_MAPS_MAX_LINE)
			goto out;
		if (tlen) {
			ret = -ENOMEM;
			tail = kmemdup(data + len - tlen, tlen,
				       GFP_KERNEL_ACCOUNT);
			if (!tail)
				goto out;
		}
	}
	ret = numapol_maps_run(file, data, len - tlen);
	if (!ret) {
		w->pending = tail;
		w->pending_len = tlen;
		tail = NULL;
		ret = count;
	}
out:
	mutex_unlock(&w->lock);
	kfree(tail);
	kvfree(data);
	return ret;
}

/**
 * numapol_maps_flush - close(2) of /proc/<pid>/numa_maps: apply a last line
 * @file: the file
 * @id: unused
 *
 * Input is never dropped silently: a last line written without its newline
 * is applied at the last close of the file (not when a dup(2) of it, or a
 * child's inherited copy, is closed), and close(2) reports its error.
 *
 * Return: 0, or the error applying the pending line would have had.
 */
int numapol_maps_flush(struct file *file, fl_owner_t id)
{
	struct seq_file *m = file->private_data;
	struct proc_maps_private *priv = m->private;
	struct numapol_maps_writer *w = priv->numapol;
	size_t len;
	char *data;
	int ret;

	/* Only the last close: not a dup(2) or a child's inherited copy. */
	if (!w || !READ_ONCE(w->pending) || file_count(file) > 1)
		return 0;
	ret = mutex_lock_killable(&w->lock);
	if (ret)
		return ret;
	data = w->pending;
	len = w->pending_len;
	w->pending = NULL;
	w->pending_len = 0;
	ret = data ? numapol_maps_run(file, data, len) : 0;
	mutex_unlock(&w->lock);
	kfree(data);
	return ret;
}
