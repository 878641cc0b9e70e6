# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the BAM-DMUX selftests. POSIX sh: runs under busybox ash in the
# VM and under any /bin/sh on a phone. Sourced by every test.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# An installed tree (make deb: bam-dmux-xdp-selftests) names its places in bd.env
case $0 in */*) [ ! -r "${0%/*}/bd.env" ] || . "${0%/*}/bd.env" ;; *) [ ! -r bd.env ] || . ./bd.env ;; esac
BD_ROOT=${BD_ROOT:-/opt/bam-dmux}
BD_BIN=${BD_BIN:-$BD_ROOT/bin}
BD_BPF=${BD_BPF:-$BD_ROOT/bpf}
# The driver module to load (the fidelity tier points it at mainline's)
BD_KMOD=${BD_KMOD:-$BD_ROOT/kmod/qcom_bam_dmux.ko}
SIM=/sys/kernel/debug/bam_dmux_sim
DRV=/sys/bus/platform/drivers/bam-dmux
DRV_DBG=/sys/kernel/debug/qcom_bam_dmux
NS=mdm
PATH=$BD_BIN:$PATH

log() { echo "# $*"; }
fail() { echo "# FAIL: $*"; exit $KSFT_FAIL; }
skip() { echo "# SKIP: $*"; exit $KSFT_SKIP; }

# bd_cycles N [QUICK]: how many times to repeat a cycle that only soaks (power
# cycles, reloads, program swaps): N, or QUICK (default 1) when BD_QUICK=1,
# or BD_CYCLES when set (make soak). CI's runs set BD_QUICK=1 (every path
# once, docs/testing.md); a phone, a manual run and make check-full get N.
bd_cycles() {
	if [ -n "${BD_CYCLES:-}" ]; then
		case $BD_CYCLES in
		*[!0-9]* | 0*) fail "BD_CYCLES must be a whole number >= 1, not '$BD_CYCLES'" ;;
		esac
		echo "$BD_CYCLES"
	elif [ "${BD_QUICK:-0}" = 1 ]; then
		echo "${2:-1}"
	else
		echo "$1"
	fi
}

# bd_now: whole seconds since boot in _now. The clock of the wait loops, read
# with a builtin: a process (date) costs up to 100 ms on the debug kernel
# under TCG, and the loops poll.
bd_now() {
	read -r _now _ </proc/uptime
	_now=${_now%.*}
}

# wait_for SECONDS CMD...: run CMD until it succeeds, at most SECONDS long.
wait_for() {
	bd_now
	_wf_end=$((_now + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		bd_now
		[ "$_now" -ge "$_wf_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# wait_cond SECONDS 'CONDITION': evaluate the shell condition (a string, so
# that its $(...) runs anew each time) until it holds, at most SECONDS long.
# wait_for's arguments are expanded once, by the caller.
wait_cond() {
	bd_now
	_wc_end=$((_now + $1))
	while ! eval "$2" >/dev/null 2>&1; do
		bd_now
		[ "$_now" -ge "$_wc_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# bd_devname: the name of the BAM-DMUX platform device (the one the driver is
# bound to) in _dn, with builtins only (the helpers below run hundreds of
# times per test)
bd_devname() {
	for _d in "$DRV"/*; do
		[ -L "$_d/driver" ] && { _dn=${_d##*/}; return 0; }
	done
	return 1
}
# bd_dev: that device's sysfs path, printed
bd_dev() { bd_devname && readlink -f "$DRV/$_dn"; }
# bd_field FILE KEY: the second field of FILE's line whose first field is KEY
# (awk '$1 == k { print $2 }' with builtins; nothing if no line has KEY)
bd_field() {
	[ -r "$1" ] || { echo "cannot read $1" >&2; return 2; }
	while IFS=' 	' read -r _bk _bv _ || [ -n "$_bk" ]; do
		[ "$_bk" != "$2" ] || { echo "$_bv"; return 0; }
	done <"$1"
	return 0
}

has_sim() { [ -d "$SIM" ]; }
# require_sim [WHY]: skip unless the simulated modem is there (a phone: never),
# saying why the test needs it
require_sim() {
	[ "$(id -u)" = 0 ] && bd_load_modules 2>/dev/null
	has_sim || skip "needs the simulated modem${1:+: $1}"
}
require_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }

# The netdevs of the bound BAM-DMUX device are the entries of its sysfs net/
# directory, read with shell builtins (read, globs) once bd_devname has found the
# device: these run hundreds of times per test, and a process costs
# milliseconds under TCG.
# Netdev of channel $1: bound to bam-dmux, dev_port == channel.
wwan_of() {
	bd_devname || return 1
	_wd=$DRV/$_dn
	for _n in "$_wd"/net/*; do
		read -r _p 2>/dev/null <"$_n/dev_port" || continue
		[ "$_p" = "$1" ] && { echo "${_n##*/}"; return 0; }
	done
	return 1
}

# WWAN netdevs in this namespace, whoever's they are: after an unload or an
# unbind, none may be left (wwan_count sees only a bound device's).
wwan_left() {
	_c=0
	for _n in /sys/class/net/*; do
		grep -qx DEVTYPE=wwan "$_n/uevent" 2>/dev/null && _c=$((_c + 1))
	done
	echo "$_c"
}

wwan_count() {
	_c=0
	if bd_devname; then
		_wd=$DRV/$_dn
		for _n in "$_wd"/net/*; do
			[ -r "$_n/dev_port" ] && _c=$((_c + 1))
		done
	fi
	echo "$_c"
}

sim_set() { echo "$2" > "$SIM/$1"; }
# sim_inject HEX...: one RX transfer from the modem holding exactly these
# bytes (one write: busybox printf takes octal escapes, not \x)
sim_inject() {
	[ $# -gt 0 ] || return 1
	# "0x" before each byte, in place: the arguments stay words whatever IFS is
	for _b do
		set -- "$@" "0x$_b"
		shift
	done
	# one printf for every byte (it repeats its format): a process per byte
	# cost seconds per frame on the debug kernel
	_fmt=$(printf '\\%03o' "$@")
	printf "$_fmt" > "$SIM/inject"
}
# load_rmnet: the kernel's rmnet, built in (the debug kernel) or loaded if it
# is a module somewhere (the lts guest's /opt/bam-dmux/rmnet/rmnet.ko, built
# by make rmnet, or BD_RMNET_KO). Sets BD_RMNET (1: there) and BD_RMNET_LOADED (1: loaded here,
# rmmod it at the end).
load_rmnet() {
	_ko=${BD_RMNET_KO:-$BD_ROOT/rmnet/rmnet.ko}
	BD_RMNET=1 BD_RMNET_LOADED=0
	if [ -d /sys/module/rmnet ]; then
		:
	elif [ -r /proc/config.gz ] && zcat /proc/config.gz | grep -qx 'CONFIG_RMNET=y'; then
		:	# built in (the debug kernel): no module directory to see
	elif { [ -f "$_ko" ] && insmod "$_ko"; } || modprobe -q rmnet 2>/dev/null; then
		BD_RMNET_LOADED=1
	else
		BD_RMNET=0
	fi
}
# sim_get FILE KEY: value of "KEY value" in a simulator file
sim_get() { bd_field "$SIM/$1" "$2"; }
sim_counter() { sim_get counters "$1"; }
# Device-wide driver counters (debugfs)
drv_stat() { bd_devname && bd_field "$DRV_DBG/$_dn/stats" "$1"; }
drv_state() { bd_devname && bd_field "$DRV_DBG/$_dn/state" "$1"; }
# ethtool -S counter of an interface
eth_stat() {
	ethtool -S "$1" | while IFS=': ' read -r _ek _ev _; do
		[ "$_ek" != "$2" ] || { echo "$_ev"; break; }
	done
}
if_stat() { read -r _is <"/sys/class/net/$1/statistics/$2" && echo "$_is"; }
# Mainline's qcom_bam_dmux keeps no netdev statistics (run_tests sets
# BD_NO_NETDEV_STATS=1 for its fidelity cases): there, only the modem's end
# of a channel is counted.
drv_counts() { [ "${BD_NO_NETDEV_STATS:-0}" = 0 ]; }
ns_if_stat() { ip netns exec "$NS" cat "/sys/class/net/$1/statistics/$2"; }

# Counter comparisons that say what they saw
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected $3, got $2"
	log "$1 = $2"
}
expect_ge() {
	[ "$2" -ge "$3" ] 2>/dev/null || fail "$1: expected >= $3, got $2"
	log "$1 = $2 (>= $3)"
}

bd_load_modules() {
	if [ ! -d /sys/module/bam_dmux_sim ] && [ -f "$BD_ROOT/kmod/bam_dmux_sim.ko" ]; then
		insmod "$BD_ROOT/kmod/bam_dmux_sim.ko" || return 1
	fi
	if [ ! -d /sys/module/qcom_bam_dmux ]; then
		if [ -f "$BD_KMOD" ]; then
			insmod "$BD_KMOD" || return 1
		else
			modprobe qcom_bam_dmux || return 1
		fi
	fi
}

bd_unload_modules() {
	ip netns del "$NS" 2>/dev/null
	[ -d /sys/module/qcom_bam_dmux ] && { rmmod qcom_bam_dmux || return 1; }
	[ -d /sys/module/bam_dmux_sim ] && { rmmod bam_dmux_sim || return 1; }
	return 0
}

all_channels_up() { [ "$(wwan_count)" = "${1:-8}" ]; }

# A modem announces its channels when it powers up, not when the host's
# driver (re)loads: after a reload, let the simulated modem restart its data
# path, as firmware does after a QMI "open port" or a restart.
modem_restart() {
	wait_for 30 bd_dev || fail "driver did not bind"
	sim_set power down
	wait_cond 30 '[ "$(sim_get state phase)" = down ]' || fail "modem did not power down"
	sim_set power up
}

# Address both ends of channels $@: the host's wwan and, with the simulator,
# the modem's mdm in netns $NS. 10.C.0.1 <-> 10.C.0.2, fd00:C::1 <-> fd00:C::2.
# One ip and one tc batch per side, whatever the number of channels.
bd_addr_channels() {
	_hb='' _tb='' _mb='' _ms='' _mv=''
	for _ch in "$@"; do
		_w=$(wwan_of "$_ch") || return 1
		echo 0 >"/proc/sys/net/ipv6/conf/$_w/disable_ipv6" || return 1
		_hb="$_hb
addr flush dev $_w
addr add 10.$_ch.0.1 peer 10.$_ch.0.2 dev $_w
addr add fd00:$_ch::1/64 dev $_w nodad
link set $_w up"
		# A plain FIFO, not the default fq_codel: CoDel drops when a
		# loaded machine delays the queue past 5 ms, and the tests
		# count datagrams.
		_tb="$_tb
qdisc replace dev $_w root pfifo limit 10000"
		has_sim || continue
		_ms="$_ms mdm$_ch"
		# a modem end still in the host's namespace moves over first
		[ ! -e "/sys/class/net/mdm$_ch" ] || _mv="$_mv mdm$_ch"
		_mb="$_mb
addr flush dev mdm$_ch
addr add 10.$_ch.0.2 peer 10.$_ch.0.1 dev mdm$_ch
addr add fd00:$_ch::2/64 dev mdm$_ch nodad
link set mdm$_ch up"
	done
	echo "$_hb" | sed '/^$/d' | ip -batch - || { echo "# ip -batch failed: $_hb"; return 1; }
	echo "$_tb" | sed '/^$/d' | tc -batch - || { echo "# tc -batch failed: $_tb"; return 1; }
	has_sim || return 0
	for _m in $_mv; do
		ip link set "$_m" netns "$NS" || return 1
	done
	# shellcheck disable=SC2016,SC2086
	ip netns exec "$NS" sh -c 'for m; do
		echo 0 >/proc/sys/net/ipv6/conf/$m/disable_ipv6 || exit 1
	done' sh $_ms || return 1
	echo "$_mb" | sed '/^$/d' | ip -n "$NS" -batch - ||
		{ echo "# ip -n $NS -batch failed: $_mb"; return 1; }
	for _m in $_ms; do
		echo "qdisc replace dev $_m root pfifo limit 10000"
	done | ip netns exec "$NS" tc -batch - || { echo "# tc -batch in $NS failed"; return 1; }
}
bd_addr_channel() { bd_addr_channels "$1"; }

# Bring the product up: modules, eight channels, both ends addressed.
bd_setup() {
	require_root
	bd_load_modules || fail "cannot load the modules"
	wait_for 60 all_channels_up 8 || {
		if has_sim; then
			fail "expected 8 wwan channels, have $(wwan_count)"
		fi
		[ "$(wwan_count)" -gt 0 ] || skip "no BAM-DMUX channel (modem not up?)"
	}
	has_sim || return 0
	# Room for a burst in each CPU's input queue, in both namespaces: the
	# tests count frames the devices delivered, not the stack's drops.
	echo 10000 >/proc/sys/net/core/netdev_max_backlog
	ip netns add "$NS" 2>/dev/null
	ip -n "$NS" link set lo up
	bd_addr_channels 0 1 2 3 4 5 6 7 || fail "cannot address the channels"
}

# The modem has seen the host OPEN channel $1
host_opened() { [ $(( $(sim_get state open_host) >> $1 & 1 )) = 1 ]; }

# Runtime PM status of the BAM-DMUX device
rpm_status() { bd_devname && read -r _rs <"$DRV/$_dn/power/runtime_status" && echo "$_rs"; }
# pm_fixed_delay [MS]: a fixed autosuspend delay (default 900 ms), for a test that idles the
# host again and again: between short power collapses the driver's adaptive delay doubles up
# to 10 s, and each wait for "suspended" would wait that long (autosuspend.sh tests the
# adaptation). A write of a value the adaptation never takes (it takes 1, 2, 4, 8 and 10 s)
# ends it until the next bind; mainline's driver just takes the value.
pm_fixed_delay() {
	echo "${1:-900}" > "$(bd_dev)/power/autosuspend_delay_ms" ||
		fail "cannot write $(bd_dev)/power/autosuspend_delay_ms"
}

# udp_exchange h2m|m2h CH COUNT SIZE: COUNT datagrams of SIZE bytes from one
# end of the simulator's channel CH to the other (port 9000 + CH), counted and
# checked by the receiver: env_udp_exchange out|in with the simulator's
# addresses of CH, in a subshell (the environment of the caller is kept).
udp_exchange() {
	(
		BD_CH=$2 REMOTE_TYPE=netns REMOTE_ARGS=$NS
		NETIF=$(wwan_of "$2") || fail "no netdev for channel $2"
		LOCAL_V4=$(local_addr4 "$2") REMOTE_V4=$(remote_addr4 "$2")
		case $1 in h2m) _ued=out ;; m2h) _ued=in ;; *) fail "udp_exchange: h2m or m2h, not '$1'" ;; esac
		env_udp_exchange "$_ued" "$3" "$4"
	)
}

# No IPv6 on channel $1 (both ends): nothing but the test's own traffic.
quiet_channel() {
	sysctl -qw "net.ipv6.conf.$(wwan_of "$1").disable_ipv6=1"
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.mdm$1.disable_ipv6=1"
}

loud_channel() { bd_addr_channel "$1"; }

# Every channel quiet: for tests of the shared power state (runtime PM, the
# vote, the modem's collapse), where any channel's IPv6 chatter (router
# solicitations, MLD reports after setup) would wake the device under them.
quiet_all() { for _qc in 0 1 2 3 4 5 6 7; do quiet_channel "$_qc"; done; }
loud_all() { bd_addr_channels 0 1 2 3 4 5 6 7; }

# ends_mark CH, then ends_agree CH: since the mark, what one end of the
# channel sent the other received (both directions).
ends_mark() {
	_w=$(wwan_of "$1")
	BD_ENDS="$(if_stat "$_w" tx_packets) $(ns_if_stat "mdm$1" rx_packets) $(if_stat "$_w" rx_packets) $(ns_if_stat "mdm$1" tx_packets)"
}
ends_agree() {
	_w=$(wwan_of "$1")
	set -- $BD_ENDS "$(if_stat "$_w" tx_packets)" "$(ns_if_stat "mdm$1" rx_packets)" \
		"$(if_stat "$_w" rx_packets)" "$(ns_if_stat "mdm$1" tx_packets)"
	[ $(($5 - $1)) = $(($6 - $2)) ] && [ $(($7 - $3)) = $(($8 - $4)) ]
}

# --- The traffic tests' environment (issue 12), in the convention of the
# kernel's tools/testing/selftests/drivers/net/: NETIF (the device under
# test), LOCAL_V4/LOCAL_V6 (its addresses), REMOTE_V4/REMOTE_V6 (the far
# end's), REMOTE_TYPE (netns, ssh or empty) and REMOTE_ARGS (the namespace's
# name, or ssh's arguments: [user@]host [options]). Read from the environment,
# then from net.config beside the tests (KEY=VALUE lines, # comments; the
# environment wins). Nothing configured and the simulator present: the
# simulator's setup of channel CH (bd_env's argument), as bd_addr_channels
# addresses it. docs/testing.md, "Environment".
BD_ENV_KEYS='NETIF LOCAL_V4 LOCAL_V6 REMOTE_V4 REMOTE_V6 REMOTE_TYPE REMOTE_ARGS'
case $0 in */*) BD_NETCONF=${BD_NETCONF:-${0%/*}/net.config} ;; *) BD_NETCONF=${BD_NETCONF:-net.config} ;; esac

# bd_env_file FILE: the keys FILE sets that the environment does not. Values
# are taken literally (one pair of enclosing quotes dropped), never evaluated.
bd_env_file() {
	[ -r "$1" ] || return 0
	while IFS= read -r _l || [ -n "$_l" ]; do
		case $_l in *=*) ;; *) continue ;; esac
		_k=${_l%%=*} _v=${_l#*=}
		# blanks around the key and the value go
		_k=${_k#"${_k%%[! 	]*}"} _k=${_k%"${_k##*[! 	]}"}
		_v=${_v#"${_v%%[! 	]*}"} _v=${_v%"${_v##*[! 	]}"}
		case $_k in \#*) continue ;; esac
		case " $BD_ENV_KEYS " in *" $_k "*) ;; *) echo "# $1: unknown key '$_k' ignored"; continue ;; esac
		case $_v in \"*\") _v=${_v#\"} _v=${_v%\"} ;; \'*\') _v=${_v#\'} _v=${_v%\'} ;; esac
		eval "_set=\${$_k+x}"
		[ -n "$_set" ] || eval "$_k=\$_v"
	done <"$1"
}

# bd_env CH: load and check the environment (skip, saying what is missing).
# With the simulator, bring the product up first (bd_setup). Sets BD_CH to
# NETIF's BAM-DMUX channel (empty when NETIF is not one), BD_SIM_END=1 when
# NETIF's far end is the simulator's mdm (its counters then count the test),
# BD_ENV_CONF to the keys configured (empty: the simulator's defaults).
# bd_env_configured: load net.config; true when any key is set (sets _configured)
bd_env_configured() {
	bd_env_file "$BD_NETCONF"
	_configured=
	for _k in $BD_ENV_KEYS; do
		eval "[ -z \"\${$_k:-}\" ] || _configured=\"\$_configured $_k\""
	done
	[ -n "$_configured" ]
}
bd_env() {
	[ "$(id -u)" = 0 ] && bd_load_modules 2>/dev/null
	bd_env_configured
	if has_sim; then
		bd_setup
	elif [ -z "$_configured" ]; then
		skip "no simulated modem and no environment: set NETIF, REMOTE_V4 (or REMOTE_V6), LOCAL_V4/LOCAL_V6, REMOTE_TYPE (netns or ssh) and REMOTE_ARGS in net.config ($BD_NETCONF) or the environment"
	fi
	BD_ENV_CONF=$_configured
	if [ -z "$_configured" ]; then
		NETIF=$(wwan_of "$1") || fail "no netdev for channel $1"
		LOCAL_V4=10.$1.0.1 REMOTE_V4=10.$1.0.2
		LOCAL_V6=fd00:$1::1 REMOTE_V6=fd00:$1::2
		REMOTE_TYPE=netns REMOTE_ARGS=$NS
		log "environment: the simulator's channel $1 (nothing configured)"
	else
		log "environment configured:$_configured"
	fi
	[ -n "${NETIF:-}" ] || skip "NETIF not set: set it in net.config ($BD_NETCONF) or the environment"
	[ -d "/sys/class/net/$NETIF" ] || skip "NETIF=$NETIF: no such interface"
	[ -n "${REMOTE_V4:-}${REMOTE_V6:-}" ] ||
		skip "neither REMOTE_V4 nor REMOTE_V6 set: set them in net.config ($BD_NETCONF) or the environment"
	case ${REMOTE_TYPE:-} in
	netns|ssh) [ -n "${REMOTE_ARGS:-}" ] || skip "REMOTE_TYPE=$REMOTE_TYPE needs REMOTE_ARGS" ;;
	'') ;;
	*) fail "REMOTE_TYPE must be netns, ssh or empty, not '$REMOTE_TYPE'" ;;
	esac
	[ "${REMOTE_TYPE:-}" != netns ] || ip netns exec "$REMOTE_ARGS" true ||
		skip "REMOTE_ARGS=$REMOTE_ARGS: no such network namespace"
	BD_CH='' BD_SIM_END=''
	if _wd=$(bd_dev) && [ -r "$_wd/net/$NETIF/dev_port" ]; then
		read -r BD_CH <"$_wd/net/$NETIF/dev_port"
		! has_sim || BD_SIM_END=1
	fi
	log "NETIF=$NETIF LOCAL_V4=${LOCAL_V4:-} LOCAL_V6=${LOCAL_V6:-} REMOTE_V4=${REMOTE_V4:-} REMOTE_V6=${REMOTE_V6:-} REMOTE_TYPE=${REMOTE_TYPE:-} REMOTE_ARGS=${REMOTE_ARGS:-}"
}

# The far end is the simulator's mdm of NETIF's channel
sim_end() { [ -n "${BD_SIM_END:-}" ]; }
# A command can run at the far end
has_remote() { [ -n "${REMOTE_TYPE:-}" ]; }
# remote_cmd CMD...: run CMD at the far end (ssh: each word quoted for the
# remote shell; CMD must be on the remote's PATH).
remote_cmd() {
	case ${REMOTE_TYPE:-} in
	netns) ip netns exec "$REMOTE_ARGS" "$@" ;;
	ssh)
		_rq=
		for _a; do
			_rq="$_rq '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
		done
		# shellcheck disable=SC2086
		ssh -o BatchMode=yes $REMOTE_ARGS "$_rq" ;;
	*) echo "# remote_cmd: no REMOTE_TYPE" >&2; return 1 ;;
	esac
}
# Addresses: of the configured pair, or with CH, of the simulator's channel CH
local_addr4() { if [ $# -gt 0 ]; then echo "10.$1.0.1"; else echo "${LOCAL_V4:-}"; fi; }
local_addr6() { if [ $# -gt 0 ]; then echo "fd00:$1::1"; else echo "${LOCAL_V6:-}"; fi; }
remote_addr4() { if [ $# -gt 0 ]; then echo "10.$1.0.2"; else echo "${REMOTE_V4:-}"; fi; }
remote_addr6() { if [ $# -gt 0 ]; then echo "fd00:$1::2"; else echo "${REMOTE_V6:-}"; fi; }

# env_udp_exchange out|in COUNT SIZE [PORT]: COUNT datagrams of SIZE bytes
# over IPv4 from here to REMOTE_V4 (out) or from the far end to LOCAL_V4
# (in), counted and checked by the receiver (udp_exchange's h2m/m2h).
env_udp_exchange() {
	_out=$(mktemp)
	_port=${4:-$((9000 + ${BD_CH:-0}))}
	if [ "$1" = out ]; then
		remote_cmd dmux_udp recv "$_port" "$2" 60000 > "$_out" &
	else
		dmux_udp recv "$_port" "$2" 60000 > "$_out" &
	fi
	_pid=$!
	wait_for 10 grep -q listening "$_out" || fail "receiver did not start"
	if [ "$1" = out ]; then
		dmux_udp send "$REMOTE_V4" "$_port" "$2" "$3" >/dev/null
	else
		remote_cmd dmux_udp send "$LOCAL_V4" "$_port" "$2" "$3" >/dev/null
	fi || fail "sender failed"
	wait "$_pid"
	_rc=$?
	log "$1 $NETIF ${2}x$3: $(tail -n 1 "$_out")"
	rm -f "$_out"
	return $_rc
}
# What a test needs of the environment, each a skip with the reason when missing:
# IPv4 traffic from the far end to NETIF (a command there and LOCAL_V4), and
# IPv4 traffic from NETIF to a far end that counts it (REMOTE_V4 and a command).
require_in4() {
	has_remote || skip "needs a command at the remote end (dmux_udp sends from there): set REMOTE_TYPE and REMOTE_ARGS"
	[ -n "${LOCAL_V4:-}" ] || skip "needs LOCAL_V4, the address the remote end sends to"
}
require_out4() {
	has_remote || skip "needs a command at the remote end (dmux_udp receives there): set REMOTE_TYPE and REMOTE_ARGS"
	[ -n "${REMOTE_V4:-}" ] || skip "needs REMOTE_V4"
}
# NETIF is a channel of this driver (XDP, ethtool -S, the device's PM)
require_bd_netif() {
	[ -n "${BD_CH:-}" ] || skip "NETIF=$NETIF is not a BAM-DMUX channel (bound to bam-dmux)"
}
# remote_send4 COUNT SIZE [PORT]: the far end sends COUNT UDP datagrams of SIZE
# payload bytes to LOCAL_V4 (PORT: 9000 + the channel), nobody counting them
remote_send4() {
	remote_cmd dmux_udp send "$LOCAL_V4" "${3:-$((9000 + ${BD_CH:-0}))}" "$1" "$2" >/dev/null
}
# Counter comparison of a test's own traffic: exact where the far end is the
# simulator's quiet channel, at least that on a live link (other traffic)
expect_sent() {
	if sim_end; then expect_eq "$@"; else expect_ge "$@"; fi
}
# --- end of the traffic tests' environment

# XDP: native attach of a test program (build/bpf/test), and detach
xdp_attach() { ip -force link set dev "$1" xdpdrv obj "$BD_BPF/test/$2" sec xdp; }
xdp_detach() {
	ip link set dev "$1" xdpdrv off 2>/dev/null
	ip link set dev "$1" xdpgeneric off 2>/dev/null
	return 0
}
require_xdp_progs() { [ -f "$BD_BPF/test/xdp_pass.o" ] || skip "test XDP programs not installed"; }
# The start of an XDP test: the environment (bd_env CH: with the simulator,
# its channel CH), NETIF a BAM-DMUX channel, IPv4 from the far end. Sets ch
# (the channel) and w (NETIF), quiets the simulator's channel and detaches the
# program when the test exits.
xdp_test_begin() {
	require_xdp_progs
	bd_env "$1"
	require_bd_netif
	require_in4
	ch=$BD_CH
	w=$NETIF
	! sim_end || quiet_channel "$ch"
	trap 'xdp_detach "$w"; ! sim_end || loud_channel "$ch"' EXIT
}
# UDP datagrams the host's stack took in (delivered or refused for no port)
udp_in() { awk '/^Udp:/ { if (h) { print $2 + $3; exit } h = 1 }' /proc/net/snmp; }
# netdev-genl queue stats of an interface (dmux_nl)
qstat() { dmux_nl qstats "$1" | awk -v k="$2" '$1 == k { s += $2 } END { print s + 0 }'; }
# eth_stat_delta IF KEY BEFORE: how much the counter grew
eth_delta() { echo $(( $(eth_stat "$1" "$2") - $3 )); }
eth_reached() { [ "$(eth_stat "$1" "$2")" -ge "$3" ]; }
