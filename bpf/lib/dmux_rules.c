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
 *
 * The same entries go into dmux_pfx_hash (one open-addressing table for all
 * sides, see dmux_maps.h) for every side that has at most DMUX_HASH_LENS
 * prefix lengths and whose keys all fit within DMUX_HASH_PROBE slots of their
 * home; the program looks those sides up there (inlined array lookups, no
 * helper call) and the others in their trie.
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

/* Entries of one compile, for dmux_pfx_hash. */
struct hent {
	__u8 side, len;
	__u8 addr[16];
	struct dmux_rule_list l;
};

struct hset {
	struct hent *e;
	size_t n, cap;
};

static int hset_add(struct hset *h, int side, const struct pfx_rule *p,
		    const struct dmux_rule_list *l)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 256;
		void *e = realloc(h->e, cap * sizeof(*h->e));

		if (!e)
			return -ENOMEM;
		h->e = e;
		h->cap = cap;
	}
	h->e[h->n] = (struct hent){ .side = side, .len = p->len, .l = *l };
	memcpy(h->e[h->n].addr, p->addr, 16);
	h->n++;
	return 0;
}

/* Place @e in @tab; 0, or -ENOSPC when no slot within DMUX_HASH_PROBE. */
static int hash_place(struct dmux_hash_slot *tab, const struct hent *e)
{
	__u32 a[4], h;

	memcpy(a, e->addr, 16);
	h = dmux_hash(e->side + 1, e->len, a[0], a[1], a[2], a[3]);
	for (__u32 j = 0; j < DMUX_HASH_PROBE; j++) {
		struct dmux_hash_slot *t = &tab[(h + j) & (DMUX_HASH_SLOTS - 1)];

		if (t->side)
			continue;
		memcpy(t->addr, a, 16);
		t->side = e->side + 1;
		t->len = e->len;
		t->l = e->l;
		return 0;
	}
	return -ENOSPC;
}

/* dmux_pfx_filter and hlen_always for the sides in c->hash_sides. */
static int write_filter(int fd, const struct hset *h, struct dmux_config *c)
{
	__u32 n = 1U << DMUX_FILTER_BITS, *keys = malloc(n * sizeof(*keys)), count = n;
	struct dmux_pfx_filter *f = calloc(n, sizeof(*f));
	int err = 0;

	if (!keys || !f) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct hent *e = &h->e[i];
		__u32 a0, bit = 0;

		if (!(c->hash_sides & (1U << e->side)))
			continue;
		for (int li = 0; li < c->n_hlen[e->side]; li++)
			if (c->hlen[e->side][li] == e->len)
				bit = 1U << li;
		if (e->len < DMUX_FILTER_LEN(e->side)) {
			c->hlen_always[e->side] |= bit;
			continue;
		}
		memcpy(&a0, e->addr, 4);
		f[dmux_filter_idx(e->side, a0)].m[e->side] |= bit;
	}
	for (__u32 k = 0; k < n; k++)
		keys[k] = k;
	if (bpf_map_update_batch(fd, keys, f, &count, NULL))
		err = -errno;
out:
	free(keys);
	free(f);
	return err;
}

/*
 * Fill dmux_pfx_hash with the sides that fit (fewest entries first, so one
 * big side does not push the small ones out) and record them in @c.
 */
static int write_hash(int fd, int ffd, const struct hset *h, struct dmux_config *c)
{
	size_t sz = (size_t)DMUX_HASH_SLOTS * sizeof(struct dmux_hash_slot);
	struct dmux_hash_slot *tab = calloc(1, sz), *save = malloc(sz);
	size_t nside[DMUX_SIDES] = { 0 }, used = 0;
	__u32 *keys = malloc(DMUX_HASH_SLOTS * sizeof(__u32)), count;
	int done[DMUX_SIDES] = { 0 }, err = 0;

	c->hash_sides = 0;
	memset(c->hlen_always, 0, sizeof(c->hlen_always));
	memset(c->n_hlen, 0, sizeof(c->n_hlen));
	memset(c->hmask, 0, sizeof(c->hmask));
	memset(c->hlen, 0, sizeof(c->hlen));
	if (!tab || !save || !keys) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < h->n; i++)
		nside[h->e[i].side]++;
	for (int round = 0; round < DMUX_SIDES; round++) {
		unsigned char lens[129] = { 0 };
		int s = -1, nl = 0, ok = 1;

		for (int t = 0; t < DMUX_SIDES; t++)
			if (!done[t] && nside[t] && (s < 0 || nside[t] < nside[s]))
				s = t;
		if (s < 0)
			break;
		done[s] = 1;
		for (size_t i = 0; i < h->n; i++)
			if (h->e[i].side == s && !lens[h->e[i].len]++)
				nl++;
		/* at most half full: probe chains stay short */
		if (nl > DMUX_HASH_LENS || 2 * (used + nside[s]) > DMUX_HASH_SLOTS)
			continue;
		memcpy(save, tab, sz);
		for (size_t i = 0; i < h->n && ok; i++)
			if (h->e[i].side == s && hash_place(tab, &h->e[i]))
				ok = 0;
		if (!ok) {
			memcpy(tab, save, sz);
			continue;
		}
		used += nside[s];
		c->hash_sides |= 1U << s;
		for (int len = 128; len >= 0; len--) {
			__u8 m[16], ones[16];
			int li = c->n_hlen[s];

			if (!lens[len])
				continue;
			c->hlen[s][li] = len;
			memset(ones, 0xff, 16);
			mask_to(m, ones, len);
			memcpy(c->hmask[s][li], m, 16);
			c->n_hlen[s]++;
		}
	}
	for (__u32 k = 0; k < DMUX_HASH_SLOTS; k++)
		keys[k] = k;
	count = DMUX_HASH_SLOTS;
	if (bpf_map_update_batch(fd, keys, tab, &count, NULL))
		err = -errno;
	if (!err)
		err = write_filter(ffd, h, c);
out:
	free(tab);
	free(save);
	free(keys);
	return err;
}

static int write_side(int fd, int side, struct pfx_rule *pr, __u32 n, __u32 *count,
		      __u32 *bad, struct hset *hs)
{
	int v6 = side >= DMUX_SRC6;
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
		else
			err = hset_add(hs, side, p, &l);
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
	struct hset hs = { 0 };
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
		err = write_side(f->lpm[s], s, side[s], nside[s], &counts[s], bad, &hs);
	}
	for (s = 0; s < DMUX_SIDES; s++)
		free(side[s]);
	if (!err)
		err = dmux_config_get(f, &c);
	if (!err)
		err = write_hash(f->pfx_hash, f->pfx_filter, &hs, &c);
	free(hs.e);
	if (err)
		return err;
	qsort(wild.ids, wild.n, sizeof(wild.ids[0]), u32_cmp);
	if (bpf_map_update_elem(f->wild, &zero, &wild, BPF_ANY))
		return -errno;
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
