// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grow (DELTA > 0) or shrink (DELTA < 0) the UDP payload of test datagrams
 * with bpf_xdp_adjust_tail, fix the IPv4 and UDP lengths, zero the UDP
 * checksum and pass the frame on. Grown bytes continue the payload pattern
 * of dmux_udp (byte i = seq * 31 + i), so the receiver checks them too.
 */
#include "common.h"

#ifndef DELTA
#define DELTA 4
#endif

SEC("xdp")
int xdp_tail(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 seq = 0;
	__u16 len, ulen;
	__u8 *p;
	int i;

	udp = bd_udp4(data, end, &ip);
	if (!udp)
		return XDP_PASS;
	len = bpf_ntohs(ip->tot_len);
	ulen = bpf_ntohs(udp->len);
	/* bounds for the verifier (6.12 does not track byte swaps) */
	if (len > 2040 || ulen > 2040)
		return XDP_PASS;
	if ((void *)ip + len != end || ulen != len - 20 || ulen < 8 + 4 + 8)
		return XDP_PASS;
	p = (void *)(udp + 1);
	if ((void *)(p + 4) > end)
		return XDP_PASS;
	__builtin_memcpy(&seq, p, 4);

	if (bpf_xdp_adjust_tail(ctx, DELTA))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	ip = data;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_ABORTED;
	ip->tot_len = bpf_htons(len + DELTA);
	udp->len = bpf_htons(ulen + DELTA);
	udp->check = 0;
	bd_ip_csum(ip);

#if DELTA > 0
	/* payload offset of the first new byte: ulen - 8 */
#pragma unroll
	for (i = 0; i < DELTA; i++) {
		__u32 off = 20 + ulen + i;

		if (off > 2040)
			return XDP_ABORTED;
		p = data + off;
		if ((void *)(p + 1) > end)
			return XDP_ABORTED;
		*p = (__u8)(seq * 31 + (ulen - 8) + i);
	}
#else
	(void)i;
#endif
	return XDP_PASS;
}
