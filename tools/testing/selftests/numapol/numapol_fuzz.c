// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the writable numapol files of a live target: random bytes, over-long
 * writes, writes at an offset, embedded NULs, and mutations of valid
 * strings. Each write's verdict is compared with an independent reading of
 * the grammar (INTERFACE.md sections 1, 3 and 5, below); an accepted write
 * must have exactly its effect (policies read back in their normalized
 * form, in the threads, VMAs and pages it names, nothing else changed) and
 * a rejected one none: every thread's policy, every VMA's and the place of
 * every page are compared after each write. The kernel's checkers (KASAN,
 * lockdep, kmemleak) watch the rest.
 *
 * NUMAPOL_FUZZ_ITERATIONS sets the number of writes per case (default 2000).
 */
#include <dirent.h>
#include <stdint.h>
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

/* ---- a reference for the policy strings of INTERFACE.md section 1 ------- */

/*
 * An independent reading of the grammar, to say what a write must do: the
 * kernel's answer to each fuzzed string is compared with it, both ways
 * (accepted strings must read back as computed here, rejected strings
 * must be invalid here).
 */
#define REF_BITS	1024		/* node numbers past any MAX_NUMNODES */
#define REF_WORDS	(REF_BITS / 64)
/* MAX_NUMNODES of the test kernels (CONFIG_NODES_SHIFT=6): not assumed. */
#define REF_SURE_BITS	64

struct refpol {
	int mode;
	int flags;		/* MPOL_F_STATIC_NODES | _RELATIVE_ | _NUMA_BALANCING */
	bool all;
	uint64_t nodes[REF_WORDS];
};

enum { REF_BAD, REF_OK, REF_UNSURE };

static const struct {
	const char *name;
	int mode;
} ref_modes[] = {	/* longest first where one name starts another */
	{ "default", MPOL_DEFAULT },
	{ "local", MPOL_LOCAL },
	{ "prefer (many)", MPOL_PREFERRED_MANY },
	{ "preferred-many", MPOL_PREFERRED_MANY },
	{ "preferred_many", MPOL_PREFERRED_MANY },
	{ "preferred", MPOL_PREFERRED },
	{ "prefer", MPOL_PREFERRED },
	{ "bind", MPOL_BIND },
	{ "interleave", MPOL_INTERLEAVE },
	{ "weighted interleave", MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted-interleave", MPOL_WEIGHTED_INTERLEAVE },
	{ "weighted_interleave", MPOL_WEIGHTED_INTERLEAVE },
};

/* The names mpol_to_str() prints, by mode. */
static const char * const ref_out_names[] = {
	[MPOL_DEFAULT] = "default", [MPOL_PREFERRED] = "prefer",
	[MPOL_BIND] = "bind", [MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local", [MPOL_PREFERRED_MANY] = "prefer (many)",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
};

static int ref_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The kernel's isalpha(): ASCII and the Latin-1 letters. */
static bool ref_isalpha(unsigned char c)
{
	return (ref_lower(c) >= 'a' && ref_lower(c) <= 'z') ||
	       (c >= 0xc0 && c != 0xd7 && c != 0xf7);
}

static bool ref_ncaseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ref_lower((unsigned char)a[i]) != ref_lower((unsigned char)b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static bool ref_caseeq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && ref_ncaseeq(a, b, strlen(a));
}

static void ref_set(uint64_t *m, unsigned int n)
{
	m[n / 64] |= 1ULL << (n % 64);
}

static bool ref_isset(const uint64_t *m, unsigned int n)
{
	return m[n / 64] >> (n % 64) & 1;
}

static int ref_weight(const uint64_t *m)
{
	int i, w = 0;

	for (i = 0; i < REF_WORDS; i++)
		w += __builtin_popcountll(m[i]);
	return w;
}

/* "0,2-5": the kernel's nodelist_parse() after numapol's own checks. */
static int ref_nodelist(const char *p, uint64_t *m, bool *big)
{
	while (*p) {
		unsigned long long a = 0, b;
		int digits = 0;

		while (*p == ',')
			p++;
		if (!*p)
			break;
		for (; *p >= '0' && *p <= '9'; p++, digits++)
			a = a < REF_BITS ? a * 10 + (*p - '0') : a;
		if (!digits)
			return REF_BAD;
		b = a;
		if (*p == '-') {
			b = 0;
			for (p++, digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
				b = b < REF_BITS ? b * 10 + (*p - '0') : b;
			if (!digits)
				return REF_BAD;
		}
		if (*p && *p != ',')
			return REF_BAD;
		if (a > b || b >= REF_BITS)
			return REF_BAD;
		if (b >= REF_SURE_BITS)
			*big = true;
		for (; a <= b; a++)
			ref_set(m, a);
	}
	return REF_OK;
}

/* The node part: "{2,3}", "all", or a list. */
static int ref_nodes(char *str, struct refpol *p, bool *big)
{
	size_t len = strlen(str);

	if (len >= 2 && str[0] == '{' && str[len - 1] == '}') {
		str[len - 1] = 0;
		str++;
		len -= 2;
	}
	if (ref_caseeq(str, "all")) {
		p->all = true;
		return REF_OK;
	}
	if (!*str || str[strspn(str, "0123456789,-")] || *str == ',' ||
	    str[len - 1] == ',' || strstr(str, ",,"))
		return REF_BAD;
	if (ref_nodelist(str, p->nodes, big) != REF_OK || !ref_weight(p->nodes))
		return REF_BAD;
	return REF_OK;
}

/*
 * Parse len bytes of buf as a policy string, for a kernel with nodes
 * 0..possible-1: REF_OK, REF_BAD, or REF_UNSURE (relative node numbers the
 * kernel takes only if its MAX_NUMNODES is above 64).
 */
static int ref_parse(const char *buf, size_t len, struct refpol *p,
		     int possible)
{
	char str[1100], *rest = NULL, *nodes = NULL;
	bool big = false, has_nodes;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len > 1024 || memchr(buf, 0, len))
		return REF_BAD;
	memcpy(str, buf, len);
	str[len] = 0;
	for (i = 0; i < ARRAY_SIZE(ref_modes); i++) {
		size_t n = strlen(ref_modes[i].name);

		if (ref_ncaseeq(str, ref_modes[i].name, n) && strlen(str) >= n &&
		    (!str[n] || str[n] == '=' || str[n] == ':')) {
			p->mode = ref_modes[i].mode;
			rest = str + n;
			break;
		}
	}
	if (!rest)
		return REF_BAD;
	if (*rest == '=') {
		char *colon = strchr(++rest, ':');

		if (ref_isalpha(*rest) && (colon || !ref_caseeq(rest, "all"))) {
			char *tok, *f = rest;

			if (colon)
				*colon = 0;
			while ((tok = strsep(&f, "|"))) {
				int flag = ref_caseeq(tok, "static") ? MPOL_F_STATIC_NODES :
					   ref_caseeq(tok, "relative") ? MPOL_F_RELATIVE_NODES :
					   ref_caseeq(tok, "balancing") ? MPOL_F_NUMA_BALANCING : 0;

				if (!flag || (p->flags & flag))
					return REF_BAD;
				p->flags |= flag;
			}
			nodes = colon ? colon + 1 : NULL;
		} else {
			nodes = rest;
		}
	} else if (*rest == ':') {
		nodes = rest + 1;
	}
	if (nodes && ref_nodes(nodes, p, &big) != REF_OK)
		return REF_BAD;

	has_nodes = p->all || ref_weight(p->nodes);
	switch (p->mode) {
	case MPOL_DEFAULT:
	case MPOL_LOCAL:
		if (has_nodes || p->flags)
			return REF_BAD;
		break;
	case MPOL_PREFERRED:
		if (p->all || ref_weight(p->nodes) != 1)
			return REF_BAD;
		break;
	default:
		if (!has_nodes)
			return REF_BAD;
	}
	if ((p->flags & MPOL_F_STATIC_NODES) && (p->flags & MPOL_F_RELATIVE_NODES))
		return REF_BAD;
	if ((p->flags & MPOL_F_NUMA_BALANCING) && p->mode != MPOL_BIND &&
	    p->mode != MPOL_PREFERRED_MANY)
		return REF_BAD;
	if (p->flags & MPOL_F_RELATIVE_NODES)
		return p->all ? REF_BAD : big ? REF_UNSURE : REF_OK;
	for (i = possible; i < REF_BITS; i++)
		if (ref_isset(p->nodes, i))
			return REF_BAD;
	return REF_OK;
}

/* "0,2-3" (%*pbl) */
static size_t ref_list(const uint64_t *m, char *out, size_t size)
{
	size_t n = 0;
	int i, j;

	out[0] = 0;
	for (i = 0; i < REF_BITS; i = j) {
		if (!ref_isset(m, i)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < REF_BITS && ref_isset(m, j); j++)
			;
		n += snprintf(out + n, size - n, "%s%d", n ? "," : "", i);
		if (j - 1 > i)
			n += snprintf(out + n, size - n, "-%d", j - 1);
	}
	return n;
}

/* mpol_to_str() of mode, flags, nodes. */
static void ref_print(int mode, int flags, const uint64_t *nodes, char *out,
		      size_t size)
{
	size_t n = snprintf(out, size, "%s", ref_out_names[mode]);

	if (flags) {
		n += snprintf(out + n, size - n, "=%s",
			      flags & MPOL_F_STATIC_NODES ? "static" :
			      flags & MPOL_F_RELATIVE_NODES ? "relative" : "");
		if (flags & MPOL_F_NUMA_BALANCING)
			n += snprintf(out + n, size - n, "%sbalancing",
				      flags == MPOL_F_NUMA_BALANCING ? "" : "|");
	}
	if (ref_weight(nodes)) {
		n += snprintf(out + n, size - n, ":");
		ref_list(nodes, out + n, size - n);
	}
}

/* What configfs's "policy" reads back (numapol_format(): no target). */
static void ref_format(const struct refpol *p, char *out, size_t size)
{
	ref_print(p->mode, p->flags, p->nodes, out, size);
	if (p->all)
		snprintf(out + strlen(out), size - strlen(out), ":all");
}

/*
 * The policy a target whose cpuset allows the nodes in mems gets, as
 * /proc/<pid>/numa_policy and numa_maps show it; its nodes in *eff (empty
 * for default and local). 0, or -EINVAL when the target may not have it.
 */
static int ref_apply(const struct refpol *p, uint64_t mems, char *out,
		     size_t size, uint64_t *eff)
{
	uint64_t user[REF_WORDS] = { 0 }, res[REF_WORDS] = { 0 };
	int i, w = __builtin_popcountll(mems), k;

	*eff = 0;
	if (p->mode == MPOL_DEFAULT || p->mode == MPOL_LOCAL) {
		snprintf(out, size, "%s", ref_out_names[p->mode]);
		return 0;
	}
	if (p->all)
		user[0] = mems;
	else
		memcpy(user, p->nodes, sizeof(user));
	if (!(p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))) {
		for (i = 64; i < REF_BITS; i++)
			if (ref_isset(user, i))
				return -EINVAL;
		if (user[0] & ~mems)
			return -EINVAL;
	}
	if (p->flags & MPOL_F_RELATIVE_NODES) {
		/* mpol_relative_nodemask(): fold onto the allowed nodes */
		for (i = 0; i < REF_BITS; i++) {
			int nth = 0;

			if (!ref_isset(user, i) || !w)
				continue;
			for (k = 0; k < 64; k++)
				if ((mems >> k & 1) && nth++ == i % w)
					ref_set(res, k);
		}
	} else {
		res[0] = user[0] & mems;
	}
	if (!res[0])
		return -EINVAL;
	if (p->mode == MPOL_PREFERRED)
		res[0] &= -res[0];	/* first_node() */
	*eff = res[0];
	ref_print(p->mode, p->flags, res, out, size);
	return 0;
}

/* ---- a reference for the lines written to numa_maps (section 3) --------- */

struct refline {
	unsigned long start, end;
	bool whole_vma, migration, move;
	struct refpol pol;
	uint64_t from, to;		/* nodes of a migration line */
	unsigned long max_pages;
};

/* kstrtoull(): an optional '+', "0x" for base 16, one trailing newline. */
static int ref_kstrtoull(const char *s, int base, unsigned long long *res)
{
	unsigned long long v = 0;
	bool over = false;
	int digits = 0;

	if (*s == '+')
		s++;
	if (base == 16 && s[0] == '0' && ref_lower((unsigned char)s[1]) == 'x')
		s += 2;
	for (;; s++, digits++) {
		int c = ref_lower((unsigned char)*s), d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			over = true;
		v = v * base + d;
	}
	if (over)
		return -ERANGE;
	if (!digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

static bool ref_isxdigit(int c)
{
	c = ref_lower(c);
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int ref_hex(const char *s, unsigned long *v)
{
	unsigned long long x;

	if (ref_ncaseeq(s, "0x", 2) && strlen(s) >= 2)
		s += 2;
	if (!ref_isxdigit((unsigned char)*s) || ref_kstrtoull(s, 16, &x))
		return -1;
	*v = x;
	return 0;
}

/* A node list of a migration line: a list of possible nodes, not "all". */
static int ref_nodemask(char *s, uint64_t *m, int possible)
{
	struct refpol p = { 0 };
	bool big = false;
	int i;

	if (ref_nodes(s, &p, &big) != REF_OK || p.all)
		return -1;
	for (i = possible; i < REF_BITS; i++)
		if (ref_isset(p.nodes, i))
			return -1;
	*m = p.nodes[0];
	return 0;
}

static bool ref_stat_token(const char *t)
{
	static const char * const keys[] = {
		"anon=", "dirty=", "mapped=", "mapmax=", "swapcache=",
		"active=", "writeback=", "kernelpagesize_kB=",
	};
	unsigned int i;

	if (!strcmp(t, "heap") || !strcmp(t, "stack") || !strcmp(t, "huge"))
		return true;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strncmp(t, keys[i], strlen(keys[i])))
			return true;
	if (t[0] == 'N' && t[1] >= '0' && t[1] <= '9') {
		t += 1 + strspn(t + 1, "0123456789");
		return t[0] == '=' && t[1] &&
		       !t[1 + strspn(t + 1, "0123456789")];
	}
	return false;
}

/* One line (no newline) as numapol_parse_maps_line() reads it. */
static int ref_maps_line(const char *line, size_t len, struct refline *l,
			 int possible, long page)
{
	char buf[4096], *p, *tok, *dash, *action;
	int v = REF_OK;

	memset(l, 0, sizeof(*l));
	if (!len || len >= sizeof(buf) || memchr(line, 0, len))
		return REF_BAD;
	memcpy(buf, line, len);
	buf[len] = 0;
	p = buf;
	tok = strsep(&p, " ");
	dash = strchr(tok, '-');
	if (dash)
		*dash = 0;
	if (ref_hex(tok, &l->start) || l->start % page)
		return REF_BAD;
	if (dash) {
		if (ref_hex(dash + 1, &l->end) || l->end % page ||
		    l->end <= l->start)
			return REF_BAD;
	} else {
		l->whole_vma = true;
	}
	action = strsep(&p, " ");
	if (!action || !*action)
		return REF_BAD;
	if (action[0] == 'N') {
		char *gt = strchr(action, '>'), *paren;

		if (!gt)
			return REF_BAD;
		*gt = 0;
		l->migration = true;
		l->max_pages = ~0UL;
		paren = strchr(action, '(');
		if (paren) {
			size_t n = strlen(paren);
			unsigned long long mp;

			if (n < 3 || paren[n - 1] != ')')
				return REF_BAD;
			paren[n - 1] = 0;
			*paren = 0;
			if (paren[1] < '0' || paren[1] > '9' ||
			    ref_kstrtoull(paren + 1, 10, &mp) || !mp)
				return REF_BAD;
			l->max_pages = mp;
		}
		if (ref_nodemask(action + 1, &l->from, possible) ||
		    ref_nodemask(gt + 1, &l->to, possible))
			return REF_BAD;
	} else {
		size_t alen = strlen(action);

		if (p && ((ref_caseeq(action, "prefer") &&
			   ref_ncaseeq(p, "(many)", 6) && strlen(p) >= 6) ||
			  (ref_caseeq(action, "weighted") &&
			   ref_ncaseeq(p, "interleave", 10) && strlen(p) >= 10))) {
			action[alen] = ' ';
			strsep(&p, " ");
			alen = strlen(action);
		}
		v = ref_parse(action, alen, &l->pol, possible);
		if (v == REF_BAD)
			return REF_BAD;
		if (p && !strcmp(p, "move")) {
			l->move = true;
			p = NULL;
		} else if (p && !strncmp(p, "move ", 5)) {
			l->move = true;
			p += 5;
		}
	}
	while ((tok = strsep(&p, " "))) {
		if (!strncmp(tok, "file=", 5))
			break;
		if (!ref_stat_token(tok))
			return REF_BAD;
	}
	return v;
}

/*
 * The complete lines of a write (with nothing pending before it): the
 * verdict over all of them, how many there are, the first in *first.
 */
static int ref_maps_write(const char *data, size_t len, struct refline *first,
			  int *nlines, int possible, long page)
{
	const char *p = data, *end = data + len, *last;
	int v = REF_OK;

	*nlines = 0;
	if (memchr(data, 0, len))
		return REF_BAD;
	last = memrchr(data, '\n', len);
	if (last)
		end = last + 1;	/* the rest waits for the next write */
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		struct refline l;
		int lv;

		if (!eol)
			eol = end;
		if (eol > p) {
			lv = ref_maps_line(p, eol - p, &l, possible, page);
			if (lv == REF_BAD)
				return REF_BAD;
			if (lv == REF_UNSURE)
				v = REF_UNSURE;
			if (!(*nlines)++)
				*first = l;
		}
		p = eol + 1;
	}
	return v;
}

/* ---- the target's state: every thread's policy, VMAs, page placement --- */

#define SNAP_LINES	256

struct tsnap {
	int n;				/* threads */
	pid_t tid[8];
	char tpol[8][128];
	int nl;				/* numa_maps lines */
	unsigned long start[SNAP_LINES];
	char vpol[SNAP_LINES][128];
	int node[NPAGES];		/* of the region's pages */
};

/* The policy field of a numa_maps line (after "<address> "). */
static void maps_policy_field(const char *s, char *out, size_t size)
{
	static const char * const two[] = { "prefer (many)", "weighted interleave" };
	size_t skip = 0, n;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(two); i++)
		if (!strncmp(s, two[i], strlen(two[i])))
			skip = strlen(two[i]);
	n = skip + strcspn(s + skip, "\n ");
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

/* The target's files, kept open: a snapshot is taken after every write. */
struct tfiles {
	pid_t pid;
	char *region;
	int n;
	pid_t tid[8];
	int pfd[8];			/* each thread's numa_policy */
	int mfd;			/* numa_maps */
};

static int tfiles_open(struct tfiles *f, pid_t pid, char *region)
{
	char path[64];
	int i;

	f->pid = pid;
	f->region = region;
	f->n = list_tids(pid, f->tid, 8);
	if (f->n <= 0)
		return -1;
	for (i = 0; i < f->n; i++) {
		policy_path(path, sizeof(path), pid, f->tid[i]);
		f->pfd[i] = open(path, O_RDONLY);
		if (f->pfd[i] < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	f->mfd = open(path, O_RDONLY);
	return f->mfd < 0 ? -1 : 0;
}

static void tfiles_close(struct tfiles *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		close(f->pfd[i]);
	close(f->mfd);
}

/* The whole state; -1 when something could not be read (a thread gone). */
static int tsnap_take(struct tfiles *f, struct tsnap *s)
{
	static char maps[65536];
	char *p, *eol;
	ssize_t r;
	int i;

	memset(s, 0, sizeof(*s));
	s->n = f->n;
	for (i = 0; i < f->n; i++) {
		s->tid[i] = f->tid[i];
		r = pread(f->pfd[i], s->tpol[i], sizeof(s->tpol[i]) - 1, 0);
		if (r <= 0 || s->tpol[i][r - 1] != '\n')
			return -1;
		s->tpol[i][r - 1] = 0;
	}
	r = pread(f->mfd, maps, sizeof(maps) - 1, 0);
	if (r <= 0)
		return -1;
	maps[r] = 0;
	for (p = maps; *p && s->nl < SNAP_LINES; p = eol + 1) {
		char *sp;

		eol = strchr(p, '\n');
		if (!eol)
			return -1;
		s->start[s->nl] = strtoul(p, &sp, 16);
		if (*sp != ' ')
			return -1;
		maps_policy_field(sp + 1, s->vpol[s->nl], sizeof(s->vpol[0]));
		s->nl++;
	}
	return np_page_nodes(f->pid, f->region, NPAGES, s->node) ? -1 : 0;
}

/* 0 when a and b are the same; else 1, and what differs in why. */
static int tsnap_diff(const struct tsnap *a, const struct tsnap *b,
		      char *why, size_t size)
{
	int i;

	if (a->n != b->n) {
		snprintf(why, size, "%d threads, then %d", a->n, b->n);
		return 1;
	}
	for (i = 0; i < a->n; i++) {
		if (a->tid[i] != b->tid[i] || strcmp(a->tpol[i], b->tpol[i])) {
			snprintf(why, size, "thread %d: \"%s\", then thread %d: \"%s\"",
				 a->tid[i], a->tpol[i], b->tid[i], b->tpol[i]);
			return 1;
		}
	}
	if (a->nl != b->nl) {
		snprintf(why, size, "%d VMAs, then %d", a->nl, b->nl);
		return 1;
	}
	for (i = 0; i < a->nl; i++) {
		if (a->start[i] != b->start[i] || strcmp(a->vpol[i], b->vpol[i])) {
			snprintf(why, size, "VMA %lx \"%s\", then %lx \"%s\"",
				 a->start[i], a->vpol[i], b->start[i], b->vpol[i]);
			return 1;
		}
	}
	for (i = 0; i < NPAGES; i++) {
		if (a->node[i] != b->node[i]) {
			snprintf(why, size, "page %d on node %d, then %d", i,
				 a->node[i], b->node[i]);
			return 1;
		}
	}
	return 0;
}

/* The numa_maps line for the VMA at start in s, or -1. */
static int tsnap_line(const struct tsnap *s, unsigned long start)
{
	int i;

	for (i = 0; i < s->nl; i++)
		if (s->start[i] == start)
			return i;
	return -1;
}

/* What numa_maps shows for the VMA that holds addr; "" when none. */
static const char *tsnap_policy_at(const struct tsnap *s, unsigned long addr)
{
	int i, best = -1;

	for (i = 0; i < s->nl; i++)
		if (s->start[i] <= addr && (best < 0 || s->start[i] > s->start[best]))
			best = i;
	return best < 0 ? "" : s->vpol[best];
}

/*
 * After [lo, hi) was given the policy shown as want: every VMA there shows
 * it (the one holding lo too, unless lo is in a hole), and every VMA below
 * lo or above hi is as it was (the one at hi may have merged into the
 * range, if it showed want). 0, or 1 and why.
 */
static int tsnap_range_is(const struct tsnap *b, const struct tsnap *a,
			  unsigned long lo, unsigned long hi, bool lo_mapped,
			  const char *want, char *why, size_t size)
{
	int i, k;

	if (lo_mapped && strcmp(tsnap_policy_at(a, lo), want)) {
		snprintf(why, size, "%lx shows \"%s\", want \"%s\"", lo,
			 tsnap_policy_at(a, lo), want);
		return 1;
	}
	for (i = 0; i < a->nl; i++) {
		if (a->start[i] >= lo && a->start[i] < hi &&
		    strcmp(a->vpol[i], want)) {
			snprintf(why, size, "VMA %lx in the range shows \"%s\", want \"%s\"",
				 a->start[i], a->vpol[i], want);
			return 1;
		}
		if ((a->start[i] < lo || a->start[i] > hi) &&
		    tsnap_line(b, a->start[i]) < 0) {
			snprintf(why, size, "VMA %lx appeared outside the range",
				 a->start[i]);
			return 1;
		}
	}
	for (i = 0; i < b->nl; i++) {
		if (b->start[i] >= lo && b->start[i] <= hi)
			continue;
		k = tsnap_line(a, b->start[i]);
		if (k < 0 || strcmp(a->vpol[k], b->vpol[i])) {
			snprintf(why, size, "VMA %lx outside the range: \"%s\", then \"%s\"",
				 b->start[i], b->vpol[i], k < 0 ? "(gone)" : a->vpol[k]);
			return 1;
		}
	}
	k = tsnap_line(b, hi);
	if (k >= 0 && tsnap_line(a, hi) < 0 && strcmp(b->vpol[k], want)) {
		snprintf(why, size, "VMA %lx (\"%s\") merged into the range", hi,
			 b->vpol[k]);
		return 1;
	}
	return 0;
}

/* The end of the VMA that starts at (or holds) addr, from /proc/<pid>/maps. */
static unsigned long vma_end(pid_t pid, unsigned long addr)
{
	char path[64], line[512];
	unsigned long s, e, ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s <= addr && addr < e)
			ret = e;
	fclose(f);
	return ret;
}

/* Is some address of [lo, hi) outside every VMA of pid? */
static bool range_has_hole(pid_t pid, unsigned long lo, unsigned long hi)
{
	while (lo < hi) {
		unsigned long e = vma_end(pid, lo);

		if (!e)
			return true;
		lo = e;
	}
	return false;
}

/* Does some VMA of pid meet [lo, hi)? */
static bool range_has_vma(pid_t pid, unsigned long lo, unsigned long hi)
{
	char path[64], line[512];
	unsigned long s, e;
	bool ret = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s < hi && e > lo)
			ret = true;
	fclose(f);
	return ret;
}

/*
 * mbind(2)'s answer for [lo, hi) of pid: EFAULT for a hole, except that
 * "default" only needs some VMA in the range (do_mbind(): "operation on
 * discontinuous address spaces is okay after all").
 */
static int range_mbind_err(pid_t pid, unsigned long lo, unsigned long hi,
			   const struct refpol *p)
{
	if (p->mode == MPOL_DEFAULT)
		return range_has_vma(pid, lo, hi) ? 0 : -EFAULT;
	return range_has_hole(pid, lo, hi) ? -EFAULT : 0;
}

/* ---- the tests ------------------------------------------------------------ */

FIXTURE(fuzz) {
	struct target t;
	unsigned int seed;
	int possible;		/* nodes 0..possible-1 (all with memory here) */
	uint64_t mems;		/* the target's cpuset: every node */
	long page;
};

FIXTURE_SETUP(fuzz)
{
	char buf[64];
	int nodes = np_online_nodes();

	if (nodes < 4)
		SKIP(return, "needs 4 NUMA nodes");
	/* "0-3": the possible nodes are the online ones, all with memory. */
	ASSERT_LT(0, np_read_file("/sys/devices/system/node/possible", buf,
				  sizeof(buf)));
	snprintf(buf + 32, 32, "0-%d\n", nodes - 1);
	ASSERT_STREQ(buf + 32, buf);
	ASSERT_LT(0, np_read_file("/sys/devices/system/node/has_memory", buf,
				  sizeof(buf)));
	ASSERT_STREQ(buf + 32, buf);
	self->possible = nodes;
	self->mems = (1ULL << nodes) - 1;
	self->page = NP_PAGE_SIZE;
	ASSERT_EQ(0, target_start(&self->t, 2));
	/* Every page present, so that placement and moves can be seen. */
	ASSERT_EQ(0, target_do(&self->t, 'T'));
	self->seed = getpid();
}

FIXTURE_TEARDOWN(fuzz)
{
	target_stop(&self->t);
}

/*
 * numa_policy (the <pid> file, or now and then a <tid> file): the kernel's
 * verdict on each string is the reference's; an accepted string reads back,
 * in every thread it was written to, as the reference computes, and the
 * other threads, the VMAs and the pages do not change; a rejected one
 * changes nothing at all.
 */
/* Long runs (make stress) need more than the harness's 30 s default. */
TEST_F_TIMEOUT(fuzz, numa_policy, 3600)
{
	static struct tsnap before, after;
	char in[256], path[64], why[512], want[256], model[8][256];
	unsigned int i, n = iterations(), rejected = 0;
	pid_t pid = self->t.pid;
	struct tfiles tf;
	int fd[9], k, nt;

	ASSERT_EQ(0, tfiles_open(&tf, pid, self->t.region));
	ASSERT_EQ(0, tsnap_take(&tf, &before));
	nt = before.n;
	ASSERT_EQ(3, nt);
	snprintf(path, sizeof(path), "/proc/%d/numa_policy", pid);
	fd[0] = open(path, O_WRONLY);
	ASSERT_LE(0, fd[0]);
	for (k = 0; k < nt; k++) {
		snprintf(model[k], sizeof(model[k]), "default");
		snprintf(path, sizeof(path), "/proc/%d/task/%d/numa_policy",
			 pid, before.tid[k]);
		fd[k + 1] = open(path, O_WRONLY);
		ASSERT_LE(0, fd[k + 1]);
	}
	for (i = 0; i < n; i++) {
		size_t len = make_input(in, sizeof(in), &self->seed);
		off_t off = rand_r(&self->seed) % 8 ? 0 : 1;
		int which = rand_r(&self->seed) % 8 ? -1 : rand_r(&self->seed) % nt;
		struct refpol rp;
		uint64_t eff;
		ssize_t ret;
		int v, err;
		bool valid;

		ret = pwrite(fd[which + 1], in, len, off);
		err = errno;
		v = ref_parse(in, len, &rp, self->possible);
		valid = v != REF_BAD && !off &&
			!ref_apply(&rp, self->mems, want, sizeof(want), &eff);
		ASSERT_EQ(0, tsnap_take(&tf, &after));
		if (ret < 0) {
			rejected++;
			ASSERT_EQ(EINVAL, err) TH_LOG("\"%.*s\"", (int)len, in);
			ASSERT_TRUE(!valid || v == REF_UNSURE)
				TH_LOG("valid input refused: \"%.*s\" (%s)",
				       (int)len, in, want);
			ASSERT_EQ(0, tsnap_diff(&before, &after, why, sizeof(why)))
				TH_LOG("refused \"%.*s\" changed: %s", (int)len,
				       in, why);
		} else {
			ASSERT_EQ((ssize_t)len, ret);
			ASSERT_EQ(0, off);
			ASSERT_TRUE(valid)
				TH_LOG("invalid input accepted: \"%.*s\"",
				       (int)len, in);
			ASSERT_EQ(nt, after.n);
			for (k = 0; k < nt; k++) {
				if (which < 0 || which == k)
					snprintf(model[k], sizeof(model[k]), "%s",
						 want);
				ASSERT_EQ(before.tid[k], after.tid[k]);
				ASSERT_STREQ(model[k], after.tpol[k])
					TH_LOG("after \"%.*s\" to %s", (int)len,
					       in, which < 0 ? "the process" :
					       "one thread");
			}
			/* A task policy moves no page. */
			ASSERT_EQ(0, memcmp(before.node, after.node,
					    sizeof(after.node)));
		}
		before = after;
	}
	for (k = 0; k <= nt; k++)
		ASSERT_EQ(0, close(fd[k]));
	tfiles_close(&tf);
	TH_LOG("%u writes, %u rejected", n, rejected);
	ASSERT_LT(0, rejected);
	ASSERT_LT(rejected, n);
}

/*
 * numa_maps: lines for the region's VMA (a policy), a range of it (a policy
 * and "move") or a migration, made of fuzzed policies and nodes, and random
 * text. The kernel's verdict is the reference's; an accepted line has just
 * its effect (the range's VMAs show the policy, the rest is as it was; with
 * "move" every page of the range is on the policy's nodes; a migration
 * moves the pages of its source node and only those); a rejected write
 * changes nothing: threads, VMAs, pages.
 */
TEST_F_TIMEOUT(fuzz, numa_maps, 3600)
{
	static struct tsnap before, after;
	char pol[256], in[512], path[64], why[512], want[256];
	unsigned int i, n = iterations() / 2, rejected = 0, policies = 0, moves = 0;
	unsigned int migrations = 0;
	unsigned long a = (unsigned long)self->t.region;
	pid_t pid = self->t.pid;
	bool pending = false;
	struct tfiles tf;
	int fd, p;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tfiles_open(&tf, pid, self->t.region));
	ASSERT_EQ(0, tsnap_take(&tf, &before));
	for (i = 0; i < n; i++) {
		size_t len = make_input(pol, sizeof(pol), &self->seed);
		int kind = rand_r(&self->seed) % 4, v = REF_OK, nlines = 0, err;
		unsigned long lo = a, hi;
		struct refline rl;
		uint64_t eff = 0;
		ssize_t ret;

		pol[len] = 0;
		if (kind == 0)
			len = snprintf(in, sizeof(in), "%lx %s\n", a, pol);
		else if (kind == 1)
			len = snprintf(in, sizeof(in), "%lx-%lx %s move\n",
				       lo = a + self->page * (rand_r(&self->seed) % 8),
				       a + self->page * 32, pol);
		else if (kind == 2)
			len = snprintf(in, sizeof(in), "%lx N%d>%d %s\n", a,
				       rand_r(&self->seed) % 5,
				       rand_r(&self->seed) % 5,
				       rand_r(&self->seed) % 2 ? "anon=1" : "x");
		else
			len = make_input(in, sizeof(in), &self->seed);
		hi = kind == 1 ? a + self->page * 32 : vma_end(pid, a);
		ASSERT_LT(a, hi);
		if (!pending)
			v = ref_maps_write(in, len, &rl, &nlines, self->possible,
					   self->page);

		ret = write(fd, in, len);
		err = errno;
		ASSERT_EQ(0, tsnap_take(&tf, &after));
		if (ret < 0) {
			rejected++;
			ASSERT_TRUE(err == EINVAL || err == EFAULT)
				TH_LOG("errno %d for \"%.*s\"", err, (int)len, in);
			/* The lines made here name a VMA start or a mapped range. */
			ASSERT_TRUE(pending || kind == 3 || v != REF_OK)
				TH_LOG("valid line refused: \"%.*s\"", (int)len, in);
			ASSERT_EQ(0, tsnap_diff(&before, &after, why, sizeof(why)))
				TH_LOG("refused \"%.*s\" changed: %s", (int)len,
				       in, why);
			pending = false;
			before = after;
			continue;
		}
		ASSERT_EQ((ssize_t)len, ret);
		if (!pending) {
			ASSERT_NE(REF_BAD, v)
				TH_LOG("invalid line accepted: \"%.*s\"", (int)len, in);
		}
		if (pending || v != REF_OK || nlines > 1) {
			/* Completed an earlier line, or not worked out here. */
		} else if (kind == 3 || !nlines) {
			/* Random text taken: it can only have been empty lines. */
			ASSERT_EQ(0, tsnap_diff(&before, &after, why, sizeof(why)))
				TH_LOG("\"%.*s\" changed: %s", (int)len, in, why);
		} else if (!rl.migration) {
			ASSERT_EQ(0, ref_apply(&rl.pol, self->mems, want,
					       sizeof(want), &eff));
			ASSERT_EQ(0, tsnap_range_is(&before, &after, lo, hi, true,
						    want, why, sizeof(why)))
				TH_LOG("after \"%.*s\": %s", (int)len, in, why);
			ASSERT_EQ(0, memcmp(before.tpol, after.tpol,
					    sizeof(after.tpol)));
			policies++;
			moves += rl.move && eff;
			for (p = 0; p < NPAGES; p++) {
				unsigned long at = a + p * self->page;
				bool in_range = at >= lo && at < hi;

				if (in_range && rl.move && eff) {
					ASSERT_TRUE(after.node[p] >= 0 &&
						    (eff >> after.node[p] & 1))
						TH_LOG("after \"%.*s\": page %d on node %d",
						       (int)len, in, p, after.node[p]);
				} else {
					ASSERT_EQ(before.node[p], after.node[p])
						TH_LOG("after \"%.*s\": page %d moved",
						       (int)len, in, p);
				}
			}
		} else {
			/* N<x>><y>: the pages of x in the VMA go to y. */
			int x = __builtin_ctzll(rl.from), y = __builtin_ctzll(rl.to);

			migrations++;
			ASSERT_EQ(0, memcmp(before.vpol, after.vpol,
					    sizeof(after.vpol)));
			for (p = 0; p < NPAGES; p++) {
				unsigned long at = a + p * self->page;
				int exp = before.node[p];

				if (at < hi && exp == x)
					exp = y;
				ASSERT_EQ(exp, after.node[p])
					TH_LOG("after \"%.*s\": page %d", (int)len,
					       in, p);
			}
		}
		/* An unfinished last line waits for the next write. */
		if (len && in[len - 1] != '\n' && (pending || memchr(in, '\n', len)))
			pending = true;
		else if (len)
			pending = false;
		before = after;
	}
	close(fd);	/* a pending line may be refused: not counted */
	tfiles_close(&tf);
	TH_LOG("%u writes, %u rejected; checked: %u policy lines (%u moving pages), %u migrations",
	       n, rejected, policies, moves, migrations);
	ASSERT_LT(0, rejected);
	ASSERT_LT(rejected, n);
	ASSERT_LT(0, policies);
	ASSERT_LT(0, moves);
	ASSERT_LT(0, migrations);
}

/* ---- configfs: a group and a range binding, against a model ------------- */

struct cfs_model {
	struct refpol pol;	/* the group's policy */
	char shown[256];	/* what "policy" reads */
	int move;
	pid_t pid;
	unsigned long start, end;
	int enabled, err;
};

/* What reading every attribute must give, in the order cfs_snapshot reads. */
static void cfs_expect(const struct cfs_model *m, char *out, size_t size)
{
	char state[32];

	if (m->err)
		snprintf(state, sizeof(state), "error %d", m->err);
	else
		snprintf(state, sizeof(state), m->enabled ? "bound" : "disabled");
	snprintf(out, size,
		 "policy=%s\n;move=%d\n;ranges/r/pid=%d\n;ranges/r/start=0x%lx\n;"
		 "ranges/r/end=0x%lx\n;ranges/r/enable=%d\n;ranges/r/state=%s\n;",
		 m->shown, m->move, m->pid, m->start, m->end, m->enabled, state);
}

static const char * const cfs_attrs[] = {
	"policy", "move", "ranges/r/pid", "ranges/r/start", "ranges/r/end",
	"ranges/r/enable", "ranges/r/state",
};

static void cfs_snapshot(const char *dir, char *out, size_t size)
{
	char path[256], buf[256];
	unsigned int i;
	size_t n = 0;

	out[0] = 0;
	for (i = 0; i < ARRAY_SIZE(cfs_attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, cfs_attrs[i]);
		if (np_read_file(path, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "(unreadable)");
		n += snprintf(out + n, size - n, "%s=%s;", cfs_attrs[i], buf);
	}
}

/* Remove a group left behind (by a failed run), bindings and all. */
static void cfs_remove(const char *dir)
{
	static const char * const sub[] = { "tasks", "ranges" };
	char path[512], entry[1024];
	struct dirent *d;
	unsigned int i;
	DIR *dh;

	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		dh = opendir(path);
		if (!dh)
			continue;
		while ((d = readdir(dh))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(entry, sizeof(entry), "%s/%s", path, d->d_name);
			rmdir(entry);
		}
		closedir(dh);
	}
	rmdir(dir);
}

/* Is name the number of a process or thread (other than the target)? */
static bool foreign_pid(const char *s, size_t len, pid_t mine)
{
	char buf[64], path[64];
	unsigned long long v;
	const char *nul = memchr(s, 0, len);

	/* The kernel reads up to the first NUL. */
	len = nul ? (size_t)(nul - s) : len;
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (buf[0] == '-' || ref_kstrtoull(buf, 10, &v) || !v || v > 1U << 30 ||
	    v == (unsigned long long)mine)
		return false;
	snprintf(path, sizeof(path), "/proc/%llu", v);
	return !access(path, F_OK);
}

/*
 * Every attribute of a group and of a range binding, and mkdir names. A
 * model of the group says what each write must do: its result, and what
 * every attribute reads after it; "policy" and "enable" changes are seen
 * in the target (the range's VMAs show the group's policy, with "move" its
 * pages sit on its nodes), and a refused write changes nothing in the
 * target. mkdir of tasks/<name> only works for a process's pid.
 */
TEST_F_TIMEOUT(fuzz, configfs, 3600)
{
	const char *dir = "/sys/kernel/config/numapol/fuzz";
	static struct tsnap before, after;
	char cb[2048], ca[2048], cm[2048], path[512], in[256], val[64];
	char why[512], want[256];
	unsigned int i, n = iterations() / 4, rejected = 0, mkdirs = 0;
	unsigned int applied = 0;
	unsigned long a = (unsigned long)self->t.region;
	pid_t pid = self->t.pid;
	struct cfs_model m = { .shown = "default" };
	struct tfiles tf;
	int p;

	if (access("/sys/kernel/config/numapol", F_OK))
		SKIP(return, "no numapol configfs");
	ASSERT_EQ(REF_OK, ref_parse("default", 7, &m.pol, self->possible));
	cfs_remove(dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(path, sizeof(path), "%s/ranges/r", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	cfs_snapshot(dir, cb, sizeof(cb));
	cfs_expect(&m, cm, sizeof(cm));
	ASSERT_STREQ(cm, cb);
	ASSERT_EQ(0, tfiles_open(&tf, pid, self->t.region));
	ASSERT_EQ(0, tsnap_take(&tf, &before));
	for (i = 0; i < n; i++) {
		unsigned int ai = rand_r(&self->seed) % 6;
		const char *attr = cfs_attrs[ai];
		struct cfs_model next = m;
		int ret, fd, err, expect = 0, was_enabled = m.enabled;
		unsigned long long v = 0;
		bool touches = false;	/* the range gets the group's policy */
		uint64_t eff;
		size_t len;

		/* Mostly plausible values for the attribute, the rest fuzzed. */
		val[0] = 0;
		if (ai && rand_r(&self->seed) % 4) {
			if (ai == 2)
				snprintf(val, sizeof(val), "%d", pid);
			else if (ai >= 3 && ai <= 4)
				/*
				 * The region and its guard pages: above them
				 * may lie [vvar] and [vdso], which mbind(2)
				 * refuses to split (EINVAL).
				 */
				snprintf(val, sizeof(val), "0x%lx", a + self->page *
					 (rand_r(&self->seed) % (ai == 3 ? 64 : 66)));
			else
				snprintf(val, sizeof(val), "%d",
					 rand_r(&self->seed) % 3);
		}
		if (val[0]) {
			len = strlen(val);
		} else {
			len = make_input(in, sizeof(in), &self->seed);
			len = len < sizeof(val) - 1 ? len : sizeof(val) - 1;
			memcpy(val, in, len);
		}
		val[len] = 0;
		/* Never bind another process (init, kthreadd...) */
		if (ai == 2 && foreign_pid(val, len, pid))
			continue;

		/* What the write must do. */
		if (!len) {
			expect = -EFAULT;	/* configfs: nothing copied */
		} else if (ai == 0) {		/* policy */
			struct refpol rp;
			int rv = ref_parse(val, len, &rp, self->possible);

			if (rv == REF_UNSURE)
				continue;
			if (rv == REF_BAD) {
				expect = -EINVAL;
			} else if (m.enabled &&
				   range_mbind_err(pid, m.start, m.end, &rp)) {
				/* The range cannot take it: nothing changes. */
				expect = -EFAULT;
				next.err = EFAULT;
			} else {
				next.pol = rp;
				ref_format(&rp, next.shown, sizeof(next.shown));
				touches = m.enabled;
				if (m.enabled)
					next.err = 0;
			}
		} else if (ai == 1 || ai == 5) {	/* move, enable */
			if (ref_kstrtoull(val, 10, &v) || v > 1) {
				expect = -EINVAL;
			} else if (ai == 1) {
				next.move = v;
			} else if ((int)v != m.enabled) {
				if (v && (!m.pid || m.end <= m.start)) {
					expect = -EINVAL;
				} else if (v && range_mbind_err(pid, m.start, m.end,
							       &m.pol)) {
					expect = -EFAULT;
					next.err = EFAULT;
				} else {
					next.enabled = v;
					next.err = 0;
					touches = v;
				}
			}
		} else if (ai == 2) {		/* pid */
			if (val[0] == '-' || ref_kstrtoull(val, 10, &v) ||
			    !v || v > 0x7fffffff)
				expect = -EINVAL;
			else if ((pid_t)v != pid)
				expect = -ESRCH;	/* foreign pids are skipped */
			else if (m.enabled)
				expect = -EBUSY;
			else
				next.pid = pid, next.err = 0;
		} else {			/* start, end */
			unsigned long long x;

			if (ref_kstrtoull(val, 16, &x) || x % self->page)
				expect = -EINVAL;
			else if (m.enabled)
				expect = -EBUSY;
			else if (ai == 3)
				next.start = x, next.err = 0;
			else
				next.end = x, next.err = 0;
		}

		/* Before: as the model says (checked after the last write). */
		snprintf(path, sizeof(path), "%s/%s", dir, attr);
		fd = open(path, O_WRONLY);
		ASSERT_LE(0, fd);
		ret = write(fd, val, len);
		err = ret < 0 ? errno : 0;
		ASSERT_EQ(0, close(fd));
		cfs_snapshot(dir, ca, sizeof(ca));
		ASSERT_EQ(0, tsnap_take(&tf, &after));
		if (ret < 0)
			rejected++;
		ASSERT_EQ(expect, ret < 0 ? -err : 0)
			TH_LOG("%s <- \"%.*s\": %s (range %lx-%lx, pid %d)", attr,
			       (int)len, val, ret < 0 ? strerror(err) : "accepted",
			       m.start, m.end, m.pid);
		if (ret >= 0)
			ASSERT_EQ((ssize_t)len, ret);
		if (!expect)
			m = next;
		else if (next.err)
			m.err = next.err;	/* a failed apply reads "error" */
		cfs_expect(&m, cm, sizeof(cm));
		ASSERT_STREQ(cm, ca) TH_LOG("%s <- \"%.*s\"", attr, (int)len, val);

		if (touches && !expect) {
			/* The range shows the group's policy, its pages follow. */
			applied++;
			ASSERT_EQ(0, ref_apply(&m.pol, self->mems, want,
					       sizeof(want), &eff));
			ASSERT_EQ(0, tsnap_range_is(&before, &after, m.start, m.end,
						    vma_end(pid, m.start), want,
						    why, sizeof(why)))
				TH_LOG("%s <- \"%.*s\": %s", attr, (int)len, val, why);
			for (p = 0; p < NPAGES; p++) {
				unsigned long at = a + p * self->page;

				if (at >= m.start && at < m.end && m.move && eff) {
					ASSERT_TRUE(after.node[p] >= 0 &&
						    (eff >> after.node[p] & 1))
						TH_LOG("%s <- \"%.*s\": page %d on node %d",
						       attr, (int)len, val, p,
						       after.node[p]);
				} else {
					ASSERT_EQ(before.node[p], after.node[p])
						TH_LOG("%s <- \"%.*s\": page %d moved",
						       attr, (int)len, val, p);
				}
			}
		} else if (!expect && was_enabled && !m.enabled) {
			/* Disabled: the range's own policy is gone. */
			ASSERT_EQ(0, tsnap_range_is(&before, &after, m.start, m.end,
						    vma_end(pid, m.start), "default",
						    why, sizeof(why)))
				TH_LOG("enable <- 0: %s", why);
			ASSERT_EQ(0, memcmp(before.node, after.node,
					    sizeof(after.node)));
		} else {
			ASSERT_EQ(0, tsnap_diff(&before, &after, why, sizeof(why)))
				TH_LOG("%s <- \"%.*s\" changed the target: %s",
				       attr, (int)len, val, why);
		}
		before = after;

		/* Random mkdir names: refused unless a pid (the target's). */
		if (i % 16 == 0) {
			bool target = rand_r(&self->seed) % 4 == 0;

			len = target ? (size_t)snprintf(in, sizeof(in), "%d", pid) :
				       make_input(in, sizeof(in), &self->seed);
			in[len] = 0;
			if (!in[0] || strchr(in, '/') || !strcmp(in, ".") ||
			    !strcmp(in, "..") || foreign_pid(in, strlen(in), pid))
				continue;
			snprintf(path, sizeof(path), "%s/tasks/%s", dir, in);
			snprintf(val, sizeof(val), "%d", pid);
			if (strcmp(in, val)) {
				ASSERT_NE(0, mkdir(path, 0755))
					TH_LOG("mkdir tasks/%s: not a pid, made", in);
				continue;
			}
			/* The target: every thread gets the group's policy. */
			mkdirs++;
			ASSERT_EQ(0, mkdir(path, 0755));
			ASSERT_EQ(0, ref_apply(&m.pol, self->mems, want,
					       sizeof(want), &eff));
			ASSERT_EQ(0, tsnap_take(&tf, &after));
			for (p = 0; p < after.n; p++) {
				ASSERT_STREQ(want, after.tpol[p])
					TH_LOG("bound to \"%s\"", m.shown);
			}
			ASSERT_EQ(0, rmdir(path));
			ASSERT_EQ(0, tsnap_take(&tf, &after));
			ASSERT_EQ(0, tsnap_diff(&before, &after, why, sizeof(why)))
				TH_LOG("after the binding's rmdir: %s", why);
		}
	}
	tfiles_close(&tf);
	snprintf(path, sizeof(path), "%s/ranges/r/enable", dir);
	ASSERT_EQ(0, np_write_file(path, "0"));
	snprintf(path, sizeof(path), "%s/ranges/r", dir);
	ASSERT_EQ(0, rmdir(path));
	ASSERT_EQ(0, rmdir(dir));
	TH_LOG("%u writes, %u rejected; checked: %u applications to the range, %u bindings",
	       n, rejected, applied, mkdirs);
	ASSERT_LT(0, rejected);
	ASSERT_LT(rejected, n);
	ASSERT_LT(0, applied);
}

TEST_HARNESS_MAIN
