// SPDX-License-Identifier: GPL-2.0-only
/*
 * bd_canary: the VM lane's negative control. Loaded on the debug kernel, it
 * commits on purpose each kind of bug the lane must catch, so that a lane
 * which stopped seeing them fails instead of passing quietly:
 *
 *   lockdep   two mutexes taken in both orders (a possible ABBA deadlock)
 *   atomic    a function that may sleep, called under a spinlock
 *   kasan     a read one byte past the end of a slab object
 *   leak      allocations whose last reference is dropped (kmemleak)
 *
 * The bug= parameter picks them (a comma-separated list, default all). Never
 * load it anywhere else.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "lockdep,atomic,kasan,leak";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "bugs to commit: lockdep,atomic,kasan,leak");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_SPINLOCK(canary_lock);

static bool canary_wants(const char *what)
{
	size_t len = strlen(what);
	const char *p = bug;

	while (p && *p) {
		if (!strncmp(p, what, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static void canary_lockdep(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static void canary_atomic(void)
{
	spin_lock(&canary_lock);
	might_sleep();
	spin_unlock(&canary_lock);
}

static int canary_kasan(void)
{
	size_t size = 16;
	char *p;
	char c;

	p = kmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	OPTIMIZER_HIDE_VAR(size);
	c = READ_ONCE(p[size]);
	pr_info("bd_canary: read %d past the end\n", c);
	kfree(p);
	return 0;
}

/*
 * kmemleak takes any stale copy of a pointer for a reference: one left in a
 * dead stack frame, the allocator's free-list link left in an object that
 * was free just before (kzalloc wipes it, or one leak would "reference" the
 * next), or the slot of a per-CPU cache of free objects it was taken from.
 * Leak many objects, so that the caches refill over the stale slots and
 * stale copies cannot hide them all.
 */
static int canary_leak(void)
{
	int i;

	for (i = 0; i < 512; i++) {
		void *p = kzalloc(64, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
	}
	return 0;
}

static int __init canary_init(void)
{
	int ret = 0;

	pr_info("bd_canary: committing: %s\n", bug);
	if (canary_wants("lockdep"))
		canary_lockdep();
	if (canary_wants("atomic"))
		canary_atomic();
	if (canary_wants("kasan"))
		ret = canary_kasan();
	if (!ret && canary_wants("leak"))
		ret = canary_leak();
	return ret;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("BAM-DMUX VM lane: planted bugs the debug kernel must report");
MODULE_LICENSE("GPL");
