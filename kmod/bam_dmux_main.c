// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm BAM Data Multiplexer (BAM-DMUX) network driver, with native XDP.
 *
 * The modem announces up to eight channels with OPEN commands; each becomes
 * a Raw-IP network device (wwan%d). All channels share one BAM pipe per
 * direction. A drop-in for the in-tree qcom_bam_dmux driver: same binding,
 * same module name, same user view.
 *
 * Its design follows the in-tree driver (drivers/net/wwan/qcom_bam_dmux.c):
 * Copyright (c) 2020, Stephan Gerhold <stephan@gerhold.net>
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <net/pkt_sched.h>

#include "bam_dmux.h"

static int bam_dmux_netdev_open(struct net_device *dev)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux *dmux = bndev->dmux;
	int ret;

	ret = bam_dmux_pm_get_sync(dmux);
	if (ret) {
		netdev_err(dev, "Modem is not available: %d\n", ret);
		return ret;
	}

	ret = bam_dmux_send_cmd(dmux, bndev->ch, BAM_DMUX_CMD_OPEN);
	bam_dmux_pm_put(dmux);
	if (ret) {
		netdev_err(dev, "Failed to open channel %u: %d\n", bndev->ch, ret);
		return ret;
	}

	bam_dmux_tx_start_queue(dmux, dev);
	return 0;
}

static int bam_dmux_netdev_stop(struct net_device *dev)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	netif_stop_queue(dev);
	bam_dmux_send_cmd(bndev->dmux, bndev->ch, BAM_DMUX_CMD_CLOSE);
	return 0;
}

static const struct net_device_ops bam_dmux_netdev_ops = {
	.ndo_open		= bam_dmux_netdev_open,
	.ndo_stop		= bam_dmux_netdev_stop,
	.ndo_start_xmit		= bam_dmux_start_xmit,
	.ndo_get_stats64	= bam_dmux_get_stats64,
	.ndo_bpf		= bam_dmux_xdp_setup,
	.ndo_xdp_xmit		= bam_dmux_xdp_xmit,
};

static const struct device_type bam_dmux_wwan_type = {
	.name = "wwan",
};

static void bam_dmux_netdev_setup(struct net_device *dev)
{
	dev->netdev_ops = &bam_dmux_netdev_ops;
	dev->ethtool_ops = &bam_dmux_ethtool_ops;
	dev->stat_ops = &bam_dmux_stat_ops;

	dev->type = ARPHRD_RAWIP;
	SET_NETDEV_DEVTYPE(dev, &bam_dmux_wwan_type);
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = BAM_DMUX_MAX_DATA_SIZE;
	dev->needed_headroom = BAM_DMUX_HDR_SIZE;
	dev->needed_tailroom = sizeof(u32);	/* padding to a word */
	dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
	dev->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			    NETDEV_XDP_ACT_NDO_XMIT;

	/* IPv6 takes its interface identifier from this */
	dev->addr_assign_type = NET_ADDR_RANDOM;
	eth_random_addr(dev->perm_addr);
}

static int bam_dmux_netdev_create(struct bam_dmux *dmux, u8 ch)
{
	struct bam_dmux_netdev *bndev;
	struct net_device *dev;
	int ret;

	ASSERT_RTNL();

	dev = alloc_netdev(sizeof(*bndev), "wwan%d", NET_NAME_ENUM,
			   bam_dmux_netdev_setup);
	if (!dev)
		return -ENOMEM;

	SET_NETDEV_DEV(dev, dmux->dev);
	dev->dev_port = ch;
	bndev = bam_dmux_priv(dev);
	bndev->dmux = dmux;
	bndev->ch = ch;

	ret = bam_dmux_rx_reg_rxq(dmux, dev);
	if (ret)
		goto err_free;

	ret = register_netdevice(dev);
	if (ret)
		goto err_rxq;

	rcu_assign_pointer(dmux->netdevs[ch], dev);
	return 0;

err_rxq:
	bam_dmux_rx_unreg_rxq(dev);
err_free:
	free_netdev(dev);
	return ret;
}

/*
 * The modem is gone (crash, shutdown) or back: say so on every channel.
 * Not once the channels are being unregistered: a link event queued on an
 * unregistered device would outlive it. A caller that saw !removing is in
 * an RCU read section that the unregistration's synchronize_net() waits
 * for, and its event is taken before the unregistration completes.
 */
void bam_dmux_chan_carrier(struct bam_dmux *dmux, bool on)
{
	struct net_device *netdev;
	int ch;

	rcu_read_lock();
	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		if (READ_ONCE(dmux->removing))
			break;
		netdev = rcu_dereference(dmux->netdevs[ch]);
		if (!netdev)
			continue;
		if (on)
			netif_carrier_on(netdev);
		else
			netif_carrier_off(netdev);
	}
	rcu_read_unlock();
}

/*
 * The signal of an OPEN from the modem (RX poll): dynamic MTU, as
 * downstream. A modem that announces it gives its UL buffer size, so the
 * channels may send frames up to it; our OPENs then answer with our RX pool
 * and DL buffer size (bam_dmux_send_cmd()). A modem that does not (legacy
 * firmware, or one that restarted as such) gets exactly mainline's frames.
 * The DL side: our OPEN says dl_size, and the modem's DATA frames then say
 * which size to post (bam_dmux_rx.c).
 */
void bam_dmux_modem_open_signal(struct bam_dmux *dmux, u8 signal)
{
	unsigned int mtu = bam_dmux_max_data_size(bam_dmux_sig_size(signal));

	WRITE_ONCE(dmux->dyn_mtu, bam_dmux_sig_dyn_mtu(signal));
	/* the channel work that follows the OPEN updates the netdevs */
	WRITE_ONCE(dmux->ul_mtu, mtu);
}

/* Follow the UL size in every channel's max_mtu. RTNL held. */
static void bam_dmux_chan_mtu(struct bam_dmux *dmux)
{
	unsigned int mtu = READ_ONCE(dmux->ul_mtu);
	struct net_device *dev;
	int ch;

	ASSERT_RTNL();

	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		dev = rtnl_dereference(dmux->netdevs[ch]);
		if (!dev || dev->max_mtu == mtu)
			continue;
		dev->max_mtu = mtu;
		if (dev->mtu > mtu && dev_set_mtu(dev, mtu))
			netdev_warn(dev, "Cannot lower the MTU to %u\n", mtu);
		netdev_info(dev, "Largest MTU now %u (modem's UL size)\n", mtu);
	}
}

static void bam_dmux_chan_work(struct work_struct *work)
{
	struct bam_dmux *dmux = container_of(work, struct bam_dmux, chan_work);
	struct net_device *dev;
	unsigned long reopen = 0;
	bool open;
	int ch, ret;

	if (READ_ONCE(dmux->no_a2_pc))
		bam_dmux_pm_hold(dmux);

	rtnl_lock();
	for (ch = 0; ch < BAM_DMUX_NUM_CH && !dmux->removing; ch++) {
		open = test_bit(ch, &dmux->remote_open);
		dev = rtnl_dereference(dmux->netdevs[ch]);

		if (dev) {
			bam_dmux_tx_attach(dmux, dev, open);
			if (open && test_and_clear_bit(ch, &dmux->reopen) &&
			    netif_running(dev))
				reopen |= BIT(ch);
		} else if (open) {
			ret = bam_dmux_netdev_create(dmux, ch);
			if (ret)
				dev_err(dmux->dev, "Failed to create netdev for channel %d: %d\n",
					ch, ret);
		}
	}
	bam_dmux_chan_mtu(dmux);
	rtnl_unlock();

	/* queued on the TX ring, which wakes the modem up if need be */
	for_each_set_bit(ch, &reopen, BAM_DMUX_NUM_CH)
		if (bam_dmux_send_cmd(dmux, ch, BAM_DMUX_CMD_OPEN))
			dev_err(dmux->dev, "Failed to reopen channel %d\n", ch);
}

/* An OPEN or CLOSE from the modem. Called from the RX poll. */
void bam_dmux_chan_event(struct bam_dmux *dmux, u8 ch, bool open)
{
	/* a modem that restarted forgot that we opened it: open it again */
	if (open && test_and_set_bit(ch, &dmux->remote_open))
		set_bit(ch, &dmux->reopen);
	else if (!open && !test_and_clear_bit(ch, &dmux->remote_open))
		dev_dbg(dmux->dev, "Channel %u not open\n", ch);
	schedule_work(&dmux->chan_work);
}

static void bam_dmux_netdevs_unregister(struct bam_dmux *dmux)
{
	struct net_device *dev;
	LIST_HEAD(list);
	int ch;

	rtnl_lock();
	WRITE_ONCE(dmux->removing, true);
	rtnl_unlock();
	cancel_work_sync(&dmux->chan_work);

	rtnl_lock();
	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		dev = rtnl_dereference(dmux->netdevs[ch]);
		if (dev)
			unregister_netdevice_queue(dev, &list);
	}
	unregister_netdevice_many(&list);
	rtnl_unlock();
}

/* After RX stopped: nothing can reach the devices any more. */
static void bam_dmux_netdevs_free(struct bam_dmux *dmux)
{
	struct net_device *dev;
	int ch;

	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		dev = rcu_dereference_protected(dmux->netdevs[ch], true);
		if (!dev)
			continue;
		RCU_INIT_POINTER(dmux->netdevs[ch], NULL);
		synchronize_net();
		bam_dmux_rx_unreg_rxq(dev);
		free_netdev(dev);
	}
}

static int bam_dmux_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct bam_dmux *dmux;
	int ret, ch;

	dmux = devm_kzalloc(dev, sizeof(*dmux), GFP_KERNEL);
	if (!dmux)
		return -ENOMEM;
	dmux->dev = dev;
	platform_set_drvdata(pdev, dmux);

	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		u64_stats_init(&dmux->stats[ch].rx.syncp);
		u64_stats_init(&dmux->stats[ch].tx.syncp);
	}
	INIT_WORK(&dmux->chan_work, bam_dmux_chan_work);
	bam_dmux_tx_init(dmux);

	ret = bam_dmux_pm_init(dmux);
	if (ret)
		return ret;

	ret = bam_dmux_rx_init(dmux);
	if (ret)
		return ret;

	bam_dmux_debugfs_init(dmux);
	bam_dmux_pm_start(dmux);
	return 0;
}

static void bam_dmux_remove(struct platform_device *pdev)
{
	struct bam_dmux *dmux = platform_get_drvdata(pdev);

	/* Closing the channels still needs the modem: do it first. */
	bam_dmux_netdevs_unregister(dmux);
	flush_work(&dmux->tx_wakeup_work);
	bam_dmux_pm_stop(dmux);
	/* RX is stopped: no OPEN or CLOSE can queue these again. */
	cancel_work_sync(&dmux->chan_work);
	cancel_work_sync(&dmux->tx_wakeup_work);
	bam_dmux_tx_exit(dmux);

	bam_dmux_netdevs_free(dmux);
	bam_dmux_debugfs_exit(dmux);
	bam_dmux_rx_exit(dmux);
}

static const struct of_device_id bam_dmux_of_match[] = {
	{ .compatible = "qcom,bam-dmux" },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, bam_dmux_of_match);

static struct platform_driver bam_dmux_driver = {
	.probe = bam_dmux_probe,
	.remove = bam_dmux_remove,
	.driver = {
		.name = "bam-dmux",
		.pm = pm_ptr(&bam_dmux_pm_ops),
		.of_match_table = bam_dmux_of_match,
	},
};

static int __init bam_dmux_init(void)
{
	int ret;

	bam_dmux_debugfs_register();
	ret = platform_driver_register(&bam_dmux_driver);
	if (ret)
		bam_dmux_debugfs_unregister();
	return ret;
}
module_init(bam_dmux_init);

static void __exit bam_dmux_exit(void)
{
	platform_driver_unregister(&bam_dmux_driver);
	bam_dmux_debugfs_unregister();
}
module_exit(bam_dmux_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Qualcomm BAM-DMUX WWAN network driver with native XDP");
MODULE_AUTHOR("Stephan Gerhold <stephan@gerhold.net>");
