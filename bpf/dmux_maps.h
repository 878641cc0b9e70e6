/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layouts shared by the XDP programs in bpf/ and by tools/dmux-stat.
 * This is the only definition of these structures: both sides include it.
 * Compiled as BPF (with vmlinux-free UAPI types) and as host C11.
 */
#ifndef DMUX_MAPS_H
#define DMUX_MAPS_H

#include <linux/types.h>

/* Pinned map names (LIBBPF_PIN_BY_NAME): under /sys/fs/bpf/tc/globals/ */
#define DMUX_PIN_DIR		"/sys/fs/bpf/tc/globals"
#define DMUX_MAP_IFCFG		"dmux_ifcfg"
#define DMUX_MAP_CONFIG		"dmux_config"
#define DMUX_MAP_STATS		"dmux_stats"
#define DMUX_MAP_MUX_STATS	"dmux_mux_stats"
#define DMUX_MAP_RULES		"dmux_rules"
#define DMUX_MAP_RULE_HITS	"dmux_rule_hits"
#define DMUX_MAP_LPM_SRC4	"dmux_lpm_src4"
#define DMUX_MAP_LPM_DST4	"dmux_lpm_dst4"
#define DMUX_MAP_LPM_SRC6	"dmux_lpm_src6"
#define DMUX_MAP_LPM_DST6	"dmux_lpm_dst6"
#define DMUX_MAP_WILD		"dmux_wild"
#define DMUX_MAP_XSKMAP		"dmux_xskmap"
#define DMUX_MAP_CPUMAPS	"dmux_cpumaps"	/* array of maps[1]: the cpumap */
#define DMUX_MAP_CPUMAP_OLD	"dmux_cpumap"	/* the cpumap pin of earlier versions */
#define DMUX_PROG_NAME		"dmux_xdp"

#define DMUX_NUM_CHANNELS	8	/* BAM-DMUX channels wwan0..7 */
#define DMUX_CHAN_UNCONF	8	/* stats slot of an ifindex without dmux_ifcfg */
#define DMUX_STAT_SLOTS		9
#define DMUX_NUM_MUX		256	/* QMAP mux_id 0..255 */
#define DMUX_MAX_RULES		131072
#define DMUX_LPM_MAX		131072
#define DMUX_LIST_MAX		16	/* rules per LPM entry / wildcard list */
#define DMUX_XSKMAP_MAX		64
#define DMUX_CPUMAP_TMPL	1	/* declared cpumap size: NR_CPUS >= 1 on every kernel */
#define DMUX_CPUMAP_QSIZE	2048	/* queue of each cpumap entry dmux-stat creates */
#define DMUX_V6_EXT_MAX		8	/* bounded IPv6 extension-header walk */

/* Verdicts: rules, default policy, malformed classes. */
enum dmux_verdict {
	DMUX_V_PASS = 0,
	DMUX_V_DROP,
	DMUX_V_REDIRECT,	/* to interface target (ifindex) */
	DMUX_V_XSK,		/* xskmap[target] (target = rx queue) */
	DMUX_V_CPU,		/* dmux_cpumaps[0] (a cpumap) [target CPU] */
	DMUX_V_REDIRECT_ERR,	/* counter only: redirect target missing, dropped */
	DMUX_V_MAX,
};

enum dmux_ipver {
	DMUX_IP4 = 0,
	DMUX_IP6,
	DMUX_IP_OTHER,		/* malformed, or QMAP command */
	DMUX_IP_MAX,
};

enum dmux_l4 {
	DMUX_L4_TCP = 0,
	DMUX_L4_UDP,
	DMUX_L4_ICMP,
	DMUX_L4_ICMP6,
	DMUX_L4_FRAG,		/* non-first fragment: no L4 header */
	DMUX_L4_OTHER,
	DMUX_L4_NONE,		/* not parsed (malformed, command) */
	DMUX_L4_MAX,
};

/* Malformed classes: each has a counter and a verdict in dmux_config. */
enum dmux_malformed {
	DMUX_MAL_QMAP_TRUNC = 0,	/* shorter than MAP (+ MAPv5 csum) header */
	DMUX_MAL_QMAP_LEN,		/* pkt_len 0, pad > pkt_len, pkt_len > frame */
	DMUX_MAL_QMAP_MUX,		/* mux_id 255 (rmnet drops >= 255) */
	DMUX_MAL_IP_TRUNC,		/* no complete fixed IP header */
	DMUX_MAL_IP_VERSION,		/* first nibble not 4 or 6 */
	DMUX_MAL_IP4_HDR,		/* ihl < 5, options past the end, bad tot_len */
	DMUX_MAL_IP6_LEN,		/* payload_len past the end */
	DMUX_MAL_IP6_EXT,		/* truncated or over-long extension chain */
	DMUX_MAL_L4_TRUNC,		/* first fragment without a full L4 header */
	DMUX_MAL_QMAP_FMT,		/* not a MAP frame of the configured format */
	DMUX_MAL_MAX,
};

struct dmux_ctr {
	__u64 packets;
	__u64 bytes;
};

/* dmux_stats: PERCPU_ARRAY[DMUX_STAT_SLOTS], key = channel. */
struct dmux_chan_stats {
	struct dmux_ctr verdict[DMUX_V_MAX];
	struct dmux_ctr ipver[DMUX_IP_MAX];
	struct dmux_ctr l4[DMUX_L4_MAX];
	struct dmux_ctr malformed[DMUX_MAL_MAX];
	struct dmux_ctr qmap_cmd;
	struct dmux_ctr rule_match;
	struct dmux_ctr total;
};

/* dmux_mux_stats: PERCPU_ARRAY[8 * 256], key = channel * 256 + mux_id: every
 * frame of a QMAP channel with a readable MAP header, by verdict (their sum is
 * the mux's total); cmd and malformed are subsets of it. */
struct dmux_mux_stats {
	struct dmux_ctr verdict[DMUX_V_MAX];
	struct dmux_ctr cmd;
	struct dmux_ctr malformed;
};

/* dmux_ifcfg: ARRAY[DMUX_IFCFG_MAX], key = ifindex; an interface with a
 * larger ifindex, or an entry without DMUX_IF_VALID, is unconfigured. */
#define DMUX_IFCFG_MAX		4096
#define DMUX_IF_VALID		(1U << 31)	/* entry in use */
#define DMUX_IF_QMAP		(1U << 0)	/* frames start with a MAP header */
#define DMUX_IF_QMAP_V5		(1U << 1)	/* MAPv5: 4-byte csum header before a packet */
#define DMUX_IF_QMAP_V4		(1U << 2)	/* MAPv4 downlink: 8-byte trailer after a frame */
#define DMUX_IF_QMAP_AUTO	(1U << 3)	/* user space: the mode follows the driver's
						 * ethtool private flags (dmux-stat) */
#define DMUX_IF_QMAP_MODE	(DMUX_IF_QMAP | DMUX_IF_QMAP_V5 | DMUX_IF_QMAP_V4)

struct dmux_ifcfg {
	__u32 channel;		/* 0..7; stats slot */
	__u32 flags;		/* DMUX_IF_* */
	__u32 default_verdict;	/* DMUX_V_PASS (allow) or DMUX_V_DROP (deny) */
	__u32 owner_prog_id;	/* prog id attached by dmux-stat, 0 if other */
};

/* dmux_config: ARRAY[1]. */
struct dmux_config {
	__u32 malformed_verdict[DMUX_MAL_MAX];	/* DMUX_V_*; 0 = pass */
	__u32 unconf_verdict;			/* default of an ifindex w/o ifcfg */
	__u32 n_src4, n_dst4, n_src6, n_dst6;	/* LPM entries in use (0: skip) */
	__u32 n_wild;				/* rules in dmux_wild */
	__u32 flags;				/* DMUX_CFG_* */
};
#define DMUX_CFG_INIT	(1U << 0)	/* defaults written by dmux-stat */

/* Rule flags: which fields match. A rule without any matches everything. */
#define DMUX_RF_VALID	(1U << 0)
#define DMUX_RF_SRC	(1U << 1)
#define DMUX_RF_DST	(1U << 2)
#define DMUX_RF_PROTO	(1U << 3)
#define DMUX_RF_SPORT	(1U << 4)
#define DMUX_RF_DPORT	(1U << 5)
#define DMUX_RF_MUX	(1U << 6)

/* dmux_rules: ARRAY[DMUX_MAX_RULES], key = rule id = priority (lower first). */
struct dmux_rule {
	__u8 flags;
	__u8 family;		/* 4 or 6 when SRC/DST set, 0 = any */
	__u8 proto;		/* IPPROTO_* when DMUX_RF_PROTO */
	__u8 verdict;		/* DMUX_V_* */
	__u8 src_len;
	__u8 dst_len;
	__u16 mux_id;
	__u16 sport_lo, sport_hi;	/* host order, inclusive */
	__u16 dport_lo, dport_hi;
	__u32 target;		/* ifindex, xskmap or cpumap key */
	__u8 src[16];		/* network order; IPv4 in the first 4 bytes */
	__u8 dst[16];
};

/* LPM tries: key = prefix; value = the ids of every rule whose prefix on that
 * side covers the key, ascending (compiled by the CLI). */
struct dmux_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct dmux_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct dmux_rule_list {
	__u32 n;
	__u32 ids[DMUX_LIST_MAX];
};

/* dmux_rule_hits: PERCPU_ARRAY[DMUX_MAX_RULES] of __u64 packets. */

/* Minimal programs. */
#define XDP_COUNT_MAP		"xdp_count_stats"	/* PERCPU_ARRAY[1] struct dmux_ctr */
#define XDP_REDIRECT_MAP	"xdp_redirect_port"	/* ARRAY[1]: key 0 = ifindex */
#define XDP_ECHO_MAP		"xdp_echo_stats"	/* PERCPU_ARRAY[1] struct dmux_ctr */

#endif /* DMUX_MAPS_H */
