// SPDX-License-Identifier: GPL-2.0
/*
 * The floors of a synchronous remote change (a benchmark, not a test): any
 * write that has another process do something and waits for it costs at
 * least one wake-up of that process and one of the writer. Both are
 * measured with the least work around them: a futex word in shared memory
 * each way, back to back, no system call but the futex ones.
 *
 *   wakeup_rtt  the writer (CPU 0) wakes a single-thread process asleep in
 *               FUTEX_WAIT on CPU 1, which wakes the writer back
 *   signal_rtt  the writer kill(2)s a process spinning in user space on
 *               CPU 1; its handler wakes the writer (FUTEX_WAKE)
 *
 *   wake_all    the floor of a change in each of N sleeping processes
 *               (a configfs re-apply to N bound processes): N processes
 *               asleep in FUTEX_WAIT, each on its own word (not pinned);
 *               the writer (CPU 0) wakes them one by one, each answers by
 *               counting itself done, and the last one wakes the writer
 *
 *   numapol_bench_rtt [REPS [N,N,...]]    default 200, no wake_all
 *
 * Prints floors.wakeup_rtt.{median,p99}_us, floors.signal_rtt.{median,
 * p99}_us: the writer's time from the request to the answer; with a list
 * of N, floors.wake_all_ms.N: the median time from the first wake-up to
 * the last answer (15 times for N <= 100, 5 above, as
 * numapol_bench_configfs measures the re-apply).
 */
#include "bench.h"
#include "numapol_util.h"

#include <linux/futex.h>
#include <signal.h>
#include <linux/types.h>
#include <sys/wait.h>

struct words {
	__u32 req, ans;
};

static struct words *w;

static void fwait(__u32 *word, __u32 val)
{
	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == val)
		syscall(__NR_futex, word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void fwake(__u32 *word)
{
	__atomic_add_fetch(word, 1, __ATOMIC_RELEASE);
	syscall(__NR_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void on_usr1(int sig)
{
	(void)sig;
	fwake(&w->ans);
}

/* The other side, on CPU 1: 's' sleeps in FUTEX_WAIT, 'b' spins. */
static pid_t start_child(char kind)
{
	__u32 seen = 0;
	pid_t pid = fork();

	if (pid)
		return pid;
	bench_pin(1);
	if (kind == 'b') {
		signal(SIGUSR1, on_usr1);
		fwake(&w->ans);		/* ready */
		for (;;)
			asm volatile("" ::: "memory");
	}
	for (;;) {
		fwait(&w->req, seen);
		seen = __atomic_load_n(&w->req, __ATOMIC_ACQUIRE);
		fwake(&w->ans);
	}
}

static int measure(char kind, int reps, double *v)
{
	__u32 ans;
	pid_t pid;
	int i;

	w->req = 0;
	w->ans = 0;
	pid = start_child(kind);
	if (pid < 0)
		return -1;
	if (kind == 'b')
		fwait(&w->ans, 0);
	for (i = 0; i < reps; i++) {
		double t0;

		ans = __atomic_load_n(&w->ans, __ATOMIC_ACQUIRE);
		t0 = bench_now_us();
		if (kind == 'b') {
			if (kill(pid, SIGUSR1))
				break;
		} else {
			fwake(&w->req);
		}
		fwait(&w->ans, ans);
		v[i] = bench_now_us() - t0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return i == reps ? 0 : -1;
}

/* wake_all: one word per process, and the count of answers. */
struct wake_all {
	__u32 done;
	__u32 gen[];
};

static void wake_all_child(struct wake_all *wa, int i, int n)
{
	__u32 seen = 0;

	for (;;) {
		fwait(&wa->gen[i], seen);
		seen = __atomic_load_n(&wa->gen[i], __ATOMIC_ACQUIRE);
		if (__atomic_add_fetch(&wa->done, 1, __ATOMIC_ACQ_REL) ==
		    (__u32)n)
			syscall(__NR_futex, &wa->done, FUTEX_WAKE, 1, NULL,
				NULL, 0);
	}
}

static int wake_all(int n, double *ms)
{
	size_t size = sizeof(struct wake_all) + n * sizeof(__u32);
	int i, r, reps = n <= 100 ? 15 : 5, ret = 0;
	struct wake_all *wa;
	double v[15];
	pid_t *pids;
	__u32 d;

	wa = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(n, sizeof(*pids));
	if (wa == MAP_FAILED || !pids)
		return -1;
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			bench_unpin();
			wake_all_child(wa, i, n);
		}
		if (pids[i] < 0) {
			n = i;
			ret = -1;
			break;
		}
	}
	usleep(200000 + n * 100);
	for (r = 0; r < reps && !ret; r++) {
		double t0 = bench_now_us();

		__atomic_store_n(&wa->done, 0, __ATOMIC_RELEASE);
		for (i = 0; i < n; i++)
			fwake(&wa->gen[i]);
		while ((d = __atomic_load_n(&wa->done, __ATOMIC_ACQUIRE)) <
		       (__u32)n)
			syscall(__NR_futex, &wa->done, FUTEX_WAIT, d, NULL,
				NULL, 0);
		v[r] = (bench_now_us() - t0) / 1000;
	}
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	munmap(wa, size);
	if (!ret)
		*ms = bench_pct(v, reps, 50);
	return ret;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 200;
	double *v = calloc(reps > 0 ? reps : 1, sizeof(double));
	const char *p;
	char *end;
	double ms;
	int n;

	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reps <= 0 || !v || w == MAP_FAILED)
		return 2;
	bench_pin(0);
	if (measure('s', reps, v))
		return 1;
	printf("floors.wakeup_rtt.median_us %.3f\n", bench_pct(v, reps, 50));
	printf("floors.wakeup_rtt.p99_us %.3f\n", bench_pct(v, reps, 99));
	if (measure('b', reps, v))
		return 1;
	printf("floors.signal_rtt.median_us %.3f\n", bench_pct(v, reps, 50));
	printf("floors.signal_rtt.p99_us %.3f\n", bench_pct(v, reps, 99));
	printf("floors.reps %d\n", reps);
	for (p = argc > 2 ? argv[2] : ""; *p; p += *p == ',') {
		n = strtol(p, &end, 10);
		if (n <= 0 || end == p)
			return 2;
		p = end;
		if (wake_all(n, &ms)) {
			printf("floors.wake_all.%d.failed 1\n", n);
			return 1;
		}
		printf("floors.wake_all_ms.%d %.3f\n", n, ms);
	}
	return 0;
}
