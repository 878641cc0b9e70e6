/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Crafted Raw-IP and QMAP frames for the unit tests and the benchmark. */
#ifndef DMUX_PKT_H
#define DMUX_PKT_H

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/types.h>

#define PKT_PAYLOAD 10

static inline size_t pkt_l4(__u8 *b, __u8 proto, __u16 sport, __u16 dport)
{
	size_t n = proto == IPPROTO_TCP ? 20 : 8;

	memset(b, 0, n + PKT_PAYLOAD);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) {
		b[0] = sport >> 8;
		b[1] = sport;
		b[2] = dport >> 8;
		b[3] = dport;
		if (proto == IPPROTO_TCP)
			b[12] = 5 << 4;
		if (proto == IPPROTO_UDP) {
			b[4] = (n + PKT_PAYLOAD) >> 8;
			b[5] = n + PKT_PAYLOAD;
		}
	} else {
		b[0] = 8;	/* echo request */
	}
	return n + PKT_PAYLOAD;
}

/* IPv4 with @optw option words and frag_off (host order, flags|offset). */
static inline size_t pkt_ip4x(__u8 *b, __u8 proto, const char *src, const char *dst,
			      __u16 sport, __u16 dport, int optw, __u16 frag)
{
	size_t hl = 20 + 4 * optw, l4 = pkt_l4(b + hl, proto, sport, dport);

	memset(b, 0, hl);
	b[0] = 0x40 | (hl / 4);
	b[2] = (hl + l4) >> 8;
	b[3] = hl + l4;
	b[6] = frag >> 8;
	b[7] = frag;
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	for (int i = 0; i < optw * 4; i++)
		b[20 + i] = 1;	/* NOP options */
	return hl + l4;
}

static inline size_t pkt_ip4(__u8 *b, __u8 proto, const char *src, const char *dst,
			     __u16 sport, __u16 dport)
{
	return pkt_ip4x(b, proto, src, dst, sport, dport, 0, 0);
}

/* IPv6; @ext is a chain of extension headers whose first is @nh0 (or
 * @proto when extlen is 0); the last one's next header must be @proto. */
static inline size_t pkt_ip6x(__u8 *b, __u8 proto, const char *src, const char *dst,
			      __u16 sport, __u16 dport, __u8 nh0, const __u8 *ext,
			      size_t extlen)
{
	size_t l4 = pkt_l4(b + 40 + extlen, proto, sport, dport);

	memset(b, 0, 40);
	b[0] = 0x60;
	b[4] = (extlen + l4) >> 8;
	b[5] = extlen + l4;
	b[6] = extlen ? nh0 : proto;
	b[7] = 64;
	inet_pton(AF_INET6, src, b + 8);
	inet_pton(AF_INET6, dst, b + 24);
	memcpy(b + 40, ext, extlen);
	return 40 + extlen + l4;
}

static inline size_t pkt_ip6(__u8 *b, __u8 proto, const char *src, const char *dst,
			     __u16 sport, __u16 dport)
{
	return pkt_ip6x(b, proto, src, dst, sport, dport, 0, NULL, 0);
}

#define QMAP_CMD	0x80
#define QMAP_NEXT	0x40

/* Wrap @in in a MAP header (+ MAPv5 checksum header when flags has NEXT). */
static inline size_t pkt_qmap(__u8 *b, const __u8 *in, size_t inlen, __u8 mux,
			      __u8 pad, __u8 flags)
{
	size_t h = (flags & QMAP_NEXT) ? 8 : 4, plen = inlen + pad;

	memmove(b + h, in, inlen);
	memset(b + h + inlen, 0, pad);
	b[0] = flags | (pad & 0x3f);
	b[1] = mux;
	b[2] = plen >> 8;
	b[3] = plen;
	if (h == 8) {
		b[4] = 2 << 1;	/* csum offload, no next header */
		b[5] = b[6] = b[7] = 0;
	}
	return h + plen;
}

/* The MAP formats of the driver's private flags (docs/qmap.md). */
enum pkt_map_fmt { MAP_RAW, MAP_V1, MAP_V4, MAP_V5 };

/*
 * One MAP frame exactly as the driver hands it to XDP in QMAP mode: MAP
 * header, the MAPv5 checksum header (type 2) before a data packet, @in,
 * @pad zero bytes, the MAPv4 downlink trailer (8 zero bytes) after every
 * frame. MAP_RAW: @in as it is (a Raw-IP frame).
 */
static inline size_t pkt_map(__u8 *b, const __u8 *in, size_t inlen, __u8 mux, __u8 pad,
			     enum pkt_map_fmt fmt, int cmd)
{
	size_t n;

	if (fmt == MAP_RAW) {
		memmove(b, in, inlen);
		return inlen;
	}
	n = pkt_qmap(b, in, inlen, mux, pad,
		     (cmd ? QMAP_CMD : 0) | (fmt == MAP_V5 && !cmd ? QMAP_NEXT : 0));
	if (fmt == MAP_V4) {
		memset(b + n, 0, 8);
		n += 8;
	}
	return n;
}

#endif
