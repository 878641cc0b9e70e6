/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel API differences between the kernels this driver and the
 * simulator are built for (Debian's 6.12 LTS and the newest Debian source, the
 * VM lane's debug kernel). Keep every version check here.
 */
#ifndef BAM_DMUX_COMPAT_H
#define BAM_DMUX_COMPAT_H

#include <linux/timer.h>
#include <linux/version.h>

/*
 * The core's UDP encap static keys (on while a socket asked for UDP_GRO or a
 * UDP tunnel is up): Kbuild defines this where the kernel exports both to
 * modules (6.12 does; 7.3 exports neither). Without them UDP keeps GRO:
 * correct, only slower.
 */
#ifndef BAM_DMUX_HAVE_UDP_ENCAP_KEYS
#define BAM_DMUX_HAVE_UDP_ENCAP_KEYS 0
#endif

/* from_timer() was renamed in 6.16 */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

#endif /* BAM_DMUX_COMPAT_H */
