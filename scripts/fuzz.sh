#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, -DPORTCLASS_FUZZ=ON) and runs them.
#
#   bash scripts/fuzz.sh [--seconds N] [--jobs J] [--build-dir DIR] [TARGET...]
#       fuzzes each TARGET (default: all) for N seconds (default 300), one
#       after the other, keeping its corpus in DIR/corpus/<target> between
#       runs; crash inputs go to DIR/artifacts/<target>/, logs to
#       DIR/logs/<target>.log. With J > 1, libFuzzer's fork mode runs J
#       processes per target. Prints per target: executions, execs/s, corpus
#       size and what was found. Exit 1 if any target found something.
#   bash scripts/fuzz.sh --ci [--jobs J] [--build-dir DIR]
#       builds, then runs `ctest -L fuzz` (labels fuzz and fuzz-regression:
#       each target fuzzes for a short bounded time, then replays its seeds
#       and committed regression inputs); what scripts/test.sh runs.
#   bash scripts/fuzz.sh --list       the targets
#
# Targets: port os_profile signature_db nft_config profile_json capture decoder
# (docs/fuzzing.md says what each exercises and asserts). DIR defaults to
# build/fuzz; CXX_FUZZ overrides the compiler (default clang++-14).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(port os_profile signature_db nft_config profile_json capture decoder)

seconds=300
jobs=1
build=build/fuzz
ci=0
targets=()
die() { echo "fuzz.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--seconds needs a positive number"; seconds=$2; shift ;;
    --jobs) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; jobs=$2; shift ;;
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a directory"; build=$2; shift ;;
    --ci) ci=1 ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *)
      [[ " ${all_targets[*]} " == *" $1 "* ]] || die "unknown target '$1': expected one of ${all_targets[*]}"
      targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case "$build" in /*) ;; *) build="$root/$build" ;; esac

cxx=${CXX_FUZZ:-clang++-14}
command -v "$cxx" >/dev/null || die "$cxx not found: install clang-14 and libclang-rt-14-dev (scripts/packages/fuzz.txt)"

start=$(date +%s)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPORTCLASS_FUZZ=ON -DPORTCLASS_WERROR=ON >/dev/null
# Only the fuzz targets and their seeds (the tree also holds the command lines).
cmake --build "$build" -j"$(nproc)" --target fuzz_all
built=$(date +%s)
echo "fuzz.sh: built $build in $((built - start)) s"

if [ "$ci" = 1 ]; then
  status=0
  ctest --test-dir "$build" -L fuzz --output-on-failure -j"$jobs" || status=$?
  end=$(date +%s)
  echo "fuzz.sh: --ci took $((end - start)) s (build $((built - start)) s, tests $((end - built)) s)"
  exit "$status"
fi

# Reports go to stderr (the log), whatever the caller's environment says.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
unset LSAN_OPTIONS

mkdir -p "$build/logs"
summary=()
found=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  log=$build/logs/$t.log
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$artifacts" -type f | wc -l)
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -f "$root/fuzz/dict/$t.dict" ] && args+=(-dict="$root/fuzz/dict/$t.dict")
  [ "$jobs" -gt 1 ] && args+=(-fork="$jobs")
  dirs=("$corpus")
  for d in "$build/fuzz/seeds/$t" "$root/fuzz/seeds/$t" "$root/fuzz/regressions/$t"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  echo "fuzz.sh: $t for ${seconds} s (log: $log)"
  rc=0
  "$build/fuzz/fuzz_$t" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  # Single-process runs print final stats; fork mode only its progress lines.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    execs=${execs:-0}
    rate=$((execs / seconds))
  fi
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sk --apparent-size "$corpus" | cut -f1)
  new=$(( $(find "$artifacts" -type f | wc -l) - before ))
  state="ok"
  if [ "$rc" -ne 0 ] || [ "$new" -gt 0 ]; then
    found=1
    state="FOUND (exit $rc, $new new in $artifacts): $(grep -m1 -E 'ERROR:|runtime error:|invariant violated' "$log" || true)"
  fi
  summary+=("$(printf '%-13s %12s %9s %7s files %7s KiB  %s' "$t" "$execs" "$rate" "$files" "$bytes" "$state")")
done

printf '\n%-13s %12s %9s %13s %11s  %s\n' target executions execs/s corpus "" findings
printf '%s\n' "${summary[@]}"
exit "$found"
