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
/* Largest buffer dynamic MTU negotiates (code 3). */
#define BAM_DMUX_MAX_BUFFER_SIZE	16384
/* RX pool sizes a host OPEN can announce: 32 << code, code 0-3 */
#define BAM_DMUX_MIN_POOL	32
#define BAM_DMUX_MAX_POOL	256

/*
 * Signal field (downstream's dynamic MTU; mainline sends 0 and ignores it).
 *  - modem OPEN: BAM_DMUX_SIG_DYN_MTU announces support; SIZE is the UL size.
 *  - host OPEN (only to a modem that announced it): DYN_MTU, POOL and SIZE,
 *    the DL size the host's RX buffers have.
 *  - modem DATA: DYN_MTU set asks for buffers of the DL size from now on,
 *    clear for 2 KiB (downstream acts when the bit changes).
 * SIZE is BAM_DMUX_BUFFER_SIZE << code: 2, 4, 8 or 16 KiB, the whole buffer
 * (header, payload and padding); POOL is BAM_DMUX_MIN_POOL << code.
 */
#define BAM_DMUX_SIG_DYN_MTU	0x02
#define BAM_DMUX_SIG_POOL_MASK	0x30
#define BAM_DMUX_SIG_POOL_SHIFT	4
#define BAM_DMUX_SIG_SIZE_MASK	0xc0
#define BAM_DMUX_SIG_SIZE_SHIFT	6

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
	/* the lenient parse's classes end here; the strict parse adds: */
	BAM_DMUX_WIRE_NUM_LENIENT,
	BAM_DMUX_WIRE_PAD = BAM_DMUX_WIRE_NUM_LENIENT,	/* padding inconsistent with len */
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

/* Largest payload a buffer of @buf_size bytes holds: 2040 for 2 KiB. */
static inline unsigned int bam_dmux_max_data_size(unsigned int buf_size)
{
	return buf_size > BAM_DMUX_HDR_SIZE ? buf_size - BAM_DMUX_HDR_SIZE : 0;
}

/*
 * Parse a frame the modem wrote into a receive buffer. @avail is how many
 * bytes the transfer really delivered (never more than the buffer), @max_len
 * the largest payload accepted (bam_dmux_max_data_size() of the buffer size
 * in use). The payload is valid only if BAM_DMUX_WIRE_OK is returned; then
 * it lies in buf[BAM_DMUX_HDR_SIZE, BAM_DMUX_HDR_SIZE + out->len). Padding
 * is not checked: known modems disagree on it.
 */
static inline enum bam_dmux_wire_err
bam_dmux_parse_max(const void *buf, size_t avail, unsigned int max_len,
		   struct bam_dmux_frame *out)
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

	if (out->len > max_len || out->len > avail - BAM_DMUX_HDR_SIZE)
		return BAM_DMUX_WIRE_LEN;
	return BAM_DMUX_WIRE_OK;
}

/* bam_dmux_parse_max() for 2 KiB buffers (no dynamic MTU). */
static inline enum bam_dmux_wire_err
bam_dmux_parse(const void *buf, size_t avail, struct bam_dmux_frame *out)
{
	return bam_dmux_parse_max(buf, avail, BAM_DMUX_MAX_DATA_SIZE, out);
}

/* Buffer size of a SIZE code (only its two low bits count). */
static inline unsigned int bam_dmux_size_from_code(unsigned int code)
{
	return BAM_DMUX_BUFFER_SIZE << (code & 3);
}

/* Largest SIZE code whose buffer is at most @size bytes (0 below 4 KiB). */
static inline unsigned int bam_dmux_size_code(unsigned int size)
{
	unsigned int code = 0;

	while (code < 3 && bam_dmux_size_from_code(code + 1) <= size)
		code++;
	return code;
}

/* RX pool size of a POOL code (only its two low bits count). */
static inline unsigned int bam_dmux_pool_from_code(unsigned int code)
{
	return BAM_DMUX_MIN_POOL << (code & 3);
}

/* Largest POOL code whose pool is at most @pool buffers (0 below 64). */
static inline unsigned int bam_dmux_pool_code(unsigned int pool)
{
	unsigned int code = 0;

	while (code < 3 && bam_dmux_pool_from_code(code + 1) <= pool)
		code++;
	return code;
}

/* An OPEN's signal announces dynamic MTU. */
static inline bool bam_dmux_sig_dyn_mtu(u8 signal)
{
	return signal & BAM_DMUX_SIG_DYN_MTU;
}

/*
 * Buffer size an OPEN's signal gives: the UL size in the modem's OPEN, the
 * DL size in the host's. 2 KiB if the signal does not announce dynamic MTU
 * (the other bits then mean nothing).
 */
static inline unsigned int bam_dmux_sig_size(u8 signal)
{
	if (!bam_dmux_sig_dyn_mtu(signal))
		return BAM_DMUX_BUFFER_SIZE;
	return bam_dmux_size_from_code((signal & BAM_DMUX_SIG_SIZE_MASK) >>
				       BAM_DMUX_SIG_SIZE_SHIFT);
}

/* RX pool size a host OPEN's signal announces; 32 without dynamic MTU. */
static inline unsigned int bam_dmux_sig_pool(u8 signal)
{
	if (!bam_dmux_sig_dyn_mtu(signal))
		return BAM_DMUX_MIN_POOL;
	return bam_dmux_pool_from_code((signal & BAM_DMUX_SIG_POOL_MASK) >>
				       BAM_DMUX_SIG_POOL_SHIFT);
}

/*
 * The host's OPEN signal: @pool RX buffers of @dl_size bytes, each rounded
 * down to what the field can say (32-256 buffers, 2-16 KiB; less than the
 * minimum says the minimum). Only for a modem whose OPEN announced dynamic
 * MTU; any other gets 0.
 */
static inline u8 bam_dmux_sig_open(unsigned int pool, unsigned int dl_size)
{
	return BAM_DMUX_SIG_DYN_MTU |
	       bam_dmux_pool_code(pool) << BAM_DMUX_SIG_POOL_SHIFT |
	       bam_dmux_size_code(dl_size) << BAM_DMUX_SIG_SIZE_SHIFT;
}

/*
 * A DATA frame's signal, from a modem that negotiated dynamic MTU: true if
 * newly queued RX buffers should have the DL size, false for 2 KiB.
 */
static inline bool bam_dmux_sig_data_large(u8 signal)
{
	return signal & BAM_DMUX_SIG_DYN_MTU;
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
