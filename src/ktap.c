// SPDX-License-Identifier: GPL-2.0
/*
 * The ktap command: parse the command line, compile the script, and run
 * it in the kernel (or dump it, or write it out as a chunk file).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compile.h"
#include "list.h"
#include "list_elf.h"
#include "list_tapsets.h"
#include "tapset_man.h"
#include "output.h"
#include "module.h"
#include "session.h"
#include "tpath.h"

enum kp_action {
	KP_RUN,		/* compile and run in the kernel */
	KP_DUMP,	/* -S: print the bytecode */
	KP_EMIT,	/* --emit-chunk: write the chunk to a file */
	KP_LIST,	/* -l [PATTERN]: list tools and tapsets */
	KP_INFO,	/* -i NAME: document one */
	KP_MAN,		/* --tapset-man DIR: man/ktap-tapsets.7's sections */
};

struct kp_cli {
	enum kp_action action;
	const char *eval;		/* -e text, or NULL */
	const char *script_path;	/* script file, or NULL */
	const char *emit_path;
	const char *chunk_path;		/* --run-chunk */
	const char *output_path;	/* -o */
	const char *info_name;		/* -i */
	char **args;			/* the words after the script */
	int nargs;
	char **cmd;			/* after --: the command to trace */
	const char **idirs;		/* -I DIR, in order */
	unsigned nidirs;
	struct kp_tpath tpath;
	char *tool_path;		/* the tool a NAME stands for */
	struct kp_run_options run;
};

enum {
	OPT_EMIT_CHUNK = 256,
	OPT_RUN_CHUNK,
	OPT_MAX_INSNS,
	OPT_MAX_MEMORY,
	OPT_MAX_STRING,
	OPT_MAX_DEPTH,
	OPT_MAX_ENTRIES,
	OPT_TAPSET_MAN,
};

static const struct option kp_long_options[] = {
	{ "eval", required_argument, NULL, 'e' },
	{ "dump-bytecode", no_argument, NULL, 'S' },
	{ "emit-chunk", required_argument, NULL, OPT_EMIT_CHUNK },
	{ "run-chunk", required_argument, NULL, OPT_RUN_CHUNK },
	{ "max-insns", required_argument, NULL, OPT_MAX_INSNS },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "max-string", required_argument, NULL, OPT_MAX_STRING },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
	{ "timeout", required_argument, NULL, 't' },
	{ "pid", required_argument, NULL, 'p' },
	{ "cpu", required_argument, NULL, 'C' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "output", required_argument, NULL, 'o' },
	{ "include", required_argument, NULL, 'I' },
	{ "list", no_argument, NULL, 'l' },
	{ "info", required_argument, NULL, 'i' },
	{ "tapset-man", required_argument, NULL, OPT_TAPSET_MAN },
	{ "quiet", no_argument, NULL, 'q' },
	{ "timestamp", no_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void kp_usage(FILE *f)
{
	fprintf(f,
		"Usage: ktap [OPTIONS] SCRIPT|TOOL [ARGS...] [-- COMMAND [ARGS...]]\n"
		"       ktap [OPTIONS] -e 'SCRIPT TEXT' [ARGS...] [-- COMMAND [ARGS...]]\n"
		"       ktap [-I DIR]... -l [PATTERN] | -i NAME\n"
		"\n"
		"Compile a ktap script and run it in the kernel (module ktapvm).\n"
		"A TOOL is the name of a tool script of the tapset path (see -l).\n"
		"\n"
		"  -e, --eval TEXT         run TEXT instead of a script file\n"
		"  -S, --dump-bytecode     print the compiled bytecode, do not run\n"
		"  -I, --include DIR       look for tapsets and tools in DIR first (repeatable)\n"
		"  -l, --list [PATTERN]    list the tools and library tapsets (matching PATTERN)\n"
		"  -i, --info NAME         describe a tool, tapset, tapset function or alias\n"
		"      --tapset-man DIR    print the manual's sections for DIR's tapsets (build)\n"
		"  -t, --timeout SECONDS   stop tracing after SECONDS (trace_end runs)\n"
		"  -p, --pid PID           trace only process PID (and its threads)\n"
		"  -C, --cpu CPU           trace only on CPU\n"
		"  -- COMMAND [ARGS...]    start COMMAND, trace only it, stop when it exits\n"
		"      --emit-chunk FILE   write the compiled chunk to FILE, do not run\n"
		"      --run-chunk FILE    run a chunk written by --emit-chunk\n"
		"      --max-insns N       instructions per invocation (default 1000000)\n"
		"      --max-memory BYTES  session memory (default 16M; K/M/G suffixes)\n"
		"      --max-string BYTES  length of one string (default 4096)\n"
		"      --max-depth N       nested function calls (default 200)\n"
		"      --max-entries N     entries of one table (default 1048576)\n"
		"  -B, --buffer-size SIZE  output buffer per CPU (default 256K; 8K to 1G,\n"
		"                          K/M/G suffixes, rounded up to a power of two)\n"
		"  -o, --output FILE       write the script's output to FILE\n"
		"  -T, --timestamp         start each output line with the seconds since start\n"
		"  -q, --quiet             print no banner or summary, only the output\n"
		"  -v, --verbose           say what ktap does (module, sizes, records)\n"
		"  -V, --version           print the versions of ktap and of the loaded module\n"
		"  -h, --help              print this help\n"
		"\n"
		"Listings (each the first word, but for -v; one match per line;\n"
		"exit status 1 when nothing matches):\n"
		"  -le [GLOB] [-v]         tracepoints as SUBSYS:EVENT (-v: with their fields)\n"
		"  -lf DSO [GLOB]          functions of an ELF file that uprobes can probe\n"
		"  -lm DSO [GLOB]          its SDT markers (provider:name and argument count)\n"
		"  -L, --list-args EVENTDEF  what argN and $name mean for EVENTDEF: tracepoint\n"
		"                          fields, kprobe/uprobe parameters from DWARF\n"
		"\n"
		"Exit status: 0 success, 1 script error, 2 usage error,\n"
		"3 system error (module missing, ABI mismatch, permission).\n");
}

/* A positive count with an optional K/M/G suffix. */
static int kp_parse_size(const char *opt, const char *text, unsigned long long *out)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10;
	else if (*end == 'M' || *end == 'm')
		mult = 1ULL << 20;
	else if (*end == 'G' || *end == 'g')
		mult = 1ULL << 30;
	if (mult != 1)
		end++;
	if (errno || end == text || *end || v == 0 || text[0] == '-' ||
	    v > ~0ULL / mult) {
		fprintf(stderr, "ktap: %s needs a positive number, not '%s'\n",
			opt, text);
		return -1;
	}
	*out = v * mult;
	return 0;
}

/* -B: a per-CPU ring size, rounded up to the power of two the module uses. */
static int kp_parse_buffer_size(const char *arg, __u32 *out)
{
	unsigned long long v;
	__u32 size = KTAP_OUTPUT_SIZE_MIN;

	if (kp_parse_size("-B", arg, &v))
		return -1;
	if (v < KTAP_OUTPUT_SIZE_MIN || v > KTAP_OUTPUT_SIZE_MAX) {
		fprintf(stderr, "ktap: -B needs a size from %uK to %uG per CPU, not '%s'\n",
			KTAP_OUTPUT_SIZE_MIN >> 10, KTAP_OUTPUT_SIZE_MAX >> 30,
			arg);
		return -1;
	}
	while (size < v)
		size <<= 1;
	*out = size;
	return 0;
}

/* The 32-bit limits: --max-string and --max-depth. */
static int kp_parse_limit32(const char *opt, const char *arg, __u32 *out)
{
	unsigned long long v;

	if (kp_parse_size(opt, arg, &v))
		return -1;
	if (v > 0xffffffffULL) {
		fprintf(stderr, "ktap: %s is at most 4294967295\n", opt);
		return -1;
	}
	*out = (__u32)v;
	return 0;
}

static int kp_parse_limit(int opt, const char *arg, struct ktap_limits *lim)
{
	unsigned long long v;

	switch (opt) {
	case OPT_MAX_INSNS:
		if (kp_parse_size("--max-insns", arg, &v))
			return -1;
		lim->max_insns = v;
		return 0;
	case OPT_MAX_MEMORY:
		if (kp_parse_size("--max-memory", arg, &v))
			return -1;
		lim->max_memory = v;
		return 0;
	case OPT_MAX_DEPTH:
		return kp_parse_limit32("--max-depth", arg, &lim->max_depth);
	case OPT_MAX_ENTRIES:
		return kp_parse_limit32("--max-entries", arg, &lim->max_entries);
	default:
		return kp_parse_limit32("--max-string", arg, &lim->max_string);
	}
}

/* -t SECONDS (may have a fraction), -p PID, -C CPU. */
static int kp_parse_session_opt(int opt, const char *arg,
				struct kp_run_options *run)
{
	char *end;
	double t;
	long n;

	errno = 0;
	if (opt == 't') {
		t = strtod(arg, &end);
		if (errno || end == arg || *end || !(t > 0) || t > 1e9) {
			fprintf(stderr, "ktap: -t needs a positive number of seconds, not '%s'\n",
				arg);
			return -1;
		}
		run->timeout = t;
		return 0;
	}
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < (opt == 'p') || n > 4194304) {
		fprintf(stderr, "ktap: %s needs a %s, not '%s'\n",
			opt == 'p' ? "-p" : "-C",
			opt == 'p' ? "process id" : "CPU number", arg);
		return -1;
	}
	if (opt == 'p')
		run->pid = (int)n;
	else
		run->cpu = (int)n;
	return 0;
}

/*
 * "-- COMMAND ARGS": after -e or --run-chunk, getopt has eaten the
 * "--" and every word is the command; after a script file, the words
 * after a "--" are.
 */
static void kp_split_command(int argc, char **argv, struct kp_cli *cli)
{
	int i;

	if (optind > 1 && !strcmp(argv[optind - 1], "--") &&
	    !cli->script_path) {
		cli->cmd = cli->nargs ? cli->args : NULL;
		cli->nargs = 0;
		return;
	}
	for (i = 0; i < cli->nargs; i++) {
		if (!strcmp(cli->args[i], "--")) {
			cli->cmd = i + 1 < cli->nargs ? cli->args + i + 1 : NULL;
			cli->args[i] = NULL;
			cli->nargs = i;
			return;
		}
	}
	(void)argc;
}

static int kp_print_version(void)
{
	struct ktap_version v;

	printf("ktap %s (ABI %d.%d)\n", PACKAGE_VERSION, KTAP_ABI_MAJOR,
	       KTAP_ABI_MINOR);
	if (kp_module_version(&v) == 0)
		printf("ktapvm %s (ABI %u.%u)\n", v.package_version,
		       v.abi_major, v.abi_minor);
	else if (errno == ENOENT)
		printf("ktapvm not loaded (%s is missing)\n", KTAP_DEVICE_PATH);
	else
		printf("ktapvm unknown (%s: %s)\n", KTAP_DEVICE_PATH,
		       strerror(errno));
	return KP_EXIT_OK;
}

/* -l [PATTERN] and -i NAME take nothing else but -I. */
static int kp_check_listing(int argc, char **argv, struct kp_cli *cli)
{
	if (cli->action == KP_LIST && optind < argc)
		cli->info_name = argv[optind++];
	if (optind < argc || cli->eval || cli->chunk_path) {
		fprintf(stderr, "ktap: -l [PATTERN] and -i NAME take no script, command or -e\n"
			"Try 'ktap --help' for more information.\n");
		return KP_EXIT_USAGE;
	}
	return -1;
}

/* Returns -1 to continue, or the exit status to end with. */
static int kp_parse_args(int argc, char **argv, struct kp_cli *cli)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "+e:St:p:C:VhB:o:qTvI:li:", kp_long_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'B':
			if (kp_parse_buffer_size(optarg,
						 &cli->run.limits.output_size))
				return KP_EXIT_USAGE;
			break;
		case 'o':
			cli->output_path = optarg;
			break;
		case 'I':
			cli->idirs[cli->nidirs++] = optarg;
			break;
		case 'l':
			cli->action = KP_LIST;
			break;
		case 'i':
			cli->action = KP_INFO;
			cli->info_name = optarg;
			break;
		case OPT_TAPSET_MAN:
			cli->action = KP_MAN;
			cli->info_name = optarg;
			break;
		case 'q':
			kp_verbosity = 0;
			break;
		case 'T':
			cli->run.timestamps = true;
			break;
		case 'v':
			kp_verbosity++;
			break;
		case 'e':
			cli->eval = optarg;
			break;
		case 'S':
			cli->action = KP_DUMP;
			break;
		case OPT_EMIT_CHUNK:
			cli->action = KP_EMIT;
			cli->emit_path = optarg;
			break;
		case OPT_RUN_CHUNK:
			cli->chunk_path = optarg;
			break;
		case 't':
		case 'p':
		case 'C':
			if (kp_parse_session_opt(opt, optarg, &cli->run))
				return KP_EXIT_USAGE;
			break;
		case OPT_MAX_INSNS:
		case OPT_MAX_MEMORY:
		case OPT_MAX_STRING:
		case OPT_MAX_DEPTH:
		case OPT_MAX_ENTRIES:
			if (kp_parse_limit(opt, optarg, &cli->run.limits))
				return KP_EXIT_USAGE;
			break;
		case 'V':
			return kp_print_version();
		case 'h':
			kp_usage(stdout);
			return KP_EXIT_OK;
		default:
			fprintf(stderr, "Try 'ktap --help' for more information.\n");
			return KP_EXIT_USAGE;
		}
	}
	if (cli->action == KP_LIST || cli->action == KP_INFO ||
	    cli->action == KP_MAN)
		return kp_check_listing(argc, argv, cli);
	if (optind < argc && !cli->eval && !cli->chunk_path &&
	    strcmp(argv[optind - 1], "--"))
		cli->script_path = argv[optind++];
	cli->args = argv + optind;
	cli->nargs = argc - optind;
	kp_split_command(argc, argv, cli);
	if (cli->cmd && cli->run.pid) {
		fprintf(stderr, "ktap: -p and -- COMMAND cannot be combined\n");
		return KP_EXIT_USAGE;
	}
	if (!!cli->eval + !!cli->script_path + !!cli->chunk_path != 1) {
		fprintf(stderr, "ktap: give exactly one of a script file, -e TEXT or --run-chunk FILE\n"
			"Try 'ktap --help' for more information.\n");
		return KP_EXIT_USAGE;
	}
	if (cli->chunk_path && cli->action != KP_RUN) {
		fprintf(stderr, "ktap: --run-chunk cannot be combined with -S or --emit-chunk\n");
		return KP_EXIT_USAGE;
	}
	return -1;
}

/* Read a whole file (a script or a chunk); NULL after printing why. */
static char *kp_read_file(const char *path, size_t *len)
{
	char *buf;

	if (access(path, R_OK)) {
		fprintf(stderr, "ktap: cannot open '%s': %s\n", path,
			strerror(errno));
		return NULL;
	}
	buf = kp_tpath_read(path, len);
	if (!buf)
		fprintf(stderr, "ktap: cannot read '%s': %s\n", path,
			strerror(errno));
	return buf;
}

static int kp_write_chunk(const char *path, const struct kp_chunk_buf *chunk)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(chunk->data, 1, chunk->len, f) != chunk->len ||
	    fclose(f)) {
		fprintf(stderr, "ktap: cannot write '%s': %s\n", path,
			strerror(errno));
		return KP_EXIT_SYSTEM;
	}
	return KP_EXIT_OK;
}

/* Chunk files carry no events: those are resolved on the running kernel. */
static int kp_emit_chunk(const char *path, const struct kp_chunk_buf *chunk)
{
	if (chunk->events.n || chunk->end_proto) {
		fprintf(stderr, "ktap: --emit-chunk cannot write a script with trace, timer or trace_end blocks yet (their events belong to the running kernel)\n");
		return KP_EXIT_USAGE;
	}
	return kp_write_chunk(path, chunk);
}

static int kp_run_compiled(const struct kp_cli *cli,
			   const struct kp_chunk_buf *chunk)
{
	struct kp_run_options run = cli->run;

	run.events = chunk->events.ev;
	run.nevents = chunk->events.n;
	run.end_proto = chunk->end_proto;
	run.cmd = cli->cmd;
	run.lines = &chunk->lines;
	run.user_stacks = chunk->user_stacks;
	return kp_session_run(chunk->data, chunk->len, &run);
}

static int kp_run_chunk_file(const struct kp_cli *cli)
{
	size_t len;
	char *data = kp_read_file(cli->chunk_path, &len);
	struct kp_run_options run = cli->run;
	int ret;

	if (!data)
		return KP_EXIT_SYSTEM;
	run.cmd = cli->cmd;
	ret = kp_session_run(data, len, &run);
	free(data);
	return ret;
}

/* -S: which body each event runs (what globs and probe aliases chose). */
static int kp_dump_events(FILE *f, const struct kp_chunk_buf *chunk)
{
	unsigned i;

	if (chunk->events.n || chunk->end_proto)
		fputc('\n', f);
	for (i = 0; i < chunk->events.n; i++)
		fprintf(f, "event %s: proto %u\n", chunk->events.ev[i].name,
			chunk->events.ev[i].proto);
	if (chunk->end_proto)
		fprintf(f, "trace_end: proto %u\n", chunk->end_proto);
	return 0;
}

/*
 * A script word that names no file but a tool (no '/' in it) runs that
 * tool: "ktap opensnoop" is tools/opensnoop.kp of the tapset path.
 */
static int kp_find_tool(struct kp_cli *cli)
{
	const char *name = cli->script_path;

	if (!name || strchr(name, '/') || access(name, F_OK) == 0)
		return 0;
	cli->tool_path = kp_tpath_find_tool(&cli->tpath, name);
	if (cli->tool_path) {
		cli->script_path = cli->tool_path;
		return 0;
	}
	if (!kp_tpath_is_tool_name(name))
		return 0;	/* kp_read_file() says it cannot open it */
	fprintf(stderr, "ktap: '%s' is neither a script file nor a tool (see 'ktap -l' for the tools there are)\n",
		name);
	return -1;
}

static int kp_compile_and_act(const struct kp_cli *cli)
{
	struct kp_chunk_buf chunk = { 0 };
	const char *name = cli->eval ? "-e" : cli->script_path;
	char *text = NULL;
	size_t len;
	int ret;

	if (cli->eval) {
		len = strlen(cli->eval);
	} else {
		text = kp_read_file(cli->script_path, &len);
		if (!text)
			return KP_EXIT_SYSTEM;
	}
	if (kp_compile_lib(name, cli->eval ? cli->eval : text, len,
			   (const char *const *)cli->args, cli->nargs,
			   &cli->tpath, stderr, &chunk)) {
		free(text);
		return KP_EXIT_SCRIPT;
	}
	free(text);
	kp_msg_verbose("compiled %s: %zu bytes of bytecode", name, chunk.len);
	if (cli->action == KP_DUMP)
		ret = kp_disasm(cli->run.out, chunk.data, chunk.len) ||
		      kp_dump_events(cli->run.out, &chunk) ?
			KP_EXIT_SCRIPT : KP_EXIT_OK;
	else if (cli->action == KP_EMIT)
		ret = kp_emit_chunk(cli->emit_path, &chunk);
	else
		ret = kp_run_compiled(cli, &chunk);
	kp_chunk_buf_free(&chunk);
	return ret;
}

/* -o: the script's output (or -S's listing) goes to a file. */
static int kp_open_output(struct kp_cli *cli)
{
	cli->run.out = stdout;
	if (!cli->output_path)
		return 0;
	cli->run.out = fopen(cli->output_path, "w");
	if (!cli->run.out) {
		fprintf(stderr, "ktap: cannot open output file '%s': %s\n",
			cli->output_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int kp_close_output(struct kp_cli *cli, int ret)
{
	if (cli->run.out == stdout)
		return ret;
	if (fclose(cli->run.out)) {
		fprintf(stderr, "ktap: cannot write output file '%s': %s\n",
			cli->output_path, strerror(errno));
		return ret == KP_EXIT_OK ? KP_EXIT_SYSTEM : ret;
	}
	return ret;
}

/*
 * The discovery listings are words of their own, seen before getopt
 * (which would read -le as -l -e): -le (tracepoints), -lf (functions of
 * an ELF file), -lm (its SDT markers), -L (what argN and $name mean); a
 * bare -l (tapsets and tools) is getopt's.  -v words may come anywhere.
 * Each listing lives in its own src/list_*.c.
 */
static int kp_list_lf(int verbose, char **args, int nargs)
{
	(void)verbose;
	return kp_list_functions(nargs, args);
}

static int kp_list_lm(int verbose, char **args, int nargs)
{
	(void)verbose;
	return kp_list_markers(nargs, args);
}

static const struct kp_listing {
	const char *word;
	int (*run)(int verbose, char **args, int nargs);
} kp_listings[] = {
	{ "-le", kp_list_tracepoints },
	{ "-lf", kp_list_lf },
	{ "-lm", kp_list_lm },
	{ "-L", kp_list_args },
	{ "--list-args", kp_list_args },
};

/* The listing a word asks for, or NULL. */
static const struct kp_listing *kp_listing_of(const char *word)
{
	size_t k;

	for (k = 0; k < sizeof(kp_listings) / sizeof(kp_listings[0]); k++)
		if (!strcmp(word, kp_listings[k].word))
			return &kp_listings[k];
	return NULL;
}

/* The exit status of a listing, or -1 when argv asks for none. */
static int kp_list_dispatch(int argc, char **argv)
{
	const struct kp_listing *l = NULL;
	int i, nargs = 0, verbose = 0;
	char **args = argv + argc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose++;
		} else if (l) {
			args[nargs++] = argv[i];	/* compacted over -v */
		} else {
			l = kp_listing_of(argv[i]);
			if (!l)
				return -1;	/* a script, -e...: no listing */
			args = argv + i + 1;
		}
	}
	return l ? l->run(verbose, args, nargs) : -1;
}

static int kp_run_cli(struct kp_cli *cli)
{
	int ret;

	if (cli->action == KP_LIST)
		return kp_list_tapsets(&cli->tpath, cli->info_name);
	if (cli->action == KP_INFO)
		return kp_list_info(&cli->tpath, cli->info_name);
	if (cli->action == KP_MAN)
		return kp_man_tapsets(stdout, cli->info_name);
	if (kp_find_tool(cli))
		return KP_EXIT_SYSTEM;
	if (kp_open_output(cli))
		return KP_EXIT_SYSTEM;
	if (cli->chunk_path)
		ret = kp_run_chunk_file(cli);
	else
		ret = kp_compile_and_act(cli);
	return kp_close_output(cli, ret);
}

int main(int argc, char **argv)
{
	struct kp_cli cli = { .action = KP_RUN, .run.cpu = -1 };
	int ret = kp_list_dispatch(argc, argv);

	if (ret >= 0)
		return ret;
	cli.idirs = calloc((size_t)argc, sizeof(*cli.idirs));
	if (!cli.idirs)
		return KP_EXIT_SYSTEM;
	ret = kp_parse_args(argc, argv, &cli);
	if (ret < 0) {
		kp_tpath_init(&cli.tpath, cli.idirs, cli.nidirs);
		ret = kp_run_cli(&cli);
		kp_tpath_free(&cli.tpath);
	}
	free(cli.tool_path);
	free(cli.idirs);
	return ret;
}
