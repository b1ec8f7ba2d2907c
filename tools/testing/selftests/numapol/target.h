/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target process for the numapol selftests, driven over two pipes: it
 * maps NPAGES pages before forking (so the parent knows their addresses)
 * and touches them, or reports its policy as get_mempolicy(2) sees it, on
 * command. Also small helpers for the numa_policy files.
 */
#ifndef NUMAPOL_TARGET_H
#define NUMAPOL_TARGET_H

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include "numapol_util.h"

#define NPAGES		64
#define NCHUNKS		4		/* the region, in chunks ... */
#define CHUNK_PAGES	(NPAGES / NCHUNKS)	/* ... of this many pages */
#define MAX_THREADS	256
/* A set-user-ID root copy of numapol_target: make_suid_target() */
#define SUID_PATH	"/tmp/numapol_suid"
#define SUID_COMM	"numapol_suid"

/* Drop one capability from the effective set of the calling process. */
static inline int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(__NR_capset, &hdr, data);
}

/* Become uid (and gid) for good: 0, or -1. */
static inline int become(uid_t uid)
{
	return setresgid(uid, uid, uid) || setresuid(uid, uid, uid) ? -1 : 0;
}

/* A child process, driven over two pipes, with pages mapped but untouched. */
struct target {
	pid_t pid;
	int cmd, resp;
	char *region;
};

static inline void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static inline void *short_lived(void *arg)
{
	usleep(30000);
	return arg;
}

/* Keeps creating short-lived threads, for the threads-during-write test. */
static inline void *spawner(void *arg)
{
	for (;;) {
		pthread_t th;

		if (!pthread_create(&th, NULL, short_lived, NULL))
			pthread_detach(th);
		usleep(2000);
	}
	return arg;
}

static inline void target_main(int cmd, int resp, char *region,
			       int nthreads, bool spawn)
{
	pthread_t th;
	char c;
	int i;

	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th, NULL, sleeper, NULL))
			_exit(2);
	if (spawn && pthread_create(&th, NULL, spawner, NULL))
		_exit(2);
	if (write(resp, "k", 1) != 1)
		_exit(2);
	while (read(cmd, &c, 1) == 1) {
		int mode = -1;
		unsigned long mask = 0;

		switch (c) {
		case 'T':	/* touch every page */
			np_touch(region, NPAGES);
			break;
		case '0' ... '0' + NCHUNKS - 1:	/* touch one chunk */
			np_touch(region + (size_t)(c - '0') * CHUNK_PAGES *
				 NP_PAGE_SIZE, CHUNK_PAGES);
			break;
		case 'N':	/* become non-dumpable */
			prctl(PR_SET_DUMPABLE, 0);
			break;
		case 'X':	/* become /bin/sleep */
			execl("/bin/sleep", "sleep", "1000", NULL);
			_exit(2);
		case 'U':	/* become root: execve(2) the set-user-ID copy */
			dup2(open("/dev/null", O_WRONLY), 1);
			execl(SUID_PATH, SUID_COMM, NULL);
			_exit(2);
		case 'P':	/* report the policy as I see it */
			if (np_get_mempolicy(&mode, &mask, sizeof(mask) * 8,
					     NULL, 0))
				mode = -errno;
			if (write(resp, &mode, sizeof(mode)) != sizeof(mode) ||
			    write(resp, &mask, sizeof(mask)) != sizeof(mask))
				_exit(2);
			continue;
		case 'Q':
			_exit(0);
		}
		if (write(resp, "k", 1) != 1)
			_exit(2);
	}
	_exit(0);
}

static inline int target_start_as(struct target *t, int nthreads,
				  bool spawn, uid_t uid)
{
	int cmd[2], resp[2];
	char c;

	memset(t, 0, sizeof(*t));
	t->region = np_map(NPAGES);
	if (!t->region || pipe(cmd) || pipe(resp))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		close(cmd[1]);
		close(resp[0]);
		if (uid && become(uid))
			_exit(3);
		prctl(PR_SET_DUMPABLE, 1);
		target_main(cmd[0], resp[1], t->region, nthreads, spawn);
	}
	close(cmd[0]);
	close(resp[1]);
	t->cmd = cmd[1];
	t->resp = resp[0];
	return read(t->resp, &c, 1) == 1 && c == 'k' ? 0 : -1;
}

static inline int target_start(struct target *t, int nthreads)
{
	return target_start_as(t, nthreads, false, 0);
}

static inline int target_do(struct target *t, char c)
{
	char r;

	if (write(t->cmd, &c, 1) != 1)
		return -1;
	return read(t->resp, &r, 1) == 1 && r == 'k' ? 0 : -1;
}

/* The policy the target's main thread sees, through get_mempolicy(2). */
static inline int target_policy(struct target *t, int *mode, unsigned long *mask)
{
	char c = 'P';

	if (write(t->cmd, &c, 1) != 1)
		return -1;
	if (read(t->resp, mode, sizeof(*mode)) != sizeof(*mode) ||
	    read(t->resp, mask, sizeof(*mask)) != sizeof(*mask))
		return -1;
	return 0;
}

/* Chunk i of the target's region. */
static inline char *target_chunk(struct target *t, int i)
{
	return t->region + (size_t)i * CHUNK_PAGES * NP_PAGE_SIZE;
}

/* Wait until process pid's comm is @comm (after an execve(2)). */
static inline int wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (i = 0; i < 500; i++) {
		if (np_read_file(path, buf, sizeof(buf)) > 0 &&
		    !strncmp(buf, comm, strlen(comm)) &&
		    buf[strlen(comm)] == '\n')
			return 0;
		usleep(10000);
	}
	return -1;
}

/* Have the target execve(2) /bin/sleep, and wait until it has. */
static inline int target_exec(struct target *t)
{
	char c = 'X';

	if (write(t->cmd, &c, 1) != 1)
		return -1;
	return wait_comm(t->pid, "sleep");
}

/* The effective uid of process pid, from /proc/<pid>/status; -1 on error. */
static inline long proc_euid(pid_t pid)
{
	char path[64], buf[4096], *uid;
	long ruid, euid;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (np_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	uid = strstr(buf, "\nUid:");
	if (!uid || sscanf(uid + 5, "%ld %ld", &ruid, &euid) != 2)
		return -1;
	return euid;
}

/*
 * Make SUID_PATH, a set-user-ID root copy of numapol_target (found next to
 * the running test). 0, or -1.
 */
static inline int make_suid_target(void)
{
	char path[512], buf[65536], *slash;
	int in, out, ret = -1;
	ssize_t n;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return -1;
	path[n] = 0;
	slash = strrchr(path, '/');
	if (!slash)
		return -1;
	snprintf(slash + 1, path + sizeof(path) - slash - 1, "numapol_target");
	in = open(path, O_RDONLY);
	if (in < 0)
		return -1;
	unlink(SUID_PATH);
	out = open(SUID_PATH, O_WRONLY | O_CREAT | O_EXCL, 0700);
	if (out < 0)
		goto out_in;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			goto out_out;
	if (!n && !fchown(out, 0, 0) && !fchmod(out, 04755))
		ret = 0;
out_out:
	close(out);
out_in:
	close(in);
	return ret;
}

/*
 * Have a target of another user execve(2) SUID_PATH, and wait until it
 * runs as root (effective uid 0). 0, or -1.
 */
static inline int target_exec_suid(struct target *t)
{
	char c = 'U';
	int i;

	if (write(t->cmd, &c, 1) != 1 || wait_comm(t->pid, SUID_COMM))
		return -1;
	for (i = 0; i < 100; i++) {
		if (proc_euid(t->pid) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

static inline void target_stop(struct target *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	close(t->cmd);
	close(t->resp);
	t->pid = 0;
}

static inline void policy_path(char *buf, size_t size, pid_t pid, pid_t tid)
{
	if (tid)
		snprintf(buf, size, "/proc/%d/task/%d/numa_policy", pid, tid);
	else
		snprintf(buf, size, "/proc/%d/numa_policy", pid);
}

/* Write a policy string in one write(2): 0 or -errno. */
static inline int set_policy(pid_t pid, pid_t tid, const char *s)
{
	char path[64];

	policy_path(path, sizeof(path), pid, tid);
	return np_write_file(path, s);
}

/* Read a policy without its newline; "" on error. */
static inline const char *get_policy(pid_t pid, pid_t tid, char *buf, size_t size)
{
	char path[64];
	int n;

	policy_path(path, sizeof(path), pid, tid);
	n = np_read_file(path, buf, size);
	if (n <= 0 || buf[n - 1] != '\n')
		return "";
	buf[n - 1] = 0;
	return buf;
}

/* The thread ids of a process. */
static inline int list_tids(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && n < max)
		if (d->d_name[0] != '.')
			tids[n++] = atoi(d->d_name);
	closedir(dir);
	return n;
}

/*
 * Has thread tid of pid the policy want? A thread that is exiting has
 * already dropped its policy (it reads "default", or nothing once gone):
 * it counts as having it if it disappears within a moment.
 */
static inline bool thread_has_policy(pid_t pid, pid_t tid, const char *want)
{
	char buf[256], path[64];
	int i;

	if (!strcmp(want, get_policy(pid, tid, buf, sizeof(buf))))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	for (i = 0; i < 100; i++) {
		if (access(path, F_OK))
			return true;
		usleep(2000);
	}
	return false;
}

/*
 * Open path with flags as user uid (in a child): 0 when the open succeeds,
 * else its errno; -1 when the child could not become uid.
 */
static inline int open_errno_as(uid_t uid, const char *path, int flags)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (become(uid))
			_exit(255);
		fd = open(path, flags);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

#endif /* NUMAPOL_TARGET_H */
