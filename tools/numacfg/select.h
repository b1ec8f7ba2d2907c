/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process selection: match selectors (pid, comm, exe, cmdline regex, uid,
 * cgroup) against /proc.
 */
#ifndef NUMACFG_SELECT_H
#define NUMACFG_SELECT_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* Facts about one process, read once per scan. */
struct proc_info {
	pid_t pid;
	char comm[64];
	char *exe;		/* NULL when unreadable */
	char *cmdline;		/* arguments joined by spaces */
	uid_t uid;		/* effective uid */
	char *cgroups;		/* /proc/<pid>/cgroup text */
	bool kthread;
	bool zombie;		/* or exiting */
};

/* 0 on success, -1 if the process is gone or unreadable. */
int proc_info_read(const struct nc_ctx *ctx, pid_t pid,
		   struct proc_info *pi);
void proc_info_free(struct proc_info *pi);

bool selector_match(const struct selector *sel, const struct proc_info *pi);

/* The facts of every process in /proc, read once for many selectors. */
struct proc_snapshot {
	struct proc_info *procs;	/* sorted by pid */
	size_t n, cap;
};

int proc_snapshot_read(const struct nc_ctx *ctx, struct proc_snapshot *s,
		       struct nc_err *e);
void proc_snapshot_free(struct proc_snapshot *s);
/*
 * Re-read the facts of @pid into @s (after an exec, comm or uid event),
 * or drop it when it is gone (exit).  Keeps @s sorted.
 */
void proc_snapshot_update(const struct nc_ctx *ctx, struct proc_snapshot *s,
			  pid_t pid);

/*
 * All live user processes of @ctx's /proc matching @sel, sorted by pid.
 * Kernel threads, zombies and numacfg itself are never selected.  A pid
 * selector looks at that process only; others use @snap when given, else
 * scan /proc.
 */
int select_scan(const struct nc_ctx *ctx, const struct proc_snapshot *snap,
		const struct selector *sel, pid_t **pids, size_t *n,
		struct nc_err *e);

#endif
