// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX counters: rtnl stats64, netdev-genl queue stats, ethtool -S per
 * channel, and the device-wide counters in debugfs.
 *
 * XDP is the first layer of the stack: every DATA frame a channel receives
 * counts in rx_packets, whatever its XDP verdict; XDP_TX and ndo_xdp_xmit
 * frames count in tx_packets once sent.
 */
#include <linux/debugfs.h>
#include <linux/ethtool.h>
#include <linux/seq_file.h>
#include <net/netdev_queues.h>

#include "bam_dmux.h"

struct bam_dmux_chan_snapshot {
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_dropped;
	u64 tx_errors;
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;
	u64 xdp_tx_err;
	u64 xdp_redirect;
	u64 xdp_redirect_err;
	u64 xdp_aborted;
	u64 xdp_xmit;
	u64 xdp_xmit_err;
	u64 rx_errors;
};

/* Same order as struct bam_dmux_chan_snapshot */
static const char bam_dmux_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets", "rx_bytes", "rx_dropped",
	"tx_packets", "tx_bytes", "tx_dropped", "tx_errors",
	"xdp_pass", "xdp_drop", "xdp_tx", "xdp_tx_err",
	"xdp_redirect", "xdp_redirect_err", "xdp_aborted",
	"xdp_xmit", "xdp_xmit_err",
	"rx_errors",
};

#define BAM_DMUX_NUM_STATS ARRAY_SIZE(bam_dmux_stat_names)
static_assert(sizeof(struct bam_dmux_chan_snapshot) ==
	      BAM_DMUX_NUM_STATS * sizeof(u64));

static void bam_dmux_chan_snapshot(struct bam_dmux *dmux, u8 ch,
				   struct bam_dmux_chan_snapshot *s)
{
	const struct bam_dmux_rx_stats *rs = &dmux->stats[ch].rx;
	const struct bam_dmux_tx_stats *ts = &dmux->stats[ch].tx;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rs->syncp);
		s->rx_packets = rs->packets;
		s->rx_bytes = rs->bytes;
		s->rx_dropped = rs->dropped;
		s->xdp_pass = rs->xdp_pass;
		s->xdp_drop = rs->xdp_drop;
		s->xdp_tx = rs->xdp_tx;
		s->xdp_tx_err = rs->xdp_tx_err;
		s->xdp_redirect = rs->xdp_redirect;
		s->xdp_redirect_err = rs->xdp_redirect_err;
		s->xdp_aborted = rs->xdp_aborted;
		s->rx_errors = rs->errors;
	} while (u64_stats_fetch_retry(&rs->syncp, start));

	do {
		start = u64_stats_fetch_begin(&ts->syncp);
		s->tx_packets = ts->packets;
		s->tx_bytes = ts->bytes;
		s->tx_dropped = ts->dropped;
		s->tx_errors = ts->errors;
		s->xdp_xmit = ts->xdp_xmit;
		s->xdp_xmit_err = ts->xdp_xmit_err;
	} while (u64_stats_fetch_retry(&ts->syncp, start));
}

void bam_dmux_get_stats64(struct net_device *dev,
			  struct rtnl_link_stats64 *stats)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux_chan_snapshot s;

	bam_dmux_chan_snapshot(bndev->dmux, bndev->ch, &s);
	stats->rx_packets = s.rx_packets;
	stats->rx_bytes = s.rx_bytes;
	stats->rx_dropped = s.rx_dropped;
	stats->rx_errors = s.rx_errors;
	stats->rx_frame_errors = s.rx_errors;
	stats->tx_packets = s.tx_packets;
	stats->tx_bytes = s.tx_bytes;
	stats->tx_dropped = s.tx_dropped;
	stats->tx_errors = s.tx_errors;
}

static void bam_dmux_get_queue_stats_rx(struct net_device *dev, int idx,
					struct netdev_queue_stats_rx *rx)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux_chan_snapshot s;

	bam_dmux_chan_snapshot(bndev->dmux, bndev->ch, &s);
	rx->packets = s.rx_packets;
	rx->bytes = s.rx_bytes;
}

static void bam_dmux_get_queue_stats_tx(struct net_device *dev, int idx,
					struct netdev_queue_stats_tx *tx)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux_chan_snapshot s;

	bam_dmux_chan_snapshot(bndev->dmux, bndev->ch, &s);
	tx->packets = s.tx_packets;
	tx->bytes = s.tx_bytes;
}

static void bam_dmux_get_base_stats(struct net_device *dev,
				    struct netdev_queue_stats_rx *rx,
				    struct netdev_queue_stats_tx *tx)
{
	/* Each channel has one queue of each kind, which never goes away. */
	rx->packets = 0;
	rx->bytes = 0;
	tx->packets = 0;
	tx->bytes = 0;
}

const struct netdev_stat_ops bam_dmux_stat_ops = {
	.get_queue_stats_rx	= bam_dmux_get_queue_stats_rx,
	.get_queue_stats_tx	= bam_dmux_get_queue_stats_tx,
	.get_base_stats		= bam_dmux_get_base_stats,
};

static void bam_dmux_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(bndev->dmux->dev),
		sizeof(info->bus_info));
}

/* Same order as the BAM_DMUX_PFLAG_* bits */
static const char bam_dmux_pflag_names[][ETH_GSTRING_LEN] = {
	"qmap", "qmap-csum-v4", "qmap-csum-v5",
};

static_assert(ARRAY_SIZE(bam_dmux_pflag_names) == BAM_DMUX_NUM_PFLAGS);

static int bam_dmux_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return BAM_DMUX_NUM_STATS;
	case ETH_SS_PRIV_FLAGS:
		return BAM_DMUX_NUM_PFLAGS;
	default:
		return -EOPNOTSUPP;
	}
}

static void bam_dmux_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	switch (sset) {
	case ETH_SS_STATS:
		memcpy(data, bam_dmux_stat_names, sizeof(bam_dmux_stat_names));
		break;
	case ETH_SS_PRIV_FLAGS:
		memcpy(data, bam_dmux_pflag_names,
		       sizeof(bam_dmux_pflag_names));
		break;
	}
}

static void bam_dmux_get_ethtool_stats(struct net_device *dev,
				       struct ethtool_stats *stats, u64 *data)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux_chan_snapshot s;

	bam_dmux_chan_snapshot(bndev->dmux, bndev->ch, &s);
	memcpy(data, &s, sizeof(s));
}

static u32 bam_dmux_get_priv_flags(struct net_device *dev)
{
	return bam_dmux_priv(dev)->pflags;
}

/*
 * QMAP mode (docs/qmap.md): configured, never guessed from the bytes. It
 * takes effect with the next DATA frame; the checksum flags say which MAP
 * format the aggregates have, as rmnet's data_format does.
 */
static int bam_dmux_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	enum bam_dmux_map_fmt fmt = BAM_DMUX_MAP_V1, ul = BAM_DMUX_MAP_V1;

	if (flags & ~GENMASK(BAM_DMUX_NUM_PFLAGS - 1, 0))
		return -EINVAL;
	if ((flags & BAM_DMUX_PFLAG_QMAP_CSUM_V4) &&
	    (flags & BAM_DMUX_PFLAG_QMAP_CSUM_V5)) {
		netdev_err(dev, "qmap-csum-v4 and qmap-csum-v5 exclude each other\n");
		return -EINVAL;
	}
	if (flags & BAM_DMUX_PFLAG_QMAP_CSUM_V4) {
		fmt = BAM_DMUX_MAP_V4_DL;
		ul = BAM_DMUX_MAP_V4_UL;
	} else if (flags & BAM_DMUX_PFLAG_QMAP_CSUM_V5) {
		fmt = BAM_DMUX_MAP_V5;
		ul = BAM_DMUX_MAP_V5;
	}

	bndev->pflags = flags;
	WRITE_ONCE(bndev->qmap, flags & BAM_DMUX_PFLAG_QMAP ? fmt + 1 : 0);
	WRITE_ONCE(bndev->qmap_ul, flags & BAM_DMUX_PFLAG_QMAP ? ul + 1 : 0);
	return 0;
}

const struct ethtool_ops bam_dmux_ethtool_ops = {
	.get_drvinfo		= bam_dmux_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= bam_dmux_get_sset_count,
	.get_strings		= bam_dmux_get_strings,
	.get_ethtool_stats	= bam_dmux_get_ethtool_stats,
	.get_priv_flags		= bam_dmux_get_priv_flags,
	.set_priv_flags		= bam_dmux_set_priv_flags,
};

static const char * const bam_dmux_drop_names[BAM_DMUX_DROP_NUM] = {
	[BAM_DMUX_DROP_DMA_ERROR]	= "rx_dma_error",
	[BAM_DMUX_DROP_EMPTY]		= "rx_empty",
	[BAM_DMUX_DROP_INACTIVE]	= "rx_inactive_channel",
};

static int bam_dmux_stats_show(struct seq_file *s, void *unused)
{
	struct bam_dmux *dmux = s->private;
	struct bam_dmux_dev_stats *d = &dmux->dstats;
	int i;

	/* the classes of the lenient parse: the driver never checks padding */
	for (i = BAM_DMUX_WIRE_OK + 1; i < BAM_DMUX_WIRE_NUM_LENIENT; i++)
		seq_printf(s, "rx_%s %llu\n", bam_dmux_wire_err_name(i),
			   READ_ONCE(d->rx_wire_err[i]));
	for (i = 0; i < BAM_DMUX_DROP_NUM; i++)
		seq_printf(s, "%s %llu\n", bam_dmux_drop_names[i],
			   READ_ONCE(d->rx_drop[i]));
	seq_printf(s, "rx_cmd_open %llu\n", READ_ONCE(d->rx_cmd_open));
	seq_printf(s, "rx_cmd_close %llu\n", READ_ONCE(d->rx_cmd_close));
	seq_printf(s, "rx_cmd_open_no_a2_pc %llu\n",
		   READ_ONCE(d->rx_cmd_open_no_a2_pc));
	seq_printf(s, "rx_alloc_fail %llu\n", READ_ONCE(d->rx_alloc_fail));
	seq_printf(s, "rx_prep_fail %llu\n", READ_ONCE(d->rx_prep_fail));
	seq_printf(s, "rx_size_switch %llu\n", READ_ONCE(d->rx_size_switch));
	seq_printf(s, "rx_map_aggr %llu\n", READ_ONCE(d->rx_map_aggr));
	for (i = BAM_DMUX_MAP_OK + 1; i < BAM_DMUX_MAP_NUM_ERR; i++)
		seq_printf(s, "rx_map_%s %llu\n", bam_dmux_map_err_name(i),
			   READ_ONCE(d->rx_map_err[i]));
	seq_printf(s, "tx_prep_fail %ld\n", atomic_long_read(&d->tx_prep_fail));
	seq_printf(s, "tx_map_fail %ld\n", atomic_long_read(&d->tx_map_fail));
	seq_printf(s, "tx_busy %ld\n", atomic_long_read(&d->tx_busy));
	seq_printf(s, "tx_ring_full %ld\n", atomic_long_read(&d->tx_ring_full));
	seq_printf(s, "tx_stall %ld\n", atomic_long_read(&d->tx_stall));
	seq_printf(s, "modem_up %ld\n", atomic_long_read(&d->modem_up));
	seq_printf(s, "modem_down %ld\n", atomic_long_read(&d->modem_down));
	seq_printf(s, "ack_timeout %ld\n", atomic_long_read(&d->ack_timeout));
	seq_printf(s, "power_fail %ld\n", atomic_long_read(&d->power_fail));
	seq_printf(s, "modem_lost %ld\n", atomic_long_read(&d->modem_lost));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bam_dmux_stats);

static int bam_dmux_state_show(struct seq_file *s, void *unused)
{
	struct bam_dmux *dmux = s->private;

	seq_printf(s, "modem_up %d\n", READ_ONCE(dmux->modem_up));
	seq_printf(s, "vote %d\n", READ_ONCE(dmux->vote));
	seq_printf(s, "pc_hold %d\n", READ_ONCE(dmux->pc_hold));
	seq_printf(s, "modem_gone %d\n", READ_ONCE(dmux->modem_gone));
	seq_printf(s, "ack_pending %d\n", atomic_read(&dmux->acks_owed));
	seq_printf(s, "autosuspend_adaptive %d\n", bam_dmux_pm_adaptive(dmux));
	seq_printf(s, "remote_open %#lx\n", READ_ONCE(dmux->remote_open));
	seq_printf(s, "dyn_mtu %d\n", READ_ONCE(dmux->dyn_mtu));
	seq_printf(s, "ul_mtu %u\n", READ_ONCE(dmux->ul_mtu));
	seq_printf(s, "dl_size %u\n", dmux->dl_size);
	seq_printf(s, "rx_large %d\n", READ_ONCE(dmux->rx_large));
	spin_lock_bh(&dmux->tx_lock);
	seq_printf(s, "tx_ready %d\n", dmux->tx_ready);
	seq_printf(s, "tx_queued %u\n", dmux->tx_head - dmux->tx_tail);
	seq_printf(s, "tx_in_flight %u\n", dmux->tx_submitted - dmux->tx_tail);
	seq_printf(s, "tx_watchdog %d\n",
		   delayed_work_pending(&dmux->tx_stall_work));
	spin_unlock_bh(&dmux->tx_lock);
	seq_printf(s, "rx_posted %u\n",
		   READ_ONCE(dmux->rx_tail) - READ_ONCE(dmux->rx_head));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bam_dmux_state);

static struct dentry *bam_dmux_debugfs_root;

void bam_dmux_debugfs_register(void)
{
	bam_dmux_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void bam_dmux_debugfs_unregister(void)
{
	debugfs_remove_recursive(bam_dmux_debugfs_root);
}

void bam_dmux_debugfs_init(struct bam_dmux *dmux)
{
	dmux->debugfs = debugfs_create_dir(dev_name(dmux->dev),
					   bam_dmux_debugfs_root);
	debugfs_create_file("stats", 0400, dmux->debugfs, dmux,
			    &bam_dmux_stats_fops);
	debugfs_create_file("state", 0400, dmux->debugfs, dmux,
			    &bam_dmux_state_fops);
}

void bam_dmux_debugfs_exit(struct bam_dmux *dmux)
{
	debugfs_remove_recursive(dmux->debugfs);
}
