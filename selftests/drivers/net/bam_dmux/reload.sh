#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Unload and reload the driver under traffic, then the modem's own driver:
# no oops, no leak (the VM lane checks the log and kmemleak), channels back.
. "$(dirname "$0")/lib.sh"
require_sim "it reloads the driver and restarts the modem"
bd_setup

for i in $(seq "$(bd_cycles 3)"); do
	ip netns exec "$NS" ping -c 2000 -i 0.002 -W 1 10.0.0.1 >/dev/null 2>&1 &
	p=$!
	ping -c 2000 -i 0.002 -W 1 10.1.0.2 >/dev/null 2>&1 &
	q=$!
	tx0=$(if_stat "$(wwan_of 1)" tx_packets)
	wait_cond 10 '[ "$(if_stat "$(wwan_of 1)" tx_packets)" -ge $((tx0 + 50)) ]' ||
		fail "no traffic before unload ($i)"
	rmmod qcom_bam_dmux || fail "rmmod failed ($i)"
	[ "$(wwan_left)" = 0 ] || fail "netdevs left after rmmod"
	kill $p $q 2>/dev/null
	wait $p $q 2>/dev/null
	bd_load_modules || fail "insmod failed ($i)"
	modem_restart
	bd_setup
	ping -c 2 -i 0.2 -W 5 10.0.0.2 >/dev/null || fail "no traffic after reload $i"
	log "reload $i under traffic: ok"
done

# The provider goes away under the consumer (its module cannot: the
# consumer holds its DMA channels): the device link unbinds the consumer
# first, and binding the provider again brings everything back.
SIMDRV=/sys/bus/platform/drivers/bam-dmux-modem-sim
simdev=$(basename "$(readlink -f "$SIMDRV"/*modem-sim* 2>/dev/null | head -n 1)")
[ -n "$simdev" ] || fail "simulator device not found"
echo "$simdev" > "$SIMDRV/unbind" || fail "unbind $simdev"
[ "$(wwan_left)" = 0 ] || fail "netdevs left without the modem"
bd_dev >/dev/null && fail "driver still bound without its provider"
echo "$simdev" > "$SIMDRV/bind" || fail "bind $simdev"
ip netns del "$NS" 2>/dev/null
bd_setup	# a new modem powers up and announces its channels by itself
ping -c 2 -i 0.2 -W 5 10.0.0.2 >/dev/null || fail "no traffic after the modem came back"
log "modem driver reload: ok"
exit $KSFT_PASS
