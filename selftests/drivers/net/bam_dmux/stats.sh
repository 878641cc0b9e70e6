#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# NETIF's counters, after the kernel's drivers/net/stats.py: netdev-genl
# qstats, stats64 (the sysfs statistics) and ethtool -S agree on packets and
# bytes both ways (equal against the simulator's quiet channel; read in that
# order on a live link, each at least the one before), and no counter of the
# three goes down across ip link down/up. NETIF and its far end from lib.sh's
# bd_env (with the simulator: channel 4 and its modem). Takes NETIF down and
# up: on a phone, the connection manager may have to restore its routes.
. "$(dirname "$0")/lib.sh"
bd_env 4
require_bd_netif
drv_counts || skip "mainline's driver keeps no netdev statistics"
command -v dmux_nl >/dev/null || skip "no dmux_nl helper in $BD_BIN"
command -v ethtool >/dev/null || skip "needs ethtool"
w=$NETIF
if [ -n "$REMOTE_V4" ]; then
	ping_remote() { ping -c "$1" -i 0.2 -W 5 "$REMOTE_V4"; }
elif [ -n "$REMOTE_V6" ]; then
	ping_remote() { ping -6 -c "$1" -i 0.2 -W 5 "$REMOTE_V6"; }
fi
! sim_end || quiet_channel "$BD_CH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ! sim_end || loud_channel "$BD_CH"' EXIT

# agree: qstats, stats64, ethtool -S, qstats again, for each counter
agree() {
	for k in rx_packets rx_bytes tx_packets tx_bytes; do
		q=$(qstat "$w" "$(echo "$k" | tr _ -)")
		s=$(if_stat "$w" "$k")
		e=$(eth_stat "$w" "$k")
		q2=$(qstat "$w" "$(echo "$k" | tr _ -)")
		if sim_end; then
			if [ "$q" != "$s" ] || [ "$s" != "$e" ] || [ "$e" != "$q2" ]; then
				fail "$k: qstats $q, stats64 $s, ethtool -S $e, qstats $q2"
			fi
		elif ! { [ "$q" -le "$s" ] && [ "$s" -le "$e" ] && [ "$e" -le "$q2" ]; }; then
			fail "$k out of order: qstats $q, stats64 $s, ethtool -S $e, qstats $q2"
		fi
		log "$k: qstats $q, stats64 $s, ethtool -S $e"
	done
}
# snap FILE: every counter of the three, "source:name value" a line
snap() {
	{
		ethtool -S "$w" | awk -F: 'NF == 2 { gsub(/[ \t]/, "", $1); gsub(/[ \t]/, "", $2); print "ethtool:" $1, $2 }'
		for f in "/sys/class/net/$w/statistics/"*; do
			read -r v <"$f" && echo "stats64:${f##*/} $v"
		done
		dmux_nl qstats "$w" | awk '{ s[$1] += $2 } END { for (k in s) print "qstats:" k, s[k] }'
	} >"$1"
	[ -s "$1" ] || fail "no counters read for $w"
}
# no_decrease BEFORE AFTER WHEN
no_decrease() {
	awk -v when="$3" 'NR == FNR { b[$1] = $2; next }
		($1 in b) && $2 + 0 < b[$1] + 0 { print "# " $1 " went down " when ": " b[$1] " -> " $2; bad = 1 }
		END { exit bad }' "$1" "$2" || fail "counters went down $3"
	log "$(wc -l <"$2") counters, none went down $3"
}

if command -v ping_remote >/dev/null; then
	ping_remote 5 >/dev/null || fail "no traffic to the remote end"
else
	log "no REMOTE_V4 or REMOTE_V6: the counters are compared as they are"
fi
agree

snap "$tmp/before"
ip link set "$w" down || fail "ip link set $w down"
snap "$tmp/down"
no_decrease "$tmp/before" "$tmp/down" "at down"
ip link set "$w" up || fail "ip link set $w up"
# shellcheck disable=SC2016  # wait_cond evaluates it anew each time
wait_cond 10 '[ "$(cat /sys/class/net/$w/operstate)" != down ]' ||
	fail "$w did not come up: $(cat "/sys/class/net/$w/operstate")"
snap "$tmp/up"
no_decrease "$tmp/down" "$tmp/up" "at up"

if sim_end; then
	bd_addr_channel "$BD_CH"
	quiet_channel "$BD_CH"
	ping_remote 5 >/dev/null || fail "no traffic after down/up"
	agree
	snap "$tmp/after"
	no_decrease "$tmp/up" "$tmp/after" "with traffic after up"
elif command -v ping_remote >/dev/null && wait_for 10 ping_remote 1; then
	agree
else
	log "no traffic after down/up (a live link's routes are the connection manager's): agreement after up not checked"
fi
exit $KSFT_PASS
