// SPDX-License-Identifier: GPL-2.0
/*
 * The test VM is what it claims to be: several real NUMA nodes, with pages
 * really placed where a policy says. Every other numapol test relies on it.
 */
#include "../kselftest_harness.h"
#include "numapol_util.h"

#define NPAGES 64

TEST(nodes_online_match_vm)
{
	int want = np_vm_nodes();
	char buf[64], expect[64];

	if (want < 0)
		SKIP(return, "not booted by tests/vm/run");
	ASSERT_LT(0, np_read_file("/sys/devices/system/node/online",
				  buf, sizeof(buf)));
	if (want == 1)
		snprintf(expect, sizeof(expect), "0\n");
	else
		snprintf(expect, sizeof(expect), "0-%d\n", want - 1);
	ASSERT_STREQ(expect, buf);
	ASSERT_EQ(want, np_online_nodes());
}

TEST(mbind_places_every_page_on_node)
{
	int nodes = np_online_nodes();
	int node = nodes - 1;
	unsigned long mask = 1UL << node;
	int status[NPAGES];
	void *p;
	int i;

	if (nodes < 2)
		SKIP(return, "needs at least 2 NUMA nodes");
	p = np_map(NPAGES);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, np_mbind(p, NPAGES * NP_PAGE_SIZE, MPOL_BIND, &mask,
			      sizeof(mask) * 8, 0));
	np_touch(p, NPAGES);
	ASSERT_EQ(0, np_page_nodes(0, p, NPAGES, status));
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(node, status[i])
			TH_LOG("page %d", i);
	}
	munmap(p, NPAGES * NP_PAGE_SIZE);
}

TEST(nodes_have_separate_memory)
{
	int nodes = np_online_nodes();
	int node, status[NPAGES];
	void *p;

	if (nodes < 2)
		SKIP(return, "needs at least 2 NUMA nodes");
	/* Each node, in turn, really receives the pages bound to it. */
	for (node = 0; node < nodes; node++) {
		unsigned long mask = 1UL << node;
		int i;

		p = np_map(NPAGES);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, np_mbind(p, NPAGES * NP_PAGE_SIZE, MPOL_BIND,
				      &mask, sizeof(mask) * 8, 0));
		np_touch(p, NPAGES);
		ASSERT_EQ(0, np_page_nodes(0, p, NPAGES, status));
		for (i = 0; i < NPAGES; i++) {
			ASSERT_EQ(node, status[i]) TH_LOG("node %d, page %d",
							  node, i);
		}
		munmap(p, NPAGES * NP_PAGE_SIZE);
	}
}

TEST_HARNESS_MAIN
