// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mm.h"
#include "ops.h"
#include "output.h"
#include "policy.h"
#include "procfs.h"

/* ---- configuration files ------------------------------------------------ */

static int load_config(const struct nc_ctx *ctx, const char *file,
		       struct nodeset *mem, struct config *cfg,
		       struct nc_err *e)
{
	if (nodes_has_memory(ctx, mem, e))
		return -1;
	return config_load_file(file, mem, cfg, e);
}

int op_plan(const struct nc_ctx *ctx, const char *file, enum plan_mode mode,
	    const struct prune *prune, struct plan *p, struct nc_err *e)
{
	struct state cur, des;
	struct config cfg;
	struct nodeset mem;
	struct prune pr;

	if (load_config(ctx, file, &mem, &cfg, e))
		return -1;
	if (cfgfs_read_state(ctx, &cur, e)) {
		config_free(&cfg);
		return -1;
	}
	if (plan_prune_load(ctx, prune, &pr, e)) {
		state_free(&cur);
		config_free(&cfg);
		return -1;
	}
	if (plan_desired(ctx, &cfg, &cur, mode, NULL, &des, e)) {
		plan_prune_free(&pr);
		state_free(&cur);
		config_free(&cfg);
		return -1;
	}
	plan_compute(&des, &cur, &mem, &pr, p);
	plan_prune_free(&pr);
	state_free(&des);
	state_free(&cur);
	config_free(&cfg);
	return 0;
}

int op_apply(const struct nc_ctx *ctx, const char *file, bool dry_run,
	     const struct prune *prune, const struct out_opts *opts,
	     FILE *out, FILE *err, struct nc_err *e)
{
	struct plan p;
	int failed;

	if (op_plan(ctx, file, PLAN_APPLY, prune, &p, e))
		return -1;
	if (dry_run && out_is_listing(opts)) {
		failed = output_plan(&p, opts, out, e);
		plan_free(&p);
		return failed;
	}
	if (dry_run || !p.n) {
		plan_print(&p, out);
		if (dry_run && p.n)
			fputs("(dry run: nothing changed)\n", out);
		plan_free(&p);
		return 0;
	}
	failed = plan_execute(ctx, &p, false, out, err);
	plan_free(&p);
	if (failed)
		return nc_fail(e, "apply of %s failed; see above for what was applied",
			       file);
	return 0;
}

int op_diff(const struct nc_ctx *ctx, const char *file,
	    const struct prune *prune,
	    const struct out_opts *opts, FILE *out, bool *changed,
	    struct nc_err *e)
{
	struct plan p;

	int r = 0;

	*changed = false;
	if (op_plan(ctx, file, PLAN_APPLY, prune, &p, e))
		return -1;
	if (out_is_listing(opts))
		r = output_plan(&p, opts, out, e);
	else
		plan_print(&p, out);
	*changed = p.n > 0;
	plan_free(&p);
	return r;
}

int op_check(const struct nc_ctx *ctx, const char *file, FILE *out,
	     struct nc_err *e)
{
	struct config cfg;
	struct nodeset mem;
	size_t i, tasks = 0, ranges = 0;

	if (load_config(ctx, file, &mem, &cfg, e))
		return -1;
	for (i = 0; i < cfg.ngroups; i++) {
		tasks += cfg.groups[i].ntasks;
		ranges += cfg.groups[i].nranges;
	}
	if (ctx->verbose)
		fprintf(out, "%s: valid: %zu groups, %zu task selectors, %zu range selectors\n",
			file, cfg.ngroups, tasks, ranges);
	config_free(&cfg);
	return 0;
}

int op_dump(const struct nc_ctx *ctx, const struct out_opts *opts, FILE *out,
	    struct nc_err *e)
{
	struct state st;

	if (opts && opts->json)
		return output_dump_json(ctx, opts, out, e);
	if (cfgfs_read_state(ctx, &st, e))
		return -1;
	state_dump(&st, ctx->cfgfs_root, out);
	state_free(&st);
	return 0;
}

/* ---- task policies ------------------------------------------------------- */

int op_get(const struct nc_ctx *ctx, pid_t pid, bool threads,
	   const struct out_opts *opts, FILE *out, struct nc_err *e)
{
	static const struct out_opts plain;
	char pol[NC_POLICY_MAX];

	if (threads)
		return output_threads(ctx, pid, opts ? opts : &plain, out, e);
	if (proc_policy_read(ctx, pid, 0, pol, sizeof(pol), e))
		return -1;
	fprintf(out, "%s\n", pol);
	return 0;
}

/* Normalize @in for @pid; @nospace for numa_maps lines. */
static int policy_for_pid(const struct nc_ctx *ctx, pid_t pid,
			  const char *in, bool nospace, char *out,
			  size_t size, struct nc_err *e)
{
	struct nodeset allowed, mem;
	struct policy p;

	if (nodes_allowed_pid(ctx, pid, &allowed, e) ||
	    nodes_has_memory(ctx, &mem, e))
		return -1;
	if (policy_parse(in, &allowed, &mem, &p, e)) {
		e->usage = true;	/* a bad POLICY argument */
		return -1;
	}
	if (nospace)
		policy_format_nospace(&p, out, size);
	else
		policy_format(&p, out, size);
	return 0;
}

static void dry_run_note(FILE *out, const char *path, const char *text)
{
	fprintf(out, "would write to %s:\n%s%s(dry run: nothing changed)\n",
		path, text, text[0] && text[strlen(text) - 1] == '\n' ? "" : "\n");
}

int op_set_task(const struct nc_ctx *ctx, pid_t pid, const char *policy,
		bool dry_run, FILE *out, struct nc_err *e)
{
	char pol[NC_POLICY_MAX], *path;

	if (numapol_check(ctx, pid, e) ||
	    policy_for_pid(ctx, pid, policy, false, pol, sizeof(pol), e))
		return -1;
	if (dry_run) {
		path = xasprintf("%s/%d/numa_policy", ctx->proc_root, pid);
		dry_run_note(out, path, pol);
		free(path);
		return 0;
	}
	return proc_policy_write(ctx, pid, 0, pol, e);
}

/* ---- mappings ------------------------------------------------------------ */

/* Address ranges of @mapping; ADDR stays a bare VMA start (end 0). */
static int resolve(const struct nc_ctx *ctx, pid_t pid, const char *mapping,
		   struct addr_range **r, size_t *n, struct nc_err *e)
{
	struct mapping_spec ms;
	int ret;

	if (mapping_parse(mapping, &ms, e)) {
		e->usage = true;	/* a bad --mapping argument */
		return -1;
	}
	if (ms.kind == MAP_ADDR) {
		*r = xcalloc(1, sizeof(**r));
		(*r)->start = ms.start;
		*n = 1;
		ret = 0;
	} else {
		ret = mapping_resolve(ctx, pid, &ms, r, n, e);
	}
	mapping_spec_free(&ms);
	return ret;
}

static void add_range_prefix(struct strbuf *sb, const struct addr_range *r)
{
	if (r->end)
		sb_addf(sb, "0x%" PRIx64 "-0x%" PRIx64, r->start, r->end);
	else
		sb_addf(sb, "0x%" PRIx64, r->start);
}

int op_build_set_mapping(const struct nc_ctx *ctx, pid_t pid,
			 const char *mapping, const char *policy, bool move,
			 char **text, struct nc_err *e)
{
	char pol[NC_POLICY_MAX];
	struct strbuf sb = { 0 };
	struct addr_range *r;
	size_t i, n;

	if (numapol_check(ctx, pid, e) ||
	    policy_for_pid(ctx, pid, policy, true, pol, sizeof(pol), e) ||
	    resolve(ctx, pid, mapping, &r, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		add_range_prefix(&sb, &r[i]);
		sb_addf(&sb, " %s%s\n", pol, move ? " move" : "");
	}
	free(r);
	*text = sb.buf;
	return 0;
}

int op_set_mapping(const struct nc_ctx *ctx, pid_t pid, const char *mapping,
		   const char *policy, bool move, bool dry_run, FILE *out,
		   struct nc_err *e)
{
	char *text, *path;
	int r = 0;

	if (op_build_set_mapping(ctx, pid, mapping, policy, move, &text, e))
		return -1;
	if (dry_run) {
		path = xasprintf("%s/%d/numa_maps", ctx->proc_root, pid);
		dry_run_note(out, path, text);
		free(path);
	} else {
		r = proc_numa_maps_write(ctx, pid, text, e);
	}
	free(text);
	return r;
}

/* ---- migrate ------------------------------------------------------------- */

/* One range to migrate and how many of its pages go. */
struct mig_item {
	struct addr_range r;	/* end 0: the VMA starting at r.start */
	uint64_t on;		/* pages on the source nodes */
	uint64_t take;		/* pages to move (the budget's share) */
};

struct mig_plan {
	struct nodeset from, to;
	char fl[1024], tl[1024];	/* their lists */
	struct mig_item *items;
	size_t n;
	uint64_t total;			/* sum of take */
};

/* Pages of VMAs starting in [start, end) (end 0: the VMA at start). */
static uint64_t pages_on(const struct nm_vma *v, size_t n,
			 const struct addr_range *r,
			 const struct nodeset *from)
{
	uint64_t *counts = xcalloc(NC_MAX_NODES, sizeof(*counts)), sum = 0;
	int node;

	numa_maps_sum(v, n, r->start, r->end ? r->end : r->start + 1, false,
		      counts);
	for (node = ns_next(from, 0); node >= 0; node = ns_next(from, node + 1))
		sum += counts[node];
	free(counts);
	return sum;
}

static int parse_nodes(const char *opt, const char *s,
		       const struct nodeset *allowed, struct nodeset *out,
		       struct nc_err *e)
{
	struct nc_err sub;

	if (nodelist_parse_numactl(s, allowed, true, out, &sub))
		return nc_usage(e, "%s %s: %s", opt, s, sub.msg);
	if (ns_empty(out))
		return nc_usage(e, "%s %s: no nodes", opt, s);
	return 0;
}

/*
 * Which ranges of @pid have pages on the source nodes, and how the page
 * budget is shared: in address order, each range at most what it has, so
 * no share goes to a range with nothing to move.
 */
static int migrate_plan(const struct nc_ctx *ctx, pid_t pid,
			const struct migrate_opts *mo, struct mig_plan *mp,
			struct nc_err *e)
{
	struct nodeset mem, allowed;
	struct addr_range *r = NULL;
	struct nm_vma *v;
	size_t i, n = 0, nv, cap = 0, icap = 0;
	uint64_t left = mo->pages;

	memset(mp, 0, sizeof(*mp));
	if (nodes_has_memory(ctx, &mem, e) ||
	    nodes_allowed_pid(ctx, pid, &allowed, e) ||
	    parse_nodes("--from", mo->from, &mem, &mp->from, e) ||
	    parse_nodes("--to", mo->to, &allowed, &mp->to, e))
		return -1;
	nodelist_format(&mp->from, mp->fl, sizeof(mp->fl));
	nodelist_format(&mp->to, mp->tl, sizeof(mp->tl));
	if (numa_maps_read(ctx, pid, &v, &nv, e))
		return -1;
	if (mo->mapping) {
		if (resolve(ctx, pid, mo->mapping, &r, &n, e)) {
			numa_maps_free(v, nv);
			return -1;
		}
	} else {
		/* Every VMA, as a bare start address. */
		for (i = 0; i < nv; i++)
			ARR_PUSH(r, n, cap)->start = v[i].start;
	}
	for (i = 0; i < n && (!mo->pages || left); i++) {
		uint64_t on = pages_on(v, nv, &r[i], &mp->from);
		struct mig_item *it;

		if (!on)
			continue;
		it = ARR_PUSH(mp->items, mp->n, icap);
		it->r = r[i];
		it->on = on;
		it->take = mo->pages && left < on ? left : on;
		left -= mo->pages ? it->take : 0;
		mp->total += it->take;
	}
	free(r);
	numa_maps_free(v, nv);
	return 0;
}

/* The numa_maps line moving @count pages of @it (0: all it has). */
static void migrate_line(struct strbuf *sb, const struct mig_plan *mp,
			 const struct mig_item *it, uint64_t count)
{
	add_range_prefix(sb, &it->r);
	sb_addf(sb, " N%s", mp->fl);
	if (count)
		sb_addf(sb, "(%" PRIu64 ")", count);
	sb_addf(sb, ">%s\n", mp->tl);
}

int op_build_migrate(const struct nc_ctx *ctx, pid_t pid,
		     const struct migrate_opts *mo, char **text,
		     struct nc_err *e)
{
	struct strbuf sb = { 0 };
	struct mig_plan mp;
	size_t i;

	*text = NULL;
	if (migrate_plan(ctx, pid, mo, &mp, e))
		return -1;
	for (i = 0; i < mp.n; i++)
		migrate_line(&sb, &mp, &mp.items[i],
			     mo->pages ? mp.items[i].take : 0);
	free(mp.items);
	*text = sb.buf;
	return 0;
}

/* Memory of @pid per node (bytes), over the ranges of @mp, or all. */
static int memory_of(const struct nc_ctx *ctx, pid_t pid,
		     const struct mig_plan *mp, uint64_t *bytes,
		     struct nc_err *e)
{
	struct nm_vma *v;
	size_t nv, i;

	memset(bytes, 0, NC_MAX_NODES * sizeof(*bytes));
	if (numa_maps_read(ctx, pid, &v, &nv, e))
		return -1;
	if (!mp)
		numa_maps_sum(v, nv, 0, UINT64_MAX, true, bytes);
	for (i = 0; mp && i < mp->n; i++) {
		const struct addr_range *r = &mp->items[i].r;

		numa_maps_sum(v, nv, r->start, r->end ? r->end : r->start + 1,
			      true, bytes);
	}
	numa_maps_free(v, nv);
	return 0;
}

/* "node 0: 200K -> 0B, node 2: 0B -> 200K" for nodes of @from and @to. */
static void print_summary(FILE *out, pid_t pid, const struct mig_plan *mp,
			  const uint64_t *before, const uint64_t *after)
{
	char b[32], a[32];
	const char *sep = "";
	int n;

	fprintf(out, "process %d:", pid);
	for (n = 0; n < NC_MAX_NODES; n++) {
		if (!ns_test(&mp->from, n) && !ns_test(&mp->to, n))
			continue;
		size_human(before[n], b, sizeof(b));
		size_human(after[n], a, sizeof(a));
		fprintf(out, "%s node %d %s -> %s", sep, n, b, a);
		sep = ",";
	}
	fputc('\n', out);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress on a terminal, and --rate: sleep until @done is due. */
struct pacer {
	double start, rate;	/* rate in bytes per second, 0: none */
	uint64_t total, pagesize;
	bool tty;
};

static void pace(struct pacer *pc, uint64_t done)
{
	double t = now_s() - pc->start, due;

	if (pc->rate > 0) {
		due = done * (double)pc->pagesize / pc->rate;
		if (due > t) {
			struct timespec ts = {
				.tv_sec = (time_t)(due - t),
				.tv_nsec = (long)((due - t - (time_t)(due - t)) * 1e9),
			};

			nanosleep(&ts, NULL);
			t = due;
		}
	}
	if (pc->tty) {
		int fill = pc->total ? (int)(done * 30 / pc->total) : 30, i;

		fputs("\rnumacfg: migrating [", stderr);
		for (i = 0; i < 30; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %" PRIu64 "/%" PRIu64 " pages, %.1f MiB/s ",
			done, pc->total,
			t > 0 ? done * (double)pc->pagesize / t / 1048576 : 0.0);
	}
}

static uint64_t chunk_pages(const struct migrate_opts *mo, uint64_t pagesize)
{
	uint64_t c = mo->chunk;

	if (!c && mo->rate > 0)
		c = (uint64_t)(mo->rate * 1048576 / 10 / pagesize); /* 0.1 s */
	if (!c)
		c = 16384;	/* 64 MiB of 4 KiB pages per write */
	return c ? c : 1;
}

/* numapol: numa_maps writes of at most a chunk each. */
static int migrate_numa_maps(const struct nc_ctx *ctx, pid_t pid,
			     const struct migrate_opts *mo,
			     const struct mig_plan *mp, struct pacer *pc,
			     struct nc_err *e)
{
	uint64_t chunk = chunk_pages(mo, pc->pagesize), done = 0, left, c;
	struct strbuf sb = { 0 };
	size_t i;
	int r;

	/* One write when no limit asks for chunks: all or nothing. */
	if (!mo->rate && !pc->tty && mp->total <= chunk) {
		for (i = 0; i < mp->n; i++)
			migrate_line(&sb, mp, &mp->items[i],
				     mo->pages ? mp->items[i].take : 0);
		r = proc_numa_maps_write(ctx, pid, sb.buf, e);
		sb_free(&sb);
		return r;
	}
	for (i = 0; i < mp->n; i++) {
		for (left = mp->items[i].take; left; left -= c) {
			c = left < chunk ? left : chunk;
			sb.len = 0;
			migrate_line(&sb, mp, &mp->items[i], c);
			r = proc_numa_maps_write(ctx, pid, sb.buf, e);
			if (r) {
				sb_free(&sb);
				return r;
			}
			done += c;
			pace(pc, done);
		}
	}
	sb_free(&sb);
	return 0;
}

/* The @i-th (round robin) node of @to. */
static int rr_node(const struct nodeset *to, uint64_t i)
{
	return ns_nth(to, (int)(i % (uint64_t)ns_weight(to)));
}

/* End of the VMA starting at @start, from /proc/PID/maps (0 if none). */
static uint64_t vma_end(const struct maps_vma *m, size_t nm, uint64_t start)
{
	size_t i;

	for (i = 0; i < nm; i++)
		if (m[i].start == start)
			return m[i].end;
	return 0;
}

#define MOVE_BATCH 1024
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

/* Without numapol: move_pages(2) on the pages that sit on @from. */
static int migrate_move_pages(const struct nc_ctx *ctx, pid_t pid,
			      const struct mig_plan *mp, struct pacer *pc,
			      struct nc_err *e)
{
	void **pages = xcalloc(MOVE_BATCH, sizeof(*pages));
	void **sel = xcalloc(MOVE_BATCH, sizeof(*sel));
	int *status = xcalloc(MOVE_BATCH, sizeof(*status));
	int *nodes = xcalloc(MOVE_BATCH, sizeof(*nodes));
	uint64_t ps = pc->pagesize, done = 0, rr = 0;
	struct maps_vma *m = NULL;
	size_t nm = 0, i, k, cnt, nsel;
	int ret = -1;

	if (maps_read(ctx, pid, &m, &nm, e))
		goto out;
	for (i = 0; i < mp->n; i++) {
		const struct mig_item *it = &mp->items[i];
		uint64_t end = it->r.end ? it->r.end :
			       vma_end(m, nm, it->r.start);
		uint64_t addr = it->r.start, moved = 0;

		while (addr < end && moved < it->take) {
			for (cnt = 0; cnt < MOVE_BATCH && addr < end; addr += ps)
				pages[cnt++] = (void *)(uintptr_t)addr;
			/* Where are they?  (nodes NULL: only the status.) */
			if (ctx->mm->move_pages(pid, cnt, pages, NULL, status,
						0) < 0)
				goto fail;
			for (k = nsel = 0; k < cnt && moved + nsel < it->take;
			     k++) {
				if (status[k] < 0 ||
				    !ns_test(&mp->from, status[k]))
					continue;
				sel[nsel] = pages[k];
				nodes[nsel++] = rr_node(&mp->to, rr++);
			}
			if (nsel && ctx->mm->move_pages(pid, nsel, sel, nodes,
							status,
							MPOL_MF_MOVE) < 0)
				goto fail;
			moved += nsel;
			done += nsel;
			pace(pc, done);
		}
	}
	ret = 0;
	goto out;
fail:
	nc_fail_errno(e, errno, "move_pages(2) on process %d", pid);
out:
	maps_free(m, nm);
	free(pages);
	free(sel);
	free(status);
	free(nodes);
	return ret;
}

/* Without numapol, the whole process to one node: migrate_pages(2). */
static int migrate_whole(const struct nc_ctx *ctx, pid_t pid,
			 const struct mig_plan *mp, struct nc_err *e)
{
	unsigned long maxnode = NC_MAX_NODES + 1;
	unsigned long old_nodes[NC_MAX_NODES / 64], new_nodes[NC_MAX_NODES / 64];
	long r;

	/* struct nodeset is a bitmap of 64-bit words, as the kernel's. */
	memcpy(old_nodes, mp->from.w, sizeof(old_nodes));
	memcpy(new_nodes, mp->to.w, sizeof(new_nodes));
	r = ctx->mm->migrate_pages(pid, maxnode, old_nodes, new_nodes);
	if (r < 0) {
		if (errno == ESRCH)
			return nc_fail_errno(e, ESRCH, "process %d", pid);
		return nc_fail_errno(e, errno, "migrate_pages(2) on process %d",
				     pid);
	}
	return 0;
}

int op_migrate(const struct nc_ctx *ctx, pid_t pid,
	       const struct migrate_opts *mo, FILE *out, struct nc_err *e)
{
	uint64_t *before = NULL, *after = NULL;
	struct pacer pc = { 0 };
	struct mig_plan mp;
	struct nc_err chk;
	bool numapol;
	int r = -1;

	if (!numapol_check(ctx, pid, &chk)) {
		numapol = true;
	} else if (chk.err_no == ENOSYS) {
		numapol = false;
		/* The system calls act on real processes only. */
		if (ctx->mm == &mm_real_ops && strcmp(ctx->proc_root, "/proc"))
			return nc_fail(e, "this kernel has no numapol, and migrate_pages(2) cannot act on the processes of %s",
				       ctx->proc_root);
	} else {
		*e = chk;
		return -1;
	}
	if (migrate_plan(ctx, pid, mo, &mp, e))
		return -1;
	if (!mp.n) {
		fprintf(out, "nothing to migrate: process %d has no pages on nodes %s%s%s\n",
			pid, mp.fl, mo->mapping ? " in " : "",
			mo->mapping ? mo->mapping : "");
		free(mp.items);
		return 0;
	}
	if (mo->dry_run) {
		struct strbuf sb = { 0 };
		size_t i;

		for (i = 0; i < mp.n; i++)
			migrate_line(&sb, &mp, &mp.items[i],
				     mo->pages ? mp.items[i].take : 0);
		if (numapol) {
			char *path = xasprintf("%s/%d/numa_maps", ctx->proc_root,
					       pid);

			dry_run_note(out, path, sb.buf);
			free(path);
		} else {
			fprintf(out, "would move %" PRIu64 " pages of process %d from nodes %s to %s with %s\n(dry run: nothing changed)\n",
				mp.total, pid, mp.fl, mp.tl,
				mo->mapping || mo->pages || mo->rate ||
				ns_weight(&mp.to) != 1 ? "move_pages(2)" :
				"migrate_pages(2)");
		}
		sb_free(&sb);
		free(mp.items);
		return 0;
	}
	before = xcalloc(NC_MAX_NODES, sizeof(*before));
	after = xcalloc(NC_MAX_NODES, sizeof(*after));
	if (memory_of(ctx, pid, mo->mapping ? &mp : NULL, before, e))
		goto out;
	pc.start = now_s();
	pc.rate = mo->rate * 1048576;
	pc.total = mp.total;
	pc.pagesize = (uint64_t)sysconf(_SC_PAGESIZE);
	pc.tty = isatty(STDERR_FILENO) && !ctx->verbose;
	if (numapol)
		r = migrate_numa_maps(ctx, pid, mo, &mp, &pc, e);
	else if (!mo->mapping && !mo->pages && !mo->rate &&
		 ns_weight(&mp.to) == 1)
		r = migrate_whole(ctx, pid, &mp, e);
	else
		r = migrate_move_pages(ctx, pid, &mp, &pc, e);
	if (pc.tty)
		fputc('\n', stderr);
	if (r)
		goto out;
	/* The summary is a courtesy: a process gone now is no failure. */
	if (!memory_of(ctx, pid, mo->mapping ? &mp : NULL, after, &chk))
		print_summary(out, pid, &mp, before, after);
out:
	free(before);
	free(after);
	free(mp.items);
	return r;
}
