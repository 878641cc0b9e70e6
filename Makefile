# SPDX-License-Identifier: GPL-2.0-only
#
# bam-dmux-xdp: top-level build and test entry points. `make help` lists them.
# Everything is built under build/ (git-ignored); kernels, sources and the guest rootfs are
# cached in $(CACHE) (scripts/deps.sh, docs/interfaces.md "Cache").

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

# Paths and versions (CACHE KREL KVER KDIR KIMAGE KMODDIR SRCDIR CROSS_COMPILE ROOTFS ...).
$(shell mkdir -p build && scripts/env.sh --make >build/env.mk.$$$$ && mv build/env.mk.$$$$ build/env.mk)
include build/env.mk

# The VM lane's kernels: lts (Debian's 6.12) and debug (the newest Debian source with KASAN,
# lockdep, kmemleak: scripts/debug-kernel.sh). KERNEL=lts or KERNEL=debug picks one alone.
KERNEL ?= all
KERNELS := $(if $(filter all,$(KERNEL)),lts debug,$(KERNEL))
ifneq ($(filter-out lts debug,$(KERNELS)),)
$(error KERNEL must be all, lts or debug (got '$(KERNEL)'))
endif
export BAM_DMUX_KERNELS := $(KERNELS)

# Anything missing (cache, cross compiler, QEMU, clang): run scripts/deps.sh first.
NO_DEPS_GOALS := deps clean distclean help
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
HAVE_DEPS := $(and $(wildcard $(KDIR)/Makefile),$(wildcard $(KDIR)/scripts/basic/fixdep),\
	$(wildcard /usr/src/linux-headers-$(KVER)-common/Makefile),$(wildcard $(KIMAGE)),\
	$(wildcard $(ROOTFS)),$(wildcard $(SRCDIR)/scripts/checkpatch.pl),\
	$(shell command -v $(CROSS_COMPILE)gcc),\
	$(shell command -v qemu-system-aarch64),$(shell command -v clang),$(shell command -v sparse))
ifeq ($(HAVE_DEPS),)
$(info make: dependencies missing: running scripts/deps.sh)
ifneq ($(shell scripts/deps.sh --no-debug-kernel >&2 && echo ok),ok)
$(error scripts/deps.sh failed)
endif
$(shell scripts/env.sh --make >build/env.mk.$$$$ && mv build/env.mk.$$$$ build/env.mk)
include build/env.mk
endif
endif

KMOD_OUT := $(abspath build/kmod-lts)
KMOD_DEBUG_OUT := $(abspath build/kmod-debug)
CANARY_OUT := $(abspath build/canary-debug)
MAINLINE_OUT := $(abspath build/mainline)
RMNET_OUT := $(abspath build/rmnet)
ARM64_BIN := $(abspath build/arm64-bin)
TESTS_OUT := $(abspath build/tests)
KMAKE := $(MAKE) -C $(KDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)
# Build products kbuild leaves next to the sources (kept when re-syncing kmod/).
KBUILD_PRODUCTS := --filter='P *.o' --filter='P *.ko' --filter='P *.mod' --filter='P *.mod.c' \
	--filter='P .*.cmd' --filter='P *.order' --filter='P *.symvers' --filter='P .*.d' \
	--filter='P *.a' --filter='P .tmp_*' --filter='P *.s' --filter='P *.i'

HOST_CC ?= cc
WIRE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -Itests/wire -Ikmod
FUZZ_SECONDS ?= 20
FULL_FUZZ_SECONDS ?= 120
VM_TIMEOUT ?= 600
VM_TESTS := /opt/bam-dmux/selftests/drivers/net/bam_dmux/run_tests

.PHONY: all deps debug-kernel kmod kmod-lts kmod-debug mainline rmnet bpf tools guest lint checkpatch sparse test-host wire-test \
	wire-fuzz map-test map-fuzz test-vm check check-full soak demo bench bench-guest power vm-shell clean distclean help

all: kmod bpf tools guest

help:
	@echo 'make deps       install host packages, fetch kernel/source/rootfs into $(CACHE)'
	@echo 'make [all]      kmod + bpf + tools + guest (arm64 tools)'
	@echo 'make kmod       driver and simulator modules (arm64, W=1) for each kernel:'
	@echo '                build/kmod-lts/ (Debian 6.12), build/kmod-debug/ (debug kernel)'
	@echo 'make debug-kernel  fetch and build the debug kernel (newest Debian source) if needed'
	@echo 'make mainline   mainline qcom_bam_dmux.ko from linux-source, in build/mainline/'
	@echo 'make rmnet      rmnet.ko (CONFIG_RMNET=m, off in Debian 6.12) from linux-source, in build/rmnet/'
	@echo 'make lint       checkpatch --strict and sparse (C=2) on kmod/, TAP'
	@echo 'make test-host  wire and map unit tests, $(FUZZ_SECONDS) s libFuzzer run of each, bpf/tools'
	@echo '                host tests, TAP'
	@echo 'make test-vm    guest selftests in QEMU (selftests/vm/run), KTAP'
	@echo 'make check      all tiers; results in build/results/*.tap, last line the summary'
	@echo '                (VM tiers vm-lts, vm-deb, vm-debug, vm-debug-pm, vm-fault, vm-canary, two at a time; KERNEL=lts|debug: one lane)'
	@echo 'make check-full the same with the whole suite on the debug kernel, 120 s of fuzzing'
	@echo 'make soak       hours on the debug kernel: 1000 power and crash cycles, 100 reloads, 1 h per fuzzer'
	@echo 'make demo|bench selftests/vm/run -- the demo/bench script'
	@echo '                (bench: BENCH_CLOCK=icount|wall, BENCH_RUNS/COUNT/SIZES/CASES, BENCH_INSN, BENCH_BPF)'
	@echo 'make power      power-collapse cycles per minute, ours and mainline (docs/performance.md)'
	@echo 'make kprof      the guest sampling profiler, build/kprof/kprof.ko (docs/performance.md)'
	@echo 'make deb        arm64 Debian packages in build/deb/ (DKMS source, dmux-stat, selftests)'
	@echo 'make vm-shell   boot the guest and run CMD="..." (default: uname -a)'

deps:
	scripts/deps.sh $(if $(filter debug,$(KERNELS)),,--no-debug-kernel)

debug-kernel:
	scripts/debug-kernel.sh

# --- builds ---

kmod: $(addprefix kmod-,$(KERNELS))

kmod-lts:
	@mkdir -p $(KMOD_OUT)
	rsync -a --delete $(KBUILD_PRODUCTS) kmod/ $(KMOD_OUT)/
	$(KMAKE) M=$(KMOD_OUT) W=1 modules

# against the debug kernel's build tree (built first if missing: about 10 min)
kmod-debug:
	@mkdir -p $(KMOD_DEBUG_OUT)
	rsync -a --delete $(KBUILD_PRODUCTS) kmod/ $(KMOD_DEBUG_OUT)/
	@mkdir -p $(CANARY_OUT)
	cp -p selftests/vm/canary/Kbuild selftests/vm/canary/bd_canary.c $(CANARY_OUT)/
	dk='$(DKBUILD)'; [ -n "$$dk" ] || dk=$$(scripts/debug-kernel.sh) && \
	$(MAKE) -C "$$dk" ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) M=$(KMOD_DEBUG_OUT) W=1 modules && \
	$(MAKE) -C "$$dk" ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) M=$(CANARY_OUT) W=1 modules

# Mainline's driver, built out of tree from the cached linux-source (fidelity tier).
mainline:
	@mkdir -p $(MAINLINE_OUT)
	cp -p $(SRCDIR)/drivers/net/wwan/qcom_bam_dmux.c $(MAINLINE_OUT)/
	echo 'obj-m := qcom_bam_dmux.o' >$(MAINLINE_OUT)/Kbuild
	$(KMAKE) M=$(MAINLINE_OUT) modules

# rmnet (QMAP demultiplexing on top of a Raw-IP netdev), which Debian's arm64 6.12 leaves out
# (CONFIG_RMNET is not set): built out of tree from the cached linux-source the same way, its
# own Makefile as the Kbuild file, for the lts guest's /opt/bam-dmux/rmnet/ (docs/qmap.md).
RMNET_SRC = $(SRCDIR)/drivers/net/ethernet/qualcomm/rmnet
rmnet:
	@mkdir -p $(RMNET_OUT)
	cp -p $(RMNET_SRC)/*.[ch] $(RMNET_OUT)/
	cp -p $(RMNET_SRC)/Makefile $(RMNET_OUT)/Kbuild
	$(KMAKE) M=$(RMNET_OUT) CONFIG_RMNET=m modules

bpf:
	@if [ -f bpf/Makefile ]; then $(MAKE) -C bpf all; else echo 'bpf: no bpf/Makefile yet'; fi

tools:
	@if [ -f tools/dmux-stat/Makefile ]; then $(MAKE) -C tools/dmux-stat all; \
	else echo 'tools: no tools/dmux-stat/Makefile yet'; fi

# dmux-stat, its man page and the BPF objects (PREFIX, DESTDIR: tools/dmux-stat/Makefile).
.PHONY: install
install:
	$(MAKE) -C tools/dmux-stat install

# Debian packages for arm64 into build/deb/: DKMS source, dmux-stat, selftests (scripts/mkdeb.sh).
.PHONY: deb
deb: bpf guest
	scripts/mkdeb.sh

# arm64 binaries and test programs for the guest: the CLI into build/arm64-bin/ (-> /opt/bam-dmux/bin/),
# the selftests' helpers and XDP test programs into build/arm64-bin/ and build/bpf/test/.
SELFTESTS_DIR := selftests/drivers/net/bam_dmux
guest:
	@mkdir -p $(ARM64_BIN)
	@if [ -f tools/dmux-stat/Makefile ]; then \
		$(MAKE) -C tools/dmux-stat arm64 ARM64_O=$(ARM64_BIN) CROSS_COMPILE=$(CROSS_COMPILE); \
	else echo 'guest: no tools/dmux-stat/Makefile yet'; fi
	@if [ -f $(SELFTESTS_DIR)/Makefile ]; then \
		$(MAKE) -C $(SELFTESTS_DIR) all O=$(abspath build) CROSS_COMPILE=$(CROSS_COMPILE); \
	else echo 'guest: no $(SELFTESTS_DIR)/Makefile yet'; fi

# --- lint (each fails on any finding) ---

lint:
	scripts/check.sh lint

checkpatch:
	$(SRCDIR)/scripts/checkpatch.pl --strict --no-tree --terse --show-types -f \
		$(wildcard kmod/*.[ch] kmod/sim/*.[ch])

# C=2: sparse on every source, whether rebuilt or not; any warning (sparse or W=1) fails.
sparse:
	@mkdir -p $(KMOD_OUT)
	rsync -a --delete $(KBUILD_PRODUCTS) kmod/ $(KMOD_OUT)/
	set -o pipefail; $(KMAKE) M=$(KMOD_OUT) W=1 C=2 CHECK=sparse modules 2>&1 | \
		sed 's|$(KMOD_OUT)/|kmod/|g' | tee build/sparse.log
	@if grep -E '(warning|error):' build/sparse.log; then \
		echo 'sparse: findings above'; exit 1; fi

# --- tests ---

test-host:
	scripts/check.sh test-host

$(TESTS_OUT)/test_wire: tests/wire/test_wire.c kmod/bam_dmux_wire.h kmod/sim/sim_wire.h tests/wire/bam_dmux_wire_host.h \
		tests/wire/tap_result.h
	@mkdir -p $(@D)
	$(HOST_CC) $(WIRE_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all $< -o $@

$(TESTS_OUT)/fuzz_wire: tests/wire/fuzz_wire.c kmod/bam_dmux_wire.h kmod/sim/sim_wire.h tests/wire/bam_dmux_wire_host.h
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Itests/wire -Ikmod $< -o $@

wire-test: $(TESTS_OUT)/test_wire
	@$<

wire-fuzz: $(TESTS_OUT)/fuzz_wire
	@tests/wire/fuzz.sh $< $(FUZZ_SECONDS)

# The QMAP walker (kmod/bam_dmux_map.h), same shim and flags; its fuzz run is MAP_FUZZ_SECONDS.
MAP_FUZZ_SECONDS ?= $(FUZZ_SECONDS)
$(TESTS_OUT)/test_map: tests/map/test_map.c kmod/bam_dmux_map.h tests/wire/bam_dmux_wire_host.h \
		tests/wire/tap_result.h
	@mkdir -p $(@D)
	$(HOST_CC) $(WIRE_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all $< -o $@

$(TESTS_OUT)/fuzz_map: tests/map/fuzz_map.c kmod/bam_dmux_map.h tests/wire/bam_dmux_wire_host.h
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Itests/wire -Ikmod $< -o $@

map-test: $(TESTS_OUT)/test_map
	@$<

map-fuzz: $(TESTS_OUT)/fuzz_map
	@tests/wire/fuzz.sh $< $(MAP_FUZZ_SECONDS) tests/map/map.dict 20000

VM_TIERS := $(if $(filter lts,$(KERNELS)),vm-lts vm-deb) \
	$(if $(filter debug,$(KERNELS)),build-debug vm-debug vm-debug-pm vm-fault vm-canary)
test-vm:
	scripts/check.sh $(VM_TIERS)

# What CI runs (docs/testing.md, "What CI runs"): the debug kernel (built in the background
# while the lts lane runs) takes the data and power paths, the fault tier and the canary.
check:
	rm -rf build/results
	scripts/check.sh deps build lint test-host $(VM_TIERS)

# Everything: the whole suite on the debug kernel too, and a longer fuzz run. Run it before
# resolving an issue and report it; CI has no time for it.
check-full:
	rm -rf build/results
	BAM_DMUX_CHECK_FULL=1 FUZZ_SECONDS=$(FULL_FUZZ_SECONDS) \
		scripts/check.sh deps build lint test-host $(VM_TIERS)

# Long runs on the debug kernel, outside make check (hours): SOAK_CYCLES power cycles under
# pings both ways, crash/restart cycles under UDP both ways and program swaps under flood,
# SOAK_FAULT_CYCLES power cycles under bulk UDP on two channels (10-30 s each there),
# SOAK_RELOADS driver reloads under traffic, SOAK_FUZZ_SECONDS of each fuzzer. Report the
# figures in docs/testing.md.
SOAK_CYCLES ?= 1000
SOAK_FAULT_CYCLES ?= 100
SOAK_RELOADS ?= 100
SOAK_FUZZ_SECONDS ?= 3600
SOAK_TESTS ?= modem_power.sh modem_crash.sh xdp_flood.sh
soak: kmod-debug guest
	@mkdir -p build/soak
	set -o pipefail; selftests/vm/run --kernel debug --timeout 172800 --log build/soak/console-cycles.log -- \
		'BD_TEST_TIMEOUT=172800 BD_FLOOD_SECONDS=172800 BD_CYCLES=$(SOAK_CYCLES) $(VM_TESTS) $(SOAK_TESTS)' | tee build/soak/cycles.log
	set -o pipefail; selftests/vm/run --kernel debug --timeout 172800 --log build/soak/console-fault.log -- \
		'BD_TEST_TIMEOUT=172800 BD_CYCLES=$(SOAK_FAULT_CYCLES) $(VM_TESTS) fault_power.sh' | tee build/soak/fault.log
	set -o pipefail; selftests/vm/run --kernel debug --timeout 172800 --log build/soak/console-reload.log -- \
		'BD_TEST_TIMEOUT=172800 BD_CYCLES=$(SOAK_RELOADS) $(VM_TESTS) reload.sh' | tee build/soak/reload.log
	$(MAKE) wire-fuzz map-fuzz FUZZ_SECONDS=$(SOAK_FUZZ_SECONDS)

# The lead's scripts, in the guest, on the current build.
demo: kmod-lts bpf tools guest rmnet
	selftests/vm/run -- /opt/bam-dmux/selftests/demo.sh

# Not a test: prints the table, writes build/bench/{bench,bpf}.json, bench.md and bench.png.
# BENCH_CLOCK=icount (default): QEMU counts instructions (1 ns each) and the guest's clock
# follows them, so a busy machine does not change the numbers; wall: real time, as the
# hardware would, but at the mercy of the machine's load. BENCH_RUNS, BENCH_COUNT,
# BENCH_SIZES, BENCH_CASES go to selftests/bench/bench.sh in the guest.
BENCH_CLOCK ?= icount
ifneq ($(filter-out icount wall,$(BENCH_CLOCK)),)
$(error BENCH_CLOCK must be icount or wall (got '$(BENCH_CLOCK)'))
endif
BENCH_QEMU_icount := -icount shift=0,sleep=off
BENCH_ENV := BENCH_CLOCK=$(BENCH_CLOCK) $(foreach v,BENCH_RUNS BENCH_COUNT BENCH_SIZES BENCH_CASES \
	BENCH_BPF BENCH_BPF_REPEAT BENCH_BPF_TRIALS,\
	$(if $($(v)),$(v)="$($(v))"))
# BENCH_INSN=1 (default, icount only): QEMU also loads selftests/bench/insn_plugin.c, which
# counts each vCPU's instructions around every run: the report checks the guest's busy time
# against them (docs/performance.md, "The host's cost per frame").
# BENCH_PROF=1 (with BENCH_INSN=1) adds the plugin's profile of the host's CPU: instructions per
# symbol and frame for every case, scripts/bench-profile, build/bench/profile.md.
BENCH_INSN ?= 1
BENCH_PROF ?= 0
comma := ,
BENCH_PLUGIN := $(if $(and $(filter 1,$(BENCH_INSN)),$(filter icount,$(BENCH_CLOCK))),\
	-plugin $(abspath build/bench/insn_plugin.so)$(comma)out=$(abspath build/bench/insn.txt)$(if \
	$(filter 1,$(BENCH_PROF)),$(comma)prof=$(abspath build/bench/prof.txt)))
BENCH_SHARE := $(if $(findstring prof=,$(BENCH_PLUGIN)),--share build/bench/share)
bench: all mainline bench-guest build/bench/insn_plugin.so
	rm -rf build/bench/insn.txt build/bench/prof.txt build/bench/share
	mkdir -p build/bench/share
	set -o pipefail; BAM_DMUX_QEMU_ARGS='$(BENCH_QEMU_$(BENCH_CLOCK)) $(BENCH_PLUGIN)' \
		selftests/vm/run --kernel lts --timeout 3000 --log build/bench/console.log $(BENCH_SHARE) -- \
		'$(strip $(BENCH_ENV) $(if $(BENCH_SHARE),BENCH_SYMS=1)) /opt/bam-dmux/selftests/bench/bench.sh' | \
		tee build/bench/vm.log
	-$(MAKE) -C bpf bench-host
	scripts/bench-report build/bench/vm.log build/bench build/bench/insn.txt
	$(if $(BENCH_SHARE),scripts/bench-profile build/bench/vm.log build/bench/insn.txt \
		build/bench/prof.txt build/bench/share build/bench/profile.md)

build/bench/insn_plugin.so: selftests/bench/insn_plugin.c
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC -fvisibility=hidden -o $@ $<

# The bench's guest pieces, into build/arm64-bin/ (-> /opt/bam-dmux/bin/): bench_run (a run and
# the CPUs' busy time around it), bpf_bench (bpf/bench on the guest's JIT) and cpubusy.ko (the
# lts kernel's per-CPU idle time in microseconds: selftests/bench/cpubusy).
BENCH_GUEST_OUT := $(abspath build/bench-guest)
bench-guest: bpf
	@mkdir -p $(ARM64_BIN) $(BENCH_GUEST_OUT)
	$(CROSS_COMPILE)gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
		-o $(ARM64_BIN)/bench_run selftests/bench/bench_run.c
	$(MAKE) -C bpf bench-arm64 ARM64_O=$(ARM64_BIN) CROSS_COMPILE=$(CROSS_COMPILE)
	cp selftests/bench/cpubusy/cpubusy.c selftests/bench/cpubusy/Kbuild $(BENCH_GUEST_OUT)/
	$(KMAKE) M=$(BENCH_GUEST_OUT) W=1 modules
	cp $(BENCH_GUEST_OUT)/cpubusy.ko $(ARM64_BIN)/

# Power economy (issue 9, docs/performance.md "Power economy"): power-collapse cycles per
# minute, idle / 1 packet a second / bulk, for this driver and mainline's on a `collapse` modem.
# Not a test: prints the table, writes build/power/{power.json,power.md}. Same clocks as bench
# (POWER_CLOCK, default icount); POWER_SECONDS, POWER_LOAD_SECONDS, POWER_DRIVERS,
# POWER_PHASES go to selftests/bench/power_economy.sh in the guest; POWER_SHARE=DIR is shared
# with it at /mnt/share (POWER_DRIVERS='ours before=/mnt/share/qcom_bam_dmux.ko': another build).
POWER_CLOCK ?= icount
ifneq ($(filter-out icount wall,$(POWER_CLOCK)),)
$(error POWER_CLOCK must be icount or wall (got '$(POWER_CLOCK)'))
endif
POWER_ENV := $(foreach v,POWER_SECONDS POWER_LOAD_SECONDS POWER_DRIVERS POWER_PHASES,\
	$(if $($(v)),$(v)="$($(v))"))
power: kmod-lts mainline guest
	@mkdir -p build/power
	set -o pipefail; BAM_DMUX_QEMU_ARGS='$(BENCH_QEMU_$(POWER_CLOCK))' \
		selftests/vm/run --kernel lts --timeout 3000 --log build/power/console.log \
		$(if $(POWER_SHARE),--share $(POWER_SHARE)) -- \
		'$(strip $(POWER_ENV)) /opt/bam-dmux/selftests/bench/power_economy.sh' | \
		tee build/power/vm.log
	scripts/power-report build/power/vm.log build/power

# The guest's sampling profiler (no perf there): build/kprof/kprof.ko, for bench.sh's BENCH_KPROF.
kprof:
	@mkdir -p build/kprof
	cp selftests/bench/kprof/kprof.c selftests/bench/kprof/Kbuild build/kprof/
	$(KMAKE) M=$(abspath build/kprof) W=1 modules

CMD ?= uname -a
vm-shell:
	selftests/vm/run --kernel $(firstword $(KERNELS)) --timeout $(VM_TIMEOUT) -- '$(CMD)'

clean:
	rm -rf build

# also the cache (kernels, sources, rootfs)
distclean: clean
	rm -rf $(CACHE)
