// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated SMSM: the apps side is a smem-state provider whose bits carry
 * the host's vote (bit 1) and acknowledgment toggle (bit 11); the modem side
 * is an interrupt controller whose lines follow the modem's state bits
 * (line 1: power state, line 11: toggles per acknowledged vote), cascading
 * edges like drivers/soc/qcom/smsm.c does.
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

static bool sim_line_level(struct sim_modem *sim, irq_hw_number_t hwirq)
{
	switch (hwirq) {
	case SIM_IRQ_PC:
		return READ_ONCE(sim->pc_level);
	case SIM_IRQ_PC_ACK:
		return READ_ONCE(sim->ack_level);
	default:
		return false;
	}
}

/* Unsubscribed lines do not cascade, as in smsm.c. */
static void sim_irq_mask(struct irq_data *d)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);

	clear_bit(irqd_to_hwirq(d), &sim->irq_enabled);
}

static void sim_irq_unmask(struct irq_data *d)
{
	struct sim_modem *sim = irq_data_get_irq_chip_data(d);

	set_bit(irqd_to_hwirq(d), &sim->irq_enabled);
}

static void sim_irq_ack(struct irq_data *d)
{
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
	*state = sim_line_level(sim, irqd_to_hwirq(d));
	return 0;
}

static struct irq_chip sim_irq_chip = {
	.name			= "modem-sim-smsm",
	.irq_ack		= sim_irq_ack,
	.irq_mask		= sim_irq_mask,
	.irq_unmask		= sim_irq_unmask,
	.irq_set_type		= sim_irq_set_type,
	.irq_get_irqchip_state	= sim_irq_get_state,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static int sim_irq_map(struct irq_domain *domain, unsigned int virq,
		       irq_hw_number_t hwirq)
{
	irq_set_chip_data(virq, domain->host_data);
	irq_set_chip_and_handler(virq, &sim_irq_chip, handle_edge_irq);
	irq_set_noprobe(virq);
	return 0;
}

static void sim_irq_unmap(struct irq_domain *domain, unsigned int virq)
{
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops sim_irq_ops = {
	.map	= sim_irq_map,
	.unmap	= sim_irq_unmap,
	.xlate	= irq_domain_xlate_twocell,
};

/**
 * sim_irq_edge() - signal a level change of a modem state line
 * @sim: the modem
 * @hwirq: line number
 * @rising: new level
 *
 * Must be called without the modem's locks held, from process context:
 * handlers run as if from the controller's interrupt.
 */
void sim_irq_edge(struct sim_modem *sim, unsigned int hwirq, bool rising)
{
	unsigned int type = READ_ONCE(sim->irq_type[hwirq]);

	if (!test_bit(hwirq, &sim->irq_enabled))
		return;
	if (!(type & (rising ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_EDGE_FALLING)))
		return;
	generic_handle_domain_irq_safe(sim->domain, hwirq);
}

int sim_smsm_register(struct sim_modem *sim)
{
	sim->domain = irq_domain_create_linear(of_fwnode_handle(sim->modem_np),
					       SIM_NUM_IRQS, &sim_irq_ops, sim);
	if (!sim->domain)
		return -ENOMEM;

	sim->state = qcom_smem_state_register(sim->apps_np, &sim_smem_ops, sim);
	if (IS_ERR(sim->state)) {
		irq_domain_remove(sim->domain);
		sim->domain = NULL;
		return PTR_ERR(sim->state);
	}
	return 0;
}

void sim_smsm_unregister(struct sim_modem *sim)
{
	unsigned int hwirq, virq;

	if (!sim->domain)
		return;
	qcom_smem_state_unregister(sim->state);

	/* consumers are unbound first (device links); drop their mappings */
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
