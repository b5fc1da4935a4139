#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report.py PACKETS (NAME "WALL..." "CPU...")...: the medians of run-bench.sh
and what each variant adds to tshark alone, against the targets."""
import statistics
import sys

packets, rest = int(sys.argv[1]), sys.argv[2:]
rows, cpu_runs = {}, {}
for i in range(0, len(rest), 3):
    rows[rest[i]] = (statistics.median(map(float, rest[i + 1].split())), statistics.median(map(float, rest[i + 2].split())))
    cpu_runs[rest[i]] = [float(x) for x in rest[i + 2].split()]
runs = len(rest[1].split())
base_wall, base_cpu = rows["tshark"]
print(f"\nmedians over {runs} runs of tshark -2 -T fields on {packets} packets:")
print(f"  {'':14s} {'wall s':>8s} {'cpu s':>8s}   cpu added to tshark alone")
for name, (w, c) in rows.items():
    extra = "" if name == "tshark" else f"   {c - base_cpu:+7.2f} s ({(c - base_cpu) / base_cpu * 100:+.1f}%)"
    print(f"  {name:14s} {w:8.2f} {c:8.2f}{extra}")
# Runs are interleaved, so each round's difference cancels most of the load
# the machine had during that round: the steadier estimate on a shared host.
paired = {n: statistics.median(c - b for c, b in zip(cpu_runs[n], cpu_runs["tshark"])) for n in rows if n != "tshark"}
print("paired per-round CPU differences (median): " +
      ", ".join(f"{n} {d:+.2f} s ({d / base_cpu * 100:+.1f}%)" for n, d in paired.items()))
plugin_cost, lua_cost = paired["plugin"], paired["lua"]
share = plugin_cost / base_cpu
print(f"\nplugin adds {share * 100:.1f}% CPU to tshark (target < 5%): {'met' if share < 0.05 else 'MISSED'}")
ratio = lua_cost / plugin_cost if plugin_cost > 0 else float("inf")
print(f"Lua adds {ratio:.1f}x what the plugin adds (target >= 10x): {'met' if ratio >= 10 else 'MISSED'}")
print(f"(wall clock: plugin {(rows['plugin'][0] - base_wall) / base_wall * 100:+.1f}%, "
      f"Lua {(rows['lua'][0] - base_wall) / base_wall * 100:+.1f}%)")
