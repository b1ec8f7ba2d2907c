/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the numapol benchmark programs (not tests): a clock,
 * order statistics and pinning. The programs print "key value" lines that
 * scripts/bench.sh collects.
 */
#ifndef NUMAPOL_BENCH_H
#define NUMAPOL_BENCH_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <time.h>

/* Shared-memory flags between processes, without volatile. */
#define BENCH_READ(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define BENCH_WRITE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

static inline double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline long long bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The pct-th percentile of v[0..n) (sorts v); pct 50 is the median. */
static inline double bench_pct(double *v, int n, int pct)
{
	int i = (n * pct) / 100;

	qsort(v, n, sizeof(*v), bench_cmp_double);
	return v[i < n ? i : n - 1];
}

/* Pin the calling thread to one CPU; errors are ignored (a hint only). */
static inline void bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Let the calling thread run on every CPU again. */
static inline void bench_unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

#endif /* NUMAPOL_BENCH_H */
