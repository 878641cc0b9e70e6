// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit test of kmod/bam_dmux_wire.h (through its host shim). Prints TAP.
 *
 * Every buffer handed to the parser is a heap block of exactly the transfer size, so a build
 * with -fsanitize=address catches any read past it.
 */
#define _DEFAULT_SOURCE	/* htole16/le16toh in the shim */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bam_dmux_wire.h"
#include "sim/sim_wire.h"
#include "tap_result.h"

_Static_assert(sizeof(struct bam_dmux_hdr) == BAM_DMUX_HDR_SIZE, "header is 8 bytes");
_Static_assert(BAM_DMUX_MAX_DATA_SIZE == 2040, "2048-byte buffers");


/* A diagnostic that does not count as a result. */
static int check(int cond, const char *what)
{
	if (!cond)
		printf("# failed: %s\n", what);
	return cond;
}

#define CHECK(ok, cond) ((ok) &= check((cond), #cond))

/* Raw frame bytes: header fields exactly as given, then len payload bytes and extra bytes. */
static unsigned char *frame(size_t *size, unsigned int magic, unsigned int sig, unsigned int cmd,
			    unsigned int pad, unsigned int ch, unsigned int len, size_t total)
{
	unsigned char *b = malloc(total ? total : 1);
	size_t i;

	if (!b) {
		perror("malloc");
		exit(2);
	}
	for (i = 0; i < total; i++)
		b[i] = (unsigned char)(0xa5 ^ i);
	if (total >= 8) {
		b[0] = magic & 0xff;
		b[1] = magic >> 8;
		b[2] = sig;
		b[3] = cmd;
		b[4] = pad;
		b[5] = ch;
		b[6] = len & 0xff;
		b[7] = len >> 8;
	} else {
		/* a short transfer: as much of a valid header as fits */
		const unsigned char h[8] = { 0xfc, 0x33, 0, 0, 0, 0, 0, 0 };

		memcpy(b, h, total);
	}
	*size = total;
	return b;
}

static enum bam_dmux_wire_err parse_raw(unsigned int magic, unsigned int cmd, unsigned int pad,
					unsigned int ch, unsigned int len, size_t total, int strict,
					struct bam_dmux_frame *out)
{
	size_t size;
	unsigned char *b = frame(&size, magic, 0, cmd, pad, ch, len, total);
	enum bam_dmux_wire_err err;

	err = strict ? bam_dmux_parse_strict(b, size, out) : bam_dmux_parse(b, size, out);
	free(b);
	return err;
}

static void test_build(void)
{
	static const unsigned int lens[] = { 0, 1, 2, 3, 4, 5, 1499, 1500, 2039, 2040 };
	unsigned int i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned int len = lens[i];
		struct bam_dmux_hdr hdr;
		const unsigned char *raw = (const unsigned char *)&hdr;
		unsigned int pad;
		int ok = 1;

		memset(&hdr, 0xee, sizeof(hdr));
		pad = bam_dmux_hdr_build(&hdr, BAM_DMUX_CMD_DATA, 7, len);
		CHECK(ok, pad == (4 - len % 4) % 4);
		CHECK(ok, pad == bam_dmux_pad_len(len));
		CHECK(ok, (len + pad) % 4 == 0);
		CHECK(ok, bam_dmux_frame_size(len) == 8 + len + pad);
		CHECK(ok, raw[0] == 0xfc && raw[1] == 0x33);
		CHECK(ok, raw[2] == 0 && raw[3] == BAM_DMUX_CMD_DATA && raw[4] == pad && raw[5] == 7);
		CHECK(ok, raw[6] == (len & 0xff) && raw[7] == (len >> 8));
		result(ok, "build: len %u, pad %u, little-endian layout", len, pad);
	}
}

/* build -> parse and parse_strict of exactly the frame size */
static void test_roundtrip(void)
{
	static const unsigned int lens[] = { 0, 1, 3, 4, 1500, 2037, 2040 };
	unsigned int cmd, ch, i;

	for (cmd = BAM_DMUX_CMD_DATA; cmd <= BAM_DMUX_CMD_CLOSE; cmd++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			int ok = 1;

			for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
				unsigned int len = lens[i];
				size_t size = bam_dmux_frame_size(len);
				unsigned char *b = calloc(1, size);
				struct bam_dmux_frame f;
				unsigned int pad;

				if (!b)
					exit(2);
				pad = bam_dmux_hdr_build((struct bam_dmux_hdr *)b, cmd, ch, len);
				memset(&f, 0xff, sizeof(f));
				CHECK(ok, bam_dmux_parse(b, size, &f) == BAM_DMUX_WIRE_OK);
				CHECK(ok, f.cmd == cmd && f.ch == ch && f.len == len && f.pad == pad);
				CHECK(ok, f.signal == 0);
				memset(&f, 0xff, sizeof(f));
				CHECK(ok, bam_dmux_parse_strict(b, size, &f) == BAM_DMUX_WIRE_OK);
				CHECK(ok, f.cmd == cmd && f.ch == ch && f.len == len && f.pad == pad);
				/* a receive buffer larger than the frame is fine for parse */
				free(b);
				b = calloc(1, BAM_DMUX_BUFFER_SIZE);
				if (!b)
					exit(2);
				bam_dmux_hdr_build((struct bam_dmux_hdr *)b, cmd, ch, len);
				CHECK(ok, bam_dmux_parse(b, BAM_DMUX_BUFFER_SIZE, &f) == BAM_DMUX_WIRE_OK);
				CHECK(ok, f.len == len);
				free(b);
			}
			result(ok, "roundtrip: cmd %u, len %u, channels 0-7", cmd, lens[i]);
		}
	}
}

static void test_signal(void)
{
	size_t size;
	unsigned char *b = frame(&size, BAM_DMUX_HDR_MAGIC, 0x5a, BAM_DMUX_CMD_OPEN, 0, 3, 0, 8);
	struct bam_dmux_frame f;
	int ok = 1;

	CHECK(ok, bam_dmux_parse(b, size, &f) == BAM_DMUX_WIRE_OK);
	CHECK(ok, f.signal == 0x5a && f.cmd == BAM_DMUX_CMD_OPEN && f.ch == 3 && f.len == 0);
	free(b);
	result(ok, "parse: signal byte passed through");
}

static void test_errors(void)
{
	struct bam_dmux_frame f;
	size_t avail;
	int ok;

	/* short: every transfer below the header size, and the empty one */
	ok = 1;
	for (avail = 0; avail < BAM_DMUX_HDR_SIZE; avail++) {
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0, avail, 0, &f) == BAM_DMUX_WIRE_SHORT);
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0, avail, 1, &f) == BAM_DMUX_WIRE_SHORT);
	}
	result(ok, "error short: avail 0-7");
	ok = 1;
	CHECK(ok, bam_dmux_parse(NULL, 0, &f) == BAM_DMUX_WIRE_SHORT);
	result(ok, "error short: avail 0 never dereferences the buffer");

	ok = 1;
	CHECK(ok, parse_raw(0x0000, 0, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_MAGIC);
	CHECK(ok, parse_raw(0xfc33, 0, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_MAGIC);	/* byte-swapped */
	CHECK(ok, parse_raw(0x33fd, 0, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_MAGIC);
	CHECK(ok, parse_raw(0xffff, 0, 0, 0, 0, 8, 1, &f) == BAM_DMUX_WIRE_MAGIC);
	/* magic is checked before anything else */
	CHECK(ok, parse_raw(0x1234, 9, 0, 200, 5000, 8, 0, &f) == BAM_DMUX_WIRE_MAGIC);
	result(ok, "error bad_magic: zero, byte-swapped, off by one, checked first");

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 3, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_CMD);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 255, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_CMD);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 5, 0, 0, 0, 8, 1, &f) == BAM_DMUX_WIRE_CMD);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 3, 0, 200, 5000, 8, 0, &f) == BAM_DMUX_WIRE_CMD);
	CHECK(ok, !bam_dmux_cmd_valid(3) && bam_dmux_cmd_valid(0) && bam_dmux_cmd_valid(1) &&
		      bam_dmux_cmd_valid(2) && bam_dmux_cmd_valid(4) && !bam_dmux_cmd_valid(5));
	result(ok, "error bad_cmd: 3 (STATUS), 5, 255, checked before channel and len");

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 8, 0, 8, 0, &f) == BAM_DMUX_WIRE_CH);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 1, 0, 255, 0, 8, 0, &f) == BAM_DMUX_WIRE_CH);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 2, 0, 8, 0, 8, 1, &f) == BAM_DMUX_WIRE_CH);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 9, 5000, 8, 0, &f) == BAM_DMUX_WIRE_CH);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 7, 0, 8, 0, &f) == BAM_DMUX_WIRE_OK);
	result(ok, "error bad_channel: 8, 9, 255 refused, 7 accepted");
}

static void test_len(void)
{
	struct bam_dmux_frame f;
	int ok;

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0, 8, 0, &f) == BAM_DMUX_WIRE_OK && f.len == 0);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0, 8, 1, &f) == BAM_DMUX_WIRE_OK);
	result(ok, "len 0: header-only frame");

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 2040, 2048, 0, &f) == BAM_DMUX_WIRE_OK);
	CHECK(ok, f.len == 2040);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 2040, 2048, 1, &f) == BAM_DMUX_WIRE_OK);
	result(ok, "len 2040: largest payload, in a full 2048-byte buffer");

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 2041, 2049, 0, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 2041, 4096, 0, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0xffff, 70000, 0, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 3, 0, 2041, 2052, 1, &f) == BAM_DMUX_WIRE_LEN);
	result(ok, "len 2041 and 0xffff: beyond the maximum even with room in the transfer");

	ok = 1;
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 100, 108, 0, &f) == BAM_DMUX_WIRE_OK);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 101, 108, 0, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 1, 8, 0, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 2040, 2047, 0, &f) == BAM_DMUX_WIRE_LEN);
	result(ok, "len vs avail: len == avail-8 accepted, avail-7 refused");
}

static void test_strict_pad(void)
{
	struct bam_dmux_frame f;
	unsigned int len, pad;

	/* every len mod 4 against every pad 0..5, transfer exactly header+len+pad */
	for (len = 4; len < 8; len++) {
		int ok = 1;

		for (pad = 0; pad <= 5; pad++) {
			int want_ok = pad <= BAM_DMUX_MAX_PAD && (len + pad) % 4 == 0;
			enum bam_dmux_wire_err e;

			e = parse_raw(BAM_DMUX_HDR_MAGIC, 0, pad, 1, len, 8 + len + pad, 1, &f);
			if (!check(e == (want_ok ? BAM_DMUX_WIRE_OK : BAM_DMUX_WIRE_PAD), "strict pad"))
				printf("# len %u pad %u: got %s\n", len, pad, bam_dmux_wire_err_name(e));
			ok &= e == (want_ok ? BAM_DMUX_WIRE_OK : BAM_DMUX_WIRE_PAD);
			/* the lenient parser never looks at the padding */
			CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, pad, 1, len, 8 + len + pad, 0, &f) ==
				      BAM_DMUX_WIRE_OK);
		}
		result(ok, "strict pad: len %% 4 == %u against pad 0-5", len % 4);
	}
	{
		int ok = 1;

		/* aligned payload with 4 bytes of padding (mainline's convention) */
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 4, 0, 8, 20, 1, &f) == BAM_DMUX_WIRE_OK);
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 8, 16, 1, &f) == BAM_DMUX_WIRE_OK);
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 4, 0, 0, 12, 1, &f) == BAM_DMUX_WIRE_OK);
		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 255, 0, 1, 264, 1, &f) == BAM_DMUX_WIRE_PAD);
		result(ok, "strict pad: 0 and 4 both accepted on aligned payloads, 255 refused");
	}
}

static void test_strict_len(void)
{
	struct bam_dmux_frame f;
	int ok = 1;

	/* transfer one byte longer or shorter than header+len+pad */
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 3, 0, 1, 13, 1, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 3, 0, 1, 11, 1, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0, 9, 1, &f) == BAM_DMUX_WIRE_LEN);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 4, 2048, 1, &f) == BAM_DMUX_WIRE_LEN);
	/* ... which the lenient parser accepts (padding not checked, room to spare) */
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 3, 0, 1, 13, 0, &f) == BAM_DMUX_WIRE_OK);
	CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 3, 0, 1, 11, 0, &f) == BAM_DMUX_WIRE_OK);
	result(ok, "strict len: transfer must be exactly header+len+pad");
}

static void test_names(void)
{
	static const char *const names[] = {
		"ok", "short", "bad_magic", "bad_cmd", "bad_channel", "bad_len", "bad_pad",
	};
	int ok = 1;
	int i;

	CHECK(ok, BAM_DMUX_WIRE_NUM_ERR == 7);
	for (i = 0; i < BAM_DMUX_WIRE_NUM_ERR; i++)
		CHECK(ok, !strcmp(bam_dmux_wire_err_name((enum bam_dmux_wire_err)i), names[i]));
	CHECK(ok, !strcmp(bam_dmux_wire_err_name(BAM_DMUX_WIRE_NUM_ERR), "unknown"));
	CHECK(ok, !strcmp(bam_dmux_wire_err_name((enum bam_dmux_wire_err)99), "unknown"));
	result(ok, "err names: ABI order ok short bad_magic bad_cmd bad_channel bad_len bad_pad");
}

static void test_ip_version(void)
{
	unsigned char p[] = { 0x45, 0x60, 0x00, 0xff, 0x4f, 0x6a };
	int ok = 1;

	CHECK(ok, bam_dmux_ip_version(p, 0) == 0);
	CHECK(ok, bam_dmux_ip_version(NULL, 0) == 0);
	CHECK(ok, bam_dmux_ip_version(&p[0], 1) == 4);
	CHECK(ok, bam_dmux_ip_version(&p[1], 1) == 6);
	CHECK(ok, bam_dmux_ip_version(&p[2], 1) == 0);
	CHECK(ok, bam_dmux_ip_version(&p[3], 1) == 0);
	CHECK(ok, bam_dmux_ip_version(&p[4], 2) == 4);
	CHECK(ok, bam_dmux_ip_version(&p[5], 1) == 6);
	result(ok, "ip_version: 4, 6, other, empty");
}

/* parse_max: the cap is a parameter; parse and parse_strict keep 2040 */
static void test_len_max(void)
{
	static const unsigned int bufs[] = { 2048, 4096, 8192, 16384 };
	struct bam_dmux_frame f;
	unsigned int i;

	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		unsigned int max = bam_dmux_max_data_size(bufs[i]);
		unsigned int pad = -(max + 1) & 3;
		size_t size;
		unsigned char *b;
		int ok = 1;

		CHECK(ok, max == bufs[i] - 8);
		/* the largest payload, in a transfer of exactly the buffer */
		b = frame(&size, BAM_DMUX_HDR_MAGIC, 0, 0, 0, 1, max, bufs[i]);
		CHECK(ok, bam_dmux_parse_max(b, size, max, &f) == BAM_DMUX_WIRE_OK && f.len == max);
		CHECK(ok, bam_dmux_parse_strict_max(b, size, max, &f) == BAM_DMUX_WIRE_OK);
		CHECK(ok, bam_dmux_parse_max(b, size, max - 1, &f) == BAM_DMUX_WIRE_LEN);
		CHECK(ok, (bam_dmux_parse(b, size, &f) == BAM_DMUX_WIRE_OK) == (max == 2040));
		CHECK(ok, (bam_dmux_parse_strict(b, size, &f) == BAM_DMUX_WIRE_OK) == (max == 2040));
		free(b);
		/* one more byte: refused even with room in the transfer */
		b = frame(&size, BAM_DMUX_HDR_MAGIC, 0, 0, pad, 1, max + 1, bufs[i] + 1 + pad);
		CHECK(ok, bam_dmux_parse_max(b, size, max, &f) == BAM_DMUX_WIRE_LEN);
		CHECK(ok, bam_dmux_parse_strict_max(b, size, max, &f) == BAM_DMUX_WIRE_LEN);
		CHECK(ok, bam_dmux_parse_strict_max(b, size, max + 1, &f) == BAM_DMUX_WIRE_OK);
		free(b);
		/* len beyond the transfer is refused whatever the cap */
		b = frame(&size, BAM_DMUX_HDR_MAGIC, 0, 0, 0, 1, max, bufs[i] - 1);
		CHECK(ok, bam_dmux_parse_max(b, size, 0xffff, &f) == BAM_DMUX_WIRE_LEN);
		free(b);
		result(ok, "parse_max: %u-byte buffers take len %u, refuse %u", bufs[i], max, max + 1);
	}
	{
		int ok = 1;

		CHECK(ok, parse_raw(BAM_DMUX_HDR_MAGIC, 0, 0, 0, 0xffff, 70000, 0, &f) ==
			      BAM_DMUX_WIRE_LEN);
		CHECK(ok, bam_dmux_max_data_size(8) == 0 && bam_dmux_max_data_size(0) == 0);
		result(ok, "parse_max: 0xffff refused by the legacy parser; tiny buffers hold nothing");
	}
}

/* the dynamic-MTU signal field, against downstream's encoding */
static void test_signal_dyn_mtu(void)
{
	static const unsigned int pools[] = { 32, 64, 128, 256 };
	static const unsigned int sizes[] = { 2048, 4096, 8192, 16384 };
	unsigned int sig, p, s;
	int ok;

	/* every modem OPEN signal */
	ok = 1;
	for (sig = 0; sig < 256; sig++) {
		bool dyn = sig & 0x2;

		CHECK(ok, bam_dmux_sig_dyn_mtu(sig) == dyn);
		CHECK(ok, bam_dmux_sig_size(sig) == (dyn ? 2048u << (sig >> 6) : 2048u));
		CHECK(ok, bam_dmux_sig_pool(sig) == (dyn ? 32u << ((sig >> 4) & 3) : 32u));
		CHECK(ok, bam_dmux_sig_data_large(sig) == dyn);
	}
	CHECK(ok, bam_dmux_sig_size(0xc0) == 2048 && bam_dmux_sig_size(0xc2) == 16384);
	CHECK(ok, bam_dmux_sig_size(0x42) == 4096 && bam_dmux_sig_size(0x82) == 8192);
	CHECK(ok, bam_dmux_sig_size(0x02) == 2048 && bam_dmux_sig_size(0x3e) == 2048);
	result(ok, "signal: all 256 values: support bit 0x2, size bits 7:6, pool bits 5:4");

	/* the host's OPEN: 0x2 | pool << 4 | dl_size << 6, and back */
	ok = 1;
	for (p = 0; p < 4; p++) {
		for (s = 0; s < 4; s++) {
			u8 v = bam_dmux_sig_open(pools[p], sizes[s]);

			CHECK(ok, v == (0x2 | p << 4 | s << 6));
			CHECK(ok, bam_dmux_sig_pool(v) == pools[p] && bam_dmux_sig_size(v) == sizes[s]);
			CHECK(ok, bam_dmux_pool_code(pools[p]) == p && bam_dmux_size_code(sizes[s]) == s);
			CHECK(ok, bam_dmux_pool_from_code(p) == pools[p]);
			CHECK(ok, bam_dmux_size_from_code(s) == sizes[s]);
		}
	}
	CHECK(ok, bam_dmux_sig_open(32, 2048) == 0x02 && bam_dmux_sig_open(256, 16384) == 0xf2);
	CHECK(ok, bam_dmux_sig_open(64, 16384) == 0xd2);
	result(ok, "signal: host OPEN for every pool 32-256 and DL size 2-16 KiB");

	/* values in between round down; below the minimum, the minimum; above, the maximum */
	ok = 1;
	CHECK(ok, bam_dmux_size_code(0) == 0 && bam_dmux_size_code(2047) == 0);
	CHECK(ok, bam_dmux_size_code(4095) == 0 && bam_dmux_size_code(10000) == 2);
	CHECK(ok, bam_dmux_size_code(16383) == 2 && bam_dmux_size_code(1u << 30) == 3);
	CHECK(ok, bam_dmux_pool_code(0) == 0 && bam_dmux_pool_code(63) == 0);
	CHECK(ok, bam_dmux_pool_code(100) == 1 && bam_dmux_pool_code(255) == 2);
	CHECK(ok, bam_dmux_pool_code(1000) == 3);
	CHECK(ok, bam_dmux_sig_open(100, 10000) == (0x2 | 1 << 4 | 2 << 6));
	CHECK(ok, bam_dmux_size_from_code(7) == 16384 && bam_dmux_pool_from_code(4) == 32);
	result(ok, "signal: sizes and pools in between round down, clamp at both ends");
}

int main(void)
{
	printf("TAP version 13\n");
	test_build();
	test_roundtrip();
	test_signal();
	test_errors();
	test_len();
	test_strict_pad();
	test_strict_len();
	test_names();
	test_ip_version();
	test_len_max();
	test_signal_dyn_mtu();
	return tap_end();
}
