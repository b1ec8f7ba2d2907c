/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tables and JSON through libsmartcols, with util-linux's options:
 * -o/--output, -J/--json, -r/--raw, -n/--noheadings, -b/--bytes.
 */
#ifndef NUMACFG_OUTPUT_H
#define NUMACFG_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "plan.h"
#include "util.h"

struct out_opts {
	bool json, raw, noheadings, bytes;
	const char *columns;	/* -o LIST ("+LIST" adds to the default) */
};

/* One column of a listing. */
struct out_col {
	const char *name;
	int json_type;		/* SCOLS_JSON_* */
	int flags;		/* SCOLS_FL_* */
	bool dflt;		/* printed without -o */
};

/*
 * A table of the columns @cols (@ncols) that @opts selects.  Returns NULL
 * with @e set (a usage error for an unknown column name).
 */
struct out_table;
struct out_table *out_table_new(const struct out_col *cols, size_t ncols,
				const struct out_opts *opts, const char *name,
				FILE *out, struct nc_err *e);
/* A new line, under @parent (NULL: top level); cells are set by column. */
struct libscols_line *out_line(struct out_table *t,
			       struct libscols_line *parent);
void out_cell(struct out_table *t, struct libscols_line *ln, size_t col,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A size cell: bytes with -b (a number in JSON), else "1.5M". */
void out_size(struct out_table *t, struct libscols_line *ln, size_t col,
	      uint64_t bytes);
void out_table_print(struct out_table *t);
void out_table_free(struct out_table *t);

/* "0B", "4K", "1.5M", "12G" as util-linux prints sizes. */
void size_human(uint64_t bytes, char *buf, size_t size);
/* One character per node, as high as its share of the largest. */
void spark_nodes(const uint64_t *bytes, int n, char *buf, size_t size);
/* "N0      800K [########........]  50%" */
void bar_line(FILE *out, const char *label, uint64_t part, uint64_t total,
	      int width);

/*
 * `status`: groups, their bindings, and the memory of each bound process
 * per node (whole process for tasks, the range for ranges).
 */
int output_status(const struct nc_ctx *ctx, const struct out_opts *opts,
		  FILE *out, struct nc_err *e);
/* `dump --json`: the configfs tree without the memory columns. */
int output_dump_json(const struct nc_ctx *ctx, const struct out_opts *opts,
		     FILE *out, struct nc_err *e);
/*
 * `show PID`: each mapping with memory, its policy and memory per node,
 * a total, and (for people) a bar per node.
 */
int output_show(const struct nc_ctx *ctx, pid_t pid,
		const struct out_opts *opts, FILE *out, struct nc_err *e);
/* `get --threads`: TID, COMM, POLICY. */
int output_threads(const struct nc_ctx *ctx, pid_t pid,
		   const struct out_opts *opts, FILE *out, struct nc_err *e);

/* Did the user ask for a libsmartcols listing (-J, -r, -n, -o)? */
bool out_is_listing(const struct out_opts *opts);
/* The plan of apply --dry-run and diff: OP, KIND, OBJECT, DETAIL. */
int output_plan(const struct plan *p, const struct out_opts *opts, FILE *out,
		struct nc_err *e);

#endif
