// SPDX-License-Identifier: GPL-2.0
#include <sys/syscall.h>
#include <unistd.h>

#include "mm.h"

static long real_migrate_pages(pid_t pid, unsigned long maxnode,
			       const unsigned long *old_nodes,
			       const unsigned long *new_nodes)
{
	return syscall(SYS_migrate_pages, pid, maxnode, old_nodes, new_nodes);
}

static long real_move_pages(pid_t pid, unsigned long count, void **pages,
			    const int *nodes, int *status, int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status,
		       flags);
}

const struct mm_ops mm_real_ops = {
	.migrate_pages = real_migrate_pages,
	.move_pages = real_move_pages,
};
