// SPDX-License-Identifier: GPL-2.0-only
/*
 * kprof: a sampling profiler for the bench guest, which has no perf tool.
 * A pinned hrtimer on every CPU records the interrupted PC and LR (the
 * caller, for leaf functions) and the task every period_us microseconds.
 *
 *   echo start > /sys/kernel/debug/kprof/ctl; ...; echo stop > .../ctl
 *   sort /sys/kernel/debug/kprof/samples | uniq -c | sort -rn
 *
 * Samples land where interrupts are enabled again: time spent with them
 * off (spin_lock_irqsave) is counted at the unlock or the next enable.
 */
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>
#include <asm/pointer_auth.h>

static unsigned int period_us = 20;
module_param(period_us, uint, 0444);
static unsigned int max_samples = 1 << 19;
module_param(max_samples, uint, 0444);

struct kprof_sample {
	unsigned long pc;
	unsigned long lr;
	u32 cpu;
	u32 where;	/* 0 task, 1 softirq, 2 hardirq, 3 user, 4 idle task */
	char comm[TASK_COMM_LEN];
};

static struct kprof_sample *samples;
static atomic_t nsamples;
static bool running;
static DEFINE_PER_CPU(struct hrtimer, kprof_timer);
static struct dentry *dir;

static enum hrtimer_restart kprof_tick(struct hrtimer *t)
{
	struct pt_regs *regs = get_irq_regs();
	struct kprof_sample *s;
	int i;

	if (!READ_ONCE(running))
		return HRTIMER_NORESTART;
	i = atomic_inc_return(&nsamples) - 1;
	if (regs && i < max_samples) {
		s = &samples[i];
		s->cpu = smp_processor_id();
		memcpy(s->comm, current->comm, TASK_COMM_LEN);
		if (user_mode(regs)) {
			s->pc = 0;
			s->lr = 0;
			s->where = 3;
		} else {
			s->pc = instruction_pointer(regs);
			s->lr = ptrauth_strip_kernel_insn_pac(regs->regs[30]);
			s->where = is_idle_task(current) ? 4 :
				   (hardirq_count() > HARDIRQ_OFFSET) ? 2 :
				   in_serving_softirq() ? 1 : 0;
		}
	} else if (i >= max_samples) {
		atomic_set(&nsamples, max_samples);
	}
	hrtimer_forward_now(t, ns_to_ktime(period_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void kprof_start_cpu(void *unused)
{
	struct hrtimer *t = this_cpu_ptr(&kprof_timer);

	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	t->function = kprof_tick;
	hrtimer_start(t, ns_to_ktime(period_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED);
}

static void kprof_stop(void)
{
	int cpu;

	WRITE_ONCE(running, false);
	for_each_online_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&kprof_timer, cpu));
}

static ssize_t ctl_write(struct file *f, const char __user *ubuf, size_t n,
			 loff_t *pos)
{
	char buf[16];

	if (n >= sizeof(buf) || copy_from_user(buf, ubuf, n))
		return -EINVAL;
	buf[n] = 0;
	if (sysfs_streq(buf, "start")) {
		if (running)
			return -EBUSY;
		atomic_set(&nsamples, 0);
		WRITE_ONCE(running, true);
		on_each_cpu(kprof_start_cpu, NULL, 1);
	} else if (sysfs_streq(buf, "stop")) {
		kprof_stop();
	} else {
		return -EINVAL;
	}
	return n;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
};

static const char * const where_name[] = { "task", "softirq", "hardirq",
					   "user", "idle" };

static void *s_start(struct seq_file *m, loff_t *pos)
{
	int n = min_t(int, atomic_read(&nsamples), max_samples);

	return *pos < n ? &samples[*pos] : NULL;
}

static void *s_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return s_start(m, pos);
}

static void s_stop(struct seq_file *m, void *v) { }

static int s_show(struct seq_file *m, void *v)
{
	struct kprof_sample *s = v;

	if (s->where == 3)
		seq_printf(m, "cpu%u user %ps <- %ps [%s]\n", s->cpu,
			   (void *)s->pc, (void *)s->lr, s->comm);
	else
		seq_printf(m, "cpu%u %s %pS <- %ps [%s]\n", s->cpu,
			   where_name[s->where], (void *)s->pc, (void *)s->lr,
			   s->comm);
	return 0;
}

static const struct seq_operations samples_sops = {
	.start = s_start, .next = s_next, .stop = s_stop, .show = s_show,
};
DEFINE_SEQ_ATTRIBUTE(samples);

static int __init kprof_init(void)
{
	samples = vzalloc(array_size(max_samples, sizeof(*samples)));
	if (!samples)
		return -ENOMEM;
	dir = debugfs_create_dir("kprof", NULL);
	debugfs_create_file("ctl", 0200, dir, NULL, &ctl_fops);
	debugfs_create_file("samples", 0400, dir, NULL, &samples_fops);
	return 0;
}

static void __exit kprof_exit(void)
{
	kprof_stop();
	debugfs_remove_recursive(dir);
	vfree(samples);
}

module_init(kprof_init);
module_exit(kprof_exit);
MODULE_DESCRIPTION("hrtimer sampling profiler for the bench guest");
MODULE_LICENSE("GPL");
