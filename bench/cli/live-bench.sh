#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# live-bench.sh - live capture throughput: `portclass profile -i` against `p0f -i`.
#
# Needs root. Builds a capture of at least --packets packets from the lab's
# lab.pcapng as run-bench.sh does (real kernel traffic, doubled with shifted
# timestamps), makes two network namespaces joined by a veth pair (created
# inside one, its peer moved into the other: the root namespace is never
# touched), and replays the capture with tcpreplay (--pps RATE) from one end
# while ONE listener runs on the other (two would measure their contention
# on two cores): `portclass profile -i` or `p0f -i`, both through libpcap
# with its default 2 MiB buffer and the same BPF filter ("tcp": p0f reads
# TCP only; p0f logs to a file with -o, its usual mode). A listener keeps a rate when it processed every TCP packet
# tcpreplay sent. Prints one row per rate and the highest rate each kept.
#
# Not part of CTest: speed belongs in benchmarks, and the numbers depend on
# the machine's load. Exit 0 measured, 2 bad usage or a missing tool.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORTCLASS="" PACKETS=1000000 RATES="50000 100000 200000 400000 800000" KEEP=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --portclass) PORTCLASS=${2:?}; shift 2 ;;
        --packets) PACKETS=${2:?}; shift 2 ;;
        --rates) RATES=${2:?}; shift 2 ;;
        --keep) KEEP=${2:?}; shift 2 ;;
        -h|--help) echo "usage: live-bench.sh [--portclass PATH] [--packets N] [--rates 'PPS ...'] [--keep DIR]"; exit 0 ;;
        *) echo "live-bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "live-bench.sh: needs root (network namespaces, capture)" >&2; exit 2; }
if [[ -z $PORTCLASS ]]; then
    PORTCLASS=$(ls -t "$ROOT"/build*/cli/portclass "$ROOT"/build*/*/cli/portclass 2>/dev/null | head -n1 || true)
fi
[[ -x $PORTCLASS ]] || { echo "live-bench.sh: no portclass binary (--portclass PATH)" >&2; exit 2; }
for tool in editcap mergecap capinfos tcpreplay p0f ip tcpdump; do
    command -v "$tool" >/dev/null || { echo "live-bench.sh: $tool not found (packages: wireshark-common, tcpreplay, p0f, iproute2, tcpdump)" >&2; exit 2; }
done
if [[ -n $KEEP ]]; then mkdir -p "$KEEP"; WORK=$KEEP; else WORK=$(mktemp -d /tmp/portclass-live.XXXXXX); fi
TX=pcbench$$-tx RX=pcbench$$-rx
LISTENER=""
cleanup() {
    [[ -n $LISTENER ]] && kill "$LISTENER" 2>/dev/null && wait "$LISTENER" 2>/dev/null
    ip netns del "$TX" 2>/dev/null || true
    ip netns del "$RX" 2>/dev/null || true
    [[ -z $KEEP ]] && rm -rf "$WORK"
    return 0
}
trap cleanup EXIT

count() { capinfos -M -T -r -c "$1" | awk -F'\t' '{print $NF}'; }
duration() { capinfos -M -T -r -u "$1" | awk -F'\t' '{print $NF}'; }
BIG=$WORK/bench.pcap
if [[ ! -s $BIG || $(count "$BIG") -lt $PACKETS ]]; then
    editcap -F pcap "$ROOT/samples/lab/captures/lab.pcapng" "$WORK/round.pcap"
    while [[ $(count "$WORK/round.pcap") -lt $PACKETS ]]; do
        shift_by=$(awk -v d="$(duration "$WORK/round.pcap")" 'BEGIN { printf "%d", d + 1 }')
        editcap -t "$shift_by" "$WORK/round.pcap" "$WORK/shifted.pcap"
        mergecap -a -F pcap -w "$WORK/next.pcap" "$WORK/round.pcap" "$WORK/shifted.pcap"
        mv "$WORK/next.pcap" "$WORK/round.pcap"
        rm -f "$WORK/shifted.pcap"
    done
    mv "$WORK/round.pcap" "$BIG"
fi
TCP=$(tcpdump -r "$BIG" -n tcp 2>/dev/null | wc -l)
echo "capture: $(count "$BIG") packets, $TCP TCP; listeners filter 'tcp'"

ip netns add "$RX"
ip netns add "$TX"
ip -n "$RX" link add veth-rx type veth peer name veth-tx netns "$TX"
ip -n "$RX" link set veth-rx up
ip -n "$TX" link set veth-tx up
ip -n "$RX" link set lo up

# listen TOOL RATE: one run; prints processed packets and kernel drops.
listen() {
    local tool=$1 rate=$2 out=$WORK/$1-$2
    rm -f "$out".*
    if [[ $tool == portclass ]]; then
        # --every writes an empty report once the handle is open: the readiness signal.
        ip netns exec "$RX" "$PORTCLASS" profile -i veth-rx --filter tcp --json -o "$out.json" --every 1h \
            2>"$out.err" &
        LISTENER=$!
        for ((i = 0; i < 100; i++)); do [[ -s $out.json ]] && break; sleep 0.05; done
    else
        ip netns exec "$RX" p0f -i veth-rx -o "$out.p0f" tcp >"$out.log" 2>&1 &
        LISTENER=$!
        for ((i = 0; i < 100; i++)); do grep -q 'Entered main event loop' "$out.log" 2>/dev/null && break; sleep 0.05; done
    fi
    local sent actual
    ip netns exec "$TX" tcpreplay -i veth-tx --pps "$rate" "$BIG" >"$out.replay" 2>&1
    sent=$(awk '/Successful packets:/ {print $3}' "$out.replay")
    # "Rated: B Bps, M Mbps, P pps": the rate tcpreplay reached (a loaded machine falls short).
    actual=$(awk '/Rated:/ {for (i = 1; i <= NF; i++) if ($(i) ~ /^pps/) {print int($(i-1)); exit}}' "$out.replay")
    sleep 1
    kill -INT "$LISTENER"; wait "$LISTENER" || true; LISTENER=""
    local got drops
    if [[ $tool == portclass ]]; then
        got=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["input"]["counters"]; print(c["packets"], c["kernel_dropped"])' "$out.json")
    else
        got="$(sed -n 's/.*Processed \([0-9]*\) packets.*/\1/p' "$out.log" | tail -1) -"
    fi
    read -r processed drops <<<"$got"
    echo "$sent ${actual:-?} $processed $drops"
}

printf '%-10s %10s %10s %10s %10s %11s %s\n' tool "asked pps" "actual pps" sent "TCP seen" "kernel drop" kept
# The highest rate kept with every lower rate kept too (one lucky run above a loss does not count).
declare -A BEST=([portclass]=0 [p0f]=0) LOST=([portclass]=0 [p0f]=0)
for rate in $RATES; do
    for tool in portclass p0f; do
        read -r sent actual processed drops <<<"$(listen "$tool" "$rate")"
        kept=no
        if [[ ${processed:-0} -ge $TCP ]]; then
            kept=yes
            [[ ${LOST[$tool]} -eq 0 ]] && BEST[$tool]=$actual
        else
            LOST[$tool]=1
        fi
        printf '%-10s %10s %10s %10s %10s %11s %s\n' "$tool" "$rate" "$actual" "$sent" "$processed" "$drops" "$kept"
    done
done
echo "highest actual rate kept (every TCP packet processed, and at every lower rate): portclass ${BEST[portclass]} pps, p0f ${BEST[p0f]} pps"
