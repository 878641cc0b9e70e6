#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# RX buffer allocation failures (fail_page_alloc, debug kernel): only page
# allocations with the driver's code on the stack fail (stacktrace filter), so
# the rest of the system is untouched. While pages are held by a stopped
# receiver the page_pool must allocate: the refills fail, are counted
# (rx_alloc_fail) and retried; a modem power-up whose first RX buffers cannot be
# allocated fails with a clear message. Once the failures stop, traffic flows
# again; kmemleak (the VM lane, after the suite) finds nothing.
. "$(dirname "$0")/lib.sh"
FPA=/sys/kernel/debug/fail_page_alloc
require_root
[ -d "$FPA" ] || skip "no fail_page_alloc (CONFIG_FAIL_PAGE_ALLOC, debugfs)"
[ -f "$FPA/require-start" ] || skip "no stacktrace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"
require_sim "fault injection: page allocation failures under the simulator's traffic"
bd_setup

ch=2
w=$(wwan_of $ch)
quiet_channel $ch

# The driver's text: from its lowest to past its highest function symbol.
range=$(awk '$2 ~ /^[tT]$/ && $4 == "[qcom_bam_dmux]" { print $1 }' /proc/kallsyms | sort | sed -n '1p;$p')
lo=$(echo "$range" | sed -n 1p)
hi=$(echo "$range" | sed -n 2p)
[ -n "$lo" ] && [ "$lo" != 0000000000000000 ] || skip "module addresses hidden (kptr_restrict)"
hi=$(bash -c "printf '%x' \$((0x$hi + 0x4000))" 2>/dev/null || echo "$hi")
log "failing page allocations from 0x$lo..0x$hi"

fpa_off() { echo 0 > "$FPA/probability"; }
fpa_on() {	# PROBABILITY: every page allocation below the driver's code may fail
	echo N > "$FPA/task-filter"
	echo N > "$FPA/ignore-gfp-wait"
	echo N > "$FPA/ignore-gfp-highmem"
	echo 0 > "$FPA/min-order"
	echo 0 > "$FPA/verbose"
	echo 0 > "$FPA/space"
	echo 1 > "$FPA/interval"
	echo 32 > "$FPA/stacktrace-depth"
	echo "0x$lo" > "$FPA/require-start"
	echo "0x$hi" > "$FPA/require-end"
	echo -1 > "$FPA/times"
	echo "$1" > "$FPA/probability"
}
# whatever happens, no more failures, and a modem that carries traffic for the next test
cleanup() {
	fpa_off
	all_channels_up 8 && return
	sim_set power down
	wait_cond 10 '[ "$(sim_get state phase)" = down ]'
	sim_set power up
	wait_for 30 all_channels_up 8
}
trap cleanup EXIT

# 1. refills under failures: a stopped receiver holds the pages it was sent
sysctl -qw net.core.rmem_max=8388608
af0=$(drv_stat rx_alloc_fail)
out=$(mktemp)
dmux_udp recv 9200 100000 60000 > "$out" &
rp=$!
wait_for 10 grep -q listening "$out" || fail "receiver did not start"
kill -STOP $rp
fpa_on 50
ip netns exec "$NS" dmux_udp send "10.$ch.0.1" 9200 1500 1000 >/dev/null
wait_cond 20 '[ "$(drv_stat rx_alloc_fail)" -gt "$af0" ]' ||
	fail "no RX allocation failure counted ($(drv_stat rx_alloc_fail))"
# counters are read with the failures off: opening the driver's debugfs
# file allocates with its code on the stack, which the filter fails too
fpa_off
expect_ge "rx_alloc_fail delta" $(( $(drv_stat rx_alloc_fail) - af0 )) 1
kill -9 $rp
wait $rp 2>/dev/null
rm -f "$out"
udp_exchange m2h $ch 300 1000 || fail "modem -> host after RX allocation failures"
udp_exchange h2m $ch 300 1000 || fail "host -> modem after RX allocation failures"

# 2. a power-up with no RX buffer at all: refused with a clear error
sim_set power down
wait_cond 10 '[ "$(drv_state modem_up)" = 0 ]' || fail "driver did not follow the power-down"
# the page_pool's cached pages must go: reload the driver, its new pool is empty
rmmod qcom_bam_dmux || fail "rmmod"
msg="Failed to post any RX buffer"
nmsg() { dmesg | grep -c "$msg"; }
m0=$(nmsg)
bd_load_modules || fail "insmod"
wait_for 30 bd_dev || fail "driver did not bind"
af0=$(drv_stat rx_alloc_fail)	# a new device: its counters start again
fpa_on 100
sim_set power up
wait_cond 20 '[ "$(nmsg)" -gt "$m0" ]' || fail "no clear error for a power-up without RX buffers"
fpa_off
log "$(dmesg | grep "$msg" | tail -n 1)"
expect_ge "rx_alloc_fail delta" $(( $(drv_stat rx_alloc_fail) - af0 )) 1

# recovery: the next power cycle brings the data path back
modem_restart
bd_setup
wait_for 30 ping -c 1 -W 2 "10.$ch.0.2" || fail "no traffic after the failures stopped"
udp_exchange m2h $ch 300 1000 || fail "modem -> host after recovery"
log "recovered"
exit $KSFT_PASS
