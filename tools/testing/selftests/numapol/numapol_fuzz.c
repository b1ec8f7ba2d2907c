// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the writable numapol files of a live target: random bytes, over-long
 * writes, writes at an offset, embedded NULs, and mutations of valid
 * strings. Every rejected write must leave the target's policies as they
 * were (checked after each one); an accepted one must read back as a valid
 * policy. The kernel's checkers (KASAN, lockdep, kmemleak) watch the rest.
 *
 * NUMAPOL_FUZZ_ITERATIONS sets the number of writes per case (default 2000).
 */
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "target.h"

static const char * const seeds[] = {
	"default", "local", "prefer=1", "prefer:3", "interleave={2,3}",
	"interleave:0-3", "bind=0,2-3", "bind=static:0-1",
	"bind=static|balancing:0-1", "prefer (many):0-1",
	"weighted interleave:0-3", "preferred-many=1,3", "bind:all",
	"interleave=relative:0-1",
};

static const char alphabet[] = "0123456789,-:=|{}() abcdefilmnoprstuvwxyzN>\n";

static unsigned int iterations(void)
{
	const char *s = getenv("NUMAPOL_FUZZ_ITERATIONS");

	return s ? strtoul(s, NULL, 10) : 2000;
}

/* A mutated copy of a seed, or random bytes; returns its length. */
static size_t make_input(char *buf, size_t size, unsigned int *seed)
{
	size_t len, i;
	int kind = rand_r(seed) % 6;

	if (kind == 0) {		/* random bytes, NULs included */
		len = rand_r(seed) % 64;
		for (i = 0; i < len; i++)
			buf[i] = rand_r(seed);
		return len;
	}
	snprintf(buf, size, "%s", seeds[rand_r(seed) % ARRAY_SIZE(seeds)]);
	len = strlen(buf);
	switch (kind) {
	case 1:				/* replace a character */
		if (len)
			buf[rand_r(seed) % len] =
				alphabet[rand_r(seed) % (sizeof(alphabet) - 1)];
		break;
	case 2:				/* insert a character */
		if (len + 1 < size) {
			i = rand_r(seed) % (len + 1);
			memmove(buf + i + 1, buf + i, len - i + 1);
			buf[i] = alphabet[rand_r(seed) % (sizeof(alphabet) - 1)];
			len++;
		}
		break;
	case 3:				/* truncate */
		len = len ? rand_r(seed) % len : 0;
		break;
	case 4:				/* embedded NUL */
		if (len)
			buf[rand_r(seed) % len] = 0;
		break;
	default:			/* valid as it is */
		break;
	}
	return len;
}

/* The policy strings of the target: its task policy and numa_maps'. */
static void snapshot(pid_t pid, char *pol, size_t psize, char *maps,
		     size_t msize)
{
	char path[64];
	char *in, *out;

	if (!*get_policy(pid, 0, pol, psize))
		pol[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	if (np_read_file(path, maps, msize) <= 0)
		maps[0] = 0;
	/* Keep "<address> <policy>" of each line: counters move. */
	for (in = out = maps; *in; ) {
		int field = 0;

		while (*in && *in != '\n') {
			field += *in == ' ';
			if (field < 2)
				*out++ = *in;
			in++;
		}
		if (*in)
			*out++ = *in++;
	}
	*out = 0;
}

static bool valid_output(const char *pol)
{
	static const char * const modes[] = {
		"default", "local", "prefer", "bind", "interleave",
		"weighted interleave", "prefer (many)",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strncmp(pol, modes[i], strlen(modes[i])))
			return true;
	return false;
}

FIXTURE(fuzz) {
	struct target t;
	unsigned int seed;
};

FIXTURE_SETUP(fuzz)
{
	if (np_online_nodes() < 4)
		SKIP(return, "needs 4 NUMA nodes");
	ASSERT_EQ(0, target_start(&self->t, 2));
	self->seed = getpid();
}

FIXTURE_TEARDOWN(fuzz)
{
	target_stop(&self->t);
}

/* numa_policy: every rejected write changes nothing. */
/* Long runs (make stress) need more than the harness's 30 s default. */
TEST_F_TIMEOUT(fuzz, numa_policy, 3600)
{
	static char before[65536], after[65536];
	char bp[256], ap[256], in[256], path[64];
	unsigned int i, n = iterations(), rejected = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/numa_policy", self->t.pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < n; i++) {
		size_t len = make_input(in, sizeof(in), &self->seed);
		off_t off = rand_r(&self->seed) % 8 ? 0 : 1;
		ssize_t ret;

		snapshot(self->t.pid, bp, sizeof(bp), before, sizeof(before));
		ret = pwrite(fd, in, len, off);
		snapshot(self->t.pid, ap, sizeof(ap), after, sizeof(after));
		if (ret < 0) {
			rejected++;
			ASSERT_TRUE(errno == EINVAL) TH_LOG("errno %d", errno);
			ASSERT_STREQ(bp, ap) TH_LOG("\"%.*s\"", (int)len, in);
		} else {
			ASSERT_EQ((ssize_t)len, ret);
			ASSERT_EQ(0, off);
			ASSERT_TRUE(valid_output(ap)) TH_LOG("%s", ap);
		}
	}
	close(fd);
	TH_LOG("%u writes, %u rejected", n, rejected);
	ASSERT_LT(0, rejected);
	ASSERT_LT(rejected, n);
}

/* numa_maps: rejected lines change nothing; some lines are valid. */
TEST_F_TIMEOUT(fuzz, numa_maps, 3600)
{
	static char before[65536], after[65536];
	char bp[256], ap[256], pol[256], in[512], path[64];
	unsigned int i, n = iterations() / 2, rejected = 0;
	unsigned long a = (unsigned long)self->t.region;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", self->t.pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	for (i = 0; i < n; i++) {
		size_t len = make_input(pol, sizeof(pol), &self->seed);
		int kind = rand_r(&self->seed) % 4;
		ssize_t ret;

		pol[len] = 0;
		if (kind == 0)
			len = snprintf(in, sizeof(in), "%lx %s\n", a, pol);
		else if (kind == 1)
			len = snprintf(in, sizeof(in), "%lx-%lx %s move\n",
				       a + NP_PAGE_SIZE * (rand_r(&self->seed) % 8),
				       a + NP_PAGE_SIZE * 32, pol);
		else if (kind == 2)
			len = snprintf(in, sizeof(in), "%lx N%d>%d %s\n", a,
				       rand_r(&self->seed) % 5,
				       rand_r(&self->seed) % 5,
				       rand_r(&self->seed) % 2 ? "anon=1" : "x");
		else
			len = make_input(in, sizeof(in), &self->seed);
		snapshot(self->t.pid, bp, sizeof(bp), before, sizeof(before));
		ret = write(fd, in, len);
		snapshot(self->t.pid, ap, sizeof(ap), after, sizeof(after));
		if (ret < 0) {
			rejected++;
			ASSERT_TRUE(errno == EINVAL || errno == EFAULT)
				TH_LOG("errno %d for \"%.*s\"", errno, (int)len, in);
			ASSERT_STREQ(before, after) TH_LOG("\"%.*s\"", (int)len, in);
		}
		ASSERT_STREQ(bp, ap);
	}
	close(fd);
	TH_LOG("%u writes, %u rejected", n, rejected);
	ASSERT_LT(0, rejected);
	ASSERT_LT(rejected, n);
}

/* Every attribute of a group and a range binding, and mkdir names. */
static void cfs_snapshot(const char *dir, char *out, size_t size)
{
	static const char * const attrs[] = {
		"policy", "move", "ranges/r/pid", "ranges/r/start",
		"ranges/r/end", "ranges/r/enable", "ranges/r/state",
	};
	char path[256], buf[256];
	unsigned int i;
	size_t n = 0;

	out[0] = 0;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, attrs[i]);
		if (np_read_file(path, buf, sizeof(buf)) < 0)
			buf[0] = 0;
		n += snprintf(out + n, size - n, "%s=%s;", attrs[i], buf);
	}
}

TEST_F_TIMEOUT(fuzz, configfs, 3600)
{
	static const char * const attrs[] = {
		"policy", "move", "ranges/r/pid", "ranges/r/start",
		"ranges/r/end", "ranges/r/enable",
	};
	const char *dir = "/sys/kernel/config/numapol/fuzz";
	char before[2048], after[2048], path[512], in[256], val[64];
	unsigned int i, n = iterations() / 4, rejected = 0;
	unsigned long a = (unsigned long)self->t.region;

	if (access("/sys/kernel/config/numapol", F_OK))
		SKIP(return, "no numapol configfs");
	rmdir("/sys/kernel/config/numapol/fuzz/ranges/r");
	rmdir(dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(path, sizeof(path), "%s/ranges/r", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	for (i = 0; i < n; i++) {
		const char *attr = attrs[rand_r(&self->seed) % ARRAY_SIZE(attrs)];
		size_t len;
		int ret, fd;

		/* Mostly plausible values, the rest mutated or random. */
		switch (rand_r(&self->seed) % 4) {
		case 0:
			snprintf(val, sizeof(val), "%d", self->t.pid);
			break;
		case 1:
			snprintf(val, sizeof(val), "0x%lx",
				 a + NP_PAGE_SIZE * (rand_r(&self->seed) % 80));
			break;
		case 2:
			snprintf(val, sizeof(val), "%d", rand_r(&self->seed) % 3);
			break;
		default:
			val[0] = 0;
		}
		if (val[0] && rand_r(&self->seed) % 2) {
			len = strlen(val);
		} else {
			len = make_input(in, sizeof(in), &self->seed);
			memcpy(val, in, len < sizeof(val) ? len : sizeof(val) - 1);
			len = len < sizeof(val) ? len : sizeof(val) - 1;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, attr);
		cfs_snapshot(dir, before, sizeof(before));
		fd = open(path, O_WRONLY);
		ASSERT_LE(0, fd);
		ret = write(fd, val, len);
		close(fd);
		cfs_snapshot(dir, after, sizeof(after));
		if (ret < 0) {
			rejected++;
			/* A failed apply may mark state "error": not a change. */
			if (strcmp(attr, "ranges/r/enable") &&
			    strcmp(attr, "policy")) {
				ASSERT_STREQ(before, after)
					TH_LOG("%s <- \"%.*s\"", attr, (int)len, val);
			}
		}
		/* Random mkdir names: made and removed, or refused. */
		if (i % 16 == 0) {
			len = make_input(in, sizeof(in), &self->seed);
			in[len] = 0;
			if (!strchr(in, '/') && in[0] && strcmp(in, ".") &&
			    strcmp(in, "..")) {
				snprintf(path, sizeof(path), "%s/tasks/%s", dir,
					 in);
				if (!mkdir(path, 0755))
					ASSERT_EQ(0, rmdir(path));
			}
		}
	}
	snprintf(path, sizeof(path), "%s/ranges/r/enable", dir);
	np_write_file(path, "0");
	snprintf(path, sizeof(path), "%s/ranges/r", dir);
	ASSERT_EQ(0, rmdir(path));
	ASSERT_EQ(0, rmdir(dir));
	TH_LOG("%u writes, %u rejected", n, rejected);
	ASSERT_LT(0, rejected);
}

TEST_HARNESS_MAIN
