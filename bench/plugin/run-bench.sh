#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-bench.sh - what portclass.so costs tshark (issue 15), side by side:
# tshark alone, the plugin answering four fields, a Lua post-dissector giving
# the same four answers, the plugin answering every field, and a GUI-like
# two-pass run with the sample profile's columns with and without the plugin.
#
# usage: bench/plugin/run-bench.sh [BUILD_DIR]
#
# BUILD_DIR (default: build) holds plugins/4.0/epan/portclass.so and
# bench/plugin/portclass_lua_tables; configure it with
# -DCMAKE_BUILD_TYPE=Release -DPORTCLASS_BUILD_BENCH=ON and build the targets
# portclass_plugin and portclass_lua_tables.
#
# Environment:
#   PACKETS=1000000   the timed capture: real traffic from ../shared/realworld
#                     (make-capture.sh), built in BUILD_DIR/bench-plugin
#   RUNS=5            timed rounds; the rows run interleaved in each round
#   CG_PACKETS=100000 instruction counts (valgrind --tool=callgrind, one run
#                     per row) on the first CG_PACKETS packets; 0: none
#   TIMED=1           0: instruction counts only
#
# Rows (every one is `tshark -2 -r CAPTURE -T fields -e tcp.srcport -e udp.srcport ...`):
#   tshark      no plugin (an empty WIRESHARK_PLUGIN_DIR)
#   plugin4     + portclass.src.cat, .dst.cat, .client.port, .client.range_of
#   lua4        + bench/plugin/portclass.lua giving those four answers
#   pluginall   + every portclass.* field
#   gui         -C portclass (samples/wireshark/): the packet-list columns,
#               -e _ws.col.* of each, no plugin
#   gui+plugin  the same with the plugin
# Before timing, one run with the plugin and the Lua peer together checks
# that their four columns are equal on every packet.
#
# Targets (a target is met when the instruction counts meet it and the timed
# medians agree): plugin4 adds <= 3% to tshark and at least 10 times less
# than lua4 adds; pluginall adds <= 15%; gui+plugin adds <= 10% to gui.
#
# CPU time is user + system of tshark (timed.py); tshark runs as an ordinary
# user (uid 65534 through setpriv when started as root: tshark ignores
# WIRESHARK_PLUGIN_DIR for root). Not part of CTest: it takes a long time.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
RUNS=${RUNS:-5}
PACKETS=${PACKETS:-1000000}
CG_PACKETS=${CG_PACKETS:-100000}
TIMED=${TIMED:-1}

die() { printf 'run-bench.sh: %s\n' "$*" >&2; exit 1; }
for tool in tshark editcap mergecap capinfos python3; do
    command -v "$tool" >/dev/null || die "$tool not found (packages: tshark wireshark-common python3)"
done
(( CG_PACKETS == 0 )) || command -v valgrind >/dev/null || die "valgrind not found (CG_PACKETS=0 skips instruction counts)"
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || die "RUNS must be 1-99"
PLUGIN=$(ls "$BUILD"/plugins/*/epan/portclass.so 2>/dev/null | head -n1 || true)
[[ -n $PLUGIN ]] || die "no plugins/*/epan/portclass.so under $BUILD (build the portclass_plugin target)"
TABLES_TOOL=$BUILD/bench/plugin/portclass_lua_tables
[[ -x $TABLES_TOOL ]] || die "no $TABLES_TOOL (configure with -DPORTCLASS_BUILD_BENCH=ON, build portclass_lua_tables)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
[[ $build_type == Release ]] || printf 'run-bench.sh: warning: %s is a "%s" build; use Release for these numbers\n' "$BUILD" "$build_type" >&2

DATA=$BUILD/bench-plugin
mkdir -p "$DATA"
chmod 755 "$DATA"
CAPTURE=$DATA/realworld-$PACKETS.pcapng
"$HERE/make-capture.sh" "$CAPTURE" "$PACKETS" >/dev/null
SLICE=$DATA/realworld-$PACKETS-first-$CG_PACKETS.pcapng
if (( CG_PACKETS > 0 )) && [[ ! -s $SLICE ]]; then
    editcap -F pcapng -r "$CAPTURE" "$SLICE" "1-$CG_PACKETS"
    chmod 644 "$SLICE"
fi

WORK=$(mktemp -d /tmp/portclass-bench.XXXXXX)
trap 'rm -rf -- "$WORK"' EXIT
chmod 755 "$WORK"
rel=${PLUGIN#"$BUILD"/plugins/}  # 4.0/epan/portclass.so
mkdir -p "$WORK/with/$(dirname "$rel")" "$WORK/without" "$WORK/home/.config/wireshark/profiles"
cp "$PLUGIN" "$WORK/with/$rel"
cp "$HERE/portclass.lua" "$HERE/timed.py" "$WORK/"
cp -r "$ROOT/samples/wireshark/profiles/portclass" "$WORK/home/.config/wireshark/profiles/"
"$TABLES_TOOL" >"$WORK/tables.lua"
chmod -R a+rX "$WORK"

RUN_AS=()
if [[ $EUID -eq 0 ]]; then
    command -v setpriv >/dev/null || die "running as root needs setpriv (util-linux)"
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chown -R 65534:65534 "$WORK/home"
fi
as_user() { "${RUN_AS[@]}" env HOME="$WORK/home" PORTCLASS_LUA_TABLES="$WORK/tables.lua" WIRESHARK_PLUGIN_DIR="$1" "${@:2}"; }

BASE=(-T fields -e tcp.srcport -e udp.srcport)
FOUR=(-e portclass.src.cat -e portclass.dst.cat -e portclass.client.port -e portclass.client.range_of)
LUA_FOUR=(-e portclass_lua.src.cat -e portclass_lua.dst.cat -e portclass_lua.client.port -e portclass_lua.client.range_of)
ALL=()
while read -r name; do ALL+=(-e "$name"); done < <(as_user "$WORK/with" tshark -G fields |
    awk -F'\t' '$1 == "F" && $3 ~ /^portclass\./ {print $3}')
(( ${#ALL[@]} > 40 )) || die "tshark does not list the plugin's fields"
COLUMNS=()
for title in "No." Time Source Destination Protocol Client "Client port" "Src class" "Dst class" "Decided by" \
    Service "Sender OS" "OS conf." "Sender range" Info; do
    COLUMNS+=(-e "_ws.col.$title")
done

# The tshark arguments of a row (after -2 -r CAPTURE) and its plugin folder.
row_dir() { case $1 in plugin4|pluginall|gui+plugin) echo "$WORK/with" ;; *) echo "$WORK/without" ;; esac; }
row_args() {
    case $1 in
        tshark) args=("${BASE[@]}") ;;
        plugin4) args=("${BASE[@]}" "${FOUR[@]}") ;;
        lua4) args=(-X "lua_script:$WORK/portclass.lua" "${BASE[@]}" "${LUA_FOUR[@]}") ;;
        pluginall) args=("${BASE[@]}" "${ALL[@]}") ;;
        gui|gui+plugin) args=(-C portclass -T fields "${COLUMNS[@]}") ;;
    esac
}
ROWS=(tshark plugin4 lua4 pluginall gui gui+plugin)

as_user "$WORK/with" tshark -G plugins | grep -q portclass.so || die "tshark does not load the plugin"
if as_user "$WORK/without" tshark -G plugins | grep -q portclass.so; then die "the baseline loads the plugin"; fi
printf 'capture: %s\n' "$(cat "$CAPTURE.info")"
printf 'machine: %s cores; load average at start: %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

# The Lua peer must give the plugin's answers on every packet.
as_user "$WORK/with" tshark -2 -r "$CAPTURE" -X "lua_script:$WORK/portclass.lua" -T fields "${FOUR[@]}" "${LUA_FOUR[@]}" \
    >"$WORK/agree.tsv" 2>"$WORK/agree.err" || die "the agreement run failed: $(head -c 2000 "$WORK/agree.err")"
python3 - "$WORK/agree.tsv" <<'EOF' || die "the Lua peer and the plugin disagree"
import sys
rows = differ = 0
first = None
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="replace"), 1):
    cols = line.rstrip("\n").split("\t")
    rows += 1
    if cols[:4] != cols[4:8]:
        differ += 1
        first = first or (n, cols)
print(f"agreement: the plugin's four columns equal the Lua peer's on {rows - differ} of {rows} packets")
if differ:
    print(f"first difference, packet {first[0]}: {first[1]}")
    sys.exit(1)
EOF

declare -A wall=() cpu=() instr=()
if (( TIMED )); then
    for ((i = 1; i <= RUNS; i++)); do
        line="round $i/$RUNS:"
        for r in "${ROWS[@]}"; do
            row_args "$r"
            t=$(python3 "$WORK/timed.py" "$WORK/stderr" "${RUN_AS[@]}" env HOME="$WORK/home" \
                PORTCLASS_LUA_TABLES="$WORK/tables.lua" WIRESHARK_PLUGIN_DIR="$(row_dir "$r")" \
                tshark -2 -r "$CAPTURE" "${args[@]}") || die "$r failed: $(head -c 2000 "$WORK/stderr")"
            wall[$r]+="${t% *} "
            cpu[$r]+="${t#* } "
            line+="  $r ${t#* }"
        done
        echo "$line (cpu s)"
    done
fi
if (( CG_PACKETS > 0 )); then
    for r in "${ROWS[@]}"; do
        row_args "$r"
        as_user "$(row_dir "$r")" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            tshark -2 -r "$SLICE" "${args[@]}" >/dev/null 2>"$WORK/cg.err" || die "callgrind $r failed: $(tail -5 "$WORK/cg.err")"
        instr[$r]=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/cg.err")
        echo "instructions $r: ${instr[$r]}"
    done
fi
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

args=()
for r in "${ROWS[@]}"; do args+=("$r" "${wall[$r]:-}" "${cpu[$r]:-}" "${instr[$r]:-}"); done
python3 "$HERE/report.py" "$PACKETS" "$CG_PACKETS" "${args[@]}"
