// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmux_xdpswap: attach, replace and detach XDP programs on a netdev many
 * times, fast, for the selftests.
 *
 *   dmux_xdpswap IFNAME ITERATIONS [--mode drv|skb] [--seconds BUDGET] [--link]
 *                [--settle]
 *
 * Loads two tiny XDP programs once (r0 = XDP_PASS; exit and r0 = XDP_DROP;
 * exit: no ELF, nothing for the verifier to chew on), then runs ITERATIONS
 * steps, in cycles of four. With A and B the two programs, swapped every
 * cycle so that each is attached to a bare device and detached in turn:
 *
 *   rtnetlink (default), IFLA_XDP on RTM_SETLINK:
 *     0  attach A      XDP_FLAGS_UPDATE_IF_NOEXIST: nothing may be attached
 *     1  replace A->B  XDP_FLAGS_REPLACE, IFLA_XDP_EXPECTED_FD = A
 *     2  attach A      plain update over B (replaces whatever is there)
 *     3  detach        fd -1, XDP_FLAGS_REPLACE, IFLA_XDP_EXPECTED_FD = A
 *   bpf_link (--link):
 *     0  attach A      BPF_LINK_CREATE, attach_type BPF_XDP
 *     1  replace A->B  BPF_LINK_UPDATE, BPF_F_REPLACE, old_prog_fd = A
 *     2  replace B->A  BPF_LINK_UPDATE, plain
 *     3  detach        close the link
 *
 * After every step the program the device reports for the mode
 * (IFLA_XDP_DRV_PROG_ID or IFLA_XDP_SKB_PROG_ID, RTM_GETLINK) must be the one
 * expected (by id, BPF_OBJ_GET_INFO_BY_FD), or none after a detach: a
 * program someone else attached meanwhile is an error (unless step 2 replaced
 * it first). In the first cycle, a replace that
 * names the wrong program and an attach over an attached one (or, with
 * --link, over the link) must be refused. However the run ends, the tool
 * detaches what it attached (a partial cycle is undone).
 *
 * --mode: drv (native, the default) or skb (generic). --seconds: stop
 * before the next step once BUDGET seconds have passed (not an error).
 * --settle: after each step, wait until the device has received a frame
 * after it (its rx_packets moved twice: the driver counts once per NAPI
 * poll, and the first move may be a poll that began before the step), so
 * that under a flood every program of the cycle sees traffic, and a test
 * can expect both verdicts instead of hoping for them. The wait ends at the
 * BUDGET (the run stops there, not an error), or after 10 s without one
 * (exit 1: the flood stopped).
 * Prints "steps N" (the steps done) and "elapsed_ms T" on stdout.
 *
 * Exit: 0 every step done succeeded; 1 a step failed (refused, or the wrong
 * program attached); 2 usage or no such interface; 3 not permitted (needs
 * CAP_NET_ADMIN and CAP_BPF, or CAP_SYS_ADMIN); 5 set-up failed (program
 * load, netlink socket). 4 is left out: it is a kselftest skip.
 *
 * Raw system calls and rtnetlink only, so that it builds statically without
 * libbpf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXIT_STEP	1
#define EXIT_USAGE	2
#define EXIT_PERM	3
#define EXIT_SETUP	5

struct prog {
	const char *name;
	int fd;
	uint32_t id;
};

struct ctx {
	unsigned int ifindex;
	uint32_t mode;		/* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	int nl;			/* rtnetlink socket */
	uint32_t seq;
	int link;		/* bpf_link fd, or -1 */
	const struct prog *cur;	/* what should be attached, or NULL */
	char what[96];		/* the step, for error messages */
	char extack[160];	/* the kernel's reason for the last refusal */
	int rx_fd;		/* statistics/rx_packets with --settle, or -1 */
};

static const char usage[] =
	"usage: dmux_xdpswap IFNAME ITERATIONS [--mode drv|skb] [--seconds BUDGET] [--link]\n"
	"                    [--settle]\n"
	"Attach, replace and detach two XDP programs (pass, drop) ITERATIONS times,\n"
	"in cycles of four steps (attach, replace, attach over, detach), through\n"
	"rtnetlink or, with --link, a bpf_link. Prints \"steps N\" and \"elapsed_ms T\".\n"
	"--settle: after each step, wait for a frame received under it.\n"
	"Exit: 0 ok, 1 a step failed, 2 usage, 3 not permitted, 5 set-up failed.\n";

static char rbuf[32768];

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The device's rx_packets, or -1 */
static long long rx_packets(int fd)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/*
 * --settle: wait until rx_packets has moved twice after a step. Returns 0
 * when it has, 1 when @deadline came first (the run ends there), or
 * EXIT_STEP after 10 s without a frame.
 */
static int settle(const struct ctx *c, long step, long long deadline)
{
	const struct timespec pause = { .tv_nsec = 200000 };
	long long v, last, limit = now_ms() + 10000;
	int moves = 0;

	last = rx_packets(c->rx_fd);
	while (moves < 2) {
		if (deadline && now_ms() >= deadline)
			return 1;
		if (now_ms() >= limit) {
			fprintf(stderr, "dmux_xdpswap: step %ld (%s): no frame received in 10 s\n",
				step, c->what);
			return EXIT_STEP;
		}
		/* the CPU it runs on may be the one that has to poll */
		nanosleep(&pause, NULL);
		v = rx_packets(c->rx_fd);
		if (v < 0) {
			fprintf(stderr, "dmux_xdpswap: step %ld: cannot read rx_packets\n", step);
			return EXIT_STEP;
		}
		if (v != last) {
			moves++;
			last = v;
		}
	}
	return 0;
}

static int perm_hint(int err)
{
	if (err != EPERM)
		return 0;
	fprintf(stderr, "dmux_xdpswap: not permitted: needs CAP_NET_ADMIN and CAP_BPF %s\n",
		"(or CAP_SYS_ADMIN)");
	return EXIT_PERM;
}

/* r0 = @verdict; exit */
static int load_prog(struct prog *p, int verdict)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[4096];
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.expected_attach_type = BPF_XDP;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	snprintf(attr.prog_name, sizeof(attr.prog_name), "%s", p->name);
	log[0] = '\0';
	p->fd = bpf(BPF_PROG_LOAD, &attr);
	if (p->fd < 0) {
		int err = errno;

		fprintf(stderr, "dmux_xdpswap: BPF_PROG_LOAD %s: %s\n", p->name, strerror(err));
		if (log[0])
			fprintf(stderr, "%s\n", log);
		return perm_hint(err) ? EXIT_PERM : EXIT_SETUP;
	}

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = p->fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		fprintf(stderr, "dmux_xdpswap: BPF_OBJ_GET_INFO_BY_FD %s: %s\n", p->name,
			strerror(errno));
		return EXIT_SETUP;
	}
	p->id = info.id;
	return 0;
}

static void put_attr(struct nlmsghdr *nh, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Keep the kernel's extended ack message, if the error carries one. */
static void save_extack(struct ctx *c, const struct nlmsghdr *nh)
{
	const struct nlattr *a;
	int left;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* NETLINK_CAP_ACK: the request is not echoed, the TLVs follow nlmsgerr */
	a = (const struct nlattr *)((const char *)NLMSG_DATA(nh) + sizeof(struct nlmsgerr));
	left = nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct nlmsgerr));
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(c->extack, sizeof(c->extack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN), (const char *)a + NLA_HDRLEN);
		left -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

/*
 * Send @nh and wait for its answer: 0 or a negative errno. With @reply, the
 * answer that is not an error (in rbuf, valid until the next call).
 */
static int nl_transact(struct ctx *c, struct nlmsghdr *nh, struct nlmsghdr **reply)
{
	c->extack[0] = '\0';
	nh->nlmsg_seq = ++c->seq;
	if (send(c->nl, nh, nh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(c->nl, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *r;

		if (n < 0)
			return -errno;
		for (r = (struct nlmsghdr *)rbuf; NLMSG_OK(r, (size_t)n); r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != c->seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(r);

				if (e->error)
					save_extack(c, r);
				return e->error;
			}
			if (reply)
				*reply = r;
			return 0;
		}
	}
}

struct link_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[128];
};

/*
 * RTM_SETLINK with IFLA_XDP: attach @fd (-1: detach) with @flags (the mode is
 * added); @expected_fd >= 0 adds IFLA_XDP_EXPECTED_FD. Negative errno or 0.
 */
static int nl_set_xdp(struct ctx *c, int fd, uint32_t flags, int expected_fd)
{
	struct link_req req;
	struct nlattr *nest;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = c->ifindex;

	nest = (struct nlattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	put_attr(&req.nh, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	flags |= c->mode;
	put_attr(&req.nh, IFLA_XDP_FD, &fd, sizeof(fd));
	put_attr(&req.nh, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	if (expected_fd >= 0)
		put_attr(&req.nh, IFLA_XDP_EXPECTED_FD, &expected_fd, sizeof(expected_fd));
	nest->nla_len = (char *)&req + req.nh.nlmsg_len - (char *)nest;
	return nl_transact(c, &req.nh, NULL);
}

/* The id of the program attached in our mode (0: none), or a negative errno. */
static long long nl_prog_id(struct ctx *c)
{
	uint16_t want = c->mode == XDP_FLAGS_SKB_MODE ? IFLA_XDP_SKB_PROG_ID :
			IFLA_XDP_DRV_PROG_ID;
	struct nlmsghdr *r;
	struct link_req req;
	struct nlattr *a;
	uint32_t ext = 0;
	int ret, left;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = c->ifindex;
	put_attr(&req.nh, IFLA_EXT_MASK, &ext, sizeof(ext));
	ret = nl_transact(c, &req.nh, &r);
	if (ret)
		return ret;
	if (r->nlmsg_type != RTM_NEWLINK)
		return -EPROTO;

	a = (struct nlattr *)((char *)NLMSG_DATA(r) + NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	left = r->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
	     left -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		struct nlattr *x;
		int xleft;

		if ((a->nla_type & NLA_TYPE_MASK) != IFLA_XDP)
			continue;
		x = (struct nlattr *)((char *)a + NLA_HDRLEN);
		xleft = a->nla_len - NLA_HDRLEN;
		while (xleft >= NLA_HDRLEN && x->nla_len >= NLA_HDRLEN && x->nla_len <= xleft) {
			if ((x->nla_type & NLA_TYPE_MASK) == want &&
			    x->nla_len >= NLA_HDRLEN + 4) {
				uint32_t id;

				memcpy(&id, (char *)x + NLA_HDRLEN, 4);
				return id;
			}
			xleft -= NLA_ALIGN(x->nla_len);
			x = (struct nlattr *)((char *)x + NLA_ALIGN(x->nla_len));
		}
		return 0;
	}
	return 0;
}

/* BPF_LINK_CREATE: a link fd or a negative errno */
static int link_create(struct ctx *c, const struct prog *p)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = p->fd;
	attr.link_create.target_ifindex = c->ifindex;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = c->mode;
	fd = bpf(BPF_LINK_CREATE, &attr);
	return fd < 0 ? -errno : fd;
}

/* BPF_LINK_UPDATE to @p; with @old, BPF_F_REPLACE. 0 or a negative errno. */
static int link_update(struct ctx *c, const struct prog *p, const struct prog *old)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = c->link;
	attr.link_update.new_prog_fd = p->fd;
	if (old) {
		attr.link_update.flags = BPF_F_REPLACE;
		attr.link_update.old_prog_fd = old->fd;
	}
	return bpf(BPF_LINK_UPDATE, &attr) ? -errno : 0;
}

/* A step's outcome: the kernel's answer @ret, then the program attached. */
static int check(struct ctx *c, long step, int ret, const struct prog *expect)
{
	uint32_t want = expect ? expect->id : 0;
	long long id;

	if (ret < 0) {
		fprintf(stderr, "dmux_xdpswap: step %ld (%s): %s\n", step, c->what, strerror(-ret));
		if (c->extack[0])
			fprintf(stderr, "dmux_xdpswap:   the kernel says: %s\n", c->extack);
		return perm_hint(-ret) ? EXIT_PERM : EXIT_STEP;
	}
	c->cur = expect;
	id = nl_prog_id(c);
	if (id < 0) {
		fprintf(stderr, "dmux_xdpswap: step %ld (%s): RTM_GETLINK: %s\n", step, c->what,
			strerror((int)-id));
		return EXIT_STEP;
	}
	if (id != want) {
		fprintf(stderr,
			"dmux_xdpswap: step %ld (%s): attached program id %lld, expected %u (%s)\n",
			step, c->what, id, want, expect ? expect->name : "none");
		return EXIT_STEP;
	}
	return 0;
}

/* A call that must be refused with @err, leaving the program in place. */
static int check_refused(struct ctx *c, long step, int ret, int err)
{
	if (ret != -err) {
		fprintf(stderr, "dmux_xdpswap: step %ld (%s): expected %s, got %s\n", step, c->what,
			strerror(err), ret ? strerror(-ret) : "success");
		return EXIT_STEP;
	}
	return check(c, step, 0, c->cur);
}

static int nl_step(struct ctx *c, long i, const struct prog *a, const struct prog *b)
{
	int ret;

	switch (i % 4) {
	case 0:
		snprintf(c->what, sizeof(c->what), "netlink attach %s, nothing before", a->name);
		return check(c, i, nl_set_xdp(c, a->fd, XDP_FLAGS_UPDATE_IF_NOEXIST, -1), a);
	case 1:
		if (i == 1) {
			snprintf(c->what, sizeof(c->what),
				 "netlink replace expecting %s while %s is attached", b->name,
				 a->name);
			ret = check_refused(c, i, nl_set_xdp(c, b->fd, XDP_FLAGS_REPLACE, b->fd),
					    EEXIST);
			if (ret)
				return ret;
			snprintf(c->what, sizeof(c->what), "netlink attach %s, one attached",
				 b->name);
			ret = check_refused(c, i,
					    nl_set_xdp(c, b->fd, XDP_FLAGS_UPDATE_IF_NOEXIST, -1),
					    EBUSY);
			if (ret)
				return ret;
		}
		snprintf(c->what, sizeof(c->what), "netlink replace %s -> %s", a->name, b->name);
		return check(c, i, nl_set_xdp(c, b->fd, XDP_FLAGS_REPLACE, a->fd), b);
	case 2:
		snprintf(c->what, sizeof(c->what), "netlink attach %s over %s", a->name, b->name);
		return check(c, i, nl_set_xdp(c, a->fd, 0, -1), a);
	default:
		snprintf(c->what, sizeof(c->what), "netlink detach %s", a->name);
		return check(c, i, nl_set_xdp(c, -1, XDP_FLAGS_REPLACE, a->fd), NULL);
	}
}

static int link_step(struct ctx *c, long i, const struct prog *a, const struct prog *b)
{
	int ret;

	switch (i % 4) {
	case 0:
		snprintf(c->what, sizeof(c->what), "link create %s", a->name);
		ret = link_create(c, a);
		if (ret >= 0)
			c->link = ret;
		return check(c, i, ret, a);
	case 1:
		if (i == 1) {
			snprintf(c->what, sizeof(c->what),
				 "link update expecting %s while %s is attached", b->name, a->name);
			ret = check_refused(c, i, link_update(c, b, b), EPERM);
			if (ret)
				return ret;
			snprintf(c->what, sizeof(c->what), "netlink attach %s over a link",
				 b->name);
			ret = check_refused(c, i, nl_set_xdp(c, b->fd, 0, -1), EBUSY);
			if (ret)
				return ret;
		}
		snprintf(c->what, sizeof(c->what), "link update %s -> %s", a->name, b->name);
		return check(c, i, link_update(c, b, a), b);
	case 2:
		snprintf(c->what, sizeof(c->what), "link update to %s", a->name);
		return check(c, i, link_update(c, a, NULL), a);
	default:
		snprintf(c->what, sizeof(c->what), "link close (%s)", a->name);
		close(c->link);
		c->link = -1;
		return check(c, i, 0, NULL);
	}
}

/* Leave the device without a program, whatever happened. */
static int cleanup(struct ctx *c, long step)
{
	int ret;

	if (c->link >= 0) {
		close(c->link);
		c->link = -1;
		snprintf(c->what, sizeof(c->what), "clean-up: link close");
		return check(c, step, 0, NULL);
	}
	if (!c->cur)
		return 0;
	snprintf(c->what, sizeof(c->what), "clean-up: netlink detach");
	ret = nl_set_xdp(c, -1, 0, -1);
	return check(c, step, ret, NULL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "link", no_argument, NULL, 'l' },
		{ "settle", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct prog pass = { .name = "bd_swap_pass", .fd = -1 };
	struct prog drop = { .name = "bd_swap_drop", .fd = -1 };
	struct ctx c = { .mode = XDP_FLAGS_DRV_MODE, .link = -1, .rx_fd = -1 };
	int use_link = 0, use_settle = 0, one = 1, opt, ret = 0, ret2;
	long long start, deadline = 0, id;
	char path[64 + IF_NAMESIZE];
	double seconds = 0;
	long i, iter;
	char *end;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "drv")) {
				c.mode = XDP_FLAGS_DRV_MODE;
			} else if (!strcmp(optarg, "skb")) {
				c.mode = XDP_FLAGS_SKB_MODE;
			} else {
				fprintf(stderr, "dmux_xdpswap: --mode is drv or skb, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || end == optarg || seconds <= 0) {
				fprintf(stderr, "dmux_xdpswap: --seconds wants a number > 0\n");
				return EXIT_USAGE;
			}
			break;
		case 'l':
			use_link = 1;
			break;
		case 'S':
			use_settle = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	iter = strtol(argv[optind + 1], &end, 10);
	if (*end || end == argv[optind + 1] || iter < 0) {
		fprintf(stderr, "dmux_xdpswap: ITERATIONS must be a number >= 0, not '%s'\n",
			argv[optind + 1]);
		return EXIT_USAGE;
	}
	c.ifindex = if_nametoindex(argv[optind]);
	if (!c.ifindex) {
		fprintf(stderr, "dmux_xdpswap: no interface '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}

	if (use_settle) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_packets",
			 argv[optind]);
		c.rx_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (c.rx_fd < 0) {
			fprintf(stderr, "dmux_xdpswap: %s: %s\n", path, strerror(errno));
			return EXIT_SETUP;
		}
		if (rx_packets(c.rx_fd) < 0) {
			fprintf(stderr, "dmux_xdpswap: %s: not a counter\n", path);
			return EXIT_SETUP;
		}
	}

	c.nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (c.nl < 0) {
		perror("dmux_xdpswap: netlink socket");
		return EXIT_SETUP;
	}
	/* the kernel's reason for a refusal; no echo of our request in errors */
	setsockopt(c.nl, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(c.nl, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	ret = load_prog(&pass, XDP_PASS);
	if (!ret)
		ret = load_prog(&drop, XDP_DROP);
	if (ret)
		return ret;

	/* start from a bare device: the first step must not meet someone else's program */
	id = nl_prog_id(&c);
	if (id) {
		if (id < 0)
			fprintf(stderr, "dmux_xdpswap: RTM_GETLINK %s: %s\n", argv[optind],
				strerror((int)-id));
		else
			fprintf(stderr, "dmux_xdpswap: %s has an XDP program in %s mode already\n",
				argv[optind], c.mode == XDP_FLAGS_SKB_MODE ? "skb" : "drv");
		return id < 0 ? EXIT_SETUP : EXIT_STEP;
	}

	start = now_ms();
	if (seconds > 0)
		deadline = start + (long long)(seconds * 1000);
	for (i = 0; i < iter && !ret; i++) {
		/* A and B trade places every cycle */
		const struct prog *a = (i / 4) % 2 ? &drop : &pass;
		const struct prog *b = a == &pass ? &drop : &pass;

		if (deadline && now_ms() >= deadline)
			break;
		ret = use_link ? link_step(&c, i, a, b) : nl_step(&c, i, a, b);
		if (!ret && use_settle) {
			ret = settle(&c, i, deadline);
			if (ret == 1) {
				/* the budget is spent: this step is done, the run over */
				ret = 0;
				i++;
				break;
			}
			if (ret)
				i++;	/* the step itself succeeded */
		}
	}
	if (ret)
		i--;	/* the failed step is not done */
	ret2 = cleanup(&c, i);
	if (c.rx_fd >= 0)
		close(c.rx_fd);
	printf("steps %ld\nelapsed_ms %lld\n", i, now_ms() - start);
	return ret ? ret : ret2;
}
