#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile captures through real tshark with the ASan+UBSan portclass.so, and through `portclass profile`.

Generates the variants (generate_variants.py, a fixed seed), adds the
committed regression captures (tests/hostile/regressions/), and runs every
one of them:
  - through tshark with the plugin, two passes, in one of three ways taken in
    turn: `-V -z portclass,hosts -z portclass,tree -z expert` (the whole tree
    and the taps), `-T fields -e <portclass fields>` (the field-only path),
    and one pass with a `-Y portclass...` filter;
  - through the sanitized `portclass profile` (`--json` for every other one).
Each run is bounded by --timeout and the runs share --jobs processes.
ASan and UBSan watch every run; LeakSanitizer every `portclass profile`, the
-V tshark runs and the sanity runs (--leak-check all: every run).

What fails the test: a sanitizer report (ASan, UBSan, LeakSanitizer), a
crash (signal exit), a timeout, and for `portclass profile` any exit other
than 0, or than 2 with exactly one line on stderr. tshark's own refusal of
a damaged file (exit 2, "appears to be damaged or corrupt", "cut short in the
middle of a packet", ...) is the expected answer to many variants: counted
and listed, not a failure.

As root, tshark runs as uid/gid 65534 through setpriv (tshark ignores
WIRESHARK_PLUGIN_DIR for root), on copies in a temporary folder.

usage: run_hostile.py --plugin-dir DIR --portclass EXE --preload LIBS [--seed N] [--scale K] [--jobs N] ...
exit: 0 nothing found, 1 a crash, report, timeout or broken contract (or no sanitizer runtimes to preload),
      77 skipped (no tshark, no editcap, plugin not built with sanitizers, no setpriv as root)
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "plugin"))
import sanitizers  # noqa: E402  (tests/plugin/sanitizers.py)

SKIP = 77
NOBODY = 65534
FIELDS = ["frame.number", "portclass.src.cat", "portclass.dst.cat", "portclass.client", "portclass.client.ip",
          "portclass.client.ipv6", "portclass.client.port", "portclass.server.port", "portclass.service",
          "portclass.client.method", "portclass.client.conf", "portclass.client.handshake", "portclass.client.range_of",
          "portclass.host.ip", "portclass.host.ipv6", "portclass.host.os", "portclass.host.conf", "portclass.host.range",
          "portclass.quoted.srcport", "portclass.quoted.dst.cat", "_ws.expert.message"]


def tshark_modes():
    fields = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        fields += ["-e", f]
    return {
        "tshark-V": ["-2", "-V", "-z", "portclass,hosts", "-z", "portclass,tree", "-z", "expert"],
        "tshark-fields": ["-2", *fields],
        "tshark-filter": ["-Y", "portclass.client.method == \"heuristic\" || portclass.quoted || portclass.host.os",
                          "-T", "fields", "-e", "frame.number", "-e", "portclass.host.os"],
    }


def normalise(line, path):
    """A tshark/portclass error line without the variant's name and numbers, for tallies."""
    line = line.replace(str(path), "FILE").replace(path.name, "FILE")
    line = re.sub(r"\d+", "N", line)
    return line[:160]


class Runner:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.as_root = os.geteuid() == 0
        self.home = work / "home"
        self.plugins = work / "plugins"
        self.home.mkdir()
        shutil.copytree(args.plugin_dir, self.plugins)
        if self.as_root:
            os.chown(self.home, NOBODY, NOBODY)
        self.san_env = sanitizers.environment(args.preload.split(":"), work)
        # The sanitized CLI is linked against the runtimes: no preload for it.
        self.cli_env = dict(os.environ, **{k: v for k, v in self.san_env.items() if k != "LD_PRELOAD"})
        self.tshark_env = dict(os.environ, HOME=str(self.home), WIRESHARK_PLUGIN_DIR=str(self.plugins),
                               LC_ALL="C.UTF-8", **self.san_env)
        self.tshark_env.pop("WIRESHARK_CONFIG_DIR", None)
        # LeakSanitizer's check at exit costs tshark about 0.17 s of its ~1 s;
        # by default only the -V runs (the whole tree, statistics and expert
        # taps: every allocation path of the plugin) pay it. --leak-check all
        # turns it on everywhere.
        self.tshark_env_no_leaks = dict(self.tshark_env, ASAN_OPTIONS=self.tshark_env["ASAN_OPTIONS"].replace(
            "detect_leaks=1", "detect_leaks=0"))
        self.lock = threading.Lock()
        self.counts = Counter()
        self.tshark_errors = Counter()
        self.profile_errors = Counter()
        self.findings = []
        self.slowest = (0.0, "")
        self.classes = {}  # variant name -> class
        self.by_class = defaultdict(Counter)
        self.done = 0

    def tshark_env_for(self, mode):
        return self.tshark_env if self.args.leak_check == "all" or mode == "tshark-V" else self.tshark_env_no_leaks

    def tshark_cmd(self, args, env):
        cmd = [self.args.tshark, *args]
        if self.as_root:
            env_args = [f"{k}={env[k]}" for k in ("HOME", "WIRESHARK_PLUGIN_DIR", "LC_ALL", *self.san_env)]
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "env", *env_args, *cmd]
        return cmd

    def execute(self, cmd, env, timeout=None, want_stdout=False):
        """(returncode or None on timeout, stderr, seconds[, stdout]); a timeout kills the process group."""
        start = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE if want_stdout else subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout or self.args.timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            rc = None
        result = (rc, err.decode("utf-8", "replace"), time.monotonic() - start)
        return (*result, (out or b"").decode("utf-8", "replace")) if want_stdout else result

    def record(self, kind, variant, rc, err, seconds, cmd):
        with self.lock:
            self.counts[f"runs {kind}"] += 1
            self.counts["runs"] += 1
            if seconds > self.slowest[0]:
                self.slowest = (seconds, f"{kind} {variant.name}")
            problem = ""
            if rc is None:
                self.counts["timeouts"] += 1
                problem = f"timeout after {self.args.timeout}s"
            else:
                why = sanitizers.reports(rc, err)
                if why:
                    crashed = rc < 0 or "DEADLYSIGNAL" in err or "SEGV" in why
                    self.counts["crashes" if crashed else "sanitizer reports"] += 1
                    problem = why
                    sanitizers.save_report(f"hostile.{variant.name}", f"{' '.join(map(str, cmd))}\n{err}")
                elif kind.startswith("tshark"):
                    if rc != 0:
                        self.counts["tshark errors"] += 1
                        first = next((l for l in err.splitlines() if l.strip()), f"exit {rc}, no message")
                        self.tshark_errors[f"exit {rc}: {normalise(first, variant)}"] += 1
                else:  # portclass profile: 0, or 2 with one line
                    lines = [l for l in err.splitlines() if l.strip()]
                    if rc == 0:
                        self.counts["profile exit 0"] += 1
                    elif rc == 2 and len(lines) == 1:
                        self.counts["profile exit 2"] += 1
                        self.profile_errors[normalise(lines[0], variant)] += 1
                    else:
                        self.counts["profile contract broken"] += 1
                        problem = f"portclass profile exit {rc} with {len(lines)} stderr lines"
            if problem:
                self.findings.append((variant, kind, problem, cmd, err))
            # What a user sees, per class of variant: exit code and first stderr line.
            cls = self.classes.get(variant.name, "?")
            first = next((l for l in err.splitlines() if l.strip()), "")
            seen = "timeout" if rc is None else f"exit {rc}" + (f": {normalise(first, variant)}" if first else "")
            self.by_class[f"{cls} / {kind.split()[0].split('-')[0]}"][seen] += 1
            self.done += 1
            if self.args.progress and self.done % self.args.progress == 0:
                print(f"  ... {self.done} runs, {len(self.findings)} findings", flush=True)

    def run_tshark(self, variant, mode, extra):
        env = self.tshark_env_for(mode)
        cmd = self.tshark_cmd(["-r", str(variant), *extra], env)
        rc, err, seconds = self.execute(cmd, env)
        self.record(mode, variant, rc, err, seconds, cmd)

    def run_profile(self, variant, json_out):
        cmd = [self.args.portclass, "profile", *(["--json"] if json_out else []), str(variant)]
        rc, err, seconds = self.execute(cmd, self.cli_env)
        self.record("profile --json" if json_out else "profile", variant, rc, err, seconds, cmd)

    def sanity(self, capture):
        """The modes on a pristine lab capture: exit 0, no report, portclass output. Guards the guard."""
        modes = tshark_modes()
        ok = True
        for mode, extra in modes.items():
            cmd = self.tshark_cmd(["-r", str(capture), *extra], self.tshark_env)
            rc, err, _, out = self.execute(cmd, self.tshark_env, timeout=max(self.args.timeout, 120), want_stdout=True)
            why = sanitizers.reports(rc, err) if rc is not None else "timeout"
            has_ours = "portclass" in out or re.search(r"^\d+\t(linux|unknown)", out, re.M) or \
                re.search(r"\t(src|dst)\t", out)
            if rc != 0 or why or not has_ours:
                print(f"FAIL: sanity {mode} on {capture.name}: exit {rc} {why} "
                      f"stderr {err.strip()[:300]!r} stdout {out[:200]!r}")
                ok = False
        rc, err, _, out = self.execute([self.args.portclass, "profile", str(capture)], self.cli_env,
                                       timeout=max(self.args.timeout, 120), want_stdout=True)
        if rc != 0 or "linux" not in out or sanitizers.reports(rc, err):
            print(f"FAIL: sanity portclass profile {capture.name}: exit {rc} {err.strip()[:300]}")
            ok = False
        return ok


def generate(args, out):
    cmd = [sys.executable, str(HERE / "generate_variants.py"), "--out", str(out), "--seed", str(args.seed),
           "--scale", str(args.scale), "--captures", str(args.captures), "--jobs", str(args.jobs),
           "--limit", str(args.limit)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"generate_variants.py failed: {p.stderr.strip()}")
    rows = (out / "manifest.tsv").read_text().splitlines()[1:]
    return [dict(zip(("name", "class", "base", "recipe"), r.split("\t"))) for r in rows]


def skip_reason(args):
    if not shutil.which(args.tshark):
        return f"{args.tshark} not found (package tshark)"
    if not shutil.which("editcap"):
        return "editcap not found (package wireshark-common)"
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        return "running as root and setpriv (util-linux) is missing: tshark would ignore the plugin directory"
    plugins = list(args.plugin_dir.glob("*/epan/portclass.so"))
    if not plugins:
        return None  # a failure, not a skip: reported by main
    if not sanitizers.links_sanitizers(plugins[0]):
        return f"{plugins[0]} is not built with sanitizers (configure with -DPORTCLASS_SANITIZE=ON)"
    return ""


def main():
    doc = __doc__.split("\n\n")
    ap = argparse.ArgumentParser(description=doc[0], epilog="\n\n".join(doc[1:]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin-dir", required=True, type=Path, help="the build's plugins/ (WIRESHARK_PLUGIN_DIR)")
    ap.add_argument("--portclass", required=True, help="the sanitized portclass executable")
    ap.add_argument("--preload", default="", help="sanitizer runtimes to preload into tshark, ':'-separated")
    ap.add_argument("--captures", type=Path, default=HERE.parents[1] / "samples/lab/captures",
                    help="the captures to mutate (default samples/lab/captures)")
    ap.add_argument("--regressions", type=Path, default=HERE / "regressions",
                    help="committed captures run as they are (default tests/hostile/regressions)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the variants (default 1)")
    ap.add_argument("--scale", type=int, default=1, help="more variants (see generate_variants.py --scale)")
    ap.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    ap.add_argument("--limit", type=int, default=0, help="run only N of the variants, spread over all classes (a quick try)")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds per run (default 60; the slowest seen took 5 s on a loaded machine)")
    ap.add_argument("--tshark", default="tshark", help="tshark to run (default: from PATH)")
    ap.add_argument("--work", type=Path, help="keep the variants and logs here (default: a temporary folder, removed)")
    ap.add_argument("--findings-dir", type=Path, default=Path("hostile-findings"),
                    help="where each finding's variant, command and stderr are copied (default ./hostile-findings)")
    ap.add_argument("--summary", type=Path, help="also write the counts as JSON here")
    ap.add_argument("--leak-check", choices=("verbose", "all"), default="verbose",
                    help="LeakSanitizer in the -V tshark runs only (default; ASan and UBSan are on in all), or in all")
    ap.add_argument("--progress", type=int, default=500, help="print a line every N runs (0: never)")
    args = ap.parse_args()

    reason = skip_reason(args)
    if reason:
        print(f"SKIP: {reason}")
        return SKIP
    if not list(args.plugin_dir.glob("*/epan/portclass.so")) or not Path(args.portclass).is_file():
        print(f"FAIL: no */epan/portclass.so under {args.plugin_dir} or no {args.portclass}")
        return 1
    # A sanitizer build that cannot preload the runtimes is broken, not exempt.
    if not args.preload or not all(Path(p).is_file() for p in args.preload.split(":")):
        print(f"FAIL: the plugin is built with sanitizers but the runtimes to preload into tshark are missing: "
              f"'{args.preload}' (CMake finds them with the compiler's -print-file-name)")
        return 1
    args.tshark = shutil.which(args.tshark)

    start = time.monotonic()
    keep = args.work is not None
    work = args.work or Path(tempfile.mkdtemp(prefix="portclass-hostile."))
    work.mkdir(parents=True, exist_ok=True)
    try:
        work.chmod(0o755)
        for sub in ("home", "extcap", "plugins", "variants"):
            shutil.rmtree(work / sub, ignore_errors=True)
        variants_dir = work / "variants"
        rows = generate(args, variants_dir)
        gen_seconds = time.monotonic() - start
        variants = [variants_dir / r["name"] for r in rows]
        regressions = sorted(p for p in args.regressions.glob("*") if p.suffix in (".pcap", ".pcapng"))
        for r in regressions:
            shutil.copyfile(r, variants_dir / f"regression-{r.name}")
            variants.append(variants_dir / f"regression-{r.name}")
            rows.append({"name": f"regression-{r.name}", "class": "regression", "base": r.name, "recipe": "committed"})
        recipes = {r["name"]: r for r in rows}
        sane = variants_dir / "pristine-linux.pcap"
        shutil.copyfile(args.captures / "linux.pcap", sane)
        for p in [work, *work.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o444 | (0o111 if p.is_dir() else 0))

        runner = Runner(args, work)
        runner.classes = {r["name"]: r["class"] for r in rows}
        if not runner.sanity(sane):
            return 1
        modes = tshark_modes()
        names = list(modes)
        jobs = []
        for i, v in enumerate(variants):
            mode = names[i % len(names)]
            jobs.append((runner.run_tshark, (v, mode, modes[mode])))
            jobs.append((runner.run_profile, (v, i % 2 == 1)))
        print(f"{len(variants)} variants ({len(regressions)} committed regressions), {len(jobs)} runs, "
              f"{args.jobs} at a time, {args.timeout:g}s each at most; variants generated in {gen_seconds:.0f}s",
              flush=True)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for f in [pool.submit(fn, *a) for fn, a in jobs]:
                f.result()
        wall = time.monotonic() - start

        c = runner.counts
        classes = Counter(r["class"] for r in rows)
        print(f"variants: {len(variants)} ({', '.join(f'{k} {n}' for k, n in sorted(classes.items()))})")
        print(f"runs: {c['runs']} ({', '.join(f'{k[5:]} {n}' for k, n in sorted(c.items()) if k.startswith('runs '))})")
        print(f"crashes: {c['crashes']}, sanitizer reports: {c['sanitizer reports']}, timeouts: {c['timeouts']}, "
              f"profile contract broken: {c['profile contract broken']}")
        print(f"tshark errors (expected refusals of damaged files): {c['tshark errors']}")
        for line, n in runner.tshark_errors.most_common():
            print(f"  {n:5d}  {line}")
        print(f"portclass profile: exit 0 {c['profile exit 0']}, exit 2 (one line) {c['profile exit 2']}")
        for line, n in runner.profile_errors.most_common():
            print(f"  {n:5d}  {line}")
        print(f"wall time: {wall:.0f}s (generation {gen_seconds:.0f}s); slowest run {runner.slowest[0]:.1f}s "
              f"({runner.slowest[1]})")
        if args.summary:
            args.summary.write_text(json.dumps({
                "seed": args.seed, "scale": args.scale, "variants": len(variants), "classes": classes,
                "counts": c, "tshark_errors": runner.tshark_errors, "profile_errors": runner.profile_errors,
                "wall_seconds": round(wall), "generation_seconds": round(gen_seconds),
                "slowest_run_seconds": round(runner.slowest[0], 1),
                "seen_by_class": {k: dict(v.most_common()) for k, v in sorted(runner.by_class.items())}},
                indent=2) + "\n")
        if runner.findings:
            args.findings_dir.mkdir(parents=True, exist_ok=True)
            for n, (variant, kind, problem, cmd, err) in enumerate(runner.findings):
                recipe = recipes.get(variant.name, {})
                print(f"FINDING {n}: {kind} {variant.name} ({recipe.get('base')}: {recipe.get('recipe')}): {problem}")
                shutil.copyfile(variant, args.findings_dir / variant.name)
                (args.findings_dir / f"{variant.name}.{n}.txt").write_text(
                    f"recipe: {recipe}\ncommand: {' '.join(map(str, cmd))}\nproblem: {problem}\n\n{err}")
            print(f"{len(runner.findings)} findings; variants and stderr in {args.findings_dir.resolve()}")
            return 1
        return 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
