#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Counted UDP both ways on one channel: every datagram arrives intact, and
# the host's counters equal the modem's.
. "$(dirname "$0")/lib.sh"
require_sim
bd_setup

ch=1
w=$(wwan_of $ch)
quiet_channel $ch
ends_mark $ch
tx0=$(if_stat "$w" tx_packets)
rx0=$(if_stat "$w" rx_packets)
mrx0=$(ns_if_stat mdm$ch rx_packets)
mtx0=$(ns_if_stat mdm$ch tx_packets)
txb0=$(if_stat "$w" tx_bytes)
mrxb0=$(ns_if_stat mdm$ch rx_bytes)
# 17: an IP packet of 45 bytes goes out with 3 bytes of padding
bytes=0
for size in 16 17 1000 1472; do
	udp_exchange h2m $ch 1000 $size || fail "host -> modem, size $size"
	udp_exchange m2h $ch 1000 $size || fail "modem -> host, size $size"
	bytes=$((bytes + 1000 * (size + 28)))
done
expect_eq "mdm$ch rx_packets delta" $(( $(ns_if_stat mdm$ch rx_packets) - mrx0 )) 4000
expect_eq "mdm$ch tx_packets delta" $(( $(ns_if_stat mdm$ch tx_packets) - mtx0 )) 4000
expect_eq "mdm$ch rx_bytes delta" $(( $(ns_if_stat mdm$ch rx_bytes) - mrxb0 )) $bytes
if drv_counts; then
	wait_for 10 ends_agree $ch || fail "host and modem counters disagree"
	expect_eq "$w tx_packets delta" $(( $(if_stat "$w" tx_packets) - tx0 )) 4000
	expect_eq "$w rx_packets delta" $(( $(if_stat "$w" rx_packets) - rx0 )) 4000
	# the IP packets, not the padding the wire adds
	expect_eq "$w tx_bytes delta" $(( $(if_stat "$w" tx_bytes) - txb0 )) $bytes
fi
for c in short bad_magic bad_cmd bad_channel bad_len bad_pad data_closed_ch; do
	expect_eq "modem counter $c" "$(sim_counter $c)" 0
done
loud_channel $ch
exit $KSFT_PASS
