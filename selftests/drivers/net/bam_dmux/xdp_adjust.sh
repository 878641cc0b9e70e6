#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bpf_xdp_adjust_head and bpf_xdp_adjust_tail on the RX ring: the headroom
# and tailroom the driver reserves are there, and what the program writes
# (grown payload, fixed lengths and checksums) reaches the socket intact:
# datagrams from NETIF's far end (lib.sh's bd_env; with the simulator:
# channel 1's modem), their size and content checked by the receiver here.
. "$(dirname "$0")/lib.sh"
xdp_test_begin 1
a0=$(eth_stat "$w" xdp_aborted)

for prog in xdp_head16.o xdp_head200.o xdp_tail_grow4.o xdp_tail_shrink4.o; do
	xdp_attach "$w" $prog || fail "attach $prog"
	for size in 16 1000 1460; do
		env_udp_exchange in 300 $size || fail "$prog, size $size"
	done
	log "$prog: datagrams intact"
done
xdp_detach "$w"
expect_eq "xdp_aborted delta" "$(eth_delta "$w" xdp_aborted "$a0")" 0
exit $KSFT_PASS
