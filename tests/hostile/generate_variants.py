#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Mutate the lab captures into hostile variants (deterministic for a seed).

Every variant is one capture file made from one lab capture by a recipe of
steps, each an `editcap` run or a byte-level cut/patch done here:

  corrupt    editcap -E RATE --seed S (random bytes changed, rates 0.001..0.3),
             some with -o 14 or 34 so that only IP/TCP/UDP bytes are hit
  snaplen    editcap -s N with tiny and header-boundary lengths (1, 14, 20, 34, 54 ...)
  chop       editcap -C N (bytes chopped from the start or end of every packet)
  linktype   editcap -T ENC: the Ethernet frames relabelled rawip, rawip4/6,
             linux-sll, ieee-802-11, null, ppp, ... (and after -C 14)
  cut        the file cut at odd offsets (head -c): empty, partial file header,
             header only, mid record header, mid packet
  records    pcap record headers patched: caplen > len, caplen beyond the
             snaplen, len 0, caplen 0, microseconds >= 10^6
  time       editcap -t with far-future / before-1970 offsets (pcap), and
             (-F pcapng) far beyond what int64 microseconds hold
  combo      2 to 4 of the above chained, drawn at random

Writes DIR/<n>-<class>-<base>.<ext> and DIR/manifest.tsv (name, class, base,
recipe), the recipe being enough to rebuild one variant by hand. The same
--seed and --scale give the same recipes and, editcap being deterministic
with --seed, the same files.

usage: generate_variants.py --out DIR [--seed N] [--scale K] [--captures DIR] [--editcap PATH] [--jobs N] [--limit N]
exit: 0 done, 2 bad usage or a lab capture missing, 1 a step failed unexpectedly
"""
import argparse
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
SNAPLENS = [1, 2, 13, 14, 15, 17, 20, 21, 33, 34, 35, 38, 40, 41, 54, 55, 58, 62, 66, 74]
CHOPS = ["4", "13", "14", "15", "18", "34", "54", "-4", "-20", "14:6", "-8:4", "20:20"]
ENCAPS = ["rawip", "rawip4", "rawip6", "linux-sll", "linux-sll2", "ieee-802-11", "ieee-802-11-radiotap", "null",
          "loop", "ppp", "chdlc", "fddi", "tr", "frelay", "ip-over-fc", "nflog", "pppoes", "slip", "ipnet",
          "juniper-ether", "docsis", "erf", "user0", "wpan", "usb-linux", "can20b"]
# Relabelled after the Ethernet header is chopped: some right (rawip), some wrong.
ENCAPS_AFTER_CHOP = ["rawip", "rawip4", "rawip6", "null", "linux-sll", "ppp", "ipnet"]
# Classic pcap keeps 32-bit seconds; pcapng 64-bit ones, far beyond int64 microseconds.
TIME_SHIFTS_PCAP = ["-1700000000", "4000000000", "-86400.5", "2147483647"]
TIME_SHIFTS_PCAPNG = ["10000000000000", "9300000000000", "-1700000000"]


def pcapng_header_length(data):
    """Bytes of the section header block and the interface description block(s)."""
    if len(data) < 12:
        return len(data)
    bom = data[8:12]
    endian = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
    off = 0
    while off + 8 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, off)
        if btype not in (0x0A0D0D0A, 0x00000001) or blen < 12:
            break
        off += blen
    return off


def header_length(data):
    return 24 if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") \
        else pcapng_header_length(data)


def cut_points(data, rng, randoms):
    """Offsets to cut a capture at: structural boundaries and random odd ones."""
    h = header_length(data)
    points = {0, 1, 10, min(23, h - 1), h, h + 7, h + 16, h + 16 + 13, h + 16 + 14 + 19}
    while len(points) < 9 + randoms:
        points.add(rng.randrange(h + 1, len(data) - 1) | 1)
    return sorted(p for p in points if 0 <= p < len(data))


def patch_records(data, rng, how):
    """Patch pcap record headers (only classic pcap; pcapng is returned as is)."""
    if data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        return data
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    out = bytearray(data)
    off, index = 24, 0
    offsets = []
    while off + 16 <= len(out):
        caplen = struct.unpack_from(endian + "I", out, off + 8)[0]
        offsets.append(off)
        off += 16 + caplen
    if not offsets:
        return data
    victims = sorted(rng.sample(offsets, min(len(offsets), rng.choice([1, 1, 2, 5]))))
    for off in victims:
        index += 1
        sec, usec, caplen, length = struct.unpack_from(endian + "IIII", out, off)
        if how == "caplen-gt-len":
            length = max(0, caplen - rng.randrange(1, 40))
        elif how == "len-zero":
            length = 0
        elif how == "caplen-zero":
            caplen = 0  # the rest of the record is then read as the next header
        elif how == "caplen-huge":
            caplen = rng.choice([262145, 0x7FFFFFFF, 0xFFFFFFFF, 70000])
        elif how == "caplen-plus":
            caplen += rng.randrange(1, 64)
        elif how == "usec-big":
            usec = rng.choice([1000000, 0xFFFFFFFF, 999999999])
        struct.pack_into(endian + "IIII", out, off, sec, usec, caplen, length)
    return bytes(out)


RECORD_PATCHES = ["caplen-gt-len", "len-zero", "caplen-zero", "caplen-huge", "caplen-plus", "usec-big"]


class Generator:
    def __init__(self, editcap, out):
        self.editcap = editcap
        self.out = out
        self.tmp = Path(tempfile.mkdtemp(prefix="hostile-gen.", dir=out))

    def editcap_step(self, src, dst, args):
        """editcap ARGS src dst; a refusal (a step after a cut, say) leaves src as it is."""
        dst.unlink(missing_ok=True)
        p = subprocess.run([self.editcap, *args, str(src), str(dst)], capture_output=True, text=True)
        if dst.exists():
            return "editcap " + " ".join(args)
        if p.returncode == 0:
            raise RuntimeError(f"editcap {' '.join(args)} {src.name}: exit 0 and no output")
        shutil.copyfile(src, dst)
        return "(editcap " + " ".join(args) + ": refused)"

    def make(self, index, cls, base, steps):
        """Runs the steps from base to the variant; returns its manifest row."""
        suffix = ".pcapng" if ("F", "pcapng") in steps else base.suffix
        name = f"{index:05d}-{cls}-{base.stem}{suffix}"
        scratch = self.tmp / str(index)
        scratch.mkdir()
        current = base
        recipe = []
        for i, step in enumerate(steps):
            nxt = scratch / f"step{i}{suffix}"
            kind = step[0]
            if kind == "E":
                _, rate, seed, offset = step
                args = ["-E", str(rate), "--seed", str(seed)] + (["-o", str(offset)] if offset else [])
                recipe.append(self.editcap_step(current, nxt, args))
            elif kind in ("s", "C", "T", "t", "F"):
                recipe.append(self.editcap_step(current, nxt, [f"-{kind}", str(step[1])]))
            elif kind == "cut":
                nxt.write_bytes(current.read_bytes()[:step[1]])
                recipe.append(f"head -c {step[1]}")
            elif kind == "records":
                _, how, seed = step
                nxt.write_bytes(patch_records(current.read_bytes(), random.Random(seed), how))
                recipe.append(f"records {how} seed={seed}")
            else:
                raise ValueError(kind)
            current = nxt
        shutil.copyfile(current, self.out / name)
        shutil.rmtree(scratch)
        return (name, cls, base.name, " | ".join(recipe))

    def close(self, rows):
        shutil.rmtree(self.tmp, ignore_errors=True)
        with open(self.out / "manifest.tsv", "w") as f:
            f.write("name\tclass\tbase\trecipe\n")
            for row in rows:
                f.write("\t".join(row) + "\n")


def random_step(rng, data_size):
    kind = rng.choice(["E", "E", "s", "C", "T", "cut", "records", "t"])
    if kind == "E":
        return ("E", rng.choice(RATES), rng.randrange(1, 2**31), rng.choice([0, 0, 14, 34]))
    if kind == "s":
        return ("s", rng.choice(SNAPLENS))
    if kind == "C":
        return ("C", rng.choice(CHOPS))
    if kind == "T":
        return ("T", rng.choice(ENCAPS))
    if kind == "t":
        return ("t", rng.choice(TIME_SHIFTS_PCAP + TIME_SHIFTS_PCAPNG))
    if kind == "records":
        return ("records", rng.choice(RECORD_PATCHES), rng.randrange(2**31))
    return ("cut", rng.randrange(24, max(25, data_size)) | 1)


def plan(bases, rng, scale):
    """(class, base, steps) for every variant, all randomness drawn here.

    The small per-OS captures get every class; the big merged lab.pcapng (ten
    times their size, slow to print with -V) a sample of each.
    """
    pcaps = [b for b in bases if b.suffix == ".pcap"]
    out = []
    for base in bases:
        small = base.suffix == ".pcap"
        if small:
            for rate in RATES:
                for _ in range(scale):
                    out.append(("corrupt", base, [("E", rate, rng.randrange(1, 2**31), 0)]))
                out.append(("corrupt", base, [("E", rate, rng.randrange(1, 2**31), rng.choice([14, 34]))]))
        else:
            for rate in (0.001, 0.01, 0.1):
                out.append(("corrupt", base, [("E", rate, rng.randrange(1, 2**31), 14)]))
        for n in SNAPLENS if small else [1, 14, 34, 54]:
            out.append(("snaplen", base, [("s", n)]))
        for c in CHOPS if small else ["14", "34"]:
            out.append(("chop", base, [("C", c)]))
        for enc in ENCAPS if small else ["rawip", "rawip6", "linux-sll", "null", "ieee-802-11"]:
            out.append(("linktype", base, [("T", enc)]))
        for enc in ENCAPS_AFTER_CHOP if small else ["rawip"]:
            out.append(("linktype", base, [("C", "14"), ("T", enc)]))
        for p in cut_points(base.read_bytes(), rng, 2 * scale):
            out.append(("cut", base, [("cut", p)]))
        for shift in TIME_SHIFTS_PCAP if small else []:
            out.append(("time", base, [("t", shift)]))
        for shift in TIME_SHIFTS_PCAPNG if small else TIME_SHIFTS_PCAPNG[:2]:
            out.append(("time", base, [("F", "pcapng"), ("t", shift)]))
        for how in RECORD_PATCHES if small else []:
            out.append(("records", base, [("records", how, rng.randrange(2**31))]))
    for _ in range(160 * scale):
        base = rng.choice(pcaps)
        steps = [random_step(rng, base.stat().st_size) for _ in range(rng.randint(2, 4))]
        out.append(("combo", base, steps))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--out", required=True, type=Path, help="directory for the variants (created; emptied of *.pcap*)")
    ap.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    ap.add_argument("--scale", type=int, default=1,
                    help="multiplies the random part: 1 gives 1044 variants, 2 gives 1294, 4 gives 1794")
    ap.add_argument("--captures", type=Path, default=Path(__file__).resolve().parents[2] / "samples/lab/captures")
    ap.add_argument("--editcap", default="editcap")
    ap.add_argument("--jobs", type=int, default=2, help="editcap runs at a time (default 2)")
    ap.add_argument("--limit", type=int, default=0, help="make only N of the variants, spread over all classes")
    args = ap.parse_args()
    if args.scale < 1:
        ap.error("--scale must be at least 1")
    editcap = shutil.which(args.editcap)
    if not editcap:
        print(f"generate_variants: {args.editcap} not found (package wireshark-common)", file=sys.stderr)
        return 2
    bases = sorted(args.captures.glob("*.pcap")) + sorted(args.captures.glob("*.pcapng"))
    if not bases:
        print(f"generate_variants: no lab captures in {args.captures}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.pcap*"):
        old.unlink()
    recipes = plan(bases, random.Random(args.seed), args.scale)
    if args.limit:  # a quick try: N recipes spread over all classes, same names as in the full run
        recipes = [(i, r) for i, r in enumerate(recipes)][::max(1, len(recipes) // args.limit)][:args.limit]
    else:
        recipes = list(enumerate(recipes))
    gen = Generator(editcap, args.out)
    rows = []
    try:
        # Every random choice is made in plan(): running the recipes in
        # parallel changes nothing in the files.
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            rows = list(pool.map(lambda a: gen.make(a[0], *a[1]), recipes))
    except RuntimeError as e:
        print(f"generate_variants: {e}", file=sys.stderr)
        return 1
    finally:
        gen.close(rows)
    print(f"{len(rows)} variants from {len(bases)} lab captures in {args.out} (seed {args.seed}, scale {args.scale})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
