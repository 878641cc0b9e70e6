/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers for the selftests' XDP programs on Raw-IP channels. */
#ifndef BD_PROGS_COMMON_H
#define BD_PROGS_COMMON_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Test traffic: UDP to ports 9000..9099 (see lib.sh udp_exchange). */
#define BD_PORT_MIN 9000
#define BD_PORT_MAX 9099

/* The IPv4/UDP test datagram at the start of a Raw-IP frame, or NULL. */
static __always_inline struct udphdr *bd_udp4(void *data, void *end,
					      struct iphdr **iph)
{
	struct iphdr *ip = data;
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return NULL;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return NULL;
	if (bpf_ntohs(udp->dest) < BD_PORT_MIN ||
	    bpf_ntohs(udp->dest) > BD_PORT_MAX)
		return NULL;
	*iph = ip;
	return udp;
}

static __always_inline __u16 bd_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Recompute the IPv4 header checksum (20-byte header). */
static __always_inline void bd_ip_csum(struct iphdr *ip)
{
	__u16 *p = (__u16 *)ip;
	__u32 sum = 0;
	int i;

	ip->check = 0;
#pragma unroll
	for (i = 0; i < 10; i++)
		sum += p[i];
	ip->check = bd_csum_fold(sum);
}

char _license[] SEC("license") = "GPL";

#endif
