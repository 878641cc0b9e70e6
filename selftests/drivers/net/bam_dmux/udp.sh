#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Counted UDP (IPv4) both ways over NETIF (the environment, lib.sh's bd_env;
# with the simulator: channel 1 and its modem): every datagram arrives
# intact; against the simulator, the host's counters equal the modem's.
. "$(dirname "$0")/lib.sh"
bd_env 1

[ -n "$REMOTE_V4" ] || skip "needs REMOTE_V4 (net.config or the environment)"
has_remote || skip "needs a command at the remote end (dmux_udp): set REMOTE_TYPE and REMOTE_ARGS"
[ -n "$LOCAL_V4" ] || skip "needs LOCAL_V4 (net.config or the environment)"
w=$NETIF
if sim_end; then
	# The simulator's end is quiet and counts exactly: nothing but the
	# test's own traffic on either side.
	ch=$BD_CH
	m=mdm$ch
	quiet_channel $ch
	ends_mark $ch
	mrx0=$(ns_if_stat $m rx_packets)
	mtx0=$(ns_if_stat $m tx_packets)
	mrxb0=$(ns_if_stat $m rx_bytes)
	cmp=expect_eq
else
	# A real link carries other traffic too: at least what the test sent
	cmp=expect_ge
fi
tx0=$(if_stat "$w" tx_packets)
rx0=$(if_stat "$w" rx_packets)
txb0=$(if_stat "$w" tx_bytes)
# 17: an IP packet of 45 bytes goes out with 3 bytes of padding
bytes=0
for size in 16 17 1000 1472; do
	env_udp_exchange out 1000 $size || fail "host -> remote, size $size"
	env_udp_exchange in 1000 $size || fail "remote -> host, size $size"
	bytes=$((bytes + 1000 * (size + 28)))
done
if sim_end; then
	expect_eq "$m rx_packets delta" $(( $(ns_if_stat $m rx_packets) - mrx0 )) 4000
	expect_eq "$m tx_packets delta" $(( $(ns_if_stat $m tx_packets) - mtx0 )) 4000
	expect_eq "$m rx_bytes delta" $(( $(ns_if_stat $m rx_bytes) - mrxb0 )) $bytes
fi
if drv_counts; then
	if sim_end; then
		wait_for 10 ends_agree $ch || fail "host and modem counters disagree"
	fi
	$cmp "$w tx_packets delta" $(( $(if_stat "$w" tx_packets) - tx0 )) 4000
	$cmp "$w rx_packets delta" $(( $(if_stat "$w" rx_packets) - rx0 )) 4000
	# the IP packets, not the padding the wire adds
	$cmp "$w tx_bytes delta" $(( $(if_stat "$w" tx_bytes) - txb0 )) $bytes
fi
if sim_end; then
	for c in short bad_magic bad_cmd bad_channel bad_len bad_pad data_closed_ch; do
		expect_eq "modem counter $c" "$(sim_counter $c)" 0
	done
	loud_channel $ch
fi
exit $KSFT_PASS
