#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# OPEN_NO_A2_PC (command 4): the modem opens a channel and disables power
# collapse. The channel opens and carries traffic, and the host holds its
# vote (no vote toggling) until the modem powers down, as downstream does.
. "$(dirname "$0")/lib.sh"
require_sim "it injects the modem's OPEN_NO_A2_PC"
bd_setup
pm_fixed_delay

ch=5
quiet_all
trap loud_all EXIT
suspended() { [ "$(rpm_status)" = suspended ]; }
active() { [ "$(rpm_status)" = active ]; }
vote_is() { [ "$(sim_get state host_vote)" = "$1" ]; }
# a detached device refuses ethtool (netif_device_present() false), whatever
# its carrier
detached() { ! ethtool -i "$(wwan_of $ch)" >/dev/null 2>&1; }

wait_for 30 suspended || fail "not suspended after idle: $(rpm_status)"
wait_for 5 vote_is 0 || fail "suspended but the modem still sees a vote"

# a previous test may have left the modem collapsed
sim_set power up
sim_set close $ch || fail "modem refused to send CLOSE"
wait_for 10 detached || fail "channel $ch not detached by CLOSE"
sim_set open_no_a2_pc $ch || fail "modem refused to send OPEN_NO_A2_PC"
wait_for 10 vote_is 1 || fail "no vote after OPEN_NO_A2_PC"
wait_for 10 active || fail "not active after OPEN_NO_A2_PC: $(rpm_status)"
if drv_counts; then
	expect_eq "rx_cmd_open_no_a2_pc" "$(drv_stat rx_cmd_open_no_a2_pc)" 1
	expect_eq "pc_hold" "$(drv_state pc_hold)" 1
fi
ping -c 3 -i 0.2 -W 5 "10.$ch.0.2" >/dev/null || fail "no traffic on the channel opened by OPEN_NO_A2_PC"
ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 "10.$ch.0.1" >/dev/null || fail "modem -> host on channel $ch"

# Idle for longer than the autosuspend delay (it adapts: 1 to 10 s, see
# autosuspend.sh), at least 3 s: a vote that toggles would show here.
acks=$(sim_get state modem_acks)
idle=$(( $(cat "$(bd_dev)/power/autosuspend_delay_ms") / 1000 + 2 ))
[ "$idle" -ge 3 ] || idle=3
t_end=$(( $(date +%s) + idle ))
while [ "$(date +%s)" -lt "$t_end" ]; do
	vote_is 1 || fail "vote withdrawn while the modem disabled power collapse"
	sleep 0.2
done
expect_eq "vote changes while held" "$(sim_get state modem_acks)" "$acks"
expect_eq "runtime PM" "$(rpm_status)" active

# A modem power-down ends the mode: the host collapses again when idle.
sim_set power down
sim_set power up
wait_for 30 suspended || fail "hold not released after the modem powered down: $(rpm_status)"
drv_counts && expect_eq "pc_hold after power-down" "$(drv_state pc_hold)" 0
wait_for 10 ping -c 1 -W 3 "10.$ch.0.2" || fail "no traffic after the hold"
exit $KSFT_PASS
