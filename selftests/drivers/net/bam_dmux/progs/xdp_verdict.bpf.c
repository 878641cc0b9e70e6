// SPDX-License-Identifier: GPL-2.0-only
/*
 * Give test datagrams (UDP to ports 9000-9099) the verdict VERDICT; with
 * SWAP defined (for XDP_TX), swap addresses and ports first so that the
 * echo reaches the sender. Everything else passes, so the channel keeps
 * working. (VERDICT is an enum constant: the preprocessor cannot test it.)
 */
#include "common.h"

#ifndef VERDICT
#define VERDICT XDP_PASS
#endif

SEC("xdp")
int xdp_verdict(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct udphdr *udp;

	udp = bd_udp4(data, end, &ip);
	if (!udp)
		return XDP_PASS;
#ifdef SWAP
	{
		__be32 a = ip->saddr;
		__be16 p = udp->source;

		/* Swapping keeps both checksums valid. */
		ip->saddr = ip->daddr;
		ip->daddr = a;
		udp->source = udp->dest;
		udp->dest = p;
	}
#endif
	return VERDICT;
}
