// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "watch.h"

#define POLL_MS		1000	/* without the proc connector */
#define RESYNC_MS	10000	/* with it: catches cgroup moves etc. */
#define SETTLE_MS	100	/* let a burst of events settle */
#define MAX_DELAY_MS	500	/* but never wait longer than this */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void watch_timer_init(struct watch_timer *t, long long now, int period_ms)
{
	memset(t, 0, sizeof(*t));
	t->period = period_ms;
	t->next_resync = now + period_ms;
}

void watch_timer_event(struct watch_timer *t, long long now)
{
	if (!t->dirty)
		t->dirty_since = now;
	t->dirty = true;
	t->last_event = now;
}

int watch_timer_timeout(const struct watch_timer *t, long long now)
{
	long long due = t->next_resync;

	if (t->dirty) {
		if (t->last_event + SETTLE_MS < due)
			due = t->last_event + SETTLE_MS;
		if (t->dirty_since + MAX_DELAY_MS < due)
			due = t->dirty_since + MAX_DELAY_MS;
	}
	return due > now ? (int)(due - now) : 0;
}

enum watch_due watch_timer_due(struct watch_timer *t, long long now)
{
	if (now >= t->next_resync) {
		/* Absolute: a stream of events never pushes it back. */
		t->next_resync = now + t->period;
		t->dirty = false;
		return WATCH_RESYNC;
	}
	if (t->dirty && (now - t->last_event >= SETTLE_MS ||
			 now - t->dirty_since >= MAX_DELAY_MS)) {
		t->dirty = false;
		return WATCH_EVENTS;
	}
	return WATCH_NOTHING;
}

int watch_sync(const struct nc_ctx *ctx, const struct config *cfg,
	       const struct nodeset *mem, const struct proc_snapshot *snap,
	       const struct prune *prune, FILE *out, FILE *err,
	       struct nc_err *e)
{
	struct state cur, des;
	struct prune pr;
	struct plan p;
	int failed;

	if (cfgfs_read_state(ctx, &cur, e))
		return -1;
	if (plan_desired(ctx, cfg, &cur, PLAN_WATCH, snap, &des, e)) {
		state_free(&cur);
		return -1;
	}
	if (plan_prune_load(ctx, prune, &pr, e)) {
		state_free(&des);
		state_free(&cur);
		return -1;
	}
	plan_compute(&des, &cur, mem, &pr, &p);
	plan_prune_free(&pr);
	failed = plan_execute(ctx, &p, true, out, err);
	plan_free(&p);
	state_free(&des);
	state_free(&cur);
	return failed;
}

/*
 * The proc_event of a connector message, copied: it sits at offset 36
 * of the datagram, not aligned for its 64-bit fields.
 */
static int event_of(const struct nlmsghdr *nlh, struct proc_event *ev)
{
	const struct cn_msg *cn = NLMSG_DATA(nlh);
	size_t len;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn)))
		return -1;
	len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*cn));
	if (cn->len < len)
		len = cn->len;
	memset(ev, 0, sizeof(*ev));
	memcpy(ev, cn->data, len < sizeof(*ev) ? len : sizeof(*ev));
	return 0;
}

/* Wait up to @ms for the connector's answer to our subscription. */
static int connector_ack(int fd, int ms, struct nc_err *e)
{
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long end = now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t len;

	while (now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) <= 0)
			break;
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			continue;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nlh, (size_t)len); nlh = NLMSG_NEXT(nlh, len)) {
			struct proc_event ev;

			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_NOOP ||
			    event_of(nlh, &ev) || ev.what != PROC_EVENT_NONE)
				continue;
			if (ev.event_data.ack.err)
				return nc_fail_errno(e, (int)ev.event_data.ack.err,
						     "proc connector subscription refused");
			return 0;
		}
	}
	return nc_fail(e, "proc connector: no acknowledgement of the subscription");
}

/* Subscribe to the kernel's process events; -1 if unavailable. */
static int connector_open(struct nc_err *e)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = CN_IDX_PROC,
	};
	char msg[NLMSG_SPACE(sizeof(struct cn_msg) +
			     sizeof(enum proc_cn_mcast_op))]
		__attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct cn_msg *cn = NLMSG_DATA(nlh);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd;

	fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_CONNECTOR);
	if (fd < 0)
		return nc_fail_errno(e, errno, "proc connector socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		nc_fail_errno(e, errno, "proc connector bind");
		close(fd);
		return -1;
	}
	memset(msg, 0, sizeof(msg));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_pid = getpid();
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, msg, nlh->nlmsg_len, 0) < 0) {
		nc_fail_errno(e, errno, "proc connector subscribe");
		close(fd);
		return -1;
	}
	/* The kernel answers with PROC_EVENT_NONE and an error code. */
	if (connector_ack(fd, 1000, e)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Pids that had events since the last pass (or "too many": rescan). */
struct pending {
	pid_t pids[256];
	size_t n;
	bool overflow;
};

static void pending_add(struct pending *pd, pid_t pid)
{
	size_t i;

	for (i = 0; i < pd->n; i++)
		if (pd->pids[i] == pid)
			return;
	if (pd->n < sizeof(pd->pids) / sizeof(pd->pids[0]))
		pd->pids[pd->n++] = pid;
	else
		pd->overflow = true;
}

/* Drain the socket; true if an event may change what is selected. */
static bool connector_read(int fd, struct pending *pd)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool relevant = false;
	ssize_t len;

	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			/* Events were lost: only a rescan knows. */
			if (errno == ENOBUFS) {
				pd->overflow = true;
				relevant = true;
			}
			return relevant;
		}
		for (; NLMSG_OK(nlh, (size_t)len); nlh = NLMSG_NEXT(nlh, len)) {
			struct proc_event evb, *ev = &evb;

			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_NOOP || event_of(nlh, ev))
				continue;
			switch (ev->what) {
			case PROC_EVENT_EXEC:
				pending_add(pd, ev->event_data.exec.process_tgid);
				relevant = true;
				break;
			case PROC_EVENT_COMM:
				pending_add(pd, ev->event_data.comm.process_tgid);
				relevant = true;
				break;
			case PROC_EVENT_UID:
				pending_add(pd, ev->event_data.id.process_tgid);
				relevant = true;
				break;
			case PROC_EVENT_EXIT:
				/* Only the end of a whole process matters. */
				if (ev->event_data.exit.process_pid ==
				    ev->event_data.exit.process_tgid) {
					pending_add(pd,
						    ev->event_data.exit.process_tgid);
					relevant = true;
				}
				break;
			default:
				break;
			}
		}
	}
}

/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram to $NOTIFY_SOCKET ("@" for an abstract socket).  Silent when
 * not started by systemd with Type=notify.
 */
void watch_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	len = strlen(path);
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa,
		   offsetof(struct sockaddr_un, sun_path) + len) < 0) {
		/* Nothing to do: systemd would time the start out. */
	}
	close(fd);
}

static int open_signals(sigset_t *old, struct nc_err *e)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return nc_fail_errno(e, errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return nc_fail_errno(e, errno, "signalfd");
	return fd;
}

/* Returns the signal received, 0 if none. */
static int read_signal(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

static void reload(const char *file, const struct nodeset *mem,
		   struct config *cfg, FILE *err)
{
	struct config fresh;
	struct nc_err e;

	if (config_load_file(file, mem, &fresh, &e)) {
		fprintf(err, "numacfg: reload failed, keeping the previous configuration: %s\n",
			e.msg);
		return;
	}
	config_free(cfg);
	*cfg = fresh;
	fprintf(err, "numacfg: reloaded %s\n", file);
}

static void sync_logged(const struct nc_ctx *ctx, const struct config *cfg,
			const struct nodeset *mem,
			const struct proc_snapshot *snap,
			const struct prune *prune,
			FILE *out, FILE *err)
{
	struct nc_err e;

	if (watch_sync(ctx, cfg, mem, snap, prune, out, err, &e) < 0)
		fprintf(err, "numacfg: %s\n", e.msg);
	fflush(out);
	fflush(err);
}

/* Bring @snap up to date: all of /proc, or only the pids of events. */
static void refresh(const struct nc_ctx *ctx, struct proc_snapshot *snap,
		    struct pending *pd, bool all, FILE *err)
{
	struct nc_err e;
	size_t i;

	if (all || pd->overflow) {
		proc_snapshot_free(snap);
		if (proc_snapshot_read(ctx, snap, &e))
			fprintf(err, "numacfg: %s\n", e.msg);
	} else {
		for (i = 0; i < pd->n; i++)
			proc_snapshot_update(ctx, snap, pd->pids[i]);
	}
	pd->n = 0;
	pd->overflow = false;
}

int watch_run(const struct nc_ctx *ctx, const char *file,
	      const struct prune *prune, FILE *out, FILE *err,
	      struct nc_err *e)
{
	struct proc_snapshot snap = { 0 };
	struct pending pd = { .n = 0 };
	struct watch_timer tm;
	struct pollfd pfd[2];
	struct nodeset mem;
	struct config cfg;
	sigset_t old;
	int sfd, nfd, sig, r;

	if (nodes_has_memory(ctx, &mem, e) ||
	    config_load_file(file, &mem, &cfg, e))
		return -1;
	if (cfgfs_check(ctx, e)) {
		config_free(&cfg);
		return -1;
	}
	sfd = open_signals(&old, e);
	if (sfd < 0) {
		config_free(&cfg);
		return -1;
	}
	nfd = connector_open(e);
	if (nfd < 0)
		fprintf(err, "numacfg: %s; polling /proc every second\n",
			e->msg);
	refresh(ctx, &snap, &pd, true, err);
	sync_logged(ctx, &cfg, &mem, &snap, prune, out, err);
	/* Ready once the file is applied the first time. */
	watch_notify("READY=1\nSTATUS=watching for new processes");
	watch_timer_init(&tm, now_ms(), nfd < 0 ? POLL_MS : RESYNC_MS);
	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = nfd;
	pfd[1].events = POLLIN;
	for (;;) {
		enum watch_due due;

		r = poll(pfd, nfd < 0 ? 1 : 2,
			 watch_timer_timeout(&tm, now_ms()));
		if (r < 0 && errno != EINTR) {
			nc_fail_errno(e, errno, "poll");
			break;
		}
		if (r > 0 && (pfd[0].revents & POLLIN)) {
			sig = read_signal(sfd);
			if (sig == SIGINT || sig == SIGTERM) {
				watch_notify("STOPPING=1");
				r = 0;
				goto out;
			}
			if (sig == SIGHUP) {
				watch_notify("RELOADING=1");
				reload(file, &mem, &cfg, err);
				/* A new file: every process is looked at. */
				pd.overflow = true;
				watch_timer_event(&tm, now_ms());
				watch_notify("READY=1");
			}
		}
		/* POLLERR is ENOBUFS (lost events): recv() clears it. */
		if (r > 0 && nfd >= 0 &&
		    (pfd[1].revents & (POLLIN | POLLERR)) &&
		    connector_read(nfd, &pd))
			watch_timer_event(&tm, now_ms());
		due = watch_timer_due(&tm, now_ms());
		if (due == WATCH_NOTHING)
			continue;
		refresh(ctx, &snap, &pd, due == WATCH_RESYNC, err);
		sync_logged(ctx, &cfg, &mem, &snap, prune, out, err);
	}
	r = -1;
out:
	if (nfd >= 0)
		close(nfd);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	proc_snapshot_free(&snap);
	config_free(&cfg);
	return r;
}
