/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated modem's strict check of the frames the host sends. Pure,
 * like bam_dmux_wire.h, and compiled by the same host unit test and fuzz
 * harness; the driver has no use for it (it never checks padding).
 */
#ifndef BAM_DMUX_SIM_WIRE_H
#define BAM_DMUX_SIM_WIRE_H

#include "../bam_dmux_wire.h"

/*
 * Strict check of a frame the host sent, as a careful modem would do it:
 * the transfer must hold exactly header, payload and padding, and the
 * padding must align the frame to 4 bytes (0-4 bytes, so that both this
 * driver's and mainline's conventions pass). @max_len as for
 * bam_dmux_parse_max(), from the UL size.
 */
static inline enum bam_dmux_wire_err
bam_dmux_parse_strict_max(const void *buf, size_t xfer_len,
			  unsigned int max_len, struct bam_dmux_frame *out)
{
	enum bam_dmux_wire_err err = bam_dmux_parse_max(buf, xfer_len, max_len,
							 out);

	if (err)
		return err;
	if (out->pad > BAM_DMUX_MAX_PAD || (out->len + out->pad) % 4)
		return BAM_DMUX_WIRE_PAD;
	if (xfer_len != (size_t)BAM_DMUX_HDR_SIZE + out->len + out->pad)
		return BAM_DMUX_WIRE_LEN;
	return BAM_DMUX_WIRE_OK;
}

/* bam_dmux_parse_strict_max() for 2 KiB buffers (no dynamic MTU). */
static inline enum bam_dmux_wire_err
bam_dmux_parse_strict(const void *buf, size_t xfer_len,
		      struct bam_dmux_frame *out)
{
	return bam_dmux_parse_strict_max(buf, xfer_len, BAM_DMUX_MAX_DATA_SIZE,
					 out);
}

#endif /* BAM_DMUX_SIM_WIRE_H */
