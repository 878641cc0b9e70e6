#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# MTU limits: 68..2040 accepted, 2041 refused; full-size frames cross intact.
. "$(dirname "$0")/lib.sh"
bd_setup

ch=2
w=$(wwan_of $ch) || skip "no channel $ch"
old=$(cat "/sys/class/net/$w/mtu")
ip link set "$w" mtu 2041 2>/dev/null && fail "MTU 2041 accepted"
ip link set "$w" mtu 67 2>/dev/null && fail "MTU 67 accepted"
ip link set "$w" mtu 2040 || fail "MTU 2040 refused"
log "MTU limits hold"
if has_sim; then
	ip -n "$NS" link set "mdm$ch" mtu 2040
	ping -c 3 -W 5 -s 2012 "10.$ch.0.2" >/dev/null || fail "2040-byte IPv4 ping"
	ip netns exec "$NS" ping -c 3 -W 5 -s 2012 "10.$ch.0.1" >/dev/null ||
		fail "2040-byte IPv4 ping from the modem"
	for c in bad_len bad_pad; do
		expect_eq "modem counter $c" "$(sim_counter $c)" 0
	done
	ip -n "$NS" link set "mdm$ch" mtu 1500
fi
ip link set "$w" mtu "$old"
exit $KSFT_PASS
