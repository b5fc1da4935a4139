#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report.py PACKETS CG_PACKETS (ROW "WALL..." "CPU..." INSTRUCTIONS)...

The table of run-bench.sh: per row the timed medians with their spread, what
the row adds to its reference (tshark alone; for gui+plugin, gui), as the
median of per-round paired differences (interleaved rounds: each round's
difference cancels most of the load the machine had meanwhile), and the
instruction counts of one callgrind run on the slice; then the targets of
issue 15. A target is met when the instruction counts meet it and the timed
medians agree; either missing is said."""
import statistics
import sys

packets, cg_packets, rest = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
rows = {}
for i in range(0, len(rest), 4):
    rows[rest[i]] = {
        "wall": [float(x) for x in rest[i + 1].split()],
        "cpu": [float(x) for x in rest[i + 2].split()],
        "instr": int(rest[i + 3]) if rest[i + 3] else None,
    }
REFERENCE = {"plugin4": "tshark", "lua4": "tshark", "pluginall": "tshark", "gui+plugin": "gui"}
timed = all(r["cpu"] for r in rows.values())
counted = all(r["instr"] for r in rows.values())


def added_cpu(name):
    ref = rows[REFERENCE[name]]["cpu"]
    return statistics.median(c - b for c, b in zip(rows[name]["cpu"], ref)) / statistics.median(ref)


def added_instr(name):
    return rows[name]["instr"] / rows[REFERENCE[name]]["instr"] - 1


runs = len(next(iter(rows.values()))["cpu"])
print(f"\n| run | CPU s, median of {runs} (spread) | added (paired) | instructions, {cg_packets} packets | added |")
print("|---|---|---|---|---|")
for name, r in rows.items():
    cpu = f"{statistics.median(r['cpu']):.2f} ({min(r['cpu']):.2f}-{max(r['cpu']):.2f})" if r["cpu"] else "-"
    ins = f"{r['instr'] / 1e9:.2f} G" if r["instr"] else "-"
    if name in REFERENCE:
        add_c = f"{added_cpu(name) * 100:+.1f}%" if timed else "-"
        add_i = f"{added_instr(name) * 100:+.1f}%" if counted else "-"
    else:
        add_c = add_i = ""
    print(f"| {name} | {cpu} | {add_c} | {ins} | {add_i} |")
print(f"\n(timed: tshark -2 on {packets} packets)")


def verdict(label, ok_instr, ok_cpu):
    timed_text = "" if ok_cpu is None else f"; timed median {'meets it' if ok_cpu else 'misses it'}"
    if ok_instr is None:
        print(f"{label}: not decided (no instruction counts){timed_text}")
    elif ok_instr and ok_cpu is not False:
        print(f"{label}: met (instructions{timed_text.replace('; timed', ', timed')})")
    else:
        print(f"{label}: NOT met (instructions {'meet' if ok_instr else 'miss'} it{timed_text})")


def check(test):
    return (test(added_instr) if counted else None), (test(added_cpu) if timed else None)


print()
verdict("plugin4 adds <= 3% to tshark alone", *check(lambda a: a("plugin4") <= 0.03))
verdict("Lua peer adds >= 10x what plugin4 adds", *check(lambda a: a("lua4") >= 10 * max(a("plugin4"), 1e-9)))
verdict("pluginall adds <= 15%", *check(lambda a: a("pluginall") <= 0.15))
verdict("gui+plugin adds <= 10% to gui", *check(lambda a: a("gui+plugin") <= 0.10))
for what, measure, ok in (("instructions", added_instr, counted), ("timed", added_cpu, timed)):
    if ok:
        plugin, lua = measure("plugin4"), measure("lua4")
        ratio = f"{lua / plugin:.1f}x" if plugin > 0 else "the plugin adds nothing measurable"
        print(f"(what the Lua peer adds / what plugin4 adds, {what}: {ratio})")
