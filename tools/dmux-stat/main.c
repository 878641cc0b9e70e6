// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dmux-stat: counters, rules and attachment of the BAM-DMUX XDP program.
 * See dmux-stat.8 and docs/bpf.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>
#include "dmux-stat.h"

struct opts g_opts;

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
"      --force           replace or detach an XDP program dmux-stat did not load\n"
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
"           [mux N] pass|drop|redirect IFACE|xsk QUEUE|xsk rxq|cpu N\n"
"  rule del ID | all\n"
"  rule list             rules in match order, with hit counts\n"
"  status                attachment, ownership, configuration and rule count\n"
"\n"
"Exit status:\n"
"  0 success             1 runtime failure       2 usage error\n"
"  3 no privilege (needs CAP_BPF and CAP_NET_ADMIN; run as root)\n"
"  4 no such interface   5 no BPF filesystem at /sys/fs/bpf\n"
"  6 an XDP program of another tool is attached (use --force)\n"
"  7 kernel or driver without BPF/XDP support\n"
"  8 dmux maps not pinned (attach first, or load dmux.bpf.o with ip link)\n";

int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dmux-stat: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int errno_code(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case EPERM:
	case EACCES:
		return EX_PRIV;
	case ENODEV:
		return EX_NOIF;
	case ENOSYS:
	case EOPNOTSUPP:
	case 524:	/* the kernel's ENOTSUPP */
		return EX_NOXDP;
	default:
		return EX_FAIL;
	}
}

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return !!(d[cap / 32].effective & (1U << (cap % 32)));
}

/* BPF needs CAP_BPF (or CAP_SYS_ADMIN); XDP attach needs CAP_NET_ADMIN. */
int check_caps(int net_admin)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d))
		return EX_OK;	/* cannot tell: let the kernel decide */
	if (!has_cap(d, CAP_BPF) && !has_cap(d, CAP_SYS_ADMIN))
		return fail(EX_PRIV, "needs CAP_BPF and CAP_NET_ADMIN (run as root)");
	if (net_admin && !has_cap(d, CAP_NET_ADMIN))
		return fail(EX_PRIV, "needs CAP_NET_ADMIN to attach or detach XDP programs");
	return EX_OK;
}

int check_bpffs(void)
{
	struct statfs s;

	if (statfs("/sys/fs/bpf", &s) || s.f_type != BPF_FS_MAGIC)
		return fail(EX_NOBPFFS, "no BPF filesystem at /sys/fs/bpf "
			    "(mount -t bpf bpf /sys/fs/bpf)");
	return EX_OK;
}

int open_maps(struct dmux_fds *f, int need)
{
	int err, rc = check_caps(0);

	if (rc || (rc = check_bpffs()))
		return rc;
	if (g_opts.pin_dir) {
		err = dmux_fds_from_pins(f, g_opts.pin_dir);
	} else {	/* iproute2's and dmux-stat's dir, then libbpf's default */
		err = dmux_fds_from_pins(f, DMUX_PIN_DIR);
		if (err == -ENOENT)
			err = dmux_fds_from_pins(f, "/sys/fs/bpf");
	}
	if (!err)
		return EX_OK;
	if (err == -EPERM || err == -EACCES)
		return fail(EX_PRIV, "cannot open pinned maps: %s (needs CAP_BPF and "
			    "CAP_NET_ADMIN)", strerror(-err));
	if (need)
		return fail(EX_NOMAPS, "dmux maps not pinned in %s: run 'dmux-stat attach "
			    "IFACE' or 'ip link set IFACE xdp obj dmux.bpf.o sec xdp'",
			    g_opts.pin_dir ? g_opts.pin_dir : DMUX_PIN_DIR);
	return EX_NOMAPS;
}

int cmd_show(void)
{
	struct dmux_fds f;
	struct iface *v;
	int n, rc, have;

	rc = ifaces_collect(&v, &n);
	if (rc) {
		free(v);
		return rc;
	}
	rc = open_maps(&f, 0);
	if (rc != EX_OK && rc != EX_NOMAPS) {
		ifaces_free(v, n);
		return rc;
	}
	have = rc == EX_OK;
	for (int k = 0; k < n; k++)
		iface_read_counters(&v[k], have ? &f : NULL);
	if (g_opts.prometheus)
		show_prometheus(g_opts.out, v, n, have ? &f : NULL);
	else if (g_opts.json)
		show_json(g_opts.out, v, n, have ? &f : NULL);
	else
		show_table(g_opts.out, v, n);
	ifaces_free(v, n);
	if (have)
		dmux_fds_close(&f);
	return EX_OK;
}

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
	if (!strcmp(rest[0], "show") || !strcmp(rest[0], "stats"))
		return g_opts.watch ? cmd_watch() : cmd_show();
	fprintf(stderr, "%s", usage);
	return fail(EX_USAGE, "unknown command '%s'", rest[0]);
}
