// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* rule add | del | list. Rules match in ascending id order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "dmux-stat.h"
#include "json.h"

static int rule_add(const struct dmux_fds *f, int argc, char **argv)
{
	char *args[64], err[160];
	struct dmux_rule r;
	__u32 *ids, bad, id;
	struct dmux_rule *rules;
	int n = 0, nr, have_id = 0, rc;

	for (int i = 0; i < argc && n < 63; i++) {
		if (!strcmp(argv[i], "--id") && i + 1 < argc) {
			char *e;
			unsigned long v = strtoul(argv[++i], &e, 0);

			if (*e || v >= DMUX_MAX_RULES)
				return fail(EX_USAGE, "--id 0..%d", DMUX_MAX_RULES - 1);
			id = v;
			have_id = 1;
			continue;
		}
		args[n++] = argv[i];
	}
	if (dmux_rule_parse(n, args, &r, err, sizeof(err)))
		return fail(EX_USAGE, "%s", err);
	if (r.verdict == DMUX_V_CPU) {	/* the cpumap and its entry must exist */
		__u32 q = 0, k = r.target;
		int cfd;

		if (k >= (__u32)dmux_ncpus())
			return fail(EX_USAGE, "cpu %u: this machine's possible CPUs are 0..%d", k,
				    dmux_ncpus() - 1);
		cfd = dmux_cpumap_fd(f, 1);
		if (cfd < 0)
			return fail(errno_code(cfd), "cpumap: %s", strerror(-cfd));
		if (bpf_map_lookup_elem(cfd, &k, &q) || !q) {
			q = DMUX_CPUMAP_QSIZE;
			if (bpf_map_update_elem(cfd, &k, &q, BPF_ANY)) {
				rc = fail(errno_code(errno), "cpumap[%u]: %s", k, strerror(errno));
				close(cfd);
				return rc;
			}
		}
		close(cfd);
	}
	nr = dmux_rules_read(f, &ids, &rules);
	if (nr < 0)
		return fail(errno_code(nr), "read rules: %s", strerror(-nr));
	if (!have_id)
		id = nr ? ids[nr - 1] + 1 : 0;
	for (int i = 0; i < nr; i++)
		if (have_id && ids[i] == id) {
			free(ids);
			free(rules);
			return fail(EX_USAGE, "rule %u exists (rule del %u first)", id, id);
		}
	free(ids);
	free(rules);
	if (id >= DMUX_MAX_RULES)
		return fail(EX_FAIL, "rule table full");
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
	dmux_rule_format(&r, err, sizeof(err));
	printf("rule %u: %s\n", id, err);
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
		id = strtoul(argv[0], &e, 0);
		if (*e || e == argv[0])
			return fail(EX_USAGE, "bad rule id '%s'", argv[0]);
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
	printf("deleted %d rule%s\n", found, found == 1 ? "" : "s");
	return EX_OK;
}

static int rule_list(const struct dmux_fds *f)
{
	struct dmux_rule *rules;
	__u32 *ids;
	int nr = dmux_rules_read(f, &ids, &rules);
	char txt[256];
	struct jw w;

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
		dmux_rule_format(&rules[i], txt, sizeof(txt));
		if (g_opts.json) {
			jw_obj(&w, NULL);
			jw_u64(&w, "id", ids[i]);
			jw_u64(&w, "hits", h);
			jw_str(&w, "verdict", dmux_verdict_name(rules[i].verdict));
			jw_str(&w, "rule", txt);
			jw_end_obj(&w);
		} else {
			printf("%-6u %12llu  %s\n", ids[i], (unsigned long long)h, txt);
		}
	}
	if (g_opts.json) {
		jw_end_arr(&w);
		jw_done(&w);
	}
	if (nr > 0) {
		free(ids);
		free(rules);
	}
	return EX_OK;
}

int cmd_rule(int argc, char **argv)
{
	struct dmux_fds f;
	int rc;

	if (argc < 1)
		return fail(EX_USAGE, "usage: dmux-stat rule add|del|list ...");
	if ((rc = open_maps(&f, 1)))
		return rc;
	if (!strcmp(argv[0], "add"))
		rc = rule_add(&f, argc - 1, argv + 1);
	else if (!strcmp(argv[0], "del"))
		rc = rule_del(&f, argc - 1, argv + 1);
	else if (!strcmp(argv[0], "list"))
		rc = rule_list(&f);
	else
		rc = fail(EX_USAGE, "unknown rule command '%s'", argv[0]);
	dmux_fds_close(&f);
	return rc;
}
