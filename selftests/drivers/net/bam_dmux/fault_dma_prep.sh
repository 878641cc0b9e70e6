#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DMA descriptor preparation failures (the simulator's "fault" file makes the
# next N dmaengine_prep_slave_* calls fail): RX refills and TX frames that
# cannot be prepared are counted (rx_prep_fail, tx_prep_fail), TX ones with a
# clear message; the RX ring is refilled later, and traffic flows again.
. "$(dirname "$0")/lib.sh"
require_sim "fault injection: DMA preparation failures"
bd_setup
[ -f "$SIM/fault" ] || skip "simulator without a fault file"

ch=5
w=$(wwan_of $ch)
quiet_channel $ch
prep_left() { sim_get fault prep_fail; }
fails() { echo $(( $(drv_stat rx_prep_fail) + $(drv_stat tx_prep_fail) )); }

# RX: the modem sends, the host's refills fail (the ring has room to spare)
rx0=$(drv_stat rx_prep_fail)
f0=$(fails)
sim_set fault "prep_fail 4"
out=$(mktemp)
dmux_udp recv 9300 200 20000 > "$out" &
rp=$!
wait_for 10 grep -q listening "$out" || fail "receiver did not start"
ip netns exec "$NS" dmux_udp send "10.$ch.0.1" 9300 200 1000 >/dev/null
wait $rp
log "during RX prep failures: $(tail -n 1 "$out")"
wait_cond 10 '[ "$(prep_left)" = 0 ]' || fail "injected failures not consumed: $(prep_left) left"
expect_eq "prep failures counted" $(( $(fails) - f0 )) 4
expect_ge "rx_prep_fail delta" $(( $(drv_stat rx_prep_fail) - rx0 )) 1

# TX: the host sends, frames whose descriptor cannot be prepared are dropped
tx0=$(drv_stat tx_prep_fail)
f0=$(fails)
n0=$(dmesg | grep -c "Failed to prepare TX DMA")
sim_set fault "prep_fail 3"
ip netns exec "$NS" dmux_udp recv 9301 100 5000 > "$out" &
rp=$!
wait_for 10 grep -q listening "$out" || fail "receiver did not start"
dmux_udp send "10.$ch.0.2" 9301 100 1000 >/dev/null
wait $rp
log "during TX prep failures: $(tail -n 1 "$out")"
rm -f "$out"
wait_cond 10 '[ "$(prep_left)" = 0 ]' || fail "injected failures not consumed: $(prep_left) left"
expect_eq "prep failures counted" $(( $(fails) - f0 )) 3
expect_ge "tx_prep_fail delta" $(( $(drv_stat tx_prep_fail) - tx0 )) 1
test "$(dmesg | grep -c "Failed to prepare TX DMA")" -gt "$n0" || fail "no clear TX error message"

# recovery: the RX ring is full again and nothing is lost any more
wait_cond 10 '[ "$(drv_state rx_posted)" -gt 0 ]' || fail "RX ring not refilled"
udp_exchange m2h $ch 500 1000 || fail "modem -> host after prep failures"
udp_exchange h2m $ch 500 1000 || fail "host -> modem after prep failures"
loud_channel $ch
exit $KSFT_PASS
