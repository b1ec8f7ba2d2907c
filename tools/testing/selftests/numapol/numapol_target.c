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

static volatile sig_atomic_t grow;

static void on_usr1(int sig)
{
	(void)sig;
	grow++;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long npages = argc > 1 ? atol(argv[1]) : 256;
	char *start;

	signal(SIGUSR1, on_usr1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A first page so that [heap] exists before anyone looks. */
	start = sbrk(page);
	if (start == (void *)-1)
		return 1;
	start[0] = 1;
	printf("ready %d %lx\n", getpid(), (unsigned long)start);
	for (;;) {
		while (!grow)
			pause();
		while (grow) {
			char *p = sbrk(npages * page);
			long i;

			grow--;
			if (p == (void *)-1)
				return 1;
			for (i = 0; i < npages; i++)
				p[i * page] = 1;
			printf("grew %ld\n", npages);
		}
	}
}
