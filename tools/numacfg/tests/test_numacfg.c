// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of numacfg: everything runs against fake /proc, sysfs
 * and configfs trees in a temporary directory.  Output is TAP 13.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "cfgfs.h"
#include "config.h"
#include "mm.h"
#include "nodelist.h"
#include "ops.h"
#include "output.h"
#include "plan.h"
#include "policy.h"
#include "procfs.h"
#include "select.h"
#include "watch.h"
#include "tap.h"

/* ---- fixture: fake trees ------------------------------------------------ */

struct fixture {
	char root[256];
	char proc[300], sys[300], cfg[300], state[300];
	struct nc_ctx ctx;
};

static void write_at(const char *content, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Create a file (and its parent directories) with @content. */
static void write_at(const char *content, const char *fmt, ...)
{
	char path[1024], *p;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		printf("# cannot create %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(content, f);
	fclose(f);
}

static char *slurp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *slurp(const char *fmt, ...)
{
	char path[1024], *buf;
	struct nc_err e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (read_file(path, &buf, NULL, &e))
		return NULL;
	return buf;
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool exists(const char *fmt, ...)
{
	char path[1024];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return stat(path, &st) == 0;
}

/*
 * Fake configfs operations.  Real configfs makes a group's attributes and
 * default directories on mkdir and drops them on rmdir; emulate that.
 * Fault injection: a path ending in fail_suffix fails with fail_errno.
 */
static const char *fail_suffix;
static int fail_errno;

static bool injected(const char *path)
{
	size_t n = strlen(path), m;

	if (!fail_suffix)
		return false;
	m = strlen(fail_suffix);
	if (n < m || strcmp(path + n - m, fail_suffix))
		return false;
	errno = fail_errno;
	return true;
}

static const char *parent_name(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/'), *prev;

	for (prev = slash - 1; prev > path && *prev != '/'; prev--)
		;
	snprintf(buf, size, "%.*s", (int)(slash - prev - 1), prev + 1);
	return buf;
}

static int fake_mkdir(const char *path)
{
	char parent[256];

	if (injected(path))
		return -1;
	if (mkdir(path, 0755))
		return -1;
	parent_name(path, parent, sizeof(parent));
	if (!strcmp(parent, "tasks")) {
		write_at("bound\n", "%s/state", path);
	} else if (!strcmp(parent, "ranges")) {
		write_at("0\n", "%s/pid", path);
		write_at("0x0\n", "%s/start", path);
		write_at("0x0\n", "%s/end", path);
		write_at("0\n", "%s/enable", path);
		write_at("disabled\n", "%s/state", path);
	} else {
		write_at("default\n", "%s/policy", path);
		write_at("0\n", "%s/move", path);
		write_at("", "%s/tasks/.keep", path);
		write_at("", "%s/ranges/.keep", path);
	}
	return 0;
}

static int rm_cb(const char *p, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int count_entries(const char *dir)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int fake_rmdir(const char *path)
{
	char sub[1024];

	if (injected(path))
		return -1;
	snprintf(sub, sizeof(sub), "%s/tasks", path);
	if (exists("%s", sub)) {
		/* A group: only when it has no bindings (ENOTEMPTY). */
		int n = count_entries(sub);

		snprintf(sub, sizeof(sub), "%s/ranges", path);
		if (n + count_entries(sub)) {
			errno = ENOTEMPTY;
			return -1;
		}
	}
	return nftw(path, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static int fake_write(const char *path, const char *value)
{
	char state[1024];
	struct nc_err e;
	FILE *f;

	if (injected(path))
		return -1;
	if (!exists("%s", path)) {
		errno = ENOENT;	/* configfs has a fixed set of attributes */
		return -1;
	}
	if (write_file(path, value, &e))
		return -1;
	if (strlen(path) > 7 && !strcmp(path + strlen(path) - 7, "/enable")) {
		snprintf(state, sizeof(state), "%.*s/state",
			 (int)(strlen(path) - 7), path);
		f = fopen(state, "w");
		if (f) {
			fputs(value[0] == '1' ? "bound\n" : "disabled\n", f);
			fclose(f);
		}
	}
	return 0;
}

static const struct cfgfs_ops fake_ops = {
	.mkdir = fake_mkdir,
	.rmdir = fake_rmdir,
	.write = fake_write,
};

static int mkdir_at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mkdir in the fake configfs, as the kernel would do it. */
static int mkdir_at(const char *fmt, ...)
{
	char path[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return fake_mkdir(path);
}

static void fx_init(struct fixture *fx)
{
	char path[300];

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->root, sizeof(fx->root), "/tmp/numacfg-test-XXXXXX");
	if (!mkdtemp(fx->root)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(fx->proc, sizeof(fx->proc), "%s/proc", fx->root);
	snprintf(fx->sys, sizeof(fx->sys), "%s/sys", fx->root);
	snprintf(fx->cfg, sizeof(fx->cfg), "%s/config/numapol", fx->root);
	snprintf(fx->state, sizeof(fx->state), "%s/run/numacfg", fx->root);
	snprintf(path, sizeof(path), "%s/run", fx->root);
	mkdir(path, 0755);
	mkdir(fx->proc, 0755);
	write_at("0-3\n", "%s/devices/system/node/has_memory", fx->sys);
	write_at("", "%s/.keep", fx->cfg);
	fx->ctx.proc_root = fx->proc;
	fx->ctx.sys_root = fx->sys;
	fx->ctx.cfgfs_root = fx->cfg;
	fx->ctx.ops = &fake_ops;
	fx->ctx.state_dir = fx->state;
	fail_suffix = NULL;
}

static void fx_fini(struct fixture *fx)
{
	nftw(fx->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	fail_suffix = NULL;
}

struct fake_proc {
	pid_t pid;
	const char *comm, *exe;
	const char *argv[4];
	unsigned int uid;
	const char *cgroup;
	unsigned long flags;	/* PF_* in stat */
	char state;
	const char *mems;
};

static void add_proc(struct fixture *fx, const struct fake_proc *p)
{
	char buf[2048], link[1024];
	size_t n = 0;
	int i;
	FILE *f;

	snprintf(buf, sizeof(buf),
		 "Name:\t%s\nState:\t%c (x)\nUid:\t%u\t%u\t%u\t%u\nMems_allowed_list:\t%s\n",
		 p->comm, p->state ? p->state : 'S', p->uid, p->uid, p->uid,
		 p->uid, p->mems ? p->mems : "0-3");
	write_at(buf, "%s/%d/status", fx->proc, p->pid);
	snprintf(buf, sizeof(buf), "%s\n", p->comm);
	write_at(buf, "%s/%d/comm", fx->proc, p->pid);
	snprintf(buf, sizeof(buf), "%d (%s) %c 1 1 1 0 -1 %lu 0 0\n", p->pid,
		 p->comm, p->state ? p->state : 'S', p->flags);
	write_at(buf, "%s/%d/stat", fx->proc, p->pid);
	snprintf(buf, sizeof(buf), "0::%s\n", p->cgroup ? p->cgroup : "/");
	write_at(buf, "%s/%d/cgroup", fx->proc, p->pid);
	write_at("default\n", "%s/%d/numa_policy", fx->proc, p->pid);
	write_at("", "%s/%d/numa_maps", fx->proc, p->pid);
	write_at("", "%s/%d/maps", fx->proc, p->pid);
	/* cmdline: NUL separated. */
	snprintf(buf, sizeof(buf), "%s/%d/cmdline", fx->proc, p->pid);
	f = fopen(buf, "w");
	for (i = 0; f && i < 4 && p->argv[i]; i++) {
		fwrite(p->argv[i], 1, strlen(p->argv[i]) + 1, f);
		n++;
	}
	if (f)
		fclose(f);
	if (p->exe) {
		snprintf(link, sizeof(link), "%s/%d/exe", fx->proc, p->pid);
		unlink(link);
		if (symlink(p->exe, link))
			printf("# symlink: %s\n", strerror(errno));
	}
}

/* Three user processes, a kernel thread and a zombie. */
static void add_standard_procs(struct fixture *fx)
{
	static const struct fake_proc procs[] = {
		{ 100, "mingetty", "/sbin/mingetty", { "/sbin/mingetty",
		  "tty1" }, 0, "/system.slice/getty.service", 0, 0, NULL },
		{ 101, "mingetty", "/sbin/mingetty", { "/sbin/mingetty",
		  "tty2" }, 0, "/system.slice/getty.service", 0, 0, NULL },
		{ 200, "postgres", "/usr/lib/postgresql/bin/postgres",
		  { "postgres", "-D", "/var/lib/pg" }, 105,
		  "/system.slice/postgresql.service", 0, 0, "1-2" },
		{ 300, "kworker/0:1", NULL, { NULL }, 0, "/", 0x00200000,
		  0, NULL },
		{ 400, "mingetty", NULL, { NULL }, 0, "/", 0, 'Z', NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		add_proc(fx, &procs[i]);
	write_at("55d0c0000000-55d0c0010000 r--p 00000000 08:01 42   /sbin/mingetty\n"
		 "55d0c0010000-55d0c0020000 r-xp 00010000 08:01 42   /sbin/mingetty\n"
		 "55d0c0030000-55d0c0031000 rw-p 00030000 08:01 42   /sbin/mingetty\n"
		 "55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0    [heap]\n"
		 "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
		 "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0    [stack]\n",
		 "%s/100/maps", fx->proc);
	write_at("55d0c0000000 default file=/sbin/mingetty mapped=16 N0=16 kernelpagesize_kB=4\n"
		 "55d0c0010000 default file=/sbin/mingetty mapped=16 N1=16 kernelpagesize_kB=4\n"
		 "55d0c0030000 default file=/sbin/mingetty anon=1 dirty=1 N0=1 kernelpagesize_kB=4\n"
		 "55d0c1000000 interleave:2-3 heap anon=33 dirty=33 N2=17 N3=16 kernelpagesize_kB=4\n"
		 "7f0000000000 prefer (many):0-1 anon=256 dirty=256 N0=200 N1=56 kernelpagesize_kB=4\n"
		 "7ffc00000000 default stack anon=5 dirty=5 N0=5 kernelpagesize_kB=4\n",
		 "%s/100/numa_maps", fx->proc);
	write_at("default\n", "%s/100/task/100/numa_policy", fx->proc);
	write_at("mingetty\n", "%s/100/task/100/comm", fx->proc);
	write_at("bind:1\n", "%s/100/task/102/numa_policy", fx->proc);
	write_at("worker\n", "%s/100/task/102/comm", fx->proc);
	write_at("55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0    [heap]\n",
		 "%s/200/maps", fx->proc);
}

static struct nodeset mem0_3(void)
{
	struct nodeset ns;

	ns_clear(&ns);
	ns_set(&ns, 0);
	ns_set(&ns, 1);
	ns_set(&ns, 2);
	ns_set(&ns, 3);
	return ns;
}

static int plan_text_prune(struct fixture *fx, const char *text,
			   enum plan_mode mode, const struct prune *prune,
			   struct plan *p, struct nc_err *e);

/* Load @text as a config, plan it against the fake configfs. */
static int plan_text(struct fixture *fx, const char *text,
		     enum plan_mode mode, struct plan *p, struct nc_err *e)
{
	return plan_text_prune(fx, text, mode, NULL, p, e);
}

static int plan_text_prune(struct fixture *fx, const char *text,
			   enum plan_mode mode, const struct prune *prune,
			   struct plan *p, struct nc_err *e)
{
	struct nodeset mem = mem0_3();
	struct state cur, des;
	struct config cfg;
	int r;

	memset(p, 0, sizeof(*p));
	if (config_load_string(text, "test.conf", &mem, &cfg, e))
		return -1;
	if (cfgfs_read_state(&fx->ctx, &cur, e)) {
		config_free(&cfg);
		return -1;
	}
	r = plan_desired(&fx->ctx, &cfg, &cur, mode, NULL, &des, e);
	if (!r) {
		struct prune pr;

		r = plan_prune_load(&fx->ctx, prune, &pr, e);
		if (!r)
			plan_compute(&des, &cur, &mem, &pr, p);
		plan_prune_free(&pr);
		state_free(&des);
	}
	state_free(&cur);
	config_free(&cfg);
	return r;
}

/* The plan printed to a string (caller frees). */
static char *plan_string(const struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	plan_print(p, f);
	fclose(f);
	return buf;
}

/* Apply @text onto the fake configfs; returns the number of failures. */
static int apply_text(struct fixture *fx, const char *text, char **out,
		      char **err)
{
	size_t olen = 0, elen = 0;
	struct nc_err e;
	struct plan p;
	FILE *fo, *fe;
	int r;

	if (plan_text(fx, text, PLAN_APPLY, &p, &e)) {
		printf("# plan failed: %s\n", e.msg);
		return -1;
	}
	fo = open_memstream(out, &olen);
	fe = open_memstream(err, &elen);
	r = plan_execute(&fx->ctx, &p, false, fo, fe);
	fclose(fo);
	fclose(fe);
	plan_free(&p);
	return r;
}

/* ---- node lists ------------------------------------------------------- */

static void test_nodelist_kernel(struct tap *t)
{
	struct nodeset ns;
	struct nc_err e;
	char buf[256];

	CHECK_INT(t, nodelist_parse("0,2-5\n", &ns, &e), 0);
	CHECK_INT(t, ns_weight(&ns), 5);
	CHECK(t, ns_test(&ns, 0) && !ns_test(&ns, 1) && ns_test(&ns, 5));
	nodelist_format(&ns, buf, sizeof(buf));
	CHECK_STR(t, buf, "0,2-5");
	CHECK_INT(t, nodelist_parse("", &ns, &e), 0);
	CHECK(t, ns_empty(&ns));
	nodelist_format(&ns, buf, sizeof(buf));
	CHECK_STR(t, buf, "");
	CHECK_INT(t, nodelist_parse("1,3,5-6,7,1023", &ns, &e), 0);
	nodelist_format(&ns, buf, sizeof(buf));
	CHECK_STR(t, buf, "1,3,5-7,1023");
	CHECK_INT(t, nodelist_parse("3-1", &ns, &e), -1);
	CHECK_INT(t, nodelist_parse("a", &ns, &e), -1);
	CHECK_INT(t, nodelist_parse("1,", &ns, &e), -1);
	CHECK_INT(t, nodelist_parse("1024", &ns, &e), -1);
}

static void test_nodelist_numactl(struct tap *t)
{
	struct nodeset allowed, out;
	struct nc_err e;
	char buf[256];

	nodelist_parse("1-3,6", &allowed, &e);
	CHECK_INT(t, nodelist_parse_numactl("all", &allowed, true, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "1-3,6");
	CHECK_INT(t, nodelist_parse_numactl("!2", &allowed, true, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "1,3,6");
	CHECK_INT(t, nodelist_parse_numactl("+0-1", &allowed, true, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "1-2");
	CHECK_INT(t, nodelist_parse_numactl("+3", &allowed, true, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "6");
	CHECK_INT(t, nodelist_parse_numactl("!+0", &allowed, true, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "2-3,6");
	CHECK_INT(t, nodelist_parse_numactl("{2,3}", &allowed, true, &out,
					    &e), 0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "2-3");
	CHECK_INT(t, nodelist_parse_numactl("+4", &allowed, true, &out, &e),
		  -1);
	CHECK_CONTAINS(t, e.msg, "out of range");
	CHECK_INT(t, nodelist_parse_numactl("0-1", &allowed, true, &out, &e),
		  -1);
	CHECK_STR(t, e.msg, "node 0 is not allowed (allowed: 1-3,6)");
	/* Unchecked: nodes outside the mask are kept as given. */
	CHECK_INT(t, nodelist_parse_numactl("0-1", &allowed, false, &out, &e),
		  0);
	nodelist_format(&out, buf, sizeof(buf));
	CHECK_STR(t, buf, "0-1");
	CHECK_INT(t, nodelist_parse_numactl("", &allowed, true, &out, &e), -1);
	CHECK_INT(t, nodelist_parse_numactl("!", &allowed, true, &out, &e),
		  -1);
}

static void test_nodes_from_proc(struct tap *t)
{
	struct fixture fx;
	struct nodeset ns;
	struct nc_err e;
	char buf[64];

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, nodes_has_memory(&fx.ctx, &ns, &e), 0);
	nodelist_format(&ns, buf, sizeof(buf));
	CHECK_STR(t, buf, "0-3");
	CHECK_INT(t, nodes_allowed_pid(&fx.ctx, 200, &ns, &e), 0);
	nodelist_format(&ns, buf, sizeof(buf));
	CHECK_STR(t, buf, "1-2");
	CHECK_INT(t, nodes_allowed_pid(&fx.ctx, 999, &ns, &e), -1);
	CHECK_CONTAINS(t, e.msg, "process 999");
	fx_fini(&fx);
}

/* ---- policies ----------------------------------------------------------- */

static void test_policy_normalize(struct tap *t)
{
	static const char *const cases[][2] = {
		{ "default", "default" },
		{ "DEFAULT\n", "default" },
		{ "local", "local" },
		{ "prefer=1", "prefer:1" },
		{ "prefer:1", "prefer:1" },
		{ "preferred=2", "prefer:2" },
		{ "Preferred:3", "prefer:3" },
		{ "interleave={2,3}", "interleave:2-3" },
		{ "interleave=2,3", "interleave:2-3" },
		{ "interleave:2-3\n", "interleave:2-3" },
		{ "bind=0,2-3", "bind:0,2-3" },
		{ "bind:0,2-3", "bind:0,2-3" },
		{ "bind=static:0-3", "bind=static:0-3" },
		{ "bind=relative:0-1", "bind=relative:0-1" },
		{ "bind=static|balancing:0-1", "bind=static|balancing:0-1" },
		{ "bind=balancing|static:0-1", "bind=static|balancing:0-1" },
		{ "bind=balancing:0-1", "bind=balancing:0-1" },
		{ "prefer (many):0-1", "prefer (many):0-1" },
		{ "preferred-many=0,1", "prefer (many):0-1" },
		{ "preferred_many:0-1", "prefer (many):0-1" },
		{ "weighted interleave:0-3", "weighted interleave:0-3" },
		{ "weighted-interleave=all", "weighted interleave:0-3" },
		{ "weighted_interleave:0-3", "weighted interleave:0-3" },
		{ "interleave:all", "interleave:0-3" },
		{ "interleave:!0", "interleave:1-3" },
		{ "interleave:+1-2", "interleave:1-2" },
		{ "BIND=STATIC:1", "bind=static:1" },
	};
	struct nodeset mem = mem0_3();
	char out[NC_POLICY_MAX];
	struct nc_err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out[0] = '\0';
		if (policy_normalize(cases[i][0], &mem, &mem, out, sizeof(out),
				     &e))
			printf("# '%s': %s\n", cases[i][0], e.msg);
		CHECK_STR(t, out, cases[i][1]);
	}
}

static void test_policy_reject(struct tap *t)
{
	static const char *const cases[][2] = {
		{ "bind=3/normal", "per-zone" },
		{ "prefer:1-2", "exactly one node" },
		{ "default:1", "takes no nodes" },
		{ "local=static", "takes no nodes" },
		{ "bind=static|relative:1", "exclude each other" },
		{ "interleave=balancing:1", "balancing only" },
		{ "bogus:1", "unknown mode" },
		{ "bind:", "empty node list" },
		{ "bind", "empty node list" },
		{ "bind:7", "node 7 is not allowed" },
		{ "bind=static:7", "not a memory node" },
		{ "bind=fast:1", "" },
		{ "bind:1 2", "" },
		{ "interleave:!all", "" },
	};
	struct nodeset mem = mem0_3();
	char out[NC_POLICY_MAX];
	struct nc_err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = policy_normalize(cases[i][0], &mem, &mem, out,
					 sizeof(out), &e);

		if (r != -1)
			printf("# '%s' was accepted as '%s'\n", cases[i][0],
			       out);
		CHECK_INT(t, r, -1);
		if (r == -1)
			CHECK_CONTAINS(t, e.msg, cases[i][1]);
	}
	/* Relative nodes are indexes: not checked against memory nodes. */
	CHECK_INT(t, policy_normalize("bind=relative:7", &mem, &mem, out,
				      sizeof(out), &e), 0);
}

static void test_policy_same(struct tap *t)
{
	struct nodeset allowed;
	struct nc_err e;

	nodelist_parse("2-3", &allowed, &e);
	CHECK(t, policy_same("interleave:2-3", "interleave:2-3", &allowed));
	CHECK(t, !policy_same("interleave:2-3", "interleave:2", &allowed));
	CHECK(t, !policy_same("bind:2", "prefer:2", &allowed));
	/* The kernel may print relative nodes contextualized... */
	CHECK(t, policy_same("bind=relative:0-1", "bind=relative:2-3",
			     &allowed));
	CHECK(t, policy_same("bind=relative:0-1", "bind=relative:0-1",
			     &allowed));
	/* ... or static nodes intersected with what is allowed. */
	CHECK(t, policy_same("bind=static:1-3", "bind=static:2-3", &allowed));
	CHECK(t, !policy_same("bind=static:1-3", "bind:2-3", &allowed));
	CHECK(t, policy_same("prefer (many):2-3", "prefer (many):2-3\n",
			     &allowed));
}

/* ---- configuration files --------------------------------------------- */

static const char spec_example[] =
	"version = 1;\n"
	"groups = (\n"
	"  { name = \"fast\"; policy = \"prefer=1\";\n"
	"    tasks = ( { pid = 12024; }, { comm = \"mingetty\"; } ); },\n"
	"  { name = \"heap-il\"; policy = \"interleave:2-3\"; move = true;\n"
	"    ranges = ( { pid = 12024; mapping = \"heap\"; } ); }\n"
	");\n";

static void test_config_example(struct tap *t)
{
	struct nodeset mem = mem0_3();
	struct config cfg;
	struct nc_err e;

	if (config_load_string(spec_example, "ex.conf", &mem, &cfg, &e)) {
		printf("# %s\n", e.msg);
		CHECK(t, 0);
		return;
	}
	CHECK_INT(t, cfg.ngroups, 2);
	CHECK_STR(t, cfg.groups[0].name, "fast");
	CHECK_STR(t, cfg.groups[0].policy, "prefer:1");
	CHECK(t, !cfg.groups[0].move);
	CHECK_INT(t, cfg.groups[0].ntasks, 2);
	CHECK(t, cfg.groups[0].tasks[0].has_pid);
	CHECK_INT(t, cfg.groups[0].tasks[0].pid, 12024);
	CHECK_INT(t, cfg.groups[0].tasks[0].line, 4);
	CHECK_STR(t, cfg.groups[0].tasks[1].comm, "mingetty");
	CHECK_STR(t, cfg.groups[1].policy, "interleave:2-3");
	CHECK(t, cfg.groups[1].move);
	CHECK_INT(t, cfg.groups[1].nranges, 1);
	CHECK_STR(t, cfg.groups[1].ranges[0].mapping, "heap");
	CHECK(t, cfg.groups[1].ranges[0].enable);
	config_free(&cfg);
}

static void test_config_errors(struct tap *t)
{
	static const char *const cases[][2] = {
		{ "version = 2;\n", "bad.conf:1: unsupported version" },
		{ "version = 1;\ngroups = (\n  { name = \"a\";\n    polcy = \"bind:1\"; }\n);\n",
		  "bad.conf:4: unknown setting 'polcy' in a group" },
		{ "groups = (\n  { name = \"a\"; policy = \"bind:9\"; }\n);\n",
		  "bad.conf:2: invalid policy 'bind:9': node 9 is not allowed" },
		{ "groups = (\n { name = \"a\"; },\n { name = \"a\"; }\n);\n",
		  "bad.conf:3: duplicate group 'a' (first at line 2)" },
		{ "groups = (\n { policy = \"local\"; }\n);\n",
		  "bad.conf:2: group needs a 'name'" },
		{ "groups = (\n { name = \"a/b\"; }\n);\n",
		  "bad.conf:2: invalid group name 'a/b'" },
		{ "groups = (\n { name = \"a\";\n   tasks = ( { } ); }\n);\n",
		  "bad.conf:3: selector needs at least one of" },
		{ "groups = (\n { name = \"a\";\n   tasks = (\n     { cmdline = \"([\"; } ); }\n);\n",
		  "bad.conf:4: invalid cmdline regex" },
		{ "groups = (\n { name = \"a\";\n   tasks = ( { pid = -3; } ); }\n);\n",
		  "bad.conf:3: invalid pid -3" },
		{ "groups = (\n { name = \"a\";\n   ranges = ( { pid = 3; } ); }\n);\n",
		  "bad.conf:3: range needs 'mapping'" },
		{ "groups = (\n { name = \"a\";\n   ranges = ( { pid = 3;\n      mapping = \"hep\"; } ); }\n);\n",
		  "bad.conf:4: invalid mapping 'hep'" },
		{ "groups = (\n { name = \"a\";\n   ranges = ( { pid = 3; mapping = \"0x1001-0x2000\"; } ); }\n);\n",
		  "bad.conf:3: invalid mapping '0x1001-0x2000': addresses must be page aligned" },
		{ "groups = (\n { name = \"a\"; move = \"yes\"; }\n);\n",
		  "bad.conf:2: 'move' must be true or false" },
		{ "groups = (\n { name = \"a\";\n   tasks = ( { uid = \"no-such-user-xyz\"; } ); }\n);\n",
		  "bad.conf:3: unknown user 'no-such-user-xyz'" },
		{ "groups = (\n { name = \"a\";\n   policy = ; }\n);\n",
		  "bad.conf:3: syntax error" },
		{ "groups = { name = \"a\"; };\n",
		  "bad.conf:1: 'groups' must be a list" },
		{ "grups = ();\n",
		  "bad.conf:1: unknown setting 'grups' in the top level" },
		{ "groups = (\n { name = \"a\";\n   tasks = ( { cgroup = \"system.slice\"; } ); }\n);\n",
		  "bad.conf:3: 'cgroup' must be an absolute cgroup path" },
	};
	struct nodeset mem = mem0_3();
	struct config cfg;
	struct nc_err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = config_load_string(cases[i][0], "bad.conf", &mem,
					   &cfg, &e);

		if (r != -1)
			printf("# accepted: %s", cases[i][0]);
		CHECK_INT(t, r, -1);
		if (r == -1)
			CHECK_CONTAINS(t, e.msg, cases[i][1]);
		else
			config_free(&cfg);
	}
}

static void test_config_file(struct tap *t)
{
	struct nodeset mem = mem0_3();
	struct fixture fx;
	struct config cfg;
	struct nc_err e;
	char path[512];

	fx_init(&fx);
	snprintf(path, sizeof(path), "%s/x.conf", fx.root);
	write_at("version = 1;\n\ngroups = (\n  { name = \"g\"; policy = \"bind=0,9\"; }\n);\n",
		 "%s", path);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), -1);
	CHECK_CONTAINS(t, e.msg, path);
	CHECK_CONTAINS(t, e.msg, ".conf:4: invalid policy");
	snprintf(path, sizeof(path), "%s/missing.conf", fx.root);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), -1);
	CHECK_CONTAINS(t, e.msg, "missing.conf");
	CHECK_CONTAINS(t, e.msg, "No such file");
	fx_fini(&fx);
}

static void test_config_shipped_example(struct tap *t)
{
	struct nodeset mem = mem0_3();
	struct config cfg;
	struct nc_err e;

	/* make check runs in the source directory. */
	if (access("numacfg.conf.example", R_OK)) {
		t->skip = "numacfg.conf.example not in the current directory";
		return;
	}
	CHECK_INT(t, config_load_file("numacfg.conf.example", &mem, &cfg, &e),
		  0);
	if (cfg.ngroups) {
		CHECK_STR(t, cfg.groups[1].policy, "interleave:0-3");
		CHECK_STR(t, cfg.groups[2].policy, "bind:1-3");
		config_free(&cfg);
	} else {
		printf("# %s\n", e.msg);
	}
	/* The file installed as /etc/numacfg.conf changes nothing. */
	CHECK_INT(t, config_load_file("numacfg.conf", &mem, &cfg, &e), 0);
	CHECK_INT(t, cfg.ngroups, 0);
	config_free(&cfg);
}

/* ---- selectors ------------------------------------------------------ */

static int scan_text(struct fixture *fx, const char *sel_text, char *buf,
		     size_t size)
{
	struct nodeset mem = mem0_3();
	struct config cfg;
	struct nc_err e;
	size_t n, i, len = 0;
	char *text;
	pid_t *pids;

	text = xasprintf("groups = ( { name = \"g\"; tasks = ( { %s } ); } );",
			 sel_text);
	buf[0] = '\0';
	if (config_load_string(text, "sel.conf", &mem, &cfg, &e)) {
		printf("# %s\n", e.msg);
		free(text);
		return -1;
	}
	free(text);
	if (select_scan(&fx->ctx, NULL, &cfg.groups[0].tasks[0], &pids, &n,
			&e)) {
		config_free(&cfg);
		return -1;
	}
	/* The snapshot gives the same answer as a scan. */
	{
		struct proc_snapshot snap;
		pid_t *pids2 = NULL;
		size_t n2 = 0;
		bool same;

		same = !proc_snapshot_read(&fx->ctx, &snap, &e) &&
		       !select_scan(&fx->ctx, &snap, &cfg.groups[0].tasks[0],
				    &pids2, &n2, &e) &&
		       n2 == n &&
		       (!n || !memcmp(pids, pids2, n * sizeof(*pids)));
		free(pids2);
		proc_snapshot_free(&snap);
		if (!same) {
			printf("# snapshot and scan differ\n");
			free(pids);
			config_free(&cfg);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		len += snprintf(buf + len, size - len, "%s%d", i ? "," : "",
				pids[i]);
	free(pids);
	config_free(&cfg);
	return 0;
}

static void test_selectors(struct tap *t)
{
	static const char *const cases[][2] = {
		{ "comm = \"mingetty\";", "100,101" },
		{ "comm = \"postgres\";", "200" },
		{ "comm = \"kworker/0:1\";", "" },	/* kernel thread */
		{ "exe = \"/sbin/mingetty\";", "100,101" },
		{ "exe = \"/sbin\";", "" },
		{ "cmdline = \"tty2$\";", "101" },
		{ "cmdline = \"^postgres -D\";", "200" },
		{ "cmdline = \"mingetty tty[12]\";", "100,101" },
		{ "uid = 105;", "200" },
		{ "uid = 0;", "100,101" },
		{ "uid = \"root\";", "100,101" },
		{ "cgroup = \"/system.slice\";", "100,101,200" },
		{ "cgroup = \"/system.slice/getty.service\";", "100,101" },
		{ "cgroup = \"/system.slice/getty\";", "" },
		{ "cgroup = \"/\";", "100,101,200" },
		{ "pid = 101;", "101" },
		{ "pid = 101; comm = \"postgres\";", "" },
		{ "pid = 300;", "" },			/* kernel thread */
		{ "pid = 400;", "" },			/* zombie */
		{ "pid = 999;", "" },
		{ "comm = \"mingetty\"; cmdline = \"tty1\";", "100" },
	};
	struct fixture fx;
	char buf[256];
	size_t i;

	fx_init(&fx);
	add_standard_procs(&fx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(t, scan_text(&fx, cases[i][0], buf, sizeof(buf)), 0);
		if (strcmp(buf, cases[i][1]))
			printf("# selector { %s }\n", cases[i][0]);
		CHECK_STR(t, buf, cases[i][1]);
	}
	/* A process on its way out (PF_EXITING, not yet 'Z'). */
	add_proc(&fx, &(struct fake_proc){ 450, "mingetty", "/sbin/mingetty",
		 { "/sbin/mingetty" }, 0, "/", 0x4, 'R', NULL });
	CHECK_INT(t, scan_text(&fx, "comm = \"mingetty\";", buf,
			       sizeof(buf)), 0);
	CHECK_STR(t, buf, "100,101");
	fx_fini(&fx);
}

/* ---- /proc parsing ---------------------------------------------------- */

static void test_numa_maps_parse(struct tap *t)
{
	struct nm_vma v;
	uint64_t counts[NC_MAX_NODES] = { 0 };

	CHECK_INT(t, numa_maps_parse_line("7f0000000000 prefer (many):0-1 anon=256 dirty=256 N0=200 N1=56 kernelpagesize_kB=4",
					  &v), 0);
	CHECK_INT(t, v.start, 0x7f0000000000ULL);
	CHECK_STR(t, v.policy, "prefer (many):0-1");
	CHECK_INT(t, v.nnp, 2);
	numa_maps_sum(&v, 1, 0, UINT64_MAX, false, counts);
	CHECK_INT(t, counts[0], 200);
	CHECK_INT(t, counts[1], 56);
	CHECK(t, v.name == NULL);
	free(v.policy);
	free(v.np);
	CHECK_INT(t, numa_maps_parse_line("1000 weighted interleave:0-3 file=/a\\040b N3=7", &v), 0);
	CHECK_STR(t, v.policy, "weighted interleave:0-3");
	CHECK_INT(t, v.nnp, 1);
	CHECK_INT(t, v.nnp ? v.np[0].node : -1, 3);
	CHECK_STR(t, v.name, "/a\\040b");
	free(v.policy);
	free(v.name);
	free(v.np);
	CHECK_INT(t, numa_maps_parse_line("garbage", &v), -1);
}

static void test_mapping_resolve(struct tap *t)
{
	struct mapping_spec ms;
	struct addr_range *r;
	struct fixture fx;
	struct nc_err e;
	size_t n;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, mapping_parse("heap", &ms, &e), 0);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 100, &ms, &r, &n, &e), 0);
	CHECK_INT(t, n, 1);
	if (n == 1) {
		CHECK_INT(t, r[0].start, 0x55d0c1000000ULL);
		CHECK_INT(t, r[0].end, 0x55d0c1021000ULL);
	}
	free(r);
	CHECK_INT(t, mapping_parse("stack", &ms, &e), 0);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 100, &ms, &r, &n, &e), 0);
	CHECK_INT(t, n == 1 ? r[0].start : 0, 0x7ffc00000000ULL);
	free(r);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 200, &ms, &r, &n, &e), -1);
	CHECK_STR(t, e.msg, "process 200 has no [stack] mapping");
	/* A file's contiguous VMAs form one range, a gap starts another. */
	CHECK_INT(t, mapping_parse("file:/sbin/mingetty", &ms, &e), 0);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 100, &ms, &r, &n, &e), 0);
	CHECK_INT(t, n, 2);
	if (n == 2) {
		CHECK_INT(t, r[0].start, 0x55d0c0000000ULL);
		CHECK_INT(t, r[0].end, 0x55d0c0020000ULL);
		CHECK_INT(t, r[1].start, 0x55d0c0030000ULL);
	}
	free(r);
	mapping_spec_free(&ms);
	CHECK_INT(t, mapping_parse("0x7f0000000000", &ms, &e), 0);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 100, &ms, &r, &n, &e), 0);
	CHECK_INT(t, n == 1 ? r[0].end : 0, 0x7f0000100000ULL);
	free(r);
	CHECK_INT(t, mapping_parse("7f0000001000", &ms, &e), 0);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 100, &ms, &r, &n, &e), -1);
	CHECK_CONTAINS(t, e.msg, "no mapping starting at 0x7f0000001000");
	CHECK_INT(t, mapping_parse("0x2000-0x1000", &ms, &e), -1);
	CHECK_INT(t, mapping_parse("file:rel/path", &ms, &e), -1);
	CHECK_INT(t, mapping_resolve(&fx.ctx, 999, &(struct mapping_spec){
		.kind = MAP_HEAP }, &r, &n, &e), -1);
	CHECK_CONTAINS(t, e.msg, "process 999");
	fx_fini(&fx);
}

static void test_get_set(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	char *s = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f;

	fx_init(&fx);
	add_standard_procs(&fx);
	/* The policy is normalized against the target's cpuset (1-2). */
	CHECK_INT(t, op_set_task(&fx.ctx, 200, "interleave={1,2}", false, NULL, &e), 0);
	s = slurp("%s/200/numa_policy", fx.proc);
	CHECK_STR(t, s, "interleave:1-2\n");
	free(s);
	CHECK_INT(t, op_set_task(&fx.ctx, 200, "interleave:all", false, NULL, &e), 0);
	s = slurp("%s/200/numa_policy", fx.proc);
	CHECK_STR(t, s, "interleave:1-2\n");
	free(s);
	CHECK_INT(t, op_set_task(&fx.ctx, 200, "bind:0", false, NULL, &e), -1);
	CHECK_CONTAINS(t, e.msg, "node 0 is not allowed (allowed: 1-2)");
	CHECK_INT(t, op_set_task(&fx.ctx, 999, "local", false, NULL, &e), -1);
	CHECK_CONTAINS(t, e.msg, "process 999");
	f = open_memstream(&buf, &len);
	CHECK_INT(t, op_get(&fx.ctx, 200, false, NULL, f, &e), 0);
	CHECK_INT(t, op_get(&fx.ctx, 100, true, NULL, f, &e), 0);
	fclose(f);
	CHECK_CONTAINS(t, buf, "interleave:1-2\n");
	CHECK_CONTAINS(t, buf, "102 worker");
	CHECK_CONTAINS(t, buf, "bind:1");
	free(buf);
	fx_fini(&fx);
}

static void test_set_mapping_text(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	char *text = NULL;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, op_build_set_mapping(&fx.ctx, 100, "heap", "bind=1",
					  true, &text, &e), 0);
	CHECK_STR(t, text, "0x55d0c1000000-0x55d0c1021000 bind:1 move\n");
	free(text);
	CHECK_INT(t, op_build_set_mapping(&fx.ctx, 100, "file:/sbin/mingetty",
					  "preferred-many:0-1", false, &text,
					  &e), 0);
	CHECK_STR(t, text, "0x55d0c0000000-0x55d0c0020000 preferred-many:0-1\n"
		  "0x55d0c0030000-0x55d0c0031000 preferred-many:0-1\n");
	free(text);
	CHECK_INT(t, op_build_set_mapping(&fx.ctx, 100, "7f0000000000",
					  "local", false, &text, &e), 0);
	CHECK_STR(t, text, "0x7f0000000000 local\n");
	free(text);
	CHECK_INT(t, op_set_mapping(&fx.ctx, 100, "stack", "interleave:all",
				    false, false, NULL, &e), 0);
	text = slurp("%s/100/numa_maps", fx.proc);
	CHECK_STR(t, text, "0x7ffc00000000-0x7ffc00021000 interleave:0-3\n");
	free(text);
	CHECK_INT(t, op_build_set_mapping(&fx.ctx, 200, "stack", "local",
					  false, &text, &e), -1);
	CHECK_STR(t, e.msg, "process 200 has no [stack] mapping");
	fx_fini(&fx);
}

static int build_migrate(struct fixture *fx, pid_t pid, const char *from,
			 const char *to, const char *mapping, uint64_t pages,
			 char **text, struct nc_err *e)
{
	struct migrate_opts mo = {
		.from = from, .to = to, .mapping = mapping, .pages = pages,
	};

	return op_build_migrate(&fx->ctx, pid, &mo, text, e);
}

static void test_migrate_text(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	char *text = NULL;

	fx_init(&fx);
	add_standard_procs(&fx);
	/* Without --mapping: every VMA with pages on the source nodes. */
	CHECK_INT(t, build_migrate(&fx, 100, "0", "2-3", NULL, 0, &text, &e), 0);
	CHECK_STR(t, text, "0x55d0c0000000 N0>2-3\n0x55d0c0030000 N0>2-3\n"
		  "0x7f0000000000 N0>2-3\n0x7ffc00000000 N0>2-3\n");
	free(text);
	/* --pages is spread over the VMAs in order. */
	CHECK_INT(t, build_migrate(&fx, 100, "0", "3", NULL, 100, &text, &e), 0);
	CHECK_STR(t, text, "0x55d0c0000000 N0(16)>3\n0x55d0c0030000 N0(1)>3\n"
		  "0x7f0000000000 N0(83)>3\n");
	free(text);
	CHECK_INT(t, build_migrate(&fx, 100, "2-3", "!2,3", "heap", 1000, &text, &e), 0);
	/* At most what the range has: 17 + 16 pages on nodes 2-3. */
	CHECK_STR(t, text, "0x55d0c1000000-0x55d0c1021000 N2-3(33)>0-1\n");
	free(text);
	CHECK_INT(t, build_migrate(&fx, 100, "0", "1", "stack", 0, &text, &e), 0);
	CHECK_STR(t, text, "0x7ffc00000000-0x7ffc00021000 N0>1\n");
	free(text);
	/* A named mapping without pages on the source nodes: nothing. */
	CHECK_INT(t, build_migrate(&fx, 100, "3", "0", "stack", 0, &text, &e), 0);
	CHECK(t, text == NULL);
	free(text);
	/* No pages on node 3 outside the heap and nothing to do. */
	CHECK_INT(t, build_migrate(&fx, 200, "0", "1", NULL, 0, &text, &e), 0);
	CHECK(t, text == NULL);
	CHECK_INT(t, build_migrate(&fx, 200, "0", "3", NULL, 0, &text, &e), -1);
	CHECK_CONTAINS(t, e.msg, "--to 3: node 3 is not allowed");
	CHECK_INT(t, build_migrate(&fx, 100, "9", "1", NULL, 0, &text, &e), -1);
	/* The node list's own message (not "no nodes" from an unset set). */
	CHECK_STR(t, e.msg, "--from 9: node 9 is not allowed (allowed: 0-3)");
	CHECK(t, e.usage);
	CHECK_INT(t, build_migrate(&fx, 200, "1", "0", NULL, 0, &text, &e), -1);
	CHECK_STR(t, e.msg, "--to 0: node 0 is not allowed (allowed: 1-2)");
	CHECK_INT(t, build_migrate(&fx, 100, "x", "1", NULL, 0, &text, &e), -1);
	CHECK_STR(t, e.msg, "--from x: invalid node list 'x'");
	CHECK_INT(t, build_migrate(&fx, 100, "!all", "1", NULL, 0, &text, &e),
		  -1);
	CHECK_STR(t, e.msg, "--from !all: no nodes");
	fx_fini(&fx);
}

/* ---- planning against a fake configfs ------------------------------------ */

static const char plan_conf[] =
	"version = 1;\n"
	"groups = (\n"
	"  { name = \"fast\"; policy = \"prefer=1\";\n"
	"    tasks = ( { pid = 200; }, { comm = \"mingetty\"; } ); },\n"
	"  { name = \"heap-il\"; policy = \"interleave={2,3}\"; move = true;\n"
	"    ranges = ( { pid = 100; mapping = \"heap\"; },\n"
	"               { pid = 100; mapping = \"file:/sbin/mingetty\"; enable = false; } ); }\n"
	");\n";

static void test_plan_fresh(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	struct plan p;
	char *s;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, plan_text(&fx, plan_conf, PLAN_APPLY, &p, &e), 0);
	s = plan_string(&p);
	CHECK_STR(t, s,
		  "+ group fast (policy prefer:1, move 0)\n"
		  "+ group heap-il (policy interleave:2-3, move 1)\n"
		  "+ task fast/tasks/100 (mingetty, selected by comm at test.conf:4)\n"
		  "+ task fast/tasks/101 (mingetty, selected by comm at test.conf:4)\n"
		  "+ task fast/tasks/200 (postgres, selected by pid at test.conf:4)\n"
		  "+ range heap-il/ranges/100-file-mingetty (pid 100 0x55d0c0000000-0x55d0c0020000, disabled)\n"
		  "+ range heap-il/ranges/100-file-mingetty-1 (pid 100 0x55d0c0030000-0x55d0c0031000, disabled)\n"
		  "+ range heap-il/ranges/100-heap (pid 100 0x55d0c1000000-0x55d0c1021000)\n");
	free(s);
	plan_free(&p);
	fx_fini(&fx);
}

static void test_apply_then_replan(struct tap *t)
{
	char *out = NULL, *err = NULL, *s;
	struct fixture fx;
	struct nc_err e;
	struct plan p;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	CHECK_STR(t, err, "");
	CHECK_CONTAINS(t, out, "+ task fast/tasks/200 (postgres, selected by pid at test.conf:4)\n");
	free(out);
	free(err);
	s = slurp("%s/fast/policy", fx.cfg);
	CHECK_STR(t, s, "prefer:1\n");
	free(s);
	s = slurp("%s/heap-il/move", fx.cfg);
	CHECK_STR(t, s, "1\n");
	free(s);
	CHECK(t, exists("%s/fast/tasks/101/state", fx.cfg));
	s = slurp("%s/heap-il/ranges/100-heap/start", fx.cfg);
	CHECK_STR(t, s, "0x55d0c1000000\n");
	free(s);
	s = slurp("%s/heap-il/ranges/100-heap/end", fx.cfg);
	CHECK_STR(t, s, "0x55d0c1021000\n");
	free(s);
	s = slurp("%s/heap-il/ranges/100-heap/pid", fx.cfg);
	CHECK_STR(t, s, "100\n");
	free(s);
	s = slurp("%s/heap-il/ranges/100-heap/enable", fx.cfg);
	CHECK_STR(t, s, "1\n");
	free(s);
	s = slurp("%s/heap-il/ranges/100-file-mingetty/enable", fx.cfg);
	CHECK_STR(t, s, "0\n");
	free(s);
	/* Idempotent: planning again gives nothing to do. */
	CHECK_INT(t, plan_text(&fx, plan_conf, PLAN_APPLY, &p, &e), 0);
	CHECK_INT(t, p.n, 0);
	s = plan_string(&p);
	CHECK_STR(t, s, "no changes\n");
	free(s);
	plan_free(&p);
	fx_fini(&fx);
}

static void test_plan_changes(struct tap *t)
{
	static const char changed[] =
		"version = 1;\n"
		"groups = (\n"
		"  { name = \"fast\"; policy = \"bind:0-1\";\n"
		"    tasks = ( { comm = \"mingetty\"; } ); },\n"
		"  { name = \"slow\"; policy = \"prefer:3\";\n"
		"    tasks = ( { pid = 200; } ); }\n"
		");\n";
	char *out = NULL, *err = NULL, *s;
	struct fixture fx;
	struct nc_err e;
	struct plan p;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	free(out);
	free(err);
	CHECK_INT(t, plan_text(&fx, changed, PLAN_APPLY, &p, &e), 0);
	s = plan_string(&p);
	/* Removals first (so 200 is free for "slow"), group last. */
	CHECK_STR(t, s,
		  "- range heap-il/ranges/100-file-mingetty (pid 100 0x55d0c0000000-0x55d0c0020000)\n"
		  "- range heap-il/ranges/100-file-mingetty-1 (pid 100 0x55d0c0030000-0x55d0c0031000)\n"
		  "- range heap-il/ranges/100-heap (pid 100 0x55d0c1000000-0x55d0c1021000)\n"
		  "- task fast/tasks/200\n"
		  "+ group slow (policy prefer:3, move 0)\n"
		  "~ group fast policy prefer:1 -> bind:0-1\n"
		  "+ task slow/tasks/200 (postgres, selected by pid at test.conf:6)\n"
		  "- group heap-il\n");
	free(s);
	plan_free(&p);
	CHECK_INT(t, apply_text(&fx, changed, &out, &err), 0);
	CHECK_STR(t, err, "");
	free(out);
	free(err);
	CHECK(t, !exists("%s/heap-il", fx.cfg));
	CHECK(t, !exists("%s/fast/tasks/200", fx.cfg));
	CHECK(t, exists("%s/slow/tasks/200", fx.cfg));
	CHECK_INT(t, plan_text(&fx, changed, PLAN_APPLY, &p, &e), 0);
	CHECK_INT(t, p.n, 0);
	plan_free(&p);
	fx_fini(&fx);
}

static void test_plan_range_update(struct tap *t)
{
	static const char conf[] =
		"groups = ( { name = \"g\"; policy = \"bind:1\";\n"
		"  ranges = ( { pid = 100; mapping = \"heap\"; } ); } );\n";
	char *out = NULL, *err = NULL, *s;
	struct fixture fx;
	struct nc_err e;
	struct plan p;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, conf, &out, &err), 0);
	free(out);
	free(err);
	/* The heap grew: the range follows it. */
	write_at("55d0c1000000-55d0c1042000 rw-p 00000000 00:00 0    [heap]\n",
		 "%s/100/maps", fx.proc);
	CHECK_INT(t, plan_text(&fx, conf, PLAN_APPLY, &p, &e), 0);
	s = plan_string(&p);
	CHECK_STR(t, s, "~ range g/ranges/100-heap (pid 100 0x55d0c1000000-0x55d0c1021000 enable 1 -> pid 100 0x55d0c1000000-0x55d0c1042000 enable 1)\n");
	free(s);
	CHECK_INT(t, apply_text(&fx, conf, &out, &err), 0);
	CHECK_STR(t, err, "");
	CHECK_CONTAINS(t, out, "~ range g/ranges/100-heap");
	free(out);
	free(err);
	plan_free(&p);
	s = slurp("%s/g/ranges/100-heap/end", fx.cfg);
	CHECK_STR(t, s, "0x55d0c1042000\n");
	free(s);
	s = slurp("%s/g/ranges/100-heap/enable", fx.cfg);
	CHECK_STR(t, s, "1\n");
	free(s);
	fx_fini(&fx);
}

static void test_plan_validation(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	struct plan p;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, plan_text(&fx,
		"groups = ( { name = \"a\";\n tasks = ( { pid = 999; } ); } );",
		PLAN_APPLY, &p, &e), -1);
	CHECK_STR(t, e.msg, "test.conf:2: process 999 not found");
	CHECK_INT(t, plan_text(&fx,
		"groups = ( { name = \"a\"; tasks = ( { pid = 100; } ); },\n"
		"  { name = \"b\";\n tasks = ( { comm = \"mingetty\"; } ); } );",
		PLAN_APPLY, &p, &e), -1);
	CHECK_CONTAINS(t, e.msg, "test.conf:3: process 100 is already selected by group 'a' (line 1)");
	CHECK_INT(t, plan_text(&fx,
		"groups = ( { name = \"a\";\n ranges = ( { pid = 200; mapping = \"stack\"; } ); } );",
		PLAN_APPLY, &p, &e), -1);
	CHECK_STR(t, e.msg, "test.conf:2: process 200 has no [stack] mapping");
	/* By comm, processes without the mapping are just skipped. */
	CHECK_INT(t, plan_text(&fx,
		"groups = ( { name = \"a\";\n ranges = ( { comm = \"postgres\"; mapping = \"stack\"; } ); } );",
		PLAN_APPLY, &p, &e), 0);
	CHECK_INT(t, p.n, 1);
	plan_free(&p);
	CHECK_INT(t, plan_text(&fx,
		"groups = ( { name = \"a\";\n ranges = ( { comm = \"mingetty\"; mapping = \"heap\"; name = \"x\"; } ); } );",
		PLAN_APPLY, &p, &e), -1);
	CHECK_CONTAINS(t, e.msg, "test.conf:2: range name 'x' given but the selector matches several processes");
	/* Nothing was changed by any of this. */
	CHECK_INT(t, count_entries(fx.cfg), 0);
	fx_fini(&fx);
}

static char *dump_string(struct fixture *fx)
{
	char *buf = NULL;
	size_t len = 0;
	struct nc_err e;
	FILE *f = open_memstream(&buf, &len);

	if (op_dump(&fx->ctx, NULL, f, &e))
		printf("# dump: %s\n", e.msg);
	fclose(f);
	return buf;
}

static void test_dump_apply_idempotent(struct tap *t)
{
	char *out = NULL, *err = NULL, *dump, *dump2;
	struct fixture fx;
	struct nc_err e;
	struct plan p;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	free(out);
	free(err);
	/* A bound process exits: its binding stays, state "exited". */
	write_at("exited\n", "%s/fast/tasks/101/state", fx.cfg);
	nftw(fx.proc, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	mkdir(fx.proc, 0755);
	add_standard_procs(&fx);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/101", fx.proc);
		nftw(path, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	}
	/* A group name that needs quoting in the dump. */
	CHECK_INT(t, mkdir_at("%s/we\"ird \\name", fx.cfg), 0);
	dump = dump_string(&fx);
	CHECK_CONTAINS(t, dump, "version = 1;");
	CHECK_CONTAINS(t, dump, "{ pid = 101; },  # exited");
	CHECK_CONTAINS(t, dump, "name = \"we\\\"ird \\\\name\";");
	CHECK_CONTAINS(t, dump, "mapping = \"0x55d0c1000000-0x55d0c1021000\"; enable = true; }");
	CHECK_INT(t, plan_text(&fx, dump ? dump : "", PLAN_APPLY, &p, &e), 0);
	if (p.n) {
		char *s = plan_string(&p);

		printf("# dump:\n%s# plan:\n%s", dump, s);
		free(s);
	}
	CHECK_INT(t, p.n, 0);
	plan_free(&p);
	/* Applying the dump to an empty tree recreates the same state. */
	dump2 = NULL;
	if (dump) {
		add_standard_procs(&fx);	/* 101 is back */
		nftw(fx.cfg, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
		mkdir(fx.cfg, 0755);
		CHECK_INT(t, apply_text(&fx, dump, &out, &err), 0);
		free(out);
		free(err);
		dump2 = dump_string(&fx);
		CHECK_CONTAINS(t, dump2, "{ pid = 101; },\n");
		CHECK_CONTAINS(t, dump2, "name = \"heap-il\";\n    policy = \"interleave:2-3\";\n    move = true;\n");
		CHECK_CONTAINS(t, dump2, "{ name = \"100-heap\"; pid = 100; mapping = \"0x55d0c1000000-0x55d0c1021000\"; enable = true; }");
		CHECK_INT(t, plan_text(&fx, dump2, PLAN_APPLY, &p, &e), 0);
		CHECK_INT(t, p.n, 0);
		plan_free(&p);
	}
	free(dump);
	free(dump2);
	fx_fini(&fx);
}

static void test_dump_incomplete_range(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	struct plan p;
	char *dump, *s;

	fx_init(&fx);
	add_standard_procs(&fx);
	mkdir_at("%s/g", fx.cfg);
	mkdir_at("%s/g/ranges/half", fx.cfg);	/* pid never written */
	dump = dump_string(&fx);
	CHECK_CONTAINS(t, dump, "# range 'half' is incomplete (pid 0, 0x0-0x0) and left out\n");
	CHECK(t, dump && !strstr(dump, "ranges = ("));
	/* Still a valid file; applying it removes the broken range. */
	CHECK_INT(t, plan_text(&fx, dump ? dump : "", PLAN_APPLY, &p, &e), 0);
	s = plan_string(&p);
	CHECK_STR(t, s, "- range g/ranges/half (pid 0 0x0-0x0)\n");
	free(s);
	plan_free(&p);
	free(dump);
	fx_fini(&fx);
}

static void test_apply_failure_report(struct tap *t)
{
	char *out = NULL, *err = NULL;
	struct fixture fx;

	fx_init(&fx);
	add_standard_procs(&fx);
	fail_suffix = "/fast/tasks/101";
	fail_errno = EPERM;
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 1);
	CHECK_STR(t, out,
		  "+ group fast (policy prefer:1, move 0)\n"
		  "+ group heap-il (policy interleave:2-3, move 1)\n"
		  "+ task fast/tasks/100 (mingetty, selected by comm at test.conf:4)\n");
	CHECK_CONTAINS(t, err, "numacfg: action 4 of 8 failed: + task fast/tasks/101 (mingetty, selected by comm at test.conf:4): mkdir ");
	CHECK_CONTAINS(t, err, "Operation not permitted\n");
	CHECK_CONTAINS(t, err, "numacfg: applied 3 of 8 actions; stopped, not applied:\n");
	CHECK_CONTAINS(t, err, "numacfg:   + task fast/tasks/101 (mingetty, selected by comm at test.conf:4)\nnumacfg:   + task fast/tasks/200 (postgres, selected by pid at test.conf:4)\n");
	CHECK_CONTAINS(t, err, "numacfg:   + range heap-il/ranges/100-heap");
	CHECK(t, exists("%s/fast/tasks/100", fx.cfg));
	CHECK(t, !exists("%s/fast/tasks/200", fx.cfg));
	CHECK(t, !exists("%s/heap-il/ranges/100-heap", fx.cfg));
	free(out);
	free(err);
	/* A range whose enable write fails is not left half made. */
	fail_suffix = "/100-heap/enable";
	fail_errno = EACCES;
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 1);
	CHECK_CONTAINS(t, err, "failed: + range heap-il/ranges/100-heap");
	CHECK(t, !exists("%s/heap-il/ranges/100-heap", fx.cfg));
	free(out);
	free(err);
	/* Neither is a group whose policy the kernel refuses. */
	fail_suffix = "/slow/policy";
	fail_errno = EINVAL;
	CHECK_INT(t, apply_text(&fx, "groups = ( { name = \"slow\"; policy = \"bind:1\"; } );",
				&out, &err), 1);
	CHECK_CONTAINS(t, err, "failed: + group slow");
	CHECK_CONTAINS(t, err, "Invalid argument");
	CHECK(t, !exists("%s/slow", fx.cfg));
	free(out);
	free(err);
	fx_fini(&fx);
}

static void test_exited_bindings(struct tap *t)
{
	static const char conf[] =
		"groups = ( { name = \"g\"; policy = \"bind:1\";\n"
		"  tasks = ( { pid = 555; }, { pid = 100; } ); } );\n";
	struct nodeset mem = mem0_3();
	char *out = NULL, *err = NULL, *s;
	struct config cfg;
	struct fixture fx;
	struct nc_err e;
	struct plan p;
	size_t ol = 0, el = 0;
	FILE *fo, *fe;

	fx_init(&fx);
	add_standard_procs(&fx);
	mkdir_at("%s/g", fx.cfg);
	write_at("bind:1\n", "%s/g/policy", fx.cfg);
	mkdir_at("%s/g/tasks/555", fx.cfg);
	write_at("exited\n", "%s/g/tasks/555/state", fx.cfg);
	mkdir_at("%s/g/tasks/100", fx.cfg);
	write_at("exited\n", "%s/g/tasks/100/state", fx.cfg);
	/* apply: keep 555 (gone, already bound); 100 is a new process. */
	CHECK_INT(t, plan_text(&fx, conf, PLAN_APPLY, &p, &e), 0);
	s = plan_string(&p);
	CHECK_STR(t, s, "- task g/tasks/100\n+ task g/tasks/100 (mingetty, selected by pid at test.conf:2)\n");
	free(s);
	plan_free(&p);
	/* watch: bindings of exited processes are cleaned up. */
	CHECK_INT(t, config_load_string(conf, "w.conf", &mem, &cfg, &e), 0);
	fo = open_memstream(&out, &ol);
	fe = open_memstream(&err, &el);
	CHECK_INT(t, watch_sync(&fx.ctx, &cfg, &mem, NULL, NULL, fo, fe, &e), 0);
	fclose(fo);
	fclose(fe);
	CHECK_STR(t, out, "- task g/tasks/100\n- task g/tasks/555\n+ task g/tasks/100 (mingetty, selected by pid at w.conf:2)\n");
	CHECK_STR(t, err, "");
	CHECK(t, !exists("%s/g/tasks/555", fx.cfg));
	s = slurp("%s/g/tasks/100/state", fx.cfg);
	CHECK_STR(t, s, "bound\n");
	free(s);
	free(out);
	free(err);
	/* A new matching process appears: the next pass binds it. */
	add_proc(&fx, &(struct fake_proc){ 555, "late", "/bin/late",
		 { "late" }, 0, "/", 0, 0, NULL });
	fo = open_memstream(&out, &ol);
	fe = open_memstream(&err, &el);
	CHECK_INT(t, watch_sync(&fx.ctx, &cfg, &mem, NULL, NULL, fo, fe, &e), 0);
	fclose(fo);
	fclose(fe);
	CHECK_STR(t, out, "+ task g/tasks/555 (late, selected by pid at w.conf:2)\n");
	free(out);
	free(err);
	config_free(&cfg);
	fx_fini(&fx);
}

static const struct out_opts json_opts = { .json = true, .bytes = true };
static const struct out_opts table_opts;

static void test_status_output(struct tap *t)
{
	char *out = NULL, *err = NULL, *buf = NULL;
	struct fixture fx;
	struct nc_err e;
	size_t len = 0;
	FILE *f;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	free(out);
	free(err);
	f = open_memstream(&buf, &len);
	CHECK_INT(t, output_status(&fx.ctx, &json_opts, f, &e), 0);
	fclose(f);
	CHECK_CONTAINS(t, buf, "\"numapol\": [");
	CHECK_CONTAINS(t, buf, "\"name\": \"heap-il\"");
	CHECK_CONTAINS(t, buf, "\"policy\": \"interleave:2-3\"");
	CHECK_CONTAINS(t, buf, "\"move\": true");
	CHECK_CONTAINS(t, buf, "\"name\": \"ranges/100-heap\"");
	/* The heap's pages (bytes with -b): N2=17 N3=16, none on 0-1. */
	CHECK_CONTAINS(t, buf, "\"n0\": 0,\n");
	CHECK_CONTAINS(t, buf, "\"n2\": 69632,\n");
	CHECK_CONTAINS(t, buf, "\"n3\": 65536\n");
	/* Task 100: the whole process, 16+1+200+5 pages on node 0. */
	CHECK_CONTAINS(t, buf, "\"n0\": 909312,");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(t, output_status(&fx.ctx, &table_opts, f, &e), 0);
	fclose(f);
	CHECK_CONTAINS(t, buf, "NAME");
	CHECK_CONTAINS(t, buf, "N3");
	CHECK_CONTAINS(t, buf, "tasks/200");
	CHECK_CONTAINS(t, buf, "postgres");
	free(buf);
	fx_fini(&fx);
}

/* ---- the built binary on fake roots ------------------------------------ */

struct cli {
	int status;		/* exit status; -1 if it did not exit */
	char *out, *err;
};

static const char *cli_bin(void)
{
	const char *b = getenv("NUMACFG_BIN");

	return b && *b ? b : "./numacfg";
}

static void cli_free(struct cli *c)
{
	free(c->out);
	free(c->err);
	memset(c, 0, sizeof(*c));
}

/*
 * Run the numacfg binary with the fixture's roots in its environment,
 * @in (or nothing) on its standard input; the arguments end with NULL.
 */
static int run_cli(struct fixture *fx, const char *in, struct cli *c, ...)
{
	char *argv[32], of[400], ef[400], inf[400];
	va_list ap;
	int n = 0, st;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->status = -1;
	argv[n++] = (char *)cli_bin();
	va_start(ap, c);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(of, sizeof(of), "%s/cli.out", fx->root);
	snprintf(ef, sizeof(ef), "%s/cli.err", fx->root);
	snprintf(inf, sizeof(inf), "%s/cli.in", fx->root);
	write_at(in ? in : "", "%s", inf);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("NUMACFG_PROC_ROOT", fx->proc, 1);
		setenv("NUMACFG_SYS_ROOT", fx->sys, 1);
		setenv("NUMACFG_CONFIGFS_ROOT", fx->cfg, 1);
		setenv("NUMACFG_STATE_DIR", fx->state, 1);
		setenv("LC_ALL", "C", 1);
		if (!freopen(inf, "r", stdin) || !freopen(of, "w", stdout) ||
		    !freopen(ef, "w", stderr))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		c->status = WEXITSTATUS(st);
	c->out = slurp("%s", of);
	c->err = slurp("%s", ef);
	return c->status == 127 ? -1 : 0;
}

/* Skip a test when the binary is not built (make check builds it). */
static bool have_cli(struct tap *t)
{
	if (access(cli_bin(), X_OK)) {
		t->skip = "the numacfg binary is not built";
		return false;
	}
	return true;
}

#define CHECK_CLI(t, c, want_status, err_text) do {			\
	CHECK_INT(t, (c)->status, want_status);				\
	CHECK_CONTAINS(t, (c)->err, err_text);				\
} while (0)

/* A process mapping /lib/x.so in two runs: the first has no page on 0. */
static void add_two_run_proc(struct fixture *fx)
{
	add_proc(fx, &(struct fake_proc){ 500, "x", "/bin/x", { "x" }, 0,
		 "/", 0, 0, NULL });
	write_at("10000000-10010000 r--p 00000000 08:01 7   /lib/x.so\n"
		 "10020000-10040000 r-xp 00010000 08:01 7   /lib/x.so\n",
		 "%s/500/maps", fx->proc);
	write_at("10000000 default file=/lib/x.so mapped=10 N1=10 kernelpagesize_kB=4\n"
		 "10020000 default file=/lib/x.so mapped=50 N0=50 kernelpagesize_kB=4\n",
		 "%s/500/numa_maps", fx->proc);
}

static void test_migrate_budget(struct tap *t)
{
	struct fixture fx;
	struct nc_err e;
	char *text = NULL, *s;
	struct cli c;

	fx_init(&fx);
	add_two_run_proc(&fx);
	CHECK_INT(t, build_migrate(&fx, 500, "0", "2", "file:/lib/x.so", 50,
				   &text, &e), 0);
	CHECK_STR(t, text, "0x10020000-0x10040000 N0(50)>2\n");
	free(text);
	/* More budget than pages: each run gets at most what it has. */
	CHECK_INT(t, build_migrate(&fx, 500, "0-1", "2", "file:/lib/x.so",
				   1000, &text, &e), 0);
	CHECK_STR(t, text, "0x10000000-0x10010000 N0-1(10)>2\n"
		  "0x10020000-0x10040000 N0-1(50)>2\n");
	free(text);
	CHECK_INT(t, build_migrate(&fx, 500, "0-1", "2", "file:/lib/x.so",
				   15, &text, &e), 0);
	CHECK_STR(t, text, "0x10000000-0x10010000 N0-1(10)>2\n"
		  "0x10020000-0x10040000 N0-1(5)>2\n");
	free(text);
	/* In chunks: 50 pages as 16 + 16 + 16 + 2, the last one stays. */
	{
		struct migrate_opts mo = { .from = "0", .to = "2",
					   .mapping = "file:/lib/x.so",
					   .chunk = 16, .rate = 1e6 };
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		CHECK_INT(t, op_migrate(&fx.ctx, 500, &mo, f, &e), 0);
		fclose(f);
		free(buf);
		s = slurp("%s/500/numa_maps", fx.proc);
		CHECK_STR(t, s, "0x10020000-0x10040000 N0(2)>2\n");
		free(s);
		add_two_run_proc(&fx);
	}
	if (have_cli(t)) {
		CHECK_INT(t, run_cli(&fx, NULL, &c, "migrate", "500", "--from",
				     "0", "--to", "2", "--mapping",
				     "file:/lib/x.so", "--pages", "50", NULL), 0);
		CHECK_INT(t, c.status, 0);
		CHECK_STR(t, c.err, "");
		/* What the kernel got, and a summary of where pages are. */
		s = slurp("%s/500/numa_maps", fx.proc);
		CHECK_STR(t, s, "0x10020000-0x10040000 N0(50)>2\n");
		free(s);
		CHECK_CONTAINS(t, c.out, "process 500:");
		cli_free(&c);
		/* Nothing on the source nodes: said so, status 0. */
		write_at("10000000 default file=/lib/x.so mapped=10 N1=10 kernelpagesize_kB=4\n",
			 "%s/500/numa_maps", fx.proc);
		run_cli(&fx, NULL, &c, "migrate", "500", "--from", "0", "--to",
			"2", "--mapping", "file:/lib/x.so", NULL);
		CHECK_INT(t, c.status, 0);
		CHECK_CONTAINS(t, c.out, "nothing to migrate: process 500 has no pages on nodes 0 in file:/lib/x.so");
		cli_free(&c);
	}
	fx_fini(&fx);
}

/* A kernel without numapol: no numa_policy files, no configfs. */
static void make_stock(struct fixture *fx)
{
	char path[600];

	add_standard_procs(fx);
	snprintf(path, sizeof(path), "%s/100/numa_policy", fx->proc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/200/numa_policy", fx->proc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/100/task/100/numa_policy", fx->proc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/100/task/102/numa_policy", fx->proc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/self", fx->proc);
	if (symlink("200", path))
		printf("# symlink %s: %s\n", path, strerror(errno));
	nftw(fx->cfg, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

#define NO_NUMAPOL "numacfg: this kernel has no numapol (no /proc/PID/numa_policy): boot a kernel built with CONFIG_NUMAPOL=y; without it only 'numacfg migrate' works\n"

static void test_stock_kernel_message(struct tap *t)
{
	static const char *const cmds[][6] = {
		{ "get", "100" },
		{ "get", "100", "--threads" },
		{ "set", "100", "bind:1" },
		{ "set", "100", "--mapping", "heap", "bind:1" },
		{ "status" },
		{ "dump" },
		{ "diff", "@CONF" },
		{ "apply", "@CONF" },
		{ "apply", "--dry-run", "@CONF" },
		{ "watch", "@CONF" },
	};
	char conf[400];
	struct fixture fx;
	struct cli c;
	size_t i, j;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	make_stock(&fx);
	snprintf(conf, sizeof(conf), "%s/a.conf", fx.root);
	write_at("groups = ( { name = \"g\"; policy = \"bind:1\"; } );\n",
		 "%s", conf);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *a[6] = { NULL };

		for (j = 0; j < 6 && cmds[i][j]; j++)
			a[j] = strcmp(cmds[i][j], "@CONF") ? cmds[i][j] : conf;
		run_cli(&fx, NULL, &c, a[0], a[1], a[2], a[3], a[4], a[5],
			NULL);
		if (c.status != 1 || !c.err || strcmp(c.err, NO_NUMAPOL))
			printf("# numacfg %s %s: status %d\n", a[0],
			       a[1] ? a[1] : "", c.status);
		CHECK_INT(t, c.status, 1);
		CHECK_STR(t, c.err, NO_NUMAPOL);
		CHECK_STR(t, c.out, "");
		cli_free(&c);
	}
	/* A missing process is still named as such. */
	run_cli(&fx, NULL, &c, "get", "999", NULL);
	CHECK_CLI(t, &c, 1, "process 999");
	cli_free(&c);
	fx_fini(&fx);
}

/* ---- migrate without numapol: fake migrate_pages(2), move_pages(2) ---- */

#define FAKE_PAGES 33
static struct {
	uint64_t base;
	int node[FAKE_PAGES];
	int moves;			/* move_pages calls that moved */
	unsigned long old_nodes, new_nodes;
	pid_t migrate_pid;
} fake_mm;

static long fake_migrate_pages(pid_t pid, unsigned long maxnode,
			       const unsigned long *old_nodes,
			       const unsigned long *new_nodes)
{
	(void)maxnode;
	fake_mm.migrate_pid = pid;
	fake_mm.old_nodes = old_nodes[0];
	fake_mm.new_nodes = new_nodes[0];
	return 0;
}

static long fake_move_pages(pid_t pid, unsigned long count, void **pages,
			    const int *nodes, int *status, int flags)
{
	unsigned long i;

	(void)pid;
	(void)flags;
	for (i = 0; i < count; i++) {
		uint64_t idx = ((uintptr_t)pages[i] - fake_mm.base) / 4096;

		if (idx >= FAKE_PAGES) {
			status[i] = -EFAULT;
			continue;
		}
		if (nodes)
			fake_mm.node[idx] = nodes[i];
		status[i] = fake_mm.node[idx];
	}
	if (nodes)
		fake_mm.moves++;
	return 0;
}

static const struct mm_ops fake_mm_ops = {
	.migrate_pages = fake_migrate_pages,
	.move_pages = fake_move_pages,
};

static void test_stock_kernel_migrate(struct tap *t)
{
	struct migrate_opts mo = { .from = "2-3", .to = "0-1",
				   .mapping = "heap", .pages = 20 };
	char *buf = NULL;
	struct fixture fx;
	struct nc_err e;
	size_t len = 0;
	int i, on[4] = { 0 };
	struct cli c;
	FILE *f;

	if (sysconf(_SC_PAGESIZE) != 4096) {
		t->skip = "the fake pages are 4 KiB";
		return;
	}
	fx_init(&fx);
	make_stock(&fx);
	fx.ctx.mm = &fake_mm_ops;
	memset(&fake_mm, 0, sizeof(fake_mm));
	fake_mm.base = 0x55d0c1000000ULL;	/* 100's heap: 33 pages */
	for (i = 0; i < FAKE_PAGES; i++)
		fake_mm.node[i] = i < 17 ? 2 : 3;
	f = open_memstream(&buf, &len);
	CHECK_INT(t, op_migrate(&fx.ctx, 100, &mo, f, &e), 0);
	fclose(f);
	for (i = 0; i < FAKE_PAGES; i++)
		on[fake_mm.node[i]]++;
	/* 20 pages moved, round robin over nodes 0 and 1. */
	CHECK_INT(t, on[0], 10);
	CHECK_INT(t, on[1], 10);
	CHECK_INT(t, on[2] + on[3], 13);
	CHECK(t, fake_mm.moves > 0);
	CHECK_CONTAINS(t, buf, "process 100:");
	free(buf);
	/* The whole process to one node: one migrate_pages(2). */
	mo = (struct migrate_opts){ .from = "0", .to = "1" };
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(t, op_migrate(&fx.ctx, 100, &mo, f, &e), 0);
	fclose(f);
	CHECK_INT(t, fake_mm.migrate_pid, 100);
	CHECK_INT(t, fake_mm.old_nodes, 1);
	CHECK_INT(t, fake_mm.new_nodes, 2);
	free(buf);
	/* --dry-run calls nothing. */
	fake_mm.migrate_pid = 0;
	mo.dry_run = true;
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(t, op_migrate(&fx.ctx, 100, &mo, f, &e), 0);
	fclose(f);
	CHECK_INT(t, fake_mm.migrate_pid, 0);
	CHECK_CONTAINS(t, buf, "with migrate_pages(2)\n(dry run: nothing changed)");
	free(buf);
	/* The real system calls never act on the processes of a fake root. */
	if (have_cli(t)) {
		run_cli(&fx, NULL, &c, "migrate", "100", "--from", "0", "--to",
			"1", NULL);
		CHECK_CLI(t, &c, 1, "cannot act on the processes of");
		cli_free(&c);
	}
	fx_fini(&fx);
}

/* ---- @include ------------------------------------------------------------ */

static void test_config_include(struct tap *t)
{
	struct nodeset mem = mem0_3();
	char path[512], want[600];
	struct fixture fx;
	struct config cfg;
	struct nc_err e;
	int cwd = open(".", O_RDONLY | O_DIRECTORY);

	fx_init(&fx);
	/* systemd starts services in /: includes must not depend on it. */
	if (chdir("/"))
		CHECK(t, 0);
	snprintf(path, sizeof(path), "%s/etc/numacfg.conf", fx.root);
	write_at("version = 1;\ngroups = (\n@include \"numacfg.d/fast.conf\"\n);\n",
		 "%s", path);
	snprintf(want, sizeof(want), "{ name = \"fast\";\n  policy = \"prefer:1\"; },\n"
		 "@include \"%s/etc/abs.conf\"\n", fx.root);
	write_at(want, "%s/etc/numacfg.d/fast.conf", fx.root);
	write_at("{ name = \"abs\"; policy = \"bind:2\"; }\n",
		 "%s/etc/abs.conf", fx.root);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), 0);
	if (cfg.ngroups == 2) {
		CHECK_STR(t, cfg.groups[0].name, "fast");
		CHECK_STR(t, cfg.groups[1].policy, "bind:2");
		config_free(&cfg);
	} else {
		printf("# %s\n", e.msg);
		CHECK(t, 0);
	}
	/* A value error in the included file names that file and line. */
	write_at("{ name = \"fast\";\n\n  policy = \"bind:9\"; }\n",
		 "%s/etc/numacfg.d/fast.conf", fx.root);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), -1);
	snprintf(want, sizeof(want), "%s/etc/numacfg.d/fast.conf:3: invalid policy 'bind:9'",
		 fx.root);
	CHECK_CONTAINS(t, e.msg, want);
	CHECK(t, e.usage);
	/* So does a syntax error. */
	write_at("{ name = \"fast\";\n  policy = ; }\n",
		 "%s/etc/numacfg.d/fast.conf", fx.root);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), -1);
	snprintf(want, sizeof(want), "%s/etc/numacfg.d/fast.conf:2: syntax error",
		 fx.root);
	CHECK_CONTAINS(t, e.msg, want);
	/* An error in the main file still names the main file. */
	write_at("version = 1;\ngroups = (\n  { name = \"a/b\"; }\n);\n",
		 "%s", path);
	CHECK_INT(t, config_load_file(path, &mem, &cfg, &e), -1);
	snprintf(want, sizeof(want), "%s:3: invalid group name 'a/b'", path);
	CHECK_STR(t, e.msg, want);
	if (cwd >= 0) {
		if (fchdir(cwd))
			CHECK(t, 0);
		close(cwd);
	}
	fx_fini(&fx);
}

/* ---- status: sizes ------------------------------------------------------- */

static void test_status_sizes(struct tap *t)
{
	const struct out_opts bytes = { .json = true, .bytes = true };
	const struct out_opts human = { .raw = true };
	char *buf = NULL;
	struct fixture fx;
	struct nc_err e;
	size_t len = 0;
	FILE *f;

	fx_init(&fx);
	add_standard_procs(&fx);
	/* 3 huge pages of 2 MiB on node 1 besides 16 + 56 small ones. */
	write_at("55d0c0010000 default file=/sbin/mingetty mapped=16 N1=16 kernelpagesize_kB=4\n"
		 "7f0000000000 prefer (many):0-1 anon=256 dirty=256 N0=200 N1=56 kernelpagesize_kB=4\n"
		 "7f1000000000 bind:1 file=/dev/hugepages/x huge dirty=3 N1=3 kernelpagesize_kB=2048\n",
		 "%s/100/numa_maps", fx.proc);
	mkdir_at("%s/g", fx.cfg);
	mkdir_at("%s/g/tasks/100", fx.cfg);
	f = open_memstream(&buf, &len);
	CHECK_INT(t, output_status(&fx.ctx, &bytes, f, &e), 0);
	fclose(f);
	/* (16 + 56) * 4 KiB + 3 * 2 MiB */
	CHECK_CONTAINS(t, buf, "\"n1\": 6586368,");
	CHECK_CONTAINS(t, buf, "\"n0\": 819200,");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK_INT(t, output_status(&fx.ctx, &human, f, &e), 0);
	fclose(f);
	/* With units: 6586368 bytes is 6.3M, 819200 is 800K. */
	CHECK_CONTAINS(t, buf, " 800K 6.3M 0B 0B");
	free(buf);
	fx_fini(&fx);
}

/* ---- command line: exit statuses and messages ------------------------- */

static void test_cli_usage(struct tap *t)
{
	static const struct {
		int status;
		const char *err;
		const char *argv[8];
	} cases[] = {
		{ 2, "numacfg: invalid PID 'abc' (see numacfg --help)\n",
		  { "get", "abc" } },
		{ 2, "numacfg: migrate needs --to NODES (see numacfg --help)\n",
		  { "migrate", "100", "--from", "0" } },
		{ 2, "numacfg: migrate needs --from NODES and --to NODES",
		  { "migrate", "100" } },
		{ 2, "numacfg: --move needs --mapping",
		  { "set", "100", "bind:1", "--move" } },
		{ 2, "numacfg: --threads is not an option of 'status'",
		  { "status", "--threads" } },
		{ 2, "numacfg: unknown command 'frob'", { "frob" } },
		{ 2, "numacfg: no command given", { NULL } },
		{ 2, "numacfg: 'get' needs PID", { "get" } },
		{ 2, "numacfg: 'set' needs PID POLICY", { "set", "100" } },
		{ 2, "numacfg: unexpected argument 'extra' for 'status'",
		  { "status", "extra" } },
		{ 2, "numacfg: unknown option '--bogus'", { "--bogus" } },
		{ 2, "numacfg: option '--mapping' needs an argument",
		  { "get", "100", "--mapping" } },
		{ 2, "numacfg: --pages needs a positive number, not '0'",
		  { "migrate", "100", "--pages", "0" } },
		{ 2, "numacfg: invalid policy 'bind:9': node 9 is not allowed",
		  { "set", "100", "bind:9" } },
		{ 2, "numacfg: invalid mapping 'hep'",
		  { "set", "100", "--mapping", "hep", "bind:1" } },
		{ 2, "numacfg: --to 7: node 7 is not allowed",
		  { "migrate", "100", "--from", "0", "--to", "7" } },
		{ 2, "numacfg: unknown column 'BOGUS' (columns: NAME,",
		  { "status", "-o", "NAME,BOGUS" } },
		{ 1, "numacfg: process 999: No such process\n",
		  { "get", "999" } },
		{ 1, "numacfg: process 999", { "set", "999", "local" } },
		{ 0, "", { "get", "100" } },
		{ 0, "", { "--version" } },
	};
	struct fixture fx;
	struct cli c;
	size_t i;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].argv;

		run_cli(&fx, NULL, &c, a[0], a[1], a[2], a[3], a[4], a[5],
			NULL);
		if (c.status != cases[i].status)
			printf("# numacfg %s %s %s: %s", a[0] ? a[0] : "",
			       a[1] ? a[1] : "", a[2] ? a[2] : "",
			       c.err ? c.err : "?\n");
		CHECK_INT(t, c.status, cases[i].status);
		if (cases[i].err[0])
			CHECK_CONTAINS(t, c.err, cases[i].err);
		else
			CHECK_STR(t, c.err, "");
		cli_free(&c);
	}
	fx_fini(&fx);
}

static void test_cli_config_errors(struct tap *t)
{
	char conf[400], want[500];
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	snprintf(conf, sizeof(conf), "%s/bad.conf", fx.root);
	write_at("version = 1;\ngroups = (\n  { name = \"x\";\n    policy = \"bind:9\"; }\n);\n",
		 "%s", conf);
	snprintf(want, sizeof(want), "numacfg: %s:4: invalid policy 'bind:9'",
		 conf);
	run_cli(&fx, NULL, &c, "apply", conf, NULL);
	CHECK_CLI(t, &c, 2, want);
	cli_free(&c);
	run_cli(&fx, NULL, &c, "diff", conf, NULL);
	CHECK_CLI(t, &c, 2, want);
	cli_free(&c);
	run_cli(&fx, "groups = (\n{ name = \"x\"; policy = ; } );\n", &c,
		"apply", "-", NULL);
	CHECK_CLI(t, &c, 2, "numacfg: <stdin>:2: syntax error");
	cli_free(&c);
	snprintf(conf, sizeof(conf), "%s/missing.conf", fx.root);
	run_cli(&fx, NULL, &c, "apply", conf, NULL);
	CHECK_CLI(t, &c, 2, "missing.conf: No such file or directory");
	cli_free(&c);
	/* A pid selector naming a missing process: the operation fails. */
	snprintf(conf, sizeof(conf), "%s/gone.conf", fx.root);
	write_at("groups = ( { name = \"a\";\n tasks = ( { pid = 999; } ); } );\n",
		 "%s", conf);
	run_cli(&fx, NULL, &c, "apply", conf, NULL);
	CHECK_CLI(t, &c, 1, "gone.conf:2: process 999 not found");
	cli_free(&c);
	fx_fini(&fx);
}

static void test_cli_verbose(struct tap *t)
{
	char want[600];
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	run_cli(&fx, NULL, &c, "-v", "set", "100", "--mapping", "heap",
		"bind:1", NULL);
	CHECK_INT(t, c.status, 0);
	snprintf(want, sizeof(want), "numacfg: write '0x55d0c1000000-0x55d0c1021000 bind:1' to %s/100/numa_maps\n",
		 fx.proc);
	CHECK_STR(t, c.err, want);
	cli_free(&c);
	run_cli(&fx, NULL, &c, "set", "100", "local", "-v", NULL);
	snprintf(want, sizeof(want), "numacfg: write 'local' to %s/100/numa_policy\n",
		 fx.proc);
	CHECK_STR(t, c.err, want);
	cli_free(&c);
	/* Without -v: silent. */
	run_cli(&fx, NULL, &c, "set", "100", "default", NULL);
	CHECK_STR(t, c.err, "");
	CHECK_STR(t, c.out, "");
	cli_free(&c);
	fx_fini(&fx);
}

/* ---- bash completion ----------------------------------------------------- */

/*
 * Complete @line (the cursor at its end) as bash would split it, with
 * COMP_WORDBREAKS' ':' splitting "file:/x"; returns COMPREPLY one per
 * line, then "compopt ..." lines for the options the function set.
 */
static char *complete(struct fixture *fx, const char *line)
{
	char cmd[2048], cwd[1024];

	if (access("numacfg.bash-completion", R_OK) || !getcwd(cwd, sizeof(cwd)))
		return NULL;
	write_at("compopt() { echo \"compopt $*\"; }\n"
		 ". \"$1/numacfg.bash-completion\"\n"
		 "COMP_LINE=$2\n"
		 "COMP_POINT=${#COMP_LINE}\n"
		 "# readline splits at the ':' of COMP_WORDBREAKS\n"
		 "read -ra COMP_WORDS <<< \"${COMP_LINE//:/ : }\"\n"
		 "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n"
		 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
		 "_numacfg numacfg \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
		 "printf '%s\\n' \"${COMPREPLY[@]}\"\n",
		 "%s/compl.sh", fx->root);
	snprintf(cmd, sizeof(cmd),
		 "bash --norc --noprofile %s/compl.sh '%s' '%s' > %s/compl.out 2>&1",
		 fx->root, cwd, line, fx->root);
	if (system(cmd) < 0)
		return NULL;
	return slurp("%s/compl.out", fx->root);
}

static void test_bash_completion(struct tap *t)
{
	struct fixture fx;
	char *s;

	if (system("bash -c true >/dev/null 2>&1")) {
		t->skip = "no bash";
		return;
	}
	fx_init(&fx);
	/* "file:/us" is three words for bash: the path still completes. */
	s = complete(&fx, "numacfg set 1 --mapping file:/us");
	CHECK_CONTAINS(t, s, "/usr");
	CHECK(t, s && !strstr(s, "file:/usr"));	/* relative to the word */
	free(s);
	/* An option's argument is not the command. */
	s = complete(&fx, "numacfg -m heap se");
	CHECK_CONTAINS(t, s, "set\n");
	free(s);
	/* nospace only after a word that needs more (prefer:, file:). */
	s = complete(&fx, "numacfg set 1 --mo");
	CHECK_CONTAINS(t, s, "--move\n");
	CHECK(t, s && !strstr(s, "nospace"));
	free(s);
	s = complete(&fx, "numacfg set 1 pre");
	CHECK_CONTAINS(t, s, "prefer:");
	CHECK_CONTAINS(t, s, "compopt -o nospace");
	free(s);
	s = complete(&fx, "numacfg ch");
	CHECK_CONTAINS(t, s, "check\n");
	free(s);
	s = complete(&fx, "numacfg apply --pr");
	CHECK_CONTAINS(t, s, "--prune=\n");
	CHECK_CONTAINS(t, s, "compopt -o nospace");
	free(s);
	s = complete(&fx, "numacfg show 1 --j");
	CHECK_CONTAINS(t, s, "--json\n");
	free(s);
	s = complete(&fx, "numacfg status --");
	CHECK_CONTAINS(t, s, "--json\n");
	CHECK_CONTAINS(t, s, "--output\n");
	free(s);
	fx_fini(&fx);
}


/* ---- check, diff --exit-code, --dry-run ---------------------------------- */

static void test_cli_check_diff(struct tap *t)
{
	char good[400], bad[400], want[600];
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	snprintf(good, sizeof(good), "%s/good.conf", fx.root);
	snprintf(bad, sizeof(bad), "%s/bad.conf", fx.root);
	write_at("groups = ( { name = \"fast\"; policy = \"prefer:1\";\n"
		 "  tasks = ( { pid = 100; }, { comm = \"sshd\"; } ); } );\n",
		 "%s", good);
	write_at("groups = (\n  { name = \"x\"; policy = \"bind:9\"; } );\n",
		 "%s", bad);
	/* check touches neither /proc nor configfs: a stock kernel is fine. */
	make_stock(&fx);
	run_cli(&fx, NULL, &c, "check", good, NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_STR(t, c.err, "");
	CHECK_STR(t, c.out, "");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "-v", "check", good, NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_CONTAINS(t, c.out, "valid: 1 groups, 2 task selectors");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "check", bad, NULL);
	snprintf(want, sizeof(want), "numacfg: %s:2: invalid policy 'bind:9'",
		 bad);
	CHECK_CLI(t, &c, 2, want);
	cli_free(&c);
	/* diff --exit-code: 0 no changes, 1 changes, 2 trouble. */
	fx_fini(&fx);
	fx_init(&fx);
	add_standard_procs(&fx);
	write_at("groups = ( { name = \"fast\"; policy = \"prefer:1\";\n"
		 "  tasks = ( { pid = 100; }, { comm = \"sshd\"; } ); } );\n",
		 "%s", good);
	write_at("groups = (\n  { name = \"x\"; policy = \"bind:9\"; } );\n",
		 "%s", bad);
	run_cli(&fx, NULL, &c, "diff", "--exit-code", good, NULL);
	CHECK_INT(t, c.status, 1);
	snprintf(want, sizeof(want), "+ group fast (policy prefer:1, move 0)\n+ task fast/tasks/100 (mingetty, selected by pid at %s:2)\n",
		 good);
	CHECK_STR(t, c.out, want);
	cli_free(&c);
	run_cli(&fx, NULL, &c, "diff", good, NULL);
	CHECK_INT(t, c.status, 0);
	cli_free(&c);
	run_cli(&fx, "groups = ();\n", &c, "diff", "--exit-code", "-", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_STR(t, c.out, "no changes\n");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "diff", "--exit-code", bad, NULL);
	CHECK_INT(t, c.status, 2);
	cli_free(&c);
	/* An operational failure is trouble too, not "changes". */
	write_at("groups = ( { name = \"a\"; tasks = ( { pid = 999; } ); } );\n",
		 "%s", bad);
	run_cli(&fx, NULL, &c, "diff", "--exit-code", bad, NULL);
	CHECK_INT(t, c.status, 2);
	cli_free(&c);
	run_cli(&fx, NULL, &c, "diff", bad, NULL);
	CHECK_INT(t, c.status, 1);
	cli_free(&c);
	fx_fini(&fx);
}

static void test_cli_dry_run(struct tap *t)
{
	char *before, *after, want[600];
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	before = slurp("%s/100/numa_maps", fx.proc);
	run_cli(&fx, NULL, &c, "set", "100", "--mapping", "heap", "bind:1",
		"--move", "--dry-run", NULL);
	CHECK_INT(t, c.status, 0);
	snprintf(want, sizeof(want), "would write to %s/100/numa_maps:\n0x55d0c1000000-0x55d0c1021000 bind:1 move\n(dry run: nothing changed)\n",
		 fx.proc);
	CHECK_STR(t, c.out, want);
	cli_free(&c);
	run_cli(&fx, NULL, &c, "migrate", "100", "--from", "0", "--to", "3",
		"--pages", "20", "--dry-run", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_CONTAINS(t, c.out, "0x55d0c0000000 N0(16)>3\n0x55d0c0030000 N0(1)>3\n0x7f0000000000 N0(3)>3\n(dry run: nothing changed)\n");
	cli_free(&c);
	after = slurp("%s/100/numa_maps", fx.proc);
	CHECK_STR(t, after, before);
	free(after);
	free(before);
	before = slurp("%s/100/numa_policy", fx.proc);
	run_cli(&fx, NULL, &c, "set", "100", "interleave:all", "--dry-run",
		NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_CONTAINS(t, c.out, "numa_policy:\ninterleave:0-3\n(dry run");
	cli_free(&c);
	after = slurp("%s/100/numa_policy", fx.proc);
	CHECK_STR(t, after, before);
	free(after);
	free(before);
	/* --rate: chunked writes, the last one what was left. */
	run_cli(&fx, NULL, &c, "migrate", "100", "--from", "0", "--to", "3",
		"--mapping", "0x7f0000000000", "--rate", "1000", NULL);
	CHECK_INT(t, c.status, 0);
	after = slurp("%s/100/numa_maps", fx.proc);
	CHECK_STR(t, after, "0x7f0000000000 N0(200)>3\n");
	free(after);
	cli_free(&c);
	fx_fini(&fx);
}

/* ---- listings: libsmartcols options ------------------------------------- */

/* Is @text valid JSON?  (python3's parser; skipped if missing.) */
static int json_valid(struct fixture *fx, const char *text)
{
	char cmd[700];

	write_at(text ? text : "", "%s/json.txt", fx->root);
	snprintf(cmd, sizeof(cmd),
		 "python3 -m json.tool %s/json.txt >/dev/null 2>&1",
		 fx->root);
	return system(cmd) == 0;
}

static void test_cli_listings(struct tap *t)
{
	char *out = NULL, *err = NULL;
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	if (system("python3 -c 'import json' >/dev/null 2>&1")) {
		t->skip = "no python3 to check JSON";
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	free(out);
	free(err);
	run_cli(&fx, NULL, &c, "status", "--json", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"n2\": \"68K\"");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "status", "-J", "-b", NULL);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"n2\": 69632");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "get", "100", "--threads", "--json", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"policy\": \"bind:1\"");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "dump", "--json", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"name\": \"ranges/100-heap\"");
	CHECK_CONTAINS(t, c.out, "\"enable\": true");
	cli_free(&c);
	/* -o picks and orders columns; -n drops the headings; --raw. */
	run_cli(&fx, NULL, &c, "get", "100", "--threads", "-o", "POLICY,tid",
		"-n", "--raw", NULL);
	CHECK_STR(t, c.out, "default 100\nbind:1 102\n");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "status", "-o", "NAME,STATE", "--raw", NULL);
	/* A group's state sums up its bindings' (raw escapes blanks). */
	CHECK_CONTAINS(t, c.out, "NAME STATE\nfast 3\\x20bound\n|-tasks/100 bound\n");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "status", "-o", "+ENABLE", "-n", NULL);
	CHECK(t, c.out && !strstr(c.out, "NAME"));
	cli_free(&c);
	/* get PID prints one policy: a listing option needs --threads. */
	run_cli(&fx, NULL, &c, "get", "100", "--json", NULL);
	CHECK_CLI(t, &c, 2, "--json needs --threads");
	cli_free(&c);
	/* The plan of diff and apply --dry-run. */
	run_cli(&fx, "groups = ( { name = \"new\"; tasks = ( { pid = 200; } ); } );\n",
		&c, "diff", "--json", "-", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"plan\": [");
	CHECK_CONTAINS(t, c.out, "\"op\": \"+\",\n");
	CHECK_CONTAINS(t, c.out, "\"object\": \"new/tasks/200\",\n");
	CHECK_CONTAINS(t, c.out, "\"detail\": \"postgres, selected by pid at <stdin>:1\"");
	cli_free(&c);
	run_cli(&fx, "groups = ();\n", &c, "apply", "--dry-run", "-o",
		"OP,OBJECT", "--raw", "-n", "-", NULL);
	CHECK_CONTAINS(t, c.out, "- heap-il\n");
	cli_free(&c);
	run_cli(&fx, "groups = ();\n", &c, "apply", "--json", "-", NULL);
	CHECK_CLI(t, &c, 2, "--json needs --dry-run");
	cli_free(&c);
	fx_fini(&fx);
}


/* ---- watch: systemd readiness ------------------------------------------- */

static void test_watch_notify(struct tap *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char conf[400], buf[256], got[1024] = "";
	struct pollfd pfd;
	struct fixture fx;
	int fd, st = -1;
	pid_t pid;
	ssize_t n;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	snprintf(conf, sizeof(conf), "%s/w.conf", fx.root);
	write_at("groups = ();\n", "%s", conf);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (strlen(fx.root) + 8 > sizeof(sa.sun_path) || fd < 0) {
		t->skip = "no unix datagram socket";
		fx_fini(&fx);
		return;
	}
	memcpy(sa.sun_path, fx.root, strlen(fx.root));
	strcat(sa.sun_path, "/notify");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		t->skip = "no unix datagram socket";
		fx_fini(&fx);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("NUMACFG_PROC_ROOT", fx.proc, 1);
		setenv("NUMACFG_SYS_ROOT", fx.sys, 1);
		setenv("NUMACFG_CONFIGFS_ROOT", fx.cfg, 1);
		setenv("NUMACFG_STATE_DIR", fx.state, 1);
		setenv("NOTIFY_SOCKET", sa.sun_path, 1);
		if (!freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(126);
		execl(cli_bin(), cli_bin(), "watch", conf, (char *)NULL);
		_exit(127);
	}
	/* READY=1 comes after the first pass. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!strstr(got, "READY=1") && poll(&pfd, 1, 10000) > 0) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = '\0';
		strncat(got, buf, sizeof(got) - strlen(got) - 2);
		strcat(got, "\n");
	}
	CHECK_CONTAINS(t, got, "READY=1");
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
		CHECK(t, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	if (poll(&pfd, 1, 1000) > 0 &&
	    (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		CHECK_CONTAINS(t, buf, "STOPPING=1");
	} else {
		CHECK(t, !"no STOPPING=1");
	}
	close(fd);
	fx_fini(&fx);
}


/* ---- watch: timer and per-pid updates ------------------------------------ */

static void test_watch_timer_and_snapshot(struct tap *t)
{
	struct proc_snapshot snap;
	struct watch_timer tm;
	struct fixture fx;
	struct nc_err e;
	long long now;
	int events = 0, resyncs = 0;

	/* An event every 50 ms for 25 s: the 10 s resync still comes. */
	watch_timer_init(&tm, 0, 10000);
	for (now = 0; now < 25000; now += 50) {
		enum watch_due d;

		watch_timer_event(&tm, now);
		CHECK(t, watch_timer_timeout(&tm, now) <= 500);
		d = watch_timer_due(&tm, now);
		events += d == WATCH_EVENTS;
		resyncs += d == WATCH_RESYNC;
	}
	CHECK_INT(t, resyncs, 2);
	/* ... and the events are handled at least every 500 ms. */
	CHECK(t, events >= 40);
	/* Quiet: nothing is due before the resync. */
	watch_timer_init(&tm, 0, 10000);
	CHECK_INT(t, watch_timer_timeout(&tm, 0), 10000);
	CHECK_INT(t, watch_timer_due(&tm, 9999), WATCH_NOTHING);
	CHECK_INT(t, watch_timer_due(&tm, 10000), WATCH_RESYNC);
	CHECK_INT(t, watch_timer_timeout(&tm, 10000), 10000);
	/* A burst settles 100 ms after its last event. */
	watch_timer_event(&tm, 11000);
	CHECK_INT(t, watch_timer_timeout(&tm, 11000), 100);
	CHECK_INT(t, watch_timer_due(&tm, 11050), WATCH_NOTHING);
	CHECK_INT(t, watch_timer_due(&tm, 11100), WATCH_EVENTS);

	/* An event updates its pid in the snapshot, nothing else. */
	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, proc_snapshot_read(&fx.ctx, &snap, &e), 0);
	CHECK_INT(t, snap.n, 5);
	add_proc(&fx, &(struct fake_proc){ 150, "late", "/bin/late",
		 { "late" }, 0, "/", 0, 0, NULL });
	write_at("renamed\n", "%s/101/comm", fx.proc);
	proc_snapshot_update(&fx.ctx, &snap, 150);	/* exec */
	CHECK_INT(t, snap.n, 6);
	CHECK_INT(t, snap.n > 2 ? snap.procs[2].pid : 0, 150);
	CHECK_STR(t, snap.n > 2 ? snap.procs[2].comm : "", "late");
	/* 101's comm changed without an event: still the old one. */
	CHECK_STR(t, snap.procs[1].comm, "mingetty");
	proc_snapshot_update(&fx.ctx, &snap, 101);	/* comm */
	CHECK_STR(t, snap.procs[1].comm, "renamed");
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/150", fx.proc);
		nftw(path, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	}
	proc_snapshot_update(&fx.ctx, &snap, 150);	/* exit */
	CHECK_INT(t, snap.n, 5);
	proc_snapshot_update(&fx.ctx, &snap, 999);	/* never there */
	CHECK_INT(t, snap.n, 5);
	proc_snapshot_free(&snap);
	fx_fini(&fx);
}


/* ---- show PID ------------------------------------------------------------ */

static void test_cli_show(struct tap *t)
{
	struct fixture fx;
	struct cli c;

	fx_init(&fx);
	if (!have_cli(t)) {
		fx_fini(&fx);
		return;
	}
	add_standard_procs(&fx);
	run_cli(&fx, NULL, &c, "show", "100", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK_STR(t, c.err, "");
	CHECK_CONTAINS(t, c.out, "process 100 (mingetty), task policy default\n");
	CHECK_CONTAINS(t, c.out, "START");
	CHECK_CONTAINS(t, c.out, "interleave:2-3");
	CHECK_CONTAINS(t, c.out, "0x55d0c1000000 heap           interleave:2-3     132K   0B   0B 68K 64K   @@\n");
	CHECK_CONTAINS(t, c.out, "               total                             1.3M 888K 288K 68K 64K @-..\n");
	/* 222 pages on node 0 of 327: 888K of 1.3M. */
	CHECK_CONTAINS(t, c.out, "N0       888K [###########################.............]  68%\n");
	CHECK_CONTAINS(t, c.out, "N3        64K [##......................................]   5%\n");
	cli_free(&c);
	run_cli(&fx, NULL, &c, "show", "100", "--json", "-b", NULL);
	CHECK_INT(t, c.status, 0);
	CHECK(t, json_valid(&fx, c.out));
	CHECK_CONTAINS(t, c.out, "\"mapping\": \"heap\",\n");
	CHECK_CONTAINS(t, c.out, "\"policy\": \"prefer (many):0-1\",\n");
	CHECK_CONTAINS(t, c.out, "\"n2\": 69632,\n");
	CHECK(t, c.out && !strstr(c.out, "bars"));
	cli_free(&c);
	run_cli(&fx, NULL, &c, "show", "999", NULL);
	CHECK_CLI(t, &c, 1, "process 999");
	cli_free(&c);
	/* status draws the same picture per binding, one mark per node. */
	mkdir_at("%s/g", fx.cfg);
	mkdir_at("%s/g/tasks/100", fx.cfg);
	run_cli(&fx, NULL, &c, "status", NULL);
	CHECK_CONTAINS(t, c.out, "BARS");
	CHECK_CONTAINS(t, c.out, "bound 888K 288K 68K 64K @-..\n");
	cli_free(&c);
	fx_fini(&fx);
}


/* ---- apply --prune -------------------------------------------------------- */

static void test_plan_prune(struct tap *t)
{
	static const char conf[] =
		"groups = ( { name = \"nc-new\"; policy = \"bind:1\"; } );\n";
	char *out = NULL, *err = NULL, *s;
	struct fixture fx;
	struct nc_err e;
	struct plan p;
	struct cli c;

	fx_init(&fx);
	add_standard_procs(&fx);
	CHECK_INT(t, apply_text(&fx, plan_conf, &out, &err), 0);
	free(out);
	free(err);
	/* A group someone else made, with a binding. */
	mkdir_at("%s/other", fx.cfg);
	mkdir_at("%s/other/tasks/200", fx.cfg);
	/* Default: everything not in the file goes. */
	CHECK_INT(t, plan_text_prune(&fx, conf, PLAN_APPLY, NULL, &p, &e), 0);
	s = plan_string(&p);
	CHECK_CONTAINS(t, s, "- group other\n");
	CHECK_CONTAINS(t, s, "- task other/tasks/200\n");
	CHECK_CONTAINS(t, s, "- group fast\n");
	free(s);
	plan_free(&p);
	/* none: groups not in the file are left alone, bindings too. */
	CHECK_INT(t, plan_text_prune(&fx, conf, PLAN_APPLY,
				     &(struct prune){ .kind = PRUNE_NONE },
				     &p, &e), 0);
	s = plan_string(&p);
	CHECK_STR(t, s, "+ group nc-new (policy bind:1, move 0)\n");
	free(s);
	plan_free(&p);
	/* A prefix: only groups whose names start with it. */
	CHECK_INT(t, plan_text_prune(&fx, conf, PLAN_APPLY,
				     &(struct prune){ .kind = PRUNE_PREFIX,
						      .prefix = "heap-" },
				     &p, &e), 0);
	s = plan_string(&p);
	CHECK_CONTAINS(t, s, "- group heap-il\n");
	CHECK_CONTAINS(t, s, "- range heap-il/ranges/100-heap");
	CHECK(t, s && !strstr(s, "other") && !strstr(s, "fast"));
	free(s);
	plan_free(&p);
	/* managed: the groups numacfg made (apply recorded them). */
	s = slurp("%s/groups", fx.state);
	CHECK_STR(t, s, "fast\nheap-il\n");
	free(s);
	CHECK_INT(t, plan_text_prune(&fx, conf, PLAN_APPLY,
				     &(struct prune){ .kind = PRUNE_MANAGED },
				     &p, &e), 0);
	s = plan_string(&p);
	CHECK_CONTAINS(t, s, "- group fast\n");
	CHECK_CONTAINS(t, s, "- group heap-il\n");
	CHECK(t, s && !strstr(s, "other"));
	free(s);
	plan_free(&p);
	/* Removing a group drops it from the record. */
	CHECK_INT(t, apply_text(&fx, "groups = ( { name = \"fast\"; } );",
				&out, &err), 0);
	CHECK_STR(t, err, "");
	free(out);
	free(err);
	s = slurp("%s/groups", fx.state);
	CHECK_STR(t, s, "fast\n");
	free(s);
	if (have_cli(t)) {
		run_cli(&fx, conf, &c, "diff", "--prune=none", "-", NULL);
		CHECK_INT(t, c.status, 0);
		CHECK_STR(t, c.out, "+ group nc-new (policy bind:1, move 0)\n");
		cli_free(&c);
		run_cli(&fx, conf, &c, "diff", "--prune", "a/b", "-", NULL);
		CHECK_CLI(t, &c, 2, "--prune needs all, none, managed or a group name prefix, not 'a/b'");
		cli_free(&c);
	}
	fx_fini(&fx);
}

static const struct tap_test tests[] = {
	{ "node lists: kernel list format", test_nodelist_kernel },
	{ "node lists: numactl syntax translation", test_nodelist_numactl },
	{ "node lists: has_memory and Mems_allowed_list", test_nodes_from_proc },
	{ "policy: input forms normalize to kernel output form",
	  test_policy_normalize },
	{ "policy: invalid strings rejected", test_policy_reject },
	{ "policy: comparison with kernel-printed policies",
	  test_policy_same },
	{ "config: spec example loads", test_config_example },
	{ "config: errors name file and line", test_config_errors },
	{ "config: file errors name the path", test_config_file },
	{ "config: the shipped example is valid", test_config_shipped_example },
	{ "selectors: pid comm exe cmdline uid cgroup", test_selectors },
	{ "procfs: numa_maps line parsing", test_numa_maps_parse },
	{ "procfs: heap stack file ADDR mapping resolution",
	  test_mapping_resolve },
	{ "get/set task policy via fake /proc", test_get_set },
	{ "set --mapping numa_maps lines", test_set_mapping_text },
	{ "migrate numa_maps lines", test_migrate_text },
	{ "plan: fresh configfs", test_plan_fresh },
	{ "apply onto fake configfs then re-plan is empty",
	  test_apply_then_replan },
	{ "plan: changes are ordered safely", test_plan_changes },
	{ "plan: range follows a grown heap", test_plan_range_update },
	{ "plan: validation before any change", test_plan_validation },
	{ "dump | apply changes nothing", test_dump_apply_idempotent },
	{ "dump leaves out incomplete ranges", test_dump_incomplete_range },
	{ "apply failure reports applied and not applied actions",
	  test_apply_failure_report },
	{ "exited bindings: apply keeps, watch cleans up",
	  test_exited_bindings },
	{ "status: table and JSON with pages per node", test_status_output },
	{ "migrate: the page budget goes to the runs that have pages",
	  test_migrate_budget },
	{ "stock kernel: every command says so in one line",
	  test_stock_kernel_message },
	{ "stock kernel: migrate uses migrate_pages(2) and move_pages(2)",
	  test_stock_kernel_migrate },
	{ "config: @include errors name the included file; relative to the file",
	  test_config_include },
	{ "status: memory per node with kernelpagesize_kB and units",
	  test_status_sizes },
	{ "command line: exit status 0/1/2 and what was wrong",
	  test_cli_usage },
	{ "command line: configuration errors exit 2 with FILE:LINE",
	  test_cli_config_errors },
	{ "command line: -v prints the writes to the kernel",
	  test_cli_verbose },
	{ "bash completion", test_bash_completion },
	{ "command line: check FILE and diff --exit-code",
	  test_cli_check_diff },
	{ "command line: --dry-run for set and migrate; --rate",
	  test_cli_dry_run },
	{ "command line: -o, --raw, -n, valid --json for every listing and plan",
	  test_cli_listings },
	{ "watch: tells systemd READY=1 after the first pass",
	  test_watch_notify },
	{ "watch: absolute resync timer; events update only their pids",
	  test_watch_timer_and_snapshot },
	{ "show PID: mappings, policies, memory per node, bars",
	  test_cli_show },
	{ "apply --prune: which groups not in the file are removed",
	  test_plan_prune },
};

int main(void)
{
	return tap_run(tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
