// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodelist.h"

void ns_clear(struct nodeset *ns)
{
	memset(ns, 0, sizeof(*ns));
}

void ns_set(struct nodeset *ns, int node)
{
	ns->w[node / 64] |= UINT64_C(1) << (node % 64);
}

bool ns_test(const struct nodeset *ns, int node)
{
	if (node < 0 || node >= NC_MAX_NODES)
		return false;
	return ns->w[node / 64] & (UINT64_C(1) << (node % 64));
}

int ns_weight(const struct nodeset *ns)
{
	int i, n = 0;

	for (i = 0; i < NC_MAX_NODES / 64; i++)
		n += __builtin_popcountll(ns->w[i]);
	return n;
}

bool ns_empty(const struct nodeset *ns)
{
	return ns_weight(ns) == 0;
}

bool ns_equal(const struct nodeset *a, const struct nodeset *b)
{
	return !memcmp(a, b, sizeof(*a));
}

bool ns_subset(const struct nodeset *sub, const struct nodeset *of)
{
	int i;

	for (i = 0; i < NC_MAX_NODES / 64; i++)
		if (sub->w[i] & ~of->w[i])
			return false;
	return true;
}

void ns_and(struct nodeset *dst, const struct nodeset *a,
	    const struct nodeset *b)
{
	int i;

	for (i = 0; i < NC_MAX_NODES / 64; i++)
		dst->w[i] = a->w[i] & b->w[i];
}

int ns_next(const struct nodeset *ns, int from)
{
	int n;

	for (n = from < 0 ? 0 : from; n < NC_MAX_NODES; n++)
		if (ns_test(ns, n))
			return n;
	return -1;
}

int ns_nth(const struct nodeset *ns, int idx)
{
	int n;

	for (n = ns_next(ns, 0); n >= 0; n = ns_next(ns, n + 1))
		if (idx-- == 0)
			return n;
	return -1;
}

void ns_relative(struct nodeset *dst, const struct nodeset *rel,
		 const struct nodeset *onto)
{
	int w = ns_weight(onto), n;
	struct nodeset tmp;

	ns_clear(&tmp);
	if (w)
		for (n = ns_next(rel, 0); n >= 0; n = ns_next(rel, n + 1))
			ns_set(&tmp, ns_nth(onto, n % w));
	*dst = tmp;
}

/* Parse a node number at *p, advancing it. */
static int parse_node(const char **p, int *node)
{
	long v;
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	v = strtol(*p, &end, 10);
	if (errno || v < 0 || v >= NC_MAX_NODES)
		return -1;
	*p = end;
	*node = (int)v;
	return 0;
}

/* "a" and "a-b" items separated by commas. */
static int parse_list(const char *s, struct nodeset *ns, struct nc_err *e)
{
	const char *p = s;
	int a, b, n;

	ns_clear(ns);
	if (!*p)
		return 0;
	for (;;) {
		if (parse_node(&p, &a))
			return nc_fail(e, "invalid node list '%s'", s);
		b = a;
		if (*p == '-') {
			p++;
			if (parse_node(&p, &b) || b < a)
				return nc_fail(e, "invalid node range in '%s'",
					       s);
		}
		for (n = a; n <= b; n++)
			ns_set(ns, n);
		if (!*p)
			return 0;
		if (*p != ',')
			return nc_fail(e, "invalid node list '%s'", s);
		p++;
	}
}

int nodelist_parse(const char *s, struct nodeset *ns, struct nc_err *e)
{
	char *buf = xstrdup(s);
	int r = parse_list(rtrim(buf), ns, e);

	free(buf);
	return r;
}

/* @s without the braces of the seed's "{2,3}" syntax (caller frees). */
static char *strip_braces(const char *s)
{
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '{' && s[len - 1] == '}')
		return xstrndup(s + 1, len - 2);
	return xstrdup(s);
}

int nodelist_parse_braced(const char *s, struct nodeset *ns,
			  struct nc_err *e)
{
	char *buf = strip_braces(s);
	int r = nodelist_parse(buf, ns, e);

	free(buf);
	return r;
}

void nodelist_format(const struct nodeset *ns, char *buf, size_t size)
{
	size_t len = 0;
	int a, b;

	buf[0] = '\0';
	for (a = ns_next(ns, 0); a >= 0; a = ns_next(ns, b + 1)) {
		for (b = a; ns_test(ns, b + 1); b++)
			;
		if (len >= size)
			break;
		if (a == b)
			len += snprintf(buf + len, size - len, "%s%d",
					len ? "," : "", a);
		else
			len += snprintf(buf + len, size - len, "%s%d-%d",
					len ? "," : "", a, b);
		if (b + 1 >= NC_MAX_NODES)
			break;
	}
}

static int numactl_list(const char *s, char *p, const struct nodeset *allowed,
			bool check, struct nodeset *out, struct nc_err *e)
{
	bool invert = false, relative = false;
	struct nodeset set;
	int n;

	if (*p == '!') {
		invert = true;
		p++;
	}
	if (*p == '+') {
		relative = true;
		p++;
	}
	if (!*p)
		return nc_fail(e, "empty node list '%s'", s);
	if (!strcasecmp(p, "all")) {
		if (relative)
			return nc_fail(e, "invalid node list '%s'", s);
		set = *allowed;
	} else {
		if (parse_list(p, &set, e))
			return nc_fail(e, "invalid node list '%s'", s);
		if (relative) {
			struct nodeset abs;

			ns_clear(&abs);
			for (n = ns_next(&set, 0); n >= 0;
			     n = ns_next(&set, n + 1)) {
				int node = ns_nth(allowed, n);

				if (node < 0)
					return nc_fail(e,
						"relative node +%d out of range (%d allowed nodes)",
						n, ns_weight(allowed));
				ns_set(&abs, node);
			}
			set = abs;
		} else if (check && !ns_subset(&set, allowed)) {
			char al[1024];
			struct nodeset bad = set;
			int i;

			for (i = 0; i < NC_MAX_NODES / 64; i++)
				bad.w[i] &= ~allowed->w[i];
			nodelist_format(allowed, al, sizeof(al));
			return nc_fail(e, "node %d is not allowed (allowed: %s)",
				       ns_next(&bad, 0), *al ? al : "none");
		}
	}
	if (invert) {
		struct nodeset inv;
		int i;

		for (i = 0; i < NC_MAX_NODES / 64; i++)
			inv.w[i] = allowed->w[i] & ~set.w[i];
		set = inv;
	}
	*out = set;
	return 0;
}

int nodelist_parse_numactl(const char *s, const struct nodeset *allowed,
			   bool check, struct nodeset *out, struct nc_err *e)
{
	char *buf, *p;
	int r;

	p = rtrim(xstrdup(s));
	buf = strip_braces(p);
	free(p);
	r = numactl_list(s, buf, allowed, check, out, e);
	free(buf);
	return r;
}

static int read_list_file(const char *path, struct nodeset *ns,
			  struct nc_err *e)
{
	char *buf;
	int r;

	if (read_file(path, &buf, NULL, e))
		return -1;
	r = nodelist_parse(buf, ns, e);
	free(buf);
	return r;
}

int nodes_has_memory(const struct nc_ctx *ctx, struct nodeset *ns,
		     struct nc_err *e)
{
	static const char *const files[] = { "has_memory", "online" };
	size_t i;
	char *path;
	int r;

	for (i = 0; i < 2; i++) {
		path = xasprintf("%s/devices/system/node/%s", ctx->sys_root,
				 files[i]);
		r = read_list_file(path, ns, e);
		free(path);
		if (!r)
			return 0;
	}
	/* No NUMA sysfs at all: a single node 0 machine. */
	ns_clear(ns);
	ns_set(ns, 0);
	return 0;
}

int nodes_allowed_pid(const struct nc_ctx *ctx, pid_t pid,
		      struct nodeset *ns, struct nc_err *e)
{
	struct nodeset mem, allowed;
	char *path, *buf, *v;
	int r;

	path = xasprintf("%s/%d/status", ctx->proc_root, pid);
	r = read_file(path, &buf, NULL, e);
	free(path);
	if (r) {
		if (e->err_no == ENOENT)
			return nc_fail_errno(e, ESRCH, "process %d", pid);
		return -1;
	}
	v = status_field(buf, "Mems_allowed_list");
	free(buf);
	r = v ? nodelist_parse(v, &allowed, e) : 0;
	if (!r)
		r = nodes_has_memory(ctx, &mem, e);
	if (!r) {
		if (v)
			ns_and(ns, &allowed, &mem);
		else
			*ns = mem;
	}
	free(v);
	return r;
}
