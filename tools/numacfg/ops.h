/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of numacfg(8), separated from the command line parsing so
 * that the tests can drive them directly.  Each returns 0, or -1 with @e
 * set (e->usage for a usage or configuration error).
 */
#ifndef NUMACFG_OPS_H
#define NUMACFG_OPS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "output.h"
#include "plan.h"

/*
 * Load @file, read configfs and plan; everything is validated here.
 * @prune: see plan_compute().
 */
int op_plan(const struct nc_ctx *ctx, const char *file, enum plan_mode mode,
	    const struct prune *prune, struct plan *p, struct nc_err *e);
int op_apply(const struct nc_ctx *ctx, const char *file, bool dry_run,
	     const struct prune *prune, const struct out_opts *opts,
	     FILE *out, FILE *err, struct nc_err *e);
/* *@changed: whether apply would change anything. */
int op_diff(const struct nc_ctx *ctx, const char *file,
	    const struct prune *prune,
	    const struct out_opts *opts, FILE *out, bool *changed,
	    struct nc_err *e);
/* Validate @file (syntax, values, node lists) without touching configfs. */
int op_check(const struct nc_ctx *ctx, const char *file, FILE *out,
	     struct nc_err *e);
int op_dump(const struct nc_ctx *ctx, const struct out_opts *opts, FILE *out,
	    struct nc_err *e);

int op_get(const struct nc_ctx *ctx, pid_t pid, bool threads,
	   const struct out_opts *opts, FILE *out, struct nc_err *e);
int op_set_task(const struct nc_ctx *ctx, pid_t pid, const char *policy,
		bool dry_run, FILE *out, struct nc_err *e);

/* The numa_maps text `set --mapping` writes (caller frees *text). */
int op_build_set_mapping(const struct nc_ctx *ctx, pid_t pid,
			 const char *mapping, const char *policy, bool move,
			 char **text, struct nc_err *e);
int op_set_mapping(const struct nc_ctx *ctx, pid_t pid, const char *mapping,
		   const char *policy, bool move, bool dry_run, FILE *out,
		   struct nc_err *e);

struct migrate_opts {
	const char *from, *to;	/* numactl node lists */
	const char *mapping;	/* NULL: the whole process */
	uint64_t pages;		/* at most this many pages; 0: no limit */
	double rate;		/* MiB/s; 0: no limit */
	bool dry_run;
	uint64_t chunk;		/* pages per write; 0: the default */
};

/*
 * The numa_maps text `migrate` writes in one go; *text is NULL when no
 * page sits on the source nodes.
 */
int op_build_migrate(const struct nc_ctx *ctx, pid_t pid,
		     const struct migrate_opts *mo, char **text,
		     struct nc_err *e);
/*
 * Migrate through numa_maps, or on a kernel without numapol through
 * migrate_pages(2) / move_pages(2); then print the memory per node
 * before and after.
 */
int op_migrate(const struct nc_ctx *ctx, pid_t pid,
	       const struct migrate_opts *mo, FILE *out, struct nc_err *e);

#endif
