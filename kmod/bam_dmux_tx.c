// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX transmit path.
 *
 * One ring of BAM_DMUX_TX_RING slots is shared by every channel and by the
 * XDP paths (XDP_TX from the RX poll, ndo_xdp_xmit from other devices).
 * Slots are filled at tx_head, handed to the DMA engine up to tx_submitted
 * once the host side is powered, and reclaimed at tx_tail in ring order.
 * The engine is kicked (dma_async_issue_pending) once per batch.
 *
 * The ring holds one runtime PM reference while it is not empty. When the
 * host side is suspended, frames wait in the ring and a work item resumes
 * the device (the power handshake sleeps) and then submits them.
 *
 * A completion whose interrupt is lost never arrives: bam_dma completes
 * descriptors only from its interrupt handler. A watchdog that runs only
 * while the engine has frames resets the pipe when none completed for two
 * whole periods (bam_dmux_tx_stall_work()).
 */
#include <linux/bpf_trace.h>
#include <linux/dma-mapping.h>
#include <linux/pm_runtime.h>
#include <linux/skbuff.h>
#include <net/page_pool/helpers.h>

#include "bam_dmux.h"

static struct bam_dmux_tx_buf *bam_dmux_tx_slot(struct bam_dmux *dmux,
						unsigned int idx)
{
	return &dmux->tx_bufs[idx % BAM_DMUX_TX_RING];
}

static bool bam_dmux_tx_full(struct bam_dmux *dmux)
{
	return dmux->tx_head - dmux->tx_tail >= BAM_DMUX_TX_RING;
}

static void bam_dmux_tx_stop_queues(struct bam_dmux *dmux)
{
	struct net_device *netdev;
	int ch;

	if (!dmux->tx_stopped)
		atomic_long_inc(&dmux->dstats.tx_ring_full);
	dmux->tx_stopped = true;
	rcu_read_lock();
	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		netdev = rcu_dereference(dmux->netdevs[ch]);
		if (netdev)
			netif_stop_queue(netdev);
	}
	rcu_read_unlock();
}

/* The ring has room again. tx_lock held. */
static void bam_dmux_tx_wake_queues(struct bam_dmux *dmux)
{
	struct net_device *netdev;
	int ch;

	dmux->tx_stopped = false;
	rcu_read_lock();
	for (ch = 0; ch < BAM_DMUX_NUM_CH; ch++) {
		netdev = rcu_dereference(dmux->netdevs[ch]);
		if (!netdev)
			continue;
		if (netif_running(netdev) && netif_device_present(netdev))
			netif_wake_queue(netdev);
	}
	rcu_read_unlock();
}

/*
 * A channel's queue starts (ndo_open) or its device comes back (a repeated
 * OPEN) while the shared ring may be full: waking it then would only earn a
 * NETDEV_TX_BUSY. Under tx_lock, the queue follows the ring; the ring's
 * reclaim wakes it once there is room.
 */
static void bam_dmux_tx_commit(struct bam_dmux *dmux, bool kick);

void bam_dmux_tx_start_queue(struct bam_dmux *dmux, struct net_device *dev)
{
	spin_lock_bh(&dmux->tx_lock);
	if (dmux->tx_stopped)
		netif_stop_queue(dev);
	else
		netif_start_queue(dev);
	spin_unlock_bh(&dmux->tx_lock);
}

/*
 * The channel's device comes back (a repeated OPEN) or goes (CLOSE). RTNL
 * held. netif_device_attach() wakes the queue: under the device's xmit lock
 * (taken before tx_lock, as on the xmit path), no frame can slip in before
 * the queue is stopped again for a full ring. A detach may cut a batch of
 * the stack short: submit what it left waiting.
 */
void bam_dmux_tx_attach(struct bam_dmux *dmux, struct net_device *dev,
			bool attach)
{
	netif_tx_lock_bh(dev);
	spin_lock(&dmux->tx_lock);
	if (attach) {
		netif_device_attach(dev);
		if (dmux->tx_stopped)
			netif_stop_queue(dev);
	} else {
		netif_device_detach(dev);
		bam_dmux_tx_commit(dmux, true);
	}
	spin_unlock(&dmux->tx_lock);
	netif_tx_unlock_bh(dev);
}

/*
 * Release what a slot holds and count it. tx_lock held. From the TX
 * completion (@defer), a sent XDP_TX page waits for the RX poll, which
 * recycles it into its pool's direct cache (bam_dmux_tx_recycle());
 * elsewhere, or with RX stopped, it goes back through the pool's ring.
 * Returns true if it left a page for the RX poll.
 */
static bool bam_dmux_tx_release(struct bam_dmux *dmux,
				struct bam_dmux_tx_buf *buf, bool defer)
{
	struct bam_dmux_tx_stats *ts = &dmux->stats[buf->ch].tx;
	bool left = false;

	switch (buf->type) {
	case BAM_DMUX_TX_SKB:
		dma_unmap_single(dmux->dev, buf->addr, buf->len, DMA_TO_DEVICE);
		if (buf->failed)
			dev_kfree_skb_any(buf->skb);
		else
			dev_consume_skb_any(buf->skb);
		break;
	case BAM_DMUX_TX_XDP_TX:
		if (defer && READ_ONCE(dmux->rx_running) &&
		    dmux->tx_recycle_n < ARRAY_SIZE(dmux->tx_recycle)) {
			struct bam_dmux_pp_page *pp;

			pp = &dmux->tx_recycle[dmux->tx_recycle_n];
			/* read by the RX poll without tx_lock */
			WRITE_ONCE(dmux->tx_recycle_n, dmux->tx_recycle_n + 1);
			pp->page = buf->page;
			pp->pool = buf->pool;
			pp->sync = buf->sync;
			left = true;
			break;
		}
		/*
		 * Only what the CPU wrote can be dirty in the cache, not the
		 * whole buffer: the modem's next frame needs no more synced.
		 */
		page_pool_put_page(buf->pool, buf->page, buf->sync, false);
		break;
	case BAM_DMUX_TX_XDP_FRAME:
		dma_unmap_single(dmux->dev, buf->addr, buf->len, DMA_TO_DEVICE);
		xdp_return_frame(buf->xdpf);
		break;
	}

	if (!buf->data)
		return left;
	u64_stats_update_begin(&ts->syncp);
	if (buf->failed) {
		ts->errors++;
	} else {
		ts->packets++;
		ts->bytes += buf->payload;
	}
	u64_stats_update_end(&ts->syncp);
	return left;
}

/*
 * Reclaim finished slots in ring order. tx_lock held. Returns true if it
 * left the RX poll pages to recycle (@defer: bam_dmux_tx_release()).
 */
static bool bam_dmux_tx_reclaim_pages(struct bam_dmux *dmux, bool defer)
{
	bool reclaimed = false, left = false;

	while (dmux->tx_tail != dmux->tx_submitted) {
		struct bam_dmux_tx_buf *buf = bam_dmux_tx_slot(dmux, dmux->tx_tail);

		if (!buf->done)
			break;
		left |= bam_dmux_tx_release(dmux, buf, defer);
		dmux->tx_tail++;
		reclaimed = true;
	}
	if (!reclaimed)
		return false;

	if (dmux->tx_tail == dmux->tx_head) {
		pm_runtime_mark_last_busy(dmux->dev);
		pm_runtime_put_autosuspend(dmux->dev);
	}
	/* the engine idle (a power-down waits for it), or room for a command */
	if (dmux->tx_tail == dmux->tx_submitted || wq_has_sleeper(&dmux->tx_wait))
		wake_up_all(&dmux->tx_wait);
	if (dmux->tx_stopped &&
	    dmux->tx_head - dmux->tx_tail <= BAM_DMUX_TX_RING / 2)
		bam_dmux_tx_wake_queues(dmux);
	return left;
}

static void bam_dmux_tx_reclaim(struct bam_dmux *dmux)
{
	bam_dmux_tx_reclaim_pages(dmux, false);
}

/*
 * Recycle the sent XDP_TX pages the TX completion left: into their pools'
 * direct caches from the RX poll (@napi), else through their rings (RX
 * stopped: nothing is left after that).
 */
void bam_dmux_tx_recycle(struct bam_dmux *dmux, bool napi)
{
	unsigned int i;

	spin_lock_bh(&dmux->tx_lock);
	for (i = 0; i < dmux->tx_recycle_n; i++) {
		struct bam_dmux_pp_page *pp = &dmux->tx_recycle[i];

		page_pool_put_page(pp->pool, pp->page, pp->sync, napi);
	}
	WRITE_ONCE(dmux->tx_recycle_n, 0);
	spin_unlock_bh(&dmux->tx_lock);
}

static void bam_dmux_tx_callback(void *param,
				 const struct dmaengine_result *res)
{
	struct bam_dmux_tx_buf *buf = param;
	struct bam_dmux *dmux = buf->dmux;
	bool was_empty, left;

	spin_lock_bh(&dmux->tx_lock);
	buf->failed = res->result != DMA_TRANS_NOERROR;
	buf->done = true;
	was_empty = !dmux->tx_recycle_n;
	left = bam_dmux_tx_reclaim_pages(dmux, true);
	spin_unlock_bh(&dmux->tx_lock);
	/* the first page left for the RX poll asks for one */
	if (was_empty && left)
		napi_schedule(&dmux->napi);
}

/* Hand waiting slots to the DMA engine and kick it once. tx_lock held. */
static void bam_dmux_tx_flush(struct bam_dmux *dmux)
{
	bool issued = false, failed = false;

	if (!dmux->tx_ready)
		return;

	while (dmux->tx_submitted != dmux->tx_head) {
		struct bam_dmux_tx_buf *buf;
		struct dma_async_tx_descriptor *desc;

		buf = bam_dmux_tx_slot(dmux, dmux->tx_submitted);
		dmux->tx_submitted++;

		desc = dmaengine_prep_slave_single(dmux->tx, buf->addr, buf->len,
						   DMA_MEM_TO_DEV,
						   DMA_PREP_INTERRUPT);
		if (desc) {
			desc->callback_result = bam_dmux_tx_callback;
			desc->callback_param = buf;
			if (!dma_submit_error(dmaengine_submit(desc))) {
				issued = true;
				continue;
			}
		}
		atomic_long_inc(&dmux->dstats.tx_prep_fail);
		dev_err_ratelimited(dmux->dev, "Failed to prepare TX DMA\n");
		buf->failed = true;
		buf->done = true;
		failed = true;
	}

	if (issued) {
		dma_async_issue_pending(dmux->tx);
		/* the watchdog: it re-arms itself while the engine is busy */
		if (!delayed_work_pending(&dmux->tx_stall_work))
			queue_delayed_work(system_freezable_wq,
					   &dmux->tx_stall_work,
					   BAM_DMUX_TX_STALL);
	}
	if (failed)
		bam_dmux_tx_reclaim(dmux);
}

/* Drop the frames that were never handed to the engine. tx_lock held. */
static unsigned int bam_dmux_tx_drop_waiting(struct bam_dmux *dmux)
{
	unsigned int n = dmux->tx_head - dmux->tx_submitted;

	while (dmux->tx_submitted != dmux->tx_head) {
		struct bam_dmux_tx_buf *buf;

		buf = bam_dmux_tx_slot(dmux, dmux->tx_submitted++);
		buf->failed = true;
		buf->done = true;
	}
	bam_dmux_tx_reclaim(dmux);
	return n;
}

/*
 * Take the next slot. tx_lock held; the caller checked for room. Takes the
 * ring's PM reference when the ring becomes busy; the asynchronous resume
 * it may start is finished by tx_wakeup_work.
 */
static struct bam_dmux_tx_buf *bam_dmux_tx_reserve(struct bam_dmux *dmux)
{
	struct bam_dmux_tx_buf *buf = bam_dmux_tx_slot(dmux, dmux->tx_head);

	if (dmux->tx_head == dmux->tx_tail)
		pm_runtime_get(dmux->dev);
	dmux->tx_head++;
	if (bam_dmux_tx_full(dmux))
		bam_dmux_tx_stop_queues(dmux);

	buf->done = false;
	buf->failed = false;
	return buf;
}

/*
 * After queueing: submit now, or let the wakeup work power up first. A full
 * ring is submitted whatever the caller's batching says: nothing more can be
 * queued behind it, so no later call would be the end of the batch (for
 * ndo_xdp_xmit, the XDP_XMIT_FLUSH call then finds no room and queues
 * nothing). tx_lock held.
 */
static void bam_dmux_tx_commit(struct bam_dmux *dmux, bool kick)
{
	if (dmux->tx_submitted == dmux->tx_head)
		return;
	if (!dmux->tx_ready)
		queue_pm_work(&dmux->tx_wakeup_work);
	else if (kick || bam_dmux_tx_full(dmux))
		bam_dmux_tx_flush(dmux);
}

void bam_dmux_tx_kick(struct bam_dmux *dmux)
{
	spin_lock_bh(&dmux->tx_lock);
	bam_dmux_tx_flush(dmux);
	spin_unlock_bh(&dmux->tx_lock);
}

static int bam_dmux_tx_queue_skb(struct bam_dmux *dmux, struct sk_buff *skb,
				 u8 ch, u16 payload, bool kick)
{
	struct bam_dmux_tx_buf *buf;
	dma_addr_t addr;

	addr = dma_map_single(dmux->dev, skb->data, skb->len, DMA_TO_DEVICE);
	if (dma_mapping_error(dmux->dev, addr)) {
		atomic_long_inc(&dmux->dstats.tx_map_fail);
		return -ENOMEM;
	}

	buf = bam_dmux_tx_reserve(dmux);
	buf->type = BAM_DMUX_TX_SKB;
	buf->skb = skb;
	buf->addr = addr;
	buf->len = skb->len;
	buf->payload = payload;
	buf->ch = ch;
	buf->data = payload != 0;
	bam_dmux_tx_commit(dmux, kick);
	return 0;
}

/* Push the DMUX header and pad the frame to 4 bytes. */
static int bam_dmux_tx_prepare_skb(struct bam_dmux *dmux, struct sk_buff *skb,
				   u8 ch)
{
	unsigned int len = skb->len;
	unsigned int pad = bam_dmux_pad_len(len);
	int head, tail;

	if (!len || len > READ_ONCE(dmux->ul_mtu))
		return -EMSGSIZE;
	if (skb_linearize(skb))
		return -ENOMEM;

	head = BAM_DMUX_HDR_SIZE - (int)skb_headroom(skb);
	tail = pad - (int)skb_tailroom(skb);
	if (head > 0 || tail > 0 || skb_cloned(skb)) {
		if (pskb_expand_head(skb, max(head, 0), max(tail, 0), GFP_ATOMIC))
			return -ENOMEM;
	}

	if (pad)
		skb_put_zero(skb, pad);
	bam_dmux_hdr_build(skb_push(skb, BAM_DMUX_HDR_SIZE),
			   BAM_DMUX_CMD_DATA, ch, len);
	return 0;
}

netdev_tx_t bam_dmux_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct bam_dmux_netdev *bndev = bam_dmux_priv(dev);
	struct bam_dmux *dmux = bndev->dmux;
	struct bam_dmux_tx_stats *ts = &dmux->stats[bndev->ch].tx;
	unsigned int len = skb->len;	/* tx_bytes: the IP packet, no padding */
	int ret;

	spin_lock_bh(&dmux->tx_lock);
	if (unlikely(bam_dmux_tx_full(dmux))) {
		bam_dmux_tx_stop_queues(dmux);
		atomic_long_inc(&dmux->dstats.tx_busy);
		spin_unlock_bh(&dmux->tx_lock);
		return NETDEV_TX_BUSY;
	}

	ret = bam_dmux_tx_prepare_skb(dmux, skb, bndev->ch);
	if (!ret)
		ret = bam_dmux_tx_queue_skb(dmux, skb, bndev->ch, len, false);
	if (ret) {
		u64_stats_update_begin(&ts->syncp);
		ts->dropped++;
		u64_stats_update_end(&ts->syncp);
		spin_unlock_bh(&dmux->tx_lock);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	/* the end of a burst, or a queue stopped in its middle */
	if (!netdev_xmit_more() ||
	    netif_xmit_stopped(netdev_get_tx_queue(dev, 0)))
		bam_dmux_tx_commit(dmux, true);
	spin_unlock_bh(&dmux->tx_lock);
	return NETDEV_TX_OK;
}

static bool bam_dmux_tx_has_room(struct bam_dmux *dmux)
{
	bool room;

	spin_lock_bh(&dmux->tx_lock);
	room = !bam_dmux_tx_full(dmux);
	spin_unlock_bh(&dmux->tx_lock);
	return room;
}

/*
 * Send a command (OPEN/CLOSE) for a channel. Process context. To a modem
 * that announced dynamic MTU, an OPEN says our RX pool and DL buffer size.
 */
int bam_dmux_send_cmd(struct bam_dmux *dmux, u8 ch, u8 cmd)
{
	struct bam_dmux_hdr *hdr;
	unsigned long deadline;
	struct sk_buff *skb;
	bool room;
	int ret;

	skb = alloc_skb(BAM_DMUX_HDR_SIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = skb_put(skb, BAM_DMUX_HDR_SIZE);
	bam_dmux_hdr_build(hdr, cmd, ch, 0);
	if (cmd == BAM_DMUX_CMD_OPEN && READ_ONCE(dmux->dyn_mtu))
		hdr->signal = bam_dmux_sig_open(BAM_DMUX_RX_RING,
						dmux->dl_size);

	/*
	 * An OPEN must not be lost to a ring that traffic filled (the answer
	 * to a restarted modem under a flood, say): wait for a slot. The
	 * queues stay stopped until the ring is half empty, so the first
	 * reclaim makes room for it. A CLOSE does not wait: it is sent on the
	 * way down (ndo_stop, removal), where a modem that is gone would hold
	 * every channel's up for the timeout.
	 */
	deadline = jiffies;
	if (cmd == BAM_DMUX_CMD_OPEN)
		deadline += BAM_DMUX_REMOTE_TIMEOUT;
	for (;;) {
		spin_lock_bh(&dmux->tx_lock);
		room = !bam_dmux_tx_full(dmux);
		if (room)
			ret = bam_dmux_tx_queue_skb(dmux, skb, ch, 0, true);
		spin_unlock_bh(&dmux->tx_lock);
		if (room)
			break;
		if (!time_before(jiffies, deadline) ||
		    !wait_event_timeout(dmux->tx_wait,
					bam_dmux_tx_has_room(dmux),
					deadline - jiffies)) {
			ret = -EBUSY;
			break;
		}
	}
	if (ret)
		kfree_skb(skb);
	return ret;
}

/*
 * XDP_TX from the RX poll: send the page back as it is, the DMUX header
 * written into the headroom. The frame waits in the poll's bulk queue
 * (@ctx, for channel ctx->ch), which bam_dmux_tx_xdp_flush() puts on the
 * ring under one lock. @sync: what the page's recycling must sync for the
 * device at least (see bam_dmux_xdp_act()); the frame's own extent is added
 * here. Returns false if the frame cannot be sent: the caller keeps it.
 */
bool bam_dmux_tx_xdp(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
		     struct net_device *netdev, struct bpf_prog *prog,
		     struct xdp_buff *xdp, struct page_pool *pool, u32 sync)
{
	unsigned int len = xdp->data_end - xdp->data;
	unsigned int pad = bam_dmux_pad_len(len);
	struct page *page = virt_to_page(xdp->data_hard_start);
	void *start = page_address(page) + BAM_DMUX_RX_HEADROOM;
	void *hdr = xdp->data - BAM_DMUX_HDR_SIZE;
	struct bam_dmux_xdp_tx_ent *e;
	dma_addr_t addr;

	if (!len || len > READ_ONCE(dmux->ul_mtu) ||
	    hdr < xdp->data_hard_start ||
	    xdp->data_end + pad > xdp->data_hard_start + xdp->frame_sz)
		return false;

	if (xdp->data_end + pad > start)
		sync = max_t(u32, sync, xdp->data_end + pad - start);
	bam_dmux_hdr_build(hdr, BAM_DMUX_CMD_DATA, ctx->ch, len);
	memset(xdp->data_end, 0, pad);
	addr = page_pool_get_dma_addr(page) + (hdr - page_address(page));
	dma_sync_single_for_device(dmux->dev, addr, bam_dmux_frame_size(len),
				   DMA_BIDIRECTIONAL);

	e = &ctx->tx_q[ctx->tx_n++];
	e->page = page;
	e->pool = pool;
	e->addr = addr;
	e->sync = sync;
	e->payload = len;
	ctx->tx_dev = netdev;
	ctx->tx_prog = prog;
	if (ctx->tx_n == BAM_DMUX_XDP_TX_BULK)
		bam_dmux_tx_xdp_flush(dmux, ctx, false);
	return true;
}

/*
 * Put the poll's XDP_TX frames on the ring under one lock, as far as it has
 * room, and count them in the poll's counters; with @kick, hand whatever
 * waits to the engine (the end of the poll). A frame that finds the ring
 * full fails (xdp_tx_err) and goes back to its pool. RX poll, RCU held.
 */
void bam_dmux_tx_xdp_flush(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
			   bool kick)
{
	unsigned int i, k, n = ctx->tx_n;
	struct bam_dmux_xdp_tx_ent *e;
	struct bam_dmux_tx_buf *buf;

	spin_lock(&dmux->tx_lock);
	/* one lock for the batch, as far as the ring has room */
	k = min(n, BAM_DMUX_TX_RING - (dmux->tx_head - dmux->tx_tail));
	for (i = 0; i < k; i++) {
		e = &ctx->tx_q[i];
		buf = bam_dmux_tx_reserve(dmux);
		buf->type = BAM_DMUX_TX_XDP_TX;
		buf->page = e->page;
		buf->pool = e->pool;
		buf->sync = e->sync;
		buf->addr = e->addr;
		buf->len = bam_dmux_frame_size(e->payload);
		buf->payload = e->payload;
		buf->ch = ctx->ch;
		buf->data = true;
	}
	if (k)
		ctx->tx = true;
	bam_dmux_tx_commit(dmux, kick);
	spin_unlock(&dmux->tx_lock);

	ctx->acc.xdp_tx += i;
	ctx->acc.xdp_tx_err += n - i;
	for (; i < n; i++) {
		e = &ctx->tx_q[i];
		trace_xdp_exception(ctx->tx_dev, ctx->tx_prog, XDP_TX);
		page_pool_put_page(e->pool, e->page, e->sync, true);
	}
	ctx->tx_n = 0;
}

static int bam_dmux_tx_one_frame(struct bam_dmux *dmux, u8 ch, u8 qmap_ul,
				 struct xdp_frame *xdpf)
{
	unsigned int len = xdpf->len;
	unsigned int pad = bam_dmux_pad_len(len);
	void *hard_start = xdpf;
	void *hdr = xdpf->data - BAM_DMUX_HDR_SIZE;
	struct bam_dmux_tx_buf *buf;
	dma_addr_t addr;

	if (!len || len > READ_ONCE(dmux->ul_mtu) || xdp_frame_has_frags(xdpf) ||
	    !(qmap_ul ? bam_dmux_map_valid(xdpf->data, len, qmap_ul - 1) :
			bam_dmux_ip_version(xdpf->data, len)) ||
	    xdpf->headroom < BAM_DMUX_HDR_SIZE ||
	    xdpf->data + len + pad > hard_start + xdpf->frame_sz)
		return -EINVAL;

	bam_dmux_hdr_build(hdr, BAM_DMUX_CMD_DATA, ch, len);
	memset(xdpf->data + len, 0, pad);
	addr = dma_map_single(dmux->dev, hdr, bam_dmux_frame_size(len),
			      DMA_TO_DEVICE);
	if (dma_mapping_error(dmux->dev, addr)) {
		atomic_long_inc(&dmux->dstats.tx_map_fail);
		return -ENOMEM;
	}

	buf = bam_dmux_tx_reserve(dmux);
	buf->type = BAM_DMUX_TX_XDP_FRAME;
	buf->xdpf = xdpf;
	buf->addr = addr;
	buf->len = bam_dmux_frame_size(len);
	buf->payload = len;
	buf->ch = ch;
	buf->data = true;
	return 0;
}

/*
 * ndo_xdp_xmit: queue frames until the first one that does not fit or is
 * refused; the caller frees the rest. Returns how many were queued.
 */
int bam_dmux_tx_xdp_frames(struct bam_dmux *dmux, u8 ch, u8 qmap_ul, int n,
			   struct xdp_frame **frames, bool flush)
{
	struct bam_dmux_tx_stats *ts = &dmux->stats[ch].tx;
	int i;

	spin_lock(&dmux->tx_lock);
	for (i = 0; i < n; i++) {
		if (bam_dmux_tx_full(dmux) ||
		    bam_dmux_tx_one_frame(dmux, ch, qmap_ul, frames[i]))
			break;
	}

	u64_stats_update_begin(&ts->syncp);
	ts->xdp_xmit += i;
	ts->xdp_xmit_err += n - i;
	u64_stats_update_end(&ts->syncp);

	/*
	 * With XDP_XMIT_FLUSH everything queued so far goes out, also when
	 * this call queued nothing: earlier calls of the same batch may have
	 * filled the ring without the flag.
	 */
	bam_dmux_tx_commit(dmux, flush);
	spin_unlock(&dmux->tx_lock);
	return i;
}

/* Mark TX usable (host powered, channel held) or not. */
void bam_dmux_tx_set_ready(struct bam_dmux *dmux, bool ready)
{
	spin_lock_bh(&dmux->tx_lock);
	WRITE_ONCE(dmux->tx_ready, ready);
	if (ready)
		bam_dmux_tx_flush(dmux);
	spin_unlock_bh(&dmux->tx_lock);
	wake_up_all(&dmux->pc_wait);
}

static bool bam_dmux_tx_idle(struct bam_dmux *dmux)
{
	bool idle;

	spin_lock_bh(&dmux->tx_lock);
	idle = dmux->tx_tail == dmux->tx_submitted;
	spin_unlock_bh(&dmux->tx_lock);
	return idle;
}

/*
 * Fail whatever the engine still holds: it will never complete. Returns
 * how many frames that was.
 */
static unsigned int bam_dmux_tx_fail_in_flight(struct bam_dmux *dmux)
{
	unsigned int n = 0;

	lockdep_assert_held(&dmux->tx_lock);

	while (dmux->tx_tail != dmux->tx_submitted) {
		struct bam_dmux_tx_buf *buf;

		buf = bam_dmux_tx_slot(dmux, dmux->tx_tail);
		if (!buf->done) {
			buf->failed = true;
			buf->done = true;
			n++;
		}
		bam_dmux_tx_reclaim(dmux);
	}
	return n;
}

/*
 * The modem powers down: stop submitting, let the engine finish what it has
 * (the modem keeps its DMA on until we acknowledge), then release the TX
 * channel. Frames still waiting are dropped if @drop_waiting; otherwise they
 * stay for the power-up that the resume their wakeup work waits for brings
 * (a collapse that a new vote races), or are dropped by that work if the
 * resume fails. power_lock held.
 */
void bam_dmux_tx_drain(struct bam_dmux *dmux, bool drop_waiting)
{
	unsigned int dropped;

	bam_dmux_tx_set_ready(dmux, false);
	if (!wait_event_timeout(dmux->tx_wait, bam_dmux_tx_idle(dmux),
				BAM_DMUX_REMOTE_TIMEOUT))
		dev_warn(dmux->dev, "TX did not complete before power-down\n");

	if (dmux->tx)
		dmaengine_terminate_sync(dmux->tx);

	spin_lock_bh(&dmux->tx_lock);
	bam_dmux_tx_fail_in_flight(dmux);
	dropped = drop_waiting ? bam_dmux_tx_drop_waiting(dmux) : 0;
	spin_unlock_bh(&dmux->tx_lock);

	if (dropped)
		dev_warn(dmux->dev, "Modem powered down, dropped %u TX frames\n",
			 dropped);

	if (dmux->tx) {
		dma_release_channel(dmux->tx);
		dmux->tx = NULL;
	}
}

/*
 * The TX watchdog. It runs every BAM_DMUX_TX_STALL while the engine holds
 * frames, and never when it holds none (armed by the flush that hands the
 * engine its frames). If no frame completed over BAM_DMUX_TX_STALL_CHECKS
 * whole periods, their interrupt was lost (or the pipe hung): the engine
 * may well have sent them, but bam_dma completes descriptors only from its
 * interrupt handler, so nothing but another interrupt would ever complete
 * them, and with the ring full or the host idle none comes. Reset the pipe,
 * count the frames as errors, go on with what waits. A stall is seen within
 * two to three seconds: three orders of magnitude above a transfer's time
 * in the VM lane (milliseconds), six on a phone, and two periods, so that
 * one late timer (a virtual CPU descheduled) is not taken for a stall.
 *
 * Only the watchdog moves its mark, under tx_lock: a flush racing with it
 * only queues it.
 */
static void bam_dmux_tx_stall_work(struct work_struct *work)
{
	struct bam_dmux *dmux = container_of(to_delayed_work(work),
					     struct bam_dmux, tx_stall_work);
	unsigned int lost;
	bool ready;

	/* the power path releases the channel under power_lock */
	mutex_lock(&dmux->power_lock);
	spin_lock_bh(&dmux->tx_lock);
	if (!dmux->tx || dmux->tx_tail == dmux->tx_submitted ||
	    dmux->tx_tail != dmux->tx_stall_tail) {
		/* idle, or progress: start counting again */
		dmux->tx_stall_tail = dmux->tx_tail;
		dmux->tx_stall_checks = 0;
		if (dmux->tx && dmux->tx_tail != dmux->tx_submitted)
			queue_delayed_work(system_freezable_wq,
					   &dmux->tx_stall_work,
					   BAM_DMUX_TX_STALL);
		spin_unlock_bh(&dmux->tx_lock);
		goto out;
	}
	if (++dmux->tx_stall_checks < BAM_DMUX_TX_STALL_CHECKS) {
		queue_delayed_work(system_freezable_wq, &dmux->tx_stall_work,
				   BAM_DMUX_TX_STALL);
		spin_unlock_bh(&dmux->tx_lock);
		goto out;
	}
	dmux->tx_stall_checks = 0;
	/* no new submission while the pipe resets */
	ready = dmux->tx_ready;
	WRITE_ONCE(dmux->tx_ready, false);
	spin_unlock_bh(&dmux->tx_lock);

	dmaengine_terminate_sync(dmux->tx);

	spin_lock_bh(&dmux->tx_lock);
	lost = bam_dmux_tx_fail_in_flight(dmux);
	dmux->tx_stall_tail = dmux->tx_tail;
	spin_unlock_bh(&dmux->tx_lock);
	/* flushes what waits and wakes a resume waiting for TX */
	if (ready)
		bam_dmux_tx_set_ready(dmux, true);

	atomic_long_inc(&dmux->dstats.tx_stall);
	dev_warn_ratelimited(dmux->dev,
			     "TX stalled (completion interrupt lost?): pipe reset, %u frames failed\n",
			     lost);
out:
	mutex_unlock(&dmux->power_lock);
}

static void bam_dmux_tx_wakeup_work(struct work_struct *work)
{
	struct bam_dmux *dmux = container_of(work, struct bam_dmux,
					     tx_wakeup_work);
	unsigned int dropped = 0;
	int ret;

	ret = bam_dmux_pm_get_sync(dmux);
	if (!ret)
		wait_event_timeout(dmux->pc_wait, READ_ONCE(dmux->tx_ready),
				   BAM_DMUX_REMOTE_TIMEOUT);

	spin_lock_bh(&dmux->tx_lock);
	if (dmux->tx_ready)
		bam_dmux_tx_flush(dmux);
	else
		dropped = bam_dmux_tx_drop_waiting(dmux);
	spin_unlock_bh(&dmux->tx_lock);

	/* ret 0: resumed, but the modem went down before TX opened */
	if (dropped)
		dev_err_ratelimited(dmux->dev,
				    "Modem unavailable (%pe), dropped %u TX frames\n",
				    ERR_PTR(ret ?: -ENXIO), dropped);
	if (!ret)
		bam_dmux_pm_put(dmux);
}

void bam_dmux_tx_init(struct bam_dmux *dmux)
{
	int i;

	dmux->ul_mtu = BAM_DMUX_MAX_DATA_SIZE;
	spin_lock_init(&dmux->tx_lock);
	init_waitqueue_head(&dmux->tx_wait);
	INIT_WORK(&dmux->tx_wakeup_work, bam_dmux_tx_wakeup_work);
	INIT_DELAYED_WORK(&dmux->tx_stall_work, bam_dmux_tx_stall_work);
	for (i = 0; i < BAM_DMUX_TX_RING; i++)
		dmux->tx_bufs[i].dmux = dmux;
}

/* After the power path stopped: the watchdog finds nothing more to do. */
void bam_dmux_tx_exit(struct bam_dmux *dmux)
{
	cancel_delayed_work_sync(&dmux->tx_stall_work);
}
