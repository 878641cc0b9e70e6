#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fuzz.sh FUZZER [SECONDS] [DICT] [MAX_LEN]: a bounded libFuzzer run, reported as TAP.
# For build/tests/fuzz_NAME (fuzz_wire, fuzz_map) the corpus grows in build/tests/NAME-corpus/
# (kept between runs); a crash leaves its input as build/tests/NAME-crash-* and the log as
# build/tests/fuzz_NAME.log. DICT defaults to tests/wire/wire.dict, MAX_LEN to 4200.
set -euo pipefail

fuzzer=${1:?usage: fuzz.sh FUZZER [SECONDS] [DICT] [MAX_LEN]}
secs=${2:-20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dict=${3:-$here/wire.dict}
max_len=${4:-4200}
out=$(cd "$(dirname "$fuzzer")" && pwd)
prog=$(basename "$fuzzer")
name=${prog#fuzz_}
corpus=$out/$name-corpus
log=$out/$prog.log
mkdir -p "$corpus"

echo "TAP version 13"
echo "1..1"
set +e
timeout -k 5 $((secs + 60)) "$fuzzer" -max_total_time="$secs" -max_len="$max_len" -timeout=10 \
	-dict="$dict" -artifact_prefix="$out/$name-" -print_final_stats=1 \
	"$corpus" >"$log" 2>&1
rc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$rc" = 0 ]; then
	echo "ok 1 $prog: ${runs:-?} inputs in ${secs} s, invariants held"
else
	echo "not ok 1 $prog: exit $rc after ${runs:-?} inputs (log $log)"
	grep -E 'invariant:|ERROR|SUMMARY|artifact' "$log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
