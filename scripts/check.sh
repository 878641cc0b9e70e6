#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh TIER...: run the named test tiers (deps build lint test-host vm-lts vm-deb build-debug
# vm-debug vm-debug-pm vm-fault vm-canary; test-vm: the vm tiers of $BAM_DMUX_KERNELS, default
# "lts debug"; the guest tiers two at a time, CHECK_JOBS), print each
# one's TAP on stdout and save it as build/results/<tier>.tap (logs in build/results/logs/),
# then print scripts/summary.sh's "N passed, N failed, N skipped" as the last line.
# Exits non-zero if anything failed. A step that fails or crashes is a "not ok" case, never
# silently missing: a tier that dies before its plan line gets a failed case of its own.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
MAKE=${MAKE:-make}
VM_TIMEOUT=${VM_TIMEOUT:-1800}	# the whole guest suite, one boot
VM_DEBUG_TIMEOUT=${VM_DEBUG_TIMEOUT:-3600}	# each debug kernel tier (KASAN, lockdep)
# BAM_DMUX_CHECK_FULL=1 (make check-full): everything, every cycle. Otherwise (make check, CI)
# the guest tests run quick (BD_QUICK=1: each soaking loop once, lib.sh bd_cycles), and the
# debug kernel runs the data and power paths, the program swap under flood and the reload;
# the rest of the suite runs there in check-full only (docs/testing.md, "What CI runs").
FULL=${BAM_DMUX_CHECK_FULL:-0}
QUICK=$([ "$FULL" = 1 ] && echo 0 || echo 1)
# On the debug kernel never mainline's fidelity cases (that module is built for 6.12 only) or
# ack_timeout.sh (in the fault tier); each test gets 900 s, not 300, as everything runs about
# 3x slower there (KASAN, lockdep, kmemleak, DMA-API debug).
# Two tiers, two guests side by side: vm-debug the data path, vm-debug-pm power and the
# modem's life.
DEBUG_TESTS_FULL="probe.sh channels.sh ping.sh ping_all.sh udp.sh mtu.sh dyn_mtu.sh stats.sh
	backpressure.sh malformed.sh xdp_basic.sh xdp_adjust.sh xdp_redirect.sh xdp_modes.sh dmux_stat.sh
	xdp_flood.sh qmap.sh qmap_fw.sh dmux_stat_qmap.sh reload.sh unload.sh"
DEBUG_PM_TESTS_FULL="runtime_pm.sh autosuspend.sh modem_power.sh pc_race.sh no_a2_pc.sh
	modem_crash.sh lose_irq.sh tx_hold.sh"
DEBUG_TESTS_CI="ping.sh udp.sh dyn_mtu.sh malformed.sh xdp_basic.sh xdp_redirect.sh dmux_stat.sh
	xdp_flood.sh qmap.sh reload.sh"
DEBUG_PM_TESTS_CI="runtime_pm.sh modem_power.sh pc_race.sh no_a2_pc.sh modem_crash.sh lose_irq.sh"
if [ "$FULL" = 1 ]; then
	DEBUG_TESTS=${DEBUG_TESTS:-$DEBUG_TESTS_FULL}
	DEBUG_PM_TESTS=${DEBUG_PM_TESTS:-$DEBUG_PM_TESTS_FULL}
else
	DEBUG_TESTS=${DEBUG_TESTS:-$DEBUG_TESTS_CI}
	DEBUG_PM_TESTS=${DEBUG_PM_TESTS:-$DEBUG_PM_TESTS_CI}
fi
DEBUG_TEST_TIMEOUT=${DEBUG_TEST_TIMEOUT:-900}
VM_TESTS=${VM_TESTS:-/opt/bam-dmux/selftests/drivers/net/bam_dmux/run_tests}
# the fault-injection tier (debug kernel)
FAULT_TESTS=${FAULT_TESTS:-"fault_rx_alloc.sh fault_dma_prep.sh ack_timeout.sh fault_power.sh fault_unload.sh"}
KERNELS=${BAM_DMUX_KERNELS:-lts debug}
RESULTS=build/results
LOGS=$RESULTS/logs
mkdir -p "$LOGS"

tier="" tap="" n=0
# mawk (Debian's awk) reads pipes in blocks: make it pass TAP lines on as they come
AWK=(awk)
if awk -W version 2>/dev/null | grep -q mawk; then AWK=(awk -W interactive); fi

emit() { printf '%s\n' "$@" | tee -a "$tap"; }
diag() { sed 's/^/# /' | tee -a "$tap"; }

# case_status NAME STATUS CMD...: one case, ok if CMD exits with STATUS (its output goes to
# $LOGS/<tier>-NAME.log).
case_status() {
	local name=$1 want=$2 log=$LOGS/$tier-$1.log rc
	shift 2
	echo "# $tier: $name: $*" >&2
	"$@" >"$log" 2>&1
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ]; then
		emit "ok $n $name"
	else
		emit "not ok $n $name # exit $rc (not $want), log $log"
		tail -n 40 "$log" | diag
	fi
	return 0
}
# case_cmd NAME CMD...: one case, ok if CMD exits 0.
case_cmd() {
	local name=$1
	shift
	case_status "$name" 0 "$@"
}

case_skip() { n=$((n + 1)); emit "ok $n $1 # SKIP $2"; }

# case_tap NAME CMD...: CMD prints TAP/KTAP; its top-level results become cases "NAME: ...",
# renumbered; subtests (indented) and comments pass through. A non-zero exit without any
# "not ok", or no result at all, or fewer results than planned, adds a failed case.
# Sets TAP_RC to CMD's exit status and TAP_FAILED to the number of its "not ok" results.
case_tap() {
	local name=$1 log=$LOGS/$tier-$1.log stats
	shift
	echo "# $tier: $name: $*" >&2
	stats=$(mktemp)
	"$@" 2>"$log" | "${AWK[@]}" -v n="$n" -v name="$name" -v stats="$stats" -v tap="$tap" '
		function out(s) { print s; print s >> tap; fflush() }
		/^(not )?ok( |$)/ {
			notok = ($0 ~ /^not ok/)
			line = $0
			sub(/^(not )?ok( +[0-9]+)?( +- +)?( +)?/, "", line)
			n++; results++; if (notok) failed++
			out((notok ? "not ok " : "ok ") n " " name ": " line)
			next
		}
		/^(TAP|KTAP) version/ { next }
		/^[0-9]+\.\.[0-9]+/ { split($0, p, /\.\./); plan = p[2] + 0; next }
		/^Bail out!/ { bail = 1; out("# " $0); next }
		/^[ \t]/ || /^#/ { out($0); next }
		{ out("# " $0) }
		END { printf "%d %d %d %d %d\n", n, results, failed, plan, bail > stats }'
	TAP_RC=${PIPESTATUS[0]}
	local results failed plan bail
	read -r n results failed plan bail <"$stats"
	rm -f "$stats"
	TAP_FAILED=$failed
	if [ "$results" = 0 ]; then
		n=$((n + 1))
		emit "not ok $n $name # no TAP results (exit $TAP_RC, log $log)"
		TAP_FAILED=1
		tail -n 20 "$log" | diag
	elif [ "$plan" -gt "$results" ] || [ "$bail" = 1 ]; then
		n=$((n + 1))
		emit "not ok $n $name: $((plan - results)) of $plan planned results missing (exit $TAP_RC)"
		TAP_FAILED=$((failed + 1))
	elif [ "$TAP_RC" != 0 ] && [ "$failed" = 0 ] && [ "${CASE_TAP_STATUS_CHECKED:-0}" = 0 ]; then
		n=$((n + 1))
		emit "not ok $n $name # exited with status $TAP_RC, log $log"
		tail -n 20 "$log" | diag
	fi
	return 0
}

have_target() {	# dir target: the Makefile in dir has that target
	[ -f "$1/Makefile" ] && grep -q "^$2:" "$1/Makefile"
}

want_kernel() { [[ " $KERNELS " == *" $1 "* ]]; }

# The debug kernel (fetched and built once per source version and fragment: 10-25 min from an
# empty cache) builds in the background from the deps tier on, while the lts lane's build,
# lint, host tests and guest suite run. Not niced: it is the cold run's critical path, and on a
# machine busy with other work a niced build starved (its source took 32 min to unpack beside
# two other engineers' guests). The build-debug tier
# waits for it (debug-kernel.sh holds its lock while fetching and building) and reports its
# exit status; a failed background build is reported, not built again.
DK_BG_LOG=$LOGS/deps-debug-kernel-bg.log
DK_BG_RC=$RESULTS/.debug-kernel.rc
DK_BG_PID=$RESULTS/.debug-kernel.pid
DK_LOCK=$(scripts/env.sh --print | sed -n 's/^CACHE=//p')/debug/.lock
debug_kernel_start() {
	rm -f "$DK_BG_RC" "$DK_BG_PID"
	mkdir -p "$(dirname "$DK_LOCK")"
	# its own process group (setsid), so that an interrupted check can stop the whole build
	setsid sh -c 'scripts/debug-kernel.sh; echo $? >"$1"' sh "$DK_BG_RC" \
		>"$DK_BG_LOG" 2>&1 </dev/null &
	echo $! >"$DK_BG_PID"
	echo "# deps: debug kernel building in the background (pid $!, log $DK_BG_LOG)" >&2
}
debug_kernel_stop() {
	local pid
	[ -f "$DK_BG_PID" ] || return 0
	pid=$(cat "$DK_BG_PID")
	rm -f "$DK_BG_PID"
	[ -f "$DK_BG_RC" ] || kill -- -"$pid" 2>/dev/null
	return 0
}

tier_deps() {
	case_cmd deps scripts/deps.sh --no-debug-kernel
	if [[ " ${tiers[*]} " == *" build-debug "* ]]; then debug_kernel_start; fi
}

# debug-kernel: the background build's result (or, without one, a build now); kmod-debug: the
# driver built against it. vm-debug, vm-fault and vm-canary use what this tier built.
tier_build-debug() {
	local log=$LOGS/$tier-debug-kernel.log rc
	if [ -f "$DK_BG_PID" ]; then
		echo "# build-debug: waiting for the background debug kernel build" >&2
		# taken by debug-kernel.sh for the whole fetch and build; the rc file is
		# written right after it exits
		flock "$DK_LOCK" true
		while [ ! -f "$DK_BG_RC" ] && kill -0 "$(cat "$DK_BG_PID")" 2>/dev/null; do
			sleep 1
		done
		rm -f "$DK_BG_PID"
	fi
	if [ -f "$DK_BG_RC" ]; then
		rc=$(cat "$DK_BG_RC")
		rm -f "$DK_BG_RC"
		cp "$DK_BG_LOG" "$log"
		n=$((n + 1))
		if [ "$rc" = 0 ]; then
			emit "ok $n debug-kernel (built in the background)"
		else
			emit "not ok $n debug-kernel # exit $rc in the background, log $log"
			tail -n 40 "$log" | diag
		fi
	else
		case_cmd debug-kernel scripts/debug-kernel.sh
	fi
	case_cmd kmod-debug "$MAKE" kmod-debug
}

tier_build() {
	case_cmd kmod-lts "$MAKE" kmod-lts
	case_cmd mainline "$MAKE" mainline
	case_cmd rmnet "$MAKE" rmnet
	if [ -f bpf/Makefile ]; then case_cmd bpf "$MAKE" bpf; else case_skip bpf "no bpf/Makefile"; fi
	if [ -f tools/dmux-stat/Makefile ]; then
		case_cmd tools "$MAKE" tools
	else
		case_skip tools "no tools/dmux-stat/Makefile"
	fi
	# arm64 CLI + the selftests' helpers and XDP test programs
	if have_target tools/dmux-stat arm64 || [ -f selftests/drivers/net/bam_dmux/Makefile ]; then
		case_cmd guest "$MAKE" guest
	else
		case_skip guest "nothing to build for the guest yet"
	fi
}

tier_lint() {
	case_cmd checkpatch "$MAKE" checkpatch
	case_cmd sparse "$MAKE" sparse
}

tier_test-host() {
	case_tap wire "$MAKE" -s wire-test
	case_tap fuzz "$MAKE" -s wire-fuzz
	case_tap map "$MAKE" -s map-test
	case_tap map-fuzz "$MAKE" -s map-fuzz
	if have_target bpf test-host; then
		case_tap bpf "$MAKE" -s --no-print-directory -C bpf test-host
	else
		case_skip bpf "no test-host target in bpf/Makefile"
	fi
	if have_target tools/dmux-stat test-host; then
		case_tap tools "$MAKE" -s --no-print-directory -C tools/dmux-stat test-host
	else
		case_skip tools "no test-host target in tools/dmux-stat/Makefile"
	fi
}

# The packages (tests/deb/test_deb.sh): built and checked on the host, then installed and run
# in a Debian 6.12 guest; a guest tier, so that it runs beside the others.
tier_vm-deb() {
	case_tap deb tests/deb/test_deb.sh
}

# vm_suite KERNEL TIMEOUT CMD...: one boot of KERNEL running CMD (KTAP), its cases, and one
# case for the kernel log (on the debug kernel: KASAN, lockdep, sleeping in atomic, kmemleak).
vm_suite() {
	local kernel=$1 timeout=$2 what clean
	shift 2
	local log=$LOGS/$tier-bam_dmux.log console=$LOGS/$tier-console.log
	# without the driver every test would skip ("needs the simulated modem") and pass
	if [ ! -f "build/kmod-$kernel/qcom_bam_dmux.ko" ]; then
		n=$((n + 1))
		emit "not ok $n bam_dmux: no build/kmod-$kernel/qcom_bam_dmux.ko (the build failed)"
		return 0
	fi
	if [ ! -x selftests/drivers/net/bam_dmux/run_tests ]; then
		n=$((n + 1))
		emit "not ok $n bam_dmux: selftests/drivers/net/bam_dmux/run_tests missing"
		return 0
	fi
	what="no oops, BUG, WARN, lockup, stall, taint"
	[ "$kernel" != debug ] || what="$what, KASAN, lockdep, kmemleak"
	clean="vm: $kernel kernel log clean ($what)"
	CASE_TAP_STATUS_CHECKED=1 case_tap bam_dmux selftests/vm/run --kernel "$kernel" \
		--timeout "$timeout" --log "$console" -- "$@"
	n=$((n + 1))
	case "$TAP_RC" in
	124)	emit "not ok $n vm: guest timed out after $timeout s (log $console)"
		tail -n 15 "$console" | diag ;;
	125)	emit "not ok $n $clean"
		grep -v '^vm: command started' "$log" | tail -n 120 | diag ;;
	*)	emit "ok $n $clean"
		# a failing status without any failed case is a failure of its own
		if [ "$TAP_RC" != 0 ] && [ "$TAP_FAILED" = 0 ]; then
			n=$((n + 1))
			emit "not ok $n vm: run_tests exited with status $TAP_RC"
		fi ;;
	esac
}

tier_vm-lts() { vm_suite lts "$VM_TIMEOUT" "BD_QUICK=$QUICK" "$VM_TESTS"; }
# shellcheck disable=SC2086
tier_vm-debug() {
	vm_suite debug "$VM_DEBUG_TIMEOUT" "BD_QUICK=$QUICK" "BD_TEST_TIMEOUT=$DEBUG_TEST_TIMEOUT" \
		"$VM_TESTS" $DEBUG_TESTS
}
# shellcheck disable=SC2086
tier_vm-debug-pm() {
	vm_suite debug "$VM_DEBUG_TIMEOUT" "BD_QUICK=$QUICK" "BD_TEST_TIMEOUT=$DEBUG_TEST_TIMEOUT" \
		"$VM_TESTS" $DEBUG_PM_TESTS
}
# fault injection: the tests skip (exit 4) where the kernel lacks the facility
tier_vm-fault() {
	# shellcheck disable=SC2086
	vm_suite debug "$VM_DEBUG_TIMEOUT" "BD_QUICK=$QUICK" "BD_TEST_TIMEOUT=$DEBUG_TEST_TIMEOUT" \
		"$VM_TESTS" $FAULT_TESTS
}

# The lane's negative control (debug kernel): selftests/vm/canary commits each kind of bug the
# debug kernel must report. The run must fail with status 125 and show every report; a lane
# that stopped seeing one would otherwise pass quietly.
CANARY_REPORTS=("KASAN=BUG: KASAN: slab-out-of-bounds"
	"lockdep=possible circular locking dependency"
	"sleeping in atomic context=BUG: sleeping function called from invalid context"
	"kmemleak=unreferenced object 0x")
tier_vm-canary() {
	local log=$LOGS/$tier-canary.log r
	case_status canary 125 selftests/vm/run --kernel debug --timeout 600 \
		--log "$LOGS/$tier-console.log" -- insmod /opt/bam-dmux/kmod/bd_canary.ko
	for r in "${CANARY_REPORTS[@]}"; do
		n=$((n + 1))
		if grep -qF "${r#*=}" "$log"; then
			emit "ok $n canary: ${r%%=*} report seen"
		else
			emit "not ok $n canary: ${r%%=*} report seen # no '${r#*=}' in $log"
		fi
	done
}

# vm-debug, vm-debug-pm, vm-fault and vm-canary run what build-debug built: name it before them
# (test-vm does).
[ $# -gt 0 ] || { echo "usage: $0 TIER... (deps build lint test-host vm-lts vm-deb build-debug vm-debug vm-debug-pm vm-fault vm-canary test-vm)" >&2; exit 2; }
tiers=()
for tier in "$@"; do
	if [ "$tier" = test-vm ]; then
		want_kernel lts && tiers+=(vm-lts vm-deb)
		if want_kernel debug; then tiers+=(build-debug vm-debug vm-debug-pm vm-fault vm-canary); fi
	else
		tiers+=("$tier")
	fi
	declare -F "tier_$tier" >/dev/null || [ "$tier" = test-vm ] ||
		{ echo "check: unknown tier '$tier'" >&2; exit 2; }
done

# run_tier TIER: one tier in a subshell (whatever happens inside, it ends with its plan or a
# failure), its TAP in $RESULTS/TIER.tap and on stdout.
run_tier() {
	local t0=$SECONDS cnt
	tier=$1 tap=$RESULTS/$1.tap
	: >"$tap"
	echo "# tier $tier" >&2
	(
		n=0
		emit "TAP version 13"
		"tier_$tier"
		emit "1..$n"
	)
	if ! tail -n 1 "$tap" | grep -qE '^1\.\.[0-9]+$'; then
		cnt=$(grep -cE '^(not )?ok ' "$tap")
		emit "not ok $((cnt + 1)) $tier: tier crashed" "1..$((cnt + 1))"
	fi
	emit "# tier $tier took $((SECONDS - t0)) s"
}

# The guest tiers (and build-debug, which mostly waits for the background build) run
# CHECK_JOBS at a time, default 2: a TCG guest keeps less than one of the machine's two cores
# busy (the tests wait on timers, the modem and each other), so two guests side by side take
# little longer than one (docs/testing.md, "Two guests at a time"). They start in the order
# given; a debug-kernel tier waits until build-debug has finished. A finished tier's TAP is
# printed whole, so that two tiers never interleave on stdout.
CHECK_JOBS=${CHECK_JOBS:-2}
POOL=$RESULTS/.pool
is_pooled() { case "$1" in vm-* | build-debug) return 0 ;; *) return 1 ;; esac; }
on_debug_kernel() { case "$1" in vm-debug* | vm-fault | vm-canary) return 0 ;; *) return 1 ;; esac; }
pool_pop() {	# prints the next tier of the queue, or fails when it is empty
	local next
	{
		flock 8
		next=$(head -n 1 "$POOL.queue")
		[ -n "$next" ] || return 1
		sed -i 1d "$POOL.queue"
		echo "$next"
	} 8>"$POOL.lock"
}
pool_worker() {
	local t
	while t=$(pool_pop); do
		if on_debug_kernel "$t" && [ -f "$POOL.wait-build-debug" ]; then
			echo "# $t: waiting for build-debug" >&2
			# a tier of another worker, not a process of ours: its marker file is the
			# only thing to wait on
			while [ -f "$POOL.wait-build-debug" ]; do sleep 1; done
		fi
		run_tier "$t" >/dev/null
		[ "$t" != build-debug ] || rm -f "$POOL.wait-build-debug"
		{ flock 8; cat "$RESULTS/$t.tap"; } 8>"$POOL.lock"
	done
}
run_pool() {	# TIER...: the pooled tiers
	local w pids
	if [ "$CHECK_JOBS" -le 1 ] || [ $# -le 1 ]; then
		for t in "$@"; do run_tier "$t"; done
		return
	fi
	printf '%s\n' "$@" >"$POOL.queue"
	rm -f "$POOL.wait-build-debug"
	if [[ " $* " == *" build-debug "* ]]; then : >"$POOL.wait-build-debug"; fi
	pids=()
	for ((w = 0; w < CHECK_JOBS; w++)); do
		pool_worker &
		pids+=($!)
	done
	wait "${pids[@]}"	# not the background debug kernel build
	rm -f "$POOL.queue" "$POOL.lock" "$POOL.wait-build-debug"
}

trap debug_kernel_stop EXIT
check_t0=$SECONDS
files=() pooled=()
for tier in "${tiers[@]}"; do
	files+=("$RESULTS/$tier.tap")
	if is_pooled "$tier"; then
		pooled+=("$tier")
		continue
	fi
	[ ${#pooled[@]} -eq 0 ] || { run_pool "${pooled[@]}"; pooled=(); }
	run_tier "$tier"
done
[ ${#pooled[@]} -eq 0 ] || run_pool "${pooled[@]}"
echo "# check: ${tiers[*]}: $((SECONDS - check_t0)) s in all"
scripts/summary.sh "${files[@]}"
