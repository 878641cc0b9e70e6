#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The install-and-run check's guest half (tests/deb/test_deb.sh runs it in the arm64 VM on
# Debian's 6.12 kernel, from the --share directory): the packages' files, unpacked by dpkg on
# the host and the module built there by dkms.conf's MAKE, are put in place at /; the initrd's
# own copy of the driver goes, and mainline's qcom_bam_dmux stands in the in-tree place
# (Debian's arm64 kernel has none; a phone's has it); then modprobe must load the DKMS build
# (by its build ID), and the installed selftests run from /usr/lib/bam-dmux-xdp/selftests with
# the kernel's runner, /opt/bam-dmux hidden. One "PASS|FAIL name" line per check in
# ./results, diagnostics beside it.
# Usage: guest_install.sh KREL BUILD_ID TESTS...
set -u
KREL=$1 BUILD_ID=$2
shift 2
TESTS=$*
SHARE=$(pwd)
RES=$SHARE/results
: >"$RES"
MD=/lib/modules/$KREL
KSFT=/usr/lib/bam-dmux-xdp/selftests
res() { echo "$1 $2" >>"$RES"; echo "# $1 $2"; }

# 1. install: the packages' files, the DKMS module where dkms installs it, in-tree stand-in
install_files() {
	cp -a "$SHARE/root/." / || return 1
	rm -rf "$MD/updates/bam-dmux"
	if [ -f /opt/bam-dmux/mainline/qcom_bam_dmux.ko ]; then
		mkdir -p "$MD/kernel/drivers/net/wwan" &&
			cp /opt/bam-dmux/mainline/qcom_bam_dmux.ko "$MD/kernel/drivers/net/wwan/" || return 1
	else
		echo "no mainline build: no in-tree stand-in"
	fi
	# the simulated modem is the guest's hardware: kept, out of the project's tree
	cp /opt/bam-dmux/kmod/bam_dmux_sim.ko /tmp/ || return 1
	mv /opt/bam-dmux /opt/bam-dmux.hidden || return 1
	depmod -a "$KREL" || return 1
	n=$(modinfo -n qcom_bam_dmux) || return 1
	echo "modinfo -n qcom_bam_dmux: $n"
	[ "$n" = "$MD/updates/dkms/qcom_bam_dmux.ko" ]
}
if out=$(install_files 2>&1); then res PASS install; else res FAIL install; fi
echo "$out" | sed 's/^/# /'

# 2. modprobe loads the DKMS build (its build ID), which binds to the simulated modem
build_id() {
	# the note: namesz, descsz, type (4 bytes each), "GNU\0", then the ID
	od -An -tx1 -v "$1" | tr -d ' \n' | cut -c33-
}
loads() {
	insmod /tmp/bam_dmux_sim.ko || return 1
	modprobe qcom_bam_dmux || return 1
	id=$(build_id /sys/module/qcom_bam_dmux/notes/.note.gnu.build-id)
	echo "loaded build ID $id, the DKMS build's $BUILD_ID"
	[ "$id" = "$BUILD_ID" ] || return 1
	# lib.sh of the installed tree: its wait_for and channel count
	# shellcheck source=/dev/null
	. "$KSFT/drivers/net/bam_dmux/lib.sh"
	wait_for 30 all_channels_up 8
	rc=$?
	echo "bound: $(bd_dev), $(wwan_count) channels"
	return $rc
}
if out=$(loads 2>&1); then res PASS modprobe; else res FAIL modprobe; fi
echo "$out" | sed 's/^/# /'

# 3. the CLI from its package
cli() {
	/usr/sbin/dmux-stat --version && [ -f /usr/share/man/man8/dmux-stat.8.gz ] &&
		[ -f /usr/lib/bpf/bam-dmux/dmux.bpf.o ]
}
if out=$(cli 2>&1); then res PASS dmux-stat; else res FAIL dmux-stat; fi
echo "$out" | sed 's/^/# /'

# 4. the installed selftests, from their place, with the kernel's runner; PATH without /opt
runs() {
	args=
	for t in $TESTS; do args="$args -t drivers/net/bam_dmux:$t"; done
	t0=$(date +%s)
	# shellcheck disable=SC2086
	(cd "$KSFT" && PATH=/usr/sbin:/usr/bin:/sbin:/bin BD_QUICK=1 ./run_kselftest.sh $args) >/tmp/ksft.out 2>&1
	rc=$?
	cat /tmp/ksft.out
	want=$(echo "$TESTS" | wc -w)
	got=$(grep -c '^ok [0-9]* selftests: drivers/net/bam_dmux: [^ ]*$' /tmp/ksft.out)
	echo "run_kselftest.sh: exit $rc, $got of $want passed (no skip), $(( $(date +%s) - t0 )) s"
	[ "$rc" = 0 ] && [ "$got" = "$want" ]
}
if out=$(runs 2>&1); then res PASS selftests; else res FAIL selftests; fi
echo "$out" | sed 's/^/# /'
mv /opt/bam-dmux.hidden /opt/bam-dmux
exit 0
