/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space access to the dmux.bpf.c maps, shared by tools/dmux-stat, the
 * BPF unit tests and the benchmark: open the maps (pinned or from a loaded
 * object), sum per-CPU counters, store rules and compile the LPM lists.
 */
#ifndef DMUX_USER_H
#define DMUX_USER_H

#include <stddef.h>
#include <linux/types.h>
#include "../dmux_maps.h"

struct bpf_object;

enum dmux_lpm_side { DMUX_SRC4, DMUX_DST4, DMUX_SRC6, DMUX_DST6, DMUX_SIDES };

struct dmux_fds {
	int ifcfg, config, stats, mux_stats, rules, hits, wild;
	int lpm[DMUX_SIDES];
	int xskmap, cpumaps;
	int owned;		/* opened from pins: close on dmux_fds_close */
};

/*
 * Open every pinned map of @dir. -errno; -ENOENT when a pin is absent;
 * -EUCLEAN when a pinned map has another layout than this build's (pins of
 * another version). A message naming the map goes to @msg (may be NULL).
 */
int dmux_fds_from_pins(struct dmux_fds *f, const char *dir, char *msg, size_t len);
int dmux_fds_from_obj(struct dmux_fds *f, struct bpf_object *obj);
void dmux_fds_close(struct dmux_fds *f);
/* Name of the i-th pinned map (NULL past the last). */
const char *dmux_pin_name(unsigned int i);

/*
 * Before bpf_object__load() of an opened dmux.bpf object: -EUCLEAN and a
 * message when a map pinned in @pin_dir has another layout than the
 * object's (libbpf would only say "Invalid argument"). 0 if they all fit.
 */
int dmux_obj_fit(struct bpf_object *obj, const char *pin_dir, char *msg, size_t len);
/* 0 when the object declares exactly the maps and layouts of this library. */
int dmux_obj_check(struct bpf_object *obj, char *msg, size_t len);

/*
 * The cpumap in dmux_cpumaps[0] (a new fd, close it). With @create, one is
 * made when the slot is empty: one entry per possible CPU (the object only
 * declares a one-entry template, the most every kernel accepts); callers
 * serialise creation (dmux-stat holds its edit lock). -errno.
 */
int dmux_cpumap_fd(const struct dmux_fds *f, int create);

int dmux_ncpus(void);
/* Sum a per-CPU value made of __u64s (size multiple of 8) over all CPUs. */
int dmux_percpu_sum(int fd, __u32 key, void *out, size_t size);
/* The same for @n consecutive keys from @first into out[n] (of @size each):
 * one BPF_MAP_LOOKUP_BATCH where the kernel has it. */
int dmux_percpu_sum_range(int fd, __u32 first, __u32 n, void *out, size_t size);

/* dmux_ifcfg entry of @ifindex: 0, or -ENOENT when unconfigured. */
int dmux_ifcfg_get(const struct dmux_fds *f, __u32 ifindex, struct dmux_ifcfg *c);
int dmux_ifcfg_set(const struct dmux_fds *f, __u32 ifindex, const struct dmux_ifcfg *c);
int dmux_ifcfg_clear(const struct dmux_fds *f, __u32 ifindex);

int dmux_config_get(const struct dmux_fds *f, struct dmux_config *c);
int dmux_config_set(const struct dmux_fds *f, const struct dmux_config *c);

/* Store rule @id (flags |= VALID) or clear it; then call dmux_rules_compile. */
int dmux_rule_put(const struct dmux_fds *f, __u32 id, const struct dmux_rule *r);
int dmux_rule_clear(const struct dmux_fds *f, __u32 id);
/* Read all valid rules: *out malloc'd array of ids and rules. Returns count. */
int dmux_rules_read(const struct dmux_fds *f, __u32 **ids, struct dmux_rule **rules);
/*
 * Rebuild the LPM tries, the wildcard list and the counts in dmux_config
 * from dmux_rules. -E2BIG (and *bad = rule id) when a prefix is covered by
 * more than DMUX_LIST_MAX rules or there are more wildcard rules than that.
 */
int dmux_rules_compile(const struct dmux_fds *f, __u32 *bad);
/* Same, from rules already in memory (ids ascending). */
int dmux_rules_compile_mem(const struct dmux_fds *f, const __u32 *ids,
			   const struct dmux_rule *rules, int n, __u32 *bad);

/*
 * Parse "src PFX dst PFX proto P sport A[-B] dport A[-B] mux N family 4|6"
 * (any subset, any order, each once) followed by one verdict
 * "pass|drop|redirect IFACE|xsk Q|xsk rxq|cpu N" (IFACE: a name or the
 * ifindex of an existing interface; N a possible CPU). A rule that cannot
 * match (ports without a protocol that has them, icmp with family 6, ...) is
 * refused. Returns 0 or -EINVAL with a message in err; on success err is ""
 * or a warning (a prefix with host bits set, and the prefix as stored).
 */
int dmux_rule_parse(int argc, char **argv, struct dmux_rule *r, char *err, size_t errlen);
/* Inverse of dmux_rule_parse, for listings (protocols by name, a single port as N). */
void dmux_rule_format(const struct dmux_rule *r, char *buf, size_t len);
/* 1 when two rules match the same packets with the same verdict (with
 * @match_only: whatever their verdicts). */
int dmux_rule_same(const struct dmux_rule *a, const struct dmux_rule *b, int match_only);
/* "udp" for IPPROTO_UDP ..., NULL for a protocol without a name here. */
const char *dmux_proto_name(unsigned int proto);

const char *dmux_verdict_name(unsigned int v);
const char *dmux_ipver_name(unsigned int v);
const char *dmux_l4_name(unsigned int v);
const char *dmux_malformed_name(unsigned int v);
int dmux_verdict_parse(const char *s);	/* -1 if unknown */
int dmux_malformed_parse(const char *s);

#endif /* DMUX_USER_H */
