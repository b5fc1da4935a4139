#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Real traffic through portclass-nft rulesets, in throw-away namespaces.

Host mode, for each lab OS range (the client namespace's own
ip_local_port_range is set to it and the ruleset is generated from the live
range): a client and a server namespace linked by veth, IPv4 and IPv6, TCP and
UDP.
  - connections the client opens work (and use ports inside the range);
  - an unsolicited connection/datagram to a client port inside its ephemeral
    range is dropped;
  - a reply to a source port outside the range is dropped.
Each "dropped" check first runs without the ruleset, where it must succeed:
a check that cannot fail proves nothing.

Stateless variant (linux range): TCP keeps both guarantees; an unsolicited UDP
datagram to an ephemeral port gets in, the risk the docs describe.

Gateway mode: a router namespace protects two subnets with different ranges
(Windows 49152-65535 and Windows XP 1025-5000) at once.

Every ruleset applied first passes `nft -c -f` and `portclass-nft check`.

Never touches the root namespace. Needs root; exits 77 (CTest skip) otherwise.
Usage: traffic.py PORTCLASS_NFT_BINARY [--only NAME]
"""
import os
import select
import socket
import subprocess
import sys
import time

PY = sys.executable
SELF = os.path.abspath(__file__)
DROP_WAIT = 1.0  # seconds a dropped packet is waited for

LAB = [  # name, range (the lab's OS ranges), a port outside it
    ("linux", (32768, 60999), 20000),
    ("windows", (49152, 65535), 40000),
    ("winxp", (1025, 5000), 6000),
    ("macos", (49152, 65535), 30000),
    ("freebsd", (10000, 65535), 5000),
]
TCP_PORT, UDP_PORT = 7000, 7001


# ---------------------------------------------------------------- tool mode
# `traffic.py --tool ...` runs inside a namespace (ip netns exec).

def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tool_serve():
    """Echo server: TCP 7000 and UDP 7001 on IPv4 and IPv6, until killed."""
    socks = []
    for fam, any_addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        t.bind((any_addr, TCP_PORT))
        t.listen(64)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        u.bind((any_addr, UDP_PORT))
        socks += [t, u]
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select(socks, [], [])
        for s in readable:
            if s.type == socket.SOCK_STREAM:
                conn, _ = s.accept()
                conn.settimeout(2)
                try:
                    data = conn.recv(100)
                    conn.sendall(data)
                except OSError:
                    pass
                conn.close()
            else:
                data, peer = s.recvfrom(100)
                s.sendto(data, peer)


def tool_client(proto, host, port, bind_port, timeout):
    """One exchange with the echo server. Exit 0 on an answer, 1 on none.
    Prints the local port used."""
    fam = family_of(host)
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.settimeout(timeout)
    if bind_port:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", bind_port))
    try:
        if proto == "tcp":
            s.connect((host, port))
            print(s.getsockname()[1], flush=True)
            s.sendall(b"ping")
            ok = s.recv(10) == b"ping"
        else:
            s.connect((host, port))
            print(s.getsockname()[1], flush=True)
            s.send(b"ping")
            ok = s.recv(10) == b"ping"
    except OSError:
        ok = False
    s.close()
    return 0 if ok else 1


def tool_listen(proto, family, port, timeout):
    """Waits for one unsolicited connection or datagram. Exit 0 if one came."""
    fam = socket.AF_INET6 if family == "6" else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", port))
    if proto == "tcp":
        s.listen(4)
    print("ready", flush=True)
    readable, _, _ = select.select([s], [], [], timeout)
    return 0 if readable else 1


def tool_send(proto, host, port, timeout):
    """Unsolicited: a TCP connect or a UDP datagram to host:port."""
    fam = family_of(host)
    if proto == "tcp":
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect((host, port))
            return 0
        except OSError:
            return 1
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for _ in range(3):
        s.sendto(b"unsolicited", (host, port))
        time.sleep(0.05)
    return 0


def tool_main(argv):
    cmd = argv[0]
    if cmd == "serve":
        tool_serve()
    elif cmd == "client":
        sys.exit(tool_client(argv[1], argv[2], int(argv[3]), int(argv[4]), float(argv[5])))
    elif cmd == "listen":
        sys.exit(tool_listen(argv[1], argv[2], int(argv[3]), float(argv[4])))
    elif cmd == "send":
        sys.exit(tool_send(argv[1], argv[2], int(argv[3]), float(argv[4])))
    sys.exit(2)


# ------------------------------------------------------------ orchestration

class Lab:
    """Namespaces of one scenario; all removed at the end, whatever happens."""

    def __init__(self, tag):
        self.prefix = "pcnt%d%s" % (os.getpid(), tag)
        self.namespaces = []
        self.processes = []

    def ns(self, name):
        full = self.prefix + name
        run(["ip", "netns", "add", full])
        self.namespaces.append(full)
        run(["ip", "-n", full, "link", "set", "lo", "up"])
        return full

    def background(self, ns, args):
        p = subprocess.Popen(["ip", "netns", "exec", ns, PY, SELF, "--tool"] + args,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.processes.append(p)
        line = p.stdout.readline()  # "ready"
        if line.strip() != "ready":
            raise RuntimeError("helper in %s did not start: %r" % (ns, line))
        return p

    def close(self):
        for p in self.processes:
            if p.poll() is None:
                p.kill()
            p.wait()
        for n in self.namespaces:
            subprocess.run(["ip", "netns", "del", n], stderr=subprocess.DEVNULL)


def run(args, check=True, timeout=30):
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r


def tool(ns, args, timeout=10):
    return subprocess.run(["ip", "netns", "exec", ns, PY, SELF, "--tool"] + args,
                          capture_output=True, text=True, timeout=timeout)


def link(a, b, a_if, b_if, a_addrs, b_addrs):
    run(["ip", "-n", a, "link", "add", a_if, "type", "veth", "peer", "name", b_if, "netns", b])
    for ns, ifname, addrs in ((a, a_if, a_addrs), (b, b_if, b_addrs)):
        for addr in addrs:
            extra = ["nodad"] if ":" in addr else []
            run(["ip", "-n", ns, "addr", "add", addr, "dev", ifname] + extra)
        run(["ip", "-n", ns, "link", "set", ifname, "up"])


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def expect(self, what, ok):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
        print(("  ok   " if ok else "  FAIL ") + what, flush=True)


def exchange(ns, proto, host, bind=0, timeout=2.0):
    r = tool(ns, ["client", proto, host, str(TCP_PORT if proto == "tcp" else UDP_PORT), str(bind), str(timeout)])
    port = int(r.stdout.split()[0]) if r.stdout.split() else -1
    return r.returncode == 0, port


def unsolicited_arrives(lab, target_ns, sender_ns, proto, family, target_addr, port):
    listener = lab.background(target_ns, ["listen", proto, family, str(port), str(DROP_WAIT + 0.5)])
    tool(sender_ns, ["send", proto, target_addr, str(port), str(DROP_WAIT)])
    return listener.wait(timeout=10) == 0


def apply(binary, ns, args, checks):
    """Every ruleset used here first passes `nft -c -f` and the helper's own check."""
    script = run([binary, "generate", "--netns", ns] + args).stdout
    nft_check = subprocess.run(["ip", "netns", "exec", ns, "nft", "-c", "-f", "-"], input=script,
                               capture_output=True, text=True, timeout=30)
    checks.expect("nft -c -f accepts the generated ruleset (%s)" % " ".join(args or ["host"]),
                  nft_check.returncode == 0)
    own = run([binary, "check", "--netns", ns] + args, check=False)
    checks.expect("portclass-nft check accepts it", own.returncode == 0)
    r = run([binary, "apply", "--netns", ns] + args, check=False)
    if r.returncode != 0:
        raise RuntimeError("portclass-nft apply failed: " + r.stderr.strip())


def host_scenario(binary, name, port_range, outside, index, checks):
    lab = Lab("h%d" % index)
    try:
        client, server = lab.ns("c"), lab.ns("s")
        link(client, server, "c0", "s0", ["10.99.%d.2/24" % index, "fd99:%d::2/64" % index],
             ["10.99.%d.1/24" % index, "fd99:%d::1/64" % index])
        run(["ip", "netns", "exec", client, "sysctl", "-qw",
             "net.ipv4.ip_local_port_range=%d %d" % port_range])
        lab.background(server, ["serve"])
        servers = {"4": "10.99.%d.1" % index, "6": "fd99:%d::1" % index}
        clients = {"4": "10.99.%d.2" % index, "6": "fd99:%d::2" % index}
        inside = port_range[0] + 7
        print("host mode, %s (%d-%d):" % (name, port_range[0], port_range[1]), flush=True)
        for fam in "46":  # neighbour discovery settles before the timed checks
            exchange(client, "tcp", servers[fam], timeout=5.0)

        # Without the ruleset every probe gets through.
        for fam in "46":
            for proto in ("tcp", "udp"):
                checks.expect("%s: control: unsolicited %s/IPv%s to client port %d arrives" % (name, proto, fam, inside),
                              unsolicited_arrives(lab, client, server, proto, fam, clients[fam], inside))
                ok, _ = exchange(client, proto, servers[fam], bind=outside)
                checks.expect("%s: control: %s/IPv%s from port %d (outside the range) works" % (name, proto, fam, outside), ok)

        apply(binary, client, [], checks)  # host mode, the live range of the client namespace
        listed = run(["ip", "netns", "exec", client, "nft", "list", "set", "inet", "portclass", "ephemeral"]).stdout
        checks.expect("%s: ruleset made from the live range %d-%d" % (name, *port_range),
                      ("%d-%d" % port_range) in listed)
        run(["ip", "-n", client, "neigh", "flush", "all"])  # IPv6 must rediscover through the ruleset

        for fam in "46":
            for proto in ("tcp", "udp"):
                results = [exchange(client, proto, servers[fam]) for _ in range(3)]
                ok = all(r[0] for r in results)
                in_range = all(port_range[0] <= r[1] <= port_range[1] for r in results)
                checks.expect("%s: %s/IPv%s connections the client opens work, from ports %s" %
                              (name, proto, fam, ",".join(str(r[1]) for r in results)), ok and in_range)
                checks.expect("%s: unsolicited %s/IPv%s to client port %d (inside its range) is dropped" %
                              (name, proto, fam, inside),
                              not unsolicited_arrives(lab, client, server, proto, fam, clients[fam], inside))
                ok, _ = exchange(client, proto, servers[fam], bind=outside, timeout=DROP_WAIT)
                checks.expect("%s: %s/IPv%s reply to port %d (outside the range) is dropped" %
                              (name, proto, fam, outside), not ok)
        if name == "linux":
            stateless_checks(binary, lab, client, server, clients, servers, name, port_range, inside, outside, checks)
    finally:
        lab.close()


def stateless_checks(binary, lab, client, server, clients, servers, name, port_range, inside, outside, checks):
    """--stateless: the same guarantees for TCP; for UDP the documented risk
    is real (an unsolicited datagram to an ephemeral port gets in)."""
    apply(binary, client, ["--stateless"], checks)
    run(["ip", "-n", client, "neigh", "flush", "all"])
    for fam in "46":
        for proto in ("tcp", "udp"):
            ok, port = exchange(client, proto, servers[fam])
            checks.expect("%s stateless: %s/IPv%s connection works (port %d)" % (name, proto, fam, port),
                          ok and port_range[0] <= port <= port_range[1])
            ok, _ = exchange(client, proto, servers[fam], bind=outside, timeout=DROP_WAIT)
            checks.expect("%s stateless: %s/IPv%s reply to port %d (outside the range) is dropped" %
                          (name, proto, fam, outside), not ok)
        checks.expect("%s stateless: unsolicited tcp/IPv%s connection to port %d is dropped (SYN without ACK)" %
                      (name, fam, inside),
                      not unsolicited_arrives(lab, client, server, "tcp", fam, clients[fam], inside))
        checks.expect("%s stateless: unsolicited udp/IPv%s datagram to port %d gets in (the documented risk)" %
                      (name, fam, inside),
                      unsolicited_arrives(lab, client, server, "udp", fam, clients[fam], inside))


def gateway_scenario(binary, checks):
    lab = Lab("gw")
    try:
        router, a, b, server = lab.ns("r"), lab.ns("a"), lab.ns("b"), lab.ns("s")
        link(router, a, "ra", "a0", ["10.98.1.1/24", "fd98:1::1/64"], ["10.98.1.2/24", "fd98:1::2/64"])
        link(router, b, "rb", "b0", ["10.98.2.1/24", "fd98:2::1/64"], ["10.98.2.2/24", "fd98:2::2/64"])
        link(router, server, "rs", "s0", ["10.98.9.1/24", "fd98:9::1/64"], ["10.98.9.2/24", "fd98:9::2/64"])
        run(["ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1",
             "net.ipv6.conf.all.forwarding=1"])
        for ns, n in ((a, 1), (b, 2), (server, 9)):
            run(["ip", "-n", ns, "route", "add", "default", "via", "10.98.%d.1" % n])
            run(["ip", "-n", ns, "-6", "route", "add", "default", "via", "fd98:%d::1" % n])
        run(["ip", "netns", "exec", a, "sysctl", "-qw", "net.ipv4.ip_local_port_range=49152 65535"])
        run(["ip", "netns", "exec", b, "sysctl", "-qw", "net.ipv4.ip_local_port_range=1025 5000"])
        lab.background(server, ["serve"])
        srv = {"4": "10.98.9.2", "6": "fd98:9::2"}
        hosts = {a: {"4": "10.98.1.2", "6": "fd98:1::2"}, b: {"4": "10.98.2.2", "6": "fd98:2::2"}}
        names = {a: "subnet A (windows 49152-65535)", b: "subnet B (winxp 1025-5000)"}
        inside = {a: 50007, b: 2007}
        foreign = {a: 2000, b: 50000}  # each subnet binding a port of the other's range
        print("gateway mode: router protecting two subnets with different ranges:", flush=True)
        # First packets through the router wait for neighbour discovery and
        # link-local DAD; one generous exchange per path settles that.
        for ns in (a, b):
            for fam in "46":
                exchange(ns, "tcp", srv[fam], timeout=5.0)

        for ns in (a, b):
            for fam in "46":
                checks.expect("gateway control: %s %s unsolicited tcp/IPv%s arrives" % (names[ns], inside[ns], fam),
                              unsolicited_arrives(lab, ns, server, "tcp", fam, hosts[ns][fam], inside[ns]))
                ok, _ = exchange(ns, "tcp", srv[fam], bind=foreign[ns])
                checks.expect("gateway control: %s tcp/IPv%s from port %d works" % (names[ns], fam, foreign[ns]), ok)

        apply(binary, router, ["--mode", "gateway",
                               "--subnet", "10.98.1.0/24=windows", "--subnet", "fd98:1::/64=windows",
                               "--subnet", "10.98.2.0/24=windows-xp", "--subnet", "fd98:2::/64=windows-xp"], checks)
        for ns in (a, b):
            for fam in "46":
                for proto in ("tcp", "udp"):
                    ok, port = exchange(ns, proto, srv[fam])
                    checks.expect("gateway: %s %s/IPv%s connection through the router works (port %d)" %
                                  (names[ns], proto, fam, port), ok)
                    checks.expect("gateway: %s unsolicited %s/IPv%s to port %d is dropped" %
                                  (names[ns], proto, fam, inside[ns]),
                                  not unsolicited_arrives(lab, ns, server, proto, fam, hosts[ns][fam], inside[ns]))
                    ok, _ = exchange(ns, proto, srv[fam], bind=foreign[ns], timeout=DROP_WAIT)
                    checks.expect("gateway: %s %s/IPv%s reply to port %d (the other subnet's range) is dropped" %
                                  (names[ns], proto, fam, foreign[ns]), not ok)
    finally:
        lab.close()


def main(argv):
    if len(argv) >= 1 and argv[0] == "--tool":
        tool_main(argv[1:])
        return 0
    if len(argv) < 1:
        print(__doc__)
        return 2
    binary = argv[0]
    only = argv[2] if len(argv) > 2 and argv[1] == "--only" else None
    if os.geteuid() != 0:
        print("SKIP: needs root to create network namespaces")
        return 77
    probe = "pcnt%dprobe" % os.getpid()
    if subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode != 0:
        print("SKIP: cannot create network namespaces here")
        return 77
    subprocess.run(["ip", "netns", "del", probe])

    checks = Checks()
    started = time.time()
    for index, (name, port_range, outside) in enumerate(LAB, start=1):
        if only in (None, name):
            host_scenario(binary, name, port_range, outside, index, checks)
    if only in (None, "gateway"):
        gateway_scenario(binary, checks)
    print("%d checks passed, %d failed in %.0f s" % (checks.passed, len(checks.failed), time.time() - started))
    for f in checks.failed:
        print("FAILED: " + f)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
