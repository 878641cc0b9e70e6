#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# IPv4 and IPv6 ping on all eight channels at once, both directions. With a
# configured environment (lib.sh's bd_env) the same on its one NETIF.
. "$(dirname "$0")/lib.sh"
bd_env 0

if [ -z "$BD_ENV_CONF" ]; then
	chans="0 1 2 3 4 5 6 7"
else
	chans='env'
fi
dir=$(mktemp -d)
for ch in $chans; do
	if [ "$ch" = env ]; then
		r4=$REMOTE_V4 r6=$REMOTE_V6 l4=$LOCAL_V4
	else
		r4=$(remote_addr4 "$ch") r6=$(remote_addr6 "$ch") l4=$(local_addr4 "$ch")
	fi
	[ -z "$r4" ] || ( ping -c 20 -i 0.05 -W 5 "$r4" >/dev/null; echo $? > "$dir/4-$ch" ) &
	[ -z "$r6" ] || ( ping -6 -c 20 -i 0.05 -W 5 "$r6" >/dev/null; echo $? > "$dir/6-$ch" ) &
	if [ -n "$l4" ] && has_remote; then
		( remote_cmd ping -c 20 -i 0.05 -W 5 "$l4" >/dev/null; echo $? > "$dir/m-$ch" ) &
	fi
done
wait
for f in "$dir"/*; do
	[ "$(cat "$f")" = 0 ] || fail "ping $(basename "$f") failed"
done
log "$(ls "$dir" | wc -l) concurrent pings succeeded"
rm -rf "$dir"
exit $KSFT_PASS
