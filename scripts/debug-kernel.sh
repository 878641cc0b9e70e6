#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The VM lane's second kernel: the newest linux-source-X.Y that Debian ships (in
# $DKSUITE, trixie-backports today), built for arm64 from tinyconfig + kernel/debug.config
# (KASAN, lockdep, kmemleak, fault injection). See docs/testing.md, "Two kernels".
#
#   scripts/debug-kernel.sh [--update] [--fetch-only]
#
# - The package comes through a private apt sources list and lists directory in
#   $CACHE/debug/apt/ (the archive URI read from this machine's apt sources at run time;
#   the machine's apt configuration is not touched); the private lists are refreshed when
#   older than a day, or with --update.
# - Unpacked (dpkg-deb -x, then the tarball) into $CACHE/debug/src/<version>/.
# - Built out of tree into $CACHE/debug/build/<version>-<hash>/, <hash> being that of
#   kernel/debug.config and of this script's recipe: a new source version or a changed
#   fragment builds anew (about 10 min on 2 cores); a finished build is never redone.
# Prints the build directory on stdout. Fails if an option the fragment sets is not set
# so in the final .config.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/env.sh
. "$HERE/env.sh"
UPDATE=0 FETCH_ONLY=0
for arg in "$@"; do
	case "$arg" in
	--update) UPDATE=1 ;;
	--fetch-only) FETCH_ONLY=1 ;;
	-h | --help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "debug-kernel: unknown argument '$arg'" >&2; exit 2 ;;
	esac
done
log() { echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: error: $*" >&2; exit 1; }

D=$CACHE/debug
APTD=$D/apt
mkdir -p "$APTD/lists/partial" "$D/src" "$D/build"
# one fetch or build at a time: a second caller waits, then finds the result
exec 9>"$D/.lock"
if ! flock -n 9; then
	log "waiting for another debug-kernel.sh to finish"
	flock 9
	. "$HERE/env.sh"	# DKBUILD may exist now
fi

# --- the private apt configuration ---
# The first http(s) archive URI of the machine's Debian sources that serves the main archive
# (not -security), in deb822 or one-line format.
archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() { if (uris != "" && suites ~ /(^| )[a-z]+( |$)/ && uris !~ /security/) {
				split(uris, u, " "); print u[1]; exit }
			uris = suites = "" }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{ key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
			  if (key == "uris") uris = $0; else if (key == "suites") suites = $0 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) break
			if ($i !~ /security/) { print $i; exit } }' "$f"
	done
}
APT_OPTS=(-q -o "Dir::Etc::SourceList=$APTD/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$APTD/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Architectures=amd64 -o APT::Sandbox::User=root)
uri=$(archive_uri | head -n 1)
[ -n "$uri" ] || die "no Debian archive URI in /etc/apt sources"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
want="deb [signed-by=$keyring] $uri $DKSUITE main"
if [ ! -f "$APTD/sources.list" ] || [ "$(cat "$APTD/sources.list")" != "$want" ]; then
	echo "$want" >"$APTD/sources.list"
	UPDATE=1
fi
lists_fresh() {
	[ -n "$(find "$APTD/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]
}
newest_source() {	# prints "linux-source-X.Y version", or nothing
	local pkg
	pkg=$(apt-cache "${APT_OPTS[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' 2>/dev/null |
		awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$pkg" ] || return 0
	echo "$pkg $(apt-cache "${APT_OPTS[@]}" policy "$pkg" 2>/dev/null |
		sed -n 's/^ *Candidate: //p')"
}
if [ "$UPDATE" = 1 ] || ! lists_fresh; then
	log "apt-get update ($DKSUITE, private lists in $APTD)"
	apt-get "${APT_OPTS[@]}" update >&2 || log "apt-get update failed: using what the cache has"
fi
read -r SRCPKG DSRCVER < <(newest_source; echo) || true

# Offline with a cache: the newest finished build of this fragment.
if [ -z "${SRCPKG:-}" ] || [ -z "${DSRCVER:-}" ] || [ "$DSRCVER" = "(none)" ]; then
	[ -n "$DKBUILD" ] && [ -f "$DKBUILD/.done" ] ||
		die "no linux-source-X.Y in $DKSUITE and no finished build in $D/build"
	log "apt knows no linux-source in $DKSUITE: using $DKBUILD"
	echo "$DKBUILD"
	exit 0
fi
SRCTOP=$D/src/$DSRCVER/$SRCPKG
OUT=$D/build/$DSRCVER-$DKHASH

# --- fetch and unpack ---
if [ ! -f "$SRCTOP/Makefile" ]; then
	tmp=$(mktemp -d "$D/src/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	log "downloading $SRCPKG $DSRCVER"
	(cd "$tmp" && apt-get "${APT_OPTS[@]}" download "$SRCPKG=$DSRCVER" >&2) ||
		die "apt-get download $SRCPKG=$DSRCVER failed"
	log "unpacking into $D/src/$DSRCVER"
	dpkg-deb -x "$tmp"/"$SRCPKG"_*.deb "$tmp/x"
	rm -f "$tmp"/*.deb
	tarball=$(ls -1 "$tmp"/x/usr/src/"$SRCPKG".tar.* | head -n 1)
	mkdir -p "$tmp/src"
	tar -xf "$tarball" -C "$tmp/src"
	[ -f "$tmp/src/$SRCPKG/Makefile" ] || die "$tarball holds no $SRCPKG/Makefile"
	rm -rf "$D/src/$DSRCVER"
	mkdir -p "$D/src/$DSRCVER"
	mv "$tmp/src/$SRCPKG" "$SRCTOP"
	rm -rf "$tmp"
	trap - EXIT
	# older source versions are stale
	for d in "$D"/src/*/; do [ "$d" = "$D/src/$DSRCVER/" ] || rm -rf "$d"; done
fi
if [ "$FETCH_ONLY" = 1 ]; then
	echo "$SRCTOP"
	exit 0
fi

# --- configure and build ---
if [ ! -f "$OUT/.done" ]; then
	KM=(make -s -C "$SRCTOP" O="$OUT" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE")
	rm -rf "$OUT"
	mkdir -p "$OUT"
	log "configuring $SRCPKG $DSRCVER: tinyconfig + kernel/debug.config in $OUT"
	"${KM[@]}" tinyconfig >&2
	(cd "$OUT" && ARCH=$ARCH CROSS_COMPILE=$CROSS_COMPILE \
		"$SRCTOP/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "$DKFRAG" \
		>"$OUT/config.log" 2>&1) || { cat "$OUT/config.log" >&2; die "merge_config.sh failed"; }
	"${KM[@]}" olddefconfig >>"$OUT/config.log" 2>&1 ||
		{ tail -n 20 "$OUT/config.log" >&2; die "olddefconfig failed"; }
	# every option the fragment sets must have survived (merge_config only warns)
	missing=$(awk -F= '/^CONFIG_[A-Z0-9_]+=/ { print }
		/^# CONFIG_[A-Z0-9_]+ is not set/ { print }' "$DKFRAG" | while IFS= read -r l; do
		case "$l" in
		"# "*) o=${l#\# }; o=${o%% *}
			! grep -q "^$o=" "$OUT/.config" || echo "$o (wanted off)" ;;
		*) grep -qxF "$l" "$OUT/.config" || echo "$l (got: $(grep -E "^(# )?${l%%=*}[= ]" "$OUT/.config" || echo unset))" ;;
		esac
	done)
	[ -z "$missing" ] || die "options of kernel/debug.config not in the final .config:"$'\n'"$missing"
	log "building Image and modules (about 10 min on 2 cores; log in $OUT/build.log)"
	start=$(date +%s)
	# -fno-var-tracking: BTF needs DWARF's types, not the variables' locations (3% of the
	# compile time)
	if ! "${KM[@]}" -j"$(($(nproc) + 1))" KCFLAGS=-fno-var-tracking Image modules \
		>"$OUT/build.log" 2>&1; then
		tail -n 30 "$OUT/build.log" >&2
		die "kernel build failed (log: $OUT/build.log)"
	fi
	log "built in $(($(date +%s) - start)) s: $(cat "$OUT/include/config/kernel.release")"
	echo "$SRCPKG $DSRCVER" >"$OUT/.source"
	touch "$OUT/.done"
	# builds of other versions or fragments are stale
	for d in "$D"/build/*/; do [ "$d" = "$OUT/" ] || rm -rf "$d"; done
fi
echo "$OUT"
