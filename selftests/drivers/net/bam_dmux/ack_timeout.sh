#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A modem that never acknowledges the host's vote: the driver gives up with a
# clear error and counts it; once the modem answers again, traffic recovers.
. "$(dirname "$0")/lib.sh"
require_sim "it makes the modem withhold its acknowledgement"
bd_setup

ch=3
quiet_channel $ch
suspended() { [ "$(rpm_status)" = suspended ]; }
to0=$(drv_stat ack_timeout)

wait_for 30 suspended || fail "not suspended: $(rpm_status)"
sim_set ack_delay_ms -1
ping -c 1 -W 6 "10.$ch.0.2" >/dev/null 2>&1 && fail "packet sent without an acknowledged vote"
wait_cond 20 '[ "$(drv_stat ack_timeout)" -gt "$to0" ]' || fail "ack timeout not counted"
dmesg | grep -q "did not acknowledge power-up vote" || fail "no clear error in the kernel log"
log "timeout reported: $(dmesg | grep 'did not acknowledge' | tail -n 1)"

sim_set ack_delay_ms 0
wait_for 30 ping -c 1 -W 3 "10.$ch.0.2" || fail "no recovery after the modem acknowledged again"
log "recovered"
loud_channel $ch
exit $KSFT_PASS
