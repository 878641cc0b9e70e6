#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Adaptive autosuspend (issue 9, docs/architecture.md "Power control"): the
# host withdraws its vote after autosuspend_delay_ms of idle TX; a collapse
# (the time it stayed suspended) under 10 s doubles the delay, up to 10 s,
# one of 10 s or more halves it, down to 1 s; a value the user writes wins
# and stops the adaptation. Each step is one suspend and one resume whose
# collapse is far from the 10 s edge (a packet as soon as the device
# suspended, or 11 s later), and every expectation follows from the delay
# read before the step: no race with the clock. About 30 s.
. "$(dirname "$0")/lib.sh"
require_sim "it rebinds the driver and restarts the modem"
bd_setup
drv_counts || skip "mainline's driver has a fixed delay"

ch=3
suspended() { [ "$(rpm_status)" = suspended ]; }
delay() { cat "$(bd_dev)/power/autosuspend_delay_ms"; }
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
max() { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
# cycle [SECONDS]: wait for the vote to drop, stay collapsed SECONDS more,
# then one packet (its TX resumes the device: the vote goes up again)
cycle() {
	wait_for 30 suspended || fail "not suspended: $(rpm_status)"
	[ -z "${1:-}" ] || sleep "$1"
	ping -c 1 -W 10 "10.$ch.0.2" >/dev/null || fail "packet after suspend lost"
}
# A fresh binding starts adapting from 1 s again.
rebind() {
	_dev=$(basename "$(bd_dev)")
	echo "$_dev" > "$DRV/unbind" || fail "unbind $_dev"
	echo "$_dev" > "$DRV/bind" || fail "bind $_dev"
	modem_restart
	bd_setup
}

rebind
quiet_all
expect_eq "adapting after bind" "$(drv_state autosuspend_adaptive)" 1
for i in 1 2; do
	d=$(delay)
	cycle
	expect_eq "delay after a short collapse from $d ms" "$(delay)" "$(min $((d * 2)) 10000)"
done
d=$(delay)
cycle 11
expect_eq "delay after a long collapse from $d ms" "$(delay)" "$(max $((d / 2)) 1000)"

echo 1500 > "$(bd_dev)/power/autosuspend_delay_ms" || fail "cannot write the delay"
for i in 1 2; do
	cycle
	expect_eq "user's delay, cycle $i" "$(delay)" 1500
done
expect_eq "adapting after the user's write" "$(drv_state autosuspend_adaptive)" 0

# leave the default policy to the tests that follow
rebind
exit $KSFT_PASS
