#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Power economy (issue 9), run in the guest by `make power`: how often the
# host's power vote goes up (a power-collapse cycle: vote up, modem powers
# up, vote down, modem collapses) per minute, with the simulated modem's
# `collapse` on, for each driver and three phases:
#   idle     no traffic at all (IPv6 off on every channel: no chatter)
#   trickle  one packet a second each way: ping -i 1 from wwan0 to mdm0
#   trickleN (not by default) one ping every N seconds
#   load     bulk UDP both ways on channel 0 (dmux_udp, 1400 B)
# Each phase starts with the simulator and the driver loaded afresh, the
# vote down and the modem collapsed; its count includes the first wake-up. The votes are the simulator's: every change of
# the host's vote is acknowledged once (`modem_acks` in its debugfs state),
# so ups = (changes + vote_end - vote_start) / 2.
#
# Prints one line per phase, "POWER driver phase seconds ups changes
# modem_transitions delay_ms mdm_rx mdm_tx ping_lost delay_ms_at_start" (the
# delays: autosuspend_delay_ms at the end and the start), which the host's
# scripts/power-report turns into the table and JSON, then the table itself.
# Not a test: it never fails on a number.
#
# POWER_SECONDS (default 60): length of the idle and trickle phases, guest
# time. POWER_LOAD_SECONDS (default 20): the load phase's (under icount a
# second of load costs the machine many more than an idle one; the vote is
# held throughout, so the count is the first wake-up whatever the length).
# POWER_DRIVERS (default "ours mainline"): which drivers (kmod_of below).
# POWER_PHASES (default "idle trickle load").
. /opt/bam-dmux/selftests/drivers/net/bam_dmux/lib.sh

SECS=${POWER_SECONDS:-60}
LOAD_SECS=${POWER_LOAD_SECONDS:-20}
DRIVERS=${POWER_DRIVERS:-"ours mainline"}
PHASES=${POWER_PHASES:-"idle trickle load"}
ch=0
results=$(mktemp)

# A driver: ours, mainline, or NAME=PATH (another build of either, say the
# driver before a change, from the --share directory), each optionally with
# :MS, an autosuspend delay written to sysfs after loading, adaptation off.
# "ours:1000" is ours with mainline's fixed delay.
kmod_of() {
	case ${1%%:*} in
	ours) echo "$BD_ROOT/kmod/qcom_bam_dmux.ko" ;;
	mainline) echo "$BD_ROOT/mainline/qcom_bam_dmux.ko" ;;
	?*=/*) _k=${1#*=}; echo "${_k%%:*}" ;;
	*) return 1 ;;
	esac
}

# The vote as the modem sees it, and how many changes it acknowledged
vote() { sim_get state host_vote; }
acks() { sim_get state modem_acks; }
host_acks() { sim_get state host_acks; }
delay_ms() { cat "$(bd_dev)/power/autosuspend_delay_ms" 2>/dev/null || echo -; }
mdm_stat() { ns_if_stat "mdm$ch" "$1"; }
collapsed() {
	[ "$(vote)" = 0 ] && [ "$(sim_get state phase)" = down ] &&
		[ "$(rpm_status)" = suspended ]
}

# A fresh simulator (collapse on) and driver $1.
load_driver() {
	bd_unload_modules || fail "cannot unload the modules"
	insmod "$BD_ROOT/kmod/bam_dmux_sim.ko" collapse=1 || fail "cannot load the simulator"
	BD_KMOD=$(kmod_of "$1") || fail "unknown driver $1"
	[ -f "$BD_KMOD" ] || return 1
	export BD_KMOD
	bd_load_modules || fail "cannot load $BD_KMOD"
	# ours: the setup's IPv6 chatter must not adapt the delay before the
	# phase (the parameter; a write of the value in effect, 1000 after
	# bind, cannot be told from the driver's own)
	_p=/sys/module/qcom_bam_dmux/parameters/adaptive_autosuspend
	[ ! -w "$_p" ] || echo 0 > "$_p"
	bd_setup
	quiet_all
	case $1 in
	*:*) echo "${1##*:}" > "$(bd_dev)/power/autosuspend_delay_ms" ||
		fail "cannot set the delay of $1" ;;
	esac
	# the modem powered up at probe with no vote: one packet makes the
	# vote change (up, then down after the delay) that collapses it
	ping -c 1 -W 10 "10.$ch.0.2" >/dev/null || log "$1: first ping lost"
	case $1 in
	*:*) ;;
	*) [ ! -w "$_p" ] || echo 1 > "$_p" ;;
	esac
}

# settle: wait (up to 60 s) for the vote to drop and the modem to collapse
settle() {
	wait_cond 60 collapsed ||
		log "not collapsed: vote $(vote) phase $(sim_get state phase) rpm $(rpm_status)"
}

# trickle [INTERVAL]: one ping every INTERVAL (default 1) seconds
trickle() {
	_out=$(mktemp)
	ping -i "${1:-1}" -c $((SECS / ${1:-1})) -W 5 "10.$ch.0.2" >"$_out" 2>&1
	# "N packets transmitted, M received" (iputils) or "... M packets received" (busybox)
	awk '/transmitted/ { t = $1; for (i = 2; i <= NF; i++) if ($i ~ /^received/) r = $(i - 1) == "packets" ? $(i - 2) : $(i - 1) }
		END { print t - r }' "$_out"
	rm -f "$_out"
}

load() {
	_end=$(( $(date +%s) + LOAD_SECS ))
	ip netns exec "$NS" dmux_udp recv 9100 1000000000 3600000 >/dev/null 2>&1 &
	_r1=$!
	dmux_udp recv 9101 1000000000 3600000 >/dev/null 2>&1 &
	_r2=$!
	sleep 1
	(while [ "$(date +%s)" -lt "$_end" ]; do
		dmux_udp send "10.$ch.0.2" 9100 2000 1400 >/dev/null 2>&1
	done) &
	_s1=$!
	(while [ "$(date +%s)" -lt "$_end" ]; do
		ip netns exec "$NS" dmux_udp send "10.$ch.0.1" 9101 2000 1400 >/dev/null 2>&1
	done) &
	_s2=$!
	wait $_s1 $_s2
	kill $_r1 $_r2 2>/dev/null
	wait $_r1 $_r2 2>/dev/null
	echo 0
}

phase() {
	_drv=$1 _ph=$2
	settle
	_v0=$(vote) _a0=$(acks) _h0=$(host_acks) _d0=$(delay_ms)
	_rx0=$(mdm_stat rx_packets) _tx0=$(mdm_stat tx_packets)
	_t0=$(date +%s)
	case $_ph in
	idle) sleep "$SECS"; _lost=0 ;;
	trickle) _lost=$(trickle) ;;
	trickle[0-9]*) _lost=$(trickle "${_ph#trickle}") ;;
	load) _lost=$(load) ;;
	esac
	_t=$(( $(date +%s) - _t0 ))
	_v1=$(vote) _a1=$(acks) _h1=$(host_acks)
	_ch=$(( _a1 - _a0 ))
	_ups=$(( (_ch + _v1 - _v0) / 2 ))
	echo "POWER $_drv $_ph $_t $_ups $_ch $(( _h1 - _h0 )) $(delay_ms)" \
		"$(( $(mdm_stat rx_packets) - _rx0 )) $(( $(mdm_stat tx_packets) - _tx0 )) $_lost $_d0" |
		tee -a "$results"
}

require_root
modprobe veth 2>/dev/null
# Every phase starts from a fresh binding: the adaptive delay from 1 s.
for d in $DRIVERS; do
	for p in $PHASES; do
		load_driver "$d" || { log "$d: driver not available, skipped"; break; }
		_name=${d%%=*}
		case $d in *=*:*) _name=$_name:${d##*:} ;; esac
		phase "$_name" "$p"
	done
done
bd_unload_modules

echo "# driver    phase     secs  cycles  cycles/min  vote-changes  modem-transitions  delay-ms  mdm-rx  mdm-tx  ping-lost"
awk '{ printf "# %-10s %-8s %5d %7d %11.1f %13d %18d %5s-%-5s %7d %7d %10d\n",
	$2, $3, $4, $5, $4 ? $5 * 60 / $4 : 0, $6, $7, $12, $8, $9, $10, $11 }' "$results"
rm -f "$results"
exit 0
