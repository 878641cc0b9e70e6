#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runtime PM: the host withdraws its vote after the autosuspend delay of idle
# TX (1 to 10 s, autosuspend.sh), and the next packet votes again (modem
# acknowledges) before it is sent.
. "$(dirname "$0")/lib.sh"
bd_setup
has_sim || skip "needs the simulated modem to read the vote"

ch=3
quiet_channel $ch
suspended() { [ "$(rpm_status)" = suspended ]; }
vote_is() { [ "$(sim_get state host_vote)" = "$1" ]; }

wait_for 30 suspended || fail "not suspended after idle: $(rpm_status)"
wait_for 5 vote_is 0 || fail "suspended but the modem still sees a vote"
log "idle: runtime suspended, vote withdrawn"
acks0=$(sim_get state modem_acks)

ping -c 1 -W 10 "10.$ch.0.2" >/dev/null || fail "first packet after suspend lost"
expect_ge "modem acks" "$(sim_get state modem_acks)" $((acks0 + 1))
log "wake on TX: vote acknowledged, packet delivered"

wait_for 30 suspended || fail "did not suspend again"
loud_channel $ch
exit $KSFT_PASS
