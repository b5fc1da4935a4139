# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass profile -i` on real traffic between network namespaces the test
creates (and deletes); needs root, skips otherwise. Nothing runs in the
machine's own network namespace: the veth pairs are made inside the
server's namespace with their peers moved straight into the clients'.

  client ns C1 (range 49152-65535, TTL 128) --vC1-- server ns S (labnet server)
  client ns C2 (Linux defaults)             --vC2--

- `portclass profile --netns S -i vC1 -i vC2 -o F --every 1s --json` and one
  tcpdump per link in S capture the lab's client traffic (labnet.py, TCP
  and UDP, bounded); the snapshot read mid-run is valid JSON; SIGTERM ends
  the run with exit 0 and a complete final JSON; its verdicts (and host
  profiles) equal those of the tcpdump files profiled; kernel drops are in
  the JSON and the summary;
- a filter that matches nothing: an empty, valid report; --count N stops
  after N packets; --duration stops by itself;
- a missing interface or namespace: one line, exit 2; no permission (run as
  nobody): one line naming the interface, exit 3.
"""
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from clitest import Check, args, skip

binary, source = args()
if os.geteuid() != 0:
    skip("needs root to create network namespaces and capture (ip netns add, CAP_NET_RAW)")
for tool in ("ip", "tcpdump"):
    if not shutil.which(tool):
        skip(f"{tool} not found")
labnet = os.path.join(source, "samples", "lab", "labnet.py")
check = Check("profile (live)")
prefix = f"pclive{os.getpid()}"
server_ns, clients = f"{prefix}-s", [(f"{prefix}-c1", "vC1", 1, "49152 65535", 128), (f"{prefix}-c2", "vC2", 2, None, None)]
started = []  # every process this test starts, ended by pid


def ip(*a):
    return subprocess.run(["ip", *a], check=True, capture_output=True, text=True)


def in_ns(ns, *command, **kw):
    return subprocess.Popen(["ip", "netns", "exec", ns, *command], **kw)


def cleanup():
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)
    for ns in [server_ns, *[c[0] for c in clients]]:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def wait_for(predicate, seconds, what):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    check.that(False, f"timed out waiting for {what}")
    return False


def load(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        check.that(False, f"{what}: not a complete JSON document ({e})")
        return None


def timeless(value):
    """A profile without its first_time/last_time: two sockets (portclass's and
    tcpdump's) stamp the same packet a few microseconds apart."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if not k.endswith("_time")}
    return value


def verdicts(doc):
    return {a: (v["os"], v["verdict"], v["range"], sorted(f["kind"] for f in v["findings"]))
            for a, v in doc["analysis"].items()}


work = tempfile.mkdtemp(prefix="pclive.")
os.chmod(work, 0o755)
try:
    try:
        ip("netns", "add", server_ns)
        for ns, veth, n, port_range, ttl in clients:
            ip("netns", "add", ns)
            ip("-n", server_ns, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
            ip("-n", server_ns, "addr", "add", f"10.79.{n}.1/24", "dev", veth)
            ip("-n", server_ns, "addr", "add", f"fd79:{n}::1/64", "dev", veth, "nodad")
            ip("-n", ns, "addr", "add", f"10.79.{n}.2/24", "dev", "eth0")
            ip("-n", ns, "addr", "add", f"fd79:{n}::2/64", "dev", "eth0", "nodad")
            for where, dev in ((server_ns, veth), (ns, "eth0"), (ns, "lo")):
                ip("-n", where, "link", "set", dev, "up")
            if port_range:
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv4.ip_local_port_range={port_range}"], check=True)
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv4.ip_default_ttl={ttl}"], check=True)
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv6.conf.all.hop_limit={ttl}"], check=True)
        ip("-n", server_ns, "link", "set", "lo", "up")
    except subprocess.CalledProcessError as e:
        cleanup()
        skip(f"cannot build the namespaces here: {e.stderr.strip() if e.stderr else e}")

    # ------------------------------------------------------------ bad input first (no traffic needed)
    r = subprocess.run([binary, "profile", "--netns", server_ns, "-i", "nosuch0"], capture_output=True, text=True, timeout=30)
    check.that(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "nosuch0" in r.stderr,
               f"a missing interface: exit 2, one line naming it ({r.returncode}: {r.stderr.strip()})")
    never = os.path.join(work, "never.json")
    r = subprocess.run([binary, "profile", "--netns", server_ns, "-i", "nosuch0", "-o", never, "--every", "1s"],
                       capture_output=True, text=True, timeout=30)
    check.that(r.returncode == 2 and not os.path.exists(never),
               "a missing interface with -o --every: exit 2 and no report written")
    r = subprocess.run([binary, "profile", "--netns", f"{prefix}-none", "-i", "eth0"], capture_output=True, text=True, timeout=30)
    check.that(r.returncode == 2 and len(r.stderr.splitlines()) == 1, f"a missing namespace: exit 2, one line ({r.stderr.strip()})")
    if shutil.which("setpriv"):
        r = subprocess.run(["ip", "netns", "exec", server_ns, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "--inh-caps=-all", binary, "profile", "-i", "vC1", "--duration", "1s"],
                           capture_output=True, text=True, timeout=30)
        check.that(r.returncode == 3 and len(r.stderr.splitlines()) == 1 and "vC1" in r.stderr and "permission" in r.stderr,
                   f"no permission: exit 3, one line naming the interface ({r.returncode}: {r.stderr.strip()})")

    # ------------------------------------------------------------ the server and the captures
    ready = os.path.join(work, "server.ready")
    server = in_ns(server_ns, sys.executable, labnet, "server", "--tcp", "80,22", "--udp", "53", "--ready-file", ready,
                   "--max-seconds", "120", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started.append(server)
    wait_for(lambda: os.path.exists(ready), 10, "the lab server")

    live_out = os.path.join(work, "live.json")
    live_err = open(os.path.join(work, "live.err"), "w")
    live = subprocess.Popen([binary, "profile", "--netns", server_ns, "-i", "vC1", "-i", "vC2", "--json", "-o", live_out,
                             "--every", "1s"], stdout=subprocess.PIPE, stderr=live_err)
    started.append(live)
    dumps = []
    for ns, veth, n, _, _ in clients:
        log = open(os.path.join(work, f"tcpdump-{veth}.log"), "w")
        p = in_ns(server_ns, "tcpdump", "-i", veth, "-n", "-s", "0", "-U", "--immediate-mode", "-Z", "root",
                  "-w", os.path.join(work, f"{veth}.pcap"), stdout=subprocess.DEVNULL, stderr=log)
        started.append(p)
        dumps.append((p, log.name))
    for p, log in dumps:
        wait_for(lambda: "listening on" in open(log).read(), 10, f"tcpdump ({log})")
    wait_for(lambda: os.path.exists(live_out), 10, "the live report's first snapshot")
    first = load(live_out, "the first snapshot")
    check.that(first is not None and first["hosts"] == {} and first["input"]["snapshot"] is True,
               "the first snapshot is an empty, valid report")

    # ------------------------------------------------------------ traffic (bounded)
    runs = []
    for ns, veth, n, _, _ in clients:
        runs.append(in_ns(ns, sys.executable, labnet, "client", "--name", veth, "--v4", f"10.79.{n}.1", "--v6", f"fd79:{n}::1",
                          "--tcp-ports", "80,22", "--tcp-count", "24", "--udp-count", "12", "--seed", str(n),
                          "--max-seconds", "40", stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        started.append(runs[-1])
    time.sleep(1.5)
    mid = load(live_out, "the snapshot read mid-run")
    check.that(mid is not None and mid["input"]["snapshot"] is True and mid["input"]["kind"] == "live",
               "mid-run: the snapshot is a complete JSON document marked as a snapshot")
    for p in runs:
        out, _ = p.communicate(timeout=60)
        check.equal(p.returncode, 0, f"lab client: {out.decode().strip()[:200]}")
    time.sleep(0.7)  # the last FIN/ACKs
    live.send_signal(signal.SIGTERM)
    stdout, _ = live.communicate(timeout=20)
    live_err.close()
    err = open(live_err.name).read()
    check.equal(live.returncode, 0, f"SIGTERM: exit 0 (stderr: {err.strip()})")
    check.equal(stdout, b"", "with -o nothing goes to stdout")
    check.equal(err, "", "nothing on stderr when it is not a terminal")
    for p, _ in dumps:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=20)
    final = load(live_out, "the final report after SIGTERM")
    check.equal(sorted(os.listdir(work)), sorted(["server.ready", "live.json", "live.err", "vC1.pcap", "vC2.pcap",
                                                  "tcpdump-vC1.log", "tcpdump-vC2.log"]),
                "no temporary report left behind")

    files = [os.path.join(work, f"{c[1]}.pcap") for c in clients]
    r = subprocess.run([binary, "profile", "--json", *files], capture_output=True, text=True, timeout=60)
    check.equal(r.returncode, 0, f"profile of the tcpdump files ({r.stderr.strip()})")
    recorded = json.loads(r.stdout) if r.returncode == 0 else None
    if final and recorded:
        check.equal(final["input"]["snapshot"], False, "the final report is not a snapshot")
        counters = final["input"]["counters"]
        for key in ("kernel_dropped", "interface_dropped", "received"):
            check.that(key in counters, f"input.counters.{key} in the live JSON")
        check.equal(counters["kernel_dropped"], 0, "no kernel drops at this rate")
        check.equal(final["input"]["files"], ["vC1", "vC2"], "the interfaces named")
        check.equal(final["input"]["netns"], server_ns, "the namespace named")
        check.that(len(final["hosts"]) >= 4, f"the clients and the server seen live ({sorted(final['hosts'])})")
        check.equal(verdicts(final), verdicts(recorded), "live verdicts equal the captured files' verdicts")
        check.that(timeless(final["hosts"]) == timeless(recorded["hosts"]),
                   "live host profiles equal the captured files' profiles (times aside)")
        check.equal(counters["tcp_udp"], recorded["input"]["counters"]["tcp_udp"], "the same TCP/UDP packets")
        c1 = final["analysis"].get("10.79.1.2", {})
        print(f"live: {counters['packets']} packets, {len(final['hosts'])} hosts; 10.79.1.2 (49152-65535, TTL 128): "
              f"{c1.get('os')} {c1.get('range')}")
        text = subprocess.run([binary, "profile", "--merge", live_out], capture_output=True, text=True).stdout
        check.that("merged" in text, "the live report merges like any profile document")

    # ------------------------------------------------------------ filter, count, duration, text
    def traffic(n=1):
        p = in_ns(clients[0][0], sys.executable, labnet, "client", "--name", "extra", "--v4", "10.79.1.1", "--v6", "fd79:1::1",
                  "--tcp-ports", "80", "--tcp-count", "6", "--udp-count", "2", "--seed", "9", "--max-seconds", "20",
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(p)
        return p

    nothing = subprocess.Popen([binary, "profile", "--netns", server_ns, "-i", "vC1", "--filter", "tcp port 9", "--duration", "3s",
                                "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started.append(nothing)
    time.sleep(0.5)
    traffic().wait(timeout=30)
    out, err = nothing.communicate(timeout=30)
    check.equal(nothing.returncode, 0, f"a filter that matches nothing, --duration 3s: exit 0 ({err.decode().strip()})")
    try:
        doc = json.loads(out)
        check.that(doc["hosts"] == {} and doc["analysis"] == {} and doc["input"]["filter"] == "tcp port 9",
                   "a filter that matches nothing: an empty, valid report")
    except json.JSONDecodeError as e:
        check.that(False, f"a filter that matches nothing: invalid JSON ({e})")

    counted = subprocess.Popen([binary, "profile", "--netns", server_ns, "-i", "vC1", "--count", "10", "--duration", "20s", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started.append(counted)
    time.sleep(0.5)
    traffic().wait(timeout=30)
    out, err = counted.communicate(timeout=30)
    doc = json.loads(out) if counted.returncode == 0 else {"input": {"counters": {}}}
    check.equal(doc["input"]["counters"].get("packets"), 10, f"--count 10 stops after 10 packets ({err.decode().strip()})")

    texty = subprocess.Popen([binary, "profile", "--netns", server_ns, "-i", "vC1", "--duration", "2s", "--max-hosts", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started.append(texty)
    time.sleep(0.3)
    traffic().wait(timeout=30)
    out, err = texty.communicate(timeout=30)
    check.that(texty.returncode == 0 and out.startswith("live on vC1:") and "kernel drops: 0" in out,
               f"the text report names the interface and the kernel drops ({out.splitlines()[:2]})")
    check.that("host table capped at 2:" in out, "live --max-hosts: the cap and the evictions in the summary")

    # On a terminal: the table, redrawn, then erased; SIGINT stops like SIGTERM.
    master, slave = pty.openpty()
    tabled = subprocess.Popen([binary, "profile", "--netns", server_ns, "-i", "vC1", "--json"],
                              stdout=subprocess.PIPE, stderr=slave)
    started.append(tabled)
    os.close(slave)
    time.sleep(0.3)
    traffic().wait(timeout=30)
    time.sleep(1.2)
    tabled.send_signal(signal.SIGINT)
    out, _ = tabled.communicate(timeout=20)
    drawn = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    check.equal(tabled.returncode, 0, "SIGINT: exit 0")
    check.that(b"live on vC1" in drawn and b"10.79.1.2" in drawn and b"windows" in drawn,
               f"on a terminal, the live table shows the hosts and verdicts ({drawn[:200]!r})")
    check.that(drawn.count(b"live on vC1") >= 2, "the table is redrawn about once a second")
    check.that(drawn.endswith(b"\x1b[J"), "the table is erased before the report")
    try:
        check.that(len(json.loads(out)["hosts"]) >= 2, "after SIGINT the report on stdout is complete")
    except json.JSONDecodeError as e:
        check.that(False, f"after SIGINT: invalid JSON ({e})")
finally:
    cleanup()
    shutil.rmtree(work, ignore_errors=True)

check.done()
