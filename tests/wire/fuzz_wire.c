// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness of kmod/bam_dmux_wire.h:
 *   clang -fsanitize=fuzzer,address,undefined -Itests/wire -Ikmod fuzz_wire.c
 *
 * Input: two bytes choosing the transfer length (avail), then the transfer bytes. The parser
 * gets an exact-size heap copy of avail bytes, so ASan reports any read past the transfer.
 * Invariants checked on every input:
 *   - the result is a known error class; a short transfer is always SHORT;
 *   - OK implies 8 + len <= avail, len <= 2040, ch < 8, a valid cmd, the right magic, and
 *     fields equal to the raw header bytes; the whole payload is readable;
 *   - strict OK implies parse OK and avail == 8 + len + pad, pad <= 4, (len + pad) % 4 == 0;
 *     a lenient error is returned unchanged by the strict parser;
 *   - parse_max with the 16 KiB cap agrees with parse but for len 2041..16376 (LEN there).
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bam_dmux_wire.h"
#include "sim/sim_wire.h"

#define FAIL(...) do { fprintf(stderr, "invariant: " __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

static volatile unsigned int sink;

static void check_frame(const unsigned char *buf, size_t avail, const struct bam_dmux_frame *f,
			unsigned int max)
{
	size_t i;

	if ((size_t)BAM_DMUX_HDR_SIZE + f->len > avail)
		FAIL("len %u beyond avail %zu", f->len, avail);
	if (f->len > max)
		FAIL("len %u above the maximum", f->len);
	if (f->ch >= BAM_DMUX_NUM_CH)
		FAIL("channel %u", f->ch);
	if (!bam_dmux_cmd_valid(f->cmd))
		FAIL("cmd %u", f->cmd);
	if (buf[0] != 0xfc || buf[1] != 0x33)
		FAIL("magic %02x%02x", buf[1], buf[0]);
	if (f->signal != buf[2] || f->cmd != buf[3] || f->pad != buf[4] || f->ch != buf[5] ||
	    f->len != (buf[6] | buf[7] << 8))
		FAIL("fields differ from the raw header");
	/* touch the payload the caller would use: ASan catches a wrong bound */
	for (i = 0; i < f->len; i++)
		sink += buf[BAM_DMUX_HDR_SIZE + i];
	sink += bam_dmux_ip_version(buf + BAM_DMUX_HDR_SIZE, f->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bam_dmux_frame f, fs;
	enum bam_dmux_wire_err e, es;
	unsigned char *buf;
	size_t avail;

	if (size < 2)
		return 0;
	/* avail: anything up to the bytes that follow (a transfer never exceeds its buffer) */
	avail = (size_t)(data[0] | data[1] << 8) % (size - 2 + 1);
	data += 2;
	buf = malloc(avail ? avail : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, avail);

	memset(&f, 0x5a, sizeof(f));
	e = bam_dmux_parse(buf, avail, &f);
	if ((unsigned int)e >= BAM_DMUX_WIRE_NUM_ERR)
		FAIL("unknown result %d", e);
	if (avail < BAM_DMUX_HDR_SIZE && e != BAM_DMUX_WIRE_SHORT)
		FAIL("avail %zu not SHORT but %s", avail, bam_dmux_wire_err_name(e));
	if (e == BAM_DMUX_WIRE_PAD)
		FAIL("lenient parse returned bad_pad");
	if (e == BAM_DMUX_WIRE_OK)
		check_frame(buf, avail, &f, BAM_DMUX_MAX_DATA_SIZE);

	memset(&fs, 0xa5, sizeof(fs));
	es = bam_dmux_parse_strict(buf, avail, &fs);
	if ((unsigned int)es >= BAM_DMUX_WIRE_NUM_ERR)
		FAIL("unknown strict result %d", es);
	if (e != BAM_DMUX_WIRE_OK && es != e)
		FAIL("strict %s but lenient %s", bam_dmux_wire_err_name(es), bam_dmux_wire_err_name(e));
	if (es == BAM_DMUX_WIRE_OK) {
		check_frame(buf, avail, &fs, BAM_DMUX_MAX_DATA_SIZE);
		if (avail != (size_t)BAM_DMUX_HDR_SIZE + fs.len + fs.pad)
			FAIL("strict ok with avail %zu != 8 + %u + %u", avail, fs.len, fs.pad);
		if (fs.pad > BAM_DMUX_MAX_PAD || (fs.len + fs.pad) % 4)
			FAIL("strict ok with pad %u for len %u", fs.pad, fs.len);
	}

	/* the dynamic-MTU cap: the same verdict but for the lengths only it accepts */
	{
		const unsigned int max = bam_dmux_max_data_size(BAM_DMUX_MAX_BUFFER_SIZE);
		struct bam_dmux_frame fm;
		enum bam_dmux_wire_err em;

		memset(&fm, 0x3c, sizeof(fm));
		em = bam_dmux_parse_max(buf, avail, max, &fm);
		if (em == BAM_DMUX_WIRE_OK) {
			check_frame(buf, avail, &fm, max);
			if (fm.len <= BAM_DMUX_MAX_DATA_SIZE ? e != BAM_DMUX_WIRE_OK :
			    e != BAM_DMUX_WIRE_LEN)
				FAIL("parse_max ok, len %u, but parse %s", fm.len,
				     bam_dmux_wire_err_name(e));
		} else if (em != e) {
			FAIL("parse_max %s but parse %s", bam_dmux_wire_err_name(em),
			     bam_dmux_wire_err_name(e));
		}
	}
	(void)bam_dmux_wire_err_name(e);
	free(buf);
	return 0;
}
