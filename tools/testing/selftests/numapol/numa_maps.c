// SPDX-License-Identifier: GPL-2.0
/*
 * Writing /proc/<pid>/numa_maps: the policy of a VMA or a range of a running
 * process, migration of its pages, and restoring a saved numa_maps. Checked
 * by reading numa_maps back and by page placement (move_pages(2) status).
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "../kselftest_harness.h"
#include "bpf_lsm.h"
#include "target.h"

#define PG(n)	((unsigned long)(n) * NP_PAGE_SIZE)

static int write_maps(pid_t pid, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	return np_write_file(path, text);
}

/*
 * The numa_maps line of the VMA starting at addr, without the address:
 * "<policy> anon=..."; "" when there is none.
 */
static const char *maps_line(pid_t pid, unsigned long addr, char *buf,
			     size_t size)
{
	static char all[65536];
	char key[32], *p, *eol;
	int n;

	n = np_read_maps(pid, all, sizeof(all));
	if (n <= 0)
		return "";
	snprintf(key, sizeof(key), "%08lx ", addr);
	for (p = all; p && *p; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (!strncmp(p, key, strlen(key))) {
			n = eol ? eol - p : (int)strlen(p);
			n -= strlen(key);
			if ((size_t)n >= size)
				n = size - 1;
			memcpy(buf, p + strlen(key), n);
			buf[n] = 0;
			return buf;
		}
	}
	return "";
}

/* Does the line start with this policy (followed by a space or the end)? */
static bool has_policy(const char *line, const char *pol)
{
	size_t n = strlen(pol);

	return !strncmp(line, pol, n) && (line[n] == ' ' || !line[n]);
}

/* Keep "<address> <policy>" of each line: counters change on their own. */
static void skeleton(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		int field = 0;

		while (*in && *in != '\n') {
			if (*in == ' ')
				field++;
			if (field < 2)
				*out++ = *in;
			in++;
		}
		if (*in)
			*out++ = *in++;
	}
	*out = 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

FIXTURE(maps) {
	struct target t;
	unsigned long a;	/* start of the target's NPAGES-page VMA */
};

FIXTURE_SETUP(maps)
{
	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes (tests/vm/run --nodes 4)");
	ASSERT_EQ(0, target_start(&self->t, 1));
	self->a = (unsigned long)self->t.region;
}

FIXTURE_TEARDOWN(maps)
{
	target_stop(&self->t);
}

/* The seed's example: a VMA named by its start, the 2005 policy form. */
TEST_F(maps, vma_policy_places_new_pages)
{
	char cmd[128], buf[512];
	int on2, on3;

	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "default"));
	snprintf(cmd, sizeof(cmd), "%lx interleave={2,3}\n", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "interleave:2-3"))
		TH_LOG("%s", buf);
	/* The task policy is untouched. */
	ASSERT_STREQ("default", get_policy(self->t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	on2 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 2);
	on3 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 3);
	ASSERT_EQ(NPAGES / 2, on2);
	ASSERT_EQ(NPAGES / 2, on3);
}

/* A range inside a VMA splits it, as mbind(2) does. */
TEST_F(maps, range_splits_vma)
{
	char cmd[128], buf[512];
	int i, status[NPAGES];

	snprintf(cmd, sizeof(cmd), "0x%lx-0x%lx bind:1", self->a + PG(16),
		 self->a + PG(32));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "default"));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(16), buf,
					 sizeof(buf)), "bind:1"));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(32), buf,
					 sizeof(buf)), "default"));
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:3"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(0, np_page_nodes(self->t.pid, self->t.region, NPAGES, status));
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(i >= 16 && i < 32 ? 1 : 3, status[i])
			TH_LOG("page %d", i);
	}
	/* "default" removes the VMA policy: numa_maps shows the task's. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx default", self->a + PG(16),
		 self->a + PG(32));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(16), buf,
					 sizeof(buf)), "bind:3"));
}

/* "move" migrates the pages already there to conform. */
TEST_F(maps, move_migrates_existing_pages)
{
	char cmd[128];

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	/* Without move: the policy changes, the pages stay. */
	snprintf(cmd, sizeof(cmd), "%lx bind:2", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	snprintf(cmd, sizeof(cmd), "%lx bind:3 move", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 3));
}

/* N<from>><to>: pages move, the policy stays; a page limit is honoured. */
TEST_F(maps, migration_with_and_without_limit)
{
	char cmd[128], buf[512];

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	snprintf(cmd, sizeof(cmd), "%lx N0(10)>1", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(10, np_count_on_node(self->t.pid, self->t.region, NPAGES, 1));
	ASSERT_EQ(NPAGES - 10, np_count_on_node(self->t.pid, self->t.region,
						NPAGES, 0));
	/* Pages not on the source nodes are left alone. */
	snprintf(cmd, sizeof(cmd), "%lx N2-3>0", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(10, np_count_on_node(self->t.pid, self->t.region, NPAGES, 1));
	snprintf(cmd, sizeof(cmd), "%lx N0>2", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(NPAGES - 10, np_count_on_node(self->t.pid, self->t.region,
						NPAGES, 2));
	ASSERT_EQ(10, np_count_on_node(self->t.pid, self->t.region, NPAGES, 1));
	/* The policy shown is still the task's. */
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "bind:0"));
}

/* Several target nodes: the pages are spread over them. */
TEST_F(maps, migration_spreads_over_nodes)
{
	char cmd[128];
	int n1, n2, n3;

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1-3", self->a,
		 self->a + PG(NPAGES));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	n1 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 1);
	n2 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 2);
	n3 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 3);
	ASSERT_EQ(NPAGES, n1 + n2 + n3);
	ASSERT_GE(n1, NPAGES / 3 - 1);
	ASSERT_GE(n2, NPAGES / 3 - 1);
	ASSERT_GE(n3, NPAGES / 3 - 1);
}

/* A migration needs nothing from the target: it works while it is stopped. */
TEST_F(maps, migration_of_stopped_target)
{
	char cmd[128];

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(0, kill(self->t.pid, SIGSTOP));
	snprintf(cmd, sizeof(cmd), "%lx N0>3", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 3));
	/* A policy line needs the target: EAGAIN, nothing changed. */
	snprintf(cmd, sizeof(cmd), "%lx bind:1", self->a);
	ASSERT_EQ(-EAGAIN, write_maps(self->t.pid, cmd));
	ASSERT_EQ(0, kill(self->t.pid, SIGCONT));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, cmd,
					 sizeof(cmd)), "bind:0"));
}

/* A saved numa_maps written back restores policies; unchanged, it is a no-op. */
TEST_F(maps, restore_saved_numa_maps)
{
	static char saved[65536], now[65536];
	char cmd[128], buf[512];
	int fd;

	snprintf(cmd, sizeof(cmd), "%lx-%lx interleave:0-1", self->a + PG(8),
		 self->a + PG(24));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_LT(0, np_read_maps(self->t.pid, saved, sizeof(saved)));
	ASSERT_LT(5, count_lines(saved));

	/* Unchanged, every line (vdso, stack, files...) is accepted, no-op. */
	fd = open("/tmp/saved", O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(saved), write(fd, saved, strlen(saved)));
	close(fd);
	ASSERT_EQ(0, write_maps(self->t.pid, saved));
	ASSERT_LT(0, np_read_maps(self->t.pid, now, sizeof(now)));
	skeleton(now);
	skeleton(saved);
	ASSERT_STREQ(saved, now);

	/* Experiment, then restore. */
	snprintf(cmd, sizeof(cmd), "%lx bind:3", self->a + PG(8));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	snprintf(cmd, sizeof(cmd), "%lx prefer:2", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(8), buf,
					 sizeof(buf)), "bind:3"));
	/* As cat(1) copies it: in small blocks that split lines. */
	snprintf(cmd, sizeof(cmd),
		 "dd if=/tmp/saved of=/proc/%d/numa_maps bs=100 2>/dev/null",
		 self->t.pid);
	ASSERT_EQ(0, system(cmd));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(8), buf,
					 sizeof(buf)), "interleave:0-1"));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "default"));
	ASSERT_LT(0, np_read_maps(self->t.pid, now, sizeof(now)));
	skeleton(now);
	ASSERT_STREQ(saved, now);
}

/* How often thread tid of pid has gone to sleep; -1 on error. */
static long voluntary_switches(pid_t pid, pid_t tid)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	if (np_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtol(p + 25, NULL, 10) : -1;
}

/*
 * The policy lines of one write are applied by the process in one round
 * trip, not one per line: its thread, asleep in read(2), wakes up about
 * once for 32 lines (it used to wake up once per line). They are applied
 * in their order: a later line wins where two overlap.
 */
TEST_F(maps, policy_lines_one_round_trip)
{
	static char text[8192];
	char buf[512];
	long before, after;
	int i, len = 0;

	for (i = 0; i < 32; i++)
		len += snprintf(text + len, sizeof(text) - len,
				"%lx-%lx bind:%d\n", self->a + PG(i),
				self->a + PG(i + 1), 1 + i % 2);
	/* Overlapping the first two: bind:3, then page 1 back to bind:2. */
	len += snprintf(text + len, sizeof(text) - len, "%lx-%lx bind:3\n",
			self->a, self->a + PG(2));
	len += snprintf(text + len, sizeof(text) - len, "%lx-%lx bind:2\n",
			self->a + PG(1), self->a + PG(2));
	before = voluntary_switches(self->t.pid, self->t.pid);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, write_maps(self->t.pid, text));
	after = voluntary_switches(self->t.pid, self->t.pid);
	TH_LOG("34 policy lines: the target slept %ld more times",
	       after - before);
	ASSERT_GE(4, after - before);
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "bind:3"));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(1), buf,
					 sizeof(buf)), "bind:2"));
	for (i = 2; i < 32; i++) {
		ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(i),
						 buf, sizeof(buf)),
				       i % 2 ? "bind:2" : "bind:1"))
			TH_LOG("page %d: %s", i, buf);
	}
}

/* One bad line: EINVAL, and no line of the write is applied. */
TEST_F(maps, bad_line_applies_nothing)
{
	static const char * const bad[] = {
		"%lx bogus", "%lx bind=3/normal", "%lx bind:1 extra",
		"%lx bind:1 move move", "%lx N0>", "%lx N0(0)>1", "%lx N0>1 move",
		"%lx", "%lx  bind:1", "zz bind:1", "%lx-%lx bind:1",
		"%lx bind:9",
	};
	char cmd[256], one[128], before[8192], after[8192];
	unsigned int i;

	ASSERT_LT(0, np_read_maps(self->t.pid, before, sizeof(before)));
	skeleton(before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(one, sizeof(one), bad[i], self->a, self->a);
		/* A good first line, then the bad one. */
		snprintf(cmd, sizeof(cmd), "%lx bind:2\n%s\n", self->a, one);
		ASSERT_EQ(-EINVAL, write_maps(self->t.pid, cmd)) TH_LOG("%s", one);
		ASSERT_LT(0, np_read_maps(self->t.pid, after, sizeof(after)));
		skeleton(after);
		ASSERT_STREQ(before, after) TH_LOG("%s", one);
	}
	/* An address inside a VMA is not a VMA start. */
	snprintf(cmd, sizeof(cmd), "%lx bind:2", self->a + PG(1));
	ASSERT_EQ(-EINVAL, write_maps(self->t.pid, cmd));
	/* An unaligned range. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx bind:2", self->a, self->a + 100);
	ASSERT_EQ(-EINVAL, write_maps(self->t.pid, cmd));
	ASSERT_LT(0, np_read_maps(self->t.pid, after, sizeof(after)));
	skeleton(after);
	ASSERT_STREQ(before, after);
}

/* Ranges with a hole or nothing mapped: EFAULT, as mbind(2). */
TEST_F(maps, unmapped_ranges)
{
	char cmd[128], before[8192], after[8192];

	ASSERT_LT(0, np_read_maps(self->t.pid, before, sizeof(before)));
	skeleton(before);
	/* The guard page below the VMA is mapped: go past the guard above. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1", self->a,
		 self->a + PG(NPAGES + 1) + PG(1000000));
	ASSERT_EQ(-EFAULT, write_maps(self->t.pid, cmd));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1", self->a,
		 self->a + PG(NPAGES + 1) + PG(1000000));
	ASSERT_EQ(-EFAULT, write_maps(self->t.pid, cmd));
	snprintf(cmd, sizeof(cmd), "1000 bind:1");
	ASSERT_EQ(-EINVAL, write_maps(self->t.pid, cmd));
	ASSERT_LT(0, np_read_maps(self->t.pid, after, sizeof(after)));
	skeleton(after);
	ASSERT_STREQ(before, after);
}

/* A descriptor of a target that has exited: ESRCH. */
TEST_F(maps, exited_target)
{
	char path[64], cmd[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	snprintf(cmd, sizeof(cmd), "%lx bind:1", self->a);
	target_stop(&self->t);
	ASSERT_EQ(-1, write(fd, cmd, strlen(cmd)));
	ASSERT_EQ(ESRCH, errno);
	close(fd);
}

/* Writers need ptrace attach access: not another user's process. */
TEST_F(maps, unprivileged_writer_refused)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	ASSERT_EQ(EACCES, open_errno_as(1000, path, O_WRONLY));
	/* Readers keep numa_maps' rules: ptrace read access. */
	ASSERT_EQ(EACCES, open_errno_as(1000, path, O_RDONLY));
}

/* Bind [p, p + len) of this process to node 0; fault it in unless !touch. */
static int self_on_node0(char *p, size_t len, bool touch)
{
	unsigned long mask = 1;
	size_t off;

	if (np_mbind(p, len, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		return -1;
	for (off = 0; touch && off < len; off += NP_PAGE_SIZE)
		p[off] = 1;
	return 0;
}

/* AnonHugePages of this process's VMA that starts at p, in kB; -1: none. */
static long anon_huge_kb(void *p)
{
	char line[256], key[32];
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(key, sizeof(key), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, key, strlen(key));
		else if (in && !strncmp(line, "AnonHugePages:", 14))
			kb = atol(line + 14);
	}
	fclose(f);
	return kb;
}

/*
 * A range of many page tables and migration batches, two pages in three
 * present: every present page moves and nothing else is faulted in; a
 * limit is exact across batches.
 */
TEST(migration_large_sparse_range)
{
	const int n = 3000, present = 2000;
	pid_t me = getpid();
	char cmd[128], *p;
	unsigned long a;
	int i;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	p = np_map(n);
	ASSERT_NE(NULL, p);
	a = (unsigned long)p;
	ASSERT_EQ(0, self_on_node0(p, PG(n), false));
	for (i = 0; i < n; i++)
		if (i % 3)
			p[PG(i)] = 1;
	ASSERT_EQ(present, np_count_on_node(me, p, n, 0));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1", a, a + PG(n));
	ASSERT_EQ(0, write_maps(me, cmd));
	ASSERT_EQ(present, np_count_on_node(me, p, n, 1));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N1(700)>2", a, a + PG(n));
	ASSERT_EQ(0, write_maps(me, cmd));
	ASSERT_EQ(700, np_count_on_node(me, p, n, 2));
	ASSERT_EQ(present - 700, np_count_on_node(me, p, n, 1));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N1-2>3", a, a + PG(n));
	ASSERT_EQ(0, write_maps(me, cmd));
	ASSERT_EQ(present, np_count_on_node(me, p, n, 3));
	/* The holes are still holes. */
	ASSERT_EQ(0, np_count_on_node(me, p, n, 0));
	munmap(p - PG(1), PG(n + 2));
}

/* Transparent huge pages move whole (the PMD path of the walk). */
TEST(migration_of_thp)
{
	const char *thp = "/sys/kernel/mm/transparent_hugepage/enabled";
	const size_t huge = 2UL << 20, len = 2 * huge;
	pid_t me = getpid();
	char cmd[128], *raw, *p;
	long kb;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (access(thp, F_OK))
		SKIP(return, "no transparent huge pages");
	raw = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
	/* madvise(2) may be configured out: huge pages everywhere, briefly. */
	if (madvise(p, len, MADV_HUGEPAGE))
		ASSERT_EQ(0, np_write_file(thp, "always"));
	ASSERT_EQ(0, self_on_node0(p, len, true));
	np_write_file(thp, "madvise");
	kb = anon_huge_kb(p);
	if (kb != (long)(len >> 10))
		SKIP(return, "node 0 gave %ld kB of huge pages, not %zu",
		     kb, len >> 10);
	ASSERT_EQ((int)(len / NP_PAGE_SIZE),
		  np_count_on_node(me, p, len / NP_PAGE_SIZE, 0));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1", (unsigned long)p,
		 (unsigned long)p + len);
	ASSERT_EQ(0, write_maps(me, cmd));
	ASSERT_EQ((int)(len / NP_PAGE_SIZE),
		  np_count_on_node(me, p, len / NP_PAGE_SIZE, 1));
	/* Moved as huge pages, not split. */
	ASSERT_EQ((long)(len >> 10), anon_huge_kb(p));
	munmap(raw, len + huge);
}

/*
 * A limit counts base pages moved, not folios: with 4 huge pages on node 0,
 * the first one pinned (a pipe holds a reference on it, so it cannot
 * move), "N0(1024)>1" moves the next two whole (1,024 base pages) and
 * leaves the pinned one and the last one. The limit used to be charged the
 * number of folios that failed, not their base pages: the pinned huge
 * page cost 1 and 511 pages of the limit were taken as moved.
 */
TEST(migration_limit_counts_base_pages)
{
	const char *thp = "/sys/kernel/mm/transparent_hugepage/enabled";
	const size_t huge = 2UL << 20, len = 4 * huge;
	const int hp = huge / NP_PAGE_SIZE;
	pid_t me = getpid();
	char cmd[128], *raw, *p;
	struct iovec iov;
	int pfd[2];
	long kb;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (access(thp, F_OK))
		SKIP(return, "no transparent huge pages");
	raw = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
	if (madvise(p, len, MADV_HUGEPAGE))
		ASSERT_EQ(0, np_write_file(thp, "always"));
	ASSERT_EQ(0, self_on_node0(p, len, true));
	np_write_file(thp, "madvise");
	kb = anon_huge_kb(p);
	if (kb != (long)(len >> 10))
		SKIP(return, "node 0 gave %ld kB of huge pages, not %zu",
		     kb, len >> 10);
	/* Pin the first huge page: the pipe holds a reference on it. */
	ASSERT_EQ(0, pipe(pfd));
	iov.iov_base = p;
	iov.iov_len = 64;
	ASSERT_EQ(64, vmsplice(pfd[1], &iov, 1, 0));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0(%d)>1", (unsigned long)p,
		 (unsigned long)p + len, 2 * hp);
	ASSERT_EQ(0, write_maps(me, cmd));
	EXPECT_EQ(hp, np_count_on_node(me, p, hp, 0));
	EXPECT_EQ(2 * hp, np_count_on_node(me, p + huge, 2 * hp, 1));
	EXPECT_EQ(hp, np_count_on_node(me, p + 3 * huge, hp, 0));
	close(pfd[0]);
	close(pfd[1]);
	munmap(raw, len + huge);
}

#define HUGETLB_NR(node) \
	"/sys/devices/system/node/node" #node "/hugepages/hugepages-2048kB/nr_hugepages"

/* hugetlb pages move too, into the target node's pool. */
TEST(migration_of_hugetlb)
{
	const size_t len = 4UL << 20;
	const int npages = len / NP_PAGE_SIZE;
	pid_t me = getpid();
	char cmd[128], *p;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (np_write_file(HUGETLB_NR(0), "2") || np_write_file(HUGETLB_NR(1), "2"))
		SKIP(return, "no 2 MiB hugetlb pages");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, self_on_node0(p, len, true));
	ASSERT_EQ(npages, np_count_on_node(me, p, npages, 0));
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1", (unsigned long)p,
		 (unsigned long)p + len);
	ASSERT_EQ(0, write_maps(me, cmd));
	ASSERT_EQ(npages, np_count_on_node(me, p, npages, 1));
	munmap(p, len);
	np_write_file(HUGETLB_NR(0), "0");
	np_write_file(HUGETLB_NR(1), "0");
}

/* ---- defects found by review ---------------------------------------------- */

/*
 * Input is never dropped silently: a last line without its newline, still
 * pending when the file is closed, is applied then, or close(2) fails with
 * EINVAL.
 */
TEST_F(maps, unterminated_last_line_applied_at_close)
{
	char path[64], cmd[256], buf[512];
	const char *line;
	int fd, n, rc;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	n = snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1\n%lx-%lx bind:2",
		     self->a, self->a + PG(16), self->a + PG(32),
		     self->a + PG(48));
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(n, write(fd, cmd, n));
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a, buf,
					 sizeof(buf)), "bind:1"));
	rc = close(fd);
	if (rc) {
		ASSERT_EQ(EINVAL, errno);
		TH_LOG("close(2) failed with EINVAL: the last line was refused");
		return;
	}
	line = maps_line(self->t.pid, self->a + PG(32), buf, sizeof(buf));
	ASSERT_TRUE(has_policy(line, "bind:2"))
		TH_LOG("close(2) returned 0, the last line is not in force: %s",
		       *line ? line : "no VMA starts at its address");
	ASSERT_TRUE(has_policy(maps_line(self->t.pid, self->a + PG(16), buf,
					 sizeof(buf)), "default"));
}

/*
 * The pending last line is applied at the last close of the file only: not
 * when a dup(2) of the descriptor is closed, nor when a child that
 * inherited it exits. A newline written later completes it too.
 */
TEST_F(maps, pending_line_waits_for_last_close)
{
	char path[64], cmd[256], buf[512];
	unsigned long a = self->a;
	int fd, fd2, n, status;
	pid_t child;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	/* B, the second line, is pending. */
	n = snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1\n%lx-%lx bind:2",
		     a, a + PG(16), a + PG(32), a + PG(48));
	ASSERT_EQ(n, write(fd, cmd, n));
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a, buf, sizeof(buf)),
			       "bind:1")) TH_LOG("%s", buf);
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(32), buf,
					       sizeof(buf)), "default"))
		TH_LOG("B applied before it was complete: %s", buf);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(fd2));
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(32), buf,
					       sizeof(buf)), "default"))
		TH_LOG("B applied when a dup(2) was closed: %s", buf);
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(32), buf,
					       sizeof(buf)), "default"))
		TH_LOG("B applied when a child's copy was closed: %s", buf);
	/* Its newline completes B. */
	ASSERT_EQ(1, write(fd, "\n", 1));
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(32), buf,
					       sizeof(buf)), "bind:2"))
		TH_LOG("B not applied by its newline: %s", buf);
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(16), buf,
					       sizeof(buf)), "default"));

	/*
	 * C, pending after an empty line (a write with no newline at all
	 * is a line of its own): applied by the last close.
	 */
	n = snprintf(cmd, sizeof(cmd), "\n%lx-%lx bind:3", a + PG(48),
		     a + PG(NPAGES));
	ASSERT_EQ(n, write(fd, cmd, n));
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(fd2));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(48), buf,
					       sizeof(buf)), "default"))
		TH_LOG("C applied before the last close: %s", buf);
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(48), buf,
					       sizeof(buf)), "bind:3"))
		TH_LOG("C not applied at the last close: %s", buf);
	ASSERT_TRUE(has_policy(np_maps_line_at(self->t.pid, a + PG(32), buf,
					       sizeof(buf)), "bind:2"));
}

/* A NUL byte anywhere is EINVAL, a pending last line included. */
TEST_F(maps, nul_in_pending_line_einval)
{
	char path[64], cmd[256], buf[512];
	int fd, n, rc, werr, cerr;
	ssize_t w, w2;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	/* "...bi\0nd:2" as the unfinished last line. */
	n = snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1\n%lx-%lx bi#nd:2",
		     self->a, self->a + PG(16), self->a + PG(32),
		     self->a + PG(48));
	*strchr(cmd, '#') = '\0';
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	w = write(fd, cmd, n);
	werr = errno;
	rc = close(fd);
	cerr = errno;
	ASSERT_TRUE((w == -1 && werr == EINVAL) || (rc == -1 && cerr == EINVAL))
		TH_LOG("write: %zd (%s), close: %d (%s)", w,
		       w < 0 ? strerror(werr) : "-", rc,
		       rc ? strerror(cerr) : "-");

	/* A valid line with a NUL after it, completed by a later write. */
	n = snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1\n%lx-%lx bind:2#",
		     self->a, self->a + PG(16), self->a + PG(32),
		     self->a + PG(48));
	*strchr(cmd, '#') = '\0';
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	w = write(fd, cmd, n);
	werr = errno;
	w2 = write(fd, "\n", 1);
	if (w2 < 0)
		werr = errno;
	rc = close(fd);
	cerr = errno;
	ASSERT_TRUE(((w == -1 || w2 == -1) && werr == EINVAL) ||
		    (rc == -1 && cerr == EINVAL))
		TH_LOG("write: %zd, write of the newline: %zd (%s), close: %d (%s)",
		       w, w2, strerror(werr), rc, rc ? strerror(cerr) : "-");
	ASSERT_FALSE(has_policy(maps_line(self->t.pid, self->a + PG(32), buf,
					  sizeof(buf)), "bind:2"));
}

/*
 * N1>1-2: the pages on node 1 are spread over nodes 1 and 2, so about half
 * of them move to node 2 (a page that is to stay where it is counts as
 * placed).
 */
TEST_F(maps, migration_spread_over_source_node)
{
	char cmd[128];
	int on1, on2;

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:1"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 1));
	snprintf(cmd, sizeof(cmd), "%lx N1>1-2", self->a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	on1 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 1);
	on2 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 2);
	TH_LOG("node 1: %d pages, node 2: %d pages", on1, on2);
	ASSERT_EQ(NPAGES, on1 + on2);
	ASSERT_GE(on2, NPAGES * 3 / 8);
	ASSERT_LE(on2, NPAGES * 5 / 8);
	/* Over three nodes, one of them the source. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx N1-2>0-2", self->a,
		 self->a + PG(NPAGES));
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	on2 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 0);
	TH_LOG("then node 0: %d pages", on2);
	ASSERT_GE(on2, NPAGES / 4);
}

/* Another fixture: targets, cgroups and numapol.timeout_ms put back. */
FIXTURE(mx) {
	struct target t, t2;
	struct mt_target mt;
	pid_t child;
	int timeout;
	char cg[128];
};

FIXTURE_SETUP(mx)
{
	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes (tests/vm/run --nodes 4)");
	self->timeout = np_timeout_get();
}

/* In the harness's process after a failed ASSERT: see np_kill_reap(). */
FIXTURE_TEARDOWN_PARENT(mx)
{
	if (self->timeout > 0)
		np_timeout_set(self->timeout);
	np_kill_reap(&self->t.pid);
	np_kill_reap(&self->t2.pid);
	np_kill_reap(&self->mt.pid);
	np_kill_reap(&self->child);
	if (self->cg[0])
		np_cgroup_remove(self->cg);
}

/*
 * Write text to pid's numa_maps as uid (0: stay root), without
 * CAP_SYS_NICE unless nice: 0 or the errno; -1 when that went wrong.
 */
static int write_maps_as(uid_t uid, bool nice, pid_t pid, const char *text)
{
	int status;
	pid_t w = fork();

	if (w < 0)
		return -1;
	if (!w) {
		if (uid && become(uid))
			_exit(255);
		if (!nice && drop_cap(CAP_SYS_NICE))
			_exit(255);
		_exit(-write_maps(pid, text));
	}
	if (waitpid(w, &status, 0) != w || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Migration obeys migrate_pages(2)'s rule: the destination must be in the
 * target's cpuset unless the writer has CAP_SYS_NICE. A same-uid writer
 * (or root without CAP_SYS_NICE) moving the pages of a target confined to
 * node 0 to node 1: EPERM (or EINVAL), and no page moves.
 */
TEST_F(mx, migration_outside_target_cpuset)
{
	char cmd[128], range[128];
	unsigned long a;
	int ret;

	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ret = np_cpuset_make("numapol-mig", "0", self->cg, sizeof(self->cg));
	if (ret == -1)
		SKIP(return, "no cpuset controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, target_start_as(&self->t, 0, false, 1000));
	ASSERT_EQ(0, np_cgroup_enter(self->cg, self->t.pid));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	a = (unsigned long)self->t.region;
	snprintf(cmd, sizeof(cmd), "%lx N0>1", a);
	snprintf(range, sizeof(range), "%lx-%lx N0(8)>1-2", a, a + PG(NPAGES));

	ret = write_maps_as(1000, false, self->t.pid, cmd);
	ASSERT_TRUE(ret == EPERM || ret == EINVAL)
		TH_LOG("uid 1000: \"%s\": %s", cmd, ret > 0 ? strerror(ret) :
		       ret ? "failed" : "accepted");
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	ret = write_maps_as(1000, false, self->t.pid, range);
	ASSERT_TRUE(ret == EPERM || ret == EINVAL)
		TH_LOG("uid 1000: \"%s\": %s", range, ret > 0 ? strerror(ret) :
		       ret ? "failed" : "accepted");
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));

	/* Root's own process, root without CAP_SYS_NICE: the same. */
	ASSERT_EQ(0, target_start(&self->t2, 0));
	ASSERT_EQ(0, np_cgroup_enter(self->cg, self->t2.pid));
	ASSERT_EQ(0, target_do(&self->t2, 'T'));
	snprintf(cmd, sizeof(cmd), "%lx N0>3", (unsigned long)self->t2.region);
	ret = write_maps_as(0, false, self->t2.pid, cmd);
	ASSERT_TRUE(ret == EPERM || ret == EINVAL)
		TH_LOG("root without CAP_SYS_NICE: %s", ret > 0 ?
		       strerror(ret) : ret ? "failed" : "accepted");
	ASSERT_EQ(NPAGES, np_count_on_node(self->t2.pid, self->t2.region,
					   NPAGES, 0));

	/* With CAP_SYS_NICE: allowed, as migrate_pages(2). */
	ASSERT_EQ(0, write_maps(self->t.pid, range));
	ASSERT_EQ(8, np_count_on_node(self->t.pid, self->t.region, NPAGES, 1) +
		     np_count_on_node(self->t.pid, self->t.region, NPAGES, 2));
	snprintf(cmd, sizeof(cmd), "%lx N0>1", a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	ASSERT_EQ(0, np_count_on_node(self->t.pid, self->t.region, NPAGES, 0));
}

/*
 * Write text to pid's numa_maps from a child (root, CAP_SYS_NICE) that is
 * in the cgroup at cg, whose cpuset.mems must read mems: 0 or the errno;
 * -1 when that went wrong.
 */
static int write_maps_in(const char *cg, const char *mems, pid_t pid,
			 const char *text)
{
	char buf[4096], *p;
	int status;
	pid_t w = fork();

	if (w < 0)
		return -1;
	if (!w) {
		if (np_cgroup_enter(cg, getpid()) ||
		    np_read_file("/proc/self/status", buf, sizeof(buf)) <= 0)
			_exit(255);
		p = strstr(buf, "\nMems_allowed_list:");
		if (!p)
			_exit(255);
		p += 19;
		p += strspn(p, " \t");
		if (strncmp(p, mems, strlen(mems)) || p[strlen(mems)] != '\n')
			_exit(255);
		_exit(-write_maps(pid, text));
	}
	if (waitpid(w, &status, 0) != w || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * migrate_pages(2) fails with EINVAL when none of the destination nodes
 * is in the caller's own cpuset (no page could be placed there): so does
 * a migration line. A writer in a cpuset of node 0, with CAP_SYS_NICE,
 * moving the target's pages from node 2 to node 1: EINVAL, and nothing
 * moves. Nodes 0-1 are accepted: the pages go to node 0, the one the
 * writer may use.
 */
TEST_F(mx, migration_outside_writer_cpuset)
{
	char cmd[128];
	unsigned long a;
	int ret;

	ret = np_cpuset_make("numapol-writer", "0", self->cg, sizeof(self->cg));
	if (ret == -1)
		SKIP(return, "no cpuset controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, target_start(&self->t, 0));
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:2"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 2));
	a = (unsigned long)self->t.region;

	snprintf(cmd, sizeof(cmd), "%lx N2>1", a);
	ret = write_maps_in(self->cg, "0", self->t.pid, cmd);
	ASSERT_EQ(EINVAL, ret)
		TH_LOG("writer in cpuset 0: \"%s\": %s", cmd, ret > 0 ?
		       strerror(ret) : ret ? "set-up failed" : "accepted");
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 2));

	snprintf(cmd, sizeof(cmd), "%lx N2(8)>0-1", a);
	ASSERT_EQ(0, write_maps_in(self->cg, "0", self->t.pid, cmd));
	ASSERT_EQ(8, np_count_on_node(self->t.pid, self->t.region, NPAGES, 0));
	ASSERT_EQ(NPAGES - 8, np_count_on_node(self->t.pid, self->t.region,
					       NPAGES, 2));
}

/*
 * A process of uid 1000 and its child map the same MAP_SHARED|MAP_ANONYMOUS
 * pages, placed on node 0; the process also has private pages on node 0.
 * Returns the process's pid (its child dies with it), or -1; *shared and
 * *priv are the regions (NPAGES pages each), *kid the child's pid.
 */
static pid_t start_sharing_pair(uid_t uid, char **shared, char **priv,
				pid_t *kid)
{
	char *s = mmap(NULL, PG(NPAGES), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *p = np_map(NPAGES);
	unsigned long mask = 1;
	int up[2], mid[2];
	pid_t pid;

	if (s == MAP_FAILED || !p || pipe(up) || pipe(mid))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		pid_t k, me;
		char c;

		close(up[0]);
		if (uid && become(uid))
			_exit(1);
		prctl(PR_SET_DUMPABLE, 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (np_mbind(s, PG(NPAGES), MPOL_BIND, &mask, sizeof(mask) * 8, 0))
			_exit(1);
		np_touch(s, NPAGES);
		k = fork();
		if (k < 0)
			_exit(1);
		if (!k) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* Map every shared page too. */
			np_touch(s, NPAGES);
			if (write(mid[1], "m", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		/* Private pages, made after the fork: this process's alone. */
		if (np_mbind(p, PG(NPAGES), MPOL_BIND, &mask, sizeof(mask) * 8, 0))
			_exit(1);
		np_touch(p, NPAGES);
		me = getpid();
		if (read(mid[0], &c, 1) != 1 ||
		    write(up[1], &k, sizeof(k)) != sizeof(k) ||
		    write(up[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		for (;;)
			pause();
	}
	close(up[1]);
	close(mid[0]);
	close(mid[1]);
	/* Once every page is made: the child's pid, then the process's. */
	if (read(up[0], kid, sizeof(*kid)) != sizeof(*kid) ||
	    read(up[0], &pid, sizeof(pid)) != sizeof(pid)) {
		close(up[0]);
		return -1;
	}
	close(up[0]);
	munmap(s, PG(NPAGES));	/* the test itself maps none of them */
	*shared = s;
	*priv = p;
	return pid;
}

/*
 * With CAP_SYS_NICE a migration line also moves pages that other processes
 * map (MPOL_MF_MOVE_ALL, as migrate_pages(2) does for such a caller);
 * without it, only the pages the target alone maps move.
 */
TEST_F(mx, migration_of_shared_pages_needs_cap_sys_nice)
{
	char *shared, *priv, cmd[256];
	unsigned long s, p;
	pid_t kid;
	int ret;

	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	self->child = start_sharing_pair(1000, &shared, &priv, &kid);
	ASSERT_LT(0, self->child);
	ASSERT_EQ(NPAGES, np_count_on_node(self->child, shared, NPAGES, 0));
	ASSERT_EQ(NPAGES, np_count_on_node(kid, shared, NPAGES, 0))
		TH_LOG("the child does not map the shared pages");
	ASSERT_EQ(NPAGES, np_count_on_node(self->child, priv, NPAGES, 0));
	s = (unsigned long)shared;
	p = (unsigned long)priv;

	/* Its own user, without CAP_SYS_NICE: the private pages only. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1\n%lx-%lx N0>1\n",
		 s, s + PG(NPAGES), p, p + PG(NPAGES));
	ret = write_maps_as(1000, false, self->child, cmd);
	ASSERT_EQ(0, ret) TH_LOG("uid 1000: %s", ret > 0 ? strerror(ret) :
				 "set-up failed");
	ASSERT_EQ(NPAGES, np_count_on_node(self->child, priv, NPAGES, 1));
	ASSERT_EQ(NPAGES, np_count_on_node(self->child, shared, NPAGES, 0))
		TH_LOG("pages mapped by another process moved without CAP_SYS_NICE");

	/* Root, with CAP_SYS_NICE: the shared ones too. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>1\n", s, s + PG(NPAGES));
	ASSERT_EQ(0, write_maps(self->child, cmd));
	ASSERT_EQ(NPAGES, np_count_on_node(self->child, shared, NPAGES, 1))
		TH_LOG("%d of %d shared pages still on node 0",
		       np_count_on_node(self->child, shared, NPAGES, 0), NPAGES);
	ASSERT_EQ(NPAGES, np_count_on_node(kid, shared, NPAGES, 1));
}

/* MemAvailable, in kB; -1 when unreadable. */
static long mem_available_kb(void)
{
	char buf[4096], *p;

	if (np_read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "MemAvailable:");
	return p ? atol(p + 13) : -1;
}

/*
 * The kernel memory a write uses is proportional to the lines it really
 * holds: 4 MiB of one line and empty lines must not cost hundreds of MiB
 * (one array slot per newline). The target is stopped, so the write waits
 * (numapol.timeout_ms, 3 s here) with whatever it allocated, then fails
 * with EAGAIN; MemAvailable is sampled all along.
 */
TEST_F_TIMEOUT(mx, newline_lines_cost_no_memory, 60)
{
	const size_t len = 4UL << 20;
	long before, low, now;
	char *buf, path[64];
	int status, n;
	pid_t w;

	ASSERT_LT(0, self->timeout);
	ASSERT_EQ(0, target_start(&self->t, 0));
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	memset(buf, '\n', len);
	n = snprintf(path, sizeof(path), "%lx bind:1",
		     (unsigned long)self->t.region);
	memcpy(buf, path, n);
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	ASSERT_EQ(0, np_timeout_set(3000));
	ASSERT_LT(0, self->t.pid);
	ASSERT_EQ(0, kill(self->t.pid, SIGSTOP));
	before = mem_available_kb();
	ASSERT_LT(0, before);
	low = before;
	w = fork();
	ASSERT_LE(0, w);
	if (!w) {
		int fd = open(path, O_WRONLY);

		if (fd < 0)
			_exit(200);
		_exit(write(fd, buf, len) == (ssize_t)len ? 0 : errno);
	}
	self->child = w;
	while (waitpid(w, &status, WNOHANG) == 0) {
		now = mem_available_kb();
		if (now > 0 && now < low)
			low = now;
	}
	self->child = 0;
	kill(self->t.pid, SIGCONT);
	TH_LOG("MemAvailable: %ld kB before, %ld kB at the lowest", before, low);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(EAGAIN, WEXITSTATUS(status));
	ASSERT_LT(before - low, 64L << 10);
	free(buf);
}

/*
 * "START-END bind:1 move": the pages are migrated without using a target
 * thread as the migration engine. The target sleeps in read(2); its system
 * time while 96 MiB move under "bind:1 move" must stay well below what
 * moving them costs (measured first with "N0>2", which the writer does).
 */
TEST_F_TIMEOUT(mx, move_does_not_use_target_thread, 120)
{
	/* 96 MiB: node 0 of the test VM has ~165 MiB free (debug kernel). */
	const int n = (96 << 20) / NP_PAGE_SIZE;
	struct rusage r0, r1, r2, r3;
	long s0, s1, s2, s3, base_us, move_us, target_us, clk;
	int ready[2], hold[2];
	char cmd[128], c;
	unsigned long a;
	pid_t pid;
	char *p;

	p = np_map(n);
	ASSERT_NE(NULL, p);
	a = (unsigned long)p;
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	/* self is shared with the child: fork() into a local. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned long mask = 1;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(hold[1]);
		if (np_mbind(p, PG(n), MPOL_BIND, &mask, sizeof(mask) * 8, 0))
			_exit(1);
		np_touch(p, n);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		_exit(read(hold[0], &c, 1) < 0);
	}
	self->child = pid;
	close(hold[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(n, np_count_on_node(self->child, p, n, 0));
	clk = sysconf(_SC_CLK_TCK);

	/* What moving them costs, in the writer's context. */
	snprintf(cmd, sizeof(cmd), "%lx-%lx N0>2", a, a + PG(n));
	ASSERT_EQ(0, getrusage(RUSAGE_THREAD, &r0));
	s0 = np_thread_stime(self->child, self->child);
	ASSERT_EQ(0, write_maps(self->child, cmd));
	s1 = np_thread_stime(self->child, self->child);
	ASSERT_EQ(0, getrusage(RUSAGE_THREAD, &r1));
	ASSERT_EQ(n, np_count_on_node(self->child, p, n, 2));
	base_us = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000L +
		  r1.ru_stime.tv_usec - r0.ru_stime.tv_usec;

	snprintf(cmd, sizeof(cmd), "%lx-%lx bind:1 move", a, a + PG(n));
	ASSERT_EQ(0, getrusage(RUSAGE_THREAD, &r2));
	s2 = np_thread_stime(self->child, self->child);
	ASSERT_EQ(0, write_maps(self->child, cmd));
	s3 = np_thread_stime(self->child, self->child);
	ASSERT_EQ(0, getrusage(RUSAGE_THREAD, &r3));
	ASSERT_EQ(n, np_count_on_node(self->child, p, n, 1));
	move_us = (r3.ru_stime.tv_sec - r2.ru_stime.tv_sec) * 1000000L +
		  r3.ru_stime.tv_usec - r2.ru_stime.tv_usec;
	target_us = (s3 - s2) * 1000000L / clk;
	TH_LOG("N0>2: writer %ld ms, target %ld ms; bind:1 move: writer %ld ms, target %ld ms",
	       base_us / 1000, (s1 - s0) * 1000L / clk, move_us / 1000,
	       target_us / 1000);
	ASSERT_LE(0, s0);
	if (base_us < 50000)
		SKIP(return, "migrating %d pages took only %ld ms: too fast to tell",
		     n, base_us / 1000);
	ASSERT_LT(target_us * 4, base_us);
}

/*
 * A process whose main thread has exited: its numa_maps works through a
 * live thread (policy lines and migrations).
 */
TEST_F(mx, main_thread_exited)
{
	struct mt_target *t = &self->mt;
	char path[64], cmd[128];
	unsigned long mask;
	int fd, n, mode;

	ASSERT_EQ(0, mt_start(t, 3));
	ASSERT_EQ(0, mt_exit_main(t));
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", t->pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd) TH_LOG("open(%s, O_WRONLY): %s", path, strerror(errno));
	n = snprintf(cmd, sizeof(cmd), "%lx bind:2\n", (unsigned long)t->region);
	ASSERT_EQ(n, write(fd, cmd, n)) TH_LOG("write: %s", strerror(errno));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, mt_policy(t, 1, 'A', &mode, &mask));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(1UL << 2, mask);
	ASSERT_EQ(0, mt_do(t, 1, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->tid[1], t->region, NPAGES, 2));
	snprintf(cmd, sizeof(cmd), "%lx N2>3", (unsigned long)t->region);
	ASSERT_EQ(0, write_maps(t->pid, cmd));
	ASSERT_EQ(NPAGES, np_count_on_node(t->tid[1], t->region, NPAGES, 3));
}

/*
 * A VMA policy with static nodes outside the target's cpuset (nodes 1-2):
 * accepted, as mbind(2) accepts it.
 */
TEST_F(mx, static_nodes_outside_cpuset)
{
	char cmd[128], buf[512];
	unsigned long a;
	int ret;

	ret = np_cpuset_make("numapol-static", "1-2", self->cg,
			     sizeof(self->cg));
	if (ret == -1)
		SKIP(return, "no cpuset controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, target_start(&self->t, 0));
	ASSERT_EQ(0, np_cgroup_enter(self->cg, self->t.pid));
	a = (unsigned long)self->t.region;
	snprintf(cmd, sizeof(cmd), "%lx bind=static:0-3", a);
	ASSERT_EQ(0, write_maps(self->t.pid, cmd));
	maps_line(self->t.pid, a, buf, sizeof(buf));
	ASSERT_TRUE(has_policy(buf, "bind=static:0-3") ||
		    has_policy(buf, "bind=static:1-2")) TH_LOG("%s", buf);
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region, NPAGES, 1) +
			  np_count_on_node(self->t.pid, self->t.region, NPAGES, 2));
}

/*
 * The LSM is asked at each write, as migrate_pages(2) asks it at each call
 * (security_task_movememory()), not only when the file was opened: with a
 * BPF LSM program denying the hook to this process, a migration line, a
 * policy line with move and a new open all fail with the LSM's error and
 * change nothing; migrate_pages(2) is denied alike (the program works).
 * Once the program is gone, the same descriptor moves the pages.
 */
TEST_F(mx, lsm_denial_checked_at_each_write)
{
	unsigned long from = 1UL << 0, to = 1UL << 1;
	char path[64], cmd[128], buf[512];
	int fd, link;
	unsigned long a;

	if (!np_bpf_lsm_available())
		SKIP(return, "no BPF LSM or no vmlinux BTF");
	ASSERT_EQ(0, target_start(&self->t, 0));
	a = (unsigned long)self->t.region;
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);

	link = np_bpf_lsm_deny("task_movememory", EPERM);
	ASSERT_LE(0, link) TH_LOG("BPF LSM program: %s", strerror(-link));
	ASSERT_EQ(-1, syscall(__NR_migrate_pages, self->t.pid, 8, &from, &to));
	ASSERT_EQ(EPERM, errno);
	snprintf(cmd, sizeof(cmd), "%lx N0>1\n", a);
	ASSERT_EQ(-1, write(fd, cmd, strlen(cmd)));
	ASSERT_EQ(EPERM, errno);
	snprintf(cmd, sizeof(cmd), "%lx bind:2 move\n", a);
	ASSERT_EQ(-1, write(fd, cmd, strlen(cmd)));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, open(path, O_WRONLY));
	ASSERT_EQ(EPERM, errno);
	maps_line(self->t.pid, a, buf, sizeof(buf));
	ASSERT_TRUE(has_policy(buf, "bind:0")) TH_LOG("%s", buf);

	/* Gone: move_pages(2), which counts the pages, is allowed again. */
	close(link);
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 0));
	snprintf(cmd, sizeof(cmd), "%lx N0>1\n", a);
	ASSERT_EQ((ssize_t)strlen(cmd), write(fd, cmd, strlen(cmd)));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 1));
	close(fd);
}

TEST(file_mode_0644)
{
	struct stat st;
	char path[64];

	ASSERT_EQ(0, stat("/proc/self/numa_maps", &st));
	ASSERT_EQ(0644, st.st_mode & 0777);
	snprintf(path, sizeof(path), "/proc/self/task/%d/numa_maps", getpid());
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_EQ(0644, st.st_mode & 0777);
}

TEST_HARNESS_MAIN
