# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass explain` against sockets this test opens, and against the library's data.

- a TCP listener on 127.0.0.1 and a connection to it: explain finds the
  LISTEN socket and both ends of the connection, owned by this process (pid);
- an IPv6 UDP socket on ::1: found on udp only, not when /tcp is asked;
- a port nothing uses: "nothing";
- as an unprivileged user (when run as root): the sockets are still listed,
  their owner is not (only what the caller may see);
- 60248 lies in Linux's and Windows' default ranges, 61000 is outside modern
  Linux's but inside 2.6.23-4.1's; 53/udp is "domain".
"""
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

client.close()
server_side.close()
listener.close()
check.done()
