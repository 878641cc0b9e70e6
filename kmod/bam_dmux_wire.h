/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BAM-DMUX wire format: pure, endian-explicit helpers.
 *
 * Shared by the driver, the simulated modem and the host-side unit test and
 * fuzz harness (which provide the few kernel types through a shim), so it
 * must not touch anything but its arguments.
 *
 * Frame layout on the BAM pipes, one frame per DMA descriptor:
 *
 *   0       2       3     4     5     6       8            8+len   8+len+pad
 *   +-------+-------+-----+-----+-----+-------+------------+------+
 *   | magic | signal| cmd | pad | ch  |  len  | payload    | pad  |
 *   +-------+-------+-----+-----+-----+-------+------------+------+
 *
 * magic and len are little-endian. len counts the payload only.
 */
#ifndef BAM_DMUX_WIRE_H
#define BAM_DMUX_WIRE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <asm/byteorder.h>
#else
#include "bam_dmux_wire_host.h"	/* tests/wire/: host builds only */
#endif

#define BAM_DMUX_HDR_MAGIC	0x33fc
#define BAM_DMUX_HDR_SIZE	8
#define BAM_DMUX_BUFFER_SIZE	2048
#define BAM_DMUX_MAX_DATA_SIZE	(BAM_DMUX_BUFFER_SIZE - BAM_DMUX_HDR_SIZE)
#define BAM_DMUX_NUM_CH		8
/* Largest padding any known implementation adds (mainline: 1-4 bytes). */
#define BAM_DMUX_MAX_PAD	4

enum bam_dmux_cmd {
	BAM_DMUX_CMD_DATA = 0,
	BAM_DMUX_CMD_OPEN = 1,
	BAM_DMUX_CMD_CLOSE = 2,
	/* OPEN, and the modem keeps the BAM powered: the host holds its vote */
	BAM_DMUX_CMD_OPEN_NO_A2_PC = 4,
};

struct bam_dmux_hdr {
	__le16 magic;
	u8 signal;
	u8 cmd;
	u8 pad;
	u8 ch;
	__le16 len;
} __packed;

/* A parsed and validated header, in CPU byte order. */
struct bam_dmux_frame {
	u8 signal;
	u8 cmd;
	u8 pad;
	u8 ch;
	u16 len;
};

/*
 * Why a frame was refused. The order is ABI for the counters that the driver
 * and the simulator export: append only.
 */
enum bam_dmux_wire_err {
	BAM_DMUX_WIRE_OK = 0,
	BAM_DMUX_WIRE_SHORT,	/* transfer shorter than a header */
	BAM_DMUX_WIRE_MAGIC,	/* wrong magic */
	BAM_DMUX_WIRE_CMD,	/* unknown command */
	BAM_DMUX_WIRE_CH,	/* channel out of range */
	BAM_DMUX_WIRE_LEN,	/* len beyond the transfer or the maximum */
	BAM_DMUX_WIRE_PAD,	/* padding inconsistent with len (strict only) */
	BAM_DMUX_WIRE_NUM_ERR,
};

static inline const char *bam_dmux_wire_err_name(enum bam_dmux_wire_err err)
{
	switch (err) {
	case BAM_DMUX_WIRE_OK:
		return "ok";
	case BAM_DMUX_WIRE_SHORT:
		return "short";
	case BAM_DMUX_WIRE_MAGIC:
		return "bad_magic";
	case BAM_DMUX_WIRE_CMD:
		return "bad_cmd";
	case BAM_DMUX_WIRE_CH:
		return "bad_channel";
	case BAM_DMUX_WIRE_LEN:
		return "bad_len";
	case BAM_DMUX_WIRE_PAD:
		return "bad_pad";
	default:
		return "unknown";
	}
}

/* Padding this implementation appends: 0-3 bytes up to 4-byte alignment. */
static inline unsigned int bam_dmux_pad_len(unsigned int len)
{
	return -len & 3;
}

/* Bytes on the wire for a payload of @len, header and padding included. */
static inline unsigned int bam_dmux_frame_size(unsigned int len)
{
	return BAM_DMUX_HDR_SIZE + len + bam_dmux_pad_len(len);
}

/* Fill @hdr for a frame carrying @len payload bytes; returns the padding. */
static inline unsigned int bam_dmux_hdr_build(struct bam_dmux_hdr *hdr, u8 cmd,
					      u8 ch, u16 len)
{
	unsigned int pad = bam_dmux_pad_len(len);

	hdr->magic = cpu_to_le16(BAM_DMUX_HDR_MAGIC);
	hdr->signal = 0;
	hdr->cmd = cmd;
	hdr->pad = pad;
	hdr->ch = ch;
	hdr->len = cpu_to_le16(len);
	return pad;
}

static inline bool bam_dmux_cmd_valid(u8 cmd)
{
	return cmd == BAM_DMUX_CMD_DATA || cmd == BAM_DMUX_CMD_OPEN ||
	       cmd == BAM_DMUX_CMD_CLOSE || cmd == BAM_DMUX_CMD_OPEN_NO_A2_PC;
}

/*
 * Parse a frame the modem wrote into a receive buffer. @avail is how many
 * bytes the transfer really delivered (never more than the buffer). The
 * payload is valid only if BAM_DMUX_WIRE_OK is returned; then it lies in
 * buf[BAM_DMUX_HDR_SIZE, BAM_DMUX_HDR_SIZE + out->len). Padding is not
 * checked: known modems disagree on it.
 */
static inline enum bam_dmux_wire_err
bam_dmux_parse(const void *buf, size_t avail, struct bam_dmux_frame *out)
{
	const struct bam_dmux_hdr *hdr = buf;

	if (avail < BAM_DMUX_HDR_SIZE)
		return BAM_DMUX_WIRE_SHORT;
	if (le16_to_cpu(hdr->magic) != BAM_DMUX_HDR_MAGIC)
		return BAM_DMUX_WIRE_MAGIC;
	if (!bam_dmux_cmd_valid(hdr->cmd))
		return BAM_DMUX_WIRE_CMD;
	if (hdr->ch >= BAM_DMUX_NUM_CH)
		return BAM_DMUX_WIRE_CH;

	out->signal = hdr->signal;
	out->cmd = hdr->cmd;
	out->pad = hdr->pad;
	out->ch = hdr->ch;
	out->len = le16_to_cpu(hdr->len);

	if (out->len > BAM_DMUX_MAX_DATA_SIZE ||
	    out->len > avail - BAM_DMUX_HDR_SIZE)
		return BAM_DMUX_WIRE_LEN;
	return BAM_DMUX_WIRE_OK;
}

/*
 * Strict check of a frame the host sent, as a careful modem would do it:
 * the transfer must hold exactly header, payload and padding, and the
 * padding must align the frame to 4 bytes (0-4 bytes, so that both this
 * driver's and mainline's conventions pass).
 */
static inline enum bam_dmux_wire_err
bam_dmux_parse_strict(const void *buf, size_t xfer_len,
		      struct bam_dmux_frame *out)
{
	enum bam_dmux_wire_err err = bam_dmux_parse(buf, xfer_len, out);

	if (err)
		return err;
	if (out->pad > BAM_DMUX_MAX_PAD || (out->len + out->pad) % 4)
		return BAM_DMUX_WIRE_PAD;
	if (xfer_len != (size_t)BAM_DMUX_HDR_SIZE + out->len + out->pad)
		return BAM_DMUX_WIRE_LEN;
	return BAM_DMUX_WIRE_OK;
}

/* IP version from the first payload byte: 4, 6, or 0 if neither. */
static inline unsigned int bam_dmux_ip_version(const void *payload, size_t len)
{
	const u8 *p = payload;

	if (!len)
		return 0;
	switch (p[0] >> 4) {
	case 4:
		return 4;
	case 6:
		return 6;
	default:
		return 0;
	}
}

#endif /* BAM_DMUX_WIRE_H */
