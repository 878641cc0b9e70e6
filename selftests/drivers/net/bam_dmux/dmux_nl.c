// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmux_nl: read a netdev's XDP features and queue stats over the "netdev"
 * generic netlink family, and set TX aggregation over the "ethtool" one,
 * for selftests on systems without ynl or a recent ethtool.
 *
 *   dmux_nl features IFNAME    "xdp-features 0x7 basic redirect ndo-xmit"
 *   dmux_nl qstats IFNAME      "rx-packets N" ... one per line
 *   dmux_nl tx-aggr IFNAME BYTES FRAMES USECS
 *                              ethtool -C IFNAME tx-aggr-max-bytes BYTES
 *                              tx-aggr-max-frames FRAMES tx-aggr-time-usecs
 *                              USECS (ethtool 6.3 has it; the guest's 6.1
 *                              does not): rmnet's UL aggregation
 *
 * The attribute numbers are stable UAPI (include/uapi/linux/netdev.h,
 * ethtool_netlink.h); they are spelled out here because the build headers
 * may predate them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NETDEV_CMD_DEV_GET		1
#define NETDEV_CMD_QSTATS_GET		12
#define NETDEV_A_DEV_IFINDEX		1
#define NETDEV_A_DEV_XDP_FEATURES	3
#define NETDEV_A_QSTATS_IFINDEX		1
#define NETDEV_A_QSTATS_RX_PACKETS	8
#define NETDEV_A_QSTATS_RX_BYTES	9
#define NETDEV_A_QSTATS_TX_PACKETS	10
#define NETDEV_A_QSTATS_TX_BYTES	11
#define ETHTOOL_MSG_COALESCE_SET	20
#define ETHTOOL_A_COALESCE_HEADER	1
#define ETHTOOL_A_HEADER_DEV_NAME	2
#define ETHTOOL_A_COALESCE_TX_AGGR_MAX_BYTES	26
#define ETHTOOL_A_COALESCE_TX_AGGR_MAX_FRAMES	27
#define ETHTOOL_A_COALESCE_TX_AGGR_TIME_USECS	28

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[128];
};

static char rbuf[65536];

static void put_attr(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send @r and call @cb on every attribute of every reply message. */
static int transact(int fd, struct req *r,
		    void (*cb)(uint16_t type, const void *data, size_t len, void *arg),
		    void *arg)
{
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *nh;

		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct nlattr *a;
			int left;

			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error)
					return e->error;
				return 0;
			}
			a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
			left = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= left) {
				cb(a->nla_type & NLA_TYPE_MASK, (char *)a + NLA_HDRLEN,
				   a->nla_len - NLA_HDRLEN, arg);
				left -= NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			if (!(nh->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

static void family_cb(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(arg, data, 2);
}

static uint64_t get_u64(const void *data, size_t len)
{
	uint64_t v = 0;
	uint32_t v32;

	if (len == 8) {
		memcpy(&v, data, 8);
	} else if (len == 4) {
		memcpy(&v32, data, 4);
		v = v32;
	}
	return v;
}

static void features_cb(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == NETDEV_A_DEV_XDP_FEATURES)
		*(uint64_t *)arg = get_u64(data, len);
}

static void qstats_cb(uint16_t type, const void *data, size_t len, void *arg)
{
	static const char *const names[] = {
		[NETDEV_A_QSTATS_RX_PACKETS] = "rx-packets",
		[NETDEV_A_QSTATS_RX_BYTES] = "rx-bytes",
		[NETDEV_A_QSTATS_TX_PACKETS] = "tx-packets",
		[NETDEV_A_QSTATS_TX_BYTES] = "tx-bytes",
	};

	(void)arg;
	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		printf("%s %llu\n", names[type],
		       (unsigned long long)get_u64(data, len));
}

static void init_req(struct req *r, uint16_t type, uint8_t cmd, uint16_t flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

static uint16_t family_id(int fd, const char *name)
{
	uint16_t family = 0;
	struct req r;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (transact(fd, &r, family_cb, &family))
		return 0;
	return family;
}

static void no_cb(uint16_t type, const void *data, size_t len, void *arg)
{
	(void)type;
	(void)data;
	(void)len;
	(void)arg;
}

/* ETHTOOL_MSG_COALESCE_SET with the three TX aggregation attributes */
static int tx_aggr(int fd, const char *ifname, char **argv)
{
	uint16_t family = family_id(fd, "ethtool");
	uint32_t v[3];
	struct nlattr *nest;
	struct req r;
	size_t at;
	int i, ret;

	for (i = 0; i < 3; i++) {
		char *end;

		v[i] = strtoul(argv[i], &end, 0);
		if (!*argv[i] || *end) {
			fprintf(stderr, "dmux_nl: not a number: '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!family) {
		fprintf(stderr, "dmux_nl: no ethtool netlink family\n");
		return 1;
	}
	init_req(&r, family, ETHTOOL_MSG_COALESCE_SET, NLM_F_ACK);
	at = NLMSG_ALIGN(r.nh.nlmsg_len);
	put_attr(&r, ETHTOOL_A_COALESCE_HEADER | NLA_F_NESTED, NULL, 0);
	put_attr(&r, ETHTOOL_A_HEADER_DEV_NAME, ifname, strlen(ifname) + 1);
	nest = (struct nlattr *)((char *)&r + at);
	nest->nla_len = r.nh.nlmsg_len - at;
	for (i = 0; i < 3; i++)
		put_attr(&r, ETHTOOL_A_COALESCE_TX_AGGR_MAX_BYTES + i, &v[i], 4);
	ret = transact(fd, &r, no_cb, NULL);
	if (ret) {
		fprintf(stderr, "dmux_nl: coalesce-set %s: %s\n", ifname, strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint16_t family;
	uint32_t ifindex;
	uint64_t feat = 0;
	struct req r;
	int fd, ret;

	if (!((argc == 3 && (!strcmp(argv[1], "features") || !strcmp(argv[1], "qstats"))) ||
	      (argc == 6 && !strcmp(argv[1], "tx-aggr")))) {
		fprintf(stderr, "usage: dmux_nl features|qstats IFNAME\n"
			"       dmux_nl tx-aggr IFNAME BYTES FRAMES USECS\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "dmux_nl: no interface '%s'\n", argv[2]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0) {
		perror("dmux_nl: socket");
		return 1;
	}

	if (!strcmp(argv[1], "tx-aggr"))
		return tx_aggr(fd, argv[2], argv + 3);

	family = family_id(fd, "netdev");
	if (!family) {
		fprintf(stderr, "dmux_nl: no netdev netlink family\n");
		return 1;
	}

	if (!strcmp(argv[1], "features")) {
		init_req(&r, family, NETDEV_CMD_DEV_GET, 0);
		put_attr(&r, NETDEV_A_DEV_IFINDEX, &ifindex, 4);
		ret = transact(fd, &r, features_cb, &feat);
		if (ret) {
			fprintf(stderr, "dmux_nl: dev-get: %s\n", strerror(-ret));
			return 1;
		}
		printf("xdp-features %#llx%s%s%s\n", (unsigned long long)feat,
		       feat & 1 ? " basic" : "", feat & 2 ? " redirect" : "",
		       feat & 4 ? " ndo-xmit" : "");
		return 0;
	}

	init_req(&r, family, NETDEV_CMD_QSTATS_GET, NLM_F_DUMP);
	put_attr(&r, NETDEV_A_QSTATS_IFINDEX, &ifindex, 4);
	ret = transact(fd, &r, qstats_cb, NULL);
	if (ret) {
		fprintf(stderr, "dmux_nl: qstats-get: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
