// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX XDP control path: program attach per channel and ndo_xdp_xmit.
 * The data path lives in bam_dmux_rx.c and bam_dmux_tx.c.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/skbuff.h>

#include "bam_dmux.h"

/*
 * Every frame the modem can send fits one RX buffer with XDP: a page holds
 * the headroom, the DMUX header, the largest payload of a 2 KiB buffer
 * (2040 bytes) and the skb_shared_info that XDP_PASS needs, and a DL-size
 * buffer (dynamic MTU) is a page of the order that holds the same around
 * its frame (bam_dmux_rx_init_large()). The MTU is a UL limit only. So
 * neither attaching a program nor changing the MTU under one needs a check.
 */
static_assert(BAM_DMUX_RX_HEADROOM + BAM_DMUX_BUFFER_SIZE +
	      SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) <= PAGE_SIZE);

static int bam_dmux_xdp_set_prog(struct net_device *dev, struct bpf_prog *prog)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bpf_prog *old;

	/* The RX poll reads the program under RCU; no restart needed. */
	old = rcu_replace_pointer(bndev->xdp_prog, prog, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
	return 0;
}

int bam_dmux_xdp_setup(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return bam_dmux_xdp_set_prog(dev, bpf->prog);
	default:
		return -EINVAL;
	}
}

int bam_dmux_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		      u32 flags)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!netif_running(dev) || !netif_device_present(dev))) {
		/* earlier bulks of this batch may wait for the flush */
		bam_dmux_tx_kick(bndev->dmux);
		return -ENETDOWN;
	}

	/* a Raw-IP channel takes IP packets, a QMAP one MAP frames */
	return bam_dmux_tx_xdp_frames(bndev->dmux, bndev->ch,
				      READ_ONCE(bndev->qmap_ul), n, frames,
				      flags & XDP_XMIT_FLUSH);
}
