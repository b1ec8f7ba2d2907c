// SPDX-License-Identifier: GPL-2.0
/*
 * numacfg - read and change the NUMA memory policy of running processes
 * through /proc and the numapol configfs tree.  See numacfg(8).
 */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "output.h"
#include "watch.h"

/* The parsed command line; lives on main()'s stack. */
struct cmdline {
	bool dry_run, threads, move, exit_code;
	const char *mapping, *from, *to;
	struct prune prune;		/* --prune */
	uint64_t pages;
	double rate;
	struct out_opts out;
	unsigned int seen;		/* OPT_* bits given */
	int verbose;
	char **args;
	int nargs;
};

enum {
	OPT_DRY_RUN = 1 << 0,
	OPT_JSON = 1 << 1,
	OPT_THREADS = 1 << 2,
	OPT_MAPPING = 1 << 3,
	OPT_MOVE = 1 << 4,
	OPT_FROM = 1 << 5,
	OPT_TO = 1 << 6,
	OPT_PAGES = 1 << 7,
	OPT_OUTPUT = 1 << 8,
	OPT_RAW = 1 << 9,
	OPT_NOHEADINGS = 1 << 10,
	OPT_BYTES = 1 << 11,
	OPT_EXIT_CODE = 1 << 12,
	OPT_RATE = 1 << 13,
	OPT_PRUNE = 1 << 14,
};

/* Option names by OPT_* bit, for messages. */
static const char *const opt_names[] = {
	"--dry-run", "--json", "--threads", "--mapping", "--move", "--from",
	"--to", "--pages", "--output", "--raw", "--noheadings", "--bytes",
	"--exit-code", "--rate", "--prune",
};

#define OPT_LIST (OPT_JSON | OPT_OUTPUT | OPT_RAW | OPT_NOHEADINGS)

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      "  numacfg apply FILE [--dry-run]   make configfs match FILE (FILE may be -)\n"
	      "  numacfg check FILE               validate FILE; touches no kernel state\n"
	      "  numacfg diff FILE [--exit-code]  what apply would change (--json: as JSON)\n"
	      "  numacfg dump [--json]            current configfs state in FILE syntax\n"
	      "  numacfg status                   groups, bindings, memory per node\n"
	      "  numacfg get PID [--threads]      task policy\n"
	      "  numacfg show PID                 each mapping: policy, memory per node\n"
	      "  numacfg set PID POLICY [--dry-run]\n"
	      "                                   set the task policy of all threads\n"
	      "  numacfg set PID --mapping heap|stack|ADDR[-END]|file:PATH POLICY\n"
	      "              [--move] [--dry-run]\n"
	      "  numacfg migrate PID --from NODES --to NODES [--mapping M] [--pages N]\n"
	      "              [--rate MIB/S] [--dry-run]\n"
	      "  numacfg watch FILE               keep FILE applied\n"
	      "\nOptions:\n"
	      "      --dry-run           print what would be done, change nothing\n"
	      "      --exit-code         diff: exit 1 when there are changes\n"
	      "      --prune WHICH       apply, diff, watch: remove the groups not in\n"
	      "                          FILE: all (default), none, managed (those\n"
	      "                          numacfg made), or those whose names start\n"
	      "                          with WHICH\n"
	      "  -t, --threads           get: one line per thread\n"
	      "  -m, --mapping M         set, migrate: a part of the address space\n"
	      "      --move              set --mapping: move the pages already there\n"
	      "  -f, --from NODES        migrate: source nodes\n"
	      "  -T, --to NODES          migrate: destination nodes\n"
	      "  -p, --pages N           migrate: move at most N pages\n"
	      "      --rate MIB/S        migrate: at most this many MiB per second\n"
	      "  -J, --json              listings: JSON output\n"
	      "  -o, --output LIST       listings: the columns to print\n"
	      "  -r, --raw               listings: raw output\n"
	      "  -n, --noheadings        listings: no column headings\n"
	      "  -b, --bytes             status, show: sizes in bytes\n"
	      "  -v, --verbose           print every write to the kernel\n"
	      "  -h, --help              this text\n"
	      "  -V, --version           the version\n"
	      "\nExit status: 0 success, 1 failure, 2 usage or configuration error.\n"
	      "See numacfg(8) and numacfg.conf(5).\n", out);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("numacfg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see numacfg --help)\n", stderr);
	return NC_EXIT_USAGE;
}

static int parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	enum { O_MOVE = 256, O_DRY_RUN, O_EXIT_CODE, O_RATE, O_PRUNE };
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, O_DRY_RUN },
		{ "exit-code", no_argument, NULL, O_EXIT_CODE },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "threads", no_argument, NULL, 't' },
		{ "mapping", required_argument, NULL, 'm' },
		{ "move", no_argument, NULL, O_MOVE },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'T' },
		{ "pages", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, O_RATE },
		{ "prune", required_argument, NULL, O_PRUNE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":Jo:rnbtm:f:T:p:vhV", opts,
				NULL)) != -1) {
		switch (c) {
		case O_DRY_RUN: cl->dry_run = true; cl->seen |= OPT_DRY_RUN; break;
		case O_EXIT_CODE: cl->exit_code = true; cl->seen |= OPT_EXIT_CODE; break;
		case 'J': cl->out.json = true; cl->seen |= OPT_JSON; break;
		case 'o': cl->out.columns = optarg; cl->seen |= OPT_OUTPUT; break;
		case 'r': cl->out.raw = true; cl->seen |= OPT_RAW; break;
		case 'n': cl->out.noheadings = true; cl->seen |= OPT_NOHEADINGS; break;
		case 'b': cl->out.bytes = true; cl->seen |= OPT_BYTES; break;
		case 't': cl->threads = true; cl->seen |= OPT_THREADS; break;
		case 'm': cl->mapping = optarg; cl->seen |= OPT_MAPPING; break;
		case O_MOVE: cl->move = true; cl->seen |= OPT_MOVE; break;
		case 'f': cl->from = optarg; cl->seen |= OPT_FROM; break;
		case 'T': cl->to = optarg; cl->seen |= OPT_TO; break;
		case 'p':
			if (parse_u64(optarg, 10, &cl->pages) || !cl->pages)
				return usage_error("--pages needs a positive number, not '%s'",
						   optarg);
			cl->seen |= OPT_PAGES;
			break;
		case O_RATE:
			cl->rate = strtod(optarg, &end);
			if (end == optarg || *end || !(cl->rate > 0))
				return usage_error("--rate needs a positive number of MiB/s, not '%s'",
						   optarg);
			cl->seen |= OPT_RATE;
			break;
		case O_PRUNE:
			cl->prune.prefix = optarg;
			if (!strcmp(optarg, "all"))
				cl->prune.kind = PRUNE_ALL;
			else if (!strcmp(optarg, "none"))
				cl->prune.kind = PRUNE_NONE;
			else if (!strcmp(optarg, "managed"))
				cl->prune.kind = PRUNE_MANAGED;
			else if (config_name_ok(optarg))
				cl->prune.kind = PRUNE_PREFIX;
			else
				return usage_error("--prune needs all, none, managed or a group name prefix, not '%s'",
						   optarg);
			cl->seen |= OPT_PRUNE;
			break;
		case 'v': cl->verbose++; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("numacfg %s\n", NUMACFG_VERSION); exit(0);
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	cl->args = argv + optind;
	cl->nargs = argc - optind;
	return 0;
}

struct command {
	const char *name;
	const char *args;		/* for messages: "PID POLICY" */
	int min_args, max_args;		/* after the command name */
	unsigned int allowed;		/* OPT_* */
	/* Returns an exit status, or -1 with @e set. */
	int (*run)(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e);
};

/* A usage error found while running a command, with the same hint. */
static int arg_error(struct nc_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int arg_error(struct nc_err *e, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nc_usage(e, "%s (see numacfg --help)", msg);
}

static int get_pid(const char *s, pid_t *pid, struct nc_err *e)
{
	if (parse_pid(s, pid))
		return arg_error(e, "invalid PID '%s'", s);
	return 0;
}

static int run_apply(const struct nc_ctx *ctx, const struct cmdline *cl,
		     struct nc_err *e)
{
	if (!cl->dry_run && (cl->seen & OPT_LIST))
		return arg_error(e, "%s needs --dry-run: apply prints each action as it is done",
				 opt_names[__builtin_ctz(cl->seen & OPT_LIST)]);
	return op_apply(ctx, cl->args[1], cl->dry_run, &cl->prune, &cl->out,
			stdout, stderr, e);
}

static int run_check(const struct nc_ctx *ctx, const struct cmdline *cl,
		     struct nc_err *e)
{
	return op_check(ctx, cl->args[1], stdout, e);
}

static int run_dump(const struct nc_ctx *ctx, const struct cmdline *cl,
		    struct nc_err *e)
{
	return op_dump(ctx, &cl->out, stdout, e);
}

static int run_diff(const struct nc_ctx *ctx, const struct cmdline *cl,
		    struct nc_err *e)
{
	bool changed;

	if (op_diff(ctx, cl->args[1], &cl->prune, &cl->out, stdout, &changed,
		    e))
		return -1;
	return cl->exit_code && changed ? 1 : 0;
}

static int run_status(const struct nc_ctx *ctx, const struct cmdline *cl,
		      struct nc_err *e)
{
	return output_status(ctx, &cl->out, stdout, e);
}

static int run_show(const struct nc_ctx *ctx, const struct cmdline *cl,
		    struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	return output_show(ctx, pid, &cl->out, stdout, e);
}

static int run_get(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	if (!cl->threads && (cl->seen & OPT_LIST))
		return arg_error(e, "%s needs --threads: 'get PID' prints one policy",
				opt_names[__builtin_ctz(cl->seen & OPT_LIST)]);
	return op_get(ctx, pid, cl->threads, &cl->out, stdout, e);
}

static int run_set(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	if (cl->move && !cl->mapping)
		return arg_error(e, "--move needs --mapping (a task policy applies to new allocations only)");
	if (cl->mapping)
		return op_set_mapping(ctx, pid, cl->mapping, cl->args[2],
				      cl->move, cl->dry_run, stdout, e);
	return op_set_task(ctx, pid, cl->args[2], cl->dry_run, stdout, e);
}

static int run_migrate(const struct nc_ctx *ctx, const struct cmdline *cl,
		       struct nc_err *e)
{
	struct migrate_opts mo = {
		.from = cl->from, .to = cl->to, .mapping = cl->mapping,
		.pages = cl->pages, .rate = cl->rate,
		.dry_run = cl->dry_run,
	};
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	if (!cl->from || !cl->to)
		return arg_error(e, "migrate needs %s",
				!cl->from && !cl->to ? "--from NODES and --to NODES" :
				!cl->from ? "--from NODES" : "--to NODES");
	return op_migrate(ctx, pid, &mo, stdout, e);
}

static int run_watch(const struct nc_ctx *ctx, const struct cmdline *cl,
		     struct nc_err *e)
{
	return watch_run(ctx, cl->args[1], &cl->prune, stdout, stderr, e);
}

static const struct command commands[] = {
	{ "apply", "FILE", 1, 1, OPT_DRY_RUN | OPT_LIST | OPT_PRUNE, run_apply },
	{ "check", "FILE", 1, 1, 0, run_check },
	{ "dump", "", 0, 0, OPT_JSON, run_dump },
	{ "diff", "FILE", 1, 1, OPT_EXIT_CODE | OPT_LIST | OPT_PRUNE, run_diff },
	{ "status", "", 0, 0, OPT_LIST | OPT_BYTES, run_status },
	{ "get", "PID", 1, 1, OPT_THREADS | OPT_LIST, run_get },
	{ "show", "PID", 1, 1, OPT_LIST | OPT_BYTES, run_show },
	{ "set", "PID POLICY", 2, 2, OPT_MAPPING | OPT_MOVE | OPT_DRY_RUN,
	  run_set },
	{ "migrate", "PID", 1, 1, OPT_FROM | OPT_TO | OPT_MAPPING | OPT_PAGES |
	  OPT_RATE | OPT_DRY_RUN, run_migrate },
	{ "watch", "FILE", 1, 1, OPT_PRUNE, run_watch },
};

/* Check the arguments and options of @cmd; an exit status or 0. */
static int check_usage(const struct command *cmd, const struct cmdline *cl)
{
	unsigned int bad = cl->seen & ~cmd->allowed;
	int given = cl->nargs - 1;

	if (given < cmd->min_args)
		return usage_error("'%s' needs %s", cmd->name, cmd->args);
	if (given > cmd->max_args)
		return usage_error("unexpected argument '%s' for '%s'",
				   cl->args[cmd->max_args + 1], cmd->name);
	if (bad)
		return usage_error("%s is not an option of '%s'",
				   opt_names[__builtin_ctz(bad)], cmd->name);
	return 0;
}

int main(int argc, char **argv)
{
	struct cmdline cl = { 0 };
	const struct command *cmd = NULL;
	struct nc_err e = { .msg = { 0 } };
	struct nc_ctx ctx;
	size_t i;
	int r;

	/* Characters only (bars): numbers are read and printed as in C. */
	setlocale(LC_CTYPE, "");
	r = parse_cmdline(argc, argv, &cl);
	if (r)
		return r;
	if (!cl.nargs)
		return usage_error("no command given");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cl.args[0], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", cl.args[0]);
	r = check_usage(cmd, &cl);
	if (r)
		return r;
	nc_ctx_init(&ctx);
	ctx.verbose = cl.verbose;
	r = cmd->run(&ctx, &cl, &e);
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "numacfg: %s\n", e.msg);
		/* diff --exit-code: 1 means changes, trouble is 2 (diff(1)). */
		if (e.usage || cl.exit_code)
			return NC_EXIT_USAGE;
		return NC_EXIT_FAIL;
	}
	if (fflush(stdout) == EOF) {
		perror("numacfg: write error");
		return NC_EXIT_FAIL;
	}
	return r;
}
