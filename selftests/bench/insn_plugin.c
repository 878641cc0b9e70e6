// SPDX-License-Identifier: GPL-2.0-only
/*
 * insn_plugin: a QEMU TCG plugin (the host's QEMU, plugin API version 1 of
 * QEMU 7.2 and later) that counts the instructions each vCPU executes, to
 * check the bench's measure against (`make bench-validate`,
 * docs/performance.md). Under -icount shift=0 the guest's clock is the sum
 * of these counts (and the warps while every vCPU is idle); the guest's idle
 * accounting cannot tell a vCPU that waits for its turn from one that runs.
 *
 * Each time a vCPU executes the marker `hint #0x73` (a NOP; bench_run
 * executes it before and after a run) the plugin appends a line to the file
 * of its argument out=PATH:
 *
 *   MARK SEQ VCPU COUNT0 COUNT1 ...
 *
 * COUNTn: instructions vCPU n executed since start (counted per translation
 * block at its entry: a block left early by an exception counts whole).
 *
 * prof=PATH adds a profile of vCPU 0 (the host's CPU): at each marker, the
 * instructions it executed since the previous one, per translation block,
 *
 *   PROF SEQ
 *   PC INSNS        (one line per block start address that ran)
 *
 * which scripts/bench-profile attributes to the guest's symbols.
 * Built for the host: cc -shared -fPIC. No QEMU headers needed: the few
 * functions used are declared here as plugin API version 1 has them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_VCPUS 16
#define MARKER 0xd5032e7fu	/* hint #0x73 */

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info;
typedef void (*vcpu_udata_cb)(unsigned int vcpu, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t i);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, vcpu_udata_cb cb,
					  int flags, void *udata);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, vcpu_udata_cb cb,
					    int flags, void *udata);

EXPORT int qemu_plugin_version = 1;

/* TCG runs every vCPU in one thread under icount: no atomics needed */
static uint64_t counts[MAX_VCPUS];
static unsigned int nvcpus = 1;
static unsigned long seq;
static FILE *out;

/* the profile: one record per translation of a block, all in one list */
struct tb_rec {
	uint64_t pc;
	uint64_t insns;		/* of vCPU 0 since the last marker */
	struct tb_rec *next;
	unsigned int n;
};
static struct tb_rec *recs;
static FILE *prof;

static void tb_exec(unsigned int vcpu, void *udata)
{
	if (vcpu < MAX_VCPUS) {
		counts[vcpu] += (uintptr_t)udata;
		if (vcpu + 1 > nvcpus)
			nvcpus = vcpu + 1;
	}
}

static void tb_exec_prof(unsigned int vcpu, void *udata)
{
	struct tb_rec *r = udata;

	tb_exec(vcpu, (void *)(uintptr_t)r->n);
	if (vcpu == 0)
		r->insns += r->n;
}

static void mark(unsigned int vcpu, void *udata)
{
	(void)udata;
	if (prof) {
		fprintf(prof, "PROF %lu\n", seq);
		for (struct tb_rec *r = recs; r; r = r->next) {
			if (r->insns)
				fprintf(prof, "%llx %llu\n", (unsigned long long)r->pc,
					(unsigned long long)r->insns);
			r->insns = 0;
		}
		fflush(prof);
	}
	fprintf(out, "MARK %lu %u", seq++, vcpu);
	for (unsigned int i = 0; i < nvcpus; i++)
		fprintf(out, " %llu", (unsigned long long)counts[i]);
	fputc('\n', out);
	fflush(out);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	if (prof) {
		struct tb_rec *r = calloc(1, sizeof(*r));

		if (!r)
			abort();
		r->pc = qemu_plugin_tb_vaddr(tb);
		r->n = n;
		r->next = recs;
		recs = r;
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec_prof, 0, r);
	} else {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, 0, (void *)(uintptr_t)n);
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t word;

		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&word, qemu_plugin_insn_data(insn), 4);
		if (word == MARKER)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark, 0, NULL);
	}
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info *info,
			       int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			out = fopen(argv[i] + 4, "w");
		else if (!strncmp(argv[i], "prof=", 5) && !(prof = fopen(argv[i] + 5, "w")))
			return -1;
	}
	if (!out) {
		fprintf(stderr, "insn_plugin: needs out=PATH (a writable file)\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
