#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The simulator's `qmap` firmware (docs/simulator.md): built-in multiplexing
# off (only channel 0 announced), dynamic MTU, the modem's PDNs as netdevs per
# mux id (mdmq1, mdmq2) whose packets it aggregates into MAP aggregates, and
# strict validation of the host's MAP frames. Against it: the driver's QMAP
# mode with exact accounting both ways (every frame the modem aggregated is
# received; what XDP sends back is validated and counted by the modem, class
# by class), and with rmnet (lts guest) two PDNs, IPv4 and IPv6, both ways.
. "$(dirname "$0")/lib.sh"
require_sim "it boots the simulator's qmap firmware"
require_root
require_xdp_progs

bd_setup
w=$(wwan_of 0) || fail "no netdev for channel 0"
N=$(bd_cycles 400 100)

load_rmnet
rmnet=$BD_RMNET loaded=$BD_RMNET_LOADED
if [ "$rmnet" = 0 ]; then
	log "no rmnet (make rmnet, CONFIG_RMNET): the modem's PDNs and XDP only"
fi

all_open() { [ "$(sim_get state open_modem)" = "$1" ] && host_opened 0; }
# Power the modem down and up with firmware $1 (the driver answers OPENs)
modem_reboot() {
	sim_set fw "$1"
	sim_set power down
	wait_cond 30 '[ "$(sim_get state phase)" = down ]' || fail "modem did not power down"
	sim_set power up
	wait_for 30 all_open "$2" || fail "$1: modem opened $(sim_get state open_modem), not $2"
}
cleanup() {
	xdp_detach "$w" 2>/dev/null
	ip link del rmnet_data1 2>/dev/null
	ip link del rmnet_data2 2>/dev/null
	ethtool --set-priv-flags "$w" qmap off 2>/dev/null
	sim_set qmap_fmt v1
	modem_reboot legacy 0xff
}
trap cleanup EXIT
quiet_channel 0

# 1. Built-in multiplexing off: the restarted modem announces channel 0 only,
# with dynamic MTU.
modem_reboot qmap 0x01
ours=1
drv_counts || ours=0
if [ "$ours" = 1 ]; then
	expect_eq "driver's dyn_mtu" "$(drv_state dyn_mtu)" 1
	ethtool --set-priv-flags "$w" qmap on || fail "qmap on $w"
else
	# mainline's driver: no dynamic MTU, no QMAP mode, no XDP, no
	# counters; each aggregate (2 KiB at most) goes up as one skb, which
	# rmnet deaggregates itself (4. below)
	expect_eq "mainline: host OPEN signal" "$(sim_get state host_open_signal)" 0x00
fi

# The modem's PDNs, in its namespace
for m in 1 2; do
	[ ! -e "/sys/class/net/mdmq$m" ] || ip link set "mdmq$m" netns "$NS" || fail "mdmq$m to $NS"
	# IPv6 (and its chatter) once the counting is over, in 4.
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.mdmq$m.disable_ipv6=1"
	ip -n "$NS" addr flush dev "mdmq$m"
	ip -n "$NS" addr add "10.9.$m.2" peer "10.9.$m.1" dev "mdmq$m" || fail "address mdmq$m"
	ip -n "$NS" link set "mdmq$m" up || fail "mdmq$m up"
done

if [ "$ours" = 1 ]; then
# 2. DL: datagrams from both PDNs, aggregated by the modem. Every MAP frame
# it sent is one the driver counted, and aggregate for aggregate.
mq() { ip netns exec "$NS" cat "/sys/class/net/mdmq$1/statistics/$2"; }
f0=$(sim_counter dl_map_frames) a0=$(sim_counter dl_map_aggr)
rx0=$(eth_stat "$w" rx_packets) ag0=$(drv_stat rx_map_aggr)
t1=$(mq 1 tx_packets) t2=$(mq 2 tx_packets) d1=$(mq 1 tx_dropped) d2=$(mq 2 tx_dropped)
x0=$(sim_counter dl_map_dropped)
ip netns exec "$NS" dmux_udp send 10.9.1.1 9001 "$N" 200 >/dev/null || fail "send on mdmq1"
ip netns exec "$NS" dmux_udp send 10.9.2.1 9002 "$N" 1200 >/dev/null || fail "send on mdmq2"
# sendto() returns once the packet is queued: the mdmq queues stop while the
# modem's backlog is high, and drain after
mq_done() { [ $(( $(mq "$1" tx_packets) + $(mq "$1" tx_dropped) - $2 - $3 )) -ge "$N" ]; }
wait_for 30 mq_done 1 "$t1" "$d1" || fail "mdmq1 sent $(( $(mq 1 tx_packets) - t1 )) of $N"
wait_for 30 mq_done 2 "$t2" "$d2" || fail "mdmq2 sent $(( $(mq 2 tx_packets) - t2 )) of $N"
expect_eq "mdmq1 tx_packets delta" $(( $(mq 1 tx_packets) - t1 )) "$N"
expect_eq "mdmq2 tx_packets delta" $(( $(mq 2 tx_packets) - t2 )) "$N"
dl_sent() { [ $(( $(sim_counter dl_map_frames) - f0 )) -ge $((2 * N)) ]; }
wait_for 10 dl_sent || fail "the modem sent $(( $(sim_counter dl_map_frames) - f0 )) of $((2 * N)) MAP frames"
rx_got() { [ $(( $(eth_stat "$w" rx_packets) - rx0 )) -ge "$1" ]; }
wait_for 10 rx_got $((2 * N)) || fail "$w got $(( $(eth_stat "$w" rx_packets) - rx0 )) of $((2 * N))"
expect_eq "$w rx_packets delta" $(( $(eth_stat "$w" rx_packets) - rx0 )) $((2 * N))
aggs=$(( $(sim_counter dl_map_aggr) - a0 ))
expect_eq "aggregates: driver's rx_map_aggr delta" $(( $(drv_stat rx_map_aggr) - ag0 )) "$aggs"
# how many per aggregate depends on timing (the modem's timer is a jiffy)
log "$((2 * N)) MAP frames in $aggs aggregates"
expect_eq "dl_map_dropped delta" $(( $(sim_counter dl_map_dropped) - x0 )) 0

# 3. UL, strictly checked by the modem: XDP_TX sends MAP frames back.
xdp_attach "$w" xdp_qmap.o || fail "attach xdp_qmap"
act() {
	bpftool map update name bd_qmap_act key "$1" 0 0 0 value "$2" 0 0 0 ||
		fail "bd_qmap_act[$1]"
}
# ul_case NAME COUNTER HEX...: one DL aggregate (one MAP frame, mux 1) sent
# back by XDP_TX; the modem's COUNTER grows by exactly one.
ul_case() {
	_n=$1 _c=$2
	shift 2
	_c0=$(sim_counter "$_c")
	sim_inject "$@"
	wait_cond 10 "[ \"\$(sim_counter $_c)\" -gt $_c0 ]" || fail "$_n: the modem's $_c did not count it"
	expect_eq "$_n: $_c delta" $(( $(sim_counter "$_c") - _c0 )) 1
}
# IPv4 header checksum 0: the modem's namespace drops it without an answer
# (an ICMP error sent back through mux 1's XDP_TX would count twice).
P="45 00 00 1c 00 00 00 00 40 11 00 00 0a 09 01 01 0a 09 01 02 00 09 00 09 00 08 00 00"
act 1 $((3 + 1))		# mux 1: XDP_TX
act 3 $((3 + 1))		# mux 3: XDP_TX
# shellcheck disable=SC2086
{
ul_case "a packet" ul_map_frames fc 33 00 00 00 00 20 00  00 01 00 1c $P
ul_case "a command" ul_map_cmds fc 33 00 00 00 00 0c 00  80 01 00 08 01 02 00 00 00 00 00 07
ul_case "mux 3 (no PDN)" ul_map_no_mux fc 33 00 00 00 00 20 00  00 03 00 1c $P
sim_set qmap_fmt v5
ul_case "MAPv1 to a MAPv5 modem" ul_map_no_csum_hdr fc 33 00 00 00 00 20 00  00 01 00 1c $P
sim_set qmap_fmt v1
}
act 1 0
act 3 0
xdp_detach "$w"
fi

# 4. Two PDNs through rmnet, IPv4 and IPv6, both ways.
if [ "$rmnet" = 1 ]; then
	for m in 1 2; do
		ip netns exec "$NS" sysctl -qw "net.ipv6.conf.mdmq$m.disable_ipv6=0"
		ip -n "$NS" addr add "fd09:$m::2/64" dev "mdmq$m" nodad || fail "address mdmq$m (IPv6)"
		ip link add link "$w" name "rmnet_data$m" type rmnet mux_id "$m" || fail "rmnet_data$m"
		ip addr add "10.9.$m.1" peer "10.9.$m.2" dev "rmnet_data$m" || fail "address rmnet_data$m"
		ip addr add "fd09:$m::1/64" dev "rmnet_data$m" nodad || fail "address rmnet_data$m (IPv6)"
		ip link set "rmnet_data$m" up || fail "rmnet_data$m up"
	done
	for m in 1 2; do
		ping -c 2 -i 0.2 -W 5 "10.9.$m.2" >/dev/null || fail "ping host -> modem, PDN $m"
		ping -6 -c 2 -i 0.2 -W 5 "fd09:$m::2" >/dev/null || fail "ping -6 host -> modem, PDN $m"
		ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 "10.9.$m.1" >/dev/null || fail "ping modem -> host, PDN $m"
		ip netns exec "$NS" ping -6 -c 2 -i 0.2 -W 5 "fd09:$m::1" >/dev/null ||
			fail "ping -6 modem -> host, PDN $m"
	done
	# udp_pdn h2m|m2h PDN ADDR [4|6 [SIZE]]: $N datagrams of SIZE (1000)
	# bytes, counted and checked
	udp_pdn() {
		_out=$(mktemp)
		_port=$((9100 + $2))
		_six=
		[ "${4:-4}" != 6 ] || _six=6
		if [ "$1" = h2m ]; then
			ip netns exec "$NS" dmux_udp recv "$_port" "$N" 60000 $_six > "$_out" &
		else
			dmux_udp recv "$_port" "$N" 60000 $_six > "$_out" &
		fi
		_pid=$!
		wait_for 10 grep -q listening "$_out" || fail "receiver did not start"
		if [ "$1" = h2m ]; then
			dmux_udp send "$3" "$_port" "$N" "${5:-1000}" >/dev/null
		else
			ip netns exec "$NS" dmux_udp send "$3" "$_port" "$N" "${5:-1000}" >/dev/null
		fi || fail "sender failed ($*)"
		wait "$_pid" || fail "$1 PDN $2 $3: $(tail -n 1 "$_out")"
		log "$1 PDN $2 $3: $(tail -n 1 "$_out")"
		rm -f "$_out"
	}
	udp_pdn h2m 1 10.9.1.2
	udp_pdn m2h 1 10.9.1.1
	udp_pdn h2m 2 fd09:2::2 6
	udp_pdn m2h 2 fd09:2::1 6
	# rmnet's own UL aggregation (ethtool -C tx-aggr-*, set through netlink:
	# the guest's ethtool predates it): several MAP frames per DATA frame,
	# which the modem walks frame by frame.
	# (mainline's driver takes 2 KiB frames: its aggregates must fit)
	agg_bytes=8192
	[ "$ours" = 1 ] || agg_bytes=2000
	if dmux_nl tx-aggr rmnet_data1 "$agg_bytes" 8 10000; then
		d0=$(sim_counter tx_frames) u0=$(sim_counter ul_map_frames)
		udp_pdn h2m 1 10.9.1.2 4 200
		data=$(( $(sim_counter tx_frames) - d0 )) maps=$(( $(sim_counter ul_map_frames) - u0 ))
		log "UL: $maps MAP frames in $data DATA frames (rmnet's aggregation)"
		expect_ge "UL MAP frames the modem delivered" "$maps" "$N"
		[ "$data" -lt "$maps" ] || fail "UL: no DATA frame carried two MAP frames ($data for $maps)"
		dmux_nl tx-aggr rmnet_data1 0 1 0 || fail "rmnet UL aggregation off"
	else
		log "no rmnet UL aggregation here (ethtool coalesce tx-aggr refused)"
	fi
	ip link del rmnet_data1 || fail "ip link del rmnet_data1"
	ip link del rmnet_data2 || fail "ip link del rmnet_data2"
	[ "$loaded" = 0 ] || rmmod rmnet || fail "rmmod rmnet"
fi

# 5. Back to legacy firmware: eight channels again, Raw-IP.
trap - EXIT
[ "$ours" = 0 ] || ethtool --set-priv-flags "$w" qmap off || fail "qmap off"
modem_reboot legacy 0xff
wait_for 60 all_channels_up 8 || fail "channels after legacy restart: $(wwan_count)"
loud_channel 0 || fail "cannot address channel 0"
if [ "$ours" = 1 ]; then
	ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 10.0.0.1 >/dev/null ||
		fail "Raw-IP on channel 0 after qmap firmware"
elif ! ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 10.0.0.1 >/dev/null; then
	log "mainline: no Raw-IP on channel 0 after the second restart (recorded, not a failure)"
fi
exit $KSFT_PASS
