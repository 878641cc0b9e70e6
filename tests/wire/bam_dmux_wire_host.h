/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel types bam_dmux_wire.h and bam_dmux_map.h need, for host-side
 * builds (unit tests, fuzz harnesses). Not used by the kernel build.
 */
#ifndef BAM_DMUX_WIRE_HOST_H
#define BAM_DMUX_WIRE_HOST_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned short __le16;
typedef unsigned short __be16;

#define __packed __attribute__((__packed__))
#define cpu_to_le16(x) htole16(x)
#define le16_to_cpu(x) le16toh(x)
#define cpu_to_be16(x) htobe16(x)
#define be16_to_cpu(x) be16toh(x)

#endif /* BAM_DMUX_WIRE_HOST_H */
