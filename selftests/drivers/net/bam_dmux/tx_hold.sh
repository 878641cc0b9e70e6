#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A slow peer: the modem reads no UL frame for a while (radio congestion),
# then all of them (the simulator's "tx_hold MS" fault). The TX watchdog
# (docs/architecture.md) takes two whole periods without a completion for a
# stall:
#  1. a hold shorter than one period: every frame arrives late, no reset,
#     no error;
#  2. a hold longer than two periods: the watchdog resets the pipe once,
#     counts what it held as errors (tx_stall, tx_errors), and once the
#     modem reads again traffic flows; every frame is accounted for.
. "$(dirname "$0")/lib.sh"
require_sim "it makes the modem stop reading UL frames"
bd_setup
drv_counts || skip "needs the driver's debugfs"

ch=4
w=$(wwan_of $ch)
# Every channel quiet: the TX ring and its watchdog are shared, and another
# channel's IPv6 chatter held behind the 8 s hold is a stall of its own (a
# second reset: seen on a loaded machine).
quiet_all
trap '[ ! -d "$SIM" ] || sim_set fault "tx_hold 0"; [ ! -d /sys/module/qcom_bam_dmux ] || loud_all' EXIT
held() { [ "$(sim_get fault tx_hold_ms)" -gt 0 ]; }
m_rx() { ns_if_stat "mdm$ch" rx_packets; }

# 1. 800 ms: slower than a healthy modem, faster than a stall
stall0=$(drv_stat tx_stall) err0=$(if_stat "$w" tx_errors)
tx0=$(if_stat "$w" tx_packets) rx0=$(m_rx)
sim_set fault "tx_hold 800"
udp_exchange h2m $ch 20 200 || fail "frames lost behind a short hold"
expect_eq "hold over" "$(sim_get fault tx_hold_ms)" 0
expect_eq "watchdog resets (short hold)" $(( $(drv_stat tx_stall) - stall0 )) 0
expect_eq "tx_errors (short hold)" $(( $(if_stat "$w" tx_errors) - err0 )) 0
expect_eq "tx_packets (short hold)" $(( $(if_stat "$w" tx_packets) - tx0 )) 20
expect_eq "mdm$ch rx_packets (short hold)" $(( $(m_rx) - rx0 )) 20

# 2. 8 s: the watchdog gives up on what the modem holds after 2-3 s
stall0=$(drv_stat tx_stall) err0=$(if_stat "$w" tx_errors)
tx0=$(if_stat "$w" tx_packets) rx0=$(m_rx)
sim_set fault "tx_hold 8000"
dmux_udp send "10.$ch.0.2" 9000 10 200 >/dev/null || fail "send"
wait_cond 10 '[ "$(drv_stat tx_stall)" -gt "$stall0" ]' ||
	fail "no reset under an 8 s hold: $(drv_state tx_in_flight) in flight"
held || fail "the reset came after the hold (not a stall)"
expect_eq "watchdog resets (long hold)" $(( $(drv_stat tx_stall) - stall0 )) 1
errs=$(( $(if_stat "$w" tx_errors) - err0 ))
sent=$(( $(if_stat "$w" tx_packets) - tx0 ))
expect_eq "tx_packets + tx_errors (long hold)" $((sent + errs)) 10
expect_ge "tx_errors (long hold)" "$errs" 1
held_over() { ! held; }
wait_for 10 held_over || fail "the hold did not end"
# what the modem read before the reset, if anything, and nothing after
expect_eq "mdm$ch rx_packets (long hold)" $(( $(m_rx) - rx0 )) "$sent"
udp_exchange h2m $ch 20 200 || fail "no traffic after the hold"
expect_eq "watchdog resets after the hold" $(( $(drv_stat tx_stall) - stall0 )) 1
exit $KSFT_PASS
