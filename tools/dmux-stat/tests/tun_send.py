#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Write crafted Raw-IP (or QMAP) frames into a tun device (IFF_TUN|IFF_NO_PI):
each write arrives as one received packet on the interface, where generic XDP
sees it.

usage: tun_send.py IFNAME SPEC... [--pps N --seconds S]
SPEC = KIND:COUNT[:key=value,...]; KIND one of udp4 udp6 tcp4 icmp4 frag4
short (4-byte frame starting 0x45) qmap1 (MAPv1 + udp4) qmap4 (MAPv1 header +
udp4 + MAPv4 trailer) qmap5 (MAPv5 + csum header + udp4): one MAP frame each,
as the driver hands them to XDP in QMAP mode. tun takes only frames that
begin 0x4x or 0x6x: qmap1 and qmap4 set flag bit 6, reserved outside MAPv5
(the driver and dmux.bpf ignore it there).
keys: src, dst, sport, dport, mux, size (IP payload bytes).
Prints the number of frames and bytes written as JSON.
"""
import fcntl
import json
import os
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(proto, l4, src, dst, frag=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def ip6(proto, l4, src, dst):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), proto, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + l4


def udp(sport, dport, size):
    return struct.pack("!HHHH", sport, dport, 8 + size, 0) + b"x" * size


def tcp(sport, dport, size):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 1024, 0, 0) + b"x" * size


def frame(kind, o):
    size = int(o.get("size", 18))
    sport, dport = int(o.get("sport", 1000)), int(o.get("dport", 2000))
    src4, dst4 = o.get("src", "10.0.0.1"), o.get("dst", "10.0.0.2")
    if kind == "udp4":
        return ip4(17, udp(sport, dport, size), src4, dst4)
    if kind == "tcp4":
        return ip4(6, tcp(sport, dport, size), src4, dst4)
    if kind == "icmp4":
        return ip4(1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"x" * size, src4, dst4)
    if kind == "frag4":
        return ip4(17, b"y" * (8 + size), src4, dst4, frag=0x0010)
    if kind == "udp6":
        return ip6(17, udp(sport, dport, size), o.get("src", "2001:db8::1"),
                   o.get("dst", "2001:db8::2"))
    if kind == "short":
        return b"\x45\x00\x00\x14"
    if kind in ("qmap1", "qmap4"):
        inner = ip4(17, udp(sport, dport, size), src4, dst4)
        pad = -len(inner) % 4
        return struct.pack("!BBH", 0x40 | pad, int(o.get("mux", 1)), len(inner) + pad) + inner + \
            b"\0" * pad + (b"\0" * 8 if kind == "qmap4" else b"")
    if kind == "qmap5":
        inner = ip4(17, udp(sport, dport, size), src4, dst4)
        return struct.pack("!BBH", 0x40, int(o.get("mux", 1)), len(inner)) + \
            bytes([2 << 1, 0, 0, 0]) + inner
    raise SystemExit("unknown kind " + kind)


def main():
    args = sys.argv[1:]
    pps = seconds = None
    if "--pps" in args:
        i = args.index("--pps")
        pps = float(args[i + 1])
        del args[i:i + 2]
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    ifname, specs = args[0], args[1:]
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", ifname.encode(), IFF_TUN | IFF_NO_PI))
    frames = []
    for spec in specs:
        parts = spec.split(":", 2)
        opts = dict(kv.split("=", 1) for kv in parts[2].split(",")) if len(parts) > 2 else {}
        frames += [frame(parts[0], opts)] * int(parts[1])
    sent = nbytes = 0
    if pps:
        end = time.monotonic() + (seconds or 1)
        nxt = time.monotonic()
        while time.monotonic() < end:
            f = frames[sent % len(frames)]
            os.write(fd, f)
            sent += 1
            nbytes += len(f)
            nxt += 1 / pps
            time.sleep(max(0, nxt - time.monotonic()))
    else:
        for f in frames:
            os.write(fd, f)
            sent += 1
            nbytes += len(f)
    print(json.dumps({"frames": sent, "bytes": nbytes}))
    os.close(fd)


if __name__ == "__main__":
    main()
