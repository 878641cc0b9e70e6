/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet parsing shared by the XDP programs. Frames start at the IP header
 * (Raw-IP, ARPHRD_RAWIP) or, on a channel configured for QMAP, at the MAP
 * header of one MAP frame (the driver deaggregates). Nothing read from the packet is trusted: every length is checked
 * against data_end (for the verifier) and against the lengths the headers
 * claim (for correctness).
 */
#ifndef DMUX_PARSE_H
#define DMUX_PARSE_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "dmux_maps.h"

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#define DMUX_NEXTHDR_HOP	0
#define DMUX_NEXTHDR_ROUTING	43
#define DMUX_NEXTHDR_FRAGMENT	44
#define DMUX_NEXTHDR_ESP	50
#define DMUX_NEXTHDR_AUTH	51
#define DMUX_NEXTHDR_NONE	59
#define DMUX_NEXTHDR_DEST	60
#define DMUX_NEXTHDR_MOBILITY	135

#define DMUX_PARSE_OK		(-1)
#define DMUX_PARSE_L4		(-2)	/* ext walk done: L4 at p->l4_off */
#define DMUX_PARSE_CMD		(-3)	/* QMAP command frame */
#define DMUX_L4_OFF_MAX		0x3fff

/* QMAP (rmnet MAP) header, 4 bytes. */
struct dmux_map_hdr {
	__u8 flags_pad;		/* bit 7 command, bit 6 next header (v5), 5:0 pad */
	__u8 mux_id;
	__be16 pkt_len;		/* includes pad, excludes the MAP header */
};
#define DMUX_MAP_CMD		0x80
#define DMUX_MAP_NEXT		0x40
#define DMUX_MAP_PAD_MASK	0x3f
#define DMUX_MAP_CSUM_HLEN	4	/* MAPv5 checksum header */
#define DMUX_MAP_V5_CSUM_TYPE	2	/* its header_info bits 7:1 */
#define DMUX_MAP_TRAILER_LEN	8	/* MAPv4 downlink checksum trailer */

struct dmux_pkt {
	__u32 src[4];		/* network order; IPv4 in src[0] */
	__u32 dst[4];
	__u16 sport, dport;	/* host order, valid when has_ports */
	__u16 mux_id;
	__u8 family;		/* 4 or 6, 0 if not parsed */
	__u8 ipver;		/* enum dmux_ipver */
	__u8 l4;		/* enum dmux_l4 */
	__u8 proto;		/* final L4 protocol number */
	__u8 has_ports;
	__u8 has_mux;		/* QMAP: mux_id read from the MAP header */
	__u32 l4_off;		/* IPv6 ext walk: L4 offset in the frame */
	__u32 l4_room;		/* and the payload bytes left from there */
};

/* Bytes L4 needs for the class to be complete; 0 = no check. */
static __always_inline __u32 dmux_l4_need(__u8 proto, __u8 *l4, __u8 *ports)
{
	*ports = 0;
	switch (proto) {
	case IPPROTO_TCP:
		*l4 = DMUX_L4_TCP;
		*ports = 1;
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		*l4 = DMUX_L4_UDP;
		*ports = 1;
		return sizeof(struct udphdr);
	case IPPROTO_UDPLITE:
		*l4 = DMUX_L4_OTHER;
		*ports = 1;
		return sizeof(struct udphdr);
	case IPPROTO_SCTP:
		*l4 = DMUX_L4_OTHER;
		*ports = 1;
		return 12;
	case IPPROTO_ICMP:
		*l4 = DMUX_L4_ICMP;
		return 4;
	case IPPROTO_ICMPV6:
		*l4 = DMUX_L4_ICMP6;
		return 4;
	default:
		*l4 = DMUX_L4_OTHER;
		return 0;
	}
}

/* L4 at @l4 (first fragment); @room = bytes the IP header says are left. */
static __always_inline int dmux_parse_l4(void *l4, void *end, __u32 room,
					 struct dmux_pkt *p)
{
	__u32 need = dmux_l4_need(p->proto, &p->l4, &p->has_ports);

	if (!need)
		return DMUX_PARSE_OK;
	if (room < need || l4 + need > end) {
		p->has_ports = 0;
		return DMUX_MAL_L4_TRUNC;
	}
	if (p->has_ports) {
		__be16 *ports = l4;

		if ((void *)(ports + 2) > end)
			return DMUX_MAL_L4_TRUNC;
		p->sport = bpf_ntohs(ports[0]);
		p->dport = bpf_ntohs(ports[1]);
	}
	return DMUX_PARSE_OK;
}

/* @avail: bytes of the datagram in the frame (QMAP: pkt_len - pad). */
static __always_inline int dmux_parse_ip4(void *ip, void *end, __u32 avail,
					  struct dmux_pkt *p)
{
	struct iphdr *iph = ip;
	__u32 hlen, tot;

	if ((void *)(iph + 1) > end || avail < sizeof(*iph))
		return DMUX_MAL_IP_TRUNC;
	p->family = 4;
	p->ipver = DMUX_IP4;
	p->src[0] = iph->saddr;
	p->dst[0] = iph->daddr;
	p->proto = iph->protocol;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (hlen < sizeof(*iph) || tot < hlen || tot > avail || ip + hlen > end)
		return DMUX_MAL_IP4_HDR;
	if (iph->frag_off & bpf_htons(0x1fff)) {
		p->l4 = DMUX_L4_FRAG;
		return DMUX_PARSE_OK;
	}
	return dmux_parse_l4(ip + hlen, end, tot - hlen, p);
}

static __always_inline int dmux_is_ext(__u8 nh)
{
	switch (nh) {
	case DMUX_NEXTHDR_HOP:
	case DMUX_NEXTHDR_ROUTING:
	case DMUX_NEXTHDR_DEST:
	case DMUX_NEXTHDR_MOBILITY:
	case DMUX_NEXTHDR_AUTH:
	case DMUX_NEXTHDR_FRAGMENT:
		return 1;
	}
	return 0;
}

/*
 * The bounded walk over an IPv6 extension-header chain starting @off bytes
 * into the frame, p->proto = its first header, @plen = payload_len. Returns a
 * malformed class, DMUX_PARSE_OK (a non-first fragment) or DMUX_PARSE_L4 with
 * p->proto, p->l4_off and p->l4_room set for the caller's L4 parse.
 *
 * A global function: the verifier checks the loop once, not on every path of
 * the caller, and packets without extension headers never call it. The L4
 * parse is left to the caller so that the verifier does not walk it once for
 * every way out of the unrolled loop.
 */
__attribute__((noinline)) int dmux_parse_ip6_ext(struct xdp_md *ctx, __u32 off,
						 __u32 plen, struct dmux_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 used = 0;
	void *pos;
	__u8 nh;
	int i;

	if (!p || off > 64)	/* the IPv6 payload starts at 40, 44 or 48 */
		return DMUX_MAL_IP6_EXT;
	barrier_var(off);	/* keep the mask: the verifier needs the bound */
	off &= 0x7f;
	pos = data + off;
	nh = p->proto;
	for (i = 0; i < DMUX_V6_EXT_MAX; i++) {
		__u8 *ext = pos;
		__u32 len;

		if (!dmux_is_ext(nh))
			break;
		/* every extension header is at least 8 bytes */
		if ((void *)(ext + 8) > end || used + 8 > plen)
			return DMUX_MAL_IP6_EXT;
		if (nh == DMUX_NEXTHDR_FRAGMENT) {
			p->proto = ext[0];
			/* offset in bits 15:3 of bytes 2-3 */
			if ((ext[2] << 5) | (ext[3] >> 3)) {
				p->l4 = DMUX_L4_FRAG;
				return DMUX_PARSE_OK;
			}
			len = 8;
		} else if (nh == DMUX_NEXTHDR_AUTH) {
			len = (ext[1] + 2) * 4;
		} else {
			len = (ext[1] + 1) * 8;
		}
		if (used + len > plen || pos + len > end)
			return DMUX_MAL_IP6_EXT;
		nh = ext[0];
		pos += len;
		used += len;
	}
	if (dmux_is_ext(nh))	/* chain longer than the walk */
		return DMUX_MAL_IP6_EXT;
	p->proto = nh;
	p->l4_off = pos - data;
	p->l4_room = plen - used;
	return DMUX_PARSE_L4;
}

static __always_inline int dmux_parse_ip6(struct xdp_md *ctx, void *data, void *ip,
					  void *end, __u32 avail, struct dmux_pkt *p)
{
	struct ipv6hdr *ip6 = ip;
	__u32 plen;

	if ((void *)(ip6 + 1) > end || avail < sizeof(*ip6))
		return DMUX_MAL_IP_TRUNC;
	p->family = 6;
	p->ipver = DMUX_IP6;
	__builtin_memcpy(p->src, &ip6->saddr, 16);
	__builtin_memcpy(p->dst, &ip6->daddr, 16);
	plen = bpf_ntohs(ip6->payload_len);
	if (plen > avail - sizeof(*ip6))
		return DMUX_MAL_IP6_LEN;
	p->proto = ip6->nexthdr;
	if (dmux_is_ext(p->proto)) {
		int ret = dmux_parse_ip6_ext(ctx, (void *)(ip6 + 1) - data, plen, p);
		__u32 off = p->l4_off;

		if (ret != DMUX_PARSE_L4)
			return ret;
		/* The verifier needs a bound well below 64K to track the
		 * pointer's range; no frame here has 16K of IPv6 headers. */
		barrier_var(off);
		if (off > DMUX_L4_OFF_MAX)
			return DMUX_MAL_IP6_EXT;
		return dmux_parse_l4(data + off, end, p->l4_room, p);
	}
	return dmux_parse_l4(ip6 + 1, end, plen, p);
}

static __always_inline int dmux_parse_ip(struct xdp_md *ctx, void *data, void *ip,
					 void *end, __u32 avail, struct dmux_pkt *p)
{
	__u8 *b = ip;

	p->ipver = DMUX_IP_OTHER;
	p->l4 = DMUX_L4_NONE;
	if ((void *)(b + 1) > end || avail < 1)
		return DMUX_MAL_IP_TRUNC;
	switch (b[0] >> 4) {
	case 4:
		return dmux_parse_ip4(ip, end, avail, p);
	case 6:
		return dmux_parse_ip6(ctx, data, ip, end, avail, p);
	default:
		return DMUX_MAL_IP_VERSION;
	}
}

/* A Raw-IP frame (ARPHRD_RAWIP): DMUX_PARSE_OK or a malformed class. */
static __always_inline int dmux_parse_raw(struct xdp_md *ctx, struct dmux_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	return dmux_parse_ip(ctx, data, data, end, end - data, p);
}

/*
 * One MAP frame as the driver hands it to XDP in QMAP mode (docs/qmap.md,
 * "QMAP mode in the driver"): data at the MAP header, data_end at the end of
 * its padding, or of the MAPv4 trailer. The format is the channel's
 * configuration (@qflags: DMUX_IF_QMAP, _V4, _V5), never read from the
 * bytes: a MAPv5 header starts 0x4x like IPv4.
 *
 * The frame must be exactly what its header says in that format: MAP header
 * (+ MAPv5 checksum header before a data packet) + pkt_len (+ MAPv4 trailer)
 * == frame length. A frame of another format, or a Raw-IP packet (the
 * driver's mode changed and the configuration has not followed yet), fails
 * that test, or the MAPv5 checks, as qmap_fmt. Returns DMUX_PARSE_OK,
 * DMUX_PARSE_CMD (a command frame: p->mux_id set, nothing else parsed) or a
 * malformed class; p->has_mux once the MAP header is read.
 */
static __always_inline int dmux_parse_qmap(struct xdp_md *ctx, __u32 qflags,
					   struct dmux_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct dmux_map_hdr *map = data;
	__u32 len = end - data, hlen = sizeof(*map), tlen = 0, pkt_len, pad;
	__u8 fl;

	p->ipver = DMUX_IP_OTHER;
	p->l4 = DMUX_L4_NONE;
	if ((void *)(map + 1) > end)
		return DMUX_MAL_QMAP_TRUNC;
	fl = map->flags_pad;
	p->has_mux = 1;
	p->mux_id = map->mux_id;
	pkt_len = bpf_ntohs(map->pkt_len);
	if (qflags & DMUX_IF_QMAP_V4) {
		tlen = DMUX_MAP_TRAILER_LEN;	/* every frame, commands too */
	} else if ((qflags & DMUX_IF_QMAP_V5) && !(fl & DMUX_MAP_CMD)) {
		__u8 *csum = (void *)(map + 1);

		if (!(fl & DMUX_MAP_NEXT))
			return DMUX_MAL_QMAP_FMT;
		if ((void *)(csum + DMUX_MAP_CSUM_HLEN) > end)
			return DMUX_MAL_QMAP_TRUNC;
		if (csum[0] >> 1 != DMUX_MAP_V5_CSUM_TYPE)
			return DMUX_MAL_QMAP_FMT;
		hlen += DMUX_MAP_CSUM_HLEN;
	}
	if (hlen + pkt_len + tlen != len)
		return DMUX_MAL_QMAP_FMT;
	if (map->mux_id == 0xff)
		return DMUX_MAL_QMAP_MUX;
	if (!pkt_len)
		return DMUX_MAL_QMAP_LEN;
	if (fl & DMUX_MAP_CMD)
		return DMUX_PARSE_CMD;
	pad = fl & DMUX_MAP_PAD_MASK;
	if (pad >= pkt_len)
		return DMUX_MAL_QMAP_LEN;
	return dmux_parse_ip(ctx, data, data + hlen, end, pkt_len - pad, p);
}

#endif /* DMUX_PARSE_H */
