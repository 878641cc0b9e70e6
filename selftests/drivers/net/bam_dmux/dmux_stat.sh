#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dmux.bpf.o attached natively to NETIF (lib.sh's bd_env; with the simulator:
# channel 0) by dmux-stat counts the frames the far end sends (packets, bytes,
# verdict, IP version, L4): exactly against the simulator's quiet channel, at
# least as many on a live link; Prometheus output agrees; a rule drops the
# test's datagrams and counts exactly its hits; detach restores the channel.
# First, ip link loads dmux.bpf.o as it is on this kernel (the debug kernel
# has NR_CPUS=4: the object declares no cpumap larger than one entry).
# Exit 0 pass, 1 fail, 4 skip.
. "$(dirname "$0")/lib.sh"
STAT=${DMUX_STAT:-$BD_BIN/dmux-stat}
[ -x "$STAT" ] || skip "no $STAT"
[ -f "$BD_BPF/dmux.bpf.o" ] || skip "no $BD_BPF/dmux.bpf.o"
grep -q " /sys/fs/bpf bpf " /proc/mounts || mount -t bpf bpf /sys/fs/bpf || skip "no bpffs"
bd_env 0
require_bd_netif
require_in4

ch=$BD_CH
w=$NETIF
! sim_end || quiet_channel "$ch"
N=${N:-1000}
SIZE=100
PORT=$((9000 + ch))

# counter NAME: "PACKETS BYTES" of the counter object NAME in `dmux-stat -j`
# (the names used here occur once in a Raw-IP channel's JSON)
counter() {
	"$STAT" -j -i "$w" | sed -n "s/.*\"$1\":{\"packets\":\([0-9]*\),\"bytes\":\([0-9]*\)}.*/\1 \2/p"
}
pkts() { set -- $(counter "$1"); echo "${1:-0}"; }
bytes() { set -- $(counter "$1"); echo "${2:-0}"; }
pkts_reached() { [ "$(pkts "$1")" -ge "$2" ]; }
# send COUNT: the far end sends COUNT UDP datagrams of IP size SIZE to PORT
send() { remote_send4 "$1" $((SIZE - 28)) "$PORT" || fail "the far end's dmux_udp send failed"; }

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
send $N
wait_for 30 pkts_reached udp $((u0 + N)) || fail "udp: $(pkts udp), want $((u0 + N))"
expect_sent "total packets delta" $(( $(pkts total) - t0 )) $N
expect_sent "pass delta" $(( $(pkts pass) - p0 )) $N
expect_sent "ipv4 delta" $(( $(pkts ipv4) - v0 )) $N
expect_sent "udp delta" $(( $(pkts udp) - u0 )) $N
expect_sent "bytes delta" $(( $(bytes total) - b0 )) $((N * SIZE))

pass=$(pkts pass)
"$STAT" --prometheus -i "$w" |
	grep -qx "dmux_packets_total{interface=\"$w\",channel=\"$ch\",verdict=\"pass\"} $pass" ||
	fail "prometheus pass counter differs from -j ($pass)"
log "prometheus dmux_packets_total{verdict=pass} = $pass"

d0=$(pkts drop)
"$STAT" rule add proto udp dport "$PORT" drop || fail "rule add"
send $N
wait_for 30 pkts_reached drop $((d0 + N)) || fail "drop: $(pkts drop), want $((d0 + N))"
expect_eq "drop delta" $(( $(pkts drop) - d0 )) $N
"$STAT" rule list -j | grep -q "\"hits\":$N," || fail "rule hits: $("$STAT" rule list)"
log "rule 'proto udp dport $PORT drop' hits = $N"

# cpu N: any possible CPU (the cpumap dmux-stat puts in dmux_cpumaps has one
# entry per possible CPU); one past them is refused with a usage error (2)
# (rule 0, 'proto udp cpu N', goes first: a rule with its match would be refused
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
