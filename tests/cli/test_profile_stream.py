# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass profile -` (a pcap/pcapng stream on standard input), --filter,
-o and --max-hosts on real captures (the lab's and ../shared/realworld's).

- a pipe from the real tcpdump (`tcpdump -r FILE -w -`: pcap) and the
  pcapng file itself on stdin give the same hosts and analysis as the file;
- a stream cut short: the report of what was read, then one line saying
  where it broke, exit 2;
- --filter EXPR on a file equals the packets tcpdump's same filter lets
  through, piped in; a filter that matches nothing gives an empty, valid
  report; a bad expression is libpcap's message, exit 2;
- -o FILE writes the report there (nothing on stdout), atomically (no
  temporary file left behind);
- --max-hosts N on a capture with more hosts keeps N, reports the evictions,
  and its peak memory stays flat between a small and a large capture.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from clitest import Check, args, lab_captures, peak_rss_kib, run, sanitized, skip

binary, source = args()
captures = lab_captures(source)
if not shutil.which("tcpdump"):
    skip("tcpdump not found (package tcpdump)")
check = Check("profile (stream)")
lab = os.path.join(captures, "lab.pcapng")
realworld = sorted(glob.glob(os.path.join(source, "..", "shared", "realworld", "captures", "*.pcap*")))
# A few real captures of other people's machines, when the development set is there.
others = [p for p in realworld if os.path.getsize(p) < 4_000_000][:6]
if not others:
    print("note: ../shared/realworld not found, pipe checks on the lab capture only")


def profile(*arguments, stdin=None):
    r = subprocess.run([binary, "profile", *arguments], stdin=stdin, capture_output=True, timeout=120)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def as_json(text, what):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        check.that(False, f"{what}: invalid JSON ({e})")
        return {"hosts": {}, "analysis": {}, "input": {}}


def piped(producer, *arguments):
    """producer | portclass profile ARGS -"""
    p = subprocess.Popen(producer, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    r = subprocess.run([binary, "profile", *arguments, "-"], stdin=p.stdout, capture_output=True, timeout=120)
    p.stdout.close()
    p.wait(timeout=60)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


# ---------------------------------------------------------------- pipe == file
for path in [lab, *others]:
    name = os.path.basename(path)
    rc, out, err = profile("--json", path)
    if not check.equal(rc, 0, f"{name}: profile of the file (stderr: {err.strip()})"):
        continue
    whole = as_json(out, name)
    for label, producer in (("tcpdump -w -", ["tcpdump", "-r", path, "-w", "-"]), ("cat", ["cat", path])):
        rc, out, err = piped(producer, "--json")
        check.equal(rc, 0, f"{name} through {label}: exit code (stderr: {err.strip()})")
        check.equal(err, "", f"{name} through {label}: nothing on stderr")
        doc = as_json(out, f"{name} through {label}")
        check.that(doc["hosts"] == whole["hosts"], f"{name} through {label}: the same host profiles as the file")
        check.that(doc["analysis"] == whole["analysis"], f"{name} through {label}: the same analysis as the file")
        check.equal(doc["input"].get("counters"), whole["input"]["counters"], f"{name} through {label}: counters")
print(f"pipe: {1 + len(others)} captures through tcpdump and cat")

# ---------------------------------------------------------------- a stream cut short
with open(lab, "rb") as f:
    data = f.read()
cut = data[: len(data) // 2 + 7]  # mid-record
r = subprocess.run([binary, "profile", "--json", "-"], input=cut, capture_output=True, timeout=60)
check.equal(r.returncode, 2, "a stream cut short: exit 2")
lines = r.stderr.decode().splitlines()
check.equal(len(lines), 1, f"a stream cut short: one line on stderr ({lines})")
check.that(lines and "standard input" in lines[0] and "after record" in lines[0],
           f"the line says where the stream broke: {lines}")
doc = as_json(r.stdout.decode(), "cut stream")
check.that(len(doc["hosts"]) > 0, "the report holds the hosts read before the break")
check.that(doc["input"].get("broken", "").startswith("standard input"), "input.broken says where it broke")
read_before = doc["input"]["counters"]["packets"] if doc["input"] else 0
check.that(0 < read_before < 4803, f"packets read before the break counted ({read_before})")
r = subprocess.run([binary, "profile", "-"], input=cut, capture_output=True, timeout=60)
check.that("input broke: standard input" in r.stdout.decode(), "the text report says the input broke")
r = subprocess.run([binary, "profile", "-"], input=b"not a capture at all", capture_output=True, timeout=60)
check.equal(r.returncode, 2, "garbage on stdin: exit 2")
check.equal(len(r.stderr.decode().splitlines()), 1, "garbage on stdin: one line")
rc, out, err = profile("-", "-")
check.equal(rc, 2, "- twice: exit 2")

# ---------------------------------------------------------------- --filter
for expr in ("tcp port 80", "udp", "host 10.77.2.2 and tcp[tcpflags] & tcp-syn != 0"):
    rc, out, err = profile("--json", "--filter", expr, lab)
    check.equal(rc, 0, f"--filter '{expr}': exit 0 ({err.strip()})")
    filtered = as_json(out, f"--filter {expr}")
    rc2, out2, err2 = piped(["tcpdump", "-r", lab, "-w", "-", expr], "--json")
    reference = as_json(out2, f"tcpdump {expr}")
    check.that(filtered["hosts"] == reference["hosts"] and len(filtered["hosts"]) > 0,
               f"--filter '{expr}' equals tcpdump's filter piped in ({len(filtered['hosts'])} hosts)")
    check.equal(filtered["input"].get("filter"), expr, f"--filter '{expr}' named in input.filter")
    rc3, out3, _ = profile("--json", "--filter", expr, "-", stdin=open(lab, "rb"))
    check.that(rc3 == 0 and as_json(out3, "filter on stdin")["hosts"] == filtered["hosts"],
               f"--filter '{expr}' on a pipe equals on the file")
rc, out, err = profile("--json", "--filter", "tcp port 9", lab)
check.equal(rc, 0, "a filter that matches nothing: exit 0")
empty = as_json(out, "empty filter")
check.equal(empty["hosts"], {}, "a filter that matches nothing: no hosts")
check.equal(empty["format"] if "format" in empty else None, "portclass-profiles", "... and a valid profile document")
check.equal(empty["input"]["counters"]["packets"], 0, "... and no packets")
rc, out, err = profile("--filter", "tcp port 9", lab)
check.that(rc == 0 and "0 packets" in out and "0 hosts" in out, "the text report of nothing says so")
for bad in ("tcp prt 80", "port 99999", "ip and and"):
    rc, out, err = profile("--filter", bad, lab)
    check.equal(rc, 2, f"bad filter '{bad}': exit 2")
    lines = err.splitlines()
    check.that(len(lines) == 1 and f"bad filter '{bad}'" in lines[0], f"bad filter '{bad}': one line ({lines})")
    check.equal(out, "", f"bad filter '{bad}': no report")

# ---------------------------------------------------------------- -o FILE
whole_lab = as_json(profile("--json", lab)[1], "lab")
with tempfile.TemporaryDirectory() as tmp:
    target = os.path.join(tmp, "report.json")
    rc, out, err = profile("--json", "-o", target, lab)
    check.equal((rc, out), (0, ""), "-o: exit 0, nothing on stdout")
    with open(target) as f:
        check.that(json.load(f)["hosts"] == whole_lab["hosts"], "-o FILE holds the report")
    check.equal(sorted(os.listdir(tmp)), ["report.json"], "no temporary file left next to it")
    check.equal(oct(os.stat(target).st_mode & 0o777), "0o644", "the report is readable by other processes")
    rc, out, err = profile("--json", "-o", os.path.join(tmp, "no", "such", "dir", "r.json"), lab)
    check.equal(rc, 2, "-o into a missing directory: exit 2")
    check.equal(len(err.splitlines()), 1, "-o into a missing directory: one line")
    for bad in (["--every", "30s", lab], ["-o", target, "--every", "30s", lab], ["--duration", "1m", lab],
                ["--count", "5", lab], ["--max-hosts", "1", lab], ["-i", "lo", lab]):
        rc, out, err = profile(*bad)
        check.that(rc == 2 and len(err.splitlines()) == 1, f"profile {' '.join(bad)}: exit 2, one line ({err.strip()})")

# ---------------------------------------------------------------- --max-hosts
hosts_total = len(whole_lab["hosts"])
for cap in (2, 5, 10):
    rc, out, err = profile("--json", "--max-hosts", str(cap), lab)
    doc = as_json(out, f"--max-hosts {cap}")
    check.equal(rc, 0, f"--max-hosts {cap}: exit 0")
    check.equal(len(doc["hosts"]), cap, f"--max-hosts {cap}: {cap} hosts kept of {hosts_total}")
    check.that(doc["input"]["evicted_hosts"] >= hosts_total - cap,
               f"--max-hosts {cap}: evictions counted ({doc['input']['evicted_hosts']} >= {hosts_total - cap})")
    check.equal(doc["input"]["max_hosts"], cap, f"--max-hosts {cap} in input.max_hosts")
rc, out, err = profile("--max-hosts", "5", lab)
check.that("host table capped at 5:" in out and "evicted" in out, "the text summary names the cap and the evictions")
rc, out, err = profile("--json", "--max-hosts", "1000", lab)
doc = as_json(out, "a cap above the host count")
check.that(doc["hosts"] == whole_lab["hosts"] and doc["input"]["evicted_hosts"] == 0,
           "a cap above the host count changes nothing")


def ethernet_pcap(path):
    """A classic pcap file of Ethernet frames (mergecap cannot mix link types)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1"):
        return False
    order = "little" if head[0] in (0xD4, 0x4D) else "big"
    return int.from_bytes(head[20:24], order) & 0xFFFF == 1


# Many hosts: the real captures merged (mergecap), against a capture with few.
ethernet = [p for p in realworld if ethernet_pcap(p)][:40]
if ethernet and shutil.which("mergecap"):
    with tempfile.TemporaryDirectory() as tmp:
        many = os.path.join(tmp, "many.pcap")
        subprocess.run(["mergecap", "-F", "pcap", "-w", many, lab, *ethernet], check=True, capture_output=True)
        full = as_json(profile("--json", many)[1], "many")
        n = len(full["hosts"])
        small = peak_rss_kib(binary, "profile", "--json", "--max-hosts", "8", os.path.join(captures, "linux.pcap"))
        large = peak_rss_kib(binary, "profile", "--json", "--max-hosts", "8", many)
        doc = as_json(profile("--json", "--max-hosts", "8", many)[1], "many capped")
        check.equal(len(doc["hosts"]), 8, f"--max-hosts 8 on {n} hosts keeps 8")
        check.that(doc["input"]["evicted_hosts"] >= n - 8, f"--max-hosts 8 on {n} hosts: evictions counted")
        print(f"--max-hosts 8: peak RSS {small} KiB on linux.pcap, {large} KiB on {n} hosts "
              f"({os.path.getsize(many) // 1024} KiB of capture)")
        # Flat: the large capture's hosts beyond the cap cost nothing; 2 MiB of slack for libpcap's buffers.
        if sanitized(binary):
            print("NOTE: memory not compared: ASan's quarantine keeps freed memory (the normal build compares it)")
        else:
            check.that(small and large and large - small < 2048, f"memory flat under the cap: {small} vs {large} KiB")

check.done()
