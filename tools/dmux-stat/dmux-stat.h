/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef DMUX_STAT_H
#define DMUX_STAT_H

#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>
#include <linux/ethtool.h>

#include "util.h"

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
	int have_drv_qmap;		/* the driver has the "qmap" private flag */
	__u32 drv_qmap;			/* its mode as DMUX_IF_QMAP* bits */
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
/* ifaces_collect(), then the maps if something is attached (*have); on error nothing is left. */
int ifaces_open(struct iface **list, int *n, struct dmux_fds *f, int *have);
/* Counters from the maps (fds may be NULL: no dmux maps). */
void iface_read_counters(struct iface *i, const struct dmux_fds *f);
int iface_xdp_query(struct iface *i);
int ethtool_drvinfo(const char *ifname, char *driver, size_t len);
int ethtool_stats(const char *ifname, struct ethtool_stats_list *l);
const char *xdp_mode_name(int mode);
/* The driver's QMAP mode from its ethtool private flags (DMUX_IF_QMAP* bits);
 * -ENOENT when it has none. */
int ethtool_qmap_mode(const char *ifname, __u32 *mode);
/* "off", "v1", "v4", "v5" of DMUX_IF_QMAP* bits. */
const char *qmap_mode_name(__u32 flags);
/* The program's QMAP mode differs from the driver's (a refresh is due). */
int qmap_stale(const struct iface *i);
/* Native XDP per the kernel's xdp-features (netdev genetlink, 6.3):
 * 1 yes, 0 no, -1 cannot tell (older kernel). */
int xdp_native_supported(int ifindex);

/* ---- output (show.c) ---- */
void show_table(FILE *o, struct iface *v, int n);
void show_json(FILE *o, struct iface *v, int n, const struct dmux_fds *f);
void show_prometheus(FILE *o, struct iface *v, int n, const struct dmux_fds *f);
void human(char *buf, size_t len, double v, int bytes);

/* One rule as a JSON object (rule.c): the keys the rule is written with. */
struct jw;
void json_rule(struct jw *w, __u32 id, const struct dmux_rule *r, int with_hits, __u64 hits);

/* ---- commands ---- */
int cmd_show(void);		/* show.c */
int cmd_unpin(int argc, char **argv);	/* attach.c */
int cmd_watch(void);
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rule(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_refresh(int argc, char **argv);

#endif
