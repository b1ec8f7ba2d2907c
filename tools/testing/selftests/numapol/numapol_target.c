// SPDX-License-Identifier: GPL-2.0
/*
 * A process to point the numapol files at: it sleeps, and each SIGUSR1 grows
 * its heap ([heap], through sbrk) by N pages and touches them, so new pages
 * are allocated under whatever policy it has been given from outside.
 *
 *   numapol_target [HEAP_PAGES_PER_SIGNAL]
 *
 * It prints "ready <pid> <heap start>" on stdout, then "grew <pages>" after
 * each growth; SIGTERM ends it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long npages = argc > 1 ? atol(argv[1]) : 256;
	sigset_t set;
	char *start;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A first page so that [heap] exists before anyone looks. */
	start = sbrk(page);
	if (start == (void *)-1)
		return 1;
	start[0] = 1;
	printf("ready %d %lx\n", getpid(), (unsigned long)start);
	while (!sigwait(&set, &sig)) {
		char *p = sbrk(npages * page);
		long i;

		if (p == (void *)-1)
			return 1;
		for (i = 0; i < npages; i++)
			p[i * page] = 1;
		printf("grew %ld\n", npages);
	}
	return 1;
}
