/* SPDX-License-Identifier: GPL-2.0 */
/* `numacfg watch FILE`: keep FILE applied as processes come and go. */
#ifndef NUMACFG_WATCH_H
#define NUMACFG_WATCH_H

#include <stdio.h>

#include "config.h"
#include "plan.h"

/*
 * One synchronization pass of @cfg in PLAN_WATCH mode: bind new matching
 * processes, drop bindings of exited ones.  Failed actions are reported on
 * @err and do not stop the others.  Returns the number of failed actions,
 * or -1 with @e set if the state could not be read or planned.
 */
int watch_sync(const struct nc_ctx *ctx, const struct config *cfg,
	       const struct nodeset *mem, FILE *out, FILE *err,
	       struct nc_err *e);

/* Send @state ("READY=1") to systemd when it asked (NOTIFY_SOCKET). */
void watch_notify(const char *state);

/*
 * Runs until SIGINT or SIGTERM; SIGHUP reloads @file.  Tells systemd
 * READY=1 after the first pass.
 */
int watch_run(const struct nc_ctx *ctx, const char *file, FILE *out,
	      FILE *err, struct nc_err *e);

#endif
