# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/prometheus/portclass-rules.yml: `promtool check rules`, then
`promtool test rules` on series taken, at test time, from real
`portclass host --prometheus` runs in a network namespace this test makes.

The namespace has the range 40000-40099 (50 even, 50 odd) and a listener on
127.0.0.1:50000, outside it. Four real runs, one per phase, each held for
five minutes of the test's timeline (one sample a minute): idle; 45
connections (connect() took the even half: 90% of it, 45% of the range);
65 connections (65%: warning); 85 connections (85%: critical). The test then
expects exactly: no alert while idle, EphemeralPortsConnectHalf in the
parity phase, EphemeralPortsWarning in the warning phase (the parity rule
stays quiet then) and EphemeralPortsCritical in the critical phase.
Needs root and promtool (Debian's prometheus package); skips otherwise.
"""
import json
import os
import shutil
import subprocess
import tempfile

from clitest import Check, args, run, skip
from hostns import Namespaces, prometheus_samples, require_root

binary, source = args()
require_root()
if not shutil.which("promtool"):
    skip("promtool not found (Debian package prometheus; scripts/install-deps.sh installs it)")
check = Check("prometheus rules")
rules = os.path.abspath(os.path.join(source, "docs", "prometheus", "portclass-rules.yml"))
r = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True, timeout=60)
check.equal(r.returncode, 0, f"promtool check rules: {r.stdout}{r.stderr}")

ns = f"pcrules{os.getpid()}"
PHASE = 5  # minutes per phase
spaces = Namespaces()
try:
    spaces.add(ns, 40000, 40099)
    h = spaces.helper(ns)
    h.ask("listen 50000")
    phases = []
    for name, total in (("idle", 0), ("parity", 45), ("warning", 65), ("critical", 85)):
        want = total - sum(p[2] for p in phases[-1:]) if phases else total
        if want:
            h.ask(f"open {want} 50000")
        out = run(binary, "host", "--netns", ns, "--prometheus")
        check.equal(out.stderr, "", f"{name}: stderr empty")
        check.that(out.returncode in (0, 1, 4), f"{name}: exit {out.returncode}")
        phases.append((name, prometheus_samples(out.stdout), total))
        print(f"phase {name}: exit {out.returncode}")

    series = sorted({s for _, samples, _ in phases for s in samples})
    input_series = []
    for s in series:
        values = []
        for _, samples, _ in phases:
            v = samples.get(s)
            values += [("_" if v is None else repr(v))] * PHASE
        input_series.append({"series": s, "values": " ".join(values)})

    def alert(name, severity, summary):
        return {"exp_labels": {"severity": severity, "netns": ns},
                "exp_annotations": {"summary": f"Ephemeral ports  {ns}: {summary}",
                                    "description": DESCRIPTIONS[name]}}

    DESCRIPTIONS = {
        "EphemeralPortsWarning": "Run `portclass host` there for the processes, destinations and remedies.",
        "EphemeralPortsCritical": "connect() is close to EADDRNOTAVAIL; `portclass host` prints the remedies.",
        "EphemeralPortsConnectHalf": "connect() takes one parity first (Linux >= 4.6); past it, it scans the other half, slower.",
    }
    SUMMARIES = {
        "EphemeralPortsWarning": ("warning", "60% of the range taken"),
        "EphemeralPortsCritical": ("critical", "80% of the range taken"),
        "EphemeralPortsConnectHalf": ("warning", "connect()'s half of the range 60% taken"),
    }
    # Evaluated at the end of each phase (the rules' `for` has run out by then).
    firing = {"idle": None, "parity": "EphemeralPortsConnectHalf", "warning": "EphemeralPortsWarning",
              "critical": "EphemeralPortsCritical"}
    tests = []
    for i, (name, _, _) in enumerate(phases):
        at = f"{(i + 1) * PHASE - 1}m"
        for rule in SUMMARIES:
            expected = [alert(rule, *SUMMARIES[rule])] if firing[name] == rule else []
            tests.append({"eval_time": at, "alertname": rule, "exp_alerts": expected})
    doc = {"rule_files": [rules], "evaluation_interval": "1m",
           "tests": [{"interval": "1m", "input_series": input_series, "alert_rule_test": tests}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "portclass-rules-test.yml")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)  # JSON is YAML
        r = subprocess.run(["promtool", "test", "rules", path], capture_output=True, text=True, timeout=120)
        check.equal(r.returncode, 0, f"promtool test rules on {len(input_series)} real series: {r.stdout}{r.stderr}")
    print(f"{len(input_series)} series from 4 real runs, {len(tests)} alert checks")
finally:
    spaces.close()
check.done()
