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
	[SIM_CNT_SMSM_READS]		= "smsm_reads",
	[SIM_CNT_CRASHES]		= "crashes",
	[SIM_CNT_CRASH_ABORTED]		= "crash_aborted",
	[SIM_CNT_IRQ_LOST]		= "irq_lost",
	[SIM_CNT_DL_MAP_AGGR]		= "dl_map_aggr",
	[SIM_CNT_DL_MAP_FRAMES]		= "dl_map_frames",
	[SIM_CNT_DL_MAP_DROPPED]	= "dl_map_dropped",
	[SIM_CNT_UL_MAP_FRAMES]		= "ul_map_frames",
	[SIM_CNT_UL_MAP_CMDS]		= "ul_map_cmds",
	[SIM_CNT_UL_MAP_NO_MUX]		= "ul_map_no_mux",
};

static const char *sim_counter_name(enum sim_counter c)
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

/*
 * Every writable file takes one line: sim_dbg_write() copies and trims it and
 * hands it to the file's name##_store(sim, line), which returns 0 or -errno.
 */
static ssize_t sim_dbg_write(struct sim_modem *sim, const char __user *ubuf,
			     size_t count,
			     int (*store)(struct sim_modem *sim, char *line))
{
	char buf[SIM_DBG_LINE], *line;
	int ret;

	line = sim_dbg_line(ubuf, count, buf, sizeof(buf));
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = store(sim, line);
	return ret ?: count;
}

/* A read-write file: name##_show() and name##_store(). */
#define SIM_DBG_RW(name)						\
static int name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, name##_show, inode->i_private);	\
}									\
static ssize_t name##_write(struct file *file, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)			\
{									\
	struct seq_file *s = file->private_data;			\
									\
	return sim_dbg_write(s->private, ubuf, count, name##_store);	\
}									\
static const struct file_operations name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name##_open,					\
	.read		= seq_read,					\
	.write		= name##_write,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

/* A write-only file: name##_store(). */
#define SIM_DBG_WO(name)						\
static ssize_t name##_write(struct file *file, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)			\
{									\
	return sim_dbg_write(file->private_data, ubuf, count,		\
			     name##_store);				\
}									\
static const struct file_operations name##_fops = {			\
	.owner	= THIS_MODULE,						\
	.open	= simple_open,						\
	.write	= name##_write,						\
	.llseek	= noop_llseek,						\
}

/* power */
static int sim_power_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%s\n",
		   READ_ONCE(sim->modem_state) & BIT(SIM_IRQ_PC) ? "up" : "down");
	return 0;
}

static int sim_power_store(struct sim_modem *sim, char *line)
{
	if (!strcmp(line, "up"))
		return sim_modem_set_power(sim, true);
	if (!strcmp(line, "down"))
		return sim_modem_set_power(sim, false);
	return -EINVAL;
}

SIM_DBG_RW(sim_power);

/* state */
static int sim_state_show(struct seq_file *s, void *unused)
{
	static const char * const names[] = {
		[SIM_OFF] = "down", [SIM_UP_WAIT] = "powering-up",
		[SIM_UP] = "up", [SIM_DOWN_WAIT] = "powering-down",
	};
	struct sim_modem *sim = s->private;
	unsigned int rx_posted, tx_pending, backlog, silent;
	enum sim_power power;
	bool vote, waiting, dma_on;
	u32 host_acks, modem_acks;
	u8 open_modem, open_host;
	u32 state;
	bool crashed;

	spin_lock_irq(&sim->lock);
	crashed = sim->crashed;
	power = sim->power;
	vote = sim->host_vote;
	waiting = sim->ack_waiting;
	dma_on = sim->dma_on;
	host_acks = sim->host_acks;
	modem_acks = sim->modem_acks;
	open_modem = sim->open_modem;
	open_host = sim->open_host;
	state = sim->modem_state;
	spin_unlock_irq(&sim->lock);
	sim_dma_queue_stats(sim, &rx_posted, &tx_pending, &backlog);

	seq_printf(s, "power %s\n", state & BIT(SIM_IRQ_PC) ? "up" : "down");
	seq_printf(s, "host_vote %d\n", vote);
	seq_printf(s, "host_acks %u\n", host_acks);
	seq_printf(s, "modem_acks %u\n", modem_acks);
	seq_printf(s, "open_modem 0x%02x\n", open_modem);
	seq_printf(s, "open_host 0x%02x\n", open_host);
	seq_printf(s, "rx_posted %u\n", rx_posted);
	seq_printf(s, "tx_pending %u\n", tx_pending);
	seq_printf(s, "host_pc_ack_waiting %d\n", waiting);
	seq_printf(s, "phase %s\n", crashed ? "crashed" : names[power]);
	seq_printf(s, "dma %s\n", dma_on ? "on" : "off");
	seq_printf(s, "rx_backlog %u\n", backlog);
	seq_printf(s, "modem_state 0x%08x\n", state);
	/*
	 * Done in hardware, their interrupt lost: not complete to the host.
	 * A snapshot without the pipes' locks, as a register read would be.
	 */
	silent = READ_ONCE(sim->chans[SIM_PIPE_TX].ndone);
	seq_printf(s, "tx_silent %u\n", silent);
	silent = READ_ONCE(sim->chans[SIM_PIPE_RX].ndone);
	seq_printf(s, "rx_silent %u\n", silent);
	seq_printf(s, "ul_max %u\n", READ_ONCE(sim->ul_max));
	seq_printf(s, "host_open_signal 0x%02x\n", READ_ONCE(sim->host_open_sig));
	seq_printf(s, "dl_max %u\n", sim_modem_dl_max(sim));
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

static int sim_announce_store(struct sim_modem *sim, char *line)
{
	u8 mask;
	int ret;

	ret = kstrtou8(line, 0, &mask);
	if (ret)
		return ret;
	WRITE_ONCE(sim->announce, mask);
	return 0;
}

SIM_DBG_RW(sim_announce);

/* open, close: write-only, a channel number */
static int sim_cmd_store(struct sim_modem *sim, char *line, u8 cmd)
{
	u8 ch;
	int ret;

	ret = kstrtou8(line, 0, &ch);
	if (ret)
		return ret;
	if (ch >= BAM_DMUX_NUM_CH)
		return -EINVAL;
	return sim_modem_send_cmd(sim, cmd, ch);
}

static int sim_open_store(struct sim_modem *sim, char *line)
{
	return sim_cmd_store(sim, line, BAM_DMUX_CMD_OPEN);
}

static int sim_close_store(struct sim_modem *sim, char *line)
{
	return sim_cmd_store(sim, line, BAM_DMUX_CMD_CLOSE);
}

static int sim_open_no_a2_pc_store(struct sim_modem *sim, char *line)
{
	return sim_cmd_store(sim, line, BAM_DMUX_CMD_OPEN_NO_A2_PC);
}

/* crash: "crash [restart_ms]" */
static int sim_crash_store(struct sim_modem *sim, char *line)
{
	unsigned int ms = 500;

	if (strcmp(line, "crash") && sscanf(line, "crash %u", &ms) != 1)
		return -EINVAL;
	return sim_modem_crash(sim, ms);
}

SIM_DBG_WO(sim_crash);
SIM_DBG_WO(sim_open);
SIM_DBG_WO(sim_close);
SIM_DBG_WO(sim_open_no_a2_pc);

/* ack_delay_ms */
static int sim_ack_delay_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%d\n", READ_ONCE(sim->ack_delay_ms));
	return 0;
}

static int sim_ack_delay_store(struct sim_modem *sim, char *line)
{
	int ret, ms;

	ret = kstrtoint(line, 0, &ms);
	if (ret)
		return ret;
	if (ms < -1)
		return -EINVAL;
	sim_modem_set_ack_delay(sim, ms);
	return 0;
}

SIM_DBG_RW(sim_ack_delay);

/* ack_order */
static const char * const sim_ack_orders[] = {
	[SIM_ACK_APART] = "apart",
	[SIM_ACK_WITH_PC] = "with_pc",
	[SIM_ACK_AFTER_PC] = "after_pc",
};

static int sim_ack_order_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%s\n", sim_ack_orders[READ_ONCE(sim->ack_order)]);
	return 0;
}

static int sim_ack_order_store(struct sim_modem *sim, char *line)
{
	int i = sysfs_match_string(sim_ack_orders, line);

	if (i < 0)
		return i;
	spin_lock_irq(&sim->lock);
	sim->ack_order = i;
	spin_unlock_irq(&sim->lock);
	return 0;
}

SIM_DBG_RW(sim_ack_order);

/* fw: the firmware profile, names as sim_fw_name() */
static int sim_fw_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%s\n", sim_fw_name(READ_ONCE(sim->fw)));
	return 0;
}

static int sim_fw_store(struct sim_modem *sim, char *line)
{
	int fw = sim_fw_parse(line);

	if (fw < 0)
		return fw;
	WRITE_ONCE(sim->fw, fw);
	return 0;
}

SIM_DBG_RW(sim_fw);

/* qmap_fmt: the MAP version of the qmap firmware, v1, v4 or v5 */
static int sim_qmap_fmt_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "v%u\n", READ_ONCE(sim->qmap_fmt));
	return 0;
}

static int sim_qmap_fmt_store(struct sim_modem *sim, char *line)
{
	if (!strcmp(line, "v1"))
		WRITE_ONCE(sim->qmap_fmt, 1);
	else if (!strcmp(line, "v4"))
		WRITE_ONCE(sim->qmap_fmt, 4);
	else if (!strcmp(line, "v5"))
		WRITE_ONCE(sim->qmap_fmt, 5);
	else
		return -EINVAL;
	return 0;
}

SIM_DBG_RW(sim_qmap_fmt);

/* qmap_agg: MAP frames per DL aggregate of the qmap firmware, at most */
static int sim_qmap_agg_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%u\n", READ_ONCE(sim->qmap_agg));
	return 0;
}

static int sim_qmap_agg_store(struct sim_modem *sim, char *line)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(line, 0, &n);
	if (ret)
		return ret;
	if (!n || n > SIM_QMAP_AGG_MAX)
		return -EINVAL;
	WRITE_ONCE(sim->qmap_agg, n);
	return 0;
}

SIM_DBG_RW(sim_qmap_agg);

/* ul_size: the UL buffer size a dynamic-MTU modem offers, 2048-16384 */
static int sim_ul_size_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%u\n", READ_ONCE(sim->ul_size));
	return 0;
}

static int sim_ul_size_store(struct sim_modem *sim, char *line)
{
	unsigned int size;
	int ret;

	ret = kstrtouint(line, 0, &size);
	if (ret)
		return ret;
	if (size != bam_dmux_size_from_code(bam_dmux_size_code(size)))
		return -EINVAL;
	WRITE_ONCE(sim->ul_size, size);
	return 0;
}

SIM_DBG_RW(sim_ul_size);

/* dl_large: the level of the size bit in the modem's DATA frames */
static int sim_dl_large_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%d\n", READ_ONCE(sim->dl_large));
	return 0;
}

static int sim_dl_large_store(struct sim_modem *sim, char *line)
{
	bool on;
	int ret;

	ret = kstrtobool(line, &on);
	if (ret)
		return ret;
	WRITE_ONCE(sim->dl_large, on);
	return 0;
}

SIM_DBG_RW(sim_dl_large);

/* collapse */
static int sim_collapse_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "%d\n", READ_ONCE(sim->collapse));
	return 0;
}

static int sim_collapse_store(struct sim_modem *sim, char *line)
{
	bool on;
	int ret;

	ret = kstrtobool(line, &on);
	if (ret)
		return ret;
	spin_lock_irq(&sim->lock);
	sim->collapse = on;
	spin_unlock_irq(&sim->lock);
	return 0;
}

SIM_DBG_RW(sim_collapse);

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

static int sim_gen_store(struct sim_modem *sim, char *line)
{
	return sim_gen_start(sim, line);
}

SIM_DBG_RW(sim_gen);

/* counters */
static int sim_counters_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;
	int i;

	for (i = 0; i < SIM_CNT_UL_MAP_ERR; i++)
		seq_printf(s, "%s %lld\n", sim_counter_name(i),
			   atomic64_read(&sim->cnt[i]));
	for (; i < SIM_CNT_NUM; i++)
		seq_printf(s, "ul_map_%s %lld\n",
			   bam_dmux_map_err_name(i - SIM_CNT_UL_MAP_ERR + 1),
			   atomic64_read(&sim->cnt[i]));
	return 0;
}

static int sim_counters_store(struct sim_modem *sim, char *line)
{
	int i;

	if (strcmp(line, "0"))
		return -EINVAL;
	for (i = 0; i < SIM_CNT_NUM; i++)
		atomic64_set(&sim->cnt[i], 0);
	return 0;
}

SIM_DBG_RW(sim_counters);

/* fault */
static int sim_fault_show(struct seq_file *s, void *unused)
{
	struct sim_modem *sim = s->private;

	seq_printf(s, "prep_fail %d\n", atomic_read(&sim->fault_prep));
	seq_printf(s, "alloc_chan_fail %d\n",
		   atomic_read(&sim->fault_alloc_chan));
	seq_printf(s, "lose_irq %d\n", atomic_read(&sim->fault_lose_irq));
	seq_printf(s, "crash_on_vote_ms %u\n", READ_ONCE(sim->crash_on_vote_ms));
	seq_printf(s, "tx_hold_ms %u\n", READ_ONCE(sim->tx_holding) &&
		   time_before(jiffies, READ_ONCE(sim->tx_hold_until)) ?
		   jiffies_to_msecs(READ_ONCE(sim->tx_hold_until) - jiffies) : 0);
	return 0;
}

static int sim_fault_store(struct sim_modem *sim, char *line)
{
	unsigned int n;
	char *val;
	int ret;

	val = strpbrk(line, " \t");
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	ret = kstrtouint(skip_spaces(val), 0, &n);
	if (ret)
		return ret;
	if (n > INT_MAX)
		return -EINVAL;
	if (!strcmp(line, "prep_fail")) {
		atomic_set(&sim->fault_prep, n);
	} else if (!strcmp(line, "alloc_chan_fail")) {
		atomic_set(&sim->fault_alloc_chan, n);
	} else if (!strcmp(line, "lose_irq")) {
		atomic_set(&sim->fault_lose_irq, n);
	} else if (!strcmp(line, "crash_on_vote")) {
		spin_lock_irq(&sim->lock);
		sim->crash_on_vote_ms = n;
		spin_unlock_irq(&sim->lock);
	} else if (!strcmp(line, "tx_hold")) {
		WRITE_ONCE(sim->tx_hold_until, jiffies + msecs_to_jiffies(n));
		WRITE_ONCE(sim->tx_holding, true);
	} else {
		return -EINVAL;
	}
	return 0;
}

SIM_DBG_RW(sim_fault);

void sim_debugfs_init(struct sim_modem *sim)
{
	struct dentry *d = debugfs_create_dir("bam_dmux_sim", NULL);

	sim->dbg = d;
	debugfs_create_file("power", 0600, d, sim, &sim_power_fops);
	debugfs_create_file("state", 0400, d, sim, &sim_state_fops);
	debugfs_create_file("announce", 0600, d, sim, &sim_announce_fops);
	debugfs_create_file("open", 0200, d, sim, &sim_open_fops);
	debugfs_create_file("close", 0200, d, sim, &sim_close_fops);
	debugfs_create_file("crash", 0200, d, sim, &sim_crash_fops);
	debugfs_create_file("open_no_a2_pc", 0200, d, sim,
			    &sim_open_no_a2_pc_fops);
	debugfs_create_file("ack_delay_ms", 0600, d, sim, &sim_ack_delay_fops);
	debugfs_create_file("ack_order", 0600, d, sim, &sim_ack_order_fops);
	debugfs_create_file("collapse", 0600, d, sim, &sim_collapse_fops);
	debugfs_create_file("fw", 0600, d, sim, &sim_fw_fops);
	debugfs_create_file("ul_size", 0600, d, sim, &sim_ul_size_fops);
	debugfs_create_file("dl_large", 0600, d, sim, &sim_dl_large_fops);
	debugfs_create_file("qmap_fmt", 0600, d, sim, &sim_qmap_fmt_fops);
	debugfs_create_file("qmap_agg", 0600, d, sim, &sim_qmap_agg_fops);
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
