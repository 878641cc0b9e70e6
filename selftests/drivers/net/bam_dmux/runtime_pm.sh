#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runtime PM: the BAM-DMUX device suspends after the autosuspend delay of idle
# TX (1 to 10 s, autosuspend.sh), the next packet to NETIF's far end (lib.sh's
# bd_env; with the simulator: channel 3 and its modem) resumes it before it
# is sent, and the PM core counts both (runtime_suspended_time and
# runtime_active_time grow). Against the simulator, also: the modem sees the
# vote withdrawn on suspend and acknowledges the new one.
. "$(dirname "$0")/lib.sh"
bd_env 3
require_bd_netif
[ -n "$REMOTE_V4" ] || skip "needs REMOTE_V4 (a packet to it wakes the device)"

dev=$(bd_dev)
[ -r "$dev/power/runtime_status" ] || skip "no runtime PM status for $dev"
if sim_end; then
	quiet_channel "$BD_CH"
	trap 'loud_channel "$BD_CH"' EXIT
fi
suspended() { [ "$(rpm_status)" = suspended ]; }
vote_is() { [ "$(sim_get state host_vote)" = "$1" ]; }
pm_time() { cat "$dev/power/runtime_$1_time"; }
s0=$(pm_time suspended)

if ! wait_for 30 suspended; then
	sim_end && fail "not suspended after idle: $(rpm_status)"
	# a live link: something else keeps the device awake
	skip "the device did not go idle in 30 s (other traffic on the link?): $(rpm_status)"
fi
log "idle: runtime suspended"
if sim_end; then
	wait_for 5 vote_is 0 || fail "suspended but the modem still sees a vote"
	log "the modem sees the vote withdrawn"
	acks0=$(sim_get state modem_acks)
fi
a0=$(pm_time active)

ping -c 1 -W 10 "$REMOTE_V4" >/dev/null || fail "first packet after suspend lost"
log "wake on TX: packet to $REMOTE_V4 answered"
expect_ge "runtime_active_time after the wake (ms)" "$(pm_time active)" $((a0 + 1))
expect_ge "runtime_suspended_time across the idle (ms)" "$(pm_time suspended)" $((s0 + 1))
if sim_end; then
	expect_ge "modem acks" "$(sim_get state modem_acks)" $((acks0 + 1))
fi

wait_for 30 suspended || fail "did not suspend again"
exit $KSFT_PASS
