#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration test: real tshark loading the real portclass.so on the lab captures.

Checks, against samples/lab/captures/labels.tsv and independent computations
(port categories, OS-profile ranges read from common/data/os-profiles.toml):
per-packet fields (IPv4 and IPv6, TCP and UDP), client side with and without
the handshake in the capture, the whole-capture OS per labelled host in two
passes and "so far" in one, every finding on the capture made to trigger it
(and not elsewhere), -z portclass,hosts and -z portclass,tree, the
preferences (valid and invalid values), ICMP errors (quoted headers) and a
capture without TCP/UDP (no portclass items at all).

tshark ignores WIRESHARK_PLUGIN_DIR when run as root, so as root every tshark
runs as uid/gid 65534 through setpriv, on copies of the plugin and captures in
a private temporary directory that user can read.

A plugin built with PORTCLASS_SANITIZE needs --preload (the ASan/UBSan
runtimes, given by CMake): every tshark then runs with them preloaded, and a
sanitizer report or crash in any run fails the test (sanitizers.py).

usage: tshark_plugin_test.py --plugin-dir DIR --source-dir DIR [--tshark PATH] [--build-dir DIR] [--portclass PATH] [--preload LIBS]
exit: 0 all passed, 1 a check failed, 77 skipped (no tshark, no captures, no setpriv as root)
"""
import argparse
import json
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import sanitizers

SKIP = 77
NOBODY = 65534


class Failures:
    def __init__(self):
        self.count = 0
        self.checks = 0

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.count += 1
            print(f"  FAIL: {message}")
        return condition


class Tshark:
    """Runs tshark with the plugin, unprivileged when we are root."""

    def __init__(self, tshark, plugin_dir, work, preload=None):
        self.tshark = tshark
        self.work = work
        self.home = work / "home"
        self.home.mkdir()
        self.scratch = work / "scratch"  # where the unprivileged tshark may write
        self.scratch.mkdir()
        self.plugins = work / "plugins"
        shutil.copytree(plugin_dir, self.plugins)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            for d in (self.home, self.scratch):
                os.chown(d, NOBODY, NOBODY)
        self.sanitizer_env = {}
        if preload:
            self.sanitizer_env = sanitizers.environment(preload, work)
        self.reports = []  # sanitizer reports and crashes, from any run
        self.env = dict(os.environ, HOME=str(self.home), WIRESHARK_PLUGIN_DIR=str(self.plugins), LC_ALL="C.UTF-8",
                        **self.sanitizer_env)
        # A personal preferences file would change results: use an empty profile.
        self.env.pop("WIRESHARK_CONFIG_DIR", None)

    def command(self, args, home=None, plugin_dir=True):
        """tshark ARGS, through setpriv as root, with the sanitizer runtimes when the plugin has them."""
        cmd = [self.tshark, *map(str, args)]
        if self.as_root:
            env = {"HOME": home or self.home, "LC_ALL": "C.UTF-8", **self.sanitizer_env}
            if plugin_dir:
                env["WIRESHARK_PLUGIN_DIR"] = self.plugins
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "env",
                   *(f"{k}={v}" for k, v in env.items()), *cmd]
        return cmd

    def execute(self, cmd, env):
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600 if self.sanitizer_env else 300)
        why = sanitizers.reports(p.returncode, p.stderr)
        if why:
            self.reports.append(why)
            print(f"  SANITIZER/CRASH in {' '.join(map(str, cmd))}:\n{p.stderr.strip()[-4000:]}")
            sanitizers.save_report("plugin.tshark", f"{' '.join(map(str, cmd))}\n{p.stderr}")
        return p

    def run(self, *args, check=True):
        cmd = self.command(args)
        p = self.execute(cmd, self.env)
        if check and p.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}): {p.stderr.strip()}")
        return p

    def fields(self, capture, names, *extra, two_pass=True):
        args = ["-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
        if two_pass:
            args.append("-2")
        for n in names:
            args += ["-e", n]
        out = self.run(*args, *extra).stdout
        # Booleans as values: tshark 4.2 and later print True/False where 4.0 prints 1/0.
        spell = {"True": "1", "False": "0"}
        return [dict(zip(names, (",".join(spell.get(v, v) for v in cell.split(",")) for cell in line.split("\t"))))
                for line in out.splitlines()]


# ---------------------------------------------------------------------------
# Independent expectations.

def category(port):
    return "system" if port <= 1023 else "user" if port <= 49151 else "dynamic"


def load_profiles(source):
    data = tomllib.loads((source / "common/data/os-profiles.toml").read_text())
    profiles = []
    for p in data["profile"]:
        ranges = []
        for r in p["ranges"]:
            a, _, b = r.replace(":", "-").partition("-")
            ranges.append((int(a), int(b or a)))
        profiles.append((p["id"], ranges, bool(p.get("gateway", False))))
    return profiles


def ids_containing(profiles, port):
    return [pid for pid, ranges, _ in profiles if any(a <= port <= b for a, b in ranges)]


def in_end_host_range(profiles, port):
    return any(a <= port <= b for _, ranges, gw in profiles if not gw for a, b in ranges)


def acceptable_families(label):
    """The lab's hosts are one Linux kernel: an emulation that changes only the
    range (macos, freebsd: TTL 64) keeps Linux's SYN options and even ports,
    which real traffic shows to be the stronger evidence, so "linux" is as
    right as the emulated family and "unknown" is honest (the library's lab
    test says the same)."""
    family = label["family"]
    if label["role"] == "client" and label["ttl"] == "64" and family not in ("linux", "several"):
        return {family, "linux", "unknown"}
    return {family}


def load_labels(captures):
    rows = (captures / "labels.tsv").read_text().splitlines()
    head = rows[0].split("\t")
    return {r["address"]: r for r in (dict(zip(head, line.split("\t"))) for line in rows[1:] if line)}


def norm(address):
    """Canonical text of an address (the first one when tshark lists several)."""
    return str(ipaddress.ip_address(address.split(",")[0])) if address else ""


SERVICES = {("tcp", 80): "http", ("tcp", 22): "ssh", ("udp", 53): "domain"}

PACKET_FIELDS = [
    "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
    "udp.dstport", "tcp.flags.syn", "tcp.flags.ack", "portclass.src.cat", "portclass.dst.cat", "portclass.client",
    "portclass.client.ip", "portclass.client.ipv6", "portclass.client.port", "portclass.server.port", "portclass.service",
    "portclass.client.method", "portclass.client.conf", "portclass.client.handshake", "portclass.client.range_of",
    "portclass.client.no_default", "portclass.host.ip", "portclass.host.ipv6", "portclass.host.os", "portclass.host.profile",
    "portclass.host.conf", "portclass.host.range", "portclass.quoted",
]
PORTCLASS_FIELDS = [f for f in PACKET_FIELDS if f.startswith("portclass.")]


def addr(row, field):
    """An address from the IPv4/IPv6 pair of fields FIELD.ip / FIELD.ipv6."""
    return norm(row[f"{field}.ip"] or row[f"{field}.ipv6"])


def packet_view(row):
    """(src, dst, transport, sport, dport) of a row's own TCP/UDP header, or None."""
    src = norm(row["ip.src"] or row["ipv6.src"])
    dst = norm(row["ip.dst"] or row["ipv6.dst"])
    for t in ("tcp", "udp"):
        if row[f"{t}.srcport"]:
            return src, dst, t, int(row[f"{t}.srcport"]), int(row[f"{t}.dstport"])
    return None


# ---------------------------------------------------------------------------
# The checks.

def test_loaded(ts, f):
    print("plugin registration")
    f.check("portclass.so" in ts.run("-G", "plugins").stdout, "tshark -G plugins does not list portclass.so")
    glossary = ts.run("-G", "fields").stdout
    for name in ("portclass.src.cat", "portclass.client.method", "portclass.host.os", "portclass.quoted",
                 "portclass.server_in_ephemeral", "portclass.dns_fixed_port", "portclass.sequential_ports",
                 "portclass.outside_range", "portclass.several_stacks"):
        f.check(f"\t{name}\t" in glossary, f"-G fields lacks {name}")
    prefs = ts.run("-G", "defaultprefs").stdout
    for name in ("portclass.infer", "portclass.profile_file", "portclass.subnets"):
        f.check(f"#{name}:" in prefs, f"-G defaultprefs lacks {name}")
    p = ts.run("-z", "help", check=False)
    stats = p.stdout + p.stderr  # tshark prints the list on stderr
    for name in ("portclass,hosts", "portclass,tree"):
        f.check(name in stats, f"-z help lacks {name}")


def test_lab_fields(ts, f, captures, labels, profiles):
    """Every packet of the merged lab capture, two passes."""
    print("per-packet fields on lab.pcapng (two passes)")
    rows = ts.fields(captures / "lab.pcapng", PACKET_FIELDS)
    f.check(len(rows) > 1000, f"only {len(rows)} packets read")
    clients = {a for a, l in labels.items() if l["role"] == "client"}
    seen = Counter()
    verdicts = defaultdict(set)
    client_ports = defaultdict(set)
    for row in rows:
        n = row["frame.number"]
        view = packet_view(row)
        if view is None:
            f.check(not any(row[x] for x in PORTCLASS_FIELDS), f"frame {n}: portclass items on a packet without TCP/UDP")
            continue
        src, dst, t, sport, dport = view
        family = "v4" if ":" not in src else "v6"
        seen[(family, t)] += 1
        f.check(row["portclass.src.cat"] == category(sport) and row["portclass.dst.cat"] == category(dport),
                f"frame {n}: categories {row['portclass.src.cat']}/{row['portclass.dst.cat']} for {sport}/{dport}")
        f.check(not row["portclass.quoted"], f"frame {n}: own header marked quoted")
        if (src in clients) == (dst in clients):
            continue  # not a client/server pair of the lab
        client_is_src = src in clients
        client, cport, sport_ = (src, sport, dport) if client_is_src else (dst, dport, sport)
        client_ports[client].add(cport)
        f.check(row["portclass.client"] == ("src" if client_is_src else "dst") and addr(row, "portclass.client") == client,
                f"frame {n}: client {row['portclass.client']}/{addr(row, 'portclass.client')}, labels say {client}")
        f.check(row["portclass.client.port"] == str(cport) and row["portclass.server.port"] == str(sport_),
                f"frame {n}: ports {row['portclass.client.port']}/{row['portclass.server.port']}, want {cport}/{sport_}")
        f.check(row["portclass.service"] == SERVICES.get((t, sport_), ""),
                f"frame {n}: service '{row['portclass.service']}' for {sport_}/{t}")
        if t == "tcp":
            syn, ack = row["tcp.flags.syn"] == "1", row["tcp.flags.ack"] == "1"
            want = "syn" if syn and not ack else "syn-ack" if syn else "flow"
            f.check(row["portclass.client.method"] == want and row["portclass.client.conf"] == "100",
                    f"frame {n}: method {row['portclass.client.method']} {row['portclass.client.conf']}%, want {want} 100%")
            if want == "flow":
                f.check(row["portclass.client.handshake"].isdigit() and int(row["portclass.client.handshake"]) < int(n),
                        f"frame {n}: handshake frame '{row['portclass.client.handshake']}'")
        else:
            conf = int(row["portclass.client.conf"] or 0)
            f.check(row["portclass.client.method"] == "heuristic" and 50 <= conf <= 99,
                    f"frame {n}: UDP decided by {row['portclass.client.method']} at {conf}%")
        want_ids = ids_containing(profiles, cport)
        got_ids = row["portclass.client.range_of"].split(",") if row["portclass.client.range_of"] else []
        f.check(got_ids == want_ids, f"frame {n}: port {cport} in ranges of {got_ids}, want {want_ids}")
        f.check(row["portclass.client.no_default"] in (("",) if in_end_host_range(profiles, cport) else ("1",)),
                f"frame {n}: no_default={row['portclass.client.no_default']} for port {cport}")
        f.check(addr(row, "portclass.host") == src, f"frame {n}: host {addr(row, 'portclass.host')} is not the source {src}")
        verdicts[src].add(row["portclass.host.os"])
    for key in (("v4", "tcp"), ("v4", "udp"), ("v6", "tcp"), ("v6", "udp")):
        f.check(seen[key] > 0, f"no {key[0]} {key[1]} packets checked")
    # The whole-capture verdict: the same on every packet, and the labelled family.
    checked = 0
    for address in clients:
        want = acceptable_families(labels[address])
        f.check(len(verdicts[address]) == 1 and verdicts[address] <= want,
                f"{address} ({labels[address]['os']}): OS {sorted(verdicts[address])}, labels say {sorted(want)}")
        checked += 1
    f.check(checked >= 14, f"only {checked} labelled clients")
    return rows, client_ports


def test_one_pass(ts, f, captures):
    print("one pass: the verdict so far")
    rows = ts.fields(captures / "linux.pcap", ["portclass.host.os"], "-Y", "portclass.host.ip == 10.77.1.2",
                     two_pass=False)
    f.check(len(rows) > 20, "too few packets from 10.77.1.2")
    if rows:
        # One SYN with a decisive signature is a verdict: the first packet
        # (the host's first SYN) may already say linux, never anything else.
        f.check(rows[0]["portclass.host.os"] in ("unknown", "linux"), f"first packet says {rows[0]['portclass.host.os']}")
        f.check(rows[-1]["portclass.host.os"] == "linux", f"last packet says {rows[-1]['portclass.host.os']}")


def test_signatures(ts, f, captures):
    """portclass.signature on every SYN and SYN+ACK and nowhere else, equal to
    what p0f 3.09b itself prints as raw_sig for the same packets (when p0f is
    installed; it is in the project's package lists)."""
    print("signatures: portclass.signature against p0f's raw_sig")
    capture = captures / "lab.pcapng"
    rows = ts.fields(capture, ["tcp.flags.syn", "tcp.flags.ack", "portclass.signature", "portclass.signature.match"],
                     "-Y", "tcp")
    ours = set()
    for row in rows:
        handshake = row["tcp.flags.syn"] == "1"
        f.check(bool(row["portclass.signature"]) == handshake,
                f"signature field {'missing on a SYN' if handshake else 'on a non-SYN'}: {row}")
        if row["portclass.signature"]:
            ours.add(row["portclass.signature"])
    f.check(len(ours) >= 2, f"only {len(ours)} distinct signatures in the lab capture")
    if not shutil.which("p0f") or not Path("/etc/p0f/p0f.fp").is_file():
        print("  p0f comparison skipped: p0f is not installed")
        return
    log = ts.scratch / "p0f.log"
    # p0f reads classic pcap only: convert, as p0f's users would.
    classic = ts.scratch / "lab-for-p0f.pcap"
    subprocess.run(["editcap", "-F", "pcap", str(capture), str(classic)], check=True, capture_output=True)
    subprocess.run(["p0f", "-f", "/etc/p0f/p0f.fp", "-r", str(classic), "-o", str(log)], check=True,
                   capture_output=True, timeout=120)
    theirs = set()
    for line in log.read_text().splitlines():
        if "mod=syn" in line and "raw_sig=" in line:
            theirs.add(line.split("raw_sig=")[1].split("|")[0])
    f.check(ours == theirs, f"signatures differ from p0f's raw_sig: only ours {sorted(ours - theirs)}, "
            f"only p0f's {sorted(theirs - ours)}")


def test_mid_connection(ts, f, captures, labels):
    print("captures that start mid-connection (no SYN, no SYN+ACK)")
    mid = ts.scratch / "mid.pcapng"
    ts.run("-r", captures / "lab.pcapng", "-Y", "!(tcp.flags.syn == 1)", "-w", mid)
    rows = ts.fields(mid, PACKET_FIELDS)
    clients = {a for a, l in labels.items() if l["role"] == "client"}
    tcp_rows = right = 0
    for row in rows:
        view = packet_view(row)
        if not view or view[2] != "tcp":
            continue
        src, dst, _, sport, dport = view
        tcp_rows += 1
        conf = int(row["portclass.client.conf"] or 0)
        f.check(row["portclass.client.method"] == "heuristic" and 50 <= conf <= 99,
                f"frame {row['frame.number']}: {row['portclass.client.method']} {conf}% without a handshake")
        server_port = dport if src in clients else sport
        if server_port < 1024:  # the heuristic must get well-known services right
            client = src if src in clients else dst
            right += addr(row, "portclass.client") == client
            f.check(addr(row, "portclass.client") == client,
                    f"frame {row['frame.number']}: client {addr(row, 'portclass.client')}, labels say {client}")
    f.check(tcp_rows > 500, f"only {tcp_rows} mid-connection TCP packets")


def expert_rows(text):
    """(severity, group, summary) of portclass lines in -z expert output."""
    out, severity = [], None
    for line in text.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \(\d+\)", line)
        if m:
            severity = m.group(1)
            continue
        m = re.match(r"^\s+(\d+)\s+(\S+)\s+portclass\s+(.*)$", line)
        if m:
            out.append((severity, m.group(2), m.group(3)))
    return out


FINDINGS = [
    # capture, expert field, severity, group, words the message must contain
    ("linux.pcap", "portclass.server_in_ephemeral", "Warns", "Protocol", ["10.77.1.1", "50000"]),
    ("dnsfixed.pcap", "portclass.dns_fixed_port", "Warns", "Security", ["10.77.7.2", "33333"]),
    ("winxp.pcap", "portclass.sequential_ports", "Notes", "Sequence", ["10.77.3.2", "rise by one"]),
    ("tuned.pcap", "portclass.outside_range", "Notes", "Assumption", ["10.77.6.2"]),
    ("nat.pcap", "portclass.several_stacks", "Warns", "Assumption", ["10.77.8.2", "TTL"]),
]
# Captures where a finding must not appear.
ABSENT = [
    ("linux.pcap", ["portclass.dns_fixed_port", "portclass.sequential_ports", "portclass.outside_range",
                    "portclass.several_stacks"]),
    ("freebsd.pcap", ["portclass.server_in_ephemeral", "portclass.dns_fixed_port", "portclass.several_stacks"]),
    ("win10.pcap", ["portclass.dns_fixed_port", "portclass.sequential_ports", "portclass.several_stacks"]),
]


def test_findings(ts, f, captures):
    print("findings as expert info")
    for capture, field, severity, group, words in FINDINGS:
        rows = ts.fields(captures / capture, ["frame.number", "_ws.expert.message"], "-Y", field)
        f.check(len(rows) >= 1, f"{capture}: no packet carries {field}")
        messages = " ".join(r["_ws.expert.message"] for r in rows)
        for w in words:
            f.check(w in messages, f"{capture}: {field} does not mention '{w}'")
        expert = ts.run("-2", "-q", "-r", captures / capture, "-z", "expert").stdout
        listed = expert_rows(expert)
        f.check(any(s == severity and g == group and all(w in m for w in words[:1]) for s, g, m in listed),
                f"{capture}: -z expert lists no {severity}/{group} portclass entry for {words[0]}: {listed}")
        # Once per subject (host, or host and port): no flood of identical entries.
        for line in expert.splitlines():
            m = re.match(r"^\s+(\d+)\s+\S+\s+portclass\s", line)
            if m:
                f.check(int(m.group(1)) <= 2, f"{capture}: a portclass finding raised {m.group(1)} times: {line.strip()}")
        # The expert field alone as a filter, with fields of other protocols only.
        only = ts.fields(captures / capture, ["frame.number"], "-Y", field)
        f.check([r["frame.number"] for r in only] == [r["frame.number"] for r in rows],
                f"{capture}: -Y {field} -e frame.number finds {len(only)} frames, with expert fields {len(rows)}")
    for capture, fields in ABSENT:
        for field in fields:
            rows = ts.fields(captures / capture, ["frame.number"], "-Y", field)
            f.check(not rows, f"{capture}: unexpected {field} in frames {[r['frame.number'] for r in rows][:5]}")


# Fields with the label -V prints them under, for test_wanted_fields.
WANTED_LABELS = {
    "portclass.src.cat": "Source port category",
    "portclass.client.port": "Client (ephemeral) port",
    "portclass.client.method": "Client decided by",
    "portclass.client.range_of": "Inside the default range of",
    "portclass.service": "Service",
    "portclass.host.os": "Sending host OS",
    "portclass.host.range": "Sending host ephemeral range",
    "portclass.signature": "TCP signature",
}


def verbose_values(text, label):
    """{frame: [values]} of one field label in -V output."""
    out, frame = {}, None
    for line in text.splitlines():
        m = re.match(r"^Frame (\d+):", line)
        if m:
            frame = m.group(1)
            continue
        m = re.match(r"^\s+\[" + re.escape(label) + r"(?: \[truncated\])?: (.*)\]$", line)
        if m and frame:
            out.setdefault(frame, []).append(m.group(1))
    return out


def test_wanted_fields(ts, f, captures):
    """A field is filled the same however it is asked for (issue 15): the plugin
    adds only what is referenced, and tshark 4.0's -T fields needs the command
    line fallback (core/output_mode.hpp); findings and statistics stay complete
    when no portclass field is referenced at all."""
    print("fields asked for alone, through -Y, a custom column and -V")
    cap = captures / "lab.pcapng"
    names = list(WANTED_LABELS)
    reference = {r["frame.number"]: r for r in ts.fields(cap, ["frame.number", *names, "portclass.host.summary",
                                                                "portclass.client.conf"])}
    verbose = ts.run("-2", "-V", "-r", cap).stdout
    for name in names:
        want = {n: r[name] for n, r in reference.items()}
        alone = {r["frame.number"]: r[name] for r in ts.fields(cap, ["frame.number", name])}
        f.check(alone == want, f"-e {name} alone differs from -e with every field "
                f"(frames {[n for n in want if alone.get(n) != want[n]][:5]})")
        matched = [r["frame.number"] for r in ts.fields(cap, ["frame.number"], "-Y", name)]
        f.check(matched == [n for n, v in want.items() if v], f"-Y {name} matches other frames than carry it")
        # -T tabs prints the configured columns on every version (4.2 and later
        # no longer reach a custom column as -e _ws.col.<title>).
        column = ts.run("-2", "-r", cap, "-o", f'gui.column.format:"No.","%m","X","%Cus:{name}:0:R"',
                        "-T", "tabs").stdout
        shown = {n.strip(): v for n, _, v in (line.partition("\t") for line in column.splitlines())}
        f.check(shown == want, f"a custom column of {name} differs from -e "
                f"(frames {[n for n in want if shown.get(n) != want[n]][:5]})")
        in_v = {n: ",".join(v) for n, v in verbose_values(verbose, WANTED_LABELS[name]).items()}
        if name != "portclass.service":  # its label is shared with other protocols' "Service"
            f.check(in_v == {n: v for n, v in want.items() if v}, f"-V shows {name} on other frames or values")
    # Findings and statistics with no portclass field referenced, with some,
    # and as a field list that prints nothing of portclass.
    stats = ["-z", "expert", "-z", "portclass,hosts", "-z", "portclass,tree"]
    quiet = ts.run("-2", "-q", "-r", cap, *stats).stdout
    listed = ts.run("-2", "-r", cap, "-T", "fields", "-e", "frame.number", *stats).stdout
    ours = ts.run("-2", "-r", cap, "-T", "fields", "-e", "portclass.client.port", *stats).stdout
    tail = lambda text: text[text.index("====="):] if "=====" in text else text
    f.check(expert_rows(quiet) and expert_rows(quiet) == expert_rows(listed) == expert_rows(ours),
            "-z expert lists other portclass findings when fields are listed")
    f.check(tail(quiet) == tail(listed) == tail(ours), "-z statistics differ when fields are listed")
    one = ts.run("-q", "-r", cap, "-z", "expert").stdout
    f.check(expert_rows(one), "one pass: -z expert lists no portclass finding")



def parse_hosts_table(text):
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 8 and cells[0] and cells[0] != "Host":
            try:
                rows[norm(cells[0])] = cells
            except ValueError:
                continue
    return rows


def test_statistics(ts, f, captures, labels, lab_rows, client_ports):
    print("statistics: -z portclass,hosts and -z portclass,tree")
    out = ts.run("-2", "-q", "-r", captures / "lab.pcapng", "-z", "portclass,hosts", "-z", "portclass,tree").stdout
    hosts = parse_hosts_table(out)
    packets = Counter()
    for row in lab_rows:
        view = packet_view(row)
        if view:
            packets[view[0]] += 1
            packets[view[1]] += 1
    for address, label in labels.items():
        cells = hosts.get(address)
        if not f.check(cells is not None, f"hosts table has no row for {address}"):
            continue
        _, pkts, nports, lo, hi, os_, conf, findings = cells[:8]
        f.check(int(pkts) == packets[address], f"{address}: {pkts} packets, fields count {packets[address]}")
        if label["role"] == "client":
            ports = client_ports[address]
            f.check((int(nports), lo, hi) == (len(ports), str(min(ports)), str(max(ports))),
                    f"{address}: client ports {nports} {lo}-{hi}, fields say {len(ports)} {min(ports)}-{max(ports)}")
            f.check(os_ in acceptable_families(label), f"{address}: hosts table says {os_}, labels say {label['family']}")
            f.check(conf.endswith("%") or os_ in ("unknown", "several"), f"{address}: confidence '{conf}'")
        else:
            f.check(nports == "0", f"server {address} has {nports} client ports")
        if label["os"] == "dnsfixed":
            f.check("dns-fixed-port" in findings, f"{address}: findings '{findings}' lack dns-fixed-port")
        if label["os"] == "nat":
            f.check("several-stacks" in findings, f"{address}: findings '{findings}' lack several-stacks")
    # The category tree: counts per direction and per category pair.
    want = Counter()
    for row in lab_rows:
        view = packet_view(row)
        if not view:
            continue
        direction = "client to server" if row["portclass.client"] == "src" else "server to client"
        want[direction] += 1
        want[(direction, f"{category(view[3])} -> {category(view[4])}")] += 1
    got, direction = Counter(), None
    for line in out.splitlines():
        m = re.match(r"^(\s*)(client to server|server to client|[a-z]+ -> [a-z]+)\s+(\d+)\s", line)
        if not m:
            continue
        if m.group(2) in ("client to server", "server to client"):
            direction = m.group(2)
            got[direction] = int(m.group(3))
        else:
            got[(direction, m.group(2))] = int(m.group(3))
    f.check(got == want, f"category tree {dict(got)} != fields {dict(want)}")


HOST_FIELDS = ["portclass.host.ip", "portclass.host.ipv6", "portclass.host.os", "portclass.host.profile",
               "portclass.host.conf", "portclass.host.range", "portclass.host.by_pref"]


def by_host(rows):
    out = defaultdict(set)
    for r in rows:
        host = addr(r, "portclass.host")
        if host:
            out[host].add(tuple(r[x] for x in HOST_FIELDS[2:]))
    return out


def os_by_host(ts, capture, *prefs):
    rows = ts.fields(capture, HOST_FIELDS + ["portclass.src.cat"], *prefs)
    return by_host(rows), rows


def test_preferences(ts, f, captures):
    print("preferences")
    linux = captures / "linux.pcap"
    base, _ = os_by_host(ts, linux)
    f.check({v[0] for v in base["10.77.1.2"]} == {"linux"}, f"default: 10.77.1.2 is {base['10.77.1.2']}")

    off, rows = os_by_host(ts, linux, "-o", "portclass.infer:off")
    f.check(all(v[0] == "" for vals in off.values() for v in vals), f"infer:off still shows an OS: {dict(off)}")
    f.check(any(r["portclass.src.cat"] for r in rows), "infer:off removed the per-packet fields too")
    on, _ = os_by_host(ts, linux, "-o", "portclass.infer:on")
    f.check(on == base, "infer:on differs from the default")

    subnets = "10.77.1.0/24 os=windows; fd77:1::2/128 range=33000-61000"
    over, _ = os_by_host(ts, linux, "-o", f"portclass.subnets:{subnets}")
    f.check(over["10.77.1.2"] == {("windows", "windows", "100", "49152-65535", "1")},
            f"subnet override os=windows: {over['10.77.1.2']}")
    f.check({(v[0], v[3], v[4]) for v in over["fd77:1::2"]} == {("linux", "33000-61000", "1")},
            f"subnet override range=: {over['fd77:1::2']}")
    f.check(over["fd77:1::1"] == base["fd77:1::1"], "an override leaked to a host outside its prefix")

    profile = ts.scratch / "profiles.toml"
    profile.write_text('[[profile]]\nid = "labtuned"\nfamily = "labtuned"\nname = "Lab Linux tuned to 20000-29999"\n'
                       'ranges = ["20000-29999"]\ninitial_ttl = 64\nselection = "even-connect"\nprior = 1.0\n'
                       'sources = ["samples/lab/make-lab.sh"]\n')
    profile.chmod(0o644)
    tuned, _ = os_by_host(ts, captures / "tuned.pcap", "-o", f"portclass.profile_file:{profile}")
    f.check({v[0] for v in tuned["10.77.6.2"]} == {"labtuned"}, f"user profile file: 10.77.6.2 is {tuned['10.77.6.2']}")
    rows = ts.fields(captures / "tuned.pcap", ["frame.number"], "-o", f"portclass.profile_file:{profile}", "-Y",
                     "portclass.outside_range")
    f.check(not rows, "with the user profile that explains its range, the tuned host is still 'outside'")

    bad_toml = ts.scratch / "bad.toml"
    bad_toml.write_text("[[profile]]\nid = 'x'\nranges = ['70000-80000']\n")
    bad_toml.chmod(0o644)
    bad_sigs = ts.scratch / "bad.fp"
    bad_sigs.write_text("[tcp:request]\nlabel = s:unix:Mine:1\nsource = nowhere\nsig = 4:64:0:*:mss*44\n")
    bad_sigs.chmod(0o644)
    # A signature file of the user's: its label names the lab's Linux SYN
    # (scale 10 from Linux 6.x) and the match field shows it.
    good_sigs = ts.scratch / "mine.fp"
    good_sigs.write_text("[tcp:request]\nlabel = s:unix:Linux:lab kernel\nsource = samples/lab/captures/linux.pcap\n"
                         "sig = *:64:0:*:mss*44,10:mss,sok,ts,nop,ws:df,id+:0\n")
    good_sigs.chmod(0o644)
    rows = ts.fields(linux, ["portclass.signature.match"], "-o", f"portclass.signature_file:{good_sigs}",
                     "-o", "portclass.p0f_db:none", "-Y", "ip && tcp.flags.syn == 1 && tcp.flags.ack == 0")
    f.check(rows and all(str(good_sigs) in r["portclass.signature.match"] and "lab kernel" in r["portclass.signature.match"]
                         for r in rows), f"user signature file: matches {sorted({r['portclass.signature.match'] for r in rows})}")
    invalid = [
        ("portclass.subnets:10.77.1.2/24 os=windows", "portclass.subnets", "host bits"),
        ("portclass.subnets:10.77.1.0/24 os=plan9", "portclass.subnets", "plan9"),
        ("portclass.subnets:10.77.1.0/24 flavour=windows", "portclass.subnets", "flavour"),
        ("portclass.subnets:10.77.1.0/24 range=30000-20000", "portclass.subnets", "30000-20000"),
        ("portclass.subnets:10.77.1.0/24", "portclass.subnets", "says nothing"),
        ("portclass.infer:maybe", "portclass.infer", "maybe"),
        ("portclass.profile_file:/nonexistent/profiles.toml", "portclass.profile_file", "/nonexistent"),
        (f"portclass.profile_file:{bad_toml}", "portclass.profile_file", "bad.toml"),
        (f"portclass.signature_file:{bad_sigs}", "portclass.signature_file", "bad.fp:4"),
        ("portclass.p0f_db:/nonexistent/p0f.fp", "portclass.p0f_db", "/nonexistent"),
    ]
    for pref, name, word in invalid:
        args = ["-2", "-r", linux, "-o", pref, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
        for x in HOST_FIELDS:
            args += ["-e", x]
        p = ts.run(*args, check=False)
        errors = [l for l in p.stderr.splitlines() if name in l]
        f.check(len(errors) == 1 and "rejected" in errors[0] and word in errors[0],
                f"-o {pref}: want one line naming {name} and '{word}', stderr: {p.stderr.strip()!r}")
        got = by_host(dict(zip(HOST_FIELDS, line.split("\t"))) for line in p.stdout.splitlines())
        f.check(got == base, f"-o {pref}: rejected value changed the results")
    p = ts.run("-r", linux, "-o", "portclass.nosuchpref:1", "-c", "1", check=False)
    f.check(p.returncode != 0, "tshark accepted an unknown portclass preference")


def test_quoted_and_no_l4(ts, f, crafted):
    print("ICMP errors and captures without TCP/UDP")
    rows = ts.fields(crafted / "icmp-errors.pcap", PACKET_FIELDS + ["portclass.quoted.srcport", "portclass.quoted.dstport",
                                                                    "portclass.quoted.src.cat", "portclass.quoted.dst.cat"])
    want = [("40000", "53", "user", "system"), ("51000", "443", "dynamic", "system"), ("50123", "443", "dynamic", "system")]
    f.check(len(rows) == 3, f"{len(rows)} ICMP error packets read")
    for row, w in zip(rows, want):
        n = row["frame.number"]
        f.check(row["portclass.quoted"] == "1", f"frame {n}: quoted header not marked")
        got = (row["portclass.quoted.srcport"], row["portclass.quoted.dstport"], row["portclass.quoted.src.cat"],
               row["portclass.quoted.dst.cat"])
        f.check(got == w, f"frame {n}: quoted {got}, want {w}")
        own = [x for x in PORTCLASS_FIELDS if x != "portclass.quoted" and row[x]]
        f.check(not own, f"frame {n}: quoted ports taken for the packet's own: {own}")
    out = ts.run("-2", "-q", "-r", crafted / "icmp-errors.pcap", "-z", "portclass,hosts").stdout
    f.check(not parse_hosts_table(out), "quoted headers fed the host table")

    none = crafted / "no-l4.pcap"
    rows = ts.fields(none, ["frame.number", "_ws.col.Protocol"] + PORTCLASS_FIELDS)
    f.check(len(rows) == 7, f"{len(rows)} packets in no-l4.pcap")
    f.check(all(not any(r[x] for x in PORTCLASS_FIELDS) for r in rows), "portclass fields on a capture without TCP/UDP")
    f.check(ts.run("-r", none, "-Y", "portclass").stdout.strip() == "", "-Y portclass matches packets without TCP/UDP")
    verbose = ts.run("-2", "-r", none, "-V").stdout
    f.check("Port classification (portclass)" not in verbose, "a portclass tree appears in -V output without TCP/UDP")
    out = ts.run("-2", "-q", "-r", none, "-z", "portclass,hosts", "-z", "expert").stdout
    f.check(not parse_hosts_table(out) and not expert_rows(out), "statistics or findings from a capture without TCP/UDP")


def test_services_agree(ts, f, rows, portclass):
    """The plugin and the CLI name a port's service from the one built-in registry, on every Wireshark."""
    print("portclass.service agrees with `portclass explain` for every server port of the lab")
    if portclass is None or not portclass.is_file():
        f.check(False, f"no portclass command line at {portclass} to compare service names with")
        return
    named = {}
    for row in rows:
        view = packet_view(row)
        if view is None or not row["portclass.server.port"]:
            continue
        named.setdefault((view[2], int(row["portclass.server.port"])), set()).add(row["portclass.service"])
    f.check(len(named) >= 3, f"only {len(named)} server ports in the lab capture")
    for (transport, port), plugin_names in sorted(named.items()):
        p = subprocess.run([str(portclass), "explain", str(port), "--json"], capture_output=True, text=True)
        f.check(p.returncode == 0, f"portclass explain {port} --json: exit {p.returncode}: {p.stderr.strip()}")
        if p.returncode != 0:
            continue
        names = json.loads(p.stdout).get("services", {}).get(transport, [])
        want = names[0]["name"] if names else ""
        f.check(plugin_names == {want}, f"{port}/{transport}: plugin names {sorted(plugin_names)}, the CLI '{want}'")


def test_install(ts, f, build_dir):
    """cmake --install puts the plugin where Wireshark looks for a user's plugins."""
    print("cmake --install into a personal plugin folder")
    cmake = shutil.which("cmake")
    if not cmake:
        f.check(False, "cmake not found for the install check")
        return
    home = ts.work / "install-home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    p = subprocess.run([cmake, "--install", str(build_dir), "--component", "wireshark-plugin"], env=env,
                       capture_output=True, text=True)
    f.check(p.returncode == 0, f"cmake --install failed: {p.stderr.strip()}")
    installed = list(home.glob(".local/lib/wireshark/plugins/*/epan/portclass.so"))
    f.check(len(installed) == 1, f"nothing installed under {home}/.local/lib/wireshark/plugins")
    for q in [home, *home.rglob("*")]:
        q.chmod(q.stat().st_mode | 0o444 | (0o111 if q.is_dir() else 0))
    cmd = ts.command(["-G", "plugins"], home=home, plugin_dir=False)
    env.update(ts.sanitizer_env)
    env.pop("WIRESHARK_PLUGIN_DIR", None)
    out = ts.execute(cmd, env).stdout
    f.check(any("portclass.so" in line and str(home) in line for line in out.splitlines()),
            f"tshark does not load the installed plugin from {home}: {out.strip()[:300]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plugin-dir", required=True, type=Path, help="the build's plugins/ (WIRESHARK_PLUGIN_DIR)")
    ap.add_argument("--source-dir", required=True, type=Path)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--build-dir", type=Path, help="also check cmake --install from this build tree")
    ap.add_argument("--portclass", type=Path,
                    help="the portclass command line whose service names the plugin must agree with "
                         "(default: BUILD_DIR/cli/portclass)")
    ap.add_argument("--preload", default="",
                    help="':'-separated sanitizer runtimes to preload into tshark (a PORTCLASS_SANITIZE build)")
    args = ap.parse_args()

    tshark = shutil.which(args.tshark)
    if not tshark:
        print(f"SKIP: {args.tshark} not found (package tshark)")
        return SKIP
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        print("SKIP: running as root and setpriv (util-linux) is missing: tshark would ignore the plugin directory")
        return SKIP
    captures_src = args.source_dir / "samples/lab/captures"
    if not (captures_src / "labels.tsv").exists():
        print(f"SKIP: no lab captures in {captures_src} (build them with samples/lab/make-lab.sh)")
        return SKIP
    plugins = list(args.plugin_dir.glob("*/epan/portclass.so"))
    if not plugins:
        print(f"FAIL: no */epan/portclass.so under {args.plugin_dir}")
        return 1
    preload = [p for p in args.preload.split(":") if p]
    if sanitizers.links_sanitizers(plugins[0]) and not preload:
        print(f"FAIL: {plugins[0]} is built with sanitizers: give --preload with their runtimes (CMake does when "
              "PORTCLASS_SANITIZE is ON)")
        return 1
    missing = [p for p in preload if not Path(p).is_file()]
    if missing:
        print(f"FAIL: sanitizer runtimes to preload not found: {missing}")
        return 1

    work = Path(tempfile.mkdtemp(prefix="portclass-plugin-test."))
    try:
        work.chmod(0o755)
        captures = work / "captures"
        shutil.copytree(captures_src, captures)
        crafted = work / "crafted"
        subprocess.run([sys.executable, str(Path(__file__).with_name("craft_pcaps.py")), str(crafted)], check=True)
        for p in work.rglob("*"):
            p.chmod(p.stat().st_mode | 0o444 | (0o111 if p.is_dir() else 0))
        ts = Tshark(tshark, args.plugin_dir, work, preload)
        f = Failures()
        labels = load_labels(captures)
        profiles = load_profiles(args.source_dir)
        test_loaded(ts, f)
        lab_rows, client_ports = test_lab_fields(ts, f, captures, labels, profiles)
        test_one_pass(ts, f, captures)
        test_signatures(ts, f, captures)
        test_mid_connection(ts, f, captures, labels)
        test_findings(ts, f, captures)
        test_wanted_fields(ts, f, captures)
        test_statistics(ts, f, captures, labels, lab_rows, client_ports)
        test_preferences(ts, f, captures)
        test_quoted_and_no_l4(ts, f, crafted)
        portclass = args.portclass or (args.build_dir / "cli" / "portclass" if args.build_dir else None)
        test_services_agree(ts, f, lab_rows, portclass)
        if args.build_dir:
            test_install(ts, f, args.build_dir)
        print(f"{f.checks - f.count} of {f.checks} checks passed")
        if preload:
            print(f"sanitizers: {len(ts.reports)} reports or crashes"
                  + "".join(f"\n  {r}" for r in ts.reports))
        return 1 if f.count or ts.reports else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
