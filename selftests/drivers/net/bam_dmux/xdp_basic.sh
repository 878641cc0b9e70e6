#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Native XDP verdicts on a Raw-IP channel, after the kernel's drivers/net/xdp.py:
# PASS delivers, DROP drops, TX echoes back to the modem intact, ABORTED
# drops and fires the xdp_exception tracepoint. Every frame counts in
# rx-packets whatever its verdict, and XDP_TX ones in tx-packets. Over NETIF
# and its far end (lib.sh's bd_env; with the simulator: channel 1 and its
# modem); exact counts against the simulator, at least as many on a live link.
. "$(dirname "$0")/lib.sh"
xdp_test_begin 1
N=2000

feat=$(dmux_nl features "$w")
log "$feat"
case $feat in *"basic redirect ndo-xmit"*) ;; *) fail "xdp_features: $feat" ;; esac

# PASS
xdp_attach "$w" xdp_pass.o || fail "attach pass"
ip link show "$w" | grep -q "prog/xdp" || fail "not attached in native mode"
p0=$(eth_stat "$w" xdp_pass)
q0=$(qstat "$w" rx-packets)
env_udp_exchange in $N 64 || fail "PASS lost datagrams"
expect_sent "xdp_pass delta" "$(eth_delta "$w" xdp_pass "$p0")" $N
expect_ge "qstats rx-packets delta" $(( $(qstat "$w" rx-packets) - q0 )) $N

# DROP: counted, nothing reaches the stack
xdp_attach "$w" xdp_drop.o || fail "attach drop"
d0=$(eth_stat "$w" xdp_drop)
q0=$(qstat "$w" rx-packets)
u0=$(udp_in)
remote_send4 $N 64 || fail "send"
wait_for 60 eth_reached "$w" xdp_drop $((d0 + N)) || fail "xdp_drop: $(eth_delta "$w" xdp_drop "$d0") of $N"
expect_sent "xdp_drop delta" "$(eth_delta "$w" xdp_drop "$d0")" $N
# the stack's UDP counters are the host's, all interfaces': exact only when
# nothing else runs (the simulator's namespace)
! sim_end || expect_eq "UDP datagrams reaching the stack" $(( $(udp_in) - u0 )) 0
expect_ge "qstats rx-packets delta" $(( $(qstat "$w" rx-packets) - q0 )) $N

# TX: echo, payload sizes 0, small and MTU-max, back on the modem side intact
xdp_attach "$w" xdp_tx.o || fail "attach tx"
t0=$(eth_stat "$w" xdp_tx)
x0=$(eth_stat "$w" xdp_tx_err)
q0=$(qstat "$w" tx-packets)
total=0
for size in 0 750 1472; do
	out=$(remote_cmd dmux_udp echo "$LOCAL_V4" $((9000 + ch)) 300 $size 5000) ||
		fail "XDP_TX echo, size $size: $out"
	log "size $size: $out"
	total=$((total + 300))
done
expect_sent "xdp_tx delta" "$(eth_delta "$w" xdp_tx "$t0")" $total
expect_ge "qstats tx-packets delta" $(( $(qstat "$w" tx-packets) - q0 )) $total
expect_eq "xdp_tx_err delta" "$(eth_delta "$w" xdp_tx_err "$x0")" 0

# ABORTED: dropped, counted, and visible as a tracepoint event
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
[ -d $T/events/xdp ] || T=/sys/kernel/debug/tracing
echo 0 > $T/tracing_on
echo > $T/trace
echo 1 > $T/events/xdp/xdp_exception/enable
echo 1 > $T/tracing_on
xdp_attach "$w" xdp_aborted.o || fail "attach aborted"
a0=$(eth_stat "$w" xdp_aborted)
remote_send4 100 64 || fail "send"
wait_for 30 eth_reached "$w" xdp_aborted $((a0 + 100)) || fail "xdp_aborted not counted"
echo 0 > $T/events/xdp/xdp_exception/enable
events=$(grep -c "xdp_exception.*ABORTED" $T/trace)
expect_ge "xdp_exception tracepoint events" "$events" 100

xdp_detach "$w"
ip link show "$w" | grep -q "prog/xdp" && fail "program still attached"
env_udp_exchange in 100 64 || fail "no traffic after detach"
exit $KSFT_PASS
