#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""labnet.py - the two ends of portclass's sample lab (stdlib only).

  labnet.py server --tcp 80,22,50000 --udp 53 --ready-file F [--max-seconds S]
  labnet.py client --name OS --v4 ADDR --v6 ADDR [options]

The server answers small TCP requests (HTTP/1.0-like on 80, an SSH-like banner
on 22, a plain text line on any other port) and DNS-like UDP queries.  It writes
--ready-file once every socket listens and exits on SIGTERM/SIGINT or after
--max-seconds, whichever comes first.

The client makes bounded numbers of TCP connections (connect, send a few
bytes, read the reply to EOF, close) and UDP request/response exchanges, each
from a fresh socket, so the kernel of its network namespace chooses a new
ephemeral source port every time (unless --udp-sport pins the UDP port, or
--sequential-from makes the client choose, see SequentialPorts).  It prints one
JSON summary line and exits 0 only when every exchange succeeded.

Both ends are bounded in count and in time and exit by themselves.
"""

import argparse
import errno
import json
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

# --------------------------------------------------------------------------
# payloads


def dns_query(qid, name):
    """A minimal DNS query (RD set) for NAME, type A, class IN."""
    hdr = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return hdr + q + struct.pack("!HH", 1, 1)


def dns_answer(query):
    """Answer a query made by dns_query() with one A record, or None."""
    if len(query) < 17:
        return None
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qd != 1:
        return None
    # the question ends after the root label and QTYPE/QCLASS
    end = 12
    while end < len(query) and query[end] != 0:
        end += 1 + query[end]
    end += 5
    if end > len(query):
        return None
    question = query[12:end]
    hdr = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0)
    # answer: pointer to the name at offset 12, A, IN, TTL 60, 192.0.2.x
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([192, 0, 2, qid % 254 + 1])
    return hdr + question + rr


def tcp_request(port, seq, name):
    if port == 80:
        return ("GET /lab/%s/%d HTTP/1.0\r\nHost: server.lab\r\n"
                "User-Agent: labnet\r\n\r\n" % (name, seq)).encode()
    if port == 22:
        return ("SSH-2.0-labnet_%s\r\n" % name).encode()
    return ("HELLO %s %d\n" % (name, seq)).encode()


def tcp_reply(port, request):
    if port == 80:
        body = b"ok\n"
        return (b"HTTP/1.0 200 OK\r\nServer: labnet\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)) + body
    if port == 22:
        return b"SSH-2.0-labnet_server\r\n"
    return b"OK " + request[:32].strip() + b"\n"


# --------------------------------------------------------------------------
# server


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop()


def listen_sockets(tcp_ports, udp_ports):
    socks = []
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for port in tcp_ports:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            s.listen(64)
            s.setblocking(False)
            socks.append(("tcp", port, s))
        for port in udp_ports:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            s.setblocking(False)
            socks.append(("udp", port, s))
    return socks


def run_server(args):
    tcp_ports = [int(p) for p in args.tcp.split(",") if p]
    udp_ports = [int(p) for p in args.udp.split(",") if p]
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    sel = selectors.DefaultSelector()
    for kind, port, s in listen_sockets(tcp_ports, udp_ports):
        sel.register(s, selectors.EVENT_READ, (kind, port, None))
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready_file + ".tmp", args.ready_file)
    deadline = time.monotonic() + args.max_seconds
    conns = {}  # socket -> (port, opened_at, replied)
    stats = {"tcp_accepted": 0, "tcp_replied": 0, "udp_answered": 0}
    try:
        while time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.5):
                kind, port, _unused = key.data
                s = key.fileobj
                if kind == "tcp":
                    try:
                        c, _peer = s.accept()
                    except (BlockingIOError, InterruptedError):
                        continue
                    c.setblocking(False)
                    conns[c] = [port, time.monotonic(), False]
                    sel.register(c, selectors.EVENT_READ, ("conn", port, None))
                    stats["tcp_accepted"] += 1
                elif kind == "udp":
                    try:
                        data, peer = s.recvfrom(2048)
                    except (BlockingIOError, InterruptedError):
                        continue
                    ans = dns_answer(data) if port == 53 else data
                    if ans:
                        s.sendto(ans, peer)
                        stats["udp_answered"] += 1
                else:  # an accepted connection
                    try:
                        data = s.recv(4096)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        data = b""
                    st = conns[s]
                    if data and not st[2]:
                        # Small reply: fits the socket buffer at once.
                        try:
                            s.sendall(tcp_reply(port, data))
                            s.shutdown(socket.SHUT_WR)  # HTTP/1.0 style: server FIN
                            st[2] = True
                            stats["tcp_replied"] += 1
                        except OSError:
                            data = b""
                    if not data:
                        sel.unregister(s)
                        s.close()
                        del conns[s]
            # drop connections idle for too long
            now = time.monotonic()
            for c in [c for c, st in conns.items() if now - st[1] > args.idle_seconds]:
                sel.unregister(c)
                c.close()
                del conns[c]
    except Stop:
        pass
    print(json.dumps({"role": "server", **stats}), flush=True)
    return 0


# --------------------------------------------------------------------------
# client


def wildcard(fam):
    return "::" if fam == socket.AF_INET6 else "0.0.0.0"


def local_port_range(path="/proc/sys/net/ipv4/ip_local_port_range"):
    """The ephemeral range of the network namespace this process runs in."""
    with open(path) as f:
        lo, hi = (int(x) for x in f.read().split())
    return lo, hi


class SequentialPorts:
    """Windows XP's source-port allocation, which Linux cannot be told to do.

    XP handed out ports from a global counter: each new socket got the port
    after the previous one, wrapping at the top of its range (1025-5000).  The
    Linux kernel hashes per destination instead, so the client binds every
    socket itself: TCP and UDP sockets share one counter, +1 per new socket,
    and a port is skipped only when bind() says EADDRINUSE.  Each address
    family has its own counter, as XP's IPv4 (tcpip.sys) and IPv6 (tcpip6.sys)
    were separate stacks.  The wrap range is the namespace's
    ip_local_port_range, so the range sysctl still describes the host.
    """

    def __init__(self, first, lo, hi):
        if not lo <= first <= hi:
            raise ValueError("--sequential-from %d is outside the namespace's range %d-%d"
                             % (first, lo, hi))
        self.lo, self.hi = lo, hi
        self.next = {socket.AF_INET: first, socket.AF_INET6: first}

    def bind(self, s, fam):
        """Bind S to the family's next free port; return the port."""
        for _ in range(self.hi - self.lo + 1):  # at most one lap of the range
            port = self.next[fam]
            self.next[fam] = self.lo if port >= self.hi else port + 1
            try:
                s.bind((wildcard(fam), port))
                return port
            except OSError as e:
                if e.errno != errno.EADDRINUSE:
                    raise
        raise OSError(errno.EADDRNOTAVAIL, "no free port in %d-%d" % (self.lo, self.hi))


def new_socket(fam, kind, ports):
    s = socket.socket(fam, kind)
    if fam == socket.AF_INET6:
        # An IPv6 socket bound to a port must not claim the IPv4 port too.
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    if ports is not None:
        try:
            ports.bind(s, fam)
        except OSError:
            s.close()
            raise
    return s


def tcp_exchange(fam, dst, port, seq, name, timeout, ports):
    s = new_socket(fam, socket.SOCK_STREAM, ports)
    try:
        s.settimeout(timeout)
        s.connect((dst, port))
        sport = s.getsockname()[1]
        s.sendall(tcp_request(port, seq, name))
        got = b""
        while len(got) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        if not got:
            raise OSError(errno.ECONNRESET, "empty reply")
        return sport
    finally:
        s.close()


def udp_exchange(fam, dst, port, seq, name, timeout, sport, rng, ports):
    s = new_socket(fam, socket.SOCK_DGRAM, ports)
    try:
        s.settimeout(timeout)
        if sport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((wildcard(fam), sport))
        qid = rng.randrange(1, 65536)
        s.sendto(dns_query(qid, "host%d.%s.lab.example" % (seq, name)), (dst, port))
        used = s.getsockname()[1]
        data, _peer = s.recvfrom(2048)
        if len(data) < 2 or struct.unpack("!H", data[:2])[0] != qid:
            raise OSError(errno.EPROTO, "bad answer")
        return used
    finally:
        s.close()


def run_client(args):
    rng = random.Random(args.seed)
    tcp_ports = [int(p) for p in args.tcp_ports.split(",") if p]
    ports = None
    if args.sequential_from:
        try:
            ports = SequentialPorts(args.sequential_from, *local_port_range())
        except (OSError, ValueError) as e:
            print("labnet.py: %s" % e, file=sys.stderr)
            return 2
    families = [("v4", socket.AF_INET, args.v4), ("v6", socket.AF_INET6, args.v6)]
    ops = []
    for fname, fam, dst in families:
        if not dst:
            continue
        for i in range(args.tcp_count):
            ops.append(("tcp", fname, fam, dst, tcp_ports[i % len(tcp_ports)], i))
        for i in range(args.udp_count):
            ops.append(("udp", fname, fam, dst, args.udp_port, i))
    rng.shuffle(ops)
    deadline = time.monotonic() + args.max_seconds
    result = {"role": "client", "name": args.name, "ok": 0, "failed": 0,
              "ports": {}, "errors": []}
    lo, hi = args.gap_ms
    streak = 0
    for proto, fname, fam, dst, port, seq in ops:
        if time.monotonic() > deadline:
            result["errors"].append("deadline reached")
            result["failed"] += 1
            break
        try:
            if proto == "tcp":
                sport = tcp_exchange(fam, dst, port, seq, args.name, args.timeout, ports)
            else:
                sport = udp_exchange(fam, dst, port, seq, args.name, args.timeout,
                                     args.udp_sport, rng, ports)
            result["ok"] += 1
            result["ports"].setdefault("%s/%s" % (proto, fname), []).append(sport)
            streak = 0
        except OSError as e:
            result["failed"] += 1
            streak += 1
            if len(result["errors"]) < 10:
                result["errors"].append("%s/%s to %s port %d: %s" % (proto, fname, dst, port, e))
            if streak >= args.max_failures:
                result["errors"].append("giving up after %d failures in a row" % streak)
                break
        time.sleep(rng.uniform(lo, hi) / 1000.0)
    print(json.dumps(result), flush=True)
    return 0 if result["failed"] == 0 else 1


# --------------------------------------------------------------------------


def gap(text):
    lo, _, hi = text.partition("-")
    lo, hi = int(lo), int(hi or lo)
    if lo < 0 or hi < lo or hi > 2000:
        raise argparse.ArgumentTypeError("want LO-HI milliseconds, 0 <= LO <= HI <= 2000")
    return lo, hi


def count(text):
    n = int(text)
    if not 0 <= n <= 1000:
        raise argparse.ArgumentTypeError("want 0..1000")
    return n


def port_number(text):
    n = int(text)
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError("want 0..65535")
    return n


def main(argv):
    p = argparse.ArgumentParser(description="two ends of portclass's sample lab")
    sub = p.add_subparsers(dest="cmd", required=True)

    ps = sub.add_parser("server", help="answer TCP and UDP requests")
    ps.add_argument("--tcp", default="80,22,50000", help="TCP ports (comma list)")
    ps.add_argument("--udp", default="53", help="UDP ports (comma list)")
    ps.add_argument("--ready-file", help="written once every socket listens")
    ps.add_argument("--max-seconds", type=float, default=300.0)
    ps.add_argument("--idle-seconds", type=float, default=10.0)

    pc = sub.add_parser("client", help="make the lab's connections")
    pc.add_argument("--name", required=True)
    pc.add_argument("--v4", help="server IPv4 address")
    pc.add_argument("--v6", help="server IPv6 address")
    pc.add_argument("--tcp-ports", default="80,22")
    pc.add_argument("--tcp-count", type=count, default=24, metavar="N",
                    help="TCP connections per family (0..1000)")
    pc.add_argument("--udp-port", type=int, default=53)
    pc.add_argument("--udp-count", type=count, default=12, metavar="N",
                    help="UDP exchanges per family (0..1000)")
    pins = pc.add_mutually_exclusive_group()
    pins.add_argument("--udp-sport", type=port_number, default=0,
                      help="bind every UDP socket to this source port (0: kernel picks)")
    pins.add_argument("--sequential-from", type=port_number, default=0, metavar="N",
                      help="bind every TCP and UDP socket to the next port of a counter "
                           "starting at N, as Windows XP (0: kernel picks)")
    pc.add_argument("--timeout", type=float, default=3.0, help="per-exchange timeout (s)")
    pc.add_argument("--gap-ms", type=gap, default=(10, 40), help="pause between exchanges")
    pc.add_argument("--seed", type=int, default=1)
    pc.add_argument("--max-seconds", type=float, default=60.0)
    pc.add_argument("--max-failures", type=int, default=3,
                    help="give up after this many failed exchanges in a row")

    args = p.parse_args(argv)
    if args.cmd == "server":
        return run_server(args)
    return run_client(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
