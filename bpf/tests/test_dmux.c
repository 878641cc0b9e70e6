// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN unit tests of the XDP programs: every parse path, rule
 * kind, verdict and malformed class, with crafted frames; each case asserts
 * the XDP action and the counters. Needs root (CAP_BPF + CAP_NET_ADMIN) and
 * a BPF filesystem at /sys/fs/bpf. Usage: test_dmux OBJDIR. Prints TAP.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmux_user.h"
#include "dmux.skel.h"
#include "tap.h"
#include "pkt.h"
#include "pins.h"

#define IFX 1			/* lo: test_run's default ingress device */
#define DMUX_VERIFY_BUDGET 100000

static struct dmux *skel;
static struct dmux_fds F;
static int prog_fd;
static __u32 chan;		/* stats slot of the current ifcfg */

static int run_ctx(int fd, const void *pkt, size_t len, __u32 *act, void *out,
		   __u32 *outlen, __u32 rxq)
{
	__u8 buf[4096];
	/* test_run wants >= 14 bytes: put short frames behind metadata */
	__u32 meta = len < 16 ? 16 : 0;
	struct xdp_md ctx = { .data = meta, .data_end = meta + len,
			      .ingress_ifindex = IFX, .rx_queue_index = rxq };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = meta + len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	memset(buf, 0, meta);
	memcpy(buf + meta, pkt, len);
	if (out) {
		o.data_out = out;
		o.data_size_out = *outlen;
	}
	err = bpf_prog_test_run_opts(fd, &o);
	*act = o.retval;
	if (out)
		*outlen = o.data_size_out;
	return err;
}

static int run(const void *pkt, size_t len, __u32 *act)
{
	return run_ctx(prog_fd, pkt, len, act, NULL, NULL, 0);
}

static void zero_key(int fd, __u32 key, size_t vsize)
{
	size_t n = dmux_ncpus() * ((vsize + 7) & ~7UL);
	void *z = calloc(1, n);

	bpf_map_update_elem(fd, &key, z, BPF_ANY);
	free(z);
}

static void reset_stats(void)
{
	for (__u32 s = 0; s < DMUX_STAT_SLOTS; s++)
		zero_key(F.stats, s, sizeof(struct dmux_chan_stats));
}

static struct dmux_chan_stats stats(__u32 slot)
{
	struct dmux_chan_stats s;

	dmux_percpu_sum(F.stats, slot, &s, sizeof(s));
	return s;
}

static void set_if(__u32 channel, __u32 flags, __u32 defv)
{
	struct dmux_ifcfg c = { .channel = channel, .flags = flags, .default_verdict = defv };
	__u32 k = IFX;

	chan = channel;
	dmux_ifcfg_set(&F, k, &c);
}

static void set_config(void (*fn)(struct dmux_config *))
{
	struct dmux_config c;

	dmux_config_get(&F, &c);
	fn(&c);
	dmux_config_set(&F, &c);
}

static void cfg_defaults(struct dmux_config *c)
{
	for (int i = 0; i < DMUX_MAL_MAX; i++)
		c->malformed_verdict[i] = DMUX_V_DROP;
	c->unconf_verdict = DMUX_V_PASS;
}

static __u32 rules_used;

/* Replace all rules by @n rule texts (id = index), compile. */
static int set_rules(const char *const *txt, int n)
{
	struct dmux_rule r[32];
	__u32 ids[32], bad;
	char err[128];

	for (__u32 i = 0; i < rules_used; i++)
		dmux_rule_clear(&F, i);
	for (int i = 0; i < n; i++) {
		char buf[256], *argv[32], *save = NULL;
		int argc = 0;

		snprintf(buf, sizeof(buf), "%s", txt[i]);
		for (char *t = strtok_r(buf, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		if (dmux_rule_parse(argc, argv, &r[i], err, sizeof(err))) {
			tap_diag("rule '%s': %s", txt[i], err);
			return -1;
		}
		ids[i] = i;
		dmux_rule_put(&F, i, &r[i]);
	}
	rules_used = n;
	return dmux_rules_compile_mem(&F, ids, r, n, &bad);
}

static __u64 hits(__u32 id)
{
	__u64 h = 0;

	dmux_percpu_sum(F.hits, id, &h, sizeof(h));
	return h;
}

/*
 * Run one frame on a fresh counter set and check: XDP action, verdict
 * counter, IP version and L4 class counters, malformed class (-1: none).
 */
static void expect_pkt(const void *pkt, size_t len, __u32 act, int v, int ipver, int l4, int mal)
{
	struct dmux_chan_stats s;
	__u32 got = ~0U;
	int i;

	reset_stats();
	if (run(pkt, len, &got) && errno == EINVAL && len < 14) {
		tap_case_skip = "test_run refuses frames under 14 bytes here (tun test covers them)";
		return;
	}
	EXPECT(got != ~0U, "test_run: %s", strerror(errno));
	EXPECT_EQ(got, act);
	s = stats(chan);
	EXPECT_EQ(s.total.packets, 1);
	EXPECT_EQ(s.total.bytes, len);
	EXPECT_EQ(s.verdict[v].packets, 1);
	EXPECT_EQ(s.verdict[v].bytes, len);
	EXPECT_EQ(s.ipver[ipver].packets, 1);
	EXPECT_EQ(s.l4[l4].packets, 1);
	for (i = 0; i < DMUX_MAL_MAX; i++)
		EXPECT(s.malformed[i].packets == (i == mal),
		       "malformed[%s] = %llu", dmux_malformed_name(i),
		       (unsigned long long)s.malformed[i].packets);
}

#define CASE(name, ...) do { tap_begin(); __VA_ARGS__; tap_end(name); } while (0)

static __u8 p[2048], q[2048];

static void t_parse(void)
{
	size_t n;

	set_if(0, 0, DMUX_V_PASS);
	CASE("ipv4 udp passes, counted by verdict/version/l4", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1000, 53);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("ipv4 tcp", {
		n = pkt_ip4(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1000, 80);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_TCP, -1);
	});
	CASE("ipv4 icmp", {
		n = pkt_ip4(p, IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 0, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_ICMP, -1);
	});
	CASE("ipv4 other protocol (gre)", {
		n = pkt_ip4(p, IPPROTO_GRE, "10.0.0.1", "10.0.0.2", 0, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_OTHER, -1);
	});
	CASE("ipv6 udp / tcp / icmpv6", {
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_UDP, -1);
		n = pkt_ip6(p, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_TCP, -1);
		n = pkt_ip6(p, IPPROTO_ICMPV6, "2001:db8::1", "2001:db8::2", 0, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_ICMP6, -1);
	});
	CASE("ipv4 first fragment (MF) is parsed to l4", {
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2, 0, 0x2000);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("ipv4 non-first fragment counted as fragment", {
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2, 0, 0x0010);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_FRAG, -1);
	});
	CASE("ipv4 with options: l4 found after them", {
		n = pkt_ip4x(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1, 2, 10, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_TCP, -1);
	});
	CASE("ipv6 hop-by-hop + routing + dstopts chain to udp", {
		const __u8 ext[] = { 43, 0, 1, 4, 0, 0, 0, 0,		/* HBH -> routing */
				     60, 0, 0, 0, 0, 0, 0, 0,		/* routing -> dst */
				     17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 0, ext, sizeof(ext));
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_UDP, -1);
	});
	CASE("ipv6 AH header length in 4-byte units", {
		const __u8 ext[] = { 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };	/* AH, 12 bytes */
		n = pkt_ip6x(p, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 1, 2, 51, ext, sizeof(ext));
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_TCP, -1);
	});
	CASE("ipv6 fragment header: first parsed, later counted as fragment", {
		__u8 ext[] = { 17, 0, 0, 1, 0, 0, 0, 1 };		/* offset 0, M */
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 44, ext, sizeof(ext));
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_UDP, -1);
		ext[2] = 0;
		ext[3] = 0xb9;						/* offset 23 */
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 44, ext, sizeof(ext));
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_FRAG, -1);
	});
	CASE("ipv6 no-next-header and esp stop the walk", {
		n = pkt_ip6x(p, 59, "2001:db8::1", "2001:db8::2", 0, 0, 0, NULL, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_OTHER, -1);
		n = pkt_ip6x(p, 50, "2001:db8::1", "2001:db8::2", 0, 0, 0, NULL, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_OTHER, -1);
	});
}

static void t_malformed(void)
{
	size_t n;

	set_if(0, 0, DMUX_V_PASS);
	CASE("malformed ip_trunc: 16-byte ipv4, 30-byte ipv6", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		expect_pkt(p, 16, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_TRUNC);
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
		expect_pkt(p, 30, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_TRUNC);
	});
	CASE("malformed ip_trunc: empty and 10-byte frames", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		expect_pkt(p, 10, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_TRUNC);
		expect_pkt(p, 0, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_TRUNC);
	});
	CASE("malformed ip_version: first nibble 5 and 0", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		p[0] = 0x55;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_VERSION);
		p[0] = 0x05;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_VERSION);
	});
	CASE("malformed ip4_hdr: ihl<5, tot_len>frame, tot_len<ihl, options past end", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		p[0] = 0x44;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_NONE, DMUX_MAL_IP4_HDR);
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		p[3] += 1;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_NONE, DMUX_MAL_IP4_HDR);
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		p[2] = 0;
		p[3] = 19;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_NONE, DMUX_MAL_IP4_HDR);
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2, 10, 0);
		expect_pkt(p, 40, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_NONE, DMUX_MAL_IP4_HDR);
	});
	CASE("malformed ip6_len: payload_len past the frame", {
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
		p[5] += 1;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_NONE, DMUX_MAL_IP6_LEN);
	});
	CASE("malformed ip6_ext: truncated header, length past payload, chain of 9", {
		const __u8 ext[] = { 17, 0, 0, 0, 0, 0, 0, 0 };
		__u8 chain[9 * 8];

		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 0, ext, sizeof(ext));
		p[4] = 0;
		p[5] = 4;	/* payload 4: header does not fit */
		expect_pkt(p, 44, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_NONE, DMUX_MAL_IP6_EXT);
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 0, ext, sizeof(ext));
		p[41] = 200;	/* 1608 bytes claimed */
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_NONE, DMUX_MAL_IP6_EXT);
		memset(chain, 0, sizeof(chain));
		for (int i = 0; i < 9; i++)
			chain[8 * i] = i == 8 ? 17 : 60;
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2, 60, chain, sizeof(chain));
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_NONE, DMUX_MAL_IP6_EXT);
	});
	CASE("malformed l4_trunc: udp/tcp header cut (v4 and v6)", {
		n = pkt_ip4(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1, 2);
		p[2] = 0;
		p[3] = 30;	/* 10 bytes of TCP */
		expect_pkt(p, 30, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_TCP, DMUX_MAL_L4_TRUNC);
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
		p[4] = 0;
		p[5] = 4;
		expect_pkt(p, 44, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_UDP, DMUX_MAL_L4_TRUNC);
	});
	CASE("malformed verdict is configurable (ip_version -> pass)", {
		struct dmux_config c;

		dmux_config_get(&F, &c);
		c.malformed_verdict[DMUX_MAL_IP_VERSION] = DMUX_V_PASS;
		dmux_config_set(&F, &c);
		p[0] = 0x75;
		expect_pkt(p, 30, XDP_PASS, DMUX_V_PASS, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_VERSION);
		set_config(cfg_defaults);
	});
}

static struct dmux_mux_stats mux_stats(__u32 mux)
{
	struct dmux_mux_stats m;

	dmux_percpu_sum(F.mux_stats, chan * DMUX_NUM_MUX + mux, &m, sizeof(m));
	return m;
}

static void zero_mux(__u32 mux)
{
	zero_key(F.mux_stats, chan * DMUX_NUM_MUX + mux, sizeof(struct dmux_mux_stats));
}

static __u32 qmap_flags(enum pkt_map_fmt fmt)
{
	return fmt == MAP_RAW ? 0 : fmt == MAP_V1 ? DMUX_IF_QMAP :
	       fmt == MAP_V4 ? DMUX_IF_QMAP | DMUX_IF_QMAP_V4 : DMUX_IF_QMAP | DMUX_IF_QMAP_V5;
}

static const char *const fmt_name[] = { "raw-ip", "v1", "v4", "v5" };

/* A 12-byte MAP command (flow disable) with transaction id 0x01020304. */
static size_t map_cmd(__u8 *b)
{
	memset(b, 0, 12);
	b[0] = 1;
	b[4] = 1, b[5] = 2, b[6] = 3, b[7] = 4;
	return 12;
}

static void t_qmap(void)
{
	size_t n, in;

	set_if(2, DMUX_IF_QMAP, DMUX_V_PASS);
	CASE("qmap v1: ipv4 udp in mux 5 (pad 3), per-mux packets and bytes", {
		zero_mux(5);
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_qmap(p, q, in, 5, 3, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(mux_stats(5).verdict[DMUX_V_PASS].packets, 1);
		EXPECT_EQ(mux_stats(5).verdict[DMUX_V_PASS].bytes, n);
		EXPECT_EQ(mux_stats(5).malformed.packets, 0);
	});
	CASE("qmap v1: ipv6 tcp in mux 0", {
		zero_mux(0);
		in = pkt_ip6(q, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 1, 2);
		n = pkt_map(p, q, in, 0, 0, MAP_V1, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_TCP, -1);
		EXPECT_EQ(mux_stats(0).verdict[DMUX_V_PASS].packets, 1);
	});
	CASE("qmap command frame passes untouched, also under deny and a mux rule", {
		const char *r[] = { "mux 7 drop" };
		__u8 out[256];
		__u32 act = ~0U, olen = sizeof(out);

		EXPECT(set_rules(r, 1) == 0, "compile");
		set_if(2, DMUX_IF_QMAP, DMUX_V_DROP);
		zero_mux(7);
		in = map_cmd(q);
		n = pkt_map(p, q, in, 7, 0, MAP_V1, 1);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP_OTHER, DMUX_L4_NONE, -1);
		EXPECT_EQ(stats(2).qmap_cmd.packets, 1);
		EXPECT_EQ(stats(2).rule_match.packets, 0);
		EXPECT_EQ(hits(0), 0);
		EXPECT_EQ(mux_stats(7).cmd.packets, 1);
		EXPECT_EQ(mux_stats(7).cmd.bytes, n);
		EXPECT_EQ(mux_stats(7).verdict[DMUX_V_PASS].packets, 1);
		EXPECT(!run_ctx(prog_fd, p, n, &act, out, &olen, 0), "test_run: %s", strerror(errno));
		EXPECT_EQ(olen, n);
		EXPECT(!memcmp(out, p, n), "the command frame was changed");
		set_rules(NULL, 0);
		set_if(2, DMUX_IF_QMAP, DMUX_V_PASS);
	});
	CASE("qmap mode is configured: Raw-IP ipv4 and ipv6 on a qmap channel are qmap_fmt", {
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		/* 0x45 0x00 len: pkt_len = tot_len = the frame, not frame - 4 */
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
	});
	CASE("malformed qmap_trunc: 3-byte frame", {
		expect_pkt(p, 3, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_TRUNC);
	});
	CASE("malformed qmap_len: pad == pkt_len, pad > pkt_len", {
		n = pkt_qmap(p, q, 12, 1, 0, 0);
		p[0] = 12;	/* nothing left of the packet */
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_LEN);
		p[0] = 13;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_LEN);
	});
	CASE("malformed qmap_fmt: pkt_len one byte past or short of the frame, or 0", {
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_qmap(p, q, in, 1, 0, 0);
		p[3] += 1;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
		p[3] -= 2;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
		p[2] = p[3] = 0;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
	});
	CASE("malformed qmap_mux: mux_id 255, counted in mux slot 255", {
		zero_mux(255);
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_qmap(p, q, in, 255, 0, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_MUX);
		EXPECT_EQ(mux_stats(255).malformed.packets, 1);
		EXPECT_EQ(mux_stats(255).verdict[DMUX_V_DROP].packets, 1);
	});
	CASE("qmap inner ip malformed is classified after the MAP header", {
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		q[0] = 0x35;
		n = pkt_qmap(p, q, in, 1, 0, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_IP_VERSION);
		/* pad is excluded: an ipv4 whose tot_len runs into the pad */
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		q[3] += 2;
		n = pkt_qmap(p, q, in, 1, 2, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_NONE, DMUX_MAL_IP4_HDR);
	});

	set_if(3, DMUX_IF_QMAP | DMUX_IF_QMAP_V5, DMUX_V_PASS);
	CASE("qmap v5 with checksum header: ipv6 tcp, ipv4 udp with pad", {
		in = pkt_ip6(q, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 1, 2);
		n = pkt_qmap(p, q, in, 9, 0, QMAP_NEXT);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_TCP, -1);
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_map(p, q, in, 9, 2, MAP_V5, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("qmap v5 command frame: no checksum header, passes", {
		in = map_cmd(q);
		n = pkt_map(p, q, in, 9, 0, MAP_V5, 1);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP_OTHER, DMUX_L4_NONE, -1);
		EXPECT_EQ(stats(3).qmap_cmd.packets, 1);
	});
	CASE("malformed qmap_fmt: v5 data frame without bit 6, checksum header type 3", {
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_qmap(p, q, in, 9, 0, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
		n = pkt_map(p, q, in, 9, 0, MAP_V5, 0);
		p[4] = 3 << 1;
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_FMT);
	});
	CASE("malformed qmap_trunc: 6-byte v5 frame without room for the csum header", {
		p[0] = QMAP_NEXT;
		p[1] = 1;
		p[2] = 0;
		p[3] = 1;
		p[4] = 0;
		expect_pkt(p, 6, XDP_DROP, DMUX_V_DROP, DMUX_IP_OTHER, DMUX_L4_NONE, DMUX_MAL_QMAP_TRUNC);
	});

	set_if(4, DMUX_IF_QMAP | DMUX_IF_QMAP_V4, DMUX_V_PASS);
	CASE("qmap v4: 8-byte trailer after data and command frames", {
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_map(p, q, in, 3, 1, MAP_V4, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		in = map_cmd(q);
		n = pkt_map(p, q, in, 3, 0, MAP_V4, 1);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP_OTHER, DMUX_L4_NONE, -1);
		EXPECT_EQ(stats(4).qmap_cmd.packets, 1);
	});

	/* Fail closed: a program configured for one format drops (and counts)
	 * the frames of every other, Raw-IP ones included, so a stale mode
	 * (the driver's flag changed, dmux-stat has not refreshed) lets
	 * nothing through unchecked. */
	CASE("per-mux counters of a channel in one batch read equal the per-key sums", {
		static struct dmux_mux_stats all[DMUX_NUM_MUX];

		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_map(p, q, in, 254, 0, MAP_V4, 0);
		run(p, n, &(__u32){ 0 });
		EXPECT(!dmux_percpu_sum_range(F.mux_stats, 4 * DMUX_NUM_MUX, DMUX_NUM_MUX, all,
					      sizeof(all[0])), "batch read");
		for (__u32 m = 0; m < DMUX_NUM_MUX; m++) {
			struct dmux_mux_stats one = mux_stats(m);

			EXPECT(!memcmp(&one, &all[m], sizeof(one)), "mux %u differs", m);
		}
		EXPECT_EQ(all[254].verdict[DMUX_V_PASS].packets, 1);
		EXPECT(!dmux_percpu_sum_range(F.mux_stats, 0, 3, all, sizeof(all[0])), "from key 0");
	});
	CASE("every other format is dropped: qmap_fmt on QMAP, malformed on Raw-IP", {
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		for (int cfg = MAP_RAW; cfg <= MAP_V5; cfg++) {
			set_if(5, qmap_flags(cfg), DMUX_V_PASS);
			for (int fmt = MAP_RAW; fmt <= MAP_V5; fmt++) {
				struct dmux_chan_stats s;
				__u32 act = ~0U;

				n = pkt_map(p, q, in, 1, 0, fmt, 0);
				reset_stats();
				EXPECT(!run(p, n, &act), "test_run: %s", strerror(errno));
				s = stats(5);
				if (fmt == cfg) {
					EXPECT(act == XDP_PASS, "program %s, frame %s: action %u",
					       fmt_name[cfg], fmt_name[fmt], act);
					continue;
				}
				EXPECT(act == XDP_DROP, "program %s, frame %s: action %u",
				       fmt_name[cfg], fmt_name[fmt], act);
				if (cfg != MAP_RAW)
					EXPECT(s.malformed[DMUX_MAL_QMAP_FMT].packets == 1,
					       "program %s, frame %s: not qmap_fmt",
					       fmt_name[cfg], fmt_name[fmt]);
			}
		}
	});
	set_if(0, 0, DMUX_V_PASS);
}

static void t_rules(void)
{
	size_t n;
	__u32 act;

	set_if(0, 0, DMUX_V_PASS);
	CASE("rule src ipv4 prefix drops, others pass; hit counter", {
		const char *r[] = { "src 10.1.0.0/16 drop" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.2.3", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(stats(0).rule_match.packets, 1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.2.2.3", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(0), 1);
	});
	CASE("rule dst ipv4 prefix", {
		const char *r[] = { "dst 192.0.2.128/25 drop" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.2.3", "192.0.2.200", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.2.3", "192.0.2.100", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("rule src/dst ipv6 prefixes", {
		const char *r[] = { "src 2001:db8:1::/48 drop", "dst 2001:db8:ffff::1/128 drop" };
		EXPECT(set_rules(r, 2) == 0, "compile");
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8:1:2::5", "2001:db8::2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_UDP, -1);
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8:2::5", "2001:db8:ffff::1", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_UDP, -1);
		n = pkt_ip6(p, IPPROTO_UDP, "2001:db8:2::5", "2001:db8:ffff::2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(0), 1);
		EXPECT_EQ(hits(1), 1);
	});
	CASE("rule protocol + destination port range (edges)", {
		const char *r[] = { "proto tcp dport 1000-2000 drop" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 5, 1000);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_TCP, -1);
		n = pkt_ip4(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 5, 2000);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_TCP, -1);
		n = pkt_ip4(p, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 5, 2001);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_TCP, -1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 5, 1500);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip6(p, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 5, 1500);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_TCP, -1);
	});
	CASE("rule source port; ports only on the first fragment", {
		const char *r[] = { "proto udp sport 53 drop" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 53, 9, 0, 0x2000);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 53, 9, 0, 0x0003);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_FRAG, -1);
	});
	CASE("rule ports behind ipv4 options and ipv6 extension headers", {
		const char *r[] = { "proto udp dport 4789 drop" };
		const __u8 ext[] = { 17, 0, 1, 4, 0, 0, 0, 0 };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4x(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 4789, 3, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip6x(p, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 4789, 0, ext, sizeof(ext));
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_UDP, -1);
	});
	CASE("rule mux-id on a qmap channel", {
		const char *r[] = { "mux 4 drop" };
		size_t in;
		EXPECT(set_rules(r, 1) == 0, "compile");
		set_if(1, DMUX_IF_QMAP, DMUX_V_PASS);
		in = pkt_ip4(q, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		n = pkt_qmap(p, q, in, 4, 0, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_qmap(p, q, in, 5, 0, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		set_if(0, 0, DMUX_V_PASS);
		expect_pkt(q, in, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("rules: mux id with a prefix and ports, lowest id wins; per-mux drops", {
		const char *r[] = {
			"src 10.9.0.0/16 mux 1 drop",		/* 0 */
			"mux 2 proto udp dport 53 pass",	/* 1 */
			"mux 2 drop",				/* 2 */
		};
		size_t in;
		EXPECT(set_rules(r, 3) == 0, "compile");
		set_if(1, DMUX_IF_QMAP | DMUX_IF_QMAP_V5, DMUX_V_PASS);
		zero_mux(1);
		zero_mux(2);
		in = pkt_ip4(q, IPPROTO_UDP, "10.9.1.1", "10.0.0.2", 1, 2);
		n = pkt_map(p, q, in, 1, 0, MAP_V5, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(0), 1);
		in = pkt_ip4(q, IPPROTO_UDP, "10.8.1.1", "10.0.0.2", 1, 2);
		n = pkt_map(p, q, in, 1, 0, MAP_V5, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		in = pkt_ip4(q, IPPROTO_UDP, "10.9.1.1", "10.0.0.2", 1, 53);
		n = pkt_map(p, q, in, 2, 0, MAP_V5, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(1), 1);
		in = pkt_ip6(q, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 1, 53);
		n = pkt_map(p, q, in, 2, 0, MAP_V5, 0);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_TCP, -1);
		EXPECT_EQ(hits(2), 1);
		EXPECT_EQ(mux_stats(1).verdict[DMUX_V_DROP].packets, 1);
		EXPECT_EQ(mux_stats(1).verdict[DMUX_V_PASS].packets, 1);
		EXPECT_EQ(mux_stats(2).verdict[DMUX_V_DROP].packets, 1);
		EXPECT_EQ(mux_stats(2).verdict[DMUX_V_DROP].bytes, n);
		EXPECT_EQ(mux_stats(2).verdict[DMUX_V_PASS].packets, 1);
		set_if(0, 0, DMUX_V_PASS);
	});
	CASE("rule order: lowest id wins across src/dst/wildcard; covering prefixes", {
		const char *r[] = {
			"src 10.1.0.0/16 proto tcp pass",	/* 0 */
			"src 10.0.0.0/8 drop",			/* 1: covers 10.1/16 */
			"dst 192.0.2.1 pass",			/* 2 */
			"proto udp drop",			/* 3: wildcard */
		};
		EXPECT(set_rules(r, 4) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_TCP, "10.1.1.1", "192.0.2.1", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_TCP, -1);
		EXPECT_EQ(hits(0), 1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.1.1", "192.0.2.1", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(1), 1);
		n = pkt_ip4(p, IPPROTO_UDP, "172.16.0.1", "192.0.2.1", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(2), 1);
		n = pkt_ip4(p, IPPROTO_UDP, "172.16.0.1", "192.0.2.9", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(3), 1);
	});
	CASE("host prefixes with covering prefixes on both sides: lowest id wins", {
		const char *r[] = {
			"src 10.1.0.0/16 proto tcp pass",	/* 0: covers the host */
			"src 10.1.2.3 drop",			/* 1: /32 */
			"src 10.1.0.0/16 drop",			/* 2 */
			"dst 2001:db8::7 drop",			/* 3: /128 */
			"dst 2001:db8::/32 proto tcp pass",	/* 4 */
		};
		EXPECT(set_rules(r, 5) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_TCP, "10.1.2.3", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_TCP, -1);
		EXPECT_EQ(hits(0), 1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.2.3", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(1), 1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.2.4", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(hits(2), 1);
		n = pkt_ip6(p, IPPROTO_TCP, "2001:db9::1", "2001:db8::7", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP6, DMUX_L4_TCP, -1);
		EXPECT_EQ(hits(3), 1);
		n = pkt_ip6(p, IPPROTO_TCP, "2001:db9::1", "2001:db8::8", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP6, DMUX_L4_TCP, -1);
		EXPECT_EQ(hits(4), 1);
	});
	CASE("rule src+dst in one rule", {
		const char *r[] = { "src 10.0.0.0/8 dst 10.9.0.0/16 drop" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.1.1", "10.9.1.1", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip4(p, IPPROTO_UDP, "10.1.1.1", "10.8.1.1", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("rule compile rejects more than 16 covering rules", {
		const char *r[17];
		char buf[17][40];
		for (int i = 0; i < 17; i++) {
			snprintf(buf[i], sizeof(buf[i]), "src 10.0.0.0/%d drop", 8 + i);
			r[i] = buf[i];
		}
		EXPECT(set_rules(r, 17) == -E2BIG, "want -E2BIG");
		EXPECT(set_rules(r, 16) == 0, "16 fit");
		EXPECT(set_rules(r, 0) == 0, "clear");
	});
	CASE("default policy deny drops unmatched, allow rule passes", {
		const char *r[] = { "proto icmp pass" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		set_if(0, 0, DMUX_V_DROP);
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_DROP, DMUX_V_DROP, DMUX_IP4, DMUX_L4_UDP, -1);
		n = pkt_ip4(p, IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 0, 0);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_ICMP, -1);
		set_if(0, 0, DMUX_V_PASS);
	});
	CASE("channel from ifcfg: counted in slot 6; no ifcfg: unconfigured slot", {
		__u32 k = IFX;
		set_rules(NULL, 0);
		set_if(6, 0, DMUX_V_PASS);
		n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		dmux_ifcfg_clear(&F, k);
		chan = DMUX_CHAN_UNCONF;
		expect_pkt(p, n, XDP_PASS, DMUX_V_PASS, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(stats(6).total.packets, 0);
		set_if(0, 0, DMUX_V_PASS);
	});
	(void)act;
}

/* An AF_XDP socket bound (copy mode) to lo queue 0, or -1. */
static int xsk_socket_lo(void)
{
	static void *umem;
	size_t size = 4096 * 64;
	struct xdp_umem_reg reg = { .len = size, .chunk_size = 4096 };
	struct sockaddr_xdp sa = { .sxdp_family = AF_XDP, .sxdp_ifindex = IFX,
				   .sxdp_queue_id = 0, .sxdp_flags = XDP_COPY };
	int fd = socket(AF_XDP, SOCK_RAW, 0), ring = 64;

	if (fd < 0)
		return -1;
	if (!umem)
		umem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.addr = (unsigned long)umem;
	if (umem == MAP_FAILED ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		tap_diag("AF_XDP on lo: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void t_verdicts(void)
{
	size_t n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
	__u32 k;

	set_if(0, 0, DMUX_V_PASS);
	CASE("redirect to an interface (lo by ifindex)", {
		const char *r[] = { "proto udp redirect 1" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		expect_pkt(p, n, XDP_REDIRECT, DMUX_V_REDIRECT, DMUX_IP4, DMUX_L4_UDP, -1);
		EXPECT_EQ(stats(0).verdict[DMUX_V_REDIRECT].packets, 1);
	});
	CASE("redirect rule with target 0: redirect_err, dropped", {
		struct dmux_rule rr;
		__u32 id = 0, bad;
		set_rules(NULL, 0);
		memset(&rr, 0, sizeof(rr));
		rr.flags = DMUX_RF_VALID;
		rr.verdict = DMUX_V_REDIRECT;
		dmux_rule_put(&F, 0, &rr);
		rules_used = 1;
		EXPECT(dmux_rules_compile_mem(&F, &id, &rr, 1, &bad) == 0, "compile");
		expect_pkt(p, n, XDP_DROP, DMUX_V_REDIRECT_ERR, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("cpu verdict while dmux_cpumaps is empty: redirect_err, dropped", {
		const char *r[] = { "proto udp cpu 0" };
		EXPECT(dmux_cpumap_fd(&F, 0) == -ENOENT, "slot filled already");
		EXPECT(set_rules(r, 1) == 0, "compile");
		expect_pkt(p, n, XDP_DROP, DMUX_V_REDIRECT_ERR, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	CASE("redirect to the last possible CPU through the cpumap in dmux_cpumaps", {
		char rule[32];
		const char *r[] = { rule };
		__u32 qsize = 64, cpu = dmux_ncpus() - 1;
		struct bpf_map_info mi = { 0 };
		__u32 mlen = sizeof(mi);
		int cfd = dmux_cpumap_fd(&F, 1);

		EXPECT(cfd >= 0, "cpumap: %s", strerror(-cfd));
		if (cfd >= 0) {
			EXPECT(!bpf_obj_get_info_by_fd(cfd, &mi, &mlen), "info");
			EXPECT_EQ(mi.max_entries, (__u32)dmux_ncpus());
			EXPECT(bpf_map_update_elem(cfd, &cpu, &qsize, BPF_ANY) == 0, "cpumap[%u]: %s",
			       cpu, strerror(errno));
			snprintf(rule, sizeof(rule), "proto udp cpu %u", cpu);
			EXPECT(set_rules(r, 1) == 0, "compile");
			expect_pkt(p, n, XDP_REDIRECT, DMUX_V_CPU, DMUX_IP4, DMUX_L4_UDP, -1);
			close(cfd);
		}
	});
	CASE("redirect to an AF_XDP socket in the xskmap (rx queue key)", {
		const char *r[] = { "proto udp xsk rxq" };
		int xfd = xsk_socket_lo();
		k = 0;
		if (xfd < 0) {
			tap_case_skip = "cannot bind an AF_XDP socket to lo";
		} else {
			EXPECT(bpf_map_update_elem(F.xskmap, &k, &xfd, BPF_ANY) == 0,
			       "xskmap: %s", strerror(errno));
			EXPECT(set_rules(r, 1) == 0, "compile");
			expect_pkt(p, n, XDP_REDIRECT, DMUX_V_XSK, DMUX_IP4, DMUX_L4_UDP, -1);
			bpf_map_delete_elem(F.xskmap, &k);
			close(xfd);
		}
	});
	CASE("redirect to xskmap without a socket: redirect_err, dropped", {
		const char *r[] = { "proto udp xsk rxq" };
		EXPECT(set_rules(r, 1) == 0, "compile");
		expect_pkt(p, n, XDP_DROP, DMUX_V_REDIRECT_ERR, DMUX_IP4, DMUX_L4_UDP, -1);
	});
	set_rules(NULL, 0);
}

/* ---- minimal programs ---- */

static struct bpf_object *load_obj(const char *dir, const char *name, int *fd)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = pins_dir);
	char path[512];
	struct bpf_object *obj;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, name);
	obj = bpf_object__open_file(path, &o);
	if (!obj || bpf_object__load(obj)) {
		tap_diag("load %s: %s", path, strerror(errno));
		bpf_object__close(obj);
		return NULL;
	}
	*fd = bpf_program__fd(bpf_object__next_program(obj, NULL));
	return obj;
}

static void t_minimal(const char *dir)
{
	static const struct { const char *name; __u32 act; } progs[] = {
		{ "xdp_pass", XDP_PASS }, { "xdp_drop", XDP_DROP }, { "xdp_count", XDP_PASS },
		{ "xdp_redirect", XDP_PASS },
	};
	size_t n = pkt_ip4(p, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2);
	char name[64];

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		int fd;
		struct bpf_object *obj;
		__u32 act = ~0U;

		snprintf(name, sizeof(name), "%s loads and returns %s", progs[i].name,
			 progs[i].act == XDP_PASS ? "XDP_PASS" : "XDP_DROP");
		tap_begin();
		obj = load_obj(dir, progs[i].name, &fd);
		EXPECT(obj, "load");
		if (obj) {
			EXPECT(run_ctx(fd, p, n, &act, NULL, NULL, 0) == 0, "run");
			EXPECT_EQ(act, progs[i].act);
		}
		if (obj && !strcmp(progs[i].name, "xdp_count")) {
			struct dmux_ctr c;
			int mfd = bpf_object__find_map_fd_by_name(obj, XDP_COUNT_MAP);

			run_ctx(fd, p, n, &act, NULL, NULL, 0);
			dmux_percpu_sum(mfd, 0, &c, sizeof(c));
			EXPECT_EQ(c.packets, 2);
			EXPECT_EQ(c.bytes, 2 * n);
		}
		if (obj && !strcmp(progs[i].name, "xdp_redirect")) {
			int mfd = bpf_object__find_map_fd_by_name(obj, XDP_REDIRECT_MAP);
			__u32 k = 0, v = IFX;

			EXPECT(bpf_map_update_elem(mfd, &k, &v, BPF_ANY) == 0, "devmap");
			run_ctx(fd, p, n, &act, NULL, NULL, 0);
			EXPECT_EQ(act, XDP_REDIRECT);
		}
		tap_end(name);
		bpf_object__close(obj);
	}

	CASE("xdp_echo swaps ipv4 and ipv6 addresses and returns XDP_TX", {
		int fd;
		struct bpf_object *obj = load_obj(dir, "xdp_echo", &fd);
		__u8 out[256];
		__u32 outlen = sizeof(out), act = 0;

		EXPECT(obj, "load");
		if (obj) {
			EXPECT(run_ctx(fd, p, n, &act, out, &outlen, 0) == 0, "run");
			EXPECT_EQ(act, XDP_TX);
			EXPECT_EQ(outlen, n);
			EXPECT(!memcmp(out + 12, p + 16, 4) && !memcmp(out + 16, p + 12, 4), "v4 swap");
			n = pkt_ip6(q, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);
			outlen = sizeof(out);
			run_ctx(fd, q, n, &act, out, &outlen, 0);
			EXPECT_EQ(act, XDP_TX);
			EXPECT(!memcmp(out + 8, q + 24, 16) && !memcmp(out + 24, q + 8, 16), "v6 swap");
			q[0] = 0x15;
			run_ctx(fd, q, n, &act, NULL, NULL, 0);
			EXPECT_EQ(act, XDP_PASS);
		}
		bpf_object__close(obj);
	});
}

/* ---- objects: what any loader (ip link, bpftool) creates ---- */

/* The kernel refuses a cpumap with more entries than its NR_CPUS (E2BIG in
 * cpu_map_alloc()); NR_CPUS is 1 on a uniprocessor kernel and may be 2 on
 * an SMP one. A loader that sizes nothing (ip link) must be able to create
 * every cpumap an object declares, inner-map templates included. */
static int cpumaps_fit_any_kernel(struct bpf_object *obj, char *bad, size_t len)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		struct bpf_map *in = bpf_map__inner_map(m);

		if (bpf_map__type(m) == BPF_MAP_TYPE_CPUMAP && bpf_map__max_entries(m) > 1) {
			snprintf(bad, len, "%s: cpumap of %u entries", bpf_map__name(m),
				 bpf_map__max_entries(m));
			return 0;
		}
		if (in && bpf_map__type(in) == BPF_MAP_TYPE_CPUMAP && bpf_map__max_entries(in) > 1) {
			snprintf(bad, len, "%s: inner cpumap of %u entries", bpf_map__name(m),
				 bpf_map__max_entries(in));
			return 0;
		}
	}
	return 1;
}

static void t_objects(const char *dir)
{
	static const char *const objs[] = {
		"dmux", "xdp_pass", "xdp_drop", "xdp_count", "xdp_echo", "xdp_redirect",
	};
	char path[512], msg[256];

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct bpf_object *obj;
		char name[128];

		snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, objs[i]);
		snprintf(name, sizeof(name), "%s.bpf.o: every cpumap loads with NR_CPUS = 1 "
			 "(as ip link creates it)", objs[i]);
		tap_begin();
		obj = bpf_object__open_file(path, NULL);
		EXPECT(obj, "open %s: %s", path, strerror(errno));
		if (obj) {
			msg[0] = 0;
			EXPECT(cpumaps_fit_any_kernel(obj, msg, sizeof(msg)), "%s", msg);
		}
		tap_end(name);
		bpf_object__close(obj);
	}
	CASE("the library's pinned-map table equals dmux.bpf.o's declarations", {
		msg[0] = 0;
		EXPECT(dmux_obj_check(skel->obj, msg, sizeof(msg)) == 0, "%s", msg);
	});
	CASE("a pinned map of another layout is named before load (stale pins)", {
		LIBBPF_OPTS(bpf_object_open_opts, o2);
		char sdir[300];
		struct dmux *s2;
		int fd;

		snprintf(sdir, sizeof(sdir), "%s/stale", pins_dir);
		snprintf(path, sizeof(path), "%s/%s", sdir, DMUX_MAP_RULES);
		mkdir(sdir, 0700);
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, DMUX_MAP_RULES, 4, 8, 4, NULL);
		EXPECT(fd >= 0 && !bpf_obj_pin(fd, path), "pin: %s", strerror(errno));
		o2.pin_root_path = sdir;
		s2 = dmux__open_opts(&o2);
		msg[0] = 0;
		EXPECT(s2 && dmux_obj_fit(s2->obj, sdir, msg, sizeof(msg)) == -EUCLEAN,
		       "dmux_obj_fit accepted a dmux_rules of value size 8");
		EXPECT(strstr(msg, DMUX_MAP_RULES) && strstr(msg, "value size 8"), "message: %s", msg);
		{
			struct dmux_fds f2;

			EXPECT(dmux_fds_from_pins(&f2, sdir, NULL, 0) == -ENOENT, "from_pins");
		}
		dmux__destroy(s2);
		if (fd >= 0)
			close(fd);
		unlink(path);
		rmdir(sdir);
	});
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../build/bpf";
	LIBBPF_OPTS(bpf_object_open_opts, o);

	int err;

	printf("TAP version 13\n");
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		return 0;
	}
	err = pins_create("dmux-test");
	if (err) {
		printf("1..0 # SKIP no BPF filesystem at /sys/fs/bpf (%s)\n", strerror(-err));
		return 0;
	}
	o.pin_root_path = pins_dir;
	tap_begin();
	skel = dmux__open_opts(&o);
	EXPECT(skel && !dmux_obj_fit(skel->obj, pins_dir, NULL, 0) && !dmux__load(skel),
	       "dmux.bpf.o does not load: %s", strerror(errno));
	if (!tap_end("dmux.bpf.o passes the verifier")) {
		printf("1..%d\n", tap_n);
		return 1;
	}
	prog_fd = bpf_program__fd(skel->progs.dmux_xdp);
	{
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		/* A budget, not the limit: an earlier dmux.bpf.c took 152k
		 * instructions; verifiers change between kernels, so keep a
		 * wide margin below 1M. */
		tap_begin();
		EXPECT(!bpf_obj_get_info_by_fd(prog_fd, &info, &len), "prog info: %s",
		       strerror(errno));
		tap_diag("dmux_xdp: %u instructions, %u verified (limit 1000000)",
			 info.xlated_prog_len / 8, info.verified_insns);
		EXPECT(info.verified_insns < DMUX_VERIFY_BUDGET,
		       "%u verified instructions, budget %u", info.verified_insns,
		       DMUX_VERIFY_BUDGET);
		tap_end("dmux.bpf.o verifies within its budget (a tenth of the 1M limit)");
	}
	dmux_fds_from_obj(&F, skel->obj);
	set_config(cfg_defaults);

	t_objects(dir);

	t_parse();
	t_malformed();
	t_qmap();
	t_rules();
	t_verdicts();
	t_minimal(dir);

	dmux__destroy(skel);
	printf("1..%d\n", tap_n);
	printf("# %d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}
