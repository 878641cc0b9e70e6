/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel types bam_dmux_wire.h needs, for host-side builds (unit
 * test, fuzz harness). Not used by the kernel build.
 */
#ifndef BAM_DMUX_WIRE_HOST_H
#define BAM_DMUX_WIRE_HOST_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned short __le16;

#define __packed __attribute__((__packed__))
#define cpu_to_le16(x) htole16(x)
#define le16_to_cpu(x) le16toh(x)

#endif /* BAM_DMUX_WIRE_HOST_H */
