#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# MTU limits: 68..2040 accepted, 2041 refused; full-size frames cross intact
# (against the simulator: a live link's path MTU is the carrier's). On NETIF
# when the environment names it (lib.sh's bd_env), else channel 2.
. "$(dirname "$0")/lib.sh"
if has_sim || bd_env_configured; then
	bd_env 2
	require_bd_netif
	ch=$BD_CH w=$NETIF
else
	bd_setup
	ch=2
	w=$(wwan_of $ch) || skip "no channel $ch"
fi
old=$(cat "/sys/class/net/$w/mtu")
ip link set "$w" mtu 2041 2>/dev/null && fail "MTU 2041 accepted"
ip link set "$w" mtu 67 2>/dev/null && fail "MTU 67 accepted"
ip link set "$w" mtu 2040 || fail "MTU 2040 refused"
log "MTU limits hold"
if sim_end; then
	ip -n "$NS" link set "mdm$ch" mtu 2040
	ping -c 3 -i 0.2 -W 5 -s 2012 "10.$ch.0.2" >/dev/null || fail "2040-byte IPv4 ping"
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 -s 2012 "10.$ch.0.1" >/dev/null ||
		fail "2040-byte IPv4 ping from the modem"
	for c in bad_len bad_pad; do
		expect_eq "modem counter $c" "$(sim_counter $c)" 0
	done
	ip -n "$NS" link set "mdm$ch" mtu 1500
else
	log "full-size frames not sent: the far end is not the simulator's"
fi
ip link set "$w" mtu "$old"
exit $KSFT_PASS
