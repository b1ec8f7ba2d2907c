// SPDX-License-Identifier: GPL-2.0
/*
 * A sampling profiler for the benchmark VM (a tool, not a test): there is
 * no perf(1) in the initramfs. It samples every CPU with the cpu-clock
 * software event (the tick, without high-resolution timers) while it runs
 * a command, and writes one line per sample:
 *
 *   CPU IP [CALLER ...]
 *
 * in hex: the sampled instruction pointer and the kernel call chain. The
 * host symbolises it against the kernel's System.map (scripts/prof-sym.py).
 * Under QEMU -icount the samples are taken in guest time, so they count
 * instructions.
 *
 *   numapol_prof OUTPUT COMMAND [ARG...]
 */
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROF_PAGES	256	/* ring buffer pages per CPU */
#define PROF_MAX_CPUS	64
#define PROF_MAX_CHAIN	40

struct prof_cpu {
	int fd;
	void *buf;
};

static long page_size;

/* Write out and consume what CPU @cpu's ring buffer holds. */
static long prof_drain(struct prof_cpu *pc, int cpu, FILE *out)
{
	struct perf_event_mmap_page *mp = pc->buf;
	char *data = (char *)pc->buf + page_size;
	__u64 size = PROF_PAGES * page_size;
	__u64 head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	__u64 tail = mp->data_tail, i, nr;
	__u64 rec[512];
	long n = 0;

	while (tail < head) {
		struct perf_event_header *h = (void *)(data + tail % size);
		__u64 off = tail % size, *r;

		/*
		 * Records are 8-byte aligned, so a header never wraps; a
		 * record may: copy it out whole.
		 */
		if (off + h->size > size && h->size <= sizeof(rec)) {
			memcpy(rec, data + off, size - off);
			memcpy((char *)rec + (size - off), data,
			       h->size - (size - off));
			h = (void *)rec;
		} else if (off + h->size > size) {
			tail += h->size;	/* a chain longer than ours */
			continue;
		}
		r = (__u64 *)(h + 1);
		if (h->type == PERF_RECORD_SAMPLE) {
			nr = r[1];
			fprintf(out, "%d %llx", cpu, (unsigned long long)r[0]);
			for (i = 0; i < nr && i < PROF_MAX_CHAIN; i++)
				fprintf(out, " %llx", (unsigned long long)r[2 + i]);
			fputc('\n', out);
			n++;
		}
		tail += h->size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

static int prof_open(struct prof_cpu *pc, int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.sample_period = 20000;	/* ns: every tick without hrtimers */
	a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_CALLCHAIN;
	a.exclude_callchain_user = 1;
	a.disabled = 1;
	pc->fd = syscall(__NR_perf_event_open, &a, -1, cpu, -1, 0);
	if (pc->fd < 0)
		return -1;
	pc->buf = mmap(NULL, (PROF_PAGES + 1) * page_size,
		       PROT_READ | PROT_WRITE, MAP_SHARED, pc->fd, 0);
	return pc->buf == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct prof_cpu pc[PROF_MAX_CPUS];
	long samples = 0;
	int cpu, ncpus, st;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTPUT COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus > PROF_MAX_CPUS)
		ncpus = PROF_MAX_CPUS;
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (prof_open(&pc[cpu], cpu)) {
			perror("perf_event_open");
			return 1;
		}
	}
	for (cpu = 0; cpu < ncpus; cpu++)
		ioctl(pc[cpu].fd, PERF_EVENT_IOC_ENABLE, 0);
	pid = fork();
	if (!pid) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, WNOHANG) != pid) {
		for (cpu = 0; cpu < ncpus; cpu++)
			samples += prof_drain(&pc[cpu], cpu, out);
		usleep(20000);
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		ioctl(pc[cpu].fd, PERF_EVENT_IOC_DISABLE, 0);
		samples += prof_drain(&pc[cpu], cpu, out);
	}
	fclose(out);
	fprintf(stderr, "numapol_prof: %ld samples\n", samples);
	return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
