/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node sets and node lists: the kernel's "0,2-5" list format, numactl's
 * syntax ("all", "!" negation, "+" relative nodes) and the masks a target
 * may use (Mems_allowed_list, has_memory).
 */
#ifndef NUMACFG_NODELIST_H
#define NUMACFG_NODELIST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define NC_MAX_NODES 1024	/* the kernel's largest MAX_NUMNODES */

struct nodeset {
	uint64_t w[NC_MAX_NODES / 64];
};

void ns_clear(struct nodeset *ns);
void ns_set(struct nodeset *ns, int node);
bool ns_test(const struct nodeset *ns, int node);
int ns_weight(const struct nodeset *ns);
bool ns_empty(const struct nodeset *ns);
bool ns_equal(const struct nodeset *a, const struct nodeset *b);
bool ns_subset(const struct nodeset *sub, const struct nodeset *of);
void ns_and(struct nodeset *dst, const struct nodeset *a,
	    const struct nodeset *b);
/* Next set node at or after @from, or -1. */
int ns_next(const struct nodeset *ns, int from);
/* The @n-th (0-based) set node, or -1. */
int ns_nth(const struct nodeset *ns, int n);
/*
 * The kernel's MPOL_F_RELATIVE_NODES mapping: node n of @rel becomes the
 * (n mod weight(@onto))-th node of @onto (nodes_fold + nodes_onto).
 */
void ns_relative(struct nodeset *dst, const struct nodeset *rel,
		 const struct nodeset *onto);

/* Parse the kernel's list format ("", "3", "0,2-5"). */
int nodelist_parse(const char *s, struct nodeset *ns, struct nc_err *e);
/* The same, also accepting the seed's braces ("{2,3}"). */
int nodelist_parse_braced(const char *s, struct nodeset *ns,
			  struct nc_err *e);
/* Format like the kernel's %*pbl ("0,2-5"; "" when empty). */
void nodelist_format(const struct nodeset *ns, char *buf, size_t size);

/*
 * Parse a numactl node list against @allowed and produce plain nodes:
 *   all         every allowed node
 *   !LIST       allowed nodes not in LIST
 *   +LIST       LIST indexes the allowed nodes (+0 = first allowed node)
 *   {LIST}      braces of the seed's syntax are accepted around a list
 * With @check, absolute nodes must be in @allowed.
 */
int nodelist_parse_numactl(const char *s, const struct nodeset *allowed,
			   bool check, struct nodeset *out, struct nc_err *e);

/* has_memory (falling back to "online") from sysfs. */
int nodes_has_memory(const struct nc_ctx *ctx, struct nodeset *ns,
		     struct nc_err *e);
/*
 * The nodes @pid may allocate from: its Mems_allowed_list intersected with
 * has_memory (what the kernel contextualizes a policy against).
 */
int nodes_allowed_pid(const struct nc_ctx *ctx, pid_t pid,
		      struct nodeset *ns, struct nc_err *e);

#endif
