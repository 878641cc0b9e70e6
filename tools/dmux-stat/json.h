/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A small streaming JSON writer (compact like `bpftool -j`, or -p pretty). */
#ifndef DMUX_JSON_H
#define DMUX_JSON_H

#include <stdio.h>
#include <linux/types.h>

struct jw {
	FILE *o;
	int pretty, depth;
	int first[32];
};

void jw_init(struct jw *w, FILE *o, int pretty);
void jw_obj(struct jw *w, const char *key);	/* key NULL: array element / top */
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v);
void jw_u64(struct jw *w, const char *key, __u64 v);
void jw_int(struct jw *w, const char *key, long long v);
void jw_bool(struct jw *w, const char *key, int v);
void jw_double(struct jw *w, const char *key, double v);
void jw_done(struct jw *w);			/* final newline */

#endif
