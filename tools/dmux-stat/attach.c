// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* attach, detach, config, status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	int qmap;		/* -1 unset, else DMUX_IF_QMAP* flags (AUTO: the driver's) */
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
			if (!strcmp(v, "auto"))
				a->qmap = DMUX_IF_QMAP_AUTO;
			else if (!strcmp(v, "off"))
				a->qmap = 0;
			else if (!strcmp(v, "v1"))
				a->qmap = DMUX_IF_QMAP;
			else if (!strcmp(v, "v4"))
				a->qmap = DMUX_IF_QMAP | DMUX_IF_QMAP_V4;
			else if (!strcmp(v, "v5"))
				a->qmap = DMUX_IF_QMAP | DMUX_IF_QMAP_V5;
			else
				return fail(EX_USAGE, "--qmap auto|off|v1|v4|v5");
		} else {
			return fail(EX_USAGE, "unknown option '%s'", k);
		}
	}
	if (!a->ifname)
		return fail(EX_USAGE, "missing IFACE");
	return EX_OK;
}

/* Is channel @ch in use by another interface than @ifindex? Its ifindex, or 0.
 * An entry counts while its interface exists here or its owner program is
 * alive (the pins may be shared with another network namespace). */
static __u32 channel_user(const struct dmux_fds *f, __u32 ch, int ifindex)
{
	struct dmux_ifcfg c;
	char name[IF_NAMESIZE];

	for (__u32 k = 1; k < DMUX_IFCFG_MAX; k++) {
		int fd;

		if (k == (__u32)ifindex || dmux_ifcfg_get(f, k, &c) ||
		    c.channel % DMUX_NUM_CHANNELS != ch)
			continue;
		if (if_indextoname(k, name))
			return k;
		if (c.owner_prog_id && (fd = bpf_prog_get_fd_by_id(c.owner_prog_id)) >= 0) {
			close(fd);
			return k;
		}
	}
	return 0;
}

/* Channel for a new ifcfg: N of wwanN, else the lowest one not in use; -1 if none. */
static int pick_channel(const struct dmux_fds *f, const char *ifname, int ifindex)
{
	if (!strncmp(ifname, "wwan", 4) && ifname[4] >= '0' && ifname[4] <= '7' && !ifname[5])
		return ifname[4] - '0';
	for (__u32 ch = 0; ch < DMUX_NUM_CHANNELS; ch++)
		if (!channel_user(f, ch, ifindex))
			return ch;
	return -1;
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

/*
 * The QMAP mode of @c from the driver (docs/bpf.md, "QMAP mode"). With
 * DMUX_IF_QMAP_AUTO, the mode is the one the driver's ethtool private flags
 * say, and Raw-IP on a driver without them. A mode given by hand must agree
 * with the driver's flags where it has them (--force overrides). The flags
 * cannot be read: an error, nothing changes. 0 or an exit code.
 */
static int qmap_resolve(const char *ifname, struct dmux_ifcfg *c)
{
	__u32 drv;
	int err = ethtool_qmap_mode(ifname, &drv);

	if (err && err != -ENOENT)
		return fail(errno_code(err), "%s: cannot read the driver's QMAP mode (ethtool "
			    "private flags): %s; nothing changed", ifname, strerror(-err));
	if (c->flags & DMUX_IF_QMAP_AUTO) {
		c->flags = (c->flags & ~DMUX_IF_QMAP_MODE) | (err ? 0 : drv);
		return EX_OK;
	}
	if (!err && (c->flags & DMUX_IF_QMAP_MODE) != drv && !g_opts.force)
		return fail(EX_USAGE, "%s: --qmap %s, but the driver is in QMAP mode %s (ethtool "
			    "--show-priv-flags %s): every frame would be dropped as malformed; "
			    "--qmap auto follows the driver, --force sets it anyway", ifname,
			    qmap_mode_name(c->flags), qmap_mode_name(drv), ifname);
	return EX_OK;
}

/*
 * The ifcfg @a makes of the existing one (or a new one): 0 or an exit code.
 * Two interfaces on one channel would share its counters: refused unless
 * --force.
 */
static int plan_ifcfg(const struct dmux_fds *f, const struct if_args *a, int ifindex,
		      struct dmux_ifcfg *out)
{
	struct dmux_ifcfg c;
	__u32 k = ifindex, other;
	int fresh = 0, ch, rc;

	if (k >= DMUX_IFCFG_MAX)
		return fail(EX_FAIL, "%s: ifindex %u is past the dmux_ifcfg table (%d)",
			    a->ifname, k, DMUX_IFCFG_MAX);
	if (dmux_ifcfg_get(f, k, &c)) {
		fresh = 1;
		c = (struct dmux_ifcfg){ .default_verdict = DMUX_V_PASS };
		ch = a->channel >= 0 ? a->channel : pick_channel(f, a->ifname, ifindex);
		if (ch < 0)
			return fail(EX_USAGE, "%s: all %d channels are in use by other interfaces "
				    "(--channel N --force shares one)", a->ifname, DMUX_NUM_CHANNELS);
		c.channel = ch;
	}
	if (a->channel >= 0)
		c.channel = a->channel;
	if ((fresh || a->channel >= 0) && !g_opts.force &&
	    (other = channel_user(f, c.channel % DMUX_NUM_CHANNELS, ifindex))) {
		char name[IF_NAMESIZE] = "";

		if_indextoname(other, name);
		return fail(EX_USAGE, "%s: channel %u is %s's (ifindex %u): two interfaces on "
			    "one channel share its counters; --channel N picks another, --force "
			    "shares it", a->ifname, c.channel, name[0] ? name : "in use", other);
	}
	if (a->policy >= 0)
		c.default_verdict = a->policy;
	if (a->qmap >= 0)
		c.flags = (c.flags & ~(DMUX_IF_QMAP_MODE | DMUX_IF_QMAP_AUTO)) | a->qmap;
	else if (fresh)
		c.flags |= DMUX_IF_QMAP_AUTO;	/* the default: follow the driver */
	rc = qmap_resolve(a->ifname, &c);
	if (rc)
		return rc;
	*out = c;
	return EX_OK;
}

static int write_ifcfg(const struct dmux_fds *f, const char *ifname, int ifindex,
		       const struct dmux_ifcfg *c)
{
	int err = dmux_ifcfg_set(f, ifindex, c);

	if (err)
		return fail(errno_code(err), "%s: update dmux_ifcfg: %s", ifname, strerror(-err));
	return EX_OK;
}

/*
 * The driver's flags may change between reading them and writing the
 * ifcfg: read them again after the write and follow, a few times. Frames of
 * the meantime are dropped as malformed (qmap_fmt), never passed unchecked.
 */
static int qmap_settle(const struct dmux_fds *f, const char *ifname, int ifindex,
		       struct dmux_ifcfg *c)
{
	for (int n = 0; n < 3 && (c->flags & DMUX_IF_QMAP_AUTO); n++) {
		struct dmux_ifcfg now = *c;
		int rc = qmap_resolve(ifname, &now);

		if (rc || now.flags == c->flags)
			return rc;
		*c = now;
		if ((rc = write_ifcfg(f, ifname, ifindex, c)))
			return rc;
	}
	return EX_OK;
}

static int update_ifcfg(const struct dmux_fds *f, const struct if_args *a, int ifindex,
			struct dmux_ifcfg *out)
{
	struct dmux_ifcfg c;
	int rc = plan_ifcfg(f, a, ifindex, &c);

	if (!rc)
		rc = write_ifcfg(f, a->ifname, ifindex, &c);
	if (!rc)
		rc = qmap_settle(f, a->ifname, ifindex, &c);
	if (!rc && out)
		*out = c;
	return rc;
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

static const char *qmap_str(const struct dmux_ifcfg *c)
{
	return qmap_mode_name(c->flags);
}

static const char *qmap_source(const struct dmux_ifcfg *c)
{
	return (c->flags & DMUX_IF_QMAP_AUTO) ? "driver" : "manual";
}

static void report_attach(const char *verb, __u32 id, const struct iface *i,
			  const struct dmux_ifcfg *c)
{
	if (g_opts.json) {
		struct jw w;

		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "ifname", i->name);
		jw_str(&w, "result", verb);
		jw_obj(&w, "xdp");
		jw_str(&w, "mode", xdp_mode_name(i->xdp_mode));
		jw_u64(&w, "prog_id", id);
		jw_str(&w, "prog_name", DMUX_PROG_NAME);
		jw_end_obj(&w);
		jw_int(&w, "channel", c->channel);
		jw_str(&w, "qmap", qmap_str(c));
		jw_str(&w, "qmap_source", qmap_source(c));
		jw_str(&w, "policy", c->default_verdict == DMUX_V_DROP ? "deny" : "allow");
		jw_end_obj(&w);
		jw_done(&w);
		return;
	}
	printf("%s %s (prog id %u) %s %s: %s mode, channel %u, qmap %s (%s), policy %s\n", verb,
	       DMUX_PROG_NAME, id, strcmp(verb, "attached") ? "on" : "to", i->name,
	       xdp_mode_name(i->xdp_mode), c->channel, qmap_str(c), qmap_source(c),
	       c->default_verdict == DMUX_V_DROP ? "deny" : "allow");
}

/* Is the attached program @old_id the same code as @new_fd, on the same maps? */
static int same_program(__u32 old_id, int new_fd, __u32 ifcfg_id)
{
	struct bpf_prog_info a = { 0 }, b = { 0 };
	__u32 la = sizeof(a), lb = sizeof(b), maps[32], nmaps = 32;
	int fd = bpf_prog_get_fd_by_id(old_id), same = 0;

	if (fd < 0)
		return 0;
	a.nr_map_ids = nmaps;
	a.map_ids = (__u64)(unsigned long)maps;
	if (!bpf_obj_get_info_by_fd(fd, &a, &la) && !bpf_obj_get_info_by_fd(new_fd, &b, &lb) &&
	    !memcmp(a.tag, b.tag, sizeof(a.tag)) && !strcmp(a.name, b.name))
		for (__u32 m = 0; m < a.nr_map_ids && m < nmaps; m++)
			same |= maps[m] == ifcfg_id;
	close(fd);
	return same;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info mi = { 0 };
	__u32 len = sizeof(mi);

	return bpf_obj_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
}

static int attach_error(const char *ifname, int err, __u32 flags)
{
	if (err == -EOPNOTSUPP)
		return fail(EX_NOXDP, "%s: driver has no native XDP (%s); try --mode generic",
			    ifname, strerror(-err));
	if (err == -EINVAL && (flags & XDP_FLAGS_DRV_MODE))
		return fail(EX_NOXDP, "%s: the driver refused native XDP (%s; -d shows the "
			    "kernel's reason); try --mode generic", ifname, strerror(-err));
	if (err == -EEXIST || err == -EBUSY)
		return fail(EX_FOREIGN, "%s: the XDP program changed while dmux-stat attached "
			    "(another tool attached or replaced one: %s)", ifname, strerror(-err));
	return fail(errno_code(err), "attach to %s: %s", ifname, strerror(-err));
}

/*
 * Put @fd on @i in mode @flags, replacing @i's program atomically: the
 * kernel swaps it only if it is still the one we saw (XDP_FLAGS_REPLACE),
 * and with none there only if none appeared (XDP_FLAGS_UPDATE_IF_NOEXIST).
 * The kernel never has native and generic programs at once, so a mode
 * switch detaches the old one (if it is still the one we saw) and, when the
 * new mode fails, attaches it again: an error leaves the previous program.
 * A switch to native on a driver whose xdp-features (6.3) lack native XDP is
 * refused before anything is detached.
 * 0 or an exit code.
 */
static int xdp_swap(const struct iface *i, int fd, __u32 flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	__u32 old_flags = mode_flags(i->xdp_mode);
	int old_fd = -1, err, rc;

	if (!i->prog_id) {
		err = bpf_xdp_attach(i->ifindex, fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		return err ? attach_error(i->name, err, flags) : EX_OK;
	}
	old_fd = bpf_prog_get_fd_by_id(i->prog_id);
	if (old_fd < 0)
		return fail(EX_FOREIGN, "%s: program id %u went away while dmux-stat attached",
			    i->name, i->prog_id);
	o.old_prog_fd = old_fd;
	if (!flags || flags == old_flags) {
		err = bpf_xdp_attach(i->ifindex, fd, old_flags, &o);
		rc = err ? attach_error(i->name, err, old_flags) : EX_OK;
		close(old_fd);
		return rc;
	}
	/* the kernel says the driver has no native XDP: do not even detach */
	if ((flags & XDP_FLAGS_DRV_MODE) && !xdp_native_supported(i->ifindex)) {
		close(old_fd);
		return fail(EX_NOXDP, "%s: driver has no native XDP (the kernel's xdp-features); "
			    "program id %u stays in %s mode; try --mode generic", i->name,
			    i->prog_id, xdp_mode_name(i->xdp_mode));
	}
	err = bpf_xdp_detach(i->ifindex, old_flags, &o);
	if (err) {
		close(old_fd);
		return attach_error(i->name, err, old_flags);
	}
	err = bpf_xdp_attach(i->ifindex, fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (!err) {
		close(old_fd);
		return EX_OK;
	}
	rc = attach_error(i->name, err, flags);
	if (bpf_xdp_attach(i->ifindex, old_fd, old_flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL))
		fail(EX_FAIL, "%s: could not put back program id %u in %s mode: %s", i->name,
		     i->prog_id, xdp_mode_name(i->xdp_mode), strerror(errno));
	else if (!g_opts.json)
		fprintf(stderr, "dmux-stat: %s: program id %u is attached again in %s mode\n",
			i->name, i->prog_id, xdp_mode_name(i->xdp_mode));
	close(old_fd);
	return rc;
}

int cmd_attach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir());
	struct bpf_prog_info info = { 0 };
	__u32 ilen = sizeof(info), flags = 0;
	struct dmux_fds f, old;
	struct dmux_ifcfg cfg, prev;
	struct if_args a;
	struct iface i;
	struct dmux *skel = NULL;
	int rc, err, have_old, have_prev, fd, lock;
	char msg[320] = "";

	if ((rc = parse_if_args(argc, argv, &a)) || (rc = check_caps(1)) ||
	    (rc = check_bpffs()) || (rc = query(&i, a.ifname)))
		return rc;
	if ((lock = edit_lock()) < 0)
		return -lock;
	rc = open_maps(&old, 0);
	if (rc != EX_OK && rc != EX_NOMAPS)
		goto out;
	have_old = rc == EX_OK;
	rc = EX_OK;
	if (i.prog_id && !owned(&i, &old, have_old) && !g_opts.force) {
		if (have_old)
			dmux_fds_close(&old);
		rc = fail(EX_FOREIGN, "%s has XDP program '%s' (id %u, %s mode) that dmux-stat "
			  "did not load; --force replaces it", a.ifname, i.prog_name, i.prog_id,
			  xdp_mode_name(i.xdp_mode));
		goto out;
	}
	if (have_old) {	/* a channel in use: refused before loading anything */
		rc = plan_ifcfg(&old, &a, i.ifindex, &cfg);
		dmux_fds_close(&old);
		if (rc)
			goto out;
	}

	skel = dmux__open_opts(&oo);
	if (!skel) {
		rc = fail(errno_code(errno), "open dmux.bpf: %s", strerror(errno));
		goto out;
	}
	err = dmux_obj_fit(skel->obj, pin_dir(), msg, sizeof(msg));
	if (err) {
		rc = err == -EUCLEAN ?
		     fail(EX_STALE, "%s; these pins belong to another version of dmux.bpf: "
			  "'dmux-stat unpin' removes them (detach its programs first)", msg) :
		     fail(errno_code(err), "checking the pins in %s: %s", pin_dir(), strerror(-err));
		goto out;
	}
	err = dmux__load(skel);
	if (err) {
		rc = errno_code(err);
		fail(rc, "loading dmux.bpf failed: %s%s", strerror(-err),
		     rc == EX_PRIV ? " (needs CAP_BPF and CAP_NET_ADMIN)" :
		     rc == EX_NOXDP ? " (kernel without BPF/XDP support?)" :
		     " (-d shows libbpf's messages and the verifier log)");
		goto out;
	}
	fd = bpf_program__fd(skel->progs.dmux_xdp);
	bpf_obj_get_info_by_fd(fd, &info, &ilen);
	dmux_fds_from_obj(&f, skel->obj);
	config_defaults(&f);
	if ((rc = plan_ifcfg(&f, &a, i.ifindex, &cfg)))
		goto out;
	have_prev = !dmux_ifcfg_get(&f, i.ifindex, &prev);

	if (a.mode)
		flags = a.mode[0] == 'n' ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	if (i.prog_id && owned(&i, &f, 1) && (!flags || flags == mode_flags(i.xdp_mode)) &&
	    same_program(i.prog_id, fd, map_id(f.ifcfg))) {
		/* the same program on the same maps: keep it, apply the configuration */
		cfg.owner_prog_id = i.prog_id;
		if (!(rc = write_ifcfg(&f, a.ifname, i.ifindex, &cfg)) &&
		    !(rc = qmap_settle(&f, a.ifname, i.ifindex, &cfg)))
			report_attach("already attached:", i.prog_id, &i, &cfg);
		goto out;
	}
	/* The new program reads this ifcfg from its first packet; the old one
	 * too, from now. On failure the previous entry is put back. */
	cfg.owner_prog_id = have_prev ? prev.owner_prog_id : 0;
	if ((rc = write_ifcfg(&f, a.ifname, i.ifindex, &cfg)))
		goto out;
	rc = xdp_swap(&i, fd, flags);
	if (rc) {
		if (have_prev)
			dmux_ifcfg_set(&f, i.ifindex, &prev);
		else
			dmux_ifcfg_clear(&f, i.ifindex);
		goto out;
	}
	cfg.owner_prog_id = info.id;
	rc = write_ifcfg(&f, a.ifname, i.ifindex, &cfg);
	if (!rc)
		rc = qmap_settle(&f, a.ifname, i.ifindex, &cfg);
	if (!rc) {
		iface_xdp_query(&i);
		report_attach("attached", info.id, &i, &cfg);
	}
out:
	dmux__destroy(skel);	/* the program stays attached, the maps pinned */
	edit_unlock(lock);
	return rc;
}

int cmd_detach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	struct dmux_fds f;
	struct iface i;
	int rc, have, err, lock;

	if (argc != 1 || argv[0][0] == '-')
		return fail(EX_USAGE, "usage: dmux-stat detach IFACE [--force]");
	if ((rc = check_caps(1)) || (rc = check_bpffs()) || (rc = query(&i, argv[0])))
		return rc;
	if (!i.prog_id) {
		if (g_opts.json) {
			struct jw w;

			jw_init(&w, g_opts.out, g_opts.pretty);
			jw_obj(&w, NULL);
			jw_str(&w, "ifname", i.name);
			jw_str(&w, "result", "none attached");
			jw_end_obj(&w);
			jw_done(&w);
		} else
			printf("%s: no XDP program attached\n", argv[0]);
		return EX_OK;
	}
	if ((lock = edit_lock()) < 0)
		return -lock;
	rc = open_maps(&f, 0);
	if (rc != EX_OK && rc != EX_NOMAPS && !g_opts.force) {
		edit_unlock(lock);
		return rc;
	}
	have = rc == EX_OK;
	rc = EX_OK;
	if (!owned(&i, &f, have) && !g_opts.force) {
		rc = fail(EX_FOREIGN, "%s: XDP program '%s' (id %u) was not loaded by dmux-stat; "
			  "--force detaches it", argv[0], i.prog_name, i.prog_id);
		goto out;
	}
	/* only the program we checked: XDP_FLAGS_REPLACE with it as the expected one */
	o.old_prog_fd = bpf_prog_get_fd_by_id(i.prog_id);
	if (o.old_prog_fd < 0) {
		rc = fail(EX_FAIL, "%s: program id %u went away", argv[0], i.prog_id);
		goto out;
	}
	err = bpf_xdp_detach(i.ifindex, mode_flags(i.xdp_mode), &o);
	close(o.old_prog_fd);
	if (err) {
		rc = err == -EEXIST ?
		     fail(EX_FOREIGN, "%s: the XDP program changed meanwhile; nothing detached",
			  argv[0]) :
		     fail(errno_code(err), "detach from %s: %s", argv[0], strerror(-err));
		goto out;
	}
	if (have) {	/* keep channel and counters, drop ownership */
		struct dmux_ifcfg c;

		if (!dmux_ifcfg_get(&f, i.ifindex, &c)) {
			c.owner_prog_id = 0;
			dmux_ifcfg_set(&f, i.ifindex, &c);
		}
	}
	if (g_opts.json) {
		struct jw w;

		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "ifname", i.name);
		jw_str(&w, "result", "detached");
		jw_u64(&w, "prog_id", i.prog_id);
		jw_str(&w, "prog_name", i.prog_name);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("detached '%s' (prog id %u) from %s\n", i.prog_name, i.prog_id, argv[0]);
	}
out:
	if (have)
		dmux_fds_close(&f);
	edit_unlock(lock);
	return rc;
}

static int config_ok(void)
{
	if (g_opts.json)
		printf("{\"result\":\"configured\"}\n");
	return EX_OK;
}

int cmd_config(int argc, char **argv)
{
	struct dmux_fds f;
	int rc, lock;

	if ((rc = check_caps(0)) || (rc = check_bpffs()))
		return rc;
	if ((lock = edit_lock()) < 0)
		return -lock;
	if ((rc = open_maps(&f, 1))) {
		edit_unlock(lock);
		return rc;
	}
	if (argc >= 1 && !strcmp(argv[0], "malformed")) {
		struct dmux_config c;
		int cls = argc == 3 ? dmux_malformed_parse(argv[1]) : -2;
		int v = argc == 3 ? dmux_verdict_parse(argv[2]) : -1;

		if ((cls < 0 && !(argc == 3 && !strcmp(argv[1], "all"))) ||
		    (v != DMUX_V_PASS && v != DMUX_V_DROP)) {
			rc = fail(EX_USAGE, "usage: dmux-stat config malformed CLASS|all pass|drop");
		} else if (dmux_config_get(&f, &c)) {
			rc = fail(EX_FAIL, "read dmux_config: %s", strerror(errno));
		} else {
			for (int m = 0; m < DMUX_MAL_MAX; m++)
				if (cls < 0 || m == cls)
					c.malformed_verdict[m] = v;
			c.flags |= DMUX_CFG_INIT;
			rc = dmux_config_set(&f, &c) ?
			     fail(EX_FAIL, "update dmux_config: %s", strerror(errno)) : config_ok();
		}
	} else {
		struct if_args a;
		int idx;

		if (!(rc = parse_if_args(argc, argv, &a))) {
			if (a.mode)
				rc = fail(EX_USAGE, "--mode belongs to attach");
			else if (!(idx = if_nametoindex(a.ifname)))
				rc = fail(EX_NOIF, "no such interface: %s", a.ifname);
			else if (!(rc = update_ifcfg(&f, &a, idx, NULL)))
				rc = config_ok();
		}
	}
	dmux_fds_close(&f);
	edit_unlock(lock);
	return rc;
}

/* The pins unpin removes: the table of this version, then the old cpumap pin. */
static const char *pin_name(unsigned int k)
{
	const char *n = dmux_pin_name(k);

	return n ? n : dmux_pin_name(k - 1) ? DMUX_MAP_CPUMAP_OLD : NULL;
}

/* Does the program @prog_id use one of the @n maps in @ids? */
static int uses_maps(__u32 prog_id, const __u32 *ids, int n)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), maps[64];
	int fd = bpf_prog_get_fd_by_id(prog_id), hit = 0;

	if (fd < 0)
		return 0;
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)maps;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (__u32 m = 0; m < info.nr_map_ids && m < 64; m++)
			for (int k = 0; k < n; k++)
				hit |= maps[m] == ids[k];
	close(fd);
	return hit;
}

int cmd_unpin(int argc, char **argv)
{
	struct if_nameindex *ni;
	char path[512], busy[256] = "";
	__u32 ids[32];
	int rc, lock, removed = 0, nids = 0;
	struct jw w;

	if (argc)
		return fail(EX_USAGE, "unpin takes no arguments ('%s'); --pin-dir DIR", argv[0]);
	if ((rc = check_caps(0)) || (rc = check_bpffs()))
		return rc;
	if ((lock = edit_lock()) < 0)
		return -lock;
	for (unsigned int k = 0; pin_name(k) && nids < 32; k++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", pin_dir(), pin_name(k));
		if ((fd = bpf_obj_get(path)) >= 0) {
			ids[nids] = map_id(fd);
			nids += ids[nids] != 0;
			close(fd);
		}
	}
	/* refuse while an XDP program here runs on these maps */
	ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_index && nids; p++) {
		struct iface i = { .ifindex = p->if_index };

		if (!iface_xdp_query(&i) && i.prog_id && uses_maps(i.prog_id, ids, nids) &&
		    strlen(busy) + IF_NAMESIZE + 2 < sizeof(busy))
			snprintf(busy + strlen(busy), sizeof(busy) - strlen(busy), "%s%s",
				 busy[0] ? ", " : "", p->if_name);
	}
	if_freenameindex(ni);
	if (busy[0] && !g_opts.force) {
		edit_unlock(lock);
		return fail(EX_FAIL, "%s: an XDP program runs on the maps pinned in %s: detach "
			    "first (or --force: the programs keep their maps, which no tool can "
			    "then reach)", busy, pin_dir());
	}
	if (g_opts.json) {
		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "pin_dir", pin_dir());
		jw_arr(&w, "removed");
	}
	for (unsigned int k = 0; pin_name(k); k++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir(), pin_name(k));
		if (!unlink(path)) {
			removed++;
			if (g_opts.json)
				jw_str(&w, NULL, pin_name(k));
			else
				printf("removed %s\n", path);
		} else if (errno != ENOENT) {
			rc = fail(errno_code(errno), "unlink %s: %s", path, strerror(errno));
		}
	}
	if (g_opts.json) {
		jw_end_arr(&w);
		jw_end_obj(&w);
		jw_done(&w);
	} else if (!removed) {
		printf("no dmux pins in %s\n", pin_dir());
	}
	edit_unlock(lock);
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

	if (argc)
		return fail(EX_USAGE, "status takes no arguments ('%s'; -i IFACE selects)", argv[0]);
	rc = ifaces_open(&v, &n, &f, &have);
	if (rc)
		return rc;
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
			/* the keys of show -j */
			jw_obj(&w, NULL);
			jw_str(&w, "ifname", v[k].name);
			jw_int(&w, "ifindex", v[k].ifindex);
			if (v[k].have_cfg) {
				jw_int(&w, "channel", v[k].cfg.channel);
				jw_str(&w, "qmap", qmap_str(&v[k].cfg));
				jw_str(&w, "qmap_source", qmap_source(&v[k].cfg));
				jw_str(&w, "policy", v[k].cfg.default_verdict == DMUX_V_DROP ?
				       "deny" : "allow");
			}
			if (v[k].have_drv_qmap)
				jw_str(&w, "qmap_driver", qmap_mode_name(v[k].drv_qmap));
			jw_bool(&w, "qmap_stale", qmap_stale(&v[k]));
			jw_obj(&w, "xdp");
			jw_str(&w, "mode", xdp_mode_name(v[k].xdp_mode));
			jw_u64(&w, "prog_id", v[k].prog_id);
			jw_str(&w, "prog_name", v[k].prog_name);
			jw_bool(&w, "dmux", v[k].is_dmux);
			jw_bool(&w, "owned", owned(&v[k], &f, have));
			jw_end_obj(&w);
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
		printf("\n%-10s %-8s %-8s %-12s %-10s %-4s %-6s %-14s %s\n", "IFACE", "XDP",
		       "PROG_ID", "PROGRAM", "OWNER", "CHAN", "POLICY", "QMAP", "DRIVER_QMAP");
		for (int k = 0; k < n; k++) {
			char ch[8] = "-", qm[24] = "-";

			if (v[k].have_cfg) {
				snprintf(ch, sizeof(ch), "%u", v[k].cfg.channel);
				snprintf(qm, sizeof(qm), "%s (%s)%s", qmap_str(&v[k].cfg),
					 qmap_source(&v[k].cfg), qmap_stale(&v[k]) ? "!" : "");
			}
			printf("%-10s %-8s %-8u %-12s %-10s %-4s %-6s %-14s %s\n", v[k].name,
			       xdp_mode_name(v[k].xdp_mode), v[k].prog_id,
			       v[k].prog_id ? v[k].prog_name : "-",
			       !v[k].prog_id ? "-" : owned(&v[k], &f, have) ? "dmux-stat" : "other",
			       ch, !v[k].have_cfg ? "-" :
			       v[k].cfg.default_verdict == DMUX_V_DROP ? "deny" : "allow", qm,
			       v[k].have_drv_qmap ? qmap_mode_name(v[k].drv_qmap) : "-");
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

/*
 * refresh [IFACE...]: the QMAP mode of every interface that follows its
 * driver (--qmap auto, the default) read again from the driver's private
 * flags; without IFACE, every configured interface of this namespace.
 * An interface whose mode was set by hand is reported, not changed.
 */
struct refreshed {
	char name[IF_NAMESIZE];
	struct dmux_ifcfg before, c;
	int have_drv;
	__u32 drv;
};

static void report_refresh(const struct refreshed *r, int n)
{
	struct jw w;

	if (g_opts.json) {
		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_arr(&w, "interfaces");
	} else if (!n) {
		printf("no configured interface here\n");
	}
	for (int k = 0; k < n; k++) {
		const struct refreshed *x = &r[k];
		int changed = x->c.flags != x->before.flags;

		if (g_opts.json) {
			jw_obj(&w, NULL);
			jw_str(&w, "ifname", x->name);
			jw_str(&w, "qmap", qmap_str(&x->c));
			jw_str(&w, "qmap_source", qmap_source(&x->c));
			jw_str(&w, "previous", qmap_str(&x->before));
			jw_bool(&w, "changed", changed);
			if (x->have_drv)
				jw_str(&w, "qmap_driver", qmap_mode_name(x->drv));
			jw_end_obj(&w);
		} else if (changed) {
			printf("%s: qmap %s -> %s (driver)\n", x->name, qmap_str(&x->before),
			       qmap_str(&x->c));
		} else if (x->have_drv && (x->c.flags & DMUX_IF_QMAP_MODE) != x->drv) {
			printf("%s: qmap %s (manual), the driver says %s: not changed (--qmap auto "
			       "follows it)\n", x->name, qmap_str(&x->c), qmap_mode_name(x->drv));
		} else {
			printf("%s: qmap %s (%s), unchanged\n", x->name, qmap_str(&x->c),
			       qmap_source(&x->c));
		}
	}
	if (g_opts.json) {
		jw_end_arr(&w);
		jw_end_obj(&w);
		jw_done(&w);
	}
}

/*
 * refresh [IFACE...]: the QMAP mode of every interface that follows its
 * driver (--qmap auto, the default) read again from the driver's private
 * flags; without IFACE, every configured interface of this namespace.
 * An interface whose mode was set by hand is reported, not changed.
 */
int cmd_refresh(int argc, char **argv)
{
	struct refreshed *r = NULL;
	struct dmux_fds f;
	int rc, lock, n = 0;

	for (int k = 0; k < argc; k++)
		if (argv[k][0] == '-')
			return fail(EX_USAGE, "usage: dmux-stat refresh [IFACE...]");
	if ((rc = check_caps(0)) || (rc = check_bpffs()))
		return rc;
	for (int k = 0; k < argc; k++)
		if (!if_nametoindex(argv[k]))
			return fail(EX_NOIF, "no such interface: %s", argv[k]);
	if ((lock = edit_lock()) < 0)
		return -lock;
	if ((rc = open_maps(&f, 1))) {
		edit_unlock(lock);
		return rc;
	}
	for (__u32 k = 1; k < DMUX_IFCFG_MAX && !rc; k++) {
		struct refreshed x = { 0 }, *grown;
		int want = !argc;

		for (int a = 0; a < argc; a++)
			want |= if_nametoindex(argv[a]) == k;
		if (!want)
			continue;
		if (dmux_ifcfg_get(&f, k, &x.before)) {
			if (argc)
				rc = fail(EX_USAGE, "%s: not configured (dmux-stat attach or config "
					  "first)", if_indextoname(k, x.name) ? x.name : "?");
			continue;
		}
		if (!if_indextoname(k, x.name))
			continue;	/* an entry of another network namespace */
		x.c = x.before;
		if ((x.c.flags & DMUX_IF_QMAP_AUTO) && !(rc = qmap_resolve(x.name, &x.c)) &&
		    x.c.flags != x.before.flags && !(rc = write_ifcfg(&f, x.name, k, &x.c)))
			rc = qmap_settle(&f, x.name, k, &x.c);
		if (rc)
			break;
		x.have_drv = !ethtool_qmap_mode(x.name, &x.drv);
		grown = realloc(r, (n + 1) * sizeof(*r));
		if (!grown) {
			rc = fail(EX_FAIL, "out of memory");
			break;
		}
		r = grown;
		r[n++] = x;
	}
	if (!rc)
		report_refresh(r, n);
	free(r);
	dmux_fds_close(&f);
	edit_unlock(lock);
	return rc;
}
