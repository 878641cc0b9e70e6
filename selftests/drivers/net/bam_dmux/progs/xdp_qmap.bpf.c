// SPDX-License-Identifier: GPL-2.0-only
/*
 * QMAP mode: each MAP frame of an aggregate reaches the program on its own,
 * data at its MAP header. The verdict for a frame is bd_qmap_act[mux_id]
 * (0: XDP_PASS, else the XDP action plus one; a redirect goes to
 * bd_qmap_act[256], an ifindex). Every frame is counted by mux id.
 */
#include "common.h"

#define BD_QMAP_REDIRECT_SLOT	256

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BD_QMAP_REDIRECT_SLOT + 1);
	__type(key, __u32);
	__type(value, __u32);
} bd_qmap_act SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} bd_qmap_seen SEC(".maps");

SEC("xdp")
int xdp_qmap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = BD_QMAP_REDIRECT_SLOT, mux;
	__u8 *map = data;
	__u32 *act, *ifindex;
	__u64 *seen;

	if ((void *)(map + 4) > end)
		return XDP_ABORTED;
	mux = map[1];
	seen = bpf_map_lookup_elem(&bd_qmap_seen, &mux);
	if (seen)
		(*seen)++;
	act = bpf_map_lookup_elem(&bd_qmap_act, &mux);
	if (!act || !*act)
		return XDP_PASS;
	if (*act - 1 != XDP_REDIRECT)
		return *act - 1;
	ifindex = bpf_map_lookup_elem(&bd_qmap_act, &key);
	return ifindex ? bpf_redirect(*ifindex, 0) : XDP_ABORTED;
}
