# SPDX-License-Identifier: GPL-2.0-or-later
"""Throw-away network namespaces and port-holding helpers for the `host`
tests: every namespace made here is deleted by close(), every helper started
here is ended by its own pid, and sysctls are only ever written inside these
namespaces, never in the machine's root namespace."""
import os
import shutil
import subprocess
import sys

from clitest import skip

HERE = os.path.dirname(os.path.abspath(__file__))


def require_root():
    if os.geteuid() != 0:
        skip("needs root to create network namespaces (ip netns add)")
    if not shutil.which("ip"):
        skip("ip (iproute2) not found")


class Namespaces:
    def __init__(self):
        self.names = []
        self.helpers = []

    def add(self, name, first, last, reserved=None):
        r = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            skip(f"cannot create a network namespace here: {r.stderr.strip()}")
        self.names.append(name)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True, timeout=30)
        settings = [f"net.ipv4.ip_local_port_range={first} {last}"]
        if reserved:
            settings.append(f"net.ipv4.ip_local_reserved_ports={reserved}")
        subprocess.run(["ip", "netns", "exec", name, "sysctl", "-q", "-w", *settings], check=True, timeout=30)
        return name

    def helper(self, name):
        h = Helper(["ip", "netns", "exec", name, sys.executable, os.path.join(HERE, "port_holder.py")])
        self.helpers.append(h)
        return h

    def close(self):
        for h in self.helpers:
            h.stop()
        for n in self.names:
            subprocess.run(["ip", "netns", "del", n], capture_output=True, timeout=30)


class Helper:
    """port_holder.py in a namespace, driven line by line."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline().split()
        if ready[:1] != ["ready"]:
            raise RuntimeError(f"helper did not start: {ready}")
        self.pid = int(ready[1])

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        if answer[:1] != ["ok"]:
            raise RuntimeError(f"helper: {command!r} answered {answer!r}")
        return [int(w) for w in answer[1:]]

    def stop(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child, by its handle
            self.proc.wait()


def prometheus_samples(text):
    """{series: value} of an exposition text (comment lines skipped)."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples
