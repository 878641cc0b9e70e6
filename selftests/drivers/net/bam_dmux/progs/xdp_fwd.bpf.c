// SPDX-License-Identifier: GPL-2.0-only
/*
 * Redirect test datagrams, configured through the array map bd_fwd_cfg:
 *   BD_FWD_RAW      Raw-IP as it is, to cfg.ifindex (wwan -> wwan)
 *   BD_FWD_ETH      with an Ethernet header in front (dst cfg.dmac), to
 *                   cfg.ifindex (wwan -> veth)
 *   BD_FWD_CPU      with an Ethernet header (dst all-zero, which matches a
 *                   Raw-IP device's address), to CPU cfg.cpu via bd_cpumap
 *   BD_FWD_STRIP    an Ethernet frame stripped to Raw-IP, to cfg.ifindex
 *                   (veth -> wwan, through the wwan's ndo_xdp_xmit)
 *   BD_FWD_XSK      to the AF_XDP socket in bd_xsks[0]
 * Anything else passes.
 */
#include "common.h"

enum { BD_FWD_RAW, BD_FWD_ETH, BD_FWD_CPU, BD_FWD_STRIP, BD_FWD_XSK };

struct bd_fwd_cfg {
	__u32 mode;
	__u32 ifindex;
	__u32 cpu;
	__u8 dmac[6];
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bd_fwd_cfg);
} bd_fwd_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} bd_cpumap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bd_xsks SEC(".maps");

static __always_inline int bd_push_eth(struct xdp_md *ctx, const __u8 *dmac)
{
	struct ethhdr *eth;
	void *end;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(*eth)))
		return -1;
	eth = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if ((void *)(eth + 1) > end)
		return -1;
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memset(eth->h_source, 0, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);
	return 0;
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	static const __u8 zero_mac[ETH_ALEN];
	struct bd_fwd_cfg *cfg;
	struct iphdr *ip;
	__u32 key = 0;

	cfg = bpf_map_lookup_elem(&bd_fwd_cfg, &key);
	if (!cfg)
		return XDP_PASS;

	if (cfg->mode == BD_FWD_STRIP) {
		struct ethhdr *eth = data;

		if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
		    !bd_udp4(eth + 1, end, &ip))
			return XDP_PASS;
		if (bpf_xdp_adjust_head(ctx, sizeof(*eth)))
			return XDP_ABORTED;
		return bpf_redirect(cfg->ifindex, 0);
	}

	if (!bd_udp4(data, end, &ip))
		return XDP_PASS;

	switch (cfg->mode) {
	case BD_FWD_RAW:
		return bpf_redirect(cfg->ifindex, 0);
	case BD_FWD_ETH:
		if (bd_push_eth(ctx, cfg->dmac))
			return XDP_ABORTED;
		return bpf_redirect(cfg->ifindex, 0);
	case BD_FWD_CPU:
		if (bd_push_eth(ctx, zero_mac))
			return XDP_ABORTED;
		return bpf_redirect_map(&bd_cpumap, cfg->cpu, 0);
	case BD_FWD_XSK:
		return bpf_redirect_map(&bd_xsks, 0, XDP_PASS);
	}
	return XDP_PASS;
}
