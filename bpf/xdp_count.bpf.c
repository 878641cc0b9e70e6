// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Minimal: count packets and bytes (per-CPU), pass.
 *   ip link set dev wwan0 xdp obj xdp_count.bpf.o sec xdp
 *   bpftool map dump pinned /sys/fs/bpf/tc/globals/xdp_count_stats
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "dmux_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dmux_ctr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdp_count_stats SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct dmux_ctr *c = bpf_map_lookup_elem(&xdp_count_stats, &zero);

	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
