// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the numapol policy parser and formatter: every form of
 * the grammar, every refused form, and round trips of every mode and flag
 * combination through mpol_to_str().
 */

#include <kunit/test.h>
#include <linux/mempolicy.h>
#include <linux/nodemask.h>
#include <linux/numapol.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

struct numapol_parse_case {
	const char *in;
	const char *out;	/* NULL: refused with -EINVAL */
};

/* Node numbers up to 3: the tests need four possible nodes. */
static const struct numapol_parse_case numapol_parse_cases[] = {
	/* The output form of mpol_to_str(), as numa_maps shows it. */
	{ "default", "default" },
	{ "local", "local" },
	{ "prefer:1", "prefer:1" },
	{ "bind:0,2-3", "bind:0,2-3" },
	{ "interleave:2-3", "interleave:2-3" },
	{ "prefer (many):0-1", "prefer (many):0-1" },
	{ "weighted interleave:0-3", "weighted interleave:0-3" },
	{ "bind=static:0-3", "bind=static:0-3" },
	{ "bind=static|balancing:0-1", "bind=static|balancing:0-1" },
	{ "bind=relative:0-1", "bind=relative:0-1" },
	{ "bind=relative|balancing:0-1", "bind=relative|balancing:0-1" },
	{ "bind=balancing:1", "bind=balancing:1" },
	{ "prefer (many)=balancing:0-1", "prefer (many)=balancing:0-1" },
	{ "prefer=static:2", "prefer=static:2" },
	{ "interleave=relative:0-1", "interleave=relative:0-1" },
	{ "weighted interleave=static:1-2", "weighted interleave=static:1-2" },
	/* The 2005 form. */
	{ "prefer=1", "prefer:1" },
	{ "interleave={2,3}", "interleave:2-3" },
	{ "interleave=2,3", "interleave:2-3" },
	{ "bind=0,2-3", "bind:0,2-3" },
	{ "bind={0}", "bind:0" },
	/* Aliases, case, one trailing newline, node list spellings. */
	{ "preferred=1", "prefer:1" },
	{ "preferred:3", "prefer:3" },
	{ "preferred-many=0-1", "prefer (many):0-1" },
	{ "preferred_many:0,1", "prefer (many):0-1" },
	{ "weighted-interleave:0-3", "weighted interleave:0-3" },
	{ "weighted_interleave=0,1,2,3", "weighted interleave:0-3" },
	{ "DEFAULT", "default" },
	{ "Interleave:1,3", "interleave:1,3" },
	{ "PREFER (MANY):0-1", "prefer (many):0-1" },
	{ "Bind=Static|Balancing:0", "bind=static|balancing:0" },
	{ "bind=balancing|static:0", "bind=static|balancing:0" },
	{ "default\n", "default" },
	{ "prefer=1\n", "prefer:1" },
	{ "bind:3,0,1", "bind:0-1,3" },
	{ "bind:0-1,1-2", "bind:0-2" },
	/* "all": resolved against the target's cpuset when applied. */
	{ "interleave:all", "interleave:all" },
	{ "bind=all", "bind:all" },
	{ "interleave={all}", "interleave:all" },
	{ "bind=static:ALL", "bind=static:all" },
	{ "prefer (many):all", "prefer (many):all" },

	/* Refused: empty, space, trailing garbage, unknown words. */
	{ "", NULL },
	{ "\n", NULL },
	{ "default\n\n", NULL },
	{ " default", NULL },
	{ "default ", NULL },
	{ "defaults", NULL },
	{ "prefer 1", NULL },
	{ "interleave{2,3}", NULL },
	{ "interleave;2", NULL },
	{ "weighted:0", NULL },
	{ "prefer(many):0", NULL },
	{ "membind:0", NULL },
	/* Nodes where none belong, none where some must. */
	{ "default:0", NULL },
	{ "default=static", NULL },
	{ "default=static:0", NULL },
	{ "local:1", NULL },
	{ "local=relative:1", NULL },
	{ "prefer", NULL },
	{ "prefer:", NULL },
	{ "prefer=", NULL },
	{ "prefer=0-1", NULL },
	{ "prefer=0,1", NULL },
	{ "prefer=all", NULL },
	{ "bind", NULL },
	{ "bind:", NULL },
	{ "bind=", NULL },
	{ "bind={}", NULL },
	{ "bind=static", NULL },
	{ "bind=static:", NULL },
	{ "interleave", NULL },
	/* The 2005 zone syntax: no per-zone policies exist any more. */
	{ "bind=3/normal", NULL },
	{ "bind=0,3/normal", NULL },
	{ "prefer=1/high", NULL },
	{ "bind=0/dma", NULL },
	/* Flags. */
	{ "bind=static|relative:0", NULL },
	{ "bind=static|static:0", NULL },
	{ "bind=static|:0", NULL },
	{ "bind=|static:0", NULL },
	{ "bind=bogus:0", NULL },
	{ "interleave=balancing:0", NULL },
	{ "prefer=balancing:0", NULL },
	{ "weighted interleave=balancing:0", NULL },
	{ "interleave=relative:all", NULL },
	/* Malformed node lists. */
	{ "bind:a", NULL },
	{ "bind:{0,1", NULL },
	{ "bind:0,1}", NULL },
	{ "bind:0-", NULL },
	{ "bind:-1", NULL },
	{ "bind:1-0", NULL },
	{ "bind:0,,1", NULL },
	{ "bind:,0", NULL },
	{ "bind:0,", NULL },
	{ "bind={0,}", NULL },
	{ "bind={,0}", NULL },
	{ "bind:0 ", NULL },
	{ "bind: 0", NULL },
	{ "bind:0x1", NULL },
	{ "bind:0-3:2/4", NULL },
	{ "bind=:0", NULL },
	{ "bind=0:1", NULL },
	{ "bind:99999999999999999999", NULL },
	{ "bind:4096", NULL },
	{ "interleave:all,1", NULL },
};

static void numapol_case_desc(const struct numapol_parse_case *c, char *desc)
{
	char *p = desc;
	const char *s;

	p += scnprintf(p, KUNIT_PARAM_DESC_SIZE, "\"");
	for (s = c->in; *s && p < desc + KUNIT_PARAM_DESC_SIZE - 8; s++) {
		if (*s == '\n')
			p += sprintf(p, "\\n");
		else
			*p++ = *s;
	}
	scnprintf(p, desc + KUNIT_PARAM_DESC_SIZE - p, "\"%s",
		  c->out ? "" : " refused");
}

KUNIT_ARRAY_PARAM(numapol_parse, numapol_parse_cases, numapol_case_desc);

static void numapol_need_four_nodes(struct kunit *test)
{
	if (!node_possible(3))
		kunit_skip(test, "needs four possible NUMA nodes");
}

static void numapol_parse_test(struct kunit *test)
{
	const struct numapol_parse_case *c = test->param_value;
	struct numapol_policy *pol;
	char *buf;

	numapol_need_four_nodes(test);
	pol = numapol_parse(c->in, strlen(c->in));
	if (!c->out) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pol), -EINVAL);
		if (!IS_ERR(pol))
			numapol_policy_put(pol);
		return;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(pol), "refused: %ld",
			       PTR_ERR(pol));
	buf = kunit_kzalloc(test, NUMAPOL_STR_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	numapol_format(pol, buf, NUMAPOL_STR_SIZE);
	KUNIT_EXPECT_STREQ(test, buf, c->out);
	numapol_policy_put(pol);
}

/* Input is taken by length: a NUL inside is refused, not cut at. */
static void numapol_parse_nul_test(struct kunit *test)
{
	static const char with_nul[] = "prefer=1\0garbage";
	struct numapol_policy *pol;

	pol = numapol_parse(with_nul, sizeof(with_nul) - 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pol), -EINVAL);
	pol = numapol_parse("prefer=1\0", 9);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pol), -EINVAL);
	/* Only the given length is read. */
	pol = numapol_parse("local:1", 5);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	KUNIT_EXPECT_EQ(test, pol->mode, MPOL_LOCAL);
	numapol_policy_put(pol);
}

static void numapol_parse_length_test(struct kunit *test)
{
	struct numapol_policy *pol;
	char *buf;
	int i, len = 0;

	buf = kunit_kzalloc(test, NUMAPOL_MAX_INPUT + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* "bind:0,0,0,...": long but valid up to the limit. */
	len = sprintf(buf, "bind:0");
	while (len + 2 <= NUMAPOL_MAX_INPUT)
		len += sprintf(buf + len, ",0");
	pol = numapol_parse(buf, len);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	numapol_policy_put(pol);
	for (i = len; i <= NUMAPOL_MAX_INPUT; i++)
		buf[i] = '0';
	pol = numapol_parse(buf, NUMAPOL_MAX_INPUT + 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pol), -EINVAL);
}

/* What the parser stores, field by field, for the seed's examples. */
static void numapol_parse_fields_test(struct kunit *test)
{
	struct numapol_policy *pol;

	numapol_need_four_nodes(test);
	pol = numapol_parse("interleave={2,3}", 16);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	KUNIT_EXPECT_EQ(test, pol->mode, MPOL_INTERLEAVE);
	KUNIT_EXPECT_EQ(test, pol->flags, 0);
	KUNIT_EXPECT_FALSE(test, pol->all);
	KUNIT_EXPECT_EQ(test, nodes_weight(pol->nodes), 2);
	KUNIT_EXPECT_TRUE(test, node_isset(2, pol->nodes));
	KUNIT_EXPECT_TRUE(test, node_isset(3, pol->nodes));
	numapol_policy_put(pol);

	pol = numapol_parse("bind=static|balancing:all", 25);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	KUNIT_EXPECT_EQ(test, pol->mode, MPOL_BIND);
	KUNIT_EXPECT_EQ(test, pol->flags,
			MPOL_F_STATIC_NODES | MPOL_F_NUMA_BALANCING);
	KUNIT_EXPECT_TRUE(test, pol->all);
	KUNIT_EXPECT_TRUE(test, nodes_empty(pol->nodes));
	numapol_policy_put(pol);
}

static const unsigned short numapol_all_modes[] = {
	MPOL_DEFAULT, MPOL_LOCAL, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE,
	MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED_MANY,
};

/*
 * Every mode with every flag combination and several node lists: what the
 * formatter writes (mpol_to_str()) parses back to the same policy, and
 * whatever the parser refuses breaks one of the documented rules.
 */
static void numapol_roundtrip_test(struct kunit *test)
{
	static const char * const lists[] = { "", "0", "3", "0-1", "1,3",
					      "0-3", "all" };
	static const unsigned short flag_sets[] = {
		0, MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES,
		MPOL_F_NUMA_BALANCING,
		MPOL_F_STATIC_NODES | MPOL_F_NUMA_BALANCING,
		MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING,
	};
	char *in, *out;
	int i, accepted = 0;

	numapol_need_four_nodes(test);
	in = kunit_kzalloc(test, NUMAPOL_STR_SIZE, GFP_KERNEL);
	out = kunit_kzalloc(test, NUMAPOL_STR_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);

	for (i = 0; i < ARRAY_SIZE(numapol_all_modes) *
			ARRAY_SIZE(flag_sets) * ARRAY_SIZE(lists); i++) {
		int l = i % ARRAY_SIZE(lists);
		int f = i / ARRAY_SIZE(lists) % ARRAY_SIZE(flag_sets);
		int m = i / ARRAY_SIZE(lists) / ARRAY_SIZE(flag_sets);
		unsigned short mode = numapol_all_modes[m];
		unsigned short flags = flag_sets[f];
		struct mempolicy mp = { .mode = mode, .flags = flags };
		struct numapol_policy *a, *b;
		bool nodes = *lists[l], all = !strcmp(lists[l], "all");
		nodemask_t mask = NODE_MASK_NONE;
		bool valid;

		/* mpol_to_str()'s spelling of mode and flags, then nodes. */
		mpol_to_str(in, NUMAPOL_STR_SIZE, &mp);
		if (nodes) {
			strcat(in, ":");
			strcat(in, lists[l]);
		}
		if (nodes && !all)
			nodelist_parse(lists[l], mask);

		if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL)
			valid = !nodes && !flags;
		else if (mode == MPOL_PREFERRED)
			valid = !all && nodes_weight(mask) == 1;
		else
			valid = nodes;
		if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND &&
		    mode != MPOL_PREFERRED_MANY)
			valid = false;
		if ((flags & MPOL_F_RELATIVE_NODES) && all)
			valid = false;

		a = numapol_parse(in, strlen(in));
		if (!valid) {
			KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(a),
					      "accepted \"%s\"", in);
			if (!IS_ERR(a))
				numapol_policy_put(a);
			continue;
		}
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(a), "refused \"%s\"", in);
		accepted++;
		KUNIT_EXPECT_EQ(test, a->mode, mode);
		KUNIT_EXPECT_EQ(test, a->flags, flags);
		KUNIT_EXPECT_EQ(test, a->all, all);
		numapol_format(a, out, NUMAPOL_STR_SIZE);
		KUNIT_EXPECT_STREQ(test, out, in);
		b = numapol_parse(out, strlen(out));
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(b), "refused \"%s\"", out);
		KUNIT_EXPECT_TRUE_MSG(test, numapol_policy_equal(a, b),
				      "\"%s\" changed on a round trip", in);
		numapol_policy_put(a);
		numapol_policy_put(b);
	}
	/* Not vacuous: most combinations are valid policies. */
	KUNIT_EXPECT_GT(test, accepted, 60);
}

static void numapol_equal_test(struct kunit *test)
{
	struct numapol_policy *a, *b, *c;

	numapol_need_four_nodes(test);
	a = numapol_parse("interleave={2,3}", 16);
	b = numapol_parse("interleave:2-3\n", 15);
	c = numapol_parse("interleave=static:2-3", 21);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a) || IS_ERR(b) || IS_ERR(c));
	KUNIT_EXPECT_TRUE(test, numapol_policy_equal(a, b));
	KUNIT_EXPECT_FALSE(test, numapol_policy_equal(a, c));
	numapol_policy_put(a);
	numapol_policy_put(b);
	numapol_policy_put(c);
}

/* A policy is shared by reference and freed with its last one. */
static void numapol_refcount_test(struct kunit *test)
{
	struct numapol_policy *pol = numapol_parse("local", 5);

	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	KUNIT_EXPECT_EQ(test, kref_read(&pol->kref), 1);
	KUNIT_EXPECT_PTR_EQ(test, numapol_policy_get(pol), pol);
	KUNIT_EXPECT_EQ(test, kref_read(&pol->kref), 2);
	numapol_policy_put(pol);
	KUNIT_EXPECT_EQ(test, kref_read(&pol->kref), 1);
	numapol_policy_put(pol);
	numapol_policy_put(NULL);
}

/*
 * numa_maps lines with the same policy text share one policy (the parse
 * cache), lines with another text do not, and the cache keeps at most
 * NUMAPOL_PARSE_CACHE texts, dropping its references when put.
 */
static void numapol_parse_cache_test(struct kunit *test)
{
	static const char * const others[NUMAPOL_PARSE_CACHE] = {
		"interleave:0-3", "interleave:1-3", "interleave:2-3",
		"prefer=0", "prefer=1", "prefer=2", "prefer=3", "bind:3",
	};
	struct numapol_parse_cache cache = {};
	struct numapol_maps_line a, b, c, d;
	char line[64];
	int i, ret;

	numapol_need_four_nodes(test);
	ret = numapol_parse_maps_line("7f0000000000 bind:1 anon=1", 26, &a,
				      &cache);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = numapol_parse_maps_line("7f0000001000 bind:1 dirty=1", 27, &b,
				      &cache);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, a.pol, b.pol);
	/* The two lines and the cache. */
	KUNIT_EXPECT_EQ(test, kref_read(&a.pol->kref), 3);
	ret = numapol_parse_maps_line("7f0000002000 bind:2", 19, &c, &cache);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, a.pol, c.pol);
	KUNIT_EXPECT_FALSE(test, numapol_policy_equal(a.pol, c.pol));
	/* Enough other texts to push "bind:1" out. */
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		snprintf(line, sizeof(line), "7f0000003000 %s", others[i]);
		ret = numapol_parse_maps_line(line, strlen(line), &d, &cache);
		KUNIT_ASSERT_EQ(test, ret, 0);
		numapol_policy_put(d.pol);
	}
	KUNIT_EXPECT_EQ(test, kref_read(&a.pol->kref), 2);
	ret = numapol_parse_maps_line("7f0000004000 bind:1", 19, &d, &cache);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, a.pol, d.pol);
	KUNIT_EXPECT_TRUE(test, numapol_policy_equal(a.pol, d.pol));
	numapol_parse_cache_put(&cache);
	KUNIT_EXPECT_EQ(test, kref_read(&c.pol->kref), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&d.pol->kref), 1);
	numapol_policy_put(a.pol);
	numapol_policy_put(b.pol);
	numapol_policy_put(c.pol);
	numapol_policy_put(d.pol);
}

/* Kernel threads have no user policy to change. */
static void numapol_kthread_test(struct kunit *test)
{
	struct numapol_policy *pol = numapol_parse("local", 5);

	KUNIT_ASSERT_FALSE(test, IS_ERR(pol));
	KUNIT_ASSERT_TRUE(test, current->flags & PF_KTHREAD);
	KUNIT_EXPECT_EQ(test, numapol_set_thread(current, NULL, pol), -EINVAL);
	KUNIT_EXPECT_EQ(test, numapol_set_process(current, NULL, pol), -EINVAL);
	KUNIT_EXPECT_EQ(test, numapol_check_access(current), -EINVAL);
	numapol_policy_put(pol);
}

struct numapol_maps_case {
	const char *in;
	const char *out;	/* numapol_maps_desc() of the result; NULL: refused */
};

static const struct numapol_maps_case numapol_maps_cases[] = {
	/* The seed's examples and the spec's. */
	{ "2000000000040000 interleave={2,3}", "2000000000040000 vma interleave:2-3" },
	{ "7f3a1c000000-7f3a1c400000 bind:1 move", "7f3a1c000000-7f3a1c400000 bind:1 move" },
	{ "7f3a1c000000 N0-1(1000)>3", "7f3a1c000000 vma N0-1>3 (1000)" },
	{ "2aaaaaaab000 bind=0,2-3", "2aaaaaaab000 vma bind:0,2-3" },
	/* 0x, case of hex digits, two-word modes, move. */
	{ "0x7F3A1C000000 local", "7f3a1c000000 vma local" },
	{ "0x1000-0x3000 prefer (many):0-1", "1000-3000 prefer (many):0-1" },
	{ "1000 weighted interleave:0-3 move", "1000 vma weighted interleave:0-3 move" },
	{ "1000 Prefer (Many)=balancing:0-1", "1000 vma prefer (many)=balancing:0-1" },
	{ "1000-2000 default", "1000-2000 default" },
	{ "1000 N0>1", "1000 vma N0>1 (all)" },
	{ "1000 N0,2>1-3", "1000 vma N0,2>1-3 (all)" },
	{ "1000-5000 N3(1)>0", "1000-5000 N3>0 (1)" },
	/* A saved numa_maps line, written back. */
	{ "7f8c1d400000 default file=/lib/libc.so.6 mapped=40 mapmax=3 N0=40",
	  "7f8c1d400000 vma default" },
	{ "55e0c5a1e000 default heap anon=33 dirty=33 active=0 N0=20 N3=13 kernelpagesize_kB=4",
	  "55e0c5a1e000 vma default" },
	{ "7ffd3b3e3000 interleave:2-3 stack anon=3 dirty=3 N2=2 N3=1 kernelpagesize_kB=4",
	  "7ffd3b3e3000 vma interleave:2-3" },
	{ "7f0000000000 bind:1 file=/tmp/a file with spaces mapped=1 N1=1",
	  "7f0000000000 vma bind:1" },
	{ "7f0000000000 prefer:1 huge anon=1 swapcache=0 writeback=0 N1=1 kernelpagesize_kB=2048",
	  "7f0000000000 vma prefer:1" },
	{ "1000 prefer:1 move anon=1", "1000 vma prefer:1 move" },

	/* Refused. */
	{ "", NULL },
	{ "1000", NULL },
	{ "1000 ", NULL },
	{ " 1000 local", NULL },
	{ "1000  local", NULL },
	{ "1001 local", NULL },
	{ "1000-2001 local", NULL },
	{ "2000-1000 local", NULL },
	{ "1000-1000 local", NULL },
	{ "1000- local", NULL },
	{ "-1000 local", NULL },
	{ "xyz local", NULL },
	{ "0x local", NULL },
	{ "1000 bogus", NULL },
	{ "1000 bind=3/normal", NULL },
	{ "1000 local move move", NULL },
	{ "1000 local extra", NULL },
	{ "1000 local heapx", NULL },
	{ "1000 local N0=", NULL },
	{ "1000 local N0=1x", NULL },
	{ "1000 local anon", NULL },
	{ "1000 move", NULL },
	{ "1000 N0-1(1000)", NULL },
	{ "1000 N>1", NULL },
	{ "1000 N0>", NULL },
	{ "1000 N0()>1", NULL },
	{ "1000 N0(0)>1", NULL },
	{ "1000 N0(-1)>1", NULL },
	{ "1000 N0(1x)>1", NULL },
	{ "1000 N0(1>1", NULL },
	{ "1000 N0>all", NULL },
	{ "1000 N9>0", NULL },
	{ "1000 N0>1 move", NULL },
	{ "1000 n0>1", NULL },
	{ "1000 prefer (many)", NULL },
	{ "1000 weighted", NULL },
	{ "fffffffffffffffffffff local", NULL },
};

static void numapol_maps_case_desc(const struct numapol_maps_case *c,
				   char *desc)
{
	scnprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"%s", c->in,
		  c->out ? "" : " refused");
}

KUNIT_ARRAY_PARAM(numapol_maps, numapol_maps_cases, numapol_maps_case_desc);

static void numapol_maps_desc(const struct numapol_maps_line *l, char *buf,
			      size_t size)
{
	int n = scnprintf(buf, size, "%lx", l->start);

	if (!l->whole_vma)
		n += scnprintf(buf + n, size - n, "-%lx", l->end);
	else
		n += scnprintf(buf + n, size - n, " vma");
	if (l->pol) {
		n += scnprintf(buf + n, size - n, " ");
		n += numapol_format(l->pol, buf + n, size - n);
		if (l->move)
			n += scnprintf(buf + n, size - n, " move");
		return;
	}
	n += scnprintf(buf + n, size - n, " N%*pbl>%*pbl",
		       nodemask_pr_args(&l->from), nodemask_pr_args(&l->to));
	if (l->max_pages == ULONG_MAX)
		scnprintf(buf + n, size - n, " (all)");
	else
		scnprintf(buf + n, size - n, " (%lu)", l->max_pages);
}

static void numapol_maps_line_test(struct kunit *test)
{
	const struct numapol_maps_case *c = test->param_value;
	struct numapol_maps_line l;
	char *buf;
	int ret;

	numapol_need_four_nodes(test);
	ret = numapol_parse_maps_line(c->in, strlen(c->in), &l, NULL);
	if (!c->out) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		KUNIT_EXPECT_NULL(test, l.pol);
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	numapol_maps_desc(&l, buf, 256);
	KUNIT_EXPECT_STREQ(test, buf, c->out);
	numapol_policy_put(l.pol);
}

static struct kunit_case numapol_parse_test_cases[] = {
	KUNIT_CASE_PARAM(numapol_parse_test, numapol_parse_gen_params),
	KUNIT_CASE(numapol_parse_nul_test),
	KUNIT_CASE(numapol_parse_length_test),
	KUNIT_CASE(numapol_parse_fields_test),
	KUNIT_CASE(numapol_roundtrip_test),
	KUNIT_CASE(numapol_equal_test),
	KUNIT_CASE(numapol_refcount_test),
	KUNIT_CASE(numapol_parse_cache_test),
	KUNIT_CASE(numapol_kthread_test),
	KUNIT_CASE_PARAM(numapol_maps_line_test, numapol_maps_gen_params),
	{}
};

static struct kunit_suite numapol_parse_test_suite = {
	.name = "numapol_policy",
	.test_cases = numapol_parse_test_cases,
};

kunit_test_suite(numapol_parse_test_suite);

MODULE_DESCRIPTION("KUnit tests for numapol");
MODULE_LICENSE("GPL");
