// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "output.h"
#include "policy.h"
#include "procfs.h"

int op_plan(const struct nc_ctx *ctx, const char *file, enum plan_mode mode,
	    struct plan *p, struct nc_err *e)
{
	struct state cur, des;
	struct config cfg;
	struct nodeset mem;

	if (nodes_has_memory(ctx, &mem, e) ||
	    config_load_file(file, &mem, &cfg, e))
		return -1;
	if (cfgfs_read_state(ctx, &cur, e)) {
		config_free(&cfg);
		return -1;
	}
	if (plan_desired(ctx, &cfg, &cur, mode, &des, e)) {
		state_free(&cur);
		config_free(&cfg);
		return -1;
	}
	plan_compute(&des, &cur, &mem, p);
	state_free(&des);
	state_free(&cur);
	config_free(&cfg);
	return 0;
}

int op_apply(const struct nc_ctx *ctx, const char *file, bool dry_run,
	     FILE *out, FILE *err, struct nc_err *e)
{
	struct plan p;
	int failed;

	if (op_plan(ctx, file, PLAN_APPLY, &p, e))
		return -1;
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

int op_diff(const struct nc_ctx *ctx, const char *file, FILE *out,
	    struct nc_err *e)
{
	struct plan p;

	if (op_plan(ctx, file, PLAN_APPLY, &p, e))
		return -1;
	plan_print(&p, out);
	plan_free(&p);
	return 0;
}

int op_dump(const struct nc_ctx *ctx, FILE *out, struct nc_err *e)
{
	struct state st;

	if (cfgfs_read_state(ctx, &st, e))
		return -1;
	state_dump(&st, ctx->cfgfs_root, out);
	state_free(&st);
	return 0;
}

int op_get(const struct nc_ctx *ctx, pid_t pid, bool threads, FILE *out,
	   struct nc_err *e)
{
	char pol[NC_POLICY_MAX];

	if (threads)
		return output_threads(ctx, pid, out, e);
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
	    nodes_has_memory(ctx, &mem, e) ||
	    policy_parse(in, &allowed, &mem, &p, e))
		return -1;
	if (nospace)
		policy_format_nospace(&p, out, size);
	else
		policy_format(&p, out, size);
	return 0;
}

int op_set_task(const struct nc_ctx *ctx, pid_t pid, const char *policy,
		struct nc_err *e)
{
	char pol[NC_POLICY_MAX];

	if (policy_for_pid(ctx, pid, policy, false, pol, sizeof(pol), e))
		return -1;
	return proc_policy_write(ctx, pid, 0, pol, e);
}

/* Address ranges of @mapping; ADDR stays a bare VMA start (end 0). */
static int resolve(const struct nc_ctx *ctx, pid_t pid, const char *mapping,
		   struct addr_range **r, size_t *n, struct nc_err *e)
{
	struct mapping_spec ms;
	int ret;

	if (mapping_parse(mapping, &ms, e))
		return -1;
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

	if (policy_for_pid(ctx, pid, policy, true, pol, sizeof(pol), e) ||
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
		   const char *policy, bool move, struct nc_err *e)
{
	char *text;
	int r;

	if (op_build_set_mapping(ctx, pid, mapping, policy, move, &text, e))
		return -1;
	r = proc_numa_maps_write(ctx, pid, text, e);
	free(text);
	return r;
}

/* Pages of VMAs starting in [start, end) (end 0: the VMA at start). */
static uint64_t pages_on(const struct nm_vma *v, size_t n,
			 const struct addr_range *r,
			 const struct nodeset *from)
{
	uint64_t counts[NC_MAX_NODES] = { 0 }, sum = 0;
	int node;

	numa_maps_sum(v, n, r->start, r->end ? r->end : r->start + 1, counts);
	for (node = ns_next(from, 0); node >= 0; node = ns_next(from, node + 1))
		sum += counts[node];
	return sum;
}

int op_build_migrate(const struct nc_ctx *ctx, pid_t pid, const char *from,
		     const char *to, const char *mapping, uint64_t pages,
		     char **text, struct nc_err *e)
{
	struct nodeset mem, allowed, fromset, toset;
	char fl[4096], tl[4096];
	struct strbuf sb = { 0 };
	struct addr_range *r = NULL;
	struct nm_vma *v;
	size_t i, n = 0, nv, cap = 0;
	uint64_t left = pages;
	struct nc_err sub;

	*text = NULL;
	if (nodes_has_memory(ctx, &mem, e) ||
	    nodes_allowed_pid(ctx, pid, &allowed, e))
		return -1;
	if (nodelist_parse_numactl(from, &mem, true, &fromset, &sub) ||
	    ns_empty(&fromset))
		return nc_fail(e, "--from %s: %s", from,
			       ns_empty(&fromset) ? "no nodes" : sub.msg);
	if (nodelist_parse_numactl(to, &allowed, true, &toset, &sub) ||
	    ns_empty(&toset))
		return nc_fail(e, "--to %s: %s", to,
			       ns_empty(&toset) ? "no nodes" : sub.msg);
	if (numa_maps_read(ctx, pid, &v, &nv, e))
		return -1;
	if (mapping) {
		if (resolve(ctx, pid, mapping, &r, &n, e)) {
			numa_maps_free(v, nv);
			return -1;
		}
	} else {
		/* Every VMA, as a bare start address. */
		for (i = 0; i < nv; i++)
			ARR_PUSH(r, n, cap)->start = v[i].start;
	}
	nodelist_format(&fromset, fl, sizeof(fl));
	nodelist_format(&toset, tl, sizeof(tl));
	for (i = 0; i < n && (!pages || left); i++) {
		uint64_t on = pages_on(v, nv, &r[i], &fromset);

		/* A named mapping is always written; else only useful VMAs. */
		if (!on && !mapping)
			continue;
		add_range_prefix(&sb, &r[i]);
		sb_addf(&sb, " N%s", fl);
		if (pages) {
			/* Spread the budget over the ranges that have pages. */
			uint64_t take = (on && on < left && i + 1 < n) ?
					on : left;

			sb_addf(&sb, "(%" PRIu64 ")", take);
			left -= take;
		}
		sb_addf(&sb, ">%s\n", tl);
	}
	free(r);
	numa_maps_free(v, nv);
	*text = sb.buf;
	return 0;
}

int op_migrate(const struct nc_ctx *ctx, pid_t pid, const char *from,
	       const char *to, const char *mapping, uint64_t pages,
	       FILE *out, struct nc_err *e)
{
	char *text;
	int r;

	if (op_build_migrate(ctx, pid, from, to, mapping, pages, &text, e))
		return -1;
	if (!text) {
		fprintf(out, "nothing to migrate: process %d has no pages on nodes %s\n",
			pid, from);
		return 0;
	}
	r = proc_numa_maps_write(ctx, pid, text, e);
	free(text);
	return r;
}
