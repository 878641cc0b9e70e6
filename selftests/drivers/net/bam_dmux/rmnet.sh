#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# rmnet on top of the driver: the kernel's QMAP demultiplexer loads (in the
# lts guest /opt/bam-dmux/rmnet/rmnet.ko, built by make rmnet: Debian's 6.12
# has no CONFIG_RMNET), takes channel 0's Raw-IP netdev as its real device for
# a mux_id 1 link, which comes up, goes down and is deleted; the wwan netdev
# is ours again afterwards and rmnet unloads cleanly (if it is a module).
# Traffic through rmnet is qmap.sh's and qmap_fw.sh's (docs/qmap.md).
. "$(dirname "$0")/lib.sh"
require_sim "it pings from the modem's namespace and takes channel 0 down"
require_root

R=rmnet_data1
load_rmnet
[ "$BD_RMNET" = 1 ] ||
	skip "no rmnet: no rmnet.ko (make rmnet; lts guest only) and no CONFIG_RMNET in $(uname -r)"
log "rmnet: $([ "$BD_RMNET_LOADED" = 1 ] && echo loaded || echo already in the kernel)"
# a module (not built in) that nothing holds: this test unloads it at the end
modular=0
[ ! -r /sys/module/rmnet/refcnt ] || modular=1

bd_setup
w=$(wwan_of 0) || fail "no netdev for channel 0"
# No IPv6 chatter on channel 0 while rmnet holds it: its RX handler takes
# every frame the modem sends for a QMAP aggregate.
quiet_channel 0
trap 'ip link del "$R" 2>/dev/null' EXIT

ip link add link "$w" name "$R" type rmnet mux_id 1 || fail "ip link add $R on $w"
r=/sys/class/net/$R
[ -d "$r" ] || fail "no $r"
[ -e "$r/lower_$w" ] || fail "$R is not stacked on $w (no lower_$w)"
[ -e "/sys/class/net/$w/upper_$R" ] || fail "$w has no upper $R"
ip -d link show "$R" | grep -q "rmnet mux_id 1" || fail "$R: $(ip -d link show "$R")"
expect_eq "$R type (ARPHRD_RAWIP)" "$(cat "$r/type")" 519
# rmnet leaves room for the 4-byte MAP header (no checksum offload flags)
expect_eq "$R mtu" "$(cat "$r/mtu")" $(( $(cat "/sys/class/net/$w/mtu") - 4 ))
if ip link add link "$w" name rmnet_data2 type rmnet mux_id 1 2>/dev/null; then
	ip link del rmnet_data2
	fail "a second link with mux_id 1 on $w was accepted"
fi
log "a second mux_id 1 on $w refused"

ip link set "$R" up || fail "ip link set $R up"
[ $(( $(cat "$r/flags") & 0x1 )) = 1 ] || fail "$R not IFF_UP ($(cat "$r/flags"))"
log "$R up: $(ip -br link show "$R")"
ip link set "$R" down || fail "ip link set $R down"
[ $(( $(cat "$r/flags") & 0x1 )) = 0 ] || fail "$R still IFF_UP ($(cat "$r/flags"))"
ip link del "$R" || fail "ip link del $R"
trap - EXIT
[ ! -e "$r" ] || fail "$R still there after ip link del"
[ ! -e "/sys/class/net/$w/upper_$R" ] || fail "$w still has upper $R"
expect_eq "channel 0 netdev after rmnet" "$(wwan_of 0)" "$w"
# rmnet let go of the device (its RX handler would take these replies)
ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 10.0.0.1 >/dev/null || fail "IPv4 modem -> host on $w after rmnet"
loud_channel 0 || fail "cannot address channel 0"

if [ "$modular" = 1 ]; then
	expect_eq "rmnet refcnt" "$(cat /sys/module/rmnet/refcnt)" 0
	rmmod rmnet || fail "rmmod rmnet"
	[ ! -d /sys/module/rmnet ] || fail "rmnet still loaded"
	log "rmnet unloaded"
fi
[ ! -e "$r" ] || fail "$R back"
exit $KSFT_PASS
