// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Minimal: redirect every frame to the interface whose ifindex is in
 * xdp_redirect_port[0]; pass while it is 0.
 *   ip link set dev wwan0 xdp obj xdp_redirect.bpf.o sec xdp
 *   bpftool map update pinned /sys/fs/bpf/tc/globals/xdp_redirect_port \
 *       key 0 0 0 0 value 5 0 0 0      # ifindex 5, little-endian bytes
 * An array + bpf_redirect() rather than a devmap: libbpf 1.1 (iproute2,
 * bpftool) cannot reuse a pinned devmap, so a second load would fail.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "dmux_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdp_redirect_port SEC(".maps");

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	__u32 zero = 0, *ifindex = bpf_map_lookup_elem(&xdp_redirect_port, &zero);

	if (!ifindex || !*ifindex)
		return XDP_PASS;
	return bpf_redirect(*ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
