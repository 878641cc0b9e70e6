// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs control of the simulated modem: /sys/kernel/debug/bam_dmux_sim/.
 * See docs/interfaces.md and docs/simulator.md.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim.h"

#define SIM_DBG_LINE	160

static const char * const sim_counter_names[SIM_CNT_NUM] = {
	[SIM_CNT_TX_FRAMES]		= "tx_frames",
	[SIM_CNT_TX_BYTES]		= "tx_bytes",
	[SIM_CNT_RX_FRAMES]		= "rx_frames",
	[SIM_CNT_RX_BYTES]		= "rx_bytes",
	[SIM_CNT_RX_NO_BUFFER]		= "rx_no_buffer",
	[SIM_CNT_DATA_CLOSED_CH]	= "data_closed_ch",
	[SIM_CNT_DMA_WHILE_DOWN]	= "dma_while_down",
	[SIM_CNT_OPEN_CMDS]		= "open_cmds",
	[SIM_CNT_CLOSE_CMDS]		= "close_cmds",
	[SIM_CNT_ALLOC_WHILE_DOWN]	= "alloc_while_down",
	[SIM_CNT_BAD_ADDR]		= "bad_addr",
	[SIM_CNT_RX_TOO_BIG]		= "rx_too_big",
	[SIM_CNT_UNEXPECTED_ACK]	= "unexpected_ack",
};

const char *sim_counter_name(enum sim_counter c)
{
	if (c >= SIM_CNT_WIRE_ERR && c < SIM_CNT_DATA_CLOSED_CH)
		return bam_dmux_wire_err_name(c - SIM_CNT_WIRE_ERR + 1);
	return sim_counter_names[c];
}

/* Copy one written line (at most @size - 1 bytes) and trim it. */
static char *sim_dbg_line(const char __user *ubuf, size_t count, char *buf,
			  size_t size)
{
	if (!count || count >= size)
		return ERR_PTR(-EINVAL);
	if (copy_from_user(buf, ubuf, count))
		return ERR_PTR(-EFAULT);
	buf[count] = '\0';
	return strim(buf);
}

#define SIM_DBG_FOPS(name)						\
static int name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, name##_show, inode->i_private);	\
}									\
static const struct file_operations name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name##_open,					\
	.read		= seq_read,					\
	.write		= name##_write,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

static struct sim_modem *sim_of(struct file *file)
{
	return ((struct seq_file *)file->private_data)->private;
}

/* power */
static int sim_power_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%s\n", READ_ONCE(sim->pc_level) ? "up" : "down");
	return 0;
}

static ssize_t sim_power_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	if (!strcmp(line, "up"))
		ret = sim_modem_set_power(sim, true);
	else if (!strcmp(line, "down"))
		ret = sim_modem_set_power(sim, false);
	else
		ret = -EINVAL;
	return ret ?: count;
}

SIM_DBG_FOPS(sim_power);

/* state */
static int sim_state_show(struct seq_file *s, void *unused)
{
	static const char * const names[] = {
		[SIM_OFF] = "down", [SIM_UP_WAIT] = "powering-up",
		[SIM_UP] = "up", [SIM_DOWN_WAIT] = "powering-down",
	};
	struct sim_modem *sim = s->private;
	unsigned int rx_posted, tx_pending, backlog;
	enum sim_power power;
	bool vote, waiting, dma_on;
	u32 host_acks, modem_acks;
	u8 open_modem, open_host;

	spin_lock_irq(&sim->lock);
	power = sim->power;
	vote = sim->host_vote;
	waiting = sim->ack_waiting;
	dma_on = sim->dma_on;
	host_acks = sim->host_acks;
	modem_acks = sim->modem_acks;
	open_modem = sim->open_modem;
	open_host = sim->open_host;
	spin_unlock_irq(&sim->lock);
	sim_dma_queue_stats(sim, &rx_posted, &tx_pending, &backlog);

	seq_printf(s, "power %s\n", READ_ONCE(sim->pc_level) ? "up" : "down");
	seq_printf(s, "host_vote %d\n", vote);
	seq_printf(s, "host_acks %u\n", host_acks);
	seq_printf(s, "modem_acks %u\n", modem_acks);
	seq_printf(s, "open_modem 0x%02x\n", open_modem);
	seq_printf(s, "open_host 0x%02x\n", open_host);
	seq_printf(s, "rx_posted %u\n", rx_posted);
	seq_printf(s, "tx_pending %u\n", tx_pending);
	seq_printf(s, "host_pc_ack_waiting %d\n", waiting);
	seq_printf(s, "phase %s\n", names[power]);
	seq_printf(s, "dma %s\n", dma_on ? "on" : "off");
	seq_printf(s, "rx_backlog %u\n", backlog);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_state);

/* announce */
static int sim_announce_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "0x%02x\n", READ_ONCE(sim->announce));
	return 0;
}

static ssize_t sim_announce_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	u8 mask;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = kstrtou8(line, 0, &mask);
	if (ret)
		return ret;
	WRITE_ONCE(sim->announce, mask);
	return count;
}

SIM_DBG_FOPS(sim_announce);

/* open, close: write-only */
static ssize_t sim_cmd_write(struct file *file, const char __user *ubuf,
			     size_t count, u8 cmd)
{
	struct sim_modem *sim = file->private_data;
	char buf[SIM_DBG_LINE], *line;
	u8 ch;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = kstrtou8(line, 0, &ch);
	if (ret)
		return ret;
	if (ch >= BAM_DMUX_NUM_CH)
		return -EINVAL;
	ret = sim_modem_send_cmd(sim, cmd, ch);
	return ret ?: count;
}

static ssize_t sim_open_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	return sim_cmd_write(file, ubuf, count, BAM_DMUX_CMD_OPEN);
}

static ssize_t sim_close_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	return sim_cmd_write(file, ubuf, count, BAM_DMUX_CMD_CLOSE);
}

static const struct file_operations sim_open_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= sim_open_write,
	.llseek	= noop_llseek,
};

static const struct file_operations sim_close_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= sim_close_write,
	.llseek	= noop_llseek,
};

/* ack_delay_ms */
static int sim_ack_delay_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%d\n", READ_ONCE(sim->ack_delay_ms));
	return 0;
}

static ssize_t sim_ack_delay_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	int ret, ms;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = kstrtoint(line, 0, &ms);
	if (ret)
		return ret;
	if (ms < -1)
		return -EINVAL;
	sim_modem_set_ack_delay(sim, ms);
	return count;
}

SIM_DBG_FOPS(sim_ack_delay);

/* collapse */
static int sim_collapse_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%d\n", READ_ONCE(sim->collapse));
	return 0;
}

static ssize_t sim_collapse_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	bool on;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = kstrtobool(line, &on);
	if (ret)
		return ret;
	spin_lock_irq(&sim->lock);
	sim->collapse = on;
	spin_unlock_irq(&sim->lock);
	return count;
}

SIM_DBG_FOPS(sim_collapse);

/* inject: raw bytes, one RX transfer */
static ssize_t sim_inject_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct sim_modem *sim = file->private_data;
	void *buf;
	int ret;

	if (!count || count > SIM_INJECT_MAX)
		return -EINVAL;
	buf = memdup_user(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = sim_rx_send_raw(sim, buf, count, SIM_RX_BACKLOG);
	kfree(buf);
	return ret ?: count;
}

static const struct file_operations sim_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= sim_inject_write,
	.llseek	= noop_llseek,
};

/* gen */
static int sim_gen_show(struct seq_file *s, void *unused)
{
	static const char * const names[] = {
		[SIM_GEN_IDLE] = "idle", [SIM_GEN_RUNNING] = "running",
		[SIM_GEN_DONE] = "done",
	};
	struct sim_modem *sim = s->private;
	struct sim_gen *gen = &sim->gen;

	seq_printf(s, "state %s\n", names[READ_ONCE(gen->state)]);
	seq_printf(s, "sent %llu\n", READ_ONCE(gen->sent));
	seq_printf(s, "refused %llu\n", READ_ONCE(gen->refused));
	seq_printf(s, "elapsed_ns %llu\n", READ_ONCE(gen->elapsed_ns));
	return 0;
}

static ssize_t sim_gen_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = sim_gen_start(sim, line);
	return ret ?: count;
}

SIM_DBG_FOPS(sim_gen);

/* counters */
static int sim_counters_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;
	int i;

	for (i = 0; i < SIM_CNT_NUM; i++)
		seq_printf(s, "%s %lld\n", sim_counter_name(i),
			   atomic64_read(&sim->cnt[i]));
	return 0;
}

static ssize_t sim_counters_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line;
	int i;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	if (strcmp(line, "0"))
		return -EINVAL;
	for (i = 0; i < SIM_CNT_NUM; i++)
		atomic64_set(&sim->cnt[i], 0);
	return count;
}

SIM_DBG_FOPS(sim_counters);

/* fault */
static int sim_fault_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "prep_fail %d\n", atomic_read(&sim->fault_prep));
	seq_printf(s, "alloc_chan_fail %d\n",
		   atomic_read(&sim->fault_alloc_chan));
	return 0;
}

static ssize_t sim_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim_modem *sim = sim_of(file);
	char buf[SIM_DBG_LINE], *line, *val;
	unsigned int n;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	val = strpbrk(line, " \t");
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	ret = kstrtouint(skip_spaces(val), 0, &n);
	if (ret)
		return ret;
	if (n > INT_MAX)
		return -EINVAL;
	if (!strcmp(line, "prep_fail"))
		atomic_set(&sim->fault_prep, n);
	else if (!strcmp(line, "alloc_chan_fail"))
		atomic_set(&sim->fault_alloc_chan, n);
	else
		return -EINVAL;
	return count;
}

SIM_DBG_FOPS(sim_fault);

void sim_debugfs_init(struct sim_modem *sim)
{
	struct dentry *d = debugfs_create_dir("bam_dmux_sim", NULL);

	sim->dbg = d;
	debugfs_create_file("power", 0600, d, sim, &sim_power_fops);
	debugfs_create_file("state", 0400, d, sim, &sim_state_fops);
	debugfs_create_file("announce", 0600, d, sim, &sim_announce_fops);
	debugfs_create_file("open", 0200, d, sim, &sim_open_fops);
	debugfs_create_file("close", 0200, d, sim, &sim_close_fops);
	debugfs_create_file("ack_delay_ms", 0600, d, sim, &sim_ack_delay_fops);
	debugfs_create_file("collapse", 0600, d, sim, &sim_collapse_fops);
	debugfs_create_file("inject", 0200, d, sim, &sim_inject_fops);
	debugfs_create_file("gen", 0600, d, sim, &sim_gen_fops);
	debugfs_create_file("counters", 0600, d, sim, &sim_counters_fops);
	debugfs_create_file("fault", 0600, d, sim, &sim_fault_fops);
}

void sim_debugfs_exit(struct sim_modem *sim)
{
	debugfs_remove_recursive(sim->dbg);
	sim->dbg = NULL;
}
