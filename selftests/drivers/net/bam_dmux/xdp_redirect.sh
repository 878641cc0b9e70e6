#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# XDP_REDIRECT from and to BAM-DMUX channels:
#   wwan1 -> veth (Ethernet header pushed by the program)
#   veth  -> wwan0 (Ethernet stripped; the wwan's ndo_xdp_xmit) -> mdm0
#   wwan0 -> wwan1 (Raw-IP as it is) -> mdm1
#   wwan1 -> cpumap -> the stack on another CPU
#   wwan1 -> AF_XDP socket (copy mode)
. "$(dirname "$0")/lib.sh"
require_sim "it redirects to the modem's namespace ends and counts there"
require_xdp_progs
bd_setup
modprobe veth 2>/dev/null
N=500
VNS=vns

cleanup() {
	xdp_detach "$(wwan_of 0)"
	xdp_detach "$(wwan_of 1)"
	ip link del vA 2>/dev/null
	ip netns del $VNS 2>/dev/null
}
trap cleanup EXIT

# cfg PROG_IFACE MODE IFINDEX CPU DMAC(6 hex bytes): program the attached xdp_fwd
cfg() {
	_i=$3
	bpftool map update name bd_fwd_cfg key 0 0 0 0 value \
		"$2" 0 0 0 $((_i & 255)) $((_i >> 8 & 255)) 0 0 "$4" 0 0 0 $5 0 0 ||
		fail "cannot configure xdp_fwd on $1"
}
ifindex() { cat "/sys/class/net/$1/ifindex"; }
# accounted IF X0 E0 N: IF counted all N redirected frames, sent or refused
accounted() {
	[ $(( $(eth_delta "$1" xdp_xmit "$2") + $(eth_delta "$1" xdp_xmit_err "$3") )) -ge "$4" ]
}
# arrived MDM M0 X: the modem's MDM received at least X frames since M0
arrived() { [ $(( $(ns_if_stat "$1" rx_packets) - $2 )) -ge "$3" ]; }
# Frames counted as sent through ndo_xdp_xmit must reach the modem by
# themselves, within a few seconds, with no later traffic to kick the ring
# (a full ring filled by non-flushing bulks once waited for one forever).
PROMPT=10

w0=$(wwan_of 0)
w1=$(wwan_of 1)
quiet_channel 0
quiet_channel 1

ip netns add $VNS
ip link add vA type veth peer name vB
ip link set vB netns $VNS
ip link set vA up
ip -n $VNS link set lo up
ip -n $VNS addr add 10.1.0.1/24 dev vB
ip -n $VNS link set vB up
# veth takes redirected frames only with NAPI on the receiving peer; and an
# XDP frame carries no checksum offload state: vB must send full checksums
ip netns exec $VNS ethtool -K vB gro on tx off >/dev/null
vB_mac=$(ip netns exec $VNS cat /sys/class/net/vB/address | sed 's/:/ /g; s/\([0-9a-f][0-9a-f]\)/0x\1/g')

# 1. wwan1 -> veth
xdp_attach "$w1" xdp_fwd.o || fail "attach xdp_fwd to $w1"
cfg "$w1" 1 "$(ifindex vA)" 0 "$vB_mac"
r0=$(eth_stat "$w1" xdp_redirect)
out=$(mktemp)
ip netns exec $VNS dmux_udp recv 9001 $N 60000 > "$out" &
pid=$!
wait_for 10 grep -q listening "$out" || fail "receiver in $VNS"
ip netns exec "$NS" dmux_udp send 10.1.0.1 9001 $N 200 >/dev/null || fail "send"
wait $pid || fail "wwan1 -> veth: $(tail -n 1 "$out")"
log "wwan1 -> veth: $(tail -n 1 "$out")"
expect_eq "$w1 xdp_redirect delta" "$(eth_delta "$w1" xdp_redirect "$r0")" $N
xdp_detach "$w1"

# 2. veth -> wwan0 -> mdm0 (ndo_xdp_xmit)
ip link set dev vA xdpdrv obj "$BD_BPF/test/xdp_fwd.o" sec xdp || fail "attach xdp_fwd to vA"
cfg vA 3 "$(ifindex "$w0")" 0 "0 0 0 0 0 0"
# sent from the host's address of channel 0, as the modem expects it
ip -n $VNS addr add 10.0.0.1/32 dev vB
ip -n $VNS route add 10.0.0.2/32 dev vB src 10.0.0.1
ip -n $VNS neigh add 10.0.0.2 lladdr "$(cat /sys/class/net/vA/address)" dev vB
x0=$(eth_stat "$w0" xdp_xmit)
e0=$(eth_stat "$w0" xdp_xmit_err)
m0=$(ns_if_stat mdm0 rx_packets)
ip netns exec "$NS" dmux_udp recv 9000 $N 20000 > "$out" &
pid=$!
wait_for 10 grep -q listening "$out" || fail "receiver on mdm0"
ip netns exec $VNS dmux_udp send 10.0.0.2 9000 $N 300 >/dev/null || fail "send from $VNS"
wait_for 60 accounted "$w0" "$x0" "$e0" $N ||
	fail "$w0 accounted for $(eth_delta "$w0" xdp_xmit "$x0") + $(eth_delta "$w0" xdp_xmit_err "$e0") of $N"
xmit=$(eth_delta "$w0" xdp_xmit "$x0")
wait_for $PROMPT arrived mdm0 "$m0" "$xmit" ||
	fail "mdm0 got $(( $(ns_if_stat mdm0 rx_packets) - m0 )) of the $xmit frames sent, ${PROMPT}s after the last"
wait $pid
got=$(sed -n 's/^received \([0-9]*\) bad 0$/\1/p' "$out")
log "veth -> wwan0 -> mdm0: $(tail -n 1 "$out")"
# Redirected frames have no backpressure: what the shared TX ring cannot take
# (it fills while the host side resumes) is refused and counted, never lost.
xmit=$(eth_delta "$w0" xdp_xmit "$x0")
err=$(eth_delta "$w0" xdp_xmit_err "$e0")
expect_eq "frames received on mdm0" "$got" "$xmit"
expect_eq "xdp_xmit + xdp_xmit_err" $((xmit + err)) $N
# How many the ring takes depends on timing; that a share went is the
# structural part (the ring's 32 slots, emptied between bursts).
expect_ge "xdp_xmit" "$xmit" $((N / 10))
ip link set dev vA xdpdrv off

# 3. wwan0 -> wwan1 -> mdm1
xdp_attach "$w0" xdp_fwd.o || fail "attach xdp_fwd to $w0"
cfg "$w0" 0 "$(ifindex "$w1")" 0 "0 0 0 0 0 0"
m0=$(ns_if_stat mdm1 rx_packets)
x1=$(eth_stat "$w1" xdp_xmit)
e1=$(eth_stat "$w1" xdp_xmit_err)
# As in 2.: a burst of redirected frames larger than the free TX slots is
# refused and counted (the modem delivers its frames in bursts), never lost.
ip netns exec "$NS" dmux_udp send 10.0.0.1 9000 $N 100 >/dev/null || fail "send on mdm0"
wait_for 60 accounted "$w1" "$x1" "$e1" $N ||
	fail "$w1 accounted for $(eth_delta "$w1" xdp_xmit "$x1") + $(eth_delta "$w1" xdp_xmit_err "$e1") of $N"
xmit=$(eth_delta "$w1" xdp_xmit "$x1")
wait_for $PROMPT arrived mdm1 "$m0" "$xmit" ||
	fail "wwan0 -> wwan1: mdm1 got $(( $(ns_if_stat mdm1 rx_packets) - m0 )) of the $xmit frames sent, ${PROMPT}s after the last"
err=$(eth_delta "$w1" xdp_xmit_err "$e1")
expect_eq "mdm1 rx_packets delta" $(( $(ns_if_stat mdm1 rx_packets) - m0 )) "$xmit"
expect_eq "$w1 xdp_xmit + xdp_xmit_err" $((xmit + err)) $N
expect_ge "$w1 xdp_xmit" "$xmit" $((N / 10))
xdp_detach "$w0"

# 4. wwan1 -> cpumap (CPU 1) -> the stack
xdp_attach "$w1" xdp_fwd.o || fail "attach xdp_fwd to $w1"
# queue size 2048: room for the whole burst, the kthread may lag on TCG
bpftool map update name bd_cpumap key 1 0 0 0 value 0 8 0 0 0 0 0 0 || fail "cpumap entry"
cfg "$w1" 2 0 1 "0 0 0 0 0 0"
r0=$(eth_stat "$w1" xdp_redirect)
udp_exchange m2h 1 $N 200 || fail "wwan1 -> cpumap -> stack"
expect_eq "$w1 xdp_redirect delta" "$(eth_delta "$w1" xdp_redirect "$r0")" $N

# 5. wwan1 -> AF_XDP
# Fewer frames than the socket's fill ring (256): the kernel drops what
# finds the ring empty, and a receiver that a loaded machine does not
# schedule in time would refill it late (seen: "received 256" of 500).
NX=200
cfg "$w1" 4 0 0 "0 0 0 0 0 0"
dmux_xsk "$w1" $NX 60000 > "$out" &
pid=$!
wait_for 10 grep -q listening "$out" || fail "AF_XDP socket did not start: $(cat "$out")"
ip netns exec "$NS" dmux_udp send 10.1.0.1 9001 $NX 200 >/dev/null || fail "send"
wait $pid || fail "wwan1 -> AF_XDP: $(tail -n 1 "$out")"
log "wwan1 -> AF_XDP: $(tail -n 1 "$out")"
xdp_detach "$w1"
rm -f "$out"
loud_channel 0
loud_channel 1
exit $KSFT_PASS
