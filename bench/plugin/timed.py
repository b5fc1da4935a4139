#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""timed.py STDERR_FILE COMMAND...: runs COMMAND with stdout discarded and
stderr to STDERR_FILE; prints "WALL CPU" seconds (CPU = user + system of the
command and its children); exits with the command's status."""
import resource
import subprocess
import sys
import time

start = time.monotonic()
with open(sys.argv[1], "w") as err:
    rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err).returncode
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {usage.ru_utime + usage.ru_stime:.2f}")
sys.exit(rc)
