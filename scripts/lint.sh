#!/usr/bin/env bash
# The project's C++ checks.
#
#   bash scripts/lint.sh --format            # every tracked C++ file against .clang-format (seconds)
#   bash scripts/lint.sh --fix-format        # rewrite them in place
#   bash scripts/lint.sh [--build-dir DIR]   # the format check, then clang-tidy (.clang-tidy) on every
#                                            # source file, from DIR/compile_commands.json (default build/test;
#                                            # configured here when missing). 10-15 minutes on two cores.
#   bash scripts/lint.sh --changed [--build-dir DIR]
#                                            # clang-tidy on the source files changed since the newest tag,
#                                            # or without one since .clang-tidy last changed (whoever changes
#                                            # the checks makes the whole tree clean with this script): what
#                                            # the test command runs, a few minutes.
#
# Exit: 0 clean; 1 a file is not formatted, or clang-tidy found something;
# 2 bad usage or a missing tool (Debian packages clang-format and clang-tidy).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=all
build=build/test
while [ $# -gt 0 ]; do
  case "$1" in
    --format) mode=format ;;
    --fix-format) mode=fix ;;
    --changed) mode=changed ;;
    --build-dir) [ $# -ge 2 ] || { echo "lint.sh: --build-dir needs a folder" >&2; exit 2; }; build=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "lint.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

format=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$format" ] || { echo "lint.sh: clang-format not found (Debian package clang-format)" >&2; exit 2; }
# The sources git tracks; builtin_data.cpp.in is a template with @VARIABLE@ lines, not C++.
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h')

if [ "$mode" = fix ]; then
  "$format" -i "${sources[@]}"
  echo "lint.sh: formatted ${#sources[@]} files"
  exit 0
fi

tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
run_tidy() {  # run_tidy REGEX: clang-tidy on the compile database's files matching REGEX
  [ -n "$tidy" ] || { echo "lint.sh: run-clang-tidy not found (Debian package clang-tidy)" >&2; exit 2; }
  [ -f "$build/compile_commands.json" ] || cmake -S . -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
  "$tidy" -quiet -p "$build" -j "$(nproc)" "$1"
}

if [ "$mode" = changed ]; then
  since=$(git describe --tags --abbrev=0 2>/dev/null || git log -1 --format=%H -- .clang-tidy)
  [ -n "$since" ] || since=$(git rev-list --max-parents=0 HEAD)
  mapfile -t changed < <(git diff --name-only --diff-filter=d "$since" -- '*.cpp' | grep -E '^(common|cli|nft-helper|plugin-wireshark|tests|bench)/' || true)
  if [ ${#changed[@]} -eq 0 ]; then
    echo "lint.sh: no source file changed since $since"
    exit 0
  fi
  echo "lint.sh: clang-tidy on ${#changed[@]} files changed since $(git log -1 --format='%h %s' "$since" | cut -c1-60)"
  # run-clang-tidy takes a regular expression of paths: the changed files, escaped.
  regex=$(printf '%s
' "${changed[@]}" | sed 's/[.+]/\\&/g' | paste -sd'|' -)
  run_tidy "$(pwd)/($regex)$"
  exit $?
fi

unformatted=()
for f in "${sources[@]}"; do
  "$format" --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "lint.sh: ${#unformatted[@]} of ${#sources[@]} files are not formatted as .clang-format says" \
    "(bash scripts/lint.sh --fix-format):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "lint.sh: ${#sources[@]} files formatted as .clang-format says"
[ "$mode" = all ] || exit 0

# Only the project's own translation units (not generated or fetched code).
run_tidy "$(pwd)/(common|cli|nft-helper|plugin-wireshark|tests|bench|fuzz)/.*\.cpp$"
