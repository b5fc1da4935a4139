# SPDX-License-Identifier: GPL-2.0-or-later
"""Running Debian's tshark (not instrumented) with a portclass.so built with ASan + UBSan.

The plugin needs the sanitizer runtimes it was linked against loaded first,
so they are preloaded (LD_PRELOAD) into tshark only: they go in the
arguments of `env`, after setpriv, so setpriv and env themselves stay plain.

Every report must fail the run. Three signals, any one is enough:
  - the exit code: ASan (and LeakSanitizer, which is part of it) exit with
    ASAN_EXIT, UBSan (built with -fno-sanitize-recover) with UBSAN_EXIT;
  - the report text on stderr (REPORT), in case a report is printed but the
    exit code is lost (a wrapper, a signal);
  - a signal exit (a crash that no sanitizer caught).

Leaks: LeakSanitizer checks the whole of tshark at exit. A suppressions
file (lsan-tshark.supp, next to this file) names only leaks of Wireshark,
GLib and their libraries on paths that never run portclass code; it must
not name portclass (checked by check_suppressions), and docs/hostile-captures.md
shows that a leak in portclass code is still reported.

Extcap helpers (androiddump, sshdump, ...) that tshark spawns for -G and -z
help would inherit the preload and can deadlock at exit under ASan (seen
with androiddump in libp11-kit's destructor): tshark is pointed at an empty
extcap folder instead; they are not portclass code.
"""
import os
import re
import shutil
import time
from pathlib import Path

ASAN_EXIT = 86
UBSAN_EXIT = 87
SUPPRESSIONS = Path(__file__).with_name("lsan-tshark.supp")

REPORT = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                    r"SUMMARY: (?:Address|Undefined|Leak)Sanitizer|AddressSanitizer:DEADLYSIGNAL")


def check_suppressions(path=SUPPRESSIONS):
    """The suppression lines; raises if one could hide a leak in portclass code."""
    lines = [l.strip() for l in Path(path).read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]
    for line in lines:
        kind, _, pattern = line.partition(":")
        if kind != "leak" or not pattern:
            raise ValueError(f"{path}: '{line}' is not a leak:PATTERN suppression")
        if "portclass" in pattern.lower() or pattern.strip() in ("*", ""):
            raise ValueError(f"{path}: '{line}' could hide a leak in portclass code")
    return lines


def environment(preload, work, suppressions=SUPPRESSIONS):
    """Variables for a sanitized tshark (to pass through `env` after setpriv).

    Makes work/extcap (empty) and a copy of the suppressions in work, which
    must be readable by the user tshark runs as (the source tree may not be).
    """
    check_suppressions(suppressions)
    extcap_dir = Path(work) / "extcap"
    extcap_dir.mkdir(exist_ok=True)
    extcap_dir.chmod(0o755)
    copy = Path(work) / suppressions.name
    shutil.copyfile(suppressions, copy)
    copy.chmod(0o644)
    suppressions = copy
    return {
        "LD_PRELOAD": ":".join(str(p) for p in preload),
        "ASAN_OPTIONS": options("ASAN_OPTIONS", exitcode=ASAN_EXIT, detect_leaks=1),
        "LSAN_OPTIONS": options("LSAN_OPTIONS", suppressions=suppressions, print_suppressions=0),
        "UBSAN_OPTIONS": options("UBSAN_OPTIONS", exitcode=UBSAN_EXIT, print_stacktrace=1, halt_on_error=1),
        "WIRESHARK_EXTCAP_DIR": str(extcap_dir),
    }


def options(variable, **ours):
    """The sanitizer options already in the environment (scripts/test.sh sets some), with ours on top.

    log_path is dropped: these tests read each report from the run's stderr
    to fail on it, and hand it to save_report() for the test command.
    """
    merged = {}
    for item in os.environ.get(variable, "").split(":"):
        key, sep, value = item.partition("=")
        if sep and key != "log_path":
            merged[key] = value
    merged.update({k: str(v) for k, v in ours.items()})
    return ":".join(f"{k}={v}" for k, v in merged.items())


def save_report(name, text):
    """Also files a report where scripts/test.sh collects them (PORTCLASS_SANITIZER_REPORTS), if set."""
    folder = os.environ.get("PORTCLASS_SANITIZER_REPORTS")
    if folder and Path(folder).is_dir():
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:120]
        (Path(folder) / f"{safe}.{os.getpid()}.{time.monotonic_ns()}").write_text(text)


def reports(returncode, stderr):
    """Why a run counts as a sanitizer report or crash ('' when it does not)."""
    m = REPORT.search(stderr)
    if m:
        start = stderr.rfind("\n", 0, m.start()) + 1  # the whole line: UBSan puts file:line before the match
        line = next((l for l in stderr[start:].splitlines() if l.strip()), m.group(0))
        return line.strip()[:300]
    if returncode in (ASAN_EXIT, UBSAN_EXIT):
        return f"exit code {returncode} (a sanitizer's) without a report on stderr"
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return ""


def links_sanitizers(shared_object):
    """Whether an ELF file was linked against a sanitizer runtime (DT_NEEDED names are in its bytes)."""
    data = Path(shared_object).read_bytes()
    return b"libasan.so" in data or b"libclang_rt.asan" in data
