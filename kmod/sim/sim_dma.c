// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated BAM DMA controller: six pipes like msm8916's BAM-DMUX BAM, of
 * which pipe 4 (host to modem, MEM_TO_DEV) and pipe 5 (modem to host,
 * DEV_TO_MEM) are wired to the modem. One DMUX frame per descriptor.
 *
 * Like a BAM with qcom,powered-remotely, the pipes only work while the modem
 * powers the engine: channels cannot be allocated and transfers fail while
 * it is off.
 */

#include <linux/dmaengine.h>
#include <linux/mm.h>
#include <linux/of_dma.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "../bam_dmux_compat.h"
#include "sim.h"

static struct sim_chan *to_sim_chan(struct dma_chan *chan)
{
	return container_of(chan, struct sim_chan, chan);
}

static struct sim_desc *to_sim_desc(struct dma_async_tx_descriptor *txd)
{
	return container_of(txd, struct sim_desc, txd);
}

/*
 * The controller sits on the CPU's bus: the node has neither iommus nor
 * dma-ranges (QEMU virt), so a bus address is a physical address, and the
 * model reaches the buffer through the kernel's linear map as a bus master
 * would reach memory. Anything that is not linear-mapped RAM is refused.
 */
static bool sim_dma_addr_ok(dma_addr_t addr, u32 len)
{
	phys_addr_t p, last;

	if (!len)
		return true;
	if (check_add_overflow((phys_addr_t)addr, (phys_addr_t)len - 1, &last))
		return false;
	for (p = addr & PAGE_MASK; p <= last; p += PAGE_SIZE) {
		if (!pfn_valid(PHYS_PFN(p)) || !virt_addr_valid(phys_to_virt(p)))
			return false;
		if (p + PAGE_SIZE < p)
			break;
	}
	return true;
}

/* Copy between @buf and the descriptor's buffers; @buf NULL writes zeros. */
static void sim_desc_copy(struct sim_desc *d, u32 pos, void *buf, u32 len,
			  bool to_desc)
{
	unsigned int i;

	for (i = 0; i < d->nents && len; i++) {
		void *va;
		u32 n;

		if (pos >= d->sg[i].len) {
			pos -= d->sg[i].len;
			continue;
		}
		n = min(len, d->sg[i].len - pos);
		/* bus address == physical address, checked at prep time */
		va = phys_to_virt(d->sg[i].addr + pos);
		if (!to_desc)
			memcpy(buf, va, n);
		else if (buf)
			memcpy(va, buf, n);
		else
			memset(va, 0, n);
		if (buf)
			buf += n;
		len -= n;
		pos = 0;
	}
}

/*
 * The BAM's interrupt. A BAM has one interrupt line for all its pipes, and
 * bam_dma's handler (process_channel_irqs()) reads which pipes have events
 * and, for each, how far the hardware got, then completes every descriptor
 * up to there (vchan_cookie_complete(): the cookie completes and the
 * callback is queued to its tasklet). So descriptors the hardware finished
 * are not complete to dmaengine until an interrupt is handled: a lost
 * interrupt leaves them done but silent (dmaengine_tx_status() says
 * DMA_IN_PROGRESS, no callback runs) until the next interrupt of either
 * pipe completes them all. The fault "lose_irq N" loses the next N.
 *
 * The handler runs in softirq context on the first online CPU, where an
 * SoC routes the BAM interrupt by default, whatever CPU the modem model
 * itself runs on. Like a BAM, which signals once for all descriptors done
 * since its status was last read, the model raises it once per batch of
 * completions, not per descriptor. Any context, any pipe lock may be held.
 */
static const int sim_wired_pipes[] = { SIM_PIPE_TX, SIM_PIPE_RX };

static void sim_bam_irq(struct sim_modem *sim)
{
	bool news = false;
	int i;

	/*
	 * A raise while the handler is still to run for every pipe with
	 * something done changes nothing: it is not one that can be lost.
	 */
	for (i = 0; i < ARRAY_SIZE(sim_wired_pipes); i++) {
		struct sim_chan *sc = &sim->chans[sim_wired_pipes[i]];

		if (READ_ONCE(sc->ndone) && !test_bit(0, &sc->irq_raised))
			news = true;
	}
	if (!news)
		return;
	if (atomic_dec_if_positive(&sim->fault_lose_irq) >= 0) {
		sim_count(sim, SIM_CNT_IRQ_LOST, 1);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(sim_wired_pipes); i++) {
		struct sim_chan *sc = &sim->chans[sim_wired_pipes[i]];

		/* the status read: a pipe with nothing done has no event */
		if (!READ_ONCE(sc->ndone))
			continue;
		set_bit(0, &sc->irq_raised);
		queue_work_on(cpumask_first(cpu_online_mask), system_bh_wq,
			      &sc->bh_work);
	}
}

/* Raise the interrupt if this pipe has finished something. */
static void sim_chan_irq(struct sim_chan *sc)
{
	lockdep_assert_held(&sc->lock);

	if (sc->ndone)
		sim_bam_irq(sc->sim);
}

/* The hardware finished a descriptor: its interrupt is yet to come. */
static void sim_desc_complete(struct sim_chan *sc, struct sim_desc *d,
			      enum dmaengine_tx_result result)
{
	lockdep_assert_held(&sc->lock);

	d->result = result;
	list_move_tail(&d->node, &sc->done);
	WRITE_ONCE(sc->ndone, sc->ndone + 1);
}

/* The interrupt handler's part: what dma_cookie_complete() does. */
static void sim_chan_signal(struct sim_chan *sc)
{
	struct sim_desc *d;

	lockdep_assert_held(&sc->lock);

	list_for_each_entry(d, &sc->done, node) {
		sc->chan.completed_cookie = d->txd.cookie;
		d->txd.cookie = 0;
	}
	list_splice_tail_init(&sc->done, &sc->completed);
	WRITE_ONCE(sc->ndone, 0);
}

/* A descriptor from the pipe's pool, or allocated if the pool is empty. */
static struct sim_desc *sim_desc_get(struct sim_chan *sc, unsigned int nents)
{
	struct sim_desc *d = NULL;
	unsigned long flags;

	if (nents <= SIM_SG_INLINE) {
		spin_lock_irqsave(&sc->lock, flags);
		d = list_first_entry_or_null(&sc->free, struct sim_desc, node);
		if (d)
			list_del(&d->node);
		spin_unlock_irqrestore(&sc->lock, flags);
	}
	if (d) {
		memset(d, 0, sizeof(*d));
		d->pooled = true;
	} else {
		d = kzalloc(sizeof(*d), GFP_NOWAIT);
		if (!d)
			return NULL;
	}
	d->sg = d->sg_inline;
	if (nents > SIM_SG_INLINE) {
		d->sg = kcalloc(nents, sizeof(*d->sg), GFP_NOWAIT);
		if (!d->sg) {
			kfree(d);
			return NULL;
		}
	}
	d->nents = nents;
	return d;
}

/* Free the descriptors on @head (their callbacks have run or never will). */
static void sim_desc_put_list(struct sim_chan *sc, struct list_head *head)
{
	struct sim_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(pooled);

	list_for_each_entry_safe(d, tmp, head, node) {
		list_del(&d->node);
		if (d->sg != d->sg_inline)
			kfree(d->sg);
		if (d->pooled)
			list_add(&d->node, &pooled);
		else
			kfree(d);
	}
	if (list_empty(&pooled))
		return;
	spin_lock_irqsave(&sc->lock, flags);
	list_splice(&pooled, &sc->free);
	spin_unlock_irqrestore(&sc->lock, flags);
}

/* As dmaengine_desc_get_callback_invoke() in drivers/dma/dmaengine.h. */
static void sim_desc_callback(struct dma_async_tx_descriptor *txd,
			      const struct dmaengine_result *res)
{
	if (txd->callback_result)
		txd->callback_result(txd->callback_param, res);
	else if (txd->callback)
		txd->callback(txd->callback_param);
}

/*
 * Host-to-modem pipe: the modem reads each issued frame, on its own CPU,
 * then the BAM raises its interrupt once for the batch.
 */
static void sim_tx_hw_work(struct work_struct *work)
{
	struct sim_chan *sc = container_of(work, struct sim_chan, hw_work);
	struct sim_modem *sim = sc->sim;
	u8 *buf = sim->tx_buf;
	unsigned long flags;
	struct sim_desc *d;
	bool any = false;
	u32 len;

	if (READ_ONCE(sim->tx_holding)) {
		unsigned long until = READ_ONCE(sim->tx_hold_until);

		if (time_before(jiffies, until)) {
			mod_timer(&sim->tx_hold_timer, until);
			return;
		}
		WRITE_ONCE(sim->tx_holding, false);
	}

	for (;;) {
		spin_lock_irqsave(&sc->lock, flags);
		d = list_first_entry_or_null(&sc->issued, struct sim_desc, node);
		if (!d) {
			spin_unlock_irqrestore(&sc->lock, flags);
			break;
		}
		any = true;
		if (d->bad) {
			sim_count(sim, SIM_CNT_BAD_ADDR, 1);
			sim_desc_complete(sc, d, DMA_TRANS_READ_FAILED);
			spin_unlock_irqrestore(&sc->lock, flags);
			continue;
		}
		len = d->total;
		sim_desc_copy(d, 0, buf, min_t(u32, len, SIM_MAX_XFER), false);
		d->done = len;
		sim_desc_complete(sc, d, DMA_TRANS_NOERROR);
		spin_unlock_irqrestore(&sc->lock, flags);

		/* only the header is read when len exceeds the copy */
		sim_modem_host_frame(sim, buf, len);
	}
	if (!any)
		return;
	spin_lock_irqsave(&sc->lock, flags);
	sim_chan_irq(sc);
	spin_unlock_irqrestore(&sc->lock, flags);
}

/* The end of a "tx_hold": the modem reads what waited. */
static void sim_tx_hold_timer(struct timer_list *t)
{
	struct sim_modem *sim = timer_container_of(sim, t, tx_hold_timer);

	queue_work_on(cpumask_last(cpu_online_mask), system_bh_wq,
		      &sim->chans[SIM_PIPE_TX].hw_work);
}

/*
 * The interrupt, for one pipe: runs on system_bh_wq, softirq context like
 * bam_dma's tasklet. As virt-dma's vchan_complete(), it takes every
 * completed descriptor at once and runs their callbacks in order without
 * the lock; a terminate_all() meanwhile does not stop those,
 * device_synchronize() waits for them.
 */
static void sim_chan_bh(struct work_struct *work)
{
	struct sim_chan *sc = container_of(work, struct sim_chan, bh_work);
	struct dmaengine_result res;
	struct sim_desc *d;
	unsigned long flags;
	LIST_HEAD(head);

	spin_lock_irqsave(&sc->lock, flags);
	if (test_and_clear_bit(0, &sc->irq_raised))
		sim_chan_signal(sc);
	list_splice_tail_init(&sc->completed, &head);
	spin_unlock_irqrestore(&sc->lock, flags);

	list_for_each_entry(d, &head, node) {
		res.result = d->result;
		res.residue = d->total - d->done;
		sim_desc_callback(&d->txd, &res);
	}
	sim_desc_put_list(sc, &head);
}

/*
 * Write one frame, made of @a, @b and @zeros zero bytes, into the oldest
 * posted RX buffer. Buffers with a bad address fail and are skipped.
 */
static int sim_rx_write(struct sim_modem *sim, const void *a, u32 alen,
			const void *b, u32 blen, u32 zeros)
{
	struct sim_chan *sc = &sim->chans[SIM_PIPE_RX];
	u32 len = alen + blen + zeros;
	struct sim_desc *d;

	lockdep_assert_held(&sc->lock);

	for (;;) {
		d = list_first_entry_or_null(&sc->issued, struct sim_desc, node);
		if (!d)
			return -ENOBUFS;
		if (!d->bad)
			break;
		sim_count(sim, SIM_CNT_BAD_ADDR, 1);
		sim_desc_complete(sc, d, DMA_TRANS_WRITE_FAILED);
	}
	if (len > d->total) {
		sim_count(sim, SIM_CNT_RX_TOO_BIG, 1);
		return -EMSGSIZE;
	}

	sim_desc_copy(d, 0, (void *)a, alen, true);
	if (blen)
		sim_desc_copy(d, alen, (void *)b, blen, true);
	if (zeros)
		sim_desc_copy(d, alen + blen, NULL, zeros, true);
	d->done = len;
	sim_desc_complete(sc, d, DMA_TRANS_NOERROR);
	return 0;
}

/* Move backlogged frames into freshly posted buffers, in order. */
static void sim_rx_drain(struct sim_modem *sim)
{
	struct sim_frame *f;
	int ret;

	lockdep_assert_held(&sim->chans[SIM_PIPE_RX].lock);

	while ((f = list_first_entry_or_null(&sim->backlog, struct sim_frame,
					     node))) {
		ret = sim_rx_write(sim, f->data, f->len, NULL, 0, 0);
		if (ret == -ENOBUFS)
			break;
		if (!ret) {
			sim_count(sim, SIM_CNT_RX_FRAMES, 1);
			sim_count(sim, SIM_CNT_RX_BYTES, f->len);
		}
		list_del(&f->node);
		sim->backlog_len--;
		kfree(f);
	}
	if (sim->mdm_stopped && sim->backlog_len <= SIM_BACKLOG_MAX / 2) {
		sim->mdm_stopped = false;
		sim_netdev_flow(sim, false);
	}
}

static int sim_rx_put(struct sim_modem *sim, const void *a, u32 alen,
		      const void *b, u32 blen, u32 zeros, unsigned int flags)
{
	struct sim_chan *sc = &sim->chans[SIM_PIPE_RX];
	u32 len = alen + blen + zeros;
	unsigned long irqflags;
	struct sim_frame *f;
	int ret;

	spin_lock_irqsave(&sc->lock, irqflags);
	if (!READ_ONCE(sim->dma_on)) {
		ret = -ENETDOWN;
		goto out;
	}
	if (list_empty(&sim->backlog)) {
		ret = sim_rx_write(sim, a, alen, b, blen, zeros);
		if (!ret) {
			sim_count(sim, SIM_CNT_RX_FRAMES, 1);
			sim_count(sim, SIM_CNT_RX_BYTES, len);
		}
		if (ret != -ENOBUFS)
			goto out;
	}
	if ((flags & SIM_RX_BACKLOG) && sim->backlog_len < SIM_BACKLOG_MAX) {
		f = kmalloc(struct_size(f, data, len), GFP_ATOMIC);
		if (f) {
			f->len = len;
			memcpy(f->data, a, alen);
			if (blen)
				memcpy(f->data + alen, b, blen);
			memset(f->data + alen + blen, 0, zeros);
			list_add_tail(&f->node, &sim->backlog);
			sim->backlog_len++;
			/* A modem holds its senders back rather than drop. */
			if (!sim->mdm_stopped &&
			    sim->backlog_len >= SIM_BACKLOG_STOP) {
				sim->mdm_stopped = true;
				sim_netdev_flow(sim, true);
			}
			ret = 0;
			goto out;
		}
	}
	ret = -ENOBUFS;
	if (!(flags & SIM_RX_TRY))
		sim_count(sim, SIM_CNT_RX_NO_BUFFER, 1);
out:
	sim_chan_irq(sc);
	spin_unlock_irqrestore(&sc->lock, irqflags);
	return ret;
}

/**
 * sim_rx_send() - send a frame from the modem to the host
 * @sim: the modem
 * @hdr: its header; @hdr->pad zero bytes follow the payload
 * @payload: @len bytes, may be NULL if @len is 0
 * @len: payload length
 * @flags: SIM_RX_BACKLOG to queue the frame if no buffer is posted,
 *	   SIM_RX_TRY not to count a refusal
 *
 * Return: 0 if delivered or queued, -ENETDOWN if the engine is off,
 * -ENOBUFS if refused, -EMSGSIZE if larger than the posted buffer.
 */
int sim_rx_send(struct sim_modem *sim, const struct bam_dmux_hdr *hdr,
		const void *payload, unsigned int len, unsigned int flags)
{
	return sim_rx_put(sim, hdr, sizeof(*hdr), payload, len, hdr->pad,
			  flags);
}

/* Send exactly @len raw bytes as one RX transfer. */
int sim_rx_send_raw(struct sim_modem *sim, const void *buf, unsigned int len,
		    unsigned int flags)
{
	return sim_rx_put(sim, buf, len, NULL, 0, 0, flags);
}

/**
 * sim_rx_burst_begin() - start writing frames into posted RX buffers
 * @sim: the modem
 * @b: the burst's state
 *
 * Holds the RX pipe's lock (interrupts off) until sim_rx_burst_end(), which
 * raises the pipe's interrupt once for all frames written: keep bursts short.
 */
void sim_rx_burst_begin(struct sim_modem *sim, struct sim_rx_burst *b)
	__acquires(&sim->chans[SIM_PIPE_RX].lock)
{
	b->sim = sim;
	b->frames = 0;
	b->bytes = 0;
	spin_lock_irqsave(&sim->chans[SIM_PIPE_RX].lock, b->flags);
}

/**
 * sim_rx_burst_put() - write one frame of a burst
 * @b: the burst
 * @buf: the whole transfer
 * @len: its length
 *
 * Never queues: a frame only goes straight into a posted buffer, and only
 * if no backlogged frame waits for one. Refusals are not counted.
 *
 * Return: 0, -ENETDOWN if the engine is off, -ENOBUFS if no buffer is free,
 * -EMSGSIZE if larger than the oldest buffer.
 */
int sim_rx_burst_put(struct sim_rx_burst *b, const void *buf,
		     unsigned int len)
{
	struct sim_modem *sim = b->sim;
	int ret;

	lockdep_assert_held(&sim->chans[SIM_PIPE_RX].lock);

	if (!READ_ONCE(sim->dma_on))
		return -ENETDOWN;
	if (!list_empty(&sim->backlog))
		return -ENOBUFS;
	ret = sim_rx_write(sim, buf, len, NULL, 0, 0);
	if (!ret) {
		b->frames++;
		b->bytes += len;
	}
	return ret;
}

void sim_rx_burst_end(struct sim_rx_burst *b)
	__releases(&b->sim->chans[SIM_PIPE_RX].lock)
{
	struct sim_modem *sim = b->sim;
	struct sim_chan *sc = &sim->chans[SIM_PIPE_RX];

	if (b->frames) {
		sim_count(sim, SIM_CNT_RX_FRAMES, b->frames);
		sim_count(sim, SIM_CNT_RX_BYTES, b->bytes);
	}
	sim_chan_irq(sc);
	spin_unlock_irqrestore(&sc->lock, b->flags);
}

/*
 * Whether a frame could go straight into a posted buffer now. A hint read
 * without the lock, for a writer that polls: it takes the lock to write.
 */
bool sim_dma_rx_has_buffer(struct sim_modem *sim)
{
	struct sim_chan *sc = &sim->chans[SIM_PIPE_RX];

	/* racy on purpose: a stale answer costs one more poll or lock */
	return data_race(!list_empty(&sc->issued) &&
			 list_empty(&sim->backlog));
}

void sim_dma_queue_stats(struct sim_modem *sim, unsigned int *rx_posted,
			 unsigned int *tx_pending, unsigned int *backlog)
{
	struct sim_chan *sc;
	unsigned long flags;
	struct sim_desc *d;

	sc = &sim->chans[SIM_PIPE_RX];
	*rx_posted = 0;
	spin_lock_irqsave(&sc->lock, flags);
	list_for_each_entry(d, &sc->issued, node)
		(*rx_posted)++;
	*backlog = sim->backlog_len;
	spin_unlock_irqrestore(&sc->lock, flags);

	sc = &sim->chans[SIM_PIPE_TX];
	*tx_pending = 0;
	spin_lock_irqsave(&sc->lock, flags);
	list_for_each_entry(d, &sc->submitted, node)
		(*tx_pending)++;
	list_for_each_entry(d, &sc->issued, node)
		(*tx_pending)++;
	spin_unlock_irqrestore(&sc->lock, flags);
}

/*
 * The modem switched the engine off: whatever is still queued fails (the
 * host should have terminated it before acknowledging), backlog is lost.
 */
void sim_dma_power_off(struct sim_modem *sim, bool crash)
{
	struct sim_frame *f, *tmp;
	struct sim_desc *d, *dn;
	unsigned long flags;
	int i;

	for (i = 0; i < SIM_NUM_CHANS; i++) {
		struct sim_chan *sc = &sim->chans[i];

		spin_lock_irqsave(&sc->lock, flags);
		list_for_each_entry_safe(d, dn, &sc->issued, node) {
			/* a crash resets the pipes under the host's transfers */
			sim_count(sim, crash ? SIM_CNT_CRASH_ABORTED :
				  SIM_CNT_DMA_WHILE_DOWN, 1);
			sim_desc_complete(sc, d, DMA_TRANS_ABORTED);
		}
		sim_chan_irq(sc);
		if (i == SIM_PIPE_RX) {
			list_for_each_entry_safe(f, tmp, &sim->backlog, node) {
				list_del(&f->node);
				kfree(f);
			}
			sim->backlog_len = 0;
			if (sim->mdm_stopped) {
				sim->mdm_stopped = false;
				sim_netdev_flow(sim, false);
			}
		}
		spin_unlock_irqrestore(&sc->lock, flags);
	}
	wake_up(&sim->rx_wq);
}

static dma_cookie_t sim_tx_submit(struct dma_async_tx_descriptor *txd)
{
	struct sim_chan *sc = to_sim_chan(txd->chan);
	struct sim_desc *d = to_sim_desc(txd);
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&sc->lock, flags);
	cookie = sc->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	sc->chan.cookie = cookie;
	txd->cookie = cookie;
	list_add_tail(&d->node, &sc->submitted);
	spin_unlock_irqrestore(&sc->lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
sim_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl,
		  unsigned int sg_len, enum dma_transfer_direction dir,
		  unsigned long flags, void *context)
{
	struct sim_chan *sc = to_sim_chan(chan);
	struct sim_modem *sim = sc->sim;
	struct scatterlist *sg;
	struct sim_desc *d;
	unsigned int i;
	u32 total = 0;

	if (atomic_dec_if_positive(&sim->fault_prep) >= 0)
		return NULL;
	if (dir != sc->dir || !sg_len) {
		dev_dbg(sim->dev, "pipe %d: refusing direction %d\n",
			chan->chan_id, dir);
		return NULL;
	}

	d = sim_desc_get(sc, sg_len);
	if (!d)
		return NULL;

	/* consumers may set only the DMA address and length, not a page */
	for_each_sg(sgl, sg, sg_len, i) {
		d->sg[i].addr = sg_dma_address(sg);
		d->sg[i].len = sg_dma_len(sg);
		if (check_add_overflow(total, d->sg[i].len, &total)) {
			LIST_HEAD(head);

			list_add(&d->node, &head);
			sim_desc_put_list(sc, &head);
			return NULL;
		}
		if (!sim_dma_addr_ok(d->sg[i].addr, d->sg[i].len))
			d->bad = true;
	}
	d->total = total;
	d->dir = dir;

	dma_async_tx_descriptor_init(&d->txd, chan);
	d->txd.flags = flags;
	d->txd.tx_submit = sim_tx_submit;
	return &d->txd;
}

static void sim_issue_pending(struct dma_chan *chan)
{
	struct sim_chan *sc = to_sim_chan(chan);
	struct sim_modem *sim = sc->sim;
	struct sim_desc *d, *tmp;
	unsigned long flags;
	bool posted = false;

	spin_lock_irqsave(&sc->lock, flags);
	if (!READ_ONCE(sim->dma_on)) {
		list_for_each_entry_safe(d, tmp, &sc->submitted, node) {
			sim_count(sim, SIM_CNT_DMA_WHILE_DOWN, 1);
			sim_desc_complete(sc, d, sc->dir == DMA_MEM_TO_DEV ?
					  DMA_TRANS_READ_FAILED :
					  DMA_TRANS_WRITE_FAILED);
		}
		sim_chan_irq(sc);
		spin_unlock_irqrestore(&sc->lock, flags);
		return;
	}

	list_splice_tail_init(&sc->submitted, &sc->issued);
	if (sc->dir == DMA_DEV_TO_MEM) {
		sim_rx_drain(sim);
		sim_chan_irq(sc);
		posted = !list_empty(&sc->issued);
	} else if (!list_empty(&sc->issued)) {
		/* the modem reads the host's frames on its own CPU */
		queue_work_on(cpumask_last(cpu_online_mask), system_bh_wq,
			      &sc->hw_work);
	}
	spin_unlock_irqrestore(&sc->lock, flags);

	if (posted && wq_has_sleeper(&sim->rx_wq))
		wake_up(&sim->rx_wq);
}

static enum dma_status sim_tx_status(struct dma_chan *chan,
				     dma_cookie_t cookie,
				     struct dma_tx_state *state)
{
	struct sim_chan *sc = to_sim_chan(chan);
	dma_cookie_t last, used;
	enum dma_status status;
	unsigned long flags;
	struct sim_desc *d;
	u32 residue = 0;

	spin_lock_irqsave(&sc->lock, flags);
	last = chan->completed_cookie;
	used = chan->cookie;
	status = dma_async_is_complete(cookie, last, used);
	if (status != DMA_COMPLETE) {
		list_for_each_entry(d, &sc->issued, node)
			if (d->txd.cookie == cookie)
				residue = d->total - d->done;
		/* bam_dma counts a descriptor it holds as not started */
		list_for_each_entry(d, &sc->done, node)
			if (d->txd.cookie == cookie)
				residue = d->total;
		list_for_each_entry(d, &sc->submitted, node)
			if (d->txd.cookie == cookie)
				residue = d->total;
	}
	spin_unlock_irqrestore(&sc->lock, flags);

	dma_set_tx_state(state, last, used, residue);
	return status;
}

static int sim_terminate_all(struct dma_chan *chan)
{
	struct sim_chan *sc = to_sim_chan(chan);
	unsigned long flags;
	LIST_HEAD(head);

	spin_lock_irqsave(&sc->lock, flags);
	list_splice_tail_init(&sc->submitted, &head);
	list_splice_tail_init(&sc->issued, &head);
	list_splice_tail_init(&sc->done, &head);
	WRITE_ONCE(sc->ndone, 0);
	list_splice_tail_init(&sc->completed, &head);
	spin_unlock_irqrestore(&sc->lock, flags);

	sim_desc_put_list(sc, &head);
	return 0;
}

/* After this no callback of a terminated descriptor runs any more. */
static void sim_synchronize(struct dma_chan *chan)
{
	struct sim_chan *sc = to_sim_chan(chan);

	flush_work(&sc->hw_work);
	flush_work(&sc->bh_work);
}

static int sim_config(struct dma_chan *chan, struct dma_slave_config *cfg)
{
	struct sim_chan *sc = to_sim_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&sc->lock, flags);
	sc->cfg = *cfg;
	spin_unlock_irqrestore(&sc->lock, flags);
	return 0;
}

static int sim_alloc_chan_resources(struct dma_chan *chan)
{
	struct sim_chan *sc = to_sim_chan(chan);
	struct sim_modem *sim = sc->sim;

	if (atomic_dec_if_positive(&sim->fault_alloc_chan) >= 0)
		return -EIO;
	if (!READ_ONCE(sim->dma_on)) {
		sim_count(sim, SIM_CNT_ALLOC_WHILE_DOWN, 1);
		dev_dbg(sim->dev, "pipe %d requested while the modem is off\n",
			chan->chan_id);
		return -EIO;
	}
	sc->allocated = true;
	return 0;
}

static void sim_free_chan_resources(struct dma_chan *chan)
{
	struct sim_chan *sc = to_sim_chan(chan);

	sim_terminate_all(chan);
	sim_synchronize(chan);
	/* a callback may have queued more before the flush */
	sim_terminate_all(chan);
	sc->allocated = false;
}

int sim_dma_register(struct sim_modem *sim)
{
	struct dma_device *dd = &sim->dma;
	int i, ret;

	timer_setup(&sim->tx_hold_timer, sim_tx_hold_timer, 0);
	dma_cap_zero(dd->cap_mask);
	dma_cap_set(DMA_SLAVE, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dd->dev = sim->dev;
	INIT_LIST_HEAD(&dd->channels);
	dd->device_alloc_chan_resources = sim_alloc_chan_resources;
	dd->device_free_chan_resources = sim_free_chan_resources;
	dd->device_prep_slave_sg = sim_prep_slave_sg;
	dd->device_config = sim_config;
	dd->device_terminate_all = sim_terminate_all;
	dd->device_synchronize = sim_synchronize;
	dd->device_issue_pending = sim_issue_pending;
	dd->device_tx_status = sim_tx_status;
	dd->directions = BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_DEV);
	dd->src_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_4_BYTES);
	dd->dst_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_4_BYTES);
	dd->residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;

	init_waitqueue_head(&sim->rx_wq);
	INIT_LIST_HEAD(&sim->backlog);
	for (i = 0; i < SIM_NUM_CHANS; i++) {
		struct sim_chan *sc = &sim->chans[i];
		int j;

		sc->sim = sim;
		spin_lock_init(&sc->lock);
		INIT_LIST_HEAD(&sc->submitted);
		INIT_LIST_HEAD(&sc->issued);
		INIT_LIST_HEAD(&sc->done);
		INIT_LIST_HEAD(&sc->completed);
		INIT_LIST_HEAD(&sc->free);
		INIT_WORK(&sc->bh_work, sim_chan_bh);
		INIT_WORK(&sc->hw_work, sim_tx_hw_work);
		if (i == SIM_PIPE_TX)
			sc->dir = DMA_MEM_TO_DEV;
		else if (i == SIM_PIPE_RX)
			sc->dir = DMA_DEV_TO_MEM;
		else
			sc->dir = DMA_TRANS_NONE;
		/* preallocated: no allocation per transfer in the model */
		if (sc->dir != DMA_TRANS_NONE) {
			sc->pool = devm_kcalloc(sim->dev, SIM_DESC_POOL,
						sizeof(*sc->pool), GFP_KERNEL);
			if (!sc->pool)
				return -ENOMEM;
			for (j = 0; j < SIM_DESC_POOL; j++)
				list_add_tail(&sc->pool[j].node, &sc->free);
		}
		/* chan_id follows list order: pipe i is chan_id i */
		sc->chan.device = dd;
		list_add_tail(&sc->chan.device_node, &dd->channels);
	}

	ret = dma_async_device_register(dd);
	if (ret)
		return ret;

	ret = of_dma_controller_register(sim->dma_np, of_dma_xlate_by_chan_id,
					 dd);
	if (ret) {
		dma_async_device_unregister(dd);
		return ret;
	}
	sim->dma_registered = true;
	return 0;
}

void sim_dma_unregister(struct sim_modem *sim)
{
	int i;

	if (!sim->dma_registered)
		return;
	of_dma_controller_free(sim->dma_np);
	timer_delete_sync(&sim->tx_hold_timer);
	for (i = 0; i < SIM_NUM_CHANS; i++) {
		if (sim->chans[i].chan.client_count)
			dev_err(sim->dev, "pipe %d still held by a consumer\n",
				i);
		sim_terminate_all(&sim->chans[i].chan);
		sim_synchronize(&sim->chans[i].chan);
	}
	dma_async_device_unregister(&sim->dma);
	for (i = 0; i < SIM_NUM_CHANS; i++)
		sim_terminate_all(&sim->chans[i].chan);
	sim_dma_power_off(sim, false);
	sim->dma_registered = false;
}
