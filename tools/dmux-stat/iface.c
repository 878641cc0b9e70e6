// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Interfaces: selection, link state, XDP attachment, ethtool info and -S. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmux-stat.h"

#define BAM_DMUX_DRIVER "qcom_bam_dmux"

static int ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

int ethtool_drvinfo(const char *ifname, char *driver, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	int err = ethtool_ioctl(ifname, &di);

	snprintf(driver, len, "%s", err ? "" : di.driver);
	return err;
}

/* `ethtool -S`: ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS, ETHTOOL_GSTATS. */
int ethtool_stats(const char *ifname, struct ethtool_stats_list *l)
{
	struct { struct ethtool_sset_info hdr; __u32 len; } ss = {
		.hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS },
	};
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_stats *st = NULL;
	int err, n;

	l->n = 0;
	l->names = NULL;
	l->vals = NULL;
	err = ethtool_ioctl(ifname, &ss);
	if (err || !ss.hdr.sset_mask)
		return err;
	n = ss.len;
	if (n <= 0 || n > 4096)
		return 0;
	gs = calloc(1, sizeof(*gs) + n * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + n * sizeof(__u64));
	l->names = calloc(n, sizeof(*l->names));
	l->vals = calloc(n, sizeof(__u64));
	if (!gs || !st || !l->names || !l->vals) {
		err = -ENOMEM;
		goto out;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = n;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	err = ethtool_ioctl(ifname, gs);
	if (!err)
		err = ethtool_ioctl(ifname, st);
	if (err)
		goto out;
	for (int i = 0; i < n; i++) {
		snprintf(l->names[i], sizeof(l->names[i]), "%.*s", ETH_GSTRING_LEN,
			 (char *)gs->data + i * ETH_GSTRING_LEN);
		l->vals[i] = st->data[i];
	}
	l->n = n;
out:
	free(gs);
	free(st);
	if (err) {
		free(l->names);
		free(l->vals);
		l->names = NULL;
		l->vals = NULL;
	}
	return err;
}

/*
 * The QMAP mode the driver is in: its ethtool private flags "qmap",
 * "qmap-csum-v4", "qmap-csum-v5" (docs/qmap.md), found by name
 * (ETHTOOL_GSSET_INFO + ETHTOOL_GSTRINGS of ETH_SS_PRIV_FLAGS, then
 * ETHTOOL_GPFLAGS), as DMUX_IF_QMAP* bits. -ENOENT: the driver has no "qmap"
 * flag (another driver, tun, mainline's qcom_bam_dmux); -errno otherwise.
 */
int ethtool_qmap_mode(const char *ifname, __u32 *mode)
{
	struct { struct ethtool_sset_info hdr; __u32 len; } ss = {
		.hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_PRIV_FLAGS },
	};
	struct ethtool_value pf = { .cmd = ETHTOOL_GPFLAGS };
	struct ethtool_gstrings *gs;
	int err, n, bit[3] = { -1, -1, -1 };
	static const char *const names[3] = { "qmap", "qmap-csum-v4", "qmap-csum-v5" };

	*mode = 0;
	err = ethtool_ioctl(ifname, &ss);
	if (err)
		return err == -EOPNOTSUPP ? -ENOENT : err;
	n = ss.hdr.sset_mask ? (int)ss.len : 0;
	if (n <= 0 || n > 32)	/* a u32 of flags */
		return -ENOENT;
	gs = calloc(1, sizeof(*gs) + n * ETH_GSTRING_LEN);
	if (!gs)
		return -ENOMEM;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_PRIV_FLAGS;
	gs->len = n;
	err = ethtool_ioctl(ifname, gs);
	for (int i = 0; !err && i < n; i++)
		for (int k = 0; k < 3; k++)
			if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN, names[k],
				     ETH_GSTRING_LEN))
				bit[k] = i;
	free(gs);
	if (err)
		return err;
	if (bit[0] < 0)
		return -ENOENT;
	err = ethtool_ioctl(ifname, &pf);
	if (err)
		return err;
	if (!(pf.data & (1U << bit[0])))
		return 0;
	*mode = DMUX_IF_QMAP;
	if (bit[1] >= 0 && (pf.data & (1U << bit[1])))
		*mode |= DMUX_IF_QMAP_V4;
	else if (bit[2] >= 0 && (pf.data & (1U << bit[2])))
		*mode |= DMUX_IF_QMAP_V5;
	return 0;
}

const char *qmap_mode_name(__u32 flags)
{
	if (!(flags & DMUX_IF_QMAP))
		return "off";
	return (flags & DMUX_IF_QMAP_V4) ? "v4" : (flags & DMUX_IF_QMAP_V5) ? "v5" : "v1";
}

const char *xdp_mode_name(int mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "generic";
	case XDP_ATTACHED_HW: return "offload";
	case XDP_ATTACHED_MULTI: return "multi";
	default: return "none";
	}
}

int iface_xdp_query(struct iface *i)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd;

	i->prog_id = 0;
	i->xdp_mode = XDP_ATTACHED_NONE;
	i->prog_name[0] = 0;
	i->is_dmux = 0;
	if (bpf_xdp_query(i->ifindex, 0, &q))
		return -errno;
	i->xdp_mode = q.attach_mode;
	i->prog_id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (!i->prog_id)
		return 0;
	fd = bpf_prog_get_fd_by_id(i->prog_id);
	if (fd < 0)
		return -errno;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(i->prog_name, sizeof(i->prog_name), "%s", info.name);
	close(fd);
	i->is_dmux = !strcmp(i->prog_name, DMUX_PROG_NAME);
	return 0;
}

/* The "netdev" generic netlink family (6.3; linux/netdev.h is newer than
 * some distributions' headers). */
#define NETDEV_FAMILY_NAME		"netdev"
#define NETDEV_CMD_DEV_GET		1
#define NETDEV_A_DEV_IFINDEX		1
#define NETDEV_A_DEV_XDP_FEATURES	3
#define NETDEV_XDP_ACT_BASIC		1

struct genl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void put_attr(struct genl_req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send @r, find attribute @want in the reply: its payload in @out. */
static int genl_ask(int fd, struct genl_req *r, __u16 want, void *out, size_t len)
{
	char buf[4096];
	struct nlmsghdr *h = (void *)buf;
	ssize_t n;

	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)n))
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -ENOENT;
	}
	for (struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == want) {
			if ((size_t)(a->nla_len - NLA_HDRLEN) < len)
				return -EBADMSG;
			memcpy(out, (char *)a + NLA_HDRLEN, len);
			return 0;
		}
	return -ENOENT;
}

int xdp_native_supported(int ifindex)
{
	struct genl_req r = { 0 };
	__u16 family = 0;
	__u64 features = 0;
	__u32 idx = ifindex;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC), err;

	if (fd < 0)
		return -1;
	r.n = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
				 .nlmsg_type = GENL_ID_CTRL, .nlmsg_flags = NLM_F_REQUEST };
	r.g = (struct genlmsghdr){ .cmd = CTRL_CMD_GETFAMILY, .version = 1 };
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	err = genl_ask(fd, &r, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (!err) {
		memset(&r, 0, sizeof(r));
		r.n = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
					 .nlmsg_type = family, .nlmsg_flags = NLM_F_REQUEST };
		r.g = (struct genlmsghdr){ .cmd = NETDEV_CMD_DEV_GET, .version = 1 };
		put_attr(&r, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
		err = genl_ask(fd, &r, NETDEV_A_DEV_XDP_FEATURES, &features, sizeof(features));
	}
	close(fd);
	return err ? -1 : !!(features & NETDEV_XDP_ACT_BASIC);
}

static void link_from_flags(struct iface *i)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(i->link, sizeof(i->link), "?");
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->name);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		snprintf(i->link, sizeof(i->link), "%s", !(ifr.ifr_flags & IFF_UP) ? "down" :
			 (ifr.ifr_flags & IFF_RUNNING) ? "up" : "no-carrier");
	close(fd);
}

static void read_operstate(struct iface *i)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", i->name);
	f = fopen(path, "r");	/* sysfs of another netns: fall back to flags */
	if (f) {
		int ok = fscanf(f, "%15s", i->link) == 1;

		fclose(f);
		if (ok)
			return;
	}
	link_from_flags(i);
}

static int iface_init(struct iface *i, const char *name, int ifindex)
{
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->ifindex = ifindex;
	read_operstate(i);
	ethtool_drvinfo(name, i->driver, sizeof(i->driver));
	i->have_drv_qmap = !ethtool_qmap_mode(name, &i->drv_qmap);
	iface_xdp_query(i);
	ethtool_stats(name, &i->et);
	return 0;
}

static int grow(struct iface **list, int *n, int *cap)
{
	struct iface *p;

	if (*n < *cap)
		return 0;
	p = realloc(*list, 2 * *cap * sizeof(**list));
	if (!p)
		return -1;
	*list = p;
	*cap *= 2;
	return 0;
}

int ifaces_collect(struct iface **list, int *n)
{
	struct if_nameindex *ni, *p;
	int cap = 8;

	*n = 0;
	*list = calloc(cap, sizeof(**list));
	if (!*list)
		return EX_FAIL;
	if (g_opts.n_ifnames) {
		for (int k = 0; k < g_opts.n_ifnames; k++) {
			int idx = if_nametoindex(g_opts.ifnames[k]);

			if (!idx)
				return fail(EX_NOIF, "no such interface: %s", g_opts.ifnames[k]);
			if (grow(list, n, &cap))
				return fail(EX_FAIL, "out of memory");
			iface_init(&(*list)[(*n)++], g_opts.ifnames[k], idx);
		}
		return EX_OK;
	}
	ni = if_nameindex();
	if (!ni)
		return fail(EX_FAIL, "if_nameindex: %s", strerror(errno));
	for (p = ni; p->if_index; p++) {
		char drv[32] = "";

		if (strncmp(p->if_name, "wwan", 4)) {
			ethtool_drvinfo(p->if_name, drv, sizeof(drv));
			if (strcmp(drv, BAM_DMUX_DRIVER))
				continue;
		}
		if (grow(list, n, &cap)) {
			if_freenameindex(ni);
			return fail(EX_FAIL, "out of memory");
		}
		iface_init(&(*list)[(*n)++], p->if_name, p->if_index);
	}
	if_freenameindex(ni);
	return EX_OK;
}

/* A row per mux id of channel @slot that has counted a frame: one batch read. */
static void read_mux_rows(struct iface *i, const struct dmux_fds *f, __u32 slot)
{
	static struct dmux_mux_stats all[DMUX_NUM_MUX];

	if (dmux_percpu_sum_range(f->mux_stats, slot * DMUX_NUM_MUX, DMUX_NUM_MUX, all,
				  sizeof(all[0])))
		return;
	for (__u32 m = 0; m < DMUX_NUM_MUX; m++) {
		__u64 tot = 0;
		void *grown;

		for (int v = 0; v < DMUX_V_MAX; v++)
			tot += all[m].verdict[v].packets;
		if (!tot)
			continue;
		grown = realloc(i->mux, (i->n_mux + 1) * sizeof(*i->mux));
		if (!grown)
			break;
		i->mux = grown;
		i->mux[i->n_mux].mux = m;
		i->mux[i->n_mux++].s = all[m];
	}
}

void iface_read_counters(struct iface *i, const struct dmux_fds *f)
{
	__u32 slot, k = i->ifindex;

	i->have_cfg = 0;
	i->have_stats = 0;
	free(i->mux);
	i->mux = NULL;
	i->n_mux = 0;
	if (!f)
		return;
	i->have_cfg = !dmux_ifcfg_get(f, k, &i->cfg);
	/* an interface's counters are its channel's slot; the shared slot of
	 * unconfigured interfaces only when dmux_xdp runs on it */
	if (!i->have_cfg && !i->is_dmux)
		return;
	slot = i->have_cfg ? i->cfg.channel % DMUX_NUM_CHANNELS : DMUX_CHAN_UNCONF;
	i->have_stats = !dmux_percpu_sum(f->stats, slot, &i->st, sizeof(i->st));
	/* every mux id seen on the channel, also after the mode went back to Raw-IP */
	if (i->have_cfg)
		read_mux_rows(i, f, slot);
}

int ifaces_open(struct iface **list, int *n, struct dmux_fds *f, int *have)
{
	int rc = ifaces_collect(list, n);

	if (rc == EX_OK) {
		rc = open_maps(f, 0);
		*have = rc == EX_OK;
		if (rc == EX_NOMAPS)
			rc = EX_OK;
	}
	if (rc != EX_OK)
		ifaces_free(*list, *n);
	return rc;
}

void ifaces_free(struct iface *list, int n)
{
	for (int k = 0; k < n; k++) {
		free(list[k].mux);
		free(list[k].et.names);
		free(list[k].et.vals);
	}
	free(list);
}

int qmap_stale(const struct iface *i)
{
	return i->have_cfg && i->have_drv_qmap &&
	       (i->cfg.flags & DMUX_IF_QMAP_MODE) != i->drv_qmap;
}
