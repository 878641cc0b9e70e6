#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# REMOTE_TYPE=ssh, dry run: NETIF is the simulator's channel 5, its far end
# the modem's namespace reached by ssh at channel 7's address (so the ssh
# session itself does not cross NETIF). With dropbear in the image (the
# guest's rootfs), a real SSH server runs in the namespace and dbclient is
# `ssh` on PATH: key authentication, the remote user's shell and PATH, as on
# a real far host. Without it, netns_ssh.sh, a STAND-IN that runs the command
# line in the namespace with sh -c. Checks: arguments with blanks, quotes, $
# and globs arrive intact; ping both ways, IPv4 and IPv6; counted UDP both
# ways (the modem's end counts exactly); an unreachable host fails
# remote_cmd. BD_SSH_SUITE="T1.sh T2.sh ..." then runs those tests (run_tests)
# through the same ssh and fails if they fail: the whole dry run,
# docs/testing.md, "Environment" (run this script directly then, not under
# run_tests' 300 s).
. "$(dirname "$0")/lib.sh"
require_sim "a dry run of REMOTE_TYPE=ssh against the simulator's namespace"
require_root
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
srv=
ch=5 sshch=7
# shellcheck disable=SC2317  # run by the trap
cleanup() {
	[ -z "$srv" ] || kill "$srv" 2>/dev/null
	[ ! -f "$tmp/authorized" ] || cp "$tmp/authorized" /root/.ssh/authorized_keys
	[ ! -f "$tmp/made_local_bin" ] || rm -f /usr/local/bin/dmux_udp
	rm -rf "$tmp"
	! has_sim || loud_channel "$ch"
}
trap cleanup EXIT
mkdir "$tmp/bin" || fail "mktemp"
PATH=$tmp/bin:$PATH

bd_load_modules || fail "cannot load the modules"
wait_for 60 all_channels_up 8 || fail "expected 8 wwan channels, have $(wwan_count)"
NETIF=$(wwan_of $ch) LOCAL_V4=$(local_addr4 $ch) REMOTE_V4=$(remote_addr4 $ch)
LOCAL_V6=$(local_addr6 $ch) REMOTE_V6=$(remote_addr6 $ch)
host=$(remote_addr4 $sshch)
real=
if command -v dropbear >/dev/null && command -v dbclient >/dev/null; then
	real=1
	kind="dropbear, a real SSH server"
	REMOTE_TYPE=ssh REMOTE_ARGS="-y -y -i $tmp/id root@$host"
else
	kind="netns_ssh.sh, a stand-in (no dropbear in this image)"
	REMOTE_TYPE=ssh REMOTE_ARGS="root@$NS -o ConnectTimeout=5"
fi
bd_env $ch
sim_end || fail "NETIF=$NETIF is not the simulator's channel $ch"
log "ssh: $kind"

if [ -n "$real" ]; then
	ln -s "$(command -v dbclient)" "$tmp/bin/ssh" || fail "ssh link"
	dropbearkey -t ed25519 -f "$tmp/id" 2>/dev/null | grep '^ssh-' >"$tmp/id.pub" || fail "client key"
	dropbearkey -t ed25519 -f "$tmp/hostkey" >/dev/null 2>&1 || fail "host key"
	{ mkdir -p /root/.ssh && chmod 700 /root/.ssh; } || fail "/root/.ssh"
	{
		touch /root/.ssh/authorized_keys && cp /root/.ssh/authorized_keys "$tmp/authorized" &&
			cat "$tmp/id.pub" >>/root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys
	} || fail "authorized_keys"
	# the far host's user finds dmux_udp on its PATH (sshd's default: /usr/local/bin first)
	if ! command -v /usr/local/bin/dmux_udp >/dev/null; then
		{
			mkdir -p /usr/local/bin && ln -s "$(command -v dmux_udp)" /usr/local/bin/dmux_udp &&
				touch "$tmp/made_local_bin"
		} || fail "/usr/local/bin/dmux_udp"
	fi
	ip netns exec "$NS" dropbear -F -E -s -r "$tmp/hostkey" -p "$host:22" 2>"$tmp/server.log" &
	srv=$!
	wait_for 20 remote_cmd true || fail "no ssh session: $(tail -n 3 "$tmp/server.log")"
else
	ln -s "$dir/netns_ssh.sh" "$tmp/bin/ssh" || fail "ssh link"
fi
[ "$(command -v ssh)" = "$tmp/bin/ssh" ] || fail "ssh is $(command -v ssh), not the test's"

# shellcheck disable=SC2016  # the $ is the point
out=$(remote_cmd printf '%s|' "a b" "it's" '$HOME' '*' '"q"' 2>/dev/null) || fail "remote_cmd failed"
# shellcheck disable=SC2016
expect_eq "arguments at the far end" "$out" 'a b|it'"'"'s|$HOME|*|"q"|'
expect_eq "the far end's namespace" "$(remote_cmd cat "/sys/class/net/mdm$ch/ifindex" 2>/dev/null)" \
	"$(ip netns exec "$NS" cat "/sys/class/net/mdm$ch/ifindex")"

ping -c 1 -W 5 "$REMOTE_V4" >/dev/null || fail "IPv4 host -> remote"
ping -6 -c 1 -W 5 "$REMOTE_V6" >/dev/null || fail "IPv6 host -> remote"
remote_cmd ping -c 1 -W 5 "$LOCAL_V4" >/dev/null 2>&1 || fail "IPv4 remote -> host over ssh"
remote_cmd ping -6 -c 1 -W 5 "$LOCAL_V6" >/dev/null 2>&1 || fail "IPv6 remote -> host over ssh"
log "ping both ways, IPv4 and IPv6"

m=mdm$ch
quiet_channel $ch
mrx0=$(ns_if_stat $m rx_packets)
mtx0=$(ns_if_stat $m tx_packets)
env_udp_exchange out 200 1000 2>/dev/null || fail "UDP host -> remote over ssh"
env_udp_exchange in 200 1000 2>/dev/null || fail "UDP remote -> host over ssh"
expect_eq "$m rx_packets delta" $(( $(ns_if_stat $m rx_packets) - mrx0 )) 200
expect_eq "$m tx_packets delta" $(( $(ns_if_stat $m tx_packets) - mtx0 )) 200

good_args=$REMOTE_ARGS
if [ -n "$real" ]; then
	REMOTE_ARGS="-y -y -i $tmp/id root@10.$sshch.0.99"	# nobody there
else
	REMOTE_ARGS=root@no-such-host
fi
if remote_cmd true 2>/dev/null; then
	fail "remote_cmd succeeded against an unknown host"
fi
log "an unknown host fails remote_cmd"

if [ -n "${BD_SSH_SUITE:-}" ]; then
	REMOTE_ARGS=$good_args
	export PATH NETIF LOCAL_V4 LOCAL_V6 REMOTE_V4 REMOTE_V6 REMOTE_TYPE REMOTE_ARGS
	log "the suite through the same ssh ($kind): $BD_SSH_SUITE"
	# shellcheck disable=SC2086
	"$(command -v dash || echo sh)" "$dir/run_tests" $BD_SSH_SUITE >"$tmp/suite.out" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/suite.out"
	[ "$rc" = 0 ] || fail "the suite through ssh failed"
fi
exit $KSFT_PASS
