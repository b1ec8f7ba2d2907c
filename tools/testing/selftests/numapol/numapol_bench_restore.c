// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring a saved numa_maps (a benchmark, not a test): a process with
 * NVMAS mappings, each with its own policy, saves its numa_maps; its
 * policies are reset to default; the saved text is written back to its
 * numa_maps as cat(1) would (64 KiB writes). Against the floor: the same
 * process making the NVMAS mbind(2) calls itself.
 *
 *   numapol_bench_restore [NVMAS[,NVMAS...] [REPS]]    defaults: 10000 3
 *
 * The child maps NVMAS pages and makes every other one read-only, so that
 * each page is a mapping of its own whatever its policy. Its policies
 * rotate over bind:1, bind:2, bind:3 and interleave:1-3. Several sizes
 * (e.g. 100,1000,10000) are measured in turn, each with a child of its
 * own, for the growth curve of scripts/bench.sh.
 *
 * Prints, for each size N, restore.N.self_ms (median of REPS: the N
 * mbind(2) calls), restore.N.write_ms (median: the writes of the saved
 * numa_maps), restore.N.ratio (write_ms / self_ms), restore.N.vmas; and
 * the same keys without ".N" (restore.self_ms, ...) for the last size.
 */
#include "bench.h"
#include "numapol_util.h"

#include <signal.h>
#include <sys/wait.h>

static char saved[4 << 20];

static void child(int nvmas, int cmd, int resp)
{
	size_t page = NP_PAGE_SIZE;
	char *p = np_map(nvmas);
	char c;
	int i;

	if (!p)
		_exit(1);
	for (i = 0; i < nvmas; i += 2)
		if (mprotect(p + i * page, page, PROT_READ))
			_exit(1);
	while (read(cmd, &c, 1) == 1) {
		double t0 = bench_now_us(), ms;
		int err = 0;

		for (i = 0; i < nvmas && !err; i++) {
			unsigned long mask = 1UL << (1 + i % 3);
			int mode = MPOL_BIND;

			if (c == 'D') {	/* one call resets them all */
				err = np_mbind(p, nvmas * page, MPOL_DEFAULT,
					       NULL, 0, 0);
				break;
			}
			if (i % 4 == 3) {
				mode = MPOL_INTERLEAVE;
				mask = 0xe;
			}
			err = np_mbind(p + i * page, page, mode, &mask,
				       sizeof(mask) * 8, 0);
		}
		ms = err ? -1 : (bench_now_us() - t0) / 1e3;
		if (write(resp, &ms, sizeof(ms)) != sizeof(ms))
			_exit(1);
	}
	_exit(0);
}

static double ask(int cmd, int resp, char c)
{
	double ms = -1;

	if (write(cmd, &c, 1) != 1 || read(resp, &ms, sizeof(ms)) != sizeof(ms))
		return -1;
	return ms;
}

static long read_maps(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long len = 0, n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return n < 0 ? -1 : len;
}

/* Write @len bytes in 64 KiB writes, as cat(1) does; 0 or -errno. */
static int write_maps(const char *path, const char *buf, long len)
{
	int fd = open(path, O_WRONLY), ret = 0;
	long off = 0;

	if (fd < 0)
		return -errno;
	while (off < len && !ret) {
		long n = len - off < 65536 ? len - off : 65536;

		if (write(fd, buf + off, n) != n)
			ret = -errno;
		off += n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static int count(const char *buf, const char *word)
{
	int n = 0;

	for (buf = strstr(buf, word); buf; buf = strstr(buf + 1, word))
		n++;
	return n;
}

/* One size: NVMAS mappings, REPS restores. 0, or 1 on failure. */
static int measure(int nvmas, int reps, int last)
{
	double *self = calloc(reps, sizeof(double));
	double *wr = calloc(reps, sizeof(double));
	int cmd[2], resp[2], i, pols = 0, err;
	char path[64];
	long len;
	pid_t pid;

	if (!self || !wr || pipe(cmd) || pipe(resp))
		return 1;
	pid = fork();
	if (!pid)
		child(nvmas, cmd[0], resp[1]);
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	for (i = 0; i < reps; i++) {
		double t0;

		if (ask(cmd[1], resp[0], 'D') < 0)
			goto fail;
		self[i] = ask(cmd[1], resp[0], 'S');
		if (self[i] < 0)
			goto fail;
		len = read_maps(path, saved, sizeof(saved));
		if (len <= 0 || ask(cmd[1], resp[0], 'D') < 0)
			goto fail;
		t0 = bench_now_us();
		err = write_maps(path, saved, len);
		wr[i] = (bench_now_us() - t0) / 1e3;
		if (err) {
			fprintf(stderr, "numapol_bench_restore: write: %s\n",
				strerror(-err));
			goto fail;
		}
		/* Check the restore: every mapping has its policy back. */
		if (read_maps(path, saved, sizeof(saved)) <= 0)
			goto fail;
		pols = count(saved, " bind:") + count(saved, " interleave:");
		if (pols < nvmas) {
			fprintf(stderr, "numapol_bench_restore: %d policies back, wanted %d\n",
				pols, nvmas);
			goto fail;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(cmd[0]);
	close(cmd[1]);
	close(resp[0]);
	close(resp[1]);
	printf("restore.%d.self_ms %.3f\n", nvmas, bench_pct(self, reps, 50));
	printf("restore.%d.write_ms %.3f\n", nvmas, bench_pct(wr, reps, 50));
	printf("restore.%d.ratio %.3f\n", nvmas,
	       bench_pct(wr, reps, 50) / bench_pct(self, reps, 50));
	printf("restore.%d.vmas %d\n", nvmas, pols);
	if (last) {
		printf("restore.self_ms %.3f\n", bench_pct(self, reps, 50));
		printf("restore.write_ms %.3f\n", bench_pct(wr, reps, 50));
		printf("restore.ratio %.3f\n",
		       bench_pct(wr, reps, 50) / bench_pct(self, reps, 50));
		printf("restore.vmas %d\n", pols);
		printf("restore.reps %d\n", reps);
	}
	free(self);
	free(wr);
	return 0;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fprintf(stderr, "numapol_bench_restore: %d mappings: failed\n", nvmas);
	printf("restore.%d.failed 1\n", nvmas);
	return 1;
}

int main(int argc, char **argv)
{
	char *sizes = argc > 1 ? argv[1] : "10000", *p, *end;
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	int bad = 0, nvmas;

	if (reps <= 0)
		return 2;
	for (p = sizes; *p; p = *end ? end + 1 : end) {
		nvmas = strtol(p, &end, 10);
		if (nvmas <= 0 || end == p || (*end && *end != ','))
			return 2;
		bad |= measure(nvmas, reps, !*end);
	}
	return bad;
}
