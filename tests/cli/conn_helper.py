# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs inside a test's network namespace: a TCP listener plus client
connections to it, driven line by line on stdin.

  (start)      listen on HOST:PORT (argv), print "ready PID"
  open N       open client connections until N are open, accept them, print "ok N"
  close        close every client socket first (clients get TIME-WAIT), then
               the accepted ones, print "ok 0"
  quit         exit
Every connection goes to the one listener: one remote address and port.
"""
import os
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind((host, port))
listener.listen(512)
clients, accepted = [], []
print(f"ready {os.getpid()}", flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "open":
        while len(clients) < int(words[1]):
            clients.append(socket.create_connection((host, port), timeout=5))
            accepted.append(listener.accept()[0])
        print(f"ok {len(clients)}", flush=True)
    elif words[0] == "close":
        for s in clients:
            s.close()
        for s in accepted:
            s.close()
        clients, accepted = [], []
        print("ok 0", flush=True)
    elif words[0] == "quit":
        break
