// SPDX-License-Identifier: GPL-2.0
/*
 * A process to point the numapol files at. It reserves a heap ([heap],
 * through sbrk) up front, as malloc does in large steps, and sleeps; each
 * SIGUSR1 touches the next N pages of that heap, so they are allocated under
 * whatever policy the process, or its heap VMA, has been given from
 * outside.
 *
 *   numapol_target [PAGES_PER_SIGNAL [RESERVED_PAGES]]
 *
 * It prints "ready <pid> <heap start> <heap end>" on stdout, then
 * "grew <first page address> <pages>" after each SIGUSR1; SIGTERM ends it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long npages = argc > 1 ? atol(argv[1]) : 256;
	long reserve = argc > 2 ? atol(argv[2]) : 8192;
	long used = 1;
	sigset_t set;
	char *heap;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	heap = sbrk(reserve * page);
	if (heap == (void *)-1)
		return 1;
	heap[0] = 1;
	printf("ready %d %lx %lx\n", getpid(), (unsigned long)heap,
	       (unsigned long)(heap + reserve * page));
	while (!sigwait(&set, &sig)) {
		long i;

		if (used + npages > reserve)
			return 1;
		for (i = 0; i < npages; i++)
			heap[(used + i) * page] = 1;
		printf("grew %lx %ld\n", (unsigned long)(heap + used * page),
		       npages);
		used += npages;
	}
	return 1;
}
