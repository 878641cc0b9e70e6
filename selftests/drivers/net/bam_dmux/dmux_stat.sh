#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dmux.bpf.o attached natively to channel 0 by dmux-stat counts exactly the
# frames the simulated modem's generator sends (packets, bytes, verdict, IP
# version, L4); Prometheus output agrees; a rule drops them and counts its
# hits; detach restores the channel. First, ip link loads dmux.bpf.o as it is
# on this kernel (the debug kernel has NR_CPUS=4: the object declares no
# cpumap larger than one entry). Exit 0 pass, 1 fail, 4 skip.
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

# the kernel refuses a cpumap larger than its NR_CPUS: ip link, which sizes
# nothing, must load the object as it is; dmux-stat then reuses its pins
nr_cpus=$(($(cat /sys/devices/system/cpu/kernel_max) + 1))
ip link set dev "$w" xdp obj "$BD_BPF/dmux.bpf.o" sec xdp ||
	fail "ip link cannot load dmux.bpf.o (NR_CPUS $nr_cpus)"
ip link set dev "$w" xdp off
log "ip link loaded dmux.bpf.o (NR_CPUS $nr_cpus)"

"$STAT" attach "$w" --mode native --policy allow --channel $ch || fail "dmux-stat attach"
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

# cpu N: any possible CPU (the cpumap dmux-stat puts in dmux_cpumaps has one
# entry per possible CPU); one past them is refused with a usage error (2)
# (rule 0 'proto udp drop' goes first: a rule with its match would be refused
# as one that can never match)
"$STAT" rule del all >/dev/null || fail "rule del"
last=$(sed 's/.*[-,]//' /sys/devices/system/cpu/possible)
"$STAT" rule add proto udp cpu "$last" >/dev/null || fail "rule 'cpu $last' refused"
err=$("$STAT" rule add proto tcp cpu $((last + 1)) 2>&1 >/dev/null)
rc=$?
[ $rc = 2 ] || fail "rule 'cpu $((last + 1))': exit $rc, want 2: $("$STAT" rule list)"
echo "$err" | grep -q "CPU" || fail "rule 'cpu $((last + 1))' refused for another reason: $err"
log "rule 'cpu $last' taken, 'cpu $((last + 1))' refused (possible CPUs 0-$last)"

"$STAT" rule del all >/dev/null || fail "rule del"
"$STAT" detach "$w" || fail "detach"
ip link show "$w" | grep -q "prog/xdp" && fail "still attached after detach"
exit $KSFT_PASS
