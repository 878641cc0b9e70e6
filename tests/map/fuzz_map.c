// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness of kmod/bam_dmux_map.h:
 *   clang -fsanitize=fuzzer,address,undefined -Itests/wire -Ikmod fuzz_map.c
 *
 * Input: one byte choosing the format (v1, v4-dl, v4-ul, v5), then the aggregate. The walker
 * gets an exact-size heap copy, so ASan reports any read past the aggregate. Invariants checked
 * on every input:
 *   - the walk ends: every call returns next > off, at most len / 5 + 1 calls;
 *   - every result is a known class and equals an independent reference classifier's (same
 *     class, same next);
 *   - a stop is the last result and has next == len; OK and skip frames lie inside the
 *     aggregate: off + 5 <= next <= len, header fields equal the raw bytes, data_off is past
 *     the MAP and checksum headers, data_off + data_len <= next, the checksum header or
 *     trailer lies in the frame;
 *   - OK implies mux_id <= 254, 1 <= data_len == pkt_len - pad, commands >= 8 bytes, a v5
 *     data frame with the next-header flag and a checksum header of type 2; the payload is
 *     read whole;
 *   - accounting: frames tile the aggregate (the extents sum to len), ok + skipped + stopped
 *     == calls, at most one stop;
 *   - every OK frame, rebuilt by bam_dmux_map_build() around its payload in an exact-size
 *     buffer, walks back as one OK frame with the same mux id, command flag and payload.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bam_dmux_map.h"

#define FAIL(...) do { fprintf(stderr, "invariant: " __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

static volatile unsigned int sink;

/* The rules of docs/qmap.md, written out byte by byte. */
static enum bam_dmux_map_err ref_next(const unsigned char *b, size_t len, size_t off,
				      unsigned int fmt, size_t *next)
{
	size_t rem = len - off, h = 0, t = 0;
	unsigned int flags, mux, pkt_len, pad;
	int cmd;

	*next = len;
	if (rem < 4)
		return BAM_DMUX_MAP_SHORT;
	flags = b[off];
	mux = b[off + 1];
	pkt_len = (unsigned int)b[off + 2] << 8 | b[off + 3];
	cmd = flags >> 7;
	pad = flags & 63;
	if (!pkt_len)
		return BAM_DMUX_MAP_ZERO_LEN;
	if (fmt == BAM_DMUX_MAP_V4_DL)
		t = 8;
	if (fmt == BAM_DMUX_MAP_V4_UL && !cmd)
		h = 4;
	if (fmt == BAM_DMUX_MAP_V5 && !cmd) {
		if (!(flags & 0x40))
			return BAM_DMUX_MAP_NO_CSUM_HDR;
		h = 4;
	}
	if (4 + h + pkt_len > rem)
		return BAM_DMUX_MAP_TRUNC;
	if (fmt == BAM_DMUX_MAP_V5 && h && b[off + 4] / 2 != 2)
		return BAM_DMUX_MAP_BAD_CSUM_HDR;
	if (4 + h + pkt_len + t > rem)
		return BAM_DMUX_MAP_SHORT_TRAILER;
	*next = off + 4 + h + pkt_len + t;
	if (mux == 255)
		return BAM_DMUX_MAP_BAD_MUX;
	if (pad >= pkt_len)
		return BAM_DMUX_MAP_BAD_PAD;
	if (cmd && pkt_len - pad < 8)
		return BAM_DMUX_MAP_BAD_CMD;
	return BAM_DMUX_MAP_OK;
}

static void check_frame(const unsigned char *b, size_t len, unsigned int fmt,
			const struct bam_dmux_map_frame *f, enum bam_dmux_map_err e)
{
	const unsigned char *h = b + f->off;
	size_t hl = bam_dmux_map_csum_hdr_len(fmt, f->cmd), tl = bam_dmux_map_trailer_len(fmt);
	size_t i;

	if (f->next < (size_t)f->off + 5 || f->next > len)
		FAIL("frame [%u, %u) in %zu bytes", f->off, f->next, len);
	if (f->flags != h[0] || f->mux_id != h[1] || f->pkt_len != (h[2] << 8 | h[3]) ||
	    f->pad != (h[0] & 63) || f->cmd != !!(h[0] & 0x80))
		FAIL("fields differ from the raw header at %u", f->off);
	if (f->data_off != f->off + 4 + hl)
		FAIL("data_off %u for header at %u", f->data_off, f->off);
	if ((size_t)f->data_off + f->data_len > f->next)
		FAIL("data [%u, +%u) past the frame end %u", f->data_off, f->data_len, f->next);
	if (f->next != f->data_off + f->pkt_len + tl)
		FAIL("next %u, want %zu", f->next, f->data_off + f->pkt_len + tl);
	if (f->csum_len != hl + tl)
		FAIL("csum_len %u", f->csum_len);
	if (f->csum_len && (f->csum_off < f->off + 4 ||
			    (size_t)f->csum_off + f->csum_len > f->next))
		FAIL("checksum [%u, +%u) outside the frame", f->csum_off, f->csum_len);
	if (e != BAM_DMUX_MAP_OK)
		return;
	if (f->mux_id > 254 || !f->data_len || f->data_len != (unsigned int)f->pkt_len - f->pad)
		FAIL("ok frame: mux %u, data_len %u, pkt_len %u, pad %u", f->mux_id, f->data_len,
		     f->pkt_len, f->pad);
	if (f->cmd && f->data_len < 8)
		FAIL("ok command of %u bytes", f->data_len);
	if (fmt == BAM_DMUX_MAP_V5 && !f->cmd && (!(f->flags & 0x40) || b[f->csum_off] >> 1 != 2))
		FAIL("ok v5 frame without a checksum header");
	for (i = 0; i < f->data_len; i++)
		sink += b[f->data_off + i];
}

/* an OK frame, rebuilt around its payload, walks back the same */
static void check_rebuild(const unsigned char *b, unsigned int fmt,
			  const struct bam_dmux_map_frame *f)
{
	u32 size = bam_dmux_map_frame_size(fmt, f->cmd, f->data_len);
	u32 doff = bam_dmux_map_data_off(fmt, f->cmd);
	struct bam_dmux_map_frame g;
	enum bam_dmux_map_err e;
	unsigned char *c;

	if (f->data_len + bam_dmux_map_pad_len(f->data_len) > 0xffff) {
		if (bam_dmux_map_build(NULL, 0, fmt, f->cmd, f->mux_id, f->data_len))
			FAIL("build of %u bytes did not refuse", f->data_len);
		return;
	}
	c = malloc(size);
	if (!c)
		abort();
	memcpy(c + doff, b + f->data_off, f->data_len);
	if (bam_dmux_map_build(c, size, fmt, f->cmd, f->mux_id, f->data_len) != size)
		FAIL("build of %u bytes", f->data_len);
	e = bam_dmux_map_next(c, size, 0, fmt, &g);
	if (e != BAM_DMUX_MAP_OK || g.next != size || g.data_len != f->data_len ||
	    g.mux_id != f->mux_id || g.cmd != f->cmd || g.data_off != doff ||
	    memcmp(c + g.data_off, b + f->data_off, f->data_len))
		FAIL("rebuilt frame: %s, next %u of %u, data_len %u", bam_dmux_map_err_name(e), g.next,
		     size, g.data_len);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int fmt, calls = 0, ok = 0, skipped = 0, stopped = 0;
	size_t len, covered = 0;
	unsigned char *b;
	u32 off = 0;

	if (size < 1)
		return 0;
	fmt = data[0] % BAM_DMUX_MAP_NUM_FMT;
	len = size - 1;
	b = malloc(len ? len : 1);
	if (!b)
		return 0;
	memcpy(b, data + 1, len);

	while (off < len) {
		struct bam_dmux_map_frame f;
		enum bam_dmux_map_err e, re;
		size_t rnext;

		if (++calls > len / 5 + 1)
			FAIL("walk of %zu bytes did not end after %u calls", len, calls);
		if (stopped)
			FAIL("walk went on after a stop");
		memset(&f, 0xa5, sizeof(f));
		e = bam_dmux_map_next(b, len, off, fmt, &f);
		if ((unsigned int)e >= BAM_DMUX_MAP_NUM_ERR)
			FAIL("unknown result %d", e);
		if (f.off != off || f.next <= off || f.next > len)
			FAIL("off %u: frame [%u, %u) in %zu bytes", off, f.off, f.next, len);
		re = ref_next(b, len, off, fmt, &rnext);
		if (re != e || rnext != f.next)
			FAIL("fmt %u off %u: %s next %u, reference %s next %zu", fmt, off,
			     bam_dmux_map_err_name(e), f.next, bam_dmux_map_err_name(re), rnext);
		if (bam_dmux_map_err_stops(e)) {
			if (f.next != len)
				FAIL("stop %s with next %u of %zu", bam_dmux_map_err_name(e), f.next, len);
			stopped++;
		} else {
			check_frame(b, len, fmt, &f, e);
			if (e == BAM_DMUX_MAP_OK) {
				ok++;
				check_rebuild(b, fmt, &f);
			} else {
				skipped++;
			}
		}
		covered += f.next - off;
		off = f.next;
	}
	if (covered != len || ok + skipped + stopped != calls || stopped > 1)
		FAIL("accounting: %zu of %zu bytes, %u + %u + %u of %u calls", covered, len, ok,
		     skipped, stopped, calls);
	free(b);
	return 0;
}
