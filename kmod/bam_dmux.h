/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Qualcomm BAM-DMUX network driver with native XDP: private definitions.
 */
#ifndef BAM_DMUX_H
#define BAM_DMUX_H

#include <linux/bitops.h>
#include <linux/bpf_trace.h>
#include <linux/dmaengine.h>
#include <linux/filter.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/xdp.h>

#include "bam_dmux_map.h"
#include "bam_dmux_wire.h"

/*
 * Runtime PM carries the host's power vote: without it no resume would run,
 * TX would never become ready and its wakeup work (queue_pm_work()) would
 * never be queued.
 */
#ifndef CONFIG_PM
#error "qcom_bam_dmux needs CONFIG_PM"
#endif

#define BAM_DMUX_RX_RING		32
#define BAM_DMUX_TX_RING		32
/* Room in front of every RX frame for XDP programs (adjust_head, metadata). */
#define BAM_DMUX_RX_HEADROOM		XDP_PACKET_HEADROOM
/*
 * Autosuspend delay (bam_dmux_pm.c): it starts at the mainline value and
 * doubles, up to the vendor trees' 10 s, whenever the modem was collapsed
 * for less than BAM_DMUX_AUTOSUSPEND_MAX_MS before the host voted again;
 * a collapse at least that long halves it again, down to the start value.
 */
#define BAM_DMUX_AUTOSUSPEND_MS		1000
#define BAM_DMUX_AUTOSUSPEND_MAX_MS	10000
#define BAM_DMUX_REMOTE_TIMEOUT		msecs_to_jiffies(2000)
#define BAM_DMUX_REFILL_RETRY		msecs_to_jiffies(100)
/*
 * The TX watchdog's period; a stall is two whole periods with frames at the
 * engine and none completed.
 */
#define BAM_DMUX_TX_STALL		msecs_to_jiffies(1000)
#define BAM_DMUX_TX_STALL_CHECKS	2
/* skbs a poll hands to the stack in one list, at most (QMAP: many a frame) */
#define BAM_DMUX_RX_LIST		64
/* MAP frames of an aggregate that weigh one unit of the NAPI budget */
#define BAM_DMUX_QMAP_WEIGHT		8

/* Why a frame from the modem was dropped before reaching a channel. */
enum bam_dmux_rx_drop {
	BAM_DMUX_DROP_DMA_ERROR,	/* the transfer itself failed */
	BAM_DMUX_DROP_EMPTY,		/* DATA frame with no payload */
	BAM_DMUX_DROP_INACTIVE,		/* DATA for a channel that is not up */
	BAM_DMUX_DROP_NUM,
};

struct bam_dmux_rx_buf {
	struct bam_dmux *dmux;
	struct page *page;
	u32 size;		/* buffer size posted: 2 KiB or dl_size */
	bool large;		/* from pool_large */
	u32 avail;		/* bytes the DMA delivered; valid once done */
	bool ok;		/* the transfer completed without error */
	bool done;		/* set by the DMA callback (release) */
};

enum bam_dmux_tx_type {
	BAM_DMUX_TX_SKB,	/* from the stack: skb, mapped here */
	BAM_DMUX_TX_XDP_TX,	/* XDP_TX: a page of our pool, mapped by it */
	BAM_DMUX_TX_XDP_FRAME,	/* ndo_xdp_xmit: a frame of another device */
};

struct bam_dmux_tx_buf {
	struct bam_dmux *dmux;
	enum bam_dmux_tx_type type;
	union {
		struct sk_buff *skb;
		struct page *page;
		struct xdp_frame *xdpf;
	};
	struct page_pool *pool;	/* XDP_TX: the page's pool */
	u32 sync;		/* XDP_TX: what its recycling syncs */
	dma_addr_t addr;
	u32 len;		/* frame length on the wire */
	u16 payload;		/* payload length, for the counters */
	u8 ch;
	bool data;		/* a DATA frame (commands are not counted) */
	bool done;		/* completed or dropped; slot may be reclaimed */
	bool failed;
};

/* A page of one of our pools, to recycle with @sync bytes synced. */
struct bam_dmux_pp_page {
	struct page *page;
	struct page_pool *pool;
	u32 sync;
};

/* Per-channel counters. RX ones are written by NAPI only. */
struct bam_dmux_rx_stats {
	u64 packets;
	u64 bytes;
	u64 dropped;
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;
	u64 xdp_tx_err;
	u64 xdp_redirect;
	u64 xdp_redirect_err;
	u64 xdp_aborted;
	u64 errors;		/* QMAP mode: malformed MAP frames */
	struct u64_stats_sync syncp;
};

/* TX ones are written under tx_lock. */
struct bam_dmux_tx_stats {
	u64 packets;
	u64 bytes;
	u64 dropped;
	u64 errors;
	u64 xdp_xmit;
	u64 xdp_xmit_err;
	struct u64_stats_sync syncp;
};

struct bam_dmux_chan_stats {
	struct bam_dmux_rx_stats rx;
	struct bam_dmux_tx_stats tx;
};

/* Device-wide counters, shown in debugfs. */
struct bam_dmux_dev_stats {
	/* RX path, written by NAPI only */
	u64 rx_wire_err[BAM_DMUX_WIRE_NUM_ERR];
	u64 rx_drop[BAM_DMUX_DROP_NUM];
	u64 rx_cmd_open;
	u64 rx_cmd_close;
	u64 rx_cmd_open_no_a2_pc;
	u64 rx_alloc_fail;
	u64 rx_prep_fail;
	u64 rx_size_switch;	/* the modem's DATA bit changed the size */
	u64 rx_map_aggr;	/* QMAP mode: DATA frames walked */
	u64 rx_map_err[BAM_DMUX_MAP_NUM_ERR];	/* by class */
	/* elsewhere */
	atomic_long_t tx_prep_fail;
	atomic_long_t tx_map_fail;
	atomic_long_t tx_busy;
	atomic_long_t tx_ring_full;
	atomic_long_t tx_stall;
	atomic_long_t modem_up;
	atomic_long_t modem_down;
	atomic_long_t ack_timeout;
	atomic_long_t power_fail;
	atomic_long_t modem_lost;
};

struct bam_dmux {
	struct device *dev;

	/*
	 * Power control. power_lock serialises modem transitions and votes;
	 * it is never held while waiting for a modem line (bam_dmux_pm.c).
	 */
	struct mutex power_lock;
	struct mutex ack_lock;	/* modem_ack_level: pc-ack thread, start */
	int pc_irq;
	int pc_ack_irq;
	struct qcom_smem_state *pc;
	struct qcom_smem_state *pc_ack;
	u32 pc_mask;
	u32 pc_ack_mask;
	bool vote;		/* our power vote, as last written */
	bool ack_toggle;	/* our pc-ack bit, as last written */
	atomic_t acks_owed;	/* votes not acknowledged yet */
	bool modem_ack_level;	/* last seen level of the modem's pc-ack */
	bool modem_up;		/* the modem is powered and RX runs */
	bool modem_gone;	/* it powered down on its own: crash, shutdown */
	bool no_a2_pc;		/* OPEN_NO_A2_PC seen: hold the vote (chan_work) */
	bool pc_hold;		/* the runtime PM reference of that hold */
	/*
	 * Dynamic MTU, from the modem's last OPEN (written by NAPI): whether
	 * it announced it, and the largest UL payload it takes.
	 */
	bool dyn_mtu;
	unsigned int ul_mtu;
	wait_queue_head_t pc_wait;
	/*
	 * Adaptive autosuspend, runtime PM callbacks only (serialised): the
	 * delay last set, whether it still adapts (not once the user wrote
	 * autosuspend_delay_ms) and when the vote was last withdrawn (0: never).
	 */
	int pm_delay;
	bool pm_adapt;
	ktime_t pm_suspended_at;

	struct dma_chan *rx;
	struct dma_chan *tx;

	/* RX ring, consumed by NAPI: posted buffers live in [rx_head, rx_tail). */
	struct net_device *napi_dev;
	struct napi_struct napi;
	struct page_pool *pool;
	/*
	 * Dynamic MTU, DL side: buffers of dl_size bytes from pool_large (NULL
	 * when dl_size is 2 KiB), posted while the modem's DATA frames ask for
	 * them (rx_large, NAPI's), each a frame of large_frame_sz bytes.
	 */
	struct page_pool *pool_large;
	unsigned int dl_size;
	unsigned int large_frame_sz;
	bool rx_large;
	struct bam_dmux_rx_buf rx_bufs[BAM_DMUX_RX_RING];
	unsigned int rx_head;
	unsigned int rx_tail;
	bool rx_running;
	bool rx_reset;		/* a transfer was aborted: no refill until start */
	struct timer_list refill_timer;

	/*
	 * TX ring shared by all channels: [tx_tail, tx_submitted) is with the
	 * DMA engine, [tx_submitted, tx_head) waits for the engine (runtime
	 * resume or the modem). The ring holds one runtime PM reference while
	 * it is not empty.
	 */
	spinlock_t tx_lock;
	struct bam_dmux_tx_buf tx_bufs[BAM_DMUX_TX_RING];
	unsigned int tx_head;
	unsigned int tx_submitted;
	unsigned int tx_tail;
	bool tx_ready;		/* TX channel held and the host is active */
	bool tx_stopped;	/* channel queues stopped: ring full */
	struct work_struct tx_wakeup_work;
	wait_queue_head_t tx_wait;
	/*
	 * Sent XDP_TX pages that the TX completion left for the RX poll, to
	 * go back to their pools' direct caches (only while RX runs).
	 */
	struct bam_dmux_pp_page tx_recycle[2 * BAM_DMUX_TX_RING];
	unsigned int tx_recycle_n;
	struct delayed_work tx_stall_work;	/* while the engine has frames */
	unsigned int tx_stall_tail;	/* tx_tail when it last looked */
	unsigned int tx_stall_checks;	/* its looks since tx_tail moved */

	/* Channels */
	unsigned long remote_open;	/* channels the modem opened */
	unsigned long reopen;		/* modem OPENed them again: answer */
	struct work_struct chan_work;
	bool removing;
	struct net_device __rcu *netdevs[BAM_DMUX_NUM_CH];
	struct bam_dmux_chan_stats stats[BAM_DMUX_NUM_CH];
	struct bam_dmux_dev_stats dstats;

	struct dentry *debugfs;
};

/* ethtool private flags (bam_dmux_stats.c) */
#define BAM_DMUX_PFLAG_QMAP		BIT(0)	/* DATA carries MAP aggregates */
#define BAM_DMUX_PFLAG_QMAP_CSUM_V4	BIT(1)	/* MAPv4: DL checksum trailer */
#define BAM_DMUX_PFLAG_QMAP_CSUM_V5	BIT(2)	/* MAPv5: checksum header */
#define BAM_DMUX_NUM_PFLAGS		3

struct bam_dmux_netdev {
	struct bam_dmux *dmux;
	u8 ch;
	u8 pflags;		/* BAM_DMUX_PFLAG_*, under RTNL */
	/*
	 * What NAPI reads (READ_ONCE): 0 for Raw-IP, else the MAP format of
	 * the aggregates the channel carries, plus one; qmap_ul the same for
	 * what it sends (MAPv4 has a trailer down, a header up).
	 */
	u8 qmap;
	u8 qmap_ul;
	struct bpf_prog __rcu *xdp_prog;
	struct xdp_rxq_info xdp_rxq;
	struct xdp_rxq_info xdp_rxq_large;	/* frames from pool_large */
};

static inline struct bam_dmux_netdev *bam_dmux_priv(struct net_device *dev)
{
	return netdev_priv(dev);
}

/*
 * One channel's RX counters of one NAPI poll, committed to its
 * bam_dmux_rx_stats once: when a frame of another channel comes, and at the
 * end of the poll.
 */
struct bam_dmux_rx_acc {
	u32 packets;
	u32 bytes;
	u32 dropped;
	u32 errors;
	u32 xdp_pass;
	u32 xdp_drop;
	u32 xdp_tx;
	u32 xdp_tx_err;
	u32 xdp_redirect;
	u32 xdp_redirect_err;
	u32 xdp_aborted;
	u32 map_aggr;	/* QMAP aggregates walked (device-wide) */
};

/*
 * XDP_TX frames of one poll, ready to send (header, padding, synced for the
 * device), queued on the ring under one lock per BAM_DMUX_XDP_TX_BULK
 * (bam_dmux_tx_xdp_flush()).
 */
#define BAM_DMUX_XDP_TX_BULK		16

struct bam_dmux_xdp_tx_ent {
	struct page *page;
	struct page_pool *pool;
	dma_addr_t addr;
	u32 sync;		/* what its recycling syncs */
	u16 payload;
};

/* What one NAPI poll counted, and left to do once its frames are handled. */
struct bam_dmux_poll {
	bool redirect;	/* xdp_do_flush() needed */
	bool tx;	/* XDP_TX frames queued on the ring: kick it */
	int ch;		/* the channel acc and tx_q are for; -1: none yet */
	struct bam_dmux_rx_acc acc;
	struct list_head rx_list;	/* skbs for the stack, not for GRO */
	unsigned int rx_n;		/* on rx_list */
	/* XDP_TX frames not on the ring yet; dev and prog for tracing */
	unsigned int tx_n;
	struct net_device *tx_dev;
	struct bpf_prog *tx_prog;
	struct bam_dmux_xdp_tx_ent tx_q[BAM_DMUX_XDP_TX_BULK];
};

/* What the caller of bam_dmux_xdp_act() does with the frame next. */
enum bam_dmux_xdp_res {
	BAM_DMUX_XDP_PASS,	/* build an skb */
	BAM_DMUX_XDP_DONE,	/* it left (TX, REDIRECT) */
	BAM_DMUX_XDP_FREE,	/* give its buffer back */
};

#define bam_dmux_rx_err_ratelimited(dmux, fmt, ...) \
	dev_err_ratelimited((dmux)->dev, fmt, ##__VA_ARGS__)

/* bam_dmux_main.c */
void bam_dmux_chan_event(struct bam_dmux *dmux, u8 ch, bool open);
void bam_dmux_modem_open_signal(struct bam_dmux *dmux, u8 signal);
void bam_dmux_chan_carrier(struct bam_dmux *dmux, bool on);

/* bam_dmux_pm.c */
int bam_dmux_pm_init(struct bam_dmux *dmux);
void bam_dmux_pm_start(struct bam_dmux *dmux);
void bam_dmux_pm_stop(struct bam_dmux *dmux);
int bam_dmux_pm_get_sync(struct bam_dmux *dmux);
void bam_dmux_pm_put(struct bam_dmux *dmux);
void bam_dmux_pm_hold(struct bam_dmux *dmux);
bool bam_dmux_pm_adaptive(struct bam_dmux *dmux);
extern const struct dev_pm_ops bam_dmux_pm_ops;

/* bam_dmux_rx.c */
int bam_dmux_rx_init(struct bam_dmux *dmux);
int bam_dmux_rx_reg_rxq(struct bam_dmux *dmux, struct net_device *dev);
void bam_dmux_rx_unreg_rxq(struct net_device *dev);
void bam_dmux_rx_exit(struct bam_dmux *dmux);
int bam_dmux_rx_start(struct bam_dmux *dmux);
__be16 bam_dmux_rx_protocol(const void *data, unsigned int len);
void bam_dmux_rx_skb(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
		     struct sk_buff *skb);
void bam_dmux_rx_acc_commit(struct bam_dmux *dmux, struct bam_dmux_poll *ctx);
void bam_dmux_rx_stop(struct bam_dmux *dmux);

/* bam_dmux_qmap.c */
u32 bam_dmux_rx_qmap(struct bam_dmux *dmux, struct net_device *netdev,
		     enum bam_dmux_map_fmt fmt, struct page_pool *pool,
		     struct page *page, bool large, u32 len,
		     struct bam_dmux_poll *ctx);

/* bam_dmux_tx.c */
void bam_dmux_tx_init(struct bam_dmux *dmux);
netdev_tx_t bam_dmux_start_xmit(struct sk_buff *skb, struct net_device *dev);
int bam_dmux_send_cmd(struct bam_dmux *dmux, u8 ch, u8 cmd);
bool bam_dmux_tx_xdp(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
		     struct net_device *netdev, struct bpf_prog *prog,
		     struct xdp_buff *xdp, struct page_pool *pool, u32 sync);
void bam_dmux_tx_xdp_flush(struct bam_dmux *dmux, struct bam_dmux_poll *ctx,
			   bool kick);
int bam_dmux_tx_xdp_frames(struct bam_dmux *dmux, u8 ch, u8 qmap_ul, int n,
			   struct xdp_frame **frames, bool flush);
void bam_dmux_tx_kick(struct bam_dmux *dmux);
void bam_dmux_tx_recycle(struct bam_dmux *dmux, bool napi);
void bam_dmux_tx_set_ready(struct bam_dmux *dmux, bool ready);
void bam_dmux_tx_drain(struct bam_dmux *dmux, bool drop_waiting);
void bam_dmux_tx_exit(struct bam_dmux *dmux);
void bam_dmux_tx_start_queue(struct bam_dmux *dmux, struct net_device *dev);
void bam_dmux_tx_attach(struct bam_dmux *dmux, struct net_device *dev,
			bool attach);

/* bam_dmux_xdp.c */
int bam_dmux_xdp_setup(struct net_device *dev, struct netdev_bpf *bpf);
int bam_dmux_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		      u32 flags);

/* bam_dmux_stats.c */
extern const struct ethtool_ops bam_dmux_ethtool_ops;
extern const struct netdev_stat_ops bam_dmux_stat_ops;
void bam_dmux_get_stats64(struct net_device *dev,
			  struct rtnl_link_stats64 *stats);
void bam_dmux_debugfs_register(void);
void bam_dmux_debugfs_unregister(void);
void bam_dmux_debugfs_init(struct bam_dmux *dmux);
void bam_dmux_debugfs_exit(struct bam_dmux *dmux);

/* The poll's next frame is for channel @ch: count it there. */
static inline void bam_dmux_rx_acc_switch(struct bam_dmux *dmux,
					  struct bam_dmux_poll *ctx, u8 ch)
{
	if (likely(ctx->ch == ch))
		return;
	bam_dmux_rx_acc_commit(dmux, ctx);
	ctx->ch = ch;
}

/*
 * Act on the verdict @act of @prog for the frame @xdp describes and count
 * it. @pool is the pool of the frame's own buffer, which TX and REDIRECT
 * send; NULL if it has none (a QMAP frame that could not be given one, or
 * that the modem would not take): TX and REDIRECT fail. @sync: bytes of the
 * buffer (from the pool's offset) the CPU may have written before the
 * program returned, which its recycling must sync for the device. The
 * caller builds an skb (PASS) or gives the buffer back (FREE).
 */
static __always_inline enum bam_dmux_xdp_res
bam_dmux_xdp_act(struct bam_dmux *dmux, struct net_device *netdev,
		 struct bpf_prog *prog, struct xdp_buff *xdp, u32 act,
		 struct page_pool *pool, u32 sync, struct bam_dmux_poll *ctx)
{
	struct bam_dmux_rx_acc *acc = &ctx->acc;

	switch (act) {
	case XDP_PASS:
		acc->xdp_pass++;
		return BAM_DMUX_XDP_PASS;
	case XDP_TX:
		/* counted once queued on the ring, or failed to */
		if (pool && bam_dmux_tx_xdp(dmux, ctx, netdev, prog, xdp, pool,
					    sync))
			return BAM_DMUX_XDP_DONE;
		acc->xdp_tx_err++;
		trace_xdp_exception(netdev, prog, act);
		return BAM_DMUX_XDP_FREE;
	case XDP_REDIRECT:
		if (pool && !xdp_do_redirect(netdev, xdp, prog)) {
			acc->xdp_redirect++;
			ctx->redirect = true;
			return BAM_DMUX_XDP_DONE;
		}
		acc->xdp_redirect_err++;
		/*
		 * xdp_do_redirect() traces its own failures. Without a buffer
		 * the redirect was never attempted: its target stays in this
		 * CPU's bpf_redirect_info, which the next bpf_redirect()
		 * overwrites and no path reads without one.
		 */
		if (!pool)
			trace_xdp_exception(netdev, prog, act);
		return BAM_DMUX_XDP_FREE;
	default:
		bpf_warn_invalid_xdp_action(netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(netdev, prog, act);
		acc->xdp_aborted++;
		return BAM_DMUX_XDP_FREE;
	case XDP_DROP:
		acc->xdp_drop++;
		return BAM_DMUX_XDP_FREE;
	}
}

#endif /* BAM_DMUX_H */
