#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rulesets from verdicts are safe, on the real development set.

For every labelled client of ../shared/realworld/labels.tsv (rows of
confidence `low` excluded: their stack contradicts the label), runs
`portclass profile --json` on its capture and
`portclass-nft generate --from-profile DOC --explain-ranges`, and checks the
range portclass-nft gives that host:

  (a) covered: it holds every port the host was seen using as a client (the
      row's syn_ports, and the client ports and DNS query ports of its profile);
  (b) default covered: when all those ports lie inside the labelled OS's
      default range (windows-modern, macos/ios 49152-65535; linux/android
      32768-60999; windows-xp-era 1025-5000), it holds that whole range;
  (c) narrowed at high confidence: a host whose stored verdict is
      "identified" with confidence >= 0.9 gets no more than the default
      ranges of the candidates that hold 90% of the probability (one profile
      when it alone is that likely; the family can be sure while its profiles
      split: Linux 4.2+ 32768-60999 and 2.6.23-4.1 32768-61000) plus the
      ports it was seen using. So 1024-65535 for everyone fails. Left to (a)
      and (b): verdicts that need a tuned span to reach 90% (a span seen on a
      few ports outside the profile's default says only that the default is
      wrong), and hosts with more than 5% of their ports outside those ranges
      (which portclass-nft widens on purpose); the table counts them.

The labels come from application-layer strings and are used here only to
score; nothing of them reaches portclass. The verdicts change as the inference
engine changes: these rules must hold whatever the verdicts are.

usage: realworld_ranges.py PORTCLASS PORTCLASS_NFT REALWORLD_DIR
Exit 0 when every check holds, 1 on any violation, 77 (skip) when the data
set is missing.
"""
import csv
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

HIGH = 0.9  # nft-helper/include/portclass/nft/verdict_range.hpp kHighConfidence
STRAY = 0.05  # verdict_range.hpp kStrayShare

DEFAULTS = {
    "windows-modern": "49152-65535",
    "macos/ios": "49152-65535",
    "linux/android": "32768-60999",
    "windows-xp-era": "1025-5000",
}


def parse_ports(text):
    """'80,1000-1002' -> list of (first, last) ranges."""
    out = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def as_set(ranges):
    s = set()
    for a, b in ranges:
        s.update(range(a, b + 1))
    return s


def addr(text):
    return str(ipaddress.ip_address(text))


def fmt(ports):
    """Compact text of a port set, for messages."""
    ports = sorted(ports)
    out, i = [], 0
    while i < len(ports):
        j = i
        while j + 1 < len(ports) and ports[j + 1] == ports[j] + 1:
            j += 1
        out.append(str(ports[i]) if i == j else f"{ports[i]}-{ports[j]}")
        i = j + 1
    text = ",".join(out)
    return text if len(text) <= 80 else text[:77] + "..."


def profile_ports(host):
    """Client ports of one host of a profile document (TCP, UDP, DNS)."""
    ports = set()
    for transport in (host.get("transports") or {}).values():
        ports |= as_set(parse_ports(transport.get("client_ports", "")))
    ports |= as_set(parse_ports((host.get("dns") or {}).get("ports", "")))
    return ports


def allowed_defaults(covering):
    ports = set()
    for cand in covering:
        ports |= as_set(parse_ports(cand["range"]))
    return ports


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    portclass, nft, data = sys.argv[1:]
    labels = os.path.join(data, "labels.tsv")
    if not os.path.isfile(labels) or not os.path.isdir(os.path.join(data, "captures")):
        print(f"skipped: the development set is not there ({data}: labels.tsv and captures/ expected)")
        return 77
    with open(labels, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["confidence"] != "low"]

    violations = []
    counts = dict(rows=len(rows), checked=0, covered=0, default_applies=0, default_covered=0,
                  high_applies=0, high_narrowed=0, high_widened=0, not_profiled=0, rules={})
    documents = {}
    with tempfile.TemporaryDirectory(prefix="pc-realworld-") as tmp:
        for row in rows:
            capture = row["capture"]
            if capture not in documents:
                documents[capture] = None
                path = os.path.join(data, "captures", capture)
                prof = subprocess.run([portclass, "profile", "--json", path], capture_output=True, text=True)
                if prof.returncode < 0 or (prof.returncode != 0 and not prof.stderr.strip()):
                    # A crash is a bug, not a capture portclass cannot read.
                    violations.append(f"{capture}: portclass profile died (exit {prof.returncode})")
                elif prof.returncode != 0:
                    print(f"not profiled: {capture}: {prof.stderr.strip()[:160]}")
                else:
                    doc_path = os.path.join(tmp, f"{len(documents)}.json")
                    with open(doc_path, "w") as out:
                        out.write(prof.stdout)
                    gen = subprocess.run([nft, "generate", "--from-profile", doc_path, "--explain-ranges"],
                                         capture_output=True, text=True)
                    if gen.returncode != 0:
                        violations.append(f"{capture}: portclass-nft --explain-ranges failed "
                                          f"(exit {gen.returncode}): {gen.stderr.strip()[:200]}")
                    else:
                        explained = {addr(h["address"]): h for h in json.loads(gen.stdout)["hosts"]}
                        doc = json.loads(prof.stdout)
                        hosts = {addr(k): v for k, v in doc.get("hosts", {}).items()}
                        analysis = {addr(k): v for k, v in (doc.get("analysis") or {}).items()}
                        documents[capture] = (hosts, analysis, explained)
            got = documents[capture]
            ip = addr(row["client_ip"])
            where = f"{ip} ({row['truth_os_family']}, {capture})"
            if got is None or ip not in got[0]:
                counts["not_profiled"] += 1
                if got is not None:
                    print(f"not profiled: {where}: portclass saw no packet of it")
                continue
            hosts, analysis, explained = got
            counts["checked"] += 1
            h = explained.get(ip)
            seen = as_set(parse_ports(row["syn_ports"])) | profile_ports(hosts[ip])
            if h is None or not h["client"]:
                violations.append(f"(a) {where}: no return rule at all (seen as a server), uses {fmt(seen)}")
                continue
            counts["rules"][h["rule"]] = counts["rules"].get(h["rule"], 0) + 1
            given = as_set(parse_ports(h["range"]))
            missing = seen - given
            if missing:
                violations.append(f"(a) {where}: range {h['range']} misses ports it used: {fmt(missing)}")
            else:
                counts["covered"] += 1

            default = as_set(parse_ports(DEFAULTS.get(row["truth_os_family"], "")))
            if default and seen and seen <= default:
                counts["default_applies"] += 1
                if default <= given:
                    counts["default_covered"] += 1
                else:
                    violations.append(f"(b) {where}: its ports lie in the {row['truth_os_family']} default range "
                                      f"{DEFAULTS[row['truth_os_family']]} but it got {h['range']}")

            stored = analysis.get(ip)
            if stored and stored.get("verdict") == "identified" and stored.get("confidence", 0) >= HIGH:
                # The candidates that hold 90% of the probability, best first.
                covering, held = [], 0.0
                for cand in sorted(stored.get("candidates") or [], key=lambda c: -c.get("probability", 0)):
                    if held >= HIGH - 1e-9:
                        break
                    covering.append(cand)
                    held += cand.get("probability", 0)
                if held >= HIGH - 1e-9 and not any(cand.get("tuned", False) for cand in covering):
                    counts["high_applies"] += 1
                    allowed = set(seen)
                    for cand in covering:
                        allowed |= as_set(parse_ports(cand["range"]))
                    extra = given - allowed
                    # Ports seen well outside those ranges (> 5%, system
                    # ports aside) widen them on purpose: (a) and (b) judge that.
                    outside = {p for p in seen - allowed_defaults(covering) if p >= 1024}
                    if outside and len(outside) > STRAY * len(seen):
                        counts["high_widened"] += 1
                    elif extra:
                        named = ", ".join(f"{cand.get('id')} {cand['range']}" for cand in covering)
                        violations.append(f"(c) {where}: identified {stored['confidence']:.0%} as {named} "
                                          f"but got {h['range']}: {fmt(extra)} beyond those ranges and the "
                                          "ports it used")
                    else:
                        counts["high_narrowed"] += 1

    c = counts
    print()
    print(f"labelled clients (confidence not low)  {c['rows']}")
    print(f"not profiled (capture unreadable or host not seen)  {c['not_profiled']}")
    print("| hosts checked | covered (a) | default covered (b) | narrowed at high confidence (c) |")
    print("|---|---|---|---|")
    print(f"| {c['checked']} | {c['covered']}/{c['checked']} | {c['default_covered']}/{c['default_applies']} "
          f"| {c['high_narrowed']}/{c['high_applies'] - c['high_widened']} |")
    print(f"identified >= 90% with default ranges: {c['high_applies']} ({c['high_narrowed']} narrowed, "
          f"{c['high_widened']} widened for the ports they used outside those ranges)")
    print("rules used: " + ", ".join(f"{k} {v}" for k, v in sorted(c["rules"].items())))
    if violations:
        print(f"\n{len(violations)} violation(s):")
        for v in violations:
            print("  " + v)
        return 1
    if c["checked"] == 0:
        print("no labelled host could be checked")
        return 1
    print("every check holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
