# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers of the realworld scripts (accuracy.py, zero_payloads.py).

The data is the development set of labelled third-party captures beside the
repository (../shared/realworld: README.md, labels.tsv, captures/, score.py).
It is not part of the sources: when it is missing the scripts skip (exit 77,
CTest SKIP_RETURN_CODE) with the reason printed.
"""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.normpath(os.path.join(SOURCE, "..", "shared", "realworld"))


def skip(reason):
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)


def need_binary(binary):
    if not os.access(binary, os.X_OK):
        print(f"{binary}: not an executable", file=sys.stderr)
        sys.exit(2)


def data_dir(path):
    """The development set's folder, or skip when it (or a part of it) is missing."""
    path = os.path.abspath(path or DEFAULT_DATA)
    for part in ("labels.tsv", "captures"):
        if not os.path.exists(os.path.join(path, part)):
            skip(f"no realworld development set at {path} (missing {part}); "
                 "it lives beside the repository in ../shared/realworld")
    return path


def profile(binary, capture, extra=(), timeout=300):
    """Runs `portclass profile --json [extra] capture`. Returns (document or None, error text or None)."""
    try:
        p = subprocess.run([binary, "profile", "--json", *extra, capture], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    if p.returncode != 0:
        what = f"exit {p.returncode}" if p.returncode > 0 else f"killed by signal {-p.returncode}"
        return None, f"{what}: {p.stderr.decode(errors='replace').strip()[:300]}"
    try:
        return json.loads(p.stdout), None
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e}"


def parallel(function, items, jobs):
    """function(item) for every item, at most `jobs` at a time; results in the order of items."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(function, items))


def profile_help(binary):
    p = subprocess.run([binary, "profile", "--help"], capture_output=True, text=True, timeout=60)
    return p.stdout + p.stderr


def reader_prefix(home, reads=()):
    """A command prefix for a file reader (tshark): a clean, empty HOME (no personal preferences,
    plugins or disabled protocols change the dissection), a clean environment and, when we are root and setpriv exists,
    the user nobody (reading files needs no privileges; tshark as root only warns). READS are paths the reader
    must open: when nobody cannot (a clone inside a private folder), the reader stays root and the description
    says why, instead of every read failing later. Returns (prefix, description)."""
    os.makedirs(home, exist_ok=True)
    os.chmod(home, 0o755)
    # A clean environment too: nothing the test driver sets (LD_PRELOAD of sanitizer runtimes,
    # WIRESHARK_PLUGIN_DIR, WIRESHARK_CONFIG_DIR) reaches the reader.
    env = ["env", "-i", f"PATH={os.environ.get('PATH', '/usr/bin:/bin')}", f"HOME={home}",
           f"XDG_CONFIG_HOME={home}/.config", "LC_ALL=C.UTF-8"]
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return env, "as the current user"
    import grp
    import pwd
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return env, "as root (no user nobody)"
    group = next((g for g in ("nogroup", "nobody") if _group_exists(grp, g)), None)
    if group is None:
        return env, "as root (no group nogroup/nobody)"
    drop = ["setpriv", "--reuid=nobody", f"--regid={group}", "--clear-groups"]
    if subprocess.run(drop + ["true"], capture_output=True).returncode != 0:
        return env, "as root (setpriv cannot switch to nobody here)"
    for path in reads:
        if subprocess.run(drop + ["test", "-r", str(path)], capture_output=True).returncode != 0:
            return env, f"as root (nobody cannot read {path}: a folder above it is private)"
    return drop + env, "as nobody"


def _group_exists(grp, name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False
