# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass profile` through tunnels and link layers, against tshark.

Kernel part (needs root): two network namespaces joined by a veth pair, and
over it the kernel's own tunnels (gre, gretap, erspan v1/v2, vxlan, geneve,
ipip, sit, ip6tnl 4in6 and 6in6, ip6gre), each with inner addresses of its
own. A few TCP connections go through each tunnel inside the namespaces while
tcpdump captures the underlay. Crafted part: captures of what the kernel
cannot make here (tests/cli/tunnel_frames.py: PPPoE, GTP-U, Teredo, AYIYA,
NFLOG, Cisco HDLC, ARCNET, 802.11 behind radiotap / PPI / Prism, MPLS, ...).

Each capture is checked the same way: the hosts `portclass profile --json`
reports, and the TCP/UDP ports of each, are exactly those of the innermost IP
and TCP/UDP headers tshark reports for the same packets (ICMP-quoted headers
left out: portclass skips them on purpose); SYNs show up as signatures.

Without root the kernel part is skipped (exit 77 with the reason);
PORTCLASS_TUNNELS=crafted runs only the crafted part (no root needed). Nothing
is created in the root namespace; only processes this test starts are ended.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Check, args, run, skip  # noqa: E402
import tunnel_frames  # noqa: E402

binary, source = args()
crafted_only = os.environ.get("PORTCLASS_TUNNELS") == "crafted"
if not shutil.which("tshark"):
    skip("tshark not found (package tshark)")
if not crafted_only:
    if os.geteuid() != 0:
        skip("needs root to create network namespaces and tunnels (ip netns add); "
             "PORTCLASS_TUNNELS=crafted runs the crafted captures alone")
    for tool in ("ip", "tcpdump"):
        if not shutil.which(tool):
            skip(f"{tool} not found (packages iproute2, tcpdump)")

check = Check("tunnels")
work = tempfile.mkdtemp(prefix="pctunnels")
os.chmod(work, 0o755)

# ------------------------------------------------------------------ what each tool sees

TUNNEL_NAMES = {"gre", "erspan", "vxlan", "geneve", "gtp", "teredo", "ayiya"}
FIELDS = ["frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "tcp.flags.syn"]


def tshark_view(capture):
    """Of the innermost IP and TCP/UDP headers: {address: {"tcp": ports, "udp": ports}} of the ports each
    address sent from, the same of every port each address sent from or received on, and the protocol chains."""
    r = subprocess.run(["tshark", "-n", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
                        "-E", "aggregator=,"] + [a for f in FIELDS for a in ("-e", f)],
                       capture_output=True, text=True, timeout=120)
    check.equal(r.returncode, 0, f"tshark reads {os.path.basename(capture)} ({r.stderr.strip()[:200]})")
    sent, seen, chains = {}, {}, set()
    for line in r.stdout.splitlines():
        values = dict(zip(FIELDS, line.split("\t") + [""] * len(FIELDS)))
        layers = values["frame.protocols"].split(":")
        chains.add(values["frame.protocols"])
        if "icmp" in layers or "icmpv6" in layers:
            continue
        ips = [i for i, name in enumerate(layers) if name in ("ip", "ipv6")]
        if not ips:
            continue
        inner = ips[-1]
        transports = [name for name in layers[inner + 1:] if name in ("tcp", "udp")]
        # A tunnel carrying no IP (ARP through VXLAN) has no inner packet: portclass observes nothing of it.
        if not transports or TUNNEL_NAMES & set(layers[inner + 1:]):
            continue
        family, transport = layers[inner], transports[0]
        last = lambda field: values[field].split(",")[-1]  # noqa: E731
        src, dst = last(f"{family}.src"), last(f"{family}.dst")
        sport, dport = int(last(f"{transport}.srcport")), int(last(f"{transport}.dstport"))
        sent.setdefault(src, {"tcp": set(), "udp": set()})[transport].add(sport)
        for address, port in ((src, sport), (dst, dport)):
            seen.setdefault(address, {"tcp": set(), "udp": set()})[transport].add(port)
    return sent, seen, chains


def ports_of(text):
    out = set()
    for item in filter(None, text.split(",")):
        first, _, last = item.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return out


def portclass_view(capture):
    r = run(binary, "profile", "--json", "--p0f-db", "none", capture)
    check.equal(r.returncode, 0, f"portclass profile {os.path.basename(capture)} ({r.stderr.strip()[:200]})")
    try:
        doc = json.loads(r.stdout)
    except json.JSONDecodeError:
        check.that(False, f"portclass profile --json {capture}: invalid JSON")
        return {}, {}, {}
    hosts, signatures = {}, {}
    for address, h in doc.get("hosts", {}).items():
        hosts[address] = {t: ports_of(h["transports"][t]["client_ports"]) | ports_of(h["transports"][t]["server_ports"])
                          for t in ("tcp", "udp")}
        signatures[address] = h.get("signatures", {})
    return hosts, signatures, doc.get("input", {}).get("counters", {})


def compare(name, capture):
    """portclass and tshark agree on the capture's hosts and their ports. A
    profile holds every host that sent a packet, with the port it sent from,
    and no address or port tshark does not see; a receiver's port counts when
    the receiver is the client (portclass/host_directory.hpp)."""
    sent, seen, _ = tshark_view(capture)
    got, signatures, counters = portclass_view(capture)
    check.that(bool(sent), f"{name}: tshark sees TCP/UDP hosts in the capture")
    check.that(set(sent) <= set(got), f"{name}: every sender profiled: missing {sorted(set(sent) - set(got))}")
    check.that(set(got) <= set(seen), f"{name}: no host tshark does not see: {sorted(set(got) - set(seen))}")
    for address in sorted(got):
        for t in ("tcp", "udp"):
            mine, theirs = got[address][t], seen.get(address, {}).get(t, set())
            check.that(mine <= theirs, f"{name}: {address} {t} ports {sorted(mine - theirs)} not in tshark's")
            own = sent.get(address, {}).get(t, set())
            check.that(own <= mine, f"{name}: {address} {t} ports it sent from, missing {sorted(own - mine)}")
    want = {a: {t: sent.get(a, {}).get(t, set()) | got.get(a, {}).get(t, set()) for t in ("tcp", "udp")} for a in got}
    check.equal(counters.get("malformed"), 0, f"{name}: nothing counted malformed")
    return want, got, signatures


# ------------------------------------------------------------------ crafted captures

crafted = 0
for name, linktype, frames in tunnel_frames.cases():
    path = os.path.join(work, f"{name}.pcap")
    tunnel_frames.write(path, linktype, frames)
    hosts, _, signatures = compare(f"crafted {name}", path)
    check.equal(len(hosts), 2, f"crafted {name}: one client and one server")
    clients = [a for a, h in hosts.items() if any(40000 <= p < 40100 for p in h["tcp"])]
    check.equal(len(clients), 1, f"crafted {name}: the client")
    for client in clients:
        check.that(bool(signatures.get(client, {}).get("syn")), f"crafted {name}: {client}'s SYN signature recorded")
    crafted += 1
print(f"crafted captures: {crafted}")

if crafted_only:
    shutil.rmtree(work, ignore_errors=True)
    check.done()

# ------------------------------------------------------------------ kernel tunnels

pid = os.getpid()
NS_A, NS_B = f"pctunA{pid}", f"pctunB{pid}"
UNDER_A4, UNDER_B4, UNDER_A6, UNDER_B6 = "10.99.0.1", "10.99.0.2", "fd99::1", "fd99::2"
CONNECTIONS, PORT = 3, 8080

# name, kernel module, `ip link add` arguments (without name), underlay family, inner family, tshark
# protocols to expect. Loading ip_gre, ipip, sit, ip6_tunnel or ip6_gre creates fallback devices (gre0,
# tunl0, ...) in every namespace, the root one too: those types are only tried when their module is
# already loaded or built in, never loaded by this test.
TUNNELS = [
    ("gre", "ip_gre", ["type", "gre", "local", "{la}", "remote", "{ra}", "ttl", "64"], 4, 4, "gre:ip:tcp"),
    ("gretap", "ip_gre", ["type", "gretap", "local", "{la}", "remote", "{ra}"], 4, 4, "gre:eth:ethertype:ip:tcp"),
    ("erspan1", "ip_gre", ["type", "erspan", "local", "{la}", "remote", "{ra}", "seq", "key", "11", "erspan_ver",
                           "1", "erspan", "123"], 4, 4, "erspan:eth"),
    ("erspan2", "ip_gre", ["type", "erspan", "local", "{la}", "remote", "{ra}", "seq", "key", "12", "erspan_ver",
                           "2", "erspan_dir", "ingress", "erspan_hwid", "7"], 4, 4, "erspan:eth"),
    ("vxlan", None, ["type", "vxlan", "id", "42", "local", "{la}", "remote", "{ra}", "dstport", "4789"], 4, 4,
     "vxlan:eth"),
    ("geneve", None, ["type", "geneve", "id", "43", "remote", "{ra}"], 4, 4, "geneve:eth"),
    ("ipip", "ipip", ["type", "ipip", "local", "{la}", "remote", "{ra}"], 4, 4, "ip:ip:tcp"),
    ("sit", "sit", ["type", "sit", "local", "{la}", "remote", "{ra}"], 4, 6, "ip:ipv6:tcp"),
    ("ip4ip6", "ip6_tunnel", ["type", "ip6tnl", "mode", "ip4ip6", "local", "{la}", "remote", "{ra}"], 6, 4,
     "ipv6:ip:tcp"),
    ("ip6ip6", "ip6_tunnel", ["type", "ip6tnl", "mode", "ip6ip6", "local", "{la}", "remote", "{ra}"], 6, 6,
     "ipv6:ipv6:tcp"),
    ("ip6gre", "ip6_gre", ["type", "ip6gre", "local", "{la}", "remote", "{ra}"], 6, 4, "ipv6:gre:ip:tcp"),
]


def module_present(module):
    if module is None or os.path.isdir(f"/sys/module/{module}"):
        return True
    try:
        with open(f"/lib/modules/{os.uname().release}/modules.builtin") as f:
            return any(line.strip().endswith(f"/{module}.ko") for line in f)
    except OSError:
        return False

SERVER = r"""
import socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
s.settimeout(30)
print("ready", flush=True)
for _ in range(int(sys.argv[3])):
    c, _ = s.accept()
    c.settimeout(5)
    c.recv(100)
    c.sendall(b"bye")
    c.close()
"""
CLIENT = r"""
import socket, sys
for _ in range(int(sys.argv[3])):
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    c.sendall(b"hi")
    c.recv(100)
    c.close()
print("done", flush=True)
"""


def sh(*argv, ns=None, timeout=30, check_rc=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(argv)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r


def inner_addresses(index, family):
    if family == 4:
        return f"10.100.{index}.1", f"10.100.{index}.2", 24
    return f"fd00:100:{index}::1", f"fd00:100:{index}::2", 64


started = []  # every process this test starts, to end them by their own handle
created_namespaces = []
try:
    for ns in (NS_A, NS_B):
        r = sh("ip", "netns", "add", ns, check_rc=False)
        if r.returncode != 0:
            skip(f"cannot create a network namespace here: {r.stderr.strip()}")
        created_namespaces.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    # The veth peer goes straight into B: the root namespace never holds it.
    sh("ip", "-n", NS_A, "link", "add", "under", "type", "veth", "peer", "name", "under", "netns", NS_B)
    for ns, a4, a6 in ((NS_A, UNDER_A4, UNDER_A6), (NS_B, UNDER_B4, UNDER_B6)):
        sh("ip", "-n", ns, "addr", "add", f"{a4}/24", "dev", "under")
        sh("ip", "-n", ns, "addr", "add", f"{a6}/64", "dev", "under", "nodad")
        sh("ip", "-n", ns, "link", "set", "under", "up")

    made = []
    for index, (name, module, template, under, inner, chain) in enumerate(TUNNELS, start=1):
        if not module_present(module):
            print(f"note: {name} needs kernel module {module}, not loaded: skipped (loading it would add "
                  "fallback devices to the root namespace)")
            continue
        ok = True
        for ns, local, remote in ((NS_A, (UNDER_A4, UNDER_A6), (UNDER_B4, UNDER_B6)),
                                  (NS_B, (UNDER_B4, UNDER_B6), (UNDER_A4, UNDER_A6))):
            la, ra = (local[0], remote[0]) if under == 4 else (local[1], remote[1])
            argv = [a.format(la=la, ra=ra) for a in template]
            r = sh("ip", "-n", ns, "link", "add", f"t{name}", *argv, check_rc=False)
            if r.returncode != 0:
                print(f"note: {name} tunnel not available here ({r.stderr.strip()}): skipped")
                ok = False
                break
        if not ok:
            continue
        a_addr, b_addr, plen = inner_addresses(index, inner)
        for ns, address in ((NS_A, a_addr), (NS_B, b_addr)):
            extra = ["nodad"] if inner == 6 else []
            sh("ip", "-n", ns, "addr", "add", f"{address}/{plen}", "dev", f"t{name}", *extra)
            sh("ip", "-n", ns, "link", "set", f"t{name}", "up")
        made.append((name, a_addr, b_addr, chain))
    if not made:
        skip("none of the kernel's tunnel types can be created here (modules missing?)")

    capture = os.path.join(work, "underlay.pcap")
    dump = subprocess.Popen(["ip", "netns", "exec", NS_B, "tcpdump", "-i", "under", "-U", "-s", "0", "-Z", "root", "-w",
                             capture], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started.append(dump)
    line = dump.stderr.readline()
    check.that("listening" in line, f"tcpdump started in the namespace: {line.strip()}")
    time.sleep(0.5)

    reached = []
    for name, a_addr, b_addr, chain in made:
        server = subprocess.Popen(["ip", "netns", "exec", NS_B, sys.executable, "-c", SERVER, b_addr, str(PORT),
                                   str(CONNECTIONS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(server)
        check.equal(server.stdout.readline().strip(), "ready", f"{name}: server listening on {b_addr}")
        client = sh(sys.executable, "-c", CLIENT, b_addr, str(PORT), str(CONNECTIONS), ns=NS_A, timeout=60,
                    check_rc=False)
        if check.equal(client.stdout.strip(), "done", f"{name}: {CONNECTIONS} connections through the tunnel "
                                                       f"({client.stderr.strip()[-200:]})"):
            reached.append((name, a_addr, b_addr, chain))
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    time.sleep(0.5)
    dump.send_signal(signal.SIGINT)
    dump.wait(timeout=10)

    _, got, signatures = compare("kernel tunnels", capture)
    for name, a_addr, b_addr, chain in reached:
        check.that(a_addr in got and b_addr in got, f"{name}: inner hosts {a_addr} and {b_addr} profiled")
        check.equal(len(got.get(b_addr, {}).get("tcp", ())), 1, f"{name}: the server's one port")
        check.equal(len(got.get(a_addr, {}).get("tcp", ())), CONNECTIONS, f"{name}: one client port per connection")
        check.that(bool(signatures.get(a_addr, {}).get("syn")), f"{name}: the client's SYN signature")
        check.that(bool(signatures.get(b_addr, {}).get("syn_ack")), f"{name}: the server's SYN+ACK signature")
    _, _, chains = tshark_view(capture)
    for name, _, _, chain in reached:
        check.that(any(chain in c for c in chains), f"{name}: tshark decodes '{chain}' in the underlay")
    for address in (UNDER_A4, UNDER_B4, UNDER_A6, UNDER_B6):
        check.that(address not in got, f"tunnel endpoint {address} is not profiled (only inner packets are)")
    print(f"kernel tunnels through the capture: {', '.join(n for n, *_ in reached)}")
finally:
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait()
    for ns in created_namespaces:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
check.done()
