// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated BAM-DMUX modem: platform driver for "bam-dmux-xdp,modem-sim".
 *
 * The node's three children become a dmaengine provider (#dma-cells), an
 * smem-state provider (#qcom,smem-state-cells) and an interrupt controller
 * (interrupt-controller), so that a "qcom,bam-dmux" node binds to them as it
 * binds to the BAM DMA controller and the SMSM of a phone.
 */

#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>

#include "sim.h"

static bool autostart = true;
module_param(autostart, bool, 0444);
MODULE_PARM_DESC(autostart, "Power the modem up at probe (default: 1)");

static uint announce = 0xff;
module_param(announce, uint, 0444);
MODULE_PARM_DESC(announce,
		 "Mask of channels OPENed after power-up (default: 0xff)");

static int ack_delay_ms;
module_param(ack_delay_ms, int, 0444);
MODULE_PARM_DESC(ack_delay_ms,
		 "Delay before acknowledging a host vote, -1: never (default: 0)");

static bool collapse;
module_param(collapse, bool, 0444);
MODULE_PARM_DESC(collapse,
		 "Power down when the host withdraws its vote, up when it votes (default: 0)");

static char *fw = "legacy";
module_param(fw, charp, 0444);
MODULE_PARM_DESC(fw, "Firmware profile: legacy, dynamic-mtu, qmap (default: legacy)");

static uint ul_size = 16384;
module_param(ul_size, uint, 0444);
MODULE_PARM_DESC(ul_size,
		 "UL buffer size a dynamic-mtu modem offers: 2048, 4096, 8192, 16384 (default: 16384)");

static struct device_node *sim_child_with(struct device_node *np,
					  const char *prop)
{
	struct device_node *child;

	for_each_available_child_of_node(np, child)
		if (of_property_present(child, prop))
			return child;
	return NULL;
}

static void sim_put_nodes(struct sim_modem *sim)
{
	of_node_put(sim->dma_np);
	of_node_put(sim->apps_np);
	of_node_put(sim->modem_np);
}

static int sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct sim_modem *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->dev = dev;
	sim->announce = announce;
	sim->ack_delay_ms = ack_delay_ms < -1 ? -1 : ack_delay_ms;
	sim->collapse = collapse;
	ret = sim_fw_parse(fw);
	if (ret < 0)
		return dev_err_probe(dev, ret, "unknown firmware profile %s\n",
				     fw);
	sim->fw = ret;
	sim->ul_size = bam_dmux_size_from_code(bam_dmux_size_code(ul_size));
	sim->qmap_fmt = 1;
	sim->qmap_agg = 8;

	sim->dma_np = sim_child_with(dev->of_node, "#dma-cells");
	sim->apps_np = sim_child_with(dev->of_node, "#qcom,smem-state-cells");
	sim->modem_np = sim_child_with(dev->of_node, "interrupt-controller");
	if (!sim->dma_np || !sim->apps_np || !sim->modem_np) {
		ret = dev_err_probe(dev, -ENODEV, "missing child node\n");
		goto err_put;
	}

	ret = sim_modem_init(sim);
	if (ret)
		goto err_put;
	sim_gen_init(sim);

	ret = sim_netdev_register(sim);
	if (ret)
		goto err_modem;

	ret = sim_dma_register(sim);
	if (ret) {
		dev_err_probe(dev, ret, "cannot register the DMA engine\n");
		goto err_netdev;
	}

	ret = sim_smsm_register(sim);
	if (ret) {
		dev_err_probe(dev, ret, "cannot register the SMSM\n");
		goto err_dma;
	}

	platform_set_drvdata(pdev, sim);
	sim_debugfs_init(sim);

	if (autostart) {
		/* do not block the probe: the handshake waits for the host */
		spin_lock_irq(&sim->lock);
		sim->want_up = true;
		spin_unlock_irq(&sim->lock);
		queue_work(sim->wq, &sim->power_work);
	}
	return 0;

err_dma:
	sim_dma_unregister(sim);
err_netdev:
	sim_netdev_unregister(sim);
err_modem:
	sim_modem_destroy(sim);
err_put:
	sim_put_nodes(sim);
	return ret;
}

static void sim_remove(struct platform_device *pdev)
{
	struct sim_modem *sim = platform_get_drvdata(pdev);

	sim_debugfs_exit(sim);
	sim_modem_stop(sim);
	sim_smsm_unregister(sim);
	sim_dma_unregister(sim);
	sim_netdev_unregister(sim);
	sim_modem_destroy(sim);
	sim_put_nodes(sim);
}

static const struct of_device_id sim_of_match[] = {
	{ .compatible = "bam-dmux-xdp,modem-sim" },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, sim_of_match);

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.remove = sim_remove,
	.driver = {
		.name = "bam-dmux-modem-sim",
		.of_match_table = sim_of_match,
	},
};
module_platform_driver(sim_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Simulated Qualcomm BAM-DMUX modem (BAM DMA, SMSM and firmware model)");
