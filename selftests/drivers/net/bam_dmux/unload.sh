#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Last: unload everything. The modules must go, the netdevs with them, and
# the simulator must have seen no protocol violation from the host.
. "$(dirname "$0")/lib.sh"
require_sim "it unloads the simulator with the driver"
for c in short bad_magic bad_cmd bad_channel bad_len bad_pad; do
	expect_eq "modem counter $c" "$(sim_counter $c)" 0
done
bd_unload_modules || fail "unload failed"
[ "$(wwan_left)" = 0 ] || fail "netdevs left"
[ ! -d /sys/module/qcom_bam_dmux ] || fail "driver still loaded"
exit $KSFT_PASS
