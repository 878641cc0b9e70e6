// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX XDP control path: program attach per channel, MTU limits and
 * ndo_xdp_xmit. The data path lives in bam_dmux_rx.c and bam_dmux_tx.c.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/skbuff.h>

#include "bam_dmux.h"

/*
 * The largest payload an XDP program sees in one buffer: a page, less the
 * headroom, the DMUX header and the skb_shared_info that XDP_PASS needs.
 * With 4 KiB pages this is more than the modem's 2040 bytes, so any MTU the
 * device accepts works with XDP; larger buffers (dynamic MTU) would not.
 */
unsigned int bam_dmux_xdp_max_mtu(void)
{
	unsigned int room = PAGE_SIZE - BAM_DMUX_RX_HEADROOM - BAM_DMUX_HDR_SIZE -
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	return min_t(unsigned int, room, BAM_DMUX_MAX_DATA_SIZE);
}

static int bam_dmux_xdp_set_prog(struct net_device *dev, struct bpf_prog *prog,
				 struct netlink_ext_ack *extack)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bpf_prog *old;

	if (prog && dev->mtu > bam_dmux_xdp_max_mtu()) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "MTU %u too large for XDP (max %u)",
				       dev->mtu, bam_dmux_xdp_max_mtu());
		return -EOPNOTSUPP;
	}

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
		return bam_dmux_xdp_set_prog(dev, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

int bam_dmux_change_mtu(struct net_device *dev, int new_mtu)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	if (rtnl_dereference(bndev->xdp_prog) &&
	    new_mtu > bam_dmux_xdp_max_mtu()) {
		netdev_warn(dev, "MTU %d too large for the attached XDP program (max %u)\n",
			    new_mtu, bam_dmux_xdp_max_mtu());
		return -EINVAL;
	}
	WRITE_ONCE(dev->mtu, new_mtu);
	return 0;
}

int bam_dmux_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		      u32 flags)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!netif_running(dev) || !netif_device_present(dev)))
		return -ENETDOWN;

	return bam_dmux_tx_xdp_frames(bndev->dmux, bndev->ch, n, frames,
				      flags & XDP_XMIT_FLUSH);
}
