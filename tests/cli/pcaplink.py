# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrites an Ethernet pcap into other link types, packet for packet, so that
tests can check that `portclass profile` sees the same hosts through each:
raw IP (LINKTYPE_RAW 101), Linux cooked v1 (113) and v2 (276), and Ethernet
with an 802.1Q VLAN tag."""
import struct

ETHERNET, RAW, SLL, SLL2 = 1, 101, 113, 276


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    header = data[:24]
    linktype = struct.unpack(endian + "I", header[20:24])[0]
    records, offset = [], 24
    while offset + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[offset:offset + 16])
        records.append((sec, frac, data[offset + 16:offset + 16 + incl], orig))
        offset += 16 + incl
    return endian, header, linktype, records


def write_pcap(path, endian, header, linktype, records):
    with open(path, "wb") as f:
        f.write(header[:20] + struct.pack(endian + "I", linktype))
        for sec, frac, frame, orig in records:
            f.write(struct.pack(endian + "IIII", sec, frac, len(frame), orig))
            f.write(frame)


def convert(source, target, kind):
    """kind: 'raw', 'sll', 'sll2' or 'vlan'."""
    endian, header, linktype, records = read_pcap(source)
    if linktype != ETHERNET:
        raise ValueError(f"{source}: link type {linktype}, expected Ethernet")
    out = []
    for sec, frac, frame, orig in records:
        ethertype, payload, src_mac = frame[12:14], frame[14:], frame[6:12]
        delta = 0
        if kind == "raw":
            new, link = payload, RAW
            delta = -14
        elif kind == "sll":
            new = struct.pack(">HHH", 0, 1, 6) + src_mac + b"\0\0" + ethertype + payload
            new, link, delta = new, SLL, 2
        elif kind == "sll2":
            new = ethertype + b"\0\0" + struct.pack(">I", 1) + struct.pack(">HBB", 1, 0, 6) + src_mac + b"\0\0" + payload
            link, delta = SLL2, 6
        elif kind == "vlan":
            new = frame[:12] + b"\x81\x00" + struct.pack(">H", 42) + ethertype + payload
            link, delta = ETHERNET, 4
        else:
            raise ValueError(kind)
        out.append((sec, frac, new, orig + delta))
    write_pcap(target, endian, header, link, out)
    return len(out)
