/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QMAP (rmnet MAP) aggregates inside a BAM-DMUX DATA frame: pure,
 * allocation-free helpers to walk and build them.
 *
 * Shared by the driver, the simulated modem and the host-side unit test and
 * fuzz harness (through the same shim as bam_dmux_wire.h), so it must not
 * touch anything but its arguments. Everything it reads comes from the modem
 * and is untrusted: no byte outside [0, len) of the aggregate is ever read.
 *
 * One MAP frame, big-endian fields:
 *
 *   0      1       2        4            4+h            4+h+pkt_len   +t
 *   +------+-------+--------+------------+-------------+--------+------+
 *   |flags |mux_id |pkt_len | csum hdr h | packet      | pad    | trl t|
 *   +------+-------+--------+------------+-------------+--------+------+
 *
 *   flags: bit 7 command, bit 6 next header (MAPv5), bits 5:0 pad length.
 *   pkt_len counts packet and pad, not the MAP header, the checksum header
 *   (h: 4 bytes, MAPv4 uplink and MAPv5 data frames) or the trailer
 *   (t: 8 bytes, MAPv4 downlink, every frame).
 *
 * An aggregate is frames back to back. docs/qmap.md has the decisions: which
 * malformed frame ends the walk, which is skipped, and why.
 */
#ifndef BAM_DMUX_MAP_H
#define BAM_DMUX_MAP_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <asm/byteorder.h>
#else
#include "bam_dmux_wire_host.h"	/* tests/wire/: host builds only */
#endif

#define BAM_DMUX_MAP_HDR_SIZE		4
/* MAPv4 uplink checksum header and MAPv5 checksum header */
#define BAM_DMUX_MAP_CSUM_HDR_SIZE	4
/* MAPv4 downlink checksum trailer */
#define BAM_DMUX_MAP_TRAILER_SIZE	8
/* A command's fixed part: name, type, reserved, transaction id */
#define BAM_DMUX_MAP_CMD_MIN		8
/* rmnet serves mux ids below RMNET_MAX_LOGICAL_EP (255) */
#define BAM_DMUX_MAP_MUX_MAX		254
#define BAM_DMUX_MAP_PKT_LEN_MAX	0xffff

#define BAM_DMUX_MAP_F_CMD		0x80
#define BAM_DMUX_MAP_F_NEXT_HDR		0x40
#define BAM_DMUX_MAP_F_PAD		0x3f

/* MAPv5 checksum header: header_info bits 7:1 type, bit 0 next header */
#define BAM_DMUX_MAP_V5_TYPE_CSUM	2
#define BAM_DMUX_MAP_V5_CSUM_VALID	0x80	/* csum_info */
/* MAPv4 downlink trailer flags */
#define BAM_DMUX_MAP_V4_CSUM_VALID	0x01

struct bam_dmux_map_hdr {
	u8 flags;
	u8 mux_id;
	__be16 pkt_len;
} __packed;

struct bam_dmux_map_v5_csum {
	u8 header_info;
	u8 csum_info;
	__be16 reserved;
} __packed;

struct bam_dmux_map_v4_trailer {
	u8 reserved;
	u8 flags;
	__be16 csum_start;
	__be16 csum_len;
	__be16 csum_value;
} __packed;

/*
 * The MAP variant a channel is configured for (rmnet's data_format flags).
 * Never guessed from the bytes: a MAPv5 header starts 0x4x like IPv4.
 */
enum bam_dmux_map_fmt {
	BAM_DMUX_MAP_V1 = 0,	/* MAP header only */
	BAM_DMUX_MAP_V4_DL,	/* + 8-byte checksum trailer after every frame */
	BAM_DMUX_MAP_V4_UL,	/* + 4-byte checksum header before a packet */
	BAM_DMUX_MAP_V5,	/* + 4-byte checksum header before a packet */
	BAM_DMUX_MAP_NUM_FMT,
};

/*
 * Why a MAP frame was refused. The order is ABI for the counters that the
 * driver and the simulator export: append only. bam_dmux_map_err_stops()
 * tells the two kinds apart.
 */
enum bam_dmux_map_err {
	BAM_DMUX_MAP_OK = 0,
	/* stop: the rest of the aggregate cannot be framed */
	BAM_DMUX_MAP_SHORT,		/* 1-3 bytes left, no room for a header */
	BAM_DMUX_MAP_ZERO_LEN,		/* pkt_len 0 (zero fill) */
	BAM_DMUX_MAP_TRUNC,		/* header(s) + pkt_len beyond the end */
	BAM_DMUX_MAP_NO_CSUM_HDR,	/* MAPv5 data frame without next header */
	BAM_DMUX_MAP_BAD_CSUM_HDR,	/* MAPv5 next header not a checksum one */
	BAM_DMUX_MAP_SHORT_TRAILER,	/* MAPv4 trailer beyond the end */
	/* skip: this frame is dropped, the walk goes on after it */
	BAM_DMUX_MAP_BAD_PAD,		/* pad >= pkt_len: nothing left */
	BAM_DMUX_MAP_BAD_CMD,		/* command shorter than its fixed part */
	BAM_DMUX_MAP_BAD_MUX,		/* mux_id 255 */
	BAM_DMUX_MAP_NUM_ERR,
};

/*
 * One frame of an aggregate, offsets from the start of the aggregate.
 * [off, next) is the whole frame (MAP header to the end of padding or
 * trailer): what an skb for rmnet or an XDP program gets.
 */
struct bam_dmux_map_frame {
	u32 off;	/* the MAP header */
	u32 next;	/* the next MAP header; the end on a stop */
	u32 data_off;	/* the packet, or the command */
	u32 data_len;	/* pkt_len - pad, or 0 if pad >= pkt_len */
	u32 csum_off;	/* checksum header or trailer, if csum_len */
	u16 pkt_len;
	u8 csum_len;	/* 0, 4 (header) or 8 (trailer) */
	u8 flags;	/* as received */
	u8 mux_id;
	u8 pad;
	bool cmd;
};

static inline const char *bam_dmux_map_err_name(enum bam_dmux_map_err err)
{
	switch (err) {
	case BAM_DMUX_MAP_OK:
		return "ok";
	case BAM_DMUX_MAP_SHORT:
		return "short";
	case BAM_DMUX_MAP_ZERO_LEN:
		return "zero_len";
	case BAM_DMUX_MAP_TRUNC:
		return "truncated";
	case BAM_DMUX_MAP_NO_CSUM_HDR:
		return "no_csum_hdr";
	case BAM_DMUX_MAP_BAD_CSUM_HDR:
		return "bad_csum_hdr";
	case BAM_DMUX_MAP_SHORT_TRAILER:
		return "short_trailer";
	case BAM_DMUX_MAP_BAD_PAD:
		return "bad_pad";
	case BAM_DMUX_MAP_BAD_CMD:
		return "bad_cmd";
	case BAM_DMUX_MAP_BAD_MUX:
		return "bad_mux";
	default:
		return "unknown";
	}
}

/* True if @err ends the walk: the bytes from the frame on are lost. */
static inline bool bam_dmux_map_err_stops(enum bam_dmux_map_err err)
{
	switch (err) {
	case BAM_DMUX_MAP_SHORT:
	case BAM_DMUX_MAP_ZERO_LEN:
	case BAM_DMUX_MAP_TRUNC:
	case BAM_DMUX_MAP_NO_CSUM_HDR:
	case BAM_DMUX_MAP_BAD_CSUM_HDR:
	case BAM_DMUX_MAP_SHORT_TRAILER:
		return true;
	default:
		return false;
	}
}

/* Checksum header bytes between MAP header and packet. */
static inline unsigned int bam_dmux_map_csum_hdr_len(enum bam_dmux_map_fmt fmt,
						     bool cmd)
{
	if (cmd)
		return 0;
	return fmt == BAM_DMUX_MAP_V4_UL || fmt == BAM_DMUX_MAP_V5 ?
	       BAM_DMUX_MAP_CSUM_HDR_SIZE : 0;
}

/* Trailer bytes after the padding. */
static inline unsigned int bam_dmux_map_trailer_len(enum bam_dmux_map_fmt fmt)
{
	return fmt == BAM_DMUX_MAP_V4_DL ? BAM_DMUX_MAP_TRAILER_SIZE : 0;
}

/*
 * Frame the MAP frame at buf[off] of an aggregate of @len bytes, configured
 * as @fmt (an unknown value frames as MAPv1). Call with off < len; a walk is
 *
 *	for (off = 0; off < len; off = f.next)
 *		err = bam_dmux_map_next(buf, len, off, fmt, &f);
 *
 * which ends: f.next > off on every return.
 *
 * BAM_DMUX_MAP_OK: every field of @f is set and [f->off, f->next) lies in
 * the aggregate, packet and checksum header or trailer included.
 * A skip error: the same, the frame is only not deliverable.
 * A stop error: f->off is @off, f->next is @len; the other fields are
 * unspecified.
 */
static inline enum bam_dmux_map_err
bam_dmux_map_next(const void *buf, u32 len, u32 off, enum bam_dmux_map_fmt fmt,
		  struct bam_dmux_map_frame *f)
{
	const struct bam_dmux_map_hdr *hdr;
	unsigned int hlen, tlen, end;
	u32 rem;

	f->off = off;
	f->next = len;
	if (off >= len || len - off < BAM_DMUX_MAP_HDR_SIZE)
		return BAM_DMUX_MAP_SHORT;
	rem = len - off;
	hdr = (const void *)((const u8 *)buf + off);

	f->flags = hdr->flags;
	f->mux_id = hdr->mux_id;
	f->pkt_len = be16_to_cpu(hdr->pkt_len);
	f->pad = hdr->flags & BAM_DMUX_MAP_F_PAD;
	f->cmd = hdr->flags & BAM_DMUX_MAP_F_CMD;
	if (!f->pkt_len)
		return BAM_DMUX_MAP_ZERO_LEN;

	hlen = bam_dmux_map_csum_hdr_len(fmt, f->cmd);
	tlen = bam_dmux_map_trailer_len(fmt);
	if (fmt == BAM_DMUX_MAP_V5 && !f->cmd &&
	    !(hdr->flags & BAM_DMUX_MAP_F_NEXT_HDR))
		return BAM_DMUX_MAP_NO_CSUM_HDR;

	end = BAM_DMUX_MAP_HDR_SIZE + hlen + f->pkt_len;
	if (end > rem)
		return BAM_DMUX_MAP_TRUNC;
	if (fmt == BAM_DMUX_MAP_V5 && hlen) {
		const struct bam_dmux_map_v5_csum *csum = (const void *)(hdr + 1);

		if (csum->header_info >> 1 != BAM_DMUX_MAP_V5_TYPE_CSUM)
			return BAM_DMUX_MAP_BAD_CSUM_HDR;
	}
	if (tlen > rem - end)
		return BAM_DMUX_MAP_SHORT_TRAILER;

	f->data_off = off + BAM_DMUX_MAP_HDR_SIZE + hlen;
	f->csum_len = hlen + tlen;
	f->csum_off = hlen ? off + BAM_DMUX_MAP_HDR_SIZE : tlen ? off + end : 0;
	f->next = off + end + tlen;
	f->data_len = f->pad < f->pkt_len ? f->pkt_len - f->pad : 0;

	if (f->mux_id > BAM_DMUX_MAP_MUX_MAX)
		return BAM_DMUX_MAP_BAD_MUX;
	if (!f->data_len)
		return BAM_DMUX_MAP_BAD_PAD;
	if (f->cmd && f->data_len < BAM_DMUX_MAP_CMD_MIN)
		return BAM_DMUX_MAP_BAD_CMD;
	return BAM_DMUX_MAP_OK;
}

/*
 * True if @len bytes at @buf are whole, well-formed @fmt MAP frames back to
 * back (commands included): what a modem may be sent as one DATA frame.
 */
static inline bool bam_dmux_map_valid(const void *buf, u32 len,
				      enum bam_dmux_map_fmt fmt)
{
	struct bam_dmux_map_frame f;
	u32 off;

	if (!len)
		return false;
	for (off = 0; off < len; off = f.next)
		if (bam_dmux_map_next(buf, len, off, fmt, &f) != BAM_DMUX_MAP_OK)
			return false;
	return true;
}

/* Padding bam_dmux_map_build() adds: 0-3 bytes up to 4-byte alignment. */
static inline unsigned int bam_dmux_map_pad_len(unsigned int data_len)
{
	return -data_len & 3;
}

/* Offset of the packet (or command) from the MAP header. */
static inline unsigned int bam_dmux_map_data_off(enum bam_dmux_map_fmt fmt,
						 bool cmd)
{
	return BAM_DMUX_MAP_HDR_SIZE + bam_dmux_map_csum_hdr_len(fmt, cmd);
}

/* Bytes bam_dmux_map_build() writes for @data_len bytes of packet. */
static inline u32 bam_dmux_map_frame_size(enum bam_dmux_map_fmt fmt, bool cmd,
					  u32 data_len)
{
	return bam_dmux_map_data_off(fmt, cmd) + data_len +
	       bam_dmux_map_pad_len(data_len) + bam_dmux_map_trailer_len(fmt);
}

/*
 * Frame @data_len bytes of packet (or command) that the caller puts at
 * buf + bam_dmux_map_data_off(fmt, cmd), before or after: writes the MAP
 * header, the checksum header (MAPv5: type checksum, not validated; MAPv4
 * uplink: zero, no offload), zero padding to 4 bytes and the MAPv4 trailer
 * (zero: not valid). Returns the frame size, or 0 (nothing written) if
 * @data_len is 0, too large for pkt_len, or the frame does not fit @room.
 */
static inline u32 bam_dmux_map_build(void *buf, u32 room,
				     enum bam_dmux_map_fmt fmt, bool cmd,
				     u8 mux_id, u32 data_len)
{
	struct bam_dmux_map_hdr *hdr = buf;
	unsigned int pad = bam_dmux_map_pad_len(data_len);
	unsigned int hlen = bam_dmux_map_csum_hdr_len(fmt, cmd);
	u8 *p = buf;
	u32 size, i;

	if (!data_len || data_len > BAM_DMUX_MAP_PKT_LEN_MAX - pad)
		return 0;
	size = bam_dmux_map_frame_size(fmt, cmd, data_len);
	if (size > room)
		return 0;

	hdr->flags = pad | (cmd ? BAM_DMUX_MAP_F_CMD : 0);
	if (fmt == BAM_DMUX_MAP_V5 && hlen)
		hdr->flags |= BAM_DMUX_MAP_F_NEXT_HDR;
	hdr->mux_id = mux_id;
	hdr->pkt_len = cpu_to_be16(data_len + pad);
	for (i = 0; i < hlen; i++)
		p[BAM_DMUX_MAP_HDR_SIZE + i] = 0;
	if (fmt == BAM_DMUX_MAP_V5 && hlen) {
		struct bam_dmux_map_v5_csum *csum = (void *)(hdr + 1);

		csum->header_info = BAM_DMUX_MAP_V5_TYPE_CSUM << 1;
	}
	for (i = BAM_DMUX_MAP_HDR_SIZE + hlen + data_len; i < size; i++)
		p[i] = 0;
	return size;
}

#endif /* BAM_DMUX_MAP_H */
