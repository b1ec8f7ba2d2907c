/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of numacfg(8), separated from the command line parsing so
 * that the tests can drive them directly.
 */
#ifndef NUMACFG_OPS_H
#define NUMACFG_OPS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "plan.h"

/* Load @file, read configfs and plan; everything is validated here. */
int op_plan(const struct nc_ctx *ctx, const char *file, enum plan_mode mode,
	    struct plan *p, struct nc_err *e);
int op_apply(const struct nc_ctx *ctx, const char *file, bool dry_run,
	     FILE *out, FILE *err, struct nc_err *e);
int op_diff(const struct nc_ctx *ctx, const char *file, FILE *out,
	    struct nc_err *e);
int op_dump(const struct nc_ctx *ctx, FILE *out, struct nc_err *e);

int op_get(const struct nc_ctx *ctx, pid_t pid, bool threads, FILE *out,
	   struct nc_err *e);
int op_set_task(const struct nc_ctx *ctx, pid_t pid, const char *policy,
		struct nc_err *e);

/* The numa_maps text `set --mapping` writes (caller frees *text). */
int op_build_set_mapping(const struct nc_ctx *ctx, pid_t pid,
			 const char *mapping, const char *policy, bool move,
			 char **text, struct nc_err *e);
int op_set_mapping(const struct nc_ctx *ctx, pid_t pid, const char *mapping,
		   const char *policy, bool move, struct nc_err *e);

/*
 * The numa_maps text `migrate` writes; *text is NULL when no page sits on
 * the source nodes.  @pages 0 means no limit.
 */
int op_build_migrate(const struct nc_ctx *ctx, pid_t pid, const char *from,
		     const char *to, const char *mapping, uint64_t pages,
		     char **text, struct nc_err *e);
int op_migrate(const struct nc_ctx *ctx, pid_t pid, const char *from,
	       const char *to, const char *mapping, uint64_t pages,
	       FILE *out, struct nc_err *e);

#endif
