// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet generator: N UDP frames over IPv4 or IPv6 of IP size S on channel
 * C, sent to the host as fast as it posts receive buffers. When no buffer is
 * posted it waits up to SIM_GEN_WAIT_MS, then refuses that frame.
 *
 * With agg=A the packets travel as QMAP: A MAP frames per DATA frame (the
 * last one may carry fewer), their mux ids taken in turn from mux=M[,M...].
 */

#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "../bam_dmux_map.h"
#include "sim.h"

#define SIM_GEN_WAIT_MS	200
/* Poll this long for a buffer before sleeping: longer than a host's poll. */
#define SIM_GEN_POLL_US	2000
/* Frames per lock hold and interrupt, at most (the host posts 32). */
#define SIM_GEN_BURST	16

/* Build header, IP, UDP and payload; returns the frame length. */
static unsigned int sim_gen_build(const struct sim_gen_cfg *cfg, u8 *buf)
{
	struct bam_dmux_hdr *hdr = (struct bam_dmux_hdr *)buf;
	unsigned int iplen = cfg->proto == 6 ? sizeof(struct ipv6hdr) :
					       sizeof(struct iphdr);
	u8 *ip = buf + BAM_DMUX_HDR_SIZE;
	struct udphdr *uh = (struct udphdr *)(ip + iplen);
	unsigned int ulen = cfg->size - iplen;
	unsigned int i, pad;
	__wsum csum;

	pad = bam_dmux_hdr_build(hdr, BAM_DMUX_CMD_DATA, cfg->ch, cfg->size);
	for (i = sizeof(*uh); i < ulen; i++)
		((u8 *)uh)[i] = i;
	memset(ip + cfg->size, 0, pad);

	uh->source = htons(cfg->sport);
	uh->dest = htons(cfg->dport);
	uh->len = htons(ulen);
	uh->check = 0;
	csum = csum_partial(uh, ulen, 0);

	if (cfg->proto == 6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)ip;

		memset(ip6, 0, sizeof(*ip6));
		ip6->version = 6;
		ip6->payload_len = htons(ulen);
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = 64;
		ip6->saddr = cfg->src.v6;
		ip6->daddr = cfg->dst.v6;
		uh->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, ulen,
					    IPPROTO_UDP, csum);
	} else {
		struct iphdr *iph = (struct iphdr *)ip;

		memset(iph, 0, sizeof(*iph));
		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(cfg->size);
		iph->ttl = 64;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = cfg->src.v4;
		iph->daddr = cfg->dst.v4;
		iph->check = ip_fast_csum(iph, iph->ihl);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	return bam_dmux_frame_size(cfg->size);
}

static bool sim_gen_may_run(struct sim_modem *sim)
{
	return !READ_ONCE(sim->gen.stop) && READ_ONCE(sim->dma_on);
}

/*
 * Wait for the host to post a buffer. Like hardware, the modem polls for a
 * while first: a sleep and a wake-up per batch would make the rate depend
 * on how fast an idle vCPU wakes (slow and erratic under TCG) rather than
 * on the host's work per frame. Then it sleeps, so that a slow host is not
 * starved of the CPUs it shares with the model. Bounded.
 */
static void sim_gen_wait_buffer(struct sim_modem *sim)
{
	u64 until = ktime_get_ns() + SIM_GEN_POLL_US * NSEC_PER_USEC;
	unsigned int spin = 0;

	/* the hint is lockless: polling does not contend with the host */
	while (!sim_dma_rx_has_buffer(sim) && sim_gen_may_run(sim)) {
		if (!(spin++ & 63) && ktime_get_ns() > until) {
			wait_event_timeout(sim->rx_wq,
					   sim_dma_rx_has_buffer(sim) ||
					   !sim_gen_may_run(sim),
					   msecs_to_jiffies(SIM_GEN_WAIT_MS));
			return;
		}
		cpu_relax();
	}
}

/* Frame @i of the run: the IPv4 id counts up. */
static void sim_gen_next(const struct sim_gen_cfg *cfg, u8 *buf, u64 i)
{
	struct iphdr *iph = (struct iphdr *)(buf + BAM_DMUX_HDR_SIZE);

	if (cfg->proto != 4)
		return;
	iph->id = htons((u16)i);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
}

/*
 * A DATA frame of @n MAP frames around the packet that sim_gen_build() left
 * in @pkt, packets @first on; returns the frame length.
 */
static unsigned int sim_gen_build_agg(const struct sim_gen_cfg *cfg,
				      const u8 *pkt, u64 first, unsigned int n,
				      u8 *buf)
{
	unsigned int off = bam_dmux_map_data_off(cfg->map, false);
	u8 *p = buf + BAM_DMUX_HDR_SIZE;
	unsigned int k, pad;
	u32 used = 0;

	for (k = 0; k < n; k++) {
		u8 mux = cfg->mux[(first + k) % cfg->nmux];
		u32 size;

		/* never 0: sim_gen_parse() checked that A frames fit */
		size = bam_dmux_map_build(p + used, SIM_MAX_XFER -
					  BAM_DMUX_HDR_SIZE - BAM_DMUX_MAX_PAD -
					  used, cfg->map, false, mux,
					  cfg->size);
		if (!size)
			break;
		memcpy(p + used + off, pkt + BAM_DMUX_HDR_SIZE, cfg->size);
		used += size;
	}
	pad = bam_dmux_hdr_build((struct bam_dmux_hdr *)buf, BAM_DMUX_CMD_DATA,
				 cfg->ch, used);
	memset(p + used, 0, pad);
	return bam_dmux_frame_size(used);
}

/* Packets per DATA frame: one, or a whole aggregate. */
static unsigned int sim_gen_per_frame(const struct sim_gen_cfg *cfg)
{
	return cfg->agg ? cfg->agg : 1;
}

static void sim_gen_work(struct work_struct *work)
{
	struct sim_modem *sim = container_of(work, struct sim_modem, gen.work);
	struct sim_gen *gen = &sim->gen;
	u64 start = ktime_get_ns();
	struct sim_rx_burst b;
	unsigned int len, k, per, n;
	u64 i = 0, loops = 0, sent = 0;
	u8 *buf, *pkt, signal;
	int ret;

	buf = kmalloc(SIM_MAX_XFER, GFP_KERNEL);
	pkt = gen->cfg.agg ? kmalloc(SIM_MAX_XFER, GFP_KERNEL) : NULL;
	if (!buf || (gen->cfg.agg && !pkt))
		goto out;
	len = sim_gen_build(&gen->cfg, gen->cfg.agg ? pkt : buf);
	per = sim_gen_per_frame(&gen->cfg);
	/* the buffer size the modem asks the host for, as the run starts */
	signal = sim_modem_data_signal(sim);

	while (i < gen->cfg.count && sim_gen_may_run(sim)) {
		/*
		 * As many frames as there are posted buffers, up to a burst,
		 * then one interrupt: what a modem's BAM does with a queue of
		 * downlink packets.
		 */
		sim_rx_burst_begin(sim, &b);
		for (k = 0; k < SIM_GEN_BURST && i < gen->cfg.count; k++) {
			n = min_t(u64, per, gen->cfg.count - i);
			if (pkt)
				len = sim_gen_build_agg(&gen->cfg, pkt, i, n,
							buf);
			else
				sim_gen_next(&gen->cfg, buf, i);
			((struct bam_dmux_hdr *)buf)->signal = signal;
			if (sim_rx_burst_put(&b, buf, len))
				break;
			i += n;
			sent += n;
		}
		sim_rx_burst_end(&b);
		if (k) {
			WRITE_ONCE(gen->sent, sent);
		} else {
			/* no buffer posted: wait for one, then refuse the frame */
			n = min_t(u64, per, gen->cfg.count - i);
			sim_gen_wait_buffer(sim);
			ret = sim_rx_send_raw(sim, buf, len, 0);
			if (ret) {
				WRITE_ONCE(gen->refused, gen->refused + n);
			} else {
				sent += n;
				WRITE_ONCE(gen->sent, sent);
			}
			i += n;
			if (ret)
				WRITE_ONCE(gen->elapsed_ns, ktime_get_ns() - start);
		}
		if (!(++loops & 15))
			WRITE_ONCE(gen->elapsed_ns, ktime_get_ns() - start);
		cond_resched();
	}
out:
	kfree(pkt);
	kfree(buf);
	WRITE_ONCE(gen->elapsed_ns, ktime_get_ns() - start);
	WRITE_ONCE(gen->state, SIM_GEN_DONE);
}

static int sim_gen_parse_addr(const char *s, u8 proto, void *addr)
{
	if (proto == 6)
		return in6_pton(s, -1, addr, -1, NULL) ? 0 : -EINVAL;
	return in4_pton(s, -1, addr, -1, NULL) ? 0 : -EINVAL;
}

/* "M[,M...]": up to SIM_GEN_MUX_MAX mux ids, taken in turn */
static int sim_gen_parse_mux(char *val, struct sim_gen_cfg *cfg)
{
	char *tok;
	int ret;

	cfg->nmux = 0;
	while ((tok = strsep(&val, ","))) {
		if (cfg->nmux == SIM_GEN_MUX_MAX)
			return -EINVAL;
		ret = kstrtou8(tok, 0, &cfg->mux[cfg->nmux++]);
		if (ret)
			return ret;
	}
	return 0;
}

static int sim_gen_parse_map(const char *val, struct sim_gen_cfg *cfg)
{
	static const char * const names[BAM_DMUX_MAP_NUM_FMT] = {
		[BAM_DMUX_MAP_V1] = "v1",
		[BAM_DMUX_MAP_V4_DL] = "v4",
		[BAM_DMUX_MAP_V5] = "v5",
	};
	int i;

	for (i = 0; i < BAM_DMUX_MAP_NUM_FMT; i++) {
		if (names[i] && !strcmp(val, names[i])) {
			cfg->map = i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * "ch=C size=S count=N [proto=4|6] [src=A dst=A] [sport=P dport=P]
 *  [agg=A [mux=M[,M...]] [map=v1|v4|v5]]"
 */
static int sim_gen_parse(char *args, struct sim_gen_cfg *cfg)
{
	char *src = NULL, *dst = NULL, *tok, *val;
	bool have_ch = false, have_size = false, have_count = false;
	unsigned int min;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->proto = 4;
	cfg->sport = 9;
	cfg->dport = 9;

	while ((tok = strsep(&args, " \t")) && !ret) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "ch")) {
			ret = kstrtou8(val, 0, &cfg->ch);
			have_ch = true;
		} else if (!strcmp(tok, "size")) {
			ret = kstrtou32(val, 0, &cfg->size);
			have_size = true;
		} else if (!strcmp(tok, "count")) {
			ret = kstrtou64(val, 0, &cfg->count);
			have_count = true;
		} else if (!strcmp(tok, "proto")) {
			ret = kstrtou8(val, 0, &cfg->proto);
		} else if (!strcmp(tok, "sport")) {
			ret = kstrtou16(val, 0, &cfg->sport);
		} else if (!strcmp(tok, "dport")) {
			ret = kstrtou16(val, 0, &cfg->dport);
		} else if (!strcmp(tok, "agg")) {
			ret = kstrtou16(val, 0, &cfg->agg);
		} else if (!strcmp(tok, "mux")) {
			ret = sim_gen_parse_mux(val, cfg);
		} else if (!strcmp(tok, "map")) {
			ret = sim_gen_parse_map(val, cfg);
		} else if (!strcmp(tok, "src")) {
			src = val;
		} else if (!strcmp(tok, "dst")) {
			dst = val;
		} else {
			return -EINVAL;
		}
	}
	if (ret)
		return ret;
	if (!have_ch || !have_size || !have_count)
		return -EINVAL;
	if (cfg->ch >= BAM_DMUX_NUM_CH ||
	    (cfg->proto != 4 && cfg->proto != 6))
		return -EINVAL;
	min = (cfg->proto == 6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
	      sizeof(struct udphdr);
	if (cfg->size < min ||
	    cfg->size > bam_dmux_max_data_size(BAM_DMUX_MAX_BUFFER_SIZE))
		return -EINVAL;
	/* an aggregate fits the largest buffer; 1 is an aggregate of one */
	if (cfg->agg && (u64)cfg->agg *
	    bam_dmux_map_frame_size(cfg->map, false, cfg->size) >
	    bam_dmux_max_data_size(BAM_DMUX_MAX_BUFFER_SIZE))
		return -EINVAL;
	if (!cfg->nmux) {
		cfg->nmux = 1;
		cfg->mux[0] = 1;
	}

	/* defaults: 10.C.0.2 -> 10.C.0.1, fd00:C::2 -> fd00:C::1 */
	if (cfg->proto == 6) {
		cfg->src.v6.s6_addr16[0] = htons(0xfd00);
		cfg->src.v6.s6_addr16[1] = htons(cfg->ch);
		cfg->dst.v6 = cfg->src.v6;
		cfg->src.v6.s6_addr[15] = 2;
		cfg->dst.v6.s6_addr[15] = 1;
	} else {
		cfg->src.v4 = htonl(0x0a000002 | cfg->ch << 16);
		cfg->dst.v4 = htonl(0x0a000001 | cfg->ch << 16);
	}
	if (src && sim_gen_parse_addr(src, cfg->proto, &cfg->src))
		return -EINVAL;
	if (dst && sim_gen_parse_addr(dst, cfg->proto, &cfg->dst))
		return -EINVAL;
	return 0;
}

int sim_gen_start(struct sim_modem *sim, const char *args)
{
	struct sim_gen *gen = &sim->gen;
	struct sim_gen_cfg cfg;
	char *copy;
	int ret;

	if (sysfs_streq(args, "stop")) {
		mutex_lock(&gen->lock);
		WRITE_ONCE(gen->stop, true);
		wake_up(&sim->rx_wq);
		flush_work(&gen->work);
		mutex_unlock(&gen->lock);
		return 0;
	}

	copy = kstrdup(args, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	ret = sim_gen_parse(strim(copy), &cfg);
	kfree(copy);
	if (ret)
		return ret;

	mutex_lock(&gen->lock);
	if (READ_ONCE(sim->stopping)) {
		ret = -ENODEV;
		goto out;
	}
	if (READ_ONCE(gen->state) == SIM_GEN_RUNNING) {
		ret = -EBUSY;
		goto out;
	}
	/* the previous run has finished: its work is idle */
	flush_work(&gen->work);

	gen->cfg = cfg;
	gen->stop = false;
	WRITE_ONCE(gen->sent, 0);
	WRITE_ONCE(gen->refused, 0);
	WRITE_ONCE(gen->elapsed_ns, 0);
	WRITE_ONCE(gen->state, SIM_GEN_RUNNING);
	/*
	 * The modem runs on the last CPU, the host's interrupt on the first:
	 * on a 2-CPU guest the two work in parallel, as on a phone, and the
	 * rate measures the host's cost per frame, not the model's.
	 */
	queue_work_on(cpumask_last(cpu_online_mask), system_long_wq, &gen->work);
out:
	mutex_unlock(&gen->lock);
	return ret;
}

void sim_gen_init(struct sim_modem *sim)
{
	INIT_WORK(&sim->gen.work, sim_gen_work);
	mutex_init(&sim->gen.lock);
	sim->gen.state = SIM_GEN_IDLE;
}

void sim_gen_stop(struct sim_modem *sim)
{
	mutex_lock(&sim->gen.lock);
	WRITE_ONCE(sim->gen.stop, true);
	wake_up(&sim->rx_wq);
	cancel_work_sync(&sim->gen.work);
	if (READ_ONCE(sim->gen.state) == SIM_GEN_RUNNING)
		WRITE_ONCE(sim->gen.state, SIM_GEN_DONE);
	mutex_unlock(&sim->gen.lock);
}
