#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Other ways to attach: generic XDP still works on a channel, native and
# generic exclude each other, and the MTU stays within one buffer while a
# program is attached. Over NETIF and its far end (lib.sh's bd_env; with the
# simulator: channel 1 and its modem).
. "$(dirname "$0")/lib.sh"
xdp_test_begin 1

# generic XDP_DROP: the stack never sees the datagrams, the driver's XDP
# counters do not move (its native hook is not used)
ip link set dev "$w" xdpgeneric obj "$BD_BPF/test/xdp_drop.o" sec xdp || fail "attach generic"
ip link show "$w" | grep -q "prog/xdp\|xdpgeneric" || fail "generic program not shown"
if xdp_attach "$w" xdp_pass.o 2>/dev/null; then
	fail "native attach accepted while a generic program is attached"
fi
rx0=$(if_stat "$w" rx_packets)
u0=$(udp_in)
d0=$(eth_stat "$w" xdp_drop)
remote_send4 500 64 || fail "send"
rx_reached() { [ $(( $(if_stat "$w" rx_packets) - rx0 )) -ge 500 ]; }
wait_for 60 rx_reached || fail "frames did not reach $w"
! sim_end || expect_eq "UDP datagrams reaching the stack" $(( $(udp_in) - u0 )) 0
expect_eq "native xdp_drop delta" "$(eth_delta "$w" xdp_drop "$d0")" 0
ip link set dev "$w" xdpgeneric off
env_udp_exchange in 200 64 || fail "generic detach"

# MTU while a program is attached
xdp_attach "$w" xdp_pass.o || fail "attach pass"
ip link set "$w" mtu 2040 || fail "MTU 2040 refused with XDP (one buffer holds it)"
ip link set "$w" mtu 2041 2>/dev/null && fail "MTU 2041 accepted"
ip link set "$w" mtu 1500
xdp_detach "$w"
xdp_attach "$w" xdp_pass.o || fail "attach at MTU 1500"
xdp_detach "$w"
exit $KSFT_PASS
