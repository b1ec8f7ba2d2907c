// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "procfs.h"

static uint64_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

int mapping_parse(const char *s, struct mapping_spec *m, struct nc_err *e)
{
	char buf[256], *dash;

	memset(m, 0, sizeof(*m));
	if (!strcmp(s, "heap")) {
		m->kind = MAP_HEAP;
		return 0;
	}
	if (!strcmp(s, "stack")) {
		m->kind = MAP_STACK;
		return 0;
	}
	if (!strncmp(s, "file:", 5)) {
		if (s[5] != '/')
			return nc_fail(e, "invalid mapping '%s': file:PATH needs an absolute path",
				       s);
		m->kind = MAP_FILE;
		m->path = xstrdup(s + 5);
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return nc_fail(e, "invalid mapping '%s'", s);
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_hex(buf, &m->start) ||
	    (dash && parse_hex(dash + 1, &m->end)))
		return nc_fail(e, "invalid mapping '%s': expected heap, stack, file:PATH, ADDR or ADDR-END (hex)",
			       s);
	m->kind = dash ? MAP_RANGE : MAP_ADDR;
	if (m->start % page_size() || (dash && m->end % page_size()))
		return nc_fail(e, "invalid mapping '%s': addresses must be page aligned",
			       s);
	if (dash && m->end <= m->start)
		return nc_fail(e, "invalid mapping '%s': end must be above start",
			       s);
	return 0;
}

void mapping_spec_free(struct mapping_spec *m)
{
	free(m->path);
	m->path = NULL;
}

/* Turn a failed open of a /proc/<pid> file into a clear message. */
static int proc_err(struct nc_err *e, pid_t pid, const char *what)
{
	int err = e->err_no;

	if (err == ENOENT || err == ESRCH)
		return nc_fail_errno(e, ESRCH, "process %d", pid);
	if (err == EACCES || err == EPERM)
		return nc_fail_errno(e, err, "%s of process %d", what, pid);
	return -1;
}

static char *proc_path(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		       const char *file)
{
	if (tid)
		return xasprintf("%s/%d/task/%d/%s", ctx->proc_root, pid, tid,
				 file);
	return xasprintf("%s/%d/%s", ctx->proc_root, pid, file);
}

/* Read /proc/PID[/task/TID]/FILE whole. */
static int proc_read(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		     const char *file, char **buf, struct nc_err *e)
{
	char *path = proc_path(ctx, pid, tid, file);
	int r = read_file(path, buf, NULL, e);

	free(path);
	return r;
}

/* Write @text to /proc/PID[/task/TID]/FILE in one write(); -v traces it. */
static int proc_write(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		      const char *file, const char *text, struct nc_err *e)
{
	char *path = proc_path(ctx, pid, tid, file);
	const char *p;
	size_t len;
	int r;

	for (p = text; ctx->verbose && *p; p += len + (p[len] == '\n')) {
		len = strcspn(p, "\n");
		nc_trace(ctx, "write '%.*s' to %s", (int)len, p, path);
	}
	r = write_file(path, text, e);
	free(path);
	return r;
}

int maps_read(const struct nc_ctx *ctx, pid_t pid, struct maps_vma **v,
	      size_t *n, struct nc_err *e)
{
	char *buf, *line, *save;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (proc_read(ctx, pid, 0, "maps", &buf, e))
		return proc_err(e, pid, "memory map");
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end;
		struct maps_vma *m;
		int off = 0;

		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &start, &end,
			   &off) < 2)
			continue;
		m = ARR_PUSH(*v, *n, cap);
		m->start = start;
		m->end = end;
		m->path = xstrdup(off ? line + off : "");
	}
	free(buf);
	return 0;
}

void maps_free(struct maps_vma *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

int mapping_resolve(const struct nc_ctx *ctx, pid_t pid,
		    const struct mapping_spec *m, struct addr_range **r,
		    size_t *n, struct nc_err *e)
{
	struct maps_vma *v;
	size_t nv, i, cap = 0;
	const char *special = m->kind == MAP_HEAP ? "[heap]" : "[stack]";

	*r = NULL;
	*n = 0;
	if (m->kind == MAP_RANGE) {
		struct addr_range *a = ARR_PUSH(*r, *n, cap);

		a->start = m->start;
		a->end = m->end;
		return 0;
	}
	if (maps_read(ctx, pid, &v, &nv, e))
		return -1;
	for (i = 0; i < nv; i++) {
		bool hit;

		switch (m->kind) {
		case MAP_HEAP:
		case MAP_STACK:
			hit = !strcmp(v[i].path, special);
			break;
		case MAP_FILE:
			hit = path_is(v[i].path, m->path);
			break;
		default:
			hit = v[i].start == m->start;
			break;
		}
		if (!hit)
			continue;
		/* Contiguous VMAs of one file form one range. */
		if (*n && (*r)[*n - 1].end == v[i].start &&
		    m->kind == MAP_FILE) {
			(*r)[*n - 1].end = v[i].end;
			continue;
		}
		ARR_PUSH(*r, *n, cap)->start = v[i].start;
		(*r)[*n - 1].end = v[i].end;
	}
	maps_free(v, nv);
	if (*n)
		return 0;
	switch (m->kind) {
	case MAP_HEAP:
	case MAP_STACK:
		return nc_fail(e, "process %d has no %s mapping", pid, special);
	case MAP_FILE:
		return nc_fail(e, "process %d does not map %s", pid, m->path);
	default:
		return nc_fail(e, "process %d has no mapping starting at 0x%" PRIx64,
			       pid, m->start);
	}
}

/* Mode names of mpol_to_str() that contain a space. */
static const char *const spaced_modes[] = {
	"prefer (many)", "weighted interleave",
};

int numa_maps_parse_line(const char *line, struct nm_vma *v)
{
	unsigned long long start;
	const char *p, *q;
	size_t i, cap = 0, len;
	int off = 0;

	memset(v, 0, sizeof(*v));
	if (sscanf(line, "%llx %n", &start, &off) < 1 || !off)
		return -1;
	v->start = start;
	v->pagesize = page_size();
	p = line + off;
	len = 0;
	for (i = 0; i < 2; i++)
		if (!strncmp(p, spaced_modes[i], strlen(spaced_modes[i])))
			len = strlen(spaced_modes[i]);
	len += strcspn(p + len, " \n");
	if (!len)
		return -1;
	v->policy = strndup(p, len);
	if (!v->policy)
		return -1;
	p += len;
	while (*p) {
		p += strspn(p, " \n");
		q = p + strcspn(p, " \n");
		if (!v->name && (((size_t)(q - p) == 4 && !strncmp(p, "heap", 4)) ||
				 ((size_t)(q - p) == 5 && !strncmp(p, "stack", 5)))) {
			v->name = xstrndup(p, (size_t)(q - p));
		} else if (!v->name && !strncmp(p, "file=", 5)) {
			v->name = xstrndup(p + 5, (size_t)(q - p - 5));
		} else if (!strncmp(p, "kernelpagesize_kB=", 18)) {
			unsigned long long kb;

			if (sscanf(p + 18, "%llu", &kb) == 1 && kb)
				v->pagesize = kb * 1024;
		} else if (p[0] == 'N' && p[1] >= '0' && p[1] <= '9') {
			unsigned long long cnt;
			int node;

			if (sscanf(p, "N%d=%llu", &node, &cnt) == 2 &&
			    node >= 0 && node < NC_MAX_NODES) {
				struct node_pages *np =
					ARR_PUSH(v->np, v->nnp, cap);

				np->node = node;
				np->pages = cnt;
			}
		}
		p = q;
	}
	return 0;
}

int numa_maps_read(const struct nc_ctx *ctx, pid_t pid, struct nm_vma **v,
		   size_t *n, struct nc_err *e)
{
	char *buf, *line, *save;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (proc_read(ctx, pid, 0, "numa_maps", &buf, e))
		return proc_err(e, pid, "numa_maps");
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct nm_vma tmp;

		if (numa_maps_parse_line(line, &tmp))
			continue;
		*ARR_PUSH(*v, *n, cap) = tmp;
	}
	free(buf);
	return 0;
}

void numa_maps_free(struct nm_vma *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].policy);
		free(v[i].name);
		free(v[i].np);
	}
	free(v);
}

void numa_maps_sum(const struct nm_vma *v, size_t n, uint64_t start,
		   uint64_t end, bool bytes, uint64_t counts[NC_MAX_NODES])
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (v[i].start < start || v[i].start >= end)
			continue;
		for (j = 0; j < v[i].nnp; j++)
			counts[v[i].np[j].node] += v[i].np[j].pages *
						   (bytes ? v[i].pagesize : 1);
	}
}

int numapol_missing(struct nc_err *e)
{
	nc_fail(e, "this kernel has no numapol (no /proc/PID/numa_policy): boot a kernel built with CONFIG_NUMAPOL=y; without it only 'numacfg migrate' works");
	e->err_no = ENOSYS;
	return -1;
}

int numapol_check(const struct nc_ctx *ctx, pid_t pid, struct nc_err *e)
{
	char *path;
	int r;

	if (pid)
		path = xasprintf("%s/%d/numa_policy", ctx->proc_root, pid);
	else
		path = xasprintf("%s/self/numa_policy", ctx->proc_root);
	r = access(path, F_OK);
	free(path);
	if (!r)
		return 0;
	if (pid && !proc_exists(ctx, pid))
		return nc_fail_errno(e, ESRCH, "process %d", pid);
	return numapol_missing(e);
}

int proc_policy_read(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		     char *buf, size_t size, struct nc_err *e)
{
	char *text;

	if (proc_read(ctx, pid, tid, "numa_policy", &text, e)) {
		if (e->err_no == ENOENT && !tid)
			return numapol_check(ctx, pid, e);
		return proc_err(e, pid, "numa_policy");
	}
	snprintf(buf, size, "%s", rtrim(text));
	free(text);
	return 0;
}

int proc_policy_write(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		      const char *policy, struct nc_err *e)
{
	char *line;
	int r;

	line = xasprintf("%s\n", policy);
	r = proc_write(ctx, pid, tid, "numa_policy", line, e);
	free(line);
	if (!r)
		return 0;
	if (e->err_no == EINVAL)
		return nc_fail_errno(e, EINVAL, "kernel refused policy '%s' for %s %d",
				     policy, tid ? "thread" : "process",
				     tid ? tid : pid);
	if (e->err_no == EAGAIN)
		return nc_fail_errno(e, EAGAIN, "process %d did not respond in time (stopped or in uninterruptible sleep?); nothing changed",
				     pid);
	return proc_err(e, pid, "numa_policy");
}

int proc_numa_maps_write(const struct nc_ctx *ctx, pid_t pid,
			 const char *text, struct nc_err *e)
{
	if (!proc_write(ctx, pid, 0, "numa_maps", text, e))
		return 0;
	if (e->err_no == EINVAL)
		return nc_fail_errno(e, EINVAL, "kernel refused numa_maps write to process %d",
				     pid);
	return proc_err(e, pid, "numa_maps");
}

int proc_tids(const struct nc_ctx *ctx, pid_t pid, pid_t **tids, size_t *n,
	      struct nc_err *e)
{
	char *path = xasprintf("%s/%d/task", ctx->proc_root, pid);
	int r = 0;

	if (list_pids(path, tids, n)) {
		nc_fail_errno(e, errno, "cannot read %s", path);
		r = proc_err(e, pid, "threads");
	}
	free(path);
	return r;
}

void proc_comm(const struct nc_ctx *ctx, pid_t pid, pid_t tid, char *buf,
	       size_t size)
{
	struct nc_err e;
	char *text;

	buf[0] = '\0';
	if (proc_read(ctx, pid, tid, "comm", &text, &e))
		return;
	snprintf(buf, size, "%s", rtrim(text));
	free(text);
}

bool proc_exists(const struct nc_ctx *ctx, pid_t pid)
{
	char *path = xasprintf("%s/%d", ctx->proc_root, pid);
	struct stat st;
	bool r = stat(path, &st) == 0 && S_ISDIR(st.st_mode);

	free(path);
	return r;
}
