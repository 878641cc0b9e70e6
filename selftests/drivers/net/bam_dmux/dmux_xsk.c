// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmux_xsk: a minimal AF_XDP receiver in copy mode, for the selftests.
 *
 *   dmux_xsk IFNAME COUNT TIMEOUT_MS
 *
 * Binds to queue 0 of IFNAME, puts its socket into the XSKMAP named
 * "bd_xsks" of the XDP program already attached, prints "listening", then
 * counts the IPv4/UDP frames it receives (Raw-IP: the frame starts at the
 * IP header). Prints "received N" and exits 0 if N == COUNT. Raw system
 * calls only, so that it builds statically without libxdp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

#define NUM_FRAMES	256
#define FRAME_SIZE	4096
#define RING_SIZE	256

struct ring {
	uint32_t *producer;
	uint32_t *consumer;
	void *desc;
};

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* fd of the map called @name, or -1 */
static int map_by_name(const char *name)
{
	union bpf_attr attr;
	uint32_t id = 0;

	for (;;) {
		struct bpf_map_info info;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (bpf(BPF_MAP_GET_NEXT_ID, &attr))
			return -1;
		id = attr.next_id;

		memset(&attr, 0, sizeof(attr));
		attr.map_id = id;
		fd = bpf(BPF_MAP_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uintptr_t)&info;
		if (!bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) && !strcmp(info.name, name))
			return fd;
		close(fd);
	}
}

static void *map_ring(int fd, const struct xdp_ring_offset *off, size_t desc_size,
		      off_t pgoff, struct ring *r)
{
	size_t len = off->desc + RING_SIZE * desc_size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       fd, pgoff);

	if (p == MAP_FAILED)
		return NULL;
	r->producer = (uint32_t *)(p + off->producer);
	r->consumer = (uint32_t *)(p + off->consumer);
	r->desc = p + off->desc;
	return p;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int die(const char *what)
{
	fprintf(stderr, "dmux_xsk: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct xdp_umem_reg reg = { 0 };
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp = { 0 };
	struct ring fill, rx;
	union bpf_attr attr;
	socklen_t optlen = sizeof(off);
	long count, got = 0;
	long long deadline;
	uint32_t key = 0, val, i;
	int fd, map, size = RING_SIZE;
	unsigned int ifindex;
	void *umem;

	if (argc != 4) {
		fprintf(stderr, "usage: dmux_xsk IFNAME COUNT TIMEOUT_MS\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "dmux_xsk: no interface '%s'\n", argv[1]);
		return 2;
	}
	count = atol(argv[2]);
	deadline = now_ms() + atol(argv[3]);

	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0)
		return die("socket");
	umem = mmap(NULL, NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED)
		return die("mmap umem");
	reg.addr = (uintptr_t)umem;
	reg.len = NUM_FRAMES * FRAME_SIZE;
	reg.chunk_size = FRAME_SIZE;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &size, sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &size, sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &size, sizeof(size)))
		return die("setsockopt");
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		return die("XDP_MMAP_OFFSETS");
	if (!map_ring(fd, &off.fr, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING, &fill) ||
	    !map_ring(fd, &off.rx, sizeof(struct xdp_desc), XDP_PGOFF_RX_RING, &rx))
		return die("mmap rings");

	for (i = 0; i < RING_SIZE; i++)
		((uint64_t *)fill.desc)[i] = (uint64_t)i * FRAME_SIZE;
	__atomic_store_n(fill.producer, RING_SIZE, __ATOMIC_RELEASE);

	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = ifindex;
	sxdp.sxdp_queue_id = 0;
	sxdp.sxdp_flags = XDP_COPY;
	if (bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp)))
		return die("bind");

	map = map_by_name("bd_xsks");
	if (map < 0) {
		fprintf(stderr, "dmux_xsk: no map bd_xsks (XDP program not attached?)\n");
		return 1;
	}
	val = fd;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&val;
	if (bpf(BPF_MAP_UPDATE_ELEM, &attr))
		return die("xskmap update");
	printf("listening\n");
	fflush(stdout);

	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		uint32_t prod, cons, fprod;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		prod = __atomic_load_n(rx.producer, __ATOMIC_ACQUIRE);
		cons = *rx.consumer;
		fprod = *fill.producer;
		for (; cons != prod; cons++) {
			struct xdp_desc *d = &((struct xdp_desc *)rx.desc)[cons % RING_SIZE];
			const uint8_t *pkt = (uint8_t *)umem + d->addr;

			if (d->len >= 28 && (pkt[0] >> 4) == 4 && pkt[9] == 17)
				got++;
			((uint64_t *)fill.desc)[fprod++ % RING_SIZE] =
				d->addr - d->addr % FRAME_SIZE;
		}
		__atomic_store_n(rx.consumer, cons, __ATOMIC_RELEASE);
		__atomic_store_n(fill.producer, fprod, __ATOMIC_RELEASE);
	}
	printf("received %ld\n", got);
	return got == count ? 0 : 1;
}
