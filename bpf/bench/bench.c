// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ns per packet of the XDP programs with BPF_PROG_TEST_RUN (repeat): the
 * minimal counter (xdp_count) against dmux.bpf with 0, 1k and 100k rules,
 * IPv4 and IPv6 UDP. Each figure is the median of TRIALS runs of REPEAT (7, 1M).
 * The rule sets make the lookup do real work: the packet's source hits an
 * LPM entry whose rule does not match (wrong protocol), and two wildcard
 * rules are evaluated, so the default verdict (pass) ends the walk.
 * xdp_pass (returns at once) is the test harness's own cost, for reference.
 * Usage: bench OBJDIR OUT.json. Needs root. BPF_BENCH_REPEAT and
 * BPF_BENCH_TRIALS change them (the arm64 guest under icount:
 * every run is the same instructions, fewer repeats do). Besides the table,
 * one line per program for scripts: "BPF program rules ipv4_ns ipv6_ns".
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

#define MAX_TRIALS 15
static int trials = 7;
static int repeat = 1000000;


static double run_ns(int fd, const void *pkt, size_t len)
{
	double t[MAX_TRIALS];

	for (int k = 0; k < trials; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .repeat = repeat);

		if (bpf_prog_test_run_opts(fd, &o)) {
			fprintf(stderr, "test_run: %s\n", strerror(errno));
			exit(1);
		}
		t[k] = o.duration;	/* average ns per run */
	}
	for (int i = 1; i < trials; i++)	/* median */
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			double x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[trials / 2];
}

/*
 * In the arm64 bench guest: a NOP at which selftests/bench/insn_plugin.c, if
 * QEMU has it, records each vCPU's instruction count (make bench checks that
 * the other vCPU stayed idle while the programs ran).
 */
static inline void insn_mark(void)
{
#ifdef __aarch64__
	__asm__ volatile("hint #0x73" ::: "memory");
#endif
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
	__u8 p4[128], p6[128];
	size_t n4, n6;
	struct bpf_object *cnt, *pass;
	struct dmux *skel;
	struct dmux_fds f;
	struct dmux_ifcfg ic = { .default_verdict = DMUX_V_PASS };
	char path[512];
	double c4, c6, d4[3], d6[3], e4, e6;
	__u32 k = 1;
	FILE *j;
	int cfd, pfd;
	const char *env;

	env = getenv("BPF_BENCH_REPEAT");
	if (env && atoi(env) > 0)
		repeat = atoi(env);
	env = getenv("BPF_BENCH_TRIALS");
	if (env && atoi(env) > 0)
		trials = atoi(env) < MAX_TRIALS ? atoi(env) : MAX_TRIALS;
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
	snprintf(path, sizeof(path), "%s/xdp_pass.bpf.o", dir);
	pass = bpf_object__open_file(path, NULL);
	skel = dmux__open_opts(&o);
	if (!cnt || bpf_object__load(cnt) || !pass || bpf_object__load(pass) || !skel ||
	    dmux_obj_fit(skel->obj, pins_dir, NULL, 0) || dmux__load(skel)) {
		fprintf(stderr, "bench: load failed: %s\n", strerror(errno));
		return 1;
	}
	cfd = bpf_program__fd(bpf_object__next_program(cnt, NULL));
	pfd = bpf_program__fd(bpf_object__next_program(pass, NULL));
	dmux_fds_from_obj(&f, skel->obj);
	dmux_ifcfg_set(&f, k, &ic);	/* test_run's ingress device: lo */

	insn_mark();
	e4 = run_ns(pfd, p4, n4);
	e6 = run_ns(pfd, p6, n6);
	c4 = run_ns(cfd, p4, n4);
	c6 = run_ns(cfd, p6, n6);
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

	insn_mark();
	printf("%-22s %10s %10s %8s %8s\n", "program", "ipv4 ns", "ipv6 ns", "v4 x", "v6 x");
	printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", "xdp_pass (harness)", e4, e6, e4 / c4,
	       e6 / c6);
	printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", "xdp_count (minimal)", c4, c6, 1.0, 1.0);
	for (int s = 0; s < 3; s++) {
		char name[32];

		snprintf(name, sizeof(name), "dmux %d rules", sizes[s]);
		printf("%-22s %10.1f %10.1f %8.2f %8.2f\n", name, d4[s], d6[s], d4[s] / c4,
		       d6[s] / c6);
	}
	printf("BPF xdp_pass 0 %.1f %.1f\nBPF xdp_count 0 %.1f %.1f\n", e4, e6, c4, c6);
	for (int s = 0; s < 3; s++)
		printf("BPF dmux %d %.1f %.1f\n", sizes[s], d4[s], d6[s]);
	printf("goal: dmux with 1k rules within 1.5x of the counter: ipv4 %s, ipv6 %s\n",
	       d4[1] <= 1.5 * c4 ? "met" : "missed", d6[1] <= 1.5 * c6 ? "met" : "missed");

	j = fopen(out, "w");
	if (j) {
		fprintf(j, "{\"method\":\"BPF_PROG_TEST_RUN\",\"repeat\":%d,\"trials\":%d,"
			"\"statistic\":\"median\",\"unit\":\"ns/packet\",\n \"results\":[\n",
			repeat, trials);
		fprintf(j, "  {\"program\":\"xdp_pass\",\"rules\":0,\"ipv4\":%.1f,\"ipv6\":%.1f},\n",
			e4, e6);
		fprintf(j, "  {\"program\":\"xdp_count\",\"rules\":0,\"ipv4\":%.1f,\"ipv6\":%.1f},\n",
			c4, c6);
		for (int s = 0; s < 3; s++)
			fprintf(j, "  {\"program\":\"dmux\",\"rules\":%d,\"ipv4\":%.1f,\"ipv6\":%.1f,"
				"\"ratio_ipv4\":%.2f,\"ratio_ipv6\":%.2f}%s\n", sizes[s], d4[s], d6[s],
				d4[s] / c4, d6[s] / c6, s < 2 ? "," : "");
		fprintf(j, " ],\n \"goal_1k_within_1_5x\":{\"ipv4\":%s,\"ipv6\":%s}}\n",
			d4[1] <= 1.5 * c4 ? "true" : "false", d6[1] <= 1.5 * c6 ? "true" : "false");
		fclose(j);
		printf("wrote %s\n", out);
	}
	dmux__destroy(skel);
	bpf_object__close(cnt);
	bpf_object__close(pass);
	return 0;
}
