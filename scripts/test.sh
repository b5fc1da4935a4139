#!/usr/bin/env bash
# The test command: installs the Debian packages portclass needs, builds every
# part with warnings as errors, and runs the whole test suite with CTest.
#   bash scripts/test.sh              # normal build in build/test
#   bash scripts/test.sh --sanitize   # ASan + UBSan build in build/sanitize
# Tests that need root or network namespaces skip (and say why) when run
# without them; CI runs as root, so there they run for real.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=test
extra=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) flavour=sanitize; extra+=(-DPORTCLASS_SANITIZE=ON) ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

bash scripts/install-deps.sh
build="build/$flavour"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTCLASS_WERROR=ON "${extra[@]}"
cmake --build "$build" -j"$(nproc)"
# Namespace tests create uniquely named namespaces, but they share the two
# cores with the traffic they time out on: run one test at a time.
ctest --test-dir "$build" --output-on-failure --timeout 900
