/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planning: the desired configfs state (from a config file and the running
 * processes) against the current one, as an ordered list of actions that
 * `diff` prints and `apply` executes.
 */
#ifndef NUMACFG_PLAN_H
#define NUMACFG_PLAN_H

#include <stdio.h>

#include "cfgfs.h"
#include "config.h"
#include "nodelist.h"

/* In execution order: removals first, so that nothing is ever EBUSY. */
enum act_kind {
	ACT_RM_RANGE,
	ACT_UNBIND_TASK,
	ACT_MK_GROUP,
	ACT_SET_POLICY,
	ACT_SET_MOVE,
	ACT_BIND_TASK,
	ACT_MK_RANGE,
	ACT_UPDATE_RANGE,
	ACT_RM_GROUP,
};

struct action {
	enum act_kind kind;
	size_t seq;			/* order of planning, for a stable sort */
	char *group;
	char *policy, *old_policy;	/* MK_GROUP, SET_POLICY */
	bool move, old_move;		/* MK_GROUP, SET_MOVE */
	pid_t pid;			/* BIND/UNBIND_TASK */
	char *note;			/* BIND_TASK: which process, and why */
	struct st_range range;		/* ranges: new (or removed) range */
	struct st_range old;		/* UPDATE_RANGE: current range */
};

struct plan {
	struct action *a;
	size_t n, cap;
};

/*
 * How processes that are gone are treated.  apply: a pid selector naming a
 * missing process is an error, unless a binding for it already exists
 * (kept: `dump | apply` changes nothing).  watch: missing processes are
 * skipped, so their bindings are cleaned up.
 */
enum plan_mode { PLAN_APPLY, PLAN_WATCH };

struct proc_snapshot;
/*
 * Resolve @cfg against the running processes into @des.  @snap: the
 * processes as known (watch keeps it up to date from events); NULL: read
 * /proc here.
 */
int plan_desired(const struct nc_ctx *ctx, const struct config *cfg,
		 const struct state *cur, enum plan_mode mode,
		 const struct proc_snapshot *snap, struct state *des,
		 struct nc_err *e);

/*
 * Which groups that the file does not have are removed, with their
 * bindings (apply --prune): all (the file is the whole tree), none, those
 * whose name starts with a prefix, or those numacfg made ("managed": the
 * names recorded in the state directory).
 */
struct prune {
	enum { PRUNE_ALL, PRUNE_NONE, PRUNE_PREFIX, PRUNE_MANAGED } kind;
	const char *prefix;
	char **names;		/* PRUNE_MANAGED, once loaded */
	size_t n;
};

/* Is group @name, not in the file, removed under @pr (NULL: all)? */
bool plan_prunes(const struct prune *pr, const char *name);
/* For PRUNE_MANAGED: load the names numacfg recorded (a copy of @pr). */
int plan_prune_load(const struct nc_ctx *ctx, const struct prune *pr,
		    struct prune *out, struct nc_err *e);
void plan_prune_free(struct prune *pr);

/* Actions turning @cur into @des; @mem: the machine's memory nodes. */
void plan_compute(const struct state *des, const struct state *cur,
		  const struct nodeset *mem, const struct prune *pr,
		  struct plan *p);

/* An action in parts: '+' "task" "g/tasks/100" and its detail. */
struct action_text {
	char op;		/* + - ~ */
	const char *kind;	/* group, task, range */
	char *object;		/* the configfs path below numapol/ */
	char *detail;		/* NULL, or what is made or changed */
	bool paren;		/* the line shows the detail in parentheses */
};
void action_text(const struct action *a, struct action_text *t);
void action_text_free(struct action_text *t);
/* One line describing @a (caller frees). */
char *action_describe(const struct action *a);
/* One line per action, or "no changes". */
void plan_print(const struct plan *p, FILE *out);

/*
 * Execute @p, printing each action to @out once applied.  Stops at the
 * first failure unless @keep_going; then reports on @err exactly which
 * actions were and were not applied.  Returns the number of failed actions.
 */
int plan_execute(const struct nc_ctx *ctx, const struct plan *p,
		 bool keep_going, FILE *out, FILE *err);

void plan_free(struct plan *p);

#endif
