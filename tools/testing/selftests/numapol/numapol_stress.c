// SPDX-License-Identifier: GPL-2.0
/*
 * Races: writers change task policies (<pid> and <tid> files), VMA
 * policies and migrations (numa_maps) and configfs groups and bindings,
 * while the targets create and end threads, fork, exec and exit, allocate
 * and free memory, and a cpuset's mems change under some of them. At the
 * end every surviving target must answer and show a policy that was
 * written; the kernel's checkers (KASAN, lockdep, kmemleak) judge the rest.
 *
 *   numapol_stress [SECONDS]        (default 10; NUMAPOL_STRESS_SECONDS)
 *
 * Prints the figures: writes done, accepted, refused, targets respawned.
 */
#include <sys/stat.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "target.h"

#define NTARGETS	6
#define NWRITERS	4
#define CG		"/sys/fs/cgroup/numapol-stress"
#define CFS		"/sys/kernel/config/numapol"

static const char * const pool[] = {
	"default", "local", "prefer=1", "prefer:2", "interleave={1,2}",
	"bind:1-2", "bind=static:1", "prefer (many):1-2", "interleave:all",
	"weighted interleave:1-2",
};

/* What reading back any of the pool can show, outside the cpuset. */
static const char * const shown[] = {
	"default", "local", "prefer:1", "prefer:2", "interleave:1-2",
	"bind:1-2", "bind=static:1", "prefer (many):1-2", "interleave:0-3",
	"weighted interleave:1-2",
};

struct shared {
	int stop;
	pid_t targets[NTARGETS];
	unsigned long writes, accepted, refused, respawned;
};

/* A target's life: threads, forks, memory churn, now and then an exec. */
static void churn_main(int n)
{
	unsigned int seed = getpid();
	pthread_t th;

	for (;;) {
		char *p;
		int r = rand_r(&seed) % 100;

		if (r < 40) {
			if (!pthread_create(&th, NULL, short_lived, NULL))
				pthread_detach(th);
		} else if (r < 60) {
			p = mmap(NULL, 64 * NP_PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED) {
				np_touch(p, 64);
				munmap(p, 64 * NP_PAGE_SIZE);
			}
		} else if (r < 70) {
			pid_t c = fork();

			if (!c)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		} else if (r == 70 && n % 3 == 0) {
			/* Ends this target: the parent starts another. */
			execl("/bin/sh", "sh", "-c", "sleep 0.2", NULL);
		}
		usleep(1000);
	}
}

static pid_t spawn_target(int n)
{
	pid_t pid = fork();

	if (!pid)
		churn_main(n);
	return pid;
}

static void write_one(struct shared *sh, unsigned int *seed)
{
	pid_t pid = sh->targets[rand_r(seed) % NTARGETS];
	const char *pol = pool[rand_r(seed) % ARRAY_SIZE(pool)];
	char path[128], line[256], maps[8192];
	int kind = rand_r(seed) % 10, ret;

	if (kind < 4) {
		ret = set_policy(pid, 0, pol);
	} else if (kind < 6) {
		pid_t tids[MAX_THREADS];
		int n = list_tids(pid, tids, MAX_THREADS);

		ret = n > 0 ? set_policy(pid, tids[rand_r(seed) % n], pol) :
			      -ESRCH;
	} else if (kind < 9) {
		unsigned long start;
		char *p;

		/* A line for one of its VMAs: a policy or a migration. */
		snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
		if (np_read_file(path, maps, sizeof(maps)) <= 0) {
			ret = -ESRCH;
			goto count;
		}
		p = maps;
		for (ret = rand_r(seed) % 8; ret > 0 && strchr(p, '\n'); ret--)
			p = strchr(p, '\n') + 1;
		start = strtoul(p, NULL, 16);
		if (kind < 8)
			snprintf(line, sizeof(line), "%lx %s%s\n", start, pol,
				 rand_r(seed) % 4 ? "" : " move");
		else
			snprintf(line, sizeof(line), "%lx N0-3(%d)>%d\n", start,
				 rand_r(seed) % 64 + 1, rand_r(seed) % 3 + 1);
		ret = np_write_file(path, line);
	} else {
		/* configfs: a group's policy, or a binding in or out. */
		snprintf(path, sizeof(path), CFS "/stress/tasks/%d", pid);
		if (rand_r(seed) % 3 == 0)
			ret = mkdir(path, 0755) ? -errno : 0;
		else if (rand_r(seed) % 3 == 0)
			ret = rmdir(path) ? -errno : 0;
		else
			ret = np_write_file(CFS "/stress/policy", pol);
	}
count:
	__sync_fetch_and_add(&sh->writes, 1);
	if (ret)
		__sync_fetch_and_add(&sh->refused, 1);
	else
		__sync_fetch_and_add(&sh->accepted, 1);
}

static bool is_shown(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shown); i++)
		if (!strcmp(s, shown[i]))
			return true;
	return false;
}

static int seconds(int argc, char **argv)
{
	const char *s = getenv("NUMAPOL_STRESS_SECONDS");

	if (argc > 1)
		return atoi(argv[1]);
	return s ? atoi(s) : 10;
}

static int stress_argc;
static char **stress_argv;

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* make stress runs this for minutes: beyond the harness's 30 s default. */
TEST_F_TIMEOUT(stress, races, 3600)
{
	struct shared *sh;
	pid_t writers[NWRITERS];
	time_t end;
	int i, cpuset, status;
	char buf[512];

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));

	/* Half the targets in a cpuset whose mems keep changing. */
	cpuset = !np_write_file("/sys/fs/cgroup/cgroup.subtree_control",
				"+cpuset");
	if (cpuset) {
		rmdir(CG);
		ASSERT_EQ(0, mkdir(CG, 0755));
		ASSERT_EQ(0, np_write_file(CG "/cpuset.mems", "0-3"));
	}
	mkdir(CFS "/stress", 0755);
	for (i = 0; i < NTARGETS; i++)
		sh->targets[i] = spawn_target(i);

	for (i = 0; i < NWRITERS; i++) {
		writers[i] = fork();
		ASSERT_LE(0, writers[i]);
		if (!writers[i]) {
			unsigned int seed = getpid();

			while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED))
				write_one(sh, &seed);
			_exit(0);
		}
	}

	end = time(NULL) + seconds(stress_argc, stress_argv);
	while (time(NULL) < end) {
		/* Respawn targets that exec'ed and ended; move some in. */
		for (i = 0; i < NTARGETS; i++) {
			if (waitpid(sh->targets[i], NULL, WNOHANG) ==
			    sh->targets[i]) {
				sh->targets[i] = spawn_target(i);
				sh->respawned++;
			}
			if (cpuset && i % 2) {
				snprintf(buf, sizeof(buf), "%d", sh->targets[i]);
				np_write_file(CG "/cgroup.procs", buf);
			}
		}
		if (cpuset)
			np_write_file(CG "/cpuset.mems",
				      time(NULL) % 2 ? "0-3" : "1-2");
		usleep(100000);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NWRITERS; i++) {
		ASSERT_EQ(writers[i], waitpid(writers[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
	}

	/* Every target answers, with a policy that was written. */
	for (i = 0; i < NTARGETS; i++) {
		const char *pol = get_policy(sh->targets[i], 0, buf,
					     sizeof(buf));

		if (waitpid(sh->targets[i], NULL, WNOHANG) == sh->targets[i])
			continue;
		/*
		 * Outside the cpuset the policy is one of those written; in
		 * it, cpuset rebinding may have remapped its nodes.
		 */
		ASSERT_NE(0, *pol) TH_LOG("target %d does not answer", i);
		if (!cpuset || i % 2 == 0)
			ASSERT_TRUE(is_shown(pol))
				TH_LOG("target %d: \"%s\"", i, pol);
		ASSERT_EQ(0, set_policy(sh->targets[i], 0, "default"));
		ASSERT_STREQ("default", get_policy(sh->targets[i], 0, buf,
						   sizeof(buf)));
		kill(sh->targets[i], SIGKILL);
		waitpid(sh->targets[i], NULL, 0);
	}
	for (i = 0; i < 100; i++) {
		DIR *d = opendir(CFS "/stress/tasks");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(buf, sizeof(buf), CFS "/stress/tasks/%s",
				 e->d_name);
			rmdir(buf);
		}
		if (d)
			closedir(d);
		if (!rmdir(CFS "/stress") || errno == ENOENT)
			break;
	}
	if (cpuset)
		rmdir(CG);
	printf("# stress: %lu writes, %lu accepted, %lu refused, %lu targets respawned\n",
	       sh->writes, sh->accepted, sh->refused, sh->respawned);
	ASSERT_LT(100, sh->accepted);
}

/*
 * A target bound, from outside, to one node and allocating past it behaves
 * as under its own bind(2): it is OOM-killed (or its allocation fails);
 * the writer and the kernel carry on.
 */
TEST_F_TIMEOUT(stress, bound_target_under_memory_pressure, 600)
{
	size_t len = 768UL << 20;	/* more than a 512 MiB node */
	struct target t;
	char buf[256];
	int status, sync[2];
	pid_t pid;
	char c;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p;

		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(2);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(3);
		np_touch(p, len / NP_PAGE_SIZE);
		_exit(0);	/* all of it fit on node 3: wrong */
	}
	close(sync[0]);
	ASSERT_EQ(0, set_policy(pid, 0, "bind:3"));
	ASSERT_EQ(1, write(sync[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 3))
		TH_LOG("status 0x%x", status);
	close(sync[1]);
	/* The writer and the kernel carry on. */
	ASSERT_EQ(0, target_start(&t, 1));
	ASSERT_EQ(0, set_policy(t.pid, 0, "prefer=3"));
	ASSERT_STREQ("prefer:3", get_policy(t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, target_do(&t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t.pid, t.region, NPAGES, 3));
	target_stop(&t);
}

int main(int argc, char **argv)
{
	stress_argc = argc;
	stress_argv = argv;
	return test_harness_run(1, argv);
}
