#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# TX backpressure: a burst while the host side is suspended and the modem
# acknowledges slowly fills the shared ring; the queues stop, wake again,
# and not one datagram is lost.
. "$(dirname "$0")/lib.sh"
require_sim "it slows the modem's acknowledgements"
bd_setup

ch=1
quiet_channel $ch
ends_mark $ch
suspended() { [ "$(rpm_status)" = suspended ]; }
full0=$(drv_stat tx_ring_full)

sim_set ack_delay_ms 300
wait_for 30 suspended || fail "device did not runtime-suspend (status $(rpm_status))"
udp_exchange h2m $ch 800 1200
rc=$?
sim_set ack_delay_ms 0
[ $rc = 0 ] || fail "datagrams lost under backpressure"
expect_ge "tx_ring_full events" $(( $(drv_stat tx_ring_full) - full0 )) 1
wait_for 10 ends_agree $ch || fail "host and modem counters disagree"
loud_channel $ch
exit $KSFT_PASS
