#!/usr/bin/env bash
# The test command: installs the Debian packages portclass needs, then builds
# and runs the whole test suite in five stages (each one's time printed at the end):
#   1. normal: the layout check (scripts/lint.sh --format), then every part
#      with warnings as errors (build/test);
#   2. sanitize: the same suite with ASan + UBSan on everything, the plugin
#      included (build/sanitize); every sanitizer report, from any process the
#      tests start, is written under build/sanitize/sanitizer-reports and any
#      report fails the run, even one a test swallowed;
#   3. fuzz: each libFuzzer target for a short bounded time (build/fuzz, clang);
#   4. versions: the plugin built and tested in clean Debian 13 (Wireshark 4.4)
#      and unstable (4.6) chroots, its outputs compared with 4.0's
#      (tests/plugin/wireshark_versions.sh; chroots cached in /var/cache/portclass);
#   5. packages: the .deb files of each suite, made from the builds above,
#      lintian, the systemd units, install and purge in clean chroots
#      (tests/packages/run.sh).
#
#   bash scripts/test.sh                 # all five (this is what CI runs)
#   bash scripts/test.sh --only normal   # one of: normal, sanitize, fuzz, versions, packages
#   bash scripts/test.sh --sanitize      # same as --only sanitize
# Tests that need root or network namespaces skip (and say why) when run
# without them; CI runs as root, so there they run for real.
set -euo pipefail
cd "$(dirname "$0")/.."

# The quick stages first, so that a failure shows early; the sanitizer build last.
stages=(normal fuzz versions packages sanitize)
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) stages=(sanitize) ;;
    --only)
      [ $# -ge 2 ] || { echo "test.sh: --only needs one of: normal, sanitize, fuzz, versions, packages" >&2; exit 2; }
      case "$2" in normal|sanitize|fuzz|versions|packages) stages=("$2") ;;
        *) echo "test.sh: --only '$2': expected normal, sanitize, fuzz, versions or packages" >&2; exit 2 ;; esac
      shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

bash scripts/install-deps.sh

stage_banner() { printf '\n==== %s ====\n' "$1"; }

build_and_test() {  # build_and_test DIR CMAKE_ARGS...
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTCLASS_WERROR=ON "$@"
  cmake --build "$dir" -j"$(nproc)"
  # clang-tidy on what changed lately (scripts/lint.sh runs it on everything, by hand).
  if [ "$dir" = build/test ]; then bash scripts/lint.sh --changed --build-dir "$dir"; fi
  # Two tests at a time; those that time traffic in namespaces, or use both
  # cores themselves, are RUN_SERIAL in their CMakeLists and run alone.
  ctest --test-dir "$dir" --output-on-failure --timeout 900 -j"$(nproc)"
}

run_normal() {
  stage_banner "normal build: build/test"
  # Every C++ file as .clang-format says (seconds); clang-tidy over the whole
  # tree is scripts/lint.sh's, by hand (10-15 minutes on two cores).
  bash scripts/lint.sh --format
  build_and_test build/test
}

run_sanitize() {
  stage_banner "ASan + UBSan build: build/sanitize"
  local reports
  reports="$(pwd)/build/sanitize/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  chmod 1777 "$reports"  # tshark runs as nobody in the plugin tests
  # log_path: a report lands in a file even when the test captured and
  # dropped the process's stderr. The exit code is one no test expects.
  export ASAN_OPTIONS="log_path=$reports/asan:exitcode=86:detect_leaks=1:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=86"
  export LSAN_OPTIONS="exitcode=86"
  export PORTCLASS_SANITIZER_REPORTS="$reports"
  local status=0
  build_and_test build/sanitize -DPORTCLASS_SANITIZE=ON -DPORTCLASS_BUILD_BENCH=OFF || status=$?
  if compgen -G "$reports/*" >/dev/null; then
    echo "test.sh: sanitizer reports in $reports:" >&2
    for f in "$reports"/*; do echo "--- $f" >&2; head -40 "$f" >&2; done
    return 1
  fi
  echo "sanitizer reports: none"
  return "$status"
}

run_versions() {
  stage_banner "Wireshark 4.4 and 4.6 in chroots: build/ws-*"
  # 77: skipped, with the reason printed (outside CI only: in CI it fails).
  local rc=0
  bash tests/plugin/wireshark_versions.sh --reference build/test || rc=$?
  [ $rc -eq 77 ] && return 0
  return $rc
}

run_packages() {
  stage_banner "Debian packages: build/packages"
  # Packaged from the builds of the stages before (nothing compiled again)
  # where they exist; tests/packages/run.sh handles skips and CI=true itself.
  local args=()
  [ ! -f build/test/CMakeCache.txt ] || args+=(--build-dir bookworm=build/test)
  for s in trixie sid; do [ ! -f "build/ws-$s/CMakeCache.txt" ] || args+=(--build-dir "$s=build/ws-$s"); done
  bash tests/packages/run.sh "${args[@]}"
}

run_fuzz() {
  stage_banner "fuzz targets: build/fuzz"
  # The targets are single-threaded: two at a time on two cores.
  bash scripts/fuzz.sh --ci --jobs "$(nproc)"
}

# Each stage's wall time, printed as it ends and again at the end (CI's
# budget is 90 minutes on two cores; the whole command should stay under 60).
timings=()
start_all=$SECONDS
for stage in "${stages[@]}"; do
  start=$SECONDS
  # A subshell outside any || list, so that set -e still stops the stage at
  # its first failing command.
  set +e
  ( set -e; "run_$stage" )
  status=$?
  set -e
  took=$((SECONDS - start))
  timings+=("$(printf '%-9s %4d min %02d s%s' "$stage" $((took / 60)) $((took % 60)) "$([ $status -eq 0 ] || echo '  FAILED')")")
  printf '\n==== stage %s: %d min %02d s ====\n' "$stage" $((took / 60)) $((took % 60))
  if [ $status -ne 0 ]; then
    printf '%s\n' "${timings[@]}"
    exit "$status"
  fi
done
took=$((SECONDS - start_all))
printf '\n==== stage times ====\n'
printf '%s\n' "${timings[@]}"
printf 'total     %4d min %02d s\n' $((took / 60)) $((took % 60))
