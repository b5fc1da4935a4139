# SPDX-License-Identifier: GPL-2.0-or-later
"""Proof that application content stays out of the OS verdict.

usage: zero_payloads.py PORTCLASS [--data DIR] [--jobs N] [--keep DIR] [--only SUBSTRING]

For every capture of the realworld development set (DIR/captures, default
../shared/realworld beside the repository) a copy is written to a temporary
directory with every TCP and UDP application payload byte set to zero, and
`portclass profile --json` must give every host the same verdict, os,
confidence and candidates on original and copy.

What is zeroed, per frame, as tshark 4.0 dissects it (`-T json -x`: every
field with [hex, offset, length, ...] in the frame):
  - the payload (tcp.payload / udp.payload) of every innermost TCP or UDP
    header: a payload that carries another IP, TCP or UDP header (a tunnel,
    an sFlow sample, an ICMP error quoting a datagram) is not itself zeroed,
    the payloads of the headers inside it are;
  - the data of non-first IP fragments of TCP/UDP datagrams (application
    bytes that tshark, with reassembly off, shows as `data`), past the
    largest possible transport header.
Every range is checked against the frame's bytes before it is zeroed (the
hex tshark printed must be what the file holds there), and every frame
tshark printed against the file's record; reassembly is off so that every
offset is one in the frame. Header bytes (IP, TCP, UDP, tunnel headers,
checksums) are never changed: checksums go stale, lengths stay.

Checks that the test cannot pass vacuously: bytes zeroed (and how many were
not zero before) per file; tshark, with its default reassembly, must find
none of the application fields the labels came from (HTTP requests and
User-Agents, SMB native OS, NTLMSSP versions, SSH banners, DHCP vendor
classes, SIP User-Agents, browser announcements, DNS queries) in a copy
whose original had them; the copy must read back as the same number of
frames.

Exit 0: identical; 1: a difference or a failed check; 77: skipped (no data,
no tshark).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

import capfile
import rwtest

PASS1_PREFS = [
    # Every offset must be one in the frame: no reassembled data sources.
    "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
    # Fewer fields to print and read; they do not change what is dissected.
    "-o", "tcp.analyze_sequence_numbers:FALSE", "-o", "tcp.calculate_timestamps:FALSE",
]
HEADER_LAYERS = ("tcp", "udp", "ip", "ipv6")
PAYLOAD_FIELDS = {"tcp.payload": "tcp", "udp.payload": "udp"}
# Pass 1 reads the pretty JSON as text: the layers' and payloads' [hex, offset, length] in
# document order, and frame.protocols (tshark's layer list, nested layers included).
RAW = re.compile(rb'"(frame|tcp|udp|ip|ipv6|tcp\.payload|udp\.payload)_raw": \[\s*"([0-9a-f]*)",\s*(\d+),\s*(\d+),'
                 rb'|"frame\.protocols": "([^"]*)"')
# Application fields the labels of the development set were read from (README: how the labels
# were made), and HTTP requests and DNS queries as the commonest application content.
EVIDENCE_FIELDS = ["http.request.method", "http.user_agent", "smb.native_os", "smb.native_lanman",
                   "ntlmssp.version.build_number", "ssh.protocol", "dhcp.option.vendor_class_id",
                   "sip.User-Agent", "browser.os_major", "dns.qry.name"]
# Header fields that must read the same in original and copy (only payload bytes change).
HEADER_FIELDS = ["frame.len", "frame.cap_len", "frame.protocols", "ip.src", "ip.dst", "ip.ttl", "ip.id", "ip.flags",
                 "ip.len", "ipv6.src", "ipv6.dst", "ipv6.hlim", "ipv6.plen", "tcp.srcport", "tcp.dstport",
                 "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "tcp.options", "tcp.len",
                 "udp.srcport", "udp.dstport", "udp.length"]
# The largest TCP header: the first bytes of a fragmented TCP datagram that may be header.
MAX_TCP_HEADER = 60


class Frame:
    __slots__ = ("hex", "length", "protocols", "headers", "payloads", "fragments")

    def __init__(self, hexdata, length):
        self.hex, self.length, self.protocols = hexdata, length, ""
        self.headers = []    # (layer, offset, length)
        self.payloads = []   # (layer, offset, length, hex)
        self.fragments = []  # (offset, length): application bytes of a non-first fragment

    def needs_tree(self):
        """True when pass 1 (top-level layers only) cannot have seen every TCP/UDP header:
        tshark nests some inner packets (ICMP errors, sFlow samples) inside another layer's
        tree, and a non-first fragment's bytes show as data."""
        names = self.protocols.split(":")
        transports = sum(1 for n in names if n in ("tcp", "udp"))
        found = sum(1 for h in self.headers if h[0] in ("tcp", "udp"))
        after_ip = any(a in ("ip", "ipv6") and b == "data" for a, b in zip(names, names[1:]))
        return transports != found or after_ip or any("frag" in n for n in names)


def pass1(prefix, path):
    """Streams tshark's JSON of the whole file; returns [Frame]."""
    cmd = prefix + ["tshark", "-n", "-r", path, "-T", "json", "-x", "-J", "frame tcp udp", *PASS1_PREFS]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    frames, buf = [], b""

    def take(text, end=None):
        for m in RAW.finditer(text, 0, len(text) if end is None else end):
            if m.group(5) is not None:
                frames[-1].protocols = m.group(5).decode()
                continue
            key, hexdata, off, length = m.group(1).decode(), m.group(2), int(m.group(3)), int(m.group(4))
            if key == "frame":
                frames.append(Frame(hexdata, length))
            elif key in PAYLOAD_FIELDS:
                frames[-1].payloads.append((PAYLOAD_FIELDS[key], off, length, hexdata))
            else:
                frames[-1].headers.append((key, off, length))

    while True:
        chunk = proc.stdout.read(1 << 22)
        if not chunk:
            break
        buf += chunk
        cut = buf.rfind(b'"frame_raw": [')
        if cut > 0:
            take(buf, cut)
            buf = buf[cut:]
    take(buf)
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise RuntimeError(f"tshark failed on {path}: {err.strip()[:300]}")
    return frames


class Obj(list):
    """A JSON object as its (key, value) pairs in order: tshark repeats keys (two "ip" layers)."""


def _is_raw(value):
    return isinstance(value, list) and len(value) >= 3 and isinstance(value[0], str) \
        and isinstance(value[1], int) and isinstance(value[2], int)


def _raws(value):
    if _is_raw(value):
        return [value]
    if isinstance(value, list) and value and all(_is_raw(v) for v in value):
        return value  # --no-duplicate-keys style: several raws under one key
    return []


def pass2(prefix, path, numbers):
    """The full tree of the given frames (same preferences); fills headers, payloads and
    fragments from layers at any depth. Returns {number: Frame}."""
    out = {}
    numbers = sorted(numbers)
    for start in range(0, len(numbers), 500):
        group = numbers[start:start + 500]
        cmd = prefix + ["tshark", "-n", "-r", path, "-T", "json", "-x", *PASS1_PREFS,
                        "-Y", "frame.number in {" + ",".join(map(str, group)) + "}"]
        p = subprocess.run(cmd, capture_output=True, timeout=1800)
        if p.returncode != 0:
            raise RuntimeError(f"tshark failed on {path}: {p.stderr.decode(errors='replace').strip()[:300]}")
        for packet in json.loads(p.stdout, object_pairs_hook=Obj):
            layers = dict(dict(packet)["_source"])["layers"]
            frame = None
            items = []
            _walk(layers, items)
            number = None
            for key, value in items:
                if key == "frame.number":
                    number = int(value)
            for key, value in items:
                for raw in _raws(value) if key.endswith("_raw") else []:
                    name = key[:-4]
                    if name == "frame" and frame is None:
                        frame = Frame(raw[0].encode(), raw[2])
                    elif frame is None:
                        continue
                    elif name in PAYLOAD_FIELDS:
                        frame.payloads.append((PAYLOAD_FIELDS[name], raw[1], raw[2], raw[0].encode()))
                    elif name in HEADER_LAYERS:
                        frame.headers.append((name, raw[1], raw[2]))
            frame.fragments = _fragments(items)
            frame.protocols = next((v for k, v in items if k == "frame.protocols"), "")
            out[number] = frame
    missing = set(numbers) - set(out)
    if missing:
        raise RuntimeError(f"{path}: tshark did not print frames {sorted(missing)[:10]} again")
    return out


def _walk(node, items):
    """(key, value) of every member at any depth, in document order."""
    if isinstance(node, Obj):
        for key, value in node:
            items.append((key, value))
            if isinstance(value, (Obj, list)) and not _is_raw(value):
                _walk(value, items)
    elif isinstance(node, list):
        for v in node:
            _walk(v, items)


def _fragments(items):
    """Application bytes of a non-first IPv4/IPv6 fragment of a TCP or UDP datagram: for each IP
    layer that is such a fragment, the bytes after its header(s) up to the IP length, minus the
    part of the datagram that may still be transport header."""
    out = []
    current = None  # the IP layer being read: dict of what we know
    layers = []
    for key, value in items:
        if key in ("ip_raw", "ipv6_raw") and _is_raw(value):
            current = {"kind": key[:-4], "start": value[1], "hdr": value[2]}
            layers.append(current)
        elif current is None:
            continue
        elif key == "ip.frag_offset" and current["kind"] == "ip":
            current["offset"] = int(value) * 8
        elif key == "ip.proto" and current["kind"] == "ip":
            current["proto"] = int(value)
        elif key == "ip.len" and current["kind"] == "ip":
            current["total"] = int(value)
        elif key == "ipv6.plen" and current["kind"] == "ipv6":
            current["total"] = 40 + int(value)
        elif key == "ipv6.fraghdr.offset" and current["kind"] == "ipv6":
            current["offset"] = int(value) * 8
        elif key == "ipv6.fraghdr.nxt" and current["kind"] == "ipv6":
            current["proto"] = int(value)
        elif key == "ipv6.fraghdr_raw" and current["kind"] == "ipv6" and _is_raw(value):
            current["data"] = value[1] + value[2]
    for layer in layers:
        if layer.get("offset", 0) <= 0 or layer.get("proto") not in (6, 17) or "total" not in layer:
            continue
        data = layer.get("data", layer["start"] + layer["hdr"])
        end = layer["start"] + layer["total"]
        skip = max(0, MAX_TCP_HEADER - layer["offset"]) if layer["proto"] == 6 else 0
        if end > data + skip:
            out.append((data + skip, end - data - skip))
    return out


def ranges_to_zero(frame, stats):
    """The (offset, length) ranges of one frame, clipped to its captured bytes."""
    spans = []
    for kind, off, length, _ in frame.payloads:
        carries = [h for h in frame.headers if off <= h[1] < off + length]
        if carries:
            stats[f"{kind} payloads carrying inner headers (kept)"] += 1
            continue
        stats[f"{kind} payloads"] += 1
        spans.append((off, length))
    for off, length in frame.fragments:
        stats["fragment data ranges"] += 1
        spans.append((off, min(length, frame.length - off)))
    return [(o, n) for o, n in spans if n > 0]


def zero_file(prefix, source, target):
    """Writes the zeroed copy; returns a dict of counts and a list of problems."""
    with open(source, "rb") as f:
        data = bytearray(f.read())
    fmt, records = capfile.index(bytes(data))
    frames = pass1(prefix, source)
    problems = []
    stats = Counter()
    if len(frames) != len(records):
        problems.append(f"tshark printed {len(frames)} frames, the file holds {len(records)} records")
        return {"format": fmt, "frames": len(records), "stats": stats}, problems
    tree = [i + 1 for i, fr in enumerate(frames) if fr.needs_tree()]
    if tree:
        for number, frame in pass2(prefix, source, tree).items():
            frames[number - 1] = frame
        stats["frames read as a full tree"] = len(tree)
    original = bytes(data)
    plan = {}
    for number, (frame, rec) in enumerate(zip(frames, records), 1):
        stored = original[rec.data_offset:rec.data_offset + rec.caplen]
        if frame.length != rec.caplen or bytes.fromhex(frame.hex.decode()) != stored:
            problems.append(f"frame {number}: tshark's bytes are not the file's record {rec}")
            continue
        ranges = ranges_to_zero(frame, stats)
        for kind, off, length, hexdata in frame.payloads:
            if any(o == off and n == length for o, n in ranges) and \
                    stored[off:off + length].hex().encode() != hexdata:
                problems.append(f"frame {number}: the {kind} payload tshark printed at {off}+{length} "
                                "is not the frame's bytes there (another data source?)")
                ranges = [(o, n) for o, n in ranges if (o, n) != (off, length)]
        if ranges:
            plan[number] = ranges
    covered, changed = capfile.zero(data, records, plan)
    with open(target, "wb") as f:
        f.write(data)
    os.chmod(target, 0o644)
    stats["payload bytes zeroed"] = covered
    stats["bytes changed (were not zero)"] = changed
    stats["frames with zeroed bytes"] = len(plan)
    return {"format": fmt, "frames": len(records), "stats": stats}, problems


def fields_pass(prefix, path):
    """One tshark pass with its default preferences (reassembly on, as a user would read the
    file): per frame, the application fields of EVIDENCE_FIELDS (counted: frames in which each is
    found) and the header fields of HEADER_FIELDS (one text per frame, to compare)."""
    cmd = prefix + ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a"]
    for f in EVIDENCE_FIELDS + HEADER_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(f"tshark failed on {path}: {p.stderr.decode(errors='replace').strip()[:300]}")
    counts, header_lines = Counter(), []
    n = len(EVIDENCE_FIELDS)
    for line in p.stdout.decode(errors="replace").splitlines():
        cells = line.split("\t")
        for name, cell in zip(EVIDENCE_FIELDS, cells):
            if cell:
                counts[name] += 1
        header_lines.append(_strip_protocols(cells[n:]))
    return counts, header_lines


def verdicts(doc):
    analysis = doc.get("analysis", {}) if isinstance(doc, dict) else {}
    return {host: {k: a.get(k) for k in ("verdict", "os", "confidence", "candidates")}
            for host, a in analysis.items() if isinstance(a, dict)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("portclass")
    ap.add_argument("--data", help="the development set (default ../shared/realworld beside the repository)")
    ap.add_argument("--jobs", type=int, default=2, help="captures at a time (at most 2 by default)")
    ap.add_argument("--keep", help="write the zeroed copies here (a new directory) instead of a temporary one")
    ap.add_argument("--only", help="only captures whose name contains this")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per portclass run")
    args = ap.parse_args()
    rwtest.need_binary(args.portclass)
    data = rwtest.data_dir(args.data)
    if not shutil.which("tshark"):
        rwtest.skip("tshark not found (package tshark)")
    captures_dir = os.path.join(data, "captures")
    names = sorted(n for n in os.listdir(captures_dir) if not n.startswith("."))
    if args.only:
        names = [n for n in names if args.only in n]
    if not names:
        rwtest.skip(f"no captures in {captures_dir}")

    started = time.time()
    work = tempfile.mkdtemp(prefix="portclass-zero-")
    os.chmod(work, 0o755)
    out_dir = os.path.abspath(args.keep) if args.keep else os.path.join(work, "zeroed")
    if os.path.abspath(out_dir).startswith(os.path.abspath(data) + os.sep):
        print(f"FAIL: refusing to write copies inside {data}")
        sys.exit(1)
    os.makedirs(out_dir, exist_ok=False)
    os.chmod(out_dir, 0o755)
    prefix, who = rwtest.reader_prefix(os.path.join(work, "home"),
                                       reads=[os.path.join(captures_dir, n) for n in names[:1]])
    missing = [f for f in EVIDENCE_FIELDS if not _field_known(prefix, f)]
    if missing:
        print(f"FAIL: tshark knows no field {', '.join(missing)}")
        sys.exit(1)
    print(f"zero_payloads: {len(names)} captures from {captures_dir}; tshark {_tshark_version()} {who}; "
          f"copies in {out_dir}", flush=True)

    failures = []

    def one(name):
        source = os.path.join(captures_dir, name)
        target = os.path.join(out_dir, name)
        result = {"name": name, "problems": []}
        try:
            info, problems = zero_file(prefix, source, target)
            result.update(info)
            result["problems"] += problems
            before, ha = fields_pass(prefix, source)
            after, hb = fields_pass(prefix, target)
            result["evidence_before"], result["evidence_after"] = before, after
            # Only payload bytes changed: every header field reads the same, frame by frame.
            changed = [i + 1 for i, (x, y) in enumerate(zip(ha, hb)) if x != y]
            if len(ha) != len(hb):
                result["problems"].append(f"tshark reads {len(ha)} frames of the original, {len(hb)} of the copy")
            elif changed:
                result["problems"].append(f"header fields differ between original and copy in {len(changed)} "
                                          f"frames (first: {changed[:5]})")
            for field, count in after.items():
                result["problems"].append(f"tshark still finds {field} in {count} frames of the copy "
                                          f"({before.get(field, 0)} in the original)")
        except (RuntimeError, capfile.FormatError, ValueError, subprocess.TimeoutExpired) as e:
            result["problems"].append(str(e))
            return result
        doc_a, err_a = rwtest.profile(args.portclass, source, timeout=args.timeout)
        doc_b, err_b = rwtest.profile(args.portclass, target, timeout=args.timeout)
        if err_a or err_b:
            if (err_a is None) != (err_b is None) or (err_a or "").split(":")[0] != (err_b or "").split(":")[0]:
                result["problems"].append(f"portclass: original {err_a or 'ok'}, copy {err_b or 'ok'}")
            result["profile_error"] = err_a or err_b
            result["hosts"] = 0
            return result
        va, vb = verdicts(doc_a), verdicts(doc_b)
        result["hosts"] = len(va)
        result["identified"] = sum(1 for v in va.values() if v["verdict"] == "identified")
        diffs = []
        for host in sorted(set(va) | set(vb)):
            if host not in va or host not in vb:
                diffs.append(f"{host}: only in the {'original' if host in va else 'copy'}")
                continue
            for key in ("verdict", "os", "confidence", "candidates"):
                if va[host][key] != vb[host][key]:
                    diffs.append(f"{host}: {key} {json.dumps(va[host][key])[:200]} -> {json.dumps(vb[host][key])[:200]}")
        result["differences"] = diffs
        other = _other_differences(doc_a, doc_b)
        result["other_differences"] = other
        return result

    results = rwtest.parallel(one, names, min(args.jobs, 2) if args.jobs > 0 else 1)

    total = Counter()
    evidence_files = Counter()
    print()
    print(f"{'capture':<72} {'format':<26} {'frames':>7} {'zeroed':>9} {'changed':>9} {'hosts':>5} {'diff':>4}")
    for r in results:
        s = r.get("stats", Counter())
        total.update(s)
        total["frames"] += r.get("frames", 0)
        total["hosts"] += r.get("hosts", 0)
        total["identified"] += r.get("identified", 0)
        total["differences"] += len(r.get("differences", []))
        for field, n in r.get("evidence_before", {}).items():
            evidence_files[field] += 1
            total[f"evidence:{field}"] += n
        print(f"{r['name'][:72]:<72} {r.get('format', '?'):<26} {r.get('frames', 0):>7} "
              f"{s.get('payload bytes zeroed', 0):>9} {s.get('bytes changed (were not zero)', 0):>9} "
              f"{r.get('hosts', 0):>5} {len(r.get('differences', [])):>4}")
        for d in r.get("differences", []):
            failures.append(f"{r['name']}: {d}")
        for p in r["problems"]:
            failures.append(f"{r['name']}: {p}")
        if r.get("profile_error"):
            print(f"  note: portclass {r['profile_error']} on original and copy")
    print()
    print("what was zeroed:")
    for key in sorted(k for k in total if not k.startswith("evidence:")
                      and k not in ("frames", "hosts", "identified", "differences")):
        print(f"  {key}: {total[key]}")
    print("application fields tshark finds in the originals (frames / files) -> in the copies:")
    for field in EVIDENCE_FIELDS:
        after = sum(r.get("evidence_after", {}).get(field, 0) for r in results)
        print(f"  {field:<30} {total.get('evidence:' + field, 0):>7} / {evidence_files[field]:>3} -> {after}")
    others = [(r["name"], d) for r in results for d in r.get("other_differences", [])]
    if others:
        print(f"other analysis differences (not verdict/os/confidence/candidates; reported, not failed): {len(others)}")
        for name, d in others[:20]:
            print(f"  {name}: {d}")
    zero_files = [r["name"] for r in results if r.get("stats", {}).get("payload bytes zeroed", 0) == 0]
    if zero_files:
        print(f"captures with no payload byte to zero: {len(zero_files)}: {', '.join(zero_files)}")
    if total["payload bytes zeroed"] == 0:
        failures.append("nothing was zeroed")
    if sum(1 for f in ("http.request.method", "http.user_agent") if evidence_files[f]) == 0 and not args.only:
        failures.append("no original had an HTTP request: the check of the copies proves nothing")
    for f in failures:
        print(f"FAIL: {f}")
    print(f"zero_payloads: {len(results)} files, {total['frames']} frames, {total['payload bytes zeroed']} payload bytes "
          f"zeroed ({total['bytes changed (were not zero)']} were not zero), {total['hosts']} hosts compared "
          f"({total['identified']} identified), {total['differences']} differences, {len(failures)} failures "
          f"({time.time() - started:.0f} s)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


def _strip_protocols(cells):
    """The header cells of one frame as one text, frame.protocols cut after its last tcp/udp
    (the application layers above it may change: that is the point)."""
    cells = list(cells)
    i = HEADER_FIELDS.index("frame.protocols")
    if i < len(cells):
        names = cells[i].split(":")
        last = max((j for j, n in enumerate(names) if n in ("tcp", "udp")), default=len(names) - 1)
        cells[i] = ":".join(names[:last + 1])
    return "\t".join(cells)


def _other_differences(doc_a, doc_b):
    a = doc_a.get("analysis", {}) if isinstance(doc_a, dict) else {}
    b = doc_b.get("analysis", {}) if isinstance(doc_b, dict) else {}
    out = []
    for host in sorted(set(a) & set(b)):
        for key in sorted(set(a[host]) | set(b[host])):
            if key in ("verdict", "os", "confidence", "candidates"):
                continue
            if a[host].get(key) != b[host].get(key):
                out.append(f"{host}: {key} {json.dumps(a[host].get(key))[:160]} -> {json.dumps(b[host].get(key))[:160]}")
    return out


def _field_known(prefix, field):
    p = subprocess.run(prefix + ["tshark", "-G", "fields"], capture_output=True, timeout=300) \
        if not hasattr(_field_known, "cache") else None
    if p is not None:
        _field_known.cache = {line.split("\t")[2] for line in p.stdout.decode(errors="replace").splitlines()
                              if line.startswith("F\t") and line.count("\t") >= 2}
    return field in _field_known.cache


def _tshark_version():
    p = subprocess.run(["tshark", "--version"], capture_output=True, text=True)
    first = (p.stdout.splitlines() or ["?"])[0]
    m = re.search(r"(\d+\.\d+\.\d+)", first)
    return m.group(1) if m else first


if __name__ == "__main__":
    main()
