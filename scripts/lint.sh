#!/usr/bin/env bash
# The project's C++ checks.
#
#   bash scripts/lint.sh --format            # every tracked C++ file against .clang-format (seconds)
#   bash scripts/lint.sh --fix-format        # rewrite them in place
#   bash scripts/lint.sh [--build-dir DIR]   # the format check, then clang-tidy (.clang-tidy) on every
#                                            # source file, from DIR/compile_commands.json (default build/test;
#                                            # configured here when missing). 10-15 minutes on two cores.
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

tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
[ -n "$tidy" ] || { echo "lint.sh: run-clang-tidy not found (Debian package clang-tidy)" >&2; exit 2; }
if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S . -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi
# Only the project's own translation units (not generated or fetched code).
"$tidy" -quiet -p "$build" -j "$(nproc)" "$(pwd)/(common|cli|nft-helper|plugin-wireshark|tests|bench|fuzz)/.*\.cpp$"
