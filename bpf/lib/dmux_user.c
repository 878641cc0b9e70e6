// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Map access, names and rule text for dmux.bpf.c (see dmux_user.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dmux_user.h"

static const char *const verdict_names[DMUX_V_MAX] = {
	"pass", "drop", "redirect", "xsk", "cpu", "redirect_err",
};
static const char *const ipver_names[DMUX_IP_MAX] = { "ipv4", "ipv6", "other" };
static const char *const l4_names[DMUX_L4_MAX] = {
	"tcp", "udp", "icmp", "icmpv6", "fragment", "other", "none",
};
static const char *const mal_names[DMUX_MAL_MAX] = {
	"qmap_trunc", "qmap_len", "qmap_mux", "ip_trunc", "ip_version",
	"ip4_hdr", "ip6_len", "ip6_ext", "l4_trunc", "qmap_fmt",
};

#define NAME(tab, v) ((v) < sizeof(tab) / sizeof(tab[0]) ? tab[v] : "?")
const char *dmux_verdict_name(unsigned int v) { return NAME(verdict_names, v); }
const char *dmux_ipver_name(unsigned int v) { return NAME(ipver_names, v); }
const char *dmux_l4_name(unsigned int v) { return NAME(l4_names, v); }
const char *dmux_malformed_name(unsigned int v) { return NAME(mal_names, v); }

static int lookup_name(const char *const *tab, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(tab[i], s))
			return i;
	return -1;
}

int dmux_verdict_parse(const char *s)
{
	if (!strcmp(s, "allow"))
		return DMUX_V_PASS;
	if (!strcmp(s, "deny"))
		return DMUX_V_DROP;
	return lookup_name(verdict_names, DMUX_V_REDIRECT_ERR, s);
}

int dmux_malformed_parse(const char *s)
{
	return lookup_name(mal_names, DMUX_MAL_MAX, s);
}

/* Every pinned map with the layout dmux.bpf.c declares (the unit test checks
 * this table against the object). */
static const struct map_field {
	const char *name;
	size_t off;
	__u32 type, key_size, value_size, max_entries, flags;
} map_fields[] = {
#define M(n, field, t, k, v, max, fl) \
	{ n, offsetof(struct dmux_fds, field), BPF_MAP_TYPE_##t, k, v, max, fl }
	M(DMUX_MAP_IFCFG, ifcfg, ARRAY, 4, sizeof(struct dmux_ifcfg), DMUX_IFCFG_MAX, 0),
	M(DMUX_MAP_CONFIG, config, ARRAY, 4, sizeof(struct dmux_config), 1, 0),
	M(DMUX_MAP_STATS, stats, PERCPU_ARRAY, 4, sizeof(struct dmux_chan_stats),
	  DMUX_STAT_SLOTS, 0),
	M(DMUX_MAP_MUX_STATS, mux_stats, PERCPU_ARRAY, 4, sizeof(struct dmux_mux_stats),
	  DMUX_NUM_CHANNELS * DMUX_NUM_MUX, 0),
	M(DMUX_MAP_RULES, rules, ARRAY, 4, sizeof(struct dmux_rule), DMUX_MAX_RULES, 0),
	M(DMUX_MAP_RULE_HITS, hits, PERCPU_ARRAY, 4, 8, DMUX_MAX_RULES, 0),
	M(DMUX_MAP_WILD, wild, ARRAY, 4, sizeof(struct dmux_rule_list), 1, 0),
	M(DMUX_MAP_LPM_SRC4, lpm[DMUX_SRC4], LPM_TRIE, sizeof(struct dmux_lpm4_key),
	  sizeof(struct dmux_rule_list), DMUX_LPM_MAX, BPF_F_NO_PREALLOC),
	M(DMUX_MAP_LPM_DST4, lpm[DMUX_DST4], LPM_TRIE, sizeof(struct dmux_lpm4_key),
	  sizeof(struct dmux_rule_list), DMUX_LPM_MAX, BPF_F_NO_PREALLOC),
	M(DMUX_MAP_LPM_SRC6, lpm[DMUX_SRC6], LPM_TRIE, sizeof(struct dmux_lpm6_key),
	  sizeof(struct dmux_rule_list), DMUX_LPM_MAX, BPF_F_NO_PREALLOC),
	M(DMUX_MAP_LPM_DST6, lpm[DMUX_DST6], LPM_TRIE, sizeof(struct dmux_lpm6_key),
	  sizeof(struct dmux_rule_list), DMUX_LPM_MAX, BPF_F_NO_PREALLOC),
	M(DMUX_MAP_XSKMAP, xskmap, XSKMAP, 4, 4, DMUX_XSKMAP_MAX, 0),
	M(DMUX_MAP_CPUMAPS, cpumaps, ARRAY_OF_MAPS, 4, 4, 1, 0),
#undef M
};
#define NFIELDS (sizeof(map_fields) / sizeof(map_fields[0]))
#define FD(f, i) (*(int *)((char *)(f) + map_fields[i].off))

const char *dmux_pin_name(unsigned int i)
{
	return i < NFIELDS ? map_fields[i].name : NULL;
}

static void fds_reset(struct dmux_fds *f)
{
	for (size_t i = 0; i < NFIELDS; i++)
		FD(f, i) = -1;
	f->owned = 0;
}

/* -EUCLEAN with a message when the map behind @fd is not laid out as @want. */
static int check_layout(int fd, const char *path, __u32 type, __u32 key, __u32 value,
			__u32 max, __u32 flags, char *msg, size_t len)
{
	struct bpf_map_info in = { 0 };
	__u32 ilen = sizeof(in);
	const char *what = NULL;
	__u32 have = 0, want = 0;

	if (bpf_obj_get_info_by_fd(fd, &in, &ilen))
		return -errno;
	if (in.type != type)
		what = "map type", have = in.type, want = type;
	else if (in.key_size != key)
		what = "key size", have = in.key_size, want = key;
	else if (in.value_size != value)
		what = "value size", have = in.value_size, want = value;
	else if (in.max_entries != max)
		what = "max_entries", have = in.max_entries, want = max;
	else if (in.map_flags != flags)
		what = "map flags", have = in.map_flags, want = flags;
	if (!what)
		return 0;
	if (msg)
		snprintf(msg, len, "pinned map %s has %s %u where this dmux.bpf has %u "
			 "(a layout change)", path, what, have, want);
	return -EUCLEAN;
}

int dmux_fds_from_pins(struct dmux_fds *f, const char *dir, char *msg, size_t len)
{
	char path[512];
	int err = 0;

	fds_reset(f);
	f->owned = 1;
	for (size_t i = 0; i < NFIELDS && !err; i++) {
		const struct map_field *m = &map_fields[i];

		snprintf(path, sizeof(path), "%s/%s", dir, m->name);
		FD(f, i) = bpf_obj_get(path);
		if (FD(f, i) < 0) {
			err = -errno;
			if (msg)
				snprintf(msg, len, "%s: %s", path, strerror(errno));
		} else {
			err = check_layout(FD(f, i), path, m->type, m->key_size, m->value_size,
					   m->max_entries, m->flags, msg, len);
		}
	}
	if (err)
		dmux_fds_close(f);
	return err;
}

int dmux_fds_from_obj(struct dmux_fds *f, struct bpf_object *obj)
{
	fds_reset(f);
	for (size_t i = 0; i < NFIELDS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, map_fields[i].name);

		if (!m || bpf_map__fd(m) < 0)
			return -ENOENT;
		FD(f, i) = bpf_map__fd(m);
	}
	return 0;
}

void dmux_fds_close(struct dmux_fds *f)
{
	if (f->owned)
		for (size_t i = 0; i < NFIELDS; i++)
			if (FD(f, i) >= 0)
				close(FD(f, i));
	fds_reset(f);
}

int dmux_obj_check(struct bpf_object *obj, char *msg, size_t len)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct map_field *m = &map_fields[i];
		struct bpf_map *bm = bpf_object__find_map_by_name(obj, m->name);

		if (!bm) {
			snprintf(msg, len, "%s: not in the object", m->name);
			return -ENOENT;
		}
		if (bpf_map__type(bm) != m->type || bpf_map__key_size(bm) != m->key_size ||
		    bpf_map__value_size(bm) != m->value_size ||
		    bpf_map__max_entries(bm) != m->max_entries ||
		    bpf_map__map_flags(bm) != m->flags) {
			snprintf(msg, len, "%s: declared as type %u key %u value %u max %u "
				 "flags %#x, the table has %u %u %u %u %#x", m->name,
				 bpf_map__type(bm), bpf_map__key_size(bm), bpf_map__value_size(bm),
				 bpf_map__max_entries(bm), bpf_map__map_flags(bm), m->type,
				 m->key_size, m->value_size, m->max_entries, m->flags);
			return -EINVAL;
		}
	}
	return 0;
}

int dmux_obj_fit(struct bpf_object *obj, const char *pin_dir, char *msg, size_t len)
{
	struct bpf_map *m;
	char path[512];

	bpf_object__for_each_map(m, obj) {
		int fd, err;

		if (bpf_map__is_internal(m))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, bpf_map__name(m));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;	/* created at load */
		err = check_layout(fd, path, bpf_map__type(m), bpf_map__key_size(m),
				   bpf_map__value_size(m), bpf_map__max_entries(m),
				   bpf_map__map_flags(m), msg, len);
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

int dmux_cpumap_fd(const struct dmux_fds *f, int create)
{
	__u32 zero = 0, id = 0;
	int fd, err;

	if (!bpf_map_lookup_elem(f->cpumaps, &zero, &id) && id) {
		fd = bpf_map_get_fd_by_id(id);
		return fd < 0 ? -errno : fd;
	}
	if (!create)
		return -ENOENT;
	fd = bpf_map_create(BPF_MAP_TYPE_CPUMAP, DMUX_MAP_CPUMAP_OLD, 4, 4, dmux_ncpus(), NULL);
	if (fd < 0)
		return -errno;
	/* map-in-map slots take BPF_ANY only: callers serialise (dmux-stat's lock) */
	if (bpf_map_update_elem(f->cpumaps, &zero, &fd, BPF_ANY)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int dmux_ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

int dmux_percpu_sum(int fd, __u32 key, void *out, size_t size)
{
	int ncpu = dmux_ncpus();
	size_t stride = (size + 7) & ~(size_t)7, words = size / 8;
	__u64 *buf, *sum = out;

	if (ncpu <= 0)
		return -EINVAL;
	buf = calloc(ncpu, stride);
	if (!buf)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, buf)) {
		int err = -errno;

		free(buf);
		return err;
	}
	memset(out, 0, size);
	for (int c = 0; c < ncpu; c++)
		for (size_t w = 0; w < words; w++)
			sum[w] += buf[c * (stride / 8) + w];
	free(buf);
	return 0;
}

int dmux_percpu_sum_range(int fd, __u32 first, __u32 n, void *out, size_t size)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	int ncpu = dmux_ncpus(), err = 0;
	size_t stride = (size + 7) & ~(size_t)7, words = size / 8;
	__u32 prev = first - 1, next, count = n, *keys;
	__u64 *buf;

	if (ncpu <= 0)
		return -EINVAL;
	keys = calloc(n, sizeof(*keys));
	buf = calloc((size_t)n * ncpu, stride);
	if (!keys || !buf) {
		err = -ENOMEM;
		goto out;
	}
	memset(out, 0, (size_t)n * size);
	/* the batch starts after the key it is given (none: at key 0) */
	if (bpf_map_lookup_batch(fd, first ? &prev : NULL, &next, keys, buf, &count, &o) &&
	    errno != ENOENT)
		count = 0;	/* no batch ops (older kernel): one by one */
	for (__u32 i = 0; i < n; i++) {
		__u64 *sum = (__u64 *)((char *)out + i * size);

		if (i < count && keys[i] == first + i) {
			for (int c = 0; c < ncpu; c++)
				for (size_t w = 0; w < words; w++)
					sum[w] += buf[((size_t)i * ncpu + c) * (stride / 8) + w];
		} else if ((err = dmux_percpu_sum(fd, first + i, sum, size))) {
			break;
		}
	}
out:
	free(keys);
	free(buf);
	return err;
}

int dmux_ifcfg_get(const struct dmux_fds *f, __u32 ifindex, struct dmux_ifcfg *c)
{
	if (ifindex >= DMUX_IFCFG_MAX)
		return -ERANGE;
	if (bpf_map_lookup_elem(f->ifcfg, &ifindex, c))
		return -errno;
	return (c->flags & DMUX_IF_VALID) ? 0 : -ENOENT;
}

int dmux_ifcfg_set(const struct dmux_fds *f, __u32 ifindex, const struct dmux_ifcfg *c)
{
	struct dmux_ifcfg v = *c;

	if (ifindex >= DMUX_IFCFG_MAX)
		return -ERANGE;
	v.flags |= DMUX_IF_VALID;
	return bpf_map_update_elem(f->ifcfg, &ifindex, &v, BPF_ANY) ? -errno : 0;
}

int dmux_ifcfg_clear(const struct dmux_fds *f, __u32 ifindex)
{
	struct dmux_ifcfg v = { 0 };

	if (ifindex >= DMUX_IFCFG_MAX)
		return -ERANGE;
	return bpf_map_update_elem(f->ifcfg, &ifindex, &v, BPF_ANY) ? -errno : 0;
}

int dmux_config_get(const struct dmux_fds *f, struct dmux_config *c)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(f->config, &zero, c) ? -errno : 0;
}

int dmux_config_set(const struct dmux_fds *f, const struct dmux_config *c)
{
	__u32 zero = 0;

	return bpf_map_update_elem(f->config, &zero, c, BPF_ANY) ? -errno : 0;
}

int dmux_rule_put(const struct dmux_fds *f, __u32 id, const struct dmux_rule *r)
{
	struct dmux_rule v = *r;

	if (id >= DMUX_MAX_RULES)
		return -ERANGE;
	v.flags |= DMUX_RF_VALID;
	return bpf_map_update_elem(f->rules, &id, &v, BPF_ANY) ? -errno : 0;
}

int dmux_rule_clear(const struct dmux_fds *f, __u32 id)
{
	struct dmux_rule v = { 0 };
	int ncpu = dmux_ncpus();
	__u64 *zero = calloc(ncpu, sizeof(__u64));
	int err = 0;

	if (id >= DMUX_MAX_RULES || !zero) {
		free(zero);
		return id >= DMUX_MAX_RULES ? -ERANGE : -ENOMEM;
	}
	if (bpf_map_update_elem(f->rules, &id, &v, BPF_ANY) ||
	    bpf_map_update_elem(f->hits, &id, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

static int rules_append(__u32 **ids, struct dmux_rule **rules, int *n, int *cap,
			__u32 id, const struct dmux_rule *r)
{
	if (!(r->flags & DMUX_RF_VALID))
		return 0;
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 256;
		void *a = realloc(*ids, c * sizeof(**ids));

		if (!a)
			return -ENOMEM;
		*ids = a;
		a = realloc(*rules, c * sizeof(**rules));
		if (!a)
			return -ENOMEM;
		*rules = a;
		*cap = c;
	}
	(*ids)[*n] = id;
	(*rules)[(*n)++] = *r;
	return 0;
}

int dmux_rules_read(const struct dmux_fds *f, __u32 **ids, struct dmux_rule **rules)
{
	const __u32 chunk = 8192;
	struct dmux_rule *buf = calloc(chunk, sizeof(*buf));
	__u32 *keys = calloc(chunk, sizeof(*keys)), in = 0, out = 0;
	int n = 0, cap = 0, err = 0, first = 1;

	*ids = NULL;
	*rules = NULL;
	if (!buf || !keys) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);
		__u32 cnt = chunk;
		int rc = bpf_map_lookup_batch(f->rules, first ? NULL : &in, &out,
					      keys, buf, &cnt, &o);
		int done = rc && errno == ENOENT;

		if (rc && !done) {
			if (!first) {
				err = -errno;
				goto out;
			}
			/* no batch operations: one by one */
			for (__u32 k = 0; k < DMUX_MAX_RULES && !err; k++)
				if (!bpf_map_lookup_elem(f->rules, &k, buf))
					err = rules_append(ids, rules, &n, &cap, k, buf);
			goto out;
		}
		for (__u32 i = 0; i < cnt && !err; i++)
			err = rules_append(ids, rules, &n, &cap, keys[i], &buf[i]);
		if (done || err)
			break;
		in = out;
		first = 0;
	}
out:
	free(buf);
	free(keys);
	if (err) {
		free(*ids);
		free(*rules);
		*ids = NULL;
		*rules = NULL;
		return err;
	}
	return n;
}

/* ---- rule text ---- */

static int parse_range(const char *s, __u16 *lo, __u16 *hi)
{
	char *e;
	unsigned long a, b;

	if (!isdigit((unsigned char)*s))
		return -1;
	a = b = strtoul(s, &e, 10);
	if (*e == '-' || *e == ':') {
		const char *t = e + 1;

		if (!isdigit((unsigned char)*t))
			return -1;
		b = strtoul(t, &e, 10);
	}
	if (*e || a > 65535 || b > 65535 || a > b)
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

/* 1 when @addr has bits set past @l (the prefix is masked to them). */
static int parse_prefix(const char *s, __u8 *addr, __u8 *len, __u8 *family, int *host_bits)
{
	char buf[64], *slash;
	int fam, max;
	long l;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		fam = 4, max = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		fam = 6, max = 128;
	else
		return -1;
	l = max;
	if (slash) {
		char *e;

		l = strtol(slash, &e, 10);
		if (e == slash || *e || l < 0 || l > max || !isdigit((unsigned char)*slash))
			return -1;
	}
	if (*family && *family != fam)
		return -1;
	*family = fam;
	*len = l;
	*host_bits = 0;
	for (int i = 0; i < 16; i++) {	/* mask host bits */
		int bits = (int)l - 8 * i;
		__u8 keep = bits <= 0 ? 0 : bits < 8 ? (__u8)(0xff << (8 - bits)) : 0xff;

		if (addr[i] & ~keep)
			*host_bits = 1;
		addr[i] &= keep;
	}
	return 0;
}

static const struct { const char *n; int v; } protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP }, { "udplite", IPPROTO_UDPLITE },
	{ "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP }, { "ah", IPPROTO_AH },
};

const char *dmux_proto_name(unsigned int p)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].v == (int)p)
			return protos[i].n;
	return NULL;
}

static int parse_proto(const char *s)
{
	char *e;
	long v;

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(s, protos[i].n))
			return protos[i].v;
	v = strtol(s, &e, 10);
	return (e == s || *e || v < 0 || v > 255 || !isdigit((unsigned char)*s)) ? -1 : (int)v;
}

/* The protocols whose ports dmux.bpf.c reads. */
static int has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP;
}

/* A decimal number without sign, at most @max; -1 otherwise. */
static long parse_num(const char *s, unsigned long max)
{
	unsigned long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &e, 10);
	return (*e || errno || v > max) ? -1 : (long)v;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

int dmux_rule_parse(int argc, char **argv, struct dmux_rule *r, char *err, size_t errlen)
{
	static const char *const words[] = {
		"src", "dst", "proto", "sport", "dport", "mux", "family",
	};
	unsigned int seen = 0;
	int i, have_verdict = 0, host_bits[2] = { 0, 0 };
	const char *verdict_word = NULL, *pfx_text[2] = { NULL, NULL };

	memset(r, 0, sizeof(*r));
	err[0] = 0;
	for (i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long x;
		int is_verdict = !strcmp(k, "pass") || !strcmp(k, "drop") ||
				 !strcmp(k, "redirect") || !strcmp(k, "xsk") || !strcmp(k, "cpu");

		if (is_verdict && have_verdict)
			FAIL("two verdicts ('%s' and '%s'): a rule has one", verdict_word, k);
		for (unsigned int w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (!strcmp(k, words[w])) {
				if (seen & (1U << w))
					FAIL("'%s' given twice", k);
				seen |= 1U << w;
			}
		if (!strcmp(k, "pass") || !strcmp(k, "drop")) {
			r->verdict = k[0] == 'p' ? DMUX_V_PASS : DMUX_V_DROP;
			have_verdict = 1;
			verdict_word = k;
			continue;
		}
		if (!v)
			FAIL("'%s' needs a value", k);
		i++;
		if (!strcmp(k, "src") || !strcmp(k, "dst")) {
			int s = k[0] == 's';

			if (parse_prefix(v, s ? r->src : r->dst, s ? &r->src_len : &r->dst_len,
					 &r->family, &host_bits[!s]))
				FAIL("bad %s prefix '%s' (or mixed IPv4/IPv6)", k, v);
			pfx_text[!s] = v;
			r->flags |= s ? DMUX_RF_SRC : DMUX_RF_DST;
		} else if (!strcmp(k, "proto")) {
			if ((x = parse_proto(v)) < 0)
				FAIL("bad protocol '%s' (tcp, udp, udplite, sctp, icmp, icmpv6, "
				     "gre, esp, ah or 0..255)", v);
			r->proto = x;
			r->flags |= DMUX_RF_PROTO;
		} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
			int s = k[0] == 's';

			if (parse_range(v, s ? &r->sport_lo : &r->dport_lo,
					s ? &r->sport_hi : &r->dport_hi))
				FAIL("bad port range '%s' (A or A-B, 0..65535)", v);
			r->flags |= s ? DMUX_RF_SPORT : DMUX_RF_DPORT;
		} else if (!strcmp(k, "mux")) {
			if ((x = parse_num(v, 254)) < 0)
				FAIL("bad mux id '%s' (0..254)", v);
			r->mux_id = x;
			r->flags |= DMUX_RF_MUX;
		} else if (!strcmp(k, "family")) {
			if (strcmp(v, "4") && strcmp(v, "6"))
				FAIL("family is 4 or 6");
			if (r->family && r->family != v[0] - '0')
				FAIL("family %s contradicts a prefix", v);
			r->family = v[0] - '0';
		} else if (is_verdict) {
			char name[IF_NAMESIZE];
			long t;

			if (k[0] == 'x' && !strcmp(v, "rxq")) {
				t = 0xffffffffL;
			} else if (k[0] == 'r') {
				t = if_nametoindex(v);
				if (!t && ((t = parse_num(v, 0x7fffffff)) <= 0 ||
					   !if_indextoname(t, name)))
					FAIL("redirect: no such interface '%s'", v);
			} else if (k[0] == 'x') {
				if ((t = parse_num(v, DMUX_XSKMAP_MAX - 1)) < 0)
					FAIL("bad xsk queue '%s' (0..%d or rxq)", v, DMUX_XSKMAP_MAX - 1);
			} else {
				int n = dmux_ncpus();

				if ((t = parse_num(v, 0xffff)) < 0 || t >= n)
					FAIL("cpu %s: this machine's possible CPUs are 0..%d", v, n - 1);
			}
			r->verdict = k[0] == 'r' ? DMUX_V_REDIRECT :
				     k[0] == 'x' ? DMUX_V_XSK : DMUX_V_CPU;
			r->target = t;
			have_verdict = 1;
			verdict_word = k;
		} else {
			FAIL("unknown rule word '%s'", k);
		}
	}
	if (!have_verdict)
		FAIL("rule needs a verdict: pass, drop, redirect IFACE, xsk Q|rxq, cpu N");
	if ((r->flags & (DMUX_RF_SPORT | DMUX_RF_DPORT)) &&
	    (!(r->flags & DMUX_RF_PROTO) || !has_ports(r->proto)))
		FAIL("ports need 'proto tcp|udp|udplite|sctp'%s%s%s",
		     (r->flags & DMUX_RF_PROTO) ? " (" : "",
		     (r->flags & DMUX_RF_PROTO) ? (dmux_proto_name(r->proto) ?: "that protocol") : "",
		     (r->flags & DMUX_RF_PROTO) ? " has none)" : "");
	if (r->family == 4 && r->proto == IPPROTO_ICMPV6 && (r->flags & DMUX_RF_PROTO))
		FAIL("proto icmpv6 never matches IPv4");
	if (r->family == 6 && r->proto == IPPROTO_ICMP && (r->flags & DMUX_RF_PROTO))
		FAIL("proto icmp never matches IPv6 (icmpv6)");
	r->flags |= DMUX_RF_VALID;
	for (int s = 0; s < 2; s++)
		if (host_bits[s]) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(r->family == 6 ? AF_INET6 : AF_INET, s ? r->dst : r->src, a,
				  sizeof(a));
			snprintf(err, errlen, "%s %s has host bits set: stored as %s %s/%u",
				 s ? "dst" : "src", pfx_text[s], s ? "dst" : "src", a,
				 s ? r->dst_len : r->src_len);
		}
	return 0;
}

int dmux_rule_same(const struct dmux_rule *a, const struct dmux_rule *b, int match_only)
{
	struct dmux_rule x = *a, y = *b;

	x.flags |= DMUX_RF_VALID;
	y.flags |= DMUX_RF_VALID;
	if (match_only) {
		x.verdict = y.verdict = 0;
		x.target = y.target = 0;
	}
	return !memcmp(&x, &y, sizeof(x));
}

static void port_str(char *b, size_t n, __u16 lo, __u16 hi)
{
	if (lo == hi)
		snprintf(b, n, "%u", lo);
	else
		snprintf(b, n, "%u-%u", lo, hi);
}

void dmux_rule_format(const struct dmux_rule *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], p[16];
	int af = r->family == 6 ? AF_INET6 : AF_INET;
	size_t o = 0;

#define PUT(...) do { if (o < len) o += snprintf(buf + o, len - o, __VA_ARGS__); } while (0)
	buf[0] = 0;
	if (r->family && !(r->flags & (DMUX_RF_SRC | DMUX_RF_DST)))
		PUT("family %u ", r->family);
	if (r->flags & DMUX_RF_SRC)
		PUT("src %s/%u ", inet_ntop(af, r->src, a, sizeof(a)), r->src_len);
	if (r->flags & DMUX_RF_DST)
		PUT("dst %s/%u ", inet_ntop(af, r->dst, a, sizeof(a)), r->dst_len);
	if (r->flags & DMUX_RF_PROTO) {
		if (dmux_proto_name(r->proto))
			PUT("proto %s ", dmux_proto_name(r->proto));
		else
			PUT("proto %u ", r->proto);
	}
	if (r->flags & DMUX_RF_SPORT) {
		port_str(p, sizeof(p), r->sport_lo, r->sport_hi);
		PUT("sport %s ", p);
	}
	if (r->flags & DMUX_RF_DPORT) {
		port_str(p, sizeof(p), r->dport_lo, r->dport_hi);
		PUT("dport %s ", p);
	}
	if (r->flags & DMUX_RF_MUX)
		PUT("mux %u ", r->mux_id);
	switch (r->verdict) {
	case DMUX_V_REDIRECT:
		if (if_indextoname(r->target, a))
			PUT("redirect %s", a);
		else
			PUT("redirect %u", r->target);
		break;
	case DMUX_V_CPU:
		PUT("%s %u", dmux_verdict_name(r->verdict), r->target);
		break;
	case DMUX_V_XSK:
		if (r->target == 0xffffffffU)
			PUT("xsk rxq");
		else
			PUT("xsk %u", r->target);
		break;
	default:
		PUT("%s", dmux_verdict_name(r->verdict));
	}
#undef PUT
}
