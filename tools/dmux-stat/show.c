// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Snapshot output: table, JSON (-j/-p) and Prometheus text exposition. */
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "dmux-stat.h"
#include "json.h"

void human(char *buf, size_t len, double v, int bytes)
{
	static const char *const si[] = { "", "k", "M", "G", "T", "P" };
	static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double base = bytes ? 1024 : 1000;
	int u = 0;

	while (v >= base && u < 5) {
		v /= base;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, bytes ? "%.0f %s" : "%.0f%s", v, bytes ? iec[0] : si[0]);
	else
		snprintf(buf, len, bytes ? "%.1f %s" : "%.2f%s", v, bytes ? iec[u] : si[u]);
}

static const char *qmap_name(const struct iface *i)
{
	return qmap_mode_name(i->have_cfg ? i->cfg.flags : 0);
}

/* A mux id's counters summed over verdicts: its total, and what XDP dropped. */
static struct dmux_ctr mux_total(const struct dmux_mux_stats *s)
{
	struct dmux_ctr t = { 0 };

	for (int v = 0; v < DMUX_V_MAX; v++) {
		t.packets += s->verdict[v].packets;
		t.bytes += s->verdict[v].bytes;
	}
	return t;
}

static struct dmux_ctr mux_dropped(const struct dmux_mux_stats *s)
{
	return (struct dmux_ctr){
		s->verdict[DMUX_V_DROP].packets + s->verdict[DMUX_V_REDIRECT_ERR].packets,
		s->verdict[DMUX_V_DROP].bytes + s->verdict[DMUX_V_REDIRECT_ERR].bytes,
	};
}

static const char *policy_name(const struct iface *i)
{
	if (!i->have_cfg)
		return "-";
	return i->cfg.default_verdict == DMUX_V_DROP ? "deny" : "allow";
}

static void chan_str(char *b, size_t n, const struct iface *i)
{
	if (i->have_cfg)
		snprintf(b, n, "%u", i->cfg.channel);
	else
		snprintf(b, n, "-");
}

/* PACKETS BYTES PASS DROP REDIRECT MALFORMED of a channel or a mux id. */
static void table_counts(FILE *o, const struct dmux_ctr *total, const struct dmux_ctr *verdict,
			 __u64 mal)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	__u64 redir = 0;

	for (int x = DMUX_V_REDIRECT; x <= DMUX_V_CPU; x++)
		redir += verdict[x].packets;
	human(a, sizeof(a), total->packets, 0);
	human(b, sizeof(b), total->bytes, 1);
	human(c, sizeof(c), verdict[DMUX_V_PASS].packets, 0);
	human(d, sizeof(d), verdict[DMUX_V_DROP].packets + verdict[DMUX_V_REDIRECT_ERR].packets, 0);
	human(e, sizeof(e), redir, 0);
	human(f, sizeof(f), mal, 0);
	fprintf(o, " %9s %10s %9s %9s %9s %9s", a, b, c, d, e, f);
}

void show_table(FILE *o, struct iface *v, int n)
{
	char a[32], ch[8], qm[8];

	if (!n) {
		fprintf(o, "no wwan / BAM-DMUX interfaces (use -i IFACE for another one)\n");
		return;
	}
	fprintf(o, "%-10s %-4s %-8s %-8s %-12s %-5s %-6s %9s %10s %9s %9s %9s %9s\n",
		"IFACE", "CHAN", "LINK", "XDP", "PROGRAM", "QMAP", "POLICY",
		"PACKETS", "BYTES", "PASS", "DROP", "REDIRECT", "MALFORMED");
	for (int k = 0; k < n; k++) {
		struct iface *i = &v[k];
		char prog[40];
		__u64 mal = 0;

		chan_str(ch, sizeof(ch), i);
		snprintf(prog, sizeof(prog), "%s", i->prog_id ? i->prog_name : "-");
		snprintf(qm, sizeof(qm), "%s%s", qmap_name(i), qmap_stale(i) ? "!" : "");
		fprintf(o, "%-10s %-4s %-8s %-8s %-12.12s %-5s %-6s", i->name, ch, i->link,
			xdp_mode_name(i->xdp_mode), prog, qm, policy_name(i));
		if (!i->have_stats) {
			fprintf(o, " %9s %10s %9s %9s %9s %9s\n", "-", "-", "-", "-", "-", "-");
		} else {
			for (int x = 0; x < DMUX_MAL_MAX; x++)
				mal += i->st.malformed[x].packets;
			table_counts(o, &i->st.total, i->st.verdict, mal);
			fputc('\n', o);
		}
		/* a row per mux id seen, in the channel's columns */
		for (int m = 0; m < i->n_mux; m++) {
			const struct dmux_mux_stats *s = &i->mux[m].s;
			struct dmux_ctr t = mux_total(s);
			char label[16];

			snprintf(label, sizeof(label), "  mux %u", i->mux[m].mux);
			fprintf(o, "%-10s %-4s %-8s %-8s %-12s %-5s %-6s", label, "", "", "", "", "", "");
			table_counts(o, &t, s->verdict, s->malformed.packets);
			if (s->cmd.packets) {
				human(a, sizeof(a), s->cmd.packets, 0);
				fprintf(o, "  commands %s", a);
			}
			fputc('\n', o);
		}
		if (qmap_stale(i))
			fprintf(o, "  ! QMAP: the program has %s, the driver %s: frames are dropped as "
				"malformed until 'dmux-stat refresh %s'%s\n", qmap_name(i),
				qmap_mode_name(i->drv_qmap), i->name,
				(i->cfg.flags & DMUX_IF_QMAP_AUTO) ? "" : " (the mode was set by hand: "
				"--qmap auto follows the driver)");
		for (int s = 0; s < i->et.n; s++) {
			human(a, sizeof(a), i->et.vals[s], 0);
			fprintf(o, "%s  %s %s", s % 4 ? "" : (s ? "\n  ethtool" : "  ethtool"),
				i->et.names[s], a);
		}
		if (i->et.n)
			fputc('\n', o);
	}
}

static void jctr(struct jw *w, const char *k, const struct dmux_ctr *c)
{
	jw_obj(w, k);
	jw_u64(w, "packets", c->packets);
	jw_u64(w, "bytes", c->bytes);
	jw_end_obj(w);
}

static void jctrs(struct jw *w, const char *k, const struct dmux_ctr *c, int n,
		  const char *(*name)(unsigned int))
{
	jw_obj(w, k);
	for (int x = 0; x < n; x++)
		jctr(w, name(x), &c[x]);
	jw_end_obj(w);
}

void show_json(FILE *o, struct iface *v, int n, const struct dmux_fds *f)
{
	struct jw w;

	jw_init(&w, o, g_opts.pretty);
	jw_obj(&w, NULL);
	jw_arr(&w, "interfaces");
	for (int k = 0; k < n; k++) {
		struct iface *i = &v[k];

		jw_obj(&w, NULL);
		jw_str(&w, "ifname", i->name);
		jw_int(&w, "ifindex", i->ifindex);
		jw_str(&w, "link", i->link);
		jw_str(&w, "driver", i->driver);
		if (i->have_cfg)
			jw_int(&w, "channel", i->cfg.channel);
		jw_str(&w, "qmap", qmap_name(i));
		if (i->have_cfg)
			jw_str(&w, "qmap_source", (i->cfg.flags & DMUX_IF_QMAP_AUTO) ?
			       "driver" : "manual");
		if (i->have_drv_qmap)
			jw_str(&w, "qmap_driver", qmap_mode_name(i->drv_qmap));
		jw_bool(&w, "qmap_stale", qmap_stale(i));
		jw_str(&w, "policy", policy_name(i));
		jw_obj(&w, "xdp");
		jw_str(&w, "mode", xdp_mode_name(i->xdp_mode));
		jw_u64(&w, "prog_id", i->prog_id);
		jw_str(&w, "prog_name", i->prog_name);
		jw_bool(&w, "dmux", i->is_dmux);
		jw_bool(&w, "owned", i->have_cfg && i->prog_id && i->cfg.owner_prog_id == i->prog_id);
		jw_end_obj(&w);
		if (i->have_stats) {
			jw_obj(&w, "counters");
			jctr(&w, "total", &i->st.total);
			jctrs(&w, "verdict", i->st.verdict, DMUX_V_MAX, dmux_verdict_name);
			jctrs(&w, "ipver", i->st.ipver, DMUX_IP_MAX, dmux_ipver_name);
			jctrs(&w, "l4", i->st.l4, DMUX_L4_MAX, dmux_l4_name);
			jctrs(&w, "malformed", i->st.malformed, DMUX_MAL_MAX, dmux_malformed_name);
			jctr(&w, "qmap_cmd", &i->st.qmap_cmd);
			jctr(&w, "rule_match", &i->st.rule_match);
			jw_end_obj(&w);
		}
		if (i->n_mux) {
			jw_arr(&w, "mux");
			for (int m = 0; m < i->n_mux; m++) {
				const struct dmux_mux_stats *s = &i->mux[m].s;
				struct dmux_ctr t = mux_total(s), d = mux_dropped(s);

				jw_obj(&w, NULL);
				jw_int(&w, "mux_id", i->mux[m].mux);
				jctr(&w, "total", &t);
				jctr(&w, "dropped", &d);
				jctrs(&w, "verdict", s->verdict, DMUX_V_MAX, dmux_verdict_name);
				jctr(&w, "malformed", &s->malformed);
				jctr(&w, "cmd", &s->cmd);
				jw_end_obj(&w);
			}
			jw_end_arr(&w);
		}
		jw_obj(&w, "ethtool");
		for (int s = 0; s < i->et.n; s++)
			jw_u64(&w, i->et.names[s], i->et.vals[s]);
		jw_end_obj(&w);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_bool(&w, "maps", f != NULL);
	jw_end_obj(&w);
	jw_done(&w);
}

int cmd_show(void)
{
	struct dmux_fds f;
	struct iface *v;
	int n, rc, have;

	rc = ifaces_open(&v, &n, &f, &have);
	if (rc)
		return rc;
	for (int k = 0; k < n; k++)
		iface_read_counters(&v[k], have ? &f : NULL);
	if (g_opts.prometheus)
		show_prometheus(g_opts.out, v, n, have ? &f : NULL);
	else if (g_opts.json)
		show_json(g_opts.out, v, n, have ? &f : NULL);
	else
		show_table(g_opts.out, v, n);
	ifaces_free(v, n);
	if (have)
		dmux_fds_close(&f);
	return EX_OK;
}

/* Prometheus text format 0.0.4: one labelled sample per interface/channel/... */
static void prom_head(FILE *o, const char *name, const char *type, const char *help)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value, escaped as the exposition format requires: \\ \" \n. */
static void prom_value(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(o, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", o);
		else
			fputc(*s, o);
	}
	fputc('"', o);
}

static void prom_label(FILE *o, const char *name, const char *value)
{
	fprintf(o, ",%s=", name);
	prom_value(o, value);
}

static void prom_labels(FILE *o, const struct iface *i)
{
	char ch[8];

	chan_str(ch, sizeof(ch), i);
	fputs("interface=", o);
	prom_value(o, i->name);
	prom_label(o, "channel", ch);
}

#define PROM_FAMILY(name, type, help, loop_body) do {			\
	prom_head(o, name, type, help);					\
	for (int k = 0; k < n; k++) {					\
		const struct iface *i = &v[k];				\
		loop_body;						\
	}								\
} while (0)

static void prom_ctr_set(FILE *o, struct iface *v, int n, const char *metric, const char *label,
			 size_t off, int cnt, const char *(*name)(unsigned int), int bytes,
			 const char *help)
{
	PROM_FAMILY(metric, "counter", help, {
		const struct dmux_ctr *c = (const void *)((const char *)&i->st + off);

		if (!i->have_stats)
			continue;
		for (int x = 0; x < cnt; x++) {
			fprintf(o, "%s{", metric);
			prom_labels(o, i);
			fprintf(o, ",%s=\"%s\"} %llu\n", label, name(x),
				(unsigned long long)(bytes ? c[x].bytes : c[x].packets));
		}
	});
}

void show_prometheus(FILE *o, struct iface *v, int n, const struct dmux_fds *f)
{
	size_t voff = offsetof(struct dmux_chan_stats, verdict);

	PROM_FAMILY("dmux_xdp_attached", "gauge", "1 when an XDP program is attached.", {
		fprintf(o, "dmux_xdp_attached{");
		prom_labels(o, i);
		prom_label(o, "mode", xdp_mode_name(i->xdp_mode));
		prom_label(o, "prog", i->prog_name);
		fprintf(o, "} %d\n", i->prog_id != 0);
	});
	prom_ctr_set(o, v, n, "dmux_packets_total", "verdict", voff, DMUX_V_MAX,
		     dmux_verdict_name, 0, "Packets by XDP verdict.");
	prom_ctr_set(o, v, n, "dmux_bytes_total", "verdict", voff, DMUX_V_MAX,
		     dmux_verdict_name, 1, "Bytes by XDP verdict.");
	prom_ctr_set(o, v, n, "dmux_ipver_packets_total", "ipver",
		     offsetof(struct dmux_chan_stats, ipver), DMUX_IP_MAX, dmux_ipver_name, 0,
		     "Packets by IP version.");
	prom_ctr_set(o, v, n, "dmux_l4_packets_total", "l4",
		     offsetof(struct dmux_chan_stats, l4), DMUX_L4_MAX, dmux_l4_name, 0,
		     "Packets by L4 protocol class.");
	prom_ctr_set(o, v, n, "dmux_malformed_packets_total", "class",
		     offsetof(struct dmux_chan_stats, malformed), DMUX_MAL_MAX,
		     dmux_malformed_name, 0, "Malformed packets by class.");
	PROM_FAMILY("dmux_qmap_command_packets_total", "counter", "QMAP command frames.", {
		if (!i->have_stats)
			continue;
		fprintf(o, "dmux_qmap_command_packets_total{");
		prom_labels(o, i);
		fprintf(o, "} %llu\n", (unsigned long long)i->st.qmap_cmd.packets);
	});
	PROM_FAMILY("dmux_mux_packets_total", "counter", "Packets by QMAP mux id and verdict.", {
		for (int m = 0; m < i->n_mux; m++)
			for (int x = 0; x < DMUX_V_MAX; x++) {
				fprintf(o, "dmux_mux_packets_total{");
				prom_labels(o, i);
				fprintf(o, ",mux_id=\"%u\",verdict=\"%s\"} %llu\n", i->mux[m].mux,
					dmux_verdict_name(x),
					(unsigned long long)i->mux[m].s.verdict[x].packets);
			}
	});
	PROM_FAMILY("dmux_mux_bytes_total", "counter", "Bytes by QMAP mux id and verdict.", {
		for (int m = 0; m < i->n_mux; m++)
			for (int x = 0; x < DMUX_V_MAX; x++) {
				fprintf(o, "dmux_mux_bytes_total{");
				prom_labels(o, i);
				fprintf(o, ",mux_id=\"%u\",verdict=\"%s\"} %llu\n", i->mux[m].mux,
					dmux_verdict_name(x),
					(unsigned long long)i->mux[m].s.verdict[x].bytes);
			}
	});
	PROM_FAMILY("dmux_mux_malformed_packets_total", "counter",
		    "Malformed frames by QMAP mux id.", {
		for (int m = 0; m < i->n_mux; m++) {
			fprintf(o, "dmux_mux_malformed_packets_total{");
			prom_labels(o, i);
			fprintf(o, ",mux_id=\"%u\"} %llu\n", i->mux[m].mux,
				(unsigned long long)i->mux[m].s.malformed.packets);
		}
	});
	PROM_FAMILY("dmux_qmap_stale", "gauge",
		    "1 when the program's QMAP mode differs from the driver's (dmux-stat refresh).", {
		if (!i->have_cfg || !i->have_drv_qmap)
			continue;
		fprintf(o, "dmux_qmap_stale{");
		prom_labels(o, i);
		prom_label(o, "qmap", qmap_name(i));
		prom_label(o, "driver", qmap_mode_name(i->drv_qmap));
		fprintf(o, "} %d\n", qmap_stale(i));
	});
	PROM_FAMILY("dmux_driver_stat", "untyped", "Driver counters (ethtool -S).", {
		for (int s = 0; s < i->et.n; s++) {
			fprintf(o, "dmux_driver_stat{");
			prom_labels(o, i);
			prom_label(o, "stat", i->et.names[s]);
			fprintf(o, "} %llu\n", (unsigned long long)i->et.vals[s]);
		}
	});
	if (f) {
		__u32 *ids;
		struct dmux_rule *r;
		int nr = dmux_rules_read(f, &ids, &r);

		prom_head(o, "dmux_rule_hits_total", "counter", "Packets that matched a rule.");
		for (int x = 0; x < nr; x++) {
			__u64 h = 0;

			dmux_percpu_sum(f->hits, ids[x], &h, sizeof(h));
			fprintf(o, "dmux_rule_hits_total{rule=\"%u\",verdict=\"%s\"} %llu\n", ids[x],
				dmux_verdict_name(r[x].verdict), (unsigned long long)h);
		}
		if (nr > 0) {
			free(ids);
			free(r);
		}
	}
}
