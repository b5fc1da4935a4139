#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes small, reproducible captures for the plugin tests (stdlib only).

The lab captures (samples/lab) hold real traffic; these add what the lab has
no reason to contain:

  icmp-errors.pcap  ICMP/ICMPv6 errors quoting UDP and TCP headers, and nothing
                    else: the plugin must mark the ports as quoted and must not
                    take them for the packets' own.
  no-l4.pcap        ARP, ICMP echo, ICMPv6 echo and neighbour discovery: no
                    TCP/UDP at all, so no portclass item may appear.

usage: craft_pcaps.py OUTDIR
"""
import struct
import sys
from pathlib import Path

ETH_IPV4, ETH_IPV6, ETH_ARP = 0x0800, 0x86DD, 0x0806
MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ip4(text: str) -> bytes:
    return bytes(int(x) for x in text.split("."))


def ip6(text: str) -> bytes:
    head, _, tail = text.partition("::")
    def groups(part):
        return [int(g, 16) for g in part.split(":")] if part else []
    h, t = groups(head), groups(tail)
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


def ipv4(src, dst, proto, payload, ttl=64):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, ttl, proto, 0, ip4(src), ip4(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(src, dst, next_header, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, hlim, ip6(src), ip6(dst)) + payload


def pseudo4(src, dst, proto, length):
    return struct.pack("!4s4sBBH", ip4(src), ip4(dst), 0, proto, length)


def pseudo6(src, dst, proto, length):
    return struct.pack("!16s16sIxxxB", ip6(src), ip6(dst), length, proto)


def udp(sport, dport, payload, pseudo):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return seg[:6] + struct.pack("!H", checksum(pseudo(17, len(seg)) + seg) or 0xFFFF) + seg[8:]


def tcp(sport, dport, flags, pseudo, seq=1000, ack=0, options=b""):
    hlen = 20 + len(options)
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hlen // 4) << 4, flags, 64240, 0, 0) + options
    return seg[:16] + struct.pack("!H", checksum(pseudo(6, len(seg)) + seg)) + seg[18:]


def icmp(kind, code, body):
    msg = struct.pack("!BBHI", kind, code, 0, 0) + body
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def icmp6(kind, code, body, src, dst):
    msg = struct.pack("!BBHI", kind, code, 0, 0) + body
    return msg[:2] + struct.pack("!H", checksum(pseudo6(src, dst, 58, len(msg)) + msg)) + msg[4:]


def eth(ethertype, payload, src=MAC_A, dst=MAC_B):
    return dst + src + struct.pack("!H", ethertype) + payload


def write_pcap(path: Path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            out.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)


def p4(a, b):
    return lambda proto, length: pseudo4(a, b, proto, length)


def p6(a, b):
    return lambda proto, length: pseudo6(a, b, proto, length)


def icmp_errors():
    c4, s4, r4 = "10.9.0.2", "10.9.0.1", "10.9.0.254"
    c6, s6 = "fd09::2", "fd09::1"
    quoted_udp = ipv4(c4, s4, 17, udp(40000, 53, b"\x12\x34" + b"\0" * 10, p4(c4, s4)))
    quoted_tcp = ipv4(c4, s4, 6, tcp(51000, 443, 0x02, p4(c4, s4)))
    quoted_tcp6 = ipv6(c6, s6, 6, tcp(50123, 443, 0x02, p6(c6, s6)))
    return [
        # port unreachable for a DNS query
        eth(ETH_IPV4, ipv4(s4, c4, 1, icmp(3, 3, quoted_udp[:28]), ttl=64), MAC_B, MAC_A),
        # time exceeded in transit, sent by a router, for a SYN
        eth(ETH_IPV4, ipv4(r4, c4, 1, icmp(11, 0, quoted_tcp[:28]), ttl=255), MAC_B, MAC_A),
        # ICMPv6 destination unreachable (port unreachable) for a SYN
        eth(ETH_IPV6, ipv6(s6, c6, 58, icmp6(1, 4, quoted_tcp6[:48 + 8], s6, c6)), MAC_B, MAC_A),
    ]


def no_l4():
    a4, b4 = "10.9.1.2", "10.9.1.1"
    a6, b6 = "fd09:1::2", "fd09:1::1"
    arp_req = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, ip4(a4), b"\0" * 6, ip4(b4))
    arp_rep = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, MAC_B, ip4(b4), MAC_A, ip4(a4))
    echo = struct.pack("!HH", 7, 1) + bytes(range(32))
    ns = ip6(b6) + b"\x01\x01" + MAC_A  # target + source link-layer address option
    return [
        eth(ETH_ARP, arp_req, MAC_A, b"\xff" * 6),
        eth(ETH_ARP, arp_rep, MAC_B, MAC_A),
        eth(ETH_IPV4, ipv4(a4, b4, 1, icmp(8, 0, echo))),
        eth(ETH_IPV4, ipv4(b4, a4, 1, icmp(0, 0, echo)), MAC_B, MAC_A),
        eth(ETH_IPV6, ipv6(a6, b6, 58, icmp6(128, 0, echo, a6, b6))),
        eth(ETH_IPV6, ipv6(b6, a6, 58, icmp6(129, 0, echo, b6, a6)), MAC_B, MAC_A),
        eth(ETH_IPV6, ipv6(a6, b6, 58, icmp6(135, 0, ns, a6, b6), hlim=255)),
    ]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write_pcap(out / "icmp-errors.pcap", icmp_errors())
    write_pcap(out / "no-l4.pcap", no_l4())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
