#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-bench.sh - what portclass.so costs tshark, against tshark alone and
# against the same per-packet classification written in Lua.
#
# usage: bench/plugin/run-bench.sh [BUILD_DIR]
#
# BUILD_DIR (default: build) holds plugins/4.0/epan/portclass.so; build it
# with -DCMAKE_BUILD_TYPE=Release for meaningful numbers.
#
# It builds a capture of exactly MIN_PACKETS packets (default 1000000) from
# time-shifted copies of samples/lab/captures/lab.pcapng, then runs
# `tshark -2 -T fields` (two passes, the same standard fields) RUNS times
# (default 3) for each of:
#   tshark         no plugin at all (an empty WIRESHARK_PLUGIN_DIR)
#   plugin         portclass.so
#   lua            bench/plugin/portclass.lua as a Lua post-dissector
#   plugin+fields  portclass.so, also extracting portclass fields (only with
#                  FIELDS_ROW=1; for reference)
# interleaved, so that load changes on the machine hit all alike, and prints
# the medians and what each variant adds to tshark alone (the median of
# per-round paired differences, which cancels most load changes). It measures CPU time
# (user + system of tshark) as well as wall-clock time: on a shared machine
# the CPU time is the steadier of the two, and the verdict uses it.
# Targets: the plugin adds under 5% to tshark's time, and at least ten times
# less than the Lua version adds.
#
# Not part of CTest: it takes several minutes. Needs tshark, editcap, mergecap,
# capinfos (wireshark-common), python3; as root, setpriv (util-linux), because
# tshark ignores WIRESHARK_PLUGIN_DIR for root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/build}
RUNS=${RUNS:-3}
FIELDS_ROW=${FIELDS_ROW:-0}
MIN_PACKETS=${MIN_PACKETS:-1000000}
SOURCE=${SOURCE:-$ROOT/samples/lab/captures/lab.pcapng}

die() { printf 'run-bench.sh: %s\n' "$*" >&2; exit 1; }
for tool in tshark editcap mergecap capinfos python3; do
    command -v "$tool" >/dev/null || die "$tool not found (packages: tshark wireshark-common python3)"
done
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || die "RUNS must be 1-99"
[[ $MIN_PACKETS =~ ^[1-9][0-9]*$ ]] || die "MIN_PACKETS must be a positive number"
PLUGIN=$(ls "$BUILD"/plugins/*/epan/portclass.so 2>/dev/null | head -n1 || true)
[[ -n $PLUGIN ]] || die "no plugins/*/epan/portclass.so under $BUILD (build the portclass_plugin target)"
[[ -r $SOURCE ]] || die "no $SOURCE (samples/lab/make-lab.sh builds it)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
case $build_type in
    Release|RelWithDebInfo) ;;
    *) printf 'run-bench.sh: warning: %s is a "%s" build; use Release for these numbers\n' "$BUILD" "$build_type" >&2 ;;
esac

WORK=$(mktemp -d /tmp/portclass-bench.XXXXXX)
trap 'rm -rf -- "$WORK"' EXIT
chmod 755 "$WORK"
rel=${PLUGIN#"$BUILD"/plugins/}  # 4.0/epan/portclass.so
mkdir -p "$WORK/with/$(dirname "$rel")" "$WORK/without" "$WORK/home"
cp "$PLUGIN" "$WORK/with/$rel"
cp "$HERE/portclass.lua" "$WORK/portclass.lua"
cp "$HERE/timed.py" "$WORK/timed.py"

# tshark as a user it will take WIRESHARK_PLUGIN_DIR from.
RUN_AS=()
if [[ $EUID -eq 0 ]]; then
    command -v setpriv >/dev/null || die "running as root needs setpriv (util-linux)"
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chown 65534:65534 "$WORK/home"
fi

count() { capinfos -M -c -T "$1" | awk -F'\t' 'NR==2 {print $2}'; }

# The capture: copies of the lab, each shifted past the previous one's end,
# doubled until it is large enough, then cut to MIN_PACKETS.
editcap -F pcap "$SOURCE" "$WORK/big.pcap"
source_packets=$(count "$WORK/big.pcap")
packets=$source_packets
span=$(capinfos -M -u -T "$WORK/big.pcap" | awk -F'\t' 'NR==2 {printf "%d", $2 + 1}')
while (( packets < MIN_PACKETS )); do
    editcap -t "$span" "$WORK/big.pcap" "$WORK/shifted.pcap"
    mergecap -a -F pcap -w "$WORK/next.pcap" "$WORK/big.pcap" "$WORK/shifted.pcap"
    mv "$WORK/next.pcap" "$WORK/big.pcap"
    rm -f "$WORK/shifted.pcap"
    packets=$((packets * 2))
    span=$((span * 2))
done
editcap -r "$WORK/big.pcap" "$WORK/cut.pcap" "1-$MIN_PACKETS"
mv "$WORK/cut.pcap" "$WORK/big.pcap"
chmod 644 "$WORK/big.pcap" "$WORK/portclass.lua"
chmod -R a+rX "$WORK/with" "$WORK/without"
packets=$(count "$WORK/big.pcap")
printf 'capture: %s packets (copies of %s, %s packets each)\n' "$packets" "$(basename "$SOURCE")" "$source_packets"

FIELDS=(-e frame.number -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport)
PC_FIELDS=(-e portclass.client.port -e portclass.client.method -e portclass.host.os -e portclass.service)

as_user() { "${RUN_AS[@]}" env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$1" "${@:2}"; }

# run PLUGIN_DIR [tshark args...]: one run; prints "wall cpu" seconds.
run() {
    local plugins=$1; shift
    python3 "$WORK/timed.py" "$WORK/stderr" "${RUN_AS[@]}" env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$plugins" \
        tshark -2 -r "$WORK/big.pcap" -T fields "${FIELDS[@]}" "$@" || die "tshark failed: $(cat "$WORK/stderr")"
}

# Each variant must really run what it claims before it is timed.
as_user "$WORK/with" tshark -G plugins | grep -q portclass.so || die "tshark does not load the plugin"
if as_user "$WORK/without" tshark -G plugins | grep -q portclass.so; then die "the baseline loads the plugin"; fi
as_user "$WORK/without" tshark -X lua_script:"$WORK/portclass.lua" -r "$WORK/big.pcap" -c 50 -T fields \
    -e portclass_lua.client.method | grep -q . || die "the Lua post-dissector produces nothing"

variants=(tshark plugin lua)
(( FIELDS_ROW )) && variants+=(plugin+fields)
declare -A wall=() cpu=()
for ((i = 1; i <= RUNS; i++)); do
    line="run $i/$RUNS:"
    for v in "${variants[@]}"; do
        case $v in
            tshark) r=$(run "$WORK/without") ;;
            plugin) r=$(run "$WORK/with") ;;
            lua) r=$(run "$WORK/without" -X lua_script:"$WORK/portclass.lua") ;;
            plugin+fields) r=$(run "$WORK/with" "${PC_FIELDS[@]}") ;;
        esac
        wall[$v]+="${r% *} "
        cpu[$v]+="${r#* } "
        line+="  $v ${r% *}s (cpu ${r#* }s)"
    done
    echo "$line"
done

args=()
for v in "${variants[@]}"; do args+=("$v" "${wall[$v]}" "${cpu[$v]}"); done
python3 "$HERE/report.py" "$packets" "${args[@]}"
