// SPDX-License-Identifier: GPL-2.0
/*
 * How long a write to /proc/<pid>/numa_policy takes, until write() returns,
 * against the floor: the target calling set_mempolicy(2) itself. Prints
 * figures (not a test):
 *
 *   numapol_latency [-k] [ROUNDS]
 *
 * -k prints "key value" lines (the keys of out/bench.json, for
 * scripts/bench.sh) instead of the table.
 *
 * self_set_mempolicy   the caller's own set_mempolicy(2)
 * sleeping             single-thread target blocked in pause()
 * busy                 single-thread target spinning in user space
 * threads64            64-thread target (all sleeping), <pid> file
 * stopped              SIGSTOPped target: time until EAGAIN
 *
 * The writer runs on CPU 0, the targets' main threads on CPU 1 (their
 * other threads are not pinned), as numapol_bench_rtt measures the
 * wake-up and signal floors.
 */
#include "bench.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "numapol_util.h"

static int key_output;

static double now_us(void)
{
	return bench_now_us();
}

static void report(const char *name, const char *key, double *v, int n)
{
	double med = bench_pct(v, n, 50), p99 = bench_pct(v, n, 99);

	if (key_output) {
		printf("%s.median_us %.2f\n%s.p99_us %.2f\n%s.max_us %.2f\n%s.n %d\n",
		       key, med, key, p99, key, v[n - 1], key, n);
		return;
	}
	printf("%-20s %6d %12.1f %12.1f %12.1f\n", name, n, med, p99, v[n - 1]);
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* A target: 0 = sleeping, 1 = spinning; plus extra sleeping threads. */
static pid_t start_target(int busy, int threads)
{
	pid_t pid = fork();
	pthread_t th;
	int i;

	if (pid)
		return pid;
	/* The writer is pinned: its extra threads are not. */
	bench_unpin();
	for (i = 0; i < threads; i++)
		pthread_create(&th, NULL, sleeper, NULL);
	/* On another CPU than the writer, as numapol_bench_rtt's floors. */
	bench_pin(1);
	/* Spin in user space, never entering the kernel. */
	while (busy)
		asm volatile("" ::: "memory");
	for (;;)
		pause();
}

static void stop_target(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int write_policy(int fd, const char *s)
{
	return pwrite(fd, s, strlen(s), 0) == (ssize_t)strlen(s) ? 0 : -errno;
}

static void measure_proc(const char *name, const char *key, int busy, int threads, int rounds)
{
	static const char * const pols[] = { "prefer=1", "interleave:0-3" };
	double *v = calloc(rounds, sizeof(double));
	char path[64];
	pid_t pid;
	int fd, i, errs = 0;

	pid = start_target(busy, threads);
	usleep(200000);
	snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
	fd = open(path, O_WRONLY);
	if (fd < 0 || !v) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < rounds; i++) {
		double t0 = now_us();

		errs += !!write_policy(fd, pols[i % 2]);
		v[i] = now_us() - t0;
	}
	close(fd);
	stop_target(pid);
	if (errs)
		printf("%s.failed %d\n", key, errs);
	report(name, key, v, rounds);
	free(v);
}

int main(int argc, char **argv)
{
	int rounds;
	unsigned long masks[2] = { 1UL << 1, 0xfUL };
	int modes[2] = { MPOL_PREFERRED, MPOL_INTERLEAVE };
	double *v;
	char path[64];
	pid_t pid;
	int i, fd;

	if (argc > 1 && !strcmp(argv[1], "-k")) {
		key_output = 1;
		argc--;
		argv++;
	}
	rounds = argc > 1 ? atoi(argv[1]) : 200;
	bench_pin(0);
	v = calloc(rounds > 3 ? rounds : 3, sizeof(double));
	if (np_online_nodes() < 4 || !v) {
		printf("numapol_latency: needs 4 NUMA nodes\n");
		return 4;
	}
	if (!key_output)
		printf("%-20s %6s %12s %12s %12s\n", "case (us)", "n",
		       "median", "p99", "max");
	for (i = 0; i < rounds; i++) {
		double t0 = now_us();

		np_set_mempolicy(modes[i % 2], &masks[i % 2], 64);
		v[i] = now_us() - t0;
	}
	np_set_mempolicy(MPOL_DEFAULT, NULL, 0);
	report("self_set_mempolicy", "self_set_mempolicy", v, rounds);
	measure_proc("sleeping", "policy_write.sleeping", 0, 0, rounds);
	measure_proc("busy", "policy_write.busy", 1, 0, rounds);
	measure_proc("threads64", "policy_write.threads64", 0, 63,
		     rounds / 4 ? rounds / 4 : 1);

	pid = start_target(0, 0);
	usleep(100000);
	kill(pid, SIGSTOP);
	usleep(100000);
	snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
	fd = open(path, O_WRONLY);
	for (i = 0; i < 3 && fd >= 0; i++) {
		double t0 = now_us();
		int ret = write_policy(fd, "prefer=2");

		v[i] = now_us() - t0;
		if (ret != -EAGAIN)
			printf("policy_write.stopped.unexpected %d\n", ret);
	}
	if (fd >= 0)
		close(fd);
	stop_target(pid);
	report("stopped (EAGAIN)", "policy_write.stopped", v, 3);
	free(v);
	return 0;
}
