/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numacfg - small helpers shared by all modules: error buffers, growable
 * strings and arrays, whole-file reads and single-write() file writes.
 */
#ifndef NUMACFG_UTIL_H
#define NUMACFG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * An error is reported by filling one of these and returning -1.  The
 * message is a single line without the "numacfg: " prefix; main() adds it.
 * err_no keeps the errno of the failing system call (0 if none); usage
 * marks a usage or configuration-file error (exit status 2, else 1).
 */
struct nc_err {
	char msg[1024];
	int err_no;
	bool usage;
};

int nc_fail(struct nc_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like nc_fail() but appends ": strerror(errnum)" and records errnum. */
int nc_fail_errno(struct nc_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like nc_fail(), for a usage or configuration error. */
int nc_usage(struct nc_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Exit statuses (numacfg(8)): 0, a failed operation, usage/config error. */
#define NC_EXIT_FAIL	1
#define NC_EXIT_USAGE	2

/* Where the tool looks for the kernel's files; overridable for tests. */
struct nc_ctx {
	const char *proc_root;		/* "/proc" */
	const char *sys_root;		/* "/sys" */
	const char *cfgfs_root;		/* "/sys/kernel/config/numapol" */
	const struct cfgfs_ops *ops;	/* configfs directory operations */
	const struct mm_ops *mm;	/* migrate_pages(2), move_pages(2) */
	const char *state_dir;		/* "/run/numacfg"; NULL: none */
	int verbose;
};

/*
 * Fill @ctx from NUMACFG_PROC_ROOT, NUMACFG_SYS_ROOT, NUMACFG_CONFIGFS_ROOT,
 * NUMACFG_STATE_DIR.
 */
void nc_ctx_init(struct nc_ctx *ctx);

/* With -v: "numacfg: MESSAGE" on stderr (what is written to the kernel). */
void nc_trace(const struct nc_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Make room for one more element of size @sz in *@arr holding @n. */
void *grow(void *arr, size_t n, size_t *cap, size_t sz);
#define ARR_PUSH(arr, n, cap) \
	((arr) = grow((arr), (n), &(cap), sizeof(*(arr))), &(arr)[(n)++])

struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_adds(struct strbuf *sb, const char *s);
void sb_free(struct strbuf *sb);

/*
 * Read a whole file into a NUL-terminated malloc'd buffer.  Returns 0, or
 * -1 with errno set and @e filled ("cannot read PATH: ...").
 */
int read_file(const char *path, char **out, size_t *len, struct nc_err *e);
/*
 * Write @data to an existing file with one write() call, as the kernel's
 * proc and configfs files want.  Returns 0 or -1 with errno and @e set.
 */
int write_file(const char *path, const char *data, struct nc_err *e);

/* Strip trailing whitespace in place; return s. */
char *rtrim(char *s);
/* Parse a decimal pid / unsigned; 0 on success. */
int parse_pid(const char *s, pid_t *pid);
int parse_u64(const char *s, int base, uint64_t *v);
/* Hexadecimal with an optional 0x; 0 on success. */
int parse_hex(const char *s, uint64_t *v);

/* qsort() comparator of pid_t. */
int cmp_pid(const void *a, const void *b);
/*
 * The numeric entries of directory @dir (pids in /proc, tids in task/),
 * sorted.  Returns 0, or -1 with errno set if @dir cannot be read.
 */
int list_pids(const char *dir, pid_t **pids, size_t *n);
/*
 * The value of "KEY:" in /proc/<pid>/status text, up to the end of its
 * line, malloc'd; NULL if absent.
 */
char *status_field(const char *status, const char *key);
/* A path from /proc/<pid>/maps or exe is @want (or @want " (deleted)"). */
bool path_is(const char *path, const char *want);

#endif
