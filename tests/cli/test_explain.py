# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass explain` against sockets this test opens, and against the library's data.

- a TCP listener on 127.0.0.1 and a connection to it: explain finds the
  LISTEN socket and both ends of the connection, owned by this process (pid);
- an IPv6 UDP socket on ::1: found on udp only, not when /tcp is asked;
- a port nothing uses: "nothing";
- as an unprivileged user (when run as root): the sockets are still listed,
  their owner is not (only what the caller may see);
- 60248 lies in Linux's and Windows' default ranges, 61000 is outside modern
  Linux's but inside 2.6.23-4.1's; 53/udp is "domain";
- 60248 names Netlify's local functions server (marked a weak source) and
  60714 Apple Xsan, each with its source, in text and JSON;
- nmap's frequency for 80/tcp from /usr/share/nmap/nmap-services when
  nmap-common is installed; a hand-made table with malformed lines (skipped,
  not fatal); a missing table said in one line, exit 0;
- the per-OS commands that show who holds the port, port filled in, in
  text and as data in --json;
- a port outside 0-65535 or garbage: exit 2, one line on stderr.
"""
import tempfile
import os
import shutil
import socket
import subprocess

from clitest import Check, args, run, run_json

binary, source = args()
check = Check("explain")
me = os.getpid()

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(4)
port = listener.getsockname()[1]
client = socket.create_connection(("127.0.0.1", port))
server_side, _ = listener.accept()
client_port = client.getsockname()[1]
print(f"listener 127.0.0.1:{port}, connection from port {client_port}, pid {me}")

doc, _ = run_json(check, binary, "explain", f"{port}/tcp", "--json")
if doc:
    check.equal(doc["port"], port, "port echoed")
    check.equal(doc["transports"], ["tcp"], "transport asked for")
    sockets = doc["sockets"]
    listen = [s for s in sockets if s["state"] == "LISTEN"]
    check.equal(len(listen), 1, "one LISTEN socket on the port")
    if listen:
        s = listen[0]
        check.equal((s["local_address"], s["local_port"], s["side"]), ("127.0.0.1", port, "local"), "listener address")
        check.equal([p["pid"] for p in s["processes"]], [me], "listener's owning pid")
        check.that(s["processes"] and s["processes"][0]["name"].startswith("python"), f"owner name: {s['processes']}")
    estab = [s for s in sockets if s["state"] == "ESTAB"]
    check.equal(sorted((s["side"], s["local_port"], s["remote_port"]) for s in estab),
                sorted([("local", port, client_port), ("remote", client_port, port)]), "both ends of the connection")
    check.that(all(p["pid"] == me for s in estab for p in s["processes"]) and all(s["processes"] for s in estab),
               "connection sockets owned by this process")
    check.that(all(s["transport"] == "tcp" for s in sockets), "only tcp sockets when /tcp is asked")

text = run(binary, "explain", str(port))
check.equal(text.returncode, 0, "text explain exit code")
check.that(f"(pid {me})" in text.stdout and "LISTEN" in text.stdout, "text names the LISTEN socket and the pid")
check.equal(text.stderr, "", "nothing on stderr")

# IPv6 UDP, when the host has IPv6 loopback.
try:
    udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    udp6.bind(("::1", 0))
except OSError as e:
    print(f"NOTE: IPv6 part not run: no ::1 here ({e})")
    udp6 = None
if udp6:
    uport = udp6.getsockname()[1]
    doc, _ = run_json(check, binary, "explain", str(uport), "--json")
    if doc:
        mine = [s for s in doc["sockets"] if s["transport"] == "udp" and s["local_address"] == "::1"]
        check.equal(len(mine), 1, f"UDP socket on [::1]:{uport} found")
        if mine:
            check.equal(mine[0]["state"], "UNCONN", "unconnected UDP state")
            check.equal([p["pid"] for p in mine[0]["processes"]], [me], "UDP socket owner")
    doc, _ = run_json(check, binary, "explain", f"{uport}/tcp", "--json")
    if doc:
        check.that(not any(s["transport"] == "udp" for s in doc["sockets"]), "no UDP sockets when /tcp is asked")

# A port nobody uses: bind to find a free one, release it, ask at once.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
free = probe.getsockname()[1]
probe.close()
text = run(binary, "explain", f"{free}/tcp")
check.that(text.stdout.rstrip().endswith("On this host now:\n  nothing"), f"port {free}/tcp: 'nothing' in use")

# Only what the caller may see: as nobody, root's sockets show without owner.
if os.geteuid() == 0 and shutil.which("setpriv"):
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary, "explain", f"{port}/tcp", "--json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode == 126 or "Permission denied" in r.stderr:
        print(f"NOTE: unprivileged part not run: nobody cannot execute {binary} ({r.stderr.strip()})")
    else:
        import json
        d = json.loads(r.stdout)
        listen = [s for s in d["sockets"] if s["state"] == "LISTEN"]
        check.equal(len(listen), 1, "as nobody: the listener is still listed (netlink needs no privilege)")
        check.that(listen and listen[0]["processes"] == [], "as nobody: root's process is not shown")
        t = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=60)
        check.that("process not visible" in t.stdout, "as nobody: text says the process is not visible")
else:
    print("NOTE: unprivileged-caller part not run: needs root and setpriv to switch to nobody")

# The library's data through the binary.
doc, _ = run_json(check, binary, "explain", "60248", "--json", "--no-sockets")
if doc:
    inside = {p["id"] for p in doc["ephemeral_ranges"]["inside"]}
    outside = {p["id"] for p in doc["ephemeral_ranges"]["outside"]}
    check.that({"linux", "windows"} <= inside, f"60248 inside Linux and Windows ranges: {sorted(inside)}")
    check.that({"windows-xp", "openbsd"} <= outside, f"60248 outside XP and OpenBSD ranges: {sorted(outside)}")
    check.equal(doc["category"]["name"], "dynamic", "60248 category")
    check.equal(sorted(doc["services"]), ["tcp", "udp"], "both transports when none is given")
doc, _ = run_json(check, binary, "explain", "61000", "--json", "--no-sockets")
if doc:
    inside = {p["id"] for p in doc["ephemeral_ranges"]["inside"]}
    check.that("linux" not in inside and "linux-2.6.23" in inside, f"61000: outside modern Linux, inside 2.6.23-4.1: {sorted(inside)}")
doc, _ = run_json(check, binary, "explain", "53/udp", "--json", "--no-sockets")
if doc:
    check.that("domain" in [s["name"] for s in doc["services"]["udp"]], "53/udp is domain")
    check.equal(doc["category"]["name"], "system", "53 category")
doc, _ = run_json(check, binary, "explain", "30080/tcp", "--json", "--no-sockets")
if doc:
    check.that(any("NodePort" in n["name"] for n in doc["notable"]), "30080/tcp: Kubernetes NodePort noted")

# Notable uses with their sources: the two cases explainer pages report.
doc, _ = run_json(check, binary, "explain", "60248", "--json", "--no-sockets")
if doc:
    netlify = [n for n in doc["notable"] if "Netlify" in n["name"]]
    check.equal(len(netlify), 1, "60248: Netlify's local functions server noted")
    if netlify:
        check.that(netlify[0]["source"] != "", "60248: Netlify entry has a source")
        check.equal(netlify[0]["confidence"], "weak", "60248: Netlify entry marked as a weak source")
    check.that(all(n["source"] and n["confidence"] in ("weak", "documented") for n in doc["notable"]),
               "60248: every notable use has a source and a confidence")
doc, _ = run_json(check, binary, "explain", "60714", "--json", "--no-sockets")
if doc:
    xsan = [n for n in doc["notable"] if "Xsan" in n["name"]]
    check.equal(len(xsan), 1, "60714: Apple Xsan noted")
    if xsan:
        check.equal(xsan[0]["ports"], "49152-65535", "60714: Xsan across the dynamic range")
        check.that("HT202944" in xsan[0]["source"], f"60714: Xsan's source is Apple's port list: {xsan[0]['source']}")
for p, needles in (("60248", ["Netlify local functions server", "source: ", "[weak"]),
                   ("60714", ["Apple Xsan", "HT202944"])):
    t = run(binary, "explain", p, "--no-sockets")
    check.equal(t.returncode, 0, f"explain {p} exit code")
    check.that(all(n in t.stdout for n in needles), f"explain {p} text names {needles}")

# Who holds the port, per OS, port filled in.
expected = {
    ("linux", "ss -tulpn 'sport = :60248'"), ("linux", "lsof -nP -i :60248"),
    ("macos", "lsof -nP -iTCP:60248 -sTCP:LISTEN"), ("macos", "lsof -nP -iUDP:60248"),
    ("windows", "netstat -ano | findstr :60248"), ("windows", "Get-NetTCPConnection -LocalPort 60248"),
    ("windows", "Get-NetUDPEndpoint -LocalPort 60248"),
}
doc, _ = run_json(check, binary, "explain", "60248", "--json", "--no-sockets")
if doc:
    got = {(c["os"], c["command"]) for c in doc["commands"]}
    check.equal(got, expected, "60248 --json: commands per OS")
    check.that(all(c["shell"] and c["shows"] for c in doc["commands"]), "every command says its shell and what it shows")
t = run(binary, "explain", "60248", "--no-sockets")
check.that(all(cmd in t.stdout for _, cmd in expected), "60248 text: every per-OS command with the port")
doc, _ = run_json(check, binary, "explain", "443/tcp", "--json", "--no-sockets")
if doc:
    cmds = [c["command"] for c in doc["commands"]]
    check.that("ss -tlpn 'sport = :443'" in cmds and "Get-NetTCPConnection -LocalPort 443" in cmds
               and not any("UDP" in c for c in cmds), f"443/tcp: tcp-only commands: {cmds}")

# nmap's frequency table: a hand-made one (malformed lines skipped), a missing one, the real one.
with tempfile.TemporaryDirectory() as tmp:
    table = os.path.join(tmp, "nmap-services")
    with open(table, "wb") as f:
        f.write(b"# comment line\n\nhttp\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
                b"https\t443/tcp\t0.208669\n"
                b"broken\t80/tcp\n"                 # no frequency
                b"bad\t99999/tcp\t0.1\n"            # port too big
                b"nan\t81/tcp\tnan\n"               # not a number in 0..1
                b"odd\t82/sctp\t0.5\n"             # not tcp or udp
                b"\xff\xfe\t83/tcp\t2.0\n"          # frequency above 1
                b"domain\t53/udp\t0.213496\t# DNS\n"
                b"http\t80/udp\t0.000000\n")
    doc, _ = run_json(check, binary, "explain", "80", "--json", "--no-sockets", "--nmap-services", table)
    if doc:
        freqs = {f["transport"]: f for f in doc["nmap"]["frequencies"]}
        check.equal(sorted(freqs), ["tcp", "udp"], "hand-made table: 80 found on tcp and udp")
        if "tcp" in freqs:
            check.equal((freqs["tcp"]["name"], freqs["tcp"]["frequency"], freqs["tcp"]["rank"], freqs["tcp"]["ranked"]),
                        ("http", 0.484143, 1, 2), "hand-made table: 80/tcp frequency and rank (malformed lines skipped)")
            check.equal(freqs["tcp"]["comment"], "World Wide Web HTTP", "hand-made table: comment")
        check.equal(doc["nmap"]["skipped_lines"], 5, "hand-made table: the 5 malformed lines skipped")
    t = run(binary, "explain", "80/tcp", "--no-sockets", "--nmap-services", table)
    check.that("80/tcp: http 0.484143 of scanned hosts, rank 1 of 2 tcp ports" in t.stdout,
               "hand-made table: text shows 80/tcp's frequency")
    missing = os.path.join(tmp, "none")
    t = run(binary, "explain", "80", "--no-sockets", "--nmap-services", missing)
    check.equal(t.returncode, 0, "missing nmap table: not an error")
    lines = [l for l in t.stdout.splitlines() if "nmap frequency table" in l]
    check.equal(len(lines), 1, "missing nmap table: said in one line")
    doc, _ = run_json(check, binary, "explain", "80", "--json", "--no-sockets", "--nmap-services", missing)
    if doc:
        check.that(doc["nmap"]["frequencies"] is None and "install nmap-common" in doc["nmap"]["error"],
                   f"missing nmap table in --json: {doc['nmap']}")
    for bad_table, why in ((tmp, "a directory"), (os.path.join(tmp, "garbage"), "random bytes")):
        if why == "random bytes":
            with open(bad_table, "wb") as f:
                f.write(os.urandom(200000).replace(b"\t", b"_"))
        doc, _ = run_json(check, binary, "explain", "80", "--json", "--no-sockets", "--nmap-services", bad_table)
        if doc:
            check.that(doc["nmap"]["frequencies"] is None and doc["nmap"]["error"] and "\n" not in doc["nmap"]["error"],
                       f"nmap table that is {why}: reported in one line, exit 0: {doc['nmap']}")
if os.path.exists("/usr/share/nmap/nmap-services"):
    doc, _ = run_json(check, binary, "explain", "80/tcp", "--json", "--no-sockets")
    if doc:
        f = doc["nmap"]["frequencies"]
        check.that(len(f) == 1 and f[0]["name"] == "http" and f[0]["frequency"] > 0.1 and f[0]["rank"] <= 3,
                   f"real nmap-services: 80/tcp is http, among the most often open: {f}")
else:
    print("NOTE: real nmap-services part not run: /usr/share/nmap/nmap-services missing (install nmap-common)")

# Bad ports stay exit 2 with one line.
for bad in ("70000", "65536", "-1", "abc", "80/sctp", "1e3", ""):
    t = run(binary, "explain", bad)
    check.equal(t.returncode, 2, f"explain {bad!r}: exit 2")
    check.equal(len(t.stderr.strip().splitlines()), 1, f"explain {bad!r}: one line on stderr")

client.close()
server_side.close()
listener.close()
check.done()
