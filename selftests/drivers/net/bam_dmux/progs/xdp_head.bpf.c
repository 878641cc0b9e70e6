// SPDX-License-Identifier: GPL-2.0-only
/*
 * Move the start of test datagrams with bpf_xdp_adjust_head: grow the
 * frame by DELTA bytes in front, fill them, check the packet behind them
 * is untouched, then shrink it back and pass it on. Frames whose headroom
 * does not allow DELTA are aborted, so the test sees it.
 */
#include "common.h"

#ifndef DELTA
#define DELTA 16
#endif

SEC("xdp")
int xdp_head(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct udphdr *udp;
	__u16 id;
	__u8 *p;
	int i;

	udp = bd_udp4(data, end, &ip);
	if (!udp)
		return XDP_PASS;
	id = ip->id;

	if (bpf_xdp_adjust_head(ctx, -DELTA))
		return XDP_ABORTED;
	p = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if ((void *)(p + DELTA + sizeof(struct iphdr)) > end)
		return XDP_ABORTED;
#pragma unroll
	for (i = 0; i < DELTA; i++)
		p[i] = 0xa5;
	ip = (void *)(p + DELTA);
	if (ip->id != id || ip->version != 4)
		return XDP_ABORTED;

	if (bpf_xdp_adjust_head(ctx, DELTA))
		return XDP_ABORTED;
	return XDP_PASS;
}
