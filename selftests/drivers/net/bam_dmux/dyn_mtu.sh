#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dynamic MTU (downstream's negotiation in the OPEN signal):
#  1. legacy firmware: signal 0 both ways, max_mtu 2040, exactly as mainline;
#  2. firmware that announces dynamic MTU with 8 KiB UL buffers: our OPEN
#     answers with our pool and DL size (32 x 16 KiB: signal 0xc2), max_mtu
#     follows the UL size and a 7000-byte datagram goes as one DATA frame;
#     the modem's DATA frames switch the host's buffers between 2 KiB and
#     16 KiB (six switches, each under traffic into a ring of both sizes),
#     and 12000-byte datagrams come in as one frame each, through XDP too;
#  3. back to legacy firmware (a modem restarted with other firmware): the
#     MTU comes back down to 2040, buffers to 2 KiB, and traffic flows.
# Mainline's driver (mainline:dyn_mtu.sh) ignores the signal: recorded.
. "$(dirname "$0")/lib.sh"
require_sim "it sets the modem's dynamic-MTU firmware behaviour"
bd_setup

ch=4
w=$(wwan_of $ch)
quiet_channel $ch
trap 'sim_set fw legacy; sim_set dl_large 0; xdp_detach "$w"; ip link set dev "$w" mtu 1500 2>/dev/null; ip -n "$NS" link set dev "mdm$ch" mtu 1500' EXIT
maxmtu() { ip -d link show dev "$w" | sed -n 's/.* maxmtu \([0-9]*\).*/\1/p'; }
mtu() { cat "/sys/class/net/$w/mtu"; }

# Power the modem down and up with firmware $1: it re-announces every
# channel, and our driver answers each OPEN with its own (mainline's does
# not: it never re-opens a channel the modem announces again).
modem_reboot() {
	_oc=$(sim_counter open_cmds)
	sim_set fw "$1"
	sim_set power down
	sim_set power up
	drv_counts || return 0
	wait_cond 20 "[ \"\$(sim_counter open_cmds)\" -ge $((_oc + 8)) ]" ||
		fail "the host did not answer the modem's OPENs ($1)"
}

# 1. legacy
expect_eq "firmware" "$(cat $SIM/fw)" legacy
expect_eq "max_mtu, legacy" "$(maxmtu)" 2040
expect_eq "host OPEN signal, legacy" "$(sim_get state host_open_signal)" 0x00
drv_counts && expect_eq "driver's ul_mtu, legacy" "$(drv_state ul_mtu)" 2040

# 2. dynamic MTU, 8 KiB UL
sim_set ul_size 8192
modem_reboot dynamic-mtu
expect_eq "modem's UL payload limit" "$(sim_get state ul_max)" 8184
if ! drv_counts; then
	# mainline's driver: signal ignored, 2 KiB frames only
	expect_eq "mainline: host OPEN signal" "$(sim_get state host_open_signal)" 0x00
	expect_eq "mainline: max_mtu" "$(maxmtu)" 2040
	udp_exchange h2m $ch 20 1400 || fail "mainline: traffic to a dynamic-MTU modem"
	modem_reboot legacy
	exit $KSFT_PASS
fi
expect_eq "host OPEN signal (32 buffers of 16 KiB)" "$(sim_get state host_open_signal)" 0xc2
expect_eq "driver's dl_size" "$(drv_state dl_size)" 16384
expect_eq "driver's dyn_mtu" "$(drv_state dyn_mtu)" 1
expect_eq "driver's ul_mtu" "$(drv_state ul_mtu)" 8184
expect_eq "max_mtu" "$(maxmtu)" 8184
ip link set dev "$w" mtu 8184 || fail "cannot raise the MTU to the UL size"
ip link set dev "$w" mtu 8185 2>/dev/null && fail "an MTU above the UL size was accepted"
ip link set dev "$w" mtu 8000 || fail "cannot set MTU 8000"
f0=$(sim_counter tx_frames)
b0=$(sim_counter tx_bytes)
bad0=$(sim_counter bad_len)
udp_exchange h2m $ch 20 7000 || fail "7000-byte datagrams to the modem"
expect_eq "DATA frames (one per datagram)" $(( $(sim_counter tx_frames) - f0 )) 20
expect_eq "DATA bytes" $(( $(sim_counter tx_bytes) - b0 )) $((20 * 7028))
expect_eq "frames the modem refused" $(( $(sim_counter bad_len) - bad0 )) 0
udp_exchange m2h $ch 20 1400 || fail "modem -> host with dynamic MTU"

# the modem's DATA frames switch the size of the buffers the host posts;
# every burst lands in a ring that still holds buffers of the other size
sw0=$(drv_stat rx_size_switch)
big0=$(sim_counter rx_too_big)
badlen0=$(drv_stat rx_bad_len)
for large in 1 0 1 0 1 0; do
	sim_set dl_large $large
	udp_exchange m2h $ch 200 1000 || fail "modem -> host after a switch to dl_large $large"
	expect_eq "host posts large buffers" "$(drv_state rx_large)" $large
done
expect_eq "size switches" $(( $(drv_stat rx_size_switch) - sw0 )) 6

# 16 KiB buffers once every 2 KiB one is used: 12000-byte datagrams
sim_set dl_large 1
udp_exchange m2h $ch 40 200 || fail "modem -> host, small frames into the switch"
ip -n "$NS" link set dev "mdm$ch" mtu 16000 || fail "mdm$ch mtu 16000"
rx0=$(if_stat "$w" rx_packets)
rxb0=$(if_stat "$w" rx_bytes)
udp_exchange m2h $ch 20 12000 || fail "12000-byte datagrams to the host"
expect_eq "frames (one per datagram)" $(( $(if_stat "$w" rx_packets) - rx0 )) 20
expect_eq "bytes" $(( $(if_stat "$w" rx_bytes) - rxb0 )) $((20 * 12028))
if [ -f "$BD_BPF/test/xdp_pass.o" ]; then
	p0=$(eth_stat "$w" xdp_pass)
	xdp_attach "$w" xdp_pass.o || fail "cannot attach xdp_pass"
	udp_exchange m2h $ch 20 12000 || fail "12000-byte datagrams through XDP_PASS"
	expect_eq "xdp_pass of large frames" $(( $(eth_stat "$w" xdp_pass) - p0 )) 20
	xdp_detach "$w"
fi
expect_eq "frames too big for the host's buffer" $(( $(sim_counter rx_too_big) - big0 )) 0
expect_eq "host: bad_len" $(( $(drv_stat rx_bad_len) - badlen0 )) 0
sim_set dl_large 0
udp_exchange m2h $ch 40 200 || fail "modem -> host back to 2 KiB buffers"
ip -n "$NS" link set dev "mdm$ch" mtu 1500

# 3. the modem comes back with legacy firmware
modem_reboot legacy
expect_eq "host OPEN signal, legacy again" "$(sim_get state host_open_signal)" 0x00
expect_eq "driver's ul_mtu, legacy again" "$(drv_state ul_mtu)" 2040
expect_eq "max_mtu, legacy again" "$(maxmtu)" 2040
expect_eq "MTU lowered to the UL size" "$(mtu)" 2040
expect_eq "host posts large buffers, legacy again" "$(drv_state rx_large)" 0
udp_exchange h2m $ch 20 1400 || fail "traffic after the return to legacy firmware"
exit $KSFT_PASS
