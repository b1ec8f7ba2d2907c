/* SPDX-License-Identifier: GPL-2.0 */
/* `numacfg watch FILE`: keep FILE applied as processes come and go. */
#ifndef NUMACFG_WATCH_H
#define NUMACFG_WATCH_H

#include <stdio.h>

#include "config.h"
#include "plan.h"
#include "select.h"

/*
 * One synchronization pass of @cfg in PLAN_WATCH mode: bind new matching
 * processes, drop bindings of exited ones.  Failed actions are reported on
 * @err and do not stop the others.  Returns the number of failed actions,
 * or -1 with @e set if the state could not be read or planned.
 */
int watch_sync(const struct nc_ctx *ctx, const struct config *cfg,
	       const struct nodeset *mem, const struct proc_snapshot *snap,
	       const struct prune *prune, FILE *out, FILE *err,
	       struct nc_err *e);

/*
 * When watch syncs: a burst of process events once it settles (100 ms
 * without events, or 500 ms after the first), and a full resync every
 * period on an absolute clock that events do not push back.
 */
struct watch_timer {
	long long next_resync, dirty_since, last_event;	/* ms */
	int period;
	bool dirty;
};
enum watch_due { WATCH_NOTHING, WATCH_EVENTS, WATCH_RESYNC };

void watch_timer_init(struct watch_timer *t, long long now, int period_ms);
void watch_timer_event(struct watch_timer *t, long long now);
/* The poll() timeout until something is due. */
int watch_timer_timeout(const struct watch_timer *t, long long now);
/* What is due at @now (and the timer advanced past it). */
enum watch_due watch_timer_due(struct watch_timer *t, long long now);

/* Send @state ("READY=1") to systemd when it asked (NOTIFY_SOCKET). */
void watch_notify(const char *state);

/*
 * Runs until SIGINT or SIGTERM; SIGHUP reloads @file.  Tells systemd
 * READY=1 after the first pass.
 */
int watch_run(const struct nc_ctx *ctx, const char *file,
	      const struct prune *prune, FILE *out, FILE *err,
	      struct nc_err *e);

#endif
