#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# IPv4 and IPv6 ping, host to remote and remote to host, over NETIF (the
# environment, lib.sh's bd_env; with the simulator: channel 0 and its modem).
. "$(dirname "$0")/lib.sh"
bd_env 0

w=$NETIF
tx0=$(if_stat "$w" tx_packets)
rx0=$(if_stat "$w" rx_packets)
if sim_end; then
	m=mdm$BD_CH
	mrx0=$(ns_if_stat "$m" rx_packets)
	mtx0=$(ns_if_stat "$m" tx_packets)
fi
# pings run in each direction: every one of them counts 5 requests and 5 replies
out=0 in=0
if [ -n "$REMOTE_V4" ]; then
	ping -c 5 -i 0.2 -W 5 "$REMOTE_V4" >/dev/null || fail "IPv4 host -> remote ($REMOTE_V4)"
	out=$((out + 1))
else
	log "no REMOTE_V4: IPv4 host -> remote not run"
fi
if [ -n "$REMOTE_V6" ]; then
	ping -6 -c 5 -i 0.2 -W 5 "$REMOTE_V6" >/dev/null || fail "IPv6 host -> remote ($REMOTE_V6)"
	out=$((out + 1))
else
	log "no REMOTE_V6: IPv6 host -> remote not run"
fi
if ! has_remote; then
	log "no REMOTE_TYPE: remote -> host not run"
else
	if [ -n "$LOCAL_V4" ]; then
		remote_cmd ping -c 5 -i 0.2 -W 5 "$LOCAL_V4" >/dev/null || fail "IPv4 remote -> host ($LOCAL_V4)"
		in=$((in + 1))
	else
		log "no LOCAL_V4: IPv4 remote -> host not run"
	fi
	if [ -n "$LOCAL_V6" ]; then
		remote_cmd ping -6 -c 5 -i 0.2 -W 5 "$LOCAL_V6" >/dev/null || fail "IPv6 remote -> host ($LOCAL_V6)"
		in=$((in + 1))
	else
		log "no LOCAL_V6: IPv6 remote -> host not run"
	fi
fi
log "$out ping(s) host -> remote, $in remote -> host"
n=$(( (out + in) * 5 ))
if sim_end; then
	expect_ge "$m rx_packets delta" $(( $(ns_if_stat "$m" rx_packets) - mrx0 )) $n
	expect_ge "$m tx_packets delta" $(( $(ns_if_stat "$m" tx_packets) - mtx0 )) $n
fi
if drv_counts; then
	expect_ge "$w tx_packets delta" $(( $(if_stat "$w" tx_packets) - tx0 )) $n
	expect_ge "$w rx_packets delta" $(( $(if_stat "$w" rx_packets) - rx0 )) $n
fi
exit $KSFT_PASS
