#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The user view ModemManager relies on: one Raw-IP wwan netdev per channel,
# dev_port = channel, point-to-point without ARP, MTU 1500 up to 2040.
. "$(dirname "$0")/lib.sh"
bd_setup

n=0
for ch in 0 1 2 3 4 5 6 7; do
	w=$(wwan_of "$ch") || continue
	n=$((n + 1))
	sys=/sys/class/net/$w
	case $w in wwan*) ;; *) fail "channel $ch is '$w', not wwan%d" ;; esac
	expect_eq "$w type (ARPHRD_RAWIP)" "$(cat "$sys/type")" 519
	flags=$(cat "$sys/flags")
	[ $((flags & 0x10)) != 0 ] || fail "$w lacks IFF_POINTOPOINT ($flags)"
	[ $((flags & 0x80)) != 0 ] || fail "$w lacks IFF_NOARP ($flags)"
	grep -qx DEVTYPE=wwan "$sys/uevent" || fail "$w devtype is not wwan"
	ip -d link show "$w" | grep -q "maxmtu 2040" || fail "$w max MTU is not 2040"
	ethtool -i "$w" | grep -qx "driver: qcom_bam_dmux" || fail "$w driver name"
	expect_eq "$w addr_assign_type (random)" "$(cat "$sys/addr_assign_type")" 1
	if has_sim; then
		expect_eq "$w mtu" "$(cat "$sys/mtu")" 1500
	fi
done
[ "$n" -gt 0 ] || fail "no channel"
has_sim && expect_eq "channels" "$n" 8
exit $KSFT_PASS
