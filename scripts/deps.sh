#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install and fetch everything the build and the VM lane need (docs/interfaces.md, "Cache").
# Idempotent: with everything in place it only checks and returns (well under 5 s).
#
#   scripts/deps.sh [--no-rootfs] [--no-source] [--no-debug-kernel]
#
# - host packages (Debian 12, amd64): cross compiler, QEMU, dtc, mmdebstrap, clang/LLVM, ...,
#   and the amd64 linux-kbuild-<KVER> / linux-headers-<KVER>-common matching the arm64 kernel;
# - the newest Debian arm64 6.12 kernel: linux-image-<KREL>-unsigned and linux-headers-<KREL>,
#   `dpkg-deb -x`ed into $CACHE/kernel/<KREL>/{image,headers} (modules.dep generated);
# - linux-source-6.12 unpacked into $CACHE/src/<version>/ (checkpatch, mainline driver);
# - the arm64 guest rootfs (mmdebstrap) packed as $CACHE/rootfs/<hash>/rootfs.cpio.gz;
# - the debug kernel (scripts/debug-kernel.sh: newest Debian linux-source, KASAN, lockdep,
#   kmemleak), built into $CACHE/debug/ when missing (about 10 min).
#
# apt-get update runs only when something needed has no candidate or a download fails.
# The apt sources are the machine's own (for mmdebstrap they are read from
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list at run time).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WANT_ROOTFS=1
WANT_SOURCE=1
WANT_DEBUG=1
for arg in "$@"; do
	case "$arg" in
	--no-rootfs) WANT_ROOTFS=0 ;;
	--no-source) WANT_SOURCE=0 ;;
	--no-debug-kernel) WANT_DEBUG=0 ;;
	-h | --help) sed -n '3,19p' "$0"; exit 0 ;;
	*) echo "deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
	esac
done

log() { echo "deps: $*" >&2; }
die() { echo "deps: error: $*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "must run as root (or have sudo)"
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o APT::Get::Assume-Yes=true -q)

UPDATED=0
apt_update() {
	[ "$UPDATED" = 1 ] && return 0
	log "apt-get update"
	$SUDO apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update failed"
	UPDATED=1
}

# --- arm64 as a foreign architecture (for apt-cache/apt-get download of the kernel) ---
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "dpkg --add-architecture arm64"
	$SUDO dpkg --add-architecture arm64
	apt_update
fi

# shellcheck source=scripts/env.sh
. "$HERE/env.sh"

# What apt offers now: the arm64 kernel (KREL) and the linux-source version. apt-cache is slow
# here (about 1.5 s a call), so the answers are remembered until apt's lists change.
APT_STATE=$CACHE/apt-state
lists_sig() {
	find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -printf '%f %T@ %s\n' 2>/dev/null |
		sort | sha256sum | cut -c1-16
}
apt_facts() {	# sets APT_KREL SRC_CAND
	local sig
	sig=$(lists_sig)
	if [ "${1:-}" != --fresh ] && [ -f "$APT_STATE" ] && read -r s k c <"$APT_STATE" &&
		[ "$s" = "$sig" ] && [ -n "$k" ] && [ -n "$c" ]; then
		APT_KREL=$k SRC_CAND=$c
		return
	fi
	APT_KREL=$(bd_apt_krel)
	SRC_CAND=$({ apt-cache policy "linux-source-$KSERIES" 2>/dev/null || true; } |
		sed -n 's/^ *Candidate: //p')
	if [ -n "$APT_KREL" ] && [ -n "$SRC_CAND" ] && [ "$SRC_CAND" != "(none)" ]; then
		mkdir -p "$CACHE"
		echo "$sig $APT_KREL $SRC_CAND" >"$APT_STATE"
	fi
}
apt_facts
if [ -z "$APT_KREL" ]; then
	apt_update
	apt_facts --fresh
fi
[ -n "$APT_KREL" ] || die "apt knows no linux-image-$KSERIES-arm64:arm64 (check the apt sources)"
KREL=$APT_KREL
KVER=${KREL%-arm64}

# --- host packages ---
HOST_PKGS=(
	make gcc libc6-dev bc flex bison libssl-dev libelf-dev pkg-config kmod dwarves xz-utils
	gzip cpio rsync perl python3
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm device-tree-compiler mmdebstrap
	clang llvm lld libclang-rt-14-dev libbpf-dev bpftool sparse ethtool tmux
	"linux-source-$KSERIES" "linux-kbuild-$KVER" "linux-headers-$KVER-common"
	# static arm64 libraries for the guest tools (tools/dmux-stat `make arm64`)
	libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64
)
missing=()
for pkg in "${HOST_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$pkg")
done
# a newer linux-source than the installed one (security update) is wanted too
src_inst=$(dpkg-query -W -f='${Version}' "linux-source-$KSERIES" 2>/dev/null || true)
if [ -n "$src_inst" ] && [ -n "$SRC_CAND" ] && [ "$SRC_CAND" != "(none)" ] &&
	[ "$src_inst" != "$SRC_CAND" ]; then
	missing+=("linux-source-$KSERIES")
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	if ! $SUDO apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}" >&2; then
		apt_update
		$SUDO apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed"
	fi
fi

# --- arm64 kernel image + headers into the cache ---
KCACHE=$CACHE/kernel/$KREL
kernel_complete() {
	[ -f "$KCACHE/image/boot/vmlinuz-$KREL" ] &&
		[ -f "$KCACHE/headers/usr/src/linux-headers-$KREL/Makefile" ]
}
apt_download() {	# dir pkg...
	local dir=$1
	shift
	(cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$@" >&2)
}
if ! kernel_complete; then
	log "fetching arm64 kernel $KREL into $KCACHE"
	mkdir -p "$CACHE/kernel"
	tmp=$(mktemp -d "$CACHE/kernel/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	pkgs=("linux-image-$KREL-unsigned:arm64" "linux-headers-$KREL:arm64")
	if ! apt_download "$tmp" "${pkgs[@]}"; then
		apt_update
		apt_download "$tmp" "${pkgs[@]}" || die "apt-get download ${pkgs[*]} failed"
	fi
	mkdir -p "$tmp/k/image" "$tmp/k/headers"
	dpkg-deb -x "$tmp"/linux-image-"$KREL"-unsigned_*_arm64.deb "$tmp/k/image"
	dpkg-deb -x "$tmp"/linux-headers-"$KREL"_*_arm64.deb "$tmp/k/headers"
	rm -rf "$KCACHE"
	mv "$tmp/k" "$KCACHE"
	rm -rf "$tmp"
	trap - EXIT
	kernel_complete || die "kernel cache $KCACHE incomplete after unpacking"
fi
# Debian generates modules.dep in postinst; do it here for the unpacked tree.
KMODDIR=$KCACHE/image/lib/modules/$KREL
if [ ! -s "$KMODDIR/modules.dep" ]; then
	log "depmod for $KREL"
	depmod -b "$KCACHE/image" -F "$KCACHE/image/boot/System.map-$KREL" "$KREL" ||
		die "depmod failed"
fi
[ -f "/usr/src/linux-headers-$KVER-common/Makefile" ] ||
	die "/usr/src/linux-headers-$KVER-common missing (package linux-headers-$KVER-common)"
# The headers link scripts/ and tools/ to ../../lib/linux-kbuild-<KVER>/: point that at the
# installed amd64 linux-kbuild-<KVER> so the relative links resolve inside the cache.
if [ ! -e "$KCACHE/headers/usr/lib/linux-kbuild-$KVER/scripts/basic/fixdep" ]; then
	[ -x "/usr/lib/linux-kbuild-$KVER/scripts/basic/fixdep" ] ||
		die "/usr/lib/linux-kbuild-$KVER missing (package linux-kbuild-$KVER)"
	mkdir -p "$KCACHE/headers/usr/lib"
	ln -sfn "/usr/lib/linux-kbuild-$KVER" "$KCACHE/headers/usr/lib/linux-kbuild-$KVER"
fi

# --- linux-source unpacked ---
if [ "$WANT_SOURCE" = 1 ]; then
	SRCVER=$(dpkg-query -W -f='${Version}' "linux-source-$KSERIES")
	SRCVER=${SRCVER%%-*}
	SRCDIR=$CACHE/src/$SRCVER/linux-source-$KSERIES
	if [ ! -f "$SRCDIR/Makefile" ] || [ ! -f "$SRCDIR/scripts/checkpatch.pl" ]; then
		log "unpacking linux-source-$KSERIES $SRCVER into $CACHE/src/$SRCVER"
		mkdir -p "$CACHE/src/$SRCVER"
		tmp=$(mktemp -d "$CACHE/src/$SRCVER/.unpack.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		tar -xf "/usr/src/linux-source-$KSERIES.tar.xz" -C "$tmp"
		rm -rf "$SRCDIR"
		mv "$tmp/linux-source-$KSERIES" "$SRCDIR"
		rm -rf "$tmp"
		trap - EXIT
	fi
fi

# --- arm64 guest rootfs ---
# One-line apt sources for mmdebstrap, read from this machine's Debian sources (deb822 or
# one-line format); only entries for the rootfs suite (and its -updates/-security) are kept.
mirror_lines() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$ROOTFS_SUITE" '
			function flush(   i, j, nu, ns, u, s) {
				if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
					nu = split(uris, u, " "); ns = split(suites, s, " ")
					for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
						if (s[j] == suite || index(s[j], suite "-") == 1)
							printf "deb%s %s %s %s\n", (signed != "" ? " [signed-by=" signed "]" : ""), u[i], s[j], comps
				}
				types = uris = suites = comps = signed = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{ key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
			  if (key == "types") types = $0; else if (key == "uris") uris = $0
			  else if (key == "suites") suites = $0; else if (key == "components") comps = $0
			  else if (key == "signed-by") signed = $0 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v suite="$ROOTFS_SUITE" '$1 == "deb" {
			for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) break
			s = $(i + 1); if (s == suite || index(s, suite "-") == 1) print }' "$f"
	done
}

if [ "$WANT_ROOTFS" = 1 ] && [ ! -s "$ROOTFS" ]; then
	mapfile -t mirrors < <(mirror_lines | awk '!seen[$0]++')
	[ ${#mirrors[@]} -gt 0 ] || die "no apt source for suite $ROOTFS_SUITE found in /etc/apt"
	log "building arm64 rootfs ($ROOTFS_SUITE: $ROOTFS_PKGS) into $(dirname "$ROOTFS")"
	mkdir -p "$CACHE/rootfs"
	tmp=$(mktemp -d "$CACHE/rootfs/.build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mmdebstrap --quiet --variant=extract --arch=arm64 \
		--include="$(echo "$ROOTFS_PKGS" | tr ' ' ',')" \
		"$ROOTFS_SUITE" "$tmp/root" "${mirrors[@]}" </dev/null >&2 ||
		die "mmdebstrap failed"
	r=$tmp/root
	rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/locale/* \
		"$r"/usr/share/info/* "$r"/var/cache/apt/* "$r"/var/lib/apt/lists/* \
		"$r"/usr/lib/aarch64-linux-gnu/gconv "$r"/lib/aarch64-linux-gnu/security
	mkdir -p "$r"/{proc,sys,dev,tmp,run,mnt,root,opt,var/tmp,sys/fs/bpf,sys/kernel/debug}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	[ -e "$r/dev/console" ] || mknod -m 600 "$r/dev/console" c 5 1
	[ -e "$r/dev/null" ] || mknod -m 666 "$r/dev/null" c 1 3
	[ -s "$r/etc/passwd" ] || printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
	[ -s "$r/etc/group" ] || printf 'root:x:0:\n' >"$r/etc/group"
	echo bam-dmux-vm >"$r/etc/hostname"
	# /bin/sh is dash (its postinst would make the link): busybox's ash would run its own
	# applets (modprobe, ip, ...) instead of the real tools even when PATH finds those.
	ln -sfn dash "$r/bin/sh"
	# busybox applet links are made by the guest init (busybox --install -s) at boot:
	# the arm64 busybox cannot run here.
	printf '%s\n' "$ROOTFS_SUITE" $ROOTFS_PKGS >"$tmp/packages"
	(cd "$r" && find . -print0 | LC_ALL=C sort -z |
		cpio --quiet --null -o -H newc -R 0:0) | gzip -6 >"$tmp/rootfs.cpio.gz"
	mkdir -p "$(dirname "$ROOTFS")"
	mv "$tmp/packages" "$(dirname "$ROOTFS")/packages"
	mv "$tmp/rootfs.cpio.gz" "$ROOTFS"
	rm -rf "$tmp"
	trap - EXIT
	log "rootfs: $ROOTFS ($(du -h "$ROOTFS" | cut -f1))"
	# rootfs builds of other package lists are stale, but another work tree of an older (or
	# newer) package list may share this cache: only those built over 7 days ago go (removing
	# them at once made two trees rebuild each other's rootfs, and fail the VM runs between)
	for d in "$CACHE"/rootfs/*/; do
		[ "$d" = "$(dirname "$ROOTFS")/" ] ||
			[ -n "$(find "$d" -maxdepth 1 -name rootfs.cpio.gz -mtime -7)" ] || rm -rf "$d"
	done
fi

# --- the debug kernel (its own fetch, cache and freshness rules) ---
if [ "$WANT_DEBUG" = 1 ]; then
	"$HERE/debug-kernel.sh" >/dev/null || die "scripts/debug-kernel.sh failed"
fi
exit 0
