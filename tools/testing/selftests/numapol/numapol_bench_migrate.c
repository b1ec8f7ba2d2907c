// SPDX-License-Identifier: GPL-2.0
/*
 * Move MIB MiB of a running process from node 0 to node 1 (a benchmark,
 * not a test), with one of:
 *
 *   numa_maps      one write "START-END N0>1" to /proc/<pid>/numa_maps
 *   numa_maps_move one write "START-END bind:1 move" (policy, then pages)
 *   migrate_pages  migrate_pages(2) of the process, nodes 0 -> 1
 *   move_pages     move_pages(2) of every page of the range, to node 1
 *
 *   numapol_bench_migrate METHOD [MIB]    default MIB: 384
 *
 * The target maps the range, fills it on node 0 (set_mempolicy bind:0
 * while it touches, default afterwards) and starts a thread that reads a
 * clock in a tight loop, storing each stamp into the next page of the
 * range, so that it both runs and uses the memory being moved. The
 * longest gap between two consecutive stamps while the migration runs is
 * the target's longest pause. The writer runs on CPU 3, the target's
 * stamping thread on CPU 2.
 *
 * The stamping thread's clock is the time stamp counter (converted with
 * its rate measured against CLOCK_MONOTONIC over a second), not
 * clock_gettime(): in the VM the clocksource is the HPET, which the vDSO
 * cannot read, so every clock_gettime() would be a system call and an
 * emulated device read, taken under QEMU's global lock, that the writer's
 * vCPU then waits for too.
 *
 * Prints migrate.METHOD.mib_s (MiB moved / wall time of the write or
 * call), .target_max_pause_ms, .moved_pages, .pages, .size_mib; and
 * .idle_max_pause_ms: the longest gap in one second before the migration,
 * with nothing moving (what the host's scheduling of the vCPUs alone does);
 * .stamp_ticks_per_ns: the stamp clock's rate.
 */
#include "bench.h"
#include "numapol_util.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#ifdef __has_builtin
#if __has_builtin(__builtin_ia32_rdtsc)
#define HAVE_RDTSC 1
#endif
#endif

/* The stamping thread's clock, in ticks: see the top of the file. */
static inline long long stamp_now(void)
{
#ifdef HAVE_RDTSC
	return (long long)__builtin_ia32_rdtsc();
#else
	return bench_now_ns();
#endif
}

/* Shared between the writer and the target (MAP_SHARED). */
struct ctl {
	int ready;
	int active;
	long long max_gap;		/* in stamp_now() ticks */
	long long stamps;
};

static struct ctl *ctl;
static char *region;
static long npages;

static void *stamper(void *arg)
{
	size_t page = NP_PAGE_SIZE;
	long long prev, t;
	long i = 0;

	bench_pin(2);
	prev = stamp_now();
	for (;;) {
		t = stamp_now();
		if (BENCH_READ(ctl->active) &&
		    t - prev > BENCH_READ(ctl->max_gap))
			BENCH_WRITE(ctl->max_gap, t - prev);
		prev = t;
		*(long long *)(region + (size_t)i * page) = t;
		if (++i == npages)
			i = 0;
		BENCH_WRITE(ctl->stamps, ctl->stamps + 1);
	}
	return arg;
}

static void target(void)
{
	unsigned long node0 = 1;
	pthread_t th;

	bench_pin(2);
	if (np_set_mempolicy(MPOL_BIND, &node0, 64))
		_exit(1);
	np_touch(region, npages);
	if (np_set_mempolicy(MPOL_DEFAULT, NULL, 0))
		_exit(1);
	if (pthread_create(&th, NULL, stamper, NULL))
		_exit(1);
	while (BENCH_READ(ctl->stamps) < 1000)
		usleep(1000);
	BENCH_WRITE(ctl->ready, 1);
	for (;;)
		pause();
}

static long numa_maps_write(pid_t pid, const char *action)
{
	char path[64], line[128];
	int fd, n;
	long ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	n = snprintf(line, sizeof(line), "%lx-%lx %s\n",
		     (unsigned long)region,
		     (unsigned long)region + npages * NP_PAGE_SIZE, action);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, line, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static long do_numa_maps(pid_t pid)
{
	return numa_maps_write(pid, "N0>1");
}

/* The range's policy becomes bind:1 and its pages follow ("move"). */
static long do_numa_maps_move(pid_t pid)
{
	return numa_maps_write(pid, "bind:1 move");
}

static long do_migrate_pages(pid_t pid)
{
	unsigned long from = 1UL << 0, to = 1UL << 1;

	return syscall(__NR_migrate_pages, pid, 64, &from, &to) < 0 ? -errno : 0;
}

static void **pages;
static int *nodes, *status;

static long do_move_pages(pid_t pid)
{
	return np_move_pages(pid, npages, pages, nodes, status,
			     MPOL_MF_MOVE) ? -errno : 0;
}

int main(int argc, char **argv)
{
	const char *method = argc > 1 ? argv[1] : "";
	int mib = argc > 2 ? atoi(argv[2]) : 384;
	long (*fn)(pid_t pid);
	long i, ret, on0, on1;
	long long idle_gap, s0, s1, n0, n1;
	double t0, t1, ticks_ns;
	pid_t pid;

	if (!strcmp(method, "numa_maps")) {
		fn = do_numa_maps;
	} else if (!strcmp(method, "numa_maps_move")) {
		fn = do_numa_maps_move;
	} else if (!strcmp(method, "migrate_pages")) {
		fn = do_migrate_pages;
	} else if (!strcmp(method, "move_pages")) {
		fn = do_move_pages;
	} else {
		fprintf(stderr,
			"usage: %s numa_maps|numa_maps_move|migrate_pages|move_pages [MIB]\n",
			argv[0]);
		return 2;
	}
	npages = ((long)mib << 20) / NP_PAGE_SIZE;
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	region = np_map(npages);
	pages = calloc(npages, sizeof(*pages));
	nodes = calloc(npages, sizeof(*nodes));
	status = calloc(npages, sizeof(*status));
	if (ctl == MAP_FAILED || !region || !pages || !nodes || !status)
		return 1;
	for (i = 0; i < npages; i++) {
		pages[i] = region + i * NP_PAGE_SIZE;
		nodes[i] = 1;
	}
	pid = fork();
	if (!pid)
		target();
	if (pid < 0)
		return 1;
	bench_pin(3);
	while (!BENCH_READ(ctl->ready)) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			printf("migrate.%s.error target died while filling node 0\n",
			       method);
			return 1;
		}
		usleep(10000);
	}
	on0 = np_count_on_node(pid, region, npages, 0);

	/* One second with nothing moving; the stamp clock's rate, meanwhile. */
	BENCH_WRITE(ctl->max_gap, 0);
	BENCH_WRITE(ctl->active, 1);
	n0 = bench_now_ns();
	s0 = stamp_now();
	usleep(1000000);
	s1 = stamp_now();
	n1 = bench_now_ns();
	BENCH_WRITE(ctl->active, 0);
	idle_gap = BENCH_READ(ctl->max_gap);
	ticks_ns = (double)(s1 - s0) / (n1 - n0);

	BENCH_WRITE(ctl->max_gap, 0);
	BENCH_WRITE(ctl->active, 1);
	t0 = bench_now_us();
	ret = fn(pid);
	t1 = bench_now_us();
	BENCH_WRITE(ctl->active, 0);

	on1 = np_count_on_node(pid, region, npages, 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (ret) {
		printf("migrate.%s.error %ld\n", method, ret);
		return 1;
	}
	printf("migrate.%s.size_mib %d\n", method, mib);
	printf("migrate.%s.pages %ld\n", method, npages);
	printf("migrate.%s.on_node0_before %ld\n", method, on0);
	printf("migrate.%s.moved_pages %ld\n", method, on1);
	printf("migrate.%s.mib_s %.1f\n", method,
	       (double)on1 * NP_PAGE_SIZE / (1 << 20) / ((t1 - t0) / 1e6));
	printf("migrate.%s.seconds %.3f\n", method, (t1 - t0) / 1e6);
	printf("migrate.%s.target_max_pause_ms %.3f\n", method,
	       BENCH_READ(ctl->max_gap) / ticks_ns / 1e6);
	printf("migrate.%s.idle_max_pause_ms %.3f\n", method,
	       idle_gap / ticks_ns / 1e6);
	printf("migrate.%s.stamp_ticks_per_ns %.4f\n", method, ticks_ns);
	return on1 == npages ? 0 : 1;
}
