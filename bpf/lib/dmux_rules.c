// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Compile dmux_rules into the LPM tries and the wildcard list.
 *
 * A rule with a source prefix is indexed in the src trie of its family, else
 * one with a destination prefix in the dst trie, else in the wildcard list.
 * The value of each trie entry P lists every rule of that side whose prefix
 * covers P, ascending, so one longest-prefix lookup yields all candidates and
 * the program takes the lowest id that matches among the src, dst and
 * wildcard candidates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "dmux_user.h"

struct pfx_rule {
	__u8 len;
	__u8 addr[16];
	__u32 id;
};

struct group {
	__u32 start, count;	/* in the sorted pfx_rule array */
	int used;
};

static int pr_cmp(const void *a, const void *b)
{
	const struct pfx_rule *x = a, *y = b;
	int c;

	if (x->len != y->len)
		return x->len - y->len;
	c = memcmp(x->addr, y->addr, 16);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int u32_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static __u64 pfx_hash(__u8 len, const __u8 *addr)
{
	__u64 h = 1469598103934665603ULL ^ len;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 1099511628211ULL;
	return h;
}

static void mask_to(__u8 *dst, const __u8 *src, int len)
{
	for (int i = 0; i < 16; i++) {
		int bits = len - 8 * i;

		dst[i] = bits >= 8 ? src[i] : bits <= 0 ? 0 : src[i] & (__u8)(0xff << (8 - bits));
	}
}

struct table {
	struct pfx_rule *pr;
	__u32 *slot;		/* hash slot -> group index + 1 */
	struct group *g;
	__u32 ng, mask;
};

static struct group *table_find(const struct table *t, __u8 len, const __u8 *addr)
{
	for (__u32 h = pfx_hash(len, addr) & t->mask;; h = (h + 1) & t->mask) {
		struct group *g;

		if (!t->slot[h])
			return NULL;
		g = &t->g[t->slot[h] - 1];
		if (t->pr[g->start].len == len && !memcmp(t->pr[g->start].addr, addr, 16))
			return g;
	}
}

static int write_side(int fd, int v6, struct pfx_rule *pr, __u32 n, __u32 *count,
		      __u32 *bad)
{
	struct table t = { .pr = pr };
	unsigned char lens[129] = { 0 };
	__u32 cap = 16, i;
	int err = 0;

	qsort(pr, n, sizeof(*pr), pr_cmp);
	while (cap < 2 * n + 2)
		cap <<= 1;
	t.mask = cap - 1;
	t.slot = calloc(cap, sizeof(*t.slot));
	t.g = calloc(n + 1, sizeof(*t.g));
	if (!t.slot || !t.g) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (i && pr[i].len == pr[i - 1].len &&
		    !memcmp(pr[i].addr, pr[i - 1].addr, 16)) {
			t.g[t.ng - 1].count++;
			continue;
		}
		t.g[t.ng] = (struct group){ .start = i, .count = 1 };
		for (__u32 h = pfx_hash(pr[i].len, pr[i].addr) & t.mask;; h = (h + 1) & t.mask)
			if (!t.slot[h]) {
				t.slot[h] = ++t.ng;
				break;
			}
		lens[pr[i].len] = 1;
	}

	for (i = 0; i < t.ng && !err; i++) {
		const struct pfx_rule *p = &pr[t.g[i].start];
		struct dmux_rule_list l = { 0 };
		struct { __u32 prefixlen; __u8 addr[16]; } key = { .prefixlen = p->len };
		__u8 m[16];

		for (int len = 0; len <= p->len; len++) {
			struct group *g;

			if (!lens[len])
				continue;
			mask_to(m, p->addr, len);
			g = table_find(&t, len, m);
			for (__u32 j = 0; g && j < g->count; j++) {
				if (l.n == DMUX_LIST_MAX) {
					*bad = p->id;
					err = -E2BIG;
					goto out;
				}
				l.ids[l.n++] = pr[g->start + j].id;
			}
		}
		qsort(l.ids, l.n, sizeof(l.ids[0]), u32_cmp);
		memcpy(key.addr, p->addr, v6 ? 16 : 4);
		if (bpf_map_update_elem(fd, &key, &l, BPF_ANY))
			err = -errno;
	}
	if (err)
		goto out;

	/* delete entries that no rule indexes any more */
	{
		struct { __u32 prefixlen; __u8 addr[16]; } k, next, *stale = NULL;
		size_t nst = 0, capst = 0;
		void *prev = NULL;

		memset(&k, 0, sizeof(k));
		while (!bpf_map_get_next_key(fd, prev, &next)) {
			__u8 a[16] = { 0 };

			memcpy(a, next.addr, v6 ? 16 : 4);
			if (next.prefixlen > 128 || !table_find(&t, next.prefixlen, a)) {
				if (nst == capst) {
					void *s = realloc(stale, (capst = capst ? 2 * capst : 64) * sizeof(*stale));

					if (!s) {
						err = -ENOMEM;
						break;
					}
					stale = s;
				}
				stale[nst++] = next;
			}
			k = next;
			prev = &k;
		}
		for (size_t s = 0; s < nst; s++)
			bpf_map_delete_elem(fd, &stale[s]);
		free(stale);
	}
	*count = t.ng;
out:
	free(t.slot);
	free(t.g);
	return err;
}

int dmux_rules_compile_mem(const struct dmux_fds *f, const __u32 *ids,
			   const struct dmux_rule *rules, int n, __u32 *bad)
{
	struct pfx_rule *side[DMUX_SIDES];
	__u32 nside[DMUX_SIDES] = { 0 }, counts[DMUX_SIDES] = { 0 }, zero = 0;
	struct dmux_rule_list wild = { 0 };
	struct dmux_config c;
	int err = 0, s;

	*bad = 0;
	for (s = 0; s < DMUX_SIDES; s++)
		side[s] = calloc(n ? n : 1, sizeof(struct pfx_rule));
	for (s = 0; s < DMUX_SIDES; s++)
		if (!side[s])
			err = -ENOMEM;
	for (int i = 0; i < n && !err; i++) {
		const struct dmux_rule *r = &rules[i];
		int v6 = r->family == 6;

		if (!(r->flags & DMUX_RF_VALID))
			continue;
		if (r->flags & DMUX_RF_SRC) {
			s = v6 ? DMUX_SRC6 : DMUX_SRC4;
			side[s][nside[s]++] = (struct pfx_rule){ .len = r->src_len, .id = ids[i] };
			memcpy(side[s][nside[s] - 1].addr, r->src, 16);
		} else if (r->flags & DMUX_RF_DST) {
			s = v6 ? DMUX_DST6 : DMUX_DST4;
			side[s][nside[s]++] = (struct pfx_rule){ .len = r->dst_len, .id = ids[i] };
			memcpy(side[s][nside[s] - 1].addr, r->dst, 16);
		} else if (wild.n == DMUX_LIST_MAX) {
			*bad = ids[i];
			err = -E2BIG;
		} else {
			wild.ids[wild.n++] = ids[i];
		}
	}
	for (s = 0; s < DMUX_SIDES && !err; s++) {
		/* normalise: host bits zero, so equal prefixes compare equal */
		for (__u32 i = 0; i < nside[s]; i++)
			mask_to(side[s][i].addr, side[s][i].addr, side[s][i].len);
		err = write_side(f->lpm[s], s >= DMUX_SRC6, side[s], nside[s], &counts[s], bad);
	}
	for (s = 0; s < DMUX_SIDES; s++)
		free(side[s]);
	if (err)
		return err;
	qsort(wild.ids, wild.n, sizeof(wild.ids[0]), u32_cmp);
	if (bpf_map_update_elem(f->wild, &zero, &wild, BPF_ANY))
		return -errno;
	err = dmux_config_get(f, &c);
	if (err)
		return err;
	c.n_src4 = counts[DMUX_SRC4];
	c.n_dst4 = counts[DMUX_DST4];
	c.n_src6 = counts[DMUX_SRC6];
	c.n_dst6 = counts[DMUX_DST6];
	c.n_wild = wild.n;
	return dmux_config_set(f, &c);
}

int dmux_rules_compile(const struct dmux_fds *f, __u32 *bad)
{
	struct dmux_rule *rules;
	__u32 *ids;
	int n = dmux_rules_read(f, &ids, &rules), err;

	if (n < 0)
		return n;
	err = dmux_rules_compile_mem(f, ids, rules, n, bad);
	free(ids);
	free(rules);
	return err;
}
