// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgfs.h"
#include "procfs.h"

static int real_mkdir(const char *path)
{
	return mkdir(path, 0755);
}

static int real_rmdir(const char *path)
{
	return rmdir(path);
}

static int real_write(const char *path, const char *value)
{
	struct nc_err e;

	return write_file(path, value, &e);
}

const struct cfgfs_ops cfgfs_real_ops = {
	.mkdir = real_mkdir,
	.rmdir = real_rmdir,
	.write = real_write,
};

int cfgfs_check(const struct nc_ctx *ctx, struct nc_err *e)
{
	struct stat st;

	if (stat(ctx->cfgfs_root, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	/* No numapol at all: the one message every command gives. */
	if (numapol_check(ctx, 0, e))
		return -1;
	return nc_fail(e, "%s not found: configfs is not mounted (mount -t configfs none /sys/kernel/config)",
		       ctx->cfgfs_root);
}

int cfgfs_mkdir(const struct nc_ctx *ctx, const char *rel, struct nc_err *e)
{
	char *path = xasprintf("%s/%s", ctx->cfgfs_root, rel);
	int r = 0;

	nc_trace(ctx, "mkdir %s", path);
	if (ctx->ops->mkdir(path))
		r = nc_fail_errno(e, errno, "mkdir %s", path);
	free(path);
	return r;
}

int cfgfs_rmdir(const struct nc_ctx *ctx, const char *rel, struct nc_err *e)
{
	char *path = xasprintf("%s/%s", ctx->cfgfs_root, rel);
	int r = 0;

	nc_trace(ctx, "rmdir %s", path);
	if (ctx->ops->rmdir(path))
		r = nc_fail_errno(e, errno, "rmdir %s", path);
	free(path);
	return r;
}

int cfgfs_write(const struct nc_ctx *ctx, const char *rel, const char *value,
		struct nc_err *e)
{
	char *path = xasprintf("%s/%s", ctx->cfgfs_root, rel), *line;
	int r, saved;

	nc_trace(ctx, "write '%s' to %s", value, path);
	line = xasprintf("%s\n", value);
	r = ctx->ops->write(path, line);
	saved = errno;
	free(line);
	if (r)
		r = nc_fail_errno(e, saved, "write '%s' to %s", value, path);
	free(path);
	return r;
}

/* Read one attribute, trimmed; NULL when unreadable. */
static char *read_attr(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *buf;
	struct nc_err e;
	int r;

	r = read_file(path, &buf, NULL, &e);
	free(path);
	return r ? NULL : rtrim(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Subdirectory names of @dir, sorted; *n = 0 if @dir is missing. */
static char **list_dirs(const char *dir, size_t *n)
{
	char **names = NULL, *path;
	struct dirent *de;
	size_t cap = 0;
	struct stat st;
	DIR *d;

	*n = 0;
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			*ARR_PUSH(names, *n, cap) = xstrdup(de->d_name);
		free(path);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static uint64_t attr_hex(const char *dir, const char *name)
{
	char *v = read_attr(dir, name);
	uint64_t x = 0;

	if (v) {
		if (parse_hex(v, &x))
			x = 0;
		free(v);
	}
	return x;
}

static void read_tasks(const char *gdir, struct st_group *g)
{
	char *dir = xasprintf("%s/tasks", gdir), *tdir, **names;
	size_t n, i;

	names = list_dirs(dir, &n);
	for (i = 0; i < n; i++) {
		struct st_task *t;
		pid_t pid;

		if (parse_pid(names[i], &pid))
			continue;
		t = ARR_PUSH(g->tasks, g->ntasks, g->tcap);
		t->pid = pid;
		tdir = xasprintf("%s/%s", dir, names[i]);
		t->state = read_attr(tdir, "state");
		if (!t->state)
			t->state = xstrdup("?");
		free(tdir);
	}
	free_names(names, n);
	free(dir);
}

static void read_ranges(const char *gdir, struct st_group *g)
{
	char *dir = xasprintf("%s/ranges", gdir), *rdir, **names, *v;
	size_t n, i;

	names = list_dirs(dir, &n);
	for (i = 0; i < n; i++) {
		struct st_range *r = ARR_PUSH(g->ranges, g->nranges, g->rcap);

		rdir = xasprintf("%s/%s", dir, names[i]);
		r->name = xstrdup(names[i]);
		v = read_attr(rdir, "pid");
		if (!v || parse_pid(v, &r->pid))
			r->pid = 0;
		free(v);
		r->start = attr_hex(rdir, "start");
		r->end = attr_hex(rdir, "end");
		v = read_attr(rdir, "enable");
		r->enable = v && !strcmp(v, "1");
		free(v);
		r->state = read_attr(rdir, "state");
		if (!r->state)
			r->state = xstrdup("?");
		free(rdir);
	}
	free_names(names, n);
	free(dir);
}

int cfgfs_read_state(const struct nc_ctx *ctx, struct state *st,
		     struct nc_err *e)
{
	char *gdir, **names, *pol, *mv;
	size_t n, i;

	memset(st, 0, sizeof(*st));
	if (cfgfs_check(ctx, e))
		return -1;
	names = list_dirs(ctx->cfgfs_root, &n);
	for (i = 0; i < n; i++) {
		struct st_group *g;

		gdir = xasprintf("%s/%s", ctx->cfgfs_root, names[i]);
		pol = read_attr(gdir, "policy");
		mv = read_attr(gdir, "move");
		g = state_add_group(st, names[i], pol ? pol : "default",
				    mv && !strcmp(mv, "1"));
		free(pol);
		free(mv);
		read_tasks(gdir, g);
		read_ranges(gdir, g);
		free(gdir);
	}
	free_names(names, n);
	return 0;
}

int cfgfs_managed_read(const struct nc_ctx *ctx, char ***names, size_t *n,
		       struct nc_err *e)
{
	char *path, *buf, *line, *save;
	size_t cap = 0;
	int r;

	*names = NULL;
	*n = 0;
	if (!ctx->state_dir)
		return 0;
	path = xasprintf("%s/groups", ctx->state_dir);
	r = read_file(path, &buf, NULL, e);
	free(path);
	if (r)
		return e->err_no == ENOENT ? 0 : -1;	/* none made yet */
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (*line)
			*ARR_PUSH(*names, *n, cap) = xstrdup(line);
	free(buf);
	return 0;
}

int cfgfs_managed_set(const struct nc_ctx *ctx, const char *group, bool made,
		      struct nc_err *e)
{
	char **names, *path, *tmp;
	struct strbuf sb = { 0 };
	bool had = false;
	size_t n, i;
	FILE *f;
	int r = 0;

	if (!ctx->state_dir)
		return 0;
	if (cfgfs_managed_read(ctx, &names, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], group))
			had = true;
		else
			sb_addf(&sb, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	if (had == made) {	/* already so (made: keep it listed once) */
		sb_free(&sb);
		return 0;
	}
	if (made)
		sb_addf(&sb, "%s\n", group);
	if (mkdir(ctx->state_dir, 0755) && errno != EEXIST) {
		sb_free(&sb);
		return nc_fail_errno(e, errno, "cannot record the groups numacfg made in %s",
				     ctx->state_dir);
	}
	path = xasprintf("%s/groups", ctx->state_dir);
	tmp = xasprintf("%s/groups.tmp", ctx->state_dir);
	f = fopen(tmp, "we");
	if (!f || (sb.len && fwrite(sb.buf, 1, sb.len, f) != sb.len) ||
	    fclose(f) || rename(tmp, path)) {
		r = nc_fail_errno(e, errno, "cannot record the groups numacfg made in %s",
				  path);
		unlink(tmp);
	}
	free(tmp);
	free(path);
	sb_free(&sb);
	return r;
}

struct st_group *state_add_group(struct state *st, const char *name,
				 const char *policy, bool move)
{
	struct st_group *g = ARR_PUSH(st->groups, st->ngroups, st->gcap);

	g->name = xstrdup(name);
	g->policy = xstrdup(policy);
	g->move = move;
	return g;
}

struct st_group *state_find_group(const struct state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ngroups; i++)
		if (!strcmp(st->groups[i].name, name))
			return &st->groups[i];
	return NULL;
}

struct st_task *state_find_task(const struct st_group *g, pid_t pid)
{
	size_t i;

	for (i = 0; i < g->ntasks; i++)
		if (g->tasks[i].pid == pid)
			return &g->tasks[i];
	return NULL;
}

struct st_range *state_find_range(const struct st_group *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nranges; i++)
		if (!strcmp(g->ranges[i].name, name))
			return &g->ranges[i];
	return NULL;
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct st_group *)a)->name,
		      ((const struct st_group *)b)->name);
}

static int cmp_task(const void *a, const void *b)
{
	pid_t x = ((const struct st_task *)a)->pid;
	pid_t y = ((const struct st_task *)b)->pid;

	return (x > y) - (x < y);
}

static int cmp_range(const void *a, const void *b)
{
	return strcmp(((const struct st_range *)a)->name,
		      ((const struct st_range *)b)->name);
}

void state_sort(struct state *st)
{
	size_t i;

	if (st->ngroups)
		qsort(st->groups, st->ngroups, sizeof(*st->groups), cmp_group);
	for (i = 0; i < st->ngroups; i++) {
		struct st_group *g = &st->groups[i];

		if (g->ntasks)
			qsort(g->tasks, g->ntasks, sizeof(*g->tasks), cmp_task);
		if (g->nranges)
			qsort(g->ranges, g->nranges, sizeof(*g->ranges),
			      cmp_range);
	}
}

void state_free(struct state *st)
{
	size_t i, j;

	for (i = 0; i < st->ngroups; i++) {
		struct st_group *g = &st->groups[i];

		free(g->name);
		free(g->policy);
		for (j = 0; j < g->ntasks; j++) {
			free(g->tasks[j].state);
			free(g->tasks[j].note);
		}
		free(g->tasks);
		for (j = 0; j < g->nranges; j++) {
			free(g->ranges[j].name);
			free(g->ranges[j].state);
		}
		free(g->ranges);
	}
	free(st->groups);
	memset(st, 0, sizeof(*st));
}

/* A libconfig string literal. */
static void put_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A range the kernel has but a config file cannot express (unset pid). */
static bool range_dumpable(const struct st_range *r)
{
	return r->pid > 0 && r->end > r->start;
}

static void dump_ranges(const struct st_group *g, FILE *out)
{
	size_t j, left = 0;

	for (j = 0; j < g->nranges; j++)
		left += range_dumpable(&g->ranges[j]);
	for (j = 0; j < g->nranges; j++) {
		const struct st_range *r = &g->ranges[j];

		if (!range_dumpable(r))
			fprintf(out, "    # range '%s' is incomplete (pid %d, 0x%" PRIx64
				"-0x%" PRIx64 ") and left out\n",
				r->name, r->pid, r->start, r->end);
	}
	if (!left)
		return;
	fputs("    ranges = (\n", out);
	for (j = 0; j < g->nranges; j++) {
		const struct st_range *r = &g->ranges[j];

		if (!range_dumpable(r))
			continue;
		fputs("      { name = ", out);
		put_str(out, r->name);
		fprintf(out, "; pid = %d; mapping = \"0x%" PRIx64 "-0x%" PRIx64
			"\"; enable = %s; }%s", r->pid, r->start, r->end,
			r->enable ? "true" : "false", --left ? "," : "");
		if (r->state)
			fprintf(out, "  # %s", r->state);
		fputc('\n', out);
	}
	fputs("    );\n", out);
}

static void dump_group(const struct st_group *g, FILE *out)
{
	size_t j;

	fputs("  {\n    name = ", out);
	put_str(out, g->name);
	fputs(";\n    policy = ", out);
	put_str(out, g->policy);
	fprintf(out, ";\n    move = %s;\n", g->move ? "true" : "false");
	if (g->ntasks) {
		fputs("    tasks = (\n", out);
		for (j = 0; j < g->ntasks; j++) {
			const struct st_task *t = &g->tasks[j];

			fprintf(out, "      { pid = %d; }%s", t->pid,
				j + 1 < g->ntasks ? "," : "");
			if (t->state && strcmp(t->state, "bound"))
				fprintf(out, "  # %s", t->state);
			fputc('\n', out);
		}
		fputs("    );\n", out);
	}
	if (g->nranges)
		dump_ranges(g, out);
	fputs("  }", out);
}

void state_dump(const struct state *st, const char *source, FILE *out)
{
	size_t i;

	fprintf(out, "# numacfg dump of %s\nversion = 1;\ngroups = (\n",
		source);
	for (i = 0; i < st->ngroups; i++) {
		dump_group(&st->groups[i], out);
		fputs(i + 1 < st->ngroups ? ",\n" : "\n", out);
	}
	fputs(");\n", out);
}
