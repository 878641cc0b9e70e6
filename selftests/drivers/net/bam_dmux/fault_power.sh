#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The modem powers down in the middle of bulk transfers both ways (several
# channels at once, full-size datagrams): in-flight TX frames are dropped and
# counted, RX stops, no DMA reaches a powered-down modem, and after the
# power-up every channel carries traffic again, counted the same at both ends.
. "$(dirname "$0")/lib.sh"
require_sim "fault injection: the modem powers down mid-transfer"
bd_setup

modem_is() { [ "$(drv_state modem_up)" = "$1" ]; }
down0=$(drv_stat modem_down)
dmad0=$(sim_counter dma_while_down)
msgs0=$(dmesg | grep -c -e "dropped [0-9]* TX frames" -e "TX did not complete")

cycles=$(bd_cycles 3)
for i in $(seq "$cycles"); do
	pids=
	for ch in 1 6; do
		ip netns exec "$NS" dmux_udp send "10.$ch.0.1" $((9400 + ch)) 3000 1400 >/dev/null 2>&1 &
		pids="$pids $!"
		dmux_udp send "10.$ch.0.2" $((9400 + ch)) 3000 1400 >/dev/null 2>&1 &
		pids="$pids $!"
	done
	# let the transfers get going, then pull the plug under them
	sleep 0.3
	sim_set power down
	wait_for 10 modem_is 0 || fail "driver did not follow the power-down ($i)"
	expect_eq "RX buffers posted while down ($i)" "$(drv_state rx_posted)" 0
	sleep 0.5
	sim_set power up
	wait_for 10 modem_is 1 || fail "driver did not follow the power-up ($i)"
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
done

expect_eq "modem_down events" $(( $(drv_stat modem_down) - down0 )) "$cycles"
expect_eq "DMA while the modem was down" $(( $(sim_counter dma_while_down) - dmad0 )) 0
log "TX drop messages: $(( $(dmesg | grep -c -e "dropped [0-9]* TX frames" -e "TX did not complete") - msgs0 ))"
for ch in 1 6; do
	wait_for 20 ping -c 1 -W 2 "10.$ch.0.2" || fail "no traffic on channel $ch after the power cycles"
	quiet_channel $ch
	ends_mark $ch
	udp_exchange h2m $ch 300 1400 || fail "host -> modem on channel $ch after the power cycles"
	udp_exchange m2h $ch 300 1400 || fail "modem -> host on channel $ch after the power cycles"
	wait_for 10 ends_agree $ch || fail "channel $ch: host and modem counters disagree"
	loud_channel $ch
done
exit $KSFT_PASS
