/* SPDX-License-Identifier: GPL-2.0 */
/* Tables and JSON through libsmartcols. */
#ifndef NUMACFG_OUTPUT_H
#define NUMACFG_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"

/*
 * `status`: groups, their bindings, and the pages per node of each bound
 * process (whole process for tasks, the range for ranges).
 */
int output_status(const struct nc_ctx *ctx, bool json, FILE *out,
		  struct nc_err *e);
/* `get --threads`: TID, COMM, POLICY. */
int output_threads(const struct nc_ctx *ctx, pid_t pid, FILE *out,
		   struct nc_err *e);

#endif
