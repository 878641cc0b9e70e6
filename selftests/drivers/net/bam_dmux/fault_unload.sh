#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The driver goes away under bulk traffic both ways: once with an XDP program
# attached, once with DMA preparation failures pending, once by its provider
# (the simulated modem's device) unbinding under it. Nothing oopses or leaks
# (the VM lane checks the log, and kmemleak after the suite), and the
# channels come back with working traffic each time.
. "$(dirname "$0")/lib.sh"
require_sim "fault injection: it unloads the driver under the simulator's traffic"
bd_setup

flood() {	# start bulk traffic both ways on channels 0 and 7; pids in $pids
	# before the senders start: read after, a burst that already went out
	# would never show as 50 more
	tx0=$(if_stat "$(wwan_of 0)" tx_packets)
	pids=
	for ch in 0 7; do
		ip netns exec "$NS" dmux_udp send "10.$ch.0.1" $((9500 + ch)) 3000 1400 >/dev/null 2>&1 &
		pids="$pids $!"
		dmux_udp send "10.$ch.0.2" $((9500 + ch)) 3000 1400 >/dev/null 2>&1 &
		pids="$pids $!"
	done
	wait_cond 60 '[ "$(if_stat "$(wwan_of 0)" tx_packets)" -ge $((tx0 + 50)) ]' ||
		fail "no traffic before the removal"
}
stop_flood() { kill $pids 2>/dev/null; wait $pids 2>/dev/null; }
back() {	# $1: what happened
	wait_cond 30 '[ "$(wwan_left)" = 0 ]' || fail "netdevs left after $1"
	stop_flood
}
check_traffic() {
	wait_for 60 ping -c 1 -W 2 10.0.0.2 || fail "no traffic after $1"
	udp_exchange m2h 7 200 1400 || fail "modem -> host after $1"
	log "$1: ok"
}

# 1. rmmod with XDP attached to the busy channels
have_xdp=0
# however it ends: no flood and no program left for the next test
trap 'stop_flood; for _c in 0 7; do _w=$(wwan_of $_c) && xdp_detach "$_w"; done' EXIT
if [ -f "$BD_BPF/test/xdp_pass.o" ]; then
	xdp_attach "$(wwan_of 0)" xdp_pass.o && xdp_attach "$(wwan_of 7)" xdp_pass.o && have_xdp=1
fi
flood
rmmod qcom_bam_dmux || fail "rmmod under traffic (XDP $have_xdp)"
back "rmmod with XDP"
bd_load_modules || fail "insmod"
modem_restart
bd_setup
check_traffic "rmmod under traffic with XDP=$have_xdp"

# 2. rmmod with DMA preparation failures pending (some frames fail on the way)
flood
sim_set fault "prep_fail 20"
sleep 0.2
rmmod qcom_bam_dmux || fail "rmmod under traffic with prep failures"
back "rmmod with prep failures"
sim_set fault "prep_fail 0"
bd_load_modules || fail "insmod"
modem_restart
bd_setup
check_traffic "rmmod under traffic with prep failures"

# 3. the provider unbinds under traffic: the consumer goes first (device link)
SIMDRV=/sys/bus/platform/drivers/bam-dmux-modem-sim
simdev=$(basename "$(readlink -f "$SIMDRV"/*modem-sim* 2>/dev/null | head -n 1)")
[ -n "$simdev" ] || fail "simulator device not found"
flood
echo "$simdev" > "$SIMDRV/unbind" || fail "unbind $simdev under traffic"
back "provider unbind"
echo "$simdev" > "$SIMDRV/bind" || fail "bind $simdev"
ip netns del "$NS" 2>/dev/null
bd_setup
check_traffic "provider unbind under traffic"
exit $KSFT_PASS
