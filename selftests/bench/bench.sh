#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The RX benchmark, run in the guest by `make bench`: the simulated modem's
# generator sends COUNT UDP frames on channel 1 as fast as the host posts
# buffers; each case is timed by the generator (elapsed_ns) and repeated
# RUNS times. Prints one line per run, which the host's scripts/bench-report
# turns into the table, the JSON and the chart:
#
#   BENCH case SIZE RUN pps refused sent elapsed_ns interval_ns busy0_ns busy1_ns
#
# busyN_ns: the time CPU N was not idle between the two reads of
# bench_run (selftests/bench/bench_run.c) around the run, from the kernel's
# own idle accounting (the cpubusy module); CPU 0 takes the BAM interrupt and
# runs NAPI (the host), the last CPU runs the modem model and bench_run. The
# UDP sink of the socket cases is pinned to CPU 0: it is the host's work.
# COUNT is 100 000: with 40 000 (65-440 ms a run) the busy time of a run of
# XDP_TX strayed up to 2% from the host's instruction count; at 100 000 the
# runs of every case agree within 1% (docs/performance.md).
# Then BENCH_BPF=1 (default) runs bpf_bench (bpf/bench, arm64) pinned to CPU
# 0 with the model idle: "BPF program rules ipv4_ns ipv6_ns" lines.
# BENCH_SYMS=1 (make bench BENCH_PROF=1) copies /proc/kallsyms to the
# shared directory, once for this project's driver (kallsyms-ours.txt) and
# once for mainline's (kallsyms-mainline.txt): scripts/bench-profile names
# the blocks of the plugin's profile with them.
# Not a test: it never fails on a number.
#
# BENCH_KPROF=/path/kprof.ko (selftests/bench/kprof, built out of tree)
# adds one profiled run per case and size: the samples of both CPUs go to
# $BENCH_PROF_DIR/CASE-SIZE.txt (default: the shared directory).
. /opt/bam-dmux/selftests/drivers/net/bam_dmux/lib.sh
require_sim
require_xdp_progs

RUNS=${BENCH_RUNS:-3}
COUNT=${BENCH_COUNT:-100000}
SIZES=${BENCH_SIZES:-"64 1400"}
CASES=${BENCH_CASES:-"ceiling stack_drop generic_drop native_drop native_pass no_prog xdp_tx redirect_veth
	redirect_veth_xdp agg1_drop agg8_drop agg16_drop agg1_none agg8_none agg16_none mainline_no_prog mainline_stack_drop"}
ch=1
VNS=bvns

# Wait up to 600 s for the generator, with shell builtins and one sleep per
# half second: a poll that forks awk ten times a second costs the guest's
# CPUs (page faults, exec) as much as a quarter of what is measured.
gen_wait() {
	_n=0
	while [ $_n -lt 1200 ]; do
		_v=
		while read -r _k _v; do [ "$_k" = state ] && break; done < "$SIM/gen"
		[ "$_v" = "done" ] && return 0
		sleep 0.5
		_n=$((_n + 1))
	done
	return 1
}
# QMAP cases (aggK_*): K packets per DL buffer, or as many as fit the
# largest one (16 KiB, dynamic MTU): 16 of 64 bytes, 11 of 1400.
AGG=
agg_for() {
	_fs=$(( 4 + $1 + (4 - $1 % 4) % 4 ))
	_max=$(( 16376 / _fs ))
	[ "$AGG" -le "$_max" ] && echo "$AGG" || echo "$_max"
}
gen_args() {
	echo "ch=$ch size=$1 count=$COUNT dport=9001 sport=9002${AGG:+ agg=$(agg_for "$1")}"
}
gen_run() {
	sim_set gen "$(gen_args "$1")"
	gen_wait || fail "generator did not finish"
	_sent=$(sim_get gen sent)
	_ns=$(sim_get gen elapsed_ns)
	[ "$_ns" -gt 0 ] || fail "generator reported no time"
	echo $(( _sent * 1000000000 / _ns ))
}
# gen_measure SIZE: "pps refused sent elapsed_ns interval_ns busy0_ns busy1_ns"
gen_measure() {
	if [ "$CPUBUSY" = 0 ]; then
		echo "$(gen_run "$1") $(sim_get gen refused)"
		return
	fi
	_m=$(bench_run gen "$SIM" "$(gen_args "$1")") ||
		fail "bench_run failed"
	# shellcheck disable=SC2086 # the fields of one line
	set -- $_m
	[ "$3" -gt 0 ] || fail "generator reported no time"
	_pps=$(( $1 * 1000000000 / $3 ))
	_sent=$1 _refused=$2
	shift 2
	echo "$_pps $_refused $_sent $*"
}

# Where the work ran: the softirqs each CPU took during a case (NAPI is
# NET_RX; the simulated BAM's completion work and the modem's TX reads are
# BH work items, TASKLET), printed as "CPUS case NAME cpu0 cpu1 ...".
softirq_snap() {
	awk '$1 ~ /^(NET_RX|NET_TX|TASKLET|HI|TIMER|SCHED):$/ {
		printf "%s", $1; for (i = 2; i <= NF; i++) printf " %s", $i; printf ";" }' /proc/softirqs
}
softirq_since() {
	softirq_snap | awk -v old="$1" -v c="$2" '
	BEGIN { n = split(old, l, ";"); for (i = 1; i < n; i++) { k = split(l[i], f, " ");
		for (j = 2; j <= k; j++) o[f[1], j] = f[j] } }
	{ n = split($0, l, ";"); printf "CPUS %s", c
	  for (i = 1; i < n; i++) { k = split(l[i], f, " "); printf " %s", f[1]
		for (j = 2; j <= k; j++) printf " %d", f[j] - o[f[1], j] }
	  print "" }'
}

# The QMAP cases' modem: dynamic MTU with 16 KiB DL buffers, the channel in
# QMAP mode (docs/qmap.md); set up once, undone before the mainline cases.
QMAP_READY=0
qmap_prepare() {
	[ $QMAP_READY = 1 ] && return 0
	sim_set fw dynamic-mtu
	sim_set dl_large 1
	modem_restart
	wait_cond 30 "host_opened $ch" || return 1
	# small frames asking for large buffers turn the ring over
	sim_set gen "ch=$ch size=64 count=64" && gen_wait || return 1
	[ "$(drv_state rx_large)" = 1 ] || return 1
	ethtool --set-priv-flags "$(wwan_of $ch)" qmap on || return 1
	QMAP_READY=1
}
qmap_restore() {
	[ $QMAP_READY = 1 ] || return 0
	ethtool --set-priv-flags "$(wwan_of $ch)" qmap off
	sim_set dl_large 0
	sim_set fw legacy
	modem_restart
	wait_cond 30 "host_opened $ch"
	QMAP_READY=0
}

setup_case() {
	w=$(wwan_of $ch)
	AGG=
	case $1 in
	agg*_drop|agg*_none)
		qmap_prepare || return 1
		AGG=${1#agg}
		AGG=${AGG%_*}
		# drop every frame: the test programs parse IP, not MAP
		[ "${1#*_}" = none ] ||
			ip -force link set dev "$w" xdpdrv obj "$BD_BPF/xdp_drop.bpf.o" sec xdp ;;
	ceiling)
		# the channel is down: the driver only validates and recycles
		ip link set "$w" down ;;
	stack_drop|mainline_stack_drop)
		nft add table netdev bench
		nft add chain netdev bench in "{ type filter hook ingress device $w priority 0; policy drop; }" ;;
	generic_drop)
		ip link set dev "$w" xdpgeneric obj "$BD_BPF/test/xdp_drop.o" sec xdp ;;
	native_drop)
		xdp_attach "$w" xdp_drop.o ;;
	native_pass|no_prog|mainline_no_prog)
		[ "$1" = native_pass ] && xdp_attach "$w" xdp_pass.o
		bench_run pin 0 dmux_udp recv 9001 1000000000 3600000 >/dev/null &
		SINK=$! ;;
	xdp_tx)
		xdp_attach "$w" xdp_tx.o ;;
	redirect_veth|redirect_veth_xdp)
		ip netns add $VNS
		ip link add bA type veth peer name bB
		ip link set bB netns $VNS
		ip link set bA up
		ip -n $VNS link set bB up
		ip netns exec $VNS ethtool -K bB gro on >/dev/null
		# _xdp: the peer drops every frame in its own XDP program (the test
		# programs parse Raw-IP, not Ethernet), so the frames stay
		# xdp_frames and no skb or stack is paid: the redirect's own cost
		if [ "$1" = redirect_veth_xdp ] &&
		   ! ip -n $VNS link set dev bB xdpdrv obj "$BD_BPF/xdp_drop.bpf.o" sec xdp; then
			teardown_case "$1"
			return 1
		fi
		xdp_attach "$w" xdp_fwd.o
		_i=$(cat /sys/class/net/bA/ifindex)
		bpftool map update name bd_fwd_cfg key 0 0 0 0 value \
			1 0 0 0 $((_i & 255)) $((_i >> 8 & 255)) 0 0 0 0 0 0 \
			0xff 0xff 0xff 0xff 0xff 0xff 0 0 || { teardown_case "$1"; return 1; } ;;
	esac
}

teardown_case() {
	w=$(wwan_of $ch)
	case $1 in
	ceiling) ip link set "$w" up; bd_addr_channel $ch ;;
	stack_drop|mainline_stack_drop) nft delete table netdev bench ;;
	native_pass|no_prog|mainline_no_prog) kill "$SINK"; wait "$SINK" 2>/dev/null ;;
	redirect_veth|redirect_veth_xdp) ip link del bA; ip netns del $VNS ;;
	esac
	xdp_detach "$w"
}

use_mainline() {
	[ -f /opt/bam-dmux/mainline/qcom_bam_dmux.ko ] || return 1
	rmmod qcom_bam_dmux && insmod /opt/bam-dmux/mainline/qcom_bam_dmux.ko || return 1
	modem_restart	# the modem announces its channels to the new driver
	ip netns del "$NS" 2>/dev/null
	bd_setup
}

# The programs' cost on this CPU's JIT (bpf/bench): before anything else
# runs, on CPU 0 with the other CPU idle, so that under icount the guest's
# clock counts its instructions alone.
if [ "${BENCH_BPF:-1}" = 1 ]; then
	BPF_BENCH_REPEAT=${BENCH_BPF_REPEAT:-200000} BPF_BENCH_TRIALS=${BENCH_BPF_TRIALS:-3} \
		bench_run pin 0 bpf_bench "$BD_BPF" /tmp/bpf.json || log "bpf_bench failed"
fi

CPUBUSY=1
[ -e /sys/kernel/debug/cpubusy ] || insmod /opt/bam-dmux/bin/cpubusy.ko ||
	{ log "no cpubusy module: no host busy time"; CPUBUSY=0; }

modprobe nf_tables 2>/dev/null
modprobe veth 2>/dev/null
bd_setup
quiet_channel $ch
# prof_run CASE SIZE: one more run with the sampling profiler on.
prof_run() {
	[ -n "${BENCH_KPROF:-}" ] || return 0
	[ -d /sys/kernel/debug/kprof ] || insmod "$BENCH_KPROF" || return 0
	_dir=${BENCH_PROF_DIR:-${BAM_DMUX_SHARE_DIR:-/tmp}}
	echo start > /sys/kernel/debug/kprof/ctl
	_pps=$(gen_run "$2")
	echo stop > /sys/kernel/debug/kprof/ctl
	echo "PROF $1 $2 $_pps"
	cat /sys/kernel/debug/kprof/samples > "$_dir/$1-$2.txt"
}

# save_syms NAME: the guest's symbols, for the plugin's profile
save_syms() {
	[ "${BENCH_SYMS:-0}" = 1 ] && [ -n "${BAM_DMUX_SHARE_DIR:-}" ] || return 0
	cat /proc/kallsyms > "$BAM_DMUX_SHARE_DIR/kallsyms-$1.txt"
}
save_syms ours

mainline=0
for c in $CASES; do
	case $c in
	mainline_*)
		# every mainline case after this project's: one switch
		if [ $mainline = 0 ]; then
			qmap_restore
			use_mainline || { log "mainline driver not available"; continue; }
			quiet_channel $ch
			save_syms mainline
			mainline=1
		fi ;;
	*)
		[ $mainline = 0 ] || { log "case $c: after a mainline case, skipped"; continue; } ;;
	esac
	setup_case "$c" || { log "case $c: setup failed"; continue; }
	sirq=$(softirq_snap)
	for size in $SIZES; do
		r=1
		while [ $r -le "$RUNS" ]; do
			echo "BENCH $c $size $r $(gen_measure "$size")"
			r=$((r + 1))
		done
		prof_run "$c" "$size"
	done
	softirq_since "$sirq" "$c"
	teardown_case "$c"
done
qmap_restore
exit 0
