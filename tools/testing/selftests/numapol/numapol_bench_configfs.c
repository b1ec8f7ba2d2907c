// SPDX-License-Identifier: GPL-2.0
/*
 * Time to re-apply a configfs group's policy to N bound processes (a
 * benchmark, not a test): for each N, start N sleeping processes, create
 * /sys/kernel/config/numapol/bench-N, bind every process (mkdir
 * tasks/<pid>), then time the writes of the group's policy attribute,
 * alternating "prefer:1" and "interleave:0-3"; write() returns once every
 * binding has the new policy (INTERFACE.md section 5). N = 1 is the
 * single-process write the growth is measured against.
 *
 *   numapol_bench_configfs N...    e.g. 1 10 100 1000 10000
 *
 * Prints, for each N:
 *   configfs_reapply_ms.N         median of 15 writes (N <= 100) or 5
 *   configfs.proc_writes_ms.N     the same change without configfs: the
 *                                 N processes' /proc/<pid>/numa_policy
 *                                 opened, written and closed one after
 *                                 another (median of 3; 1 for N > 1000)
 *   configfs.memavail_kb.N        MemAvailable while the N are bound
 *   configfs.bound.N              how many processes were started and
 *                                 bound (N, or fewer when the VM ran out:
 *                                 then configfs_reapply_ms.N.error too)
 * or, when this kernel has no /sys/kernel/config/numapol,
 * "configfs.pending 1" and nothing else.
 */
#include "bench.h"
#include "numapol_util.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ROOT	"/sys/kernel/config/numapol"
#define REPS_MAX	15

static void stop_all(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/* MemAvailable in kB, or -1. */
static long mem_available_kb(void)
{
	char buf[4096], *p;
	int ret = np_read_file("/proc/meminfo", buf, sizeof(buf));

	if (ret < 0)
		return -1;
	p = strstr(buf, "MemAvailable:");
	return p ? strtol(p + strlen("MemAvailable:"), NULL, 10) : -1;
}

/*
 * The change without configfs: write each process's numa_policy in turn,
 * as a tool without configfs would. Returns the time in ms, or -1.
 */
static double proc_writes(pid_t *pids, int n, const char *pol)
{
	double t0 = bench_now_us();
	char path[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/numa_policy", pids[i]);
		if (np_write_file(path, pol))
			return -1;
	}
	return (bench_now_us() - t0) / 1e3;
}

static int run(int n)
{
	static const char * const pols[] = { "prefer:1\n", "interleave:0-3\n" };
	pid_t *pids = calloc(n, sizeof(*pids));
	int reps = n <= 100 ? REPS_MAX : 5, preps = n > 1000 ? 1 : 3;
	char group[96], path[160];
	double v[REPS_MAX];
	int i, bound = 0, ret = 0;

	if (!pids)
		return -ENOMEM;
	snprintf(group, sizeof(group), ROOT "/bench-%d", n);
	if (mkdir(group, 0755)) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			for (;;)
				pause();
		}
		if (pids[i] < 0) {
			ret = -errno;
			goto unbind;
		}
		snprintf(path, sizeof(path), "%s/tasks/%d", group, pids[i]);
		if (mkdir(path, 0755)) {
			ret = -errno;
			goto unbind;
		}
		bound++;
	}
	printf("configfs.bound.%d %d\n", n, bound);
	printf("configfs.memavail_kb.%d %ld\n", n, mem_available_kb());
	snprintf(path, sizeof(path), "%s/policy", group);
	for (i = 0; i < reps && !ret; i++) {
		double t0 = bench_now_us();

		ret = np_write_file(path, pols[i % 2]);
		v[i] = (bench_now_us() - t0) / 1e3;
	}
	if (!ret)
		printf("configfs_reapply_ms.%d %.3f\n", n, bench_pct(v, reps, 50));
	for (i = 0; i < preps && !ret; i++) {
		v[i] = proc_writes(pids, n, pols[i % 2]);
		if (v[i] < 0) {
			printf("configfs.proc_writes_ms.%d.error 1\n", n);
			break;
		}
	}
	if (i == preps)
		printf("configfs.proc_writes_ms.%d %.3f\n", n, bench_pct(v, preps, 50));
unbind:
	if (bound < n)
		printf("configfs.bound.%d %d\n", n, bound);
	for (i = 0; i < bound; i++) {
		snprintf(path, sizeof(path), "%s/tasks/%d", group, pids[i]);
		rmdir(path);
	}
	rmdir(group);
out:
	stop_all(pids, n);
	free(pids);
	if (ret)
		printf("configfs_reapply_ms.%d.error %d\n", n, ret);
	return ret;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, bad = 0;

	if (stat(ROOT, &st) || !S_ISDIR(st.st_mode)) {
		printf("configfs.pending 1\n");
		return 0;
	}
	printf("configfs.reps %d\n", REPS_MAX);
	for (i = 1; i < argc; i++)
		bad |= !!run(atoi(argv[i]));
	return bad;
}
