# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass profile` on the sample lab's real captures (samples/lab/captures).

- accuracy: the inferred OS family of every labelled client against
  labels.tsv (printed; at least 85% required), and no server misidentified
  (its label's family, or an honest "unknown");
- findings against an independent oracle computed with tshark from the same
  capture: a fixed DNS source port, TCP source ports that rise by one, a
  server port inside the server's range; a tuned client's ports outside every
  known range;
- hosts sorted by address; --fail-on-findings exit code;
- the same hosts through raw IP, Linux cooked v1/v2 and VLAN-tagged copies of
  a capture; a snap-length-cut copy: truncated packets counted, none used;
- --json of two halves (editcap -r) merged with --merge, in both orders,
  equals --json of the whole;
- a progress bar on a terminal, nothing on stderr otherwise.
"""
import ipaddress
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

import pcaplink
from clitest import Check, args, lab_captures, labels, run, run_json, skip

binary, source = args()
captures = lab_captures(source)
for tool in ("tshark", "editcap", "capinfos"):
    if not shutil.which(tool):
        skip(f"{tool} not found (package tshark / wireshark-common)")
check = Check("profile (lab)")
lab = os.path.join(captures, "lab.pcapng")
rows = labels(captures)


def address_key(text):
    a = ipaddress.ip_address(text)
    return (a.version, int(a))


# ---------------------------------------------------------------- accuracy
doc, r = run_json(check, binary, "profile", "--json", lab)
check.equal(r.stderr, "", "no stderr when stderr is not a terminal")
analysis = doc["analysis"] if doc else {}
check.equal(sorted(doc["hosts"]) if doc else [], sorted(analysis), "every profiled host analysed")

def range_only(row):
    """An emulation that changes only the range (macos, freebsd: TTL 64) keeps
    the lab kernel's Linux SYN options and even ports, which real traffic
    shows to be the stronger evidence (tests/realworld judges the engine):
    "linux" is as right as the emulated family there, "unknown" is honest."""
    return row["role"] == "client" and row["ttl"] == "64" and row["family"] not in ("linux", "several")


right, exact, clients, table = 0, 0, 0, []
called_by_stack = set()
servers_identified = servers_unknown = 0
for row in rows:
    a = analysis.get(row["address"])
    if not check.that(a is not None, f"labelled address {row['address']} profiled"):
        continue
    if row["role"] == "client":
        clients += 1
        ok = a["os"] == row["family"] or (range_only(row) and a["os"] in ("linux", "unknown"))
        exact += a["os"] == row["family"]
        right += ok
        if a["os"] != row["family"]:
            called_by_stack.add(row["address"])
        table.append(f"  {'ok  ' if ok else 'MISS'} {row['address']:<12} {row['os']:<9} {row['family']:<9} -> "
                     f"{a['os']} {a['confidence']:.0%} ({a['range']})")
    else:
        check.that(a["os"] in (row["family"], "unknown"), f"server {row['address']}: {a['os']} is its family or unknown")
        servers_identified += a["os"] == row["family"]
        servers_unknown += a["os"] == "unknown"
accuracy = right / clients if clients else 0
print(f"portclass profile accuracy on {os.path.basename(lab)}: {right}/{clients} clients acceptable ({accuracy:.0%}), "
      f"{exact} the emulated family; "
      f"servers: {servers_identified} identified, {servers_unknown} unknown (too few client ports)")
print("\n".join(table))
check.that(clients > 0 and accuracy >= 0.85, f"client accuracy {accuracy:.0%} >= 85%")

# ---------------------------------------------------------------- findings vs a tshark oracle
fields = ["ip.src", "ipv6.src", "tcp.srcport", "tcp.flags.syn", "tcp.flags.ack", "udp.srcport", "udp.dstport"]
cmd = ["tshark", "-r", lab, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
for f in fields:
    cmd += ["-e", f]
out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
syn_ports, synack_ports = defaultdict(list), defaultdict(set)
dns = defaultdict(list)
for line in out.splitlines():
    v4, v6, tsport, syn, ack, usport, udport = (line.split("\t") + [""] * 7)[:7]
    src = v4 or v6
    if not src:
        continue
    if tsport and syn in ("1", "True"):
        if ack in ("1", "True"):
            synack_ports[src].add(int(tsport))
        else:
            syn_ports[src].append(int(tsport))
    if usport and udport == "53":
        dns[src].append(int(usport))


def kinds(address):
    return {f["kind"]: f for f in analysis.get(address, {}).get("findings", [])}


by_address = {row["address"]: row for row in rows}
for address, a in sorted(analysis.items(), key=lambda kv: address_key(kv[0])):
    found = kinds(address)
    row = by_address.get(address, {})
    # A fixed DNS source port: every query (4 or more) from one port.
    queries = dns.get(address, [])
    fixed = len(queries) >= 4 and len(set(queries)) == 1
    check.equal("dns-fixed-port" in found, fixed, f"{address} ({row.get('os')}): dns-fixed-port finding")
    if fixed and "dns-fixed-port" in found:
        check.equal(found["dns-fixed-port"]["ports"], str(queries[0]), f"{address}: the fixed DNS port")
    # Sequential TCP source ports: more than half of the steps between new SYNs are +1.
    ports = [p for i, p in enumerate(syn_ports.get(address, [])) if i == 0 or p != syn_ports[address][i - 1]]
    steps = [b - a_ for a_, b in zip(ports, ports[1:])]
    sequential = len(steps) >= 4 and sum(1 for s in steps if s == 1) > len(steps) / 2
    has_tcp_seq = "sequential-ports" in found and found["sequential-ports"]["message"].startswith("TCP")
    check.equal(has_tcp_seq, sequential, f"{address} ({row.get('os')}): TCP sequential-ports finding")
    # A server answering (SYN+ACK) from ports inside its labelled range.
    if row.get("role") == "server":
        first, last = map(int, row["range"].split("-"))
        expected = {p for p in synack_ports.get(address, ()) if first <= p <= last}
        got = found.get("server-in-ephemeral-range")
        check.equal(bool(got), bool(expected), f"{address}: server-in-ephemeral-range finding (oracle {sorted(expected)})")
        if got and expected:
            check.that(all(str(p) in got["ports"].split(",") for p in expected), f"{address}: finding names {sorted(expected)}: {got['ports']}")
    elif row.get("role") == "client" and row.get("os") != "nat":
        check.that("server-in-ephemeral-range" not in found, f"{address} ({row.get('os')}): no server finding, sends no SYN+ACK")
    if row.get("os") == "tuned":
        check.that("outside-known-ranges" in found, f"{address}: tuned client's ports are outside every known range")
    elif row.get("role") == "client" and row.get("os") != "nat" and address not in called_by_stack:
        check.that("outside-known-ranges" not in found, f"{address} ({row.get('os')}): ports inside its default range")

# ---------------------------------------------------------------- text: order, exit codes
text = run(binary, "profile", lab)
hosts = [l for l in text.stdout.splitlines()[1:] if l and not l.startswith(" ") and "finding" not in l]
check.equal(hosts, sorted(hosts, key=address_key), "text: hosts sorted by address")
check.equal(sorted(hosts, key=address_key), sorted(analysis, key=address_key), "text: every host")
any_findings = any(a["findings"] for a in analysis.values())
check.equal(run(binary, "profile", "--fail-on-findings", lab).returncode, 1 if any_findings else 0, "--fail-on-findings on lab")
check.that(any_findings, "the lab has findings (fixed DNS port, server on 50000)")
for name in sorted(os.listdir(captures)):
    if name.endswith(".pcap"):
        d, _ = run_json(check, binary, "profile", "--json", os.path.join(captures, name))
        has = any(a["findings"] for a in d["analysis"].values()) if d else False
        rc = run(binary, "profile", "--fail-on-findings", os.path.join(captures, name)).returncode
        check.equal(rc, 1 if has else 0, f"--fail-on-findings exit code on {name}")

with tempfile.TemporaryDirectory(prefix="portclass-profile-") as tmp:
    # ------------------------------------------------------------ link types
    base = os.path.join(captures, "linux.pcap")
    reference, _ = run_json(check, binary, "profile", "--json", base)
    for kind in ("raw", "sll", "sll2", "vlan"):
        copy = os.path.join(tmp, f"linux-{kind}.pcap")
        pcaplink.convert(base, copy, kind)
        d, _ = run_json(check, binary, "profile", "--json", copy)
        if d and reference:
            check.equal(d["hosts"], reference["hosts"], f"{kind} copy: same host profiles as Ethernet")
            check.equal(d["input"]["counters"]["tcp_udp"], reference["input"]["counters"]["tcp_udp"], f"{kind}: TCP/UDP packets")
    # ------------------------------------------------------------ truncated packets
    cut = os.path.join(tmp, "snap40.pcap")
    subprocess.run(["editcap", "-s", "40", base, cut], check=True, capture_output=True)
    d, _ = run_json(check, binary, "profile", "--json", cut)
    if d:
        c = d["input"]["counters"]
        check.that(c["truncated"] > 0 and c["tcp_udp"] == 0, f"snap length 40: packets counted truncated, none used: {c}")
        check.equal(c["truncated"] + c["tcp_udp"] + c["malformed"] + c["other"], c["packets"], "every packet counted once")
        check.equal(d["hosts"], {}, "no host built from truncated packets")
    # ------------------------------------------------------------ merge of two halves
    total = int(subprocess.run(["capinfos", "-c", "-M", "-r", "-T", lab], capture_output=True, text=True, check=True).stdout.split()[-1])
    half = total // 2
    parts = []
    for i, span in enumerate((f"1-{half}", f"{half + 1}-{total}")):
        part = os.path.join(tmp, f"part{i}.pcapng")
        subprocess.run(["editcap", "-r", lab, part, span], check=True, capture_output=True)
        out_json = os.path.join(tmp, f"part{i}.json")
        r = run(binary, "profile", "--json", part)
        check.equal(r.returncode, 0, f"profile of half {i}")
        with open(out_json, "w") as f:
            f.write(r.stdout)
        parts.append(out_json)
    for order in (parts, parts[::-1]):
        merged, _ = run_json(check, binary, "profile", "--merge", "--json", *order)
        if merged and doc:
            check.equal(merged["hosts"] == doc["hosts"], True, f"merge {[os.path.basename(p) for p in order]}: hosts equal the whole")
            check.equal(merged["analysis"] == doc["analysis"], True, "merge: analysis equals the whole")
    merged_text = run(binary, "profile", "--merge", *parts).stdout.splitlines()[1:]
    check.equal(merged_text, text.stdout.splitlines()[1:], "merge: text report equals the whole's")
    print(f"merge: {total} packets split {half}+{total - half}, profiles merged equal the whole")

# ---------------------------------------------------------------- progress bar on a terminal
master, slave = pty.openpty()
proc = subprocess.Popen([binary, "profile", lab], stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
seen = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
proc.wait(timeout=60)
os.close(master)
check.equal(proc.returncode, 0, "profile with a terminal on stderr")
check.that(b"\r" in seen and b"100%" in seen and b"packets" in seen, f"progress bar drawn on the terminal: {seen[:120]!r}")
check.done()
