// SPDX-License-Identifier: GPL-2.0
/*
 * How long a write to /proc/<pid>/numa_policy takes, until write() returns,
 * against the floor: the target calling set_mempolicy(2) itself. Prints
 * figures (not a test):
 *
 *   numapol_latency [-k] [-s] [ROUNDS]
 *   numapol_latency -p [ROUNDS]
 *   numapol_latency [-k] -t T[,T...] [ROUNDS]
 *
 * -k prints "key value" lines (the keys of out/bench.json, for
 * scripts/bench.sh) instead of the table.
 *
 * -s measures self_set_mempolicy and sleeping only (scripts/bench.sh's
 * boots under QEMU -icount, where the vCPUs run in turn: a busy target
 * then keeps its vCPU until QEMU switches, which says nothing about the
 * kernel).
 *
 * -p measures the sleeping write and its floor paired: ROUNDS times, one
 * futex round trip with a process asleep in FUTEX_WAIT on CPU 1 (as
 * numapol_bench_rtt's wakeup_rtt), then one write to a single-thread
 * target asleep in pause() on CPU 1, so that both see the same host (a
 * vCPU's wake-up under QEMU TCG moves by a factor of 3-5 within seconds
 * on a shared host). Keys paired.wakeup_rtt.median_us,
 * paired.policy_write.sleeping.median_us, paired.ratio (the second over
 * the first) and paired.ratio_of_pairs.median (the median of the ratios
 * of each pair).
 *
 * -t measures only the growth with the number of threads in the target
 * (e.g. -t 1,8,64,512): for each T, ROUNDS writes to the <pid> file of a
 * T-thread target (main thread on CPU 1 as below, the others sleeping in
 * pause(), not pinned), against the same change made by the target
 * itself: its main thread calls set_mempolicy(2), wakes its T - 1 other
 * threads (asleep in FUTEX_WAIT on one futex word, FUTEX_WAKE of all)
 * which each call set_mempolicy(2), and waits until the last has (it
 * wakes the main thread with FUTEX_WAKE). Keys scaling.threads.T.write_us
 * and scaling.threads.T.self_us (medians).
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

#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "numapol_util.h"

static int key_output, short_run;

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

/*
 * The target's own change of every thread (-t): shared with the parent,
 * which reads the results.
 */
struct own {
	unsigned int gen;	/* bumped by the main thread: change now */
	unsigned int done;	/* threads that have changed this round */
	unsigned int ready;	/* helper threads started */
	unsigned int finished;	/* the main thread has measured */
	double us[];		/* ROUNDS times, main thread */
};

static struct own *own;
static int own_helpers;

static void futex_wait(unsigned int *word, unsigned int val)
{
	syscall(__NR_futex, word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(unsigned int *word, int n)
{
	syscall(__NR_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

static const unsigned long own_masks[2] = { 1UL << 1, 0xfUL };
static const int own_modes[2] = { MPOL_PREFERRED, MPOL_INTERLEAVE };

static void *own_helper(void *arg)
{
	unsigned int seen = 0, g;

	__atomic_add_fetch(&own->ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		while ((g = __atomic_load_n(&own->gen, __ATOMIC_ACQUIRE)) == seen)
			futex_wait(&own->gen, seen);
		seen = g;
		np_set_mempolicy(own_modes[g % 2], &own_masks[g % 2], 64);
		if (__atomic_add_fetch(&own->done, 1, __ATOMIC_ACQ_REL) ==
		    (unsigned int)own_helpers)
			futex_wake(&own->done, 1);
	}
	return arg;
}

/* The child of measure_own(): T threads, the main one measures. */
static void own_target(int threads, int rounds)
{
	pthread_t th;
	unsigned int d;
	int i;

	bench_unpin();
	own_helpers = threads - 1;
	for (i = 0; i < own_helpers; i++)
		if (pthread_create(&th, NULL, own_helper, NULL))
			_exit(1);
	bench_pin(1);
	while (__atomic_load_n(&own->ready, __ATOMIC_ACQUIRE) < (unsigned int)own_helpers)
		usleep(1000);
	usleep(100000);
	for (i = 0; i < rounds; i++) {
		unsigned int g = i + 1;
		double t0 = now_us();

		__atomic_store_n(&own->done, 0, __ATOMIC_RELEASE);
		np_set_mempolicy(own_modes[g % 2], &own_masks[g % 2], 64);
		__atomic_store_n(&own->gen, g, __ATOMIC_RELEASE);
		if (own_helpers)
			futex_wake(&own->gen, own_helpers);
		while ((d = __atomic_load_n(&own->done, __ATOMIC_ACQUIRE)) <
		       (unsigned int)own_helpers)
			futex_wait(&own->done, d);
		own->us[i] = now_us() - t0;
	}
	__atomic_store_n(&own->finished, 1, __ATOMIC_RELEASE);
	for (;;)
		pause();
}

static int measure_own(int threads, int rounds, double *v)
{
	size_t size = sizeof(*own) + rounds * sizeof(double);
	pid_t pid;
	int i;

	own = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (own == MAP_FAILED)
		return -1;
	pid = fork();
	if (!pid)
		own_target(threads, rounds);
	if (pid < 0)
		return -1;
	while (!__atomic_load_n(&own->finished, __ATOMIC_ACQUIRE)) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	for (i = 0; i < rounds; i++)
		v[i] = own->us[i];
	stop_target(pid);
	munmap(own, size);
	return 0;
}

/* -p: a floor round trip and a sleeping write, ROUNDS times in turn. */
static int measure_paired(int rounds)
{
	static const char * const pols[] = { "prefer=1", "interleave:0-3" };
	double *fl = calloc(rounds, sizeof(double));
	double *wr = calloc(rounds, sizeof(double));
	double *rt = calloc(rounds, sizeof(double));
	struct { unsigned int req, ans; } *pp;
	pid_t echo, target;
	unsigned int seen = 0, a;
	char path[64];
	int fd, i, errs = 0;

	pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!fl || !wr || !rt || pp == MAP_FAILED)
		return 1;
	echo = fork();
	if (!echo) {
		bench_pin(1);
		for (;;) {
			while (__atomic_load_n(&pp->req, __ATOMIC_ACQUIRE) == seen)
				futex_wait(&pp->req, seen);
			seen = __atomic_load_n(&pp->req, __ATOMIC_ACQUIRE);
			__atomic_add_fetch(&pp->ans, 1, __ATOMIC_RELEASE);
			futex_wake(&pp->ans, 1);
		}
	}
	target = start_target(0, 0);
	usleep(200000);
	snprintf(path, sizeof(path), "/proc/%d/numa_policy", target);
	fd = open(path, O_WRONLY);
	if (echo < 0 || fd < 0) {
		perror(path);
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		double t0, t1, t2;

		a = __atomic_load_n(&pp->ans, __ATOMIC_ACQUIRE);
		t0 = now_us();
		__atomic_add_fetch(&pp->req, 1, __ATOMIC_RELEASE);
		futex_wake(&pp->req, 1);
		while (__atomic_load_n(&pp->ans, __ATOMIC_ACQUIRE) == a)
			futex_wait(&pp->ans, a);
		t1 = now_us();
		errs += !!write_policy(fd, pols[i % 2]);
		t2 = now_us();
		fl[i] = t1 - t0;
		wr[i] = t2 - t1;
		rt[i] = wr[i] / fl[i];
	}
	close(fd);
	stop_target(target);
	stop_target(echo);
	if (errs)
		printf("paired.policy_write.failed %d\n", errs);
	printf("paired.wakeup_rtt.median_us %.2f\n", bench_pct(fl, rounds, 50));
	printf("paired.policy_write.sleeping.median_us %.2f\n",
	       bench_pct(wr, rounds, 50));
	printf("paired.ratio %.3f\n",
	       bench_pct(wr, rounds, 50) / bench_pct(fl, rounds, 50));
	printf("paired.ratio_of_pairs.median %.3f\n", bench_pct(rt, rounds, 50));
	printf("paired.n %d\n", rounds);
	free(fl);
	free(wr);
	free(rt);
	return errs ? 1 : 0;
}

/* -t LIST: the write against the target's own change, per thread count. */
static int measure_threads(const char *list, int rounds)
{
	static const char * const pols[] = { "prefer=1", "interleave:0-3" };
	double *v = calloc(rounds, sizeof(double));
	const char *p = list;
	char path[64], *end;
	int t, i, fd, errs, bad = 0;
	pid_t pid;

	if (!v)
		return 1;
	while (*p) {
		t = strtol(p, &end, 10);
		if (t <= 0 || end == p || (*end && *end != ','))
			return 2;
		p = *end ? end + 1 : end;

		pid = start_target(0, t - 1);
		usleep(200000 + 1000 * t);
		snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
		fd = open(path, O_WRONLY);
		if (fd < 0) {
			perror(path);
			stop_target(pid);
			return 1;
		}
		for (i = 0, errs = 0; i < rounds; i++) {
			double t0 = now_us();

			errs += !!write_policy(fd, pols[i % 2]);
			v[i] = now_us() - t0;
		}
		close(fd);
		stop_target(pid);
		if (errs) {
			printf("scaling.threads.%d.write_failed %d\n", t, errs);
			bad = 1;
		} else {
			printf("scaling.threads.%d.write_us %.2f\n", t,
			       bench_pct(v, rounds, 50));
		}
		if (measure_own(t, rounds, v)) {
			printf("scaling.threads.%d.self_failed 1\n", t);
			bad = 1;
			continue;
		}
		printf("scaling.threads.%d.self_us %.2f\n", t,
		       bench_pct(v, rounds, 50));
	}
	printf("scaling.threads.rounds %d\n", rounds);
	free(v);
	return bad;
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
	if (argc > 1 && !strcmp(argv[1], "-s")) {
		short_run = 1;
		argc--;
		argv++;
	}
	if (argc > 1 && !strcmp(argv[1], "-p")) {
		rounds = argc > 2 ? atoi(argv[2]) : 200;
		if (rounds <= 0)
			return 4;
		bench_pin(0);
		return measure_paired(rounds);
	}
	if (argc > 2 && !strcmp(argv[1], "-t")) {
		rounds = argc > 3 ? atoi(argv[3]) : 50;
		if (rounds <= 0 || np_online_nodes() < 4)
			return 4;
		bench_pin(0);
		return measure_threads(argv[2], rounds);
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
	if (short_run) {
		free(v);
		return 0;
	}
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
