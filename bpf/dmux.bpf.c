// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dmux.bpf.c - XDP policy program for BAM-DMUX channels (Raw-IP or QMAP).
 *
 * ip link set dev wwan0 xdp obj dmux.bpf.o sec xdp
 * dmux-stat attach wwan0 [--mode native|generic] [--policy allow|deny]
 *
 * Everything is configured through maps pinned by name (see dmux_maps.h,
 * docs/bpf.md). Counters are per-CPU; the CLI sums them.
 */
#include "parse.h"

#define PINNED __uint(pinning, LIBBPF_PIN_BY_NAME)

/* An array indexed by ifindex: the verifier inlines its lookup (a hash
 * lookup is a helper call and costs about 20 ns per packet). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DMUX_IFCFG_MAX);
	__type(key, __u32);
	__type(value, struct dmux_ifcfg);
	PINNED;
} dmux_ifcfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dmux_config);
	PINNED;
} dmux_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DMUX_STAT_SLOTS);
	__type(key, __u32);
	__type(value, struct dmux_chan_stats);
	PINNED;
} dmux_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DMUX_NUM_CHANNELS * DMUX_NUM_MUX);
	__type(key, __u32);
	__type(value, struct dmux_mux_stats);
	PINNED;
} dmux_mux_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DMUX_MAX_RULES);
	__type(key, __u32);
	__type(value, struct dmux_rule);
	PINNED;
} dmux_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DMUX_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
	PINNED;
} dmux_rule_hits SEC(".maps");

#define DMUX_LPM(name, keytype)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);			\
		__uint(max_entries, DMUX_LPM_MAX);			\
		__uint(map_flags, BPF_F_NO_PREALLOC);			\
		__type(key, keytype);					\
		__type(value, struct dmux_rule_list);			\
		PINNED;							\
	} name SEC(".maps")

DMUX_LPM(dmux_lpm_src4, struct dmux_lpm4_key);
DMUX_LPM(dmux_lpm_dst4, struct dmux_lpm4_key);
DMUX_LPM(dmux_lpm_src6, struct dmux_lpm6_key);
DMUX_LPM(dmux_lpm_dst6, struct dmux_lpm6_key);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dmux_rule_list);
	PINNED;
} dmux_wild SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, DMUX_XSKMAP_MAX);
	__type(key, __u32);
	__type(value, __u32);
	PINNED;
} dmux_xskmap SEC(".maps");

/*
 * CPU steering: the pinned one-slot array dmux_cpumaps holds the cpumap
 * (key = CPU). The kernel refuses a cpumap with more entries than its
 * NR_CPUS (E2BIG), so the object declares only a one-entry template, which
 * loads on any kernel, also with ip link. dmux-stat creates the real cpumap,
 * one entry per possible CPU, and puts it in slot 0: every program that shares
 * the pins, ip-loaded ones too, then steers to any CPU. Empty slot: cpu
 * verdicts count as redirect_err and drop.
 */
struct dmux_cpumap_tmpl {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, DMUX_CPUMAP_TMPL);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	PINNED;
	__array(values, struct dmux_cpumap_tmpl);
} dmux_cpumaps SEC(".maps");

#define DMUX_TARGET_RXQ 0xffffffffU	/* xsk target: the packet's rx queue */

static __always_inline int pfx_match(const __u32 *addr, const __u8 *pfx, __u32 len)
{
	int i;

	for (i = 0; i < 4; i++) {
		__u32 w, bits, mask;

		if (!len)
			return 1;
		__builtin_memcpy(&w, pfx + 4 * i, 4);
		bits = len > 32 ? 32 : len;
		mask = bpf_htonl(bits == 32 ? 0xffffffffU : ~(0xffffffffU >> bits));
		if ((addr[i] ^ w) & mask)
			return 0;
		len -= bits;
	}
	return 1;
}

/*
 * @skip: the DMUX_RF_SRC/DST bit the LPM lookup already established.
 * This and dmux_eval_list() are global functions: the verifier checks each
 * once. Inlined, every unrolled iteration of every list multiplied the
 * states of the others (152k instructions on 6.18 instead of 20k).
 */
__attribute__((noinline)) int dmux_rule_match(const struct dmux_rule *r,
					      const struct dmux_pkt *p, __u32 skip)
{
	__u32 f;

	if (!r || !p)
		return 0;
	f = r->flags & ~skip;
	if (!(f & DMUX_RF_VALID))
		return 0;
	if (r->family && r->family != p->family)
		return 0;
	if ((f & DMUX_RF_PROTO) && r->proto != p->proto)
		return 0;
	if ((f & DMUX_RF_MUX) && (!p->has_mux || r->mux_id != p->mux_id))
		return 0;
	if ((f & DMUX_RF_SPORT) &&
	    (!p->has_ports || p->sport < r->sport_lo || p->sport > r->sport_hi))
		return 0;
	if ((f & DMUX_RF_DPORT) &&
	    (!p->has_ports || p->dport < r->dport_lo || p->dport > r->dport_hi))
		return 0;
	if ((f & DMUX_RF_SRC) && !pfx_match(p->src, r->src, r->src_len))
		return 0;
	if ((f & DMUX_RF_DST) && !pfx_match(p->dst, r->dst, r->dst_len))
		return 0;
	return 1;
}

/* Lists are ascending: the first match in a list is its best. */
__attribute__((noinline)) __u32 dmux_eval_list(const struct dmux_rule_list *l,
					       const struct dmux_pkt *p,
					       __u32 skip, __u32 best)
{
	__u32 i, n;

	if (!l || !p)
		return best;
	n = l->n;

	for (i = 0; i < DMUX_LIST_MAX; i++) {
		const struct dmux_rule *r;
		__u32 id;

		if (i >= n)
			break;
		id = l->ids[i];
		if (id >= best)
			break;
		r = bpf_map_lookup_elem(&dmux_rules, &id);
		if (r && dmux_rule_match(r, p, skip))
			return id;
	}
	return best;
}

/*
 * The lowest matching rule id, or DMUX_MAX_RULES. A global function: the
 * verifier checks its loops once rather than on every parse outcome; it is
 * called only when there are rules.
 */
__attribute__((noinline)) __u32 dmux_match_rules(const struct dmux_config *c,
						 const struct dmux_pkt *p)
{
	__u32 best = DMUX_MAX_RULES, zero = 0;
	struct dmux_rule_list *l;

	if (!c || !p)
		return best;

	if (p->family == 4 && (c->n_src4 | c->n_dst4)) {
		struct dmux_lpm4_key k = { .prefixlen = 32 };

		if (c->n_src4) {
			__builtin_memcpy(k.addr, &p->src[0], 4);
			l = bpf_map_lookup_elem(&dmux_lpm_src4, &k);
			if (l)
				best = dmux_eval_list(l, p, DMUX_RF_SRC, best);
		}
		if (c->n_dst4) {
			__builtin_memcpy(k.addr, &p->dst[0], 4);
			l = bpf_map_lookup_elem(&dmux_lpm_dst4, &k);
			if (l)
				best = dmux_eval_list(l, p, DMUX_RF_DST, best);
		}
	} else if (p->family == 6 && (c->n_src6 | c->n_dst6)) {
		struct dmux_lpm6_key k = { .prefixlen = 128 };

		if (c->n_src6) {
			__builtin_memcpy(k.addr, p->src, 16);
			l = bpf_map_lookup_elem(&dmux_lpm_src6, &k);
			if (l)
				best = dmux_eval_list(l, p, DMUX_RF_SRC, best);
		}
		if (c->n_dst6) {
			__builtin_memcpy(k.addr, p->dst, 16);
			l = bpf_map_lookup_elem(&dmux_lpm_dst6, &k);
			if (l)
				best = dmux_eval_list(l, p, DMUX_RF_DST, best);
		}
	}
	if (c->n_wild) {
		l = bpf_map_lookup_elem(&dmux_wild, &zero);
		if (l)
			best = dmux_eval_list(l, p, 0, best);
	}
	return best;
}

/* Turn a verdict into an XDP action; *idx = the verdict counter to bump. */
static __always_inline int apply(struct xdp_md *ctx, __u32 v, __u32 target,
				 __u32 *idx)
{
	long act;

	switch (v) {
	case DMUX_V_PASS:
		*idx = DMUX_V_PASS;
		return XDP_PASS;
	case DMUX_V_REDIRECT:
		/* bpf_redirect(ifindex) rather than a pinned devmap: libbpf 1.1
		 * cannot reuse a pinned devmap (the kernel adds
		 * BPF_F_RDONLY_PROG); since 5.10 both take the same bulk path. */
		*idx = DMUX_V_REDIRECT;
		act = target ? bpf_redirect(target, 0) : XDP_DROP;
		break;
	case DMUX_V_XSK:
		*idx = DMUX_V_XSK;
		if (target == DMUX_TARGET_RXQ)
			target = ctx->rx_queue_index;
		act = bpf_redirect_map(&dmux_xskmap, target, XDP_DROP);
		break;
	case DMUX_V_CPU:
	{
		__u32 zero = 0;
		void *cm = bpf_map_lookup_elem(&dmux_cpumaps, &zero);

		*idx = DMUX_V_CPU;
		act = cm ? bpf_redirect_map(cm, target, XDP_DROP) : XDP_DROP;
		break;
	}
	default:
		*idx = DMUX_V_DROP;
		return XDP_DROP;
	}
	if (act != XDP_REDIRECT) {
		*idx = DMUX_V_REDIRECT_ERR;
		return XDP_DROP;
	}
	return XDP_REDIRECT;
}

static __always_inline void ctr_add(struct dmux_ctr *c, __u64 len)
{
	c->packets++;
	c->bytes += len;
}

/*
 * One frame of a channel in the mode @qmap, a compile-time constant: the
 * program below inlines this twice, so a Raw-IP channel runs a copy without
 * any QMAP code and pays only the one branch that picks the copy.
 */
static __always_inline int dmux_run(struct xdp_md *ctx, struct dmux_config *c,
				    struct dmux_chan_stats *st, __u32 slot,
				    __u32 flags, __u32 verdict, const int qmap)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 target = 0, idx, len = end - data;
	struct dmux_pkt p = {};
	__u32 mal;
	int act;

	if (qmap)
		mal = dmux_parse_qmap(ctx, flags, &p);
	else
		mal = dmux_parse_raw(ctx, &p);
	barrier_var(mal);
	if (mal < DMUX_MAL_MAX) {	/* DMUX_PARSE_OK and _CMD are above */
		ctr_add(&st->malformed[mal], len);
		verdict = c->malformed_verdict[mal];
	} else if (qmap && mal == (__u32)DMUX_PARSE_CMD) {
		/* command frames (flow control) pass untouched, rules or not */
		ctr_add(&st->qmap_cmd, len);
		verdict = DMUX_V_PASS;
	} else if (c->n_src4 | c->n_dst4 | c->n_src6 | c->n_dst6 | c->n_wild) {
		__u32 id = dmux_match_rules(c, &p);

		if (id < DMUX_MAX_RULES) {
			struct dmux_rule *r = bpf_map_lookup_elem(&dmux_rules, &id);
			__u64 *hits = bpf_map_lookup_elem(&dmux_rule_hits, &id);

			if (r) {
				verdict = r->verdict;
				target = r->target;
			}
			if (hits)
				(*hits)++;
			ctr_add(&st->rule_match, len);
		}
	}

	act = apply(ctx, verdict, target, &idx);
	barrier_var(idx);	/* keep the bound check for the verifier */
	if (idx < DMUX_V_MAX)
		ctr_add(&st->verdict[idx], len);
	if (p.ipver < DMUX_IP_MAX)
		ctr_add(&st->ipver[p.ipver], len);
	if (p.l4 < DMUX_L4_MAX)
		ctr_add(&st->l4[p.l4], len);
	ctr_add(&st->total, len);

	if (qmap && p.has_mux) {
		__u32 key = slot * DMUX_NUM_MUX + (p.mux_id & (DMUX_NUM_MUX - 1));
		struct dmux_mux_stats *ms = bpf_map_lookup_elem(&dmux_mux_stats, &key);

		if (ms) {
			if (idx < DMUX_V_MAX)
				ctr_add(&ms->verdict[idx], len);
			if (mal == (__u32)DMUX_PARSE_CMD)
				ctr_add(&ms->cmd, len);
			else if (mal < DMUX_MAL_MAX)
				ctr_add(&ms->malformed, len);
		}
	}
	return act;
}

SEC("xdp")
int dmux_xdp(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex, zero = 0, slot, flags, verdict;
	struct dmux_chan_stats *st;
	struct dmux_config *c;
	struct dmux_ifcfg *ic;

	c = bpf_map_lookup_elem(&dmux_config, &zero);
	if (!c)
		return XDP_PASS;
	ic = bpf_map_lookup_elem(&dmux_ifcfg, &ifindex);
	if (ic && (ic->flags & DMUX_IF_VALID)) {
		slot = ic->channel & (DMUX_NUM_CHANNELS - 1);
		flags = ic->flags;
		verdict = ic->default_verdict;
	} else {
		slot = DMUX_CHAN_UNCONF;
		flags = 0;
		verdict = c->unconf_verdict;
	}
	st = bpf_map_lookup_elem(&dmux_stats, &slot);
	if (!st)
		return XDP_PASS;
	/* QMAP mode is configured (dmux_ifcfg), never guessed from the bytes */
	if (flags & DMUX_IF_QMAP)
		return dmux_run(ctx, c, st, slot, flags, verdict, 1);
	return dmux_run(ctx, c, st, slot, flags, verdict, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
