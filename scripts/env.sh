#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Paths and versions of the build and VM lane (see docs/interfaces.md, "Cache").
#
#   . scripts/env.sh          sets CACHE KVER KREL KDIR KIMAGE KMODDIR SRCVER SRCDIR ...
#   scripts/env.sh --make     prints "VAR := value" lines for the Makefile
#   scripts/env.sh --print    prints "VAR=value" lines
#
# Read-only: it never installs or downloads anything (scripts/deps.sh does).
# The kernel is the newest complete one in the cache (override: BAM_DMUX_KREL);
# with an empty cache it is the one apt would fetch now.

BAM_DMUX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BAM_DMUX_CACHE:-$HOME/.cache/bam-dmux-xdp}
ARCH=arm64
CROSS_COMPILE=aarch64-linux-gnu-
KSERIES=6.12

# The arm64 guest rootfs: Debian suite and packages (the cache key hashes these).
ROOTFS_SUITE=bookworm
# dropbear-bin (server and dbclient, with its libraries): remote_ssh.sh's real ssh far end
ROOTFS_PKGS="busybox-static dash bash coreutils findutils iproute2 bpftool kmod ethtool nftables libbpf1 libelf1 zlib1g liblzma5 libzstd1 tcpdump dropbear-bin libtomcrypt1 libtommath1 libcrypt1"
ROOTFS_RECIPE=4	# bump when the way deps.sh builds the rootfs changes

_bd_krel_complete() {
	[ -f "$CACHE/kernel/$1/image/boot/vmlinuz-$1" ] &&
		[ -f "$CACHE/kernel/$1/headers/usr/src/linux-headers-$1/Makefile" ]
}

# Newest arm64 kernel apt offers now (empty if apt does not know it).
bd_apt_krel() {
	{ apt-cache depends "linux-image-$KSERIES-arm64:arm64" 2>/dev/null || true; } |
		sed -n "s/^ *Depends: linux-image-\($KSERIES\.[0-9]*+deb[0-9]*-arm64\)\(:arm64\)\?\$/\1/p" |
		sort -V | tail -n 1
}

if [ -n "${BAM_DMUX_KREL:-}" ]; then
	KREL=$BAM_DMUX_KREL
else
	KREL=
	for _d in $(ls -1 "$CACHE/kernel" 2>/dev/null | sort -V -r); do
		if _bd_krel_complete "$_d"; then
			KREL=$_d
			break
		fi
	done
	[ -n "$KREL" ] || KREL=$(bd_apt_krel)
fi
KVER=${KREL%-arm64}
KIMAGE=$CACHE/kernel/$KREL/image/boot/vmlinuz-$KREL
KMODDIR=$CACHE/kernel/$KREL/image/lib/modules/$KREL
KDIR=$CACHE/kernel/$KREL/headers/usr/src/linux-headers-$KREL

# linux-source: newest unpacked version in the cache, else the one apt has.
SRCVER=
for _d in $(ls -1 "$CACHE/src" 2>/dev/null | sort -V -r); do
	if [ -f "$CACHE/src/$_d/linux-source-$KSERIES/Makefile" ]; then
		SRCVER=$_d
		break
	fi
done
if [ -z "$SRCVER" ]; then
	SRCVER=$({ apt-cache policy "linux-source-$KSERIES" 2>/dev/null || true; } |
		sed -n 's/^ *Candidate: \([0-9.]*\).*/\1/p')
fi
SRCDIR=$CACHE/src/$SRCVER/linux-source-$KSERIES

ROOTFS_HASH=$(printf '%s\n' "$ROOTFS_RECIPE" "$ROOTFS_SUITE" "$ARCH" $ROOTFS_PKGS |
	sha256sum | cut -c1-16)
ROOTFS=$CACHE/rootfs/$ROOTFS_HASH/rootfs.cpio.gz
BUILD=$BAM_DMUX_ROOT/build

# The debug kernel (scripts/debug-kernel.sh): the newest linux-source-X.Y of $DKSUITE built
# from tinyconfig + kernel/debug.config, in $CACHE/debug/build/<version>-<DKHASH>/ (DKBUILD:
# the newest finished one of this fragment, empty if none; DKREL its release, DKIMAGE its Image).
DKSUITE=trixie-backports
DKRECIPE=2	# bump when the way debug-kernel.sh builds changes
DKFRAG=$BAM_DMUX_ROOT/kernel/debug.config
DKHASH=$({ echo "$DKRECIPE $ARCH"; cat "$DKFRAG" 2>/dev/null; } | sha256sum | cut -c1-12)
DKBUILD=
for _d in $(ls -1d "$CACHE"/debug/build/*-"$DKHASH" 2>/dev/null | sort -V -r); do
	if [ -f "$_d/.done" ]; then
		DKBUILD=$_d
		break
	fi
done
DKREL= DKIMAGE=
if [ -n "$DKBUILD" ]; then
	DKREL=$(cat "$DKBUILD/include/config/kernel.release" 2>/dev/null || true)
	DKIMAGE=$DKBUILD/arch/$ARCH/boot/Image
fi

# The guest kernel of the VM lane: BAM_DMUX_KERNEL=lts (Debian's 6.12, the default) or debug.
# VMKREL/VMKIMAGE/VMKMODDIR: its release, image and modules tree (empty for debug: all built
# in); KMOD_BUILD: where `make kmod` puts the project's modules built for it.
VMKERNEL=${BAM_DMUX_KERNEL:-lts}
case "$VMKERNEL" in
debug) VMKREL=$DKREL VMKIMAGE=$DKIMAGE VMKMODDIR= ;;
*) VMKERNEL=lts VMKREL=$KREL VMKIMAGE=$KIMAGE VMKMODDIR=$KMODDIR ;;
esac
KMOD_BUILD=$BUILD/kmod-$VMKERNEL
unset _d

export BAM_DMUX_ROOT CACHE ARCH CROSS_COMPILE KSERIES KREL KVER KIMAGE KMODDIR KDIR \
	SRCVER SRCDIR ROOTFS_SUITE ROOTFS_PKGS ROOTFS_HASH ROOTFS BUILD \
	DKSUITE DKFRAG DKHASH DKBUILD DKREL DKIMAGE VMKERNEL VMKREL VMKIMAGE VMKMODDIR KMOD_BUILD

_BD_VARS="BAM_DMUX_ROOT CACHE ARCH CROSS_COMPILE KSERIES KREL KVER KIMAGE KMODDIR KDIR SRCVER SRCDIR ROOTFS_SUITE ROOTFS_PKGS ROOTFS_HASH ROOTFS BUILD DKSUITE DKFRAG DKHASH DKBUILD DKREL DKIMAGE VMKERNEL VMKREL VMKIMAGE VMKMODDIR KMOD_BUILD"
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "${1:-}" in
	--make)
		for _v in $_BD_VARS; do printf '%s := %s\n' "$_v" "${!_v}"; done ;;
	--print | "")
		for _v in $_BD_VARS; do printf '%s=%s\n' "$_v" "${!_v}"; done ;;
	*)
		echo "usage: $0 [--make|--print]" >&2
		exit 2 ;;
	esac
fi
