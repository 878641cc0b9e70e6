#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Attach, replace and detach XDP programs 1000 times (200 in CI's quick run,
# BD_QUICK=1) while the modem floods
# the channel: every frame is accounted for (XDP verdicts plus the stack add
# up to what the channel received, which is what the modem sent), no page is
# lost (the pool is destroyed cleanly at unload) and nothing stalls.
#
# The steps are dmux_xdpswap's: it loads an XDP_PASS and an XDP_DROP program
# once and swaps them by fd, checking the attached program after each step
# (an ELF through the verifier per step, as `ip link ... xdp obj` does, takes
# about a second under TCG). Of the 1000: 70 % over rtnetlink in native mode,
# 10 % in generic mode, 20 % through a bpf_link; in runs of at most 100, and
# the flood must still be running after each. Three more steps go through
# `ip link ... xdp obj` (attach, replace, detach), so that path stays covered.
# After each swap step the tool waits for a frame received under it
# (--settle), so both programs see traffic in every run: the XDP_DROP count
# is an outcome, not luck (without it, on a loaded debug kernel all native
# verdicts of a run once fell in XDP_PASS windows).
. "$(dirname "$0")/lib.sh"
require_sim "its generator floods the channel"
xdp_test_begin 1
sim_end || skip "needs the simulated modem's channel as NETIF (its generator floods it)"
command -v dmux_xdpswap >/dev/null || fail "no dmux_xdpswap helper in $BD_BIN"
ITER=${BD_FLOOD_ITER:-$(bd_cycles 1000 200)}
# Stop early rather than time out (the accounting is the test), but not too
# early: at least MIN steps.
BUDGET=${BD_FLOOD_SECONDS:-200}
MIN=${BD_FLOOD_MIN:-$((ITER / 2))}
end=$(( $(date +%s) + BUDGET ))
gen_done() { [ "$(sim_get gen state)" = done ]; }
gen_running() { [ "$(sim_get gen state)" = running ]; }

rx0=$(if_stat "$w" rx_packets)
p0=$(eth_stat "$w" xdp_pass)
d0=$(eth_stat "$w" xdp_drop)
a0=$(eth_stat "$w" xdp_aborted)
s0=$(sim_counter rx_frames)
# One flood for the whole loop, stopped below, and on any way out (run_tests'
# timeout sends TERM): a generator left running would flood the next tests.
trap 'sim_set gen stop 2>/dev/null; xdp_detach "$w"' EXIT
trap 'exit $KSFT_FAIL' HUP INT TERM
sim_set gen "ch=$ch size=64 count=1000000000000" || fail "cannot start the generator"
wait_for 10 gen_running || fail "the generator did not start"

steps=0
# swap N WHAT [ARGS]: N dmux_xdpswap steps in runs of at most 100, within
# the budget; false once the budget is spent
swap() {
	_todo=$1
	_what=$2
	shift 2
	while [ "$_todo" -gt 0 ]; do
		_n=$(( _todo < 100 ? _todo : 100 ))
		_left=$(( end - $(date +%s) ))
		[ "$_left" -gt 0 ] || return 1
		_v0=$(( $(eth_stat "$w" xdp_pass) + $(eth_stat "$w" xdp_drop) ))
		_f0=$(sim_get gen sent)
		_out=$(dmux_xdpswap "$w" "$_n" --seconds "$_left" --settle "$@")
		_rc=$?
		_f=$(( $(sim_get gen sent) - _f0 ))
		_done=$(echo "$_out" | awk '$1 == "steps" { print $2 }')
		_ms=$(echo "$_out" | awk '$1 == "elapsed_ms" { print $2 }')
		steps=$((steps + ${_done:-0}))
		[ "$_rc" = 0 ] || fail "dmux_xdpswap $*: exit $_rc after $steps steps"
		_v=$(( $(eth_stat "$w" xdp_pass) + $(eth_stat "$w" xdp_drop) - _v0 ))
		log "$steps steps ($_done $_what in $_ms ms: $_f frames, $_v native verdicts)"
		gen_running || fail "the flood stopped (after $steps steps)"
		[ "$_done" = "$_n" ] || return 1
		_todo=$((_todo - _n))
	done
}

nl_drv=$((ITER * 7 / 10))
nl_skb=$((ITER / 10))
link=$((ITER - nl_drv - nl_skb))
t0=$(date +%s)
if swap $nl_drv "netlink, native" --mode drv; then
	xdp_attach "$w" xdp_pass.o || fail "ip link: attach"
	ip -force link set dev "$w" xdpdrv obj "$BD_BPF/test/xdp_drop.o" sec xdp ||
		fail "ip link: replace"
	ip link set dev "$w" xdpdrv off || fail "ip link: detach"
	log "3 steps through ip link ... xdp obj"
	gen_running || fail "the flood stopped (ip link steps)"
	swap $nl_skb "netlink, generic" --mode skb &&
		swap $link "bpf_link, native" --mode drv --link
fi
log "$steps attach/replace/detach steps under flood in $(( $(date +%s) - t0 )) s (of $ITER; ${BUDGET}s budget)"
[ "$steps" -ge "$MIN" ] || fail "only $steps steps in ${BUDGET}s (at least $MIN)"
ip link show dev "$w" | grep -q "prog/xdp\|xdpgeneric" && fail "a program is still attached"

sim_set gen stop
wait_for 60 gen_done || fail "generator did not stop"
log "generator: sent $(sim_get gen sent) refused $(sim_get gen refused) in $(sim_get gen elapsed_ns) ns"

# What the modem sent on the channel: the generator's frames (the channel is
# quiet otherwise). The modem's rx_frames counts every channel's frames, and
# the other channels' IPv6 chatter after bd_setup falls into the window too.
sent=$(sim_get gen sent)
all=$(( $(sim_counter rx_frames) - s0 ))
[ "$all" -ge "$sent" ] || fail "the modem counted $all frames, its generator sent $sent"
rx_all() { [ $(( $(if_stat "$w" rx_packets) - rx0 )) -ge "$sent" ]; }
wait_for 10 rx_all	# the last frames the modem sent, still in NAPI
rx=$(( $(if_stat "$w" rx_packets) - rx0 ))
expect_eq "frames the channel received" "$rx" "$sent"
log "frames the modem sent on all channels: $all"
pass=$(eth_delta "$w" xdp_pass "$p0")
drop=$(eth_delta "$w" xdp_drop "$d0")
[ $((pass + drop)) -le "$rx" ] || fail "verdicts ($pass + $drop) exceed frames ($rx)"
log "verdicts: pass $pass drop $drop, no program or generic $((rx - pass - drop))"
expect_ge "xdp_pass delta (a program ran under the flood)" "$pass" 1
expect_ge "xdp_drop delta" "$drop" 1
expect_eq "xdp_aborted delta" "$(eth_delta "$w" xdp_aborted "$a0")" 0
udp_exchange m2h $ch 100 64 || fail "no traffic after the flood"
loud_channel $ch
exit $KSFT_PASS
