#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`, run in the guest: the simulated modem comes up, the driver
# binds through the devicetree, an XDP program goes on wwan0 with `ip link`,
# traffic crosses the channel both ways and dmux-stat shows what it counted.
. /opt/bam-dmux/selftests/drivers/net/bam_dmux/lib.sh
STAT=$BD_BIN/dmux-stat

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1. Modules: the simulated modem (DMA engine, SMSM, interrupts) and the driver"
bd_setup
run ip -br link show type ""
dmesg | grep -i "bam" | tail -n 3

step "2. What ModemManager sees: Raw-IP wwan netdevs, one per BAM-DMUX channel"
run ip -d link show wwan0
run ethtool -i wwan0

step "3. An XDP program on wwan0, loaded by iproute2 (native mode)"
run ip link set dev wwan0 xdp obj "$BD_BPF/dmux.bpf.o" sec xdp
run "$STAT" config wwan0 --channel 0 --policy allow
run ip link show wwan0

step "4. Traffic: ping both ways, then 5000 UDP frames from the modem's generator"
run ping -c 3 -W 5 10.0.0.2
run ip netns exec "$NS" ping -c 3 -W 5 10.0.0.1
sim_set gen "ch=0 size=200 count=5000"
wait_cond 120 '[ "$(sim_get gen state)" = done ]'
printf 'generator: sent %s, refused %s, %s ns\n' "$(sim_get gen sent)" \
	"$(sim_get gen refused)" "$(sim_get gen elapsed_ns)"

step "5. dmux-stat: the program's per-channel counters next to the driver's"
run "$STAT"

step "6. A rule: drop UDP from the modem's 10.0.0.0/24 on wwan0, then 1000 more frames"
run "$STAT" rule add src 10.0.0.0/24 proto udp drop
sim_set gen "ch=0 size=200 count=1000"
wait_cond 120 '[ "$(sim_get gen state)" = done ]'
run "$STAT" rule list
run "$STAT" -i wwan0

step "7. The same as JSON (-j -p) and as Prometheus text"
"$STAT" -j -p -i wwan0 | head -n 30
"$STAT" --prometheus -i wwan0 | grep -v '^#' | head -n 12

step "8. The driver's own counters"
run ethtool -S wwan0

"$STAT" rule del all >/dev/null
ip link set dev wwan0 xdp off
echo
echo "demo done"
