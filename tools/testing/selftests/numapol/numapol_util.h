/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the numapol selftests: raw NUMA syscalls (no libnuma),
 * page placement queries and small /proc helpers.
 */
#ifndef NUMAPOL_UTIL_H
#define NUMAPOL_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/mempolicy.h>

#define NP_PAGE_SIZE	((size_t)sysconf(_SC_PAGESIZE))

static inline long np_mbind(void *addr, unsigned long len, int mode,
			    const unsigned long *mask, unsigned long maxnode,
			    unsigned int flags)
{
	return syscall(__NR_mbind, addr, len, mode, mask, maxnode, flags);
}

static inline long np_set_mempolicy(int mode, const unsigned long *mask,
				    unsigned long maxnode)
{
	return syscall(__NR_set_mempolicy, mode, mask, maxnode);
}

static inline long np_get_mempolicy(int *mode, unsigned long *mask,
				    unsigned long maxnode, void *addr,
				    unsigned long flags)
{
	return syscall(__NR_get_mempolicy, mode, mask, maxnode, addr, flags);
}

static inline long np_move_pages(int pid, unsigned long count, void **pages,
				 const int *nodes, int *status, int flags)
{
	return syscall(__NR_move_pages, pid, count, pages, nodes, status, flags);
}

/* Number of online nodes, from /sys (0 when unreadable). */
static inline int np_online_nodes(void)
{
	char buf[64] = "";
	int fd = open("/sys/devices/system/node/online", O_RDONLY);
	char *end;
	long lo, hi;

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = 0;
	close(fd);
	/* "0" or "0-3": these tests want contiguous nodes. */
	lo = strtol(buf, &end, 10);
	if (end == buf)
		return 0;
	if (*end != '-')
		return 1;
	hi = strtol(end + 1, NULL, 10);
	return hi - lo + 1;
}

/*
 * Node of each page of [addr, addr + npages pages), via move_pages(2)
 * status. Returns 0, or -errno. status[i] < 0 is an unmapped page.
 */
static inline int np_page_nodes(int pid, void *addr, int npages, int *status)
{
	void **pages = calloc(npages, sizeof(void *));
	long ret;
	int i;

	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		pages[i] = (char *)addr + (size_t)i * NP_PAGE_SIZE;
	ret = np_move_pages(pid, npages, pages, NULL, status, 0);
	free(pages);
	return ret ? -errno : 0;
}

/* How many of npages pages at addr sit on node. -1 on error. */
static inline int np_count_on_node(int pid, void *addr, int npages, int node)
{
	int *status = calloc(npages, sizeof(int));
	int i, n = 0;

	if (!status || np_page_nodes(pid, addr, npages, status)) {
		free(status);
		return -1;
	}
	for (i = 0; i < npages; i++)
		n += status[i] == node;
	free(status);
	return n;
}

/*
 * Anonymous private mapping of npages pages, not yet touched, between two
 * PROT_NONE guard pages so that it is a VMA of its own.
 */
static inline void *np_map(int npages)
{
	size_t len = (size_t)(npages + 2) * NP_PAGE_SIZE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, NP_PAGE_SIZE, PROT_NONE) ||
	    mprotect(p + len - NP_PAGE_SIZE, NP_PAGE_SIZE, PROT_NONE))
		return NULL;
	return p + NP_PAGE_SIZE;
}

/* Fault in every page of the mapping. */
static inline void np_touch(void *addr, int npages)
{
	char *p = addr;
	int i;

	for (i = 0; i < npages; i++)
		p[(size_t)i * NP_PAGE_SIZE] = 1;
}

/* Read a small file into buf (NUL-terminated). Returns length or -errno. */
static inline int np_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	buf[n] = 0;
	close(fd);
	return n;
}

/*
 * Write a string to a file in one write(2), and close it. Returns 0 or
 * -errno: of the write, else of close(2) (a numa_maps line still pending
 * is applied, or refused, there).
 */
static inline int np_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(s))
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* The node count the VM was booted with (tests/vm/run writes it). */
static inline int np_vm_nodes(void)
{
	char buf[32];

	if (np_read_file("/etc/numapol-vm-nodes", buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

#endif /* NUMAPOL_UTIL_H */
