#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make deb, checked on the host as far as it goes without a VM (TAP; scripts/check.sh test-host,
# case "deb"; docs/testing.md): the packages' control data and file lists; an install into a
# scratch copy of the arm64 guest rootfs (dpkg --root --unpack: maintainer scripts need the
# target, so the VM lane runs them); the DKMS build as dkms runs it (dkms.conf's MAKE in a copy
# of the installed source under a dkms tree) cross-built against the cached Debian 6.12 arm64
# headers, its module's vermagic, and that depmod/modprobe in that root prefer updates/dkms over
# an in-tree qcom_bam_dmux.ko; the installed selftest tree (lib.sh's paths, every listed test,
# arm64 helpers, XDP objects, the kernel's runner).
# shellcheck disable=SC2015,SC2016  # "A && B || fail" is meant; the probes are single-quoted on purpose
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=scripts/env.sh
. scripts/env.sh
MAKE=${MAKE:-make}
NAME=bam-dmux-xdp
LIBDIR=/usr/lib/$NAME
KSFT=$LIBDIR/selftests
T=$KSFT/drivers/net/bam_dmux

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
diag() { sed 's/^/# /'; }
# check DESCRIPTION CMD...: one case, CMD's output as diagnostics when it fails
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what"
		printf '%s\n' "$out" | tail -n 30 | diag
	fi
}

PLAN=16
missing=
for tool in dpkg-deb dpkg dpkg-query file modinfo depmod modprobe cpio "${CROSS_COMPILE}gcc" clang; do
	command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -f "$KDIR/Makefile" ] || missing="$missing $KDIR"
[ -f "$ROOTFS" ] || missing="$missing $ROOTFS"
[ -f "$SRCDIR/tools/testing/selftests/run_kselftest.sh" ] || missing="$missing linux-source"
if [ -n "$missing" ]; then
	echo "1..1"
	echo "ok 1 deb # SKIP missing:$missing (scripts/deps.sh)"
	exit 0
fi
echo "1..$PLAN"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)

# 1. make deb
if out=$($MAKE -s --no-print-directory deb 2>&1); then
	ok "make deb builds the packages ($(( $(date +%s) - t0 )) s)"
else
	not_ok "make deb"
	printf '%s\n' "$out" | tail -n 30 | diag
	echo "Bail out! no packages"
	exit 1
fi
V=$(scripts/mkdeb.sh --version)
DKMS_DEB=build/deb/$NAME-dkms_${V}_all.deb
STAT_DEB=build/deb/dmux-stat_${V}_arm64.deb
ST_DEB=build/deb/$NAME-selftests_${V}_arm64.deb
echo "# version $V (VERSION + git)"

field() { dpkg-deb -f "$1" "$2"; }
files() { dpkg-deb -c "$1" | awk '{ sub(/^\.\//, "", $6); print "/" $6 }'; }

# 2. control data
control() {
	local d
	for d in "$DKMS_DEB" "$STAT_DEB" "$ST_DEB"; do
		[ -f "$d" ] || { echo "no $d"; return 1; }
		[ "$(field "$d" Version)" = "$V" ] || { echo "$d: Version $(field "$d" Version)"; return 1; }
	done
	[ "$(field "$DKMS_DEB" Package)" = $NAME-dkms ] && [ "$(field "$DKMS_DEB" Architecture)" = all ] ||
		{ echo "dkms: Package/Architecture"; return 1; }
	field "$DKMS_DEB" Depends | grep -qw dkms || { echo "dkms: no Depends: dkms"; return 1; }
	[ "$(field "$STAT_DEB" Package)" = dmux-stat ] && [ "$(field "$STAT_DEB" Architecture)" = arm64 ] ||
		{ echo "dmux-stat: Package/Architecture"; return 1; }
	[ "$(field "$ST_DEB" Package)" = $NAME-selftests ] && [ "$(field "$ST_DEB" Architecture)" = arm64 ] ||
		{ echo "selftests: Package/Architecture"; return 1; }
	field "$ST_DEB" Depends | grep -qF "dmux-stat (= $V)" || { echo "selftests: no Depends: dmux-stat (= $V)"; return 1; }
	# the maintainer scripts DKMS needs, valid sh
	dpkg-deb -e "$DKMS_DEB" "$tmp/dkms-ctl"
	for s in postinst prerm; do
		[ -x "$tmp/dkms-ctl/$s" ] && sh -n "$tmp/dkms-ctl/$s" || { echo "dkms: $s"; return 1; }
	done
	grep -q 'common.postinst' "$tmp/dkms-ctl/postinst" && grep -q 'dkms remove' "$tmp/dkms-ctl/prerm"
}
check "control data: versions, architectures, depends, dkms maintainer scripts" control

# 3. dmux-stat: what its binary needs
stat_deps() {
	dpkg-deb -x "$STAT_DEB" "$tmp/stat"
	local f deps
	f=$(file -b "$tmp/stat/usr/sbin/dmux-stat")
	deps=$(field "$STAT_DEB" Depends)
	echo "$f" | grep -q 'ARM aarch64' || { echo "not arm64: $f"; return 1; }
	if echo "$f" | grep -q 'statically linked'; then
		echo "# static: no Depends (${deps:-none})"
		[ -z "$deps" ]
	else
		echo "$deps" | grep -q libbpf1
	fi
}
check "dmux-stat: arm64, Depends match its linking ($(file -b build/deb/dmux-stat-arm64/dmux-stat 2>/dev/null |
	grep -o 'statically linked\|dynamically linked'))" stat_deps

# 4. file lists
file_lists() {
	local f need
	files "$DKMS_DEB" >"$tmp/dkms.list"
	files "$STAT_DEB" >"$tmp/stat.list"
	files "$ST_DEB" >"$tmp/st.list"
	need="/usr/src/$NAME-$V/dkms.conf /usr/src/$NAME-$V/Kbuild"
	for f in kmod/*.c kmod/*.h; do need="$need /usr/src/$NAME-$V/${f#kmod/}"; done
	for f in $need; do grep -qx "$f" "$tmp/dkms.list" || { echo "dkms: no $f"; return 1; }; done
	! grep -q 'sim' "$tmp/dkms.list" || { echo "dkms: ships the simulator"; return 1; }
	need="/usr/sbin/dmux-stat /usr/share/man/man8/dmux-stat.8.gz /usr/lib/bpf/bam-dmux/dmux.bpf.o"
	for f in $need; do grep -qx "$f" "$tmp/stat.list" || { echo "dmux-stat: no $f"; return 1; }; done
	need="$KSFT/run_kselftest.sh $KSFT/kselftest-list.txt $KSFT/kselftest/runner.sh $T/run_tests
		$T/lib.sh $T/bd.env $T/net.config.example $T/dmux_udp.c $T/settings $LIBDIR/bin/dmux_udp $LIBDIR/bpf/test/xdp_pass.o"
	for f in $need; do grep -qx "$f" "$tmp/st.list" || { echo "selftests: no $f"; return 1; }; done
	# the example only: a net.config would configure every owner's tests
	! grep -qx "$T/net.config" "$tmp/st.list" || { echo "selftests: ships a net.config"; return 1; }
	# no file in two packages
	sort "$tmp"/{dkms,stat,st}.list | grep -v '/$' | uniq -d | grep . && { echo "shared files above"; return 1; }
	return 0
}
check "file lists: DKMS source without sim/, CLI + man page + BPF objects, kselftest tree" file_lists

# 5. install into a scratch copy of the guest rootfs
R=$tmp/root
install_root() {
	mkdir -p "$R" && (cd "$R" && zcat "$ROOTFS" | cpio -id --quiet 2>&1) || return 1
	[ -f "$R/var/lib/dpkg/status" ] || { echo "rootfs has no dpkg database"; return 1; }
	# --unpack: no maintainer scripts (they would run in an arm64 chroot: the VM lane's part);
	# dkms and the tools are not in the guest image, so their absence is reported, not forced.
	dpkg --root="$R" --force-architecture --force-depends --unpack \
		"$DKMS_DEB" "$STAT_DEB" "$ST_DEB" 2>&1 | grep -v '^\(Selecting\|Preparing\|Unpacking\|(Reading\)' || true
	local p st
	for p in $NAME-dkms dmux-stat $NAME-selftests; do
		st=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Status} ${Version}' "$p" 2>&1)
		[ "$st" = "install ok unpacked $V" ] || { echo "$p: $st"; return 1; }
	done
	# not grep -q: under pipefail its early exit can fail dpkg-query with SIGPIPE
	dpkg-query --admindir="$R/var/lib/dpkg" -L "$NAME-selftests" | grep -x "$T/run_tests" >/dev/null
}
check "dpkg --root --unpack into a copy of the arm64 guest rootfs" install_root
# What the guest image lacks to configure them there (the VM lane's install): its dpkg database
# may be empty (an image unpacked without dpkg), so look for the commands themselves.
unmet=
for c in dkms ip tc ethtool modprobe ping awk timeout; do
	for d in usr/sbin usr/bin sbin bin; do
		[ -e "$R/$d/$c" ] && continue 2
	done
	unmet="$unmet $c"
done
echo "# guest image: $(grep -c '^Package:' "$R/var/lib/dpkg/status" 2>/dev/null) packages in its dpkg database;" \
	"commands the packages need and it lacks:${unmet:- none}"

# 6. the DKMS build, as dkms runs it: source copied to $dkms_tree/<name>/<version>/build, MAKE[0]
# run there with kernel_source_dir = the headers (cross: ARCH and CROSS_COMPILE in the environment)
DT=$tmp/dkms
B=$DT/$NAME/$V/build
dkms_build() {
	local conf=$R/usr/src/$NAME-$V/dkms.conf
	[ -f "$conf" ] || { echo "no $conf"; return 1; }
	mkdir -p "$B" && cp -a "$R/usr/src/$NAME-$V/." "$B/"
	(
		# shellcheck disable=SC2034  # dkms's variables, read by dkms.conf
		kernelver=$KREL kernel_source_dir=$KDIR dkms_tree=$DT arch=aarch64
		# shellcheck source=/dev/null
		. "$conf"
		[ "$PACKAGE_NAME" = $NAME ] && [ "$PACKAGE_VERSION" = "$V" ] || { echo "dkms.conf: name/version"; exit 1; }
		[ "${#BUILT_MODULE_NAME[@]}" = 1 ] && [ "${BUILT_MODULE_NAME[0]}" = qcom_bam_dmux ] ||
			{ echo "dkms.conf: modules ${BUILT_MODULE_NAME[*]}"; exit 1; }
		[ "${DEST_MODULE_LOCATION[0]}" = /updates/dkms ] || { echo "dkms.conf: ${DEST_MODULE_LOCATION[0]}"; exit 1; }
		[ "$AUTOINSTALL" = yes ] || { echo "dkms.conf: AUTOINSTALL"; exit 1; }
		cd "$B" && echo "# ${MAKE[0]}" &&
			ARCH=arm64 CROSS_COMPILE=$CROSS_COMPILE bash -c "${MAKE[0]}" >"$tmp/dkms-make.log" 2>&1 ||
			{ tail -n 20 "$tmp/dkms-make.log"; exit 1; }
		echo "${BUILT_MODULE_NAME[0]}" >"$tmp/built"
	)
}
check "DKMS build: dkms.conf's MAKE[0] against Debian $KREL arm64 headers (cross)" dkms_build

ko=$B/qcom_bam_dmux.ko
vermagic() {
	[ -f "$ko" ] || { echo "no $ko"; return 1; }
	local vm kos
	kos=$(cd "$B" && find . -name '*.ko' | sort | tr '\n' ' ')
	[ "$kos" = "./qcom_bam_dmux.ko " ] || { echo "modules built: $kos"; return 1; }
	vm=$(modinfo -F vermagic "$ko")
	echo "# vermagic: $vm"
	case "$vm" in "$KREL "*) ;; *) echo "vermagic '$vm' is not $KREL's"; return 1 ;; esac
	[ "$(modinfo -F name "$ko")" = qcom_bam_dmux ] && file -b "$ko" | grep -q 'ARM aarch64'
}
check "qcom_bam_dmux.ko alone, arm64, vermagic $KREL" vermagic

# 7. installed as dkms does (/lib/modules/<kver>/updates/dkms), beside an in-tree module of the
# same name (Debian's arm64 config has none: a copy stands in for the phone kernel's), depmod and
# modprobe in the root pick updates/dkms
modprobe_pref() {
	local md=$R/lib/modules/$KREL out dep f
	[ -f "$ko" ] || { echo "no module"; return 1; }
	mkdir -p "$md/updates/dkms" "$md/kernel/drivers/net/wwan"
	cp "$KMODDIR"/modules.builtin* "$KMODDIR"/modules.order "$md/"
	install -m 0644 "$ko" "$md/updates/dkms/qcom_bam_dmux.ko"
	install -m 0644 "$ko" "$md/kernel/drivers/net/wwan/qcom_bam_dmux.ko"
	# the modules it needs, from the kernel's tree
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		f=$(cd "$KMODDIR" && find kernel -name "$dep.ko*" | head -n 1)
		[ -n "$f" ] && mkdir -p "$md/${f%/*}" && cp "$KMODDIR/$f" "$md/$f"
	done
	depmod -b "$R" "$KREL" || return 1
	out=$(modprobe -d "$R" -S "$KREL" --show-depends qcom_bam_dmux) || return 1
	echo "$out"
	echo "$out" | tail -n 1 | grep -q "^insmod .*/lib/modules/$KREL/updates/dkms/qcom_bam_dmux.ko"
}
check "modprobe qcom_bam_dmux resolves to updates/dkms, not the in-tree module" modprobe_pref

# 8. the installed selftest tree
tree_paths() {
	local probe=$R$T/zz_paths.sh out
	printf '. "$(dirname "$0")/lib.sh"\necho "$BD_ROOT $BD_BIN $BD_BPF"\n' >"$probe"
	# as run_tests runs a test (absolute path) and as the kernel's runner does (./test, cwd)
	out=$(sh "$probe")
	[ "$out" = "$LIBDIR $LIBDIR/bin $LIBDIR/bpf" ] || { echo "by path: $out"; return 1; }
	out=$(cd "$R$T" && sh ./zz_paths.sh)
	[ "$out" = "$LIBDIR $LIBDIR/bin $LIBDIR/bpf" ] || { echo "from its dir: $out"; return 1; }
	out=$(BD_ROOT=/x sh "$probe")
	[ "$out" = "/x /x/bin /x/bpf" ] || { echo "environment: $out"; return 1; }
	rm -f "$probe"
	# and the source tree keeps /opt/bam-dmux (the VM lane's layout)
	printf '. "$(dirname "$0")/lib.sh"\necho "$BD_ROOT"\n' >"$tmp/p.sh"
	cp selftests/drivers/net/bam_dmux/lib.sh "$tmp/"
	[ "$(sh "$tmp/p.sh")" = /opt/bam-dmux ] || { echo "source tree: $(sh "$tmp/p.sh")"; return 1; }
}
check "lib.sh in the installed tree: BD_ROOT/BD_BIN/BD_BPF = $LIBDIR{,/bin,/bpf} (bd.env), env overrides" tree_paths

tree_complete() {
	local tests t bad=''
	tests=$(sed -n '/^TESTS=\${\*:-"/,/"}$/p' "$R$T/run_tests" | sed -e 's/^TESTS=\${\*:-"//' -e 's/"}$//')
	[ -n "$tests" ] || { echo "no list in run_tests"; return 1; }
	for t in $tests; do
		t=${t#mainline:}
		[ -x "$R$T/$t" ] || bad="$bad $t"
	done
	# kselftest-list.txt: collection:test, each there
	while IFS=: read -r c t; do
		[ -x "$R$KSFT/$c/$t" ] || bad="$bad $c:$t"
	done <"$R$KSFT/kselftest-list.txt"
	[ -z "$bad" ] || { echo "missing or not executable:$bad"; return 1; }
	echo "# $(wc -l <"$R$KSFT/kselftest-list.txt") tests listed"
	# the kernel's runner sees them
	[ "$(cd "$R$KSFT" && sh ./run_kselftest.sh -l)" = "$(cat "$R$KSFT/kselftest-list.txt")" ] ||
		{ echo "run_kselftest.sh -l differs"; return 1; }
	(cd "$R$KSFT" && sh ./run_kselftest.sh -d -c drivers/net/bam_dmux) >/dev/null ||
		{ echo "run_kselftest.sh -d failed"; return 1; }
}
check "every test run_tests and kselftest-list.txt list is installed, executable; run_kselftest.sh -l/-d" tree_complete

helpers() {
	local h bad='' f
	for h in "$R$LIBDIR"/bin/dmux_*; do
		file -b "$h" | grep -q "ELF 64-bit LSB .*ARM aarch64" || bad="$bad ${h##*/}"
	done
	# every helper the selftests' Makefile builds
	for h in $(sed -n 's/^HELPERS := //p' selftests/drivers/net/bam_dmux/Makefile | grep -o 'dmux_[a-z]*'); do
		[ -x "$R$LIBDIR/bin/$h" ] || bad="$bad $h"
	done
	[ -L "$R$LIBDIR/bin/dmux-stat" ] && [ -x "$R$(readlink -f "$R$LIBDIR/bin/dmux-stat" | sed "s|^$R||")" ] ||
		bad="$bad dmux-stat-link"
	for f in "$R$LIBDIR"/bpf/test/*.o "$R$LIBDIR/bpf/dmux.bpf.o"; do
		[ -e "$f" ] && file -bL "$f" | grep -q 'eBPF' || bad="$bad ${f##*/}"
	done
	[ -z "$bad" ] || { echo "bad:$bad"; return 1; }
}
check "helpers arm64 ELF, dmux-stat and BPF objects reachable from BD_BIN/BD_BPF" helpers

# 9. reproducible: building again gives the same file lists
rebuild() {
	scripts/mkdeb.sh >/dev/null || return 1
	files "$ST_DEB" | diff "$tmp/st.list" - && files "$DKMS_DEB" | diff "$tmp/dkms.list" -
}
check "scripts/mkdeb.sh again: same file lists" rebuild

# 10. install and run, in the arm64 guest on Debian's 6.12 (selftests/vm/run): the packages'
# files (unpacked above) and the DKMS module built above put in place at / (the guest image has
# no dpkg or dkms: dpkg ran on the host), then modprobe and the installed selftests there
# (tests/deb/guest_install.sh). DEB_VM=0 leaves it out; DEB_VM_TESTS names the tests.
GUEST_CASES="install modprobe dmux-stat selftests"
GUEST_TESTS=${DEB_VM_TESTS:-dmux_stat.sh}
guest_desc() {
	case $1 in
	install) echo "guest: files of the three packages and the DKMS module at /, mainline's module in the in-tree place, modinfo -n names updates/dkms" ;;
	modprobe) echo "guest: modprobe qcom_bam_dmux loads the DKMS build (its build ID) and it binds 8 channels" ;;
	dmux-stat) echo "guest: /usr/sbin/dmux-stat runs; man page and dmux.bpf.o in place" ;;
	selftests) echo "guest: run_kselftest.sh from $KSFT runs $GUEST_TESTS, all pass, /opt/bam-dmux hidden; guest log clean" ;;
	esac
}
vm_missing=
[ "${DEB_VM:-1}" = 1 ] || vm_missing="DEB_VM=$DEB_VM"
command -v qemu-system-aarch64 >/dev/null || vm_missing="$vm_missing qemu-system-aarch64"
for f in build/kmod-lts/sim/bam_dmux_sim.ko build/arm64-bin/dmux_udp "$ko"; do
	[ -f "$f" ] || vm_missing="$vm_missing $f"
done
if [ -n "$vm_missing" ]; then
	for c in $GUEST_CASES; do
		n=$((n + 1))
		echo "ok $n $(guest_desc "$c") # SKIP missing:$vm_missing"
	done
else
	S=$tmp/share
	mkdir -p "$S/root"
	for d in "$DKMS_DEB" "$STAT_DEB" "$ST_DEB"; do dpkg-deb -x "$d" "$S/root"; done
	install -D -m 0644 "$ko" "$S/root/lib/modules/$KREL/updates/dkms/qcom_bam_dmux.ko"
	cp tests/deb/guest_install.sh "$S/"
	bid=$(file -b "$ko" | sed -n 's/.*BuildID\[sha1\]=\([0-9a-f]*\).*/\1/p')
	v0=$(date +%s)
	selftests/vm/run --share "$S" --timeout "${DEB_VM_TIMEOUT:-900}" --log "$tmp/console.log" -- \
		"sh ./guest_install.sh $KREL $bid $GUEST_TESTS" >"$tmp/vm.out" 2>&1
	vrc=$?
	echo "# guest: exit $vrc, $(( $(date +%s) - v0 )) s (initrd, boot and all); $(grep -o 'run_kselftest.sh: exit.*' "$tmp/vm.out" | head -n 1)"
	for c in $GUEST_CASES; do
		# the last case also needs a clean guest (selftests/vm/run's exit: no oops, no taint)
		if grep -qx "PASS $c" "$S/results" 2>/dev/null && { [ "$c" != selftests ] || [ "$vrc" = 0 ]; }; then
			ok "$(guest_desc "$c")"
		else
			not_ok "$(guest_desc "$c")"
			grep -v '^# PASS ' "$tmp/vm.out" | tail -n 40 | diag
		fi
	done
	[ "$vrc" = 0 ] || { echo "# the guest's run failed (exit $vrc):"; tail -n 20 "$tmp/vm.out" | diag; }
fi

echo "# deb: $(( $(date +%s) - t0 )) s"
[ "$failed" = 0 ]
