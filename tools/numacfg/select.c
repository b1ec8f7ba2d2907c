// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "select.h"

#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000

static char *read_proc(const struct nc_ctx *ctx, pid_t pid, const char *file,
		       size_t *len)
{
	char *path = xasprintf("%s/%d/%s", ctx->proc_root, pid, file), *buf;
	struct nc_err e;
	int r = read_file(path, &buf, len, &e);

	free(path);
	return r ? NULL : buf;
}

/* State and flags from /proc/<pid>/stat; comm may contain ") ". */
static void parse_stat(const char *stat, struct proc_info *pi)
{
	const char *p = strrchr(stat, ')');
	unsigned long flags = 0;
	char state = 0;

	if (!p)
		return;
	if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) >= 1) {
		/* On its way out (the exit event comes before 'Z'). */
		pi->zombie = state == 'Z' || state == 'X' ||
			     (flags & PF_EXITING);
		pi->kthread = flags & PF_KTHREAD;
	}
}

static void parse_uid(const char *status, struct proc_info *pi)
{
	char *v = status_field(status, "Uid");
	unsigned int ruid, euid;

	if (v && sscanf(v, "%u %u", &ruid, &euid) == 2)
		pi->uid = euid;
	free(v);
}

int proc_info_read(const struct nc_ctx *ctx, pid_t pid,
		   struct proc_info *pi)
{
	char link[PATH_MAX], *path, *buf;
	size_t len, i;
	ssize_t n;

	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	pi->uid = (uid_t)-1;
	buf = read_proc(ctx, pid, "status", NULL);
	if (!buf)
		return -1;
	parse_uid(buf, pi);
	free(buf);
	proc_comm(ctx, pid, 0, pi->comm, sizeof(pi->comm));
	buf = read_proc(ctx, pid, "stat", NULL);
	if (buf) {
		parse_stat(buf, pi);
		free(buf);
	}
	buf = read_proc(ctx, pid, "cmdline", &len);
	if (buf) {
		while (len && buf[len - 1] == '\0')
			len--;
		for (i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[len] = '\0';
		pi->cmdline = buf;
	} else {
		pi->cmdline = xstrdup("");
	}
	pi->cgroups = read_proc(ctx, pid, "cgroup", NULL);
	path = xasprintf("%s/%d/exe", ctx->proc_root, pid);
	n = readlink(path, link, sizeof(link) - 1);
	free(path);
	/* A full buffer may be a cut name: then no exe to match. */
	if (n > 0 && (size_t)n < sizeof(link) - 1) {
		link[n] = '\0';
		pi->exe = xstrdup(link);
	}
	return 0;
}

void proc_info_free(struct proc_info *pi)
{
	free(pi->exe);
	free(pi->cmdline);
	free(pi->cgroups);
	memset(pi, 0, sizeof(*pi));
}

/* The kernel keeps 15 characters of comm: compare that much. */
static bool comm_match(const char *want, const char *comm)
{
	return !strncmp(want, comm, 15) && (strlen(want) >= 15 ?
		strlen(comm) >= 15 : !comm[strlen(want)]);
}

/* @path equals @want or lies below it. */
static bool cgroup_path_match(const char *want, const char *path)
{
	size_t n = strlen(want);

	if (!strcmp(want, "/"))
		return true;
	while (n > 1 && want[n - 1] == '/')
		n--;
	return !strncmp(want, path, n) && (!path[n] || path[n] == '/');
}

/* Any hierarchy's path ("0::/a/b" on cgroup v2) in /proc/<pid>/cgroup. */
static bool cgroup_match(const char *want, const char *text)
{
	char *copy, *line, *save, *path;
	bool hit = false;

	if (!text)
		return false;
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line && !hit;
	     line = strtok_r(NULL, "\n", &save)) {
		path = strchr(line, ':');
		if (path)
			path = strchr(path + 1, ':');
		if (path)
			hit = cgroup_path_match(want, path + 1);
	}
	free(copy);
	return hit;
}

bool selector_match(const struct selector *sel, const struct proc_info *pi)
{
	if (pi->kthread || pi->zombie)
		return false;
	if (sel->has_pid && sel->pid != pi->pid)
		return false;
	if (sel->comm && !comm_match(sel->comm, pi->comm))
		return false;
	if (sel->exe && !path_is(pi->exe, sel->exe))
		return false;
	if (sel->cmdline &&
	    regexec(&sel->cmdline_re, pi->cmdline, 0, NULL, 0))
		return false;
	if (sel->has_uid && sel->uid != pi->uid)
		return false;
	if (sel->cgroup && !cgroup_match(sel->cgroup, pi->cgroups))
		return false;
	return true;
}

static bool is_self(const struct nc_ctx *ctx, pid_t pid)
{
	return pid == getpid() && !strcmp(ctx->proc_root, "/proc");
}

static void try_pid(const struct nc_ctx *ctx, const struct selector *sel,
		    pid_t pid, pid_t **pids, size_t *n, size_t *cap)
{
	struct proc_info pi;

	if (is_self(ctx, pid))
		return;
	if (proc_info_read(ctx, pid, &pi))
		return;		/* gone meanwhile */
	if (selector_match(sel, &pi))
		*ARR_PUSH(*pids, *n, *cap) = pid;
	proc_info_free(&pi);
}

/* Numeric entries of /proc, sorted. */
static int proc_pids(const struct nc_ctx *ctx, pid_t **pids, size_t *n,
		     struct nc_err *e)
{
	if (list_pids(ctx->proc_root, pids, n))
		return nc_fail_errno(e, errno, "cannot read %s", ctx->proc_root);
	return 0;
}

int proc_snapshot_read(const struct nc_ctx *ctx, struct proc_snapshot *s,
		       struct nc_err *e)
{
	size_t i, n;
	pid_t *pids;

	memset(s, 0, sizeof(*s));
	if (proc_pids(ctx, &pids, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		struct proc_info pi;

		if (is_self(ctx, pids[i]) || proc_info_read(ctx, pids[i], &pi))
			continue;
		*ARR_PUSH(s->procs, s->n, s->cap) = pi;
	}
	free(pids);
	return 0;
}

void proc_snapshot_free(struct proc_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		proc_info_free(&s->procs[i]);
	free(s->procs);
	memset(s, 0, sizeof(*s));
}

void proc_snapshot_update(const struct nc_ctx *ctx, struct proc_snapshot *s,
			  pid_t pid)
{
	struct proc_info pi;
	size_t lo = 0, hi = s->n, mid;
	bool found = false, alive;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->procs[mid].pid < pid) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	found = lo < s->n && s->procs[lo].pid == pid;
	alive = !is_self(ctx, pid) && !proc_info_read(ctx, pid, &pi);
	if (found) {
		proc_info_free(&s->procs[lo]);
		if (alive) {
			s->procs[lo] = pi;
			return;
		}
		memmove(&s->procs[lo], &s->procs[lo + 1],
			(s->n - lo - 1) * sizeof(*s->procs));
		s->n--;
		return;
	}
	if (!alive)
		return;
	ARR_PUSH(s->procs, s->n, s->cap);
	memmove(&s->procs[lo + 1], &s->procs[lo],
		(s->n - lo - 1) * sizeof(*s->procs));
	s->procs[lo] = pi;
}

int select_scan(const struct nc_ctx *ctx, const struct proc_snapshot *snap,
		const struct selector *sel, pid_t **pids, size_t *n,
		struct nc_err *e)
{
	size_t i, cap = 0, np;
	pid_t *all;

	*pids = NULL;
	*n = 0;
	if (sel->has_pid) {
		try_pid(ctx, sel, sel->pid, pids, n, &cap);
		return 0;
	}
	if (snap) {
		for (i = 0; i < snap->n; i++)
			if (selector_match(sel, &snap->procs[i]))
				*ARR_PUSH(*pids, *n, cap) = snap->procs[i].pid;
		return 0;
	}
	if (proc_pids(ctx, &all, &np, e))
		return -1;
	for (i = 0; i < np; i++)
		try_pid(ctx, sel, all[i], pids, n, &cap);
	free(all);
	return 0;
}
