#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds each fuzz target's seed corpus from the repository's own samples.

    make_seeds.py --source DIR --out DIR [--portclass BIN] [--editcap BIN]

Writes OUT/<target>/<sha1> files (content-named, so duplicates collapse):
  port          every port list in common/data/*.toml and labels.tsv, alone
                and in pairs "A|B" (the target's set-algebra form)
  os_profile    common/data/os-profiles.toml and notable-ports.toml, whole
                and one [[table]] at a time
  signature_db  common/data/tcp-signatures.fp whole, one label group at a
                time, and each of its sig values alone; the same for p0f's
                /etc/p0f/p0f.fp when installed (read, never copied into the
                repository)
  nft_config    the ```toml examples of docs/nft-helper.md (without the
                `profiles` key, which the target skips)
  profile_json  `portclass profile --json` of each lab capture (with --portclass)
  capture       small slices of the lab captures: pcap, nanosecond pcap and
                pcapng through editcap (when there is one), and the same
                packets re-framed as raw IP, Linux cooked v1/v2 and BSD
                loopback pcaps
  decoder       single packets of the lab captures, one byte of link type
                first, under every link type the decoder supports
The hand-written seeds in fuzz/seeds/<target>/ are separate corpora; the
fuzz tests read both.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

# The decoder target's first byte: index into its link-type table.
DECODER_LINK = {"ether": 0, "sll": 1, "sll2": 2, "raw": 3, "ipv4": 4, "ipv6": 5, "null": 6, "loop": 7}
# pcap LINKTYPE_* values for the files the capture target gets.
PCAP_LINKTYPE = {"ether": 1, "raw": 101, "sll": 113, "sll2": 276, "null": 0, "loop": 108}
CAPTURES = ["linux", "win10", "winxp", "macos", "freebsd", "tuned", "dnsfixed", "nat"]


class Seeds:
    def __init__(self, out, target):
        self.dir = os.path.join(out, target)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.count = 0

    def add(self, data):
        if isinstance(data, str):
            data = data.encode()
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count += 1


def read_pcap(path):
    """(linktype, [(sec, usec, frame)]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets, at = [], 24
    while at + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack(endian + "IIII", data[at:at + 16])
        packets.append((sec, usec, data[at + 16:at + 16 + incl]))
        at += 16 + incl
    return linktype, packets


def write_pcap(linktype, packets):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype)
    for sec, usec, frame in packets:
        out += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
    return out


def reframe(frame, link):
    """An Ethernet frame's IP packet behind another link header (None if not IP)."""
    if len(frame) < 14 or frame[12:14] not in (b"\x08\x00", b"\x86\xdd"):
        return None
    ethertype, ip = frame[12:14], frame[14:]
    v6 = ethertype == b"\x86\xdd"
    if link == "ether":
        return frame
    if link in ("raw", "ipv4", "ipv6"):
        return ip
    if link == "sll":  # packet type, ARPHRD_ETHER, address length, address (8), protocol
        return b"\x00\x00\x00\x01\x00\x06" + frame[6:12] + b"\x00\x00" + ethertype + ip
    if link == "sll2":  # protocol, reserved, ifindex, ARPHRD, packet type, address length, address (8)
        return ethertype + b"\x00\x00" + b"\x00\x00\x00\x02" + b"\x00\x01\x00\x06" + frame[6:12] + b"\x00\x00" + ip
    if link == "null":  # host-order address family: AF_INET 2, AF_INET6 on the BSDs 24/28/30
        return struct.pack("<I", 30 if v6 else 2) + ip
    if link == "loop":  # network order
        return struct.pack(">I", 30 if v6 else 2) + ip
    raise ValueError(link)


def port_seeds(src, out):
    seeds = Seeds(out, "port")
    lists = set()
    for name in ("os-profiles.toml", "notable-ports.toml"):
        with open(os.path.join(src, "common", "data", name)) as f:
            for m in re.finditer(r'"([0-9][0-9 ,:\-]*)"', f.read()):
                lists.add(m.group(1))
    with open(os.path.join(src, "samples", "lab", "captures", "labels.tsv")) as f:
        for line in f.read().splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) > 3:
                lists.add(cols[3])
    lists = sorted(lists)
    for text in lists:
        seeds.add(text)
    for a, b in zip(lists, lists[1:] + lists[:1]):
        seeds.add(a + "|" + b)
    return seeds.count


def toml_tables(text, key):
    """The document cut into one document per [[key]] table."""
    parts = re.split(r"(?m)^(?=\[\[" + re.escape(key) + r"\]\])", text)
    return [p for p in parts if p.startswith("[[")]


def os_profile_seeds(src, out):
    seeds = Seeds(out, "os_profile")
    for name, key in (("os-profiles.toml", "profile"), ("notable-ports.toml", "use")):
        with open(os.path.join(src, "common", "data", name)) as f:
            text = f.read()
        seeds.add(text)
        for table in toml_tables(text, key):
            seeds.add(table)
    return seeds.count


def signature_groups(text):
    """A signature file cut into one file per label group, each with its section line."""
    groups, section, current = [], "", []
    for line in text.splitlines(True):
        stripped = line.strip()
        if stripped.startswith("["):
            section, current = line, []
            continue
        if stripped.startswith("label") and current:
            groups.append(section + "".join(current))
            current = []
        if section:
            current.append(line)
    if current:
        groups.append(section + "".join(current))
    return groups


def signature_db_seeds(src, out):
    seeds = Seeds(out, "signature_db")
    paths = [os.path.join(src, "common", "data", "tcp-signatures.fp"), "/etc/p0f/p0f.fp"]
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            text = f.read()
        seeds.add(text)
        for group in signature_groups(text):
            seeds.add(group)
        for m in re.finditer(r"(?m)^sig\s*=\s*(\S+)\s*$", text):
            seeds.add(m.group(1))
    return seeds.count


def nft_config_seeds(src, out):
    seeds = Seeds(out, "nft_config")
    with open(os.path.join(src, "docs", "nft-helper.md")) as f:
        doc = f.read()
    for block in re.findall(r"```toml\n(.*?)```", doc, re.S):
        text = "".join(l for l in block.splitlines(True) if not re.match(r"\s*profiles\s*=", l))
        seeds.add(text)
        seeds.add(text.replace('mode = "gateway"', 'mode = "host"'))
    return seeds.count


def profile_json_seeds(src, out, portclass):
    seeds = Seeds(out, "profile_json")
    if not portclass:
        return seeds.count
    for name in CAPTURES:
        cap = os.path.join(src, "samples", "lab", "captures", name + ".pcap")
        run = subprocess.run([portclass, "profile", "--json", cap], capture_output=True, check=False)
        if run.returncode not in (0, 1):
            sys.exit("make_seeds: portclass profile --json %s failed: %s" % (cap, run.stderr.decode(errors="replace")))
        doc = json.loads(run.stdout)
        seeds.add(json.dumps(doc, separators=(",", ":")))
    return seeds.count


def capture_seeds(src, out, editcap):
    seeds = Seeds(out, "capture")
    caps = os.path.join(src, "samples", "lab", "captures")
    slices = ["1-12", "200-215"]
    with tempfile.TemporaryDirectory() as tmp:
        if editcap:
            jobs = [(os.path.join(caps, n + ".pcap"), fmt) for n in CAPTURES for fmt in ("pcap", "nsecpcap")]
            jobs += [(os.path.join(caps, "lab.pcapng"), "pcapng")]
            for path, fmt in jobs:
                for r in slices:
                    dst = os.path.join(tmp, "slice")
                    subprocess.run([editcap, "-F", fmt, "-r", path, dst, r], check=True, capture_output=True)
                    with open(dst, "rb") as f:
                        seeds.add(f.read())
    for name in CAPTURES:
        _, packets = read_pcap(os.path.join(caps, name + ".pcap"))
        for first, last in ((0, 12), (199, 215)):
            part = packets[first:last]
            if not editcap:
                seeds.add(write_pcap(PCAP_LINKTYPE["ether"], part))
            for link in ("raw", "sll", "sll2", "null", "loop"):
                framed = [(s, u, reframe(fr, link)) for s, u, fr in part]
                seeds.add(write_pcap(PCAP_LINKTYPE[link], [p for p in framed if p[2] is not None]))
    return seeds.count


def decoder_seeds(src, out):
    seeds = Seeds(out, "decoder")
    caps = os.path.join(src, "samples", "lab", "captures")
    for name in CAPTURES:
        _, packets = read_pcap(os.path.join(caps, name + ".pcap"))
        for i, (_s, _u, frame) in enumerate(packets[:40]):
            seeds.add(bytes([DECODER_LINK["ether"]]) + frame)
            if i % 4 == 0:  # the other link types on a sample of them
                for link in ("sll", "sll2", "raw", "null", "loop"):
                    framed = reframe(frame, link)
                    if framed is not None:
                        seeds.add(bytes([DECODER_LINK[link]]) + framed)
    return seeds.count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--portclass", default="")
    ap.add_argument("--editcap", default="")
    args = ap.parse_args()
    counts = {
        "port": port_seeds(args.source, args.out),
        "os_profile": os_profile_seeds(args.source, args.out),
        "signature_db": signature_db_seeds(args.source, args.out),
        "nft_config": nft_config_seeds(args.source, args.out),
        "profile_json": profile_json_seeds(args.source, args.out, args.portclass),
        "capture": capture_seeds(args.source, args.out, args.editcap),
        "decoder": decoder_seeds(args.source, args.out),
    }
    print("make_seeds: " + ", ".join("%s %d" % kv for kv in counts.items()))


if __name__ == "__main__":
    main()
