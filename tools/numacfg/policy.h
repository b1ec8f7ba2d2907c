/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy strings (spec section 1): parse every accepted input form and
 * normalize to the kernel's mpol_to_str() output form, so that what numacfg
 * writes compares exactly with what the kernel prints.
 */
#ifndef NUMACFG_POLICY_H
#define NUMACFG_POLICY_H

#include <stdbool.h>

#include "nodelist.h"

enum nc_mode {
	NC_MPOL_DEFAULT,
	NC_MPOL_PREFERRED,
	NC_MPOL_BIND,
	NC_MPOL_INTERLEAVE,
	NC_MPOL_LOCAL,
	NC_MPOL_PREFERRED_MANY,
	NC_MPOL_WEIGHTED_INTERLEAVE,
};

#define NC_F_STATIC	0x1
#define NC_F_RELATIVE	0x2
#define NC_F_BALANCING	0x4

struct policy {
	enum nc_mode mode;
	unsigned int flags;
	struct nodeset nodes;
};

/* Enough for a policy string with a long node list. */
#define NC_POLICY_MAX 4200

/*
 * Parse @s.  @allowed is the set of nodes the target may use: numactl's
 * "all", "!" and "+" are translated against it and absolute nodes of
 * non-static policies must lie in it; "static" nodes must lie in
 * @possible.  With @allowed == NULL only the kernel's plain list syntax is
 * accepted and nothing is checked (used for strings read from the kernel).
 */
int policy_parse(const char *s, const struct nodeset *allowed,
		 const struct nodeset *possible, struct policy *p,
		 struct nc_err *e);

/* The kernel's output form: "bind=static|balancing:0-1". */
void policy_format(const struct policy *p, char *buf, size_t size);
/* The same without spaces in mode names ("preferred-many:0-1"). */
void policy_format_nospace(const struct policy *p, char *buf, size_t size);

/* policy_parse() + policy_format(). */
int policy_normalize(const char *in, const struct nodeset *allowed,
		     const struct nodeset *possible, char *out, size_t size,
		     struct nc_err *e);

/* What the kernel stores (and prints) for @p in a context of @allowed. */
void policy_contextualize(const struct policy *p,
			  const struct nodeset *allowed, struct policy *out);

/*
 * Does the kernel-printed @current match the normalized @desired, for a
 * target that may use @allowed?  Accepts the kernel printing either the
 * nodes as given or as contextualized (relative/static policies).
 */
bool policy_same(const char *desired, const char *current,
		 const struct nodeset *allowed);

#endif
