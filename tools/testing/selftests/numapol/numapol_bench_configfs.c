// SPDX-License-Identifier: GPL-2.0
/*
 * Time to re-apply a configfs group's policy to N bound processes (a
 * benchmark, not a test): for each N, start N sleeping processes, create
 * /sys/kernel/config/numapol/bench-N, bind every process (mkdir
 * tasks/<pid>), then time REPS writes of the group's policy attribute,
 * alternating "prefer:1" and "interleave:0-3"; write() returns once every
 * binding has the new policy (INTERFACE.md section 5).
 *
 *   numapol_bench_configfs N...    e.g. 10 100 1000
 *
 * Prints configfs_reapply_ms.N (median of 5 writes), or, when this kernel
 * has no /sys/kernel/config/numapol, "configfs.pending 1" and nothing else.
 */
#include "bench.h"
#include "numapol_util.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ROOT	"/sys/kernel/config/numapol"
#define REPS	5

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

static int run(int n)
{
	static const char * const pols[] = { "prefer:1\n", "interleave:0-3\n" };
	pid_t *pids = calloc(n, sizeof(*pids));
	char group[96], path[160];
	double v[REPS];
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
	snprintf(path, sizeof(path), "%s/policy", group);
	for (i = 0; i < REPS && !ret; i++) {
		double t0 = bench_now_us();

		ret = np_write_file(path, pols[i % 2]);
		v[i] = (bench_now_us() - t0) / 1e3;
	}
	if (!ret)
		printf("configfs_reapply_ms.%d %.3f\n", n, bench_pct(v, REPS, 50));
unbind:
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
	printf("configfs.reps %d\n", REPS);
	for (i = 1; i < argc; i++)
		bad |= !!run(atoi(argv[i]));
	return bad;
}
