// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

static const struct {
	const char *name;
	enum nc_mode mode;
} mode_names[] = {
	/* Longest first: "prefer" is a prefix of "preferred". */
	{ "weighted interleave", NC_MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted-interleave", NC_MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted_interleave", NC_MPOL_WEIGHTED_INTERLEAVE },
	{ "prefer (many)", NC_MPOL_PREFERRED_MANY },
	{ "preferred-many", NC_MPOL_PREFERRED_MANY },
	{ "preferred_many", NC_MPOL_PREFERRED_MANY },
	{ "interleave", NC_MPOL_INTERLEAVE },
	{ "preferred", NC_MPOL_PREFERRED },
	{ "default", NC_MPOL_DEFAULT },
	{ "prefer", NC_MPOL_PREFERRED },
	{ "local", NC_MPOL_LOCAL },
	{ "bind", NC_MPOL_BIND },
};

/* Index by enum nc_mode: the kernel's policy_modes[] names. */
static const char *const out_names[] = {
	[NC_MPOL_DEFAULT] = "default",
	[NC_MPOL_PREFERRED] = "prefer",
	[NC_MPOL_BIND] = "bind",
	[NC_MPOL_INTERLEAVE] = "interleave",
	[NC_MPOL_LOCAL] = "local",
	[NC_MPOL_PREFERRED_MANY] = "prefer (many)",
	[NC_MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
};

static const char *const nospace_names[] = {
	[NC_MPOL_DEFAULT] = "default",
	[NC_MPOL_PREFERRED] = "prefer",
	[NC_MPOL_BIND] = "bind",
	[NC_MPOL_INTERLEAVE] = "interleave",
	[NC_MPOL_LOCAL] = "local",
	[NC_MPOL_PREFERRED_MANY] = "preferred-many",
	[NC_MPOL_WEIGHTED_INTERLEAVE] = "weighted-interleave",
};

static int parse_mode(const char **p, enum nc_mode *mode)
{
	size_t i, n;
	char c;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		n = strlen(mode_names[i].name);
		if (strncasecmp(*p, mode_names[i].name, n))
			continue;
		c = (*p)[n];
		if (c && c != '=' && c != ':')
			continue;
		*mode = mode_names[i].mode;
		*p += n;
		return 0;
	}
	return -1;
}

static const char *const flag_names[] = { "static", "relative", "balancing" };

/* Is @p at a flag word followed by '|', ':' or the end? */
static int flag_at(const char *p)
{
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(flag_names[i]);
		if (!strncasecmp(p, flag_names[i], n) &&
		    (!p[n] || p[n] == '|' || p[n] == ':'))
			return (int)i;
	}
	return -1;
}

static int parse_flags(const char **p, unsigned int *flags,
		       const char *s, struct nc_err *e)
{
	int f;

	for (;;) {
		f = flag_at(*p);
		if (f < 0)
			return nc_fail(e, "invalid policy '%s': unknown flag", s);
		if (*flags & (1u << f))
			return nc_fail(e, "invalid policy '%s': repeated flag",
				       s);
		*flags |= 1u << f;
		*p += strlen(flag_names[f]);
		if (**p != '|')
			return 0;
		(*p)++;
	}
}

static int parse_nodes(const char *list, const struct policy *p,
		       const struct nodeset *allowed,
		       const struct nodeset *possible, struct nodeset *out,
		       const char *s, struct nc_err *e)
{
	struct nc_err sub;
	int r;

	if (strchr(list, '/'))
		return nc_fail(e,
			"invalid policy '%s': per-zone policies do not exist on this kernel",
			s);
	if (!allowed || (p->flags & NC_F_RELATIVE)) {
		/* Relative nodes are indexes, not nodes: nothing to check. */
		r = nodelist_parse_braced(list, out, &sub);
	} else if (p->flags & NC_F_STATIC) {
		r = nodelist_parse_numactl(list, allowed, false, out, &sub);
		if (!r && possible && !ns_subset(out, possible))
			r = nc_fail(&sub, "node not a memory node");
	} else {
		r = nodelist_parse_numactl(list, allowed, true, out, &sub);
	}
	if (r)
		return nc_fail(e, "invalid policy '%s': %s", s, sub.msg);
	return 0;
}

static int check_rules(const struct policy *p, bool have_nodes,
		       const char *s, struct nc_err *e)
{
	bool nodeless = p->mode == NC_MPOL_DEFAULT || p->mode == NC_MPOL_LOCAL;

	if (nodeless && (have_nodes || p->flags))
		return nc_fail(e, "invalid policy '%s': %s takes no nodes or flags",
			       s, out_names[p->mode]);
	if (!nodeless && ns_empty(&p->nodes))
		return nc_fail(e, "invalid policy '%s': empty node list", s);
	if (p->mode == NC_MPOL_PREFERRED && ns_weight(&p->nodes) != 1)
		return nc_fail(e, "invalid policy '%s': prefer takes exactly one node",
			       s);
	if ((p->flags & NC_F_STATIC) && (p->flags & NC_F_RELATIVE))
		return nc_fail(e, "invalid policy '%s': static and relative exclude each other",
			       s);
	if ((p->flags & NC_F_BALANCING) && p->mode != NC_MPOL_BIND &&
	    p->mode != NC_MPOL_PREFERRED_MANY)
		return nc_fail(e, "invalid policy '%s': balancing only with bind and prefer (many)",
			       s);
	return 0;
}

int policy_parse(const char *s, const struct nodeset *allowed,
		 const struct nodeset *possible, struct policy *p,
		 struct nc_err *e)
{
	char buf[NC_POLICY_MAX];
	const char *q, *nodes = NULL;
	size_t n;

	if (strlen(s) >= sizeof(buf))
		return nc_fail(e, "policy string too long");
	/* Surrounding blanks and the one trailing newline are dropped. */
	snprintf(buf, sizeof(buf), "%s", s + strspn(s, " \t"));
	rtrim(buf);
	memset(p, 0, sizeof(*p));
	q = buf;
	if (parse_mode(&q, &p->mode))
		return nc_fail(e, "invalid policy '%s': unknown mode", buf);
	if (*q == '=') {
		q++;
		if (flag_at(q) >= 0) {
			if (parse_flags(&q, &p->flags, buf, e))
				return -1;
			if (*q == ':')
				nodes = q + 1;
			else if (*q)
				return nc_fail(e, "invalid policy '%s'", buf);
		} else {
			nodes = q;	/* the seed's "interleave=2,3" */
		}
	} else if (*q == ':') {
		nodes = q + 1;
	}
	if (nodes) {
		n = strlen(nodes);
		if (!n)
			return nc_fail(e, "invalid policy '%s': empty node list",
				       buf);
		if (p->mode == NC_MPOL_DEFAULT || p->mode == NC_MPOL_LOCAL)
			return check_rules(p, true, buf, e);
		if (parse_nodes(nodes, p, allowed, possible, &p->nodes, buf, e))
			return -1;
	}
	return check_rules(p, nodes != NULL, buf, e);
}

static void format_with(const char *const *names, const struct policy *p,
			char *buf, size_t size)
{
	char nl[4096];
	size_t len;

	len = snprintf(buf, size, "%s", names[p->mode]);
	if (p->flags && len < size) {
		len += snprintf(buf + len, size - len, "=%s%s%s",
				(p->flags & NC_F_STATIC) ? "static" :
				(p->flags & NC_F_RELATIVE) ? "relative" : "",
				((p->flags & NC_F_BALANCING) &&
				 (p->flags & (NC_F_STATIC | NC_F_RELATIVE))) ?
				"|" : "",
				(p->flags & NC_F_BALANCING) ? "balancing" : "");
	}
	if (!ns_empty(&p->nodes) && len < size) {
		nodelist_format(&p->nodes, nl, sizeof(nl));
		snprintf(buf + len, size - len, ":%s", nl);
	}
}

void policy_format(const struct policy *p, char *buf, size_t size)
{
	format_with(out_names, p, buf, size);
}

void policy_format_nospace(const struct policy *p, char *buf, size_t size)
{
	format_with(nospace_names, p, buf, size);
}

int policy_normalize(const char *in, const struct nodeset *allowed,
		     const struct nodeset *possible, char *out, size_t size,
		     struct nc_err *e)
{
	struct policy p;

	if (policy_parse(in, allowed, possible, &p, e))
		return -1;
	policy_format(&p, out, size);
	return 0;
}

void policy_contextualize(const struct policy *p,
			  const struct nodeset *allowed, struct policy *out)
{
	*out = *p;
	if (p->mode == NC_MPOL_DEFAULT || p->mode == NC_MPOL_LOCAL)
		return;
	if (p->flags & NC_F_RELATIVE)
		ns_relative(&out->nodes, &p->nodes, allowed);
	else
		ns_and(&out->nodes, &p->nodes, allowed);
	if (p->mode == NC_MPOL_PREFERRED && !ns_empty(&out->nodes)) {
		int first = ns_next(&out->nodes, 0);

		ns_clear(&out->nodes);
		ns_set(&out->nodes, first);
	}
}

static bool policy_eq(const struct policy *a, const struct policy *b)
{
	return a->mode == b->mode && a->flags == b->flags &&
	       ns_equal(&a->nodes, &b->nodes);
}

bool policy_same(const char *desired, const char *current,
		 const struct nodeset *allowed)
{
	struct policy d, c, ctx;
	struct nc_err e;

	if (policy_parse(desired, NULL, NULL, &d, &e) ||
	    policy_parse(current, NULL, NULL, &c, &e))
		return false;
	if (policy_eq(&d, &c))
		return true;
	if (!allowed)
		return false;
	policy_contextualize(&d, allowed, &ctx);
	return policy_eq(&ctx, &c);
}
