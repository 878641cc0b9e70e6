// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `qmap` firmware's data plane: built-in multiplexing off, one channel
 * (SIM_QMAP_CH) carrying MAP aggregates, and the modem's end of each PDN as a
 * Raw-IP netdev per mux id (mdmq1..mdmqN, mux ids 1..N).
 *
 * DL: a packet sent on mdmqM becomes a MAP frame (format qmap_fmt) appended
 * to the channel's aggregate, which goes to the host as one DATA frame when
 * it holds qmap_agg frames, when the next frame would not fit the DL size,
 * when the netdev's queue stopped, or a jiffy after its first frame,
 * whichever comes first: a modem's aggregation timer.
 *
 * UL: DATA from the host on the channel is walked strictly; each frame is
 * delivered to the netdev of its mux id, or counted by class and dropped.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "../bam_dmux_map.h"
#include "sim.h"

struct sim_mdmq {
	struct sim_modem *sim;
	u8 mux;
	struct sim_ndev_stats st;
};

static enum bam_dmux_map_fmt sim_qmap_dl_fmt(struct sim_modem *sim)
{
	switch (READ_ONCE(sim->qmap_fmt)) {
	case 4:
		return BAM_DMUX_MAP_V4_DL;
	case 5:
		return BAM_DMUX_MAP_V5;
	default:
		return BAM_DMUX_MAP_V1;
	}
}

static enum bam_dmux_map_fmt sim_qmap_ul_fmt(struct sim_modem *sim)
{
	switch (READ_ONCE(sim->qmap_fmt)) {
	case 4:
		return BAM_DMUX_MAP_V4_UL;
	case 5:
		return BAM_DMUX_MAP_V5;
	default:
		return BAM_DMUX_MAP_V1;
	}
}

/* Send the aggregate being built, if any. q->lock held. */
static void sim_qmap_flush_locked(struct sim_modem *sim)
{
	struct sim_qmap *q = &sim->qmap;
	struct bam_dmux_hdr hdr;

	if (!q->frames)
		return;
	/* built under the qmap firmware, which is gone: lost with it */
	if (READ_ONCE(sim->fw) != SIM_FW_QMAP) {
		sim_count(sim, SIM_CNT_DL_MAP_DROPPED, q->frames);
		q->len = 0;
		q->frames = 0;
		return;
	}
	bam_dmux_hdr_build(&hdr, BAM_DMUX_CMD_DATA, SIM_QMAP_CH, q->len);
	hdr.signal = sim_modem_data_signal(sim);
	if (sim_rx_send(sim, &hdr, q->buf, q->len, SIM_RX_BACKLOG)) {
		sim_count(sim, SIM_CNT_DL_MAP_DROPPED, q->frames);
	} else {
		sim_count(sim, SIM_CNT_DL_MAP_AGGR, 1);
		sim_count(sim, SIM_CNT_DL_MAP_FRAMES, q->frames);
	}
	q->len = 0;
	q->frames = 0;
}

static void sim_qmap_flush_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(to_delayed_work(work),
					     struct sim_modem, qmap.flush_work);

	spin_lock_bh(&sim->qmap.lock);
	sim_qmap_flush_locked(sim);
	spin_unlock_bh(&sim->qmap.lock);
}

static netdev_tx_t sim_mdmq_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sim_mdmq *m = netdev_priv(dev);
	struct sim_modem *sim = m->sim;
	struct sim_qmap *q = &sim->qmap;
	enum bam_dmux_map_fmt fmt = sim_qmap_dl_fmt(sim);
	unsigned int len = skb->len;
	u32 size, max = sim_modem_dl_max(sim);

	size = bam_dmux_map_frame_size(fmt, false, len);
	if (READ_ONCE(sim->fw) != SIM_FW_QMAP || !len || size > max ||
	    !sim_modem_ch_open(sim, SIM_QMAP_CH) || skb_linearize(skb))
		goto drop;

	spin_lock(&q->lock);
	/* one format per aggregate: a qmap_fmt change starts a new one */
	if (q->len + size > max || (q->frames && q->fmt != fmt))
		sim_qmap_flush_locked(sim);
	q->fmt = fmt;
	if (!bam_dmux_map_build(q->buf + q->len, max - q->len, fmt, false,
				m->mux, len)) {
		spin_unlock(&q->lock);
		goto drop;
	}
	memcpy(q->buf + q->len + bam_dmux_map_data_off(fmt, false), skb->data,
	       len);
	q->len += size;
	/* full, or its queue stopped under it: send; else within a jiffy */
	if (++q->frames >= READ_ONCE(sim->qmap_agg) ||
	    netif_xmit_stopped(netdev_get_tx_queue(dev, 0)))
		sim_qmap_flush_locked(sim);
	else if (q->frames == 1)
		mod_delayed_work(system_wq, &q->flush_work, 1);
	spin_unlock(&q->lock);

	atomic64_inc(&m->st.tx_packets);
	atomic64_add(len, &m->st.tx_bytes);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	atomic64_inc(&m->st.tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* One UL MAP frame's packet for mux @mux. */
static void sim_qmap_deliver(struct sim_modem *sim, u8 mux, const u8 *data,
			     unsigned int len)
{
	struct net_device *dev = NULL;
	struct sim_mdmq *m;
	struct sk_buff *skb;

	if (mux >= 1 && mux <= SIM_QMAP_MUXES)
		dev = sim->qmap.dev[mux - 1];
	if (!dev) {
		sim_count(sim, SIM_CNT_UL_MAP_NO_MUX, 1);
		return;
	}
	m = netdev_priv(dev);
	if (!netif_running(dev))
		goto drop;
	skb = netdev_alloc_skb(dev, len);
	if (!skb)
		goto drop;
	skb_put_data(skb, data, len);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	switch (bam_dmux_ip_version(data, len)) {
	case 4:
		skb->protocol = htons(ETH_P_IP);
		break;
	case 6:
		skb->protocol = htons(ETH_P_IPV6);
		break;
	default:
		dev_kfree_skb_any(skb);
		goto drop;
	}
	atomic64_inc(&m->st.rx_packets);
	atomic64_add(len, &m->st.rx_bytes);
	sim_count(sim, SIM_CNT_UL_MAP_FRAMES, 1);
	netif_rx(skb);
	return;

drop:
	atomic64_inc(&m->st.rx_dropped);
}

/* DATA from the host on the QMAP channel, BH context. */
void sim_qmap_ul(struct sim_modem *sim, const u8 *buf, unsigned int len)
{
	enum bam_dmux_map_fmt fmt = sim_qmap_ul_fmt(sim);
	struct bam_dmux_map_frame f;
	enum bam_dmux_map_err err;
	u32 off;

	for (off = 0; off < len; off = f.next) {
		err = bam_dmux_map_next(buf, len, off, fmt, &f);
		if (err) {
			sim_count(sim, SIM_CNT_UL_MAP_ERR + err - 1, 1);
			continue;
		}
		if (f.cmd) {
			sim_count(sim, SIM_CNT_UL_MAP_CMDS, 1);
			continue;
		}
		sim_qmap_deliver(sim, f.mux_id, buf + f.data_off, f.data_len);
	}
}

static void sim_mdmq_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *s)
{
	struct sim_mdmq *m = netdev_priv(dev);

	sim_ndev_stats64(&m->st, s);
}

static const struct net_device_ops sim_mdmq_ops = {
	.ndo_start_xmit		= sim_mdmq_xmit,
	.ndo_get_stats64	= sim_mdmq_get_stats64,
};

static void sim_mdmq_setup(struct net_device *dev)
{
	sim_rawip_setup(dev);
	dev->netdev_ops = &sim_mdmq_ops;
	dev->max_mtu = bam_dmux_max_data_size(BAM_DMUX_MAX_BUFFER_SIZE) -
		       BAM_DMUX_MAP_HDR_SIZE - BAM_DMUX_MAP_TRAILER_SIZE;
}

/* Stop or wake the mdmq queues with the mdm ones; RX pipe lock held. */
void sim_qmap_flow(struct sim_modem *sim, bool stop)
{
	struct net_device *dev;
	int i;

	for (i = 0; i < SIM_QMAP_MUXES; i++) {
		dev = sim->qmap.dev[i];
		if (!dev)
			continue;
		if (stop)
			netif_stop_queue(dev);
		else
			netif_wake_queue(dev);
	}
}

int sim_qmap_register(struct sim_modem *sim)
{
	struct sim_qmap *q = &sim->qmap;
	struct net_device *dev;
	struct sim_mdmq *m;
	char name[IFNAMSIZ];
	int i, ret;

	spin_lock_init(&q->lock);
	INIT_DELAYED_WORK(&q->flush_work, sim_qmap_flush_work);
	q->buf = kmalloc(SIM_MAX_XFER, GFP_KERNEL);
	if (!q->buf)
		return -ENOMEM;

	for (i = 0; i < SIM_QMAP_MUXES; i++) {
		snprintf(name, sizeof(name), "mdmq%d", i + 1);
		dev = alloc_netdev(sizeof(*m), name, NET_NAME_PREDICTABLE,
				   sim_mdmq_setup);
		if (!dev) {
			ret = -ENOMEM;
			goto err;
		}
		SET_NETDEV_DEV(dev, sim->dev);
		m = netdev_priv(dev);
		m->sim = sim;
		m->mux = i + 1;
		ret = register_netdev(dev);
		if (ret) {
			free_netdev(dev);
			goto err;
		}
		q->dev[i] = dev;
	}
	return 0;

err:
	sim_qmap_unregister(sim);
	return ret;
}

void sim_qmap_unregister(struct sim_modem *sim)
{
	struct sim_qmap *q = &sim->qmap;
	struct net_device *dev;
	int i;

	/* never registered (its work is not even initialised) */
	if (!q->buf)
		return;
	for (i = 0; i < SIM_QMAP_MUXES; i++) {
		dev = q->dev[i];
		if (!dev)
			continue;
		/*
		 * sim_qmap_flow() looks under the RX pipe's lock, which exists
		 * once the DMA engine was registered (after the netdevs)
		 */
		if (sim->dma_registered) {
			spin_lock_irq(&sim->chans[SIM_PIPE_RX].lock);
			q->dev[i] = NULL;
			spin_unlock_irq(&sim->chans[SIM_PIPE_RX].lock);
		} else {
			q->dev[i] = NULL;
		}
		unregister_netdev(dev);
		free_netdev(dev);
	}
	cancel_delayed_work_sync(&q->flush_work);
	kfree(q->buf);
	q->buf = NULL;
}
