/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc access: numa_policy files (spec section 2), numa_maps reads and
 * writes (section 3), /proc/<pid>/maps, and the mapping names numacfg
 * accepts (heap, stack, file:PATH, ADDR, ADDR-END).
 */
#ifndef NUMACFG_PROCFS_H
#define NUMACFG_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nodelist.h"

enum map_kind { MAP_HEAP, MAP_STACK, MAP_FILE, MAP_ADDR, MAP_RANGE };

struct mapping_spec {
	enum map_kind kind;
	char *path;		/* MAP_FILE */
	uint64_t start, end;	/* MAP_ADDR (start only), MAP_RANGE */
};

int mapping_parse(const char *s, struct mapping_spec *m, struct nc_err *e);
void mapping_spec_free(struct mapping_spec *m);

struct addr_range {
	uint64_t start, end;	/* [start, end) */
};

struct maps_vma {
	uint64_t start, end;
	char *path;		/* "" for anonymous mappings */
};

int maps_read(const struct nc_ctx *ctx, pid_t pid, struct maps_vma **v,
	      size_t *n, struct nc_err *e);
void maps_free(struct maps_vma *v, size_t n);

/*
 * Resolve @m for @pid into address ranges: heap/stack one range, file:PATH
 * one range per contiguous run of its VMAs, ADDR the VMA starting there,
 * ADDR-END itself.
 */
int mapping_resolve(const struct nc_ctx *ctx, pid_t pid,
		    const struct mapping_spec *m, struct addr_range **r,
		    size_t *n, struct nc_err *e);

struct node_pages {
	int node;
	uint64_t pages;
};

/* One line of /proc/<pid>/numa_maps. */
struct nm_vma {
	uint64_t start;
	uint64_t pagesize;	/* kernelpagesize_kB in bytes */
	char *policy;
	char *name;		/* "heap", "stack", the file; NULL: anon */
	struct node_pages *np;
	size_t nnp;
};

int numa_maps_parse_line(const char *line, struct nm_vma *v);
int numa_maps_read(const struct nc_ctx *ctx, pid_t pid, struct nm_vma **v,
		   size_t *n, struct nc_err *e);
void numa_maps_free(struct nm_vma *v, size_t n);
/*
 * Add the pages per node of VMAs starting in [start, end) to @counts, or
 * with @bytes their size (pages times each VMA's kernelpagesize_kB).
 */
void numa_maps_sum(const struct nm_vma *v, size_t n, uint64_t start,
		   uint64_t end, bool bytes, uint64_t counts[NC_MAX_NODES]);

/*
 * Is numapol in this kernel?  Looks for /proc/PID/numa_policy (PID 0:
 * /proc/self).  Fails with ESRCH if the process does not exist, and with
 * the one message for a kernel without numapol (err_no ENOSYS).
 */
int numapol_check(const struct nc_ctx *ctx, pid_t pid, struct nc_err *e);
/* Fill @e with that message. */
int numapol_missing(struct nc_err *e);

/* @tid == 0: the process file /proc/<pid>/numa_policy. */
int proc_policy_read(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		     char *buf, size_t size, struct nc_err *e);
int proc_policy_write(const struct nc_ctx *ctx, pid_t pid, pid_t tid,
		      const char *policy, struct nc_err *e);
int proc_numa_maps_write(const struct nc_ctx *ctx, pid_t pid,
			 const char *text, struct nc_err *e);
int proc_tids(const struct nc_ctx *ctx, pid_t pid, pid_t **tids, size_t *n,
	      struct nc_err *e);
/* comm of a process or thread (@tid 0: the process); "" if gone. */
void proc_comm(const struct nc_ctx *ctx, pid_t pid, pid_t tid, char *buf,
	       size_t size);
bool proc_exists(const struct nc_ctx *ctx, pid_t pid);

#endif
