# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad input: exactly one line on stderr, nothing on stdout, exit 2. And
--help on every command: exit 0, usage on stdout."""
import os
import subprocess
import tempfile

from clitest import Check, args, lab_captures, run

binary, source = args()
captures = lab_captures(source)
check = Check("bad input")

with tempfile.TemporaryDirectory(prefix="portclass-bad-") as tmp:
    # A capture cut in the middle of a record, the way a copy that ran out of disk looks.
    whole = os.path.join(captures, "linux.pcap")
    truncated = os.path.join(tmp, "truncated.pcap")
    size = os.path.getsize(whole)
    with open(truncated, "wb") as out:
        subprocess.run(["head", "-c", str(size // 2 + 7), whole], stdout=out, check=True)
    empty = os.path.join(tmp, "empty.pcap")
    open(empty, "wb").close()
    not_json = os.path.join(tmp, "not.json")
    with open(not_json, "w") as f:
        f.write("{ this is not json")
    wrong_doc = os.path.join(tmp, "wrong.json")
    with open(wrong_doc, "w") as f:
        f.write('{"format": "portclass-profiles", "version": 2, "hosts": {"10.0.0.300": {}}}')
    bad_profiles = os.path.join(tmp, "profiles.toml")
    with open(bad_profiles, "w") as f:
        f.write('[[profile]]\nid = "Bad Id"\n')

    cases = [
        (["explain", "70000"], "70000"),
        (["explain", "abc/tcp"], "abc"),
        (["explain", "80/sctp"], "sctp"),
        (["explain", "-1"], None),
        (["explain", "80", "--os-profiles", bad_profiles], "profiles.toml"),
        (["explain"], "port"),
        (["explain", "80", "81"], None),
        (["profile", "/nonexistent/capture.pcap"], "/nonexistent/capture.pcap"),
        (["profile", truncated], "truncated.pcap"),
        (["profile", empty], "empty.pcap"),
        (["profile", tmp], tmp),
        (["profile", os.path.join(captures, "labels.tsv")], "labels.tsv"),
        (["profile", "--merge", not_json], "not.json"),
        (["profile", "--merge", wrong_doc], "wrong.json"),
        (["profile", "--merge", "/nonexistent/profile.json"], "profile.json"),
        (["profile"], None),
        (["host", "--netns", "portclass-no-such-namespace"], "portclass-no-such-namespace"),
        (["host", "--netns", "../etc"], "../etc"),
        (["host", "--warning", "90", "--critical", "80"], "--warning"),
        (["host", "--warning", "150"], None),
        (["host", "--json", "--prometheus"], None),
        (["frobnicate"], None),
        ([], None),
    ]
    for arguments, mentions in cases:
        r = run(binary, *arguments)
        what = "portclass " + " ".join(arguments)
        lines = r.stderr.splitlines()
        check.equal(r.returncode, 2, f"{what}: exit code")
        check.that(len(lines) == 1 and lines[0].strip(), f"{what}: one line on stderr, got {r.stderr!r}")
        check.equal(r.stdout, "", f"{what}: nothing on stdout")
        if mentions:
            check.that(mentions in r.stderr, f"{what}: the message names {mentions!r}: {r.stderr.strip()!r}")
        print(f"  {what[:70]:<70} -> {r.stderr.strip()}")

for command in ([], ["explain"], ["host"], ["profile"]):
    r = run(binary, *command, "--help")
    check.equal(r.returncode, 0, f"portclass {' '.join(command)} --help: exit code")
    check.that("Usage:" in r.stdout and "Exit codes" in r.stdout, f"portclass {' '.join(command)} --help: usage and exit codes")
r = run(binary, "--version")
check.that(r.returncode == 0 and r.stdout.startswith("portclass "), f"--version: {r.stdout!r}")
check.done()
