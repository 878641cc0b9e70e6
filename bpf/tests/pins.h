/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A private pin directory /sys/fs/bpf/PREFIX-PID for a test program, removed
 * at exit, on SIGINT/SIGTERM, and (for dead PIDs) by the next run.
 */
#ifndef DMUX_PINS_H
#define DMUX_PINS_H

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static char pins_dir[64];

static inline void pins_rm(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static inline void pins_cleanup(void)
{
	if (pins_dir[0])
		pins_rm(pins_dir);
	pins_dir[0] = 0;
}

static inline void pins_on_signal(int sig)
{
	pins_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* 0, or -errno (no BPF filesystem). */
static inline int pins_create(const char *prefix)
{
	DIR *d = opendir("/sys/fs/bpf");
	size_t plen = strlen(prefix);
	struct dirent *e;

	while (d && (e = readdir(d))) {	/* leftovers of dead runs */
		char path[300];
		long pid;

		if (strncmp(e->d_name, prefix, plen) || e->d_name[plen] != '-')
			continue;
		pid = strtol(e->d_name + plen + 1, NULL, 10);
		if (pid > 0 && kill(pid, 0) && errno == ESRCH) {
			snprintf(path, sizeof(path), "/sys/fs/bpf/%s", e->d_name);
			pins_rm(path);
		}
	}
	if (d)
		closedir(d);
	snprintf(pins_dir, sizeof(pins_dir), "/sys/fs/bpf/%s-%d", prefix, getpid());
	if (mkdir(pins_dir, 0700)) {
		int err = -errno;

		pins_dir[0] = 0;
		return err;
	}
	atexit(pins_cleanup);
	signal(SIGINT, pins_on_signal);
	signal(SIGTERM, pins_on_signal);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

#endif
