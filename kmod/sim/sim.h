/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Simulated BAM-DMUX modem: a hardware model that plays the BAM DMA
 * controller, the apps SMSM (smem-state provider) and the modem SMSM
 * (interrupt controller) of a Qualcomm phone, plus the modem firmware's
 * BAM-DMUX end and one Raw-IP netdev per channel (mdm0..mdm7).
 */
#ifndef BAM_DMUX_SIM_H
#define BAM_DMUX_SIM_H

#include <linux/atomic.h>
#include <linux/dmaengine.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../bam_dmux_map.h"
#include "sim_wire.h"

#define SIM_NUM_CHANS		6
#define SIM_PIPE_TX		4	/* host to modem, MEM_TO_DEV */
#define SIM_PIPE_RX		5	/* modem to host, DEV_TO_MEM */
#define SIM_NUM_IRQS		32
#define SIM_IRQ_PC		1	/* modem power state (level) */
#define SIM_IRQ_PC_ACK		11	/* toggles per acknowledged host vote */
#define SIM_BIT_PC		BIT(1)	/* host vote */
#define SIM_BIT_PC_ACK		BIT(11)	/* host acknowledgment toggle */
#define SIM_BACKLOG_MAX		64
/* mdm queues stop here, leaving room for one frame per channel in flight */
#define SIM_BACKLOG_STOP	(SIM_BACKLOG_MAX - BAM_DMUX_NUM_CH)
#define SIM_HANDSHAKE_MS	5000
/*
 * Largest transfer the model reads: a frame of the widest buffer dynamic MTU
 * negotiates, and room for padding a host might add past it (the strict
 * parse refuses such a frame: bad_len).
 */
#define SIM_MAX_XFER		(BAM_DMUX_MAX_BUFFER_SIZE + BAM_DMUX_MAX_PAD + \
				 BAM_DMUX_HDR_SIZE)
#define SIM_INJECT_MAX		16384
/* Descriptors kept per wired pipe; more are allocated when they run out. */
#define SIM_DESC_POOL		64
#define SIM_SG_INLINE		4

enum sim_power {
	SIM_OFF,
	SIM_UP_WAIT,	/* pc raised, waiting for the host's ack */
	SIM_UP,
	SIM_DOWN_WAIT,	/* pc lowered, waiting for the host's ack */
};

/* The firmware the modem runs (docs/simulator.md, "Firmware profiles"). */
enum sim_fw {
	SIM_FW_LEGACY,		/* 2 KiB buffers both ways, signal 0 */
	SIM_FW_DYN_MTU,		/* announces dynamic MTU and its UL size */
	SIM_FW_QMAP,		/* dynamic MTU, one channel of MAP aggregates */
	SIM_FW_NUM,
};

/* How a vote that powers a collapsing modem up or down is acknowledged. */
enum sim_ack_order {
	SIM_ACK_APART,		/* on its own, ack_delay_ms after the vote */
	SIM_ACK_WITH_PC,	/* in the state update that changes pc */
	SIM_ACK_AFTER_PC,	/* in the update right after it */
};

enum sim_counter {
	SIM_CNT_TX_FRAMES,
	SIM_CNT_TX_BYTES,
	SIM_CNT_RX_FRAMES,
	SIM_CNT_RX_BYTES,
	SIM_CNT_RX_NO_BUFFER,
	/* one per enum bam_dmux_wire_err, BAM_DMUX_WIRE_SHORT first */
	SIM_CNT_WIRE_ERR,
	SIM_CNT_DATA_CLOSED_CH = SIM_CNT_WIRE_ERR + BAM_DMUX_WIRE_NUM_ERR - 1,
	SIM_CNT_DMA_WHILE_DOWN,
	SIM_CNT_OPEN_CMDS,
	SIM_CNT_CLOSE_CMDS,
	SIM_CNT_ALLOC_WHILE_DOWN,
	SIM_CNT_BAD_ADDR,
	SIM_CNT_RX_TOO_BIG,
	SIM_CNT_UNEXPECTED_ACK,
	SIM_CNT_SMSM_READS,
	SIM_CNT_CRASHES,
	SIM_CNT_CRASH_ABORTED,
	SIM_CNT_IRQ_LOST,
	/* the qmap firmware (sim_qmap.c) */
	SIM_CNT_DL_MAP_AGGR,
	SIM_CNT_DL_MAP_FRAMES,
	SIM_CNT_DL_MAP_DROPPED,
	SIM_CNT_UL_MAP_FRAMES,
	SIM_CNT_UL_MAP_CMDS,
	SIM_CNT_UL_MAP_NO_MUX,
	/* one per enum bam_dmux_map_err, BAM_DMUX_MAP_SHORT first */
	SIM_CNT_UL_MAP_ERR,
	SIM_CNT_NUM = SIM_CNT_UL_MAP_ERR + BAM_DMUX_MAP_NUM_ERR - 1,
};

struct sim_sg {
	dma_addr_t addr;
	u32 len;
};

struct sim_desc {
	struct dma_async_tx_descriptor txd;
	struct list_head node;
	enum dma_transfer_direction dir;
	enum dmaengine_tx_result result;
	u32 total;
	u32 done;
	bool bad;		/* an address outside linear-mapped RAM */
	bool pooled;		/* from the pipe's pool, returned to it */
	unsigned int nents;
	struct sim_sg *sg;	/* sg_inline, or allocated for more */
	struct sim_sg sg_inline[SIM_SG_INLINE];
};

struct net_device;
struct rtnl_link_stats64;
struct sim_modem;

/* The qmap firmware's channel and PDNs: mdmq1..mdmqN carry mux ids 1..N. */
#define SIM_QMAP_CH		0
#define SIM_QMAP_MUXES		2
#define SIM_QMAP_AGG_MAX	64

struct sim_qmap {
	spinlock_t lock;		/* the aggregate being built */
	struct delayed_work flush_work;	/* sends it a jiffy after it began */
	u8 *buf;			/* SIM_MAX_XFER: MAP frames */
	u32 len;
	u32 frames;
	enum bam_dmux_map_fmt fmt;	/* of the frames in buf */
	struct net_device *dev[SIM_QMAP_MUXES];
};

struct sim_chan {
	struct dma_chan chan;
	struct sim_modem *sim;
	spinlock_t lock;		/* protects the lists and backlog */
	struct list_head submitted;
	struct list_head issued;
	struct list_head done;		/* done in hardware, not signalled */
	unsigned int ndone;		/* entries on done */
	struct list_head completed;	/* signalled: cookie complete */
	struct list_head free;		/* idle descriptors of pool */
	struct sim_desc *pool;		/* SIM_DESC_POOL, wired pipes only */
	struct work_struct bh_work;	/* the interrupt: on system_bh_wq */
	struct work_struct hw_work;	/* TX: the modem reads host frames */
	unsigned long irq_raised;	/* bit 0: the BAM signalled this pipe */
	struct dma_slave_config cfg;
	enum dma_transfer_direction dir;	/* wired direction */
	bool allocated;
};

/* A frame waiting for an RX buffer. */
struct sim_frame {
	struct list_head node;
	u32 len;
	u8 data[] __counted_by(len);
};

enum sim_gen_state {
	SIM_GEN_IDLE,
	SIM_GEN_RUNNING,
	SIM_GEN_DONE,
};

#define SIM_GEN_MUX_MAX	4

struct sim_gen_cfg {
	u8 ch;
	u8 proto;
	/* QMAP: packets per DATA frame (0: Raw-IP), their mux ids, format */
	u16 agg;
	u8 nmux;
	u8 mux[SIM_GEN_MUX_MAX];
	u8 map;			/* enum bam_dmux_map_fmt */
	u16 sport;
	u16 dport;
	u32 size;
	u64 count;
	union {
		__be32 v4;
		struct in6_addr v6;
	} src, dst;
};

struct sim_gen {
	struct work_struct work;
	struct mutex lock;		/* serialises start and stop */
	struct sim_gen_cfg cfg;
	enum sim_gen_state state;
	bool stop;
	u64 sent;
	u64 refused;
	u64 elapsed_ns;
};

struct sim_modem {
	struct device *dev;
	struct device_node *dma_np;
	struct device_node *apps_np;
	struct device_node *modem_np;

	/* DMA engine */
	struct dma_device dma;
	struct sim_chan chans[SIM_NUM_CHANS];
	bool dma_registered;
	wait_queue_head_t rx_wq;	/* an RX buffer was posted */
	struct list_head backlog;	/* under chans[SIM_PIPE_RX].lock */
	unsigned int backlog_len;
	bool mdm_stopped;		/* mdm queues stopped: backlog high */
	u8 tx_buf[SIM_MAX_XFER];	/* used by the TX pipe's BH work only */

	/* SMSM */
	struct qcom_smem_state *state;
	struct irq_domain *domain;
	unsigned int irq_type[SIM_NUM_IRQS];	/* IRQ_TYPE_EDGE_* */
	unsigned long irq_enabled;		/* atomic bitops */
	unsigned long last_value;	/* state word at the thread's last read */
	struct workqueue_struct *smsm_wq;	/* the host's SMSM thread */
	struct work_struct smsm_work;

	/* modem state, under lock */
	spinlock_t lock;
	enum sim_power power;
	bool dma_on;
	bool want_up;
	bool stopping;
	bool crashed;		/* crashed, not restarted yet */
	u32 modem_state;	/* BIT(SIM_IRQ_PC), BIT(SIM_IRQ_PC_ACK) */
	bool ack_waiting;	/* waiting for a host pc-ack toggle */
	bool host_vote;
	u32 host_bits;
	u32 host_acks;
	u32 modem_acks;
	u32 pending_vote_acks;
	u32 pc_acks;		/* acks owed to the next pc change (ack_order) */
	enum sim_ack_order ack_order;
	u8 open_modem;
	u8 open_host;
	u8 announce;
	enum sim_fw fw;		/* takes effect at the next OPEN it sends */
	u32 ul_size;		/* dynamic MTU: the UL buffer size it offers */
	u8 host_open_sig;	/* signal of the host's last OPEN */
	bool dl_large;		/* DATA frames ask for DL-size buffers */
	u32 ul_max;		/* largest UL payload: from the last OPEN sent */
	u8 qmap_fmt;		/* qmap firmware: MAP version 1, 4 or 5 */
	u32 qmap_agg;		/* qmap firmware: MAP frames per aggregate */
	int ack_delay_ms;
	bool collapse;
	wait_queue_head_t ack_wq;

	struct mutex power_mutex;	/* serialises power transitions */
	struct workqueue_struct *wq;	/* ordered: power, announce, gen */
	struct work_struct power_work;
	struct work_struct announce_work;
	struct delayed_work ack_work;
	struct delayed_work restart_work;
	struct work_struct crash_work;	/* fault crash_on_vote */

	atomic_t fault_prep;
	atomic_t fault_alloc_chan;
	atomic_t fault_lose_irq;
	/*
	 * fault "crash_on_vote MS" (0: off; under lock): the next vote the
	 * host raises wakes a modem that crashes before it acknowledges it,
	 * and restarts MS later
	 */
	unsigned int crash_on_vote_ms;
	/*
	 * fault "tx_hold MS": the modem reads no host frame until
	 * tx_hold_until (a slow peer: UL congestion), then all of them
	 */
	bool tx_holding;
	unsigned long tx_hold_until;
	struct timer_list tx_hold_timer;
	atomic64_t cnt[SIM_CNT_NUM];

	struct net_device *mdm[BAM_DMUX_NUM_CH];
	struct sim_qmap qmap;
	struct sim_gen gen;
	struct dentry *dbg;
};

static inline void sim_count(struct sim_modem *sim, enum sim_counter c,
			     u64 n)
{
	atomic64_add(n, &sim->cnt[c]);
}

/* sim_dma.c */
int sim_dma_register(struct sim_modem *sim);
void sim_dma_unregister(struct sim_modem *sim);
void sim_dma_power_off(struct sim_modem *sim, bool crash);
bool sim_dma_rx_has_buffer(struct sim_modem *sim);

void sim_dma_queue_stats(struct sim_modem *sim, unsigned int *rx_posted,
			 unsigned int *tx_pending, unsigned int *backlog);

#define SIM_RX_BACKLOG	BIT(0)	/* queue the frame if no buffer is posted */
#define SIM_RX_TRY	BIT(1)	/* do not count a refusal */
int sim_rx_send(struct sim_modem *sim, const struct bam_dmux_hdr *hdr,
		const void *payload, unsigned int len, unsigned int flags);
int sim_rx_send_raw(struct sim_modem *sim, const void *buf,
		    unsigned int len, unsigned int flags);

/* Several frames into posted buffers under one lock, one interrupt. */
struct sim_rx_burst {
	struct sim_modem *sim;
	unsigned long flags;
	unsigned int frames;
	u64 bytes;
};

void sim_rx_burst_begin(struct sim_modem *sim, struct sim_rx_burst *b);
int sim_rx_burst_put(struct sim_rx_burst *b, const void *buf,
		     unsigned int len);
void sim_rx_burst_end(struct sim_rx_burst *b);

/* sim_smsm.c */
int sim_smsm_register(struct sim_modem *sim);
void sim_smsm_unregister(struct sim_modem *sim);
void sim_smsm_write(struct sim_modem *sim, u32 mask, u32 value);

/* sim_modem.c */
int sim_modem_init(struct sim_modem *sim);
void sim_modem_destroy(struct sim_modem *sim);
void sim_modem_stop(struct sim_modem *sim);
void sim_modem_host_bits(struct sim_modem *sim, u32 mask, u32 value);
int sim_modem_set_power(struct sim_modem *sim, bool up);
int sim_modem_crash(struct sim_modem *sim, unsigned int restart_ms);
int sim_modem_send_cmd(struct sim_modem *sim, u8 cmd, u8 ch);
const char *sim_fw_name(enum sim_fw fw);
bool sim_fw_dyn_mtu(struct sim_modem *sim);
u8 sim_modem_data_signal(struct sim_modem *sim);
unsigned int sim_modem_dl_max(struct sim_modem *sim);
int sim_fw_parse(const char *name);
void sim_modem_host_frame(struct sim_modem *sim, const void *buf,
			  unsigned int len);
void sim_modem_set_ack_delay(struct sim_modem *sim, int ms);
bool sim_modem_ch_open(struct sim_modem *sim, u8 ch);

/* sim_netdev.c: the modem's Raw-IP netdevs (mdmN, and sim_qmap.c's mdmqM) */
struct sim_ndev_stats {
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t rx_dropped;
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t tx_dropped;
};

void sim_ndev_stats64(struct sim_ndev_stats *st, struct rtnl_link_stats64 *s);
void sim_rawip_setup(struct net_device *dev);

int sim_netdev_register(struct sim_modem *sim);
void sim_netdev_unregister(struct sim_modem *sim);
void sim_netdev_flow(struct sim_modem *sim, bool stop);
void sim_netdev_rx(struct sim_modem *sim, u8 ch, const void *payload,
		   unsigned int len);

/* sim_qmap.c */
int sim_qmap_register(struct sim_modem *sim);
void sim_qmap_unregister(struct sim_modem *sim);
void sim_qmap_flow(struct sim_modem *sim, bool stop);
void sim_qmap_ul(struct sim_modem *sim, const u8 *buf, unsigned int len);

/* sim_gen.c */
void sim_gen_init(struct sim_modem *sim);
int sim_gen_start(struct sim_modem *sim, const char *args);
void sim_gen_stop(struct sim_modem *sim);

/* sim_debugfs.c */
void sim_debugfs_init(struct sim_modem *sim);
void sim_debugfs_exit(struct sim_modem *sim);

#endif /* BAM_DMUX_SIM_H */
