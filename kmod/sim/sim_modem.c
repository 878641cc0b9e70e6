// SPDX-License-Identifier: GPL-2.0-only
/*
 * The modem firmware's end of BAM-DMUX: power-control handshake, channel
 * OPEN/CLOSE and strict validation of the frames the host sends.
 *
 * Power-up: switch the DMA engine on, raise the pc line, wait (bounded) for
 * the host to toggle its pc-ack bit, then OPEN the announced channels that
 * are not open yet (channels stay open across a power collapse).
 * Power-down: lower the pc line, wait for the host's ack, switch the engine
 * off. Each change of the host's vote is acknowledged by toggling the pc-ack
 * line after ack_delay_ms (never if -1); with collapse set, the vote also
 * powers the modem up and down.
 */

#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/sched.h>

#include "sim.h"

static bool sim_stopping(struct sim_modem *sim)
{
	return READ_ONCE(sim->stopping);
}

/* A handshake wait ends early on removal or on a crash. */
static bool sim_interrupted(struct sim_modem *sim)
{
	return READ_ONCE(sim->stopping) || READ_ONCE(sim->crashed);
}

/* OPEN the announced channels that are not open yet. */
static void sim_announce(struct sim_modem *sim)
{
	unsigned long mask = READ_ONCE(sim->announce) &
			     ~READ_ONCE(sim->open_modem);
	unsigned int ch;

	/* built-in multiplexing off: one channel, the PDNs are mux ids */
	if (READ_ONCE(sim->fw) == SIM_FW_QMAP)
		mask &= BIT(SIM_QMAP_CH);

	for_each_set_bit(ch, &mask, BAM_DMUX_NUM_CH)
		sim_modem_send_cmd(sim, BAM_DMUX_CMD_OPEN, ch);
}

static void sim_queue_ack(struct sim_modem *sim)
{
	lockdep_assert_held(&sim->lock);

	if (sim->pending_vote_acks && sim->ack_delay_ms >= 0 && !sim->stopping)
		queue_delayed_work(system_percpu_wq, &sim->ack_work,
				   msecs_to_jiffies(sim->ack_delay_ms));
}

/* Toggle the pc-ack line: one acknowledgment of a host vote. sim->lock held. */
static void sim_ack_toggle(struct sim_modem *sim)
{
	sim->modem_acks++;
	sim_smsm_write(sim, BIT(SIM_IRQ_PC_ACK),
		       ~sim->modem_state & BIT(SIM_IRQ_PC_ACK));
}

/*
 * Change the pc line. With ack_order "with_pc" a vote that asked for this
 * transition is acknowledged in the same state update, with "after_pc" in
 * the next one. sim->lock held.
 */
static void sim_set_pc(struct sim_modem *sim, bool up)
{
	bool pay = sim->pc_acks && sim->ack_delay_ms >= 0;

	if (pay && sim->ack_order == SIM_ACK_WITH_PC) {
		sim->pc_acks--;
		sim->modem_acks++;
		sim_smsm_write(sim, BIT(SIM_IRQ_PC) | BIT(SIM_IRQ_PC_ACK),
			       (up ? BIT(SIM_IRQ_PC) : 0) |
			       (~sim->modem_state & BIT(SIM_IRQ_PC_ACK)));
		return;
	}
	sim_smsm_write(sim, BIT(SIM_IRQ_PC), up ? BIT(SIM_IRQ_PC) : 0);
	if (pay && sim->ack_order == SIM_ACK_AFTER_PC) {
		sim->pc_acks--;
		sim_ack_toggle(sim);
	}
}

static void sim_power_up(struct sim_modem *sim)
{
	bool acked;

	spin_lock_irq(&sim->lock);
	WRITE_ONCE(sim->dma_on, true);
	sim->power = SIM_UP_WAIT;
	sim->ack_waiting = true;
	sim_set_pc(sim, true);
	spin_unlock_irq(&sim->lock);

	wait_event_timeout(sim->ack_wq,
			   !READ_ONCE(sim->ack_waiting) || sim_interrupted(sim),
			   msecs_to_jiffies(SIM_HANDSHAKE_MS));

	spin_lock_irq(&sim->lock);
	if (sim->crashed) {
		/* sim_modem_crash() took everything down */
		spin_unlock_irq(&sim->lock);
		return;
	}
	sim->power = SIM_UP;
	acked = !sim->ack_waiting;
	spin_unlock_irq(&sim->lock);

	if (acked)
		sim_announce(sim);
	else if (!sim_stopping(sim))
		dev_info(sim->dev, "host did not acknowledge power-up yet\n");
}

static void sim_power_down(struct sim_modem *sim)
{
	bool acked;

	spin_lock_irq(&sim->lock);
	sim->power = SIM_DOWN_WAIT;
	sim->ack_waiting = true;
	sim_set_pc(sim, false);
	spin_unlock_irq(&sim->lock);

	wait_event_timeout(sim->ack_wq,
			   !READ_ONCE(sim->ack_waiting) || sim_interrupted(sim),
			   msecs_to_jiffies(SIM_HANDSHAKE_MS));

	spin_lock_irq(&sim->lock);
	if (sim->crashed) {
		spin_unlock_irq(&sim->lock);
		return;
	}
	sim->power = SIM_OFF;
	WRITE_ONCE(sim->dma_on, false);
	acked = !sim->ack_waiting;
	spin_unlock_irq(&sim->lock);

	if (!acked && !sim_stopping(sim))
		dev_info(sim->dev, "host did not acknowledge power-down\n");
	sim_dma_power_off(sim, false);
}

static void sim_power_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(work, struct sim_modem,
					     power_work);
	enum sim_power power;
	bool want;

	mutex_lock(&sim->power_mutex);
	for (;;) {
		spin_lock_irq(&sim->lock);
		want = sim->want_up && !sim->stopping;
		power = sim->crashed ? SIM_DOWN_WAIT : sim->power;
		spin_unlock_irq(&sim->lock);

		if (want && power == SIM_OFF)
			sim_power_up(sim);
		else if (!want && power == SIM_UP)
			sim_power_down(sim);
		else
			break;
	}

	/* votes that caused no transition are acknowledged the ordinary way */
	spin_lock_irq(&sim->lock);
	sim->pending_vote_acks += sim->pc_acks;
	sim->pc_acks = 0;
	sim_queue_ack(sim);
	spin_unlock_irq(&sim->lock);
	mutex_unlock(&sim->power_mutex);
}

static void sim_announce_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(work, struct sim_modem,
					     announce_work);

	mutex_lock(&sim->power_mutex);
	if (READ_ONCE(sim->power) == SIM_UP && !sim_stopping(sim))
		sim_announce(sim);
	mutex_unlock(&sim->power_mutex);
}

/*
 * Toggle the pc-ack line once per host vote change, ack_delay_ms after the
 * change (or after the previous ack, when changes come faster).
 */
static void sim_ack_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(to_delayed_work(work),
					     struct sim_modem, ack_work);

	spin_lock_irq(&sim->lock);
	if (!sim->pending_vote_acks || sim->stopping || sim->crashed ||
	    sim->ack_delay_ms < 0) {
		spin_unlock_irq(&sim->lock);
		return;
	}
	sim->pending_vote_acks--;
	sim_ack_toggle(sim);
	sim_queue_ack(sim);
	spin_unlock_irq(&sim->lock);
}

/**
 * sim_modem_host_bits() - the host wrote its smem-state bits
 * @sim: the modem
 * @mask: bits written
 * @value: their new values
 *
 * Any context: only records the change and schedules the reaction.
 */
void sim_modem_host_bits(struct sim_modem *sim, u32 mask, u32 value)
{
	unsigned long flags;
	u32 old, changed;

	spin_lock_irqsave(&sim->lock, flags);
	old = sim->host_bits;
	sim->host_bits = (old & ~mask) | (value & mask);
	changed = old ^ sim->host_bits;

	if (changed & SIM_BIT_PC) {
		sim->host_vote = !!(sim->host_bits & SIM_BIT_PC);
		if (sim->crashed) {
			/* nobody there to see it */
		} else if (sim->host_vote && sim->crash_on_vote_ms &&
			   !sim->stopping) {
			/* woken, it crashes before it answers (no ack) */
			queue_work(system_percpu_wq, &sim->crash_work);
		} else if (sim->collapse && !sim->stopping) {
			sim->want_up = sim->host_vote;
			/* ack_order: acknowledged with the pc change it causes */
			if (sim->ack_order != SIM_ACK_APART)
				sim->pc_acks++;
			else
				sim->pending_vote_acks++;
			queue_work(sim->wq, &sim->power_work);
		} else {
			sim->pending_vote_acks++;
		}
		sim_queue_ack(sim);
	}

	if (changed & SIM_BIT_PC_ACK) {
		sim->host_acks++;
		if (sim->crashed) {
			/* a crashed modem waits for nothing */
		} else if (sim->ack_waiting) {
			sim->ack_waiting = false;
			/* a late ack to a power-up: announce now */
			if (sim->power == SIM_UP && !sim->stopping)
				queue_work(sim->wq, &sim->announce_work);
			wake_up(&sim->ack_wq);
		} else {
			sim_count(sim, SIM_CNT_UNEXPECTED_ACK, 1);
		}
	}
	spin_unlock_irqrestore(&sim->lock, flags);
}

/* Power the modem up or down; returns once the transition is over. */
/*
 * Power the modem up or down as a whole (boot, shutdown), unlike a power
 * collapse: a shut down modem forgets which channels it had opened, so it
 * announces them again at the next power-up. Returns once the transition
 * is over.
 */
int sim_modem_set_power(struct sim_modem *sim, bool up)
{
	spin_lock_irq(&sim->lock);
	if (sim->stopping) {
		spin_unlock_irq(&sim->lock);
		return -ENODEV;
	}
	sim->want_up = up;
	spin_unlock_irq(&sim->lock);

	queue_work(sim->wq, &sim->power_work);
	flush_work(&sim->power_work);

	if (!up) {
		spin_lock_irq(&sim->lock);
		if (sim->power == SIM_OFF)
			sim->open_modem = 0;
		spin_unlock_irq(&sim->lock);
	}
	return 0;
}

/* fault crash_on_vote: the crash the host's vote set off */
static void sim_crash_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(work, struct sim_modem,
					     crash_work);
	unsigned int ms;

	spin_lock_irq(&sim->lock);
	ms = sim->crash_on_vote_ms;
	sim->crash_on_vote_ms = 0;
	spin_unlock_irq(&sim->lock);
	if (ms)
		sim_modem_crash(sim, ms);
}

/* The restarted firmware boots: powers up and announces every channel. */
static void sim_restart_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(to_delayed_work(work),
					     struct sim_modem, restart_work);

	spin_lock_irq(&sim->lock);
	if (sim->stopping) {
		spin_unlock_irq(&sim->lock);
		return;
	}
	sim->crashed = false;
	sim->want_up = true;
	spin_unlock_irq(&sim->lock);
	queue_work(sim->wq, &sim->power_work);
}

/**
 * sim_modem_crash() - the modem crashes (subsystem restart)
 * @sim: the modem
 * @restart_ms: delay before the restarted modem powers up again
 *
 * Everything at once, with no handshake: the modem's SMSM state word clears
 * (pc falls; the ack line goes to 0), the BAM pipes are reset under the
 * host's transfers (queued descriptors complete with DMA_TRANS_ABORTED, the
 * backlog is lost), the engine is off, pending acks are forgotten and so is
 * every channel either side opened. The generator stops. After @restart_ms
 * the modem boots as at probe: raises pc and announces its channels.
 */
int sim_modem_crash(struct sim_modem *sim, unsigned int restart_ms)
{
	spin_lock_irq(&sim->lock);
	if (sim->stopping || sim->crashed) {
		spin_unlock_irq(&sim->lock);
		return sim->stopping ? -ENODEV : -EBUSY;
	}
	sim->crashed = true;
	sim->power = SIM_OFF;
	WRITE_ONCE(sim->dma_on, false);
	sim->ack_waiting = false;
	sim->pending_vote_acks = 0;
	sim->pc_acks = 0;
	sim->open_modem = 0;
	sim->open_host = 0;
	sim->want_up = false;
	sim_smsm_write(sim, ~0U, 0);
	spin_unlock_irq(&sim->lock);
	sim_count(sim, SIM_CNT_CRASHES, 1);
	dev_info(sim->dev, "modem crashed, restarting in %u ms\n", restart_ms);

	wake_up(&sim->ack_wq);
	sim_gen_stop(sim);
	cancel_delayed_work(&sim->ack_work);
	sim_dma_power_off(sim, true);
	queue_delayed_work(system_percpu_wq, &sim->restart_work,
			   msecs_to_jiffies(restart_ms));
	return 0;
}

void sim_modem_set_ack_delay(struct sim_modem *sim, int ms)
{
	spin_lock_irq(&sim->lock);
	sim->ack_delay_ms = ms;
	sim_queue_ack(sim);
	spin_unlock_irq(&sim->lock);
}

const char *sim_fw_name(enum sim_fw fw)
{
	switch (fw) {
	case SIM_FW_LEGACY:
		return "legacy";
	case SIM_FW_DYN_MTU:
		return "dynamic-mtu";
	case SIM_FW_QMAP:
		return "qmap";
	default:
		return "unknown";
	}
}

/* Does the firmware negotiate dynamic MTU? QMAP needs it (mainline's words). */
bool sim_fw_dyn_mtu(struct sim_modem *sim)
{
	enum sim_fw fw = READ_ONCE(sim->fw);

	return fw == SIM_FW_DYN_MTU || fw == SIM_FW_QMAP;
}

/* The profile a name (module parameter, debugfs) stands for, or -EINVAL. */
int sim_fw_parse(const char *name)
{
	int i;

	for (i = 0; i < SIM_FW_NUM; i++)
		if (sysfs_streq(name, sim_fw_name(i)))
			return i;
	return -EINVAL;
}

/*
 * Send OPEN or CLOSE for @ch to the host now. Firmware with dynamic MTU
 * says so in every OPEN, with the UL size it takes from then on (as
 * downstream's firmware: the host learns it from the OPEN).
 */
int sim_modem_send_cmd(struct sim_modem *sim, u8 cmd, u8 ch)
{
	bool open = cmd == BAM_DMUX_CMD_OPEN ||
		    cmd == BAM_DMUX_CMD_OPEN_NO_A2_PC;
	u32 ul_size = BAM_DMUX_BUFFER_SIZE;
	struct bam_dmux_hdr hdr;
	int ret;

	bam_dmux_hdr_build(&hdr, cmd, ch, 0);
	if (open && sim_fw_dyn_mtu(sim)) {
		ul_size = READ_ONCE(sim->ul_size);
		hdr.signal = BAM_DMUX_SIG_DYN_MTU |
			     bam_dmux_size_code(ul_size) <<
			     BAM_DMUX_SIG_SIZE_SHIFT;
		ul_size = bam_dmux_sig_size(hdr.signal);
	}
	ret = sim_rx_send(sim, &hdr, NULL, 0, SIM_RX_BACKLOG);
	if (ret)
		return ret;

	spin_lock_irq(&sim->lock);
	if (open) {
		sim->open_modem |= BIT(ch);
		WRITE_ONCE(sim->ul_max, bam_dmux_max_data_size(ul_size));
	} else {
		sim->open_modem &= ~BIT(ch);
	}
	spin_unlock_irq(&sim->lock);
	return 0;
}

/*
 * The signal of the DATA frames the modem sends: with dynamic MTU agreed
 * (its OPEN announced it, the host's answered) and dl_large set, 0x02 asks
 * the host for buffers of the DL size the host offered; else 0 (2 KiB).
 */
u8 sim_modem_data_signal(struct sim_modem *sim)
{
	u8 host = READ_ONCE(sim->host_open_sig);

	if (!sim_fw_dyn_mtu(sim) || !bam_dmux_sig_dyn_mtu(host) ||
	    !READ_ONCE(sim->dl_large))
		return 0;
	return BAM_DMUX_SIG_DYN_MTU;
}

/* Largest DATA payload the modem sends now. */
unsigned int sim_modem_dl_max(struct sim_modem *sim)
{
	unsigned int size = BAM_DMUX_BUFFER_SIZE;

	if (sim_modem_data_signal(sim))
		size = bam_dmux_sig_size(READ_ONCE(sim->host_open_sig));
	return bam_dmux_max_data_size(size);
}

/* May the modem send DATA on @ch? */
bool sim_modem_ch_open(struct sim_modem *sim, u8 ch)
{
	return READ_ONCE(sim->dma_on) && (READ_ONCE(sim->open_modem) & BIT(ch));
}

/**
 * sim_modem_host_frame() - the modem received a transfer from the host
 * @sim: the modem
 * @buf: its bytes (at least the header and, if valid, the whole frame)
 * @len: transfer length
 *
 * BH context.
 */
void sim_modem_host_frame(struct sim_modem *sim, const void *buf,
			  unsigned int len)
{
	struct bam_dmux_frame f;
	enum bam_dmux_wire_err err;
	unsigned long flags;

	err = bam_dmux_parse_strict_max(buf, len, READ_ONCE(sim->ul_max), &f);
	if (err) {
		sim_count(sim, SIM_CNT_WIRE_ERR + err - 1, 1);
		dev_dbg(sim->dev, "host frame of %u bytes refused: %s\n", len,
			bam_dmux_wire_err_name(err));
		return;
	}

	switch (f.cmd) {
	case BAM_DMUX_CMD_DATA:
		if (!(READ_ONCE(sim->open_host) & BIT(f.ch))) {
			sim_count(sim, SIM_CNT_DATA_CLOSED_CH, 1);
			return;
		}
		sim_count(sim, SIM_CNT_TX_FRAMES, 1);
		sim_count(sim, SIM_CNT_TX_BYTES, f.len);
		if (f.ch == SIM_QMAP_CH && READ_ONCE(sim->fw) == SIM_FW_QMAP)
			sim_qmap_ul(sim, buf + BAM_DMUX_HDR_SIZE, f.len);
		else
			sim_netdev_rx(sim, f.ch, buf + BAM_DMUX_HDR_SIZE,
				      f.len);
		break;
	case BAM_DMUX_CMD_OPEN:
		sim_count(sim, SIM_CNT_OPEN_CMDS, 1);
		spin_lock_irqsave(&sim->lock, flags);
		sim->open_host |= BIT(f.ch);
		/* the host's RX pool and DL size; DL stays 2 KiB in the model */
		WRITE_ONCE(sim->host_open_sig, f.signal);
		spin_unlock_irqrestore(&sim->lock, flags);
		break;
	case BAM_DMUX_CMD_CLOSE:
		sim_count(sim, SIM_CNT_CLOSE_CMDS, 1);
		spin_lock_irqsave(&sim->lock, flags);
		sim->open_host &= ~BIT(f.ch);
		spin_unlock_irqrestore(&sim->lock, flags);
		break;
	default:
		/* OPEN_NO_A2_PC is the modem's to send */
		sim_count(sim, SIM_CNT_WIRE_ERR + BAM_DMUX_WIRE_CMD - 1, 1);
		break;
	}
}

int sim_modem_init(struct sim_modem *sim)
{
	spin_lock_init(&sim->lock);
	mutex_init(&sim->power_mutex);
	init_waitqueue_head(&sim->ack_wq);
	INIT_WORK(&sim->power_work, sim_power_work);
	INIT_WORK(&sim->announce_work, sim_announce_work);
	INIT_DELAYED_WORK(&sim->ack_work, sim_ack_work);
	INIT_DELAYED_WORK(&sim->restart_work, sim_restart_work);
	INIT_WORK(&sim->crash_work, sim_crash_work);
	sim->power = SIM_OFF;
	sim->ul_max = BAM_DMUX_MAX_DATA_SIZE;

	sim->wq = alloc_ordered_workqueue("bam_dmux_sim", 0);
	if (!sim->wq)
		return -ENOMEM;
	return 0;
}

/* Stop the modem: no more work, power down, engine off. */
void sim_modem_stop(struct sim_modem *sim)
{
	spin_lock_irq(&sim->lock);
	sim->stopping = true;
	sim->want_up = false;
	spin_unlock_irq(&sim->lock);
	wake_up(&sim->ack_wq);

	sim_gen_stop(sim);
	cancel_work_sync(&sim->crash_work);
	cancel_delayed_work_sync(&sim->restart_work);
	cancel_delayed_work_sync(&sim->ack_work);
	cancel_work_sync(&sim->announce_work);
	/* powers down without waiting: stopping ends the handshake waits */
	queue_work(sim->wq, &sim->power_work);
	flush_work(&sim->power_work);
	cancel_work_sync(&sim->announce_work);
}

void sim_modem_destroy(struct sim_modem *sim)
{
	destroy_workqueue(sim->wq);
	mutex_destroy(&sim->power_mutex);
}
