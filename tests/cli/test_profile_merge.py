# SPDX-License-Identifier: GPL-2.0-or-later
"""`portclass profile --merge` over many profile documents, each made by a
real `profile --json` run over a slice (editcap -c) of a real capture: the
lab's and, when present, ../shared/realworld's.

- the merge is the same in any order (sorted, reversed, shuffled) and
  through standard input as one stream of concatenated documents;
- it equals the merge of the whole captures' documents (slices of one
  capture do not overlap in time, so the merge is exact);
- peak memory is the same for a tenth of the documents as for all of them
  (bounded by hosts, not by documents);
- merging one cumulative snapshot twice counts its packets twice (what
  docs/scale.md warns about) while the port sets stay the same.

The issue asks for 10,000 documents; each `profile --json` run costs about
0.1 s of a core here, so CI makes PORTCLASS_MERGE_DOCS (default 600) and
bench/cli/merge-bench.sh measures 10,000.
"""
import concurrent.futures
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from clitest import Check, args, lab_captures, peak_rss_kib, sanitized, skip

binary, source = args()
captures = lab_captures(source)
if not shutil.which("editcap"):
    skip("editcap not found (package wireshark-common)")
check = Check("profile (merge)")
wanted = int(os.environ.get("PORTCLASS_MERGE_DOCS", "600"))
realworld = sorted(glob.glob(os.path.join(source, "..", "shared", "realworld", "captures", "*.pcap*")))


def profile_json(*arguments, stdin=None):
    r = subprocess.run([binary, "profile", "--json", *arguments], stdin=stdin, capture_output=True, timeout=600)
    if r.returncode != 0:
        check.that(False, f"profile --json {' '.join(arguments)[:200]}: exit {r.returncode}: {r.stderr.decode().strip()}")
        return None
    return json.loads(r.stdout)


with tempfile.TemporaryDirectory() as tmp:
    # Slices: the lab capture in slices of 20 packets, then real captures in slices of 100, until enough.
    sources = [(os.path.join(captures, "lab.pcapng"), 20)] + [(p, 100) for p in realworld if os.path.getsize(p) < 3_000_000]
    slices, wholes = [], []
    for i, (path, size) in enumerate(sources):
        if len(slices) >= wanted:
            break
        out = os.path.join(tmp, f"c{i:03d}.pcapng")
        if subprocess.run(["editcap", "-F", "pcapng", "-c", str(size), path, out], capture_output=True).returncode != 0:
            continue
        made = sorted(glob.glob(os.path.join(tmp, f"c{i:03d}_*")))
        # Only captures libpcap reads whole (some real files mix link types in one pcapng).
        if subprocess.run([binary, "profile", path], capture_output=True).returncode != 0:
            for m in made:
                os.unlink(m)
            continue
        slices += made
        wholes.append(path)
    slices = slices[:wanted]
    # A capture only partly sliced would not equal its whole: keep whole captures' slices only.
    used = {os.path.basename(s).split("_")[0] for s in slices}
    print(f"{len(slices)} slices of {len(used)} real captures")

    def make(path):
        doc = path + ".json"
        with open(doc, "wb") as f:
            r = subprocess.run([binary, "profile", "--json", path], stdout=f, stderr=subprocess.PIPE, timeout=120)
        return doc if r.returncode == 0 else (path, r.stderr.decode())

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(make, slices))
    failed = [m for m in made if isinstance(m, tuple)]
    check.equal(failed, [], "every slice profiled")
    docs = [m for m in made if isinstance(m, str)]

    # The captures whose every slice is in: their wholes' merge is the reference.
    complete = []
    for i, path in enumerate(wholes):
        prefix = f"c{i:03d}_"
        mine = [d for d in docs if os.path.basename(d).startswith(prefix)]
        if mine and len(mine) == len(glob.glob(os.path.join(tmp, prefix + "*.pcapng"))):
            complete.append((path, mine))
    docs = [d for _, mine in complete for d in mine]
    whole_docs = []
    for i, (path, _) in enumerate(complete):
        w = os.path.join(tmp, f"whole{i:03d}.json")
        with open(w, "w") as f:
            json.dump(profile_json(path), f)
        whole_docs.append(w)
    reference = profile_json("--merge", *whole_docs)
    print(f"{len(docs)} documents from {len(complete)} captures, {len(reference['hosts'])} hosts")
    check.that(len(docs) >= min(wanted, 200), f"enough documents ({len(docs)})")

    rng = random.Random(12)
    orders = {"sorted": sorted(docs), "reversed": sorted(docs, reverse=True)}
    for k in range(2):
        shuffled = docs[:]
        rng.shuffle(shuffled)
        orders[f"shuffled {k}"] = shuffled
    for name, order in orders.items():
        # Through a list file and xargs-like batches would also do; the command line holds them here.
        merged = profile_json("--merge", *order)
        if merged:
            check.that(merged["hosts"] == reference["hosts"], f"merge ({name}) equals the merge of the whole captures")
            check.that(merged["analysis"] == reference["analysis"], f"merge ({name}): the same analysis")
            check.equal(merged["input"]["documents"], len(docs), f"merge ({name}): documents counted")
    def streamed(order):
        stream = os.path.join(tmp, "stream.json")
        with open(stream, "wb") as out:
            for d in order:
                with open(d, "rb") as f:
                    out.write(f.read())
        with open(stream, "rb") as f:
            return profile_json("--merge", "-", stdin=f)

    def sequenceless(hosts):
        """The profiles without their port sequences, the one order-dependent part."""
        out = {}
        for a, h in hosts.items():
            h = json.loads(json.dumps(h))
            for t in h["transports"].values():
                t.pop("client_sequence", None)
            h.get("dns", {}).pop("sequence", None)
            out[a] = h
        return out

    # Standard input is read once, in the order given: in capture order it is exact.
    merged = streamed(orders["sorted"])
    check.that(merged is not None and merged["hosts"] == reference["hosts"],
               "one stream of concatenated documents on standard input, in capture order, merges the same")
    # Out of order only the port sequences differ (docs/scale.md says so).
    merged = streamed(orders["shuffled 0"])
    check.that(merged is not None and sequenceless(merged["hosts"]) == sequenceless(reference["hosts"]),
               "a stream out of time order: everything but the port sequences the same")

    tenth = orders["shuffled 1"][: max(1, len(docs) // 10)]
    small = peak_rss_kib(binary, "profile", "--merge", "--json", *tenth)
    large = peak_rss_kib(binary, "profile", "--merge", "--json", *docs)
    print(f"merge peak RSS: {small} KiB for {len(tenth)} documents, {large} KiB for {len(docs)}")
    if sanitized(binary):
        print("NOTE: memory not compared: ASan's quarantine keeps freed memory (the normal build compares it)")
    else:
        check.that(small and large and large - small < 4096, f"merge memory bounded by hosts ({small} vs {large} KiB)")

    # A cumulative snapshot merged twice counts twice.
    one = whole_docs[0]
    twice = profile_json("--merge", one, one)
    once = profile_json("--merge", one)
    a = next(iter(once["hosts"]))
    check.equal(twice["hosts"][a]["packets"], 2 * once["hosts"][a]["packets"], "the same snapshot twice: packets doubled")
    check.equal(twice["hosts"][a]["transports"], {t: {**v, "ttl": {k: n * 2 for k, n in v["ttl"].items()},
                                                      "client_sequence": twice["hosts"][a]["transports"][t]["client_sequence"]}
                                                  for t, v in once["hosts"][a]["transports"].items()},
                "... ports the same, TTL counts doubled")

    r = subprocess.run([binary, "profile", "--merge", "-"], input=b'{"format":"portclass-profiles"', capture_output=True)
    check.that(r.returncode == 2 and len(r.stderr.splitlines()) == 1, "a cut document on standard input: exit 2, one line")
    r = subprocess.run([binary, "profile", "--merge", "-"], input=b"", capture_output=True)
    check.that(r.returncode == 2 and b"no profile document" in r.stderr, "nothing on standard input: exit 2, one line")

check.done()
