/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target process for the numapol selftests, driven over two pipes: it
 * maps NPAGES pages before forking (so the parent knows their addresses)
 * and touches them, reports its policy as get_mempolicy(2) sees it, or
 * mbind(2)s part of them itself, on command. Also small helpers for the
 * numa_policy files.
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

/* A thread that lives 30 ms (numapol_stress's churn). */
static inline void *short_lived(void *arg)
{
	usleep(30000);
	return arg;
}

/*
 * The spawner of target_start_as(..., spawn = true) keeps creating threads
 * (one every 2 ms, or without a pause after 'F'; at most HELD_MAX alive).
 * Each lives until the test lets it go ('R'), so that a thread a test has
 * listed is still there when the test checks it: a thread that vanished is
 * never "probably fine".
 */
#define HELD_MAX	32

struct held_slot {
	pthread_t th;
	pid_t tid;			/* set by the thread when it starts */
	unsigned int epoch;		/* held.epoch when it was made */
	bool used, going;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int epoch;		/* bumped by each release ('R') */
	int live;			/* slots in use */
	bool paused;			/* 'H' ... 'G' */
	bool fast;			/* 'F': no pause between two threads */
	struct held_slot slot[HELD_MAX];
} held = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static inline void *held_thread(void *arg)
{
	struct held_slot *s = arg;

	__atomic_store_n(&s->tid, (pid_t)syscall(__NR_gettid),
			 __ATOMIC_RELEASE);
	pthread_mutex_lock(&held.lock);
	while (held.epoch == s->epoch)
		pthread_cond_wait(&held.cond, &held.lock);
	pthread_mutex_unlock(&held.lock);
	return NULL;
}

static inline void *spawner(void *arg)
{
	for (;;) {
		struct held_slot *s = NULL;
		int i;

		pthread_mutex_lock(&held.lock);
		while (held.paused || held.live >= HELD_MAX)
			pthread_cond_wait(&held.cond, &held.lock);
		for (i = 0; i < HELD_MAX && !s; i++)
			if (!held.slot[i].used)
				s = &held.slot[i];
		s->used = true;
		s->going = false;
		s->tid = 0;
		s->epoch = held.epoch;
		if (pthread_create(&s->th, NULL, held_thread, s))
			s->used = false;
		else
			held.live++;
		pthread_mutex_unlock(&held.lock);
		if (!__atomic_load_n(&held.fast, __ATOMIC_RELAXED))
			usleep(2000);
	}
	return arg;
}

/*
 * 'R': let every spawned thread made so far go, and return once each has
 * left the process (its /proc/self/task entry is gone): 0, or -1.
 */
static inline int held_release(void)
{
	char path[64];
	int i, j, ret = 0;

	pthread_mutex_lock(&held.lock);
	for (i = 0; i < HELD_MAX; i++)
		if (held.slot[i].used && held.slot[i].epoch == held.epoch)
			held.slot[i].going = true;
	held.epoch++;
	pthread_cond_broadcast(&held.cond);
	pthread_mutex_unlock(&held.lock);
	/* Only this thread frees slots: the ones marked stay as they are. */
	for (i = 0; i < HELD_MAX; i++) {
		struct held_slot *s = &held.slot[i];

		if (!s->going)
			continue;
		if (pthread_join(s->th, NULL))
			ret = -1;
		snprintf(path, sizeof(path), "/proc/self/task/%d",
			 __atomic_load_n(&s->tid, __ATOMIC_ACQUIRE));
		/* Joined: it is past exit_mm(); wait until it is reaped. */
		for (j = 0; j < 10000 && !access(path, F_OK); j++)
			usleep(1000);
		if (!access(path, F_OK))
			ret = -1;
		pthread_mutex_lock(&held.lock);
		s->going = false;
		s->used = false;
		held.live--;
		pthread_cond_broadcast(&held.cond);
		pthread_mutex_unlock(&held.lock);
	}
	return ret;
}

/* 'H' / 'G': stop / resume the spawner (no thread is being made after 'H'). */
static inline void held_pause(bool pause)
{
	pthread_mutex_lock(&held.lock);
	held.paused = pause;
	pthread_cond_broadcast(&held.cond);
	pthread_mutex_unlock(&held.lock);
}

/*
 * 'M': the target calls mbind(2) itself on [region + off, + len) with the
 * nodes of mask (target_mbind()), and replies 0 or -errno (an int).
 */
struct target_mbind_req {
	long off;		/* bytes from the start of the region */
	unsigned long len;
	unsigned long mask;	/* 0: no node mask */
	int mode;
	unsigned int flags;
};

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
		case 'M': {	/* mbind(2) part of the region, itself */
			struct target_mbind_req m;
			int ret;

			if (read(cmd, &m, sizeof(m)) != sizeof(m))
				_exit(2);
			ret = np_mbind(region + m.off, m.len, m.mode,
				       m.mask ? &m.mask : NULL,
				       m.mask ? sizeof(m.mask) * 8 : 0,
				       m.flags) ? -errno : 0;
			if (write(resp, &ret, sizeof(ret)) != sizeof(ret))
				_exit(2);
			continue;
		}
		case 'R':	/* let the spawned threads go (see spawner()) */
			if (held_release())
				_exit(2);
			break;
		case 'H':	/* pause the spawner */
		case 'G':	/* resume it */
			held_pause(c == 'H');
			break;
		case 'F':	/* the spawner makes threads as fast as it can */
			__atomic_store_n(&held.fast, true, __ATOMIC_RELAXED);
			break;
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
	pid_t pid;
	char c;

	memset(t, 0, sizeof(*t));
	t->region = np_map(NPAGES);
	if (!t->region || pipe(cmd) || pipe(resp))
		return -1;
	pid = fork();	/* t may be shared with the child: not t->pid */
	if (pid < 0)
		return -1;
	if (!pid) {
		close(cmd[1]);
		close(resp[0]);
		if (uid && become(uid))
			_exit(3);
		prctl(PR_SET_DUMPABLE, 1);
		/* Not left behind by a test that fails half-way. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		target_main(cmd[0], resp[1], t->region, nthreads, spawn);
	}
	t->pid = pid;
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

/*
 * Have the target mbind(2) [region + off, + len) itself ('M'): the
 * result of its mbind(2), 0 or -errno; -1000 when it does not answer.
 */
static inline int target_mbind(struct target *t, long off, unsigned long len,
			       int mode, unsigned long mask, unsigned int flags)
{
	struct target_mbind_req m = {
		.off = off, .len = len, .mask = mask, .mode = mode,
		.flags = flags,
	};
	char c = 'M';
	int ret;

	if (write(t->cmd, &c, 1) != 1 ||
	    write(t->cmd, &m, sizeof(m)) != sizeof(m) ||
	    read(t->resp, &ret, sizeof(ret)) != sizeof(ret))
		return -1000;
	return ret;
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
 * Has thread tid of pid the policy want? A thread that cannot be read (it
 * has gone) has not: tests keep the threads they list alive until checked.
 */
static inline bool thread_has_policy(pid_t pid, pid_t tid, const char *want)
{
	char buf[256];

	return !strcmp(want, get_policy(pid, tid, buf, sizeof(buf)));
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

/* ---- numapol.timeout_ms ------------------------------------------------- */

#define NP_TIMEOUT_PARAM	"/sys/module/numapol/parameters/timeout_ms"

/* The current numapol.timeout_ms, or -1. */
static inline int np_timeout_get(void)
{
	char buf[32];

	if (np_read_file(NP_TIMEOUT_PARAM, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

/* Set numapol.timeout_ms: 0 or -errno. */
static inline int np_timeout_set(int ms)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", ms);
	return np_write_file(NP_TIMEOUT_PARAM, buf);
}

/* ---- a cgroup v2 cpuset --------------------------------------------------- */

/*
 * Make cgroup /sys/fs/cgroup/<name> with cpuset.mems = mems (path in
 * path[size]): 0, -1 when there is no cpuset controller, or -errno.
 */
static inline int np_cpuset_make(const char *name, const char *mems,
				 char *path, size_t size)
{
	char file[256];
	int ret;

	if (np_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset"))
		return -1;
	snprintf(path, size, "/sys/fs/cgroup/%s", name);
	rmdir(path);
	if (mkdir(path, 0755))
		return -errno;
	snprintf(file, sizeof(file), "%s/cpuset.mems", path);
	ret = np_write_file(file, mems);
	if (ret)
		rmdir(path);
	return ret;
}

/* Move process pid into the cgroup at path: 0 or -errno. */
static inline int np_cgroup_enter(const char *path, pid_t pid)
{
	char file[256], buf[32];

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	snprintf(buf, sizeof(buf), "%d", pid);
	return np_write_file(file, buf);
}

/* ---- a multi-threaded target, each thread driven over its own pipes ------ */

#define MT_MAX		8

/*
 * Thread 0 is the main thread, threads 1..n-1 were created in this order
 * (so they come in this order in the thread list). Each thread serves its
 * own command pipe:
 *	'P' report its task policy (get_mempolicy(2)): int mode, ulong mask
 *	'A' report the policy of the region's first page (MPOL_F_ADDR), same
 *	'T' touch every page of the region, reply 'k'
 *	'V' vfork(2): the child replies 'c' and waits for a byte on the
 *	    release pipe before it exits; the thread then replies 'k'. While
 *	    in vfork(2) the thread sleeps uninterruptibly: it runs no
 *	    task_work and takes no signal.
 *	'E' reply 'k', then pthread_exit(3) (the main thread too)
 *	'C' create thread t->n (the next slot): it sends its tid on its own
 *	    reply pipe, then this thread replies 'k' (mt_spawn())
 * SIGUSR2 has an empty handler (a signal a tracer can stop a thread with).
 * The process is killed when the test that made it exits.
 */
struct mt_target {
	pid_t pid;
	int n;
	pid_t tid[MT_MAX];
	int cmd[MT_MAX], resp[MT_MAX];	/* the test's ends */
	int release;			/* write end: let a vfork child go */
	char *region;			/* npages pages, mapped before the fork */
	int npages;
};

struct mt_thread_arg {
	int cmd, resp, release, npages;
	char *region;
	struct mt_thread_arg *all;	/* every slot, for 'C' */
	int *next;			/* the slot 'C' starts next */
};

static inline void mt_empty_handler(int sig)
{
	(void)sig;
}

static inline void *mt_thread(void *p)
{
	struct mt_thread_arg *a = p;
	pid_t tid = syscall(__NR_gettid);
	char c;

	if (write(a->resp, &tid, sizeof(tid)) != sizeof(tid))
		_exit(2);
	while (read(a->cmd, &c, 1) == 1) {
		int mode = -1;
		unsigned long mask = 0;
		char r = 'k';

		switch (c) {
		case 'P':
		case 'A':
			if (np_get_mempolicy(&mode, &mask, sizeof(mask) * 8,
					     c == 'A' ? a->region : NULL,
					     c == 'A' ? MPOL_F_ADDR : 0))
				mode = -errno;
			if (write(a->resp, &mode, sizeof(mode)) != sizeof(mode) ||
			    write(a->resp, &mask, sizeof(mask)) != sizeof(mask))
				_exit(2);
			continue;
		case 'T':
			np_touch(a->region, a->npages);
			break;
		case 'V': {
			pid_t child = vfork();

			if (child == 0) {
				char x;

				if (write(a->resp, "c", 1) != 1 ||
				    read(a->release, &x, 1) != 1)
					_exit(1);
				_exit(0);
			}
			if (child > 0)
				waitpid(child, NULL, 0);
			else
				r = 'e';
			break;
		}
		case 'E':
			if (write(a->resp, "k", 1) != 1)
				_exit(2);
			pthread_exit(NULL);
		case 'C': {
			/* Slots are taken in order; one 'C' at a time. */
			int k = __atomic_fetch_add(a->next, 1, __ATOMIC_RELAXED);
			pthread_t th;

			if (k >= MT_MAX ||
			    pthread_create(&th, NULL, mt_thread, &a->all[k]))
				r = 'e';
			else
				pthread_detach(th);
			break;
		}
		}
		if (write(a->resp, &r, 1) != 1)
			_exit(2);
	}
	_exit(0);
}

/* Start a target of n threads (n <= MT_MAX), as uid unless 0: 0 or -1. */
static inline int mt_start_as(struct mt_target *t, int n, int npages,
			      uid_t uid)
{
	int cmd[MT_MAX][2], resp[MT_MAX][2], rel[2], i;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	if (n < 1 || n > MT_MAX)
		return -1;
	t->n = n;
	t->npages = npages;
	t->region = np_map(npages);
	if (!t->region || pipe(rel))
		return -1;
	/* Every slot: threads 'C' creates later have theirs. */
	for (i = 0; i < MT_MAX; i++)
		if (pipe(cmd[i]) || pipe(resp[i]))
			return -1;
	pid = fork();	/* t may be shared with the child: not t->pid */
	if (pid < 0)
		return -1;
	if (!pid) {
		static struct mt_thread_arg args[MT_MAX];
		static int next;
		pthread_t th;

		if (uid && become(uid))
			_exit(3);
		prctl(PR_SET_DUMPABLE, 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGUSR2, mt_empty_handler);
		for (i = 0; i < MT_MAX; i++) {
			close(cmd[i][1]);
			close(resp[i][0]);
			args[i] = (struct mt_thread_arg){
				.cmd = cmd[i][0], .resp = resp[i][1],
				.release = rel[0], .region = t->region,
				.npages = npages, .all = args, .next = &next,
			};
		}
		next = n;
		close(rel[1]);
		/* Created one after the other: thread list order. */
		for (i = 1; i < n; i++)
			if (pthread_create(&th, NULL, mt_thread, &args[i]))
				_exit(2);
		mt_thread(&args[0]);
		_exit(0);
	}
	t->pid = pid;
	close(rel[0]);
	t->release = rel[1];
	for (i = 0; i < MT_MAX; i++) {
		close(cmd[i][0]);
		close(resp[i][1]);
		t->cmd[i] = cmd[i][1];
		t->resp[i] = resp[i][0];
		if (i < n && read(t->resp[i], &t->tid[i], sizeof(pid_t)) !=
			     sizeof(pid_t))
			return -1;
	}
	return 0;
}

static inline int mt_start(struct mt_target *t, int n)
{
	return mt_start_as(t, n, NPAGES, 0);
}

/* Send thread i a command that replies 'k': 0 or -1. */
static inline int mt_do(struct mt_target *t, int i, char c)
{
	char r;

	if (write(t->cmd[i], &c, 1) != 1)
		return -1;
	return read(t->resp[i], &r, 1) == 1 && r == 'k' ? 0 : -1;
}

/* Thread i's task policy ('P') or the region's ('A'), as it sees it. */
static inline int mt_policy(struct mt_target *t, int i, char what, int *mode,
			    unsigned long *mask)
{
	if (write(t->cmd[i], &what, 1) != 1)
		return -1;
	if (read(t->resp[i], mode, sizeof(*mode)) != sizeof(*mode) ||
	    read(t->resp[i], mask, sizeof(*mask)) != sizeof(*mask))
		return -1;
	return 0;
}

/*
 * Have thread i create a thread (the next slot, t->n), which inherits its
 * policy as any new thread does: its index, with t->tid[] set, or -1.
 */
static inline int mt_spawn(struct mt_target *t, int i)
{
	int k = t->n;

	if (k >= MT_MAX || mt_do(t, i, 'C') ||
	    read(t->resp[k], &t->tid[k], sizeof(pid_t)) != sizeof(pid_t))
		return -1;
	t->n = k + 1;
	return k;
}

/* Put thread i into vfork(2); returns once it is there: 0 or -1. */
static inline int mt_vfork(struct mt_target *t, int i)
{
	char c = 'V', r;

	if (write(t->cmd[i], &c, 1) != 1)
		return -1;
	return read(t->resp[i], &r, 1) == 1 && r == 'c' ? 0 : -1;
}

/* Let thread i out of vfork(2) (without waiting for it): 0 or -1. */
static inline int mt_release(struct mt_target *t)
{
	return write(t->release, "r", 1) == 1 ? 0 : -1;
}

/* Wait for thread i's 'k' after mt_release(): 0 or -1. */
static inline int mt_wait_k(struct mt_target *t, int i)
{
	char r;

	return read(t->resp[i], &r, 1) == 1 && r == 'k' ? 0 : -1;
}

/* The state letter of thread tid of pid (R, S, D, T, t, Z...); 0 on error. */
static inline char np_thread_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (np_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait (10 s at most) until thread tid of pid is in state want: 0 or -1. */
static inline int np_wait_state(pid_t pid, pid_t tid, char want)
{
	int i;

	for (i = 0; i < 5000; i++) {
		if (np_thread_state(pid, tid) == want)
			return 0;
		usleep(2000);
	}
	return -1;
}

/*
 * Wait (10 s at most) until every thread of process pid is in state want
 * (e.g. 'T' after SIGSTOP: a group stop reaches the threads one by one,
 * and a thread that has not stopped yet still runs a queued change).
 * 0, or -1.
 */
static inline int np_wait_all_state(pid_t pid, char want)
{
	pid_t tids[MAX_THREADS];
	int i, k, n;

	for (k = 0; k < 5000; k++) {
		n = list_tids(pid, tids, MAX_THREADS);
		for (i = 0; i < n && np_thread_state(pid, tids[i]) == want; i++)
			;
		if (n > 0 && i == n)
			return 0;
		usleep(2000);
	}
	return -1;
}

/* Have the main thread pthread_exit(3), and wait until it is a zombie. */
static inline int mt_exit_main(struct mt_target *t)
{
	int i;

	if (mt_do(t, 0, 'E'))
		return -1;
	for (i = 0; i < 1000; i++) {
		if (np_thread_state(t->pid, t->pid) == 'Z')
			return 0;
		usleep(5000);
	}
	return -1;
}

/* System time of thread tid of pid, in clock ticks; -1 on error. */
static inline long np_thread_stime(pid_t pid, pid_t tid)
{
	char path[64], buf[1024], *p;
	unsigned long utime, stime;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (np_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');
	/* Fields 3 to 13 are skipped, 14 is utime, 15 stime. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &utime, &stime) != 2)
		return -1;
	return stime;
}

static inline void mt_stop(struct mt_target *t)
{
	int i;

	if (t->pid <= 0)
		return;
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, __WALL);
	for (i = 0; i < MT_MAX; i++) {
		close(t->cmd[i]);
		close(t->resp[i]);
	}
	close(t->release);
	t->pid = 0;
}

/* ptrace(2) without glibc's variadic wrapper: stop or resume one thread. */
#define NP_PTRACE_SEIZE		0x4206
#define NP_PTRACE_INTERRUPT	0x4207
#define NP_PTRACE_DETACH	17

/*
 * Trace thread tid without stopping it (PTRACE_SEIZE): 0 or -1. Attaching
 * takes the target's cred_guard_mutex, which a numapol writer may hold
 * while it waits: seize before such a write, interrupt during it.
 */
static inline int np_ptrace_seize(pid_t tid)
{
	return syscall(__NR_ptrace, NP_PTRACE_SEIZE, tid, 0, 0) ? -1 : 0;
}

/* Stop a seized thread (PTRACE_INTERRUPT), and wait until it is: 0 or -1. */
static inline int np_ptrace_interrupt(pid_t tid)
{
	int status;

	if (syscall(__NR_ptrace, NP_PTRACE_INTERRUPT, tid, 0, 0))
		return -1;
	return waitpid(tid, &status, __WALL) == tid && WIFSTOPPED(status) ?
		0 : -1;
}

#define NP_PTRACE_SYSCALL	24
#define NP_PTRACE_SETOPTIONS	0x4200
#define NP_PTRACE_O_TRACESYSGOOD	1
#define NP_PTRACE_GET_SYSCALL_INFO	0x420e

/*
 * Run a stopped, seized thread until it enters system call @nr (or @nr2),
 * and leave it stopped there, before the call does anything: 0 or -1.
 */
static inline int np_ptrace_to_syscall(pid_t tid, long nr, long nr2)
{
	struct {
		__u8 op, pad[3];
		__u32 arch;
		__u64 ip, sp, nr, args[6];
	} info;
	int i, status;

	/* Syscall stops are only told apart with PTRACE_O_TRACESYSGOOD. */
	if (syscall(__NR_ptrace, NP_PTRACE_SETOPTIONS, tid, 0,
		    NP_PTRACE_O_TRACESYSGOOD))
		return -1;
	for (i = 0; i < 10000; i++) {
		if (syscall(__NR_ptrace, NP_PTRACE_SYSCALL, tid, 0, 0) ||
		    waitpid(tid, &status, __WALL) != tid || !WIFSTOPPED(status))
			return -1;
		memset(&info, 0, sizeof(info));
		if (syscall(__NR_ptrace, NP_PTRACE_GET_SYSCALL_INFO, tid,
			    sizeof(info), &info) <= 0)
			continue;
		if (info.op == 1 /* PTRACE_SYSCALL_INFO_ENTRY */ &&
		    ((long)info.nr == nr || (long)info.nr == nr2))
			return 0;
	}
	return -1;
}

/* Stop thread tid alone (PTRACE_SEIZE + PTRACE_INTERRUPT): 0 or -1. */
static inline int np_ptrace_stop(pid_t tid)
{
	return np_ptrace_seize(tid) || np_ptrace_interrupt(tid) ? -1 : 0;
}

/* Let it go (no signal): 0 or -1. */
static inline int np_ptrace_detach(pid_t tid)
{
	return syscall(__NR_ptrace, NP_PTRACE_DETACH, tid, 0, 0) ? -1 : 0;
}

/*
 * For FIXTURE_TEARDOWN_PARENT(), which may run in the harness's process
 * (this harness runs no FIXTURE_TEARDOWN() after a failed ASSERT): kill
 * process *pid, reap it when it is ours, forget it. No descriptor is
 * touched.
 */
static inline void np_kill_reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, __WALL);
		*pid = 0;
	}
}

/* Remove a cgroup whose processes are being killed (a few seconds at most). */
static inline void np_cgroup_remove(const char *path)
{
	int i;

	for (i = 0; i < 300 && rmdir(path) && errno == EBUSY; i++)
		usleep(10000);
}

/* ---- what /proc shows ----------------------------------------------------- */

/* /proc/<pid>/numa_maps into buf (NUL-terminated): its length, or -errno. */
static inline int np_read_maps(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	return np_read_file(path, buf, size);
}

/*
 * What numa_maps shows for the VMA that holds addr (the line with the
 * highest start not above it), without the address; "" when none.
 */
static inline const char *np_maps_line_at(pid_t pid, unsigned long addr,
					  char *buf, size_t size)
{
	static char all[1 << 16];
	unsigned long start, best = 0;
	char *p, *eol, *sp;

	buf[0] = 0;
	if (np_read_maps(pid, all, sizeof(all)) <= 0)
		return buf;
	for (p = all; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (!eol)
			break;
		*eol = 0;
		start = strtoul(p, &sp, 16);
		if (*sp == ' ' && start <= addr && start >= best) {
			best = start;
			snprintf(buf, size, "%s", sp + 1);
		}
	}
	return buf;
}

#ifdef TH_LOG	/* kselftest_harness.h's */
/*
 * How many threads of pid (listed now) do not read want in their
 * numa_policy file, each logged: -1 if none is listed. For the harness.
 */
#define np_files_not(pid, want)	np_files_not_m(pid, want, _metadata)
static inline int np_files_not_m(pid_t pid, const char *want,
				 struct __test_metadata *_metadata)
{
	pid_t tids[MAX_THREADS];
	char buf[256];
	int i, n, bad = 0;

	n = list_tids(pid, tids, MAX_THREADS);
	if (n <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(want, get_policy(pid, tids[i], buf, sizeof(buf)))) {
			TH_LOG("thread %d reads \"%s\", want \"%s\"", tids[i],
			       buf, want);
			bad++;
		}
	}
	return bad;
}
#endif

#endif /* NUMAPOL_TARGET_H */
