// SPDX-License-Identifier: GPL-2.0
/*
 * Time to read /proc/<pid>/numa_maps of a process with NVMAS mappings (a
 * benchmark, not a test). The child maps NVMAS pages, touches them and
 * makes every other page read-only, so that each page is a mapping of its
 * own; the parent reads the child's numa_maps REPS times with 64 KiB
 * reads. Run on the patched and on the stock kernel: reads must cost the
 * same.
 *
 *   numapol_bench_maps [NVMAS [REPS]]    defaults: 10000 15
 *
 * Prints maps.read_ms (median), maps.best_ms, maps.vmas (lines read).
 */
#include "bench.h"
#include "numapol_util.h"

#include <signal.h>
#include <sys/wait.h>

static char buf[65536];

/* Read the whole file; returns the number of lines, or -1. */
static int read_all(const char *path)
{
	int fd = open(path, O_RDONLY), lines = 0;
	ssize_t n, i;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return n < 0 ? -1 : lines;
}

int main(int argc, char **argv)
{
	int nvmas = argc > 1 ? atoi(argv[1]) : 10000;
	int reps = argc > 2 ? atoi(argv[2]) : 15;
	double *v = calloc(reps > 0 ? reps : 1, sizeof(double));
	size_t page = NP_PAGE_SIZE;
	int i, lines = 0, ready[2];
	char path[64], c;
	pid_t pid;

	if (nvmas <= 0 || reps <= 0 || !v || pipe(ready))
		return 2;
	pid = fork();
	if (!pid) {
		char *p = np_map(nvmas);

		if (!p)
			_exit(1);
		np_touch(p, nvmas);
		for (i = 0; i < nvmas; i += 2)
			if (mprotect(p + i * page, page, PROT_READ))
				_exit(1);
		if (write(ready[1], "k", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "numapol_bench_maps: the child failed\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	for (i = 0; i < reps; i++) {
		double t0 = bench_now_us();

		lines = read_all(path);
		v[i] = (bench_now_us() - t0) / 1e3;
		if (lines < 0)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (lines < nvmas) {
		fprintf(stderr, "numapol_bench_maps: %d lines, wanted %d\n",
			lines, nvmas);
		return 1;
	}
	printf("maps.read_ms %.3f\n", bench_pct(v, reps, 50));
	printf("maps.best_ms %.3f\n", v[0]);
	printf("maps.vmas %d\n", lines);
	printf("maps.reps %d\n", reps);
	return 0;
}
