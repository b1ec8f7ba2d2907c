// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"
#include "cfgfs.h"
#include "mm.h"

int nc_fail(struct nc_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->err_no = 0;
	e->usage = false;
	return -1;
}

int nc_usage(struct nc_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->err_no = 0;
	e->usage = true;
	return -1;
}

int nc_fail_errno(struct nc_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	e->err_no = errnum;
	e->usage = false;
	errno = errnum;
	return -1;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

void nc_ctx_init(struct nc_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->proc_root = env_or("NUMACFG_PROC_ROOT", "/proc");
	ctx->sys_root = env_or("NUMACFG_SYS_ROOT", "/sys");
	ctx->cfgfs_root = env_or("NUMACFG_CONFIGFS_ROOT",
				 "/sys/kernel/config/numapol");
	ctx->ops = &cfgfs_real_ops;
	ctx->mm = &mm_real_ops;
	ctx->state_dir = env_or("NUMACFG_STATE_DIR", "/run/numacfg");
}

void nc_trace(const struct nc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->verbose)
		return;
	fputs("numacfg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Running out of memory is a failure of the operation: status 1. */
static void oom(void)
{
	fputs("numacfg: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void *grow(void *arr, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	arr = xrealloc(arr, *cap * sz);
	memset((char *)arr + n * sz, 0, (*cap - n) * sz);
	return arr;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int need;

	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		return;
	if (sb->len + need + 1 > sb->cap) {
		sb->cap = (sb->len + need + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->cap);
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	sb->len += need;
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_addf(sb, "%s", s);
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

int read_file(const char *path, char **out, size_t *len, struct nc_err *e)
{
	size_t cap = 4096, n = 0;
	char *buf;
	ssize_t r;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nc_fail_errno(e, errno, "cannot read %s", path);
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			close(fd);
			free(buf);
			return nc_fail_errno(e, saved, "cannot read %s", path);
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int write_file(const char *path, const char *data, struct nc_err *e)
{
	size_t len = strlen(data);
	ssize_t r;
	int fd, saved;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return nc_fail_errno(e, errno, "cannot open %s", path);
	do {
		r = write(fd, data, len);
	} while (r < 0 && errno == EINTR);
	saved = errno;
	if (r >= 0 && (size_t)r != len) {
		close(fd);
		return nc_fail(e, "short write to %s (%zd of %zu bytes)",
			       path, r, len);
	}
	if (close(fd) < 0 && r >= 0) {
		saved = errno;
		r = -1;
	}
	if (r < 0)
		return nc_fail_errno(e, saved, "cannot write %s", path);
	return 0;
}

char *rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int parse_u64(const char *s, int base, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

int parse_pid(const char *s, pid_t *pid)
{
	uint64_t v;

	if (parse_u64(s, 10, &v) || v == 0 || v > INT_MAX)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

int parse_hex(const char *s, uint64_t *v)
{
	if (!strncasecmp(s, "0x", 2))
		s += 2;
	return parse_u64(s, 16, v);
}

int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int list_pids(const char *dir, pid_t **pids, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*pids = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		pid_t pid;

		if (!parse_pid(de->d_name, &pid))
			*ARR_PUSH(*pids, *n, cap) = pid;
	}
	closedir(d);
	if (*n)
		qsort(*pids, *n, sizeof(**pids), cmp_pid);
	return 0;
}

bool path_is(const char *path, const char *want)
{
	size_t n = strlen(want);

	if (!path || strncmp(path, want, n))
		return false;
	return !path[n] || !strcmp(path + n, " (deleted)");
}

char *status_field(const char *status, const char *key)
{
	size_t n = strlen(key);
	const char *p = status;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) || p[n] != ':')
			continue;
		p += n + 1;
		p += strspn(p, " \t");
		return xstrndup(p, strcspn(p, "\n"));
	}
	return NULL;
}
