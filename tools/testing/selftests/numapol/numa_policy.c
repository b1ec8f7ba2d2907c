// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/numa_policy and /proc/<pid>/task/<tid>/numa_policy: a running
 * process's task policy, read and changed from outside. Every test checks
 * the effect: the policy each thread of the target itself sees
 * (get_mempolicy(2), asked of every thread of a multi-threaded target),
 * what the files read back, and where the target's new pages land
 * (move_pages(2)).
 */
#include <ctype.h>
#include <linux/io_uring.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "target.h"

/*
 * How many threads of t, asked themselves (get_mempolicy(2)), do not see
 * mode and mask; only the mode bits in modebits are compared (~0: all, the
 * mode flags included).
 */
static int mt_threads_not_m(struct mt_target *t, int mode, int modebits,
			    unsigned long mask,
			    struct __test_metadata *_metadata)
{
	int i, bad = 0;

	for (i = 0; i < t->n; i++) {
		int m;
		unsigned long k;

		if (t->tid[i] == t->pid &&
		    np_thread_state(t->pid, t->pid) == 'Z')
			continue;	/* an exited main thread */
		if (mt_policy(t, i, 'P', &m, &k)) {
			TH_LOG("thread %d (%d) does not answer", i, t->tid[i]);
			bad++;
		} else if ((m & modebits) != mode || k != mask) {
			TH_LOG("thread %d (%d) sees mode %d mask %#lx, want mode %d mask %#lx",
			       i, t->tid[i], m, k, mode, mask);
			bad++;
		}
	}
	return bad;
}

/* Does every thread of t, itself (get_mempolicy(2)), see mode and mask? */
static int mt_threads_not(struct mt_target *t, int mode, unsigned long mask,
			  struct __test_metadata *_metadata)
{
	return mt_threads_not_m(t, mode, ~0, mask, _metadata);
}

/* The policy fixture: a target of 4 threads, each answering for itself. */
FIXTURE(policy) {
	struct mt_target t;
	int nodes;
};

FIXTURE_SETUP(policy)
{
	self->nodes = np_online_nodes();
	if (self->nodes < 4)
		SKIP(return, "needs 4 NUMA nodes (tests/vm/run --nodes 4)");
	ASSERT_EQ(0, mt_start(&self->t, 4));
}

FIXTURE_TEARDOWN(policy)
{
	mt_stop(&self->t);
}

TEST_F(policy, reads_default)
{
	char buf[256];

	ASSERT_STREQ("default", get_policy(self->t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, np_files_not(self->t.pid, "default"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_DEFAULT, 0, _metadata));
}

/* The seed's first step: most pages on node 1. */
TEST_F(policy, prefer_1_places_new_pages_on_node_1)
{
	char buf[256];

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "prefer=1"));
	ASSERT_STREQ("prefer:1", get_policy(self->t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:1"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 1UL << 1,
				    _metadata));
	ASSERT_EQ(0, mt_do(&self->t, 3, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 1));
}

TEST_F(policy, interleave_spreads_new_pages)
{
	char buf[256];
	int on2, on3;

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "interleave={2,3}\n"));
	ASSERT_STREQ("interleave:2-3",
		     get_policy(self->t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, np_files_not(self->t.pid, "interleave:2-3"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_INTERLEAVE, 0xc, _metadata));
	ASSERT_EQ(0, mt_do(&self->t, 1, 'T'));
	on2 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 2);
	on3 = np_count_on_node(self->t.pid, self->t.region, NPAGES, 3);
	ASSERT_EQ(NPAGES, on2 + on3);
	ASSERT_EQ(NPAGES / 2, on2);
}

TEST_F(policy, bind_places_new_pages)
{
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:3"));
	ASSERT_EQ(0, np_files_not(self->t.pid, "bind:3"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 1UL << 3, _metadata));
	ASSERT_EQ(0, mt_do(&self->t, 2, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 3));
}

/* Each accepted form reads back in numa_maps' form, and is in force. */
TEST_F(policy, read_your_writes)
{
	static const struct { const char *in, *out; int mode; unsigned long mask; } c[] = {
		{ "bind=0,2-3", "bind:0,2-3", MPOL_BIND, 0xd },
		{ "preferred=2", "prefer:2", MPOL_PREFERRED, 0x4 },
		{ "prefer (many):0-1", "prefer (many):0-1", MPOL_PREFERRED_MANY, 0x3 },
		{ "preferred-many=1,3", "prefer (many):1,3", MPOL_PREFERRED_MANY, 0xa },
		{ "weighted-interleave:0-3", "weighted interleave:0-3",
		  MPOL_WEIGHTED_INTERLEAVE, 0xf },
		{ "bind=static:0-1", "bind=static:0-1", MPOL_BIND, 0x3 },
		{ "bind=relative|balancing:0-1", "bind=relative|balancing:0-1",
		  MPOL_BIND, 0x3 },
		{ "interleave:all", "interleave:0-3", MPOL_INTERLEAVE, 0xf },
		{ "Local", "local", MPOL_LOCAL, 0 },
		{ "default", "default", MPOL_DEFAULT, 0 },
	};
	char buf[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		ASSERT_EQ(0, set_policy(self->t.pid, 0, c[i].in))
			TH_LOG("%s", c[i].in);
		ASSERT_STREQ(c[i].out, get_policy(self->t.pid, 0, buf,
						  sizeof(buf)));
		ASSERT_EQ(0, np_files_not(self->t.pid, c[i].out));
		/* get_mempolicy() reports the mode with its mode flags. */
		ASSERT_EQ(0, mt_threads_not_m(&self->t, c[i].mode,
					      ~MPOL_MODE_FLAGS, c[i].mask,
					      _metadata)) TH_LOG("%s", c[i].in);
	}
}

/* Bad input: EINVAL, and the policy in force does not change. */
TEST_F(policy, invalid_strings_change_nothing)
{
	static const char * const bad[] = {
		"", "\n", "bogus", "prefer", "prefer=0-1", "bind=3/normal",
		"bind=0,2-5", "bind:7", "bind=static|relative:0",
		"interleave=balancing:0-1", "default:1", "bind:0,,1", " bind:0",
		"bind:0\n\n", "prefer=all",
	};
	unsigned int i;

	ASSERT_EQ(0, set_policy(self->t.pid, 0, "prefer=1"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(-EINVAL, set_policy(self->t.pid, 0, bad[i]))
			TH_LOG("\"%s\"", bad[i]);
		ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:1"))
			TH_LOG("after \"%s\"", bad[i]);
	}
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 1UL << 1,
				    _metadata));
}

/* Only one write(2), from offset 0, of at most a page. */
TEST_F(policy, partial_and_oversized_writes)
{
	char path[64], buf[256], *big;
	int fd;

	policy_path(path, sizeof(path), self->t.pid, 0);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, pwrite(fd, "prefer=1", 8, 1));
	ASSERT_EQ(EINVAL, errno);
	big = malloc(8192);
	ASSERT_NE(NULL, big);
	memset(big, '0', 8192);
	memcpy(big, "bind:", 5);
	ASSERT_EQ(-1, write(fd, big, 8192));
	ASSERT_EQ(EINVAL, errno);
	free(big);
	ASSERT_EQ(0, np_files_not(self->t.pid, "default"));
	ASSERT_EQ(8, write(fd, "prefer=2", 8));
	ASSERT_EQ(0, close(fd));
	ASSERT_STREQ("prefer:2", get_policy(self->t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:2"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 1UL << 2,
				    _metadata));
}

/* The <pid> file changes every thread. */
TEST_F(policy, pid_file_changes_every_thread)
{
	pid_t tids[MAX_THREADS];

	ASSERT_EQ(4, list_tids(self->t.pid, tids, MAX_THREADS));
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "interleave:1-2"));
	ASSERT_EQ(0, np_files_not(self->t.pid, "interleave:1-2"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_INTERLEAVE, 0x6, _metadata));
}

/* A <tid> file changes that thread alone. */
TEST_F(policy, tid_file_changes_one_thread)
{
	struct mt_target *t = &self->t;
	pid_t victim = t->tid[2];
	unsigned long mask;
	char buf[256];
	int i, mode;

	ASSERT_EQ(0, set_policy(t->pid, victim, "bind:2"));
	for (i = 0; i < t->n; i++) {
		ASSERT_STREQ(i == 2 ? "bind:2" : "default",
			     get_policy(t->pid, t->tid[i], buf, sizeof(buf)));
		ASSERT_EQ(0, mt_policy(t, i, 'P', &mode, &mask));
		ASSERT_EQ(i == 2 ? MPOL_BIND : MPOL_DEFAULT, mode)
			TH_LOG("thread %d", t->tid[i]);
		ASSERT_EQ(i == 2 ? 1UL << 2 : 0, mask);
	}
	/* The <pid> file shows the leader's. */
	ASSERT_STREQ("default", get_policy(t->pid, 0, buf, sizeof(buf)));
}

/*
 * A stopped target: EAGAIN after numapol.timeout_ms (not before, not much
 * later), and nothing changes.
 */
TEST_F(policy, stopped_target_eagain_unchanged)
{
	struct timespec a, b;
	double secs, limit;
	int ms = np_timeout_get();
	int i;

	ASSERT_LT(0, ms);
	limit = ms / 1000.0;
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "prefer=3"));
	ASSERT_EQ(0, kill(self->t.pid, SIGSTOP));
	/*
	 * Every thread, not only the main one: a thread still on its way to
	 * the stop would take the change first, and its rollback would then
	 * wait another timeout_ms for it.
	 */
	for (i = 0; i < self->t.n; i++)
		ASSERT_EQ(0, np_wait_state(self->t.pid, self->t.tid[i], 'T'));
	clock_gettime(CLOCK_MONOTONIC, &a);
	ASSERT_EQ(-EAGAIN, set_policy(self->t.pid, 0, "bind:0"));
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = b.tv_sec - a.tv_sec + (b.tv_nsec - a.tv_nsec) / 1e9;
	TH_LOG("EAGAIN after %.3f s (timeout_ms %d)", secs, ms);
	/* A jiffy early at most; a second of slack for a loaded TCG guest. */
	ASSERT_LE(limit - 0.02, secs);
	ASSERT_LT(secs, limit + 1.0);
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:3"));
	ASSERT_EQ(-EAGAIN, set_policy(self->t.pid, self->t.pid, "bind:0"));
	ASSERT_EQ(0, kill(self->t.pid, SIGCONT));
	/* Continued, it has the old policy, and takes a new one. */
	ASSERT_EQ(0, np_files_not(self->t.pid, "prefer:3"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_PREFERRED, 1UL << 3,
				    _metadata));
	ASSERT_EQ(0, mt_do(&self->t, 0, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(self->t.pid, self->t.region,
					   NPAGES, 3));
	ASSERT_EQ(0, set_policy(self->t.pid, 0, "bind:0"));
	ASSERT_EQ(0, np_files_not(self->t.pid, "bind:0"));
	ASSERT_EQ(0, mt_threads_not(&self->t, MPOL_BIND, 1, _metadata));
}

/*
 * One thread stopped by ptrace, the others running: the ones that took the
 * new policy are given their old one back.
 */
TEST_F(policy, partial_failure_rolls_back)
{
	struct mt_target *t = &self->t;
	pid_t victim = t->tid[3];

	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=2"));
	/* PTRACE_SEIZE + INTERRUPT stops one thread, not the group. */
	ASSERT_EQ(0, np_ptrace_stop(victim));
	ASSERT_EQ(-EAGAIN, set_policy(t->pid, 0, "bind:1"));
	ASSERT_EQ(0, np_files_not(t->pid, "prefer:2"));
	ASSERT_EQ(0, np_ptrace_detach(victim));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_PREFERRED, 1UL << 2, _metadata));
	ASSERT_EQ(0, set_policy(t->pid, 0, "bind:1"));
	ASSERT_EQ(0, np_files_not(t->pid, "bind:1"));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 1UL << 1, _metadata));
}

/* A target that has exited: ESRCH through a descriptor opened before. */
TEST_F(policy, exited_target_esrch)
{
	char path[64];
	int fd;

	policy_path(path, sizeof(path), self->t.pid, 0);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	mt_stop(&self->t);
	ASSERT_EQ(-1, write(fd, "prefer=1", 8));
	ASSERT_EQ(ESRCH, errno);
	close(fd);
	ASSERT_EQ(-1, open(path, O_WRONLY));
	ASSERT_EQ(ENOENT, errno);
}

/* Writing one's own file works, in one's own context. */
TEST(self_write)
{
	int mode;
	unsigned long mask;
	char buf[256];

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, np_write_file("/proc/self/numa_policy", "bind:2-3"));
	ASSERT_EQ(0, np_get_mempolicy(&mode, &mask, sizeof(mask) * 8, NULL, 0));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(0xcUL, mask);
	ASSERT_LT(0, np_read_file("/proc/thread-self/numa_policy", buf,
				  sizeof(buf)));
	ASSERT_STREQ("bind:2-3\n", buf);
	ASSERT_EQ(0, np_write_file("/proc/thread-self/numa_policy", "default"));
	ASSERT_EQ(0, np_get_mempolicy(&mode, &mask, sizeof(mask) * 8, NULL, 0));
	ASSERT_EQ(MPOL_DEFAULT, mode);
}

/* One link of a chain of threads: make the next one, then exit. */
static void *chain_link(void *arg)
{
	pthread_t next;

	while (pthread_create(&next, NULL, chain_link, NULL))
		sched_yield();
	pthread_detach(next);
	return NULL;
}

/*
 * A process that never stops creating threads (eight chains: each thread
 * makes the next and exits): a thread created by one that already took the new policy
 * inherits it and needs no change, so a write converges instead of chasing
 * new threads until it fails with EAGAIN.
 */
TEST(thread_chain_converges)
{
	char path[64], buf[256], sbuf[4096];
	int status, tries;
	pid_t pid;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pthread_t first;
		int i;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; i < 8; i++)
			if (pthread_create(&first, NULL, chain_link, NULL))
				_exit(1);
		for (;;)
			pause();
	}
	/* Eight chains run once the process has nine threads. */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (tries = 0; tries < 5000; tries++) {
		ASSERT_LT(0, np_read_file(path, sbuf, sizeof(sbuf)));
		if (strstr(sbuf, "Threads:\t9\n"))
			break;
		usleep(1000);
	}
	ASSERT_GT(5000, tries);
	snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
	EXPECT_EQ(0, np_write_file(path, "bind:1"));
	/* The main thread, and the link running now, have it. */
	EXPECT_LT(0, np_read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ("bind:1\n", buf);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
}

/* Kernel threads have no policy to change (kthreadd is pid 2). */
TEST(kernel_thread_einval)
{
	char buf[256];

	ASSERT_EQ(-EINVAL, np_write_file("/proc/2/numa_policy", "local"));
	ASSERT_LT(0, np_read_file("/proc/2/numa_policy", buf, sizeof(buf)));
	ASSERT_STREQ("default\n", buf);
}

/*
 * io_uring's SQPOLL thread ("iou-sqp-<pid>") is a thread of the process
 * that never returns to user space (PF_IO_WORKER): a write for the
 * process changes the process's own threads and skips it, and a write
 * for it alone is EINVAL, as for a kernel thread. (They used to be given
 * the task_work like any thread.)
 */
TEST(io_uring_workers_skipped)
{
	char path[128], comm[64], buf[256];
	pid_t pid, sq = 0, tids[MAX_THREADS];
	int i, n, p[2], err = 0;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct io_uring_params par = {
			.flags = IORING_SETUP_SQPOLL,
			.sq_thread_idle = 10,	/* ms, then it sleeps */
		};

		if (syscall(__NR_io_uring_setup, 4, &par) < 0)
			err = errno;
		if (write(p[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(sizeof(err), read(p[0], &err, sizeof(err)));
	close(p[0]);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		SKIP(return, "no io_uring SQPOLL (CONFIG_IO_URING): %s",
		     strerror(err));
	}
	n = list_tids(pid, tids, MAX_THREADS);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid,
			 tids[i]);
		if (np_read_file(path, comm, sizeof(comm)) > 0 &&
		    !strncmp(comm, "iou-sqp-", 8))
			sq = tids[i];
	}
	EXPECT_NE(0, sq);
	EXPECT_EQ(0, set_policy(pid, 0, "bind:1"));
	EXPECT_STREQ("bind:1", get_policy(pid, pid, buf, sizeof(buf)));
	EXPECT_STREQ("default", get_policy(pid, sq, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, set_policy(pid, sq, "bind:2"));
	EXPECT_STREQ("default", get_policy(pid, sq, buf, sizeof(buf)));
	EXPECT_STREQ("bind:1", get_policy(pid, pid, buf, sizeof(buf)));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Threads created while the write is in progress end with the new policy.
 * The target's spawner makes threads as fast as it can ('F') from just
 * before the write ('G') to just after it ('H'); each lives until the test has
 * checked it ('R' lets them go, and returns once they have left), so every
 * thread listed after a write is checked: none can pass by vanishing.
 */
TEST(threads_created_during_write)
{
	pid_t tids[MAX_THREADS];
	struct target t;
	char buf[256];
	int round, i, n, made = 0;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, target_start_as(&t, 0, true, 0));
	ASSERT_EQ(0, target_do(&t, 'H'));
	ASSERT_EQ(0, target_do(&t, 'R'));
	ASSERT_EQ(0, target_do(&t, 'F'));
	for (round = 0; round < 20; round++) {
		const char *want = round % 2 ? "interleave:0-3" : "bind:1-2";

		ASSERT_EQ(0, target_do(&t, 'G'));
		ASSERT_EQ(0, set_policy(t.pid, 0, want));
		ASSERT_EQ(0, target_do(&t, 'H'));
		/* Every thread now, and any created from now on. */
		n = list_tids(t.pid, tids, MAX_THREADS);
		ASSERT_LT(1, n);
		for (i = 0; i < n; i++) {
			ASSERT_STREQ(want, get_policy(t.pid, tids[i], buf,
						      sizeof(buf)))
				TH_LOG("round %d, thread %d", round, tids[i]);
		}
		/* All but the main thread and the spawner: made this round. */
		made += n - 2;
		ASSERT_EQ(0, target_do(&t, 'R'));
	}
	TH_LOG("%d threads made around the writes were checked", made);
	ASSERT_LE(100, made);
	target_stop(&t);
}

/* Permissions: a user may change its own processes, not root's. */
TEST(permissions_unprivileged)
{
	struct target mine, roots;
	char path[64], buf[256];
	pid_t pid;
	int status;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, target_start_as(&mine, 0, false, 1000));
	ASSERT_EQ(0, target_start(&roots, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (become(1000))
			_exit(10);
		/* Another user's process: the open is refused. */
		policy_path(path, sizeof(path), roots.pid, 0);
		if (open(path, O_WRONLY) >= 0 || errno != EACCES)
			_exit(11);
		/* And reading needs ptrace read access. */
		if (open(path, O_RDONLY) >= 0 || errno != EACCES)
			_exit(12);
		/* One's own process. */
		if (set_policy(mine.pid, 0, "prefer=2"))
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_STREQ("prefer:2", get_policy(mine.pid, 0, buf, sizeof(buf)));
	ASSERT_STREQ("default", get_policy(roots.pid, 0, buf, sizeof(buf)));
	target_stop(&mine);
	target_stop(&roots);
}

/* A descriptor opened before the target's execve(2) no longer writes. */
TEST(descriptor_dies_with_exec)
{
	char path[64], buf[256];
	int fd, sync[2];
	pid_t pid;
	char c;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "30", NULL);
		_exit(2);
	}
	close(sync[0]);
	policy_path(path, sizeof(path), pid, 0);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8, write(fd, "prefer=1", 8));
	ASSERT_EQ(1, write(sync[1], "x", 1));
	/* Wait for the exec: comm changes. */
	for (c = 0; c < 100; c++) {
		snprintf(buf, sizeof(buf), "/proc/%d/comm", pid);
		if (np_read_file(buf, buf, sizeof(buf)) > 0 &&
		    !strcmp(buf, "sleep\n"))
			break;
		usleep(20000);
	}
	ASSERT_EQ(-1, write(fd, "prefer=2", 8));
	ASSERT_EQ(EPERM, errno);
	close(fd);
	/* The exec kept the policy (as execve(2) does); a new open works. */
	ASSERT_STREQ("prefer:1", get_policy(pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, set_policy(pid, 0, "prefer=2"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * A user opens /proc/self/numa_policy, forks a helper that keeps the
 * descriptor, and executes a set-user-ID root program: the descriptor no
 * longer changes the process (as /proc/<pid>/mem), nor can the user open
 * the file again. The helper reports to the test over a pipe.
 */
TEST(descriptor_dies_with_setuid_exec)
{
	char buf[256];
	int res[2], fd;
	pid_t pid, helper;
	char r = 0;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, make_suid_target());
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe(res));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(res[0]);
		if (become(1000))
			_exit(10);
		prctl(PR_SET_DUMPABLE, 1);
		fd = open("/proc/self/numa_policy", O_WRONLY);
		if (fd < 0 || write(fd, "prefer=1", 8) != 8)
			_exit(11);
		helper = fork();
		if (helper < 0)
			_exit(12);
		if (!helper) {
			pid_t victim = getppid();

			policy_path(buf, sizeof(buf), victim, 0);
			if (wait_comm(victim, SUID_COMM))
				r = 'c';
			else if (proc_euid(victim) != 0)
				r = 'u';
			else if (write(fd, "prefer=2", 8) != -1 ||
				 errno != EPERM)
				r = 'w';
			else if (open(buf, O_WRONLY) >= 0 || errno != EACCES)
				r = 'o';
			else
				r = 'k';
			_exit(write(res[1], &r, 1) != 1);
		}
		dup2(open("/dev/null", O_WRONLY), 1);
		execl(SUID_PATH, SUID_COMM, NULL);
		_exit(13);
	}
	close(res[1]);
	ASSERT_EQ(1, read(res[0], &r, 1));
	/* k: refused with EPERM, then EACCES; c/u: no root exec; w/o: allowed */
	ASSERT_EQ('k', r);
	ASSERT_EQ(0, proc_euid(pid));
	/* Unchanged: the policy written before the execve(2). */
	ASSERT_STREQ("prefer:1", get_policy(pid, 0, buf, sizeof(buf)));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	while (waitpid(-1, NULL, 0) > 0)
		;
	close(res[0]);
	unlink(SUID_PATH);
}

/* In a cpuset limited to nodes 1-2: other nodes refused, "all" is 1-2. */
TEST(cpuset_restricts_nodes)
{
	const char *cg = "/sys/fs/cgroup/numapol-test";
	char path[128], buf[256];
	struct mt_target t;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (np_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset"))
		SKIP(return, "no cpuset controller");
	rmdir(cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	snprintf(path, sizeof(path), "%s/cpuset.mems", cg);
	ASSERT_EQ(0, np_write_file(path, "1-2"));
	ASSERT_EQ(0, mt_start(&t, 2));
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(buf, sizeof(buf), "%d", t.pid);
	ASSERT_EQ(0, np_write_file(path, buf));

	ASSERT_EQ(-EINVAL, set_policy(t.pid, 0, "bind:0"));
	ASSERT_EQ(-EINVAL, set_policy(t.pid, 0, "prefer=3"));
	ASSERT_EQ(-EINVAL, set_policy(t.pid, 0, "interleave:1-3"));
	ASSERT_EQ(0, np_files_not(t.pid, "default"));
	ASSERT_EQ(0, mt_threads_not(&t, MPOL_DEFAULT, 0, _metadata));
	ASSERT_EQ(0, set_policy(t.pid, 0, "bind:all"));
	ASSERT_EQ(0, np_files_not(t.pid, "bind:1-2"));
	ASSERT_EQ(0, mt_threads_not(&t, MPOL_BIND, 0x6, _metadata));
	ASSERT_EQ(0, set_policy(t.pid, 0, "prefer=2"));
	ASSERT_EQ(0, mt_threads_not(&t, MPOL_PREFERRED, 0x4, _metadata));
	ASSERT_EQ(0, mt_do(&t, 1, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t.pid, t.region, NPAGES, 2));
	mt_stop(&t);
	np_cgroup_remove(cg);
}

/*
 * Another user's process: root with ptrace and DAC override but without
 * CAP_SYS_NICE is refused (EPERM); with it, allowed.
 */
TEST(permissions_cap_sys_nice)
{
	struct target t;
	char path[64], buf[256];
	int status;
	pid_t pid;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (getuid() != 0)
		SKIP(return, "needs root");
	ASSERT_EQ(0, target_start_as(&t, 0, false, 1000));
	policy_path(path, sizeof(path), t.pid, 0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap(CAP_SYS_NICE))
			_exit(10);
		if (open(path, O_WRONLY) >= 0 || errno != EPERM)
			_exit(11);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_STREQ("default", get_policy(t.pid, 0, buf, sizeof(buf)));
	/* With CAP_SYS_NICE (root here): allowed. */
	ASSERT_EQ(0, set_policy(t.pid, 0, "prefer=2"));
	ASSERT_STREQ("prefer:2", get_policy(t.pid, 0, buf, sizeof(buf)));
	target_stop(&t);
}

/* A non-dumpable process of one's own uid cannot be changed (as ptrace). */
TEST(permissions_non_dumpable)
{
	struct target t;
	char path[64];
	int status;
	pid_t pid;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (getuid() != 0)
		SKIP(return, "needs root to create users");
	ASSERT_EQ(0, target_start_as(&t, 0, false, 1000));
	policy_path(path, sizeof(path), t.pid, 0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (become(1000))
			_exit(10);
		/* Dumpable: allowed. */
		if (np_write_file(path, "prefer=1"))
			_exit(11);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, target_do(&t, 'N'));
	/* Non-dumpable: the file is root's and ptrace is refused. */
	ASSERT_EQ(EACCES, open_errno_as(1000, path, O_WRONLY));
	target_stop(&t);
}

/* ---- multi-threaded targets: rollbacks, waits, an exited main thread ---- */

/*
 * A multi-threaded target (target.h's mt_target) and writers in child
 * processes; numapol.timeout_ms is put back, everything is killed and the
 * cgroup removed whatever the outcome.
 */
FIXTURE(mtp) {
	struct mt_target t;
	struct target st;
	pid_t writers[2];
	int timeout;
	char cg[128];
};

FIXTURE_SETUP(mtp)
{
	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes (tests/vm/run --nodes 4)");
	self->timeout = np_timeout_get();
	if (self->timeout <= 0)
		SKIP(return, "no %s", NP_TIMEOUT_PARAM);
}

/* In the harness's process after a failed ASSERT: see np_kill_reap(). */
FIXTURE_TEARDOWN_PARENT(mtp)
{
	unsigned int i;

	if (self->timeout > 0)
		np_timeout_set(self->timeout);
	/* The targets first: a writer still waiting for them is let go. */
	np_kill_reap(&self->t.pid);
	np_kill_reap(&self->st.pid);
	for (i = 0; i < ARRAY_SIZE(self->writers); i++)
		np_kill_reap(&self->writers[i]);
	if (self->cg[0])
		np_cgroup_remove(self->cg);
}

/* A child that writes s to pid's (tid's) numa_policy; exits with its errno. */
static pid_t start_writer(pid_t pid, pid_t tid, const char *s)
{
	pid_t w = fork();

	if (!w) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(-set_policy(pid, tid, s));
	}
	return w;
}

/* The writer's result: 0 or -errno; -1000 when it did not exit normally. */
static int writer_result(pid_t *w)
{
	int status;

	if (waitpid(*w, &status, 0) != *w)
		return -1000;
	*w = 0;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -1000;
}

/* Poll thread tid's numa_policy until it reads want (10 s at most). */
static bool wait_policy(pid_t pid, pid_t tid, const char *want)
{
	char buf[256];
	int i;

	for (i = 0; i < 5000; i++) {
		if (!strcmp(want, get_policy(pid, tid, buf, sizeof(buf))))
			return true;
		usleep(2000);
	}
	return false;
}

/*
 * The issue: "a write that returned 0 to one thread was undone by an
 * earlier write's stale rollback". W1 changes thread T, then fails (here:
 * its writer is killed while it waits for thread U, which is stopped);
 * T, stopped meanwhile, cannot run the undo W1 queues for it. A later
 * write W2 succeeds, and T runs W2's change and W1's stale undo together
 * when it resumes (task_work runs last-queued first): T must keep W2's
 * policy.
 *
 * Threads: 0 main, 1 T, 2 U, 3 X. X comes after T in the thread list, so
 * when X shows W2's policy, W2 has queued its change on T as well.
 */
TEST_F_TIMEOUT(mtp, stale_rollback_killed_writer, 60)
{
	struct mt_target *t = &self->t;
	char buf[256];

	ASSERT_EQ(0, mt_start(t, 4));
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=3"));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[2]));
	/* Seized now: attaching during W1 would wait for W1's lock. */
	ASSERT_EQ(0, np_ptrace_seize(t->tid[1]));
	/* W1 waits for U: long enough for this test to stop T meanwhile. */
	ASSERT_EQ(0, np_timeout_set(20000));
	self->writers[0] = start_writer(t->pid, 0, "bind:1");
	ASSERT_LT(0, self->writers[0]);
	ASSERT_TRUE(wait_policy(t->pid, t->tid[1], "bind:1"));
	ASSERT_EQ(0, np_ptrace_interrupt(t->tid[1]));
	/* W1 is still waiting for U. */
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG));
	/* Kill it: it rolls back, and gives up on T after 300 ms. */
	ASSERT_EQ(0, np_timeout_set(300));
	ASSERT_EQ(0, kill(self->writers[0], SIGKILL));
	ASSERT_EQ(-1000, writer_result(&self->writers[0]));
	TH_LOG("T (stopped) reads \"%s\" after W1",
	       get_policy(t->pid, t->tid[1], buf, sizeof(buf)));

	ASSERT_EQ(0, np_ptrace_detach(t->tid[2]));
	ASSERT_EQ(0, np_timeout_set(10000));
	self->writers[1] = start_writer(t->pid, 0, "bind:2");
	ASSERT_LT(0, self->writers[1]);
	ASSERT_TRUE(wait_policy(t->pid, t->tid[3], "bind:2"));
	ASSERT_EQ(0, np_ptrace_detach(t->tid[1]));
	ASSERT_EQ(0, writer_result(&self->writers[1]));
	/* W2 returned 0: every thread uses bind:2, T included. */
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 1UL << 2, _metadata));
	ASSERT_STREQ("bind:2", get_policy(t->pid, t->tid[1], buf, sizeof(buf)));
}

/*
 * The same with W1 failing by itself (EAGAIN), as in the issue. T is made
 * to stop right after it has run W1's change, without racing W1: it sits
 * in vfork(2) (where it runs no task_work and takes no signal) with a
 * SIGUSR2 pending for its tracer, until W1's change is queued on it; let
 * out, it runs the change first and then stops for the signal.
 */
TEST_F_TIMEOUT(mtp, stale_rollback_after_eagain, 60)
{
	struct mt_target *t = &self->t;
	pid_t T;
	char buf[256];
	int status;

	ASSERT_EQ(0, mt_start(t, 4));
	T = t->tid[1];
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=3"));
	ASSERT_EQ(0, np_ptrace_seize(T));
	ASSERT_EQ(0, mt_vfork(t, 1));
	ASSERT_EQ(0, syscall(__NR_tgkill, t->pid, T, SIGUSR2));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[2]));
	/* W1 fails with EAGAIN after 5 s (U stopped). */
	ASSERT_EQ(0, np_timeout_set(5000));
	self->writers[0] = start_writer(t->pid, 0, "bind:1");
	ASSERT_LT(0, self->writers[0]);
	/* X has W1's policy: W1's change is queued on T too. */
	ASSERT_TRUE(wait_policy(t->pid, t->tid[3], "bind:1"));
	ASSERT_EQ(0, mt_release(t));
	ASSERT_EQ(T, waitpid(T, &status, __WALL));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(SIGUSR2, WSTOPSIG(status));
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG));
	/* The set-up: W1's change reached T before W1 gave up. */
	ASSERT_STREQ("bind:1", get_policy(t->pid, T, buf, sizeof(buf)));
	/* W1's rollback gives up on T after 300 ms. */
	ASSERT_EQ(0, np_timeout_set(300));
	ASSERT_EQ(-EAGAIN, writer_result(&self->writers[0]));

	ASSERT_EQ(0, np_ptrace_detach(t->tid[2]));
	ASSERT_EQ(0, np_timeout_set(10000));
	self->writers[1] = start_writer(t->pid, 0, "bind:2");
	ASSERT_LT(0, self->writers[1]);
	ASSERT_TRUE(wait_policy(t->pid, t->tid[3], "bind:2"));
	/* Resume T without the signal; it leaves vfork(2). */
	ASSERT_EQ(0, np_ptrace_detach(T));
	ASSERT_EQ(0, mt_wait_k(t, 1));
	ASSERT_EQ(0, writer_result(&self->writers[1]));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 1UL << 2, _metadata));
	ASSERT_STREQ("bind:2", get_policy(t->pid, T, buf, sizeof(buf)));
}

/*
 * Two writers to one process: the second waits for the lock while the
 * first waits (in vain, on a stopped thread) for its whole timeout. The
 * second then gets its own full timeout for its target: it must not fail
 * with EAGAIN because its deadline ran out while it queued for the lock.
 * (This assumes writes to one process are serialized, as mm/numapol.c
 * says they are.)
 *
 * Threads: 0 main, 1 S (stopped), 2 R (in vfork(2), unable to run a
 * change until let out), 3 X (shows when W1 holds the lock). R is let out
 * 200 ms after W1 has failed: well within W2's 1 s, but much later than
 * the single jiffy a deadline that has already passed leaves.
 */
TEST_F_TIMEOUT(mtp, second_writer_gets_its_own_timeout, 60)
{
	struct mt_target *t = &self->t;
	unsigned long mask;
	char buf[256];
	int mode;

	ASSERT_EQ(0, mt_start(t, 4));
	ASSERT_EQ(0, mt_vfork(t, 2));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[1]));
	ASSERT_EQ(0, np_timeout_set(3000));
	self->writers[0] = start_writer(t->pid, 0, "bind:1");
	ASSERT_LT(0, self->writers[0]);
	/* X has W1's policy: W1 holds the process's lock. */
	ASSERT_TRUE(wait_policy(t->pid, t->tid[3], "bind:1"));
	ASSERT_EQ(0, np_timeout_set(1000));
	self->writers[1] = start_writer(t->pid, t->tid[2], "bind:2");
	ASSERT_LT(0, self->writers[1]);
	ASSERT_EQ(-EAGAIN, writer_result(&self->writers[0]));
	usleep(200000);
	ASSERT_EQ(0, mt_release(t));
	ASSERT_EQ(0, mt_wait_k(t, 2));
	ASSERT_EQ(0, writer_result(&self->writers[1]));
	ASSERT_STREQ("bind:2", get_policy(t->pid, t->tid[2], buf, sizeof(buf)));
	ASSERT_EQ(0, mt_policy(t, 2, 'P', &mode, &mask));
	ASSERT_EQ(MPOL_BIND, mode);
	ASSERT_EQ(1UL << 2, mask);
}

/*
 * A process whose main thread has exited is still a process: its <pid>
 * file works through the live threads.
 */
TEST_F(mtp, main_thread_exited)
{
	struct mt_target *t = &self->t;
	char path[64], buf[256];
	int fd;

	ASSERT_EQ(0, mt_start(t, 3));
	ASSERT_EQ(0, mt_exit_main(t));
	policy_path(path, sizeof(path), t->pid, 0);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd) TH_LOG("open(%s, O_WRONLY): %s", path, strerror(errno));
	ASSERT_EQ(8, write(fd, "bind:1-2", 8)) TH_LOG("write: %s", strerror(errno));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 0x6, _metadata));
	/* The file shows the first live thread's. */
	ASSERT_STREQ("bind:1-2", get_policy(t->pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=3"));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_PREFERRED, 0x8, _metadata));
	ASSERT_EQ(0, mt_do(t, 1, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->tid[1], t->region, NPAGES, 3));
}

/*
 * Wait (10 s at most) until process pid sleeps in write(2): its
 * /proc/<pid>/syscall names write and its state is D (the writer's waits
 * are killable, TASK_KILLABLE). 0, or -1.
 */
static int wait_in_write(pid_t pid)
{
	char path[64], buf[256];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 5000; i++) {
		if (np_read_file(path, buf, sizeof(buf)) > 0 &&
		    atoi(buf) == __NR_write && isdigit(buf[0]) &&
		    np_thread_state(pid, pid) == 'D')
			return 0;
		usleep(2000);
	}
	return -1;
}

/*
 * A writer killed while it waits leaves the old policy or the new one:
 * here the old one, as the target is stopped and never runs the change.
 * The writer is seen asleep in write(2) before it is killed, and dies of
 * that SIGKILL.
 */
TEST_F_TIMEOUT(mtp, killed_writer_old_or_new, 60)
{
	struct mt_target *t = &self->t;
	char buf[256];
	int status;
	pid_t w;

	ASSERT_EQ(0, mt_start(t, 3));
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=1"));
	ASSERT_EQ(0, kill(t->pid, SIGSTOP));
	ASSERT_EQ(0, np_wait_all_state(t->pid, 'T'));
	/* The writer must still be waiting when it is killed. */
	ASSERT_EQ(0, np_timeout_set(20000));
	w = start_writer(t->pid, 0, "bind:2");
	self->writers[0] = w;
	ASSERT_LT(0, w);
	snprintf(buf, sizeof(buf), "/proc/%d/syscall", w);
	ASSERT_EQ(0, wait_in_write(w))
		TH_LOG("writer not seen blocked in write(2): syscall \"%s\", state %c",
		       np_read_file(buf, buf, sizeof(buf)) > 0 ? buf : "?",
		       np_thread_state(w, w));
	ASSERT_EQ(0, kill(w, SIGKILL));
	ASSERT_EQ(w, waitpid(w, &status, 0));
	self->writers[0] = 0;
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("writer status %#x", status);
	ASSERT_EQ(0, kill(t->pid, SIGCONT));
	ASSERT_STREQ("prefer:1", get_policy(t->pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, np_files_not(t->pid, "prefer:1"));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_PREFERRED, 1UL << 1, _metadata));
	ASSERT_EQ(0, mt_do(t, 2, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 1));
}

/*
 * A failed write gives the old policy back to the threads created while it
 * was in progress too. T0 (the main thread) takes the new policy; the
 * write then waits in vain for T1 (stopped by ptrace); meanwhile T0 creates
 * T2, which inherits the new policy. After the EAGAIN, and once T1 is let
 * go, every thread - T2 included - runs the old policy, as its numa_policy
 * file and its own get_mempolicy(2) say.
 */
TEST_F_TIMEOUT(mtp, rollback_covers_threads_created_during_write, 60)
{
	struct mt_target *t = &self->t;
	pid_t tids[MAX_THREADS];
	char buf[256];
	int i, n;

	ASSERT_EQ(0, mt_start(t, 2));
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=3"));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[1]));
	/* Long enough for the set-up below, under TCG too. */
	ASSERT_EQ(0, np_timeout_set(4000));
	self->writers[0] = start_writer(t->pid, 0, "bind:1");
	ASSERT_LT(0, self->writers[0]);
	/* T0 has applied the write; the write waits for T1. */
	ASSERT_TRUE(wait_policy(t->pid, t->tid[0], "bind:1"));
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG));
	/* Only now does T0 create T2. */
	ASSERT_EQ(2, mt_spawn(t, 0));
	ASSERT_STREQ("bind:1", get_policy(t->pid, t->tid[2], buf, sizeof(buf)));
	/* The set-up: T2 had the new policy while the write was still on. */
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG))
		TH_LOG("the write ended before T2 was made: set-up too slow");
	ASSERT_EQ(-EAGAIN, writer_result(&self->writers[0]));
	ASSERT_EQ(0, np_ptrace_detach(t->tid[1]));

	n = list_tids(t->pid, tids, MAX_THREADS);
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++) {
		EXPECT_STREQ("prefer:3", get_policy(t->pid, tids[i], buf,
						    sizeof(buf)))
			TH_LOG("thread %d%s", tids[i],
			       tids[i] == t->tid[2] ? " (T2, made during the write)" : "");
	}
	ASSERT_EQ(0, mt_threads_not(t, MPOL_PREFERRED, 1UL << 3, _metadata));
}

/*
 * A thread created during a write by a thread that has already taken the
 * new policy inherits it, and the write does not wait for it: otherwise a
 * process that keeps creating threads keeps the writer chasing them until
 * EAGAIN (issue 12, 8e). Made deterministic: T0 takes the new policy while
 * the write waits for T1 (stopped by ptrace); T0 then creates T2, which is
 * stopped by ptrace too, and T1 is let go. The write must succeed without
 * T2 ever running: T2 runs the new policy already.
 */
TEST_F_TIMEOUT(mtp, thread_made_by_updated_thread_not_waited_for, 60)
{
	struct mt_target *t = &self->t;
	char buf[256];

	ASSERT_EQ(0, mt_start(t, 2));
	ASSERT_EQ(0, set_policy(t->pid, 0, "prefer=3"));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[1]));
	/* Long enough for the set-up below, under TCG too. */
	ASSERT_EQ(0, np_timeout_set(4000));
	self->writers[0] = start_writer(t->pid, 0, "bind:1");
	ASSERT_LT(0, self->writers[0]);
	ASSERT_TRUE(wait_policy(t->pid, t->tid[0], "bind:1"));
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG));
	ASSERT_EQ(2, mt_spawn(t, 0));
	ASSERT_STREQ("bind:1", get_policy(t->pid, t->tid[2], buf, sizeof(buf)));
	ASSERT_EQ(0, np_ptrace_stop(t->tid[2]));
	ASSERT_EQ(0, waitpid(self->writers[0], NULL, WNOHANG))
		TH_LOG("the write ended before T2 was stopped: set-up too slow");
	ASSERT_EQ(0, np_ptrace_detach(t->tid[1]));
	/* Without waiting for the stopped T2. */
	ASSERT_EQ(0, writer_result(&self->writers[0]));
	ASSERT_EQ('t', np_thread_state(t->pid, t->tid[2]));
	ASSERT_EQ(0, np_ptrace_detach(t->tid[2]));
	ASSERT_EQ(0, mt_threads_not(t, MPOL_BIND, 1UL << 1, _metadata));
}

/*
 * bind=static:0-3 in a cpuset of nodes 1-2: accepted, as set_mempolicy(2)
 * accepts it (static nodes are meant to outlive cpuset changes); the
 * target uses nodes 1-2 of it.
 */
TEST_F(mtp, static_nodes_outside_cpuset)
{
	struct target *t = &self->st;
	char buf[256];
	const char *got;
	unsigned long mask;
	int mode, ret;

	ret = np_cpuset_make("numapol-static", "1-2", self->cg, sizeof(self->cg));
	if (ret == -1)
		SKIP(return, "no cpuset controller");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, target_start(t, 1));
	ASSERT_EQ(0, np_cgroup_enter(self->cg, t->pid));
	ASSERT_EQ(0, set_policy(t->pid, 0, "bind=static:0-3"));
	got = get_policy(t->pid, 0, buf, sizeof(buf));
	/* mpol_to_str() prints the nodes in use; the nodes written too. */
	ASSERT_TRUE(!strcmp(got, "bind=static:0-3") ||
		    !strcmp(got, "bind=static:1-2")) TH_LOG("reads \"%s\"", got);
	ASSERT_EQ(0, target_policy(t, &mode, &mask));
	ASSERT_EQ(MPOL_BIND | MPOL_F_STATIC_NODES, mode);
	/* get_mempolicy(2) gives static nodes back as they were written. */
	ASSERT_EQ(0xfUL, mask);
	ASSERT_EQ(0, target_do(t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t->pid, t->region, NPAGES, 1) +
			  np_count_on_node(t->pid, t->region, NPAGES, 2));
	/* The same through a <tid> file. */
	ASSERT_EQ(0, set_policy(t->pid, t->pid, "default"));
	ASSERT_EQ(0, set_policy(t->pid, t->pid, "interleave=static:0-3"));
	ASSERT_EQ(0, target_policy(t, &mode, &mask));
	ASSERT_EQ(MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, mode);
	ASSERT_EQ(0xfUL, mask);
}

TEST_HARNESS_MAIN
