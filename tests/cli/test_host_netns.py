# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass host --netns` against a network namespace this test creates.

The namespace gets a narrow range (40000-40099, 40099 reserved: 99 usable
ports) and a listener on 127.0.0.1:40050, inside the range. Connections to it
are added until the utilisation, counted towards that one remote address and
port, crosses 60% (exit 1) and then 80% (exit 4); closing them leaves the
ports in TIME-WAIT, which still count. Every figure is checked against what
the test itself opened. Needs root (ip netns add); skips otherwise.
"""
import json
import os
import shutil
import subprocess
import sys

from clitest import Check, args, run, skip

binary, source = args()
if os.geteuid() != 0:
    skip("needs root to create a network namespace (ip netns add)")
if not shutil.which("ip"):
    skip("ip (iproute2) not found")

check = Check("host --netns")
ns = f"pccli{os.getpid()}"
FIRST, LAST, RESERVED, LISTEN = 40000, 40099, 40099, 40050
USABLE = LAST - FIRST + 1 - 1


def ip(*a):
    subprocess.run(["ip", *a], check=True, capture_output=True, text=True, timeout=30)


def host(*extra):
    r = run(binary, "host", "--netns", ns, *extra)
    check.that(len(r.stderr.splitlines()) == 0, f"host {' '.join(extra)}: stderr empty, got {r.stderr!r}")
    return r


def host_json(*extra):
    r = host("--json", *extra)
    return json.loads(r.stdout) if r.stdout else {}, r.returncode


helper = None
try:
    try:
        ip("netns", "add", ns)
    except subprocess.CalledProcessError as e:
        skip(f"cannot create a network namespace here: {e.stderr.strip()}")
    ip("-n", ns, "link", "set", "lo", "up")
    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv4.ip_local_port_range={FIRST} {LAST}",
                    f"net.ipv4.ip_local_reserved_ports={RESERVED}"], check=True, timeout=30)
    helper = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.join(os.path.dirname(__file__), "conn_helper.py"),
                               "127.0.0.1", str(LISTEN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = helper.stdout.readline().split()
    check.equal(ready[:1], ["ready"], "helper started")
    helper_pid = int(ready[1])

    def connections(command):
        helper.stdin.write(command + "\n")
        helper.stdin.flush()
        return helper.stdout.readline().strip()

    # The root namespace's range is not the test's: proves the switch happened.
    root = json.loads(run(binary, "host", "--json").stdout or "{}")
    check.that(root.get("range", {}).get("first") != FIRST or root.get("range", {}).get("last") != LAST,
               "root namespace range differs from the test namespace's")

    doc, rc = host_json()
    check.equal(rc, 0, "idle namespace: exit 0")
    check.equal((doc["range"]["first"], doc["range"]["last"], doc["range"]["size"]), (FIRST, LAST, LAST - FIRST + 1), "range read from the namespace")
    check.equal((doc["reserved"], doc["usable"]), (str(RESERVED), USABLE), "reserved ports and usable count")
    check.equal(doc["netns"], ns, "namespace named in the output")
    listeners = doc["listeners_in_range"]
    check.equal([(l["transport"], l["address"], l["port"], l["reserved"]) for l in listeners],
                [("tcp", "127.0.0.1", LISTEN, False)], "the listener inside the range")
    check.equal([p["pid"] for l in listeners for p in l["processes"]], [helper_pid], "listener's owner pid")
    check.equal([m["id"] for m in doc["remedies"]], ["reserve-listeners", "move-listeners"],
                "idle: the listener's remedies only")
    check.that(f"ip_local_reserved_ports={LISTEN},{RESERVED}" in doc["remedies"][0]["action"] and doc["remedies"][0]["why"],
               f"reserve {LISTEN} next to {RESERVED}, with why: {doc['remedies']}")
    check.equal(doc["utilisation"]["tcp"], 1 / USABLE, "idle: only the listener's port is taken")

    # Past the warning threshold: the listener's port + 64 client ports = 65 of 99.
    check.equal(connections("open 64"), "ok 64", "64 connections open")
    doc, rc = host_json()
    check.equal(rc, 1, "65/99 = 66%: warning exit code")
    check.equal(doc["status"], "warning", "warning status")
    check.equal(doc["utilisation"]["tcp"], 65 / USABLE, "utilisation towards the listener")
    d = doc["destinations"][0] if doc["destinations"] else {}
    check.equal((d.get("address"), d.get("port"), d.get("ports")), ("127.0.0.1", LISTEN, 64), "busiest destination")
    check.equal(doc["sockets"]["tcp"]["states"].get("ESTAB"), 128, "both ends of 64 connections ESTAB")
    check.equal(doc["ephemeral_ports"]["in_use"], 65, "ephemeral ports in use (clients + listener)")

    # Thresholds are the caller's.
    r = host("--warning", "70", "--critical", "90")
    check.equal(r.returncode, 0, "66% with --warning 70: exit 0")

    # Past the critical threshold: 1 + 85 = 86 of 99.
    check.equal(connections("open 85"), "ok 85", "85 connections open")
    doc, rc = host_json()
    check.equal(rc, 4, "86/99 = 87%: critical exit code")
    check.equal(doc["status"], "critical", "critical status")
    check.equal(doc["utilisation"]["tcp"], 86 / USABLE, "utilisation at 85 connections")
    text = host()
    check.equal(text.returncode, 4, "text output: same exit code")
    check.that("CRITICAL" in text.stdout and f"127.0.0.1:{LISTEN}" in text.stdout, "text names the status and the destination")
    prom = host("--prometheus")
    check.equal(prom.returncode, 4, "prometheus output: same exit code")
    samples = {}
    for line in prom.stdout.splitlines():
        if line.startswith("#"):
            check.that(line.startswith("# HELP portclass_") or line.startswith("# TYPE portclass_"), f"comment line: {line}")
            continue
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    check.equal(samples.get(f'portclass_ephemeral_status{{netns="{ns}"}}'), 2.0, "prometheus status sample")
    check.equal(samples.get(f'portclass_ephemeral_usable_ports{{netns="{ns}"}}'), float(USABLE), "prometheus usable ports")
    util = samples.get(f'portclass_ephemeral_utilisation_ratio{{netns="{ns}",transport="tcp"}}', -1)
    check.that(abs(util - 86 / USABLE) < 1e-9, f"prometheus tcp utilisation {util}")

    # Closed by the client side: the ports sit in TIME-WAIT and still count.
    check.equal(connections("close"), "ok 0", "connections closed")
    doc, rc = host_json()
    check.equal(rc, 4, "TIME-WAIT still holds the ports: critical")
    check.equal(doc["ephemeral_ports"]["time_wait"], 85, "85 ports in TIME-WAIT")
    check.equal(doc["destinations"][0]["time_wait"] if doc["destinations"] else None, 85, "TIME-WAIT towards the listener")
    print(f"exit codes: idle 0, 64 connections 1, 85 connections 4, after close (TIME-WAIT) {rc}")
finally:
    if helper:
        try:
            helper.stdin.write("quit\n")
            helper.stdin.flush()
        except OSError:
            pass
        try:
            helper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
check.done()
