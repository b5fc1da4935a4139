# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass host --all-netns` and `--watch` on namespaces this test makes.

Two named namespaces with different ranges (41000-41199 idle; 42000-42099
with 85 connections to a listener at 42050: critical), and a namespace held
only by a process (`unshare -n`, range 43000-43999), found through
/proc/PID/ns/net. Each gets its own section / JSON object with its own
range; the exit code is the worst status (4); every Prometheus series carries
a netns label; --netns and --all-netns exclude each other. Other tests'
namespaces may exist at the same time: only ours are asserted about. Then
`--watch 1` refreshes until SIGINT (and SIGTERM) and exits with the last
view's status. Needs root; skips otherwise.
"""
import json
import os
import signal
import subprocess
import time

from clitest import Check, args, run
from hostns import Namespaces, prometheus_samples, require_root

binary, source = args()
require_root()
check = Check("host --all-netns")
tag = os.getpid()
ns1, ns2 = f"pcall{tag}a", f"pcall{tag}b"

spaces = Namespaces()
lone = None
try:
    spaces.add(ns1, 41000, 41199)
    spaces.add(ns2, 42000, 42099)
    h = spaces.helper(ns2)
    h.ask("listen 42050")
    h.ask("open 85 42050")
    lone = subprocess.Popen(["unshare", "--net", "sh", "-c",
                             "sysctl -q -w net.ipv4.ip_local_port_range='43000 43999' && echo up && exec sleep 120"],
                            stdout=subprocess.PIPE, text=True)
    check.equal(lone.stdout.readline().strip(), "up", "process namespace made")

    r = run(binary, "host", "--all-netns", "--json")
    check.equal(r.returncode, 4, f"worst status is critical: exit 4 (stderr {r.stderr.strip()!r})")
    doc = json.loads(r.stdout)
    by_label = {n["netns"]: n for n in doc["namespaces"]}
    inodes = [n["netns_inode"] for n in doc["namespaces"]]
    check.equal(len(inodes), len(set(inodes)), "each namespace once (by inode)")
    check.equal(doc["namespaces"][0]["netns_source"], "current", "portclass's own namespace first")
    a, b = by_label.get(ns1, {}), by_label.get(ns2, {})
    check.equal((a.get("range", {}).get("first"), a.get("range", {}).get("last"), a.get("status")), (41000, 41199, "ok"),
                "first namespace: its own range, ok")
    check.equal((b.get("range", {}).get("first"), b.get("range", {}).get("last"), b.get("status")),
                (42000, 42099, "critical"), "second namespace: its own range, critical")
    check.equal(b.get("netns_source"), "named", "named namespace")
    check.equal([p["pid"] for p in b.get("processes", {}).get("top", [])], [h.pid], "holder named in its namespace")
    proc = [n for n in doc["namespaces"] if n["netns_source"] == "process" and n["range"]["first"] == 43000]
    check.that(len(proc) == 1 and proc[0]["netns"].startswith("pid:"), f"process namespace found via /proc: {[n['netns'] for n in proc]}")
    if proc:
        check.equal(proc[0]["netns_pid"], lone.pid, "the lowest pid in it (the unshare'd process)")
    check.equal(doc["exit_code"], 4, "exit code in the JSON")
    check.that(isinstance(doc.get("skipped"), list), "skipped namespaces listed (none expected of ours)")
    check.that(not any(ns1 in m or ns2 in m for m in doc.get("skipped", [])), "none of ours skipped")

    r = run(binary, "host", "--all-netns")
    check.equal(r.returncode, 4, "text: exit 4")
    check.that(f'network namespace "{ns1}"' in r.stdout and f'network namespace "{ns2}"' in r.stdout,
               "a section per namespace")

    r = run(binary, "host", "--all-netns", "--prometheus")
    check.equal(r.returncode, 4, "prometheus: exit 4")
    samples = prometheus_samples(r.stdout)
    check.that(all("netns=" in s for s in samples), "every series has a netns label")
    check.equal(samples.get(f'portclass_ephemeral_range_first_port{{netns="{ns1}"}}'), 41000.0, "ns1 range series")
    check.equal(samples.get(f'portclass_ephemeral_status{{netns="{ns2}"}}'), 2.0, "ns2 status series")
    helps = [l for l in r.stdout.splitlines() if l.startswith("# HELP portclass_ephemeral_status ")]
    check.equal(len(helps), 1, "one HELP line per family across namespaces")

    r = run(binary, "host", "--netns", ns1, "--all-netns")
    check.equal((r.returncode, r.stdout, len(r.stderr.splitlines())), (2, "", 1), "--netns with --all-netns: exit 2, one line")

    # --watch: at least two views, then the signal ends it with the last view's status.
    for sig, name in ((signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM")):
        w = subprocess.Popen([binary, "host", "--netns", ns2, "--watch", "1"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        started = time.monotonic()
        w.send_signal(sig)  # our own child
        out, err = w.communicate(timeout=10)
        took = time.monotonic() - started
        views = out.count("portclass host --watch 1:")
        check.that(views >= 2, f"--watch 1 over 2.5 s: {views} views")
        check.equal((w.returncode, err), (4, ""), f"{name}: exit with the last view's status (critical)")
        check.that(took < 2, f"{name} ends the watch at once ({took:.2f} s)")
    # Namespaces that come and go during the audit: short-lived `unshare -n`
    # processes; one listed and gone by its visit is one line and skipped.
    churn = subprocess.Popen(["sh", "-c", "while :; do unshare -n sleep 0.02; done"])
    vanished, runs = 0, 0
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            r = run(binary, "host", "--all-netns", "--json")
            runs += 1
            lines = r.stderr.splitlines()
            bad = [l for l in lines if not (l.startswith("portclass host: network namespace 'pid:")
                                             and "disappeared during the audit" in l and l.endswith(": skipped"))]
            check.equal(bad, [], "only 'disappeared' lines on stderr")
            check.that(r.returncode in (0, 1, 4), f"exit {r.returncode} while namespaces come and go")
            doc_churn = json.loads(r.stdout or "{}")
            check.equal(len(doc_churn.get("skipped", [])), len(lines), "each skipped namespace in the JSON too")
            vanished += len(lines)
    finally:
        churn.kill()  # our own child, by its handle
        churn.wait()
    print(f"{runs} runs while namespaces came and went: {vanished} vanished namespaces reported and skipped")

    r = run(binary, "host", "--watch", "1", "--json")
    check.equal((r.returncode, len(r.stderr.splitlines())), (2, 1), "--watch with --json: exit 2, one line")
    print(f"{len(doc['namespaces'])} namespaces audited in one run")
finally:
    if lone:
        lone.kill()  # our own child, by its handle
        lone.wait()
    spaces.close()
check.done()
