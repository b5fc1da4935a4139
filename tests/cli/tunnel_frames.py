# SPDX-License-Identifier: GPL-2.0-or-later
"""Crafted captures of the link layers and tunnels the kernel cannot make in a
test namespace (PPPoE, GTP-U, Teredo, AYIYA, NFLOG, Cisco HDLC, ARCNET,
802.11 behind radiotap / PPI / Prism and plain, MPLS, ...), and of the
kernel's own tunnels for machines whose tunnel modules are not loaded, built
byte by byte from the protocols' specifications. Each case holds one TCP handshake
(SYN, SYN+ACK, ACK) and one UDP datagram between two inner hosts of its own,
so a test can compare what `portclass profile` sees with what tshark sees.

cases() -> [(name, linktype, [frame, ...])]; write(path, linktype, frames).
"""
import ipaddress
import struct

ETHERNET, ARCNET_BSD, PPP_SERIAL, NULL, C_HDLC, IEEE802_11 = 1, 7, 50, 0, 104, 105
PRISM, RADIOTAP, ARCNET_LINUX, PPI, NFLOG = 119, 127, 129, 192, 239

LINUX_SYN_OPTIONS = bytes([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def tcp(sport, dport, flags, seq, ack, options=b"", payload=b""):
    offset = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, 64240, 0, 0) + options + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=0x4d2, df=True):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000 if df else 0, ttl, proto, 0,
                         ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def ipv6(src, dst, next_header, payload, hop_limit=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), next_header, hop_limit) + \
        ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + payload


def ip(src, dst, proto, payload, ttl=64):
    if ":" in src:
        return ipv6(src, dst, proto, payload, ttl)
    return ipv4(src, dst, proto, payload, ttl)


def conversation(client, server, cport, sport, uport):
    """A TCP handshake and a DNS-like UDP query, as IP packets."""
    return [
        ip(client, server, 6, tcp(cport, sport, 0x02, 1000, 0, LINUX_SYN_OPTIONS)),
        ip(server, client, 6, tcp(sport, cport, 0x12, 5000, 1001, bytes([2, 4, 5, 0xb4, 1, 1, 4, 2]))),
        ip(client, server, 6, tcp(cport, sport, 0x10, 1001, 5001)),
        ip(client, server, 17, udp(uport, 53, b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01")),
    ]


def ethernet(ethertype, payload, vlans=()):
    tags = b"".join(struct.pack("!HH", tpid, vid) for tpid, vid in vlans)
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + tags + struct.pack("!H", ethertype) + payload


def ethertype_of(packet):
    return 0x86dd if packet[0] >> 4 == 6 else 0x0800


def outer_udp(dport, payload, sport=40000, src="192.0.2.1", dst="192.0.2.2"):
    return ethernet(0x0800, ipv4(src, dst, 17, udp(sport, dport, payload), ttl=255))


def llc_snap(packet):
    return b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", ethertype_of(packet)) + packet


def dot11_data(packet, qos=False, from_ds=True):
    # Frame control: data (type 2), subtype 0 or QoS data (8); FromDS.
    fc = bytes([0x88 if qos else 0x08, 0x02 if from_ds else 0x01])
    header = fc + b"\x00\x00" + b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + \
        b"\x02\x00\x00\x00\x00\x03" + b"\x10\x00"
    if qos:
        header += b"\x00\x00"
    return header + llc_snap(packet)


# -- one function per encapsulation: IP packet -> captured frame

def pppoe(packet):
    ppp = struct.pack("!H", 0x0057 if packet[0] >> 4 == 6 else 0x0021) + packet
    return ethernet(0x8864, struct.pack("!BBHH", 0x11, 0, 0x1234, len(ppp)) + ppp)


def gtp_u(packet, extension=False):
    if extension:  # sequence number flag and a PDU session container (type 0x85)
        body = struct.pack("!HBB", 7, 0, 0x85) + bytes([1, 0x00, 0x09, 0]) + packet
        header = struct.pack("!BBHI", 0x36, 0xff, len(body), 0x1234)
    else:
        body = packet
        header = struct.pack("!BBHI", 0x30, 0xff, len(body), 0x1234)
    return outer_udp(2152, header + body, sport=2152)


def teredo(packet, origin=False):
    prefix = struct.pack("!HH4s", 0, 0xffff ^ 40000, bytes(b ^ 0xff for b in bytes([192, 0, 2, 9]))) if origin else b""
    return outer_udp(3544, prefix + packet, sport=3544)


def ayiya(packet):
    # identity 2^4 = 16 bytes (IPv6 address), signature 5*4 = 20 bytes (SHA-1), opcode 1 (forward).
    next_header = 41 if packet[0] >> 4 == 6 else 4
    header = bytes([0x41, 0x52, 0x21, next_header]) + struct.pack("!I", 1700000000) + bytes(16) + bytes(20)
    return outer_udp(5072, header + packet, sport=5072)


def nflog(packet, big_endian=False):
    e = ">" if big_endian else "<"

    def tlv(kind, value):
        item = struct.pack(e + "HH", 4 + len(value), kind) + value
        return item + b"\0" * (-len(item) % 4)
    family = 10 if packet[0] >> 4 == 6 else 2
    return struct.pack("!BBH", family, 0, 7) + tlv(1, struct.pack("!HBB", ethertype_of(packet), 1, 0)) + \
        tlv(10, b"portclass\0") + tlv(9, packet)


def cisco_hdlc(packet):
    return struct.pack("!BBH", 0x0f, 0, ethertype_of(packet)) + packet


def ppp_serial(packet):
    return b"\xff\x03" + struct.pack("!H", 0x0057 if packet[0] >> 4 == 6 else 0x0021) + packet


def arcnet_bsd(packet, old=False):
    if old:  # RFC 1051: no fragmentation fields
        return bytes([0x01, 0x02, 0xf0]) + packet
    protocol = 0xc4 if packet[0] >> 4 == 6 else 0xd4
    return bytes([0x01, 0x02, protocol, 0x00]) + struct.pack("!H", 5) + packet


def arcnet_linux(packet):
    protocol = 0xc4 if packet[0] >> 4 == 6 else 0xd4
    return bytes([0x01, 0x02]) + struct.pack("!H", 0) + bytes([protocol, 0x00]) + struct.pack("!H", 5) + packet


def radiotap(packet, with_fcs=False):
    # present: TSFT (bit 0), Flags (1), Rate (2): TSFT 8-aligned at offset 8.
    flags = 0x10 if with_fcs else 0
    header = struct.pack("<BBHI", 0, 0, 8 + 8 + 1 + 1, 0x7) + struct.pack("<Q", 123456) + bytes([flags, 0x0c])
    frame = dot11_data(packet, qos=True)
    return header + frame + (b"\xde\xad\xbe\xef" if with_fcs else b"")


def ppi(packet):
    # One 802.11-common field (type 2, 20 bytes) before a plain 802.11 frame.
    field = struct.pack("<HH", 2, 20) + struct.pack("<QHHHHhBB", 0, 0, 2, 2437, 0x00a0, 0, 0, 0)[:20]
    return struct.pack("<BBHI", 0, 0, 8 + len(field), IEEE802_11) + field + dot11_data(packet)


def prism(packet):
    items = b"".join(struct.pack("<IHHI", 0x41 + i, 0, 4, 0) for i in range(10))
    header = struct.pack("<II", 0x44, 144) + b"wlan0".ljust(16, b"\0") + items
    return header + dot11_data(packet)


def plain_dot11(packet):
    return dot11_data(packet, qos=False, from_ds=False)


def mpls(packet, pseudowire=None):
    """pseudowire: None (IP right after the labels), "cw" (Ethernet after a
    control word) or "no-cw" (Ethernet right after the labels)."""
    labels = struct.pack("!II", (100 << 12) | 64, (200 << 12) | 0x100 | 64)  # two labels, bottom of stack last
    if pseudowire is None:
        return ethernet(0x8847, labels + packet)
    # Real MAC addresses: both start with a 0 nibble, as a control word does.
    inner = b"\x00\x1b\x21\x0a\x0b\x0c" + b"\x00\x50\x56\x01\x02\x03" + struct.pack("!H", ethertype_of(packet)) + packet
    return ethernet(0x8847, labels + (b"\0\0\0\0" if pseudowire == "cw" else b"") + inner)


def qinq(packet):
    return ethernet(ethertype_of(packet), packet, vlans=((0x88a8, 10), (0x8100, 20)))


def gre_key_seq(packet):
    header = struct.pack("!HHII", 0x3000, ethertype_of(packet), 42, 7)  # key and sequence number
    return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 47, header + packet, ttl=255))


def erspan3_subheader(packet):
    inner = ethernet(ethertype_of(packet), packet)
    # version 2, VLAN 0 | COS, BSO, T, session 5 | timestamp | SGT, P, FT 0, hw id, D, Gra, O=1
    erspan = struct.pack("!HHIHBB", 0x2000, 5, 99, 0, 0, 0x01) + bytes(8)
    gre = struct.pack("!HHI", 0x1000, 0x22eb, 1)
    return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 47, gre + erspan + inner, ttl=255))


def over_ip(proto, payload, v6=False):
    if v6:
        return ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", proto, payload, hop_limit=255))
    return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", proto, payload, ttl=255))


def gre(packet, v6_underlay=False):
    return over_ip(47, struct.pack("!HH", 0, ethertype_of(packet)) + packet, v6_underlay)


def gretap(packet):
    return over_ip(47, struct.pack("!HH", 0, 0x6558) + ethernet(ethertype_of(packet), packet))


def erspan(packet, version):
    inner = ethernet(ethertype_of(packet), packet)
    if version == 1:  # type I: no sequence number, no ERSPAN header
        return over_ip(47, struct.pack("!HH", 0, 0x88be) + inner)
    # type II: sequence number in GRE, 8-byte header: version 1, VLAN 0, COS/En/T, session 123, index
    return over_ip(47, struct.pack("!HHI", 0x1000, 0x88be, 9) + struct.pack("!HHI", 0x1000, 123, 0) + inner)


def pptp(packet):
    ppp = b"\xff\x03" + struct.pack("!H", 0x0021) + packet
    return over_ip(47, struct.pack("!HHHHII", 0x3081, 0x880b, len(ppp), 0x0001, 3, 2) + ppp)  # key, sequence, ack


def ip_in_ip(packet, v6_underlay=False):
    return over_ip(41 if packet[0] >> 4 == 6 else 4, packet, v6_underlay)


def vxlan(packet):
    return outer_udp(4789, struct.pack("!II", 0x08000000, 42 << 8) + ethernet(ethertype_of(packet), packet))


def geneve(packet):
    option = struct.pack("!HBB", 0x0102, 0x80, 1) + b"\x01\x02\x03\x04"  # one 8-byte option
    header = struct.pack("!BBHI", len(option) // 4, 0, 0x6558, 43 << 8) + option
    return outer_udp(6081, header + ethernet(ethertype_of(packet), packet))


def null_loopback(packet):
    family = 30 if packet[0] >> 4 == 6 else 2  # Darwin's AF_INET6
    return struct.pack("<I", family) + packet


CASES = [
    # name, linktype, wrap, IPv6 inside
    ("pppoe", ETHERNET, pppoe, False),
    ("pppoe-v6", ETHERNET, pppoe, True),
    ("gtp-u", ETHERNET, gtp_u, False),
    ("gtp-u-extension", ETHERNET, lambda p: gtp_u(p, extension=True), False),
    ("teredo", ETHERNET, teredo, True),
    ("teredo-origin", ETHERNET, lambda p: teredo(p, origin=True), True),
    ("ayiya", ETHERNET, ayiya, True),
    ("nflog", NFLOG, nflog, False),
    ("nflog-v6-big-endian", NFLOG, lambda p: nflog(p, big_endian=True), True),
    ("cisco-hdlc", C_HDLC, cisco_hdlc, False),
    ("ppp-serial", PPP_SERIAL, ppp_serial, True),
    ("arcnet-bsd", ARCNET_BSD, arcnet_bsd, False),
    ("arcnet-bsd-rfc1051", ARCNET_BSD, lambda p: arcnet_bsd(p, old=True), False),
    ("arcnet-linux", ARCNET_LINUX, arcnet_linux, False),
    ("radiotap", RADIOTAP, radiotap, False),
    ("radiotap-fcs", RADIOTAP, lambda p: radiotap(p, with_fcs=True), True),
    ("ppi", PPI, ppi, False),
    ("prism", PRISM, prism, False),
    ("ieee802-11", IEEE802_11, plain_dot11, True),
    ("mpls", ETHERNET, mpls, False),
    ("mpls-pw-control-word", ETHERNET, lambda p: mpls(p, "cw"), False),
    ("mpls-pw-no-control-word", ETHERNET, lambda p: mpls(p, "no-cw"), True),
    ("qinq", ETHERNET, qinq, True),
    ("gre-key-sequence", ETHERNET, gre_key_seq, False),
    ("erspan-iii-subheader", ETHERNET, erspan3_subheader, False),
    ("null-loopback-v6", NULL, null_loopback, True),
    # What the kernel part makes for real where the tunnel modules are loaded.
    ("gre", ETHERNET, gre, False),
    ("ip6gre", ETHERNET, lambda p: gre(p, v6_underlay=True), False),
    ("gretap", ETHERNET, gretap, True),
    ("erspan-i", ETHERNET, lambda p: erspan(p, 1), False),
    ("erspan-ii", ETHERNET, lambda p: erspan(p, 2), True),
    ("pptp-gre", ETHERNET, pptp, False),
    ("ipip", ETHERNET, ip_in_ip, False),
    ("sit-6in4", ETHERNET, ip_in_ip, True),
    ("ip6tnl-4in6", ETHERNET, lambda p: ip_in_ip(p, v6_underlay=True), False),
    ("ip6tnl-6in6", ETHERNET, lambda p: ip_in_ip(p, v6_underlay=True), True),
    ("vxlan", ETHERNET, vxlan, False),
    ("geneve-option", ETHERNET, geneve, True),
]


def cases():
    out = []
    for i, (name, linktype, wrap, v6) in enumerate(CASES):
        client, server = (f"fd00:{i + 1:x}::2", f"fd00:{i + 1:x}::1") if v6 else (f"10.{i + 1}.0.2", f"10.{i + 1}.0.1")
        packets = conversation(client, server, 40000 + 2 * i, 8000 + i, 50000 + i)
        out.append((name, linktype, [wrap(p) for p in packets]))
    return out


def write(path, linktype, frames):
    """A classic pcap. NFLOG's TLV headers are in the capturing host's byte
    order, which is the file's: a big-endian NFLOG case gets a big-endian file."""
    e = ">" if path.endswith("big-endian.pcap") else "<"
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for i, frame in enumerate(frames):
            f.write(struct.pack(e + "IIII", 1700000000, i * 1000, len(frame), len(frame)) + frame)
