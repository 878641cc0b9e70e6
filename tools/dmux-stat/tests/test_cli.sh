#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# dmux-stat CLI tests on the host kernel: tun devices (IFF_TUN, Raw-IP,
# generic XDP) in a private network and mount namespace with its own BPF
# filesystem, real packets written to the tun, `dmux-stat -j` checked field
# by field, watch mode under tmux, Prometheus output through a parser.
# Needs root. Prints TAP. Environment: O (dmux-stat dir), BPF_O (objects).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
O=${O:-$ROOT/build/dmux-stat}
BPF_O=${BPF_O:-$ROOT/build/bpf}
D=$O/dmux-stat
PY=${PYTHON:-python3}

if [ -z "${DMUX_CLI_INNER:-}" ]; then
	echo "TAP version 13"
	skip_all() { echo "1..0 # SKIP $1"; exit 0; }
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
	[ -x "$D" ] || skip_all "no $D (make first)"
	command -v unshare >/dev/null || skip_all "no unshare"
	command -v "$PY" >/dev/null || skip_all "no python3"
	exec env DMUX_CLI_INNER=1 unshare --mount --net bash "$0" "$@"
fi

mount --make-rprivate /
mount -t sysfs sysfs /sys
mount -t bpf bpf /sys/fs/bpf
ip link set lo up
TMP=$(mktemp -d)
TMUX_SOCK=dmuxtest$$
cleanup() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"
	shift; for l in "$@"; do echo "# $l"; done
}
# check NAME CMD...: one TAP line for a command's success
check() { local name=$1; shift; if "$@" >"$TMP/out" 2>&1; then ok "$name"; else not_ok "$name" "$(head -5 "$TMP/out")"; fi; }
# rc_is WANT CMD...: the command's exit status is WANT
rc_is() { local want=$1; shift; "$@" >"$TMP/rc.out" 2>&1; local rc=$?; [ "$rc" = "$want" ] || { echo "exit $rc, want $want: $(head -3 "$TMP/rc.out")"; return 1; }; }
send() { "$PY" "$HERE/tun_send.py" "$@"; }
jget() { "$D" -j -i "$1" | "$PY" "$HERE/jget.py" "$2"; }
# wait_eq IFACE EXPR VALUE: poll (bounded, 5 s) until the JSON expression equals VALUE
wait_eq() {
	local i v
	for i in $(seq 100); do
		v=$(jget "$1" "$2" 2>/dev/null)
		[ "$v" = "$3" ] && return 0
		sleep 0.05
	done
	echo "$2 = '$v', want '$3'"
	return 1
}
# expect_eq IFACE 'EXPR=VALUE'...: every field equals its value (after wait_eq on the first)
expect_all() {
	local ifc=$1 e bad=0; shift
	"$D" -j -i "$ifc" >"$TMP/snap.json" || return 1
	for e in "$@"; do
		local v
		v=$("$PY" "$HERE/jget.py" "${e%=*}" <"$TMP/snap.json")
		[ "$v" = "${e##*=}" ] || { echo "$ifc ${e%=*} = $v, want ${e##*=}"; bad=1; }
	done
	return $bad
}

ip tuntap add dev wwan3 mode tun && ip link set wwan3 up
ip tuntap add dev tunx mode tun && ip link set tunx up

# --- errors a user can act on ---
check "--help documents the exit codes" bash -c "'$D' --help | grep -q '8 dmux maps not pinned' && '$D' --help | grep -q '9 pinned maps of another'"
man_ok=1
for c in 0 1 2 3 4 5 6 7 8 9; do grep -q "^\.IP $c\$" "$HERE/../dmux-stat.8" || man_ok=""; done
if [ -n "$man_ok" ]; then ok "man page documents exit codes 0-9"; else not_ok "man page documents exit codes 0-9"; fi
check "--help lists every option and command (family, --debug, --version, unpin)" bash -c \
	"h=\$('$D' --help) && for w in family --debug --version --pin-dir --force --prometheus unpin refresh 'rule add' status; do \
	 echo \"\$h\" | grep -q -- \"\$w\" || { echo \"missing \$w\"; exit 1; }; done"
check "per-command help: rule --help and help attach, exit 0" bash -c \
	"'$D' rule --help | grep -q 'udplite' && '$D' help attach | grep -q 'XDP_FLAGS_REPLACE' && '$D' attach -h | grep -q -- '--qmap'"
check "--version names dmux-stat and libbpf; -j --version is JSON" bash -c \
	"'$D' --version | grep -Eq '^dmux-stat .+ \(libbpf [0-9]+\.[0-9]+\)\$' && \
	 '$D' -j --version | '$PY' -c 'import json,sys; d=json.load(sys.stdin); assert d[\"version\"] and d[\"libbpf\"]'"
check "-j errors are bpftool's {\"error\": ...} on stdout, with the exit code" bash -c \
	"out=\$('$D' -j frobnicate 2>/dev/null); rc=\$?; [ \$rc = 2 ] && echo \"\$out\" | '$PY' -c 'import json,sys; d=json.load(sys.stdin); assert \"frobnicate\" in d[\"error\"], d' && \
	 out=\$('$D' -j -i nosuch0 2>/dev/null); rc=\$?; [ \$rc = 4 ] && echo \"\$out\" | '$PY' -c 'import json,sys; assert \"nosuch0\" in json.load(sys.stdin)[\"error\"]'"
check "no such interface: exit 4 (show and attach)" bash -c \
	"$(declare -f rc_is); TMP=$TMP; rc_is 4 '$D' -i nosuch0 && rc_is 4 '$D' attach nosuch0"
check "rule list before any attach: exit 8 (maps not pinned)" rc_is 8 "$D" rule list
check "no BPF filesystem: dmux-stat mounts one (as ip and bpftool do), then exit 8" unshare --mount bash -c \
	"umount /sys/fs/bpf; [ \"\$(stat -f -c %T /sys/fs/bpf)\" != bpf_fs ] || exit 9; '$D' rule list; rc=\$?; \
	 [ \$rc = 8 ] && [ \"\$(stat -f -c %T /sys/fs/bpf)\" = bpf_fs ]"
check "no privilege: exit 3 naming CAP_BPF" bash -c \
	"mkdir -p /sys/fs/bpf/tc/globals; setpriv --reuid=65534 --regid=65534 --clear-groups \
	 --inh-caps=-all --bounding-set=-all '$D' rule list 2>$TMP/priv; rc=\$?; \
	 [ \$rc = 3 ] && grep -q CAP_BPF $TMP/priv"
check "usage error: exit 2" rc_is 2 "$D" frobnicate

# --- attach and counters ---
check "attach wwan3 --mode generic" rc_is 0 "$D" attach wwan3 --mode generic
check "ip link shows xdpgeneric on wwan3" bash -c "ip link show wwan3 | grep -q xdpgeneric"
"$D" status -j -i wwan3 >"$TMP/st.json"
"$D" -j -i wwan3 >"$TMP/show.json"
if [ "$("$PY" -c 'import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["xdp"]["owned"], i["channel"], i["xdp"]["mode"], i["policy"])' <"$TMP/st.json")" = "True 3 generic allow" ] &&
   "$PY" -c '
import json, sys
st = json.load(open(sys.argv[1]))["interfaces"][0]
sh = json.load(open(sys.argv[2]))["interfaces"][0]
for k in ("ifname", "ifindex", "channel", "qmap", "policy"):
    assert st[k] == sh[k], k
assert st["xdp"] == sh["xdp"], (st["xdp"], sh["xdp"])' "$TMP/st.json" "$TMP/show.json"; then
	ok "status -j: owned, channel 3, generic; the same keys and values as show -j"
else
	not_ok "status -j: owned, channel 3, generic; the same keys as show -j" "$(cat "$TMP/st.json" "$TMP/show.json")"
fi
id1=$(jget wwan3 'I("wwan3")["xdp"]["prog_id"]')
"$D" attach wwan3 --mode generic >"$TMP/again" 2>&1
if grep -q "already attached" "$TMP/again" && [ "$(jget wwan3 'I("wwan3")["xdp"]["prog_id"]')" = "$id1" ]; then
	ok "attaching the identical program again says so and keeps it (prog id $id1)"
else
	not_ok "attaching the identical program again says so and keeps it" "$(cat "$TMP/again")" "prog id $(jget wwan3 'I("wwan3")["xdp"]["prog_id"]'), was $id1"
fi

sent=$(send wwan3 udp4:10 udp6:5 tcp4:3 icmp4:2 frag4:1)
bytes=$("$PY" -c "import json; print(json.loads('$sent')['bytes'])")
if wait_eq wwan3 'C("wwan3","total","packets")' 21 >"$TMP/w" &&
   expect_all wwan3 \
	"C('wwan3','total','bytes')=$bytes" \
	"C('wwan3','verdict','pass','packets')=21" \
	"C('wwan3','verdict','pass','bytes')=$bytes" \
	"C('wwan3','verdict','drop','packets')=0" \
	"C('wwan3','ipver','ipv4','packets')=16" \
	"C('wwan3','ipver','ipv6','packets')=5" \
	"C('wwan3','l4','udp','packets')=15" \
	"C('wwan3','l4','tcp','packets')=3" \
	"C('wwan3','l4','icmp','packets')=2" \
	"C('wwan3','l4','fragment','packets')=1" \
	"sum(v['packets'] for v in C('wwan3','malformed').values())=0" \
	"I('wwan3')['channel']=3" "I('wwan3')['xdp']['mode']=generic" \
	"I('wwan3')['xdp']['prog_name']=dmux_xdp" "I('wwan3')['xdp']['owned']=True" \
	>"$TMP/e"; then
	ok "21 real packets: -j counters equal what was sent (verdict, version, l4, bytes)"
else
	not_ok "21 real packets: -j counters equal what was sent" "$(cat "$TMP/w" "$TMP/e")"
fi

send wwan3 short:2 >/dev/null
if wait_eq wwan3 'C("wwan3","malformed","ip_trunc","packets")' 2 >"$TMP/w" &&
   expect_all wwan3 "C('wwan3','verdict','drop','packets')=2" "C('wwan3','total','packets')=23" >"$TMP/e"; then
	ok "4-byte frames: malformed ip_trunc, dropped"
else
	not_ok "4-byte frames: malformed ip_trunc, dropped" "$(cat "$TMP/w" "$TMP/e")"
fi

check "table: wwan3 row with mode, program and humanised counts" bash -c \
	"'$D' | grep -E '^wwan3 +3 .* generic +dmux_xdp +off +allow +23 '"
check "json -p is valid JSON equal to -j" bash -c \
	"'$D' -p -i wwan3 | '$PY' -c 'import json,sys; json.load(sys.stdin)' && \
	 [ \"\$('$D' -p -i wwan3 | '$PY' -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[\"interfaces\"][0][\"counters\"]))')\" = \
	   \"\$('$D' -j -i wwan3 | '$PY' -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[\"interfaces\"][0][\"counters\"]))')\" ]"

# --- rules ---
check "rule add src prefix + proto" rc_is 0 "$D" rule add src 10.9.0.0/16 proto udp drop
check "rule add ipv6 dst prefix + port range" rc_is 0 "$D" rule add dst 2001:db8:5::/48 proto udp dport 5000-5010 drop
check "rule add rejects a bad prefix (exit 2)" rc_is 2 "$D" rule add src 10.0.0.0/33 drop
send wwan3 udp4:4:src=10.9.1.1 udp4:2:src=10.8.1.1 udp6:3:dst=2001:db8:5::9,dport=5005 udp6:1:dst=2001:db8:5::9,dport=5011 >/dev/null
if wait_eq wwan3 'C("wwan3","total","packets")' 33 >"$TMP/w" &&
   expect_all wwan3 "C('wwan3','verdict','drop','packets')=9" "C('wwan3','rule_match','packets')=7" >"$TMP/e"; then
	ok "rules drop the matching packets only"
else
	not_ok "rules drop the matching packets only" "$(cat "$TMP/w" "$TMP/e")"
fi
"$D" rule list -j >"$TMP/rules.json"
if [ "$("$PY" -c 'import json,sys; print([(r["id"], r["hits"]) for r in json.load(sys.stdin)])' <"$TMP/rules.json")" = "[(0, 4), (1, 3)]" ]; then
	ok "rule list -j: hit counts per rule"
else
	not_ok "rule list -j: hit counts per rule" "$(cat "$TMP/rules.json")"
fi
check "rule list (table) shows the rule as written, protocol by name" bash -c "'$D' rule list | grep -q 'src 10.9.0.0/16 proto udp drop'"
LASTCPU=$(($(sed 's/.*[-,]//' /sys/devices/system/cpu/possible)))
check "rule add redirect IFACE / cpu N / xsk rxq, listed by name, a single port as a port" bash -c \
	"'$D' rule add mux 3 redirect tunx >/dev/null && '$D' rule add proto tcp cpu $LASTCPU >/dev/null && \
	 '$D' rule add proto tcp dport 22 xsk rxq >/dev/null && out=\$('$D' rule list) && \
	 echo \"\$out\" | grep -q 'mux 3 redirect tunx' && echo \"\$out\" | grep -q 'proto tcp cpu $LASTCPU' && \
	 echo \"\$out\" | grep -q 'dport 22 xsk rxq'"
"$D" rule list -j >"$TMP/rules.json"
check "rule list -j: rules as fields (src, proto name, port number or range, verdict, target)" "$PY" -c "
import json
r = json.load(open('$TMP/rules.json'))
want = [
    {'id': 0, 'family': 4, 'src': '10.9.0.0/16', 'proto': 'udp', 'verdict': 'drop'},
    {'id': 1, 'family': 6, 'dst': '2001:db8:5::/48', 'proto': 'udp', 'dport': '5000-5010', 'verdict': 'drop'},
    {'id': 2, 'mux': 3, 'verdict': 'redirect', 'target': 'tunx'},
    {'id': 3, 'proto': 'tcp', 'verdict': 'cpu', 'target': $LASTCPU},
    {'id': 4, 'proto': 'tcp', 'dport': 22, 'verdict': 'xsk', 'target': 'rxq'},
]
got = [{k: v for k, v in x.items() if k != 'hits'} for x in r]
assert got == want, got
"
# --- rules that cannot work are refused (exit 2), nothing stored ---
before=$("$D" rule list -j)
NCPU=$((LASTCPU + 1))
refused=""
for spec in "redirect 9999|no such interface" "proto icmp dport 53 drop|ports need" \
	"drop drop|two verdicts" "src 10.9.0.0/16 proto udp drop|same rule" \
	"src 10.9.0.0/16 proto udp pass|never match" \
	"cpu $NCPU|possible CPUs" "mux 255 drop|mux id" "src 10.0.0.0/8 src 10.1.0.0/16 drop|twice" \
	"family 6 proto icmp drop|never matches" "sport 1-2 drop|ports need"; do
	words=${spec%%|*}
	# shellcheck disable=SC2086
	"$D" rule add $words >"$TMP/ref.out" 2>&1; rc=$?
	if [ $rc != 2 ] || ! grep -q "${spec##*|}" "$TMP/ref.out"; then
		refused="$refused; '$words': exit $rc: $(cat "$TMP/ref.out")"
	fi
done
for args in "list garbage --bogus" "del -1" "del 18446744073709551615" "del x" "frob"; do
	# shellcheck disable=SC2086
	"$D" rule $args >"$TMP/ref.out" 2>&1; rc=$?
	[ $rc = 2 ] || refused="$refused; 'rule $args': exit $rc: $(cat "$TMP/ref.out")"
done
if [ -z "$refused" ] && [ "$("$D" rule list -j)" = "$before" ]; then
	ok "rules that cannot work are refused with exit 2 and a message; the rule list is unchanged"
else
	not_ok "rules that cannot work are refused with exit 2 and a message" "${refused#; }"
fi
"$D" rule add src 10.1.2.3/8 proto tcp drop >"$TMP/hb.out" 2>"$TMP/hb.err"; rc=$?
if [ $rc = 0 ] && grep -q "host bits set: stored as src 10.0.0.0/8" "$TMP/hb.err" &&
   grep -q "src 10.0.0.0/8 proto tcp drop" "$TMP/hb.out"; then
	ok "src 10.1.2.3/8: a warning names the prefix as stored (10.0.0.0/8)"
else
	not_ok "src 10.1.2.3/8: a warning names the prefix as stored" "exit $rc" "$(cat "$TMP/hb.out" "$TMP/hb.err")"
fi
"$D" rule del all >/dev/null
# --- concurrent edits: every reported success is a rule in the list ---
pids=""
for k in $(seq 1 10); do
	"$D" rule add src 203.0.113.$k/32 drop >"$TMP/c$k.out" 2>&1 &
	pids="$pids $!"
done
crc=0
for p in $pids; do wait "$p" || crc=1; done
"$D" rule list -j >"$TMP/conc.json"
if [ $crc = 0 ] && "$PY" -c "
import json
r = json.load(open('$TMP/conc.json'))
assert sorted(x['src'] for x in r) == sorted('203.0.113.%d/32' % k for k in range(1, 11)), r
assert sorted(x['id'] for x in r) == list(range(10)), r
"; then
	ok "10 concurrent rule add: all exit 0, 10 rules listed with ids 0-9"
else
	not_ok "10 concurrent rule add: all exit 0, 10 rules listed" "$(cat "$TMP"/c*.out "$TMP/conc.json")"
fi
send wwan3 udp4:4:src=203.0.113.7 >/dev/null
if wait_eq wwan3 'C("wwan3","rule_match","packets")' 11 >"$TMP/w"; then
	ok "a rule added concurrently matches: 4 packets from 203.0.113.7 hit it"
else
	not_ok "a rule added concurrently matches" "$(cat "$TMP/w")"
fi

check "rule del all empties the list" bash -c "'$D' rule del all >/dev/null && [ \"\$('$D' rule list -j)\" = '[]' ]"


# --- policy and QMAP ---
check "config --policy deny" rc_is 0 "$D" config wwan3 --policy deny
send wwan3 udp4:3 >/dev/null
if wait_eq wwan3 'C("wwan3","verdict","drop","packets")' 16 >"$TMP/w"; then
	ok "default deny drops unmatched packets"
else
	not_ok "default deny drops unmatched packets" "$(cat "$TMP/w")"
fi
"$D" config wwan3 --policy allow --qmap v5 >/dev/null
send wwan3 qmap5:4:mux=7 >/dev/null
if wait_eq wwan3 'I("wwan3")["mux"][0]["verdict"]["pass"]["packets"]' 4 >"$TMP/w" &&
   expect_all wwan3 "I('wwan3')['mux'][0]['mux_id']=7" "I('wwan3')['qmap']=v5" >"$TMP/e"; then
	ok "qmap v5 channel: per mux-id counters"
else
	not_ok "qmap v5 channel: per mux-id counters" "$(cat "$TMP/w" "$TMP/e")"
fi
# --- prometheus ---
"$D" --prometheus -i wwan3 >"$TMP/prom.txt"
pass=$(jget wwan3 'C("wwan3","verdict","pass","packets")')
drop=$(jget wwan3 'C("wwan3","verdict","drop","packets")')
check "prometheus: parses, one labelled series per verdict, values equal -j" \
	"$PY" "$HERE/prom_check.py" "$TMP/prom.txt" \
	"dmux_packets_total{interface=\"wwan3\",channel=\"3\",verdict=\"pass\"}=$pass" \
	"dmux_packets_total{interface=\"wwan3\",channel=\"3\",verdict=\"drop\"}=$drop" \
	"dmux_malformed_packets_total{interface=\"wwan3\",channel=\"3\",class=\"ip_trunc\"}=2" \
	"dmux_mux_packets_total{interface=\"wwan3\",channel=\"3\",mux_id=\"7\",verdict=\"pass\"}=4" \
	"dmux_xdp_attached{interface=\"wwan3\",channel=\"3\",mode=\"generic\",prog=\"dmux_xdp\"}=1"

# MAPv4: a frame of another format (here MAPv5) is qmap_fmt, dropped, and
# counted on its mux id; a mux rule drops mux 2's frames; a row per mux id
"$D" config wwan3 --qmap v4 >/dev/null
"$D" rule add mux 2 proto udp drop >/dev/null
send wwan3 qmap4:3:mux=2 qmap4:2:mux=1 qmap5:2:mux=2 >/dev/null
if wait_eq wwan3 'M("wwan3",2)["total"]["packets"]' 5 >"$TMP/w" &&
   expect_all wwan3 "I('wwan3')['qmap']=v4" "I('wwan3')['qmap_source']=manual" \
	"M('wwan3',2)['dropped']['packets']=5" "M('wwan3',2)['malformed']['packets']=2" \
	"M('wwan3',1)['verdict']['pass']['packets']=2" "M('wwan3',1)['dropped']['packets']=0" \
	"C('wwan3','malformed','qmap_fmt','packets')=2" "I('wwan3')['qmap_stale']=False" >"$TMP/e" &&
   "$D" -i wwan3 | grep -Eq '^  mux 2 +5 +'; then
	ok "qmap v4 channel: mux rule, qmap_fmt for a MAPv5 frame, rows per mux id"
else
	not_ok "qmap v4 channel: mux rule, qmap_fmt for a MAPv5 frame, rows per mux id" \
		"$(cat "$TMP/w" "$TMP/e"; "$D" -i wwan3)"
fi
"$D" rule del all >/dev/null
# --qmap auto: the driver's private flags; tun has none: Raw-IP
"$D" config wwan3 --qmap auto >/dev/null
"$D" refresh -j wwan3 >"$TMP/refresh.json"
"$D" refresh >"$TMP/refresh.txt"
if expect_all wwan3 "I('wwan3')['qmap']=off" "I('wwan3')['qmap_source']=driver" \
	"'qmap_driver' in I('wwan3')=False" >"$TMP/e" &&
   "$PY" -c 'import json,sys; r=json.load(sys.stdin)["interfaces"]; assert r == [{"ifname": "wwan3",
	"qmap": "off", "qmap_source": "driver", "previous": "off", "changed": False}], r' \
	<"$TMP/refresh.json" && grep -q "^wwan3: qmap off (driver), unchanged" "$TMP/refresh.txt" &&
   rc_is 4 "$D" refresh nosuch0 && rc_is 2 "$D" refresh tunx; then
	ok "--qmap auto on a driver without private flags: Raw-IP; refresh (-j), exit 4 and 2"
else
	not_ok "--qmap auto on a driver without private flags: Raw-IP; refresh" \
		"$(cat "$TMP/e" "$TMP/refresh.json" "$TMP/refresh.txt")"
fi
"$D" config wwan3 --qmap off >/dev/null
UX='ux"q\z'
if ip tuntap add dev "$UX" mode tun 2>"$TMP/ux.err"; then
	"$D" --prometheus -i "$UX" >"$TMP/prom_ux.txt"
	check "prometheus: label values escaped (interface named ux\"q\\z)" \
		"$PY" "$HERE/prom_check.py" "$TMP/prom_ux.txt" \
		'dmux_xdp_attached{interface="ux\"q\\z",channel="-",mode="none",prog=""}=0'
	ip link del "$UX"
else
	not_ok "prometheus: label values escaped" "cannot create $UX: $(cat "$TMP/ux.err")"
fi

# --- watch mode ---
if command -v tmux >/dev/null; then
	base=$(jget wwan3 'C("wwan3","total","packets")')
	tmux -L "$TMUX_SOCK" new-session -d -x 160 -y 20 \
		"'$D' -w 1 -i wwan3; echo EXIT=\$? >$TMP/watch.rc; sleep 30"
	send wwan3 udp4:1 --pps 200 --seconds 6 >/dev/null 2>"$TMP/sender.err" &
	sender=$!
	# bounded poll (10 s) for a frame whose interval lies inside the sending:
	# at least 300 new packets (1.5 s of sending) before it was drawn
	seen=""
	for i in $(seq 100); do
		tmux -L "$TMUX_SOCK" capture-pane -p >"$TMP/pane" 2>/dev/null
		total=$(awk '/^wwan3/ {print $8}' "$TMP/pane")
		if [ -n "$total" ] && "$PY" -c "import sys; v='$total'; f=float(v[:-1])*1000 if v.endswith('k') else float(v); sys.exit(0 if f >= $base + 300 else 1)"; then
			seen=1; break
		fi
		sleep 0.1
	done
	frames=$(grep -c 'measured' "$TMP/pane")
	if [ -n "$seen" ] && [ "$frames" = 1 ] && grep -qE '^total ' "$TMP/pane"; then
		ok "watch: redrawn in place with a total row"
	else
		not_ok "watch: redrawn in place with a total row" "$(cat "$TMP/pane" "$TMP/sender.err")"
	fi
	pps=$(awk '/^wwan3/ {print $2}' "$TMP/pane")
	if "$PY" -c "import sys; v='$pps'; f=float(v[:-1])*1000 if v.endswith('k') else float(v); sys.exit(0 if 150 <= f <= 250 else 1)"; then
		ok "watch: rate near the 200 pps sent (measured interval)"
	else
		not_ok "watch: rate near the 200 pps sent (measured interval)" "pps=$pps" "$(cat "$TMP/pane")"
	fi
	tmux -L "$TMUX_SOCK" send-keys C-c
	for i in $(seq 50); do [ -s "$TMP/watch.rc" ] && break; sleep 0.1; done
	check "watch: Ctrl-C quits cleanly (exit 0)" grep -q '^EXIT=0$' "$TMP/watch.rc"
	wait "$sender"
else
	n=$((n + 1)); echo "ok $n watch under tmux # SKIP no tmux"
fi
"$D" -w 0.2 -i wwan3 >"$TMP/wplain.txt" &
wpid=$!
for i in $(seq 100); do	# bounded (10 s): until two frames are written
	[ "$(grep -c '^total ' "$TMP/wplain.txt")" -ge 2 ] && break
	sleep 0.1
done
kill -INT $wpid
wait $wpid
wrc=$?
if [ $wrc = 0 ] && ! grep -q $'\033' "$TMP/wplain.txt" && [ "$(grep -c '^total ' "$TMP/wplain.txt")" -ge 2 ]; then
	ok "watch into a file or pipe: frames one after another, no terminal escapes"
else
	not_ok "watch into a file or pipe: no terminal escapes" "exit $wrc" "$(cat -v "$TMP/wplain.txt" | head -8)"
fi
base=$(jget wwan3 'C("wwan3","total","packets")')
# the sender outlasts the watch, however long the machine takes to get there;
# it is stopped once the watch is done
# (tun_send.py itself, not the send function: $! must be the process to stop)
"$PY" "$HERE/tun_send.py" wwan3 udp4:1 --pps 100 --seconds 120 >/dev/null 2>"$TMP/sender.err" &
sender=$!
for i in $(seq 100); do	# bounded: until the sender's packets arrive
	[ "$(jget wwan3 'C("wwan3","total","packets")')" -gt $((base + 5)) ] && break
	sleep 0.05
done
timeout -s INT --preserve-status 2.6 "$D" -w 1 -j -i wwan3 >"$TMP/wj.txt"
wrc=$?
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
check "watch -j: one JSON line per interval, measured ~1 s, pps > 0, exit 0 on SIGINT" \
	"$PY" -c "
import json, sys
lines = [json.loads(l) for l in open('$TMP/wj.txt')]
assert $wrc == 0, 'exit $wrc'
assert len(lines) == 2, lines
# ticks keep an absolute 1 s schedule: a first sample taken late (a loaded
# machine) shortens the first interval, and the rates use the measured one
for l in lines:
    assert 0.5 < l['interval_s'] < 1.5, l
    w = l['interfaces'][0]
    assert w['ifname'] == 'wwan3' and 50 < w['pps'] < 150, w
" || cat "$TMP/sender.err"

# --- ownership, iproute2 interplay, detach ---
check "detach wwan3" rc_is 0 "$D" detach wwan3
check "ip link shows no XDP on wwan3" bash -c "! ip link show wwan3 | grep -q xdp"
ip link set wwan3 xdpgeneric obj "$BPF_O/xdp_pass.bpf.o" sec xdp
check "attach refuses a program of another tool (exit 6)" rc_is 6 "$D" attach wwan3 --mode generic
check "detach refuses a program of another tool (exit 6)" rc_is 6 "$D" detach wwan3
check "attach --force replaces it" rc_is 0 "$D" attach wwan3 --mode generic --force
check "native mode on tun (no ndo_bpf for IFF_TUN): exit 7" rc_is 7 "$D" attach wwan3 --mode native

ip link set tunx xdpgeneric obj "$BPF_O/dmux.bpf.o" sec xdp
"$D" config tunx --channel 5 >/dev/null
send tunx udp4:7 >/dev/null
if wait_eq tunx 'C("tunx","total","packets")' 7 >"$TMP/w" &&
   expect_all tunx "I('tunx')['channel']=5" "I('tunx')['xdp']['prog_name']=dmux_xdp" \
	"I('tunx')['xdp']['owned']=False" "C('tunx','verdict','pass','packets')=7" >"$TMP/e"; then
	ok "dmux.bpf.o loaded by ip link shares the pinned maps: -i tunx counters"
else
	not_ok "dmux.bpf.o loaded by ip link shares the pinned maps" "$(cat "$TMP/w" "$TMP/e")"
fi
"$D" rule add proto udp cpu "$LASTCPU" >/dev/null
send tunx udp4:6 >/dev/null
if wait_eq tunx 'C("tunx","verdict","cpu","packets")' 6 >"$TMP/w" &&
   expect_all tunx "C('tunx','verdict','redirect_err','packets')=0" >"$TMP/e"; then
	ok "the ip-loaded program steers to CPU $LASTCPU through the cpumap dmux-stat put in dmux_cpumaps"
else
	not_ok "the ip-loaded program steers to the last possible CPU" "$(cat "$TMP/w" "$TMP/e")"
fi
"$D" rule del all >/dev/null
check "ip link can load dmux.bpf.o a second time (pinned maps reused)" bash -c \
	"ip link set wwan3 xdpgeneric off; ip link set wwan3 xdpgeneric obj '$BPF_O/dmux.bpf.o' sec xdp"
# --- fail closed: a failed attach leaves the previous program and policy ---
"$D" detach tunx --force >/dev/null
"$D" attach wwan3 --mode generic --policy deny --force >/dev/null
id0=$(jget wwan3 'I("wwan3")["xdp"]["prog_id"]')
d0=$(jget wwan3 'C("wwan3","verdict","drop","packets")')
"$D" attach wwan3 --mode native >"$TMP/fo.out" 2>&1; rc=$?
send wwan3 udp4:5 >/dev/null
if [ $rc = 7 ] && grep -q "program id $id0 stays in generic mode" "$TMP/fo.out" &&
   wait_eq wwan3 'C("wwan3","verdict","drop","packets")' $((d0 + 5)) >"$TMP/w" &&
   expect_all wwan3 "I('wwan3')['xdp']['prog_id']=$id0" "I('wwan3')['xdp']['mode']=generic" \
	"I('wwan3')['policy']=deny" "I('wwan3')['xdp']['owned']=True" >"$TMP/e"; then
	ok "failed switch to native (exit 7, refused before detaching): the generic deny program stays and drops the next 5 packets"
else
	not_ok "failed switch to native leaves the previous program" "exit $rc: $(cat "$TMP/fo.out")" "$(cat "$TMP/w" "$TMP/e" 2>/dev/null)" "$(ip link show wwan3)"
fi
# a driver with native XDP that refuses it now (veth: the peer's MTU is too
# large): the mode switch has to detach, and puts the old program back
ip link add vx0 type veth peer name vx1 && ip link set vx1 mtu 9000 && ip link set vx0 up && ip link set vx1 up
"$D" attach vx0 --mode generic --policy deny >/dev/null
idv=$(jget vx0 'I("vx0")["xdp"]["prog_id"]')
"$D" attach vx0 --mode native >"$TMP/fo3.out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "attach to vx0: Numerical result out of range" "$TMP/fo3.out" &&
   grep -q "program id $idv is attached again in generic mode" "$TMP/fo3.out" &&
   expect_all vx0 "I('vx0')['xdp']['prog_id']=$idv" "I('vx0')['xdp']['mode']=generic" \
	"I('vx0')['policy']=deny" "I('vx0')['xdp']['owned']=True" >"$TMP/e"; then
	ok "native refused after the switch began (veth, peer MTU 9000: ERANGE, exit 1): the generic deny program is back"
else
	not_ok "a failed switch puts the old program back" "exit $rc: $(cat "$TMP/fo3.out")" "$(cat "$TMP/e")" "$(ip link show vx0)"
fi
"$D" detach vx0 >/dev/null
ip link del vx0
"$D" attach wwan3 --mode generic --policy allow --qmap v1 --channel 6 >"$TMP/fo2.out" 2>&1
"$D" config wwan3 --policy deny --qmap off --channel 3 >/dev/null
if ip link show wwan3 | grep -q "prog/xdp id $id0 " && grep -q "already attached" "$TMP/fo2.out"; then
	ok "attach with new settings and the same program keeps prog id $id0"
else
	not_ok "attach with new settings and the same program keeps the program" "$(cat "$TMP/fo2.out")"
fi

# --- two interfaces on one channel would share its counters ---
"$D" config tunx --channel 3 >"$TMP/ch.out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "channel 3 is wwan3's" "$TMP/ch.out" &&
   [ "$(jget tunx 'I("tunx")["channel"]')" = 5 ]; then
	ok "config tunx --channel 3 (wwan3's): refused, exit 2, tunx keeps channel 5"
else
	not_ok "a second interface on channel 3 is refused" "exit $rc: $(cat "$TMP/ch.out")"
fi
ip tuntap add dev tuny mode tun && ip link set tuny up
"$D" attach tuny --mode generic --channel 3 >"$TMP/ch.out" 2>&1; rc=$?
if [ $rc = 2 ] && ! ip link show tuny | grep -q xdp; then
	ok "attach tuny --channel 3 (wwan3's): refused, exit 2, nothing attached"
else
	not_ok "attach on a used channel is refused" "exit $rc: $(cat "$TMP/ch.out")"
fi
check "--force shares a channel deliberately" rc_is 0 "$D" config tuny --channel 3 --force
ip link del tuny

# --- stale pins: the cause is named, unpin removes them ---
if command -v bpftool >/dev/null; then
	SD=/sys/fs/bpf/stale
	mkdir -p $SD
	bpftool map create $SD/dmux_rules type array key 4 value 8 entries 4 name dmux_rules
	"$D" --pin-dir $SD attach tunx --mode generic >"$TMP/st.out" 2>&1; rc=$?
	if [ $rc = 9 ] && grep -q "dmux_rules has value size 8" "$TMP/st.out" &&
	   grep -q "dmux-stat unpin" "$TMP/st.out" && ! ip link show tunx | grep -q xdp; then
		ok "attach over a pinned map of another layout: exit 9 naming the map and the fix"
	else
		not_ok "attach over stale pins names the cause" "exit $rc: $(cat "$TMP/st.out")"
	fi
	"$D" --pin-dir $SD unpin >"$TMP/up.out" 2>&1
	"$D" --pin-dir $SD attach tunx --mode generic >"$TMP/st.out" 2>&1; rc=$?
	if [ $rc = 0 ] && grep -q "removed $SD/dmux_rules" "$TMP/up.out"; then
		ok "unpin removes the stale pin; attach then works"
	else
		not_ok "unpin removes the stale pin" "$(cat "$TMP/up.out" "$TMP/st.out")"
	fi
	"$D" --pin-dir $SD unpin >"$TMP/up.out" 2>&1; rc=$?
	if [ $rc = 1 ] && [ -e $SD/dmux_rules ] && grep -q "detach first" "$TMP/up.out"; then
		ok "unpin refuses while dmux_xdp is attached (exit 1), pins stay"
	else
		not_ok "unpin refuses while attached" "exit $rc: $(cat "$TMP/up.out")"
	fi
	touch_other=$SD/not_ours
	bpftool map create $touch_other type array key 4 value 4 entries 1 name not_ours
	"$D" --pin-dir $SD detach tunx >/dev/null
	"$D" -j --pin-dir $SD unpin >"$TMP/up.json"; rc=$?
	left=$(cd $SD && echo *)
	if [ $rc = 0 ] && [ -e $touch_other ] && [ "$left" = not_ours ] &&
	   "$PY" -c "import json; d=json.load(open('$TMP/up.json')); assert 'dmux_rules' in d['removed'] and 'not_ours' not in d['removed'], d"; then
		ok "after detach, unpin -j removes every dmux pin and only those"
	else
		not_ok "unpin removes the dmux pins only" "exit $rc: $(cat "$TMP/up.json")" "left: $left"
	fi
else
	n=$((n + 1)); echo "ok $n stale pins # SKIP no bpftool"
fi

# --- -d shows libbpf's messages; make install ---
check "-d shows libbpf's messages" bash -c "'$D' -d attach tunx --mode generic --force 2>&1 >/dev/null | grep -q '^libbpf: '"
check "make install DESTDIR PREFIX: binary, man page, BPF objects" bash -c \
	"make -s -C '$HERE/..' install O='$O' BPF_O='$BPF_O' DESTDIR='$TMP/inst' PREFIX=/usr >/dev/null && \
	 [ -x '$TMP/inst/usr/sbin/dmux-stat' ] && [ -f '$TMP/inst/usr/share/man/man8/dmux-stat.8' ] && \
	 [ -f '$TMP/inst/usr/lib/bpf/bam-dmux/dmux.bpf.o' ] && [ -f '$TMP/inst/usr/lib/bpf/bam-dmux/xdp_pass.bpf.o' ]"

check "default table lists wwan* but not tunx" bash -c "out=\$('$D'); echo \"\$out\" | grep -q '^wwan3' && ! echo \"\$out\" | grep -q '^tunx'"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
