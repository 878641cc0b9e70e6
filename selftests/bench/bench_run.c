// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_run: the bench's guest-side helper (static arm64, /opt/bam-dmux/bin).
 *
 *   bench_run gen SIMDIR 'ARGS'   one generator run, with the CPUs' busy time
 *   bench_run pin CPU PROG [ARG...]  exec PROG on CPU alone
 *
 * gen moves itself to the last online CPU (the modem model's), reads every
 * CPU's idle time from /sys/kernel/debug/cpubusy (the cpubusy module: the
 * kernel's nohz idle accounting, microseconds), writes ARGS to SIMDIR/gen,
 * polls SIMDIR/gen every 10 ms until its state is "done" and reads the idle
 * times again. It prints one line:
 *
 *   sent refused elapsed_ns interval_ns busy0_ns busy1_ns ...
 *
 * elapsed_ns is the generator's own time for the run; interval_ns the time
 * between the two reads (it adds the tail: the last frames' processing and
 * up to 10 ms of both CPUs idle); busyN_ns is interval_ns less the idle time
 * of CPU N over it. Its own work (the polls) is on the model's CPU: the
 * host's CPU (the first, where the BAM interrupt and NAPI run) does nothing
 * for the measure between the two reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 8
#define CPUBUSY "/sys/kernel/debug/cpubusy"
#define POLL_NS 10000000L
#define LIMIT_POLLS 60000	/* 600 s */

struct snap {
	int n;
	unsigned long long now_ns;
	long long idle_us[MAX_CPUS];
};

/*
 * A NOP that selftests/bench/insn_plugin.c, a QEMU plugin of the validation
 * run, looks for: it records every vCPU's instruction count there.
 */
static inline void insn_mark(void)
{
#ifdef __aarch64__
	__asm__ volatile("hint #0x73" ::: "memory");
#endif
}

static void die(const char *what)
{
	fprintf(stderr, "bench_run: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die(path);
	n = read(fd, buf, size - 1);
	if (n < 0)
		die(path);
	close(fd);
	buf[n] = '\0';
	return (size_t)n;
}

/* "cpu NOW_NS IDLE_US IOWAIT_US" per online CPU: idle is both. */
static void snap(struct snap *s)
{
	char buf[1024], *p = buf;
	int cpu, used;
	unsigned long long now;
	long long idle, iowait;

	slurp(CPUBUSY, buf, sizeof(buf));
	s->n = 0;
	while (sscanf(p, "%d %llu %lld %lld%n", &cpu, &now, &idle, &iowait, &used) == 4) {
		if (cpu < 0 || cpu >= MAX_CPUS || idle < 0 || iowait < 0) {
			errno = 0;
			die("cpubusy: no idle accounting");
		}
		if (!s->n)
			s->now_ns = now;
		s->idle_us[cpu] = idle + iowait;
		if (cpu + 1 > s->n)
			s->n = cpu + 1;
		p += used;
	}
	if (!s->n) {
		errno = 0;
		die("cpubusy: nothing read");
	}
}

/* value of "KEY value" in SIMDIR/gen */
static unsigned long long gen_get(const char *text, const char *key)
{
	size_t k = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtoull(p + k + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static int gen(const char *simdir, const char *args)
{
	char path[256], text[1024];
	struct timespec ts = { 0, POLL_NS };
	struct snap a, b;
	int fd, i;

	if (pin(sysconf(_SC_NPROCESSORS_ONLN) - 1))
		die("sched_setaffinity");
	snprintf(path, sizeof(path), "%s/gen", simdir);
	insn_mark();
	snap(&a);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, args, strlen(args)) < 0)
		die(path);
	close(fd);
	for (i = 0; i < LIMIT_POLLS; i++) {
		nanosleep(&ts, NULL);
		slurp(path, text, sizeof(text));
		if (strstr(text, "state done"))
			break;
	}
	snap(&b);
	insn_mark();
	if (i == LIMIT_POLLS) {
		errno = 0;
		die("generator did not finish");
	}
	printf("%llu %llu %llu %llu", gen_get(text, "sent"), gen_get(text, "refused"),
	       gen_get(text, "elapsed_ns"), b.now_ns - a.now_ns);
	for (i = 0; i < a.n && i < b.n; i++)
		printf(" %lld", (long long)(b.now_ns - a.now_ns) -
		       (b.idle_us[i] - a.idle_us[i]) * 1000);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen"))
		return gen(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "pin")) {
		if (pin(atoi(argv[2])))
			die("sched_setaffinity");
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}
	fprintf(stderr, "usage: bench_run gen SIMDIR 'ARGS' | pin CPU PROG [ARG...]\n");
	return 2;
}
