#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fuzz.sh FUZZER [SECONDS]: a bounded libFuzzer run of fuzz_wire, reported as TAP.
# The corpus grows in build/tests/wire-corpus/ (kept between runs); a crash leaves its input
# as build/tests/wire-crash-* and the log as build/tests/fuzz_wire.log.
set -euo pipefail

fuzzer=${1:?usage: fuzz.sh FUZZER [SECONDS]}
secs=${2:-20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(cd "$(dirname "$fuzzer")" && pwd)
corpus=$out/wire-corpus
log=$out/fuzz_wire.log
mkdir -p "$corpus"

echo "TAP version 13"
echo "1..1"
set +e
timeout -k 5 $((secs + 60)) "$fuzzer" -max_total_time="$secs" -max_len=4200 -timeout=10 \
	-dict="$here/wire.dict" -artifact_prefix="$out/wire-" -print_final_stats=1 \
	"$corpus" >"$log" 2>&1
rc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$rc" = 0 ]; then
	echo "ok 1 fuzz_wire: ${runs:-?} inputs in ${secs} s, invariants held"
else
	echo "not ok 1 fuzz_wire: exit $rc after ${runs:-?} inputs (log $log)"
	grep -E 'invariant:|ERROR|SUMMARY|artifact' "$log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
