# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for the portclass command-line tests.

Each test is a script CTest runs as `python3 test_x.py PORTCLASS SOURCE_DIR`.
Exit 0: passed; 1: a check failed (the message says which); 77: skipped, with
the reason printed (CTest SKIP_RETURN_CODE 77).
"""
import json
import os
import subprocess
import sys

SKIP = 77


class Check:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.passed = 0

    def that(self, condition, message):
        if condition:
            self.passed += 1
        else:
            self.failures.append(message)
            print(f"FAIL: {message}", flush=True)
        return condition

    def equal(self, actual, expected, message):
        return self.that(actual == expected, f"{message}: expected {expected!r}, got {actual!r}")

    def done(self):
        print(f"{self.name}: {self.passed} checks passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def args():
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} PORTCLASS SOURCE_DIR", file=sys.stderr)
        sys.exit(2)
    binary, source = sys.argv[1], sys.argv[2]
    if not os.access(binary, os.X_OK):
        print(f"{binary}: not an executable", file=sys.stderr)
        sys.exit(2)
    return binary, source


def sanitized(binary):
    """Whether BINARY is built with AddressSanitizer: its allocator keeps freed
    memory in quarantine, so peak RSS grows with all that was ever allocated
    and says nothing about what a normal build keeps."""
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    return "libasan" in r.stdout


def peak_rss_kib(binary, *arguments):
    """Peak RSS of one run of BINARY ARGUMENTS, in KiB, from a fresh child
    (RUSAGE_CHILDREN is the maximum over children); None when it failed."""
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", code, binary, *arguments], capture_output=True, text=True)
    return int(r.stdout.strip()) if r.returncode == 0 else None


def run(binary, *arguments, stdin=None, timeout=120, **kwargs):
    """Runs the real binary; returns CompletedProcess with text output."""
    return subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=timeout, stdin=stdin, **kwargs)


def run_json(check, binary, *arguments, expect_rc=0):
    result = run(binary, *arguments)
    check.equal(result.returncode, expect_rc, f"exit code of portclass {' '.join(arguments)} (stderr: {result.stderr.strip()})")
    try:
        return json.loads(result.stdout), result
    except json.JSONDecodeError as e:
        check.that(False, f"portclass {' '.join(arguments)} printed invalid JSON: {e}")
        return None, result


def lab_captures(source):
    path = os.path.join(source, "samples", "lab", "captures")
    if not os.path.isfile(os.path.join(path, "labels.tsv")):
        # The captures are committed with the sources: their absence is a broken tree.
        print(f"FAIL: no lab captures in {path} (samples/lab/make-lab.sh builds them)")
        sys.exit(1)
    return path


def labels(captures):
    rows = []
    with open(os.path.join(captures, "labels.tsv")) as f:
        header = f.readline().split()
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.split())))
    return rows
