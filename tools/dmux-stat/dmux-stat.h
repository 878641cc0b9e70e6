/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef DMUX_STAT_H
#define DMUX_STAT_H

#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>
#include <linux/ethtool.h>
#include "dmux_user.h"

/* Exit codes (documented in --help and dmux-stat.8). */
enum {
	EX_OK = 0,
	EX_FAIL = 1,		/* runtime failure */
	EX_USAGE = 2,		/* bad command line */
	EX_PRIV = 3,		/* needs CAP_BPF + CAP_NET_ADMIN */
	EX_NOIF = 4,		/* no such interface */
	EX_NOBPFFS = 5,		/* no BPF filesystem at /sys/fs/bpf */
	EX_FOREIGN = 6,		/* XDP program of another tool attached */
	EX_NOXDP = 7,		/* kernel/driver without BPF or XDP */
	EX_NOMAPS = 8,		/* dmux maps not pinned: nothing attached yet */
};

struct opts {
	int json, pretty, prometheus, force, all;
	double watch;		/* seconds; 0 = no watch */
	const char *pin_dir;
	const char *ifnames[16];
	int n_ifnames;
	FILE *out;
};

extern struct opts g_opts;

/* Report an error, return the exit code to use. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* errno -> exit code for BPF syscalls (EPERM -> EX_PRIV, ...). */
int errno_code(int err);
int check_bpffs(void);
int check_caps(int net_admin);

/* ---- interfaces (iface.c) ---- */
#define XDP_MODE_NONE 0
struct ethtool_stats_list {
	int n;
	char (*names)[ETH_GSTRING_LEN + 1];
	__u64 *vals;
};

struct iface {
	char name[IF_NAMESIZE];
	int ifindex;
	char link[16];			/* operstate */
	char driver[32];
	__u32 prog_id;
	int xdp_mode;			/* XDP_ATTACHED_* */
	char prog_name[32];
	int have_cfg;
	struct dmux_ifcfg cfg;
	int is_dmux;			/* attached prog is dmux_xdp */
	int have_stats;
	struct dmux_chan_stats st;
	int n_mux;
	struct { __u32 mux; struct dmux_mux_stats s; } *mux;
	struct ethtool_stats_list et;
};

/* Fill @list with the selected interfaces (-i, or every wwan/BAM-DMUX one). */
int ifaces_collect(struct iface **list, int *n);
void ifaces_free(struct iface *list, int n);
/* Counters from the maps (fds may be NULL: no dmux maps). */
void iface_read_counters(struct iface *i, const struct dmux_fds *f);
int iface_xdp_query(struct iface *i);
int ethtool_drvinfo(const char *ifname, char *driver, size_t len);
int ethtool_stats(const char *ifname, struct ethtool_stats_list *l);
const char *xdp_mode_name(int mode);

/* ---- output (show.c) ---- */
void show_table(FILE *o, struct iface *v, int n);
void show_json(FILE *o, struct iface *v, int n, const struct dmux_fds *f);
void show_prometheus(FILE *o, struct iface *v, int n, const struct dmux_fds *f);
void human(char *buf, size_t len, double v, int bytes);

/* ---- commands ---- */
int cmd_show(void);
int cmd_watch(void);
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rule(int argc, char **argv);
int cmd_config(int argc, char **argv);

/* Open the pinned maps: 0, or an exit code (message printed if @need). */
int open_maps(struct dmux_fds *f, int need);

#endif
