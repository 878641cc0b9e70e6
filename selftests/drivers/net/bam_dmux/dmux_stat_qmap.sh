#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dmux.bpf on a QMAP channel (docs/bpf.md, "QMAP mode"): the driver runs it
# once per MAP frame of an aggregate; dmux-stat takes the mode from the
# driver's ethtool private flags. Aggregates of 8 frames for mux ids 1 and 2
# with a rule dropping mux 2: per-mux counters exact (packets, bytes, drops),
# rule hits, the driver's xdp_pass/xdp_drop agree. Then the driver's mode
# changes under the program: until `dmux-stat refresh` every frame is dropped
# as malformed (fail closed), shown as stale; after it, counted exactly again
# (MAPv5), and back to Raw-IP. A mode given by hand against the driver's is
# refused. Exit 0 pass, 1 fail, 4 skip.
. "$(dirname "$0")/lib.sh"
require_sim "it injects QMAP aggregates from the modem"
require_root
STAT=${DMUX_STAT:-$BD_BIN/dmux-stat}
[ -x "$STAT" ] || skip "no $STAT"
[ -f "$BD_BPF/dmux.bpf.o" ] || skip "no $BD_BPF/dmux.bpf.o"
grep -q " /sys/fs/bpf bpf " /proc/mounts || mount -t bpf bpf /sys/fs/bpf || skip "no bpffs"
bd_setup

ch=0
w=$(wwan_of $ch) || fail "no netdev for channel $ch"
quiet_channel $ch
ethtool --show-priv-flags "$w" 2>/dev/null | grep -q '^qmap ' || skip "$w has no qmap private flag"
N=800 AGG=8 SIZE=200

cleanup() {
	sim_set gen stop 2>/dev/null
	"$STAT" rule del all >/dev/null 2>&1
	"$STAT" detach "$w" >/dev/null 2>&1
	ethtool --set-priv-flags "$w" qmap off qmap-csum-v4 off qmap-csum-v5 off 2>/dev/null
}
trap cleanup EXIT

flags() { ethtool --set-priv-flags "$w" "$@" || fail "ethtool --set-priv-flags $w $*"; }
gen_done() { grep -q "^state done" "$SIM/gen"; }
# gen COUNT ARGS...: the modem sends COUNT UDP packets of IP size SIZE on ch;
# S = how many it sent, H = half of them (mux 1's, and mux 2's: an aggregate
# of 8 holds 4 of each, and the modem refuses whole aggregates). It refuses
# a frame only when the host has posted no RX buffer for 200 ms (the debug
# kernel under load): counted then against what was sent, exactly.
gen() {
	_n=$1
	shift
	sim_set gen "ch=$ch size=$SIZE count=$_n $*" || fail "generator refused: $*"
	wait_for 120 gen_done || fail "generator: $(tr '\n' ' ' < "$SIM/gen")"
	S=$(sim_get gen sent) H=$(( $(sim_get gen sent) / 2 ))
	expect_eq "generator sent + refused ($*)" $((S + $(sim_get gen refused))) "$_n"
	[ "$S" = "$_n" ] || log "the modem refused $((_n - S)) (no RX buffer in time): $S sent"
	[ "$S" -ge $((_n / 2)) ] || fail "generator: only $S of $_n sent"
}
js() { "$STAT" -j -i "$w"; }
# snap: one `dmux-stat -j` into J, which the readers below parse
snap() { J=$(js); }
# chan: "PACKETS BYTES" of the channel's total
chan() { echo "$J" | sed -n 's/.*"counters":{"total":{"packets":\([0-9]*\),"bytes":\([0-9]*\)}.*/\1 \2/p'; }
# shellcheck disable=SC2046 # words wanted
chan_pkts() { set -- $(chan); echo "${1:-0}"; }
chan_reached() { snap; [ "$(chan_pkts)" -ge "$1" ]; }
fmt_pkts() { echo "$J" | sed -n 's/.*"qmap_fmt":{"packets":\([0-9]*\),.*/\1/p'; }
mal_total() {
	echo "$J" | sed -n 's/.*"malformed":{\("qmap_trunc".*"qmap_fmt":{[^}]*}\)}.*/\1/p' |
		tr ',' '\n' | sed -n 's/.*"packets":\([0-9]*\)/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}
# mux M: "TOTAL_PACKETS TOTAL_BYTES DROPPED_PACKETS DROPPED_BYTES PASS_PACKETS"
# of mux id M's row (zeros before it has one)
mux() {
	_r=$(echo "$J" | sed -n "s/.*{\"mux_id\":$1,\"total\":{\"packets\":\([0-9]*\),\"bytes\":\([0-9]*\)},\"dropped\":{\"packets\":\([0-9]*\),\"bytes\":\([0-9]*\)},\"verdict\":{\"pass\":{\"packets\":\([0-9]*\),.*/\1 \2 \3 \4 \5/p")
	echo "${_r:-0 0 0 0 0}"
}
# mark, then (after a snap) delta_is NAME MUX "TOTAL BYTES DROPPED DROPPED_BYTES PASS"
# shellcheck disable=SC2034 # M1, M2: read by delta_is through eval
mark() {
	snap
	M1=$(mux 1) M2=$(mux 2) MC=$(chan_pkts) MF=$(fmt_pkts)
	MXP=$(eth_stat "$w" xdp_pass) MXD=$(eth_stat "$w" xdp_drop)
}
delta_is() {
	_m=
	eval "_m=\$M$2"
	# shellcheck disable=SC2046,SC2086 # words wanted
	set -- "$1" "$2" "$3" $_m $(mux "$2")
	_d="$(( $9 - $4 )) $(( ${10} - $5 )) $(( ${11} - $6 )) $(( ${12} - $7 )) $(( ${13} - $8 ))"
	expect_eq "$1: mux $2 delta (packets bytes dropped dropped_bytes pass)" "$_d" "$3"
}
# xdp_delta_is NAME PASS DROP: the driver's counters (committed once per
# aggregate, after the program ran on its frames)
xdp_delta_is() {
	wait_cond 10 "[ \$(( \$(eth_stat $w xdp_pass) - MXP + \$(eth_stat $w xdp_drop) - MXD )) -ge $(($2 + $3)) ]"
	expect_eq "$1: xdp_pass delta" $(( $(eth_stat "$w" xdp_pass) - MXP )) "$2"
	expect_eq "$1: xdp_drop delta" $(( $(eth_stat "$w" xdp_drop) - MXD )) "$3"
}
field_is() { snap; echo "$J" | grep -q "\"$1\":$2" || fail "show -j: want \"$1\":$2 in $J"; }

flags qmap off qmap-csum-v4 off qmap-csum-v5 off
flags qmap on
"$STAT" rule del all >/dev/null 2>&1
"$STAT" attach "$w" --mode native --policy allow --channel $ch ||
	fail "dmux-stat attach"
field_is qmap '"v1"'
field_is qmap_source '"driver"'
field_is qmap_driver '"v1"'
field_is qmap_stale false
"$STAT" rule add mux 2 drop || fail "rule add mux 2 drop"
# the native attach rebuilt the RX ring: let the driver post it again
wait_cond 30 '[ "$(drv_state rx_posted)" -gt 0 ]' || fail "RX ring not refilled after attach"

# 1. MAPv1 aggregates of 8, mux 1 and 2 in turn: 400 frames each, 204 bytes
# (4-byte MAP header, 200-byte packet, no padding); mux 2 dropped by the rule.
F=$((4 + SIZE))
mark
gen $N agg=$AGG mux=1,2
wait_for 30 chan_reached $((MC + S)) || fail "MAPv1: $(( $(chan_pkts) - MC )) of $S frames counted"
expect_eq "MAPv1: channel total delta" $(( $(chan_pkts) - MC )) $S
delta_is MAPv1 1 "$H $((H * F)) 0 0 $H"
delta_is MAPv1 2 "$H $((H * F)) $H $((H * F)) 0"
expect_eq "MAPv1: malformed" "$(mal_total)" 0
"$STAT" rule list -j | grep -q "\"hits\":$H," || fail "rule hits: $("$STAT" rule list)"
drv_counts && xdp_delta_is MAPv1 $H $H
"$STAT" -i "$w" > /tmp/dsq.txt
grep -Eq "^  mux 1 +$H " /tmp/dsq.txt && grep -Eq "^  mux 2 +$H " /tmp/dsq.txt ||
	fail "table: no mux rows of $H: $(cat /tmp/dsq.txt)"
log "MAPv1: mux 1 passed $H, mux 2 dropped $H ($((H * F)) bytes each)"

# 2. The driver switches to MAPv5 and dmux-stat has not refreshed: the
# program (MAPv1) drops every frame as qmap_fmt, mux 1's too; stale is shown.
K=80
flags qmap on qmap-csum-v5 on
field_is qmap_stale true
field_is qmap_driver '"v5"'
"$STAT" -i "$w" | grep -q "v1!" || fail "table: stale mode not marked: $("$STAT" -i "$w")"
"$STAT" --prometheus -i "$w" |
	grep -qx "dmux_qmap_stale{interface=\"$w\",channel=\"$ch\",qmap=\"v1\",driver=\"v5\"} 1" ||
	fail "prometheus: no dmux_qmap_stale 1"
F5=$((8 + SIZE))
mark
gen $K agg=$AGG mux=1,2 map=v5
wait_for 30 chan_reached $((MC + S)) || fail "stale: $(( $(chan_pkts) - MC )) of $S frames counted"
expect_eq "stale: qmap_fmt delta" $(( $(fmt_pkts) - MF )) $S
delta_is stale 1 "$H $((H * F5)) $H $((H * F5)) 0"
delta_is stale 2 "$H $((H * F5)) $H $((H * F5)) 0"
drv_counts && xdp_delta_is stale 0 $S
log "stale mode (program v1, driver v5): all $S frames dropped as qmap_fmt"

# 3. refresh: the program follows the driver (MAPv5, 208-byte frames).
"$STAT" refresh "$w" | grep -q "qmap v1 -> v5" || fail "refresh: $("$STAT" refresh "$w")"
field_is qmap '"v5"'
field_is qmap_stale false
mark
gen $K agg=$AGG mux=1,2 map=v5
wait_for 30 chan_reached $((MC + S)) || fail "MAPv5: $(( $(chan_pkts) - MC )) of $S frames counted"
delta_is MAPv5 1 "$H $((H * F5)) 0 0 $H"
delta_is MAPv5 2 "$H $((H * F5)) $H $((H * F5)) 0"
expect_eq "MAPv5: qmap_fmt delta" $(( $(fmt_pkts) - MF )) 0
drv_counts && xdp_delta_is MAPv5 $H $H
log "after refresh (MAPv5): mux 1 passed $H, mux 2 dropped $H"

# 4. Back to Raw-IP in the driver: the MAPv5 program drops the IP packets
# until the refresh; then they pass (a mux rule never matches Raw-IP).
flags qmap off qmap-csum-v5 off
mark
gen $K
wait_for 30 chan_reached $((MC + S)) || fail "Raw-IP stale: $(( $(chan_pkts) - MC )) of $S"
expect_eq "Raw-IP stale: qmap_fmt delta" $(( $(fmt_pkts) - MF )) $S
drv_counts && xdp_delta_is "Raw-IP stale" 0 $S
"$STAT" -j refresh | grep -q "\"ifname\":\"$w\",\"qmap\":\"off\",\"qmap_source\":\"driver\",\"previous\":\"v5\",\"changed\":true" ||
	fail "refresh -j: $("$STAT" -j refresh)"
mark
gen $K
wait_for 30 chan_reached $((MC + S)) || fail "Raw-IP: $(( $(chan_pkts) - MC )) of $S"
drv_counts && xdp_delta_is Raw-IP $S 0
delta_is Raw-IP 2 "0 0 0 0 0"
log "Raw-IP: dropped as qmap_fmt until refresh, then passed"

# 5. A mode by hand must agree with the driver's flags.
"$STAT" config "$w" --qmap v1 2>/dev/null
rc=$?
expect_eq "config --qmap v1 against the driver's off: exit" $rc 2
field_is qmap '"off"'
"$STAT" --force config "$w" --qmap v1 >/dev/null || fail "config --force --qmap v1"
field_is qmap_source '"manual"'
field_is qmap_stale true
"$STAT" refresh "$w" | grep -q "(manual), the driver says off: not changed" ||
	fail "refresh of a manual mode: $("$STAT" refresh "$w")"
"$STAT" config "$w" --qmap auto >/dev/null || fail "config --qmap auto"
field_is qmap '"off"'

"$STAT" rule del all >/dev/null || fail "rule del"
"$STAT" detach "$w" || fail "detach"
exit $KSFT_PASS
