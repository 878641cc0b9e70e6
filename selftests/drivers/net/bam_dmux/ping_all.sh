#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# IPv4 and IPv6 ping on all eight channels at once, both directions.
. "$(dirname "$0")/lib.sh"
require_sim
bd_setup

dir=$(mktemp -d)
for ch in 0 1 2 3 4 5 6 7; do
	( ping -c 20 -i 0.05 -W 5 "10.$ch.0.2" >/dev/null; echo $? > "$dir/4-$ch" ) &
	( ping -6 -c 20 -i 0.05 -W 5 "fd00:$ch::2" >/dev/null; echo $? > "$dir/6-$ch" ) &
	( ip netns exec "$NS" ping -c 20 -i 0.05 -W 5 "10.$ch.0.1" >/dev/null; echo $? > "$dir/m-$ch" ) &
done
wait
for f in "$dir"/*; do
	[ "$(cat "$f")" = 0 ] || fail "ping $(basename "$f") failed"
done
log "$(ls "$dir" | wc -l) concurrent pings succeeded"
rm -rf "$dir"
exit $KSFT_PASS
