// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfs.h"
#include "nodelist.h"
#include "output.h"
#include "policy.h"
#include "procfs.h"

enum {
	COL_NAME, COL_POLICY, COL_MOVE, COL_PID, COL_COMM, COL_STATE,
	COL_START, COL_END, COL_NODES	/* then one column per node */
};

struct status_table {
	struct libscols_table *tb;
	int nodes[NC_MAX_NODES];	/* node of each node column */
	int nnodes;
};

static struct libscols_column *add_col(struct libscols_table *tb,
				       const char *name, int json_type,
				       int flags)
{
	struct libscols_column *cl;

	cl = scols_table_new_column(tb, name, 0, flags);
	if (cl)
		scols_column_set_json_type(cl, json_type);
	return cl;
}

static int status_table_init(struct status_table *st, bool json, FILE *out,
			     const struct nodeset *mem)
{
	char name[32];
	int n;

	st->tb = scols_new_table();
	if (!st->tb)
		return -1;
	scols_table_set_stream(st->tb, out);
	scols_table_enable_json(st->tb, json);
	scols_table_set_name(st->tb, "numapol");
	add_col(st->tb, "NAME", SCOLS_JSON_STRING, SCOLS_FL_TREE);
	add_col(st->tb, "POLICY", SCOLS_JSON_STRING, 0);
	add_col(st->tb, "MOVE", SCOLS_JSON_BOOLEAN_OPTIONAL, SCOLS_FL_RIGHT);
	add_col(st->tb, "PID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	add_col(st->tb, "COMM", SCOLS_JSON_STRING, 0);
	add_col(st->tb, "STATE", SCOLS_JSON_STRING, 0);
	add_col(st->tb, "START", SCOLS_JSON_STRING, 0);
	add_col(st->tb, "END", SCOLS_JSON_STRING, 0);
	st->nnodes = 0;
	for (n = ns_next(mem, 0); n >= 0; n = ns_next(mem, n + 1)) {
		snprintf(name, sizeof(name), "N%d", n);
		add_col(st->tb, name, SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
		st->nodes[st->nnodes++] = n;
	}
	return 0;
}

static void set_cell(struct libscols_line *ln, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_cell(struct libscols_line *ln, int col, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0 && scols_line_refer_data(ln, col, s))
		free(s);
	va_end(ap);
}

/* Pages per node of @pid in [start, end); the cells stay empty if gone. */
static void set_pages(const struct nc_ctx *ctx, struct status_table *st,
		      struct libscols_line *ln, pid_t pid, uint64_t start,
		      uint64_t end)
{
	uint64_t *counts = xcalloc(NC_MAX_NODES, sizeof(*counts));
	struct nm_vma *v;
	struct nc_err e;
	size_t nv;
	int i;

	if (pid > 0 && !numa_maps_read(ctx, pid, &v, &nv, &e)) {
		numa_maps_sum(v, nv, start, end, counts);
		numa_maps_free(v, nv);
		for (i = 0; i < st->nnodes; i++)
			set_cell(ln, COL_NODES + i, "%" PRIu64,
				 counts[st->nodes[i]]);
	}
	free(counts);
}

static void add_binding(const struct nc_ctx *ctx, struct status_table *st,
			struct libscols_line *parent, const char *name,
			pid_t pid, const char *state,
			const struct st_range *r)
{
	struct libscols_line *ln = scols_table_new_line(st->tb, parent);
	char comm[64];

	if (!ln)
		return;
	set_cell(ln, COL_NAME, "%s", name);
	set_cell(ln, COL_PID, "%d", pid);
	proc_comm(ctx, pid, 0, comm, sizeof(comm));
	if (*comm && strcmp(state, "exited"))
		set_cell(ln, COL_COMM, "%s", comm);
	set_cell(ln, COL_STATE, "%s", state);
	if (r) {
		set_cell(ln, COL_START, "0x%" PRIx64, r->start);
		set_cell(ln, COL_END, "0x%" PRIx64, r->end);
	}
	if (strcmp(state, "exited"))
		set_pages(ctx, st, ln, pid, r ? r->start : 0,
			  r ? r->end : UINT64_MAX);
}

int output_status(const struct nc_ctx *ctx, bool json, FILE *out,
		  struct nc_err *e)
{
	struct status_table st;
	struct nodeset mem;
	struct state s;
	char name[512];
	size_t i, j;

	if (nodes_has_memory(ctx, &mem, e) || cfgfs_read_state(ctx, &s, e))
		return -1;
	if (status_table_init(&st, json, out, &mem)) {
		state_free(&s);
		return nc_fail(e, "cannot create a table");
	}
	for (i = 0; i < s.ngroups; i++) {
		const struct st_group *g = &s.groups[i];
		struct libscols_line *gl = scols_table_new_line(st.tb, NULL);

		if (!gl)
			continue;
		set_cell(gl, COL_NAME, "%s", g->name);
		set_cell(gl, COL_POLICY, "%s", g->policy);
		set_cell(gl, COL_MOVE, "%d", g->move);
		for (j = 0; j < g->ntasks; j++) {
			snprintf(name, sizeof(name), "tasks/%d",
				 g->tasks[j].pid);
			add_binding(ctx, &st, gl, name, g->tasks[j].pid,
				    g->tasks[j].state, NULL);
		}
		for (j = 0; j < g->nranges; j++) {
			snprintf(name, sizeof(name), "ranges/%s",
				 g->ranges[j].name);
			add_binding(ctx, &st, gl, name, g->ranges[j].pid,
				    g->ranges[j].state, &g->ranges[j]);
		}
	}
	if (!s.ngroups && !json)
		fputs("no groups configured\n", out);
	else
		scols_print_table(st.tb);
	scols_unref_table(st.tb);
	state_free(&s);
	return 0;
}

int output_threads(const struct nc_ctx *ctx, pid_t pid, FILE *out,
		   struct nc_err *e)
{
	struct libscols_table *tb;
	char pol[NC_POLICY_MAX], comm[64];
	struct nc_err sub;
	pid_t *tids;
	size_t n, i;

	if (proc_tids(ctx, pid, &tids, &n, e))
		return -1;
	tb = scols_new_table();
	if (!tb) {
		free(tids);
		return nc_fail(e, "cannot create a table");
	}
	scols_table_set_stream(tb, out);
	add_col(tb, "TID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	add_col(tb, "COMM", SCOLS_JSON_STRING, 0);
	add_col(tb, "POLICY", SCOLS_JSON_STRING, 0);
	for (i = 0; i < n; i++) {
		struct libscols_line *ln;

		/* A thread that exits meanwhile is simply left out. */
		if (proc_policy_read(ctx, pid, tids[i], pol, sizeof(pol),
				     &sub)) {
			if (sub.err_no == ESRCH)
				continue;
			scols_unref_table(tb);
			free(tids);
			*e = sub;
			return -1;
		}
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			continue;
		proc_comm(ctx, pid, tids[i], comm, sizeof(comm));
		set_cell(ln, 0, "%d", tids[i]);
		set_cell(ln, 1, "%s", comm);
		set_cell(ln, 2, "%s", pol);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	free(tids);
	return 0;
}
