// SPDX-License-Identifier: GPL-2.0
/*
 * The configfs control plane, /sys/kernel/config/numapol/: policy groups
 * bound to processes and address ranges. Every test checks the effect on
 * the target: /proc/<pid>/numa_policy of each thread, /proc/<pid>/numa_maps,
 * and where new (or moved) pages land, through move_pages(2). The race
 * tests run for several seconds; the debug kernel's lockdep, KASAN and
 * kmemleak reports make them fail (tests/run-all treats a splat as such).
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "target.h"

#define CFS		"/sys/kernel/config/numapol"

/* ---- configfs helpers ---------------------------------------------------- */

/*
 * Short-lived strings for one assertion: a ring of buffers, so that a path
 * and the value read from it can be used in the same expression.
 */
static char *scratch(void)
{
	static char ring[8][512];
	static unsigned int next;

	return ring[next++ % 8];
}

/* A path under CFS, printf-style. */
static const char *cfsp(const char *fmt, ...)
{
	char *buf = scratch();
	va_list ap;
	int n;

	n = snprintf(buf, 512, "%s/", CFS);
	va_start(ap, fmt);
	vsnprintf(buf + n, 512 - n, fmt, ap);
	va_end(ap);
	return buf;
}

/* 0 or -errno */
static int cfs_mkdir(const char *path)
{
	return mkdir(path, 0755) ? -errno : 0;
}

static int cfs_rmdir(const char *path)
{
	return rmdir(path) ? -errno : 0;
}

/* An attribute's value without its newline; "" when unreadable. */
static const char *cfs_read(const char *path, char *buf, size_t size)
{
	int n = np_read_file(path, buf, size);

	if (n <= 0)
		return "";
	if (buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return buf;
}

#define CFS_READ(path)	cfs_read(path, scratch(), 512)

/* Remove a group and every binding in it, whatever state it is in. */
static void cfs_destroy(const char *group)
{
	static const char * const sub[] = { "tasks", "ranges" };
	char dir[512], path[1024];
	struct dirent *d;
	unsigned int i;
	DIR *dh;

	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/%s/%s", CFS, group, sub[i]);
		dh = opendir(dir);
		if (!dh)
			continue;
		while ((d = readdir(dh))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			rmdir(path);
		}
		closedir(dh);
	}
	snprintf(dir, sizeof(dir), "%s/%s", CFS, group);
	rmdir(dir);
}

static const char *task_policy(pid_t pid, pid_t tid, char *buf, size_t size)
{
	char path[64];

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/numa_policy",
			 pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
	return cfs_read(path, buf, size);
}

#define TASK_POLICY(pid, tid)	task_policy(pid, tid, scratch(), 512)

/* Number of threads of @pid whose policy is not @want (-1: none listed). */
static int threads_not(pid_t pid, const char *want)
{
	pid_t tids[MAX_THREADS];
	int i, n, bad = 0;

	n = list_tids(pid, tids, MAX_THREADS);
	if (n <= 0)
		return -1;
	for (i = 0; i < n; i++)
		bad += !thread_has_policy(pid, tids[i], want);
	return bad;
}

/*
 * The policy numa_maps shows for the VMA that holds @addr (the line with
 * the highest start not above it); "" when not found.
 */
static const char *vma_policy(pid_t pid, void *addr, char *out, size_t size)
{
	static char buf[1 << 16];
	unsigned long start, best = 0;
	char path[64], pol[128], *line;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	n = np_read_file(path, buf, sizeof(buf));
	*out = 0;
	if (n <= 0)
		return out;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%lx %127s", &start, pol) != 2)
			continue;
		if (start <= (unsigned long)addr && start >= best) {
			best = start;
			snprintf(out, size, "%s", pol);
		}
	}
	return out;
}

#define VMA_POLICY(pid, addr)	vma_policy(pid, addr, scratch(), 512)

static int write_num(const char *path, const char *fmt, unsigned long v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return np_write_file(path, buf);
}

/* ---- fixture: group "fast", one target with three threads --------------- */

FIXTURE(cfs) {
	struct target t;
};

FIXTURE_SETUP(cfs)
{
	struct stat st;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes (tests/vm/run --nodes 4)");
	if (stat(CFS, &st))
		SKIP(return, "no %s (CONFIG_NUMAPOL_CONFIGFS, configfs mounted?)",
		     CFS);
	cfs_destroy("fast");
	cfs_destroy("slow");
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast")));
	ASSERT_EQ(0, target_start(&self->t, 3));
}

FIXTURE_TEARDOWN(cfs)
{
	target_stop(&self->t);
	cfs_destroy("fast");
	cfs_destroy("slow");
}

TEST_F(cfs, group_defaults)
{
	struct stat st;

	ASSERT_STREQ("default", CFS_READ(cfsp("fast/policy")));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/move")));
	ASSERT_EQ(0, stat(cfsp("fast/tasks"), &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(0, stat(cfsp("fast/ranges"), &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(0, np_write_file(cfsp("fast/move"), "1\n"));
	ASSERT_STREQ("1", CFS_READ(cfsp("fast/move")));
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/move"), "2"));
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/move"), "yes"));
	ASSERT_STREQ("1", CFS_READ(cfsp("fast/move")));
	/* Default groups cannot be removed; the group can. */
	ASSERT_NE(0, cfs_rmdir(cfsp("fast/tasks")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast")));
	ASSERT_NE(0, stat(cfsp("fast"), &st));
}

/* Every accepted form reads back as numa_maps shows it; bad ones: EINVAL. */
TEST_F(cfs, policy_strings)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "prefer=1", "prefer:1" },
		{ "interleave={2,3}\n", "interleave:2-3" },
		{ "bind=0,2-3", "bind:0,2-3" },
		{ "preferred-many=1,3", "prefer (many):1,3" },
		{ "weighted_interleave:0-3", "weighted interleave:0-3" },
		{ "bind=static|balancing:0-1", "bind=static|balancing:0-1" },
		{ "Local", "local" },
		{ "interleave:all", "interleave:all" },
		{ "prefer:1", "prefer:1" },
	};
	static const char * const bad[] = {
		"\n", "bogus", "prefer", "prefer=0-1", "bind=3/normal",
		"bind:7", "bind=static|relative:0", "interleave=balancing:0-1",
		"default:1", "bind:0,,1", " bind:0", "bind:0\n\n", "prefer=all",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), ok[i].in))
			TH_LOG("%s", ok[i].in);
		ASSERT_STREQ(ok[i].out, CFS_READ(cfsp("fast/policy")));
	}
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "prefer:1"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/policy"), bad[i]))
			TH_LOG("\"%s\"", bad[i]);
		ASSERT_STREQ("prefer:1", CFS_READ(cfsp("fast/policy")));
		ASSERT_STREQ("bound",
			     CFS_READ(cfsp("fast/tasks/%d/state", self->t.pid)));
	}
	ASSERT_EQ(0, threads_not(self->t.pid, "prefer:1"));
	ASSERT_EQ(0, target_do(&self->t, '0'));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(self->t.pid,
						target_chunk(&self->t, 0),
						CHUNK_PAGES, 1));
}

/* The seed's example, through a group: bind, then change the group live. */
TEST_F(cfs, bind_task_and_change_live)
{
	pid_t pid = self->t.pid;

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", pid)));
	ASSERT_EQ(0, threads_not(pid, "prefer:1"));
	ASSERT_EQ(0, target_do(&self->t, '0'));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, target_chunk(&self->t, 0), CHUNK_PAGES, 1));

	/* In force for every thread when write() returns. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:3"));
	ASSERT_EQ(0, threads_not(pid, "bind:3"));
	ASSERT_EQ(0, target_do(&self->t, '1'));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, target_chunk(&self->t, 1), CHUNK_PAGES, 3));

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "interleave:0,2"));
	ASSERT_EQ(0, threads_not(pid, "interleave:0,2"));
	ASSERT_EQ(0, target_do(&self->t, '2'));
	ASSERT_EQ(CHUNK_PAGES / 2,
		  np_count_on_node(pid, target_chunk(&self->t, 2),
				   CHUNK_PAGES, 0));
	ASSERT_EQ(CHUNK_PAGES / 2,
		  np_count_on_node(pid, target_chunk(&self->t, 2),
				   CHUNK_PAGES, 2));
	/* Pages placed before stay where they are (no move for tasks). */
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, target_chunk(&self->t, 0), CHUNK_PAGES, 1));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", pid)));
}

TEST_F(cfs, rmdir_task_resets_default)
{
	pid_t pid = self->t.pid;

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(0, threads_not(pid, "bind:2"));
	/* A group with a binding cannot go. */
	ASSERT_EQ(-ENOTEMPTY, cfs_rmdir(cfsp("fast")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(0, threads_not(pid, "default"));
	/* And the group's later changes no longer reach it. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1"));
	ASSERT_EQ(0, threads_not(pid, "default"));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast")));
}

TEST_F(cfs, one_group_per_process)
{
	pid_t pid = self->t.pid;

	ASSERT_EQ(0, cfs_mkdir(cfsp("slow")));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, np_write_file(cfsp("slow/policy"), "prefer:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(-EBUSY, cfs_mkdir(cfsp("slow/tasks/%d", pid)));
	ASSERT_EQ(-EEXIST, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(0, threads_not(pid, "prefer:1"));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("slow/tasks/%d", pid)));
	ASSERT_EQ(0, threads_not(pid, "prefer:2"));
}

TEST_F(cfs, bad_task_names)
{
	pid_t tids[MAX_THREADS], other = 0;
	int i, n;

	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/abc")));
	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/0")));
	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/-1")));
	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/0%d", self->t.pid)));
	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/%d ", self->t.pid)));
	ASSERT_EQ(-ESRCH, cfs_mkdir(cfsp("fast/tasks/%d", 4000000)));
	/* Kernel threads have no policy: kthreadd. */
	ASSERT_EQ(-EINVAL, cfs_mkdir(cfsp("fast/tasks/2")));
	/* A thread id is not a process id. */
	n = list_tids(self->t.pid, tids, MAX_THREADS);
	for (i = 0; i < n; i++)
		if (tids[i] != self->t.pid)
			other = tids[i];
	ASSERT_NE(0, other);
	ASSERT_EQ(-ESRCH, cfs_mkdir(cfsp("fast/tasks/%d", other)));
	ASSERT_EQ(0, threads_not(self->t.pid, "default"));
}

/* clone3() with set_tid: a new process with a chosen pid number. */
struct np_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
};

static pid_t spawn_with_pid(pid_t want)
{
	struct np_clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	long pid = syscall(__NR_clone3, &args, sizeof(args));

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* A binding names a process, not a number: it never passes to a new one. */
TEST_F(cfs, exited_and_recycled_pid)
{
	pid_t pid = self->t.pid, again;

	ASSERT_EQ(0, cfs_mkdir(cfsp("slow")));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	target_stop(&self->t);
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/tasks/%d/state", pid)));
	/* A policy write skips it, and succeeds. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));

	again = spawn_with_pid(pid);
	if (again < 0)
		SKIP(return, "clone3(set_tid): %s", strerror(errno));
	ASSERT_EQ(pid, again);
	ASSERT_STREQ("default", TASK_POLICY(pid, 0));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:3"));
	ASSERT_STREQ("default", TASK_POLICY(pid, 0));
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/tasks/%d/state", pid)));
	/* The new process is free to join another group... */
	ASSERT_EQ(0, np_write_file(cfsp("slow/policy"), "prefer:3"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("slow/tasks/%d", pid)));
	ASSERT_STREQ("prefer:3", TASK_POLICY(pid, 0));
	/* ...and removing the old binding does not reset it. */
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_STREQ("prefer:3", TASK_POLICY(pid, 0));
	ASSERT_EQ(0, cfs_rmdir(cfsp("slow/tasks/%d", pid)));
	ASSERT_STREQ("default", TASK_POLICY(pid, 0));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * A child that writes @policy to @group's "policy" and exits with the
 * write's errno (0 on success): its pid, or -1.
 */
static pid_t group_writer(const char *group, const char *policy)
{
	pid_t pid = fork();

	if (!pid)
		_exit(-np_write_file(cfsp("%s/policy", group), policy));
	return pid;
}

/*
 * One member cannot take the new policy (stopped): the write fails with
 * its error, that member reads "error 11", the members already changed
 * get the old policy back, and "policy" keeps the old value.
 */
TEST_F(cfs, failed_write_changes_nothing)
{
	struct target b;

	ASSERT_EQ(0, target_start(&b, 1));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", b.pid)));
	ASSERT_EQ(0, kill(b.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(b.pid, 'T'));
	ASSERT_EQ(-EAGAIN, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_STREQ("prefer:1", CFS_READ(cfsp("fast/policy")));
	ASSERT_STREQ("error 11", CFS_READ(cfsp("fast/tasks/%d/state", b.pid)));
	ASSERT_STREQ("bound",
		     CFS_READ(cfsp("fast/tasks/%d/state", self->t.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "prefer:1"));
	ASSERT_EQ(0, threads_not(b.pid, "prefer:1"));
	/* A stopped target cannot be bound either: mkdir fails, no entry. */
	ASSERT_EQ(0, cfs_mkdir(cfsp("slow")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", b.pid)));
	ASSERT_EQ(-EAGAIN, cfs_mkdir(cfsp("slow/tasks/%d", b.pid)));
	ASSERT_EQ(0, kill(b.pid, SIGCONT));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", b.pid)));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", b.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "bind:2"));
	ASSERT_EQ(0, threads_not(b.pid, "bind:2"));
	target_stop(&b);
}

/*
 * A policy write changes its processes in parallel: while it waits for a
 * stopped member made first, the members made after it already run the
 * new policy (queued before the writer waits for the first). The write
 * then succeeds once the stopped member is continued. It used to change
 * them one after another, each waiting for the one before: a group of N
 * slow members took N timeouts, holding the group (and mkdir) meanwhile.
 */
TEST_F(cfs, members_changed_in_parallel)
{
	int old = np_timeout_get(), status = 0, i;
	struct target a;
	pid_t writer;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&a, 1));
	/* a first, in creation order. */
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", a.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, kill(a.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(a.pid, 'T'));
	ASSERT_EQ(0, np_timeout_set(20000));
	writer = group_writer("fast", "bind:2");
	ASSERT_LE(0, writer);
	EXPECT_EQ(0, np_wait_state(writer, writer, 'D'));
	/* The other member takes it while the write waits for a (5 s). */
	for (i = 0; i < 500 && threads_not(self->t.pid, "bind:2"); i++)
		usleep(10000);
	EXPECT_EQ(0, threads_not(self->t.pid, "bind:2"));
	EXPECT_EQ(0, threads_not(a.pid, "default"));
	EXPECT_EQ(0, kill(a.pid, SIGCONT));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	np_timeout_set(old);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_STREQ("bind:2", CFS_READ(cfsp("fast/policy")));
	EXPECT_EQ(0, threads_not(a.pid, "bind:2"));
	EXPECT_EQ(0, threads_not(self->t.pid, "bind:2"));
	target_stop(&a);
}

/*
 * A policy writer killed while it waits for a stopped member: the members
 * it had already changed get their old policy back, as for any failed
 * write, although the writer can no longer wait for anything (the undo is
 * queued, not waited for). It used to leave them with the new policy,
 * "policy" still showing the old one.
 */
TEST_F(cfs, killed_writer_changes_nothing)
{
	int old = np_timeout_get(), status = 0, i;
	struct target a;
	pid_t writer;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&a, 1));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", a.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, kill(a.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(a.pid, 'T'));
	ASSERT_EQ(0, np_timeout_set(20000));
	writer = group_writer("fast", "bind:2");
	ASSERT_LE(0, writer);
	EXPECT_EQ(0, np_wait_state(writer, writer, 'D'));
	/* Wherever the write is (the other member changed or not): kill. */
	for (i = 0; i < 100 && threads_not(self->t.pid, "bind:2"); i++)
		usleep(10000);
	EXPECT_EQ(0, kill(writer, SIGKILL));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	np_timeout_set(old);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_STREQ("prefer:1", CFS_READ(cfsp("fast/policy")));
	/* The undo is queued: an event, waited for (5 s). */
	for (i = 0; i < 500 && threads_not(self->t.pid, "prefer:1"); i++)
		usleep(10000);
	EXPECT_EQ(0, threads_not(self->t.pid, "prefer:1"));
	EXPECT_EQ(0, kill(a.pid, SIGCONT));
	EXPECT_EQ(0, np_wait_state(a.pid, a.pid, 'S'));
	EXPECT_EQ(0, threads_not(a.pid, "prefer:1"));
	/* The group still works. */
	EXPECT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	EXPECT_EQ(0, threads_not(a.pid, "bind:2"));
	EXPECT_EQ(0, threads_not(self->t.pid, "bind:2"));
	target_stop(&a);
}

/*
 * A failed policy write never takes back a later successful write, not
 * even one of "default", which installs no policy object to tell it from
 * the group's own "default": while the group's write of "default" waits
 * for a stopped member, the other member, already changed and free again,
 * is written "bind:1", then "default", through its /proc file. When the
 * group's write fails (EAGAIN), that member keeps the later "default"; it
 * used to be given the group's old "prefer:1" back.
 */
TEST_F(cfs, failed_write_keeps_later_default)
{
	int old = np_timeout_get(), status = 0, i;
	struct target a;
	pid_t writer;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&a, 1));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", a.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "prefer:1"));
	ASSERT_EQ(0, kill(a.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(a.pid, 'T'));
	/* Long enough for the writes below, under TCG too. */
	ASSERT_EQ(0, np_timeout_set(4000));
	writer = group_writer("fast", "default");
	ASSERT_LE(0, writer);
	EXPECT_EQ(0, np_wait_state(writer, writer, 'D'));
	for (i = 0; i < 300 && threads_not(self->t.pid, "default"); i++)
		usleep(10000);
	EXPECT_EQ(0, threads_not(self->t.pid, "default"));
	EXPECT_EQ(0, set_policy(self->t.pid, 0, "bind:1"));
	EXPECT_EQ(0, threads_not(self->t.pid, "bind:1"));
	EXPECT_EQ(0, set_policy(self->t.pid, 0, "default"));
	/* The set-up: the group's write was still waiting meanwhile. */
	EXPECT_EQ(0, waitpid(writer, NULL, WNOHANG));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	np_timeout_set(old);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == EAGAIN)
		TH_LOG("group write: status %#x", status);
	EXPECT_STREQ("prefer:1", CFS_READ(cfsp("fast/policy")));
	EXPECT_EQ(0, threads_not(self->t.pid, "default"));
	EXPECT_EQ(0, kill(a.pid, SIGCONT));
	EXPECT_EQ(0, np_wait_state(a.pid, a.pid, 'S'));
	EXPECT_EQ(0, threads_not(a.pid, "prefer:1"));
	target_stop(&a);
}

/*
 * Nor does it take back a later write of the same policy from a thread
 * created during the group's write: thread T0 of member m takes the
 * group's "bind:3" while T1 (ptrace-stopped) holds m's change; T0 then
 * creates T2, which inherits it; T1 is let go and m's change completes.
 * A write of "bind:3" to m through /proc (every thread, T2 included, gets
 * a policy object of that write) succeeds. When the group's write fails on
 * its stopped member, m keeps "bind:3" everywhere; T2 used to be given the
 * group's old "prefer:1" back (its policy equals the group's by value).
 */
TEST_F(cfs, failed_write_keeps_later_write_of_inherited)
{
	int old = np_timeout_get(), status = 0, i;
	struct mt_target m;
	struct target a;
	pid_t writer;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&a, 1));
	ASSERT_EQ(0, mt_start(&m, 2));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", a.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", m.pid)));
	ASSERT_EQ(0, kill(a.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(a.pid, 'T'));
	ASSERT_EQ(0, np_ptrace_stop(m.tid[1]));
	/* Long enough for the set-up below, under TCG too. */
	ASSERT_EQ(0, np_timeout_set(6000));
	writer = group_writer("fast", "bind:3");
	ASSERT_LE(0, writer);
	for (i = 0; i < 300 && !thread_has_policy(m.pid, m.tid[0], "bind:3");
	     i++)
		usleep(10000);
	EXPECT_TRUE(thread_has_policy(m.pid, m.tid[0], "bind:3"));
	EXPECT_EQ(2, mt_spawn(&m, 0));
	EXPECT_TRUE(thread_has_policy(m.pid, m.tid[2], "bind:3"));
	EXPECT_EQ(0, np_ptrace_detach(m.tid[1]));
	for (i = 0; i < 300 && threads_not(m.pid, "bind:3"); i++)
		usleep(10000);
	EXPECT_EQ(0, threads_not(m.pid, "bind:3"));
	EXPECT_EQ(0, set_policy(m.pid, 0, "bind:3"));
	/* The set-up: the group's write was still waiting meanwhile. */
	EXPECT_EQ(0, waitpid(writer, NULL, WNOHANG));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	np_timeout_set(old);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == EAGAIN)
		TH_LOG("group write: status %#x", status);
	EXPECT_EQ(0, threads_not(m.pid, "bind:3"));
	EXPECT_EQ(0, kill(a.pid, SIGCONT));
	EXPECT_EQ(0, np_wait_state(a.pid, a.pid, 'S'));
	EXPECT_EQ(0, threads_not(a.pid, "prefer:1"));
	mt_stop(&m);
	target_stop(&a);
}

#define MANY	40	/* more processes than the core changes at once */

/*
 * More members than two batches of the core (16 each): every one gets the
 * policy; and when one member of the third batch cannot (stopped), the
 * write fails and the members of every batch get the old policy back.
 */
TEST_F(cfs, many_members_all_or_old)
{
	struct target m[MANY];
	int i, n = 0, bad = 0;

	for (n = 0; n < MANY; n++) {
		if (target_start(&m[n], 1))
			break;
		if (cfs_mkdir(cfsp("fast/tasks/%d", m[n].pid))) {
			target_stop(&m[n]);
			break;
		}
	}
	ASSERT_EQ(MANY, n);
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	for (i = 0; i < MANY; i++)
		bad += threads_not(m[i].pid, "prefer:1") != 0;
	EXPECT_EQ(0, bad);

	/* The 36th: in the third batch. */
	ASSERT_EQ(0, kill(m[35].pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(m[35].pid, 'T'));
	EXPECT_EQ(-EAGAIN, np_write_file(cfsp("fast/policy"), "bind:3"));
	EXPECT_STREQ("prefer:1", CFS_READ(cfsp("fast/policy")));
	EXPECT_STREQ("error 11",
		     CFS_READ(cfsp("fast/tasks/%d/state", m[35].pid)));
	EXPECT_EQ(0, kill(m[35].pid, SIGCONT));
	for (i = 0, bad = 0; i < MANY; i++)
		bad += threads_not(m[i].pid, "prefer:1") != 0;
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:3"));
	for (i = 0, bad = 0; i < MANY; i++)
		bad += threads_not(m[i].pid, "bind:3") != 0;
	EXPECT_EQ(0, bad);
	for (i = 0; i < MANY; i++) {
		cfs_rmdir(cfsp("fast/tasks/%d", m[i].pid));
		target_stop(&m[i]);
	}
}

/*
 * rmdir of a binding while a policy write of its group waits for a
 * stopped member, up to one timeout per member. configfs runs rmdir and
 * mkdir under one mutex for the whole numapol/ tree, which the others
 * wait for uninterruptibly: rmdir must not wait for the group longer than
 * numapol.timeout_ms (it used to wait for the whole write: a hung task
 * for the watchdog). It returns; the target is reset once the write ends,
 * even if the writer is killed, and a mkdir of the process meanwhile
 * fails with EBUSY after waiting numapol.timeout_ms for that.
 */
TEST_F(cfs, rmdir_while_group_busy)
{
	int old = np_timeout_get(), status = 0, done[2], i;
	struct pollfd pfd = { .events = POLLIN };
	struct target b;
	pid_t writer;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&b, 1));
	/* t first: the write changes it, then waits for b. */
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", b.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("slow")));
	ASSERT_EQ(0, np_write_file(cfsp("slow/policy"), "prefer:3"));
	ASSERT_EQ(0, kill(b.pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(b.pid, 'T'));
	/* The write's wait: 20 s; everyone else's: 0.3 s. */
	ASSERT_EQ(0, np_timeout_set(20000));
	ASSERT_EQ(0, pipe(done));
	writer = fork();
	ASSERT_LE(0, writer);
	if (!writer) {
		int err = -np_write_file(cfsp("fast/policy"), "bind:2");

		/* Said as soon as the write returns. */
		if (write(done[1], &err, sizeof(err)) != sizeof(err))
			_exit(255);
		_exit(err);
	}
	close(done[1]);
	pfd.fd = done[0];
	/* The writer holds the group and waits (killable, "D") for b. */
	EXPECT_EQ(0, np_wait_state(writer, writer, 'D'));
	EXPECT_EQ(0, np_timeout_set(300));
	EXPECT_EQ(0, threads_not(self->t.pid, "bind:2"));
	EXPECT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", self->t.pid)));
	/* rmdir did not wait for the write: it has not returned yet. */
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	/* The process is not released yet: its reset is still to come. */
	EXPECT_EQ(-EBUSY, cfs_mkdir(cfsp("slow/tasks/%d", self->t.pid)));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	/* Killed, the writer lets the group go: the reset is not lost. */
	EXPECT_EQ(0, kill(writer, SIGKILL));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	close(done[0]);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_STREQ("default", CFS_READ(cfsp("fast/policy")));
	/* The group's worker resets it: an event, waited for (5 s). */
	for (i = 0; i < 500 && threads_not(self->t.pid, "default"); i++)
		usleep(10000);
	EXPECT_EQ(0, threads_not(self->t.pid, "default"));
	EXPECT_EQ(0, cfs_mkdir(cfsp("slow/tasks/%d", self->t.pid)));
	EXPECT_EQ(0, threads_not(self->t.pid, "prefer:3"));
	EXPECT_EQ(0, cfs_rmdir(cfsp("slow/tasks/%d", self->t.pid)));
	EXPECT_EQ(0, threads_not(self->t.pid, "default"));
	np_timeout_set(old);
	kill(b.pid, SIGCONT);
	target_stop(&b);
}

/*
 * A bound process calls execve(2) while a policy write is changing it: the
 * write took the process's old mm, and its change runs in the new one. The
 * binding survives execve(2), so the member must get the policy (with the
 * new mm, checked again), not be skipped as out of reach ("error 1") and
 * keep the old one. Made deterministic with ptrace: the target is held at
 * the entry of execve(2) while the write queues its change.
 */
TEST_F(cfs, exec_during_policy_write)
{
	int old = np_timeout_get(), status = 0;
	struct target ex;
	pid_t writer;
	char c = 'X';

	ASSERT_LT(0, old);
	ASSERT_EQ(0, target_start(&ex, 1));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", ex.pid)));
	ASSERT_EQ(0, np_ptrace_stop(ex.pid));
	ASSERT_EQ(1, write(ex.cmd, &c, 1));
	ASSERT_EQ(0, np_ptrace_to_syscall(ex.pid, __NR_execve, __NR_execveat));
	ASSERT_EQ(0, np_timeout_set(5000));
	writer = group_writer("fast", "bind:2");
	ASSERT_LE(0, writer);
	/* The write has taken the old mm and waits for the target. */
	EXPECT_EQ(0, np_wait_state(writer, writer, 'D'));
	EXPECT_EQ(0, np_ptrace_detach(ex.pid));
	EXPECT_EQ(writer, waitpid(writer, &status, 0));
	np_timeout_set(old);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, wait_comm(ex.pid, "sleep"));
	EXPECT_STREQ("bind:2", CFS_READ(cfsp("fast/policy")));
	EXPECT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", ex.pid)));
	EXPECT_EQ(0, threads_not(ex.pid, "bind:2"));
	target_stop(&ex);
}

/* The binding outlives execve(2), as the task policy itself does. */
TEST_F(cfs, task_binding_survives_exec)
{
	pid_t pid = self->t.pid;

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", pid)));
	ASSERT_EQ(0, target_exec(&self->t));
	ASSERT_STREQ("prefer:2", TASK_POLICY(pid, 0));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", pid)));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:0-1"));
	ASSERT_STREQ("bind:0-1", TASK_POLICY(pid, 0));
}

/* Unprivileged creators: their own process yes, root's no (EACCES). */
TEST_F(cfs, permissions_unprivileged_creator)
{
	struct target mine;
	char want[32];
	pid_t pid;
	int status;

	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, target_start_as(&mine, 1, false, 1000));
	ASSERT_EQ(0, chown(cfsp("fast/tasks"), 1000, 1000));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/r")));
	ASSERT_EQ(0, chown(cfsp("fast/ranges/r/pid"), 1000, 1000));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:3"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (become(1000))
			_exit(10);
		if (cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)) != -EACCES)
			_exit(11);
		if (write_num(cfsp("fast/ranges/r/pid"), "%lu",
			      self->t.pid) != -EACCES)
			_exit(12);
		if (cfs_mkdir(cfsp("fast/tasks/%d", mine.pid)))
			_exit(13);
		if (write_num(cfsp("fast/ranges/r/pid"), "%lu", mine.pid))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, threads_not(self->t.pid, "default"));
	ASSERT_EQ(0, threads_not(mine.pid, "prefer:3"));
	ASSERT_EQ(-ENOENT, cfs_rmdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", mine.pid)));
	snprintf(want, sizeof(want), "%d", mine.pid);
	ASSERT_STREQ(want, CFS_READ(cfsp("fast/ranges/r/pid")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", mine.pid)));
	target_stop(&mine);
}

/* mkdir tasks/<pid> as uid (or as root without CAP_SYS_NICE): 0 or errno */
static int mkdir_as(uid_t uid, bool nice, pid_t target)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (uid && become(uid))
			_exit(255);
		if (!nice && drop_cap(CAP_SYS_NICE))
			_exit(255);
		_exit(-cfs_mkdir(cfsp("fast/tasks/%d", target)));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Bindings made by each user of the permission matrix (tasks/ is
 * delegated to uid 1000): the rules of /proc/<pid>/numa_policy, checked
 * with the maker's credentials.
 */
TEST_F(cfs, permissions_matrix_bindings)
{
	struct target mine, other, nd;

	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, target_start_as(&mine, 0, false, 1000));
	ASSERT_EQ(0, target_start_as(&other, 0, false, 1001));
	ASSERT_EQ(0, target_start_as(&nd, 0, false, 1000));
	ASSERT_EQ(0, target_do(&nd, 'N'));
	ASSERT_EQ(0, chown(cfsp("fast/tasks"), 1000, 1000));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:2"));

	/* uid 1000: root's, another user's and a non-dumpable process: no. */
	ASSERT_EQ(EACCES, mkdir_as(1000, true, self->t.pid));
	ASSERT_EQ(EACCES, mkdir_as(1000, true, other.pid));
	ASSERT_EQ(EACCES, mkdir_as(1000, true, nd.pid));
	/* Root without CAP_SYS_NICE: another user's process, no. */
	ASSERT_EQ(EPERM, mkdir_as(0, false, other.pid));
	/* Nothing was bound, nothing changed. */
	ASSERT_EQ(-ENOENT, cfs_rmdir(cfsp("fast/tasks/%d", other.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "default"));
	ASSERT_STREQ("default", TASK_POLICY(other.pid, 0));
	ASSERT_STREQ("default", TASK_POLICY(nd.pid, 0));

	/* uid 1000, its own process; root, another user's. */
	ASSERT_EQ(0, mkdir_as(1000, true, mine.pid));
	ASSERT_EQ(0, mkdir_as(0, true, other.pid));
	ASSERT_STREQ("prefer:2", TASK_POLICY(mine.pid, 0));
	ASSERT_STREQ("prefer:2", TASK_POLICY(other.pid, 0));
	/* Both follow the group, whoever writes its policy. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1-2"));
	ASSERT_STREQ("bind:1-2", TASK_POLICY(mine.pid, 0));
	ASSERT_STREQ("bind:1-2", TASK_POLICY(other.pid, 0));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", mine.pid)));
	ASSERT_EQ(0, target_do(&mine, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(mine.pid, mine.region, NPAGES, 1) +
			  np_count_on_node(mine.pid, mine.region, NPAGES, 2));
	target_stop(&mine);
	target_stop(&other);
	target_stop(&nd);
}

/* The start of process pid's [heap] VMA, and its end in *end; 0: none. */
static unsigned long heap_of(pid_t pid, unsigned long *end)
{
	char path[64], line[512];
	unsigned long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[heap]") &&
		    sscanf(line, "%lx-%lx", &start, end) == 2)
			break;
	fclose(f);
	return start;
}

/*
 * A user binds its own process, which then executes a set-user-ID root
 * program: the binding no longer changes it (as a /proc/<pid>/mem
 * descriptor), and the group's other members still follow the group.
 */
TEST_F(cfs, binding_dies_with_setuid_exec)
{
	unsigned long start, end;
	struct target mine;
	pid_t pid;
	int status;

	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, make_suid_target());
	ASSERT_EQ(0, target_start_as(&mine, 0, false, 1000));
	ASSERT_EQ(0, chown(cfsp("fast/tasks"), 1000, 1000));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/r")));
	ASSERT_EQ(0, chown(cfsp("fast/ranges/r/pid"), 1000, 1000));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (become(1000))
			_exit(10);
		if (cfs_mkdir(cfsp("fast/tasks/%d", mine.pid)))
			_exit(11);
		if (write_num(cfsp("fast/ranges/r/pid"), "%lu", mine.pid))
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_STREQ("prefer:1", TASK_POLICY(mine.pid, 0));

	ASSERT_EQ(0, target_exec_suid(&mine));
	/* The group's owner changes the group: the member that became root
	 * is skipped, the write succeeds and the others follow.
	 */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:3"));
	ASSERT_STREQ("prefer:3", CFS_READ(cfsp("fast/policy")));
	ASSERT_EQ(0, threads_not(self->t.pid, "prefer:3"));
	ASSERT_STREQ("prefer:1", TASK_POLICY(mine.pid, 0));
	ASSERT_STREQ("error 13",
		     CFS_READ(cfsp("fast/tasks/%d/state", mine.pid)));
	/* The range named by the user cannot be enabled on it either. */
	start = heap_of(mine.pid, &end);
	ASSERT_NE(0, start);
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/start"), "%lx", start));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/end"), "%lx", end));
	ASSERT_EQ(-EACCES, np_write_file(cfsp("fast/ranges/r/enable"), "1"));
	ASSERT_STREQ("error 13", CFS_READ(cfsp("fast/ranges/r/state")));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/ranges/r/enable")));
	/* (numa_maps shows the task policy for a VMA without one) */
	ASSERT_STREQ("prefer:1", VMA_POLICY(mine.pid, (void *)start));
	/* Nor does rmdir reset it. */
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", mine.pid)));
	ASSERT_STREQ("prefer:1", TASK_POLICY(mine.pid, 0));
	/* Root naming it again may. */
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/pid"), "%lu", mine.pid));
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/r/enable"), "1"));
	ASSERT_STREQ("prefer:3", VMA_POLICY(mine.pid, (void *)start));
	target_stop(&mine);
	unlink(SUID_PATH);
}

/* ranges/<name>: set up, enable, change live with move=1, disable, rmdir. */
TEST_F(cfs, range_binding)
{
	pid_t pid = self->t.pid;
	char *c1 = target_chunk(&self->t, 1), *c2 = target_chunk(&self->t, 2);
	char want[64];

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/heap")));
	ASSERT_STREQ("disabled", CFS_READ(cfsp("fast/ranges/heap/state")));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/ranges/heap/pid")));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/ranges/heap/enable")));
	ASSERT_STREQ("0x0", CFS_READ(cfsp("fast/ranges/heap/start")));
	/* Incomplete: nothing to enable. */
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/ranges/heap/enable"), "1"));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/heap/pid"), "%lu", pid));
	/* Bad input changes nothing. */
	ASSERT_EQ(-EINVAL, write_num(cfsp("fast/ranges/heap/start"), "0x%lx",
				     (unsigned long)c1 + 8));
	ASSERT_EQ(-EINVAL, write_num(cfsp("fast/ranges/heap/end"), "%lx",
				     (unsigned long)c2 - 1));
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/ranges/heap/start"), "zz"));
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/ranges/heap/pid"), "-3"));
	ASSERT_EQ(-ESRCH, np_write_file(cfsp("fast/ranges/heap/pid"), "4000000"));
	ASSERT_STREQ("0x0", CFS_READ(cfsp("fast/ranges/heap/start")));
	/* Without "0x", and with. */
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/heap/start"), "%lx",
			       (unsigned long)c1));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/heap/end"), "0x%lx",
			       (unsigned long)c2));
	snprintf(want, sizeof(want), "%p", c1);
	ASSERT_STREQ(want, CFS_READ(cfsp("fast/ranges/heap/start")));
	snprintf(want, sizeof(want), "%d", pid);
	ASSERT_STREQ(want, CFS_READ(cfsp("fast/ranges/heap/pid")));
	ASSERT_EQ(-EINVAL, np_write_file(cfsp("fast/ranges/heap/enable"), "2"));
	ASSERT_STREQ("disabled", CFS_READ(cfsp("fast/ranges/heap/state")));
	ASSERT_STREQ("default", VMA_POLICY(pid, c1));

	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/heap/enable"), "1\n"));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/ranges/heap/state")));
	ASSERT_STREQ("1", CFS_READ(cfsp("fast/ranges/heap/enable")));
	ASSERT_STREQ("bind:2", VMA_POLICY(pid, c1));
	ASSERT_STREQ("default", VMA_POLICY(pid, c2));
	ASSERT_STREQ("default", VMA_POLICY(pid, target_chunk(&self->t, 0)));
	/* The task policy is not touched by a range. */
	ASSERT_EQ(0, threads_not(pid, "default"));
	ASSERT_EQ(0, target_do(&self->t, '1'));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, c1, CHUNK_PAGES, 2));
	/* Bound ranges are not edited in place. */
	ASSERT_EQ(-EBUSY, write_num(cfsp("fast/ranges/heap/pid"), "%lu", pid));
	ASSERT_EQ(-EBUSY, write_num(cfsp("fast/ranges/heap/end"), "0x%lx",
				    (unsigned long)target_chunk(&self->t, 3)));

	/* Live change, without move: new pages only. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1"));
	ASSERT_STREQ("bind:1", VMA_POLICY(pid, c1));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, c1, CHUNK_PAGES, 2));
	/* With move=1, the pages follow. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/move"), "1"));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:3"));
	ASSERT_STREQ("bind:3", VMA_POLICY(pid, c1));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, c1, CHUNK_PAGES, 3));

	ASSERT_EQ(-ENOTEMPTY, cfs_rmdir(cfsp("fast")));
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/heap/enable"), "0"));
	ASSERT_STREQ("disabled", CFS_READ(cfsp("fast/ranges/heap/state")));
	ASSERT_STREQ("default", VMA_POLICY(pid, c1));
	/* Disabled ranges are left alone by policy writes. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:0"));
	ASSERT_STREQ("default", VMA_POLICY(pid, c1));
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/heap/enable"), "1"));
	ASSERT_STREQ("bind:0", VMA_POLICY(pid, c1));
	ASSERT_EQ(CHUNK_PAGES, np_count_on_node(pid, c1, CHUNK_PAGES, 0));
	/* rmdir of an enabled range removes its policy. */
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/heap")));
	ASSERT_STREQ("default", VMA_POLICY(pid, c1));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast")));
}

/* A range whose process exited, or replaced its mm by execve(2). */
TEST_F(cfs, range_exited)
{
	pid_t pid = self->t.pid;
	char *c1 = target_chunk(&self->t, 1);

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/a")));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/a/pid"), "%lu", pid));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/a/start"), "0x%lx",
			       (unsigned long)c1));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/a/end"), "0x%lx",
			       (unsigned long)c1 + CHUNK_PAGES * NP_PAGE_SIZE));
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/a/enable"), "1"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/b")));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/b/pid"), "%lu", pid));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/b/start"), "0x%lx",
			       (unsigned long)c1));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/b/end"), "0x%lx",
			       (unsigned long)c1 + CHUNK_PAGES * NP_PAGE_SIZE));
	ASSERT_EQ(0, target_exec(&self->t));
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/ranges/a/state")));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1"));
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/ranges/a/state")));
	/* Disabling a range of a gone mm just disables it. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/a/enable"), "0"));
	target_stop(&self->t);
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/ranges/b/state")));
	ASSERT_EQ(-ESRCH, np_write_file(cfsp("fast/ranges/b/enable"), "1"));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/ranges/b/enable")));
	ASSERT_STREQ("exited", CFS_READ(cfsp("fast/ranges/b/state")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/a")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/b")));
}

/* A range the target cannot take (a hole): error state, nothing changes. */
TEST_F(cfs, range_error_state)
{
	pid_t pid = self->t.pid;

	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/r")));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/pid"), "%lu", pid));
	/* [0, one page): nothing is mapped there in the target. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/r/start"), "0x0"));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/end"), "0x%lx",
			       NP_PAGE_SIZE));
	ASSERT_EQ(-EFAULT, np_write_file(cfsp("fast/ranges/r/enable"), "1"));
	ASSERT_STREQ("error 14", CFS_READ(cfsp("fast/ranges/r/state")));
	ASSERT_STREQ("0", CFS_READ(cfsp("fast/ranges/r/enable")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/r")));
}

/* The writer is a member: the change is made in its own context. */
TEST_F(cfs, self_binding)
{
	unsigned long mask;
	int mode, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p = np_map(CHUNK_PAGES);

		if (!p || cfs_mkdir(cfsp("fast/tasks/%d", getpid())))
			_exit(10);
		if (np_write_file(cfsp("fast/policy"), "bind:3"))
			_exit(11);
		if (np_get_mempolicy(&mode, &mask, sizeof(mask) * 8, NULL, 0) ||
		    mode != MPOL_BIND || mask != 1UL << 3)
			_exit(12);
		if (cfs_mkdir(cfsp("fast/ranges/self")) ||
		    write_num(cfsp("fast/ranges/self/pid"), "%lu", getpid()) ||
		    write_num(cfsp("fast/ranges/self/start"), "0x%lx",
			      (unsigned long)p) ||
		    write_num(cfsp("fast/ranges/self/end"), "0x%lx",
			      (unsigned long)p + CHUNK_PAGES * NP_PAGE_SIZE) ||
		    np_write_file(cfsp("fast/ranges/self/enable"), "1"))
			_exit(13);
		if (np_write_file(cfsp("fast/policy"), "bind:2"))
			_exit(14);
		np_touch(p, CHUNK_PAGES);
		if (np_count_on_node(0, p, CHUNK_PAGES, 2) != CHUNK_PAGES)
			_exit(15);
		if (cfs_rmdir(cfsp("fast/ranges/self")) ||
		    cfs_rmdir(cfsp("fast/tasks/%d", getpid())))
			_exit(16);
		if (np_get_mempolicy(&mode, &mask, sizeof(mask) * 8, NULL, 0) ||
		    mode != MPOL_DEFAULT)
			_exit(17);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* ---- defects found by review ---------------------------------------------- */

/* Does each live thread of t see (get_mempolicy(2)) mode and mask? */
static int mt_threads_not(struct mt_target *t, int mode, unsigned long mask,
			  struct __test_metadata *_metadata)
{
	int i, bad = 0;

	for (i = 0; i < t->n; i++) {
		int m;
		unsigned long k;

		if (t->tid[i] == t->pid &&
		    np_thread_state(t->pid, t->pid) == 'Z')
			continue;	/* an exited main thread */
		if (mt_policy(t, i, 'P', &m, &k) || m != mode || k != mask) {
			TH_LOG("thread %d (%d) sees mode %d mask %#lx, want mode %d mask %#lx",
			       i, t->tid[i], m, k, mode, mask);
			bad++;
		}
	}
	return bad;
}

/*
 * A process whose main thread has exited (its other threads alive) is
 * still a process: it can be bound, and follows its group.
 */
TEST_F(cfs, main_thread_exited)
{
	struct mt_target mt;
	unsigned long mask, start, end;
	int mode;

	ASSERT_EQ(0, mt_start(&mt, 3));
	ASSERT_EQ(0, mt_exit_main(&mt));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "prefer:2"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", mt.pid)));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", mt.pid)));
	ASSERT_EQ(0, mt_threads_not(&mt, MPOL_PREFERRED, 1UL << 2, _metadata));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:3"));
	ASSERT_EQ(0, mt_threads_not(&mt, MPOL_BIND, 1UL << 3, _metadata));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", mt.pid)));
	/* A range of it too. */
	start = (unsigned long)mt.region;
	end = start + NPAGES * NP_PAGE_SIZE;
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/ranges/r")));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/pid"), "%lu", mt.pid));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/start"), "%lx", start));
	ASSERT_EQ(0, write_num(cfsp("fast/ranges/r/end"), "%lx", end));
	ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/r/enable"), "1"));
	ASSERT_EQ(0, mt_policy(&mt, 1, 'A', &mode, &mask));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(1UL << 3, mask);
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/r")));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", mt.pid)));
	ASSERT_EQ(0, mt_threads_not(&mt, MPOL_DEFAULT, 0, _metadata));
	mt_stop(&mt);
}

/*
 * A group policy with static nodes outside a member's cpuset (nodes 1-2):
 * accepted, as set_mempolicy(2) accepts it.
 */
TEST_F(cfs, static_nodes_outside_cpuset)
{
	struct target t;
	char cg[128];
	unsigned long mask;
	int mode, ret;

	ret = np_cpuset_make("numapol-cfs-static", "1-2", cg, sizeof(cg));
	if (ret == -1)
		SKIP(return, "no cpuset controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, target_start(&t, 0));
	ASSERT_EQ(0, np_cgroup_enter(cg, t.pid));
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind=static:0-3"));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", t.pid)));
	ASSERT_EQ(0, target_policy(&t, &mode, &mask));
	ASSERT_EQ(MPOL_BIND | MPOL_F_STATIC_NODES, mode);
	ASSERT_EQ(0xfUL, mask);
	ASSERT_EQ(0, target_do(&t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t.pid, t.region, NPAGES, 1) +
			  np_count_on_node(t.pid, t.region, NPAGES, 2));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", t.pid)));
	target_stop(&t);
	rmdir(cg);
}

/* ---- races ---------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the policy writers did, in memory shared with them. */
struct wstats {
	unsigned long ok, eagain, other;
	int last_errno;
};

static struct wstats *wstats_map(void)
{
	struct wstats *ws = mmap(NULL, sizeof(*ws), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (ws == MAP_FAILED)
		return NULL;
	memset(ws, 0, sizeof(*ws));
	return ws;
}

/* A child that rewrites a group's policy until killed, counting results. */
static pid_t start_policy_writer(const char *group, int seed,
				 struct wstats *ws)
{
	static const char * const pols[] = {
		"prefer:1", "bind:2-3", "interleave:all", "default", "local",
		"prefer (many):0,3", "bind=static:1",
	};
	char path[256];
	pid_t pid = fork();
	unsigned int i = seed;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(path, sizeof(path), "%s/%s/policy", CFS, group);
	for (;;) {
		int ret = np_write_file(path, pols[i++ % ARRAY_SIZE(pols)]);

		if (!ret) {
			__atomic_fetch_add(&ws->ok, 1, __ATOMIC_RELAXED);
		} else if (ret == -EAGAIN) {
			/* A member that did not run the change in time. */
			__atomic_fetch_add(&ws->eagain, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_add(&ws->other, 1, __ATOMIC_RELAXED);
			ws->last_errno = -ret;
		}
	}
}

static void stop_child(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * Have a target _exit(3) by itself ('Q') and reap it: 0 when it exited with
 * status 0, else -1.
 */
static int target_quit(struct target *t)
{
	int status;
	char c = 'Q';

	if (write(t->cmd, &c, 1) != 1 ||
	    waitpid(t->pid, &status, 0) != t->pid)
		return -1;
	close(t->cmd);
	close(t->resp);
	t->pid = 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* Set up ranges/r<i> of group "fast" on chunks 0-1 of t, and enable it. */
static int range_setup(int i, struct target *t)
{
	int ret = cfs_mkdir(cfsp("fast/ranges/r%d", i));

	if (!ret)
		ret = write_num(cfsp("fast/ranges/r%d/pid", i), "%lu", t->pid);
	if (!ret)
		ret = write_num(cfsp("fast/ranges/r%d/start", i), "0x%lx",
				(unsigned long)target_chunk(t, 0));
	if (!ret)
		ret = write_num(cfsp("fast/ranges/r%d/end", i), "0x%lx",
				(unsigned long)target_chunk(t, 2));
	if (!ret)
		ret = np_write_file(cfsp("fast/ranges/r%d/enable", i), "1");
	return ret;
}

/*
 * Two writers change the group's policy while bindings are made and removed
 * for targets that exit, execve(2) and create threads meanwhile. The
 * writers only change the policy, which never makes a binding operation
 * fail: every operation must succeed, every binding reads the state its
 * target is in, and the writers' own writes succeed (or fail with EAGAIN).
 * Once the writers have stopped, a last round shows the group's policy in
 * force in every member and range.
 */
TEST_F_TIMEOUT(cfs, race_bindings_exit_exec, 120)
{
	struct target t[4];
	struct wstats *ws = wstats_map();
	pid_t w1, w2;
	double end;
	int round = 0, i, j;

	ASSERT_NE(NULL, ws);
	target_stop(&self->t);
	w1 = start_policy_writer("fast", 0, ws);
	ASSERT_LE(0, w1);
	w2 = start_policy_writer("fast", 3, ws);
	ASSERT_LE(0, w2);
	end = now() + 8;
	while (now() < end) {
		int ex = round % 4, quit = (round + 1) % 4;
		pid_t qpid;

		for (i = 0; i < 4; i++) {
			ASSERT_EQ(0, target_start_as(&t[i], i, i == 1, 0));
			ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", t[i].pid)))
				TH_LOG("round %d, target %d", round, i);
			ASSERT_EQ(0, range_setup(i, &t[i]))
				TH_LOG("round %d, target %d", round, i);
			ASSERT_EQ(0, target_do(&t[i], '0'));
		}
		/* Bindings made and removed under the writers' feet. */
		for (j = 0; j < 3; j++) {
			for (i = 0; i < 4; i++) {
				ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d",
							    t[i].pid)));
				ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/r%d/enable", i),
							   j % 2 ? "1" : "0"));
				ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d",
							    t[i].pid)))
					TH_LOG("round %d, target %d", round, i);
			}
			/* Its threads go (they would pile up), new ones come. */
			ASSERT_EQ(0, target_do(&t[1], 'R'));
		}
		/* One execs, one exits by itself, the others are killed. */
		ASSERT_EQ(0, target_exec(&t[ex]));
		qpid = t[quit].pid;
		ASSERT_EQ(0, target_quit(&t[quit]));
		t[quit].pid = qpid;	/* its bindings are named after it */
		for (i = 0; i < 4; i++) {
			pid_t pid = t[i].pid;

			/* A task binding outlives execve(2), not exit(2). */
			ASSERT_STREQ(i == quit ? "exited" : "bound",
				     CFS_READ(cfsp("fast/tasks/%d/state", pid)))
				TH_LOG("round %d, target %d", round, i);
			/* The ranges are disabled (the last j was even). */
			ASSERT_STREQ(i == quit ? "exited" : "disabled",
				     CFS_READ(cfsp("fast/ranges/r%d/state", i)))
				TH_LOG("round %d, target %d", round, i);
			if (i == 2 && i != quit) {
				target_stop(&t[i]);
				t[i].pid = pid;
				ASSERT_STREQ("exited",
					     CFS_READ(cfsp("fast/tasks/%d/state", pid)));
				ASSERT_STREQ("exited",
					     CFS_READ(cfsp("fast/ranges/r%d/state", i)));
			}
			if (i % 2)
				ASSERT_EQ(0, np_write_file(cfsp("fast/ranges/r%d/enable", i),
							   "0"));
			ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/r%d", i)));
			ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", pid)));
			/*
			 * Unbound, a live target is back to "default": at
			 * once, or, when a writer held the group, as soon as
			 * it is done (bounded wait for that event).
			 */
			for (j = 0; i != quit && i != 2 && j < 500 &&
			     threads_not(pid, "default"); j++)
				usleep(10000);
			if (i != quit && i != 2)
				ASSERT_EQ(0, threads_not(pid, "default"))
					TH_LOG("round %d, target %d", round, i);
			if (i == quit || i == 2)
				t[i].pid = 0;
			target_stop(&t[i]);
		}
		round++;
	}
	stop_child(w1);
	stop_child(w2);
	TH_LOG("%d rounds; policy writes: %lu done, %lu EAGAIN, %lu other errors (last errno %d)",
	       round, ws->ok, ws->eagain, ws->other, ws->last_errno);
	ASSERT_LT(10, ws->ok);
	ASSERT_EQ(0, ws->other);

	/* Quiet now: the group's policy reaches every member and range. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, target_start_as(&t[i], i, false, 0));
		ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", t[i].pid)));
		ASSERT_EQ(0, range_setup(i, &t[i]));
	}
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "interleave:1,3"));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, threads_not(t[i].pid, "interleave:1,3"));
		ASSERT_STREQ("interleave:1,3",
			     VMA_POLICY(t[i].pid, target_chunk(&t[i], 0)));
		ASSERT_STREQ("bound",
			     CFS_READ(cfsp("fast/tasks/%d/state", t[i].pid)));
		ASSERT_STREQ("bound", CFS_READ(cfsp("fast/ranges/r%d/state", i)));
		ASSERT_EQ(0, cfs_rmdir(cfsp("fast/ranges/r%d", i)));
		ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", t[i].pid)));
		ASSERT_EQ(0, threads_not(t[i].pid, "default"));
		ASSERT_STREQ("default",
			     VMA_POLICY(t[i].pid, target_chunk(&t[i], 0)));
		target_stop(&t[i]);
	}
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast")));
}

/*
 * Bound processes that keep creating threads and execve(2), while writers
 * change the policy; at the end every thread has the last policy written.
 * The spawning target's threads live until they are let go ('R', every
 * loop), so none of those listed at the end can have vanished unchecked.
 */
TEST_F_TIMEOUT(cfs, race_threads_and_exec, 120)
{
	struct wstats *ws = wstats_map();
	pid_t tids[MAX_THREADS], w1, w2;
	struct target sp, ex;
	int execs = 0, i, n;
	double end;

	ASSERT_NE(NULL, ws);
	ASSERT_EQ(0, target_start_as(&sp, 2, true, 0));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", sp.pid)));
	ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", self->t.pid)));
	w1 = start_policy_writer("fast", 1, ws);
	ASSERT_LE(0, w1);
	w2 = start_policy_writer("fast", 5, ws);
	ASSERT_LE(0, w2);
	end = now() + 6;
	while (now() < end) {
		/* A bound process that execs while being changed. */
		ASSERT_EQ(0, target_start(&ex, 2));
		ASSERT_EQ(0, cfs_mkdir(cfsp("fast/tasks/%d", ex.pid)));
		ASSERT_EQ(0, target_exec(&ex));
		execs++;
		ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state",
						    ex.pid)));
		ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", ex.pid)));
		target_stop(&ex);
		/* The spawner's threads go; it makes new ones. */
		ASSERT_EQ(0, target_do(&sp, 'R'));
	}
	stop_child(w1);
	stop_child(w2);
	TH_LOG("%d execs; policy writes: %lu done, %lu EAGAIN, %lu other errors (last errno %d)",
	       execs, ws->ok, ws->eagain, ws->other, ws->last_errno);
	ASSERT_LT(10, ws->ok);
	ASSERT_EQ(0, ws->other);
	/* Quiet now: one more write reaches every thread of every member. */
	ASSERT_EQ(0, np_write_file(cfsp("fast/policy"), "bind:1-2"));
	ASSERT_EQ(0, threads_not(self->t.pid, "bind:1-2"));
	/* Threads made since inherit it; none is made after 'H'. */
	ASSERT_EQ(0, target_do(&sp, 'H'));
	ASSERT_STREQ("bound", CFS_READ(cfsp("fast/tasks/%d/state", sp.pid)));
	n = list_tids(sp.pid, tids, MAX_THREADS);
	ASSERT_LT(3, n);
	for (i = 0; i < n; i++) {
		ASSERT_STREQ("bind:1-2", TASK_POLICY(sp.pid, tids[i]))
			TH_LOG("thread %d", tids[i]);
	}
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", sp.pid)));
	ASSERT_EQ(0, cfs_rmdir(cfsp("fast/tasks/%d", self->t.pid)));
	ASSERT_EQ(0, threads_not(self->t.pid, "default"));
	ASSERT_EQ(0, threads_not(sp.pid, "default"));
	target_stop(&sp);
}

TEST_HARNESS_MAIN
