// SPDX-License-Identifier: GPL-2.0
/*
 * process_set_mempolicy(2), process_get_mempolicy(2) and process_mbind(2):
 * the memory policy of another process, named by a pidfd. Every test checks
 * the effect in the target: the policy each of its threads sees itself
 * (get_mempolicy(2), asked of the thread), what /proc/<pid>/numa_policy and
 * /proc/<pid>/numa_maps read, and where its pages land (move_pages(2)).
 */
#include "../kselftest_harness.h"
#include "target.h"

#include <stdint.h>
#include <time.h>
#include <linux/types.h>

/* The installed headers may not have these yet (numbers: x86_64). */
#ifndef __NR_pidfd_open
#define __NR_pidfd_open			434
#endif
#ifndef __NR_clone3
#define __NR_clone3			435
#endif
#ifndef __NR_process_set_mempolicy
#define __NR_process_set_mempolicy	463
#endif
#ifndef __NR_process_get_mempolicy
#define __NR_process_get_mempolicy	464
#endif
#ifndef __NR_process_mbind
#define __NR_process_mbind		465
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD			O_EXCL
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING		0x2000
#endif

#ifndef MPOL_ARGS_SIZE_VER0
struct mpol_args {
	__u16 mode;
	__u16 mode_flags;
	__s32 home_node;
	__aligned_u64 pol_maxnodes;
	__aligned_u64 pol_nodes;
};

#define MPOL_ARGS_SIZE_VER0	24
#endif

#define PG(n)		((unsigned long)(n) * NP_PAGE_SIZE)
#define STATIC		MPOL_F_STATIC_NODES
#define RELATIVE	MPOL_F_RELATIVE_NODES
#define BALANCING	MPOL_F_NUMA_BALANCING
#define NO_NODE		(-1)

/* ---- the system calls ---------------------------------------------------- */

static int np_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

/* The three calls: 0 or -errno. */
static int pset(int pidfd, const void *args, size_t size, unsigned int flags)
{
	long ret = syscall(__NR_process_set_mempolicy, pidfd, args, size,
			   flags);

	return ret < 0 ? -errno : (int)ret;
}

static int pget(int pidfd, void *args, size_t size, unsigned long addr,
		unsigned int flags)
{
	long ret = syscall(__NR_process_get_mempolicy, pidfd, args, size, addr,
			   flags);

	return ret < 0 ? -errno : (int)ret;
}

static int pmbind(int pidfd, unsigned long start, unsigned long len,
		  const void *args, size_t size, unsigned int flags)
{
	long ret = syscall(__NR_process_mbind, pidfd, start, len, args, size,
			   flags);

	return ret < 0 ? -errno : (int)ret;
}

/* Arguments for mode and mode flags over the nodes of *mask (64 bits). */
static struct mpol_args *args_of(struct mpol_args *a, int mode, int flags,
				 __u64 *mask)
{
	memset(a, 0, sizeof(*a));
	a->mode = mode;
	a->mode_flags = flags;
	a->home_node = NO_NODE;
	a->pol_maxnodes = mask ? 64 : 0;
	a->pol_nodes = (uintptr_t)mask;
	return a;
}

/* Set the task policy of pidfd to mode|flags over the nodes of mask. */
static int set_to(int pidfd, int mode, int flags, __u64 mask)
{
	struct mpol_args a;

	return pset(pidfd, args_of(&a, mode, flags, &mask), sizeof(a), 0);
}

/* process_mbind() of [start, start + len) with mode over mask. */
static int mbind_to(int pidfd, unsigned long start, unsigned long len,
		    int mode, __u64 mask, unsigned int flags)
{
	struct mpol_args a;

	return pmbind(pidfd, start, len, args_of(&a, mode, 0, &mask),
		      sizeof(a), flags);
}

/*
 * process_get_mempolicy() into *a, with the nodes in *mask (64 bits, set
 * to a pattern first, so that a mask left unwritten shows): 0 or -errno.
 */
static int get_of(int pidfd, unsigned long addr, unsigned int flags,
		  struct mpol_args *a, __u64 *mask)
{
	*mask = 0xdeadbeefUL;
	memset(a, 0xa5, sizeof(*a));
	a->pol_maxnodes = 64;
	a->pol_nodes = (uintptr_t)mask;
	return pget(pidfd, a, sizeof(*a), addr, flags);
}

/*
 * Why these tests cannot run here, or NULL: fewer than 4 nodes, or no
 * numapol system calls. (On a kernel without them, their numbers may
 * belong to other calls: only process_get_mempolicy() reads a policy,
 * home_node included, back into its argument.)
 */
static const char *not_ready(void)
{
	struct mpol_args a = { .mode = 0xffff, .home_node = 12345 };
	static char why[256];
	int pidfd, ret;

	if (np_online_nodes() < 4)
		return "needs 4 NUMA nodes (tests/vm/run --nodes 4)";
	pidfd = np_pidfd_open(getpid(), 0);
	if (pidfd < 0)
		return "no pidfd_open(2)";
	ret = pget(pidfd, &a, sizeof(a), 0, 0);
	close(pidfd);
	if (!ret && a.home_node == NO_NODE && a.mode != 0xffff)
		return NULL;
	snprintf(why, sizeof(why),
		 "no process_get_mempolicy(2) (system call %d: %s): a kernel without the numapol pidfd system calls",
		 __NR_process_get_mempolicy,
		 ret ? strerror(-ret) : "not numapol's");
	return why;
}

/* ---- policies as text ---------------------------------------------------- */

static const char *mode_name(int mode)
{
	static const char * const name[] = {
		[MPOL_DEFAULT] = "default",
		[MPOL_PREFERRED] = "prefer",
		[MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave",
		[MPOL_LOCAL] = "local",
		[MPOL_PREFERRED_MANY] = "prefer (many)",
		[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	};

	if (mode < 0 || mode >= (int)ARRAY_SIZE(name) || !name[mode])
		return "?";
	return name[mode];
}

/* A node mask as a list: "0-1,3". */
static void node_list(__u64 mask, char *buf, size_t size)
{
	int i = 0, j, n = 0;

	buf[0] = 0;
	while (i < 64) {
		if (!(mask & (1ULL << i))) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 64 && (mask & (1ULL << (j + 1))); j++)
			;
		if (j == i)
			n += snprintf(buf + n, size - n, "%s%d", n ? "," : "", i);
		else
			n += snprintf(buf + n, size - n, "%s%d-%d", n ? "," : "",
				      i, j);
		i = j + 1;
	}
}

/*
 * A policy as numa_maps and numa_policy show it (mpol_to_str()): mode,
 * "=static", "=relative", "|balancing", ":nodes".
 */
static const char *pol_str(int mode, int flags, __u64 mask, char *buf,
			   size_t size)
{
	char nodes[256];
	int n;

	n = snprintf(buf, size, "%s", mode_name(mode));
	if (flags) {
		n += snprintf(buf + n, size - n, "=%s",
			      flags & STATIC ? "static" :
			      flags & RELATIVE ? "relative" : "");
		if (flags & BALANCING)
			n += snprintf(buf + n, size - n, "%sbalancing",
				      flags & (STATIC | RELATIVE) ? "|" : "");
	}
	node_list(mask, nodes, sizeof(nodes));
	if (nodes[0])
		snprintf(buf + n, size - n, ":%s", nodes);
	return buf;
}

/* What process_get_mempolicy() gave, as text. */
static const char *args_str(const struct mpol_args *a, __u64 mask, char *buf,
			    size_t size)
{
	return pol_str(a->mode, a->mode_flags, mask, buf, size);
}

/* ---- the target, asked ----------------------------------------------------- */

/*
 * How many threads of t, asked themselves (get_mempolicy(2)), do not see
 * mode (with its mode flags) and mask. An exited main thread is skipped.
 */
static int mt_threads_not(struct mt_target *t, int mode, unsigned long mask,
			  struct __test_metadata *_metadata)
{
	int i, bad = 0;

	for (i = 0; i < t->n; i++) {
		unsigned long k;
		int m;

		if (t->tid[i] == t->pid &&
		    np_thread_state(t->pid, t->pid) == 'Z')
			continue;
		if (mt_policy(t, i, 'P', &m, &k)) {
			TH_LOG("thread %d (%d) does not answer", i, t->tid[i]);
			bad++;
		} else if (m != mode || k != mask) {
			TH_LOG("thread %d (%d) sees mode %#x mask %#lx, want mode %#x mask %#lx",
			       i, t->tid[i], m, k, mode, mask);
			bad++;
		}
	}
	return bad;
}

/*
 * The policy at the start of a numa_maps line (after the address): its
 * first token, or two for "prefer (many)..." and "weighted interleave...".
 */
static const char *line_policy(const char *rest, char *buf, size_t size)
{
	size_t n = strcspn(rest, "\n ");

	if ((n == 6 && !strncmp(rest, "prefer", 6)) ||
	    (n == 8 && !strncmp(rest, "weighted", 8)))
		n += 1 + strcspn(rest + n + 1, "\n ");
	if (n >= size)
		n = size - 1;
	memcpy(buf, rest, n);
	buf[n] = 0;
	return buf;
}

/* The policy numa_maps shows for the VMA that holds addr. */
static const char *maps_policy(pid_t pid, unsigned long addr, char *buf,
			       size_t size)
{
	char line[1024];

	return line_policy(np_maps_line_at(pid, addr, line, sizeof(line)), buf,
			   size);
}

/* Does the numa_maps line of addr's VMA hold the token tok? */
static bool maps_has(pid_t pid, unsigned long addr, const char *tok)
{
	char line[1024], *t, *save;

	np_maps_line_at(pid, addr, line, sizeof(line));
	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!strcmp(t, tok))
			return true;
	return false;
}

/*
 * The VMAs of pid whose start lies in [base, base + NPAGES pages], as
 * "<page offset from base> <policy>" lines: the region's layout, to
 * compare between two targets.
 */
static const char *region_vmas(pid_t pid, unsigned long base, char *out,
			       size_t size)
{
	static char all[1 << 16];
	unsigned long start;
	char *p, *eol, *sp, pol[128];
	int n = 0;

	out[0] = 0;
	if (np_read_maps(pid, all, sizeof(all)) <= 0)
		return out;
	for (p = all; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (!eol)
			break;
		*eol = 0;
		start = strtoul(p, &sp, 16);
		if (*sp != ' ' || start < base || start > base + PG(NPAGES))
			continue;
		line_policy(sp + 1, pol, sizeof(pol));
		n += snprintf(out + n, size - n, "%lu %s\n",
			      (start - base) / NP_PAGE_SIZE, pol);
	}
	return out;
}

/* Does [addr, addr + len) overlap no mapping of pid (/proc/<pid>/maps)? */
static bool unmapped_in(pid_t pid, unsigned long addr, unsigned long len)
{
	static char all[1 << 16];
	unsigned long lo, hi;
	char path[64], *p, *eol;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if (np_read_file(path, all, sizeof(all)) <= 0)
		return false;
	for (p = all; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (!eol)
			break;
		if (sscanf(p, "%lx-%lx", &lo, &hi) == 2 && lo < addr + len &&
		    addr < hi)
			return false;
	}
	return true;
}

/* The number of possible nodes (/sys/devices/system/node/possible). */
static int possible_nodes(void)
{
	char buf[64];
	char *dash;

	if (np_read_file("/sys/devices/system/node/possible", buf,
			 sizeof(buf)) <= 0)
		return -1;
	dash = strrchr(buf, '-');
	return (dash ? atoi(dash + 1) : atoi(buf)) + 1;
}

/* ---- every mode and flag ---------------------------------------------------- */

/*
 * A policy given to process_set_mempolicy(): mode, flags and the nodes in;
 * what get_mempolicy(2) in the target then reports (mode with its flags,
 * nodes) and what numa_policy reads.
 */
struct pcase {
	int mode, flags;
	__u64 in;
	int got_mode;
	__u64 got;
	const char *str;
};

static const struct pcase cases[] = {
	{ MPOL_BIND, 0, 0xd, MPOL_BIND, 0xd, "bind:0,2-3" },
	{ MPOL_PREFERRED, 0, 0x4, MPOL_PREFERRED, 0x4, "prefer:2" },
	/* Several nodes: the first, as set_mempolicy(2) takes it. */
	{ MPOL_PREFERRED, 0, 0x6, MPOL_PREFERRED, 0x2, "prefer:1" },
	/* No nodes: local allocation, as set_mempolicy(2). */
	{ MPOL_PREFERRED, 0, 0, MPOL_LOCAL, 0, "local" },
	{ MPOL_INTERLEAVE, 0, 0xe, MPOL_INTERLEAVE, 0xe, "interleave:1-3" },
	{ MPOL_PREFERRED_MANY, 0, 0x3, MPOL_PREFERRED_MANY, 0x3,
	  "prefer (many):0-1" },
	{ MPOL_WEIGHTED_INTERLEAVE, 0, 0xf, MPOL_WEIGHTED_INTERLEAVE, 0xf,
	  "weighted interleave:0-3" },
	{ MPOL_BIND, STATIC, 0x5, MPOL_BIND | STATIC, 0x5, "bind=static:0,2" },
	{ MPOL_INTERLEAVE, RELATIVE, 0x3, MPOL_INTERLEAVE | RELATIVE, 0x3,
	  "interleave=relative:0-1" },
	{ MPOL_PREFERRED, STATIC, 0x8, MPOL_PREFERRED | STATIC, 0x8,
	  "prefer=static:3" },
	{ MPOL_PREFERRED, RELATIVE, 0x2, MPOL_PREFERRED | RELATIVE, 0x2,
	  "prefer=relative:1" },
	{ MPOL_WEIGHTED_INTERLEAVE, STATIC, 0xa,
	  MPOL_WEIGHTED_INTERLEAVE | STATIC, 0xa,
	  "weighted interleave=static:1,3" },
	{ MPOL_PREFERRED_MANY, RELATIVE, 0x6, MPOL_PREFERRED_MANY | RELATIVE,
	  0x6, "prefer (many)=relative:1-2" },
	{ MPOL_BIND, BALANCING, 0x6, MPOL_BIND | BALANCING, 0x6,
	  "bind=balancing:1-2" },
	{ MPOL_PREFERRED_MANY, BALANCING, 0xc, MPOL_PREFERRED_MANY | BALANCING,
	  0xc, "prefer (many)=balancing:2-3" },
	{ MPOL_BIND, STATIC | BALANCING, 0x3, MPOL_BIND | STATIC | BALANCING,
	  0x3, "bind=static|balancing:0-1" },
	{ MPOL_BIND, RELATIVE | BALANCING, 0xc,
	  MPOL_BIND | RELATIVE | BALANCING, 0xc, "bind=relative|balancing:2-3" },
	{ MPOL_LOCAL, 0, 0, MPOL_LOCAL, 0, "local" },
	{ MPOL_DEFAULT, 0, 0, MPOL_DEFAULT, 0, "default" },
};

/*
 * Does process_get_mempolicy() through pidfd report what the case wants
 * (the task policy)? Logs what it got otherwise.
 */
static bool get_is(int pidfd, const struct pcase *c,
		   struct __test_metadata *_metadata)
{
	struct mpol_args a;
	char buf[256];
	__u64 mask;
	int ret = get_of(pidfd, 0, 0, &a, &mask);

	if (ret) {
		TH_LOG("process_get_mempolicy: %s", strerror(-ret));
		return false;
	}
	if ((a.mode | a.mode_flags) == c->got_mode && mask == c->got &&
	    a.home_node == NO_NODE && !strcmp(c->str, args_str(&a, mask, buf,
							      sizeof(buf))))
		return true;
	TH_LOG("process_get_mempolicy: mode %u flags %#x nodes %#llx home %d (\"%s\"), want \"%s\"",
	       a.mode, a.mode_flags, (unsigned long long)mask, a.home_node,
	       args_str(&a, mask, buf, sizeof(buf)), c->str);
	return false;
}

/* A target of four threads, each answering for itself, and its pidfd. */
FIXTURE(sc) {
	struct mt_target t;
	int pidfd;
};

FIXTURE_SETUP(sc)
{
	const char *why;

	self->pidfd = -1;
	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, mt_start(&self->t, 4));
	self->pidfd = np_pidfd_open(self->t.pid, 0);
	ASSERT_LE(0, self->pidfd);
}

FIXTURE_TEARDOWN(sc)
{
	if (self->pidfd >= 0)
		close(self->pidfd);
	mt_stop(&self->t);
}

/*
 * Every mode and mode flag: each thread sees it (get_mempolicy(2)), each
 * thread's numa_policy reads it, process_get_mempolicy() reports it.
 */
TEST_F(sc, set_every_mode_and_flag)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct pcase *c = &cases[i];

		ASSERT_EQ(0, set_to(self->pidfd, c->mode, c->flags, c->in))
			TH_LOG("%s", c->str);
		ASSERT_EQ(0, mt_threads_not(&self->t, c->got_mode, c->got,
					    _metadata)) TH_LOG("%s", c->str);
		ASSERT_EQ(0, np_files_not(self->t.pid, c->str));
		ASSERT_TRUE(get_is(self->pidfd, c, _metadata));
	}
}

/*
 * Policies written through /proc/<pid>/numa_policy: process_get_mempolicy()
 * reports what the target's own get_mempolicy(2) does, and, as text, what
 * the file reads.
 */
TEST_F(sc, get_agrees_with_numa_policy_file)
{
	char buf[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct pcase *c = &cases[i];

		ASSERT_EQ(0, set_policy(self->t.pid, 0, c->str))
			TH_LOG("%s", c->str);
		ASSERT_STREQ(c->str, get_policy(self->t.pid, 0, buf,
						sizeof(buf)));
		ASSERT_EQ(0, mt_threads_not(&self->t, c->got_mode, c->got,
					    _metadata)) TH_LOG("%s", c->str);
		ASSERT_TRUE(get_is(self->pidfd, c, _metadata));
	}
}

/* New pages land where the policy set through the pidfd says. */
TEST_F(sc, bind_places_new_pages)
{
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 1 << 3));
	ASSERT_EQ(0, mt_do(&self->t, 2, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 3));
}

TEST_F(sc, interleave_spreads_new_pages)
{
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_INTERLEAVE, 0, 0x6));
	ASSERT_EQ(0, mt_do(&self->t, 1, 'T'));
	ASSERT_EQ(NPAGES / 2, np_count_on_node(self->t.pid, self->t.region,
					       NPAGES, 1));
	ASSERT_EQ(NPAGES / 2, np_count_on_node(self->t.pid, self->t.region,
					       NPAGES, 2));
}

/* Policies set_mempolicy(2) refuses: EINVAL, and nothing changes. */
TEST_F(sc, invalid_policies_change_nothing)
{
	static const struct { int mode, flags; __u64 nodes; } bad[] = {
		{ MPOL_DEFAULT, 0, 0x1 },
		{ MPOL_LOCAL, 0, 0x1 },
		{ MPOL_LOCAL, STATIC, 0 },
		{ MPOL_BIND, 0, 0 },
		{ MPOL_INTERLEAVE, 0, 0 },
		{ MPOL_PREFERRED_MANY, 0, 0 },
		{ MPOL_WEIGHTED_INTERLEAVE, 0, 0 },
		{ MPOL_PREFERRED, STATIC, 0 },
		{ MPOL_PREFERRED, RELATIVE, 0x3 },
		{ MPOL_BIND, STATIC | RELATIVE, 0x3 },
		{ MPOL_INTERLEAVE, BALANCING, 0x3 },
		{ MPOL_PREFERRED, BALANCING, 0x1 },
		{ MPOL_BIND, 1 << 12, 0x1 },
		{ MPOL_MAX, 0, 0x1 },
		{ 0xffff, 0, 0x1 },
	};
	struct mpol_args a;
	__u64 mask = 0x2;
	unsigned int i;

	ASSERT_EQ(0, set_to(self->pidfd, MPOL_PREFERRED, 0, 0x2));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(-EINVAL, set_to(self->pidfd, bad[i].mode,
					  bad[i].flags, bad[i].nodes))
			TH_LOG("mode %d flags %#x nodes %#llx", bad[i].mode,
			       bad[i].flags, (unsigned long long)bad[i].nodes);
	}
	/* A home node is for process_mbind() only. */
	args_of(&a, MPOL_BIND, 0, &mask)->home_node = 1;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:1"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 0x2, _metadata));
}

/*
 * A process pidfd changes every thread; a PIDFD_THREAD pidfd that thread
 * alone (the main thread's too), and reads that thread's policy.
 */
TEST_F(sc, process_and_thread_pidfd)
{
	struct mt_target *t = &self->t;
	struct mpol_args a;
	unsigned long mask;
	int i, mode, tfd, mfd;
	char buf[256];
	__u64 nodes;

	tfd = np_pidfd_open(t->tid[2], PIDFD_THREAD);
	ASSERT_LE(0, tfd);
	mfd = np_pidfd_open(t->pid, PIDFD_THREAD);
	ASSERT_LE(0, mfd);

	ASSERT_EQ(0, set_to(tfd, MPOL_BIND, 0, 0x4));
	for (i = 0; i < t->n; i++) {
		ASSERT_EQ(0, mt_policy(t, i, 'P', &mode, &mask));
		ASSERT_EQ(i == 2 ? MPOL_BIND : MPOL_DEFAULT, mode)
			TH_LOG("thread %d", t->tid[i]);
		ASSERT_EQ(i == 2 ? 0x4UL : 0, mask);
		ASSERT_STREQ(i == 2 ? "bind:2" : "default",
			     get_policy(t->pid, t->tid[i], buf, sizeof(buf)));
	}
	ASSERT_EQ(0, get_of(tfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(0x4, nodes);
	/* The process pidfd reads the main thread's. */
	ASSERT_EQ(0, get_of(self->pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_EQ(0, nodes);

	/* The main thread's PIDFD_THREAD pidfd: the main thread only. */
	ASSERT_EQ(0, set_to(mfd, MPOL_PREFERRED, 0, 0x8));
	for (i = 0; i < t->n; i++) {
		ASSERT_EQ(0, mt_policy(t, i, 'P', &mode, &mask));
		ASSERT_EQ(i == 0 ? MPOL_PREFERRED :
			  i == 2 ? MPOL_BIND : MPOL_DEFAULT, mode)
			TH_LOG("thread %d", t->tid[i]);
	}
	ASSERT_STREQ("prefer:3", get_policy(t->pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, get_of(self->pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_PREFERRED, a.mode);
	ASSERT_EQ(0x8, nodes);

	/* The process pidfd: every thread. */
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_INTERLEAVE, 0, 0x3));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_INTERLEAVE, 0x3, _metadata));
	ASSERT_EQ(0, np_files_not(t->pid, "interleave:0-1"));
	ASSERT_EQ(0, get_of(tfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_INTERLEAVE, a.mode);
	ASSERT_EQ(0x3, nodes);
	close(tfd);
	close(mfd);
}

/* The PIDFD_THREAD pidfd of a thread that has exited: ESRCH. */
TEST_F(sc, exited_thread_esrch)
{
	struct mt_target *t = &self->t;
	char path[64];
	struct mpol_args a;
	__u64 nodes;
	int i, tfd;

	tfd = np_pidfd_open(t->tid[3], PIDFD_THREAD);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, mt_do(t, 3, 'E'));
	snprintf(path, sizeof(path), "/proc/%d/task/%d", t->pid, t->tid[3]);
	for (i = 0; i < 1000 && !access(path, F_OK); i++)
		usleep(5000);
	ASSERT_NE(0, access(path, F_OK));
	t->n = 3;
	ASSERT_EQ(-ESRCH, set_to(tfd, MPOL_BIND, 0, 0x2));
	ASSERT_EQ(-ESRCH, get_of(tfd, 0, 0, &a, &nodes));
	ASSERT_EQ(-ESRCH, mbind_to(tfd, (unsigned long)t->region, PG(1),
				   MPOL_BIND, 0x2, 0));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_DEFAULT, 0, _metadata));
	close(tfd);
}

/*
 * The main thread has exited, the others run: the process pidfd still
 * stands for the process (its live threads).
 */
TEST_F(sc, main_thread_exited)
{
	struct mt_target *t = &self->t;
	struct mpol_args a;
	char buf[256];
	__u64 nodes;
	int mfd;

	mfd = np_pidfd_open(t->pid, PIDFD_THREAD);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, mt_exit_main(t));
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x6));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 0x6, _metadata));
	ASSERT_STREQ("bind:1-2", get_policy(t->pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, get_of(self->pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(0x6, nodes);
	ASSERT_EQ(0, mt_do(t, 1, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->tid[1], t->region, NPAGES, 1) +
			  np_count_on_node(t->tid[1], t->region, NPAGES, 2));
	/* The exited main thread itself (a zombie until the process ends). */
	EXPECT_EQ(-ESRCH, set_to(mfd, MPOL_BIND, 0, 0x1));
	EXPECT_EQ(-ESRCH, get_of(mfd, 0, 0, &a, &nodes))
		TH_LOG("got mode %u: an exited thread's policy is read", a.mode);
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 0x6, _metadata));
	close(mfd);
}

/*
 * MPOL_F_ADDR: the policy of the VMA at an address, whichever front end
 * wrote it (a numa_maps line, process_mbind()), as the target's own
 * get_mempolicy(2, MPOL_F_ADDR) and numa_maps report it.
 */
TEST_F(sc, vma_policy_agrees_with_numa_maps)
{
	static const struct {
		const char *line;	/* after "<start> " */
		int mode, flags;
		__u64 nodes;
		const char *shown;
	} w[] = {
		{ "bind:2", MPOL_BIND, 0, 0x4, "bind:2" },
		{ "interleave=static:1-3", MPOL_INTERLEAVE, STATIC, 0xe,
		  "interleave=static:1-3" },
		{ "prefer=1", MPOL_PREFERRED, 0, 0x2, "prefer:1" },
		{ "weighted-interleave:0-3", MPOL_WEIGHTED_INTERLEAVE, 0, 0xf,
		  "weighted interleave:0-3" },
		{ "bind=relative|balancing:0-1", MPOL_BIND,
		  RELATIVE | BALANCING, 0x3, "bind=relative|balancing:0-1" },
		{ "local", MPOL_LOCAL, 0, 0, "local" },
	};
	struct mt_target *t = &self->t;
	unsigned long a0 = (unsigned long)t->region, k;
	char path[64], line[128], buf[256], mbuf[256];
	struct mpol_args a;
	unsigned int i;
	__u64 nodes;
	int mode;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", t->pid);
	/* No VMA policy: MPOL_DEFAULT (numa_maps shows the task's). */
	ASSERT_EQ(0, get_of(self->pidfd, a0, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_EQ(0, nodes);
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(0, get_of(self->pidfd, a0, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_STREQ("bind:0", maps_policy(t->pid, a0, buf, sizeof(buf)));

	for (i = 0; i < ARRAY_SIZE(w); i++) {
		snprintf(line, sizeof(line), "%lx %s\n", a0, w[i].line);
		ASSERT_EQ(0, np_write_file(path, line)) TH_LOG("%s", line);
		ASSERT_STREQ(w[i].shown, maps_policy(t->pid, a0, buf,
						     sizeof(buf)));
		/* Anywhere in the VMA. */
		ASSERT_EQ(0, get_of(self->pidfd, a0 + PG(NPAGES - 1),
				    MPOL_F_ADDR, &a, &nodes));
		ASSERT_EQ(w[i].mode, a.mode) TH_LOG("%s", w[i].line);
		ASSERT_EQ(w[i].flags, a.mode_flags);
		ASSERT_EQ(w[i].nodes, nodes);
		ASSERT_EQ(NO_NODE, a.home_node);
		ASSERT_STREQ(w[i].shown, args_str(&a, nodes, mbuf,
						  sizeof(mbuf)));
		ASSERT_EQ(0, mt_policy(t, 2, 'A', &mode, &k));
		ASSERT_EQ(w[i].mode | w[i].flags, mode);
		ASSERT_EQ(w[i].nodes, k);
		/* The task policy is another thing. */
		ASSERT_EQ(0, get_of(self->pidfd, 0, 0, &a, &nodes));
		ASSERT_EQ(MPOL_BIND, a.mode);
		ASSERT_EQ(0x1, nodes);
	}

	/* Written by process_mbind(): the same three agree. */
	ASSERT_EQ(0, mbind_to(self->pidfd, a0, PG(NPAGES),
			      MPOL_PREFERRED_MANY, 0x6, 0));
	ASSERT_STREQ("prefer (many):1-2", maps_policy(t->pid, a0, buf,
						      sizeof(buf)));
	ASSERT_EQ(0, get_of(self->pidfd, a0, MPOL_F_ADDR, &a, &nodes));
	ASSERT_STREQ("prefer (many):1-2", args_str(&a, nodes, mbuf,
						   sizeof(mbuf)));
	ASSERT_EQ(0, mt_policy(t, 1, 'A', &mode, &k));
	ASSERT_EQ(MPOL_PREFERRED_MANY, mode);
	ASSERT_EQ(0x6UL, k);

	/* "default" removes the VMA policy. */
	snprintf(line, sizeof(line), "%lx default\n", a0);
	ASSERT_EQ(0, np_write_file(path, line));
	ASSERT_EQ(0, get_of(self->pidfd, a0, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_EQ(0, nodes);
	ASSERT_EQ(0, mt_policy(t, 0, 'A', &mode, &k));
	ASSERT_EQ(MPOL_DEFAULT, mode);
	ASSERT_STREQ("bind:0", maps_policy(t->pid, a0, buf, sizeof(buf)));

	/* No mapping there: EFAULT. */
	ASSERT_EQ(-EFAULT, get_of(self->pidfd, 0, MPOL_F_ADDR, &a, &nodes));
}

/* struct mpol_args grows by size, as clone3(2)'s does. */
TEST_F(sc, args_size)
{
	size_t page = NP_PAGE_SIZE;
	char *buf = calloc(1, page + 64);
	struct mpol_args *a = (struct mpol_args *)buf;
	unsigned long a0 = (unsigned long)self->t.region;
	__u64 mask = 0x4, got;
	char s[256];
	size_t i;

	ASSERT_NE(NULL, buf);
	args_of(a, MPOL_PREFERRED, 0, &mask);
	ASSERT_EQ(MPOL_ARGS_SIZE_VER0, sizeof(struct mpol_args));
	ASSERT_EQ(-EINVAL, pset(self->pidfd, a, 0, 0));
	ASSERT_EQ(-EINVAL, pset(self->pidfd, a, 8, 0));
	ASSERT_EQ(-EINVAL, pset(self->pidfd, a, MPOL_ARGS_SIZE_VER0 - 1, 0));
	/* A larger struct with a non-zero tail: E2BIG. */
	buf[31] = 1;
	ASSERT_EQ(-E2BIG, pset(self->pidfd, a, 32, 0));
	buf[31] = 0;
	buf[page - 1] = 1;
	ASSERT_EQ(-E2BIG, pset(self->pidfd, a, page, 0));
	buf[page - 1] = 0;
	/* More than a page, even zeroed: E2BIG. */
	ASSERT_EQ(-E2BIG, pset(self->pidfd, a, page + 8, 0));
	ASSERT_EQ(0, np_files_not(self->t.pid, "default"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_DEFAULT, 0, _metadata));

	/* Zero tails: accepted, up to a page. */
	ASSERT_EQ(0, pset(self->pidfd, a, MPOL_ARGS_SIZE_VER0, 0));
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:2"));
	mask = 0x8;
	ASSERT_EQ(0, pset(self->pidfd, a, 32, 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 0x8, _metadata));
	mask = 0x2;
	ASSERT_EQ(0, pset(self->pidfd, a, page, 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 0x2, _metadata));

	/* process_get_mempolicy(): the same rules; the tail is not written. */
	memset(buf, 0, page + 64);
	a->pol_maxnodes = 64;
	a->pol_nodes = (uintptr_t)&got;
	ASSERT_EQ(-EINVAL, pget(self->pidfd, a, 16, 0, 0));
	buf[40] = 1;
	ASSERT_EQ(-E2BIG, pget(self->pidfd, a, 48, 0, 0));
	buf[40] = 0;
	ASSERT_EQ(-E2BIG, pget(self->pidfd, a, page + 8, 0, 0));
	got = 0;
	ASSERT_EQ(0, pget(self->pidfd, a, 48, 0, 0));
	ASSERT_STREQ("prefer:1", args_str(a, got, s, sizeof(s)));
	for (i = MPOL_ARGS_SIZE_VER0; i < page + 64; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("byte %zu written", i);

	/* process_mbind() */
	args_of(a, MPOL_BIND, 0, &mask);
	mask = 0x4;
	ASSERT_EQ(-EINVAL, pmbind(self->pidfd, a0, PG(1), a, 16, 0));
	buf[33] = 1;
	ASSERT_EQ(-E2BIG, pmbind(self->pidfd, a0, PG(1), a, 40, 0));
	ASSERT_EQ(-E2BIG, pmbind(self->pidfd, a0, PG(1), a, page + 1, 0));
	ASSERT_STREQ("prefer:1", maps_policy(self->t.pid, a0, s, sizeof(s)));
	buf[33] = 0;
	ASSERT_EQ(0, pmbind(self->pidfd, a0, PG(NPAGES), a, 40, 0));
	ASSERT_STREQ("bind:2", maps_policy(self->t.pid, a0, s, sizeof(s)));
	free(buf);
}

/* Unknown flags: EINVAL, and nothing changes. */
TEST_F(sc, invalid_flags)
{
	unsigned long a0 = (unsigned long)self->t.region;
	struct mpol_args a;
	__u64 mask = 0x2;
	char s[256];
	unsigned int f;

	args_of(&a, MPOL_BIND, 0, &mask);
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 1));
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), ~0U));
	ASSERT_EQ(0, np_files_not(self->t.pid, "default"));
	/* get: 0 or MPOL_F_ADDR only (not MPOL_F_NODE, _MEMS_ALLOWED). */
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), 0, MPOL_F_NODE));
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), 0,
				MPOL_F_MEMS_ALLOWED));
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), a0,
				MPOL_F_ADDR | MPOL_F_NODE));
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), 0, 1U << 31));
	/* mbind: MPOL_MF_STRICT, _MOVE, _MOVE_ALL only. */
	for (f = 1U << 3; f; f <<= 1)
		ASSERT_EQ(-EINVAL, pmbind(self->pidfd, a0, PG(NPAGES), &a,
					  sizeof(a), f)) TH_LOG("%#x", f);
	ASSERT_STREQ("default", maps_policy(self->t.pid, a0, s, sizeof(s)));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_DEFAULT, 0, _metadata));
}

/* Pointers outside the caller's memory: EFAULT, and nothing changes. */
TEST_F(sc, bad_pointers_efault)
{
	unsigned long a0 = (unsigned long)self->t.region;
	size_t page = NP_PAGE_SIZE;
	struct mpol_args a, *ro;
	char *p, s[256];
	__u64 mask = 0x2, *ronodes;

	p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ro = (struct mpol_args *)p;
	ronodes = (__u64 *)(p + page);
	args_of(ro, MPOL_BIND, 0, &mask);
	ASSERT_EQ(0, mprotect(p, 2 * page, PROT_READ));
	ASSERT_EQ(0, munmap(p + 2 * page, page));

	ASSERT_EQ(-EFAULT, pset(self->pidfd, NULL, sizeof(a), 0));
	ASSERT_EQ(-EFAULT, pset(self->pidfd, (void *)16, sizeof(a), 0));
	ASSERT_EQ(-EFAULT, pset(self->pidfd, p + 2 * page, sizeof(a), 0));
	/* The struct's end beyond a mapping. */
	ASSERT_EQ(-EFAULT, pset(self->pidfd, p + 2 * page - 8, sizeof(a), 0));
	args_of(&a, MPOL_BIND, 0, &mask)->pol_nodes = 8;
	ASSERT_EQ(-EFAULT, pset(self->pidfd, &a, sizeof(a), 0));
	a.pol_nodes = (uintptr_t)(p + 2 * page);
	ASSERT_EQ(-EFAULT, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(-EFAULT, pmbind(self->pidfd, a0, PG(NPAGES), &a, sizeof(a),
				  0));
	ASSERT_EQ(-EFAULT, pmbind(self->pidfd, a0, PG(NPAGES), NULL, sizeof(a),
				  0));
	ASSERT_EQ(0, np_files_not(self->t.pid, "default"));
	ASSERT_STREQ("default", maps_policy(self->t.pid, a0, s, sizeof(s)));

	/* get: the struct, or the nodes, in read-only memory or nowhere. */
	ASSERT_EQ(-EFAULT, pget(self->pidfd, NULL, sizeof(a), 0, 0));
	ASSERT_EQ(-EFAULT, pget(self->pidfd, ro, sizeof(a), 0, 0));
	args_of(&a, 0, 0, ronodes);
	ASSERT_EQ(-EFAULT, pget(self->pidfd, &a, sizeof(a), 0, 0));
	a.pol_nodes = 8;
	ASSERT_EQ(-EFAULT, pget(self->pidfd, &a, sizeof(a), 0, 0));
	a.pol_nodes = (uintptr_t)(p + 2 * page);
	ASSERT_EQ(-EFAULT, pget(self->pidfd, &a, sizeof(a), a0, MPOL_F_ADDR));
	munmap(p, 2 * page);
}

/*
 * The node mask: pol_maxnodes bits of 64-bit words, at most a page of
 * them; bits from pol_maxnodes on are not the caller's; bits set above the
 * possible nodes are EINVAL; process_get_mempolicy() needs room for every
 * possible node, writes every word it is given and no node with
 * pol_nodes 0.
 */
TEST_F(sc, node_mask_bits)
{
	size_t bits = NP_PAGE_SIZE * 8, words = bits / 64, i;
	__u64 *m = calloc(words + 1, sizeof(*m));
	int possible = possible_nodes();
	struct mpol_args a;

	ASSERT_NE(NULL, m);
	ASSERT_LE(4, possible);
	args_of(&a, MPOL_BIND, 0, m);
	a.pol_maxnodes = bits;
	m[0] = 0x2;
	ASSERT_EQ(0, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 0x2, _metadata));
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x8));
	/* The last bit of a page of bits; bits 1024 and 64. */
	m[words - 1] = 1ULL << 63;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	m[words - 1] = 0;
	m[16] = 1;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	m[16] = 0;
	m[1] = 1;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	m[1] = 0;
	/* A node that is not possible. */
	if (possible < 64) {
		m[0] = 0x2 | 1ULL << possible;
		ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
		m[0] = 0x2;
	}
	/* More than a page of bits. */
	a.pol_maxnodes = bits + 1;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 0x8, _metadata));
	/* Bits from pol_maxnodes on are ignored. */
	a.pol_maxnodes = 2;
	m[0] = 0xe;
	ASSERT_EQ(0, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 0x2, _metadata));
	a.pol_maxnodes = 66;
	m[0] = 0x4;
	m[1] = 0x4;	/* bit 66 */
	ASSERT_EQ(0, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 0x4, _metadata));
	/* No bits: no nodes (EINVAL for bind, fine for default). */
	a.pol_maxnodes = 0;
	ASSERT_EQ(-EINVAL, pset(self->pidfd, &a, sizeof(a), 0));
	a.mode = MPOL_DEFAULT;
	ASSERT_EQ(0, pset(self->pidfd, &a, sizeof(a), 0));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_DEFAULT, 0, _metadata));

	/* process_get_mempolicy() */
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_INTERLEAVE, 0, 0x9));
	args_of(&a, 0, 0, m);
	a.pol_maxnodes = possible - 1;
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), 0, 0));
	a.pol_maxnodes = bits + 1;
	ASSERT_EQ(-EINVAL, pget(self->pidfd, &a, sizeof(a), 0, 0));
	a.pol_maxnodes = possible;
	m[0] = 0;
	ASSERT_EQ(0, pget(self->pidfd, &a, sizeof(a), 0, 0));
	ASSERT_EQ(MPOL_INTERLEAVE, a.mode);
	ASSERT_EQ(0x9, m[0]);
	memset(m, 0xff, (words + 1) * sizeof(*m));
	a.pol_maxnodes = bits;
	ASSERT_EQ(0, pget(self->pidfd, &a, sizeof(a), 0, 0));
	ASSERT_EQ(0x9, m[0]);
	for (i = 1; i < words; i++)
		ASSERT_EQ(0, m[i]) TH_LOG("word %zu", i);
	ASSERT_EQ(~0ULL, m[words]);
	/* pol_nodes 0: the mode, no nodes (pol_maxnodes unchecked). */
	args_of(&a, 0, 0, NULL);
	a.mode = 0xffff;
	ASSERT_EQ(0, pget(self->pidfd, &a, sizeof(a), 0, 0));
	ASSERT_EQ(MPOL_INTERLEAVE, a.mode);
	free(m);
}

/* Not a pidfd: EBADF. */
TEST_F(sc, not_a_pidfd_ebadf)
{
	int fds[] = { -1, open("/dev/null", O_RDWR), 1000000 };
	struct mpol_args a;
	unsigned int i;
	__u64 nodes;

	ASSERT_LE(0, fds[1]);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		ASSERT_EQ(-EBADF, set_to(fds[i], MPOL_BIND, 0, 0x2));
		ASSERT_EQ(-EBADF, get_of(fds[i], 0, 0, &a, &nodes));
		ASSERT_EQ(-EBADF, mbind_to(fds[i],
					   (unsigned long)self->t.region,
					   PG(1), MPOL_BIND, 0x2, 0));
	}
	close(fds[1]);
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_DEFAULT, 0, _metadata));
}

/* Kernel threads have no policy to change (kthreadd is pid 2). */
TEST(kernel_thread_einval)
{
	struct mpol_args a;
	char buf[64];
	__u64 nodes;
	int pidfd;
	const char *why;

	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	pidfd = np_pidfd_open(2, 0);
	ASSERT_LE(0, pidfd);
	ASSERT_EQ(-EINVAL, set_to(pidfd, MPOL_BIND, 0, 0x2));
	ASSERT_EQ(-EINVAL, get_of(pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(-EINVAL, mbind_to(pidfd, 0x100000, PG(1), MPOL_BIND, 0x2, 0));
	ASSERT_LT(0, np_read_file("/proc/2/numa_policy", buf, sizeof(buf)));
	ASSERT_STREQ("default\n", buf);
	close(pidfd);
}

/* ---- process_mbind() ------------------------------------------------------- */

FIXTURE(mb) {
	struct target t;
	int pidfd;
	unsigned long a;	/* the region: NPAGES pages, a VMA of its own */
};

FIXTURE_SETUP(mb)
{
	const char *why;

	self->pidfd = -1;
	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, target_start(&self->t, 0));
	self->pidfd = np_pidfd_open(self->t.pid, 0);
	ASSERT_LE(0, self->pidfd);
	self->a = (unsigned long)self->t.region;
}

FIXTURE_TEARDOWN(mb)
{
	if (self->pidfd >= 0)
		close(self->pidfd);
	target_stop(&self->t);
}

/*
 * BIND node 1 with MPOL_MF_MOVE on a range: its pages move to node 1, the
 * others stay; numa_maps shows the new VMA, its policy and its pages.
 */
TEST_F(mb, move_migrates_range)
{
	struct target *t = &self->t;
	int i, status[NPAGES];
	struct mpol_args a;
	char buf[256];
	__u64 nodes;

	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(0, target_do(t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 0));
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a + PG(16), PG(16),
			      MPOL_BIND, 0x2, MPOL_MF_MOVE));
	ASSERT_EQ(0, np_page_nodes(t->pid, t->region, NPAGES, status));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(i >= 16 && i < 32 ? 1 : 0, status[i])
			TH_LOG("page %d", i);
	ASSERT_STREQ("0 bind:0\n16 bind:1\n32 bind:0\n64 bind:0\n",
		     region_vmas(t->pid, self->a, buf, sizeof(buf)));
	ASSERT_TRUE(maps_has(t->pid, self->a + PG(16), "N1=16"));
	ASSERT_FALSE(maps_has(t->pid, self->a + PG(16), "N0=16"));
	ASSERT_TRUE(maps_has(t->pid, self->a, "N0=16"));
	ASSERT_EQ(0, get_of(self->pidfd, self->a + PG(20), MPOL_F_ADDR, &a,
			    &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(0x2, nodes);
	ASSERT_EQ(0, get_of(self->pidfd, self->a, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	/* Several nodes: the pages are spread over them. */
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a + PG(32), PG(32),
			      MPOL_INTERLEAVE, 0xc, MPOL_MF_MOVE));
	ASSERT_EQ(0, np_page_nodes(t->pid, t->region, NPAGES, status));
	for (i = 32; i < NPAGES; i++) {
		int node = status[i];

		ASSERT_TRUE(node == 2 || node == 3)
			TH_LOG("page %d on %d", i, node);
	}
	ASSERT_EQ(16, np_count_on_node(t->pid, t->region, NPAGES, 0));
}

/*
 * VMAs are split and merged exactly as by the target's own mbind(2): two
 * targets, one changed by process_mbind(), one by itself, end with the
 * same VMAs and policies after every step.
 */
TEST_F(mb, splits_like_own_mbind)
{
	static const struct {
		int off, len, mode;
		__u64 nodes;
	} step[] = {
		{ 16, 16, MPOL_BIND, 0x2 },
		{ 24, 16, MPOL_INTERLEAVE, 0xc },
		{ 0, 8, MPOL_BIND, 0x2 },
		{ 8, 8, MPOL_BIND, 0x2 },		/* merges with both */
		{ 40, 24, MPOL_DEFAULT, 0 },
		{ 32, 16, MPOL_PREFERRED, 0x8 },
		{ 4, 56, MPOL_PREFERRED_MANY, 0x3 },	/* across all */
		{ 20, 4, MPOL_DEFAULT, 0 },
		{ 0, NPAGES, MPOL_WEIGHTED_INTERLEAVE, 0xf },
	};
	static const char * const after1 =
		"0 default\n16 bind:1\n24 interleave:2-3\n40 default\n64 default\n";
	static const char * const after3 =
		"0 bind:1\n24 interleave:2-3\n40 default\n64 default\n";
	char mine[1024], own[1024];
	struct target b;
	unsigned int i;
	int ret;

	ASSERT_EQ(0, target_start(&b, 0));
	for (i = 0; i < ARRAY_SIZE(step); i++) {
		ret = mbind_to(self->pidfd, self->a + PG(step[i].off),
			       PG(step[i].len), step[i].mode, step[i].nodes, 0);
		ASSERT_EQ(0, ret) TH_LOG("step %u", i);
		ret = target_mbind(&b, PG(step[i].off), PG(step[i].len),
				   step[i].mode, step[i].nodes, 0);
		ASSERT_EQ(0, ret) TH_LOG("step %u: own mbind(2)", i);
		region_vmas(self->t.pid, self->a, mine, sizeof(mine));
		region_vmas(b.pid, (unsigned long)b.region, own, sizeof(own));
		ASSERT_STREQ(own, mine) TH_LOG("step %u", i);
		if (i == 1)
			ASSERT_STREQ(after1, mine);
		if (i == 3)
			ASSERT_STREQ(after3, mine);
	}
	target_stop(&b);
}

/*
 * MPOL_MF_STRICT without a move, pages elsewhere: EIO, exactly as the
 * target's own mbind(2) (which, in 6.12, fails before it sets the policy:
 * strictly_unmovable() in mm/mempolicy.c); with a move the pages go there.
 */
TEST_F(mb, strict_eio_as_own_mbind)
{
	struct target *t = &self->t, b;
	char buf[256], mine[1024], own[1024];
	struct mpol_args a;
	__u64 nodes;

	ASSERT_EQ(0, target_start(&b, 0));
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(0, set_policy(b.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(t, 'T'));
	ASSERT_EQ(0, target_do(&b, 'T'));
	ASSERT_EQ(-EIO, mbind_to(self->pidfd, self->a + PG(16), PG(16),
				 MPOL_BIND, 0x4, MPOL_MF_STRICT));
	ASSERT_EQ(-EIO, target_mbind(&b, PG(16), PG(16), MPOL_BIND, 0x4,
				     MPOL_MF_STRICT));
	region_vmas(t->pid, self->a, mine, sizeof(mine));
	region_vmas(b.pid, (unsigned long)b.region, own, sizeof(own));
	ASSERT_STREQ(own, mine);
	ASSERT_EQ(0, get_of(self->pidfd, self->a + PG(16), MPOL_F_ADDR, &a,
			    &nodes));
	ASSERT_STREQ(strcmp(own, "0 bind:0\n64 bind:0\n") ? "bind:2" :
		     "default", args_str(&a, nodes, buf, sizeof(buf)));
	TH_LOG("after EIO: %s", strcmp(own, "0 bind:0\n64 bind:0\n") ?
	       "policy set" : "policy not set");
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 0));
	/* STRICT with MOVE: moved, no error. */
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a, PG(NPAGES), MPOL_BIND, 0x4,
			      MPOL_MF_STRICT | MPOL_MF_MOVE));
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 2));
	ASSERT_STREQ("bind:2", maps_policy(t->pid, self->a, buf, sizeof(buf)));
	/* STRICT, every page where the policy wants it: 0. */
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a, PG(NPAGES), MPOL_BIND, 0xc,
			      MPOL_MF_STRICT));
	ASSERT_STREQ("bind:2-3", maps_policy(t->pid, self->a, buf,
					     sizeof(buf)));
	target_stop(&b);
}

/* MPOL_MF_MOVE_ALL needs CAP_SYS_NICE (EPERM), MPOL_MF_MOVE does not. */
TEST_F(mb, move_all_needs_cap_sys_nice)
{
	struct target *t = &self->t;
	int res[2], r[2] = { 1, 1 }, status[NPAGES], i;
	struct mpol_args a;
	__u64 nodes;
	pid_t pid;

	if (getuid() != 0)
		SKIP(return, "needs root (to drop CAP_SYS_NICE)");
	ASSERT_EQ(0, set_to(self->pidfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(0, target_do(t, 'T'));
	ASSERT_EQ(0, pipe(res));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap(CAP_SYS_NICE))
			_exit(1);
		r[0] = mbind_to(self->pidfd, self->a, PG(16), MPOL_BIND, 0x2,
				MPOL_MF_MOVE_ALL);
		r[1] = mbind_to(self->pidfd, self->a + PG(16), PG(16),
				MPOL_BIND, 0x4, MPOL_MF_MOVE);
		_exit(write(res[1], r, sizeof(r)) != sizeof(r));
	}
	ASSERT_EQ(sizeof(r), read(res[0], r, sizeof(r)));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	close(res[0]);
	close(res[1]);
	ASSERT_EQ(-EPERM, r[0]);
	ASSERT_EQ(0, r[1]);
	ASSERT_EQ(0, get_of(self->pidfd, self->a, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_EQ(0, np_page_nodes(t->pid, t->region, NPAGES, status));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(i >= 16 && i < 32 ? 2 : 0, status[i])
			TH_LOG("page %d", i);
	/* With CAP_SYS_NICE: allowed, and moved. */
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a, PG(16), MPOL_BIND, 0x2,
			      MPOL_MF_MOVE_ALL));
	ASSERT_EQ(16, np_count_on_node(t->pid, t->region, 16, 1));
}

/*
 * A home node (bind, preferred-many) reads back through MPOL_F_ADDR and
 * draws new pages; other modes EOPNOTSUPP, nodes not online EINVAL.
 */
TEST_F(mb, home_node)
{
	struct target *t = &self->t;
	struct mpol_args a;
	char buf[256];
	__u64 mask = 0x6, nodes;

	args_of(&a, MPOL_BIND, 0, &mask)->home_node = 2;
	ASSERT_EQ(0, pmbind(self->pidfd, self->a, PG(NPAGES), &a, sizeof(a),
			    0));
	ASSERT_STREQ("bind:1-2", maps_policy(t->pid, self->a, buf,
					     sizeof(buf)));
	ASSERT_EQ(0, get_of(self->pidfd, self->a, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(2, a.home_node);
	ASSERT_EQ(0x6, nodes);
	ASSERT_EQ(0, get_of(self->pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(NO_NODE, a.home_node);
	/* Node 2, not the first of the mask. */
	ASSERT_EQ(0, target_do(t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 2));

	mask = 0xf;
	args_of(&a, MPOL_PREFERRED_MANY, 0, &mask)->home_node = 3;
	ASSERT_EQ(0, pmbind(self->pidfd, self->a, PG(16), &a, sizeof(a), 0));
	ASSERT_EQ(0, get_of(self->pidfd, self->a, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_PREFERRED_MANY, a.mode);
	ASSERT_EQ(3, a.home_node);
	ASSERT_EQ(0xf, nodes);

	mask = 0x2;
	args_of(&a, MPOL_PREFERRED, 0, &mask)->home_node = 1;
	ASSERT_EQ(-EOPNOTSUPP, pmbind(self->pidfd, self->a + PG(32), PG(16),
				      &a, sizeof(a), 0));
	mask = 0x6;
	args_of(&a, MPOL_INTERLEAVE, 0, &mask)->home_node = 1;
	ASSERT_EQ(-EOPNOTSUPP, pmbind(self->pidfd, self->a + PG(32), PG(16),
				      &a, sizeof(a), 0));
	args_of(&a, MPOL_BIND, 0, &mask)->home_node = np_online_nodes();
	ASSERT_EQ(-EINVAL, pmbind(self->pidfd, self->a + PG(32), PG(16), &a,
				  sizeof(a), 0));
	a.home_node = 1 << 20;
	ASSERT_EQ(-EINVAL, pmbind(self->pidfd, self->a + PG(32), PG(16), &a,
				  sizeof(a), 0));
	a.home_node = -2;
	ASSERT_EQ(-EINVAL, pmbind(self->pidfd, self->a + PG(32), PG(16), &a,
				  sizeof(a), 0));
	ASSERT_EQ(0, get_of(self->pidfd, self->a + PG(32), MPOL_F_ADDR, &a,
			    &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(2, a.home_node);
	ASSERT_EQ(0x6, nodes);
}

/*
 * The range, as mbind(2) takes it (and the target's own mbind(2) agrees):
 * an unaligned start is EINVAL, a length of 0 does nothing, a range with
 * no mapping is EFAULT.
 */
TEST_F(mb, range_errors)
{
	struct target *t = &self->t;
	size_t page = NP_PAGE_SIZE;
	char before[1024], buf[1024];
	unsigned long hole;
	char *p;

	region_vmas(t->pid, self->a, before, sizeof(before));
	ASSERT_STREQ("0 default\n64 default\n", before);
	ASSERT_EQ(-EINVAL, mbind_to(self->pidfd, self->a + 1, PG(1), MPOL_BIND,
				    0x2, 0));
	ASSERT_EQ(-EINVAL, target_mbind(t, 1, PG(1), MPOL_BIND, 0x2, 0));
	ASSERT_EQ(-EINVAL, mbind_to(self->pidfd, self->a + page / 2, 0,
				    MPOL_BIND, 0x2, 0));
	ASSERT_EQ(0, mbind_to(self->pidfd, self->a, 0, MPOL_BIND, 0x2, 0));
	ASSERT_EQ(0, target_mbind(t, 0, 0, MPOL_BIND, 0x2, 0));
	/* Mapped here after the target was made: not in the target. */
	p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	hole = (unsigned long)p;
	ASSERT_TRUE(unmapped_in(t->pid, hole, 4 * page));
	ASSERT_EQ(-EFAULT, mbind_to(self->pidfd, hole, PG(4), MPOL_BIND, 0x2,
				    0));
	ASSERT_EQ(-EFAULT, target_mbind(t, (long)(hole - self->a), PG(4),
					MPOL_BIND, 0x2, 0));
	ASSERT_EQ(0, mbind_to(self->pidfd, hole, 0, MPOL_BIND, 0x2, 0));
	ASSERT_STREQ(before, region_vmas(t->pid, self->a, buf, sizeof(buf)));
	munmap(p, 4 * page);
}

/* A PIDFD_THREAD pidfd names its process for process_mbind(). */
TEST_F(mb, thread_pidfd_names_process)
{
	pid_t tids[MAX_THREADS], other = 0;
	struct target b;
	struct mpol_args a;
	char buf[256];
	int i, n, tfd;
	__u64 nodes;

	ASSERT_EQ(0, target_start(&b, 1));
	n = list_tids(b.pid, tids, MAX_THREADS);
	for (i = 0; i < n; i++)
		if (tids[i] != b.pid)
			other = tids[i];
	ASSERT_NE(0, other);
	tfd = np_pidfd_open(other, PIDFD_THREAD);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, mbind_to(tfd, (unsigned long)b.region, PG(NPAGES),
			      MPOL_BIND, 0x8, 0));
	ASSERT_STREQ("bind:3", maps_policy(b.pid, (unsigned long)b.region, buf,
					   sizeof(buf)));
	ASSERT_EQ(0, get_of(tfd, (unsigned long)b.region, MPOL_F_ADDR, &a,
			    &nodes));
	ASSERT_EQ(MPOL_BIND, a.mode);
	ASSERT_EQ(0x8, nodes);
	ASSERT_EQ(0, target_do(&b, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(b.pid, b.region, NPAGES, 3));
	close(tfd);
	target_stop(&b);
}

/* ---- exited processes ------------------------------------------------------ */

/* clone3(2) with set_tid: a new process with a chosen pid number. */
struct np_clone_args {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack,
	      stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* target_start() with pid number want: 0, or -1 with errno. */
static int target_start_pid(struct target *t, pid_t want)
{
	struct np_clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	int cmd[2], resp[2], err;
	long pid;
	char c;

	memset(t, 0, sizeof(*t));
	t->region = np_map(NPAGES);
	if (!t->region || pipe(cmd))
		return -1;
	if (pipe(resp)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid < 0) {
		err = errno;
		close(cmd[0]);
		close(cmd[1]);
		close(resp[0]);
		close(resp[1]);
		errno = err;
		return -1;
	}
	if (!pid) {
		close(cmd[1]);
		close(resp[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		target_main(cmd[0], resp[1], t->region, 0, false);
	}
	t->pid = pid;
	close(cmd[0]);
	close(resp[1]);
	t->cmd = cmd[1];
	t->resp = resp[0];
	return read(t->resp, &c, 1) == 1 && c == 'k' ? 0 : -1;
}

/*
 * A pidfd names a process, not a number: once the process has exited and
 * its pid was given to a new one (clone3(2) set_tid), every call is ESRCH
 * and the new process is untouched.
 */
TEST(recycled_pid_esrch)
{
	struct target old, t;
	struct mpol_args a;
	int pidfd = -1, fresh, mode, tries;
	unsigned long mask;
	char buf[256];
	__u64 nodes;
	pid_t pid = 0;
	const char *why;

	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	if (getuid() != 0)
		SKIP(return, "needs root (clone3(2) set_tid)");
	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, target_start(&old, 0));
		pid = old.pid;
		pidfd = np_pidfd_open(pid, 0);
		ASSERT_LE(0, pidfd);
		ASSERT_EQ(0, set_to(pidfd, MPOL_PREFERRED, 0, 0x4));
		target_stop(&old);
		if (!target_start_pid(&t, pid))
			break;
		/* Taken meanwhile: try another. */
		ASSERT_EQ(EEXIST, errno) TH_LOG("clone3(set_tid): %s",
						strerror(errno));
		close(pidfd);
	}
	ASSERT_GT(5, tries);
	ASSERT_EQ(pid, t.pid);

	ASSERT_EQ(-ESRCH, set_to(pidfd, MPOL_BIND, 0, 0x2));
	ASSERT_EQ(-ESRCH, get_of(pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(-ESRCH, get_of(pidfd, (unsigned long)t.region, MPOL_F_ADDR,
				 &a, &nodes));
	ASSERT_EQ(-ESRCH, mbind_to(pidfd, (unsigned long)t.region, PG(NPAGES),
				   MPOL_BIND, 0x2, MPOL_MF_MOVE));
	/* The new process: untouched. */
	ASSERT_EQ(0, target_policy(&t, &mode, &mask));
	ASSERT_EQ(MPOL_DEFAULT, mode);
	ASSERT_STREQ("default", get_policy(pid, 0, buf, sizeof(buf)));
	ASSERT_STREQ("0 default\n64 default\n",
		     region_vmas(pid, (unsigned long)t.region, buf,
				 sizeof(buf)));
	/* Its own pidfd works; the old one stays dead. */
	fresh = np_pidfd_open(pid, 0);
	ASSERT_LE(0, fresh);
	ASSERT_EQ(0, set_to(fresh, MPOL_BIND, 0, 0x8));
	ASSERT_EQ(0, target_policy(&t, &mode, &mask));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(0x8UL, mask);
	ASSERT_EQ(-ESRCH, set_to(pidfd, MPOL_DEFAULT, 0, 0));
	ASSERT_EQ(0, target_policy(&t, &mode, &mask));
	ASSERT_EQ(MPOL_BIND, mode);
	close(fresh);
	close(pidfd);
	target_stop(&t);
}

/* A process that has exited but is not reaped yet (a zombie): ESRCH. */
TEST(zombie_esrch)
{
	struct target t;
	struct mpol_args a;
	siginfo_t si;
	__u64 nodes;
	int pidfd;
	const char *why;

	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, target_start(&t, 0));
	pidfd = np_pidfd_open(t.pid, 0);
	ASSERT_LE(0, pidfd);
	ASSERT_EQ(0, set_to(pidfd, MPOL_BIND, 0, 0x2));
	ASSERT_EQ(0, kill(t.pid, SIGKILL));
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, t.pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ('Z', np_thread_state(t.pid, t.pid));

	EXPECT_EQ(-ESRCH, set_to(pidfd, MPOL_BIND, 0, 0x4));
	EXPECT_EQ(-ESRCH, get_of(pidfd, 0, 0, &a, &nodes))
		TH_LOG("got mode %u: an exited process's policy is read",
		       a.mode);
	EXPECT_EQ(-ESRCH, get_of(pidfd, (unsigned long)t.region, MPOL_F_ADDR,
				 &a, &nodes));
	EXPECT_EQ(-ESRCH, mbind_to(pidfd, (unsigned long)t.region, PG(1),
				   MPOL_BIND, 0x4, 0));
	target_stop(&t);
	/* Reaped. */
	ASSERT_EQ(-ESRCH, set_to(pidfd, MPOL_BIND, 0, 0x4));
	ASSERT_EQ(-ESRCH, get_of(pidfd, 0, 0, &a, &nodes));
	close(pidfd);
}

/* ---- permissions ------------------------------------------------------------ */

/* What a caller got: the two opens and the calls, 0 or an errno each. */
struct perm_result {
	int open_w, open_r, set, get, get_addr, mbind;
};

/*
 * In a child that becomes the caller (uid, or root without CAP_SYS_NICE):
 * open /proc/<pid>/numa_policy for writing and for reading, and call the
 * three system calls on pid (setting prefer:node and binding the first
 * chunk of region to node). 0, or -1 when the child could not run.
 */
static int perm_probe(uid_t uid, bool no_nice, pid_t pid, char *region,
		      int node, struct perm_result *r)
{
	int res[2], status, pidfd, fd;
	struct mpol_args a;
	char path[64];
	__u64 nodes;
	pid_t child;

	if (pipe(res))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(res[0]);
		if (no_nice ? drop_cap(CAP_SYS_NICE) : uid && become(uid))
			_exit(1);
		policy_path(path, sizeof(path), pid, 0);
		fd = open(path, O_WRONLY);
		r->open_w = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		fd = open(path, O_RDONLY);
		r->open_r = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		pidfd = np_pidfd_open(pid, 0);
		if (pidfd < 0)
			_exit(2);
		r->set = -set_to(pidfd, MPOL_PREFERRED, 0, 1ULL << node);
		r->get = -get_of(pidfd, 0, 0, &a, &nodes);
		r->get_addr = -get_of(pidfd, (unsigned long)region,
				      MPOL_F_ADDR, &a, &nodes);
		r->mbind = -mbind_to(pidfd, (unsigned long)region,
				     PG(CHUNK_PAGES), MPOL_BIND, 1ULL << node,
				     0);
		_exit(write(res[1], r, sizeof(*r)) != sizeof(*r));
	}
	close(res[1]);
	status = read(res[0], r, sizeof(*r)) == sizeof(*r) ? 0 : -1;
	close(res[0]);
	if (waitpid(child, NULL, 0) != child)
		status = -1;
	return status;
}

/*
 * The permission matrix: for each caller and target, each system call
 * fails with what opening /proc/<pid>/numa_policy fails with, for writing
 * (set, mbind) and for reading (get), and changes the target only when it
 * succeeds.
 */
TEST(permissions_as_numa_policy_file)
{
	static const struct {
		const char *what;
		uid_t caller;
		bool no_nice;
		int target;		/* index into t[] */
		int want_w, want_r;	/* what section 4 of the spec says */
	} c[] = {
		{ "root -> uid 1000", 0, false, 0, 0, 0 },
		{ "root without CAP_SYS_NICE -> uid 1000", 0, true, 0, EPERM, 0 },
		{ "uid 1000 -> own", 1000, false, 0, 0, 0 },
		{ "uid 1001 -> uid 1000", 1001, false, 0, EACCES, EACCES },
		{ "uid 1000 -> own non-dumpable", 1000, false, 1, EACCES,
		  EACCES },
		{ "uid 1000 -> root", 1000, false, 2, EACCES, EACCES },
		{ "uid 1001 -> root", 1001, false, 2, EACCES, EACCES },
	};
	struct target t[3];
	struct perm_result r;
	struct mpol_args a;
	unsigned long mask;
	unsigned int i;
	int pidfd[3], mode, node;
	__u64 nodes;
	const char *why;

	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, target_start_as(&t[0], 0, false, 1000));
	ASSERT_EQ(0, target_start_as(&t[1], 0, false, 1000));
	ASSERT_EQ(0, target_do(&t[1], 'N'));
	ASSERT_EQ(0, target_start(&t[2], 0));
	for (i = 0; i < 3; i++) {
		pidfd[i] = np_pidfd_open(t[i].pid, 0);
		ASSERT_LE(0, pidfd[i]);
	}

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct target *tt = &t[c[i].target];
		int fd = pidfd[c[i].target];

		node = 1 + i % 3;
		ASSERT_EQ(0, perm_probe(c[i].caller, c[i].no_nice, tt->pid,
					tt->region, node, &r))
			TH_LOG("%s: the caller did not run", c[i].what);
		TH_LOG("%s: open w %d r %d; set %d get %d get_addr %d mbind %d",
		       c[i].what, r.open_w, r.open_r, r.set, r.get, r.get_addr,
		       r.mbind);
		ASSERT_EQ(c[i].want_w, r.open_w) TH_LOG("%s", c[i].what);
		ASSERT_EQ(c[i].want_r, r.open_r) TH_LOG("%s", c[i].what);
		EXPECT_EQ(r.open_w, r.set) TH_LOG("%s", c[i].what);
		EXPECT_EQ(r.open_w, r.mbind) TH_LOG("%s", c[i].what);
		EXPECT_EQ(r.open_r, r.get) TH_LOG("%s", c[i].what);
		EXPECT_EQ(r.open_r, r.get_addr) TH_LOG("%s", c[i].what);

		/* Changed only when allowed. */
		ASSERT_EQ(0, target_policy(tt, &mode, &mask));
		ASSERT_EQ(r.set ? MPOL_DEFAULT : MPOL_PREFERRED, mode)
			TH_LOG("%s", c[i].what);
		ASSERT_EQ(r.set ? 0 : 1UL << node, mask);
		ASSERT_EQ(0, get_of(fd, (unsigned long)tt->region, MPOL_F_ADDR,
				    &a, &nodes));
		ASSERT_EQ(r.mbind ? MPOL_DEFAULT : MPOL_BIND, a.mode)
			TH_LOG("%s", c[i].what);
		/* Back to default, for the next caller. */
		ASSERT_EQ(0, set_to(fd, MPOL_DEFAULT, 0, 0));
		ASSERT_EQ(0, mbind_to(fd, (unsigned long)tt->region,
				      PG(CHUNK_PAGES), MPOL_DEFAULT, 0, 0));
	}
	for (i = 0; i < 3; i++) {
		close(pidfd[i]);
		target_stop(&t[i]);
	}
}

/* ---- waits --------------------------------------------------------------------- */

/* numapol.timeout_ms is put back and the target killed whatever happens. */
FIXTURE(waits) {
	struct mt_target t;
	int timeout;
};

FIXTURE_SETUP(waits)
{
	const char *why;

	why = not_ready();
	if (why)
		SKIP(return, "%s", why);
	self->timeout = np_timeout_get();
	if (self->timeout <= 0)
		SKIP(return, "no %s", NP_TIMEOUT_PARAM);
}

/* In the harness's process after a failed ASSERT: see np_kill_reap(). */
FIXTURE_TEARDOWN_PARENT(waits)
{
	if (self->timeout > 0)
		np_timeout_set(self->timeout);
	np_kill_reap(&self->t.pid);
}

/*
 * A stopped target: EAGAIN after numapol.timeout_ms, nothing changed; its
 * policy can still be read. Continued, it takes the change.
 */
TEST_F_TIMEOUT(waits, stopped_target_eagain, 60)
{
	struct mt_target *t = &self->t;
	unsigned long a0, k;
	struct timespec b, e;
	struct mpol_args a;
	int i, pidfd, tfd, mode;
	double secs;
	__u64 nodes;

	ASSERT_EQ(0, mt_start(t, 3));
	a0 = (unsigned long)t->region;
	pidfd = np_pidfd_open(t->pid, 0);
	ASSERT_LE(0, pidfd);
	tfd = np_pidfd_open(t->tid[1], PIDFD_THREAD);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, set_to(pidfd, MPOL_PREFERRED, 0, 0x8));
	ASSERT_EQ(0, np_timeout_set(300));
	ASSERT_EQ(0, kill(t->pid, SIGSTOP));
	for (i = 0; i < t->n; i++)
		ASSERT_EQ(0, np_wait_state(t->pid, t->tid[i], 'T'));

	clock_gettime(CLOCK_MONOTONIC, &b);
	ASSERT_EQ(-EAGAIN, set_to(pidfd, MPOL_BIND, 0, 0x1));
	clock_gettime(CLOCK_MONOTONIC, &e);
	secs = e.tv_sec - b.tv_sec + (e.tv_nsec - b.tv_nsec) / 1e9;
	TH_LOG("EAGAIN after %.3f s (timeout_ms 300)", secs);
	ASSERT_LE(0.28, secs);
	ASSERT_GT(1.3, secs);
	ASSERT_EQ(-EAGAIN, set_to(tfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(-EAGAIN, mbind_to(pidfd, a0, PG(NPAGES), MPOL_BIND, 0x1, 0));
	/* Reading needs nothing of the target. */
	ASSERT_EQ(0, get_of(pidfd, 0, 0, &a, &nodes));
	ASSERT_EQ(MPOL_PREFERRED, a.mode);
	ASSERT_EQ(0x8, nodes);
	ASSERT_EQ(0, get_of(pidfd, a0, MPOL_F_ADDR, &a, &nodes));
	ASSERT_EQ(MPOL_DEFAULT, a.mode);
	ASSERT_EQ(0, np_files_not(t->pid, "prefer:3"));

	ASSERT_EQ(0, np_timeout_set(self->timeout));
	ASSERT_EQ(0, kill(t->pid, SIGCONT));
	/* Continued: nothing of the failed calls is left. */
	ASSERT_EQ(0, mt_threads_not(t, MPOL_PREFERRED, 0x8, _metadata));
	ASSERT_EQ(0, mt_policy(t, 0, 'A', &mode, &k));
	ASSERT_EQ(MPOL_DEFAULT, mode);
	ASSERT_EQ(0, set_to(pidfd, MPOL_BIND, 0, 0x1));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 0x1, _metadata));
	ASSERT_EQ(0, mbind_to(pidfd, a0, PG(NPAGES), MPOL_BIND, 0x4, 0));
	ASSERT_EQ(0, mt_policy(t, 2, 'A', &mode, &k));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(0x4UL, k);
	close(tfd);
	close(pidfd);
}

TEST_HARNESS_MAIN
