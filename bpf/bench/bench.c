// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ns per packet of the XDP programs with BPF_PROG_TEST_RUN (repeat): the
 * minimal counter (xdp_count) against dmux.bpf with 0, 1k and 100k rules,
 * IPv4 and IPv6 UDP, and on a QMAP channel (one MAPv1 frame, 0 rules and one
 * mux rule). Each figure is the median of TRIALS runs of REPEAT.
 * The rule sets make the lookup do real work: the packet's source hits an
 * LPM entry whose rule does not match (wrong protocol), and two wildcard
 * rules are evaluated, so the default verdict (pass) ends the walk.
 * Usage: bench OBJDIR OUT.json. Needs root.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmux_user.h"
#include "dmux.skel.h"
#include "pkt.h"
#include "pins.h"

#define TRIALS 7
#define REPEAT 1000000


static double run_ns(int fd, const void *pkt, size_t len)
{
	double t[TRIALS];

	for (int k = 0; k < TRIALS; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .repeat = REPEAT);

		if (bpf_prog_test_run_opts(fd, &o)) {
			fprintf(stderr, "test_run: %s\n", strerror(errno));
			exit(1);
		}
		t[k] = o.duration;	/* average ns per run */
	}
	for (int i = 1; i < TRIALS; i++)	/* median */
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			double x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[TRIALS / 2];
}

static __u32 rng = 2463534242U;
static __u32 xs(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* @n rules: random /32 and /128 sources, 1 in 8 a destination prefix,
 * plus the three rules the packets exercise (ids 0..2). */
static int load_rules(const struct dmux_fds *f, int n)
{
	struct dmux_rule *r = calloc(n + 3, sizeof(*r));
	__u32 *ids = calloc(n + 3, sizeof(*ids)), bad;
	char err[64];
	int i, rc;
	char *a0[] = { "src", "10.0.0.0/16", "proto", "tcp", "drop" };
	char *a1[] = { "src", "2001:db8::/48", "proto", "tcp", "drop" };
	char *a2[] = { "proto", "tcp", "dport", "22", "drop" };

	if (!n) {
		free(r);
		free(ids);
		return dmux_rules_compile_mem(f, NULL, NULL, 0, &bad);
	}
	dmux_rule_parse(5, a0, &r[0], err, sizeof(err));
	dmux_rule_parse(5, a1, &r[1], err, sizeof(err));
	dmux_rule_parse(5, a2, &r[2], err, sizeof(err));
	for (i = 3; i < n + 3; i++) {
		int v6 = xs() & 1, dst = (xs() & 7) == 0;
		__u8 *a = dst ? r[i].dst : r[i].src;

		r[i].flags = DMUX_RF_VALID | (dst ? DMUX_RF_DST : DMUX_RF_SRC);
		r[i].family = v6 ? 6 : 4;
		r[i].verdict = DMUX_V_DROP;
		if (v6) {
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb9;	/* 2001:db9::/32, never the packet's */
			for (int b = 4; b < 16; b++)
				a[b] = xs();
			*(dst ? &r[i].dst_len : &r[i].src_len) = 128;
		} else {
			a[0] = 172;
			a[1] = 16 + (xs() & 15);
			a[2] = xs();
			a[3] = xs();
			*(dst ? &r[i].dst_len : &r[i].src_len) = 32;
		}
	}
	for (i = 0; i < n + 3; i++) {
		ids[i] = i;
		if (dmux_rule_put(f, i, &r[i]))
			return -errno;
	}
	rc = dmux_rules_compile_mem(f, ids, r, n + 3, &bad);
	free(r);
	free(ids);
	return rc;
}

static void clear_rules(const struct dmux_fds *f, int n)
{
	for (int i = 0; i < n + 3; i++)
		dmux_rule_clear(f, i);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../build/bpf";
	const char *out = argc > 2 ? argv[2] : "../build/bench/bpf.json";
	static const int sizes[] = { 0, 1000, 100000 };
	LIBBPF_OPTS(bpf_object_open_opts, o);
	__u8 p4[128], p6[128], q4[160], q6[160];
	size_t n4, n6, m4, m6;
	double qd4[2], qd6[2];
	struct bpf_object *cnt;
	struct dmux *skel;
	struct dmux_fds f;
	struct dmux_ifcfg ic = { .default_verdict = DMUX_V_PASS };
	char path[512];
	double c4, c6, d4[3], d6[3];
	__u32 k = 1;
	FILE *j;
	int cfd;

	if (geteuid()) {
		fprintf(stderr, "bench: needs root\n");
		return 4;
	}
	if (pins_create("dmux-bench")) {
		fprintf(stderr, "bench: no BPF filesystem at /sys/fs/bpf\n");
		return 4;
	}
	o.pin_root_path = pins_dir;
	n4 = pkt_ip4(p4, IPPROTO_UDP, "10.0.1.2", "192.0.2.1", 4000, 53);
	n6 = pkt_ip6(p6, IPPROTO_UDP, "2001:db8::1", "2001:db8:1::1", 4000, 53);

	snprintf(path, sizeof(path), "%s/xdp_count.bpf.o", dir);
	cnt = bpf_object__open_file(path, &o);
	skel = dmux__open_opts(&o);
	if (!cnt || bpf_object__load(cnt) || !skel ||
	    dmux_obj_fit(skel->obj, pins_dir, NULL, 0) || dmux__load(skel)) {
		fprintf(stderr, "bench: load failed: %s\n", strerror(errno));
		return 1;
	}
	cfd = bpf_program__fd(bpf_object__next_program(cnt, NULL));
	dmux_fds_from_obj(&f, skel->obj);
	dmux_ifcfg_set(&f, k, &ic);	/* test_run's ingress device: lo */

	c4 = run_ns(cfd, p4, n4);
	c6 = run_ns(cfd, p6, n6);
	/* QMAP: one MAPv1 frame as the driver hands it to XDP; no rule, then
	 * one mux rule that does not match (the wildcard list walked). Before
	 * the large rule sets: clearing 100k LPM entries leaves the machine
	 * busy with their RCU frees for the next measurement. */
	ic.flags = DMUX_IF_QMAP;
	dmux_ifcfg_set(&f, k, &ic);
	m4 = pkt_map(q4, p4, n4, 1, 0, MAP_V1, 0);
	m6 = pkt_map(q6, p6, n6, 1, 0, MAP_V1, 0);
	for (int s = 0; s < 2; s++) {
		if (s) {
			struct dmux_rule r;
			char err[64], *a[] = { "mux", "2", "drop" };
			__u32 id = 0, bad;

			if (dmux_rule_parse(3, a, &r, err, sizeof(err)) || dmux_rule_put(&f, 0, &r) ||
			    dmux_rules_compile_mem(&f, &id, &r, 1, &bad)) {
				fprintf(stderr, "bench: mux rule: failed\n");
				return 1;
			}
		}
		qd4[s] = run_ns(bpf_program__fd(skel->progs.dmux_xdp), q4, m4);
		qd6[s] = run_ns(bpf_program__fd(skel->progs.dmux_xdp), q6, m6);
	}
	clear_rules(&f, 1);
	ic.flags = 0;
	dmux_ifcfg_set(&f, k, &ic);
	for (int s = 0; s < 3; s++) {
		if (load_rules(&f, sizes[s])) {
			fprintf(stderr, "bench: rules: failed\n");
			return 1;
		}
		d4[s] = run_ns(bpf_program__fd(skel->progs.dmux_xdp), p4, n4);
		d6[s] = run_ns(bpf_program__fd(skel->progs.dmux_xdp), p6, n6);
		if (sizes[s])
			clear_rules(&f, sizes[s]);
	}


	printf("%-22s %10s %10s %8s %8s\n", "program", "ipv4 ns", "ipv6 ns", "v4 x", "v6 x");
	printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", "xdp_count (minimal)", c4, c6, 1.0, 1.0);
	for (int s = 0; s < 3; s++) {
		char name[32];

		snprintf(name, sizeof(name), "dmux %d rules", sizes[s]);
		printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", name, d4[s], d6[s], d4[s] / c4,
		       d6[s] / c6);
	}
	for (int s = 0; s < 2; s++)
		printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", s ? "dmux qmap, 1 mux rule" :
		       "dmux qmap, 0 rules", qd4[s], qd6[s], qd4[s] / c4, qd6[s] / c6);
	printf("goal: dmux with 1k rules within 1.5x of the counter: ipv4 %s, ipv6 %s\n",
	       d4[1] <= 1.5 * c4 ? "met" : "missed", d6[1] <= 1.5 * c6 ? "met" : "missed");

	j = fopen(out, "w");
	if (j) {
		fprintf(j, "{\"method\":\"BPF_PROG_TEST_RUN\",\"repeat\":%d,\"trials\":%d,"
			"\"statistic\":\"median\",\"unit\":\"ns/packet\",\n \"results\":[\n",
			REPEAT, TRIALS);
		fprintf(j, "  {\"program\":\"xdp_count\",\"rules\":0,\"ipv4\":%.1f,\"ipv6\":%.1f},\n",
			c4, c6);
		for (int s = 0; s < 3; s++)
			fprintf(j, "  {\"program\":\"dmux\",\"rules\":%d,\"ipv4\":%.1f,\"ipv6\":%.1f,"
				"\"ratio_ipv4\":%.2f,\"ratio_ipv6\":%.2f}%s\n", sizes[s], d4[s], d6[s],
				d4[s] / c4, d6[s] / c6, ",");
		for (int s = 0; s < 2; s++)
			fprintf(j, "  {\"program\":\"dmux\",\"qmap\":\"v1\",\"rules\":%d,"
				"\"ipv4\":%.1f,\"ipv6\":%.1f,\"ratio_ipv4\":%.2f,\"ratio_ipv6\":%.2f}%s\n",
				s, qd4[s], qd6[s], qd4[s] / c4, qd6[s] / c6, s < 1 ? "," : "");
		fprintf(j, " ],\n \"goal_1k_within_1_5x\":{\"ipv4\":%s,\"ipv6\":%s}}\n",
			d4[1] <= 1.5 * c4 ? "true" : "false", d6[1] <= 1.5 * c6 ? "true" : "false");
		fclose(j);
		printf("wrote %s\n", out);
	}
	dmux__destroy(skel);
	bpf_object__close(cnt);
	return 0;
}
