/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and validating numacfg.conf (libconfig syntax, see
 * numacfg.conf(5)).  Every error names FILE:LINE.
 */
#ifndef NUMACFG_CONFIG_H
#define NUMACFG_CONFIG_H

#include <regex.h>
#include <stdbool.h>
#include <sys/types.h>

#include "nodelist.h"

/* One selector entry: all given keys must match (AND). */
struct selector {
	char *file;		/* the file it is in (for @include), line */
	int line;
	bool has_pid;
	pid_t pid;
	char *comm;
	char *exe;
	char *cmdline;		/* POSIX extended regex, source text */
	regex_t cmdline_re;
	bool has_uid;
	uid_t uid;
	char *cgroup;
};

struct cfg_range {
	struct selector sel;
	char *mapping;		/* heap, stack, file:PATH, ADDR or ADDR-END */
	char *name;		/* optional explicit configfs name */
	bool enable;
	int line;
};

struct cfg_group {
	char *name;
	int line;
	char *policy;		/* normalized to the kernel's output form */
	bool move;
	struct selector *tasks;
	size_t ntasks;
	struct cfg_range *ranges;
	size_t nranges;
};

struct config {
	char *file;		/* the name used in messages */
	struct cfg_group *groups;
	size_t ngroups;
};

/*
 * Load @path ("-" is standard input).  Policies are normalized against
 * @mem, the memory nodes of the machine.  On error @e holds
 * "FILE:LINE: message" and @cfg is empty.
 */
int config_load_file(const char *path, const struct nodeset *mem,
		     struct config *cfg, struct nc_err *e);
/* Load from a string; @name is used in messages. */
int config_load_string(const char *text, const char *name,
		       const struct nodeset *mem, struct config *cfg,
		       struct nc_err *e);
void config_free(struct config *cfg);

/* Is @name usable as a configfs directory name? */
bool config_name_ok(const char *name);

/* The keys a selector uses, for messages ("comm", "comm+uid"). */
void selector_keys(const struct selector *sel, char *buf, size_t size);
/* Describe a selector for messages ("comm=foo uid=0"). */
void selector_describe(const struct selector *sel, char *buf, size_t size);

#endif
