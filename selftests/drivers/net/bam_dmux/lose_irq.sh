#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Lost DMA interrupts. The BAM has one interrupt for both pipes and bam_dma
# completes descriptors only from its handler, so a lost interrupt leaves
# finished transfers silent until the next interrupt of either pipe. The
# simulator's "lose_irq N" fault loses the next N.
#  1. TX: one frame reaches the modem, its completion is lost and nothing
#     else comes: the driver's watchdog resets the pipe (tx_stall), counts
#     the frame as an error, and the host goes idle again, watchdog off.
#  2. Every interrupt lost under a stream: the ring fills, the watchdog
#     frees it each time, and every frame is accounted for.
#  3. RX: a frame from the modem waits, silent, for the next interrupt; the
#     host's next transmission brings it in.
#  4. Healthy traffic for several watchdog periods: no reset, no error.
#  5. The modem powers down, then the driver is unloaded, each during a stall.
. "$(dirname "$0")/lib.sh"
require_sim "it makes the DMA engine lose interrupts"
bd_setup
pm_fixed_delay
drv_counts || skip "needs the driver's debugfs"

ch=3
w=$(wwan_of $ch)
quiet_all
trap '[ ! -d "$SIM" ] || sim_set fault "lose_irq 0"; [ ! -d /sys/module/qcom_bam_dmux ] || loud_all' EXIT
suspended() { [ "$(rpm_status)" = suspended ]; }

sim_set power up
wait_for 30 suspended || fail "not idle before the test: $(rpm_status)"

# 1. a lost TX completion with nothing after it
stall0=$(drv_stat tx_stall)
lost0=$(sim_counter irq_lost)
err0=$(if_stat "$w" tx_errors)
sim_set fault "lose_irq 1"
udp_exchange h2m $ch 1 64 || fail "the frame did not reach the modem"
expect_eq "interrupts lost" $(( $(sim_counter irq_lost) - lost0 )) 1
# the watchdog needs two whole seconds: this is the stall, on the TX pipe
expect_eq "silent TX before the watchdog" "$(sim_get state tx_silent)" 1
wait_cond 10 '[ "$(drv_stat tx_stall)" -gt "$stall0" ]' ||
	fail "no TX watchdog reset: $(drv_state tx_in_flight) in flight, $(sim_get state tx_silent) silent"
expect_eq "watchdog resets" $(( $(drv_stat tx_stall) - stall0 )) 1
expect_eq "silent TX after the reset" "$(sim_get state tx_silent)" 0
expect_eq "in flight after the reset" "$(drv_state tx_in_flight)" 0
expect_eq "tx_errors" $(( $(if_stat "$w" tx_errors) - err0 )) 1
udp_exchange h2m $ch 100 200 || fail "no traffic after the reset"
# idle: the ring's PM reference is gone and nothing polls
wait_for 30 suspended || fail "not idle after the reset: $(rpm_status)"
wait_cond 5 '[ "$(drv_state tx_watchdog)" = 0 ]' || fail "watchdog still armed while idle"
# a window longer than two periods: an idle device is not looked at
sleep 2.5
expect_eq "watchdog armed while idle" "$(drv_state tx_watchdog)" 0
expect_eq "resets without a lost interrupt" $(( $(drv_stat tx_stall) - stall0 )) 1

# 2. every interrupt lost while 100 frames go out
stall0=$(drv_stat tx_stall)
err0=$(if_stat "$w" tx_errors)
ok0=$(if_stat "$w" tx_packets)
sim_set fault "lose_irq 1000000"
udp_exchange h2m $ch 100 200 || fail "frames lost under lost interrupts"
wait_cond 20 '[ "$(drv_state tx_in_flight)" = 0 ]' || fail "TX stuck: $(drv_state tx_in_flight) in flight"
sim_set fault "lose_irq 0"
stalls=$(( $(drv_stat tx_stall) - stall0 ))
errs=$(( $(if_stat "$w" tx_errors) - err0 ))
oks=$(( $(if_stat "$w" tx_packets) - ok0 ))
log "100 frames, every interrupt lost: $stalls resets, $errs errors, $oks completed"
# each reset frees at most a ring (32 slots)
expect_ge "resets" "$stalls" 3
expect_eq "frames accounted (completed + errors)" $((oks + errs)) 100
udp_exchange h2m $ch 100 200 || fail "no traffic after the storm"

# 3. a lost RX interrupt: the frame waits for the next interrupt
wait_for 30 suspended || fail "not idle before the RX case: $(rpm_status)"
rx0=$(if_stat "$w" rx_packets)
lost0=$(sim_counter irq_lost)
sim_set fault "lose_irq 1"
ip netns exec "$NS" dmux_udp send "10.$ch.0.1" 9 1 64 >/dev/null || fail "modem send failed"
wait_cond 10 '[ "$(sim_get state rx_silent)" = 1 ]' || fail "the modem's frame is not silent in the BAM"
expect_eq "interrupts lost" $(( $(sim_counter irq_lost) - lost0 )) 1
expect_eq "host rx before its next interrupt" $(( $(if_stat "$w" rx_packets) - rx0 )) 0
udp_exchange h2m $ch 1 64 || fail "host -> modem after the lost RX interrupt"
wait_cond 10 '[ "$(if_stat "$w" rx_packets)" -gt "$rx0" ]' || fail "the silent RX frame never came in"
expect_eq "silent RX" "$(sim_get state rx_silent)" 0

# 4. a stream for longer than two periods, nothing lost: a watchdog that
# ignored progress would reset here
stall0=$(drv_stat tx_stall)
err0=$(if_stat "$w" tx_errors)
dmux_udp send "10.$ch.0.2" 9400 100000000 1000 >/dev/null 2>&1 &
spid=$!
sleep 4
kill $spid 2>/dev/null
wait $spid 2>/dev/null
wait_cond 10 '[ "$(drv_state tx_in_flight)" = 0 ]' || fail "TX stuck after the stream"
expect_eq "resets under healthy traffic" $(( $(drv_stat tx_stall) - stall0 )) 0
expect_eq "errors under healthy traffic" $(( $(if_stat "$w" tx_errors) - err0 )) 0

# 5. the modem powers down in the middle of a stall (the power path and the
# watchdog meet on power_lock), then the driver goes with a frame silent
silent_tx() {
	sim_set fault "lose_irq 1"
	udp_exchange h2m $ch 1 64 || fail "the frame did not reach the modem"
	expect_eq "silent TX" "$(sim_get state tx_silent)" 1
}
silent_tx
sim_set power down
sim_set power up
wait_cond 10 '[ "$(drv_state tx_in_flight)" = 0 ]' || fail "TX stuck after the power cycle"
expect_eq "silent TX after the power cycle" "$(sim_get state tx_silent)" 0
wait_cond 10 'host_opened $ch' || fail "channel $ch not reopened after the power cycle"
udp_exchange h2m $ch 10 200 || fail "no traffic after the power cycle"
silent_tx
rmmod qcom_bam_dmux || fail "cannot unload the driver during a stall"
# a fresh modem for the next test: one that is up announces nothing new
rmmod bam_dmux_sim || fail "cannot unload the simulator"
exit $KSFT_PASS
