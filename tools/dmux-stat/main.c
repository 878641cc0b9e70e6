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

static const char usage[] =
"usage: dmux-stat [OPTIONS] [COMMAND]\n"
"\n"
"Without a command: a table of every wwan / BAM-DMUX interface (name wwan*,\n"
"or driver qcom_bam_dmux) with link state, XDP mode and program, the dmux.bpf\n"
"counters and the driver's ethtool -S counters.\n"
"\n"
"Options:\n"
"  -i, --iface IFACE     show IFACE (any interface; repeatable)\n"
"  -w, --watch [SEC]     live rates every SEC seconds (default 1); Ctrl-C quits\n"
"  -j, --json            JSON output;  -p, --pretty  indented JSON\n"
"      --prometheus      Prometheus text exposition (node-exporter textfile)\n"
"      --pin-dir DIR     pinned maps (default " DMUX_PIN_DIR ")\n"
"      --force           replace or detach an XDP program dmux-stat did not load,\n"
"                        share a channel, unpin while attached\n"
"  -h, --help            this text\n"
"\n"
"Commands:\n"
"  attach IFACE [--mode native|generic] [--policy allow|deny]\n"
"               [--channel N] [--qmap off|v1|v5]\n"
"  detach IFACE\n"
"  config IFACE [--channel N] [--policy allow|deny] [--qmap off|v1|v5]\n"
"  config malformed CLASS pass|drop      (CLASS: qmap_trunc qmap_len qmap_mux\n"
"                                         ip_trunc ip_version ip4_hdr ip6_len\n"
"                                         ip6_ext l4_trunc, or all)\n"
"  rule add [--id N] [src PFX] [dst PFX] [proto P] [sport A[-B]] [dport A[-B]]\n"
"           [mux N] [family 4|6] pass|drop|redirect IFACE|xsk QUEUE|xsk rxq|cpu N\n"
"                        (P: tcp udp udplite sctp icmp icmpv6 gre esp ah or N;\n"
"                         a rule that cannot work is refused)\n"
"  rule del ID | all\n"
"  rule list             rules in match order, with hit counts\n"
"  status                attachment, ownership, configuration and rule count\n"
"  unpin                 remove this tool's pins (refused while a program uses them)\n"
"\n"
"Exit status:\n"
"  0 success             1 runtime failure\n"
"  2 usage error, or a rule that cannot work\n"
"  3 no privilege (needs CAP_BPF and CAP_NET_ADMIN; run as root)\n"
"  4 no such interface   5 no BPF filesystem at /sys/fs/bpf\n"
"  6 an XDP program of another tool is attached (use --force)\n"
"  7 kernel or driver without BPF/XDP support\n"
"  8 dmux maps not pinned (attach first, or load dmux.bpf.o with ip link)\n"
"  9 pinned maps of another dmux.bpf layout (dmux-stat unpin)\n";

static int libbpf_quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	if (l == LIBBPF_WARN && getenv("DMUX_STAT_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int main(int argc, char **argv)
{
	char *rest[64];
	int nrest = 0;

	g_opts.out = stdout;
	libbpf_set_print(libbpf_quiet);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

#define NEXT() (i + 1 < argc ? argv[++i] : (fail(EX_USAGE, "%s needs a value", a), exit(EX_USAGE), NULL))
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return EX_OK;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			g_opts.json = 1;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			g_opts.json = g_opts.pretty = 1;
		} else if (!strcmp(a, "--prometheus")) {
			g_opts.prometheus = 1;
		} else if (!strcmp(a, "--force")) {
			g_opts.force = 1;
		} else if (!strcmp(a, "--pin-dir")) {
			g_opts.pin_dir = NEXT();
		} else if (!strcmp(a, "-i") || !strcmp(a, "--iface")) {
			if (g_opts.n_ifnames == 16)
				return fail(EX_USAGE, "too many -i");
			g_opts.ifnames[g_opts.n_ifnames++] = NEXT();
		} else if (!strcmp(a, "-w") || !strcmp(a, "--watch")) {
			char *e;
			double s = i + 1 < argc ? strtod(argv[i + 1], &e) : 0;

			g_opts.watch = 1;
			if (i + 1 < argc && e != argv[i + 1] && !*e) {
				if (s < 0.1 || s > 3600)
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
	if (!nrest)
		return g_opts.watch ? cmd_watch() : cmd_show();
	if (!strcmp(rest[0], "attach"))
		return cmd_attach(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "detach"))
		return cmd_detach(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "status"))
		return cmd_status(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "rule"))
		return cmd_rule(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "config"))
		return cmd_config(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "unpin"))
		return cmd_unpin(nrest - 1, rest + 1);
	if (!strcmp(rest[0], "show") || !strcmp(rest[0], "stats"))
		return g_opts.watch ? cmd_watch() : cmd_show();
	fprintf(stderr, "%s", usage);
	return fail(EX_USAGE, "unknown command '%s'", rest[0]);
}
