#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# OPEN/CLOSE: the modem's CLOSE detaches the channel's netdev, its OPEN
# attaches it again; the host's up/down sends OPEN/CLOSE to the modem.
. "$(dirname "$0")/lib.sh"
require_sim "it makes the modem close and open channels"
bd_setup

ch=5
w=$(wwan_of $ch)
remote_open() { [ $(( $(drv_state remote_open) >> $1 & 1 )) = "$2" ]; }
host_closed() { ! host_opened "$1"; }

wait_for 10 host_opened $ch || fail "modem did not see OPEN for channel $ch"
ip link set "$w" down
wait_for 10 host_closed $ch || fail "modem did not see CLOSE for channel $ch"
log "host OPEN/CLOSE seen by the modem"

sim_set close $ch
wait_for 10 remote_open $ch 0 || fail "driver did not see the modem's CLOSE"
if ip link set "$w" up 2>/dev/null; then
	fail "$w came up while the modem had the channel closed"
fi
log "modem CLOSE detaches $w"

sim_set open $ch
wait_for 10 remote_open $ch 1 || fail "driver did not see the modem's OPEN"
wait_for 10 ip link set "$w" up || fail "$w did not come back up"
wait_for 10 host_opened $ch || fail "modem did not see OPEN after re-attach"
bd_addr_channel $ch
ping -c 2 -i 0.2 -W 5 "10.$ch.0.2" >/dev/null || fail "no traffic after re-open"
[ "$(wwan_of $ch)" = "$w" ] || fail "channel $ch changed its netdev"
log "modem OPEN re-attaches the same $w"
exit $KSFT_PASS
