// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX QMAP mode: a channel whose DATA frames carry MAP aggregates
 * (several rmnet MAP frames back to back, docs/qmap.md).
 *
 * NAPI deaggregates in place. Each MAP frame runs through the channel's XDP
 * program as an xdp_buff of its own, without a copy, with data at its MAP
 * header, so that a program sees the mux id. The buffer is clamped to the
 * frame: a program can reach neither the bytes of its neighbours (they may
 * already be on their way up the stack) nor past the end of its padding or
 * trailer.
 *
 * The verdicts act on the one frame:
 *  - DROP and ABORTED: nothing to do, the aggregate's page is still ours.
 *  - PASS: an skb of its own (ETH_P_MAP, for rmnet), a copy of the frame.
 *    rmnet reads MAP frames linearly (rmnet_map_deaggregate() copies
 *    skb->data, the MAPv4 checksum code reads the trailer at skb->data +
 *    len), so a frame cannot stay a fragment of the shared page.
 *  - TX and REDIRECT: the frame leaves with the xdp_frame a target builds in
 *    front of it and the skb_shared_info it may build behind it: both would
 *    land on the neighbours, so the frame first moves to a page of its own.
 *    XDP_TX sends only what the modem takes: whole MAP frames of the
 *    channel's UL format.
 * The aggregate's page goes back to its pool once the walk is over.
 */
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <net/page_pool/helpers.h>

#include "bam_dmux.h"

/*
 * Headroom of a MAP frame's xdp_buff: the frame's own first bytes are where
 * bpf_xdp_adjust_head() and bpf_xdp_adjust_meta() stop (both keep data_meta
 * at least an xdp_frame past data_hard_start), so nothing before the frame
 * is reachable. data_hard_start is never written: no xdp_frame is built on
 * the shared page.
 */
#define BAM_DMUX_QMAP_HEADROOM	sizeof(struct xdp_frame)
/* What xdp_data_hard_end() keeps behind data_hard_start + frame_sz. */
#define BAM_DMUX_QMAP_TAILROOM	SKB_DATA_ALIGN(sizeof(struct skb_shared_info))

/*
 * Move the frame @xdp describes (metadata included) to a page of its own,
 * with the headroom and tailroom of an ordinary RX buffer, and point @xdp at
 * it. Returns the page's pool, or NULL if the frame fits no pool's page or
 * there is no page.
 */
static struct page_pool *bam_dmux_qmap_detach(struct bam_dmux *dmux,
					      struct bam_dmux_netdev *bndev,
					      struct xdp_buff *xdp)
{
	u32 metalen = xdp->data - xdp->data_meta;
	u32 len = xdp->data_end - xdp->data_meta;
	u32 need = BAM_DMUX_RX_HEADROOM + len + BAM_DMUX_MAX_PAD +
		   BAM_DMUX_QMAP_TAILROOM;
	struct xdp_rxq_info *rxq = &bndev->xdp_rxq;
	struct page_pool *pool = dmux->pool;
	u32 frame_sz = PAGE_SIZE;
	struct page *page;
	void *va;

	if (need > PAGE_SIZE) {
		pool = dmux->pool_large;
		if (!pool || need > dmux->large_frame_sz)
			return NULL;
		rxq = &bndev->xdp_rxq_large;
		frame_sz = dmux->large_frame_sz;
	}

	page = page_pool_dev_alloc_pages(pool);
	if (unlikely(!page))
		return NULL;
	va = page_address(page);
	memcpy(va + BAM_DMUX_RX_HEADROOM, xdp->data_meta, len);

	xdp_init_buff(xdp, frame_sz, rxq);
	xdp_prepare_buff(xdp, va, BAM_DMUX_RX_HEADROOM + metalen,
			 len - metalen, true);
	xdp->data_meta = xdp->data - metalen;
	return pool;
}

/* Run the program on one MAP frame; true if XDP consumed it. */
static bool bam_dmux_qmap_xdp(struct bam_dmux *dmux, struct net_device *netdev,
			      struct bpf_prog *prog, struct xdp_buff *xdp,
			      struct bam_dmux_poll *ctx)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(netdev);
	struct page_pool *pool = NULL;
	u32 act;

	act = bpf_prog_run_xdp(prog, xdp);
	/*
	 * A frame that leaves needs a page of its own; one the modem would
	 * not take is not worth one (XDP_TX fails without a pool).
	 */
	if (act == XDP_REDIRECT ||
	    (act == XDP_TX &&
	     bam_dmux_map_valid(xdp->data, xdp->data_end - xdp->data,
				READ_ONCE(bndev->qmap_ul) - 1)))
		pool = bam_dmux_qmap_detach(dmux, bndev, xdp);

	switch (bam_dmux_xdp_act(dmux, netdev, prog, xdp, act, pool, 0, ctx)) {
	case BAM_DMUX_XDP_PASS:
		return false;
	case BAM_DMUX_XDP_FREE:
		/*
		 * DROP and ABORTED leave the frame in the aggregate's page,
		 * still ours; a TX or REDIRECT that failed gives back the
		 * frame's own page.
		 */
		if (pool)
			page_pool_put_full_page(pool,
						virt_to_page(xdp->data_hard_start),
						true);
		break;
	case BAM_DMUX_XDP_DONE:
		break;
	}
	return true;
}

/* One well-formed MAP frame [start, start + len). */
static void bam_dmux_qmap_frame(struct bam_dmux *dmux,
				struct net_device *netdev,
				struct bpf_prog *prog,
				struct xdp_rxq_info *rxq, void *start, u32 len,
				struct bam_dmux_poll *ctx)
{
	void *data = start, *meta = start;
	struct sk_buff *skb;
	u32 metalen;

	if (prog) {
		struct xdp_buff xdp;

		xdp_init_buff(&xdp, BAM_DMUX_QMAP_HEADROOM + len +
				    BAM_DMUX_QMAP_TAILROOM, rxq);
		xdp_prepare_buff(&xdp, start - BAM_DMUX_QMAP_HEADROOM,
				 BAM_DMUX_QMAP_HEADROOM, len, true);
		if (bam_dmux_qmap_xdp(dmux, netdev, prog, &xdp, ctx))
			return;
		data = xdp.data;
		meta = xdp.data_meta;
		len = xdp.data_end - xdp.data;
	}

	metalen = data - meta;
	skb = napi_alloc_skb(&dmux->napi, metalen + len);
	if (unlikely(!skb)) {
		ctx->acc.dropped++;
		return;
	}
	skb_put_data(skb, meta, metalen + len);
	__skb_pull(skb, metalen);
	if (metalen)
		skb_metadata_set(skb, metalen);
	skb->dev = netdev;
	/* still a MAP frame, or what a program left when it popped the header */
	skb->protocol = data == start ? htons(ETH_P_MAP) :
					bam_dmux_rx_protocol(skb->data, skb->len);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	bam_dmux_rx_skb(dmux, ctx, skb);
}

static void bam_dmux_qmap_bad(struct bam_dmux *dmux, u8 ch,
			      enum bam_dmux_map_err err, u32 off, u32 len)
{
	dmux->dstats.rx_map_err[err]++;
	bam_dmux_rx_err_ratelimited(dmux, "Malformed MAP frame on channel %u: %s (at %u of %u)\n",
				    ch, bam_dmux_map_err_name(err), off, len);
}

/*
 * The DATA payload of @len bytes in @page (from @pool, synced for the CPU)
 * is an aggregate of @fmt MAP frames for @netdev. Walk it, hand each frame
 * on, then recycle the page. A malformed frame is counted by class and
 * dropped; one whose extent cannot be trusted ends the walk, and the bytes
 * after it are lost with it (docs/qmap.md, "Malformed frames"). Returns
 * the frames handled, good or bad.
 */
u32 bam_dmux_rx_qmap(struct bam_dmux *dmux, struct net_device *netdev,
		     enum bam_dmux_map_fmt fmt, struct page_pool *pool,
		     struct page *page, bool large, u32 len,
		     struct bam_dmux_poll *ctx)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(netdev);
	struct xdp_rxq_info *rxq = large ? &bndev->xdp_rxq_large :
					   &bndev->xdp_rxq;
	u8 *agg = page_address(page) + BAM_DMUX_RX_HEADROOM + BAM_DMUX_HDR_SIZE;
	struct bpf_prog *prog = rcu_dereference(bndev->xdp_prog);
	struct bam_dmux_rx_acc *acc = &ctx->acc;
	struct bam_dmux_map_frame mf;
	enum bam_dmux_map_err err;
	u32 off, n = 0;

	for (off = 0; off < len; off = mf.next, n++) {
		err = bam_dmux_map_next(agg, len, off, fmt, &mf);
		if (unlikely(err)) {
			bam_dmux_qmap_bad(dmux, bndev->ch, err, off, len);
			acc->errors++;
			continue;
		}
		acc->packets++;
		acc->bytes += mf.next - mf.off;
		bam_dmux_qmap_frame(dmux, netdev, prog, rxq, agg + mf.off,
				    mf.next - mf.off, ctx);
	}

	/* committed with the frames' counters, after them */
	acc->map_aggr++;
	page_pool_put_page(pool, page, BAM_DMUX_HDR_SIZE + len, true);
	return n;
}
