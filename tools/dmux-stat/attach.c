// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* attach, detach, config, status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmux-stat.h"
#include "dmux.skel.h"
#include "json.h"

struct if_args {
	const char *ifname;
	const char *mode;	/* native, generic, NULL = kernel's choice */
	int policy;		/* DMUX_V_PASS/DROP, -1 unset */
	int channel;		/* -1 unset */
	int qmap;		/* -1 unset, else DMUX_IF_* flags */
};

static int parse_if_args(int argc, char **argv, struct if_args *a)
{
	*a = (struct if_args){ .policy = -1, .channel = -1, .qmap = -1 };
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (k[0] != '-') {
			if (a->ifname)
				return fail(EX_USAGE, "unexpected '%s'", k);
			a->ifname = k;
			continue;
		}
		if (!v)
			return fail(EX_USAGE, "%s needs a value", k);
		i++;
		if (!strcmp(k, "--mode")) {
			if (strcmp(v, "native") && strcmp(v, "generic"))
				return fail(EX_USAGE, "--mode native|generic");
			a->mode = v;
		} else if (!strcmp(k, "--policy")) {
			if (strcmp(v, "allow") && strcmp(v, "deny"))
				return fail(EX_USAGE, "--policy allow|deny");
			a->policy = v[0] == 'a' ? DMUX_V_PASS : DMUX_V_DROP;
		} else if (!strcmp(k, "--channel")) {
			char *e;
			long c = strtol(v, &e, 10);

			if (e == v || *e || c < 0 || c >= DMUX_NUM_CHANNELS)
				return fail(EX_USAGE, "--channel 0..%d", DMUX_NUM_CHANNELS - 1);
			a->channel = c;
		} else if (!strcmp(k, "--qmap")) {
			if (!strcmp(v, "off"))
				a->qmap = 0;
			else if (!strcmp(v, "v1"))
				a->qmap = DMUX_IF_QMAP;
			else if (!strcmp(v, "v5"))
				a->qmap = DMUX_IF_QMAP | DMUX_IF_QMAP_V5;
			else
				return fail(EX_USAGE, "--qmap off|v1|v5");
		} else {
			return fail(EX_USAGE, "unknown option '%s'", k);
		}
	}
	if (!a->ifname)
		return fail(EX_USAGE, "missing IFACE");
	return EX_OK;
}

/* Channel for a new ifcfg: N of wwanN, else the lowest one not in use. */
static __u32 pick_channel(const struct dmux_fds *f, const char *ifname, int ifindex)
{
	unsigned used = 0;
	struct dmux_ifcfg c;

	if (!strncmp(ifname, "wwan", 4) && ifname[4] >= '0' && ifname[4] <= '7' && !ifname[5])
		return ifname[4] - '0';
	for (__u32 k = 1; k < DMUX_IFCFG_MAX; k++)
		if (k != (__u32)ifindex && !dmux_ifcfg_get(f, k, &c))
			used |= 1U << (c.channel % DMUX_NUM_CHANNELS);
	for (__u32 ch = 0; ch < DMUX_NUM_CHANNELS; ch++)
		if (!(used & (1U << ch)))
			return ch;
	return 0;
}

static void config_defaults(const struct dmux_fds *f)
{
	struct dmux_config c;

	if (dmux_config_get(f, &c) || (c.flags & DMUX_CFG_INIT))
		return;
	for (int m = 0; m < DMUX_MAL_MAX; m++)
		c.malformed_verdict[m] = DMUX_V_DROP;
	c.unconf_verdict = DMUX_V_PASS;
	c.flags |= DMUX_CFG_INIT;
	dmux_config_set(f, &c);
}

/* Apply args over the existing ifcfg (or a new one). */
static int update_ifcfg(const struct dmux_fds *f, const struct if_args *a, int ifindex,
			__u32 owner, int set_owner, struct dmux_ifcfg *out)
{
	struct dmux_ifcfg c;
	__u32 k = ifindex;

	int err;

	if (k >= DMUX_IFCFG_MAX)
		return fail(EX_FAIL, "%s: ifindex %u is past the dmux_ifcfg table (%d)",
			    a->ifname, k, DMUX_IFCFG_MAX);
	if (dmux_ifcfg_get(f, k, &c)) {
		c = (struct dmux_ifcfg){ .default_verdict = DMUX_V_PASS };
		c.channel = pick_channel(f, a->ifname, ifindex);
	}
	if (a->channel >= 0)
		c.channel = a->channel;
	if (a->policy >= 0)
		c.default_verdict = a->policy;
	if (a->qmap >= 0)
		c.flags = (c.flags & ~(DMUX_IF_QMAP | DMUX_IF_QMAP_V5)) | a->qmap;
	if (set_owner)
		c.owner_prog_id = owner;
	err = dmux_ifcfg_set(f, k, &c);
	if (err)
		return fail(errno_code(err), "update dmux_ifcfg: %s", strerror(-err));
	if (out)
		*out = c;
	return EX_OK;
}

static __u32 mode_flags(int mode)
{
	return mode == XDP_ATTACHED_DRV ? XDP_FLAGS_DRV_MODE :
	       mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE :
	       mode == XDP_ATTACHED_HW ? XDP_FLAGS_HW_MODE : 0;
}

/* Is the program on @i ours? Needs the pinned ifcfg. */
static int owned(const struct iface *i, const struct dmux_fds *f, int have)
{
	struct dmux_ifcfg c;
	__u32 k = i->ifindex;

	return have && i->prog_id && !dmux_ifcfg_get(f, k, &c) &&
	       c.owner_prog_id == i->prog_id;
}

static int query(struct iface *i, const char *ifname)
{
	int err;

	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", ifname);
	i->ifindex = if_nametoindex(ifname);
	if (!i->ifindex)
		return fail(EX_NOIF, "no such interface: %s", ifname);
	err = iface_xdp_query(i);
	if (err)
		return fail(errno_code(err), "XDP query on %s: %s%s", ifname, strerror(-err),
			    errno_code(err) == EX_PRIV ? " (needs CAP_NET_ADMIN)" : "");
	return EX_OK;
}

int cmd_attach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir());
	struct bpf_prog_info info = { 0 };
	__u32 ilen = sizeof(info), flags = 0;
	struct dmux_fds f, old;
	struct dmux_ifcfg cfg;
	struct if_args a;
	struct iface i;
	struct dmux *skel;
	int rc, err, have_old, fd;
	char msg[320] = "";

	if ((rc = parse_if_args(argc, argv, &a)) || (rc = check_caps(1)) ||
	    (rc = check_bpffs()) || (rc = query(&i, a.ifname)))
		return rc;
	have_old = open_maps(&old, 0) == EX_OK;
	if (i.prog_id && !owned(&i, &old, have_old) && !g_opts.force) {
		if (have_old)
			dmux_fds_close(&old);
		return fail(EX_FOREIGN, "%s has XDP program '%s' (id %u, %s mode) that dmux-stat "
			    "did not load; --force replaces it", a.ifname, i.prog_name, i.prog_id,
			    xdp_mode_name(i.xdp_mode));
	}
	if (have_old)
		dmux_fds_close(&old);

	err = mkdir_p(pin_dir());
	if (err)
		return fail(errno_code(err), "mkdir %s: %s", pin_dir(), strerror(-err));
	skel = dmux__open_opts(&oo);
	if (!skel)
		return fail(errno_code(errno), "open dmux.bpf: %s", strerror(errno));
	err = dmux_obj_fit(skel->obj, pin_dir(), msg, sizeof(msg));
	if (err) {	/* libbpf alone would say "Invalid argument" */
		dmux__destroy(skel);
		if (err == -EUCLEAN)
			return fail(EX_STALE, "%s; these pins belong to another version of "
				    "dmux.bpf: remove them after detaching its programs", msg);
		return fail(errno_code(err), "checking the pins in %s: %s", pin_dir(),
			    strerror(-err));
	}
	err = dmux__load(skel);
	if (err) {
		rc = errno_code(err);
		fail(rc, "loading dmux.bpf failed: %s%s", strerror(-err),
		     rc == EX_PRIV ? " (needs CAP_BPF and CAP_NET_ADMIN)" :
		     rc == EX_NOXDP ? " (kernel without BPF/XDP support?)" :
		     " (set DMUX_STAT_DEBUG=1 for the verifier log)");
		dmux__destroy(skel);
		return rc;
	}
	fd = bpf_program__fd(skel->progs.dmux_xdp);
	bpf_obj_get_info_by_fd(fd, &info, &ilen);
	dmux_fds_from_obj(&f, skel->obj);
	config_defaults(&f);
	rc = update_ifcfg(&f, &a, i.ifindex, 0, 0, &cfg);
	if (rc)
		goto out;

	if (a.mode)
		flags = a.mode[0] == 'n' ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	if (i.prog_id && flags && mode_flags(i.xdp_mode) != flags)	/* switch modes */
		bpf_xdp_detach(i.ifindex, mode_flags(i.xdp_mode), NULL);
	err = bpf_xdp_attach(i.ifindex, fd, flags, NULL);
	if (err) {
		rc = errno_code(err);
		if (err == -EOPNOTSUPP || (err == -EINVAL && (flags & XDP_FLAGS_DRV_MODE)))
			rc = fail(EX_NOXDP, "%s: driver has no native XDP (%s); try --mode generic",
				  a.ifname, strerror(-err));
		else if (err == -EEXIST || err == -EBUSY)
			rc = fail(EX_FOREIGN, "%s: another XDP program is attached in the other "
				  "mode (%s)", a.ifname, strerror(-err));
		else
			fail(rc, "attach to %s: %s", a.ifname, strerror(-err));
		goto out;
	}
	rc = update_ifcfg(&f, &a, i.ifindex, info.id, 1, &cfg);
	if (!rc) {
		iface_xdp_query(&i);
		printf("attached %s (prog id %u) to %s: %s mode, channel %u, qmap %s, policy %s\n",
		       DMUX_PROG_NAME, info.id, a.ifname, xdp_mode_name(i.xdp_mode), cfg.channel,
		       !(cfg.flags & DMUX_IF_QMAP) ? "off" : (cfg.flags & DMUX_IF_QMAP_V5) ? "v5" : "v1",
		       cfg.default_verdict == DMUX_V_DROP ? "deny" : "allow");
	}
out:
	dmux__destroy(skel);	/* the program stays attached, the maps pinned */
	return rc;
}

int cmd_detach(int argc, char **argv)
{
	struct dmux_fds f;
	struct iface i;
	int rc, have, err;

	if (argc != 1 || argv[0][0] == '-')
		return fail(EX_USAGE, "usage: dmux-stat detach IFACE [--force]");
	if ((rc = check_caps(1)) || (rc = query(&i, argv[0])))
		return rc;
	if (!i.prog_id) {
		printf("%s: no XDP program attached\n", argv[0]);
		return EX_OK;
	}
	have = open_maps(&f, 0) == EX_OK;
	if (!owned(&i, &f, have) && !g_opts.force) {
		rc = fail(EX_FOREIGN, "%s: XDP program '%s' (id %u) was not loaded by dmux-stat; "
			  "--force detaches it", argv[0], i.prog_name, i.prog_id);
		goto out;
	}
	err = bpf_xdp_detach(i.ifindex, mode_flags(i.xdp_mode), NULL);
	if (err) {
		rc = fail(errno_code(err), "detach from %s: %s", argv[0], strerror(-err));
		goto out;
	}
	if (have) {	/* keep channel and counters, drop ownership */
		struct if_args a = { .ifname = argv[0], .policy = -1, .channel = -1, .qmap = -1 };
		__u32 k = i.ifindex;
		struct dmux_ifcfg c;

		if (!dmux_ifcfg_get(&f, k, &c))
			update_ifcfg(&f, &a, i.ifindex, 0, 1, NULL);
	}
	printf("detached '%s' (prog id %u) from %s\n", i.prog_name, i.prog_id, argv[0]);
out:
	if (have)
		dmux_fds_close(&f);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	struct dmux_fds f;
	int rc;

	if ((rc = open_maps(&f, 1)))
		return rc;
	if (argc >= 1 && !strcmp(argv[0], "malformed")) {
		struct dmux_config c;
		int cls = argc == 3 ? dmux_malformed_parse(argv[1]) : -2;
		int v = argc == 3 ? dmux_verdict_parse(argv[2]) : -1;

		if ((cls < 0 && !(argc == 3 && !strcmp(argv[1], "all"))) ||
		    (v != DMUX_V_PASS && v != DMUX_V_DROP)) {
			rc = fail(EX_USAGE, "usage: dmux-stat config malformed CLASS|all pass|drop");
		} else if (!(rc = dmux_config_get(&f, &c) ? EX_FAIL : EX_OK)) {
			for (int m = 0; m < DMUX_MAL_MAX; m++)
				if (cls < 0 || m == cls)
					c.malformed_verdict[m] = v;
			c.flags |= DMUX_CFG_INIT;
			if (dmux_config_set(&f, &c))
				rc = fail(EX_FAIL, "update dmux_config: %s", strerror(errno));
		}
	} else {
		struct if_args a;
		int idx;

		if (!(rc = parse_if_args(argc, argv, &a))) {
			if (a.mode)
				rc = fail(EX_USAGE, "--mode belongs to attach");
			else if (!(idx = if_nametoindex(a.ifname)))
				rc = fail(EX_NOIF, "no such interface: %s", a.ifname);
			else
				rc = update_ifcfg(&f, &a, idx, 0, 0, NULL);
		}
	}
	dmux_fds_close(&f);
	return rc;
}

int cmd_status(int argc, char **argv)
{
	struct dmux_config c = { 0 };
	struct dmux_rule *rules = NULL;
	__u32 *ids = NULL;
	struct dmux_fds f;
	struct iface *v;
	int n, rc, have, nr = 0;
	struct jw w;

	(void)argv;
	if (argc)
		return fail(EX_USAGE, "status takes no arguments (use -i IFACE)");
	if ((rc = ifaces_collect(&v, &n)))
		return rc;
	rc = open_maps(&f, 0);
	if (rc != EX_OK && rc != EX_NOMAPS) {
		ifaces_free(v, n);
		return rc;
	}
	have = rc == EX_OK;
	if (have) {
		dmux_config_get(&f, &c);
		nr = dmux_rules_read(&f, &ids, &rules);
	}
	for (int k = 0; k < n; k++)
		iface_read_counters(&v[k], have ? &f : NULL);
	if (g_opts.json) {
		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "pin_dir", pin_dir());
		jw_bool(&w, "maps", have);
		jw_int(&w, "rules", nr > 0 ? nr : 0);
		jw_obj(&w, "malformed_verdict");
		for (int m = 0; m < DMUX_MAL_MAX; m++)
			jw_str(&w, dmux_malformed_name(m), dmux_verdict_name(c.malformed_verdict[m]));
		jw_end_obj(&w);
		jw_arr(&w, "interfaces");
		for (int k = 0; k < n; k++) {
			jw_obj(&w, NULL);
			jw_str(&w, "ifname", v[k].name);
			jw_str(&w, "xdp_mode", xdp_mode_name(v[k].xdp_mode));
			jw_u64(&w, "prog_id", v[k].prog_id);
			jw_str(&w, "prog_name", v[k].prog_name);
			jw_str(&w, "owner", !v[k].prog_id ? "none" : owned(&v[k], &f, have) ?
			       "dmux-stat" : "other");
			if (v[k].have_cfg) {
				jw_int(&w, "channel", v[k].cfg.channel);
				jw_str(&w, "policy", v[k].cfg.default_verdict == DMUX_V_DROP ?
				       "deny" : "allow");
			}
			jw_end_obj(&w);
		}
		jw_end_arr(&w);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("maps: %s (%s)\nrules: %d\nmalformed:", have ? "pinned" : "not pinned",
		       pin_dir(), nr > 0 ? nr : 0);
		for (int m = 0; m < DMUX_MAL_MAX; m++)
			printf(" %s=%s", dmux_malformed_name(m),
			       dmux_verdict_name(c.malformed_verdict[m]));
		printf("\n%-10s %-8s %-8s %-12s %-10s %-4s %-6s\n", "IFACE", "XDP", "PROG_ID",
		       "PROGRAM", "OWNER", "CHAN", "POLICY");
		for (int k = 0; k < n; k++) {
			char ch[8] = "-";

			if (v[k].have_cfg)
				snprintf(ch, sizeof(ch), "%u", v[k].cfg.channel);
			printf("%-10s %-8s %-8u %-12s %-10s %-4s %-6s\n", v[k].name,
			       xdp_mode_name(v[k].xdp_mode), v[k].prog_id,
			       v[k].prog_id ? v[k].prog_name : "-",
			       !v[k].prog_id ? "-" : owned(&v[k], &f, have) ? "dmux-stat" : "other",
			       ch, !v[k].have_cfg ? "-" :
			       v[k].cfg.default_verdict == DMUX_V_DROP ? "deny" : "allow");
		}
	}
	if (nr > 0) {
		free(ids);
		free(rules);
	}
	ifaces_free(v, n);
	if (have)
		dmux_fds_close(&f);
	return EX_OK;
}
