// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX receive path.
 *
 * One DMA pipe carries the frames of all channels. Its buffers are pages
 * from a page_pool, posted with XDP_PACKET_HEADROOM in front so that XDP
 * programs run in place. The DMA completion callback only marks the buffer
 * and schedules NAPI; the poll validates each frame, runs the channel's XDP
 * program and builds skbs around the same pages, then refills the ring.
 *
 * Dynamic MTU: with a modem that negotiated it, its DATA frames say whether
 * buffers queued from then on have the DL size (higher-order pages of a
 * second pool, pool_large) or 2 KiB; both kinds coexist in the ring.
 */
#include <linux/bpf_trace.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/busy_poll.h>
#include <net/page_pool/helpers.h>
#include <net/udp.h>

#include "bam_dmux.h"
#include "bam_dmux_compat.h"

/*
 * Synced for the CPU before the header is parsed: the header and the first
 * bytes of the payload, so that a small frame needs one sync, not two.
 */
#define BAM_DMUX_RX_SYNC_FIRST	(2 * L1_CACHE_BYTES)

static unsigned int dl_max = BAM_DMUX_MAX_BUFFER_SIZE;
module_param(dl_max, uint, 0444);
MODULE_PARM_DESC(dl_max,
		 "Largest DL buffer offered to a modem with dynamic MTU, in bytes: 2048 (off), 4096, 8192, 16384 (default: 16384)");

static struct page_pool *bam_dmux_rx_pool(struct bam_dmux *dmux, bool large)
{
	return large ? dmux->pool_large : dmux->pool;
}

static void bam_dmux_rx_callback(void *param,
				 const struct dmaengine_result *res)
{
	struct bam_dmux_rx_buf *buf = param;
	u32 residue = min_t(u32, res->residue, buf->size);

	buf->ok = res->result == DMA_TRANS_NOERROR;
	/* The pipe was reset under us (modem crash): refill once it is back */
	if (unlikely(res->result == DMA_TRANS_ABORTED))
		WRITE_ONCE(buf->dmux->rx_reset, true);
	buf->avail = buf->size - residue;
	/* Pairs with smp_load_acquire() in bam_dmux_rx_poll() */
	smp_store_release(&buf->done, true);
	napi_schedule(&buf->dmux->napi);
}

static bool bam_dmux_rx_post(struct bam_dmux *dmux, gfp_t gfp)
{
	bool large = dmux->rx_large;
	struct page_pool *pool = bam_dmux_rx_pool(dmux, large);
	u32 size = large ? dmux->dl_size : BAM_DMUX_BUFFER_SIZE;
	struct dma_async_tx_descriptor *desc;
	struct bam_dmux_rx_buf *buf;
	struct page *page;
	dma_addr_t addr;

	page = page_pool_alloc_pages(pool, gfp | __GFP_NOWARN);
	if (!page) {
		dmux->dstats.rx_alloc_fail++;
		return false;
	}

	addr = page_pool_get_dma_addr(page) + BAM_DMUX_RX_HEADROOM;
	desc = dmaengine_prep_slave_single(dmux->rx, addr, size,
					   DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	if (!desc)
		goto err_put;

	buf = &dmux->rx_bufs[dmux->rx_tail % BAM_DMUX_RX_RING];
	buf->page = page;
	buf->size = size;
	buf->large = large;
	buf->done = false;
	desc->callback_result = bam_dmux_rx_callback;
	desc->callback_param = buf;
	if (dma_submit_error(dmaengine_submit(desc))) {
		buf->page = NULL;
		goto err_put;
	}

	dmux->rx_tail++;
	return true;

err_put:
	dmux->dstats.rx_prep_fail++;
	page_pool_put_full_page(pool, page, false);
	return false;
}

/* Post buffers until the ring is full; retry later if memory is short. */
static void bam_dmux_rx_refill(struct bam_dmux *dmux, gfp_t gfp)
{
	bool posted = false;

	while (dmux->rx_tail - dmux->rx_head < BAM_DMUX_RX_RING) {
		if (!bam_dmux_rx_post(dmux, gfp)) {
			mod_timer(&dmux->refill_timer,
				  jiffies + BAM_DMUX_REFILL_RETRY);
			break;
		}
		posted = true;
	}

	if (posted)
		dma_async_issue_pending(dmux->rx);
}

static void bam_dmux_refill_timer(struct timer_list *t)
{
	struct bam_dmux *dmux = timer_container_of(dmux, t, refill_timer);

	napi_schedule(&dmux->napi);
}

__be16 bam_dmux_rx_protocol(const void *data, unsigned int len)
{
	switch (bam_dmux_ip_version(data, len)) {
	case 4:
		return htons(ETH_P_IP);
	case 6:
		return htons(ETH_P_IPV6);
	default:
		/* Only Raw-IP and QMAP reach this driver */
		return htons(ETH_P_MAP);
	}
}

static void bam_dmux_rx_list_flush(struct bam_dmux_poll *ctx)
{
	netif_receive_skb_list(&ctx->rx_list);
	INIT_LIST_HEAD(&ctx->rx_list);
	ctx->rx_n = 0;
}

/*
 * True for a UDP datagram that GRO would only checksum: the channels have no
 * checksum offload, so GRO validates every UDP datagram in software before
 * any hook could drop it, and coalesces nothing unless a socket asked for
 * UDP_GRO or a UDP tunnel is up (both turn on the core's encap keys, and
 * then UDP takes GRO again). Only a datagram positively identified as UDP
 * skips GRO: everything else, IPv6 with extension headers included, keeps
 * it, so a flow never has packets on both paths.
 */
static bool bam_dmux_rx_gro_useless(const struct sk_buff *skb)
{
#if BAM_DMUX_HAVE_UDP_ENCAP_KEYS
	const u8 *iph = skb->data;

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return !static_branch_unlikely(&udp_encap_needed_key) &&
		       skb_headlen(skb) >= sizeof(struct iphdr) &&
		       iph[offsetof(struct iphdr, protocol)] == IPPROTO_UDP;
#if IS_ENABLED(CONFIG_IPV6)
	case htons(ETH_P_IPV6):
		return !static_branch_unlikely(&udpv6_encap_needed_key) &&
		       skb_headlen(skb) >= sizeof(struct ipv6hdr) &&
		       iph[offsetof(struct ipv6hdr, nexthdr)] == IPPROTO_UDP;
#endif
	default:
		return false;
	}
#else
	return false;
#endif
}

/*
 * Hand an skb to the stack: through GRO, or, for what GRO would only
 * checksum (above) and for MAP frames, which it has nothing for, on one list
 * at the end of the poll (as GRO's own output goes up), the checksum left to
 * whoever reads it.
 */
void bam_dmux_rx_skb(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
		     struct sk_buff *skb)
{
	if (skb->protocol != htons(ETH_P_MAP) && !bam_dmux_rx_gro_useless(skb)) {
		napi_gro_receive(&dmux->napi, skb);
		return;
	}
	skb_mark_napi_id(skb, &dmux->napi);
	list_add_tail(&skb->list, &ctx->rx_list);
	if (++ctx->rx_n == BAM_DMUX_RX_LIST)
		bam_dmux_rx_list_flush(ctx);
}

static void bam_dmux_rx_drop(struct bam_dmux *dmux, enum bam_dmux_rx_drop why,
			     struct page_pool *pool, struct page *page)
{
	dmux->dstats.rx_drop[why]++;
	page_pool_recycle_direct(pool, page);
}

/* Commit the poll's counters of ctx->ch, if any, and start afresh. */
void bam_dmux_rx_acc_commit(struct bam_dmux *dmux, struct bam_dmux_poll *ctx)
{
	struct bam_dmux_rx_acc *acc = &ctx->acc;
	struct bam_dmux_rx_stats *rs;

	if (ctx->ch < 0)
		return;
	/* XDP_TX frames of the channel: counted once on the ring */
	if (ctx->tx_n)
		bam_dmux_tx_xdp_flush(dmux, ctx, false);
	rs = &dmux->stats[ctx->ch].rx;
	u64_stats_update_begin(&rs->syncp);
	rs->packets += acc->packets;
	rs->bytes += acc->bytes;
	rs->dropped += acc->dropped;
	rs->errors += acc->errors;
	rs->xdp_pass += acc->xdp_pass;
	rs->xdp_drop += acc->xdp_drop;
	rs->xdp_tx += acc->xdp_tx;
	rs->xdp_tx_err += acc->xdp_tx_err;
	rs->xdp_redirect += acc->xdp_redirect;
	rs->xdp_redirect_err += acc->xdp_redirect_err;
	rs->xdp_aborted += acc->xdp_aborted;
	u64_stats_update_end(&rs->syncp);
	if (acc->map_aggr) {
		/* after the frames' counters: a reader that saw it sees them */
		smp_wmb();
		WRITE_ONCE(dmux->dstats.rx_map_aggr,
			   dmux->dstats.rx_map_aggr + acc->map_aggr);
	}
	memset(acc, 0, sizeof(*acc));
}

/* Returns true if the frame was consumed by XDP. */
static bool bam_dmux_rx_xdp(struct bam_dmux *dmux, struct net_device *netdev,
			    struct bpf_prog *prog, struct xdp_buff *xdp,
			    struct page_pool *pool, struct page *page,
			    struct bam_dmux_poll *ctx)
{
	void *start = page_address(page) + BAM_DMUX_RX_HEADROOM;
	u32 len = xdp->data_end - start;
	u32 act, sync;

	act = bpf_prog_run_xdp(prog, xdp);
	switch (bam_dmux_xdp_act(dmux, netdev, prog, xdp, act, pool, len,
				 ctx)) {
	case BAM_DMUX_XDP_PASS:
		return false;
	case BAM_DMUX_XDP_FREE:
		/* The device may only see what the CPU wrote after a sync. */
		sync = max_t(u32, len, xdp->data_end - start);
		page_pool_put_page(pool, page, sync, true);
		break;
	case BAM_DMUX_XDP_DONE:
		break;
	}
	return true;
}

/*
 * Returns the frame's weight against the NAPI budget: one, or for an
 * aggregate one per BAM_DMUX_QMAP_WEIGHT packets (a modem may pack
 * thousands of tiny ones into one buffer).
 */
static unsigned int bam_dmux_rx_data(struct bam_dmux *dmux,
				     const struct bam_dmux_rx_buf *buf,
				     struct page *page,
				     const struct bam_dmux_frame *f, u32 synced,
				     struct bam_dmux_poll *ctx)
{
	struct page_pool *pool = bam_dmux_rx_pool(dmux, buf->large);
	u32 frame_sz = buf->large ? dmux->large_frame_sz : PAGE_SIZE;
	struct bam_dmux_netdev *bndev;
	struct net_device *netdev;
	struct bpf_prog *prog;
	struct xdp_buff xdp;
	struct sk_buff *skb;
	u32 metalen;
	u8 qmap;

	if (unlikely(!f->len)) {
		bam_dmux_rx_err_ratelimited(dmux, "Empty DATA frame on channel %u\n",
					    f->ch);
		bam_dmux_rx_drop(dmux, BAM_DMUX_DROP_EMPTY, pool, page);
		return 1;
	}

	netdev = rcu_dereference(dmux->netdevs[f->ch]);
	if (unlikely(!netdev || !netif_running(netdev))) {
		bam_dmux_rx_err_ratelimited(dmux, "Data for inactive channel %u\n",
					    f->ch);
		bam_dmux_rx_drop(dmux, BAM_DMUX_DROP_INACTIVE, pool, page);
		return 1;
	}
	bndev = bam_dmux_priv(netdev);

	if (BAM_DMUX_HDR_SIZE + f->len > synced)
		page_pool_dma_sync_for_cpu(pool, page, synced,
					   BAM_DMUX_HDR_SIZE + f->len - synced);

	bam_dmux_rx_acc_switch(dmux, ctx, f->ch);
	qmap = READ_ONCE(bndev->qmap);
	if (qmap) {
		u32 n = bam_dmux_rx_qmap(dmux, netdev, qmap - 1, pool, page,
					 buf->large, f->len, ctx);

		return max_t(u32, DIV_ROUND_UP(n, BAM_DMUX_QMAP_WEIGHT), 1);
	}

	ctx->acc.packets++;
	ctx->acc.bytes += f->len;

	xdp_init_buff(&xdp, frame_sz, buf->large ? &bndev->xdp_rxq_large :
						   &bndev->xdp_rxq);
	xdp_prepare_buff(&xdp, page_address(page),
			 BAM_DMUX_RX_HEADROOM + BAM_DMUX_HDR_SIZE, f->len, true);

	prog = rcu_dereference(bndev->xdp_prog);
	if (prog && bam_dmux_rx_xdp(dmux, netdev, prog, &xdp, pool, page, ctx))
		return 1;

	skb = napi_build_skb(page_address(page), frame_sz);
	if (unlikely(!skb)) {
		ctx->acc.dropped++;
		page_pool_recycle_direct(pool, page);
		return 1;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, xdp.data - xdp.data_hard_start);
	__skb_put(skb, xdp.data_end - xdp.data);
	metalen = xdp.data - xdp.data_meta;
	if (metalen)
		skb_metadata_set(skb, metalen);

	skb->dev = netdev;
	skb->protocol = bam_dmux_rx_protocol(skb->data, skb->len);
	skb_reset_mac_header(skb);
	bam_dmux_rx_skb(dmux, ctx, skb);
	return 1;
}

/*
 * A DATA frame from a modem that negotiated dynamic MTU says which size the
 * buffers queued from now on must have (a level, as downstream reads it).
 */
static void bam_dmux_rx_size_signal(struct bam_dmux *dmux, u8 signal)
{
	bool large = dmux->pool_large && READ_ONCE(dmux->dyn_mtu) &&
		     bam_dmux_sig_data_large(signal);

	if (likely(large == dmux->rx_large))
		return;
	dmux->rx_large = large;
	dmux->dstats.rx_size_switch++;
}

/* Handle one completed buffer; returns its weight against the budget. */
static unsigned int bam_dmux_rx_one(struct bam_dmux *dmux,
				    struct bam_dmux_rx_buf *buf,
				    struct bam_dmux_poll *ctx)
{
	struct page_pool *pool = bam_dmux_rx_pool(dmux, buf->large);
	struct page *page = buf->page;
	struct bam_dmux_frame f;
	enum bam_dmux_wire_err err;
	u32 synced;

	buf->page = NULL;
	if (unlikely(!buf->ok)) {
		bam_dmux_rx_err_ratelimited(dmux, "RX transfer failed\n");
		bam_dmux_rx_drop(dmux, BAM_DMUX_DROP_DMA_ERROR, pool, page);
		return 1;
	}

	synced = clamp_t(u32, buf->avail, BAM_DMUX_HDR_SIZE,
			 BAM_DMUX_RX_SYNC_FIRST);
	page_pool_dma_sync_for_cpu(pool, page, 0, synced);
	err = bam_dmux_parse_max(page_address(page) + BAM_DMUX_RX_HEADROOM,
				 buf->avail, bam_dmux_max_data_size(buf->size),
				 &f);
	if (unlikely(err)) {
		dmux->dstats.rx_wire_err[err]++;
		bam_dmux_rx_err_ratelimited(dmux, "Dropping malformed frame: %s (%u bytes)\n",
					    bam_dmux_wire_err_name(err), buf->avail);
		page_pool_recycle_direct(pool, page);
		return 1;
	}

	switch (f.cmd) {
	case BAM_DMUX_CMD_DATA:
		bam_dmux_rx_size_signal(dmux, f.signal);
		return bam_dmux_rx_data(dmux, buf, page, &f, synced, ctx);
	case BAM_DMUX_CMD_OPEN:
		dmux->dstats.rx_cmd_open++;
		bam_dmux_modem_open_signal(dmux, f.signal);
		bam_dmux_chan_event(dmux, f.ch, true);
		break;
	case BAM_DMUX_CMD_CLOSE:
		dmux->dstats.rx_cmd_close++;
		bam_dmux_chan_event(dmux, f.ch, false);
		break;
	case BAM_DMUX_CMD_OPEN_NO_A2_PC:
		dmux->dstats.rx_cmd_open_no_a2_pc++;
		WRITE_ONCE(dmux->no_a2_pc, true);
		bam_dmux_modem_open_signal(dmux, f.signal);
		bam_dmux_chan_event(dmux, f.ch, true);
		break;
	}
	page_pool_recycle_direct(pool, page);
	return 1;
}

static int bam_dmux_rx_poll(struct napi_struct *napi, int budget)
{
	struct bam_dmux *dmux = container_of(napi, struct bam_dmux, napi);
	struct bam_dmux_poll ctx;
	int done = 0;

	/* Nothing to do for netpoll: there is no TX work in this poll. */
	if (unlikely(!budget))
		return 0;

	/* not the bulk queue itself: tx_n says what it holds */
	ctx.redirect = false;
	ctx.tx = false;
	ctx.ch = -1;
	memset(&ctx.acc, 0, sizeof(ctx.acc));
	ctx.tx_n = 0;
	INIT_LIST_HEAD(&ctx.rx_list);
	ctx.rx_n = 0;

	/* sent XDP_TX pages: into the direct cache, for this poll's refill */
	if (READ_ONCE(dmux->tx_recycle_n))
		bam_dmux_tx_recycle(dmux, true);

	rcu_read_lock();
	while (done < budget && dmux->rx_head != dmux->rx_tail) {
		struct bam_dmux_rx_buf *buf;

		buf = &dmux->rx_bufs[dmux->rx_head % BAM_DMUX_RX_RING];
		/* Pairs with smp_store_release() in bam_dmux_rx_callback() */
		if (!smp_load_acquire(&buf->done))
			break;
		done += bam_dmux_rx_one(dmux, buf, &ctx);
		dmux->rx_head++;
	}
	/* an aggregate may weigh more than the budget left: poll again */
	done = min(done, budget);
	/* the poll's XDP_TX frames: on the ring and to the engine at once */
	if (ctx.tx_n || ctx.tx)
		bam_dmux_tx_xdp_flush(dmux, &ctx, true);
	/* it may flush the XDP_TX queue, which needs RCU */
	bam_dmux_rx_acc_commit(dmux, &ctx);
	rcu_read_unlock();

	if (ctx.redirect)
		xdp_do_flush();
	if (ctx.rx_n)
		bam_dmux_rx_list_flush(&ctx);
	if (dmux->rx_running && !READ_ONCE(dmux->rx_reset))
		bam_dmux_rx_refill(dmux, GFP_ATOMIC);

	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/* The modem powered up: take the RX pipe and post buffers. */
int bam_dmux_rx_start(struct bam_dmux *dmux)
{
	struct dma_slave_config conf = {
		.direction = DMA_DEV_TO_MEM,
		.src_maxburst = BAM_DMUX_BUFFER_SIZE,
	};
	struct dma_chan *chan;
	bool posted;
	int ret;

	chan = dma_request_chan(dmux->dev, "rx");
	if (IS_ERR(chan))
		return dev_err_probe(dmux->dev, PTR_ERR(chan),
				     "Failed to get RX DMA channel\n");

	ret = dmaengine_slave_config(chan, &conf);
	if (ret) {
		dev_err(dmux->dev, "Failed to configure RX DMA: %d\n", ret);
		dma_release_channel(chan);
		return ret;
	}

	napi_disable(&dmux->napi);
	dmux->rx = chan;
	WRITE_ONCE(dmux->rx_running, true);
	/* a modem that (re)starts begins with 2 KiB buffers */
	dmux->rx_large = false;
	WRITE_ONCE(dmux->rx_reset, false);
	bam_dmux_rx_refill(dmux, GFP_KERNEL);
	posted = dmux->rx_tail != dmux->rx_head;
	napi_enable(&dmux->napi);
	/*
	 * A buffer may have completed while NAPI was disabled: its
	 * napi_schedule() was a no-op. Poll once so that it is not left
	 * waiting for the next completion.
	 */
	if (posted) {
		local_bh_disable();
		napi_schedule(&dmux->napi);
		local_bh_enable();
	}

	if (!posted) {
		dev_err(dmux->dev, "Failed to post any RX buffer\n");
		bam_dmux_rx_stop(dmux);
		return -ENOMEM;
	}
	return 0;
}

/* The modem powered down (or we go away): stop RX and free its buffers. */
void bam_dmux_rx_stop(struct bam_dmux *dmux)
{
	if (!dmux->rx)
		return;

	napi_disable(&dmux->napi);
	WRITE_ONCE(dmux->rx_running, false);
	/* the TX completion leaves no more pages for the poll */
	bam_dmux_tx_recycle(dmux, false);
	timer_delete_sync(&dmux->refill_timer);
	dmaengine_terminate_sync(dmux->rx);

	while (dmux->rx_head != dmux->rx_tail) {
		struct bam_dmux_rx_buf *buf;

		buf = &dmux->rx_bufs[dmux->rx_head % BAM_DMUX_RX_RING];
		page_pool_put_full_page(bam_dmux_rx_pool(dmux, buf->large),
					buf->page, false);
		buf->page = NULL;
		dmux->rx_head++;
	}
	napi_enable(&dmux->napi);

	dma_release_channel(dmux->rx);
	dmux->rx = NULL;
}

/*
 * A pool of RX buffers of @max_len bytes in pages of @order. Recycling
 * syncs for the device only what the modem may have written.
 */
static struct page_pool *bam_dmux_rx_pool_create(struct bam_dmux *dmux,
						 unsigned int order,
						 unsigned int pool_size,
						 unsigned int max_len)
{
	struct page_pool_params pp = {
		.order = order,
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.pool_size = pool_size,
		.nid = dev_to_node(dmux->dev),
		.dev = dmux->dev,
		.napi = &dmux->napi,
		/* XDP_TX sends the page back as it is */
		.dma_dir = DMA_BIDIRECTIONAL,
		.offset = BAM_DMUX_RX_HEADROOM,
		.max_len = max_len,
	};

	return page_pool_create(&pp);
}

/*
 * The pool of DL-size buffers, if dl_max allows more than 2 KiB: a page of
 * the order that holds the headroom, the largest frame and the
 * skb_shared_info, so that XDP and XDP_PASS work on it as on a 2 KiB one.
 * Pages are only allocated once a modem asks for large buffers.
 */
static int bam_dmux_rx_init_large(struct bam_dmux *dmux)
{
	unsigned int size = bam_dmux_size_from_code(bam_dmux_size_code(dl_max));
	unsigned int order = get_order(BAM_DMUX_RX_HEADROOM + size +
				       SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
	struct page_pool *pool;

	dmux->dl_size = BAM_DMUX_BUFFER_SIZE;
	if (size <= BAM_DMUX_BUFFER_SIZE)
		return 0;
	pool = bam_dmux_rx_pool_create(dmux, order, 2 * BAM_DMUX_RX_RING, size);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	dmux->pool_large = pool;
	dmux->dl_size = size;
	dmux->large_frame_sz = PAGE_SIZE << order;
	return 0;
}

/* A channel's XDP RX queue info, one per pool (each has its memory model). */
int bam_dmux_rx_reg_rxq(struct bam_dmux *dmux, struct net_device *dev)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	int ret;

	ret = xdp_rxq_info_reg(&bndev->xdp_rxq, dev, 0, dmux->napi.napi_id);
	if (ret)
		return ret;
	/* One pool backs all channels: see docs/architecture.md */
	ret = xdp_rxq_info_reg_mem_model(&bndev->xdp_rxq, MEM_TYPE_PAGE_POOL,
					 dmux->pool);
	if (ret)
		goto err_unreg;
	if (!dmux->pool_large)
		return 0;

	ret = xdp_rxq_info_reg(&bndev->xdp_rxq_large, dev, 0,
			       dmux->napi.napi_id);
	if (ret)
		goto err_unreg;
	ret = xdp_rxq_info_reg_mem_model(&bndev->xdp_rxq_large,
					 MEM_TYPE_PAGE_POOL, dmux->pool_large);
	if (ret)
		goto err_unreg_large;
	return 0;

err_unreg_large:
	xdp_rxq_info_unreg(&bndev->xdp_rxq_large);
err_unreg:
	xdp_rxq_info_unreg(&bndev->xdp_rxq);
	return ret;
}

void bam_dmux_rx_unreg_rxq(struct net_device *dev)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);

	if (xdp_rxq_info_is_reg(&bndev->xdp_rxq_large))
		xdp_rxq_info_unreg(&bndev->xdp_rxq_large);
	xdp_rxq_info_unreg(&bndev->xdp_rxq);
}

int bam_dmux_rx_init(struct bam_dmux *dmux)
{
	int i, ret;

	for (i = 0; i < BAM_DMUX_RX_RING; i++)
		dmux->rx_bufs[i].dmux = dmux;
	timer_setup(&dmux->refill_timer, bam_dmux_refill_timer, 0);

	dmux->napi_dev = alloc_netdev_dummy(0);
	if (!dmux->napi_dev)
		return -ENOMEM;
	netif_napi_add(dmux->napi_dev, &dmux->napi, bam_dmux_rx_poll);

	/* the ring, plus pages on their way through the stack */
	dmux->pool = bam_dmux_rx_pool_create(dmux, 0, 4 * BAM_DMUX_RX_RING,
					     BAM_DMUX_BUFFER_SIZE);
	if (IS_ERR(dmux->pool)) {
		ret = PTR_ERR(dmux->pool);
		dmux->pool = NULL;
		goto err_napi;
	}
	ret = bam_dmux_rx_init_large(dmux);
	if (ret)
		goto err_pool;

	napi_enable(&dmux->napi);
	return 0;

err_pool:
	page_pool_destroy(dmux->pool);
err_napi:
	netif_napi_del(&dmux->napi);
	free_netdev(dmux->napi_dev);
	return ret;
}

void bam_dmux_rx_exit(struct bam_dmux *dmux)
{
	/* page_pool_destroy() wants the pool's NAPI disabled */
	napi_disable(&dmux->napi);
	bam_dmux_tx_recycle(dmux, false);
	if (dmux->pool_large)
		page_pool_destroy(dmux->pool_large);
	page_pool_destroy(dmux->pool);
	netif_napi_del(&dmux->napi);
	free_netdev(dmux->napi_dev);
}
