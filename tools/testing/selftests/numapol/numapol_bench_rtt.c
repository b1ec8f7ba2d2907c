// SPDX-License-Identifier: GPL-2.0
/*
 * The floors of a synchronous remote change (a benchmark, not a test): any
 * write that has another process do something and waits for it costs at
 * least one wake-up of that process and one of the writer.
 *
 *   wakeup_rtt  the writer wakes a single-thread process asleep in read(2)
 *               on another CPU (a pipe), which answers over another pipe
 *   signal_rtt  the writer signals a process busy in user space on another
 *               CPU (kill(2)); its handler answers over a pipe
 *
 *   numapol_bench_rtt [REPS]    default 200
 *
 * Prints floors.wakeup_rtt.{median,p99}_us, floors.signal_rtt.{median,
 * p99}_us: the writer's time from the request to the answer.
 */
#include "bench.h"
#include "numapol_util.h"

#include <signal.h>
#include <sys/wait.h>

static int answer_fd;

static void on_usr1(int sig)
{
	char c = 'k';

	(void)sig;
	if (write(answer_fd, &c, 1) != 1)
		_exit(1);
}

/* A child on CPU 1: 's' answers each byte read, 'b' spins and answers signals. */
static pid_t start_child(char kind, int req[2], int ans[2])
{
	pid_t pid;
	char c;

	if (pipe(req) || pipe(ans))
		return -1;
	pid = fork();
	if (pid)
		return pid;
	bench_pin(1);
	if (kind == 'b') {
		answer_fd = ans[1];
		signal(SIGUSR1, on_usr1);
		if (write(ans[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			;
	}
	while (read(req[0], &c, 1) == 1)
		if (write(ans[1], &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static int measure(char kind, int reps, double *v)
{
	int req[2], ans[2], i;
	pid_t pid;
	char c = 'x';

	pid = start_child(kind, req, ans);
	if (pid < 0)
		return -1;
	if (kind == 'b' && read(ans[0], &c, 1) != 1)
		return -1;
	for (i = 0; i < reps; i++) {
		double t0 = bench_now_us();

		if (kind == 'b' ? kill(pid, SIGUSR1) :
		    write(req[1], &c, 1) != 1)
			break;
		if (read(ans[0], &c, 1) != 1)
			break;
		v[i] = bench_now_us() - t0;
		usleep(1000);	/* let the child settle: asleep, or spinning */
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return i == reps ? 0 : -1;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 200;
	double *v = calloc(reps > 0 ? reps : 1, sizeof(double));

	if (reps <= 0 || !v)
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
	return 0;
}
