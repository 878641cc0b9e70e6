#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# REMOTE_TYPE=ssh, dry run: the far end of channel 7 given as ssh to the
# simulator's namespace, through netns_ssh.sh, a STAND-IN ssh on PATH (the
# guest has no sshd; it runs the command line in the namespace with sh -c,
# as sshd would). Checks the environment's ssh path as the traffic tests use
# it: arguments with blanks, quotes, $ and globs arrive intact; ping both
# ways, IPv4 and IPv6; counted UDP both ways (the modem's end counts
# exactly); an unreachable host fails remote_cmd. The whole suite's dry run:
# docs/testing.md, "Environment".
. "$(dirname "$0")/lib.sh"
require_sim "a dry run of REMOTE_TYPE=ssh against the simulator's namespace"
require_root
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ mkdir "$tmp/bin" && ln -s "$dir/netns_ssh.sh" "$tmp/bin/ssh"; } || fail "cannot install the stand-in"
PATH=$tmp/bin:$PATH

ch=7
bd_load_modules || fail "cannot load the modules"
wait_for 60 all_channels_up 8 || fail "expected 8 wwan channels, have $(wwan_count)"
NETIF=$(wwan_of $ch) LOCAL_V4=$(local_addr4 $ch) REMOTE_V4=$(remote_addr4 $ch)
LOCAL_V6=$(local_addr6 $ch) REMOTE_V6=$(remote_addr6 $ch)
REMOTE_TYPE=ssh REMOTE_ARGS="root@$NS -o ConnectTimeout=5"
bd_env $ch
sim_end || fail "NETIF=$NETIF is not the simulator's channel $ch"
trap 'rm -rf "$tmp"; loud_channel $ch' EXIT
[ "$(command -v ssh)" = "$tmp/bin/ssh" ] || fail "ssh is $(command -v ssh), not the stand-in"

# shellcheck disable=SC2016  # the $ is the point
out=$(remote_cmd printf '%s|' "a b" "it's" '$HOME' '*' '"q"') || fail "remote_cmd failed"
# shellcheck disable=SC2016
expect_eq "arguments at the far end" "$out" 'a b|it'"'"'s|$HOME|*|"q"|'
expect_eq "the far end's namespace" "$(remote_cmd ip -br link show "mdm$ch" | cut -d' ' -f1)" "mdm$ch"

ping -c 1 -W 5 "$REMOTE_V4" >/dev/null || fail "IPv4 host -> remote"
ping -6 -c 1 -W 5 "$REMOTE_V6" >/dev/null || fail "IPv6 host -> remote"
remote_cmd ping -c 1 -W 5 "$LOCAL_V4" >/dev/null || fail "IPv4 remote -> host over ssh"
remote_cmd ping -6 -c 1 -W 5 "$LOCAL_V6" >/dev/null || fail "IPv6 remote -> host over ssh"
log "ping both ways, IPv4 and IPv6"

m=mdm$ch
mrx0=$(ns_if_stat $m rx_packets)
mtx0=$(ns_if_stat $m tx_packets)
quiet_channel $ch
env_udp_exchange out 200 1000 || fail "UDP host -> remote over ssh"
env_udp_exchange in 200 1000 || fail "UDP remote -> host over ssh"
expect_eq "$m rx_packets delta" $(( $(ns_if_stat $m rx_packets) - mrx0 )) 200
expect_eq "$m tx_packets delta" $(( $(ns_if_stat $m tx_packets) - mtx0 )) 200

REMOTE_ARGS=root@no-such-host
if remote_cmd true 2>/dev/null; then
	fail "remote_cmd succeeded against an unknown host"
fi
log "an unknown host fails remote_cmd"
exit $KSFT_PASS
