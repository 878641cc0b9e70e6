#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dmux.bpf.o attached natively to channel 0 by dmux-stat counts exactly the
# frames the simulated modem's generator sends (packets, bytes, verdict, IP
# version, L4); Prometheus output agrees; a rule drops them and counts its
# hits; detach restores the channel. Exit 0 pass, 1 fail, 4 skip.
. "$(dirname "$0")/lib.sh"
require_sim
STAT=${DMUX_STAT:-$BD_BIN/dmux-stat}
[ -x "$STAT" ] || skip "no $STAT"
[ -f "$BD_BPF/dmux.bpf.o" ] || skip "no $BD_BPF/dmux.bpf.o"
grep -q " /sys/fs/bpf bpf " /proc/mounts || mount -t bpf bpf /sys/fs/bpf || skip "no bpffs"
bd_setup

ch=0
w=$(wwan_of $ch) || fail "no netdev for channel $ch"
quiet_channel $ch
N=${N:-1000}
SIZE=100

# counter NAME: "PACKETS BYTES" of the counter object NAME in `dmux-stat -j`
# (the names used here occur once in a Raw-IP channel's JSON)
counter() {
	"$STAT" -j -i "$w" | sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),\"bytes\":\([0-9]*\)}.*/\1 \2/p"
}
pkts() { set -- $(counter "$1"); echo "${1:-0}"; }
bytes() { set -- $(counter "$1"); echo "${2:-0}"; }
pkts_is() { [ "$(pkts "$1")" = "$2" ]; }
gen_done() { grep -q "^state done" "$SIM/gen"; }
# gen COUNT: the modem sends COUNT UDP frames of IP size SIZE on channel ch
gen() {
	sim_set gen "ch=$ch size=$SIZE count=$1" || fail "generator refused"
	wait_for 120 gen_done || fail "generator: $(tr '\n' ' ' < "$SIM/gen")"
	expect_eq "generator sent" "$(sim_get gen sent)" "$1"
}

cleanup() {
	"$STAT" rule del all >/dev/null 2>&1
	"$STAT" detach "$w" >/dev/null 2>&1
}
trap cleanup EXIT

# dmux-stat sizes the cpumap to the kernel (it refuses more entries than
# NR_CPUS): min(64, NR_CPUS) when it creates the pins, else theirs
CPUMAP_PIN=/sys/fs/bpf/tc/globals/dmux_cpumap
cpumap_size() {
	bpftool -j map show pinned "$CPUMAP_PIN" | sed -n 's/.*"max_entries":\([0-9]*\).*/\1/p'
}
fresh_pins=1
[ -e "$CPUMAP_PIN" ] && fresh_pins=0

"$STAT" attach "$w" --mode native --policy allow --channel $ch || fail "dmux-stat attach"
cpus=$(($(cat /sys/devices/system/cpu/kernel_max) + 1))
if [ $fresh_pins = 1 ]; then
	expect_eq "cpumap entries (NR_CPUS $cpus)" "$(cpumap_size)" $((cpus < 64 ? cpus : 64))
else
	log "cpumap entries: $(cpumap_size) (pins existed before; NR_CPUS $cpus)"
fi
ip link show "$w" | grep -q "prog/xdp" || fail "not attached in native mode: $(ip link show "$w")"
"$STAT" status -i "$w" | grep -q "native .* dmux_xdp .* dmux-stat" || fail "status: $("$STAT" status -i "$w")"

t0=$(pkts total); p0=$(pkts pass); b0=$(bytes total); u0=$(pkts udp); v0=$(pkts ipv4)
gen $N
wait_for 30 pkts_is total $((t0 + N)) || fail "total: $(pkts total), want $((t0 + N))"
expect_eq "total packets delta" $(( $(pkts total) - t0 )) $N
expect_eq "pass delta" $(( $(pkts pass) - p0 )) $N
expect_eq "ipv4 delta" $(( $(pkts ipv4) - v0 )) $N
expect_eq "udp delta" $(( $(pkts udp) - u0 )) $N
expect_eq "bytes delta" $(( $(bytes total) - b0 )) $((N * SIZE))

pass=$(pkts pass)
"$STAT" --prometheus -i "$w" |
	grep -qx "dmux_packets_total{interface=\"$w\",channel=\"$ch\",verdict=\"pass\"} $pass" ||
	fail "prometheus pass counter differs from -j ($pass)"
log "prometheus dmux_packets_total{verdict=pass} = $pass"

d0=$(pkts drop)
"$STAT" rule add proto udp drop || fail "rule add"
gen $N
wait_for 30 pkts_is drop $((d0 + N)) || fail "drop: $(pkts drop), want $((d0 + N))"
expect_eq "drop delta" $(( $(pkts drop) - d0 )) $N
"$STAT" rule list -j | grep -q "\"hits\":$N," || fail "rule hits: $("$STAT" rule list)"
log "rule 'proto udp drop' hits = $N"

# the cpumap is sized to this kernel (NR_CPUS may be below 64): a CPU past
# it is refused with a usage error, not taken and dropped at run time
if "$STAT" rule add proto udp cpu 64 2>/dev/null; then
	fail "rule 'cpu 64' accepted: $("$STAT" rule list)"
fi
log "rule 'cpu 64' refused (cpumap of $(cpumap_size) entries)"

"$STAT" rule del all >/dev/null || fail "rule del"
"$STAT" detach "$w" || fail "detach"
ip link show "$w" | grep -q "prog/xdp" && fail "still attached after detach"
exit $KSFT_PASS
