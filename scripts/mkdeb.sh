#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian packages for arm64 into build/deb/ (make deb; docs/hardware.md, "Packages"):
#   bam-dmux-xdp-dkms       (all)    the driver's source for DKMS: qcom_bam_dmux.ko only
#   dmux-stat               (arm64)  the CLI (static), its man page, the BPF objects
#   bam-dmux-xdp-selftests  (arm64)  the selftests as an installed kselftest tree
#
# Expects `make bpf guest` done (the Makefile's deb target does it). Plain dpkg-deb with the
# control files of packaging/: no debhelper. The version is VERSION (the upstream version)
# plus, off a tag v<VERSION>, +git<commits>.<hash>[.dirty]; DEB_VERSION overrides it.
#
#   scripts/mkdeb.sh            build the three packages, print their paths
#   scripts/mkdeb.sh --version  print the version only
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/env.sh
. scripts/env.sh

NAME=bam-dmux-xdp
LIBDIR=/usr/lib/$NAME			# the selftests' BD_ROOT
KSFT=$LIBDIR/selftests			# the kselftest INSTALL_PATH
COLLECTION=drivers/net/bam_dmux
TESTS_SRC=selftests/$COLLECTION
OUT=$ROOT/build/deb
STAGE=$OUT/stage
ARM64_BIN=$ROOT/build/arm64-bin
BPF_O=$ROOT/build/bpf

deb_version() {
	local v tag n h
	v=$(tr -d ' \t\n' <VERSION)
	if [ -n "${DEB_VERSION:-}" ]; then
		echo "$DEB_VERSION"
		return
	fi
	tag=v$v
	if git rev-parse -q --verify "refs/tags/$tag" >/dev/null &&
		[ "$(git rev-parse "$tag^{commit}")" = "$(git rev-parse HEAD)" ]; then
		n=
	else
		n=+git$(git rev-list --count HEAD).$(git rev-parse --short=7 HEAD)
	fi
	git diff --quiet HEAD -- 2>/dev/null || n=${n:-+git}.dirty
	echo "$v$n"
}
VERSION=$(deb_version)
if [ "${1:-}" = --version ]; then
	echo "$VERSION"
	exit 0
fi

MAINTAINER=${DEB_MAINTAINER:-"$(git config user.name || echo "$NAME maintainers") <$(git config user.email || echo "$NAME@localhost")>"}

die() { echo "mkdeb: $*" >&2; exit 1; }
need() { [ -e "$1" ] || die "missing $1 (run make bpf guest)"; }
is_arm64() { file -b "$1" | grep -q 'ELF 64-bit LSB .*ARM aarch64'; }

# subst FILE: the packaging template with its @VARIABLES@ filled in
subst() {
	sed -e "s|@VERSION@|$VERSION|g" -e "s|@MAINTAINER@|$MAINTAINER|g" \
		-e "s|@LIBDIR@|$LIBDIR|g" -e "s|@DEPENDS@|${DEPENDS:-}|g" \
		-e "s|@SIZE@|${SIZE:-0}|g" "$1"
}

# build_deb DIR PKG: DIR/DEBIAN/control from packaging/PKG/control.in, maintainer scripts,
# copyright, then the .deb (owned by root whoever builds it).
build_deb() {
	local dir=$1 pkg=$2 name script
	install -d -m 0755 "$dir/DEBIAN" "$dir/usr/share/doc/$(pkg_name "$pkg")"
	subst packaging/copyright >"$dir/usr/share/doc/$(pkg_name "$pkg")/copyright"
	chmod 0644 "$dir/usr/share/doc/$(pkg_name "$pkg")/copyright"
	for script in postinst prerm postrm preinst; do
		[ -f "packaging/$pkg/$script" ] || continue
		subst "packaging/$pkg/$script" >"$dir/DEBIAN/$script"
		chmod 0755 "$dir/DEBIAN/$script"
	done
	SIZE=$(du -sk --exclude=DEBIAN "$dir" | cut -f1)
	subst "packaging/$pkg/control.in" | sed '/^[A-Za-z-]*: *$/d' >"$dir/DEBIAN/control"
	(cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
		xargs -0r md5sum) >"$dir/DEBIAN/md5sums"
	chmod 0644 "$dir/DEBIAN/control" "$dir/DEBIAN/md5sums"
	name=$(pkg_name "$pkg")_${VERSION}_$(sed -n 's/^Architecture: //p' "$dir/DEBIAN/control").deb
	dpkg-deb --root-owner-group -Zxz --build "$dir" "$OUT/$name" >/dev/null
	echo "$OUT/$name"
}
pkg_name() { sed -n 's/^Package: //p' "packaging/$1/control.in"; }

rm -rf "$STAGE" "$OUT"/*.deb
mkdir -p "$STAGE"
umask 022

# --- bam-dmux-xdp-dkms: /usr/src/<name>-<version>/ with dkms.conf and a Kbuild without sim/ ---
d=$STAGE/dkms
src=$d/usr/src/$NAME-$VERSION
install -d "$src"
install -m 0644 kmod/*.c kmod/*.h "$src/"
grep -v 'sim/' kmod/Kbuild >"$src/Kbuild"
grep -q 'obj-m += qcom_bam_dmux.o' "$src/Kbuild" || die "kmod/Kbuild: no qcom_bam_dmux.o"
subst packaging/dkms/dkms.conf.in >"$src/dkms.conf"
chmod 0644 "$src/Kbuild" "$src/dkms.conf"
DEPENDS='' build_deb "$d" dkms

# --- dmux-stat: tools/dmux-stat's install target, built static for arm64 ---
d=$STAGE/dmux-stat
make -s --no-print-directory -C tools/dmux-stat install O="$OUT/dmux-stat-arm64" BPF_O="$BPF_O" \
	CC="${CROSS_COMPILE}gcc -static" PREFIX=/usr DESTDIR="$d" >/dev/null
is_arm64 "$d/usr/sbin/dmux-stat" || die "dmux-stat is not an arm64 binary"
# A static binary needs no shared library; a dynamic one: its libraries' packages.
if file -b "$d/usr/sbin/dmux-stat" | grep -q 'statically linked'; then
	DEPENDS=
else
	DEPENDS='libc6, libbpf1, libelf1, zlib1g'
fi
gzip -9n "$d/usr/share/man/man8/dmux-stat.8"
DEPENDS=$DEPENDS build_deb "$d" dmux-stat

# --- bam-dmux-xdp-selftests: the kselftest install layout under $KSFT ---
d=$STAGE/selftests
t=$d$KSFT/$COLLECTION
install -d "$t" "$d$KSFT/kselftest" "$d$LIBDIR/bin" "$d$LIBDIR/bpf/test"
# The kernel's runner (its selftests' make install puts these at the top).
KSRC=$SRCDIR/tools/testing/selftests
need "$KSRC/run_kselftest.sh"
install -m 0755 "$KSRC/run_kselftest.sh" "$d$KSFT/"
install -m 0755 "$KSRC/kselftest/runner.sh" "$KSRC/kselftest/prefix.pl" "$d$KSFT/kselftest/"
install -m 0644 "$KSRC/kselftest/ktap_helpers.sh" "$d$KSFT/kselftest/"
# The collection: run_tests' own list (its mainline: cases need a module not shipped here).
install -m 0755 "$TESTS_SRC/run_tests" "$TESTS_SRC"/*.sh "$t/"
install -m 0644 "$TESTS_SRC/lib.sh" "$t/"
subst packaging/selftests/bd.env.in >"$t/bd.env"
chmod 0644 "$t/bd.env"
# an example of the traffic tests' environment (net.config itself is the owner's)
install -m 0644 packaging/selftests/net.config.example "$t/"
# dmux_udp's source: the far end (REMOTE_TYPE=ssh) needs dmux_udp on its PATH, built for its
# own architecture (cc -O2 -o dmux_udp dmux_udp.c)
install -m 0644 "$TESTS_SRC/dmux_udp.c" "$t/"
# shellcheck disable=SC2016
timeout=$(sed -n 's/^TIMEOUT=${BD_TEST_TIMEOUT:-\([0-9]*\)}$/\1/p' "$TESTS_SRC/run_tests")
printf 'timeout=%s\n' "${timeout:-300}" >"$t/settings"
tests=$(sed -n '/^TESTS=\${\*:-"/,/"}$/p' "$TESTS_SRC/run_tests" |
	sed -e 's/^TESTS=\${\*:-"//' -e 's/"}$//' | tr -s ' \t' '\n' | sed '/^$/d')
[ -n "$tests" ] || die "no test list in $TESTS_SRC/run_tests"
echo "$tests" | grep -v '^mainline:' | sed "s|^|$COLLECTION:|" >"$d$KSFT/kselftest-list.txt"
chmod 0644 "$d$KSFT/kselftest-list.txt"
# Helpers (BD_BIN, on the tests' PATH, with dmux-stat from its package) and XDP test programs
# (BD_BPF/test; BD_BPF/dmux.bpf.o from dmux-stat's package).
helpers=$(sed -n 's/^HELPERS := //p' "$TESTS_SRC/Makefile" | grep -o 'dmux_[a-z]*')
[ -n "$helpers" ] || die "no HELPERS in $TESTS_SRC/Makefile"
for h in $helpers; do
	need "$ARM64_BIN/$h"
	is_arm64 "$ARM64_BIN/$h" || die "$ARM64_BIN/$h is not an arm64 binary"
	install -m 0755 "$ARM64_BIN/$h" "$d$LIBDIR/bin/"
done
ln -s ../../../sbin/dmux-stat "$d$LIBDIR/bin/dmux-stat"
need "$BPF_O/test/xdp_pass.o"
install -m 0644 "$BPF_O"/test/*.o "$d$LIBDIR/bpf/test/"
for o in "$STAGE"/dmux-stat/usr/lib/bpf/bam-dmux/*.bpf.o; do
	ln -s "../../bpf/bam-dmux/${o##*/}" "$d$LIBDIR/bpf/${o##*/}"
done
DEPENDS='' build_deb "$d" selftests
