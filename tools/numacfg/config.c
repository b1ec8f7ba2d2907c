// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "procfs.h"

/*
 * What a loader needs to report errors: the file name as the user gave it,
 * and, for a file read by libconfig, the name libconfig opened it by and
 * the directory its relative @include names are resolved against.
 */
struct loader {
	const char *file;
	const char *opened;	/* NULL for a string */
	const char *dir;	/* NULL for a string */
	const struct nodeset *mem;
	struct nc_err *e;
};

static int line_of(const config_setting_t *s)
{
	return s ? (int)config_setting_source_line(s) : 0;
}

/*
 * The name to report for libconfig's file name @src: the main file as the
 * user named it, an included file with the directory it was found in.
 */
static char *file_name(const struct loader *ld, const char *src)
{
	if (!src || !ld->opened || !strcmp(src, ld->opened))
		return xstrdup(ld->file);
	if (src[0] == '/' || !ld->dir)
		return xstrdup(src);
	return xasprintf("%s/%s", ld->dir, src);
}

static int lerr(struct loader *ld, const config_setting_t *s,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int lerr(struct loader *ld, const config_setting_t *s,
		const char *fmt, ...)
{
	char msg[900], *file;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	file = file_name(ld, s ? config_setting_source_file(s) : NULL);
	nc_usage(ld->e, "%s:%d: %s", file, line_of(s), msg);
	free(file);
	return -1;
}

static bool key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* Reject settings of @grp whose names are not in @keys. */
static int check_keys(struct loader *ld, const config_setting_t *grp,
		      const char *const *keys, const char *what)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);

		if (!name || !key_in(name, keys))
			return lerr(ld, s, "unknown setting '%s' in %s",
				    name ? name : "?", what);
	}
	return 0;
}

static int get_string(struct loader *ld, const config_setting_t *grp,
		      const char *key, char **out)
{
	config_setting_t *s = config_setting_get_member(grp, key);

	*out = NULL;
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return lerr(ld, s, "'%s' must be a string", key);
	*out = xstrdup(config_setting_get_string(s));
	return 0;
}

static int get_bool(struct loader *ld, const config_setting_t *grp,
		    const char *key, bool *out)
{
	config_setting_t *s = config_setting_get_member(grp, key);

	if (!s)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_BOOL:
		*out = config_setting_get_bool(s);
		return 0;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(s) == 0 ||
		    config_setting_get_int64(s) == 1) {
			*out = config_setting_get_int64(s);
			return 0;
		}
		break;
	default:
		break;
	}
	return lerr(ld, s, "'%s' must be true or false", key);
}

bool config_name_ok(const char *name)
{
	if (!*name || strlen(name) > 200 || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == '\n' ||
		    (unsigned char)*name < 0x20)
			return false;
	return true;
}

static int load_uid(struct loader *ld, config_setting_t *s, uid_t *uid)
{
	long long v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *name = config_setting_get_string(s);
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) || !res)
			return lerr(ld, s, "unknown user '%s'", name);
		*uid = res->pw_uid;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return lerr(ld, s, "'uid' must be a number or a user name");
	v = config_setting_get_int64(s);
	if (v < 0 || v > 0xfffffffeLL)
		return lerr(ld, s, "invalid uid %lld", v);
	*uid = (uid_t)v;
	return 0;
}

static void selector_free(struct selector *sel)
{
	free(sel->file);
	free(sel->comm);
	free(sel->exe);
	if (sel->cmdline)
		regfree(&sel->cmdline_re);
	free(sel->cmdline);
	free(sel->cgroup);
	memset(sel, 0, sizeof(*sel));
}

static int load_selector(struct loader *ld, config_setting_t *grp,
			 struct selector *sel)
{
	config_setting_t *s;
	int r;

	memset(sel, 0, sizeof(*sel));
	sel->line = line_of(grp);
	sel->file = file_name(ld, config_setting_source_file(grp));
	s = config_setting_get_member(grp, "pid");
	if (s) {
		long long v;

		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64) {
			lerr(ld, s, "'pid' must be a number");
			goto fail;
		}
		v = config_setting_get_int64(s);
		if (v <= 0 || v > 0x7fffffffLL) {
			lerr(ld, s, "invalid pid %lld", v);
			goto fail;
		}
		sel->has_pid = true;
		sel->pid = (pid_t)v;
	}
	if (get_string(ld, grp, "comm", &sel->comm) ||
	    get_string(ld, grp, "exe", &sel->exe) ||
	    get_string(ld, grp, "cgroup", &sel->cgroup) ||
	    get_string(ld, grp, "cmdline", &sel->cmdline))
		goto fail;
	if (sel->cmdline) {
		r = regcomp(&sel->cmdline_re, sel->cmdline,
			    REG_EXTENDED | REG_NOSUB);
		if (r) {
			char msg[256];

			regerror(r, &sel->cmdline_re, msg, sizeof(msg));
			free(sel->cmdline);
			sel->cmdline = NULL;
			lerr(ld, config_setting_get_member(grp, "cmdline"),
			     "invalid cmdline regex: %s", msg);
			goto fail;
		}
	}
	if (sel->comm && !*sel->comm) {
		lerr(ld, config_setting_get_member(grp, "comm"),
		     "empty 'comm'");
		goto fail;
	}
	if (sel->cgroup && sel->cgroup[0] != '/') {
		lerr(ld, config_setting_get_member(grp, "cgroup"),
		     "'cgroup' must be an absolute cgroup path like /system.slice");
		goto fail;
	}
	s = config_setting_get_member(grp, "uid");
	if (s) {
		if (load_uid(ld, s, &sel->uid))
			goto fail;
		sel->has_uid = true;
	}
	if (!sel->has_pid && !sel->comm && !sel->exe && !sel->cmdline &&
	    !sel->has_uid && !sel->cgroup) {
		lerr(ld, grp, "selector needs at least one of pid, comm, exe, cmdline, uid, cgroup");
		goto fail;
	}
	return 0;
fail:
	selector_free(sel);
	return -1;
}

static const char *const task_keys[] = {
	"pid", "comm", "exe", "cmdline", "uid", "cgroup", NULL
};
static const char *const range_keys[] = {
	"pid", "comm", "exe", "cmdline", "uid", "cgroup",
	"mapping", "name", "enable", NULL
};
static const char *const group_keys[] = {
	"name", "policy", "move", "tasks", "ranges", NULL
};
static const char *const root_keys[] = { "version", "groups", NULL };

/* @s must be a list (or array) of groups; returns its length or -1. */
static int check_list_of_groups(struct loader *ld, config_setting_t *s,
				const char *what)
{
	int i, n;

	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return lerr(ld, s, "'%s' must be a list: ( { ... }, ... )",
			    what);
	n = config_setting_length(s);
	for (i = 0; i < n; i++)
		if (!config_setting_is_group(config_setting_get_elem(s, i)))
			return lerr(ld, config_setting_get_elem(s, i),
				    "elements of '%s' must be groups { ... }",
				    what);
	return n;
}

static int load_range(struct loader *ld, config_setting_t *grp,
		      struct cfg_range *r)
{
	struct mapping_spec ms;
	struct nc_err sub;
	config_setting_t *s;

	memset(r, 0, sizeof(*r));
	r->line = line_of(grp);
	r->enable = true;
	if (check_keys(ld, grp, range_keys, "a range"))
		return -1;
	if (get_string(ld, grp, "mapping", &r->mapping) ||
	    get_string(ld, grp, "name", &r->name) ||
	    get_bool(ld, grp, "enable", &r->enable))
		return -1;
	if (!r->mapping)
		return lerr(ld, grp, "range needs 'mapping' (heap, stack, file:PATH or ADDR-END)");
	s = config_setting_get_member(grp, "mapping");
	if (mapping_parse(r->mapping, &ms, &sub))
		return lerr(ld, s, "%s", sub.msg);
	mapping_spec_free(&ms);
	if (r->name && !config_name_ok(r->name))
		return lerr(ld, config_setting_get_member(grp, "name"),
			    "invalid range name '%s'", r->name);
	return load_selector(ld, grp, &r->sel);
}

static int load_group(struct loader *ld, config_setting_t *grp,
		      struct config *cfg, struct cfg_group *g)
{
	config_setting_t *s;
	char norm[NC_POLICY_MAX];
	struct nc_err sub;
	size_t i, j;
	int n;

	g->line = line_of(grp);
	if (check_keys(ld, grp, group_keys, "a group"))
		return -1;
	if (get_string(ld, grp, "name", &g->name) ||
	    get_string(ld, grp, "policy", &g->policy) ||
	    get_bool(ld, grp, "move", &g->move))
		return -1;
	if (!g->name)
		return lerr(ld, grp, "group needs a 'name'");
	if (!config_name_ok(g->name))
		return lerr(ld, config_setting_get_member(grp, "name"),
			    "invalid group name '%s'", g->name);
	for (i = 0; i < cfg->ngroups; i++)
		if (&cfg->groups[i] != g && cfg->groups[i].name &&
		    !strcmp(cfg->groups[i].name, g->name))
			return lerr(ld, config_setting_get_member(grp, "name"),
				    "duplicate group '%s' (first at line %d)",
				    g->name, cfg->groups[i].line);
	if (!g->policy)
		g->policy = xstrdup("default");
	if (policy_normalize(g->policy, ld->mem, ld->mem, norm, sizeof(norm),
			     &sub))
		return lerr(ld, config_setting_get_member(grp, "policy"),
			    "%s", sub.msg);
	free(g->policy);
	g->policy = xstrdup(norm);

	s = config_setting_get_member(grp, "tasks");
	if (s) {
		n = check_list_of_groups(ld, s, "tasks");
		if (n < 0)
			return -1;
		g->tasks = xcalloc(n, sizeof(*g->tasks));
		for (i = 0; i < (size_t)n; i++) {
			config_setting_t *t = config_setting_get_elem(s, i);

			if (check_keys(ld, t, task_keys, "a task selector") ||
			    load_selector(ld, t, &g->tasks[i]))
				return -1;
			g->ntasks++;
		}
	}
	s = config_setting_get_member(grp, "ranges");
	if (s) {
		n = check_list_of_groups(ld, s, "ranges");
		if (n < 0)
			return -1;
		g->ranges = xcalloc(n, sizeof(*g->ranges));
		for (i = 0; i < (size_t)n; i++) {
			config_setting_t *t = config_setting_get_elem(s, i);

			if (load_range(ld, t, &g->ranges[i])) {
				/* Keep what load_range() allocated freeable. */
				g->nranges = i + 1;
				return -1;
			}
			g->nranges++;
			for (j = 0; j < i; j++)
				if (g->ranges[i].name && g->ranges[j].name &&
				    !strcmp(g->ranges[i].name,
					    g->ranges[j].name))
					return lerr(ld, t,
						    "duplicate range name '%s' (first at line %d)",
						    g->ranges[i].name,
						    g->ranges[j].line);
		}
	}
	return 0;
}

static int load_root(struct loader *ld, config_t *lc, struct config *cfg)
{
	config_setting_t *root = config_root_setting(lc), *s;
	int i, n;

	if (check_keys(ld, root, root_keys, "the top level"))
		return -1;
	s = config_setting_get_member(root, "version");
	if (s && ((config_setting_type(s) != CONFIG_TYPE_INT &&
		   config_setting_type(s) != CONFIG_TYPE_INT64) ||
		  config_setting_get_int64(s) != 1))
		return lerr(ld, s, "unsupported version (this numacfg reads version = 1)");
	s = config_setting_get_member(root, "groups");
	if (!s)
		return 0;	/* no groups: an empty configuration */
	n = check_list_of_groups(ld, s, "groups");
	if (n < 0)
		return -1;
	cfg->groups = xcalloc(n, sizeof(*cfg->groups));
	for (i = 0; i < n; i++) {
		cfg->ngroups++;
		if (load_group(ld, config_setting_get_elem(s, i), cfg,
			       &cfg->groups[i]))
			return -1;
	}
	return 0;
}

/* Validate what libconfig read into @lc; on error @cfg is freed. */
static int load_parsed(struct loader *ld, config_t *lc, struct config *cfg)
{
	int r = load_root(ld, lc, cfg);

	if (r)
		config_free(cfg);
	return r;
}

/* libconfig's syntax (or @include) error as FILE:LINE: message. */
static int syntax_error(struct loader *ld, config_t *lc)
{
	char *file = file_name(ld, config_error_file(lc));

	nc_usage(ld->e, "%s:%d: %s", file, config_error_line(lc),
		 config_error_text(lc));
	free(file);
	return -1;
}

int config_load_string(const char *text, const char *name,
		       const struct nodeset *mem, struct config *cfg,
		       struct nc_err *e)
{
	struct loader ld = { .file = name, .mem = mem, .e = e };
	config_t lc;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->file = xstrdup(name);
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		r = syntax_error(&ld, &lc);
		config_free(cfg);
	} else {
		r = load_parsed(&ld, &lc, cfg);
	}
	config_destroy(&lc);
	return r;
}

#if LIBCONFIG_VER_MAJOR > 1 || LIBCONFIG_VER_MINOR >= 7
/* libconfig joins the include directory to relative names only. */
static int read_with_includes(config_t *lc, const char *dir,
			      const char *path, const char **opened)
{
	config_set_include_dir(lc, dir);
	*opened = path;
	return config_read_file(lc, path) == CONFIG_TRUE ? 0 : -1;
}
#else
/*
 * libconfig before 1.7 joins the include directory to absolute names too;
 * read from within @dir instead, so that relative names resolve there and
 * absolute ones stay absolute.
 */
static int read_with_includes(config_t *lc, const char *dir,
			      const char *path, const char **opened)
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;
	const char *base = strrchr(path, '/');

	*opened = base ? base + 1 : path;
	if (cwd < 0 || chdir(dir)) {
		if (cwd >= 0)
			close(cwd);
		*opened = path;
		return config_read_file(lc, path) == CONFIG_TRUE ? 0 : -1;
	}
	r = config_read_file(lc, *opened) == CONFIG_TRUE ? 0 : -1;
	if (fchdir(cwd))
		r = -1;
	close(cwd);
	return r;
}
#endif

int config_load_file(const char *path, const struct nodeset *mem,
		     struct config *cfg, struct nc_err *e)
{
	struct loader ld = { .file = path, .mem = mem, .e = e };
	const char *slash;
	char *text, *dir;
	config_t lc;
	int r;

	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdin")) {
		/* Standard input: @include names are relative to the cwd. */
		if (read_file("/dev/stdin", &text, NULL, e)) {
			e->usage = true;
			return -1;
		}
		r = config_load_string(text, "<stdin>", mem, cfg, e);
		free(text);
		return r;
	}
	/* A missing or unreadable file is reported as such, with its errno. */
	if (access(path, R_OK)) {
		nc_fail_errno(e, errno, "cannot read %s", path);
		e->usage = true;
		return -1;
	}
	slash = strrchr(path, '/');
	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		    : xstrdup(".");
	ld.dir = dir;
	memset(cfg, 0, sizeof(*cfg));
	cfg->file = xstrdup(path);
	config_init(&lc);
	if (read_with_includes(&lc, dir, path, &ld.opened)) {
		r = syntax_error(&ld, &lc);
		config_free(cfg);
	} else {
		r = load_parsed(&ld, &lc, cfg);
	}
	config_destroy(&lc);
	free(dir);
	return r;
}

void config_free(struct config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->ngroups; i++) {
		struct cfg_group *g = &cfg->groups[i];

		free(g->name);
		free(g->policy);
		for (j = 0; j < g->ntasks; j++)
			selector_free(&g->tasks[j]);
		free(g->tasks);
		for (j = 0; j < g->nranges; j++) {
			selector_free(&g->ranges[j].sel);
			free(g->ranges[j].mapping);
			free(g->ranges[j].name);
		}
		free(g->ranges);
	}
	free(cfg->groups);
	free(cfg->file);
	memset(cfg, 0, sizeof(*cfg));
}

void selector_describe(const struct selector *sel, char *buf, size_t size)
{
	struct strbuf sb = { 0 };

	if (sel->has_pid)
		sb_addf(&sb, " pid=%d", sel->pid);
	if (sel->comm)
		sb_addf(&sb, " comm=%s", sel->comm);
	if (sel->exe)
		sb_addf(&sb, " exe=%s", sel->exe);
	if (sel->cmdline)
		sb_addf(&sb, " cmdline=/%s/", sel->cmdline);
	if (sel->has_uid)
		sb_addf(&sb, " uid=%u", (unsigned int)sel->uid);
	if (sel->cgroup)
		sb_addf(&sb, " cgroup=%s", sel->cgroup);
	snprintf(buf, size, "%s", sb.buf ? sb.buf + 1 : "");
	sb_free(&sb);
}

void selector_keys(const struct selector *sel, char *buf, size_t size)
{
	const struct { bool on; const char *name; } keys[] = {
		{ sel->has_pid, "pid" }, { sel->comm != NULL, "comm" },
		{ sel->exe != NULL, "exe" }, { sel->cmdline != NULL, "cmdline" },
		{ sel->has_uid, "uid" }, { sel->cgroup != NULL, "cgroup" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && len < size; i++)
		if (keys[i].on)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "+" : "", keys[i].name);
}
