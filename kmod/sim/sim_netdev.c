// SPDX-License-Identifier: GPL-2.0-only
/*
 * The modem's side of the data channels: one Raw-IP netdev per channel,
 * mdm0..mdm7. A packet sent on mdmN goes to the host as DATA on channel N;
 * DATA the host sends on channel N comes out of mdmN.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <net/pkt_sched.h>

#include "sim.h"

struct sim_mdm {
	struct sim_modem *sim;
	u8 ch;
	struct sim_ndev_stats st;
};

static netdev_tx_t sim_mdm_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sim_mdm *m = netdev_priv(dev);
	struct bam_dmux_hdr hdr;
	unsigned int len = skb->len;

	if (len > sim_modem_dl_max(m->sim) ||
	    !sim_modem_ch_open(m->sim, m->ch) || skb_linearize(skb))
		goto drop;

	bam_dmux_hdr_build(&hdr, BAM_DMUX_CMD_DATA, m->ch, len);
	hdr.signal = sim_modem_data_signal(m->sim);
	if (sim_rx_send(m->sim, &hdr, skb->data, len, SIM_RX_BACKLOG))
		goto drop;

	atomic64_inc(&m->st.tx_packets);
	atomic64_add(len, &m->st.tx_bytes);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	atomic64_inc(&m->st.tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static void sim_mdm_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *s)
{
	struct sim_mdm *m = netdev_priv(dev);

	sim_ndev_stats64(&m->st, s);
}

static const struct net_device_ops sim_mdm_ops = {
	.ndo_start_xmit		= sim_mdm_xmit,
	.ndo_get_stats64	= sim_mdm_get_stats64,
};

void sim_ndev_stats64(struct sim_ndev_stats *st, struct rtnl_link_stats64 *s)
{
	s->rx_packets = atomic64_read(&st->rx_packets);
	s->rx_bytes = atomic64_read(&st->rx_bytes);
	s->rx_dropped = atomic64_read(&st->rx_dropped);
	s->tx_packets = atomic64_read(&st->tx_packets);
	s->tx_bytes = atomic64_read(&st->tx_bytes);
	s->tx_dropped = atomic64_read(&st->tx_dropped);
}

/* A Raw-IP point-to-point netdev; the caller sets its ops and max_mtu. */
void sim_rawip_setup(struct net_device *dev)
{
	dev->type = ARPHRD_RAWIP;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
}

static void sim_mdm_setup(struct net_device *dev)
{
	sim_rawip_setup(dev);
	dev->netdev_ops = &sim_mdm_ops;
	/* what a 2 KiB buffer takes, or a DL-size one (sim_modem_dl_max()) */
	dev->max_mtu = bam_dmux_max_data_size(BAM_DMUX_MAX_BUFFER_SIZE);
}

/* DATA from the host on @ch, BH context. */
void sim_netdev_rx(struct sim_modem *sim, u8 ch, const void *payload,
		   unsigned int len)
{
	struct net_device *dev = sim->mdm[ch];
	struct sim_mdm *m;
	struct sk_buff *skb;

	if (!dev)
		return;
	m = netdev_priv(dev);
	if (!netif_running(dev) || !len)
		goto drop;

	skb = netdev_alloc_skb(dev, len);
	if (!skb)
		goto drop;
	skb_put_data(skb, payload, len);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	switch (bam_dmux_ip_version(payload, len)) {
	case 4:
		skb->protocol = htons(ETH_P_IP);
		break;
	case 6:
		skb->protocol = htons(ETH_P_IPV6);
		break;
	default:
		skb->protocol = htons(ETH_P_MAP);
		break;
	}
	atomic64_inc(&m->st.rx_packets);
	atomic64_add(len, &m->st.rx_bytes);
	netif_rx(skb);
	return;

drop:
	atomic64_inc(&m->st.rx_dropped);
}

/* Stop or wake every mdm queue; RX pipe lock held. */
void sim_netdev_flow(struct sim_modem *sim, bool stop)
{
	int ch;

	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		if (!sim->mdm[ch])
			continue;
		if (stop)
			netif_stop_queue(sim->mdm[ch]);
		else
			netif_wake_queue(sim->mdm[ch]);
	}
	sim_qmap_flow(sim, stop);
}

int sim_netdev_register(struct sim_modem *sim)
{
	struct net_device *dev;
	struct sim_mdm *m;
	char name[IFNAMSIZ];
	int ch, ret;

	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		snprintf(name, sizeof(name), "mdm%d", ch);
		dev = alloc_netdev(sizeof(*m), name, NET_NAME_PREDICTABLE,
				   sim_mdm_setup);
		if (!dev) {
			ret = -ENOMEM;
			goto err;
		}
		SET_NETDEV_DEV(dev, sim->dev);
		dev->dev_port = ch;
		m = netdev_priv(dev);
		m->sim = sim;
		m->ch = ch;

		ret = register_netdev(dev);
		if (ret) {
			free_netdev(dev);
			goto err;
		}
		sim->mdm[ch] = dev;
	}
	ret = sim_qmap_register(sim);
	if (ret)
		goto err;
	return 0;

err:
	sim_netdev_unregister(sim);
	return ret;
}

void sim_netdev_unregister(struct sim_modem *sim)
{
	int ch;

	sim_qmap_unregister(sim);
	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		if (!sim->mdm[ch])
			continue;
		unregister_netdev(sim->mdm[ch]);
		free_netdev(sim->mdm[ch]);
		sim->mdm[ch] = NULL;
	}
}
