#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Unload and reload the driver under traffic, then the modem's own driver:
# no oops, no leak (the VM lane checks the log and kmemleak), channels back.
. "$(dirname "$0")/lib.sh"
require_sim
bd_setup

for i in 1 2 3; do
	ip netns exec "$NS" ping -c 2000 -i 0.002 -W 1 10.0.0.1 >/dev/null 2>&1 &
	p=$!
	ping -c 2000 -i 0.002 -W 1 10.1.0.2 >/dev/null 2>&1 &
	q=$!
	tx0=$(if_stat "$(wwan_of 1)" tx_packets)
	wait_for 10 test "$(if_stat "$(wwan_of 1)" tx_packets)" -ge $((tx0 + 50)) ||
		fail "no traffic before unload ($i)"
	rmmod qcom_bam_dmux || fail "rmmod failed ($i)"
	[ "$(wwan_count)" = 0 ] || fail "netdevs left after rmmod"
	kill $p $q 2>/dev/null
	wait $p $q 2>/dev/null
	bd_setup
	ping -c 2 -W 5 10.0.0.2 >/dev/null || fail "no traffic after reload $i"
	log "reload $i under traffic: ok"
done

# The provider goes away under the consumer: the consumer is unbound first.
rmmod bam_dmux_sim || fail "rmmod bam_dmux_sim failed"
[ "$(wwan_count)" = 0 ] || fail "netdevs left without the modem"
[ -d /sys/module/qcom_bam_dmux ] || fail "driver module vanished"
bd_setup
ping -c 2 -W 5 10.0.0.2 >/dev/null || fail "no traffic after the modem came back"
log "modem driver reload: ok"
exit $KSFT_PASS
