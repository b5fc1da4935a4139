# SPDX-License-Identifier: GPL-2.0-or-later
"""Where each packet's bytes sit in a pcap or pcapng file, so that byte ranges
of a packet (offsets as tshark reports them, from the start of the frame) can
be overwritten in place in a copy of the file: lengths never change, so no
header needs rewriting.

Formats: classic pcap in both byte orders, microsecond (a1b2c3d4) and
nanosecond (a1b23c4d) timestamps, and Alexey Kuznetzov's modified pcap
(a1b2cd34, 24-byte record headers); pcapng in either byte order per section
(Enhanced, Simple and obsolete Packet Blocks are packets; a systemd Journal
Export Block is a record tshark numbers as a frame, indexed with its bytes).

`python3 capfile.py --self-test` checks the parser on files built here in
both byte orders and every block kind.
"""
import struct
import sys

PCAP_MAGICS = {
    # magic bytes as stored: (byte order, record header length)
    b"\xd4\xc3\xb2\xa1": ("<", 16), b"\xa1\xb2\xc3\xd4": (">", 16),  # microseconds
    b"\x4d\x3c\xb2\xa1": ("<", 16), b"\xa1\xb2\x3c\x4d": (">", 16),  # nanoseconds
    b"\x34\xcd\xb2\xa1": ("<", 24), b"\xa1\xb2\xcd\x34": (">", 24),  # modified (Kuznetzov)
}
PCAPNG_SHB = 0x0A0D0D0A
BOM = 0x1A2B3C4D
EPB, SPB, OPB, IDB, JOURNAL = 6, 3, 2, 1, 9


class Record:
    """One frame: where its captured bytes start in the file and how many there are."""
    __slots__ = ("number", "data_offset", "caplen", "kind")

    def __init__(self, number, data_offset, caplen, kind):
        self.number, self.data_offset, self.caplen, self.kind = number, data_offset, caplen, kind

    def __repr__(self):
        return f"Record({self.number}, @{self.data_offset}, {self.caplen}, {self.kind})"


class FormatError(ValueError):
    pass


def index(data):
    """(format name, [Record]) for the bytes of a capture file, frames numbered from 1."""
    if len(data) >= 4 and data[:4] in PCAP_MAGICS:
        return _index_pcap(data)
    if len(data) >= 4 and struct.unpack_from("<I", data, 0)[0] == PCAPNG_SHB:
        return _index_pcapng(data)
    raise FormatError("neither pcap nor pcapng (unknown magic)")


def _index_pcap(data):
    order, header_length = PCAP_MAGICS[data[:4]]
    if len(data) < 24:
        raise FormatError("pcap file header cut short")
    records, offset = [], 24
    while offset < len(data):
        if offset + header_length > len(data):
            raise FormatError(f"pcap record header cut short at byte {offset}")
        caplen = struct.unpack_from(order + "I", data, offset + 8)[0]
        start = offset + header_length
        if start + caplen > len(data):
            raise FormatError(f"pcap record at byte {offset} runs past the end of the file")
        records.append(Record(len(records) + 1, start, caplen, "pcap"))
        offset = start + caplen
    kind = {16: "pcap", 24: "modified pcap"}[header_length]
    return f"{kind} ({'little' if order == '<' else 'big'}-endian)", records


def _index_pcapng(data):
    records, offset, order = [], 0, None
    snaplens = []  # per interface of the current section
    orders = set()
    while offset < len(data):
        if offset + 12 > len(data):
            raise FormatError(f"pcapng block header cut short at byte {offset}")
        raw_type = struct.unpack_from("<I", data, offset)[0]
        if raw_type == PCAPNG_SHB:  # palindromic type; the byte-order magic decides
            bom = data[offset + 8:offset + 12]
            if bom == struct.pack("<I", BOM):
                order = "<"
            elif bom == struct.pack(">I", BOM):
                order = ">"
            else:
                raise FormatError(f"pcapng section at byte {offset}: bad byte-order magic {bom.hex()}")
            orders.add(order)
            snaplens = []
        elif order is None:
            raise FormatError("pcapng file does not start with a section header block")
        block_type, total = struct.unpack_from(order + "II", data, offset)
        if total < 12 or total % 4 or offset + total > len(data):
            raise FormatError(f"pcapng block at byte {offset}: bad total length {total}")
        trailer = struct.unpack_from(order + "I", data, offset + total - 4)[0]
        if trailer != total:
            raise FormatError(f"pcapng block at byte {offset}: trailing length {trailer} != {total}")
        body = offset + 8
        if block_type == IDB:
            snaplens.append(struct.unpack_from(order + "I", data, body + 4)[0])
        elif block_type == EPB:
            caplen = struct.unpack_from(order + "I", data, body + 12)[0]
            if body + 20 + caplen > offset + total - 4:
                raise FormatError(f"pcapng enhanced packet block at byte {offset}: captured length past the block")
            records.append(Record(len(records) + 1, body + 20, caplen, "EPB"))
        elif block_type == OPB:
            caplen = struct.unpack_from(order + "I", data, body + 12)[0]
            if body + 20 + caplen > offset + total - 4:
                raise FormatError(f"pcapng packet block at byte {offset}: captured length past the block")
            records.append(Record(len(records) + 1, body + 20, caplen, "OPB"))
        elif block_type == SPB:
            original = struct.unpack_from(order + "I", data, body)[0]
            room = total - 16
            caplen = min(original, room)
            if snaplens and snaplens[0]:
                caplen = min(caplen, snaplens[0])
            records.append(Record(len(records) + 1, body + 4, caplen, "SPB"))
        elif block_type == JOURNAL:
            records.append(Record(len(records) + 1, body, total - 12, "journal"))
        offset += total
    names = {"<": "little", ">": "big"}
    return f"pcapng ({'/'.join(names[o] + '-endian' for o in sorted(orders))})", records


def zero(data, records, ranges):
    """Zeroes ranges {frame number: [(offset, length), ...]} (offsets within the frame)
    in the bytearray data. Returns (bytes in the ranges, bytes that were not zero before).
    A range outside its frame's captured bytes raises ValueError."""
    covered = changed = 0
    for number, spans in ranges.items():
        rec = records[number - 1]
        for off, length in spans:
            if off < 0 or length < 0 or off + length > rec.caplen:
                raise ValueError(f"frame {number}: range {off}+{length} outside its {rec.caplen} captured bytes")
            start = rec.data_offset + off
            chunk = data[start:start + length]
            covered += length
            changed += length - chunk.count(0)
            data[start:start + length] = bytes(length)
    return covered, changed


# ---------------------------------------------------------------- self-test
def _pcap(order, magic_le, header_length, packets):
    magic = magic_le if order == "<" else magic_le[::-1]
    out = bytearray(magic + struct.pack(order + "HHiIII", 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(packets):
        rec = struct.pack(order + "IIII", 1000 + i, 0, len(p), len(p))
        if header_length == 24:
            rec += struct.pack(order + "IHBB", 0, 0x0800, 0, 0)
        out += rec + p
    return out


def _block(order, block_type, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack(order + "II", block_type, total) + body + bytes(pad) + struct.pack(order + "I", total)


def _pcapng(order, packets, snaplen=65535):
    out = bytearray(_block(order, PCAPNG_SHB, struct.pack(order + "IHHq", BOM, 1, 0, -1)))
    out += _block(order, IDB, struct.pack(order + "HHI", 1, 0, snaplen))
    kinds = []
    for i, p in enumerate(packets):
        k = ("EPB", "SPB", "OPB")[i % 3]
        kinds.append(k)
        if k == "EPB":
            out += _block(order, EPB, struct.pack(order + "IIIII", 0, 0, i, len(p), len(p)) + p)
        elif k == "SPB":
            out += _block(order, SPB, struct.pack(order + "I", len(p)) + p)
        else:
            out += _block(order, OPB, struct.pack(order + "HHIIII", 0, 0, 0, i, len(p), len(p)) + p)
        if i == 1:  # a name resolution block between packets is not a frame
            out += _block(order, 4, struct.pack(order + "HH", 0, 0))
    return out, kinds


def self_test():
    packets = [bytes(range(1, 1 + n)) for n in (14, 60, 61, 62, 63, 1)]
    failures = 0

    def check(cond, what):
        nonlocal failures
        if not cond:
            failures += 1
            print(f"FAIL: {what}")

    for order in "<>":
        for magic, hl in ((b"\xd4\xc3\xb2\xa1", 16), (b"\x4d\x3c\xb2\xa1", 16), (b"\x34\xcd\xb2\xa1", 24)):
            data = _pcap(order, magic, hl, packets)
            fmt, recs = index(bytes(data))
            check(len(recs) == len(packets), f"{fmt}: {len(recs)} records")
            check(all(bytes(data[r.data_offset:r.data_offset + r.caplen]) == p for r, p in zip(recs, packets)),
                  f"{fmt}: record bytes")
            covered, changed = zero(data, recs, {2: [(10, 5)], 6: [(0, 1)]})
            check((covered, changed) == (6, 6), f"{fmt}: zeroed {covered}/{changed}")
            _, again = index(bytes(data))
            check(bytes(data[again[1].data_offset + 10:again[1].data_offset + 15]) == bytes(5), f"{fmt}: zeroed in place")
            check(bytes(data[again[1].data_offset + 9:again[1].data_offset + 10]) == b"\x0a", f"{fmt}: neighbour kept")
        data, kinds = _pcapng(order, packets)
        fmt, recs = index(bytes(data))
        check([r.kind for r in recs] == kinds, f"{fmt}: block kinds {[r.kind for r in recs]}")
        check(all(bytes(data[r.data_offset:r.data_offset + r.caplen]) == p for r, p in zip(recs, packets)),
              f"{fmt}: record bytes")
        data, _ = _pcapng(order, packets, snaplen=20)  # an SPB is cut at the snap length
        _, recs = index(bytes(data))
        check(recs[1].caplen == 20 and recs[0].caplen == 14, f"{fmt}: SPB snap length")
    try:
        index(b"\xd4\xc3\xb2\xa1" + bytes(20) + struct.pack("<IIII", 0, 0, 100, 100) + bytes(10))
        check(False, "a cut record is refused")
    except FormatError:
        pass
    print(f"capfile self-test: {'ok' if not failures else f'{failures} failures'}")
    return failures == 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(0 if self_test() else 1)
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            fmt, recs = index(f.read())
        print(f"{path}: {fmt}, {len(recs)} frames")
