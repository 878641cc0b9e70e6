// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * -w/--watch: per-second rates (pps, bit/s, per verdict), redrawn in place.
 * Rates are deltas over the measured interval (CLOCK_MONOTONIC), not over
 * the nominal period; Ctrl-C (SIGINT) or SIGTERM ends cleanly.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dmux-stat.h"
#include "json.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double rate(__u64 cur, __u64 prev, double dt)
{
	return cur >= prev && dt > 0 ? (cur - prev) / dt : 0;	/* reset: 0 */
}

struct rates {
	double pps, bps, v[DMUX_V_MAX], mal;
	__u64 packets, bytes;
};

static void compute(struct rates *r, const struct dmux_chan_stats *c,
		    const struct dmux_chan_stats *p, double dt)
{
	__u64 mc = 0, mp = 0;

	r->pps = rate(c->total.packets, p->total.packets, dt);
	r->bps = 8 * rate(c->total.bytes, p->total.bytes, dt);
	for (int v = 0; v < DMUX_V_MAX; v++)
		r->v[v] = rate(c->verdict[v].packets, p->verdict[v].packets, dt);
	for (int m = 0; m < DMUX_MAL_MAX; m++) {
		mc += c->malformed[m].packets;
		mp += p->malformed[m].packets;
	}
	r->mal = rate(mc, mp, dt);
	r->packets = c->total.packets;
	r->bytes = c->total.bytes;
}

static void add(struct rates *t, const struct rates *r)
{
	t->pps += r->pps;
	t->bps += r->bps;
	for (int v = 0; v < DMUX_V_MAX; v++)
		t->v[v] += r->v[v];
	t->mal += r->mal;
	t->packets += r->packets;
	t->bytes += r->bytes;
}

static int tty;		/* stdout is a terminal: redraw in place */

/* End of a line: on a terminal also clear the rest of it (ESC [K). */
static const char *eol(void)
{
	return tty ? "\033[K\n" : "\n";
}

static void row(FILE *o, const char *name, const struct rates *r)
{
	char a[16], b[16], c[16], d[16], e[16], f[16], g[16], h[16];

	human(a, sizeof(a), r->pps, 0);
	human(b, sizeof(b), r->bps, 0);
	human(c, sizeof(c), r->v[DMUX_V_PASS], 0);
	human(d, sizeof(d), r->v[DMUX_V_DROP], 0);
	human(e, sizeof(e), r->v[DMUX_V_REDIRECT] + r->v[DMUX_V_XSK] + r->v[DMUX_V_CPU], 0);
	human(f, sizeof(f), r->v[DMUX_V_REDIRECT_ERR] + r->mal, 0);
	human(g, sizeof(g), r->packets, 0);
	human(h, sizeof(h), r->bytes, 1);
	fprintf(o, "%-10s %9s %9s %9s %9s %9s %9s %10s %11s%s",
		name, a, strcat(b, "b"), c, d, e, f, g, h, eol());
}

static void draw(FILE *o, struct iface *v, int n, struct rates *r, double dt)
{
	struct rates t = { 0 };

	if (tty)
		fprintf(o, "\033[H");
	fprintf(o, "dmux-stat: every %.1fs, measured %.3fs; Ctrl-C quits%s%s",
		g_opts.watch, dt, eol(), eol());
	fprintf(o, "%-10s %9s %9s %9s %9s %9s %9s %10s %11s%s", "IFACE", "PPS",
		"BIT/S", "PASS/S", "DROP/S", "REDIR/S", "ERR/S", "PACKETS", "BYTES", eol());
	for (int k = 0; k < n; k++) {
		if (!v[k].have_stats) {
			fprintf(o, "%-10s %9s%s", v[k].name, "(no dmux counters)", eol());
			continue;
		}
		row(o, v[k].name, &r[k]);
		add(&t, &r[k]);
	}
	row(o, "total", &t);
	if (tty)
		fprintf(o, "\033[J");
	else
		fputc('\n', o);	/* frames one after the other, a blank line between */
	fflush(o);
}

static void emit_json(FILE *o, struct iface *v, int n, struct rates *r, double dt)
{
	struct jw w;

	jw_init(&w, o, 0);
	jw_obj(&w, NULL);
	jw_double(&w, "interval_s", dt);
	jw_arr(&w, "interfaces");
	for (int k = 0; k < n; k++) {
		if (!v[k].have_stats)
			continue;
		jw_obj(&w, NULL);
		jw_str(&w, "ifname", v[k].name);
		jw_double(&w, "pps", r[k].pps);
		jw_double(&w, "bps", r[k].bps);
		jw_obj(&w, "verdict_pps");
		for (int x = 0; x < DMUX_V_MAX; x++)
			jw_double(&w, dmux_verdict_name(x), r[k].v[x]);
		jw_end_obj(&w);
		jw_double(&w, "malformed_pps", r[k].mal);
		jw_u64(&w, "packets", r[k].packets);
		jw_u64(&w, "bytes", r[k].bytes);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_end_obj(&w);
	jw_done(&w);
	fflush(o);
}

int cmd_watch(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct dmux_chan_stats *prev;
	struct dmux_fds f;
	struct iface *v;
	struct rates *r;
	int n, rc, have;
	double t_prev, period = g_opts.watch;
	struct timespec next;

	tty = isatty(fileno(g_opts.out)) && !g_opts.json;
	rc = ifaces_open(&v, &n, &f, &have);
	if (rc)
		return rc;
	prev = calloc(n ? n : 1, sizeof(*prev));
	r = calloc(n ? n : 1, sizeof(*r));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int k = 0; k < n; k++) {
		iface_read_counters(&v[k], have ? &f : NULL);
		prev[k] = v[k].st;
	}
	t_prev = now_s();
	clock_gettime(CLOCK_MONOTONIC, &next);
	if (tty)
		fprintf(g_opts.out, "\033[?25l\033[H\033[2J");
	while (!stop) {
		double t, dt;

		next.tv_sec += (time_t)period;
		next.tv_nsec += (long)((period - (time_t)period) * 1e9);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		if (stop)
			break;
		for (int k = 0; k < n; k++)
			iface_read_counters(&v[k], have ? &f : NULL);
		t = now_s();
		dt = t - t_prev;
		t_prev = t;
		for (int k = 0; k < n; k++) {
			compute(&r[k], &v[k].st, &prev[k], dt);
			prev[k] = v[k].st;
		}
		if (g_opts.json)
			emit_json(g_opts.out, v, n, r, dt);
		else
			draw(g_opts.out, v, n, r, dt);
	}
	if (tty)
		fprintf(g_opts.out, "\033[?25h\n");
	fflush(g_opts.out);
	free(prev);
	free(r);
	ifaces_free(v, n);
	if (have)
		dmux_fds_close(&f);
	return EX_OK;
}
