#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""compare_versions.py - the plugin's outputs on two Wireshark versions must agree.

usage: compare_versions.py REFERENCE_DIR OTHER_DIR [--label TEXT]

Both folders come from record_outputs.py over the same captures, one with the
plugin built for Wireshark 4.0 (the reference), one with the plugin built for
another version (4.4, 4.6) and run by that version's own tshark. What the
plugin shows must be the same. Normalised first, because the platform, not
the plugin, prints them differently (docs/plugin.md, "Supported Wireshark
versions"):

  - booleans: tshark 4.2 and later print True/False in -T fields where 4.0
    prints 1/0 (a value, not a spelling, is compared);
  - -z expert: only portclass's own rows are compared, with their severity;
    other dissectors' expert infos, and so the per-severity totals, change
    with the version's dissectors;
  - the protocol field itself (-e portclass): 4.0 prints its item's label
    ("Port classification (portclass): client port ..."), 4.2 and later its
    name ("portclass"); the label is compared in -V;
  - -V's display of a label too long for a line: 4.0 marks it "[truncated]",
    4.2 and later "[…]", cut at other lengths; the whole value is compared in
    -T fields;
  - -V's frame line: 4.6 says "Frame 1: Packet, 70 bytes on wire ...";
  - other dissectors' log lines on stderr (4.6's SSH dissector warns about
    key exchanges it does not know): only portclass's own are compared.

Everything else, every portclass field of every packet, the -Y matches, the
custom columns, -z portclass,hosts and -z portclass,tree and the portclass
subtree of -V, must be byte-identical, except in the captures listed in
PLATFORM_DIFFERENCES: there a newer Wireshark's own dissectors hand the plugin
other packets (each entry says how; docs/plugin.md lists them too). Exit 0
when they are, 1 with a diff of each file that differs, 2 on bad usage.
"""
import difflib
import re
import sys
from pathlib import Path

# Captures whose outputs differ because a newer Wireshark's own dissectors
# decode them differently, never because of the plugin: capture -> why.
PLATFORM_DIFFERENCES = {
    "seladb__PcapPlusPlus__Tests__ExamplesTest__pcap_examples__tcp-reassembly.pcap":
        "frame 66 is an sFlow datagram (39259 -> 6343/udp) carrying sampled packet headers: 4.0's sFlow "
        "dissector leaves the last sampled header's ports (1731 -> 1060/tcp) in packet_info, 4.2 and later "
        "the datagram's own, so the plugin classifies a different flow there and the counts move by one",
}

SEVERITY = re.compile(r"^(Errors|Warns|Notes|Chats|Comments) \(\d+\)$")
PROTOCOL_LABEL = re.compile(r"(?<=\|)Port classification \(portclass\)[^|\n]*(?=\||$)", re.M)
CUT_LABEL = re.compile(r"^(\s*\[?[^\[\n]*?) \[(?:truncated|\u2026)\]: .*$", re.M)
FRAME_LINE = re.compile(r"^Frame (\d+): Packet, ", re.M)
OTHER_LOG = re.compile(r"^\s*\*\* \(tshark:\d+\) [0-9:.]+ \[(?!portclass)[^\]]*\] .*\n", re.M)
BOOLEAN = re.compile(r"(?<![^\t|,])(True|False)(?![^\t|,\n])")


def booleans(text):
    return BOOLEAN.sub(lambda m: "1" if m.group(1) == "True" else "0", text)


def portclass_expert(text):
    """-z expert's sections reduced to portclass's rows; the rest of the text as it is."""
    out, severity, in_expert = [], None, False
    for line in text.splitlines():
        m = SEVERITY.match(line)
        if m:
            severity, in_expert = m.group(1), True
            continue
        if in_expert:
            cells = line.split()
            if len(cells) >= 4 and cells[0].isdigit():
                if cells[2] == "portclass":
                    out.append(f"{severity}: {line}")
                continue
            if not line.strip() or line.startswith("=") or line.strip().startswith("Frequency"):
                continue
            in_expert = False  # past the expert tables
        out.append(line)
    return "\n".join(out) + "\n"


def normalise(kind, text):
    text = booleans(text)
    text = PROTOCOL_LABEL.sub("portclass", text)
    text = CUT_LABEL.sub(r"\1 [truncated]", text)
    text = FRAME_LINE.sub(r"Frame \1: ", text)
    # record_outputs.py's "[stderr]" section, emptied of other dissectors' logs.
    text = OTHER_LOG.sub("", text).replace("\n[stderr]\n\n[exit ", "\n[exit ")
    if kind == "stats":
        text = portclass_expert(text)
    return text


def main():
    args = sys.argv[1:]
    label = "other"
    if "--label" in args:
        i = args.index("--label")
        if i + 1 >= len(args):
            print("compare_versions.py: --label needs a value", file=sys.stderr)
            return 2
        label = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ref, other = map(Path, args)
    files = sorted(p.relative_to(ref) for p in ref.glob("*/*") if p.is_file() and not p.parent.name.startswith("."))
    if not files:
        print(f"compare_versions.py: no recorded outputs in {ref}", file=sys.stderr)
        return 2
    differing, missing, explained = [], [], set()
    for rel in files:
        theirs = other / rel
        if not theirs.is_file():
            missing.append(str(rel))
            continue
        a = normalise(rel.name, (ref / rel).read_text(errors="replace"))
        b = normalise(rel.name, theirs.read_text(errors="replace"))
        if a != b and rel.parent.name in PLATFORM_DIFFERENCES:
            explained.add(rel.parent.name)
            continue
        if a != b:
            differing.append(str(rel))
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), f"4.0/{rel}", f"{label}/{rel}", lineterm="", n=1)
            print("\n".join(list(diff)[:40]))
    captures = len({f.parent for f in files})
    for name in sorted(explained):
        print(f"{label}: {name} differs as listed: {PLATFORM_DIFFERENCES[name]}")
    agree = len(files) - len(differing) - len(missing) - sum(1 for f in files if f.parent.name in explained)
    print(f"{label}: {agree} of {len(files)} outputs of {captures} captures agree with 4.0"
          + (f", {len(explained)} captures differ as listed" if explained else "")
          + (f"; differ: {len(differing)}" if differing else "")
          + (f"; not recorded: {', '.join(missing[:5])}" if missing else ""))
    return 1 if differing or missing else 0


if __name__ == "__main__":
    sys.exit(main())
