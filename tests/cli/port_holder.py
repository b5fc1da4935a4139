# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs inside a test's network namespace and holds ephemeral ports on
command, one line on stdin each, one answer line on stdout:

  (start)      print "ready PID"
  name NAME    set this process's name (/proc/self/comm; NAME may hold
               escapes: \\n, \\x01, ... as Python reads them), print "ok"
  listen PORT  a TCP listener on 127.0.0.1:PORT, print "ok"
  open N PORT  open N more client connections to 127.0.0.1:PORT, each accepted
               when the listener is ours; the kernel picks the local ports
               (connect()); print "ok P1 P2 ..." (the ports picked)
  close        close the client sockets first (they get TIME-WAIT), then the
               accepted ones, print "ok"
  quit         exit
"""
import codecs
import os
import socket
import sys

listener = None
clients, accepted = [], []
print(f"ready {os.getpid()}", flush=True)
for line in sys.stdin:
    words = line.split(" ", 1)
    command = words[0].strip()
    if command == "name":
        name = codecs.decode(words[1].rstrip("\n"), "unicode_escape").encode("latin-1")
        with open("/proc/self/comm", "wb") as f:
            f.write(name)
        print("ok", flush=True)
    elif command == "listen":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", int(words[1])))
        listener.listen(1024)
        print("ok", flush=True)
    elif command == "open":
        n, port = (int(w) for w in words[1].split())
        picked = []
        for _ in range(n):
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            clients.append(c)
            picked.append(c.getsockname()[1])
            if listener is not None and listener.getsockname()[1] == port:
                accepted.append(listener.accept()[0])
        print("ok " + " ".join(map(str, picked)), flush=True)
    elif command == "close":
        for s in clients:
            s.close()
        for s in accepted:
            s.close()
        clients, accepted = [], []
        print("ok", flush=True)
    elif command == "quit":
        break
