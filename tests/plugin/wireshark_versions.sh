#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin on the Wireshark versions users run, each with its own tshark:
# 4.4 (Debian 13, trixie) and 4.6 (Debian unstable, sid), beside the host's 4.0.
#
#   bash tests/plugin/wireshark_versions.sh [--reference DIR] [SUITE...]   (default: trixie sid)
#
# For each suite, in a fresh chroot of that suite (scripts/chroot.sh, flavor
# `build`, from Debian's packages):
#   1. builds portclass there (its compiler, its libwireshark-dev; warnings as
#      errors; test suites off: they want Catch2 v2) into build/ws-SUITE;
#   2. checks that `tshark -G plugins` lists portclass.so as a dissector plugin;
#   3. runs the plugin's tshark suite (tests/plugin/tshark_plugin_test.py; tshark
#      runs as uid 65534, as on the host);
#   4. records what a user sees (tests/plugin/record_outputs.py) on the lab
#      captures and on the realworld development set, and compares it with the
#      same recording of the host's 4.0 plugin (tests/plugin/compare_versions.py).
# The 4.0 reference is recorded from --reference (a build tree holding
# plugins/4.0/epan/portclass.so; default build/test, built here when missing).
#
# Exit: 0 all passed; 1 a check failed; 77 skipped (no root, or the chroot could
# not be made here: no answer from the package registry). In CI (CI=true) a
# skip is a failure: this stage must run there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

reference=build/test
suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reference) [ $# -ge 2 ] || { echo "wireshark_versions.sh: --reference needs a build folder" >&2; exit 2; }
      reference=$2; shift ;;
    -h|--help) sed -n '3,24p' "$0"; exit 0 ;;
    -*) echo "wireshark_versions.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) suites+=("$1") ;;
  esac
  shift
done
[ ${#suites[@]} -gt 0 ] || suites=(trixie sid)

skip() {
  echo "SKIP: $*"
  if [ "${CI:-}" = true ]; then
    echo "wireshark_versions.sh: in CI this stage must run; failing" >&2
    exit 1
  fi
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "making and entering chroots needs root"

realworld="$root/../shared/realworld/captures"
# record PLUGINS OUT REALWORLD: from the repository's root, the lab captures
# (every mode) and the realworld set when there (fields, statistics). The same
# function runs on the host and, through declare -f, inside each chroot.
record() {
  local plugins=$1 out=$2 rw=$3
  python3 tests/plugin/record_outputs.py "$plugins" "$out/lab" samples/lab/captures/*.pcap samples/lab/captures/*.pcapng >/dev/null
  if [ -d "$rw" ]; then
    python3 tests/plugin/record_outputs.py --modes fields2,stats "$plugins" "$out/realworld" "$rw"/* >/dev/null
  fi
}
[ -d "$realworld" ] || echo "note: no realworld development set at $realworld: comparing the lab captures only"

step() { printf '\n== %s\n' "$*"; }
t0=$SECONDS
out=build/wireshark-versions
rm -rf "$out"
mkdir -p "$out"

step "4.0 reference: $reference"
if [ ! -f "$reference"/plugins/4.0/epan/portclass.so ]; then
  cmake -S . -B "$reference" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTCLASS_WERROR=ON >/dev/null
  cmake --build "$reference" -j"$(nproc)" --target portclass_plugin
fi
record "$reference/plugins" "$out/4.0" "$realworld"
echo "recorded in $((SECONDS - t0)) s"

failed=()
chroot_dir=""
# The chroot goes whatever happens (a stale one from a killed run is never reused).
trap '[ -z "$chroot_dir" ] || bash scripts/chroot.sh remove "$chroot_dir"' EXIT
for suite in "${suites[@]}"; do
  t=$SECONDS
  chroot_dir=$(mktemp -u "/var/tmp/portclass-ws-$suite.XXXXXX")
  build=build/ws-$suite
  step "$suite: chroot"
  rc=0
  bash scripts/chroot.sh unpack "$suite" build "$chroot_dir" >/dev/null || rc=$?
  [ $rc -ne 77 ] || skip "no $suite chroot here (scripts/chroot.sh says why above)"
  [ $rc -eq 0 ] || { failed+=("$suite: chroot ($rc)"); continue; }
  mkdir -p "$build" "$out/$suite"
  binds=(--bind "$root:/src:ro" --bind "$root/$build:/build" --bind "$root/$out/$suite:/out")
  [ ! -d "$realworld" ] || binds+=(--bind "$realworld:/realworld:ro")
  # Inside: the same steps as on the host, with the suite's own tools. The
  # build folder is world-readable: tshark runs as uid 65534.
  rc=0
  bash scripts/chroot.sh run "$chroot_dir" "${binds[@]}" -- bash -euc '
    cd /src
    umask 022
    printf "%s\n" "tshark $(tshark --version 2>/dev/null | head -1 | grep -oE "[0-9]+[.][0-9]+[.][0-9]+" | head -1), $(c++ --version | head -1)"
    # Release: no debug info to compile (the packages made from it are stripped anyway).
    cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DPORTCLASS_WERROR=ON \
      -DPORTCLASS_BUILD_TESTS=OFF -DPORTCLASS_BUILD_BENCH=OFF >/build/configure.log
    cmake --build /build -j"$(nproc)" >/build/build.log 2>&1 || { tail -40 /build/build.log; exit 1; }
    echo "built in /build (log: build.log)"
    plugin=$(ls /build/plugins/*/epan/portclass.so)
    listed=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp WIRESHARK_PLUGIN_DIR=/build/plugins \
      tshark -G plugins | grep -F portclass.so || true)
    echo "tshark -G plugins: $listed"
    case "$listed" in *dissector*) ;; *) echo "FAIL: $plugin is not listed as a dissector plugin"; exit 1 ;; esac
    python3 tests/plugin/tshark_plugin_test.py --plugin-dir /build/plugins --source-dir /src \
      --portclass /build/cli/portclass
  ' || rc=$?
  [ $rc -eq 0 ] || failed+=("$suite: build or plugin suite ($rc)")
  if [ $rc -eq 0 ]; then
    step "$suite: outputs against 4.0"
    bash scripts/chroot.sh run "$chroot_dir" "${binds[@]}" -- \
      bash -euc "$(declare -f record); cd /src; record /build/plugins /out /realworld" \
      || failed+=("$suite: recording outputs")
    for set in lab realworld; do
      [ -d "$out/4.0/$set" ] || continue
      python3 tests/plugin/compare_versions.py "$out/4.0/$set" "$out/$suite/$set" --label "$suite $set" \
        || failed+=("$suite: $set outputs differ from 4.0")
    done
  fi
  bash scripts/chroot.sh remove "$chroot_dir"
  chroot_dir=""
  echo "$suite: $((SECONDS - t)) s"
done

printf '\n'
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "wireshark versions: ${suites[*]} agree with 4.0 ($((SECONDS - t0)) s)"
