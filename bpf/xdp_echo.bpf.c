// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Minimal: send every Raw-IP IPv4/IPv6 frame back (XDP_TX) with source and
 * destination swapped; checksums stay valid (the sum is order-independent).
 * Anything else passes.  ip link set dev wwan0 xdpdrv obj xdp_echo.bpf.o sec xdp
 * Native mode only: generic XDP on a Raw-IP device reads bytes 0-13 as an
 * Ethernet header and re-parses the skb when they change (docs/bpf.md).
 */
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dmux_ctr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdp_echo_stats SEC(".maps");

SEC("xdp")
int xdp_echo(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct dmux_pkt p = {};
	struct dmux_ctr *c;
	__u32 zero = 0;

	if (dmux_parse_raw(ctx, &p) != DMUX_PARSE_OK)
		return XDP_PASS;
	if (p.family == 4) {
		struct iphdr *iph = data;

		if ((void *)(iph + 1) > end)
			return XDP_PASS;
		iph->saddr = p.dst[0];
		iph->daddr = p.src[0];
	} else {
		struct ipv6hdr *ip6 = data;

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(&ip6->saddr, p.dst, 16);
		__builtin_memcpy(&ip6->daddr, p.src, 16);
	}
	c = bpf_map_lookup_elem(&xdp_echo_stats, &zero);
	if (c) {
		c->packets++;
		c->bytes += end - data;
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
