// SPDX-License-Identifier: GPL-2.0
/*
 * numacfg - read and change the NUMA memory policy of running processes
 * through /proc and the numapol configfs tree.  See numacfg(8).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "output.h"
#include "watch.h"

#define EXIT_USAGE 2

/* The parsed command line; lives on main()'s stack. */
struct cmdline {
	bool dry_run, json, threads, move;
	const char *mapping, *from, *to;
	uint64_t pages;
	bool have_pages;
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
};

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      "  numacfg apply FILE [--dry-run]   make configfs match FILE (FILE may be -)\n"
	      "  numacfg dump                     current configfs state in FILE syntax\n"
	      "  numacfg diff FILE                what apply would change\n"
	      "  numacfg status [--json]          groups, bindings, pages per node\n"
	      "  numacfg get PID [--threads]      task policy\n"
	      "  numacfg set PID POLICY           set the task policy of all threads\n"
	      "  numacfg set PID --mapping heap|stack|ADDR[-END]|file:PATH POLICY [--move]\n"
	      "  numacfg migrate PID --from NODES --to NODES [--mapping M] [--pages N]\n"
	      "  numacfg watch FILE               keep FILE applied\n"
	      "\nOptions: -n --dry-run, -J --json, -t --threads, -m --mapping M,\n"
	      "  --move, -f --from NODES, -T --to NODES, -p --pages N, -v --verbose,\n"
	      "  -h --help, -V --version\n"
	      "See numacfg(8) and numacfg.conf(5).\n", out);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "numacfg: %s (see numacfg --help)\n", msg);
	return EXIT_USAGE;
}

static int parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "threads", no_argument, NULL, 't' },
		{ "mapping", required_argument, NULL, 'm' },
		{ "move", no_argument, NULL, 'M' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'T' },
		{ "pages", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[256];
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, "nJtm:f:T:p:vhV", opts,
				NULL)) != -1) {
		switch (c) {
		case 'n': cl->dry_run = true; cl->seen |= OPT_DRY_RUN; break;
		case 'J': cl->json = true; cl->seen |= OPT_JSON; break;
		case 't': cl->threads = true; cl->seen |= OPT_THREADS; break;
		case 'm': cl->mapping = optarg; cl->seen |= OPT_MAPPING; break;
		case 'M': cl->move = true; cl->seen |= OPT_MOVE; break;
		case 'f': cl->from = optarg; cl->seen |= OPT_FROM; break;
		case 'T': cl->to = optarg; cl->seen |= OPT_TO; break;
		case 'p':
			if (parse_u64(optarg, 10, &cl->pages) || !cl->pages)
				return usage_error("--pages needs a positive number");
			cl->have_pages = true;
			cl->seen |= OPT_PAGES;
			break;
		case 'v': cl->verbose++; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("numacfg %s\n", NUMACFG_VERSION); exit(0);
		default:
			snprintf(msg, sizeof(msg), "invalid option or missing argument: %s",
				 argv[optind - 1]);
			return usage_error(msg);
		}
	}
	cl->args = argv + optind;
	cl->nargs = argc - optind;
	return 0;
}

struct command {
	const char *name;
	int min_args, max_args;		/* after the command name */
	unsigned int allowed;		/* OPT_* */
	int (*run)(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e);
};

static int get_pid(const char *s, pid_t *pid, struct nc_err *e)
{
	if (parse_pid(s, pid))
		return nc_fail(e, "invalid pid '%s'", s);
	return 0;
}

static int run_apply(const struct nc_ctx *ctx, const struct cmdline *cl,
		     struct nc_err *e)
{
	return op_apply(ctx, cl->args[1], cl->dry_run, stdout, stderr, e);
}

static int run_dump(const struct nc_ctx *ctx, const struct cmdline *cl,
		    struct nc_err *e)
{
	(void)cl;
	return op_dump(ctx, stdout, e);
}

static int run_diff(const struct nc_ctx *ctx, const struct cmdline *cl,
		    struct nc_err *e)
{
	return op_diff(ctx, cl->args[1], stdout, e);
}

static int run_status(const struct nc_ctx *ctx, const struct cmdline *cl,
		      struct nc_err *e)
{
	return output_status(ctx, cl->json, stdout, e);
}

static int run_get(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	return op_get(ctx, pid, cl->threads, stdout, e);
}

static int run_set(const struct nc_ctx *ctx, const struct cmdline *cl,
		   struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	if (cl->move && !cl->mapping)
		return nc_fail(e, "--move needs --mapping (task policies apply to new allocations only)");
	if (cl->mapping)
		return op_set_mapping(ctx, pid, cl->mapping, cl->args[2],
				      cl->move, e);
	return op_set_task(ctx, pid, cl->args[2], e);
}

static int run_migrate(const struct nc_ctx *ctx, const struct cmdline *cl,
		       struct nc_err *e)
{
	pid_t pid;

	if (get_pid(cl->args[1], &pid, e))
		return -1;
	if (!cl->from || !cl->to)
		return nc_fail(e, "migrate needs --from NODES and --to NODES");
	return op_migrate(ctx, pid, cl->from, cl->to, cl->mapping,
			  cl->have_pages ? cl->pages : 0, stdout, e);
}

static int run_watch(const struct nc_ctx *ctx, const struct cmdline *cl,
		     struct nc_err *e)
{
	return watch_run(ctx, cl->args[1], stdout, stderr, e);
}

static const struct command commands[] = {
	{ "apply", 1, 1, OPT_DRY_RUN, run_apply },
	{ "dump", 0, 0, 0, run_dump },
	{ "diff", 1, 1, 0, run_diff },
	{ "status", 0, 0, OPT_JSON, run_status },
	{ "get", 1, 1, OPT_THREADS, run_get },
	{ "set", 2, 2, OPT_MAPPING | OPT_MOVE, run_set },
	{ "migrate", 1, 1, OPT_FROM | OPT_TO | OPT_MAPPING | OPT_PAGES,
	  run_migrate },
	{ "watch", 1, 1, 0, run_watch },
};

int main(int argc, char **argv)
{
	struct cmdline cl = { 0 };
	const struct command *cmd = NULL;
	struct nc_ctx ctx;
	struct nc_err e = { { 0 }, 0 };
	size_t i;
	int r;

	r = parse_cmdline(argc, argv, &cl);
	if (r)
		return r;
	if (!cl.nargs)
		return usage_error("no command given");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cl.args[0], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command");
	if (cl.nargs - 1 < cmd->min_args || cl.nargs - 1 > cmd->max_args)
		return usage_error("wrong number of arguments");
	if (cl.seen & ~cmd->allowed)
		return usage_error("option not valid for this command");
	nc_ctx_init(&ctx);
	ctx.verbose = cl.verbose;
	if (cmd->run(&ctx, &cl, &e)) {
		fflush(stdout);
		fprintf(stderr, "numacfg: %s\n", e.msg);
		return 1;
	}
	if (fflush(stdout) == EOF) {
		perror("numacfg: write error");
		return 1;
	}
	return 0;
}
