#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The modem powers down under traffic and up again: RX stops and restarts,
# the power-down is acknowledged, nothing leaks, traffic resumes.
. "$(dirname "$0")/lib.sh"
require_sim "it powers the modem down and up"
bd_setup

ch=4
modem_is() { [ "$(drv_state modem_up)" = "$1" ]; }
down0=$(drv_stat modem_down)
dmad0=$(sim_counter dma_while_down)
up0=$(drv_stat modem_up)

# pings both ways for as long as the cycles last (however many: make soak)
ip netns exec "$NS" ping -i 0.01 -W 1 "10.$ch.0.1" >/dev/null 2>&1 &
pa=$!
ping -i 0.01 -W 1 "10.$ch.0.2" >/dev/null 2>&1 &
pb=$!
# a failure must not leave them running under the next tests
trap 'kill $pa $pb 2>/dev/null' EXIT

cycles=$(bd_cycles 3)
for i in $(seq "$cycles"); do
	sim_set power down
	wait_for 10 modem_is 0 || fail "driver did not follow the power-down ($i)"
	expect_eq "RX buffers posted while down" "$(drv_state rx_posted)" 0
	sim_set power up
	wait_for 10 modem_is 1 || fail "driver did not follow the power-up ($i)"
done
kill $pa $pb 2>/dev/null
wait $pa $pb 2>/dev/null
trap - EXIT

expect_eq "modem_down events" $(( $(drv_stat modem_down) - down0 )) "$cycles"
expect_eq "modem_up events" $(( $(drv_stat modem_up) - up0 )) "$cycles"
expect_eq "DMA while the modem was down" $(( $(sim_counter dma_while_down) - dmad0 )) 0
wait_for 20 ping -c 1 -W 2 "10.$ch.0.2" || fail "no traffic after power cycles"
ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 "10.$ch.0.1" >/dev/null || fail "modem -> host after power cycles"
exit $KSFT_PASS
