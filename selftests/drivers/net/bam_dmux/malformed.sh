#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Untrusted input: every class of malformed frame from the modem is dropped
# and counted once, reaches no netdev, and traffic goes on.
. "$(dirname "$0")/lib.sh"
require_sim "it injects malformed frames"
bd_setup


# case NAME COUNTER HEX...: inject, then COUNTER must grow by exactly one
check() {
	_name=$1 _ctr=$2
	shift 2
	_before=$(drv_stat "$_ctr")
	sim_inject "$@"
	wait_cond 10 '[ "$(drv_stat "$_ctr")" -gt "$_before" ]' ||
		fail "$_name: $_ctr did not count it"
	expect_eq "$_name: $_ctr delta" $(( $(drv_stat "$_ctr") - _before )) 1
}

w0=$(wwan_of 0)
# nothing but the injected frames on channel 0 (no IPv6 chatter to count)
quiet_channel 0
ip link set "$(wwan_of 6)" down
rx0=$(if_stat "$w0" rx_packets)

check "4-byte transfer" rx_short fc 33 00 00
check "bad magic" rx_bad_magic 34 12 00 00 00 00 04 00 45 00 00 04
check "unknown command" rx_bad_cmd fc 33 00 07 00 00 00 00
check "channel 9" rx_bad_channel fc 33 00 00 00 09 04 00 45 00 00 04
check "channel 255" rx_bad_channel fc 33 00 01 00 ff 00 00
check "len 2041" rx_bad_len fc 33 00 00 00 00 f9 07 45 00 00 04
check "len past transfer" rx_bad_len fc 33 00 00 00 00 64 00 45 00 00 14
check "empty DATA" rx_empty fc 33 00 00 00 00 00 00
check "closed channel" rx_inactive_channel fc 33 00 00 00 06 04 00 45 00 00 04

expect_eq "$w0 rx_packets delta" $(( $(if_stat "$w0" rx_packets) - rx0 )) 0
loud_channel 0 || fail "cannot address channel 0"
ip link set "$(wwan_of 6)" up
bd_addr_channel 6
ping -c 3 -i 0.2 -W 5 10.0.0.2 >/dev/null || fail "no traffic after malformed frames"
ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 10.6.0.1 >/dev/null || fail "channel 6 after malformed frames"
exit $KSFT_PASS
