#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# IPv4 and IPv6 ping, host to modem and modem to host, on channel 0.
. "$(dirname "$0")/lib.sh"
require_sim
bd_setup

w=$(wwan_of 0)
tx0=$(if_stat "$w" tx_packets)
rx0=$(if_stat "$w" rx_packets)
mrx0=$(ns_if_stat mdm0 rx_packets)
mtx0=$(ns_if_stat mdm0 tx_packets)
ping -c 5 -W 5 10.0.0.2 >/dev/null || fail "IPv4 host -> modem"
ping -6 -c 5 -W 5 fd00:0::2 >/dev/null || fail "IPv6 host -> modem"
ip netns exec "$NS" ping -c 5 -W 5 10.0.0.1 >/dev/null || fail "IPv4 modem -> host"
ip netns exec "$NS" ping -6 -c 5 -W 5 fd00:0::1 >/dev/null || fail "IPv6 modem -> host"
expect_ge "mdm0 rx_packets delta" $(( $(ns_if_stat mdm0 rx_packets) - mrx0 )) 20
expect_ge "mdm0 tx_packets delta" $(( $(ns_if_stat mdm0 tx_packets) - mtx0 )) 20
if drv_counts; then
	expect_ge "$w tx_packets delta" $(( $(if_stat "$w" tx_packets) - tx0 )) 20
	expect_ge "$w rx_packets delta" $(( $(if_stat "$w" rx_packets) - rx0 )) 20
fi
exit $KSFT_PASS
