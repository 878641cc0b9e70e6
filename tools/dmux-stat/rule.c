// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* rule add | del | list. Rules match in ascending id order. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "dmux-stat.h"
#include "json.h"

/* A rule as JSON fields, keyed as the rule is written: src, dst, proto
 * (a name where there is one), sport/dport (a number, or "A-B"), mux,
 * family, verdict and its target. */
void json_rule(struct jw *w, __u32 id, const struct dmux_rule *r, int with_hits, __u64 hits)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN];
	int af = r->family == 6 ? AF_INET6 : AF_INET;

	jw_obj(w, NULL);
	jw_u64(w, "id", id);
	if (with_hits)
		jw_u64(w, "hits", hits);
	if (r->family)
		jw_int(w, "family", r->family);
	if (r->flags & DMUX_RF_SRC) {
		snprintf(a, sizeof(a), "%s/%u", inet_ntop(af, r->src, b, sizeof(b)), r->src_len);
		jw_str(w, "src", a);
	}
	if (r->flags & DMUX_RF_DST) {
		snprintf(a, sizeof(a), "%s/%u", inet_ntop(af, r->dst, b, sizeof(b)), r->dst_len);
		jw_str(w, "dst", a);
	}
	if (r->flags & DMUX_RF_PROTO) {
		if (dmux_proto_name(r->proto))
			jw_str(w, "proto", dmux_proto_name(r->proto));
		else
			jw_int(w, "proto", r->proto);
	}
	for (int d = 0; d < 2; d++) {
		__u16 lo = d ? r->dport_lo : r->sport_lo, hi = d ? r->dport_hi : r->sport_hi;

		if (!(r->flags & (d ? DMUX_RF_DPORT : DMUX_RF_SPORT)))
			continue;
		if (lo == hi) {
			jw_int(w, d ? "dport" : "sport", lo);
		} else {
			snprintf(a, sizeof(a), "%u-%u", lo, hi);
			jw_str(w, d ? "dport" : "sport", a);
		}
	}
	if (r->flags & DMUX_RF_MUX)
		jw_int(w, "mux", r->mux_id);
	jw_str(w, "verdict", dmux_verdict_name(r->verdict));
	switch (r->verdict) {
	case DMUX_V_REDIRECT:
		if (if_indextoname(r->target, b))
			jw_str(w, "target", b);
		else
			jw_u64(w, "target", r->target);
		break;
	case DMUX_V_XSK:
		if (r->target == 0xffffffffU)
			jw_str(w, "target", "rxq");
		else
			jw_u64(w, "target", r->target);
		break;
	case DMUX_V_CPU:
		jw_u64(w, "target", r->target);
		break;
	}
	jw_end_obj(w);
}

/* cpu N: the cpumap (created on first use) needs an entry for N. */
static int cpu_target(const struct dmux_fds *f, __u32 cpu)
{
	__u32 q = 0;
	int fd = dmux_cpumap_fd(f, 1), rc = EX_OK;

	if (fd < 0)
		return fail(errno_code(fd), "cpumap: %s", strerror(-fd));
	if (bpf_map_lookup_elem(fd, &cpu, &q) || !q) {
		q = DMUX_CPUMAP_QSIZE;
		if (bpf_map_update_elem(fd, &cpu, &q, BPF_ANY))
			rc = errno == ENODEV || errno == E2BIG ?
			     fail(EX_USAGE, "cpu %u: not a possible CPU of this machine", cpu) :
			     fail(errno_code(errno), "cpumap[%u]: %s", cpu, strerror(errno));
	}
	close(fd);
	return rc;
}

static int rule_add(const struct dmux_fds *f, int argc, char **argv)
{
	char *args[64], err[192], txt[256];
	struct dmux_rule r;
	__u32 *ids, bad, id = 0;
	struct dmux_rule *rules;
	int n = 0, nr, have_id = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--id")) {
			const char *v = i + 1 < argc ? argv[++i] : "";
			char *e;
			unsigned long x = isdigit((unsigned char)*v) ? strtoul(v, &e, 10) : 0;

			if (!isdigit((unsigned char)*v) || *e || x >= DMUX_MAX_RULES)
				return fail(EX_USAGE, "--id 0..%d", DMUX_MAX_RULES - 1);
			id = x;
			have_id = 1;
			continue;
		}
		if (argv[i][0] == '-')
			return fail(EX_USAGE, "rule add: unknown option '%s'", argv[i]);
		if (n == 63)
			return fail(EX_USAGE, "rule add: too many words");
		args[n++] = argv[i];
	}
	if (dmux_rule_parse(n, args, &r, err, sizeof(err)))
		return fail(EX_USAGE, "%s", err);
	dmux_rule_format(&r, txt, sizeof(txt));
	if (err[0])
		warn("%s", err);
	nr = dmux_rules_read(f, &ids, &rules);
	if (nr < 0)
		return fail(errno_code(nr), "read rules: %s", strerror(-nr));
	if (!have_id)
		id = nr ? ids[nr - 1] + 1 : 0;
	rc = EX_OK;
	for (int i = 0; i < nr && !rc; i++) {
		if (have_id && ids[i] == id)
			rc = fail(EX_USAGE, "rule %u exists (rule del %u first)", id, id);
		else if (dmux_rule_same(&rules[i], &r, 0))
			rc = fail(EX_USAGE, "rule %u is the same rule: %s", ids[i], txt);
		else if (dmux_rule_same(&rules[i], &r, 1) && ids[i] < id)
			rc = fail(EX_USAGE, "rule %u matches the same packets first: '%s' would never "
				  "match (rule del %u, or --id below %u)", ids[i], txt, ids[i], ids[i]);
	}
	free(ids);
	free(rules);
	if (rc)
		return rc;
	if (id >= DMUX_MAX_RULES)
		return fail(EX_FAIL, "rule table full (ids up to %d; rule add --id N)",
			    DMUX_MAX_RULES - 1);
	if (r.verdict == DMUX_V_CPU && (rc = cpu_target(f, r.target)))
		return rc;
	if (dmux_rule_put(f, id, &r))
		return fail(errno_code(errno), "store rule: %s", strerror(errno));
	rc = dmux_rules_compile(f, &bad);
	if (rc) {
		dmux_rule_clear(f, id);
		dmux_rules_compile(f, &bad);
		return fail(rc == -E2BIG ? EX_USAGE : errno_code(rc), "rule %u refused: %s", id,
			    rc == -E2BIG ? "more than 16 rules would cover one prefix "
			    "(or more than 16 rules without an address)" : strerror(-rc));
	}
	if (g_opts.json) {
		struct jw w;

		jw_init(&w, g_opts.out, g_opts.pretty);
		json_rule(&w, id, &r, 0, 0);
		jw_done(&w);
	} else {
		printf("rule %u: %s\n", id, txt);
	}
	return EX_OK;
}

static int rule_del(const struct dmux_fds *f, int argc, char **argv)
{
	__u32 *ids, bad;
	struct dmux_rule *rules;
	int nr, found = 0, rc, all;
	unsigned long id = 0;
	char *e = NULL;

	if (argc != 1)
		return fail(EX_USAGE, "usage: dmux-stat rule del ID|all");
	all = !strcmp(argv[0], "all");
	if (!all) {
		if (!isdigit((unsigned char)argv[0][0]))
			return fail(EX_USAGE, "bad rule id '%s' (0..%d or all)", argv[0],
				    DMUX_MAX_RULES - 1);
		errno = 0;
		id = strtoul(argv[0], &e, 10);
		if (*e || errno || id >= DMUX_MAX_RULES)
			return fail(EX_USAGE, "bad rule id '%s' (0..%d or all)", argv[0],
				    DMUX_MAX_RULES - 1);
	}
	nr = dmux_rules_read(f, &ids, &rules);
	if (nr < 0)
		return fail(errno_code(nr), "read rules: %s", strerror(-nr));
	for (int i = 0; i < nr; i++)
		if (all || ids[i] == id) {
			dmux_rule_clear(f, ids[i]);
			found++;
		}
	free(ids);
	free(rules);
	if (!found && !all)
		return fail(EX_USAGE, "no rule %lu", id);
	rc = dmux_rules_compile(f, &bad);
	if (rc)
		return fail(errno_code(rc), "compile rules: %s", strerror(-rc));
	if (g_opts.json) {
		struct jw w;

		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_int(&w, "deleted", found);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("deleted %d rule%s\n", found, found == 1 ? "" : "s");
	}
	return EX_OK;
}

static int rule_list(const struct dmux_fds *f, int argc, char **argv)
{
	struct dmux_rule *rules;
	__u32 *ids;
	int nr;
	char txt[256];
	struct jw w;

	if (argc)
		return fail(EX_USAGE, "rule list takes no arguments ('%s')", argv[0]);
	nr = dmux_rules_read(f, &ids, &rules);
	if (nr < 0)
		return fail(errno_code(nr), "read rules: %s", strerror(-nr));
	if (g_opts.json) {
		jw_init(&w, g_opts.out, g_opts.pretty);
		jw_arr(&w, NULL);
	} else {
		printf("%-6s %12s  %s\n", "ID", "HITS", "RULE");
	}
	for (int i = 0; i < nr; i++) {
		__u64 h = 0;

		dmux_percpu_sum(f->hits, ids[i], &h, sizeof(h));
		if (g_opts.json) {
			json_rule(&w, ids[i], &rules[i], 1, h);
		} else {
			dmux_rule_format(&rules[i], txt, sizeof(txt));
			printf("%-6u %12llu  %s\n", ids[i], (unsigned long long)h, txt);
		}
	}
	if (g_opts.json) {
		jw_end_arr(&w);
		jw_done(&w);
	}
	free(ids);
	free(rules);
	return EX_OK;
}

int cmd_rule(int argc, char **argv)
{
	struct dmux_fds f;
	int rc, lock = -1, edit;

	if (argc < 1)
		return fail(EX_USAGE, "usage: dmux-stat rule add|del|list ... (dmux-stat rule --help)");
	edit = !strcmp(argv[0], "add") || !strcmp(argv[0], "del");
	if (!edit && strcmp(argv[0], "list"))
		return fail(EX_USAGE, "unknown rule command '%s' (add, del, list)", argv[0]);
	if ((rc = check_caps(0)) || (rc = check_bpffs()))
		return rc;
	/* read, choose an id, store, compile: one editor at a time */
	if (edit && (lock = edit_lock()) < 0)
		return -lock;
	if ((rc = open_maps(&f, 1))) {
		edit_unlock(lock);
		return rc;
	}
	if (!strcmp(argv[0], "add"))
		rc = rule_add(&f, argc - 1, argv + 1);
	else if (!strcmp(argv[0], "del"))
		rc = rule_del(&f, argc - 1, argv + 1);
	else
		rc = rule_list(&f, argc - 1, argv + 1);
	dmux_fds_close(&f);
	edit_unlock(lock);
	return rc;
}
