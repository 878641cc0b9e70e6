#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# summary.sh FILE.tap...: count the top-level TAP/KTAP results of all files and print
#   N passed, N failed, N skipped
# Top-level means not indented (KTAP subtests are indented and counted by their parent).
# "ok ... # SKIP" and "not ok ... # SKIP|TODO" count as skipped. A file that is missing or
# holds no result at all counts as one failure (a tier must never vanish silently).
# Exit status: 0 if nothing failed, 1 otherwise.
set -euo pipefail

pass=0 fail=0 skip=0
for f in "$@"; do
	if [ ! -f "$f" ]; then
		echo "summary: $f: missing" >&2
		fail=$((fail + 1))
		continue
	fi
	read -r p x s n < <(awk '
		/^ok( |$)/ || /^not ok( |$)/ {
			n++
			if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/ || ($0 ~ /^not ok/ && $0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/)) s++
			else if ($0 ~ /^ok/) p++
			else x++
		}
		END { if (!n) x = 1; printf "%d %d %d %d\n", p, x, s, n }' "$f")
	[ "$n" -gt 0 ] || echo "summary: $f: no test result" >&2
	pass=$((pass + p)) fail=$((fail + x)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
