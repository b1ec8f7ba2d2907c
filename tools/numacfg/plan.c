// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "policy.h"
#include "procfs.h"
#include "select.h"

/* ---- desired state ---------------------------------------------------- */

/* The deterministic configfs name of a range binding. */
static void range_base_name(pid_t pid, const struct mapping_spec *m,
			    char *buf, size_t size)
{
	const char *base;
	size_t len;

	switch (m->kind) {
	case MAP_HEAP:
		snprintf(buf, size, "%d-heap", pid);
		break;
	case MAP_STACK:
		snprintf(buf, size, "%d-stack", pid);
		break;
	case MAP_FILE:
		base = strrchr(m->path, '/');
		base = base && base[1] ? base + 1 : "root";
		len = (size_t)snprintf(buf, size, "%d-file-", pid);
		for (; *base && len + 1 < size && len < 100; base++)
			buf[len++] = (strchr("._-", *base) ||
				      (*base >= '0' && *base <= '9') ||
				      (*base >= 'a' && *base <= 'z') ||
				      (*base >= 'A' && *base <= 'Z')) ?
				     *base : '_';
		buf[len] = '\0';
		break;
	default:
		snprintf(buf, size, "%d-%" PRIx64, pid, m->start);
		break;
	}
}

static struct st_task *add_task(struct st_group *g, pid_t pid,
				const char *state, int line)
{
	struct st_task *t = ARR_PUSH(g->tasks, g->ntasks, g->tcap);

	t->pid = pid;
	t->state = state ? xstrdup(state) : NULL;
	t->line = line;
	return t;
}

static struct st_range *add_range(struct st_group *g, const char *name,
				  const struct st_range *from)
{
	struct st_range *r = ARR_PUSH(g->ranges, g->nranges, g->rcap);

	*r = *from;
	r->name = xstrdup(name);
	r->state = from->state ? xstrdup(from->state) : NULL;
	return r;
}

/* Is the binding in @cur for a process that exited, while @pid lives? */
static bool is_exited(const char *state)
{
	return state && !strcmp(state, "exited");
}

/* A process may be in tasks/ of one group only (the kernel says EBUSY). */
static int check_task_conflict(const char *file,
			       const struct state *des, size_t gi, pid_t pid,
			       int line, struct nc_err *e)
{
	size_t i;

	for (i = 0; i < gi; i++) {
		const struct st_task *t = state_find_task(&des->groups[i],
							  pid);

		if (t)
			return nc_fail(e, "%s:%d: process %d is already selected by group '%s' (line %d); a process can be in one group's tasks only",
				       file, line, pid,
				       des->groups[i].name, t->line);
	}
	return 0;
}

/* "postgres, selected by comm at numacfg.conf:7" */
static char *task_note(const struct nc_ctx *ctx, const struct selector *sel,
		       pid_t pid)
{
	char comm[64], keys[64];

	proc_comm(ctx, pid, 0, comm, sizeof(comm));
	selector_keys(sel, keys, sizeof(keys));
	return xasprintf("%s, selected by %s at %s:%d", *comm ? comm : "?",
			 keys, sel->file ? sel->file : "?", sel->line);
}

static int desire_tasks(const struct nc_ctx *ctx,
			const struct proc_snapshot *snap,
			const struct config *cfg, size_t gi, const struct st_group *cg,
			enum plan_mode mode, struct state *des,
			struct nc_err *e)
{
	const struct cfg_group *g = &cfg->groups[gi];
	struct st_group *dg = &des->groups[gi];
	size_t i, j, n;
	pid_t *pids;

	for (i = 0; i < g->ntasks; i++) {
		const struct selector *sel = &g->tasks[i];
		struct nc_err sub;

		if (select_scan(ctx, snap, sel, &pids, &n, &sub))
			return nc_fail(e, "%s:%d: %s", sel->file, sel->line,
				       sub.msg);
		if (!n && sel->has_pid && !proc_exists(ctx, sel->pid)) {
			const struct st_task *ct =
				cg ? state_find_task(cg, sel->pid) : NULL;

			if (mode == PLAN_APPLY && ct &&
			    !state_find_task(dg, sel->pid))
				add_task(dg, ct->pid, ct->state, sel->line);
			else if (mode == PLAN_APPLY && !ct)
				return nc_fail(e, "%s:%d: process %d not found",
					       sel->file, sel->line, sel->pid);
		}
		for (j = 0; j < n; j++) {
			const struct st_task *ct;
			struct st_task *t;

			if (state_find_task(dg, pids[j]))
				continue;
			if (check_task_conflict(sel->file, des, gi, pids[j],
						sel->line, e)) {
				free(pids);
				return -1;
			}
			t = add_task(dg, pids[j], NULL, sel->line);
			t->note = task_note(ctx, sel, pids[j]);
			ct = cg ? state_find_task(cg, pids[j]) : NULL;
			t->stale = ct && is_exited(ct->state);
		}
		free(pids);
	}
	return 0;
}

/* Keep the existing ranges of a vanished process (see enum plan_mode). */
static int keep_vanished_ranges(const struct st_group *cg,
				struct st_group *dg, pid_t pid,
				const char *base)
{
	size_t i, n = strlen(base);
	int kept = 0;

	for (i = 0; cg && i < cg->nranges; i++) {
		const struct st_range *r = &cg->ranges[i];

		if (r->pid != pid || strncmp(r->name, base, n) ||
		    (r->name[n] && r->name[n] != '-') ||
		    state_find_range(dg, r->name))
			continue;
		add_range(dg, r->name, r);
		kept++;
	}
	return kept;
}

static int desire_one_range(const struct nc_ctx *ctx,
			    const struct cfg_range *cr,
			    const struct mapping_spec *ms, pid_t pid,
			    bool named_ok, const struct st_group *cg,
			    enum plan_mode mode, struct st_group *dg,
			    struct nc_err *e)
{
	char base[256], name[300];
	struct addr_range *ar;
	struct nc_err sub;
	size_t k, nar;

	if (cr->name)
		snprintf(base, sizeof(base), "%s", cr->name);
	else
		range_base_name(pid, ms, base, sizeof(base));
	if (cr->name && !named_ok)
		return nc_fail(e, "%s:%d: range name '%s' given but the selector matches several processes",
			       cr->sel.file, cr->line, cr->name);
	if (!proc_exists(ctx, pid)) {
		if (mode == PLAN_APPLY &&
		    !keep_vanished_ranges(cg, dg, pid, base))
			return nc_fail(e, "%s:%d: process %d not found",
				       cr->sel.file, cr->line, pid);
		return 0;
	}
	if (mapping_resolve(ctx, pid, ms, &ar, &nar, &sub)) {
		/* Only a process named by pid must have the mapping. */
		if (cr->sel.has_pid && mode == PLAN_APPLY)
			return nc_fail(e, "%s:%d: %s", cr->sel.file, cr->line,
				       sub.msg);
		return 0;
	}
	for (k = 0; k < nar; k++) {
		struct st_range r = { 0 };
		const struct st_range *cur;

		if (k)
			snprintf(name, sizeof(name), "%s-%zu", base, k);
		else
			snprintf(name, sizeof(name), "%s", base);
		if (state_find_range(dg, name)) {
			free(ar);
			return nc_fail(e, "%s:%d: range '%s' defined twice in group '%s'",
				       cr->sel.file, cr->line, name, dg->name);
		}
		r.pid = pid;
		r.start = ar[k].start;
		r.end = ar[k].end;
		r.enable = cr->enable;
		r.line = cr->line;
		cur = cg ? state_find_range(cg, name) : NULL;
		r.stale = cur && is_exited(cur->state) && cur->pid == pid;
		add_range(dg, name, &r);
	}
	free(ar);
	return 0;
}

static int desire_ranges(const struct nc_ctx *ctx,
			 const struct proc_snapshot *snap,
			 const struct config *cfg, size_t gi, const struct st_group *cg,
			 enum plan_mode mode, struct state *des,
			 struct nc_err *e)
{
	const struct cfg_group *g = &cfg->groups[gi];
	struct st_group *dg = &des->groups[gi];
	struct mapping_spec ms;
	size_t i, j, n;
	pid_t *pids;
	int r = 0;

	for (i = 0; i < g->nranges && !r; i++) {
		const struct cfg_range *cr = &g->ranges[i];
		struct nc_err sub;

		if (mapping_parse(cr->mapping, &ms, &sub))
			return nc_fail(e, "%s:%d: %s", cr->sel.file, cr->line,
				       sub.msg);
		if (select_scan(ctx, snap, &cr->sel, &pids, &n, &sub)) {
			mapping_spec_free(&ms);
			return nc_fail(e, "%s:%d: %s", cr->sel.file, cr->line,
				       sub.msg);
		}
		if (!n && cr->sel.has_pid && !proc_exists(ctx, cr->sel.pid))
			r = desire_one_range(ctx, cr, &ms, cr->sel.pid,
					     true, cg, mode, dg, e);
		for (j = 0; j < n && !r; j++)
			r = desire_one_range(ctx, cr, &ms, pids[j],
					     n == 1, cg, mode, dg, e);
		free(pids);
		mapping_spec_free(&ms);
	}
	return r;
}

/* Does any selector of @cfg need to look at every process? */
static bool needs_scan(const struct config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->ngroups; i++) {
		for (j = 0; j < cfg->groups[i].ntasks; j++)
			if (!cfg->groups[i].tasks[j].has_pid)
				return true;
		for (j = 0; j < cfg->groups[i].nranges; j++)
			if (!cfg->groups[i].ranges[j].sel.has_pid)
				return true;
	}
	return false;
}

int plan_desired(const struct nc_ctx *ctx, const struct config *cfg,
		 const struct state *cur, enum plan_mode mode,
		 const struct proc_snapshot *given, struct state *des,
		 struct nc_err *e)
{
	struct proc_snapshot own = { 0 };
	const struct proc_snapshot *snap = given ? given : &own;
	size_t i;

	memset(des, 0, sizeof(*des));
	/* /proc is read once, however many selectors there are. */
	if (!given && needs_scan(cfg) && proc_snapshot_read(ctx, &own, e))
		return -1;
	for (i = 0; i < cfg->ngroups; i++) {
		const struct cfg_group *g = &cfg->groups[i];

		state_add_group(des, g->name, g->policy, g->move)->line =
			g->line;
	}
	/* Tasks first for all groups: conflicts are found across groups. */
	for (i = 0; i < cfg->ngroups; i++) {
		const struct st_group *cg = state_find_group(cur,
							     cfg->groups[i].name);

		if (desire_tasks(ctx, snap, cfg, i, cg, mode, des, e) ||
		    desire_ranges(ctx, snap, cfg, i, cg, mode, des, e)) {
			proc_snapshot_free(&own);
			state_free(des);
			return -1;
		}
	}
	proc_snapshot_free(&own);
	state_sort(des);	/* plans come out in a stable order */
	return 0;
}

/* ---- planning ---------------------------------------------------------- */

static struct action *add_action(struct plan *p, enum act_kind kind,
				 const char *group)
{
	struct action *a = ARR_PUSH(p->a, p->n, p->cap);

	a->seq = p->n;
	a->kind = kind;
	a->group = xstrdup(group);
	return a;
}

static void copy_range(struct st_range *dst, const struct st_range *src)
{
	*dst = *src;
	dst->name = xstrdup(src->name);
	dst->state = NULL;
}

static bool range_differs(const struct st_range *a, const struct st_range *b)
{
	return a->pid != b->pid || a->start != b->start || a->end != b->end ||
	       a->enable != b->enable;
}

bool plan_prunes(const struct prune *pr, const char *name)
{
	size_t i;

	if (!pr)
		return true;
	switch (pr->kind) {
	case PRUNE_ALL:
		return true;
	case PRUNE_NONE:
		return false;
	case PRUNE_PREFIX:
		return !strncmp(name, pr->prefix, strlen(pr->prefix));
	case PRUNE_MANAGED:
		for (i = 0; i < pr->n; i++)
			if (!strcmp(pr->names[i], name))
				return true;
		return false;
	}
	return false;
}

int plan_prune_load(const struct nc_ctx *ctx, const struct prune *pr,
		    struct prune *out, struct nc_err *e)
{
	memset(out, 0, sizeof(*out));
	if (pr)
		*out = *pr;
	out->names = NULL;
	out->n = 0;
	if (!pr || pr->kind != PRUNE_MANAGED)
		return 0;
	return cfgfs_managed_read(ctx, &out->names, &out->n, e);
}

void plan_prune_free(struct prune *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++)
		free(pr->names[i]);
	free(pr->names);
	pr->names = NULL;
	pr->n = 0;
}

/* Bindings that go away (or are stale and will be recreated). */
static void plan_removals(const struct state *des, const struct state *cur,
			  const struct prune *prune, struct plan *p)
{
	size_t i, j;

	for (i = 0; i < cur->ngroups; i++) {
		const struct st_group *g = &cur->groups[i];
		const struct st_group *dg = state_find_group(des, g->name);

		/* A group left alone keeps its bindings too. */
		if (!dg && !plan_prunes(prune, g->name))
			continue;

		for (j = 0; j < g->nranges; j++) {
			const struct st_range *dr = dg ?
				state_find_range(dg, g->ranges[j].name) : NULL;

			if (!dr || dr->stale)
				copy_range(&add_action(p, ACT_RM_RANGE,
						       g->name)->range,
					   &g->ranges[j]);
		}
		for (j = 0; j < g->ntasks; j++) {
			const struct st_task *dt = dg ?
				state_find_task(dg, g->tasks[j].pid) : NULL;

			if (!dt || dt->stale)
				add_action(p, ACT_UNBIND_TASK, g->name)->pid =
					g->tasks[j].pid;
		}
	}
}

static void plan_groups(const struct state *des, const struct state *cur,
			const struct nodeset *mem, struct plan *p)
{
	struct action *a;
	size_t i;

	for (i = 0; i < des->ngroups; i++) {
		const struct st_group *dg = &des->groups[i];
		const struct st_group *g = state_find_group(cur, dg->name);

		if (!g) {
			a = add_action(p, ACT_MK_GROUP, dg->name);
			a->policy = xstrdup(dg->policy);
			a->move = dg->move;
			continue;
		}
		if (!policy_same(dg->policy, g->policy, mem)) {
			a = add_action(p, ACT_SET_POLICY, dg->name);
			a->policy = xstrdup(dg->policy);
			a->old_policy = xstrdup(g->policy);
		}
		if (dg->move != g->move) {
			a = add_action(p, ACT_SET_MOVE, dg->name);
			a->move = dg->move;
			a->old_move = g->move;
		}
	}
}

static void plan_bindings(const struct state *des, const struct state *cur,
			  struct plan *p)
{
	struct action *a;
	size_t i, j;

	for (i = 0; i < des->ngroups; i++) {
		const struct st_group *dg = &des->groups[i];
		const struct st_group *g = state_find_group(cur, dg->name);

		for (j = 0; j < dg->ntasks; j++)
			if (!g || !state_find_task(g, dg->tasks[j].pid) ||
			    dg->tasks[j].stale) {
				a = add_action(p, ACT_BIND_TASK, dg->name);
				a->pid = dg->tasks[j].pid;
				if (dg->tasks[j].note)
					a->note = xstrdup(dg->tasks[j].note);
			}
		for (j = 0; j < dg->nranges; j++) {
			const struct st_range *dr = &dg->ranges[j];
			const struct st_range *cr = g ?
				state_find_range(g, dr->name) : NULL;

			if (!cr || dr->stale) {
				a = add_action(p, ACT_MK_RANGE, dg->name);
				copy_range(&a->range, dr);
			} else if (range_differs(dr, cr)) {
				a = add_action(p, ACT_UPDATE_RANGE, dg->name);
				copy_range(&a->range, dr);
				copy_range(&a->old, cr);
			}
		}
	}
}

/* Order by kind (execution order), keeping the order within a kind. */
static int cmp_action(const void *a, const void *b)
{
	const struct action *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void plan_compute(const struct state *des, const struct state *cur,
		  const struct nodeset *mem, const struct prune *prune,
		  struct plan *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	plan_removals(des, cur, prune, p);
	plan_groups(des, cur, mem, p);
	plan_bindings(des, cur, p);
	for (i = 0; i < cur->ngroups; i++)
		if (!state_find_group(des, cur->groups[i].name) &&
		    plan_prunes(prune, cur->groups[i].name))
			add_action(p, ACT_RM_GROUP, cur->groups[i].name);
	/* qsort() is not stable: the sequence number keeps it so. */
	if (p->n)
		qsort(p->a, p->n, sizeof(*p->a), cmp_action);
}

void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->a[i].group);
		free(p->a[i].policy);
		free(p->a[i].old_policy);
		free(p->a[i].note);
		free(p->a[i].range.name);
		free(p->a[i].old.name);
	}
	free(p->a);
	memset(p, 0, sizeof(*p));
}

/* ---- printing ---------------------------------------------------------- */

void action_text(const struct action *a, struct action_text *t)
{
	const struct st_range *r = &a->range, *o = &a->old;

	memset(t, 0, sizeof(*t));
	t->paren = true;
	switch (a->kind) {
	case ACT_RM_RANGE:
	case ACT_MK_RANGE:
	case ACT_UPDATE_RANGE:
		t->op = a->kind == ACT_RM_RANGE ? '-' :
			a->kind == ACT_MK_RANGE ? '+' : '~';
		t->kind = "range";
		t->object = xasprintf("%s/ranges/%s", a->group, r->name);
		if (a->kind == ACT_UPDATE_RANGE)
			t->detail = xasprintf("pid %d 0x%" PRIx64 "-0x%" PRIx64
					      " enable %d -> pid %d 0x%" PRIx64
					      "-0x%" PRIx64 " enable %d",
					      o->pid, o->start, o->end,
					      o->enable, r->pid, r->start,
					      r->end, r->enable);
		else
			t->detail = xasprintf("pid %d 0x%" PRIx64 "-0x%" PRIx64
					      "%s", r->pid, r->start, r->end,
					      a->kind == ACT_MK_RANGE &&
					      !r->enable ? ", disabled" : "");
		return;
	case ACT_UNBIND_TASK:
	case ACT_BIND_TASK:
		t->op = a->kind == ACT_BIND_TASK ? '+' : '-';
		t->kind = "task";
		t->object = xasprintf("%s/tasks/%d", a->group, a->pid);
		if (a->note)
			t->detail = xstrdup(a->note);
		return;
	case ACT_MK_GROUP:
		t->op = '+';
		t->detail = xasprintf("policy %s, move %d", a->policy, a->move);
		break;
	case ACT_SET_POLICY:
		t->op = '~';
		t->detail = xasprintf("policy %s -> %s", a->old_policy,
				      a->policy);
		t->paren = false;
		break;
	case ACT_SET_MOVE:
		t->op = '~';
		t->detail = xasprintf("move %d -> %d", a->old_move, a->move);
		t->paren = false;
		break;
	case ACT_RM_GROUP:
		t->op = '-';
		break;
	}
	t->kind = "group";
	t->object = xstrdup(a->group);
}

void action_text_free(struct action_text *t)
{
	free(t->object);
	free(t->detail);
	memset(t, 0, sizeof(*t));
}

char *action_describe(const struct action *a)
{
	struct action_text t;
	char *line;

	action_text(a, &t);
	if (!t.detail)
		line = xasprintf("%c %s %s", t.op, t.kind, t.object);
	else if (t.paren)
		line = xasprintf("%c %s %s (%s)", t.op, t.kind, t.object,
				 t.detail);
	else
		line = xasprintf("%c %s %s %s", t.op, t.kind, t.object,
				 t.detail);
	action_text_free(&t);
	return line;
}

void plan_print(const struct plan *p, FILE *out)
{
	size_t i;
	char *line;

	if (!p->n)
		fputs("no changes\n", out);
	for (i = 0; i < p->n; i++) {
		line = action_describe(&p->a[i]);
		fprintf(out, "%s\n", line);
		free(line);
	}
}

/* ---- execution --------------------------------------------------------- */

/* Write @val to the attribute @attr of the configfs directory @dir. */
static int write_attr(const struct nc_ctx *ctx, const char *dir,
		      const char *attr, const char *val, struct nc_err *e)
{
	char *path = xasprintf("%s/%s", dir, attr);
	int r = cfgfs_write(ctx, path, val, e);

	free(path);
	return r;
}

static int write_hex(const struct nc_ctx *ctx, const char *dir,
		     const char *attr, uint64_t v, struct nc_err *e)
{
	char val[32];

	snprintf(val, sizeof(val), "0x%" PRIx64, v);
	return write_attr(ctx, dir, attr, val, e);
}

static int write_int(const struct nc_ctx *ctx, const char *dir,
		     const char *attr, long v, struct nc_err *e)
{
	char val[32];

	snprintf(val, sizeof(val), "%ld", v);
	return write_attr(ctx, dir, attr, val, e);
}

/* Write start and end so that start < end holds after each write. */
static int write_bounds(const struct nc_ctx *ctx, const char *dir,
			const struct st_range *old, const struct st_range *r,
			struct nc_err *e)
{
	bool end_first = old && r->start >= old->end;

	if (end_first && (!old || old->end != r->end) &&
	    write_hex(ctx, dir, "end", r->end, e))
		return -1;
	if ((!old || old->start != r->start) &&
	    write_hex(ctx, dir, "start", r->start, e))
		return -1;
	if (!end_first && (!old || old->end != r->end) &&
	    write_hex(ctx, dir, "end", r->end, e))
		return -1;
	return 0;
}

static int exec_mk_group(const struct nc_ctx *ctx, const struct action *a,
			 struct nc_err *e)
{
	struct nc_err ignore;

	if (cfgfs_mkdir(ctx, a->group, e))
		return -1;
	if (write_attr(ctx, a->group, "policy", a->policy, e) ||
	    (a->move && write_int(ctx, a->group, "move", 1, e))) {
		/* Do not leave a half-made group behind. */
		cfgfs_rmdir(ctx, a->group, &ignore);
		return -1;
	}
	return 0;
}

static int exec_mk_range(const struct nc_ctx *ctx, const struct action *a,
			 struct nc_err *e)
{
	const struct st_range *r = &a->range;
	char *dir = xasprintf("%s/ranges/%s", a->group, r->name);
	struct nc_err ignore;
	int ret = -1;

	if (cfgfs_mkdir(ctx, dir, e))
		goto out;
	if (write_int(ctx, dir, "pid", r->pid, e) ||
	    write_bounds(ctx, dir, NULL, r, e) ||
	    (r->enable && write_int(ctx, dir, "enable", 1, e))) {
		cfgfs_rmdir(ctx, dir, &ignore);
		goto out;
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

static int exec_update_range(const struct nc_ctx *ctx,
			     const struct action *a, struct nc_err *e)
{
	const struct st_range *r = &a->range, *o = &a->old;
	char *dir = xasprintf("%s/ranges/%s", a->group, r->name);
	struct st_range now = *o;
	struct nc_err ignore;

	if (o->enable && write_int(ctx, dir, "enable", 0, e)) {
		free(dir);
		return -1;
	}
	now.enable = false;
	if (o->pid != r->pid && write_int(ctx, dir, "pid", r->pid, e))
		goto restore;
	now.pid = r->pid;
	if (write_bounds(ctx, dir, o, r, e))
		goto restore;
	now.start = r->start;
	now.end = r->end;
	if (r->enable && write_int(ctx, dir, "enable", 1, e))
		goto restore;
	free(dir);
	return 0;
restore:
	/* Best effort: put the old binding back as it was. */
	if (now.pid != o->pid)
		write_int(ctx, dir, "pid", o->pid, &ignore);
	write_bounds(ctx, dir, &now, o, &ignore);
	if (o->enable)
		write_int(ctx, dir, "enable", 1, &ignore);
	free(dir);
	return -1;
}

static int exec_action(const struct nc_ctx *ctx, const struct action *a,
		       struct nc_err *e)
{
	char *path;
	int r;

	switch (a->kind) {
	case ACT_RM_RANGE:
		path = xasprintf("%s/ranges/%s", a->group, a->range.name);
		r = cfgfs_rmdir(ctx, path, e);
		break;
	case ACT_UNBIND_TASK:
		path = xasprintf("%s/tasks/%d", a->group, a->pid);
		r = cfgfs_rmdir(ctx, path, e);
		break;
	case ACT_MK_GROUP:
		return exec_mk_group(ctx, a, e);
	case ACT_SET_POLICY:
		return write_attr(ctx, a->group, "policy", a->policy, e);
	case ACT_SET_MOVE:
		return write_int(ctx, a->group, "move", a->move, e);
	case ACT_BIND_TASK:
		path = xasprintf("%s/tasks/%d", a->group, a->pid);
		r = cfgfs_mkdir(ctx, path, e);
		break;
	case ACT_MK_RANGE:
		return exec_mk_range(ctx, a, e);
	case ACT_UPDATE_RANGE:
		return exec_update_range(ctx, a, e);
	case ACT_RM_GROUP:
		return cfgfs_rmdir(ctx, a->group, e);
	default:
		return nc_fail(e, "unknown action");
	}
	free(path);
	return r;
}

/* Remember which groups numacfg made, for --prune=managed. */
static void record_managed(const struct nc_ctx *ctx, const struct action *a,
			   FILE *err)
{
	struct nc_err e;

	if (a->kind != ACT_MK_GROUP && a->kind != ACT_RM_GROUP)
		return;
	if (cfgfs_managed_set(ctx, a->group, a->kind == ACT_MK_GROUP, &e))
		fprintf(err, "numacfg: warning: %s\n", e.msg);
}

int plan_execute(const struct nc_ctx *ctx, const struct plan *p,
		 bool keep_going, FILE *out, FILE *err)
{
	size_t i, j, done = 0;
	int failed = 0;
	struct nc_err e;
	char *line;

	for (i = 0; i < p->n; i++) {
		line = action_describe(&p->a[i]);
		if (!exec_action(ctx, &p->a[i], &e)) {
			fprintf(out, "%s\n", line);
			free(line);
			done++;
			record_managed(ctx, &p->a[i], err);
			continue;
		}
		failed++;
		fprintf(err, "numacfg: action %zu of %zu failed: %s: %s\n",
			i + 1, p->n, line, e.msg);
		free(line);
		if (keep_going)
			continue;
		fflush(out);
		fprintf(err, "numacfg: applied %zu of %zu actions; stopped, not applied:\n",
			done, p->n);
		for (j = i; j < p->n; j++) {
			line = action_describe(&p->a[j]);
			fprintf(err, "numacfg:   %s\n", line);
			free(line);
		}
		break;
	}
	fflush(out);
	return failed;
}
