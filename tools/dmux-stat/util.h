/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pieces every command uses: global options, error reporting (text or
 * bpftool's {"error": "..."} JSON), exit codes, privilege and BPF filesystem
 * checks, the pin directory, its edit lock and the pinned maps.
 */
#ifndef DMUX_STAT_UTIL_H
#define DMUX_STAT_UTIL_H

#include <stdio.h>
#include "dmux_user.h"

/* Exit codes (documented in --help and dmux-stat.8). */
enum {
	EX_OK = 0,
	EX_FAIL = 1,		/* runtime failure */
	EX_USAGE = 2,		/* bad command line, or a rule that cannot work */
	EX_PRIV = 3,		/* needs CAP_BPF + CAP_NET_ADMIN */
	EX_NOIF = 4,		/* no such interface */
	EX_NOBPFFS = 5,		/* no BPF filesystem at /sys/fs/bpf (and cannot mount one) */
	EX_FOREIGN = 6,		/* XDP program of another tool attached */
	EX_NOXDP = 7,		/* kernel/driver without BPF or XDP */
	EX_NOMAPS = 8,		/* dmux maps not pinned: nothing attached yet */
	EX_STALE = 9,		/* pinned maps of another dmux.bpf layout */
};

struct opts {
	int json, pretty, prometheus, force, all, debug;
	double watch;		/* seconds; 0 = no watch */
	const char *pin_dir;
	const char *ifnames[16];
	int n_ifnames;
	FILE *out;
};

extern struct opts g_opts;

/* Report an error (stderr, or {"error": "..."} on stdout with -j/-p) and
 * return @code. Only one error is reported per run. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning on stderr; the command goes on. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* errno -> exit code for BPF syscalls (EPERM -> EX_PRIV, ...). */
int errno_code(int err);
/* Mount a BPF filesystem at /sys/fs/bpf when none is there (as ip and bpftool do). */
int check_bpffs(void);
int check_caps(int net_admin);

/* The pin directory: --pin-dir, else DMUX_PIN_DIR. */
const char *pin_dir(void);
int mkdir_p(const char *dir);
/*
 * Serialise edits of the pinned maps (rules, ifcfg, config, attach, unpin):
 * an exclusive flock(2) on the pin directory, as libxdp locks its bpffs
 * directory. Blocks until the lock is free. Returns the lock fd (>= 0) or
 * an exit code as a negative number; the lock is released by edit_unlock
 * or at exit.
 */
int edit_lock(void);
void edit_unlock(int fd);

/* Open the pinned maps: 0, or an exit code (message printed if @need). */
int open_maps(struct dmux_fds *f, int need);
/* Message for a failed dmux_fds_from_pins/dmux_obj_check (-EUCLEAN). */
int maps_error(int err, const char *dir);

#endif
