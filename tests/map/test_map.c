// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit test of kmod/bam_dmux_map.h (through the host shim of tests/wire/). Prints TAP.
 *
 * Aggregates are written byte by byte here, independently of the header's builder, then walked
 * in a heap block of exactly their size, so a build with -fsanitize=address catches any read
 * past the aggregate.
 */
#define _DEFAULT_SOURCE	/* htobe16/be16toh in the shim */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bam_dmux_map.h"
#include "tap_result.h"

_Static_assert(sizeof(struct bam_dmux_map_hdr) == BAM_DMUX_MAP_HDR_SIZE, "MAP header is 4 bytes");
_Static_assert(sizeof(struct bam_dmux_map_v5_csum) == BAM_DMUX_MAP_CSUM_HDR_SIZE, "v5 csum 4");
_Static_assert(sizeof(struct bam_dmux_map_v4_trailer) == BAM_DMUX_MAP_TRAILER_SIZE, "trailer 8");


static int check(int cond, const char *what, int line)
{
	if (!cond)
		printf("# failed (line %d): %s\n", line, what);
	return cond;
}

#define CHECK(ok, cond) ((ok) &= check((cond), #cond, __LINE__))

static const char *const fmt_names[] = { "v1", "v4-dl", "v4-ul", "v5" };

/* --- aggregates written by hand --- */

#define AGG_MAX (3 * 65600)

struct agg {
	unsigned char b[AGG_MAX];
	size_t n;
};

static struct agg A;

static void agg_reset(void)
{
	A.n = 0;
}

static void put(const void *p, size_t n)
{
	if (A.n + n > AGG_MAX) {
		fprintf(stderr, "aggregate too large\n");
		exit(2);
	}
	memcpy(A.b + A.n, p, n);
	A.n += n;
}

static void put_byte(unsigned int v)
{
	unsigned char c = v;

	put(&c, 1);
}

static void put_hdr(unsigned int flags, unsigned int mux, unsigned int pkt_len)
{
	put_byte(flags);
	put_byte(mux);
	put_byte(pkt_len >> 8);
	put_byte(pkt_len & 0xff);
}

static void put_zero(size_t n)
{
	while (n--)
		put_byte(0);
}

/* payload byte j of a frame with seed s */
static unsigned char pat(unsigned int s, size_t j)
{
	return (unsigned char)(s * 31 + j * 7 + 1);
}

static void put_payload(unsigned int seed, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		put_byte(pat(seed, j));
}

static uint32_t hash(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* What a well-formed frame must parse to. */
struct want {
	u32 off, next, data_off, data_len, csum_off;
	u16 pkt_len;
	u8 csum_len, mux_id, pad;
	bool cmd;
	uint32_t hash;
};

static unsigned int hdr_len(int fmt, bool cmd)
{
	if (cmd)
		return 0;
	return fmt == BAM_DMUX_MAP_V4_UL || fmt == BAM_DMUX_MAP_V5 ? 4 : 0;
}

/*
 * A well-formed frame in format fmt: data_len bytes of payload (pattern seed), pad bytes of
 * padding, the v5 checksum header with csum_info, the v4 trailer with its valid flag.
 */
static struct want put_frame(int fmt, bool cmd, unsigned int mux, unsigned int data_len,
			     unsigned int pad, unsigned int seed)
{
	struct want w;
	unsigned int h = hdr_len(fmt, cmd);
	unsigned int flags = pad | (cmd ? 0x80 : 0);

	if (fmt == BAM_DMUX_MAP_V5 && !cmd)
		flags |= 0x40;
	memset(&w, 0, sizeof(w));
	w.off = A.n;
	w.pkt_len = data_len + pad;
	put_hdr(flags, mux, w.pkt_len);
	if (h) {
		w.csum_off = A.n;
		if (fmt == BAM_DMUX_MAP_V5) {
			put_byte(2 << 1);
			put_byte(seed & 1 ? 0x80 : 0);
			put_zero(2);
		} else {
			put_byte(0x00);
			put_byte(0x14);
			put_byte(0xc0);
			put_byte(0x10);
		}
	}
	w.data_off = A.n;
	w.data_len = data_len;
	put_payload(seed, data_len);
	w.hash = hash(A.b + w.data_off, data_len);
	put_zero(pad);
	if (fmt == BAM_DMUX_MAP_V4_DL) {
		w.csum_off = A.n;
		put_byte(0);
		put_byte(seed & 1);
		put_byte(0);
		put_byte(20);
		put_byte(data_len >> 8);
		put_byte(data_len & 0xff);
		put_byte(0xab);
		put_byte(0xcd);
	}
	w.csum_len = h + (fmt == BAM_DMUX_MAP_V4_DL ? 8 : 0);
	w.next = A.n;
	w.mux_id = mux;
	w.pad = pad;
	w.cmd = cmd;
	return w;
}

/* --- the walk, over an exact-size heap copy --- */

#define MAX_RES 4096

struct res {
	enum bam_dmux_map_err err;
	struct bam_dmux_map_frame f;
	uint32_t hash;		/* of the payload, for OK frames */
};

static struct res R[MAX_RES];

/* Walk A with format fmt; returns the number of results in R, -1 if the walk misbehaved. */
static int walk_fmt(unsigned int fmt)
{
	unsigned char *b = malloc(A.n ? A.n : 1);
	u32 off = 0;
	int k = 0, bad = 0;

	if (!b)
		exit(2);
	memcpy(b, A.b, A.n);
	while (off < A.n) {
		struct res *r = &R[k];

		if (k == MAX_RES) {
			printf("# walk did not end\n");
			bad = 1;
			break;
		}
		memset(&r->f, 0x5a, sizeof(r->f));
		r->err = bam_dmux_map_next(b, A.n, off, (enum bam_dmux_map_fmt)fmt, &r->f);
		r->hash = 0;
		if (r->f.off != off || r->f.next <= off || r->f.next > A.n) {
			printf("# off %u: f.off %u, next %u, len %zu\n", off, r->f.off, r->f.next, A.n);
			bad = 1;
			break;
		}
		if (r->err == BAM_DMUX_MAP_OK)
			r->hash = hash(b + r->f.data_off, r->f.data_len);
		if (bam_dmux_map_err_stops(r->err) && r->f.next != A.n) {
			printf("# stop %s with next %u\n", bam_dmux_map_err_name(r->err), r->f.next);
			bad = 1;
		}
		off = r->f.next;
		k++;
	}
	free(b);
	return bad ? -1 : k;
}

static int same(const struct res *r, const struct want *w)
{
	const struct bam_dmux_map_frame *f = &r->f;
	int ok = 1;

	CHECK(ok, f->off == w->off);
	CHECK(ok, f->next == w->next);
	CHECK(ok, f->data_off == w->data_off);
	CHECK(ok, f->data_len == w->data_len);
	CHECK(ok, f->pkt_len == w->pkt_len);
	CHECK(ok, f->csum_len == w->csum_len);
	if (w->csum_len)
		CHECK(ok, f->csum_off == w->csum_off);
	CHECK(ok, f->mux_id == w->mux_id);
	CHECK(ok, f->pad == w->pad);
	CHECK(ok, f->cmd == w->cmd);
	if (r->err == BAM_DMUX_MAP_OK)
		CHECK(ok, r->hash == w->hash);
	if (!ok)
		printf("# frame at %u: got off %u next %u data %u+%u pkt_len %u csum %u+%u mux %u pad %u\n",
		       w->off, f->off, f->next, f->data_off, f->data_len, f->pkt_len, f->csum_off,
		       f->csum_len, f->mux_id, f->pad);
	return ok;
}

/* one walk result: k results, and the error of result i */
static int expect_errs(int k, const enum bam_dmux_map_err *errs, int nerr)
{
	int ok = 1, i;

	if (!check(k == nerr, "number of results", __LINE__)) {
		printf("# got %d results, want %d:", k, nerr);
		for (i = 0; i < k && i < 20; i++)
			printf(" %s", bam_dmux_map_err_name(R[i].err));
		printf("\n");
		return 0;
	}
	for (i = 0; i < k; i++) {
		if (R[i].err != errs[i]) {
			printf("# result %d: %s, want %s\n", i, bam_dmux_map_err_name(R[i].err),
			       bam_dmux_map_err_name(errs[i]));
			ok = 0;
		}
	}
	return ok;
}

#define EXPECT(k, ...) \
	expect_errs((k), (const enum bam_dmux_map_err[]){ __VA_ARGS__ }, \
		    (int)(sizeof((const enum bam_dmux_map_err[]){ __VA_ARGS__ }) / \
			  sizeof(enum bam_dmux_map_err)))

/* --- tests --- */

static const unsigned int sizes[] = { 1, 2, 3, 4, 5, 20, 40, 41, 576, 1280, 1499, 1500 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* aggregates of 1..K well-formed frames: data and commands, several mux ids, aligned pad */
static void test_aggregates(void)
{
	static struct want w[64];
	unsigned int fmt, k, i;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1;

		for (k = 1; k <= 16; k++) {
			int n;

			agg_reset();
			for (i = 0; i < k; i++) {
				bool cmd = i % 5 == 4;
				unsigned int len = cmd ? 12 + i % 5 : sizes[(i + k) % NSIZES];

				w[i] = put_frame(fmt, cmd, (i * 37 + k) % 255, len, -len & 3, i);
			}
			n = walk_fmt(fmt);
			CHECK(ok, n == (int)k);
			for (i = 0; n == (int)k && i < k; i++) {
				CHECK(ok, R[i].err == BAM_DMUX_MAP_OK);
				CHECK(ok, same(&R[i], &w[i]));
			}
			CHECK(ok, n > 0 && R[n - 1].f.next == A.n);
		}
		result(ok, "aggregate %s: 1..16 frames, data and commands, every field and payload",
		       fmt_names[fmt]);
	}
	/* 64 frames of every size, pad 0..63 (any pad below pkt_len is accepted) */
	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1, n;

		agg_reset();
		for (i = 0; i < 64; i++)
			w[i] = put_frame(fmt, false, i, sizes[i % NSIZES], i, i);
		n = walk_fmt(fmt);
		CHECK(ok, n == 64);
		for (i = 0; n == 64 && i < 64; i++) {
			CHECK(ok, R[i].err == BAM_DMUX_MAP_OK);
			CHECK(ok, same(&R[i], &w[i]));
		}
		result(ok, "aggregate %s: 64 frames, pad 0..63 on any length", fmt_names[fmt]);
	}
}

/* rmnet's uplink adds no padding: pkt_len of any value, pad 0 */
static void test_unpadded(void)
{
	unsigned int fmt, i;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		struct want w[NSIZES];
		int ok = 1, n;

		agg_reset();
		for (i = 0; i < NSIZES; i++)
			w[i] = put_frame(fmt, false, 1 + i % 2, sizes[i], 0, i);
		n = walk_fmt(fmt);
		CHECK(ok, n == (int)NSIZES);
		for (i = 0; n == (int)NSIZES && i < NSIZES; i++)
			CHECK(ok, R[i].err == BAM_DMUX_MAP_OK && same(&R[i], &w[i]));
		result(ok, "unpadded %s: frames at odd offsets, pad 0", fmt_names[fmt]);
	}
}

static void test_max_pkt_len(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		struct want w1, w2;
		int ok = 1, n;

		agg_reset();
		w1 = put_frame(fmt, false, 7, 0xffff, 0, 1);
		w2 = put_frame(fmt, false, 8, 0xffff - 3, 3, 2);
		n = walk_fmt(fmt);
		CHECK(ok, EXPECT(n, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK));
		CHECK(ok, n == 2 && same(&R[0], &w1) && same(&R[1], &w2));
		result(ok, "pkt_len 0xffff %s: two largest frames back to back", fmt_names[fmt]);
	}
}

static void test_short(void)
{
	unsigned int fmt, extra;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1;

		for (extra = 1; extra <= 3; extra++) {
			agg_reset();
			put_hdr(0, 1, 0x0100);
			A.n = extra;	/* the first bytes of a header alone */
			CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_SHORT));
			agg_reset();
			put_frame(fmt, false, 1, 100, 0, 1);
			put_payload(9, extra);
			CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_SHORT));
			CHECK(ok, R[1].f.off == A.n - extra && R[1].f.next == A.n);
		}
		result(ok, "short %s: 1-3 bytes alone or after a frame stop the walk", fmt_names[fmt]);
	}
	{
		struct bam_dmux_map_frame f;
		unsigned char *b = malloc(8);
		int ok = 1;

		if (!b)
			exit(2);
		memset(b, 0, 8);
		CHECK(ok, bam_dmux_map_next(b, 8, 8, BAM_DMUX_MAP_V1, &f) == BAM_DMUX_MAP_SHORT);
		CHECK(ok, f.next == 8);
		CHECK(ok, bam_dmux_map_next(b, 8, 9, BAM_DMUX_MAP_V1, &f) == BAM_DMUX_MAP_SHORT);
		CHECK(ok, bam_dmux_map_next(NULL, 0, 0, BAM_DMUX_MAP_V5, &f) == BAM_DMUX_MAP_SHORT);
		CHECK(ok, bam_dmux_map_next(b, 8, 5, BAM_DMUX_MAP_V1, &f) == BAM_DMUX_MAP_SHORT);
		free(b);
		result(ok, "short: off at or past the end, empty aggregate, never dereferenced");
	}
}

static void test_zero_len(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1;

		agg_reset();
		put_zero(4);
		CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_ZERO_LEN));
		agg_reset();
		put_hdr(0xc3, 255, 0);	/* flags and mux do not matter */
		put_frame(fmt, false, 1, 100, 0, 1);
		CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_ZERO_LEN));
		CHECK(ok, R[0].f.next == A.n);
		/* frames, then zero fill: the fill ends the walk once */
		agg_reset();
		put_frame(fmt, false, 1, 100, 0, 1);
		put_frame(fmt, true, 1, 12, 0, 2);
		put_zero(1000);
		CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_ZERO_LEN));
		result(ok, "zero_len %s: first, with any flags, as zero fill after frames", fmt_names[fmt]);
	}
}

/* pkt_len one byte beyond the aggregate, and exactly at its end */
static void test_trunc(void)
{
	unsigned int fmt, cmd;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1;

		for (cmd = 0; cmd <= 1; cmd++) {
			struct want w;
			size_t full;

			agg_reset();
			put_frame(fmt, false, 1, 40, 0, 1);
			w = put_frame(fmt, cmd, 2, 100, 0, 2);
			full = A.n;
			/* every cut inside the second frame's header(s) and packet */
			for (A.n = w.off + 4; A.n < w.data_off + w.pkt_len; A.n++) {
				int n = walk_fmt(fmt);

				if (!EXPECT(n, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_TRUNC)) {
					printf("# cut at %zu\n", A.n);
					ok = 0;
					break;
				}
			}
			A.n = full;
			CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK));
		}
		/* pkt_len 0xffff in a small aggregate */
		agg_reset();
		put_hdr(fmt == BAM_DMUX_MAP_V5 ? 0x40 : 0, 1, 0xffff);
		put_payload(1, 60);
		CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_TRUNC));
		result(ok, "truncated %s: every cut through checksum header and packet, 0xffff",
		       fmt_names[fmt]);
	}
}

static void test_v4_trailer(void)
{
	int ok = 1;
	unsigned int cmd, cut;

	for (cmd = 0; cmd <= 1; cmd++) {
		struct want w;

		agg_reset();
		w = put_frame(BAM_DMUX_MAP_V4_DL, cmd, 3, 20, 0, 1);
		CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V4_DL), BAM_DMUX_MAP_OK));
		CHECK(ok, same(&R[0], &w));
		CHECK(ok, R[0].f.csum_off == 4 + 20 && R[0].f.csum_len == 8);
		for (cut = 1; cut <= 8; cut++) {
			A.n = w.next - cut;
			CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V4_DL), BAM_DMUX_MAP_SHORT_TRAILER));
		}
		/* the same bytes without the trailer are a good MAPv1 frame */
		A.n = w.next - 8;
		CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V1), BAM_DMUX_MAP_OK));
		CHECK(ok, R[0].f.next == A.n && R[0].f.csum_len == 0);
	}
	result(ok, "short_trailer v4-dl: trailer after every frame, commands too; 1-8 bytes missing");
}

static void test_v5_csum_hdr(void)
{
	static const unsigned int bad_types[] = { 0, 1, 3, 4, 0x7f };
	unsigned int i;
	struct want w;
	int ok;

	/* a data frame without the next-header flag */
	ok = 1;
	agg_reset();
	put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 1);
	put_hdr(0x00, 1, 40);
	put_payload(2, 40);
	put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 3);
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_NO_CSUM_HDR));
	CHECK(ok, R[1].f.next == A.n && R[1].f.off == R[0].f.next);
	/* alone, the frame is a good MAPv1 one */
	agg_reset();
	put_hdr(0x00, 1, 40);
	put_payload(2, 40);
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_NO_CSUM_HDR));
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V1), BAM_DMUX_MAP_OK));
	result(ok, "no_csum_hdr v5: data frame without next-header flag stops the walk");

	ok = 1;
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		agg_reset();
		put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 1);
		w = put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 2);
		A.b[w.csum_off] = bad_types[i] << 1;
		put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 3);
		CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_BAD_CSUM_HDR));
	}
	result(ok, "bad_csum_hdr v5: header types 0, 1, 3, 4, 127 stop the walk");

	/* type 2 with its own next-header bit, valid or not: accepted, as rmnet does */
	ok = 1;
	agg_reset();
	w = put_frame(BAM_DMUX_MAP_V5, false, 1, 40, 0, 1);
	A.b[w.csum_off] = 2 << 1 | 1;
	A.b[w.csum_off + 1] = 0xff;
	A.b[w.csum_off + 2] = 0xff;
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK));
	CHECK(ok, same(&R[0], &w));
	result(ok, "v5: checksum header's next-header, valid and reserved bits do not matter");

	/* commands carry no checksum header, with or without the flag */
	ok = 1;
	agg_reset();
	w = put_frame(BAM_DMUX_MAP_V5, true, 1, 16, 0, 1);
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK));
	CHECK(ok, same(&R[0], &w) && R[0].f.data_off == 4 && R[0].f.csum_len == 0);
	A.b[0] |= 0x40;
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK));
	CHECK(ok, R[0].f.data_off == 4 && R[0].f.next == w.next && R[0].f.cmd);
	result(ok, "v5: a command has no checksum header, flag bit 6 or not");

	/* a v5 data frame starts 0x40-0x43 (and IPv4 starts 0x45): the bytes cannot tell */
	ok = 1;
	for (i = 0; i < 4; i++) {
		agg_reset();
		w = put_frame(BAM_DMUX_MAP_V5, false, 0x45, 40 - i, i, 1);
		CHECK(ok, A.b[0] >> 4 == 4);
		CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V5), BAM_DMUX_MAP_OK) && same(&R[0], &w));
	}
	result(ok, "v5: first byte 0x40-0x43 is a MAP header when configured so");
}

static void test_v4_ul(void)
{
	struct want w1, w2;
	int ok = 1;

	agg_reset();
	w1 = put_frame(BAM_DMUX_MAP_V4_UL, false, 1, 100, 0, 1);
	w2 = put_frame(BAM_DMUX_MAP_V4_UL, true, 1, 16, 0, 2);
	CHECK(ok, EXPECT(walk_fmt(BAM_DMUX_MAP_V4_UL), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK));
	CHECK(ok, same(&R[0], &w1) && same(&R[1], &w2));
	CHECK(ok, R[0].f.csum_off == 4 && R[0].f.csum_len == 4 && R[0].f.data_off == 8);
	CHECK(ok, R[1].f.csum_len == 0 && R[1].f.data_off == w2.off + 4);
	result(ok, "v4-ul: checksum header before data, none before a command");
}

/* bit 6 is reserved outside v5: ignored, no checksum header */
static void test_reserved_bit(void)
{
	unsigned int fmt;
	int ok = 1;

	for (fmt = BAM_DMUX_MAP_V1; fmt <= BAM_DMUX_MAP_V4_UL; fmt++) {
		struct want w;

		agg_reset();
		w = put_frame(fmt, false, 1, 40, 2, 1);
		A.b[w.off] |= 0x40;
		CHECK(ok, EXPECT(walk_fmt(fmt), BAM_DMUX_MAP_OK));
		CHECK(ok, R[0].f.flags == (0x40 | 2) && R[0].f.pad == 2);
		CHECK(ok, R[0].f.next == w.next && R[0].f.data_off == w.data_off);
	}
	result(ok, "flag bit 6 in v1, v4-dl, v4-ul: ignored, pad still bits 5:0");
}

static void test_bad_pad(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		struct want w[4];
		int ok = 1, n;

		agg_reset();
		w[0] = put_frame(fmt, false, 1, 0, 4, 1);	/* pad == pkt_len */
		w[1] = put_frame(fmt, false, 1, 1, 3, 2);	/* pad == pkt_len - 1 */
		w[2] = put_frame(fmt, false, 1, 1, 0, 3);
		A.b[w[2].off] |= 63;				/* pad 63 > pkt_len 1 */
		w[3] = put_frame(fmt, false, 2, 40, 0, 4);
		n = walk_fmt(fmt);
		CHECK(ok, EXPECT(n, BAM_DMUX_MAP_BAD_PAD, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_BAD_PAD,
				 BAM_DMUX_MAP_OK));
		CHECK(ok, n == 4 && R[0].f.next == w[0].next && R[0].f.data_len == 0);
		CHECK(ok, n == 4 && same(&R[1], &w[1]) && R[1].f.data_len == 1);
		CHECK(ok, n == 4 && R[2].f.next == w[2].next && R[2].f.pad == 63);
		CHECK(ok, n == 4 && same(&R[3], &w[3]));
		result(ok, "bad_pad %s: pad == pkt_len and pad > pkt_len skipped, walk goes on",
		       fmt_names[fmt]);
	}
}

static void test_bad_cmd(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		struct want w[5];
		int ok = 1, n;

		agg_reset();
		w[0] = put_frame(fmt, true, 1, 7, 0, 1);
		w[1] = put_frame(fmt, true, 1, 8, 0, 2);
		w[2] = put_frame(fmt, true, 1, 7, 5, 3);	/* pkt_len 12, 7 after pad */
		w[3] = put_frame(fmt, true, 1, 1, 0, 4);
		w[4] = put_frame(fmt, false, 1, 7, 1, 5);	/* data may be that short */
		n = walk_fmt(fmt);
		CHECK(ok, EXPECT(n, BAM_DMUX_MAP_BAD_CMD, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_BAD_CMD,
				 BAM_DMUX_MAP_BAD_CMD, BAM_DMUX_MAP_OK));
		CHECK(ok, n == 5 && same(&R[0], &w[0]) && same(&R[2], &w[2]) && same(&R[3], &w[3]));
		CHECK(ok, n == 5 && same(&R[1], &w[1]) && same(&R[4], &w[4]));
		result(ok, "bad_cmd %s: commands below 8 bytes skipped, 8 accepted", fmt_names[fmt]);
	}
}

static void test_bad_mux(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		struct want w[5];
		int ok = 1, n;

		agg_reset();
		w[0] = put_frame(fmt, false, 255, 40, 0, 1);
		w[1] = put_frame(fmt, false, 254, 40, 0, 2);
		w[2] = put_frame(fmt, false, 0, 40, 0, 3);
		w[3] = put_frame(fmt, true, 255, 12, 0, 4);
		w[4] = put_frame(fmt, false, 255, 0, 4, 5);	/* and bad pad: mux first */
		n = walk_fmt(fmt);
		CHECK(ok, EXPECT(n, BAM_DMUX_MAP_BAD_MUX, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK,
				 BAM_DMUX_MAP_BAD_MUX, BAM_DMUX_MAP_BAD_MUX));
		CHECK(ok, n == 5 && same(&R[0], &w[0]) && same(&R[1], &w[1]) && same(&R[2], &w[2]));
		CHECK(ok, n == 5 && R[3].f.next == w[3].next && R[4].f.next == w[4].next);
		result(ok, "bad_mux %s: 255 skipped (data and command), 0 and 254 accepted",
		       fmt_names[fmt]);
	}
}

/* A stop in the middle loses the rest; a skip loses the one frame. Exact accounting. */
static void test_stop_and_skip(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1, n, i, delivered = 0, skipped = 0, stopped = 0;
		size_t covered = 0;
		struct want w;

		agg_reset();
		put_frame(fmt, false, 1, 100, 0, 1);
		put_frame(fmt, false, 255, 100, 0, 2);		/* skip: bad_mux */
		put_frame(fmt, false, 2, 100, 0, 3);
		put_frame(fmt, true, 2, 4, 0, 4);		/* skip: bad_cmd */
		put_frame(fmt, false, 2, 0, 8, 5);		/* skip: bad_pad */
		put_frame(fmt, false, 3, 1500, 0, 6);
		w = put_frame(fmt, false, 3, 200, 0, 7);
		A.b[w.off + 2] = 0x7f;				/* stop: pkt_len beyond the end */
		put_frame(fmt, false, 4, 100, 0, 8);		/* lost with the rest */
		put_frame(fmt, false, 4, 100, 0, 9);
		n = walk_fmt(fmt);
		CHECK(ok, EXPECT(n, BAM_DMUX_MAP_OK, BAM_DMUX_MAP_BAD_MUX, BAM_DMUX_MAP_OK,
				 BAM_DMUX_MAP_BAD_CMD, BAM_DMUX_MAP_BAD_PAD, BAM_DMUX_MAP_OK,
				 BAM_DMUX_MAP_TRUNC));
		for (i = 0; i < n; i++) {
			covered += R[i].f.next - R[i].f.off;
			if (R[i].err == BAM_DMUX_MAP_OK)
				delivered++;
			else if (bam_dmux_map_err_stops(R[i].err))
				stopped++;
			else
				skipped++;
		}
		CHECK(ok, delivered == 3 && skipped == 3 && stopped == 1);
		CHECK(ok, covered == A.n);
		CHECK(ok, n == 7 && R[6].f.off == w.off && R[6].f.next == A.n);
		result(ok, "accounting %s: 3 delivered, 3 skipped, 1 stop losing 3 frames; frames tile "
		       "the aggregate", fmt_names[fmt]);
	}
}

/* an unknown format frames as v1 */
static void test_unknown_fmt(void)
{
	static const unsigned int fmts[] = { BAM_DMUX_MAP_NUM_FMT, 99, 0xffffffffu };
	unsigned int i;
	int ok = 1;

	for (i = 0; i < 3; i++) {
		struct want w1, w2;

		agg_reset();
		w1 = put_frame(BAM_DMUX_MAP_V1, false, 1, 33, 3, 1);
		w2 = put_frame(BAM_DMUX_MAP_V1, true, 1, 12, 0, 2);
		CHECK(ok, EXPECT(walk_fmt(fmts[i]), BAM_DMUX_MAP_OK, BAM_DMUX_MAP_OK));
		CHECK(ok, same(&R[0], &w1) && same(&R[1], &w2));
	}
	result(ok, "format out of range frames as v1");
}

static void test_names(void)
{
	static const char *const names[] = {
		"ok", "short", "zero_len", "truncated", "no_csum_hdr", "bad_csum_hdr",
		"short_trailer", "bad_pad", "bad_cmd", "bad_mux",
	};
	static const bool stops[] = { 0, 1, 1, 1, 1, 1, 1, 0, 0, 0 };
	int ok = 1, i;

	CHECK(ok, BAM_DMUX_MAP_NUM_ERR == 10);
	for (i = 0; i < BAM_DMUX_MAP_NUM_ERR; i++) {
		CHECK(ok, !strcmp(bam_dmux_map_err_name((enum bam_dmux_map_err)i), names[i]));
		CHECK(ok, bam_dmux_map_err_stops((enum bam_dmux_map_err)i) == stops[i]);
	}
	CHECK(ok, !strcmp(bam_dmux_map_err_name(BAM_DMUX_MAP_NUM_ERR), "unknown"));
	CHECK(ok, !bam_dmux_map_err_stops(BAM_DMUX_MAP_NUM_ERR));
	result(ok, "err names and stop/skip: ABI order ok short zero_len truncated no_csum_hdr "
	       "bad_csum_hdr short_trailer bad_pad bad_cmd bad_mux");
}

/* the builder: exact bytes, sizes, refusals; its frames walk back */
static void test_build(void)
{
	static const unsigned int lens[] = { 1, 2, 3, 4, 5, 1500, 16000, 65532 };
	unsigned int fmt, cmd, i;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		int ok = 1;

		for (cmd = 0; cmd <= 1; cmd++) {
			for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
				unsigned int len = cmd ? lens[i] + 8 : lens[i];
				unsigned int pad = -len & 3, h = hdr_len(fmt, cmd);
				unsigned int t = fmt == BAM_DMUX_MAP_V4_DL ? 8 : 0;
				u32 size = bam_dmux_map_frame_size(fmt, cmd, len), got, j;
				unsigned char *b;
				int zero = 1;

				if (len + pad > 0xffff)
					continue;
				CHECK(ok, size == 4 + h + len + pad + t);
				CHECK(ok, bam_dmux_map_data_off(fmt, cmd) == 4 + h);
				CHECK(ok, bam_dmux_map_pad_len(len) == pad);
				b = malloc(size);
				if (!b)
					exit(2);
				memset(b, 0xee, size);
				/* one byte short of room: refused, nothing written */
				CHECK(ok, bam_dmux_map_build(b, size - 1, fmt, cmd, 9, len) == 0);
				for (j = 0; j < size; j++)
					zero &= b[j] == 0xee;
				CHECK(ok, zero);
				memset(b + 4 + h, 0x11, len);
				got = bam_dmux_map_build(b, size, fmt, cmd, 9, len);
				CHECK(ok, got == size);
				CHECK(ok, b[0] == (pad | (cmd ? 0x80 : 0) |
						   (fmt == BAM_DMUX_MAP_V5 && !cmd ? 0x40 : 0)));
				CHECK(ok, b[1] == 9 && b[2] == (len + pad) >> 8 &&
					      b[3] == ((len + pad) & 0xff));
				if (h)
					CHECK(ok, b[4] == (fmt == BAM_DMUX_MAP_V5 ? 4 : 0) &&
						      !b[5] && !b[6] && !b[7]);
				CHECK(ok, b[4 + h] == 0x11 && b[4 + h + len - 1] == 0x11);
				zero = 1;
				for (j = 4 + h + len; j < size; j++)
					zero &= b[j] == 0;
				CHECK(ok, zero);
				{
					struct bam_dmux_map_frame f;

					CHECK(ok, bam_dmux_map_next(b, size, 0, fmt, &f) ==
						      BAM_DMUX_MAP_OK);
					CHECK(ok, f.next == size && f.data_len == len &&
						      f.data_off == 4 + h && f.mux_id == 9 &&
						      f.cmd == cmd && f.pad == pad);
				}
				free(b);
			}
		}
		result(ok, "build %s: bytes, sizes, no write without room, walks back",
		       fmt_names[fmt]);
	}
	{
		unsigned char b[16];
		int ok = 1;

		CHECK(ok, bam_dmux_map_build(b, sizeof(b), BAM_DMUX_MAP_V1, false, 1, 0) == 0);
		CHECK(ok, bam_dmux_map_build(NULL, 0, BAM_DMUX_MAP_V1, false, 1, 0x10000) == 0);
		CHECK(ok, bam_dmux_map_build(NULL, 0xffffffffu, BAM_DMUX_MAP_V1, false, 1, 65533) ==
			      0);
		CHECK(ok, bam_dmux_map_build(NULL, 0xffffffffu, BAM_DMUX_MAP_V1, false, 1,
					     0xfffffffeu) == 0);
		CHECK(ok, bam_dmux_map_frame_size(BAM_DMUX_MAP_V1, false, 65532) == 65536);
		result(ok, "build: refuses empty payload and pkt_len above 0xffff after padding");
	}
}

/* a builder-made aggregate of K frames up to 16 KiB, as the simulator would make it */
static void test_build_aggregate(void)
{
	unsigned int fmt;

	for (fmt = 0; fmt < BAM_DMUX_MAP_NUM_FMT; fmt++) {
		const u32 room = 16384 - 8;
		unsigned char *b = malloc(room);
		u32 used = 0, off;
		unsigned int k = 0, i;
		int ok = 1;

		if (!b)
			exit(2);
		for (;;) {
			unsigned int len = sizes[k % NSIZES];
			u32 n = bam_dmux_map_build(b + used, room - used, fmt, false, k % 3 + 1, len);

			if (!n)
				break;
			memset(b + used + bam_dmux_map_data_off(fmt, false), k, len);
			used += n;
			k++;
		}
		CHECK(ok, k > 16);
		for (off = 0, i = 0; off < used; i++) {
			struct bam_dmux_map_frame f;
			enum bam_dmux_map_err e = bam_dmux_map_next(b, used, off, fmt, &f);

			CHECK(ok, e == BAM_DMUX_MAP_OK);
			if (e)
				break;
			CHECK(ok, f.data_len == sizes[i % NSIZES] && f.mux_id == i % 3 + 1);
			CHECK(ok, b[f.data_off] == (unsigned char)i &&
				      b[f.data_off + f.data_len - 1] == (unsigned char)i);
			off = f.next;
		}
		CHECK(ok, i == k && off == used);
		free(b);
		result(ok, "build %s: %u frames fill a 16 KiB buffer and walk back", fmt_names[fmt], k);
	}
}

/* bam_dmux_map_valid(): whole, well-formed frames of one format, nothing else */
static void test_valid(void)
{
	unsigned char b[256];
	u32 one, two;
	int ok = 1;

	memset(b, 0, sizeof(b));
	one = bam_dmux_map_build(b, sizeof(b), BAM_DMUX_MAP_V1, false, 1, 20);
	two = one + bam_dmux_map_build(b + one, sizeof(b) - one, BAM_DMUX_MAP_V1, true, 1, 8);
	CHECK(ok, bam_dmux_map_valid(b, one, BAM_DMUX_MAP_V1));
	CHECK(ok, bam_dmux_map_valid(b, two, BAM_DMUX_MAP_V1));
	CHECK(ok, !bam_dmux_map_valid(b, 0, BAM_DMUX_MAP_V1));
	CHECK(ok, !bam_dmux_map_valid(b, one - 1, BAM_DMUX_MAP_V1));
	CHECK(ok, !bam_dmux_map_valid(b, two + 4, BAM_DMUX_MAP_V1));	/* zero fill */
	CHECK(ok, !bam_dmux_map_valid(b, one, BAM_DMUX_MAP_V5));	/* no csum hdr */
	CHECK(ok, !bam_dmux_map_valid(b, one, BAM_DMUX_MAP_V4_DL));	/* no trailer */
	b[1] = 255;
	CHECK(ok, !bam_dmux_map_valid(b, one, BAM_DMUX_MAP_V1));	/* bad mux */
	b[1] = 1;
	one = bam_dmux_map_build(b, sizeof(b), BAM_DMUX_MAP_V4_UL, false, 2, 40);
	CHECK(ok, bam_dmux_map_valid(b, one, BAM_DMUX_MAP_V4_UL));
	result(ok, "valid: whole frames of the format only (what the modem may be sent)");
}

int main(void)
{
	printf("TAP version 13\n");
	test_aggregates();
	test_unpadded();
	test_max_pkt_len();
	test_short();
	test_zero_len();
	test_trunc();
	test_v4_trailer();
	test_v5_csum_hdr();
	test_v4_ul();
	test_reserved_bit();
	test_bad_pad();
	test_bad_cmd();
	test_bad_mux();
	test_stop_and_skip();
	test_unknown_fmt();
	test_names();
	test_build();
	test_build_aggregate();
	test_valid();
	return tap_end();
}
