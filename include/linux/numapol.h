/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numapol: read and change the NUMA memory policy of a running process.
 *
 * One core serves every front end (/proc/<pid>/numa_policy, the writable
 * /proc/<pid>/numa_maps, configfs): a refcounted, parsed policy that is
 * applied in the target thread's own context through task_work.
 */
#ifndef _LINUX_NUMAPOL_H
#define _LINUX_NUMAPOL_H

#include <linux/kref.h>
#include <linux/nodemask.h>
#include <linux/types.h>

struct mm_struct;
struct task_struct;

/* Longest policy string accepted from user space. */
#define NUMAPOL_MAX_INPUT	1024
/* Enough for mpol_to_str() of any policy of this kernel. */
#define NUMAPOL_STR_SIZE	(64 + 4 * MAX_NUMNODES)

/**
 * struct numapol_policy - a parsed memory policy, not yet bound to a task
 * @kref: reference count; see numapol_policy_get() and numapol_policy_put()
 * @mode: MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, ...
 * @flags: user visible mode flags (MPOL_F_STATIC_NODES,
 *	MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING)
 * @all: the node list was "all": every memory node the target may use,
 *	resolved against the target's cpuset when the policy is applied
 * @nodes: the node list as written (empty for default and local, and
 *	when @all is set)
 * @home_node: for a range, the node set_mempolicy_home_node(2) would set,
 *	or NUMA_NO_NODE (always, for a task policy)
 *
 * A policy is immutable once parsed; share it by reference.
 */
struct numapol_policy {
	struct kref kref;
	unsigned short mode;
	unsigned short flags;
	bool all;
	nodemask_t nodes;
	int home_node;
};

/**
 * struct numapol_maps_line - one line written to /proc/<pid>/numa_maps
 * @start: start of the range
 * @end: end of the range (exclusive); 0 with @whole_vma until resolved
 * @whole_vma: the line named a VMA by its start, as numa_maps prints it
 * @pol: the policy to set (a reference), or NULL for a migration line
 * @move: with @pol, also migrate existing pages to conform
 * @from: migration: the nodes whose pages move
 * @to: migration: where they go, spread over the nodes
 * @max_pages: migration: at most this many base pages (ULONG_MAX: all)
 * @skip: set when applying the line would not change what numa_maps shows
 */
struct numapol_maps_line {
	unsigned long start, end;
	bool whole_vma;
	struct numapol_policy *pol;
	bool move;
	nodemask_t from, to;
	unsigned long max_pages;
	bool skip;
};

struct numapol_policy *numapol_parse(const char *buf, size_t len);
struct numapol_policy *numapol_policy_new(unsigned short mode,
					  unsigned short flags,
					  const nodemask_t *nodes,
					  int home_node);

#define NUMAPOL_PARSE_CACHE	8

/**
 * struct numapol_parse_cache - policies numapol_parse_maps_line() parsed
 * @pol: the policies (a reference each), NULL in unused slots
 * @text: the text each was parsed from (only texts shorter than this)
 * @next: the slot to reuse next
 *
 * A saved numa_maps repeats a few policies over many lines: each is parsed
 * once. Zero-initialise it; numapol_parse_cache_put() it when done.
 */
struct numapol_parse_cache {
	struct numapol_policy *pol[NUMAPOL_PARSE_CACHE];
	char text[NUMAPOL_PARSE_CACHE][32];
	unsigned int next;
};

int numapol_parse_maps_line(const char *line, size_t len,
			    struct numapol_maps_line *out,
			    struct numapol_parse_cache *cache);
void numapol_parse_cache_put(struct numapol_parse_cache *cache);
int numapol_format(const struct numapol_policy *pol, char *buf, size_t size);
bool numapol_policy_equal(const struct numapol_policy *a,
			  const struct numapol_policy *b);

/**
 * numapol_policy_get - take a reference on a policy
 * @pol: the policy
 *
 * Return: @pol.
 */
static inline struct numapol_policy *
numapol_policy_get(struct numapol_policy *pol)
{
	kref_get(&pol->kref);
	return pol;
}

void numapol_policy_put(struct numapol_policy *pol);

unsigned long numapol_deadline(void);
int numapol_check_access(struct task_struct *task);
int numapol_task_policy_str(struct task_struct *task, char *buf, size_t size);
int numapol_set_thread(struct task_struct *task, struct mm_struct *mm,
		       struct numapol_policy *pol);
int numapol_set_process(struct task_struct *task, struct mm_struct *mm,
			struct numapol_policy *pol);

/**
 * struct numapol_target - a process for numapol_batch_set()
 * @task: any thread of it
 * @mm: the mm access was checked for (numapol_access_mm())
 * @ret: set to the result of its change
 */
struct numapol_target {
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;
};

/*
 * How many processes numapol_batch_set() changes at once. It holds their
 * numapol_mutexes meanwhile, and lockdep tracks every held lock (at most
 * MAX_LOCK_DEPTH, 48, the caller's and what the changes take included).
 */
#define NUMAPOL_SET_BATCH	16

struct numapol_batch;
struct numapol_batch *numapol_batch_new(struct numapol_policy *pol, int max);
void numapol_batch_set(struct numapol_batch *b, struct numapol_target *t,
		       int n);
void numapol_batch_end(struct numapol_batch *b, bool undo);
struct task_struct *numapol_live_thread(struct task_struct *task);
struct mm_struct *numapol_access_mm(struct task_struct *task, bool group);
int numapol_may_migrate(struct task_struct *task, const nodemask_t *to,
			bool cap_sys_nice);
/* numapol_set_range() flags */
#define NUMAPOL_RANGE_MOVE	0x1	/* migrate the range's pages */
#define NUMAPOL_RANGE_LRU_OFF	0x2	/* the caller did lru_cache_disable() */
#define NUMAPOL_RANGE_MOVE_ALL	0x4	/* also pages others map */
#define NUMAPOL_RANGE_STRICT	0x8	/* -EIO for misplaced pages */

/**
 * struct numapol_range - an address range and the policy to give it
 * @start: start of the range, page aligned
 * @end: its end (exclusive), page aligned
 * @pol: the policy (not a reference of this structure), or NULL to
 *	remove the range's VMA policy
 * @flags: NUMAPOL_RANGE_MOVE, NUMAPOL_RANGE_MOVE_ALL, NUMAPOL_RANGE_STRICT
 * @move_to: used by the core (the nodes the range's pages belong on)
 */
struct numapol_range {
	unsigned long start, end;
	struct numapol_policy *pol;
	unsigned int flags;
	nodemask_t move_to;
};

int numapol_set_range(struct task_struct *task, struct mm_struct *mm,
		      unsigned long start, unsigned long end,
		      struct numapol_policy *pol, unsigned int flags);
int numapol_set_ranges(struct task_struct *task, struct mm_struct *mm,
		       const struct numapol_range *ranges, int n,
		       unsigned int flags);
long numapol_migrate_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end, const nodemask_t *from,
			   const nodemask_t *to, unsigned long max_pages,
			   bool move_all, unsigned long *nr_failed);

#endif /* _LINUX_NUMAPOL_H */
