// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dmux-stat: counters, rules and attachment of the BAM-DMUX XDP program.
 * Option parsing and dispatch; see dmux-stat.8 and docs/bpf.md.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "dmux-stat.h"
#include "json.h"

#ifndef DMUX_STAT_VERSION
#define DMUX_STAT_VERSION "unknown"
#endif

struct command {
	const char *name;
	const char *synopsis;	/* one line per form ("\t" starts a continuation) */
	const char *help;	/* per-command text */
	int (*run)(int argc, char **argv);
};

static int run_show(int argc, char **argv);

static const struct command commands[] = {
	{ "show", "[show]",
	  "A table of every wwan / BAM-DMUX interface (name wwan*, or driver\n"
	  "qcom_bam_dmux; -i IFACE for others): link, XDP mode and program, QMAP\n"
	  "mode (marked ! when the driver's differs: dmux-stat refresh), the\n"
	  "dmux.bpf counters, a row per QMAP mux id seen (packets, bytes, pass,\n"
	  "drop, redirect, malformed) and the driver's ethtool -S counters. With\n"
	  "-w, live rates; with -j/-p JSON; with --prometheus the text exposition\n"
	  "format.\n",
	  run_show },
	{ "attach", "attach IFACE [--mode native|generic] [--policy allow|deny]\n"
	  "\t[--channel N] [--qmap auto|off|v1|v4|v5]",
	  "Load dmux.bpf (reusing the pinned maps) and attach it to IFACE. A program\n"
	  "already there is replaced atomically (XDP_FLAGS_REPLACE): if the attach\n"
	  "fails, the previous program stays. Switching modes keeps the old program\n"
	  "until the new mode is known to work. An identical dmux.bpf already\n"
	  "attached by dmux-stat in the same mode is kept (only the configuration\n"
	  "changes). The channel is N of wwanN, else --channel, else the lowest free\n"
	  "one; two interfaces never share a channel's counters (--force allows it).\n"
	  "--qmap auto (the default) takes the QMAP mode from the driver's ethtool\n"
	  "private flags (qmap, qmap-csum-v4, qmap-csum-v5; none: Raw-IP); a mode\n"
	  "given by hand must agree with them (--force overrides).\n",
	  cmd_attach },
	{ "detach", "detach IFACE",
	  "Detach the XDP program dmux-stat attached (--force: any program).\n"
	  "Channel configuration and counters stay.\n",
	  cmd_detach },
	{ "config", "config IFACE [--channel N] [--policy allow|deny] [--qmap auto|off|v1|v4|v5]\n"
	  "config malformed CLASS|all pass|drop",
	  "Change an interface's channel, default policy or QMAP mode, also of a\n"
	  "program loaded with ip link (--qmap as for attach); or the verdict of a\n"
	  "malformed class: qmap_trunc qmap_len qmap_mux qmap_fmt ip_trunc ip_version\n"
	  "ip4_hdr ip6_len ip6_ext l4_trunc, or all.\n",
	  cmd_config },
	{ "refresh", "refresh [IFACE...]",
	  "Read the driver's QMAP mode (ethtool private flags) again for every\n"
	  "interface that follows it (--qmap auto), or the IFACEs given, and update\n"
	  "the program's configuration. Run it after ethtool --set-priv-flags: until\n"
	  "then the program drops every frame of the new format as malformed\n"
	  "(qmap_fmt, ip_version, ip4_hdr), it never passes them unchecked. An\n"
	  "interface whose mode was set by hand is reported, not changed.\n",
	  cmd_refresh },
	{ "rule", "rule add [--id N] [src PFX] [dst PFX] [proto P] [sport A[-B]]\n"
	  "\t[dport A[-B]] [mux N] [family 4|6] VERDICT\n"
	  "rule del ID|all\n"
	  "rule list",
	  "VERDICT: pass | drop | redirect IFACE | xsk QUEUE | xsk rxq | cpu N.\n"
	  "P: tcp udp udplite sctp icmp icmpv6 gre esp ah or a number; ports need\n"
	  "tcp, udp, udplite or sctp; N a possible CPU. mux 0..254 matches the MAP\n"
	  "mux id of a QMAP channel's frames (never a Raw-IP frame), with any of the\n"
	  "other fields; QMAP command frames pass whatever the rules. Rules match in\n"
	  "ascending id (the lowest matching id decides); a new rule gets the next\n"
	  "id unless --id. A rule that cannot match, a duplicate, or a target that\n"
	  "does not exist is refused (exit 2). Edits are serialised by a lock on the\n"
	  "pin directory. rule list shows the rules with their hit counts.\n",
	  cmd_rule },
	{ "status", "status",
	  "Pin directory, rule count, malformed verdicts, and per interface the XDP\n"
	  "mode, program, owner, channel and policy.\n",
	  cmd_status },
	{ "unpin", "unpin",
	  "Remove this tool's pins (the dmux maps, by name) from the pin directory,\n"
	  "for example after a layout change (exit 9). Refused while a dmux_xdp\n"
	  "program is attached to an interface of this network namespace, unless\n"
	  "--force. Programs keep their maps; only the pins go.\n",
	  cmd_unpin },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char options[] =
"Options:\n"
"  -i, --iface IFACE     show IFACE (any interface; repeatable)\n"
"  -w, --watch [SEC]     live rates every SEC seconds (default 1); Ctrl-C quits\n"
"  -j, --json            JSON output, errors included ({\"error\": \"...\"})\n"
"  -p, --pretty          indented JSON\n"
"      --prometheus      Prometheus text exposition (node-exporter textfile)\n"
"      --pin-dir DIR     pinned maps (default " DMUX_PIN_DIR ")\n"
"      --force           replace or detach an XDP program dmux-stat did not load,\n"
"                        share a channel, unpin while attached, set a --qmap\n"
"                        mode the driver's private flags contradict\n"
"  -d, --debug           libbpf's messages (the verifier log of a failed load)\n"
"  -V, --version         version and libbpf version\n"
"  -h, --help            this text; COMMAND --help: that command's\n";

static const char exit_codes[] =
"Exit status:\n"
"  0 success             1 runtime failure\n"
"  2 usage error, or a rule that cannot work\n"
"  3 no privilege (needs CAP_BPF and CAP_NET_ADMIN; run as root)\n"
"  4 no such interface   5 no BPF filesystem at /sys/fs/bpf (cannot mount one)\n"
"  6 an XDP program of another tool is attached (use --force)\n"
"  7 kernel or driver without BPF/XDP support\n"
"  8 dmux maps not pinned (attach first, or load dmux.bpf.o with ip link)\n"
"  9 pinned maps of another dmux.bpf layout (dmux-stat unpin)\n";

/* Each form of @c's synopsis on a line of its own, after @lead. */
static void synopsis(FILE *o, const struct command *c, const char *lead)
{
	const char *p = c->synopsis;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (*p == '\t')
			fprintf(o, "%*s%.*s\n", (int)strlen(lead) + 4, "", (int)n - 1, p + 1);
		else
			fprintf(o, "%s%.*s\n", lead, (int)n, p);
		p += n + !!p[n];
	}
}

static void usage(FILE *o)
{
	fputs("usage: dmux-stat [OPTIONS] [COMMAND]\n\nCommands:\n", o);
	for (size_t i = 0; i < N_COMMANDS; i++)
		synopsis(o, &commands[i], "  dmux-stat ");
	fprintf(o, "\nWithout a command: show. VERDICT: pass | drop | redirect IFACE |\n"
		"xsk QUEUE | xsk rxq | cpu N (dmux-stat rule --help).\n\n%s\n%s", options,
		exit_codes);
}

static void command_usage(const struct command *c)
{
	printf("usage:\n");
	synopsis(stdout, c, "  dmux-stat [OPTIONS] ");
	printf("\n%s\n%s", c->help, options);
}

static const struct command *find_command(const char *name)
{
	if (!strcmp(name, "stats"))
		name = "show";
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int run_show(int argc, char **argv)
{
	if (argc)
		return fail(EX_USAGE, "unexpected '%s' (show takes options only: -i IFACE, -w, -j, "
			    "--prometheus)", argv[0]);
	return g_opts.watch ? cmd_watch() : cmd_show();
}

static int libbpf_print(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	(void)l;	/* -d: all of them, as bpftool -d */
	if (!g_opts.debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int version(void)
{
	char lib[32];

	snprintf(lib, sizeof(lib), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	if (g_opts.json) {
		struct jw w;

		jw_init(&w, stdout, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "version", DMUX_STAT_VERSION);
		jw_str(&w, "libbpf", lib);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("dmux-stat %s (libbpf %s)\n", DMUX_STAT_VERSION, lib);
	}
	return EX_OK;
}

int main(int argc, char **argv)
{
	char *rest[64];
	int nrest = 0, help = 0, ver = 0;
	const struct command *c;

	g_opts.out = stdout;
	if (getenv("DMUX_STAT_DEBUG"))
		g_opts.debug = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

#define NEXT() (i + 1 < argc ? argv[++i] : NULL)
		if (!strcmp(a, "--")) {
			while (++i < argc && nrest < 63)
				rest[nrest++] = argv[i];
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help = 1;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			ver = 1;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			g_opts.json = 1;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			g_opts.json = g_opts.pretty = 1;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			g_opts.debug++;
		} else if (!strcmp(a, "--prometheus")) {
			g_opts.prometheus = 1;
		} else if (!strcmp(a, "--force")) {
			g_opts.force = 1;
		} else if (!strcmp(a, "--pin-dir")) {
			if (!(g_opts.pin_dir = NEXT()))
				return fail(EX_USAGE, "--pin-dir needs a directory");
		} else if (!strcmp(a, "-i") || !strcmp(a, "--iface")) {
			const char *v = NEXT();

			if (!v)
				return fail(EX_USAGE, "%s needs an interface", a);
			if (g_opts.n_ifnames == 16)
				return fail(EX_USAGE, "too many -i (at most 16)");
			g_opts.ifnames[g_opts.n_ifnames++] = v;
		} else if (!strcmp(a, "-w") || !strcmp(a, "--watch")) {
			char *e;
			double s = i + 1 < argc ? strtod(argv[i + 1], &e) : 0;

			g_opts.watch = 1;
			if (i + 1 < argc && e != argv[i + 1] && !*e) {
				if (!(s >= 0.1 && s <= 3600))
					return fail(EX_USAGE, "watch interval 0.1..3600 s");
				g_opts.watch = s;
				i++;
			}
		} else {
			if (nrest == 63)
				return fail(EX_USAGE, "too many arguments");
			rest[nrest++] = argv[i];
		}
#undef NEXT
	}
	rest[nrest] = NULL;
	libbpf_set_print(libbpf_print);
	if (g_opts.prometheus && (g_opts.json || g_opts.watch))
		return fail(EX_USAGE, "--prometheus is a snapshot without -j or -w");
	if (ver)
		return version();
	if (nrest && !strcmp(rest[0], "help")) {	/* dmux-stat help [COMMAND] */
		help = 1;
		memmove(rest, rest + 1, nrest-- * sizeof(rest[0]));
	}
	c = nrest ? find_command(rest[0]) : &commands[0];
	if (help) {
		if (c && nrest)
			command_usage(c);
		else if (nrest)
			return fail(EX_USAGE, "no command '%s' (dmux-stat --help lists them)", rest[0]);
		else
			usage(stdout);
		return EX_OK;
	}
	if (!c) {
		if (!g_opts.json)
			usage(stderr);
		return fail(EX_USAGE, "unknown command '%s'", rest[0]);
	}
	if (g_opts.watch && c->run != run_show)
		return fail(EX_USAGE, "-w belongs to show, not %s", c->name);
	return nrest ? c->run(nrest - 1, rest + 1) : c->run(0, rest);
}
