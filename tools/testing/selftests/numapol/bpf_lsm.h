/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A security module that says no: a two-branch BPF LSM program, loaded with
 * bpf(2) alone (no libbpf, no clang), that makes one LSM hook return an
 * error for the calling process only. The tests use it to check that a
 * numapol path asks the LSM, as the syscalls it imitates do.
 *
 * Needs CONFIG_BPF_LSM ("bpf" in /sys/kernel/security/lsm), vmlinux BTF
 * (CONFIG_DEBUG_INFO_BTF) to name the hook by, and CAP_BPF/CAP_PERFMON.
 */
#ifndef NUMAPOL_BPF_LSM_H
#define NUMAPOL_BPF_LSM_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Is the BPF LSM active, with BTF to attach by? */
static inline bool np_bpf_lsm_available(void)
{
	char buf[512] = "";
	int fd = open("/sys/kernel/security/lsm", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* A comma-separated list: "capability,bpf". */
	if (!strstr(buf, ",bpf") && strncmp(buf, "bpf", 3))
		return false;
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* Bytes of kind-specific data that follow a struct btf_type. */
static inline long np_btf_extra(const struct btf_type *t)
{
	unsigned int vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;	/* a kind this parser does not know */
}

/* The vmlinux BTF id of function name: > 0, or -errno. */
static inline int np_btf_func_id(const char *name)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	const struct btf_header *h;
	const char *types, *strs, *p;
	int fd, id = 1, ret = -ENOENT;
	struct stat st;
	char *buf;
	ssize_t n;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	/* A sysfs binary file: its size is known; read() gives a page. */
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(*h)) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(st.st_size);
	n = 0;
	while (buf && n < st.st_size) {
		ssize_t got = read(fd, buf + n, st.st_size - n);

		if (got <= 0)
			break;
		n += got;
	}
	close(fd);
	if (!buf || n != st.st_size) {
		free(buf);
		return -EIO;
	}
	h = (const struct btf_header *)buf;
	if (h->magic != BTF_MAGIC ||
	    h->hdr_len + (size_t)h->str_off + h->str_len > (size_t)n ||
	    h->hdr_len + (size_t)h->type_off + h->type_len > (size_t)n) {
		free(buf);
		return -EINVAL;
	}
	types = buf + h->hdr_len + h->type_off;
	strs = buf + h->hdr_len + h->str_off;
	for (p = types; p + sizeof(struct btf_type) <= types + h->type_len;
	     id++) {
		const struct btf_type *t = (const struct btf_type *)p;
		long extra = np_btf_extra(t);

		if (extra < 0) {
			ret = -EINVAL;
			break;
		}
		if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC &&
		    t->name_off < h->str_len &&
		    !strcmp(strs + t->name_off, name)) {
			ret = id;
			break;
		}
		p += sizeof(*t) + extra;
	}
	free(buf);
	return ret;
}

/*
 * Make LSM hook "hook" (e.g. "task_movememory") return -err to the calling
 * process (its thread group), until the returned link is closed. Return:
 * the link's file descriptor, or -errno (the verifier's log on stderr).
 */
static inline int np_bpf_lsm_deny(const char *hook, int err)
{
	char func[128], log[4096] = "";
	unsigned int tgid = getpid();
	struct bpf_insn prog[] = {
		/* r0 = bpf_get_current_pid_tgid() >> 32: the thread group */
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_pid_tgid },
		{ .code = BPF_ALU64 | BPF_RSH | BPF_K, .dst_reg = BPF_REG_0, .imm = 32 },
		/* another process: allow */
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = BPF_REG_0, .off = 2,
		  .imm = (int)tgid },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -err },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int id, prog_fd, link_fd;

	snprintf(func, sizeof(func), "bpf_lsm_%s", hook);
	id = np_btf_func_id(func);
	if (id < 0)
		return id;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_LSM;
	attr.expected_attach_type = BPF_LSM_MAC;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = ARRAY_SIZE(prog);
	attr.license = (unsigned long)"GPL";
	attr.attach_btf_id = id;
	attr.log_buf = (unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	prog_fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog_fd < 0) {
		int e = errno;

		fprintf(stderr, "# BPF_PROG_LOAD %s: %s\n%s", func, strerror(e),
			log);
		return -e;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_LSM_MAC;
	link_fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	if (link_fd < 0)
		link_fd = -errno;
	close(prog_fd);	/* the link holds the program */
	return link_fd;
}

#endif /* NUMAPOL_BPF_LSM_H */
