// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated SMSM: the apps side is a smem-state provider whose bits carry
 * the host's vote (bit 1) and acknowledgment toggle (bit 11); the modem side
 * is an interrupt controller whose lines are the bits of the modem's state
 * word (line 1: power state, line 11: toggles per acknowledged vote).
 *
 * Delivery follows drivers/soc/qcom/smsm.c: the modem writes its state word
 * and kicks the host if a bit the host subscribed to (an unmasked line)
 * changed; one thread (smsm_intr()) reads the word, takes the changes since
 * its previous read (changed = val ^ last_value, so changes between two
 * reads coalesce) and calls the handler of every unmasked line whose change
 * matches the line's edge type with handle_nested_irq(), lowest bit first,
 * from that thread. A change of a masked line is never replayed.
 */

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/of.h>
#include <linux/soc/qcom/smem_state.h>

#include "sim.h"

static int sim_smem_update_bits(void *data, u32 mask, u32 value)
{
	sim_modem_host_bits(data, mask, value);
	return 0;
}

static const struct qcom_smem_state_ops sim_smem_ops = {
	.update_bits = sim_smem_update_bits,
};

static u32 sim_modem_state(struct sim_modem *sim)
{
	return READ_ONCE(sim->modem_state);
}

/**
 * sim_smsm_write() - the modem changes bits of its state word
 * @sim: the modem
 * @mask: bits written
 * @value: their new values
 *
 * Called with sim->lock held. Kicks the host's SMSM thread if a line the
 * host has unmasked changed, as the modem's SMSM does for subscribed bits.
 */
void sim_smsm_write(struct sim_modem *sim, u32 mask, u32 value)
{
	u32 old = sim->modem_state;
	u32 val = (old & ~mask) | (value & mask);

	lockdep_assert_held(&sim->lock);

	WRITE_ONCE(sim->modem_state, val);
	if ((old ^ val) & READ_ONCE(sim->irq_enabled))
		queue_work(sim->smsm_wq, &sim->smsm_work);
}

/* smsm_intr(): the one thread that delivers every line, nested. */
static void sim_smsm_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(work, struct sim_modem,
					     smsm_work);
	unsigned long val;
	unsigned int i, type;
	u32 changed;

	val = sim_modem_state(sim);
	changed = val ^ xchg(&sim->last_value, val);
	atomic64_inc(&sim->cnt[SIM_CNT_SMSM_READS]);

	for_each_set_bit(i, &sim->irq_enabled, SIM_NUM_IRQS) {
		if (!(changed & BIT(i)))
			continue;
		type = READ_ONCE(sim->irq_type[i]);
		if (!(type & ((val & BIT(i)) ? IRQ_TYPE_EDGE_RISING :
					       IRQ_TYPE_EDGE_FALLING)))
			continue;
		handle_nested_irq(irq_find_mapping(sim->domain, i));
	}
}

/* Unsubscribe: the modem no longer kicks for this bit, nothing cascades. */
static void sim_irq_mask(struct irq_data *d)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);

	clear_bit(irqd_to_hwirq(d), &sim->irq_enabled);
}

/* Subscribe, from the current level: what changed meanwhile is not replayed. */
static void sim_irq_unmask(struct irq_data *d)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	if (sim_modem_state(sim) & BIT(hwirq))
		set_bit(hwirq, &sim->last_value);
	else
		clear_bit(hwirq, &sim->last_value);
	set_bit(hwirq, &sim->irq_enabled);
}

static int sim_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);

	if (!(type & IRQ_TYPE_EDGE_BOTH) || (type & IRQ_TYPE_LEVEL_MASK))
		return -EINVAL;
	WRITE_ONCE(sim->irq_type[irqd_to_hwirq(d)], type & IRQ_TYPE_EDGE_BOTH);
	return 0;
}

static int sim_irq_get_state(struct irq_data *d, enum irqchip_irq_state which,
			     bool *state)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);

	if (which != IRQCHIP_STATE_LINE_LEVEL)
		return -EINVAL;
	*state = !!(sim_modem_state(sim) & BIT(irqd_to_hwirq(d)));
	return 0;
}

static struct irq_chip sim_irq_chip = {
	.name			= "modem-sim-smsm",
	.irq_mask		= sim_irq_mask,
	.irq_unmask		= sim_irq_unmask,
	.irq_set_type		= sim_irq_set_type,
	.irq_get_irqchip_state	= sim_irq_get_state,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

/* As smsm_irq_map(): the flow handler is never used, lines are nested. */
static int sim_irq_map(struct irq_domain *domain, unsigned int virq,
		       irq_hw_number_t hwirq)
{
	irq_set_chip_data(virq, domain->host_data);
	irq_set_chip_and_handler(virq, &sim_irq_chip, handle_level_irq);
	irq_set_nested_thread(virq, 1);
	irq_set_noprobe(virq);
	return 0;
}

static void sim_irq_unmap(struct irq_domain *domain, unsigned int virq)
{
	irq_set_nested_thread(virq, 0);
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops sim_irq_ops = {
	.map	= sim_irq_map,
	.unmap	= sim_irq_unmap,
	.xlate	= irq_domain_xlate_twocell,
};

int sim_smsm_register(struct sim_modem *sim)
{
	int ret;

	INIT_WORK(&sim->smsm_work, sim_smsm_work);
	/* one thread, as the threaded handler of the SMSM's interrupt */
	sim->smsm_wq = alloc_ordered_workqueue("bam_dmux_sim_smsm", 0);
	if (!sim->smsm_wq)
		return -ENOMEM;

	sim->domain = irq_domain_create_linear(of_fwnode_handle(sim->modem_np),
					       SIM_NUM_IRQS, &sim_irq_ops, sim);
	if (!sim->domain) {
		ret = -ENOMEM;
		goto err_wq;
	}

	sim->state = qcom_smem_state_register(sim->apps_np, &sim_smem_ops, sim);
	if (IS_ERR(sim->state)) {
		ret = PTR_ERR(sim->state);
		goto err_domain;
	}
	return 0;

err_domain:
	irq_domain_remove(sim->domain);
	sim->domain = NULL;
err_wq:
	destroy_workqueue(sim->smsm_wq);
	return ret;
}

void sim_smsm_unregister(struct sim_modem *sim)
{
	unsigned int hwirq, virq;

	if (!sim->domain)
		return;
	qcom_smem_state_unregister(sim->state);

	/* consumers are unbound first (device links): nothing cascades */
	sim->irq_enabled = 0;
	cancel_work_sync(&sim->smsm_work);
	destroy_workqueue(sim->smsm_wq);

	/* drop the consumers' mappings */
	for (hwirq = 0; hwirq < SIM_NUM_IRQS; hwirq++) {
		virq = irq_find_mapping(sim->domain, hwirq);
		if (!virq)
			continue;
		if (irq_has_action(virq))
			dev_err(sim->dev, "line %u still requested\n", hwirq);
		irq_dispose_mapping(virq);
	}
	irq_domain_remove(sim->domain);
	sim->domain = NULL;
}
