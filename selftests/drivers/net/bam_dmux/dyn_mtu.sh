#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dynamic MTU (downstream's negotiation in the OPEN signal), UL side:
#  1. legacy firmware: signal 0 both ways, max_mtu 2040, exactly as mainline;
#  2. firmware that announces dynamic MTU with 8 KiB UL buffers: our OPEN
#     answers with our pool and DL size (32 x 2 KiB: signal 0x02), max_mtu
#     follows the UL size and a 7000-byte datagram goes as one DATA frame;
#  3. back to legacy firmware (a modem restarted with other firmware): the
#     MTU comes back down to 2040 and traffic flows.
# Mainline's driver (mainline:dyn_mtu.sh) ignores the signal: recorded.
. "$(dirname "$0")/lib.sh"
require_sim
bd_setup

ch=4
w=$(wwan_of $ch)
quiet_channel $ch
trap 'sim_set fw legacy; ip link set dev "$w" mtu 1500 2>/dev/null' EXIT
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
expect_eq "host OPEN signal (32 buffers of 2 KiB)" "$(sim_get state host_open_signal)" 0x02
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
# DL stays at 2 KiB buffers: the other way as before
udp_exchange m2h $ch 20 1400 || fail "modem -> host with dynamic MTU"

# 3. the modem comes back with legacy firmware
modem_reboot legacy
expect_eq "host OPEN signal, legacy again" "$(sim_get state host_open_signal)" 0x00
expect_eq "driver's ul_mtu, legacy again" "$(drv_state ul_mtu)" 2040
expect_eq "max_mtu, legacy again" "$(maxmtu)" 2040
expect_eq "MTU lowered to the UL size" "$(mtu)" 2040
udp_exchange h2m $ch 20 1400 || fail "traffic after the return to legacy firmware"
exit $KSFT_PASS
