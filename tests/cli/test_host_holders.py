# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass host`: who holds the ports, parity, remedies, on real sockets.

A namespace with the range 40000-40099 (50 even, 50 odd ports) and a
listener on 127.0.0.1:50000, outside the range. Process A (named with
control characters, quotes and a newline) opens 45 connections: the kernel
(Linux >= 4.6) gives connect() the even ports first, so the even half is 90%
taken while the whole range is at 45%: status OK, parity CRITICAL. Process
B then opens 15 more: 60 of 100, warning; A holds 75%, B 25%. A closes its
connections: 45 of the 60 TCP ports sit in TIME-WAIT and tcp_tw_reuse is
proposed. Last, the widening line the remedy printed is run in the
namespace, and the same load is then OK. Needs root; skips otherwise.
"""
import json
import os
import shutil
import subprocess

from clitest import Check, args, run
from hostns import Namespaces, prometheus_samples, require_root

binary, source = args()
require_root()
check = Check("host holders, parity, remedies")
ns = f"pchold{os.getpid()}"
FIRST, LAST, LISTEN = 40000, 40099, 50000
HOSTILE = 'a"b\\\\c\\nd\\x01'          # as port_holder.py's `name` reads it
HOSTILE_RAW = 'a"b\\c\nd\x01'           # what the kernel keeps in comm
HOSTILE_TEXT = 'a\\"b\\\\c\\x0ad\\x01'  # portclass's text form
HOSTILE_PROM = 'a\\"b\\\\c\\nd\x01'     # Prometheus label form


def host(*extra):
    r = run(binary, "host", "--netns", ns, *extra)
    check.equal(r.stderr, "", f"host {' '.join(extra)}: stderr empty")
    return r


def host_json(*extra):
    r = host("--json", *extra)
    return json.loads(r.stdout), r.returncode


def remedy(doc, rid):
    return next((m for m in doc["remedies"] if m["id"] == rid), None)


spaces = Namespaces()
try:
    spaces.add(ns, FIRST, LAST)
    a = spaces.helper(ns)
    a.ask(f"name {HOSTILE}")
    a.ask(f"listen {LISTEN}")
    picked = a.ask(f"open 45 {LISTEN}")
    even = sum(1 for p in picked if p % 2 == 0)
    print(f"kernel picked {even} even and {45 - even} odd ports for 45 connect() calls")
    check.equal(even, 45, "connect() takes even ports first (Linux >= 4.6)")

    doc, rc = host_json()
    check.equal(rc, 0, "45 of 100: exit 0")
    check.equal(doc["status"], "ok", "status ok")
    par = doc["parity"]
    check.equal((par["connect_first"], par["even"]["usable"], par["odd"]["usable"]), ("even", 50, 50), "halves")
    check.equal(par["even"]["utilisation"], even / 50, "even half utilisation")
    check.equal(par["status"], "critical", "even half 90%: parity critical")
    d = doc["destinations"][0]
    check.equal((d["even_ports"], d["even_utilisation"]), (even, even / 50), "per-destination even count")
    check.equal(remedy(doc, "parity") is not None, True, "a parity remedy")
    text = host()
    check.equal(text.returncode, 0, "text: exit 0")
    check.that("the even half is past the critical threshold" in text.stdout, "text says the even half is past critical")
    prom = prometheus_samples(host("--prometheus").stdout)
    check.equal(prom.get(f'portclass_ephemeral_parity_status{{netns="{ns}"}}'), 2.0, "prometheus parity status")

    b = spaces.helper(ns)
    b.ask(f"open 15 {LISTEN}")
    doc, rc = host_json()
    check.equal(rc, 1, "60 of 100: warning exit code")
    top = [(p["transport"], p["pid"], p["name"], p["ports"], p["share"]) for p in doc["processes"]["top"]]
    check.equal(top, [("tcp", a.pid, HOSTILE_RAW, 45, 0.75), ("tcp", b.pid, "python3", 15, 0.25)],
                "two processes, ranked, with their shares (A's name exact in JSON)")
    check.equal(doc["processes"]["tcp_in_use"], 60, "tcp ports in use")
    widen = remedy(doc, "widen-range")
    check.that(widen is not None and widen["action"] ==
               f'ip netns exec {ns} sysctl -w net.ipv4.ip_local_port_range="32768 65535" '
               f'net.ipv4.ip_local_reserved_ports={LISTEN}',
               f"exact widening line, listener {LISTEN} reserved: {widen}")
    check.that(widen is not None and "NodePort" in widen["why"] and "32767 usable ports instead of 100" in widen["why"],
               f"widening says why: {widen and widen['why']}")
    check.that(remedy(doc, "per-container") is not None and
               'docker run --sysctl net.ipv4.ip_local_port_range="32768 65535"' in remedy(doc, "per-container")["action"],
               "per-container sysctl")
    check.equal(remedy(doc, "persist-range"), None, "no /etc/sysctl.d/ line for a named namespace")
    check.that(remedy(doc, "more-destinations") is not None and
               "IP_BIND_ADDRESS_NO_PORT (Linux 4.2)" in remedy(doc, "more-destinations")["action"],
               "one destination dominates: more destinations / IP_BIND_ADDRESS_NO_PORT")
    pooling = [m for m in doc["remedies"] if m["id"] == "connection-pooling"]
    check.that(len(pooling) == 1 and f"(pid {a.pid})" in pooling[0]["action"], f"pooling for A only: {pooling}")
    check.equal(remedy(doc, "tcp-tw-reuse"), None, "no TIME-WAIT remedy yet")

    text = host("--top", "1")
    check.that(f'pid {a.pid}' in text.stdout and f'pid {b.pid} ' not in text.stdout, "--top 1 names A only")
    check.that(f'"{HOSTILE_TEXT}"' in text.stdout, f"text escapes the name: {HOSTILE_TEXT}")
    check.that(HOSTILE_RAW not in text.stdout, "no raw control bytes in the text")
    prom_text = host("--prometheus").stdout
    check.that(f'process="{HOSTILE_PROM}"' in prom_text, "prometheus label escaped")
    prom = prometheus_samples(prom_text)
    share = prom.get(f'portclass_ephemeral_process_share_ratio{{netns="{ns}",transport="tcp",pid="{b.pid}",process="python3"}}')
    check.equal(share, 0.25, "prometheus share of B")
    if shutil.which("promtool"):
        r = subprocess.run(["promtool", "check", "metrics"], input=prom_text, capture_output=True, text=True, timeout=60)
        check.equal(r.returncode, 0, f"promtool check metrics accepts the output: {r.stdout}{r.stderr}")

    a.ask("close")
    doc, rc = host_json()
    check.equal(rc, 1, "TIME-WAIT still counts: warning")
    check.equal(doc["ephemeral_ports"]["time_wait"], 45, "45 ports in TIME-WAIT")
    check.equal(doc["processes"]["tcp_unowned"], 45, "TIME-WAIT ports belong to no process")
    tw = remedy(doc, "tcp-tw-reuse")
    check.that(tw is not None and tw["action"] == f"ip netns exec {ns} sysctl -w net.ipv4.tcp_tw_reuse=1"
               and "45 of the 60" in tw["why"], f"TIME-WAIT dominates: tcp_tw_reuse, with why: {tw}")

    # The remedy's own line, run as printed (inside the test namespace only).
    r = subprocess.run(widen["action"], shell=True, capture_output=True, text=True, timeout=30)
    check.equal(r.returncode, 0, f"the widening line runs: {r.stderr.strip()}")
    doc, rc = host_json()
    check.equal((doc["range"]["first"], doc["range"]["last"], doc["reserved"]), (32768, 65535, str(LISTEN)),
                "range widened and the listener reserved")
    check.equal(rc, 0, "same load after widening: exit 0")
    print(f"exit codes: 45 connections 0 (parity critical), 60 connections 1, widened 0")
finally:
    spaces.close()
check.done()
