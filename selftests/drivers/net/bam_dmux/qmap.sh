#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# QMAP mode (docs/qmap.md): a channel configured for MAP aggregates
# (ethtool private flag "qmap") deaggregates the modem's DATA frames; each MAP
# frame is counted, runs through XDP on its own (the verdict for one frame
# leaves the others of its aggregate alone) and passes as an ETH_P_MAP skb
# for rmnet. Malformed frames are counted by class. Unconfigured, the same
# bytes are Raw-IP frames: the mode is never guessed. With rmnet (lts guest),
# traffic goes both ways through rmnet links on both ends of the channel.
. "$(dirname "$0")/lib.sh"
require_sim "it injects QMAP aggregates from the modem"
require_root
require_xdp_progs

bd_setup
w=$(wwan_of 0) || fail "no netdev for channel 0"
w1=$(wwan_of 1) || fail "no netdev for channel 1"
quiet_channel 0
quiet_channel 1

AGG=8
# packets per generator run: 100 aggregates of 8 (CI's quick runs: 30)
N=$(( $(bd_cycles 100 30) * AGG ))
NFULL=$N
SIZE=200

load_rmnet
rmnet=$BD_RMNET loaded=$BD_RMNET_LOADED
if [ "$rmnet" = 0 ]; then
	log "no rmnet (make rmnet, CONFIG_RMNET): driver counters only"
fi

cleanup() {
	sim_set gen stop 2>/dev/null
	xdp_detach "$w" 2>/dev/null
	ip link del rmnet_data1 2>/dev/null
	ip link del rmnet_data2 2>/dev/null
	ip -n "$NS" link del rmnet_m1 2>/dev/null
	ip -n "$NS" link del rmnet_m2 2>/dev/null
	ethtool --set-priv-flags "$w" qmap off qmap-csum-v4 off qmap-csum-v5 off 2>/dev/null
	ethtool --set-priv-flags "$w1" qmap off 2>/dev/null
}
trap cleanup EXIT

flags() { ethtool --set-priv-flags "$w" "$@" || fail "ethtool --set-priv-flags $w $*"; }
gen_done() { grep -q "^state done" "$SIM/gen"; }
# gen ARGS...: the modem sends $N packets on channel 0, ARGS added; N is then
# what it sent. It refuses a whole aggregate only when the host has posted no
# RX buffer for 200 ms (a loaded machine), counted; the checks count what went.
gen() {
	_req=$N
	sim_set gen "ch=0 size=$SIZE count=$_req src=10.8.1.2 dst=10.8.1.1 $*" ||
		fail "generator refused: $*"
	wait_for 120 gen_done || fail "generator: $(tr '\n' ' ' < "$SIM/gen")"
	N=$(sim_get gen sent)
	expect_eq "generator sent + refused ($*)" $((N + $(sim_get gen refused))) "$_req"
	[ "$N" = "$_req" ] || log "the modem refused $((_req - N)) (no RX buffer in time): $N sent"
	[ "$N" -ge $((_req / 2)) ] || fail "generator: only $N of $_req sent"
}
# mark / delta NAME: a counter's growth since mark (ethtool -S of $w, or
# the driver's debugfs for rx_map_*)
mark() {
	# shellcheck disable=SC2046
	set -- $(eth_vals "$w" rx_packets rx_errors)
	M_rx=$1 M_err=$2
	M_aggr=$(drv_stat rx_map_aggr)
	M_r1=$(r_stat rmnet_data1) M_r2=$(r_stat rmnet_data2)
}
# eth_vals IF KEY...: the ethtool -S values of the KEYs, in order, one call
# (a process costs a lot under TCG, more on the debug kernel)
eth_vals() {
	_ev_if=$1
	shift
	ethtool -S "$_ev_if" | awk -v keys="$*" '
		BEGIN { n = split(keys, k, " ") }
		{ sub(/^ */, ""); split($0, f, ": *"); v[f[1]] = f[2] }
		END { for (i = 1; i <= n; i++) printf "%s ", v[k[i]]; print "" }'
}
r_stat() { [ "$rmnet" = 0 ] || [ ! -e "/sys/class/net/$1" ] && echo 0 || if_stat "$1" rx_packets; }
# r_expect WHAT DEV BASE N: DEV's rx_packets grows by exactly N. rmnet counts
# a frame when GRO hands it up (a batch, or the end of the poll), after the
# driver's counters: wait for it first.
r_expect() {
	wait_cond 10 "[ \$(( \$(r_stat $2) - $3 )) -ge $4 ]" || true
	expect_eq "$1" $(( $(r_stat "$2") - $3 )) "$4"
}
# UDP datagrams with a bad checksum (Udp: InCsumErrors)
udp_csum_err() { awk '/^Udp:/ { if (h) { print $8; exit } h = 1 }' /proc/net/snmp; }
rx_reached() { [ "$(eth_stat "$w" rx_packets)" -ge "$1" ]; }

expect_eq "private flags offered" \
	"$(ethtool --show-priv-flags "$w" | grep -c '^qmap')" 3
ethtool --show-priv-flags "$w" | grep -q '^qmap *: off' || fail "qmap on by default"
if ethtool --set-priv-flags "$w" qmap-csum-v4 on qmap-csum-v5 on 2>/dev/null; then
	fail "MAPv4 and MAPv5 at once accepted"
fi

# 1. Not configured: an aggregate is one Raw-IP frame, whatever its bytes.
N=16
mark
gen agg=$AGG
wait_for 10 rx_reached $((M_rx + N / AGG)) || fail "Raw-IP: $(eth_stat "$w" rx_packets) of $((M_rx + N / AGG))"
expect_eq "Raw-IP: rx_packets delta" $(( $(eth_stat "$w" rx_packets) - M_rx )) $((N / AGG))
expect_eq "Raw-IP: rx_map_aggr delta" $(( $(drv_stat rx_map_aggr) - M_aggr )) 0
N=$NFULL

if [ "$rmnet" = 1 ]; then
	ip link add link "$w" name rmnet_data1 type rmnet mux_id 1 || fail "rmnet_data1"
	ip link add link "$w" name rmnet_data2 type rmnet mux_id 2 || fail "rmnet_data2"
	ip -n "$NS" link add link mdm0 name rmnet_m1 type rmnet mux_id 1 || fail "rmnet_m1"
	ip -n "$NS" link add link mdm0 name rmnet_m2 type rmnet mux_id 2 || fail "rmnet_m2"
	for m in 1 2; do
		# nothing but the test's traffic: no IPv6 chatter on the links
		sysctl -qw "net.ipv6.conf.rmnet_data$m.disable_ipv6=1"
		ip netns exec "$NS" sysctl -qw "net.ipv6.conf.rmnet_m$m.disable_ipv6=1"
		ip addr add "10.8.$m.1" peer "10.8.$m.2" dev "rmnet_data$m" || fail "address rmnet_data$m"
		ip link set "rmnet_data$m" up || fail "rmnet_data$m up"
		ip -n "$NS" addr add "10.8.$m.2" peer "10.8.$m.1" dev "rmnet_m$m" || fail "address rmnet_m$m"
		ip -n "$NS" link set "rmnet_m$m" up || fail "rmnet_m$m up"
	done
fi

# 2. QMAP (MAPv1): aggregates of 8 frames, mux ids 1 and 2 in turn:
# every frame counted and handed up, each mux to its rmnet link.
flags qmap on
mark
u0=$(udp_in) c0=$(udp_csum_err)
gen agg=$AGG mux=1,2
wait_for 30 rx_reached $((M_rx + N)) || fail "QMAP: rx_packets $(( $(eth_stat "$w" rx_packets) - M_rx )) of $N"
expect_eq "QMAP: rx_packets delta" $(( $(eth_stat "$w" rx_packets) - M_rx )) $N
expect_eq "QMAP: rx_map_aggr delta" $(( $(drv_stat rx_map_aggr) - M_aggr )) $((N / AGG))
expect_eq "QMAP: rx_errors delta" $(( $(eth_stat "$w" rx_errors) - M_err )) 0
if [ "$rmnet" = 1 ]; then
	r_expect "rmnet_data1 rx_packets delta" rmnet_data1 "$M_r1" $((N / 2))
	r_expect "rmnet_data2 rx_packets delta" rmnet_data2 "$M_r2" $((N / 2))
	# mux 1's datagrams reached UDP with their checksums intact (mux 2's
	# too where rp_filter lets a datagram for rmnet_data1's address in)
	wait_cond 10 '[ $(( $(udp_in) - u0 )) -ge $((N / 2)) ]' ||
		fail "UDP saw $(( $(udp_in) - u0 )) of the $((N / 2)) datagrams of mux 1"
	expect_eq "UDP checksum errors" $(( $(udp_csum_err) - c0 )) 0

	# both ways through rmnet: ping and datagrams, on each mux
	for m in 1 2; do
		ping -c 3 -i 0.2 -W 5 "10.8.$m.2" >/dev/null || fail "ping host -> modem over mux $m"
		ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 "10.8.$m.1" >/dev/null ||
			fail "ping modem -> host over mux $m"
	done
	out=$(mktemp)
	ip netns exec "$NS" dmux_udp recv 9001 200 60000 > "$out" &
	pid=$!
	wait_for 10 grep -q listening "$out" || fail "receiver did not start"
	dmux_udp send 10.8.1.2 9001 200 1000 >/dev/null || fail "send over rmnet_data1"
	wait "$pid" || fail "host -> modem over rmnet: $(tail -n 1 "$out")"
	log "host -> modem over rmnet_data1: $(tail -n 1 "$out")"
	rm -f "$out"
fi

# 3. XDP on every frame: mux 2 gets the verdict, mux 1 always passes.
xdp_attach "$w" xdp_qmap.o || fail "attach xdp_qmap"
# act MUX ACTION+1 [IFINDEX]
act() {
	bpftool map update name bd_qmap_act key "$1" 0 0 0 value "$2" 0 0 0 ||
		fail "bd_qmap_act[$1]"
}
redirect_to() {
	_i=$(cat "/sys/class/net/$1/ifindex")
	bpftool map update name bd_qmap_act key 0 1 0 0 value $((_i & 255)) $((_i >> 8 & 255)) 0 0 ||
		fail "bd_qmap_act[256]"
}
x_mark() {
	mark
	# shellcheck disable=SC2046
	set -- $(eth_vals "$w" xdp_pass xdp_drop xdp_tx xdp_tx_err xdp_aborted xdp_redirect \
		xdp_redirect_err)
	X_pass=$1 X_drop=$2 X_tx=$3 X_txe=$4 X_ab=$5 X_r=$6 X_re=$7
	X_m1=$(ns_if_stat mdm1 rx_packets)
	# shellcheck disable=SC2046
	set -- $(eth_vals "$w1" xdp_xmit xdp_xmit_err)
	X_x1=$1 X_xe1=$2
}
# x_run NAME: the generator's run, then mux 1's half passed intact
x_run() {
	x_mark
	gen agg=$AGG mux=1,2
	wait_for 30 rx_reached $((M_rx + N)) || fail "$1: rx_packets $(( $(eth_stat "$w" rx_packets) - M_rx )) of $N"
	expect_eq "$1: xdp_pass delta" $(( $(eth_stat "$w" xdp_pass) - X_pass )) $((N / 2))
	[ "$rmnet" = 0 ] || r_expect "$1: rmnet_data1 rx_packets delta" rmnet_data1 "$M_r1" $((N / 2))
}

act 2 $((1 + 1))		# XDP_DROP
x_run drop
expect_eq "drop: xdp_drop delta" $(( $(eth_stat "$w" xdp_drop) - X_drop )) $((N / 2))
[ "$rmnet" = 0 ] || expect_eq "drop: rmnet_data2 rx_packets delta" $(( $(r_stat rmnet_data2) - M_r2 )) 0

act 2 $((0 + 1))		# XDP_ABORTED
x_run aborted
expect_eq "aborted: xdp_aborted delta" $(( $(eth_stat "$w" xdp_aborted) - X_ab )) $((N / 2))

# XDP_TX: mux 2's frames go back to the modem as MAP frames on channel 0.
# What the TX ring refuses in a burst is counted, never lost. With rmnet on
# the modem's end they are counted on its mux 2 link: mdm0 also carries the
# host's ICMP errors for the generator's datagrams (over mux 1).
tx_far() {
	if [ "$rmnet" = 1 ]; then
		ip netns exec "$NS" cat /sys/class/net/rmnet_m2/statistics/rx_packets
	else
		ns_if_stat mdm0 rx_packets
	fi
}
tx_accounted() { [ $(( $(eth_stat "$w" xdp_tx) - X_tx + $(eth_stat "$w" xdp_tx_err) - X_txe )) -ge $((N / 2)) ]; }
far_got() { [ $(( $(tx_far) - F0 )) -ge "$1" ]; }
act 2 $((3 + 1))		# XDP_TX
F0=$(tx_far)
x_run tx
wait_for 10 tx_accounted || fail "tx: xdp_tx + xdp_tx_err short of $((N / 2))"
sent=$(( $(eth_stat "$w" xdp_tx) - X_tx ))
expect_ge "tx: xdp_tx delta" "$sent" 1
wait_for 30 far_got "$sent" || fail "tx: the modem got $(( $(tx_far) - F0 )) of $sent"
expect_eq "tx: frames the modem got" $(( $(tx_far) - F0 )) "$sent"

# XDP_REDIRECT: mux 2's frames to channel 1 through its ndo_xdp_xmit.
# A Raw-IP channel refuses them (not IP packets); a QMAP one sends them.
x1_accounted() { [ $(( $(eth_stat "$w1" xdp_xmit) - X_x1 + $(eth_stat "$w1" xdp_xmit_err) - X_xe1 )) -ge $((N / 2)) ]; }
m1_got() { [ $(( $(ns_if_stat mdm1 rx_packets) - X_m1 )) -ge "$1" ]; }
redirect_to "$w1"
act 2 $((4 + 1))		# XDP_REDIRECT
x_run "redirect to Raw-IP"
wait_for 10 x1_accounted || fail "redirect: $w1 xdp_xmit + xdp_xmit_err short of $((N / 2))"
expect_eq "redirect to Raw-IP: $w1 xdp_xmit delta" $(( $(eth_stat "$w1" xdp_xmit) - X_x1 )) 0
expect_eq "redirect to Raw-IP: mdm1 rx_packets delta" $(( $(ns_if_stat mdm1 rx_packets) - X_m1 )) 0
ethtool --set-priv-flags "$w1" qmap on || fail "qmap on $w1"
x_run redirect
expect_eq "redirect: xdp_redirect + xdp_redirect_err delta" \
	$(( $(eth_stat "$w" xdp_redirect) - X_r + $(eth_stat "$w" xdp_redirect_err) - X_re )) $((N / 2))
wait_for 10 x1_accounted || fail "redirect: $w1 xdp_xmit + xdp_xmit_err short of $((N / 2))"
sent=$(( $(eth_stat "$w1" xdp_xmit) - X_x1 ))
expect_ge "redirect: $w1 xdp_xmit delta" "$sent" 1
wait_for 30 m1_got "$sent" || fail "redirect: mdm1 got $(( $(ns_if_stat mdm1 rx_packets) - X_m1 )) of $sent"
expect_eq "redirect: mdm1 rx_packets delta" $(( $(ns_if_stat mdm1 rx_packets) - X_m1 )) "$sent"
act 2 0
xdp_detach "$w"
ethtool --set-priv-flags "$w1" qmap off || fail "qmap off $w1"

# 4. Malformed frames (one aggregate each, 28-byte IPv4 packets, mux 1).
# A skip error drops its frame and the walk goes on; a stop error ends
# the walk: what follows it is lost with it and not counted (docs/qmap.md).
# IPv4 header checksum 0: the stack drops it after rmnet counted it, so
# nothing answers (an ICMP error would add traffic to the counts).
P="45 00 00 1c 00 00 00 00 40 11 00 00 0a 08 01 02 0a 08 01 01 00 09 00 09 00 08 00 00"
# map_case NAME PACKETS ERRORS CLASS DMUX_LEN FRAMES...
map_case() {
	_n=$1 _p=$2 _e=$3 _c=$4 _l=$5
	shift 5
	mark
	_c0=$(drv_stat "rx_map_$_c")
	# shellcheck disable=SC2086
	sim_inject fc 33 00 00 00 00 "$_l" 00 "$@"
	wait_cond 10 '[ "$(drv_stat rx_map_aggr)" -gt "$M_aggr" ]' || fail "$_n: not walked"
	expect_eq "$_n: rx_packets delta" $(( $(eth_stat "$w" rx_packets) - M_rx )) "$_p"
	expect_eq "$_n: rx_errors delta" $(( $(eth_stat "$w" rx_errors) - M_err )) "$_e"
	expect_eq "$_n: rx_map_$_c delta" $(( $(drv_stat "rx_map_$_c") - _c0 )) 1
	[ "$rmnet" = 0 ] || r_expect "$_n: rmnet_data1 rx_packets delta" rmnet_data1 "$M_r1" "$_p"
}
# shellcheck disable=SC2086
{
# good, mux 255 (skip), good, truncated (stop): 2 delivered, 2 errors
map_case "skip then stop" 2 2 bad_mux 80 \
	00 01 00 1c $P  00 ff 00 1c $P  00 01 00 1c $P  00 01 00 40 $P
# good, pad >= pkt_len (skip), good
map_case "bad pad" 2 1 bad_pad 60 \
	00 01 00 1c $P  1c 01 00 1c $P  00 01 00 1c $P
# good, zero length (stop), good: the third is lost with the stop
map_case "zero fill" 1 1 zero_len 60 \
	00 01 00 1c $P  00 01 00 00 $P  00 01 00 1c $P
# two bytes after a good frame: no room for a header
map_case "short tail" 1 1 short 22 \
	00 01 00 1c $P  00 01
# a command shorter than its fixed part (skip), then a good frame
map_case "short command" 1 1 bad_cmd 28 \
	80 01 00 04 01 00 00 00  00 01 00 1c $P
}

# 5. MAPv4 (DL trailer) and MAPv5 (checksum header), and a format mismatch,
# which stops each aggregate at its first frame.
flags qmap on qmap-csum-v4 on
mark
gen agg=$AGG map=v4
wait_for 30 rx_reached $((M_rx + N)) || fail "MAPv4: rx_packets $(( $(eth_stat "$w" rx_packets) - M_rx )) of $N"
expect_eq "MAPv4: rx_errors delta" $(( $(eth_stat "$w" rx_errors) - M_err )) 0
# shellcheck disable=SC2086
# a good MAPv4 frame (zero trailer), then one whose trailer is missing
map_case "MAPv4 trailer missing" 1 1 short_trailer 48 \
	00 01 00 1c $P 00 00 00 00 00 00 00 00  00 01 00 1c $P
flags qmap on qmap-csum-v4 off qmap-csum-v5 on
mark
gen agg=$AGG map=v5
wait_for 30 rx_reached $((M_rx + N)) || fail "MAPv5: rx_packets $(( $(eth_stat "$w" rx_packets) - M_rx )) of $N"
expect_eq "MAPv5: rx_errors delta" $(( $(eth_stat "$w" rx_errors) - M_err )) 0
# shellcheck disable=SC2086
# a good MAPv5 frame (checksum header type 2), then one of header type 0
map_case "MAPv5 unknown next header" 1 1 bad_csum_hdr 48 \
	40 01 00 1c 04 00 00 00 $P  40 01 00 1c 00 00 00 00 $P
mark
c0=$(drv_stat rx_map_no_csum_hdr)
gen agg=$AGG map=v1
wait_cond 30 '[ $(( $(drv_stat rx_map_aggr) - M_aggr )) -ge $((N / AGG)) ]' || fail "mismatch: not walked"
expect_eq "mismatch: rx_map_no_csum_hdr delta" $(( $(drv_stat rx_map_no_csum_hdr) - c0 )) $((N / AGG))
expect_eq "mismatch: rx_packets delta" $(( $(eth_stat "$w" rx_packets) - M_rx )) 0

# 6. Off again, rmnet gone: Raw-IP traffic as before.
flags qmap off qmap-csum-v5 off
if [ "$rmnet" = 1 ]; then
	for m in 1 2; do
		ip link del "rmnet_data$m" || fail "ip link del rmnet_data$m"
		ip -n "$NS" link del "rmnet_m$m" || fail "ip link del rmnet_m$m"
	done
	if [ "$loaded" = 1 ]; then
		rmmod rmnet || fail "rmmod rmnet"
	fi
fi
loud_channel 0 || fail "cannot address channel 0"
ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 10.0.0.1 >/dev/null || fail "Raw-IP on $w after QMAP"
exit $KSFT_PASS
