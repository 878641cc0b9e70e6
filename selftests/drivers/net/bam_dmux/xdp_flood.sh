#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Attach, replace and detach XDP programs 1000 times while the modem floods
# the channel: every frame is accounted for (XDP verdicts plus the stack add
# up to what the channel received, which is what the modem sent), no page is
# lost (the pool is destroyed cleanly at unload) and nothing stalls.
. "$(dirname "$0")/lib.sh"
xdp_test_begin 1
ITER=${BD_FLOOD_ITER:-1000}
# Each step loads a program through the verifier: slow under TCG and on the
# debug kernel. Stop early rather than time out; the accounting is the test.
BUDGET=${BD_FLOOD_SECONDS:-200}
end=$(( $(date +%s) + BUDGET ))
gen_done() { [ "$(sim_get gen state)" = done ]; }

rx0=$(if_stat "$w" rx_packets)
p0=$(eth_stat "$w" xdp_pass)
d0=$(eth_stat "$w" xdp_drop)
a0=$(eth_stat "$w" xdp_aborted)
s0=$(sim_counter rx_frames)
flood() { sim_set gen "ch=$ch size=64 count=200000"; }
flood
i=0
while [ $i -lt "$ITER" ]; do
	case $((i % 4)) in
	0) xdp_attach "$w" xdp_pass.o ;;
	1) xdp_attach "$w" xdp_drop.o ;;	# replace
	2) xdp_detach "$w" ;;
	3) ip -force link set dev "$w" xdp obj "$BD_BPF/test/xdp_drop.o" sec xdp ;;
	esac || fail "attach/detach step $i"
	i=$((i + 1))
	gen_done && flood	# keep the flood going for the whole loop
	[ "$(date +%s)" -lt "$end" ] || break
done
log "$i attach/replace/detach steps under flood (of $ITER; ${BUDGET}s budget)"
[ "$i" -ge 100 ] || fail "only $i steps in ${BUDGET}s"
wait_for 600 gen_done || fail "generator did not finish"
xdp_detach "$w"
log "generator: sent $(sim_get gen sent) refused $(sim_get gen refused) in $(sim_get gen elapsed_ns) ns"

sent=$(( $(sim_counter rx_frames) - s0 ))
rx=$(( $(if_stat "$w" rx_packets) - rx0 ))
expect_eq "frames the channel received" "$rx" "$sent"
pass=$(eth_delta "$w" xdp_pass "$p0")
drop=$(eth_delta "$w" xdp_drop "$d0")
[ $((pass + drop)) -le "$rx" ] || fail "verdicts ($pass + $drop) exceed frames ($rx)"
log "verdicts: pass $pass drop $drop, no program $((rx - pass - drop))"
expect_eq "xdp_aborted delta" "$(eth_delta "$w" xdp_aborted "$a0")" 0
udp_exchange m2h $ch 100 64 || fail "no traffic after the flood"
loud_channel $ch
exit $KSFT_PASS
