// SPDX-License-Identifier: GPL-2.0
/*
 * Races: writers change task policies (<pid> and <tid> files), VMA
 * policies and migrations (numa_maps) and configfs groups and bindings,
 * while the targets create and end threads, fork, exec and exit, allocate
 * and free memory, and a cpuset's mems change under some of them.
 *
 * Every write's outcome is recorded in a model of each target, so that
 * after the storm the whole state can be checked against what was last
 * written successfully: every thread's policy, every chunk's VMA policy,
 * the node of every page of the region the writers migrate, the group
 * policies and the state of every binding, and the cpuset targets'
 * membership. To keep that exact:
 * - each target has one writer for its task policy and bindings (its
 *   group, stress<w>, is that writer's alone) and another for its numa_maps,
 *   so that the writes to one target are ordered per model, while two
 *   writers still hit one target at once;
 * - the targets in the cpuset (odd ones) are only given policies with
 *   static or relative nodes (or none), which read the same again once the
 *   cpuset is back to all nodes, whatever cpuset changes came in between;
 *   a cpuset change and a write to a cpuset target never overlap (an
 *   rwlock), and the pages a cpuset change may move are accounted for;
 * - the threads the targets make and end are not checked (they are gone
 *   when the storm is over): each target has three lasting threads.
 * Any failed write must fail with an errno it may have (a target that
 * exec'ed or exited); the kernel's checkers (KASAN, lockdep, kmemleak)
 * judge the rest.
 *
 *   numapol_stress [SECONDS]        (default 10; NUMAPOL_STRESS_SECONDS)
 *
 * Prints the figures: writes done, accepted, refused, targets respawned.
 */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "target.h"

#define NTARGETS	6
#define NWRITERS	4
#define NCH		NCHUNKS		/* chunks of the region */
#define CHP		CHUNK_PAGES
#define MAXB		512		/* bindings a group may list */
#define CG		"/sys/fs/cgroup/numapol-stress"
#define CFS		"/sys/kernel/config/numapol"
#define ALL		0xfu		/* nodes 0-3 */

/* A policy written, and what it reads back as once the cpuset is 0-3. */
struct spol {
	const char *in;		/* as written */
	const char *shown;	/* task or VMA policy, in a cpuset of 0-3 */
	const char *raw;	/* a group's "policy" attribute */
	int flags;		/* 0, 's' static, 'r' relative */
	bool prefer;		/* MPOL_PREFERRED: the first node only */
	unsigned int nodes;	/* as written (0: default or local) */
};

/* For the targets outside the cpuset. */
static const struct spol pool_plain[] = {
	{ "default", "default", "default", 0, false, 0 },
	{ "local", "local", "local", 0, false, 0 },
	{ "prefer=1", "prefer:1", "prefer:1", 0, true, 0x2 },
	{ "prefer:2", "prefer:2", "prefer:2", 0, true, 0x4 },
	{ "interleave={1,2}", "interleave:1-2", "interleave:1-2", 0, false, 0x6 },
	{ "bind:1-2", "bind:1-2", "bind:1-2", 0, false, 0x6 },
	{ "bind:0,3", "bind:0,3", "bind:0,3", 0, false, 0x9 },
	{ "bind=static:1", "bind=static:1", "bind=static:1", 's', false, 0x2 },
	{ "prefer (many):1-2", "prefer (many):1-2", "prefer (many):1-2", 0,
	  false, 0x6 },
	{ "interleave:all", "interleave:0-3", "interleave:all", 0, false, ALL },
	{ "weighted interleave:1-2", "weighted interleave:1-2",
	  "weighted interleave:1-2", 0, false, 0x6 },
};

/*
 * For the targets in the cpuset (0-3 or 1-2): valid under both, and
 * reading as written once the cpuset is 0-3 again, whatever changed in
 * between (static and relative nodes are worked out again from the
 * nodes written; "prefer" and "prefer (many)" keep their nodes through a
 * cpuset change, mpol_rebind_preferred(): only node 2, in both cpusets).
 */
static const struct spol pool_cpuset[] = {
	{ "default", "default", "default", 0, false, 0 },
	{ "local", "local", "local", 0, false, 0 },
	{ "bind=static:1", "bind=static:1", "bind=static:1", 's', false, 0x2 },
	{ "bind=static:0-3", "bind=static:0-3", "bind=static:0-3", 's', false, ALL },
	{ "prefer=static:2", "prefer=static:2", "prefer=static:2", 's', true, 0x4 },
	{ "interleave=static:1-3", "interleave=static:1-3",
	  "interleave=static:1-3", 's', false, 0xe },
	{ "bind=relative:0-1", "bind=relative:0-1", "bind=relative:0-1", 'r',
	  false, 0x3 },
	{ "interleave=relative:0-2", "interleave=relative:0-2",
	  "interleave=relative:0-2", 'r', false, 0x7 },
	{ "weighted interleave=relative:0-1", "weighted interleave=relative:0-1",
	  "weighted interleave=relative:0-1", 'r', false, 0x3 },
};

/* The n-th (from 0) node of mask, or -1. */
static int nth_node(unsigned int mask, int n)
{
	int k;

	for (k = 0; k < 32; k++)
		if ((mask >> k & 1) && !n--)
			return k;
	return -1;
}

/*
 * The nodes a policy uses in a cpuset of mems: what mbind(2)'s "move"
 * migrates to (0 for default and local).
 */
static unsigned int spol_nodes(const struct spol *p, unsigned int mems)
{
	unsigned int res = 0;
	int k, w = __builtin_popcount(mems);

	if (!p->nodes)
		return 0;
	if (p->flags == 'r') {
		for (k = 0; k < 32; k++)
			if (p->nodes >> k & 1)
				res |= 1u << nth_node(mems, k % w);
	} else {
		res = p->nodes & mems;
	}
	return p->prefer ? res & -res : res;
}

/* node_remap(): where a cpuset change from old to new mems sends node n. */
static int node_remap(int n, unsigned int old, unsigned int new)
{
	int k, idx = 0;

	if (!(old >> n & 1))
		return n;
	for (k = 0; k < n; k++)
		idx += old >> k & 1;
	return nth_node(new, idx % __builtin_popcount(new));
}

/* Nodes pages on `where` may be on after the cpuset changes old -> new. */
static unsigned int remap_where(unsigned int where, unsigned int old,
				unsigned int new)
{
	unsigned int res = where;
	int k;

	for (k = 0; k < 32; k++)
		if (where >> k & 1)
			res |= 1u << node_remap(k, old, new);
	return res;
}

/* What a target should be, by what was written to it successfully. */
struct tmodel {
	pthread_mutex_t lock;		/* process-shared */
	pthread_mutex_t forklock;	/* its fork(2)s vs its numa_maps writes */
	pid_t pid;			/* 0 while it is respawned */
	unsigned int gen;		/* bumped by a respawn */
	bool cpuset;			/* an odd target: in CG */
	bool in_cg;			/* moved there */
	bool bound;			/* tasks/<pid> in its writer's group */
	bool execs;			/* may execve(2) (and end) */
	bool acked;			/* has seen sh->quiet */
	pid_t tid[3];			/* its lasting threads, main first */
	char pol[3][64];		/* their task policies */
	char vpol[NCH][64];		/* each chunk's own policy; "" none */
	unsigned int where[NCH];	/* nodes its pages may be on */
};

struct group {
	char raw[64];			/* "policy" */
	char shown[64];			/* as its (bound) targets show it */
	int nb;
	pid_t bind[MAXB];		/* tasks/<pid> directories */
	unsigned long eagain;		/* policy writes that failed so */
};

enum {
	K_PID, K_TID, K_POL, K_MOVE, K_MIGRATE, K_MKDIR, K_RMDIR, K_GROUP,
	NKINDS
};

static const char * const kind_names[] = {
	"pid", "tid", "maps-policy", "maps-move", "migrate", "mkdir", "rmdir",
	"group-policy",
};

struct shared {
	int stop, quiet;
	pthread_rwlock_t mems_lock;	/* cpuset changes vs writes to them */
	unsigned int mems;		/* CG's cpuset.mems */
	struct tmodel t[NTARGETS];
	struct group g[NWRITERS];
	unsigned long writes, accepted, refused, respawned, unexpected;
	unsigned long ok[NKINDS];
	char first_unexpected[256];
};

static struct shared *sh;
static char *region;		/* mapped before the targets are forked */

static unsigned long chunk_start(int c)
{
	return (unsigned long)region + (unsigned long)c * CHP * NP_PAGE_SIZE;
}

/* "0,2,3" */
static void node_list(unsigned int mask, char *out)
{
	const char *sep = "";
	int k;

	*out = 0;
	for (k = 0; k < 4; k++) {
		if (mask >> k & 1) {
			out += sprintf(out, "%s%d", sep, k);
			sep = ",";
		}
	}
}

/* Take t's forklock (robust: a target may end while holding it). */
static void forklock(struct tmodel *t)
{
	if (pthread_mutex_lock(&t->forklock) == EOWNERDEAD)
		pthread_mutex_consistent(&t->forklock);
}

/* The lasting threads of a target. */
static void *lasting(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* A target's life: threads, forks, memory churn, now and then an exec. */
static void churn_main(int n, int ready)
{
	unsigned int seed = getpid();
	unsigned long mask = 1UL << (n % 4);
	pid_t tids[3];
	pthread_t th;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The region's pages, all on node n % 4 to start with. */
	if (np_set_mempolicy(MPOL_BIND, &mask, sizeof(mask) * 8))
		_exit(2);
	np_touch(region, NPAGES);
	if (np_set_mempolicy(MPOL_DEFAULT, NULL, 0))
		_exit(2);

	if (pthread_create(&th, NULL, lasting, NULL) ||
	    pthread_create(&th, NULL, lasting, NULL))
		_exit(2);
	while (list_tids(getpid(), tids, 3) != 3)
		usleep(1000);
	if (write(ready, tids, sizeof(tids)) != sizeof(tids))
		_exit(2);
	close(ready);
	for (;;) {
		char *p;
		int r = rand_r(&seed) % 100;

		if (__atomic_load_n(&sh->quiet, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&sh->t[n].acked, true, __ATOMIC_RELEASE);
			for (;;)
				pause();
		}
		if (r < 40) {
			if (!pthread_create(&th, NULL, short_lived, NULL))
				pthread_detach(th);
		} else if (r < 60) {
			p = mmap(NULL, 64 * NP_PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED) {
				np_touch(p, 64);
				munmap(p, 64 * NP_PAGE_SIZE);
			}
		} else if (r < 70) {
			pid_t c;

			/*
			 * Not while its numa_maps is written: the region's
			 * pages, mapped by the child too until it exits,
			 * would not move ("move" is MPOL_MF_MOVE), and the
			 * model says where every page is.
			 */
			forklock(&sh->t[n]);
			c = fork();
			if (!c)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
			pthread_mutex_unlock(&sh->t[n].forklock);
		} else if (r == 70 && n % 3 == 0) {
			/* Ends this target: the parent starts another. */
			execl("/bin/sh", "sh", "-c", "sleep 0.2", NULL);
		}
		usleep(1000);
	}
}

/* Start target n and (re)set its model: 0, or -1. */
static int spawn_target(int n)
{
	struct tmodel *t = &sh->t[n];
	pid_t tids[3], pid;
	int ready[2], c;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(ready[0]);
		churn_main(n, ready[1]);
	}
	close(ready[1]);
	c = read(ready[0], tids, sizeof(tids));
	close(ready[0]);
	if (c != sizeof(tids))
		return -1;
	pthread_mutex_lock(&t->lock);
	t->pid = pid;
	t->gen++;
	t->in_cg = false;
	t->bound = false;
	t->acked = false;
	memcpy(t->tid, tids, sizeof(tids));
	for (c = 0; c < 3; c++)
		snprintf(t->pol[c], sizeof(t->pol[c]), "default");
	for (c = 0; c < NCH; c++) {
		t->vpol[c][0] = 0;
		t->where[c] = 1u << (n % 4);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Errors a write to target t may meet: it may have exec'ed or exited. */
static bool allowed_errno(const struct tmodel *t, int err)
{
	if (err == EAGAIN)
		return true;	/* counted, and the model left as it was */
	return t->execs && (err == ESRCH || err == ENOENT || err == EPERM ||
			    err == EFAULT);
}

static void count(int kind, int ret, const struct tmodel *t, const char *what)
{
	__sync_fetch_and_add(&sh->writes, 1);
	if (!ret) {
		__sync_fetch_and_add(&sh->accepted, 1);
		__sync_fetch_and_add(&sh->ok[kind], 1);
		return;
	}
	__sync_fetch_and_add(&sh->refused, 1);
	if (!allowed_errno(t, -ret) &&
	    __sync_fetch_and_add(&sh->unexpected, 1) == 0)
		snprintf(sh->first_unexpected, sizeof(sh->first_unexpected),
			 "%s: %s", what, strerror(-ret));
}

static bool all_kinds_done(void)
{
	int k;

	for (k = 0; k < NKINDS; k++)
		if (!__atomic_load_n(&sh->ok[k], __ATOMIC_RELAXED))
			return false;
	return true;
}

static int group_find(struct group *g, pid_t pid)
{
	int i;

	for (i = 0; i < g->nb; i++)
		if (g->bind[i] == pid)
			return i;
	return -1;
}

static void group_drop(struct group *g, int i)
{
	g->bind[i] = g->bind[--g->nb];
}

/* The task role: <pid>/<tid> files, the group's policy and bindings. */
static void write_task(int w, int i, unsigned int *seed)
{
	struct tmodel *t = &sh->t[i];
	struct group *g = &sh->g[w];
	const struct spol *pool = t->cpuset ? pool_cpuset : pool_plain;
	int np = t->cpuset ? ARRAY_SIZE(pool_cpuset) : ARRAY_SIZE(pool_plain);
	const struct spol *p = &pool[rand_r(seed) % np];
	int kind = rand_r(seed) % 10, ret, k, j;
	char path[128], what[160];
	unsigned int gen;
	pid_t pid, tid = 0;

	pthread_mutex_lock(&t->lock);
	pid = t->pid;
	gen = t->gen;
	pthread_mutex_unlock(&t->lock);
	if (!pid)
		return;

	if (kind < 4) {
		ret = set_policy(pid, 0, p->in);
		snprintf(what, sizeof(what), "%d <- %s", pid, p->in);
		count(K_PID, ret, t, what);
		pthread_mutex_lock(&t->lock);
		if (!ret && t->gen == gen)
			for (k = 0; k < 3; k++)
				snprintf(t->pol[k], sizeof(t->pol[k]), "%s", p->shown);
		pthread_mutex_unlock(&t->lock);
	} else if (kind < 6) {
		pid_t tids[MAX_THREADS];
		int n = list_tids(pid, tids, MAX_THREADS);

		if (n <= 0)
			return;
		/* One of the lasting threads half the time. */
		tid = rand_r(seed) % 2 ? t->tid[rand_r(seed) % 3] :
					 tids[rand_r(seed) % n];
		ret = set_policy(pid, tid, p->in);
		/* Short-lived threads end: not an error. */
		if (ret == -ENOENT || ret == -ESRCH) {
			for (k = 0; k < 3 && t->tid[k] != tid; k++)
				;
			if (k == 3)
				return;
		}
		snprintf(what, sizeof(what), "%d/%d <- %s", pid, tid, p->in);
		count(K_TID, ret, t, what);
		pthread_mutex_lock(&t->lock);
		for (k = 0; k < 3; k++)
			if (!ret && t->gen == gen && t->tid[k] == tid)
				snprintf(t->pol[k], sizeof(t->pol[k]), "%s", p->shown);
		pthread_mutex_unlock(&t->lock);
	} else if (kind < 8) {
		/* Bind, or unbind (a binding of this target or a stale one). */
		pthread_mutex_lock(&t->lock);
		j = t->bound && t->gen == gen;
		pthread_mutex_unlock(&t->lock);
		k = group_find(g, pid);
		if (!j && k < 0 && kind == 6 && g->nb < MAXB) {
			snprintf(path, sizeof(path), CFS "/stress%d/tasks/%d", w, pid);
			ret = mkdir(path, 0755) ? -errno : 0;
			snprintf(what, sizeof(what), "mkdir %s", path);
			count(K_MKDIR, ret, t, what);
			if (ret)
				return;
			g->bind[g->nb++] = pid;
			pthread_mutex_lock(&t->lock);
			if (t->gen == gen) {
				t->bound = true;
				for (k = 0; k < 3; k++)
					snprintf(t->pol[k], sizeof(t->pol[k]), "%s",
						 g->shown);
			}
			pthread_mutex_unlock(&t->lock);
			return;
		}
		if (!g->nb)
			return;
		k = k >= 0 ? k : (int)(rand_r(seed) % g->nb);
		pid = g->bind[k];
		snprintf(path, sizeof(path), CFS "/stress%d/tasks/%d", w, pid);
		ret = rmdir(path) ? -errno : 0;
		snprintf(what, sizeof(what), "rmdir %s", path);
		/* Always there: a failure is never allowed. */
		count(K_RMDIR, ret, &(struct tmodel){ .execs = false }, what);
		if (ret)
			return;
		group_drop(g, k);
		for (j = w; j < NTARGETS; j += NWRITERS) {
			struct tmodel *u = &sh->t[j];

			pthread_mutex_lock(&u->lock);
			if (u->pid == pid && u->bound) {
				u->bound = false;
				for (k = 0; k < 3; k++)
					snprintf(u->pol[k], sizeof(u->pol[k]),
						 "default");
			}
			pthread_mutex_unlock(&u->lock);
		}
	} else {
		/* The group's policy: every bound target of the group. */
		snprintf(path, sizeof(path), CFS "/stress%d/policy", w);
		ret = np_write_file(path, p->in);
		snprintf(what, sizeof(what), "%s <- %s", path, p->in);
		if (ret == -EAGAIN)
			g->eagain++;
		count(K_GROUP, ret, &(struct tmodel){ .execs = false }, what);
		if (ret)
			return;
		snprintf(g->raw, sizeof(g->raw), "%s", p->raw);
		snprintf(g->shown, sizeof(g->shown), "%s", p->shown);
		for (j = w; j < NTARGETS; j += NWRITERS) {
			struct tmodel *u = &sh->t[j];

			pthread_mutex_lock(&u->lock);
			if (u->bound)
				for (k = 0; k < 3; k++)
					snprintf(u->pol[k], sizeof(u->pol[k]),
						 "%s", p->shown);
			pthread_mutex_unlock(&u->lock);
		}
	}
}

/* The maps role: a chunk's policy (maybe with move), or a migration. */
static void write_maps(int i, unsigned int *seed)
{
	struct tmodel *t = &sh->t[i];
	const struct spol *pool = t->cpuset ? pool_cpuset : pool_plain;
	int np = t->cpuset ? ARRAY_SIZE(pool_cpuset) : ARRAY_SIZE(pool_plain);
	const struct spol *p = &pool[rand_r(seed) % np];
	int c = rand_r(seed) % NCH, kind = rand_r(seed) % 3, ret, lim = 0;
	unsigned long s = chunk_start(c), e = s + CHP * NP_PAGE_SIZE;
	unsigned int src = 0, dst = 0, gen, cur;
	char path[64], line[256], what[320], sl[16], dl[16];
	bool move = false;
	pid_t pid;

	pthread_mutex_lock(&t->lock);
	pid = t->pid;
	gen = t->gen;
	pthread_mutex_unlock(&t->lock);
	if (!pid)
		return;
	if (kind < 2) {
		move = kind == 1;
		snprintf(line, sizeof(line), "%lx-%lx %s%s\n", s, e, p->in,
			 move ? " move" : "");
	} else {
		while (!src)
			src = rand_r(seed) % 16;
		dst = 1u << (rand_r(seed) % 4);
		if (rand_r(seed) % 2)
			dst |= 1u << (rand_r(seed) % 4);
		lim = rand_r(seed) % 2 ? rand_r(seed) % CHP + 1 : 0;
		node_list(src, sl);
		node_list(dst, dl);
		if (lim)
			snprintf(line, sizeof(line), "%lx-%lx N%s(%d)>%s\n", s, e,
				 sl, lim, dl);
		else
			snprintf(line, sizeof(line), "%lx-%lx N%s>%s\n", s, e, sl,
				 dl);
	}
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	forklock(t);
	ret = np_write_file(path, line);
	pthread_mutex_unlock(&t->forklock);
	snprintf(what, sizeof(what), "%d: %.*s", pid,
		 (int)strcspn(line, "\n"), line);
	count(kind < 2 ? (move ? K_MOVE : K_POL) : K_MIGRATE, ret, t, what);
	if (ret)
		return;
	cur = t->cpuset ? sh->mems : ALL;	/* stable: under mems_lock */
	pthread_mutex_lock(&t->lock);
	if (t->gen == gen) {
		if (kind < 2) {
			unsigned int eff = spol_nodes(p, cur);

			/* "default" removes the chunk's own policy. */
			snprintf(t->vpol[c], sizeof(t->vpol[c]), "%s",
				 strcmp(p->in, "default") ? p->shown : "");
			if (move && eff)
				t->where[c] = eff;
		} else if (t->where[c] & src) {
			/*
			 * The pages on the source nodes are spread over the
			 * destination (a page already on the node its turn
			 * gives it stays): all of them, or up to the limit.
			 */
			t->where[c] = (lim ? t->where[c] : t->where[c] & ~src) |
				      dst;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

static void writer_main(int w)
{
	unsigned int seed = getpid();
	int task[NTARGETS], maps[NTARGETS], nt = 0, nm = 0, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < NTARGETS; i++) {
		if (i % NWRITERS == w)
			task[nt++] = i;
		if ((i + 1) % NWRITERS == w)
			maps[nm++] = i;
	}
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		bool t_role = !nm || (nt && rand_r(&seed) % 5 < 3);
		int i = t_role ? task[rand_r(&seed) % nt] : maps[rand_r(&seed) % nm];
		bool locked = sh->t[i].cpuset;

		if (locked)
			pthread_rwlock_rdlock(&sh->mems_lock);
		if (t_role)
			write_task(w, i, &seed);
		else
			write_maps(i, &seed);
		if (locked)
			pthread_rwlock_unlock(&sh->mems_lock);
	}
	_exit(0);
}

/* Move target i into CG, or change CG's mems: under the write lock. */
static int cpuset_move_in(int i)
{
	struct tmodel *t = &sh->t[i];
	char buf[32];
	int c, ret;

	pthread_mutex_lock(&t->lock);
	snprintf(buf, sizeof(buf), "%d", t->pid);
	if (!t->pid || t->in_cg) {
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	ret = np_write_file(CG "/cgroup.procs", buf);
	if (!ret) {
		t->in_cg = true;
		for (c = 0; c < NCH; c++)
			t->where[c] = remap_where(t->where[c], ALL, sh->mems);
	}
	pthread_mutex_unlock(&t->lock);
	/* A target that has just exec'ed and ended: it is respawned. */
	return ret == -ESRCH ? 0 : ret;
}

static int cpuset_set_mems(unsigned int mems)
{
	char buf[16];
	int i, c, ret;

	snprintf(buf, sizeof(buf), mems == ALL ? "0-3" : "1-2");
	ret = np_write_file(CG "/cpuset.mems", buf);
	if (ret)
		return ret;
	for (i = 1; i < NTARGETS; i += 2) {
		struct tmodel *t = &sh->t[i];

		pthread_mutex_lock(&t->lock);
		if (t->in_cg)
			for (c = 0; c < NCH; c++)
				t->where[c] = remap_where(t->where[c], sh->mems,
							  mems);
		pthread_mutex_unlock(&t->lock);
	}
	sh->mems = mems;
	return 0;
}

/* What numa_maps (text in buf) shows for the VMA holding addr; "" if none. */
static const char *maps_policy_at(const char *buf, unsigned long addr,
				  char *out, size_t size)
{
	static const char * const two[] = { "prefer (many)", "weighted interleave" };
	unsigned long start, best = 0;
	const char *p;
	char *sp;
	unsigned int i;

	*out = 0;
	for (p = buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		size_t skip = 0, n;

		start = strtoul(p, &sp, 16);
		if (*sp != ' ' || start > addr || start < best)
			continue;
		best = start;
		sp++;
		for (i = 0; i < ARRAY_SIZE(two); i++)
			if (!strncmp(sp, two[i], strlen(two[i])))
				skip = strlen(two[i]);
		n = skip + strcspn(sp + skip, "\n ");
		n = n < size ? n : size - 1;
		memcpy(out, sp, n);
		out[n] = 0;
	}
	return out;
}

/* Every VMA starting in [lo, hi) shows want, in numa_maps text buf: 0 or -1. */
static int maps_range_shows(const char *buf, unsigned long lo, unsigned long hi,
			    const char *want, char *why, size_t size)
{
	char got[128];
	const char *p;

	if (strcmp(maps_policy_at(buf, lo, got, sizeof(got)), want)) {
		snprintf(why, size, "%lx shows \"%s\", want \"%s\"", lo, got, want);
		return -1;
	}
	for (p = buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		unsigned long start = strtoul(p, NULL, 16);

		if (start > lo && start < hi &&
		    strcmp(maps_policy_at(buf, start, got, sizeof(got)), want)) {
			snprintf(why, size, "%lx shows \"%s\", want \"%s\"", start,
				 got, want);
			return -1;
		}
	}
	return 0;
}

/* The value of a "Key:" line of /proc/<pid>/status, without blanks. */
static const char *status_field(pid_t pid, const char *key, char *out,
				size_t size)
{
	char path[64], buf[4096], *p;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	*out = 0;
	if (np_read_file(path, buf, sizeof(buf)) <= 0)
		return out;
	p = strstr(buf, key);
	if (!p)
		return out;
	p += strlen(key);
	p += strspn(p, " \t");
	n = strcspn(p, "\n");
	n = n < size ? n : size - 1;
	memcpy(out, p, n);
	out[n] = 0;
	return out;
}

static int seconds(int argc, char **argv)
{
	const char *s = getenv("NUMAPOL_STRESS_SECONDS");

	if (argc > 1)
		return atoi(argv[1]);
	return s ? atoi(s) : 10;
}

static int stress_argc;
static char **stress_argv;

/* Remove configfs group name and its task bindings: 0 or -errno. */
static int cfs_group_remove(const char *name)
{
	char dir[256], path[512];
	struct dirent *d;
	DIR *dh;

	snprintf(dir, sizeof(dir), CFS "/%s/tasks", name);
	dh = opendir(dir);
	if (!dh)
		return -errno;
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (rmdir(path)) {
			closedir(dh);
			return -errno;
		}
	}
	closedir(dh);
	snprintf(dir, sizeof(dir), CFS "/%s", name);
	return rmdir(dir) ? -errno : 0;
}

/* In the harness's process too after a failed ASSERT: put everything back. */
FIXTURE(stress) {
	int timeout;
	bool made;		/* groups and CG made by this test */
};

FIXTURE_SETUP(stress)
{
	self->timeout = np_timeout_get();
}

FIXTURE_TEARDOWN_PARENT(stress)
{
	char name[32];
	int w;

	if (self->timeout > 0)
		np_timeout_set(self->timeout);
	if (!self->made)
		return;
	/* The targets and writers died with the test (PR_SET_PDEATHSIG). */
	for (w = 0; w < NWRITERS; w++) {
		snprintf(name, sizeof(name), "stress%d", w);
		cfs_group_remove(name);
	}
	np_cgroup_remove(CG);
}

/* make stress runs this for minutes: beyond the harness's 30 s default. */
TEST_F_TIMEOUT(stress, races, 3600)
{
	static char maps[65536];
	pthread_mutexattr_t ma, fa;
	pthread_rwlockattr_t ra;
	pid_t writers[NWRITERS];
	char buf[512], path[512], why[512], name[32];
	int i, k, c, w, status, checked = 0, secs;
	time_t end;

	if (np_online_nodes() != 4)
		SKIP(return, "needs 4 NUMA nodes");
	if (access(CFS, F_OK))
		SKIP(return, "no numapol configfs");
	if (np_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset"))
		SKIP(return, "no cpuset controller");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	ASSERT_EQ(0, pthread_mutexattr_init(&ma));
	ASSERT_EQ(0, pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_mutexattr_init(&fa));
	ASSERT_EQ(0, pthread_mutexattr_setpshared(&fa, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_mutexattr_setrobust(&fa, PTHREAD_MUTEX_ROBUST));
	ASSERT_EQ(0, pthread_rwlockattr_init(&ra));
	ASSERT_EQ(0, pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED));
	/* A cpuset change must not wait behind a stream of writes. */
	k = PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
	ASSERT_EQ(0, pthread_rwlockattr_setkind_np(&ra, k));
	ASSERT_EQ(0, pthread_rwlock_init(&sh->mems_lock, &ra));
	region = np_map(NPAGES);
	ASSERT_NE(NULL, region);
	/*
	 * A write that fails with EAGAIN leaves the model right, but a
	 * binding's best-effort reset at rmdir would not: give the targets,
	 * busy under TCG, time enough.
	 */
	ASSERT_LT(0, self->timeout);
	ASSERT_EQ(0, np_timeout_set(5000));

	self->made = true;
	np_cgroup_remove(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, np_write_file(CG "/cpuset.mems", "0-3"));
	sh->mems = ALL;
	for (w = 0; w < NWRITERS; w++) {
		snprintf(name, sizeof(name), "stress%d", w);
		cfs_group_remove(name);
		snprintf(path, sizeof(path), CFS "/%s", name);
		ASSERT_EQ(0, mkdir(path, 0755));
		snprintf(sh->g[w].raw, sizeof(sh->g[w].raw), "default");
		snprintf(sh->g[w].shown, sizeof(sh->g[w].shown), "default");
	}
	for (i = 0; i < NTARGETS; i++) {
		sh->t[i].cpuset = i % 2;
		sh->t[i].execs = i % 3 == 0;
		ASSERT_EQ(0, pthread_mutex_init(&sh->t[i].lock, &ma));
		ASSERT_EQ(0, pthread_mutex_init(&sh->t[i].forklock, &fa));
		ASSERT_EQ(0, spawn_target(i));
	}
	for (w = 0; w < NWRITERS; w++) {
		writers[w] = fork();
		ASSERT_LE(0, writers[w]);
		if (!writers[w])
			writer_main(w);
	}

	/*
	 * SECONDS, and on (up to three times as long, on a slow machine)
	 * until every kind of write has succeeded at least once.
	 */
	secs = seconds(stress_argc, stress_argv);
	end = time(NULL) + secs;
	while (time(NULL) < end || (!all_kinds_done() && time(NULL) < end + 2 * secs)) {
		/* Respawn targets that exec'ed and ended. */
		for (i = 0; i < NTARGETS; i++) {
			if (waitpid(sh->t[i].pid, NULL, WNOHANG) != sh->t[i].pid)
				continue;
			ASSERT_TRUE(sh->t[i].execs) TH_LOG("target %d died", i);
			ASSERT_EQ(0, spawn_target(i));
			sh->respawned++;
		}
		/* Half the targets in a cpuset whose mems keep changing. */
		pthread_rwlock_wrlock(&sh->mems_lock);
		for (i = 1; i < NTARGETS; i += 2) {
			ASSERT_EQ(0, cpuset_move_in(i))
				TH_LOG("target %d", i);
		}
		c = time(NULL) % 2 ? ALL : 0x6;
		if ((unsigned int)c != sh->mems)
			ASSERT_EQ(0, cpuset_set_mems(c));
		pthread_rwlock_unlock(&sh->mems_lock);
		usleep(100000);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (w = 0; w < NWRITERS; w++) {
		ASSERT_EQ(writers[w], waitpid(writers[w], &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("writer %d: status %#x", w, status);
	}

	/*
	 * Quiet: each target stops making threads and says so, unless it has
	 * exec'ed (it then ends); its short-lived threads end.
	 */
	__atomic_store_n(&sh->quiet, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NTARGETS; i++) {
		struct tmodel *t = &sh->t[i];
		int n = 0;

		for (k = 0; k < 10000; k++) {
			if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
				t->pid = 0;	/* ended: its bindings "exited" */
				break;
			}
			if (__atomic_load_n(&t->acked, __ATOMIC_ACQUIRE)) {
				pid_t tids[MAX_THREADS];

				n = list_tids(t->pid, tids, MAX_THREADS);
				if (n == 3)
					break;
			}
			usleep(1000);
		}
		ASSERT_TRUE(!t->pid || n == 3)
			TH_LOG("target %d does not settle (%d threads)", i, n);
	}
	/* The cpuset back to every node: the policies read as written. */
	ASSERT_EQ(0, cpuset_set_mems(ALL));

	/* Every live target is what was last written to it. */
	for (i = 0; i < NTARGETS; i++) {
		struct tmodel *t = &sh->t[i];
		pid_t tids[MAX_THREADS];
		int status_nodes[NPAGES];

		if (!t->pid)
			continue;
		checked++;
		ASSERT_EQ(3, list_tids(t->pid, tids, MAX_THREADS));
		for (k = 0; k < 3; k++) {
			ASSERT_EQ(t->tid[k], tids[k]);
			ASSERT_STREQ(t->pol[k], get_policy(t->pid, tids[k], buf,
							   sizeof(buf)))
				TH_LOG("target %d, thread %d", i, tids[k]);
		}
		snprintf(path, sizeof(path), "/proc/%d/numa_maps", t->pid);
		ASSERT_LT(0, np_read_file(path, maps, sizeof(maps)));
		ASSERT_EQ(0, np_page_nodes(t->pid, region, NPAGES, status_nodes));
		for (c = 0; c < NCH; c++) {
			const char *want = t->vpol[c][0] ? t->vpol[c] : t->pol[0];

			ASSERT_EQ(0, maps_range_shows(maps, chunk_start(c),
						      chunk_start(c + 1), want,
						      why, sizeof(why)))
				TH_LOG("target %d, chunk %d: %s", i, c, why);
			for (k = c * CHP; k < (c + 1) * CHP; k++) {
				ASSERT_TRUE(status_nodes[k] >= 0 &&
					    (t->where[c] >> status_nodes[k] & 1))
					TH_LOG("target %d, page %d: node %d, want one of %#x",
					       i, k, status_nodes[k], t->where[c]);
			}
		}
		if (t->cpuset) {
			ASSERT_TRUE(t->in_cg);
			snprintf(path, sizeof(path), "/proc/%d/cgroup", t->pid);
			ASSERT_LT(0, np_read_file(path, buf, sizeof(buf)));
			ASSERT_NE(NULL, strstr(buf, "/numapol-stress\n")) TH_LOG("%s", buf);
			ASSERT_STREQ("0-3", status_field(t->pid, "\nMems_allowed_list:",
							 buf, sizeof(buf)));
		}
	}
	/* Every group: its policy, and exactly the bindings made, in state. */
	for (w = 0; w < NWRITERS; w++) {
		struct group *g = &sh->g[w];
		struct dirent *d;
		DIR *dh;
		int n = 0;

		snprintf(path, sizeof(path), CFS "/stress%d/policy", w);
		ASSERT_LT(0, np_read_file(path, buf, sizeof(buf)));
		buf[strcspn(buf, "\n")] = 0;
		ASSERT_STREQ(g->raw, buf) TH_LOG("group stress%d", w);
		snprintf(path, sizeof(path), CFS "/stress%d/tasks", w);
		dh = opendir(path);
		ASSERT_NE(NULL, dh);
		while ((d = readdir(dh))) {
			pid_t pid = atoi(d->d_name);
			const char *want = "exited";

			if (d->d_name[0] == '.')
				continue;
			n++;
			ASSERT_LE(0, group_find(g, pid))
				TH_LOG("stress%d/tasks/%s: not made", w, d->d_name);
			for (i = w; i < NTARGETS; i += NWRITERS)
				if (sh->t[i].pid == pid)
					want = "bound";
			snprintf(path, sizeof(path), CFS "/stress%d/tasks/%s/state",
				 w, d->d_name);
			ASSERT_LT(0, np_read_file(path, buf, sizeof(buf)));
			buf[strcspn(buf, "\n")] = 0;
			if (strcmp(want, buf) && g->eagain &&
			    !strcmp(buf, "error 11"))
				continue;	/* a policy write failed on it */
			ASSERT_STREQ(want, buf)
				TH_LOG("stress%d/tasks/%s", w, d->d_name);
		}
		closedir(dh);
		ASSERT_EQ(g->nb, n) TH_LOG("group stress%d", w);
		for (i = w; i < NTARGETS; i += NWRITERS) {
			if (sh->t[i].pid)
				ASSERT_EQ(sh->t[i].bound,
					  group_find(g, sh->t[i].pid) >= 0)
					TH_LOG("target %d", i);
		}
	}

	printf("# stress: %lu writes, %lu accepted, %lu refused, %lu targets respawned\n",
	       sh->writes, sh->accepted, sh->refused, sh->respawned);
	printf("# stress: accepted by kind:");
	for (k = 0; k < NKINDS; k++)
		printf(" %s %lu", kind_names[k], sh->ok[k]);
	printf("; %d targets checked\n", checked);
	ASSERT_EQ(0, sh->unexpected) TH_LOG("%lu unexpected errors, the first: %s",
					    sh->unexpected, sh->first_unexpected);
	for (k = 0; k < NKINDS; k++) {
		ASSERT_LT(0, sh->ok[k]) TH_LOG("no %s write succeeded",
					       kind_names[k]);
	}
	/* The four that never exec are always checked. */
	ASSERT_LE(4, checked);

	/* Clean up, and see it done. */
	for (i = 0; i < NTARGETS; i++) {
		if (!sh->t[i].pid)
			continue;
		ASSERT_EQ(0, kill(sh->t[i].pid, SIGKILL));
		ASSERT_EQ(sh->t[i].pid, waitpid(sh->t[i].pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	for (w = 0; w < NWRITERS; w++) {
		snprintf(name, sizeof(name), "stress%d", w);
		ASSERT_EQ(0, cfs_group_remove(name)) TH_LOG("%s", name);
	}
	np_cgroup_remove(CG);
	ASSERT_NE(0, access(CG, F_OK));
	ASSERT_EQ(ENOENT, errno);
	self->made = false;
}

TEST_F_TIMEOUT(stress, bound_target_under_memory_pressure, 600)
{
	size_t len = 768UL << 20;	/* more than a 512 MiB node */
	struct target t;
	char buf[256];
	int status, sync[2];
	pid_t pid;
	char c;

	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p;

		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(2);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(3);
		np_touch(p, len / NP_PAGE_SIZE);
		_exit(0);	/* all of it fit on node 3: wrong */
	}
	close(sync[0]);
	ASSERT_EQ(0, set_policy(pid, 0, "bind:3"));
	ASSERT_EQ(1, write(sync[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 3))
		TH_LOG("status 0x%x", status);
	close(sync[1]);
	/* The writer and the kernel carry on. */
	ASSERT_EQ(0, target_start(&t, 1));
	ASSERT_EQ(0, set_policy(t.pid, 0, "prefer=3"));
	ASSERT_STREQ("prefer:3", get_policy(t.pid, 0, buf, sizeof(buf)));
	ASSERT_EQ(0, target_do(&t, 'T'));
	ASSERT_EQ(NPAGES, np_count_on_node(t.pid, t.region, NPAGES, 3));
	target_stop(&t);
}

int main(int argc, char **argv)
{
	stress_argc = argc;
	stress_argv = argv;
	return test_harness_run(1, argv);
}
