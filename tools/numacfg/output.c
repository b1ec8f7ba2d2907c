// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfgfs.h"
#include "nodelist.h"
#include "output.h"
#include "policy.h"
#include "procfs.h"

#define OUT_MAX_COLS (16 + NC_MAX_NODES)

struct out_table {
	struct libscols_table *tb;
	const struct out_col *cols;
	bool bytes;
	int pos[OUT_MAX_COLS];		/* scols column of each column, or -1 */
};

static int find_col(const struct out_col *cols, size_t ncols,
		    const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

static void col_names(const struct out_col *cols, size_t ncols, char *buf,
		      size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < ncols && len + 1 < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? "," : "",
				cols[i].name) ;
}

/* The columns in the order -o names them (or the default ones). */
static int select_cols(const struct out_col *cols, size_t ncols,
		       const char *list, int *order, size_t *n,
		       struct nc_err *e)
{
	const char *p;
	size_t i, len;
	int c;

	*n = 0;
	if (!list || *list == '+') {
		for (i = 0; i < ncols; i++)
			if (cols[i].dflt)
				order[(*n)++] = (int)i;
		if (!list)
			return 0;
		list++;
	}
	for (p = list; *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		c = find_col(cols, ncols, p, len);
		if (c < 0) {
			char names[1024];

			col_names(cols, ncols, names, sizeof(names));
			return nc_usage(e, "unknown column '%.*s' (columns: %s)",
					(int)len, p, names);
		}
		if (*n < OUT_MAX_COLS)
			order[(*n)++] = c;
	}
	if (!*n)
		return nc_usage(e, "--output names no column");
	return 0;
}

struct out_table *out_table_new(const struct out_col *cols, size_t ncols,
				const struct out_opts *opts, const char *name,
				FILE *out, struct nc_err *e)
{
	struct out_table *t;
	int order[OUT_MAX_COLS];
	size_t n, i;

	if (ncols > OUT_MAX_COLS) {
		nc_fail(e, "too many columns");
		return NULL;
	}
	if (select_cols(cols, ncols, opts->columns, order, &n, e))
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->cols = cols;
	t->bytes = opts->bytes;
	for (i = 0; i < ncols; i++)
		t->pos[i] = -1;
	t->tb = scols_new_table();
	if (!t->tb) {
		free(t);
		nc_fail(e, "cannot create a table");
		return NULL;
	}
	scols_table_set_stream(t->tb, out);
	scols_table_enable_json(t->tb, opts->json);
	scols_table_enable_raw(t->tb, opts->raw);
	scols_table_enable_noheadings(t->tb, opts->noheadings);
	scols_table_set_name(t->tb, name);
	for (i = 0; i < n; i++) {
		const struct out_col *c = &cols[order[i]];
		struct libscols_column *cl;
		int type = c->json_type;

		if (t->pos[order[i]] >= 0)
			continue;	/* named twice */
		/* Human-readable sizes are strings in JSON, as in lsblk. */
		if (type == SCOLS_JSON_NUMBER && (c->flags & SCOLS_FL_RIGHT) &&
		    c->name[0] == 'N' && !opts->bytes)
			type = SCOLS_JSON_STRING;
		cl = scols_table_new_column(t->tb, c->name, 0, c->flags);
		if (!cl)
			continue;
		scols_column_set_json_type(cl, type);
		t->pos[order[i]] = (int)scols_table_get_ncols(t->tb) - 1;
	}
	return t;
}

struct libscols_line *out_line(struct out_table *t,
			       struct libscols_line *parent)
{
	return scols_table_new_line(t->tb, parent);
}

void out_cell(struct out_table *t, struct libscols_line *ln, size_t col,
	      const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!ln || t->pos[col] < 0)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0 &&
	    scols_line_refer_data(ln, (size_t)t->pos[col], s))
		free(s);
	va_end(ap);
}

void size_human(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	uint64_t whole = bytes, rem = 0;
	int u = 0;

	while (whole >= 1024 && u < 6) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	/* One decimal, rounded, as util-linux does. */
	rem = (rem * 10 + 512) / 1024;
	if (rem >= 10) {
		whole++;
		rem = 0;
	}
	if (rem && whole < 1000)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c", whole, rem,
			 units[u]);
	else
		snprintf(buf, size, "%" PRIu64 "%c", whole, units[u]);
}

static bool utf8_out(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && !strcmp(cs, "UTF-8");
}

void spark_nodes(const uint64_t *bytes, int n, char *buf, size_t size)
{
	static const char *const blocks[] = {
		" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
		"\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = " .:-=+*#@";
	uint64_t max = 0;
	size_t len = 0;
	bool utf8 = utf8_out();
	int i, level;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (bytes[i] > max)
			max = bytes[i];
	for (i = 0; i < n && len + 4 < size; i++) {
		level = max ? (int)((bytes[i] * 8 + max - 1) / max) : 0;
		if (utf8)
			len += snprintf(buf + len, size - len, "%s",
					blocks[level]);
		else
			buf[len++] = ascii[level];
	}
	buf[len] = '\0';
}

void bar_line(FILE *out, const char *label, uint64_t part, uint64_t total,
	      int width)
{
	int fill = total ? (int)((part * width + total / 2) / total) : 0, i;
	char size[32];

	size_human(part, size, sizeof(size));
	fprintf(out, "%-5s %7s [", label, size);
	for (i = 0; i < width; i++)
		fputs(i < fill ? (utf8_out() ? "\u2588" : "#") : ".", out);
	fprintf(out, "] %3d%%\n",
		total ? (int)((part * 100 + total / 2) / total) : 0);
}

void out_size(struct out_table *t, struct libscols_line *ln, size_t col,
	      uint64_t bytes)
{
	char buf[32];

	if (t->bytes) {
		out_cell(t, ln, col, "%" PRIu64, bytes);
		return;
	}
	size_human(bytes, buf, sizeof(buf));
	out_cell(t, ln, col, "%s", buf);
}

void out_table_print(struct out_table *t)
{
	scols_print_table(t->tb);
}

void out_table_free(struct out_table *t)
{
	if (!t)
		return;
	scols_unref_table(t->tb);
	free(t);
}

/* ---- status and dump --json --------------------------------------------- */

enum {
	COL_NAME, COL_POLICY, COL_MOVE, COL_PID, COL_COMM, COL_STATE,
	COL_START, COL_END, COL_ENABLE,
	COL_NODES	/* one per node, then BARS */
};

struct tree_cols {
	struct out_col cols[COL_NODES + NC_MAX_NODES + 1];
	size_t bars;			/* the BARS column, after the nodes */
	char names[NC_MAX_NODES][16];
	int nodes[NC_MAX_NODES];	/* node of each node column */
	int nnodes;
};

/*
 * The columns of the configfs tree; START and END are shown by default
 * only when there are ranges, ENABLE only in dump, node columns only in
 * status.
 */
static size_t tree_cols_init(struct tree_cols *tc, const struct state *s,
			     const struct nodeset *mem,
			     const struct out_opts *opts)
{
	static const struct out_col fixed[COL_NODES] = {
		[COL_NAME] = { "NAME", SCOLS_JSON_STRING, SCOLS_FL_TREE, true },
		[COL_POLICY] = { "POLICY", SCOLS_JSON_STRING, 0, true },
		[COL_MOVE] = { "MOVE", SCOLS_JSON_BOOLEAN_OPTIONAL,
			       SCOLS_FL_RIGHT, true },
		[COL_PID] = { "PID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT, true },
		[COL_COMM] = { "COMM", SCOLS_JSON_STRING, 0, true },
		[COL_STATE] = { "STATE", SCOLS_JSON_STRING, 0, true },
		[COL_START] = { "START", SCOLS_JSON_STRING, 0, false },
		[COL_END] = { "END", SCOLS_JSON_STRING, 0, false },
		[COL_ENABLE] = { "ENABLE", SCOLS_JSON_BOOLEAN_OPTIONAL,
				 SCOLS_FL_RIGHT, false },
	};
	size_t i;
	int n;
	bool ranges = false;

	memcpy(tc->cols, fixed, sizeof(fixed));
	for (i = 0; i < s->ngroups; i++)
		ranges |= s->groups[i].nranges > 0;
	tc->cols[COL_START].dflt = tc->cols[COL_END].dflt = ranges;
	tc->nnodes = 0;
	if (!mem) {
		tc->cols[COL_COMM].dflt = false;
		tc->cols[COL_ENABLE].dflt = ranges;
		return COL_NODES;
	}
	for (n = ns_next(mem, 0); n >= 0; n = ns_next(mem, n + 1)) {
		struct out_col *c = &tc->cols[COL_NODES + tc->nnodes];

		snprintf(tc->names[tc->nnodes], sizeof(tc->names[0]), "N%d", n);
		c->name = tc->names[tc->nnodes];
		c->json_type = SCOLS_JSON_NUMBER;
		c->flags = SCOLS_FL_RIGHT;
		c->dflt = true;
		tc->nodes[tc->nnodes++] = n;
	}
	/* The picture is for people: not in JSON or raw output. */
	tc->bars = COL_NODES + tc->nnodes;
	tc->cols[tc->bars] = (struct out_col){ "BARS", SCOLS_JSON_STRING, 0,
					       !opts->json && !opts->raw };
	return tc->bars + 1;
}

/* Memory cells (per node and BARS) of a line. */
static void memory_cells(const struct tree_cols *tc, struct out_table *t,
			 struct libscols_line *ln, const uint64_t *per)
{
	char spark[128];
	int i;

	for (i = 0; i < tc->nnodes; i++)
		out_size(t, ln, COL_NODES + i, per[i]);
	spark_nodes(per, tc->nnodes, spark, sizeof(spark));
	out_cell(t, ln, tc->bars, "%s", spark);
}

/*
 * Memory per node of @pid in [start, end) into the line's cells (they
 * stay empty if the process is gone), added to @group; the policy there
 * (of the VMA at @start for a range) into *@pol.
 */
static void set_memory(const struct nc_ctx *ctx, const struct tree_cols *tc,
		       struct out_table *t, struct libscols_line *ln,
		       pid_t pid, uint64_t start, uint64_t end,
		       uint64_t *group, char **pol)
{
	uint64_t *bytes, *per;
	struct nm_vma *v;
	struct nc_err e;
	size_t nv, k;
	int i;

	if (pid <= 0 || numa_maps_read(ctx, pid, &v, &nv, &e))
		return;
	bytes = xcalloc(NC_MAX_NODES, sizeof(*bytes));
	per = xcalloc(tc->nnodes ? tc->nnodes : 1, sizeof(*per));
	numa_maps_sum(v, nv, start, end, true, bytes);
	for (k = 0; pol && !*pol && k < nv; k++)
		if (v[k].start == start)
			*pol = xstrdup(v[k].policy);
	numa_maps_free(v, nv);
	for (i = 0; i < tc->nnodes; i++) {
		per[i] = bytes[tc->nodes[i]];
		if (group)
			group[i] += per[i];
	}
	memory_cells(tc, t, ln, per);
	free(per);
	free(bytes);
}

/*
 * One binding: POLICY is what the kernel has now (the process's task
 * policy, the range's policy in numa_maps), to compare with the group's.
 */
static void add_binding(const struct nc_ctx *ctx, const struct tree_cols *tc,
			struct out_table *t, struct libscols_line *parent,
			const char *name, pid_t pid, const char *state,
			const struct st_range *r, bool memory,
			uint64_t *group)
{
	struct libscols_line *ln = out_line(t, parent);
	bool gone = !strcmp(state, "exited");
	char comm[64], pol[NC_POLICY_MAX], *rpol = NULL;
	struct nc_err e;

	if (!ln)
		return;
	out_cell(t, ln, COL_NAME, "%s", name);
	out_cell(t, ln, COL_PID, "%d", pid);
	proc_comm(ctx, pid, 0, comm, sizeof(comm));
	if (*comm && !gone)
		out_cell(t, ln, COL_COMM, "%s", comm);
	out_cell(t, ln, COL_STATE, "%s", state);
	if (r) {
		out_cell(t, ln, COL_START, "0x%" PRIx64, r->start);
		out_cell(t, ln, COL_END, "0x%" PRIx64, r->end);
		out_cell(t, ln, COL_ENABLE, "%d", r->enable);
	}
	if (memory && !r && !gone && pid > 0 &&
	    !proc_policy_read(ctx, pid, 0, pol, sizeof(pol), &e))
		out_cell(t, ln, COL_POLICY, "%s", pol);
	if (memory && !gone)
		set_memory(ctx, tc, t, ln, pid, r ? r->start : 0,
			   r ? r->end : UINT64_MAX, group, r ? &rpol : NULL);
	if (rpol)
		out_cell(t, ln, COL_POLICY, "%s", rpol);
	free(rpol);
}

/* "2 bound, 1 exited": the states of a group's bindings. */
static char *group_state(const struct st_group *g)
{
	const char *seen[64];
	int count[64], n = 0, i;
	struct strbuf sb = { 0 };
	size_t j;

	for (j = 0; j < g->ntasks + g->nranges; j++) {
		const char *st = j < g->ntasks ? g->tasks[j].state :
			g->ranges[j - g->ntasks].state;

		for (i = 0; i < n && strcmp(seen[i], st); i++)
			;
		if (i == n && n < 64) {
			seen[n] = st;
			count[n++] = 0;
		}
		if (i < n)
			count[i]++;
	}
	for (i = 0; i < n; i++)
		sb_addf(&sb, "%s%d %s", i ? ", " : "", count[i], seen[i]);
	return sb.buf;
}

static int output_tree(const struct nc_ctx *ctx, const struct out_opts *opts,
		       bool memory, FILE *out, struct nc_err *e)
{
	struct tree_cols *tc;
	struct out_table *t;
	struct nodeset mem;
	struct state s;
	uint64_t *sum;
	size_t i, j, ncols;
	char *txt;

	if (nodes_has_memory(ctx, &mem, e) || cfgfs_read_state(ctx, &s, e))
		return -1;
	tc = xcalloc(1, sizeof(*tc));
	ncols = tree_cols_init(tc, &s, memory ? &mem : NULL, opts);
	t = out_table_new(tc->cols, ncols, opts, "numapol", out, e);
	if (!t) {
		free(tc);
		state_free(&s);
		return -1;
	}
	sum = xcalloc(tc->nnodes ? tc->nnodes : 1, sizeof(*sum));
	for (i = 0; i < s.ngroups; i++) {
		const struct st_group *g = &s.groups[i];
		struct libscols_line *gl = out_line(t, NULL);

		memset(sum, 0, (tc->nnodes ? tc->nnodes : 1) * sizeof(*sum));
		out_cell(t, gl, COL_NAME, "%s", g->name);
		out_cell(t, gl, COL_POLICY, "%s", g->policy);
		out_cell(t, gl, COL_MOVE, "%d", g->move);
		txt = group_state(g);
		if (txt)
			out_cell(t, gl, COL_STATE, "%s", txt);
		free(txt);
		for (j = 0; j < g->ntasks; j++) {
			txt = xasprintf("tasks/%d", g->tasks[j].pid);
			add_binding(ctx, tc, t, gl, txt, g->tasks[j].pid,
				    g->tasks[j].state, NULL, memory, sum);
			free(txt);
		}
		for (j = 0; j < g->nranges; j++) {
			const struct st_range *r = &g->ranges[j];

			txt = xasprintf("ranges/%s", r->name);
			/* A task of the group already counts all of it. */
			add_binding(ctx, tc, t, gl, txt, r->pid, r->state, r,
				    memory, state_find_task(g, r->pid) ?
				    NULL : sum);
			free(txt);
		}
		/* The group: the memory of what is bound to it. */
		if (memory)
			memory_cells(tc, t, gl, sum);
	}
	if (!s.ngroups && !opts->json && !opts->raw && memory)
		fputs("no groups configured\n", out);
	else
		out_table_print(t);
	out_table_free(t);
	free(sum);
	free(tc);
	state_free(&s);
	return 0;
}

int output_status(const struct nc_ctx *ctx, const struct out_opts *opts,
		  FILE *out, struct nc_err *e)
{
	return output_tree(ctx, opts, true, out, e);
}

int output_dump_json(const struct nc_ctx *ctx, const struct out_opts *opts,
		     FILE *out, struct nc_err *e)
{
	return output_tree(ctx, opts, false, out, e);
}

/* ---- get --threads ------------------------------------------------------ */

int output_threads(const struct nc_ctx *ctx, pid_t pid,
		   const struct out_opts *opts, FILE *out, struct nc_err *e)
{
	static const struct out_col cols[] = {
		{ "TID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT, true },
		{ "COMM", SCOLS_JSON_STRING, 0, true },
		{ "POLICY", SCOLS_JSON_STRING, 0, true },
	};
	char pol[NC_POLICY_MAX], comm[64];
	struct out_table *t;
	struct nc_err sub;
	pid_t *tids;
	size_t n, i;

	if (numapol_check(ctx, pid, e) || proc_tids(ctx, pid, &tids, &n, e))
		return -1;
	t = out_table_new(cols, 3, opts, "threads", out, e);
	if (!t) {
		free(tids);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct libscols_line *ln;

		/* A thread that exits meanwhile is simply left out. */
		if (proc_policy_read(ctx, pid, tids[i], pol, sizeof(pol),
				     &sub)) {
			if (sub.err_no == ESRCH)
				continue;
			out_table_free(t);
			free(tids);
			*e = sub;
			return -1;
		}
		ln = out_line(t, NULL);
		proc_comm(ctx, pid, tids[i], comm, sizeof(comm));
		out_cell(t, ln, 0, "%d", tids[i]);
		out_cell(t, ln, 1, "%s", comm);
		out_cell(t, ln, 2, "%s", pol);
	}
	out_table_print(t);
	out_table_free(t);
	free(tids);
	return 0;
}

/* ---- the plan of apply and diff ------------------------------------------ */

bool out_is_listing(const struct out_opts *opts)
{
	return opts && (opts->json || opts->raw || opts->noheadings ||
			opts->columns);
}

int output_plan(const struct plan *p, const struct out_opts *opts, FILE *out,
		struct nc_err *e)
{
	static const struct out_col cols[] = {
		{ "OP", SCOLS_JSON_STRING, 0, true },
		{ "KIND", SCOLS_JSON_STRING, 0, true },
		{ "OBJECT", SCOLS_JSON_STRING, 0, true },
		{ "DETAIL", SCOLS_JSON_STRING, 0, true },
	};
	struct out_table *t;
	size_t i;

	t = out_table_new(cols, 4, opts, "plan", out, e);
	if (!t)
		return -1;
	for (i = 0; i < p->n; i++) {
		struct libscols_line *ln = out_line(t, NULL);
		struct action_text at;

		action_text(&p->a[i], &at);
		out_cell(t, ln, 0, "%c", at.op);
		out_cell(t, ln, 1, "%s", at.kind);
		out_cell(t, ln, 2, "%s", at.object);
		if (at.detail)
			out_cell(t, ln, 3, "%s", at.detail);
		action_text_free(&at);
	}
	out_table_print(t);
	out_table_free(t);
	return 0;
}

/* ---- show PID ------------------------------------------------------------ */

int output_show(const struct nc_ctx *ctx, pid_t pid,
		const struct out_opts *opts, FILE *out, struct nc_err *e)
{
	enum { C_START, C_MAPPING, C_POLICY, C_TOTAL, C_NODES };
	struct out_col cols[C_NODES + NC_MAX_NODES + 1] = {
		[C_START] = { "START", SCOLS_JSON_STRING, 0, true },
		[C_MAPPING] = { "MAPPING", SCOLS_JSON_STRING, SCOLS_FL_TRUNC,
				true },
		[C_POLICY] = { "POLICY", SCOLS_JSON_STRING, 0, true },
		[C_TOTAL] = { "TOTAL", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT, true },
	};
	char names[NC_MAX_NODES][16], pol[NC_POLICY_MAX], comm[64], spark[128];
	int nodes[NC_MAX_NODES], nn = 0, n, i, bars;
	uint64_t *sum, *per, total = 0, vt;
	struct libscols_line *ln;
	struct out_table *t;
	struct nodeset mem;
	struct nm_vma *v;
	size_t nv, k, j;
	bool human = !opts->json && !opts->raw;

	if (numapol_check(ctx, pid, e) || nodes_has_memory(ctx, &mem, e) ||
	    proc_policy_read(ctx, pid, 0, pol, sizeof(pol), e) ||
	    numa_maps_read(ctx, pid, &v, &nv, e))
		return -1;
	for (n = ns_next(&mem, 0); n >= 0; n = ns_next(&mem, n + 1)) {
		snprintf(names[nn], sizeof(names[0]), "N%d", n);
		cols[C_NODES + nn] = (struct out_col){ names[nn],
			SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT, true };
		nodes[nn++] = n;
	}
	bars = C_NODES + nn;
	cols[bars] = (struct out_col){ "BARS", SCOLS_JSON_STRING, 0, human };
	t = out_table_new(cols, bars + 1, opts, "mappings", out, e);
	if (!t) {
		numa_maps_free(v, nv);
		return -1;
	}
	proc_comm(ctx, pid, 0, comm, sizeof(comm));
	if (human)
		fprintf(out, "process %d (%s), task policy %s\n", pid, comm,
			pol);
	sum = xcalloc(nn ? nn : 1, sizeof(*sum));
	per = xcalloc(nn ? nn : 1, sizeof(*per));
	for (k = 0; k < nv; k++) {
		memset(per, 0, (nn ? nn : 1) * sizeof(*per));
		for (vt = 0, j = 0; j < v[k].nnp; j++)
			for (i = 0; i < nn; i++)
				if (nodes[i] == v[k].np[j].node) {
					per[i] += v[k].np[j].pages *
						  v[k].pagesize;
					vt += v[k].np[j].pages * v[k].pagesize;
				}
		if (!vt)
			continue;	/* nothing resident */
		ln = out_line(t, NULL);
		out_cell(t, ln, C_START, "0x%" PRIx64, v[k].start);
		out_cell(t, ln, C_MAPPING, "%s", v[k].name ? v[k].name : "anon");
		out_cell(t, ln, C_POLICY, "%s", v[k].policy);
		out_size(t, ln, C_TOTAL, vt);
		for (i = 0; i < nn; i++) {
			out_size(t, ln, C_NODES + i, per[i]);
			sum[i] += per[i];
		}
		spark_nodes(per, nn, spark, sizeof(spark));
		out_cell(t, ln, bars, "%s", spark);
		total += vt;
	}
	ln = out_line(t, NULL);
	out_cell(t, ln, C_MAPPING, "total");
	out_size(t, ln, C_TOTAL, total);
	for (i = 0; i < nn; i++)
		out_size(t, ln, C_NODES + i, sum[i]);
	spark_nodes(sum, nn, spark, sizeof(spark));
	out_cell(t, ln, bars, "%s", spark);
	out_table_print(t);
	if (human && !opts->columns) {
		fputs("\n", out);
		for (i = 0; i < nn; i++)
			bar_line(out, names[i], sum[i], total, 40);
	}
	out_table_free(t);
	free(sum);
	free(per);
	numa_maps_free(v, nv);
	return 0;
}
