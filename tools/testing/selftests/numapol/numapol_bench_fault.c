// SPDX-License-Identifier: GPL-2.0
/*
 * Page-fault throughput (a benchmark, not a test): map MIB MiB of private
 * anonymous memory, write one byte per page, unmap; REPS times. Run on the
 * patched and on the stock kernel: numapol must add nothing to the fault
 * and page-allocation path of a process that does not use it.
 *
 *   numapol_bench_fault [MIB [REPS [CPU]]]    defaults: 256 7 1
 *
 * Prints fault.mib_s (median over the reps), fault.best_mib_s, fault.reps.
 * The process is pinned to CPU (node 1 in the test VM, whose memory is
 * free), so that its pages come from one node every time.
 */
#include "bench.h"
#include "numapol_util.h"

int main(int argc, char **argv)
{
	int mib = argc > 1 ? atoi(argv[1]) : 256;
	int reps = argc > 2 ? atoi(argv[2]) : 7;
	int cpu = argc > 3 ? atoi(argv[3]) : 1;
	size_t len = (size_t)mib << 20, page = NP_PAGE_SIZE, off;
	double *v = calloc(reps > 0 ? reps : 1, sizeof(double));
	int i;

	if (mib <= 0 || reps <= 0 || !v)
		return 2;
	bench_pin(cpu);
	for (i = 0; i < reps; i++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double t0;

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		t0 = bench_now_us();
		for (off = 0; off < len; off += page)
			p[off] = 1;
		v[i] = mib / ((bench_now_us() - t0) / 1e6);
		munmap(p, len);
	}
	printf("fault.mib_s %.1f\n", bench_pct(v, reps, 50));
	printf("fault.best_mib_s %.1f\n", v[reps - 1]);
	printf("fault.reps %d\n", reps);
	return 0;
}
