/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration without numapol: migrate_pages(2) and move_pages(2), the
 * system calls numactl's migratepages and migspeed use.  Called through
 * ops so that the tests can replace them.
 */
#ifndef NUMACFG_MM_H
#define NUMACFG_MM_H

#include <sys/types.h>

struct mm_ops {
	/* As the system calls: return the result, or -1 with errno set. */
	long (*migrate_pages)(pid_t pid, unsigned long maxnode,
			      const unsigned long *old_nodes,
			      const unsigned long *new_nodes);
	long (*move_pages)(pid_t pid, unsigned long count, void **pages,
			   const int *nodes, int *status, int flags);
};

extern const struct mm_ops mm_real_ops;

#endif
