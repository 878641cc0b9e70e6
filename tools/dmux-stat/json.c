// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "json.h"

void jw_init(struct jw *w, FILE *o, int pretty)
{
	w->o = o;
	w->pretty = pretty;
	w->depth = 0;
	w->first[0] = 1;
}

static void indent(struct jw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->o);
	for (int i = 0; i < w->depth; i++)
		fputs("    ", w->o);
}

static void put_string(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void key(struct jw *w, const char *k)
{
	if (!w->first[w->depth])
		fputc(',', w->o);
	w->first[w->depth] = 0;
	if (w->depth)
		indent(w);
	if (k) {
		put_string(w->o, k);
		fputs(w->pretty ? ": " : ":", w->o);
	}
}

static void open_(struct jw *w, const char *k, char c)
{
	key(w, k);
	fputc(c, w->o);
	if (w->depth < 31)
		w->depth++;
	w->first[w->depth] = 1;
}

static void close_(struct jw *w, char c)
{
	int empty = w->first[w->depth];

	if (w->depth)
		w->depth--;
	if (!empty)
		indent(w);
	fputc(c, w->o);
}

void jw_obj(struct jw *w, const char *k) { open_(w, k, '{'); }
void jw_end_obj(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w, const char *k) { open_(w, k, '['); }
void jw_end_arr(struct jw *w) { close_(w, ']'); }

void jw_str(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	put_string(w->o, v);
}

void jw_u64(struct jw *w, const char *k, __u64 v)
{
	key(w, k);
	fprintf(w->o, "%llu", (unsigned long long)v);
}

void jw_int(struct jw *w, const char *k, long long v)
{
	key(w, k);
	fprintf(w->o, "%lld", v);
}

void jw_bool(struct jw *w, const char *k, int v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->o);
}

void jw_double(struct jw *w, const char *k, double v)
{
	key(w, k);
	fprintf(w->o, "%.3f", v);
}

void jw_done(struct jw *w)
{
	fputc('\n', w->o);
}
