# SPDX-License-Identifier: GPL-2.0-or-later
"""OS-family accuracy of `portclass profile` on the realworld development set.

usage: accuracy.py PORTCLASS [--data DIR] [--floor FILE] [--json OUT] [--require-beat-p0f]
                   [--signatures FILE] [--jobs N] [--timeout S]

For every row of DIR/labels.tsv (default ../shared/realworld beside the
repository) `PORTCLASS profile --json` runs on the row's capture, each capture
once per configuration, at most two at a time, each run bounded by a timeout:

  (a) default: built-in signatures + p0f's database (/etc/p0f/p0f.fp);
  (b) --p0f-db none: built-in signatures only;
  (c) leave-one-repository-out: the rows of each repository R scored with
      the built-in signature file (--signatures FILE, default
      common/data/tcp-signatures.fp) minus every label block marked
      `learned = yes` whose `source` names R (or one of R's captures), passed
      as --signatures FILTERED --no-builtin-signatures; with p0f's database
      as in (a), and again with --p0f-db none as in (b). Skipped, with a
      line saying so, while portclass has no --no-builtin-signatures.

Scoring is score.py's (DIR/score.py, imported: truth_of, judge, p0f_family,
hosts_in, XP) and checked against it: score.py itself is run on the outputs
of (a) (replayed, not recomputed) and must print the same table. Per truth
family and overall: hosts, answered (verdict identified), right at family
level (an XP-era truth counts any Windows verdict as right), strict (XP-era
vs modern Windows told apart: XP-era when the best candidate's id/name says
xp/2003/2000), confident (confidence >= 0.9) and confident-wrong (rows whose
labels.tsv confidence is `low` left out of those two), unanswered; p0f
3.09b's figures from the labels' p0f_guess column on the same rows. A
reliability table for (a) bins the answers by confidence (low rows left out)
and marks bins of 10 or more answers whose mean confidence and observed
family accuracy differ by more than 0.1.

Exit 1 when, in (a): family-right is below the floor file's family_right
(or strict below its strict); the confident-wrong share (confident-wrong /
confident) exceeds the floor file's max_confident_wrong_share (0.02 without a
floor file); with --require-beat-p0f, family-right is below p0f's on the same
rows; portclass crashed or timed out on a capture; or score.py disagrees.
Exit 77: no development set. The last line is the summary.
"""
import argparse
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

import rwtest

FAMILIES = [("windows", "windows-modern"), ("windows-xp", "windows-xp-era"),
            ("linux", "linux/android"), ("macos", "macos/ios")]
SCORE_KEYS = ("hosts", "answered", "right", "strict", "confident", "confident_wrong",
              "p0f_answered", "p0f_right", "p0f_strict")
BINS = [(0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]
NO_BUILTIN = "--no-builtin-signatures"


def load_score(data):
    path = os.path.join(data, "score.py")
    if not os.path.isfile(path):
        rwtest.skip(f"no score.py in {data}")
    spec = importlib.util.spec_from_file_location("realworld_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("truth_of", "judge", "p0f_family", "hosts_in", "XP"):
        if not hasattr(module, name):
            print(f"FAIL: {path} has no {name}: the scorer changed, accuracy.py must follow")
            sys.exit(1)
    return module, path


# ---------------------------------------------------------------- running portclass
class Run:
    __slots__ = ("hosts", "error", "crash", "stdout", "seconds")


def run_profile(binary, capture, extra, timeout):
    """One `profile --json` run; hosts read the way score.py reads them (its stdout is parsed
    whatever the exit status; anything unreadable is no host)."""
    r = Run()
    r.hosts, r.error, r.crash, r.stdout = {}, None, False, b""
    started = time.time()
    try:
        p = subprocess.run([binary, "profile", "--json", *extra, capture], capture_output=True, timeout=timeout)
        r.stdout = p.stdout
        if p.returncode < 0:
            r.crash, r.error = True, f"killed by signal {-p.returncode}"
        elif p.returncode != 0:
            r.error = f"exit {p.returncode}: {p.stderr.decode(errors='replace').strip()[:240]}"
        try:
            SCORE.hosts_in(json.loads(p.stdout or b"{}"), r.hosts)
        except ValueError as e:
            r.error = (r.error + "; " if r.error else "") + f"invalid JSON: {e}"
    except subprocess.TimeoutExpired:
        r.crash, r.error = True, f"timed out after {timeout} s"
    except OSError as e:
        r.crash, r.error = True, str(e)
    r.seconds = time.time() - started
    return r


# ---------------------------------------------------------------- scoring (score.py's rules)
def score_row(row, host):
    """What one labels.tsv row adds to score.py's counters, plus what the reports need."""
    truth = SCORE.truth_of(row["truth_os_family"])
    fam, pid, conf = SCORE.judge(host)
    low = (row.get("confidence") or "").lower() == "low"
    c = Counter(hosts=1)
    ok = False
    if fam:
        c["answered"] += 1
        ok = fam == truth or (truth == "windows-xp" and fam == "windows")
        c["right"] += ok
        strict = ok if not truth.startswith("windows") else (
            fam == "windows" and (bool(SCORE.XP.search(pid)) == (truth == "windows-xp")))
        c["strict"] += strict
        if conf >= 0.9 and not low:
            c["confident"] += 1
            c["confident_wrong"] += not ok
    pf, pxp = SCORE.p0f_family(row.get("p0f_guess"))
    if pf:
        c["p0f_answered"] += 1
        pok = pf == truth or (truth == "windows-xp" and pf == "windows")
        c["p0f_right"] += pok
        c["p0f_strict"] += pok if not truth.startswith("windows") else (
            pf == "windows" and pxp == ("xp" if truth == "windows-xp" else "modern"))
    return truth, c, {"capture": row["capture"], "client_ip": row["client_ip"], "truth": truth,
                      "low": low, "family": fam, "candidate": pid.strip(), "confidence": conf,
                      "right": bool(fam) and ok, "strict": bool(c["strict"]), "p0f_guess": row.get("p0f_guess")}


def score(rows, host_of):
    """host_of(row) -> the host object or None. Returns (per family Counters, total, per-row details)."""
    per, details = defaultdict(Counter), []
    for row in rows:
        truth, c, d = score_row(row, host_of(row))
        per[truth].update(c)
        details.append(d)
    total = Counter()
    for c in per.values():
        total.update(c)
    return per, total, details


def pct(a, b):
    return f"{a / b:.1%}" if b else "-"


def print_table(title, per, total):
    print(f"\n{title}")
    cols = ("hosts", "answered", "right", "strict", "confident", "conf_wrong", "unanswered",
            "p0f_answered", "p0f_right", "p0f_strict")
    print(f"  {'truth':<15}" + "".join(f"{c:>13}" for c in cols))
    for key, name in FAMILIES + [(None, "all")]:
        c = total if key is None else per.get(key, Counter())
        if key is not None and not c["hosts"]:
            continue
        values = [c["hosts"], c["answered"], c["right"], c["strict"], c["confident"], c["confident_wrong"],
                  c["hosts"] - c["answered"], c["p0f_answered"], c["p0f_right"], c["p0f_strict"]]
        print(f"  {name:<15}" + "".join(f"{v:>13}" for v in values))
    others = sorted(k for k in per if k not in dict(FAMILIES))
    for k in others:
        print(f"  (truth {k!r} counted in all: {per[k]['hosts']} rows)")
    n = total["hosts"]
    print(f"  family right {total['right']}/{n} = {pct(total['right'], n)} (p0f {total['p0f_right']}/{n} = "
          f"{pct(total['p0f_right'], n)}); strict {total['strict']}/{n} = {pct(total['strict'], n)} "
          f"(p0f {total['p0f_strict']}/{n} = {pct(total['p0f_strict'], n)}); confident-wrong "
          f"{total['confident_wrong']}/{total['confident']} = {pct(total['confident_wrong'], total['confident'])}")


def reliability(details):
    """Answers (low rows left out) per confidence bin: (label, count, mean confidence, accuracy, flagged)."""
    out = []
    answered = [d for d in details if d["family"] and not d["low"]]
    below = [d for d in answered if d["confidence"] < BINS[0][0]]
    groups = []
    if below:
        groups.append((f"[0.0,{BINS[0][0]:.1f})", below))
    for lo, hi in BINS:
        last = hi >= 1.0
        members = [d for d in answered if lo <= d["confidence"] < hi or (last and d["confidence"] >= hi)]
        groups.append((f"[{lo:.1f},{hi:.1f}{']' if last else ')'}", members))
    for label, members in groups:
        n = len(members)
        mean = sum(d["confidence"] for d in members) / n if n else 0.0
        acc = sum(d["right"] for d in members) / n if n else 0.0
        out.append((label, n, mean, acc, n >= 10 and abs(mean - acc) > 0.1))
    return out


def print_reliability(bins):
    print("\nreliability of (a): answers by confidence (low rows left out), family accuracy per bin")
    print(f"  {'confidence':<12}{'answers':>9}{'mean conf':>11}{'accuracy':>10}")
    for label, n, mean, acc, flagged in bins:
        mark = "  <- |mean - accuracy| > 0.1" if flagged else ""
        print(f"  {label:<12}{n:>9}{(f'{mean:.3f}' if n else '-'):>11}{(f'{acc:.3f}' if n else '-'):>10}{mark}")


# ---------------------------------------------------------------- signature file filtering
NAME_CHARS = "A-Za-z0-9_.+-"


def parse_signature_blocks(text):
    """Splits a p0f-syntax file into pieces: ("other", lines) and ("label", lines, keys) where a
    label block runs from its `label =` line to the line before the next label, section header
    or end (comments and blank lines at its end stay outside it). keys: lower-case key -> [values]."""
    pieces, block = [], None
    lines = text.splitlines(keepends=True)

    def close():
        nonlocal block
        if block is None:
            return
        body = block[1]
        tail = []
        while body and (not body[-1].strip() or body[-1].lstrip().startswith(";")):
            tail.insert(0, body.pop())
        pieces.append(block)
        if tail:
            pieces.append(("other", tail, None))
        block = None

    for line in lines:
        stripped = line.strip()
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", stripped)
        if stripped.startswith("["):
            close()
            pieces.append(("other", [line], None))
        elif m and m.group(1).lower() == "label":
            close()
            block = ("label", [line], defaultdict(list))
            block[2]["label"].append(m.group(2).strip())
        elif block is not None:
            block[1].append(line)
            if m:
                block[2][m.group(1).lower()].append(m.group(2).strip())
        else:
            pieces.append(("other", [line], None))
    close()
    return pieces


def is_learned(keys):
    return any(v.strip().lower() in ("yes", "true", "1", "on") for v in keys.get("learned", []))


def names_repository(source_text, repo, captures, hashes):
    """True when a source text names repository repo (owner/name, or owner__name as in the set's
    file names), one of its capture files or their sha256."""
    text = source_text.lower()
    for needle in [repo.lower(), repo.lower().replace("/", "__")]:
        for m in re.finditer(re.escape(needle), text):
            after = text[m.end():m.end() + 2]
            if not after or not re.match(f"[{NAME_CHARS}]", after[0]) or \
                    (after[0] in ".+" and (len(after) == 1 or not re.match(f"[{NAME_CHARS}]", after[1]))):
                before = text[m.start() - 1] if m.start() else ""
                if not before or not re.match(f"[{NAME_CHARS}]", before):
                    return True
    return any(c.lower() in text for c in captures) or any(h.lower() in text for h in hashes if h)


def filter_signatures(pieces, repo, captures, hashes):
    """The file's text without the learned label blocks that name repo; and how many were dropped."""
    out, dropped, sigs = [], 0, 0
    for kind, lines, keys in pieces:
        if kind == "label" and is_learned(keys) and \
                names_repository(" ".join(keys.get("source", [])), repo, captures, hashes):
            dropped += 1
            sigs += len(keys.get("sig", []))
            continue
        out.extend(lines)
    return "".join(out), dropped, sigs


# ---------------------------------------------------------------- score.py cross-check
def score_py_table(score_path, labels, binary_outputs, work):
    """Runs score.py with a stand-in binary that prints the stored outputs of (a); returns
    {family or 'all': {key: n}} from its table."""
    cache = os.path.join(work, "replay")
    os.makedirs(cache, exist_ok=True)
    for capture, stdout in binary_outputs.items():
        with open(os.path.join(cache, capture), "wb") as f:
            f.write(stdout)
    shim = os.path.join(work, "replay-portclass")
    with open(shim, "w") as f:
        f.write(f"#!{sys.executable}\nimport os, sys\n"
                f"p = os.path.join({cache!r}, os.path.basename(sys.argv[-1]))\n"
                "sys.stdout.buffer.write(open(p, 'rb').read() if os.path.exists(p) else b'')\n")
    os.chmod(shim, 0o755)
    p = subprocess.run([sys.executable, score_path, shim, labels], capture_output=True, text=True, timeout=600)
    table = {}
    for line in p.stdout.splitlines():
        cells = line.split()
        if len(cells) == len(SCORE_KEYS) + 1 and all(c.isdigit() for c in cells[1:]):
            table[cells[0]] = dict(zip(SCORE_KEYS, map(int, cells[1:])))
    return table, p


# ---------------------------------------------------------------- main
def main():
    global SCORE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("portclass")
    ap.add_argument("--data", help="the development set (default ../shared/realworld beside the repository)")
    ap.add_argument("--floor", help="JSON file: family_right, strict, max_confident_wrong_share")
    ap.add_argument("--json", dest="json_out", help="write every table and row verdict here")
    ap.add_argument("--require-beat-p0f", action="store_true",
                    help="fail when family-right in (a) is below p0f's on the same rows")
    ap.add_argument("--signatures", default=os.path.join(rwtest.SOURCE, "common", "data", "tcp-signatures.fp"),
                    help="the built-in signature file to filter for leave-one-repository-out")
    ap.add_argument("--jobs", type=int, default=2, help="portclass runs at a time (at most 2)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per portclass run")
    args = ap.parse_args()
    rwtest.need_binary(args.portclass)
    data = rwtest.data_dir(args.data)
    SCORE, score_path = load_score(data)
    labels = os.path.join(data, "labels.tsv")
    with open(labels, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    rows = [r for r in rows if SCORE.truth_of(r["truth_os_family"]) not in ("other", "unknown", "")]
    if not rows:
        rwtest.skip(f"{labels} has no labelled rows")
    floor = {}
    if args.floor:
        try:
            with open(args.floor) as f:
                floor = json.load(f)
        except (OSError, ValueError) as e:
            print(f"FAIL: floor file {args.floor}: {e}")
            sys.exit(1)
    jobs = max(1, min(args.jobs, 2))
    started = time.time()
    failures, notes = [], []

    version = subprocess.run([args.portclass, "--version"], capture_output=True, text=True).stdout.strip()
    help_text = rwtest.profile_help(args.portclass)
    has_p0f_flag = "--p0f-db" in help_text
    has_sig_flag = "--signatures" in help_text
    has_no_builtin = NO_BUILTIN in help_text
    captures = sorted({r["capture"] for r in rows})
    repos = sorted({r["repo"] for r in rows})
    print(f"accuracy: {len(rows)} labelled rows in {len(captures)} captures of {len(repos)} repositories; "
          f"{args.portclass}: {' / '.join(version.splitlines())}", flush=True)
    if not os.path.isfile("/etc/p0f/p0f.fp"):
        notes.append("/etc/p0f/p0f.fp is not installed: (a) ran with the built-in signatures only")

    # What to run: (configuration, capture, extra arguments).
    configs = [("a", "(a) default: built-in signatures + p0f's /etc/p0f/p0f.fp", [])]
    if has_p0f_flag:
        configs.append(("b", "(b) --p0f-db none: built-in signatures only", ["--p0f-db", "none"]))
    else:
        notes.append("(b) skipped: portclass has no --p0f-db")
    tasks = [(key, cap, extra) for key, _, extra in configs for cap in captures]

    work = tempfile.mkdtemp(prefix="portclass-accuracy-")
    loro = {}
    loro_dropped = {}
    if not has_no_builtin:
        print("leave-one-repository-out: skipped (portclass has no --no-builtin-signatures yet)", flush=True)
    elif not has_sig_flag:
        print("leave-one-repository-out: skipped (portclass has no --signatures)", flush=True)
    elif not os.path.isfile(args.signatures):
        print(f"leave-one-repository-out: skipped (no signature file {args.signatures})", flush=True)
    else:
        with open(args.signatures) as f:
            pieces = parse_signature_blocks(f.read())
        learned = [p for p in pieces if p[0] == "label" and is_learned(p[2])]
        named = set()
        for repo in repos:
            caps = sorted({r["capture"] for r in rows if r["repo"] == repo})
            hashes = sorted({r.get("sha256", "") for r in rows if r["repo"] == repo})
            text, dropped, sigs = filter_signatures(pieces, repo, caps, hashes)
            path = os.path.join(work, "sig-" + re.sub(r"[^A-Za-z0-9._-]", "_", repo) + ".fp")
            with open(path, "w") as f:
                f.write(text)
            loro[repo] = path
            loro_dropped[repo] = (dropped, sigs)
            for i, p in enumerate(pieces):
                if p[0] == "label" and is_learned(p[2]) and \
                        names_repository(" ".join(p[2].get("source", [])), repo, caps, hashes):
                    named.add(i)
        unnamed = [p for i, p in enumerate(pieces) if p[0] == "label" and is_learned(p[2]) and i not in named]
        print(f"leave-one-repository-out: {len(learned)} learned label blocks in {args.signatures}; "
              f"{sum(1 for r in repos if loro_dropped[r][0])} repositories have some", flush=True)
        for p in unnamed:
            notes.append(f"learned block naming no labelled repository (kept in every run): {p[2]['label'][0]}")
        for p in pieces:
            if p[0] == "label" and not is_learned(p[2]) and any(
                    names_repository(" ".join(p[2].get("source", [])), repo, [], []) for repo in repos):
                notes.append(f"block not marked learned but naming a labelled repository (kept): {p[2]['label'][0]}")
        for repo in repos:
            for cap in sorted({r["capture"] for r in rows if r["repo"] == repo}):
                tasks.append(("c", cap, ["--signatures", loro[repo], NO_BUILTIN]))
                if has_p0f_flag:
                    tasks.append(("d", cap, ["--signatures", loro[repo], NO_BUILTIN, "--p0f-db", "none"]))
        configs.append(("c", "(c) leave-one-repository-out: built-in file minus R's learned signatures + p0f's "
                             "database", None))
        if has_p0f_flag:
            configs.append(("d", "(c') leave-one-repository-out, --p0f-db none: built-in file minus R's learned "
                                 "signatures only", None))

    def one(task):
        key, cap, extra = task
        return task, run_profile(args.portclass, os.path.join(data, "captures", cap), extra, args.timeout)

    results = {}
    shown = {"a": "(a)", "b": "(b)", "c": "(c)", "d": "(c')"}
    for (key, cap, extra), run in rwtest.parallel(one, tasks, jobs):
        results[(key, cap)] = run
        if run.crash:
            failures.append(f"{shown[key]} {cap}: {run.error}")
        elif run.error:
            notes.append(f"{shown[key]} {cap}: {run.error}")

    # Tables.
    report = {"binary": args.portclass, "version": version, "rows": len(rows), "configurations": {}}
    summary = {}
    for key, title, _ in configs:
        per, total, details = score(rows, lambda r, k=key: results[(k, r["capture"])].hosts.get(r["client_ip"]))
        print_table(title, per, total)
        summary[key] = total
        report["configurations"][key] = {
            "title": title,
            "families": {dict(FAMILIES).get(k, k): dict(v) for k, v in per.items()},
            "all": dict(total), "rows": details}
        if key in ("c", "d"):
            report["configurations"][key]["dropped_per_repository"] = {
                r: {"label_blocks": d[0], "signatures": d[1]} for r, d in loro_dropped.items()}
        if key == "a":
            bins = reliability(details)
            print_reliability(bins)
            report["reliability"] = [{"bin": b[0], "answers": b[1], "mean_confidence": b[2], "accuracy": b[3],
                                      "flagged": b[4]} for b in bins]
            wrong = [d for d in details if d["family"] and not d["right"]]
            if wrong:
                print("\n(a) wrong answers:")
                for d in wrong:
                    print(f"  {d['capture'][:70]:<70} {d['client_ip']:<26} truth {d['truth']:<10} -> "
                          f"{d['family']:<8} {d['confidence']:.2f} {d['candidate']}{'  (low row)' if d['low'] else ''}")
    if "c" in summary:
        repos_dropping = [r for r in repos if loro_dropped[r][0]]
        print("\nleave-one-repository-out per repository with learned signatures (family right / rows: "
              "(a) -> (c); (b) -> (c'))")
        for repo in repos_dropping:
            rr = [r for r in rows if r["repo"] == repo]
            line = [f"{repo:<58} -{loro_dropped[repo][0]} blocks/{loro_dropped[repo][1]} sigs"]
            for pair in (("a", "c"), ("b", "d")):
                if pair[1] not in summary:
                    continue
                got = [sum(score_row(r, results[(k, r['capture'])].hosts.get(r['client_ip']))[1]["right"]
                           for r in rr) for k in pair]
                line.append(f"{got[0]}->{got[1]}/{len(rr)}")
            print("  " + "  ".join(line))

    # score.py on the same outputs of (a).
    table, proc = score_py_table(score_path, labels, {cap: results[("a", cap)].stdout for cap in captures}, work)
    mine = {"all": summary["a"]}
    per_a = defaultdict(Counter)
    for r in rows:
        truth, c, _ = score_row(r, results[("a", r["capture"])].hosts.get(r["client_ip"]))
        per_a[truth].update(c)
    mine.update(per_a)
    mismatch = [f"{fam}: score.py {table.get(fam)} vs {dict((k, mine[fam][k]) for k in SCORE_KEYS)}"
                for fam in sorted(set(table) | set(mine))
                if table.get(fam) != {k: mine[fam][k] for k in SCORE_KEYS}]
    if proc.returncode != 0 or not table:
        failures.append(f"score.py did not run: {proc.stderr.strip()[:300]}")
    elif mismatch:
        failures.extend(f"scoring differs from score.py: {m}" for m in mismatch)
    else:
        print(f"\nscore.py on the same outputs of (a): same table ({proc.stdout.strip().splitlines()[-1]})")

    # Pass / fail on (a).
    a = summary["a"]
    share = a["confident_wrong"] / a["confident"] if a["confident"] else 0.0
    max_share = float(floor.get("max_confident_wrong_share", 0.02))
    if "family_right" in floor and a["right"] < int(floor["family_right"]):
        failures.append(f"(a) family right {a['right']} is below the floor {floor['family_right']} ({args.floor})")
    if "strict" in floor and a["strict"] < int(floor["strict"]):
        failures.append(f"(a) strict {a['strict']} is below the floor {floor['strict']} ({args.floor})")
    if share > max_share:
        failures.append(f"(a) confident-wrong share {a['confident_wrong']}/{a['confident']} = {share:.1%} "
                        f"exceeds {max_share:.0%}")
    beat = a["right"] >= a["p0f_right"]
    if args.require_beat_p0f and not beat:
        failures.append(f"(a) family right {a['right']} is below p0f's {a['p0f_right']} on the same rows")
    elif not beat:
        notes.append(f"(a) family right {a['right']} is below p0f's {a['p0f_right']} (not required without "
                     "--require-beat-p0f)")

    if args.json_out:
        report.update({"floor": floor, "failures": failures, "notes": notes,
                       "seconds": round(time.time() - started, 1)})
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    print()
    for n in notes:
        print(f"note: {n}")
    for f_ in failures:
        print(f"FAIL: {f_}")
    n = a["hosts"]
    parts = [f"(a) right {a['right']}/{n} ({pct(a['right'], n)}) strict {a['strict']} answered {a['answered']} "
             f"confident-wrong {a['confident_wrong']}/{a['confident']}"]
    for key, label in (("b", "(b)"), ("c", "(c)"), ("d", "(c')")):
        if key in summary:
            parts.append(f"{label} right {summary[key]['right']} strict {summary[key]['strict']}")
    if "c" not in summary:
        parts.append("leave-one-repository-out skipped")
    parts.append(f"p0f right {a['p0f_right']} strict {a['p0f_strict']}")
    verdict = "FAIL" if failures else "ok"
    print(f"realworld: {n} hosts; " + "; ".join(parts) +
          f"; floor {floor.get('family_right', '-')}/{floor.get('strict', '-')}; {verdict} "
          f"({time.time() - started:.0f} s)")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


SCORE = None

if __name__ == "__main__":
    main()
