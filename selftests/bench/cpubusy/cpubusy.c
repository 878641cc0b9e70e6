// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpubusy: the kernel's per-CPU idle accounting at microsecond resolution,
 * for the bench guest. /proc/stat shows the same idle time (the nohz idle
 * sleep time, get_cpu_idle_time_us()) in USER_HZ ticks of 10 ms; a bench
 * run under icount lasts 50-500 ms. One line per online CPU:
 *
 *   cpu NOW_NS IDLE_US IOWAIT_US
 *
 * NOW_NS is ktime_get_ns() at the read; IDLE_US and IOWAIT_US include an
 * idle period in progress. A CPU is busy when it is not in the idle loop:
 * task, hard and soft interrupt time, an interrupt taken while idle and
 * the softirqs run at its exit included.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/tick.h>
#include <linux/timekeeping.h>

static struct dentry *file;

static int cpubusy_show(struct seq_file *m, void *v)
{
	int cpu;

	for_each_online_cpu(cpu) {
		u64 now = ktime_get_ns();
		u64 idle = get_cpu_idle_time_us(cpu, NULL);
		u64 iowait = get_cpu_iowait_time_us(cpu, NULL);

		seq_printf(m, "%d %llu %lld %lld\n", cpu, now, (s64)idle,
			   (s64)iowait);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cpubusy);

static int __init cpubusy_init(void)
{
	file = debugfs_create_file("cpubusy", 0444, NULL, NULL, &cpubusy_fops);
	return 0;
}

static void __exit cpubusy_exit(void)
{
	debugfs_remove(file);
}

module_init(cpubusy_init);
module_exit(cpubusy_exit);
MODULE_DESCRIPTION("per-CPU nohz idle time in microseconds, for the bench");
MODULE_LICENSE("GPL");
