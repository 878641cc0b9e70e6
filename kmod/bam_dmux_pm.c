// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAM-DMUX power control.
 *
 * Two sides vote for the BAM to be powered:
 *  - the modem raises its "pc" interrupt line while it is powered; the host
 *    then starts RX and acknowledges by toggling its "pc-ack" smem bit;
 *  - the host sets its "pc" smem bit while it needs TX (runtime PM); the
 *    modem acknowledges every change by toggling its "pc-ack" line.
 *
 * Both handlers read the real line level instead of assuming that edges
 * alternate, transitions are serialised by power_lock, the interrupts are
 * enabled only after the initial state was taken, and a modem power-down is
 * acknowledged only once the TX frames the engine holds have completed.
 *
 * On a phone both lines are nested interrupts of one SMSM thread, which calls
 * the pc handler before the pc-ack one when both changed. The pc handler
 * takes power_lock, so power_lock is never held while waiting for anything
 * that thread delivers (an ack, the modem's power state): a pc handler
 * waiting for it would hold back the very ack the lock holder waits for.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/soc/qcom/smem_state.h>

#include "bam_dmux.h"

static bool bam_dmux_line_level(struct bam_dmux *dmux, int irq, bool *level)
{
	int ret = irq_get_irqchip_state(irq, IRQCHIP_STATE_LINE_LEVEL, level);

	if (ret) {
		dev_err_ratelimited(dmux->dev, "Cannot read modem line %d: %d\n",
				    irq, ret);
		return false;
	}
	return true;
}

/*
 * Change our vote. The modem acknowledges each change with one toggle, so a
 * late ack of an earlier vote is not taken for the answer to this one.
 * power_lock held.
 */
static void bam_dmux_pc_vote(struct bam_dmux *dmux, bool enable)
{
	lockdep_assert_held(&dmux->power_lock);

	atomic_inc(&dmux->acks_owed);
	dmux->vote = enable;
	qcom_smem_state_update_bits(dmux->pc, dmux->pc_mask,
				    enable ? dmux->pc_mask : 0);
}

/* Never with power_lock held: the ack comes from the pc handler's thread. */
static bool bam_dmux_wait_ack(struct bam_dmux *dmux)
{
	return wait_event_timeout(dmux->pc_wait,
				  !atomic_read(&dmux->acks_owed),
				  BAM_DMUX_REMOTE_TIMEOUT);
}

/* Acknowledge a modem power transition. power_lock held. */
static void bam_dmux_pc_ack(struct bam_dmux *dmux)
{
	dmux->ack_toggle = !dmux->ack_toggle;
	qcom_smem_state_update_bits(dmux->pc_ack, dmux->pc_ack_mask,
				    dmux->ack_toggle ? dmux->pc_ack_mask : 0);
}

/* Take the TX channel if the host side needs it. power_lock held. */
static int bam_dmux_tx_start(struct bam_dmux *dmux)
{
	struct dma_chan *chan;

	if (!dmux->tx) {
		chan = dma_request_chan(dmux->dev, "tx");
		if (IS_ERR(chan)) {
			dev_err(dmux->dev, "Failed to get TX DMA channel: %pe\n",
				chan);
			return PTR_ERR(chan);
		}
		dmux->tx = chan;
	}
	bam_dmux_tx_set_ready(dmux, true);
	return 0;
}

/*
 * OPEN_NO_A2_PC: the modem keeps the BAM powered, and the host stops
 * toggling its vote (as downstream does): hold a runtime PM reference until
 * the modem powers down (it forgets the mode) or the driver goes away.
 */
void bam_dmux_pm_hold(struct bam_dmux *dmux)
{
	mutex_lock(&dmux->power_lock);
	if (READ_ONCE(dmux->no_a2_pc) && dmux->modem_up && !dmux->pc_hold) {
		WRITE_ONCE(dmux->pc_hold, true);
		pm_runtime_get(dmux->dev);
		dev_info(dmux->dev, "Modem disabled power collapse: holding the power vote\n");
	}
	WRITE_ONCE(dmux->no_a2_pc, false);
	mutex_unlock(&dmux->power_lock);
}

/* power_lock held; asynchronous, as the pc handler may call it. */
static void bam_dmux_pm_release(struct bam_dmux *dmux)
{
	lockdep_assert_held(&dmux->power_lock);

	WRITE_ONCE(dmux->no_a2_pc, false);
	if (!dmux->pc_hold)
		return;
	WRITE_ONCE(dmux->pc_hold, false);
	pm_runtime_mark_last_busy(dmux->dev);
	pm_runtime_put_autosuspend(dmux->dev);
}

/*
 * A modem that went away comes back (restarted): it acknowledges nothing we
 * voted while it was gone, and its pc-ack line starts again from wherever
 * it restarted. power_lock held.
 */
static void bam_dmux_modem_back(struct bam_dmux *dmux)
{
	bool level;

	mutex_lock(&dmux->ack_lock);
	if (bam_dmux_line_level(dmux, dmux->pc_ack_irq, &level))
		dmux->modem_ack_level = level;
	atomic_set(&dmux->acks_owed, 0);
	mutex_unlock(&dmux->ack_lock);
	wake_up_all(&dmux->pc_wait);

	WRITE_ONCE(dmux->modem_gone, false);
	bam_dmux_chan_carrier(dmux, true);
	dev_info(dmux->dev, "Modem is back\n");
}

/*
 * The modem went away on its own (crashed, shut down): the channels lose
 * their carrier until it is back. power_lock held.
 */
static void bam_dmux_modem_lost(struct bam_dmux *dmux, const char *why)
{
	lockdep_assert_held(&dmux->power_lock);

	dev_warn(dmux->dev, "Modem %s: taken for lost\n", why);
	atomic_long_inc(&dmux->dstats.modem_lost);
	WRITE_ONCE(dmux->modem_gone, true);
	bam_dmux_chan_carrier(dmux, false);
}

/* Follow the modem's power line. power_lock held. */
static void bam_dmux_pc_update(struct bam_dmux *dmux)
{
	bool up;

	lockdep_assert_held(&dmux->power_lock);

	if (!bam_dmux_line_level(dmux, dmux->pc_irq, &up) ||
	    up == dmux->modem_up)
		return;

	if (up) {
		dev_dbg(dmux->dev, "modem powered up\n");
		if (dmux->modem_gone)
			bam_dmux_modem_back(dmux);
		if (bam_dmux_rx_start(dmux)) {
			atomic_long_inc(&dmux->dstats.power_fail);
			dev_err(dmux->dev, "Modem powered up but RX failed to start\n");
			return;
		}
		WRITE_ONCE(dmux->modem_up, true);
		atomic_long_inc(&dmux->dstats.modem_up);
		/* A host that holds its vote wants TX as soon as possible. */
		if (dmux->vote && bam_dmux_tx_start(dmux))
			atomic_long_inc(&dmux->dstats.power_fail);
	} else {
		dev_dbg(dmux->dev, "modem powering down\n");
		/*
		 * A modem that powers down although it acknowledged our vote
		 * went away on its own. A fall while a new vote awaits its ack
		 * is a collapse that the vote races (its ack comes after this
		 * pc change, from the same SMSM thread) or a modem that went
		 * away in the middle of the handshake: the resume tells them
		 * apart by whether the modem is up once the handshake is over.
		 */
		if (dmux->vote && !atomic_read(&dmux->acks_owed))
			bam_dmux_modem_lost(dmux, "went down while in use");
		bam_dmux_pm_release(dmux);
		/* frames waiting for a vote that races the collapse stay */
		bam_dmux_tx_drain(dmux, dmux->modem_gone);
		bam_dmux_rx_stop(dmux);
		WRITE_ONCE(dmux->modem_up, false);
		atomic_long_inc(&dmux->dstats.modem_down);
	}

	bam_dmux_pc_ack(dmux);
	wake_up_all(&dmux->pc_wait);
}

static irqreturn_t bam_dmux_pc_irq(int irq, void *data)
{
	struct bam_dmux *dmux = data;

	mutex_lock(&dmux->power_lock);
	bam_dmux_pc_update(dmux);
	mutex_unlock(&dmux->power_lock);
	return IRQ_HANDLED;
}

/*
 * Take the pc-ack line's level; a change is one ack. ack_lock serialises
 * this thread with bam_dmux_pm_start(), which takes the level again once the
 * interrupt is enabled.
 */
static irqreturn_t bam_dmux_pc_ack_irq(int irq, void *data)
{
	struct bam_dmux *dmux = data;
	bool level;

	mutex_lock(&dmux->ack_lock);
	if (!bam_dmux_line_level(dmux, irq, &level))
		level = !dmux->modem_ack_level;
	if (level != dmux->modem_ack_level) {
		dmux->modem_ack_level = level;
		atomic_dec_if_positive(&dmux->acks_owed);
		wake_up_all(&dmux->pc_wait);
	}
	mutex_unlock(&dmux->ack_lock);
	return IRQ_HANDLED;
}

static bool adaptive_autosuspend = true;
module_param(adaptive_autosuspend, bool, 0644);
MODULE_PARM_DESC(adaptive_autosuspend,
		 "Adapt the autosuspend delay (1 to 10 s) until autosuspend_delay_ms is written (default: Y)");

bool bam_dmux_pm_adaptive(struct bam_dmux *dmux)
{
	return READ_ONCE(dmux->pm_adapt) && READ_ONCE(adaptive_autosuspend);
}

/*
 * Adaptive autosuspend. Each power-collapse cycle costs a handshake and a
 * modem power-up; holding the vote costs idle power. A collapse shorter than
 * BAM_DMUX_AUTOSUSPEND_MAX_MS (the vendor trees' fixed delay) did not pay
 * for its cycle: the delay doubles, up to that. A collapse at least that
 * long halves it, down to BAM_DMUX_AUTOSUSPEND_MS (mainline's). So traffic
 * that comes back within 10 s keeps the vote after a few cycles, while the
 * vote is still withdrawn once the host has been idle for the delay.
 *
 * autosuspend_delay_ms in sysfs shows the delay in effect. A value there
 * that is not the one set here was the user's: it wins, and the delay stops
 * adapting until the driver is bound again. A write of the very value in
 * effect cannot be told from ours: adaptive_autosuspend=0 fixes the delay
 * at whatever it is. Runtime PM callbacks only (they are serialised), when
 * resuming: the delay is read at the next autosuspend.
 */
static void bam_dmux_pm_adapt(struct bam_dmux *dmux)
{
	struct device *dev = dmux->dev;
	int delay = dmux->pm_delay;
	s64 collapsed;

	if (!dmux->pm_adapt)
		return;
	if (READ_ONCE(dev->power.autosuspend_delay) != dmux->pm_delay) {
		WRITE_ONCE(dmux->pm_adapt, false);
		dev_info(dev, "Autosuspend delay set to %d ms: no longer adapted\n",
			 READ_ONCE(dev->power.autosuspend_delay));
		return;
	}
	if (!dmux->pm_suspended_at || !READ_ONCE(adaptive_autosuspend))
		return;

	collapsed = ktime_ms_delta(ktime_get_boottime(), dmux->pm_suspended_at);
	if (collapsed < BAM_DMUX_AUTOSUSPEND_MAX_MS)
		delay = min(delay * 2, BAM_DMUX_AUTOSUSPEND_MAX_MS);
	else
		delay = max(delay / 2, BAM_DMUX_AUTOSUSPEND_MS);
	if (delay == dmux->pm_delay)
		return;
	dev_dbg(dev, "collapsed for %lld ms: autosuspend delay %d ms\n",
		collapsed, delay);
	dmux->pm_delay = delay;
	pm_runtime_set_autosuspend_delay(dev, delay);
}

static int bam_dmux_runtime_suspend(struct device *dev)
{
	struct bam_dmux *dmux = dev_get_drvdata(dev);

	mutex_lock(&dmux->power_lock);
	bam_dmux_tx_set_ready(dmux, false);
	bam_dmux_pc_vote(dmux, false);
	mutex_unlock(&dmux->power_lock);
	dmux->pm_suspended_at = ktime_get_boottime();
	return 0;
}

static int bam_dmux_runtime_resume(struct device *dev)
{
	struct bam_dmux *dmux = dev_get_drvdata(dev);
	bool pc_up;
	int ret;

	bam_dmux_pm_adapt(dmux);

	/*
	 * Runtime PM serialises suspend and resume, the only voters besides
	 * bam_dmux_pm_stop() (which disables runtime PM first): the waits
	 * below need no lock, and must not hold power_lock (see the top).
	 */
	if (atomic_read(&dmux->acks_owed) && !bam_dmux_wait_ack(dmux)) {
		/* Voting again is the only way forward. */
		dev_warn(dev, "Modem did not acknowledge the last power vote\n");
		atomic_set(&dmux->acks_owed, 0);
	}

	mutex_lock(&dmux->power_lock);
	bam_dmux_pc_vote(dmux, true);
	mutex_unlock(&dmux->power_lock);

	if (!bam_dmux_wait_ack(dmux)) {
		atomic_long_inc(&dmux->dstats.ack_timeout);
		dev_err(dev, "Modem did not acknowledge power-up vote within %u ms\n",
			jiffies_to_msecs(BAM_DMUX_REMOTE_TIMEOUT));
		ret = -ETIMEDOUT;
		goto err_unvote;
	}

	/* bam_dmux_pc_irq() takes power_lock to bring the modem up */
	if (!wait_event_timeout(dmux->pc_wait, READ_ONCE(dmux->modem_up),
				BAM_DMUX_REMOTE_TIMEOUT)) {
		dev_err(dev, "Modem did not power up within %u ms\n",
			jiffies_to_msecs(BAM_DMUX_REMOTE_TIMEOUT));
		ret = -ETIMEDOUT;
		goto err_unvote;
	}

	mutex_lock(&dmux->power_lock);
	if (!dmux->modem_up) {
		ret = -ENXIO;
		goto err_unvote_locked;
	}
	ret = bam_dmux_tx_start(dmux);
	if (ret)
		goto err_unvote_locked;
	mutex_unlock(&dmux->power_lock);
	return 0;

err_unvote:
	mutex_lock(&dmux->power_lock);
err_unvote_locked:
	/*
	 * A modem whose pc is low once the handshake gave up went away: it
	 * powered down under the vote, or it never woke from a collapse for
	 * it (a crash clears its ack line too, which may pass for the ack).
	 * Downstream restarts a modem that does not answer; pc rising brings
	 * it back. A modem whose pc is up (it did not acknowledge, or RX
	 * failed to start for it) stays in use.
	 */
	if (!dmux->modem_up && !dmux->modem_gone &&
	    bam_dmux_line_level(dmux, dmux->pc_irq, &pc_up) && !pc_up)
		bam_dmux_modem_lost(dmux,
				    "is not up after the power-up handshake");
	/* the pc handler opens TX for a modem that came up while we voted */
	bam_dmux_tx_set_ready(dmux, false);
	bam_dmux_pc_vote(dmux, false);
	mutex_unlock(&dmux->power_lock);
	return ret;
}

const struct dev_pm_ops bam_dmux_pm_ops = {
	RUNTIME_PM_OPS(bam_dmux_runtime_suspend, bam_dmux_runtime_resume, NULL)
};

/*
 * Resume synchronously and hold a reference. A failed resume leaves the
 * device's runtime_error set, which would refuse every later attempt: clear
 * it, so that the next user runs the handshake again.
 */
int bam_dmux_pm_get_sync(struct bam_dmux *dmux)
{
	int ret = pm_runtime_resume_and_get(dmux->dev);

	if (ret < 0 && ret != -EACCES)
		pm_runtime_set_suspended(dmux->dev);
	return ret < 0 ? ret : 0;
}

void bam_dmux_pm_put(struct bam_dmux *dmux)
{
	pm_runtime_mark_last_busy(dmux->dev);
	pm_runtime_put_autosuspend(dmux->dev);
}

int bam_dmux_pm_init(struct bam_dmux *dmux)
{
	struct device *dev = dmux->dev;
	unsigned int bit;
	int ret;

	mutex_init(&dmux->power_lock);
	mutex_init(&dmux->ack_lock);
	init_waitqueue_head(&dmux->pc_wait);

	dmux->pc_irq = platform_get_irq_byname(to_platform_device(dev), "pc");
	if (dmux->pc_irq < 0)
		return dmux->pc_irq;
	dmux->pc_ack_irq = platform_get_irq_byname(to_platform_device(dev),
						   "pc-ack");
	if (dmux->pc_ack_irq < 0)
		return dmux->pc_ack_irq;

	dmux->pc = devm_qcom_smem_state_get(dev, "pc", &bit);
	if (IS_ERR(dmux->pc))
		return dev_err_probe(dev, PTR_ERR(dmux->pc),
				     "Failed to get pc state\n");
	dmux->pc_mask = BIT(bit);

	dmux->pc_ack = devm_qcom_smem_state_get(dev, "pc-ack", &bit);
	if (IS_ERR(dmux->pc_ack))
		return dev_err_probe(dev, PTR_ERR(dmux->pc_ack),
				     "Failed to get pc-ack state\n");
	dmux->pc_ack_mask = BIT(bit);

	/* Enabled in bam_dmux_pm_start(), once the initial state is known */
	ret = devm_request_threaded_irq(dev, dmux->pc_ack_irq, NULL,
					bam_dmux_pc_ack_irq,
					IRQF_ONESHOT | IRQF_NO_AUTOEN,
					"bam-dmux-pc-ack", dmux);
	if (ret)
		return ret;
	ret = devm_request_threaded_irq(dev, dmux->pc_irq, NULL, bam_dmux_pc_irq,
					IRQF_ONESHOT | IRQF_NO_AUTOEN,
					"bam-dmux-pc", dmux);
	if (ret)
		return ret;

	/* Our smem bits start cleared: no vote, no acknowledgment. */
	dmux->vote = false;
	dmux->ack_toggle = false;
	qcom_smem_state_update_bits(dmux->pc, dmux->pc_mask, 0);
	qcom_smem_state_update_bits(dmux->pc_ack, dmux->pc_ack_mask, 0);

	/* Taken again once the interrupt is enabled: this checks the line. */
	if (!bam_dmux_line_level(dmux, dmux->pc_ack_irq,
				 &dmux->modem_ack_level))
		return -EIO;

	dmux->pm_delay = BAM_DMUX_AUTOSUSPEND_MS;
	dmux->pm_adapt = true;
	dmux->pm_suspended_at = 0;
	pm_runtime_set_autosuspend_delay(dev, dmux->pm_delay);
	pm_runtime_use_autosuspend(dev);
	return 0;
}

/* Start following the modem: it may have powered up before us. */
void bam_dmux_pm_start(struct bam_dmux *dmux)
{
	bool level;

	pm_runtime_enable(dmux->dev);
	enable_irq(dmux->pc_ack_irq);
	/*
	 * An ack that toggled the line since probe read it (say, of clearing
	 * a vote a previous driver left set) was never delivered: take the
	 * level now that every later toggle will be.
	 */
	mutex_lock(&dmux->ack_lock);
	if (bam_dmux_line_level(dmux, dmux->pc_ack_irq, &level))
		dmux->modem_ack_level = level;
	mutex_unlock(&dmux->ack_lock);
	enable_irq(dmux->pc_irq);

	mutex_lock(&dmux->power_lock);
	bam_dmux_pc_update(dmux);
	mutex_unlock(&dmux->power_lock);
}

/* Withdraw our vote and stop following the modem. */
void bam_dmux_pm_stop(struct bam_dmux *dmux)
{
	struct device *dev = dmux->dev;

	pm_runtime_disable(dev);
	pm_runtime_dont_use_autosuspend(dev);
	if (!pm_runtime_status_suspended(dev)) {
		bam_dmux_runtime_suspend(dev);
		pm_runtime_set_suspended(dev);
	}

	/* A modem that collapses when we stop voting says so on its line. */
	if (READ_ONCE(dmux->modem_up) &&
	    !wait_event_timeout(dmux->pc_wait, !READ_ONCE(dmux->modem_up),
				BAM_DMUX_REMOTE_TIMEOUT))
		dev_dbg(dev, "Modem stays powered\n");

	disable_irq(dmux->pc_irq);
	disable_irq(dmux->pc_ack_irq);

	mutex_lock(&dmux->power_lock);
	bam_dmux_tx_drain(dmux, true);
	bam_dmux_rx_stop(dmux);
	WRITE_ONCE(dmux->modem_up, false);
	/* no hold can be taken any more: balance the usage count */
	bam_dmux_pm_release(dmux);
	mutex_unlock(&dmux->power_lock);
}
