/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP 13 producer: one "ok N - name" / "not ok N - name" per test
 * function; failed checks print "# file:line: ..." diagnostics. A test that
 * sets t->skip is "ok N - name # SKIP reason", unless a check failed first.
 */
#ifndef NUMACFG_TAP_H
#define NUMACFG_TAP_H

#include <stdio.h>
#include <string.h>

struct tap {
	int failed_checks;	/* in the current test */
	const char *skip;	/* reason, when the test skipped itself */
};

#define CHECK(t, cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: check failed: %s\n", __FILE__,	\
		       __LINE__, #cond);				\
		(t)->failed_checks++;					\
	}								\
} while (0)

#define CHECK_STR(t, got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!g_ || strcmp(g_, w_)) {					\
		printf("# %s:%d: got '%s', want '%s'\n", __FILE__,	\
		       __LINE__, g_ ? g_ : "(null)", w_);		\
		(t)->failed_checks++;					\
	}								\
} while (0)

#define CHECK_CONTAINS(t, hay, needle) do {				\
	const char *h_ = (hay), *n_ = (needle);				\
	if (!h_ || !strstr(h_, n_)) {					\
		printf("# %s:%d: '%s' does not contain '%s'\n",		\
		       __FILE__, __LINE__, h_ ? h_ : "(null)", n_);	\
		(t)->failed_checks++;					\
	}								\
} while (0)

#define CHECK_INT(t, got, want) do {					\
	long long g_ = (got), w_ = (want);				\
	if (g_ != w_) {							\
		printf("# %s:%d: %s = %lld, want %lld\n", __FILE__,	\
		       __LINE__, #got, g_, w_);				\
		(t)->failed_checks++;					\
	}								\
} while (0)

struct tap_test {
	const char *name;
	void (*fn)(struct tap *t);
};

/* Run all tests; returns the exit status (1 if any failed). */
static inline int tap_run(const struct tap_test *tests, int n)
{
	int i, failed = 0;

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		struct tap t = { 0, NULL };

		fflush(stdout);
		tests[i].fn(&t);
		/*
		 * A skip cannot excuse a check that failed before it: that
		 * test is "not ok", and its skip reason only a diagnostic.
		 */
		if (t.failed_checks && t.skip)
			printf("# %d checks failed, then skipped: %s\n",
			       t.failed_checks, t.skip);
		if (t.failed_checks)
			printf("not ok %d - %s\n", i + 1, tests[i].name);
		else if (t.skip)
			printf("ok %d - %s # SKIP %s\n", i + 1, tests[i].name,
			       t.skip);
		else
			printf("ok %d - %s\n", i + 1, tests[i].name);
		if (t.failed_checks)
			failed++;
		fflush(stdout);
	}
	if (failed)
		printf("# %d of %d tests failed\n", failed, n);
	return failed ? 1 : 0;
}

#endif
