// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmux_nl: read a netdev's XDP features and queue stats over the "netdev"
 * generic netlink family, for selftests on systems without ynl.
 *
 *   dmux_nl features IFNAME    "xdp-features 0x7 basic redirect ndo-xmit"
 *   dmux_nl qstats IFNAME      "rx-packets N" ... one per line
 *
 * The attribute numbers are stable UAPI (include/uapi/linux/netdev.h); they
 * are spelled out here because the build headers may predate them.
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

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static char rbuf[65536];

static void put_attr(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
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

int main(int argc, char **argv)
{
	uint16_t family = 0;
	uint32_t ifindex;
	uint64_t feat = 0;
	struct req r;
	int fd, ret;

	if (argc != 3 || (strcmp(argv[1], "features") && strcmp(argv[1], "qstats"))) {
		fprintf(stderr, "usage: dmux_nl features|qstats IFNAME\n");
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

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, "netdev", 7);
	ret = transact(fd, &r, family_cb, &family);
	if (ret || !family) {
		fprintf(stderr, "dmux_nl: no netdev netlink family (%d)\n", ret);
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
