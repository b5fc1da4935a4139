#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-capture.sh - the benchmark capture: real third-party traffic, repeated.
#
# usage: bench/plugin/make-capture.sh OUT.pcapng MIN_PACKETS [SOURCE_DIR]
#
# Merges every capture under SOURCE_DIR (default ../shared/realworld/captures
# beside the repository) into one, by time stamp, then appends copies of that
# merge, each shifted with `editcap -t` past the previous copy's end, until it
# holds at least MIN_PACKETS packets, and cuts it to exactly MIN_PACKETS.
# pcapng, because the sources mix link types. The result goes into the build
# tree; it is never committed (the sources are other people's traffic).
# Prints the packet count and what it is made of.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: make-capture.sh OUT.pcapng MIN_PACKETS [SOURCE_DIR]}
MIN=${2:?usage: make-capture.sh OUT.pcapng MIN_PACKETS [SOURCE_DIR]}
SRC=${3:-$HERE/../../../shared/realworld/captures}
die() { printf 'make-capture.sh: %s\n' "$*" >&2; exit 1; }
[[ $MIN =~ ^[1-9][0-9]*$ ]] || die "MIN_PACKETS must be a positive number"
[[ -d $SRC ]] || die "no capture folder $SRC"

count() { capinfos -M -c -T "$1" | awk -F'\t' 'NR==2 {print $2}'; }

if [[ -s $OUT && -s $OUT.info ]] && [[ $(count "$OUT") == "$MIN" ]]; then
    cat "$OUT.info"
    exit 0
fi
WORK=$(mktemp -d "$(dirname "$OUT")/capture.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

# Only files capinfos can read (a damaged source must not stop the bench).
sources=()
for f in "$SRC"/*; do
    capinfos -c "$f" >/dev/null 2>&1 && sources+=("$f")
done
(( ${#sources[@]} )) || die "no readable capture under $SRC"
mergecap -F pcapng -w "$WORK/one.pcapng" "${sources[@]}"
one=$(count "$WORK/one.pcapng")
# Shift each copy past the previous copy's last packet (whole seconds).
span=$(capinfos -M -u -T "$WORK/one.pcapng" | awk -F'\t' 'NR==2 {printf "%d", $2 + 1}')
copies=$(( (MIN + one - 1) / one ))
parts=("$WORK/one.pcapng")
for ((i = 1; i < copies; i++)); do
    editcap -F pcapng -t $((span * i)) "$WORK/one.pcapng" "$WORK/copy$i.pcapng"
    parts+=("$WORK/copy$i.pcapng")
done
mergecap -a -F pcapng -w "$WORK/all.pcapng" "${parts[@]}"
editcap -F pcapng -r "$WORK/all.pcapng" "$WORK/cut.pcapng" "1-$MIN"
mv "$WORK/cut.pcapng" "$OUT"
chmod 644 "$OUT"
printf '%s packets: %d copies of %d readable captures from %s (%d packets per copy), each shifted by %d s\n' \
    "$(count "$OUT")" "$copies" "${#sources[@]}" "$(basename "$SRC")" "$one" "$span" | tee "$OUT.info"
