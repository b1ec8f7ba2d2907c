/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configfs front end (spec section 5): read the state of
 * /sys/kernel/config/numapol into memory, change it one directory or
 * attribute at a time, and print it in numacfg.conf syntax (dump).
 */
#ifndef NUMACFG_CFGFS_H
#define NUMACFG_CFGFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"

struct st_task {
	pid_t pid;
	char *state;		/* "bound", "exited", "error <errno>" */
	int line;		/* desired state: config line, else 0 */
	char *note;		/* desired: "comm, selected by ... at F:L" */
	bool stale;		/* desired: the bound process exited and its
				 * pid now belongs to a new process: rebind */
};

struct st_range {
	char *name;
	pid_t pid;
	uint64_t start, end;
	bool enable;
	char *state;		/* "disabled", "bound", "exited", ... */
	int line;
	bool stale;		/* as for st_task */
};

struct st_group {
	char *name;
	char *policy;
	bool move;
	int line;
	struct st_task *tasks;
	size_t ntasks, tcap;
	struct st_range *ranges;
	size_t nranges, rcap;
};

/* A whole configfs tree, either as read or as desired. */
struct state {
	struct st_group *groups;
	size_t ngroups, gcap;
};

/*
 * Directory operations on configfs.  Real configfs creates and removes a
 * group's attributes and default directories itself; tests substitute
 * operations that emulate that on a plain directory tree.  Each returns 0
 * or -1 with errno set.
 */
struct cfgfs_ops {
	int (*mkdir)(const char *path);
	int (*rmdir)(const char *path);
	int (*write)(const char *path, const char *value);
};

extern const struct cfgfs_ops cfgfs_real_ops;

/* Fail with a helpful message when the numapol directory is missing. */
int cfgfs_check(const struct nc_ctx *ctx, struct nc_err *e);
int cfgfs_read_state(const struct nc_ctx *ctx, struct state *st,
		     struct nc_err *e);

/* @rel is relative to the numapol root: "fast/tasks/12024". */
int cfgfs_mkdir(const struct nc_ctx *ctx, const char *rel, struct nc_err *e);
int cfgfs_rmdir(const struct nc_ctx *ctx, const char *rel, struct nc_err *e);
int cfgfs_write(const struct nc_ctx *ctx, const char *rel, const char *value,
		struct nc_err *e);

/*
 * The groups numacfg made (apply --prune=managed): one name a line in
 * STATE_DIR/groups.  Without a state directory: none, nothing recorded.
 */
int cfgfs_managed_read(const struct nc_ctx *ctx, char ***names, size_t *n,
		       struct nc_err *e);
/* Add (@made) or drop @group, rewriting the file atomically. */
int cfgfs_managed_set(const struct nc_ctx *ctx, const char *group, bool made,
		      struct nc_err *e);

struct st_group *state_add_group(struct state *st, const char *name,
				 const char *policy, bool move);
struct st_group *state_find_group(const struct state *st, const char *name);
struct st_task *state_find_task(const struct st_group *g, pid_t pid);
struct st_range *state_find_range(const struct st_group *g,
				  const char *name);
void state_sort(struct state *st);
void state_free(struct state *st);

/* Print @st in numacfg.conf syntax. */
void state_dump(const struct state *st, const char *source, FILE *out);

#endif
