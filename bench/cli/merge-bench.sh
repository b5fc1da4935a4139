#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# merge-bench.sh - `portclass profile --merge` over many real profile documents.
#
# Slices the sample lab's lab.pcapng and the real captures of
# ../shared/realworld (when present) with `editcap -c`, runs a real
# `portclass profile --json` on every slice until --docs documents exist
# (two at a time), then times `--merge` of all of them named on the command
# line (shuffled, twice: the outputs must be identical) and as one stream on
# standard input, with the peak RSS of each (/usr/bin/time).
#
# Not part of CTest (cli.profile_merge checks the same on 600 documents).
# Exit 0 measured, 1 the two shuffled merges differ, 2 bad usage or a missing tool.
set -euo pipefail

usage() { echo "usage: merge-bench.sh [--portclass PATH] [--docs N] [--keep DIR]"; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)
PORTCLASS="" DOCS=10000 KEEP=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --portclass) PORTCLASS=$2; shift 2 ;;
        --docs) DOCS=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
if [[ -z $PORTCLASS ]]; then
    PORTCLASS=$(ls -t "$SOURCE"/build/*/cli/portclass "$SOURCE"/build*/cli/portclass 2>/dev/null | head -1 || true)
fi
[[ -x $PORTCLASS ]] || { echo "merge-bench.sh: no portclass binary (--portclass PATH)" >&2; exit 2; }
for tool in editcap /usr/bin/time xargs shuf; do
    command -v "$tool" >/dev/null || { echo "merge-bench.sh: $tool not found" >&2; exit 2; }
done
if [[ -n $KEEP ]]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
export WORK PORTCLASS
mkdir -p "$WORK/slices"

# Slices: the lab in slices of 2 packets, real captures in slices of 10, until enough.
n=0
for cap in "$SOURCE/samples/lab/captures/lab.pcapng" "$SOURCE"/../shared/realworld/captures/*.pcap*; do
    [[ -f $cap ]] || continue
    "$PORTCLASS" profile "$cap" >/dev/null 2>&1 || continue  # libpcap cannot read some mixed-link pcapng
    size=10; [[ $cap == */lab.pcapng ]] && size=2
    editcap -F pcapng -c "$size" "$cap" "$WORK/slices/c$(printf %03d $n).pcapng" >/dev/null 2>&1 || continue
    n=$((n + 1))
    [[ $(find "$WORK/slices" -name '*.pcapng' | wc -l) -ge $DOCS ]] && break
done
ls "$WORK/slices"/*.pcapng > "$WORK/all-slices.txt"  # (head in a pipe would SIGPIPE ls under pipefail)
head -n "$DOCS" "$WORK/all-slices.txt" > "$WORK/slices.txt"
have=$(wc -l < "$WORK/slices.txt")
echo "$have slices of $n real captures"
start=$(date +%s.%N)
xargs -P 2 -I{} sh -c '"$0" profile --json "$1" > "$1.json"' "$PORTCLASS" {} < "$WORK/slices.txt"
echo "made $have documents with real profile --json runs in $(echo "$(date +%s.%N) - $start" | bc) s"
sed 's/$/.json/' "$WORK/slices.txt" > "$WORK/docs.txt"

measure() {  # label, then the command; prints wall time and peak RSS
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@"
    read -r wall rss < "$WORK/time.txt"
    printf '%-34s %6s s  peak RSS %6d KiB\n' "$label" "$wall" "$rss"
}
shuf --random-source=<(yes 1) "$WORK/docs.txt" > "$WORK/order1.txt"
shuf --random-source=<(yes 2) "$WORK/docs.txt" > "$WORK/order2.txt"
# One command line (10,000 paths are about 0.5 MB, under Linux's 2 MB ARG_MAX): xargs would split it.
mapfile -t order1 < "$WORK/order1.txt"
mapfile -t order2 < "$WORK/order2.txt"
measure "--merge $have files (order 1)" sh -c '"$0" profile --merge --json "$@" > "$WORK/m1.json"' "$PORTCLASS" "${order1[@]}"
measure "--merge $have files (order 2)" sh -c '"$0" profile --merge --json "$@" > "$WORK/m2.json"' "$PORTCLASS" "${order2[@]}"
measure "--merge - ($have documents, 1 stream)" sh -c 'xargs -a "$WORK/docs.txt" -d "\n" cat | "$PORTCLASS" profile --merge --json - > "$WORK/m3.json"'
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
a, b, c = (json.load(open(f"{w}/{n}.json")) for n in ("m1", "m2", "m3"))
print(f"hosts: {len(a['hosts'])}; documents: {a['input']['documents']}")
same = a["hosts"] == b["hosts"] and a["analysis"] == b["analysis"]
print("two shuffled orders:", "identical" if same else "DIFFERENT")
print("the stream (name order):", "identical" if c["hosts"] == a["hosts"] else "differs in port sequences only"
      if all(a["hosts"][h]["packets"] == c["hosts"][h]["packets"] for h in a["hosts"]) else "DIFFERENT")
sys.exit(0 if same else 1)
PY
