#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-bench.sh - `portclass profile` throughput against `p0f -r` on the same file.
#
# Builds a capture of at least --packets packets (default 1000000) from the
# sample lab's lab.pcapng by doubling it: each round appends a copy shifted in
# time past the end of the previous file (editcap -t, mergecap -a), so the
# packets are real kernel traffic and timestamps stay monotonic. Then reads it
# with `portclass profile` and with `p0f -r` (Debian's p0f 3.09b, its own
# fingerprint file /etc/p0f/p0f.fp, output to /dev/null), best of --runs runs
# each, and prints packets per second for both.
#
# Not part of CTest: speed belongs in benchmarks, not timed tests.
# Exit 0 measured, 2 bad usage or a missing tool.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: run-bench.sh [--portclass PATH] [--packets N] [--runs N] [--keep DIR]

  --portclass PATH  the portclass binary (default: the newest build*/[*/]cli/portclass;
                    use a Release build for figures worth quoting)
  --packets N       minimum packets in the benchmark capture (default 1000000)
  --runs N          runs per tool, the best is reported (default 3)
  --keep DIR        build the capture in DIR and keep it (default: a temp dir, removed)
USAGE
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORTCLASS="" PACKETS=1000000 RUNS=3 KEEP=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --portclass) PORTCLASS=${2:?}; shift 2 ;;
        --packets) PACKETS=${2:?}; shift 2 ;;
        --runs) RUNS=${2:?}; shift 2 ;;
        --keep) KEEP=${2:?}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ $PACKETS =~ ^[0-9]+$ && $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run-bench.sh: --packets and --runs take numbers" >&2; exit 2; }
if [[ -z $PORTCLASS ]]; then
    PORTCLASS=$(ls -t "$ROOT"/build*/cli/portclass "$ROOT"/build*/*/cli/portclass 2>/dev/null | head -n1 || true)
fi
[[ -n $PORTCLASS && -x $PORTCLASS ]] || { echo "run-bench.sh: no portclass binary (build it, or pass --portclass)" >&2; exit 2; }
for tool in editcap mergecap capinfos p0f; do
    command -v "$tool" >/dev/null || { echo "run-bench.sh: $tool not found (packages: wireshark-common, p0f)" >&2; exit 2; }
done
SOURCE=$ROOT/samples/lab/captures/lab.pcapng
[[ -r $SOURCE ]] || { echo "run-bench.sh: $SOURCE missing (samples/lab/make-lab.sh builds it)" >&2; exit 2; }
FP=/etc/p0f/p0f.fp
[[ -r $FP ]] || { echo "run-bench.sh: $FP missing (package p0f)" >&2; exit 2; }

if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP"; WORK=$KEEP
else
    WORK=$(mktemp -d /tmp/portclass-bench.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
fi

# capinfos: -M exact numbers, -T table, -r no header.
count() { capinfos -M -T -r -c "$1" | awk -F'\t' '{print $NF}'; }
duration() { capinfos -M -T -r -u "$1" | awk -F'\t' '{print $NF}'; }

BIG=$WORK/bench.pcap
if [[ ! -s $BIG || $(count "$BIG") -lt $PACKETS ]]; then
    editcap -F pcap "$SOURCE" "$WORK/round.pcap"
    while [[ $(count "$WORK/round.pcap") -lt $PACKETS ]]; do
        shift_by=$(awk -v d="$(duration "$WORK/round.pcap")" 'BEGIN { printf "%d", d + 1 }')
        editcap -t "$shift_by" "$WORK/round.pcap" "$WORK/shifted.pcap"
        mergecap -a -F pcap -w "$WORK/next.pcap" "$WORK/round.pcap" "$WORK/shifted.pcap"
        mv "$WORK/next.pcap" "$WORK/round.pcap"
        rm -f "$WORK/shifted.pcap"
    done
    mv "$WORK/round.pcap" "$BIG"
fi
N=$(count "$BIG")
SIZE=$(stat -c %s "$BIG")
echo "capture: $BIG, $N packets, $((SIZE / 1024 / 1024)) MiB (lab.pcapng doubled, time-shifted)"

now() { date +%s.%N; }
# best_of CMD...: the shortest wall time of $RUNS runs, in seconds.
best_of() {
    local best="" start end t
    for ((i = 0; i < RUNS; i++)); do
        start=$(now)
        "$@" >/dev/null 2>&1 || { echo "run-bench.sh: failed: $*" >&2; exit 2; }
        end=$(now)
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
        if [[ -z $best ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    echo "$best"
}

# Warm the page cache so both tools read from memory.
cat "$BIG" >/dev/null
T_PC=$(best_of "$PORTCLASS" profile "$BIG")
T_P0F=$(best_of p0f -r "$BIG" -f "$FP")
rate() { awk -v n="$N" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
printf '%-34s %10s s %14s packets/s\n' "portclass profile" "$T_PC" "$(rate "$T_PC")"
printf '%-34s %10s s %14s packets/s\n' "p0f -r (p0f.fp, output discarded)" "$T_P0F" "$(rate "$T_P0F")"
echo "(best of $RUNS runs each; portclass profiles every TCP and UDP packet into per-host profiles and infers per host;"
echo " p0f fingerprints TCP SYN/SYN+ACK and HTTP headers, tracking flows)"
