#!/usr/bin/env bash
# The packages stage: Debian packages built, checked, installed and purged.
#
#   bash tests/packages/run.sh [--suites "bookworm trixie sid"] [--build-dir SUITE=DIR]...
#                              [--chroot SUITE=DIR]...
#
# For this machine's suite (bookworm): scripts/package.sh builds the packages
# here, lintian (no errors), tests/packages/units_test.sh (systemd-analyze
# verify, the units' commands in a namespace), tests/packages/install_test.sh
# in a clean chroot. For each other suite: scripts/package.sh --lintian builds
# them in a build chroot of that suite, with its own lintian, and the install
# test runs in a clean chroot of it (trixie's also checks that apt refuses
# bookworm's plugin package).
#
#   --build-dir SUITE=DIR  reuse this build folder for SUITE (e.g.
#                          bookworm=build/test after the normal stage: nothing
#                          is compiled again); see scripts/package.sh --help
#   --chroot SUITE=DIR     build SUITE's packages in this unpacked build chroot
#                          (another stage's, the repository mounted at /src)
#
# Each step's time is printed, and all of them at the end. A step that cannot
# run here (no chroot: not root, no package registry) says why and is skipped;
# with CI=true a skip fails the stage. Exit 0 pass, 1 fail.
set -uo pipefail
cd "$(dirname "$0")/../.."

suites=(bookworm trixie sid)
declare -A build_dir=() chroot=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suites) [ $# -ge 2 ] || { echo "run.sh: --suites needs a list" >&2; exit 2; }
      read -r -a suites <<<"$2"; shift ;;
    --build-dir|--chroot)
      [ $# -ge 2 ] && [[ "$2" == *=* ]] || { echo "run.sh: $1 needs SUITE=DIR" >&2; exit 2; }
      if [ "$1" = --build-dir ]; then build_dir[${2%%=*}]=${2#*=}; else chroot[${2%%=*}]=${2#*=}; fi
      shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
for s in "${suites[@]}"; do
  case "$s" in bookworm|trixie|sid) ;; *) echo "run.sh: unknown suite '$s'" >&2; exit 2 ;; esac
done

results=()
failed=0 skipped=0
# step NAME CMD...: runs CMD, prints its time; 77 is a skip.
step() {
  local name=$1 start=$SECONDS status=0
  shift
  printf '\n---- %s\n' "$name"
  "$@" || status=$?
  local took=$((SECONDS - start)) verdict=ok
  if [ $status -eq 77 ]; then verdict=SKIPPED; skipped=$((skipped + 1))
  elif [ $status -ne 0 ]; then verdict="FAILED ($status)"; failed=$((failed + 1)); fi
  results+=("$(printf '%-28s %3d:%02d  %s' "$name" $((took / 60)) $((took % 60)) "$verdict")")
  printf -- '---- %s: %s in %d s\n' "$name" "$verdict" "$took"
  return $status
}

lintian_host() {  # lintian of this machine on DEBDIR: no error
  local dir=$1 status=0
  command -v lintian >/dev/null || { echo "lintian is not installed (scripts/install-deps.sh)"; return 1; }
  lintian --fail-on error --display-info --tag-display-limit 0 "$dir"/*.deb >"$dir/lintian.txt" 2>&1 || status=$?
  grep -E '^(E|W): ' "$dir/lintian.txt" || true
  echo "lintian $(lintian --version | awk '{print $2}'): $(grep -c '^E: ' "$dir/lintian.txt") errors," \
    "$(grep -c '^W: ' "$dir/lintian.txt") warnings, $(grep -c '^I: ' "$dir/lintian.txt") infos ($dir/lintian.txt)"
  return $status
}

host=$(. /etc/os-release 2>/dev/null; if [ -z "${VERSION_ID:-}" ]; then echo sid; else echo "${VERSION_CODENAME:-}"; fi)
start_all=$SECONDS
built=()
for s in "${suites[@]}"; do
  args=(--suite "$s")
  [ -z "${build_dir[$s]:-}" ] || args+=(--build-dir "${build_dir[$s]}")
  [ -z "${chroot[$s]:-}" ] || args+=(--chroot "${chroot[$s]}")
  if [ "$s" = "$host" ]; then
    step "package $s" bash scripts/package.sh "${args[@]}" || continue
    built+=("$s")
    step "lintian $s" lintian_host "build/packages/$s"
    step "units $s" bash tests/packages/units_test.sh "build/packages/$s"
  else
    step "package+lintian $s" bash scripts/package.sh "${args[@]}" --lintian || continue
    built+=("$s")
  fi
done
for s in "${built[@]}"; do
  step "install $s" bash tests/packages/install_test.sh "$s" "build/packages/$s"
done

took=$((SECONDS - start_all))
printf '\n==== packages: step times ====\n'
printf '%s\n' "${results[@]}"
printf '%-28s %3d:%02d\n' total $((took / 60)) $((took % 60))
if [ $failed -ne 0 ]; then exit 1; fi
if [ $skipped -ne 0 ]; then
  if [ "${CI:-}" = true ]; then echo "run.sh: $skipped steps skipped, and CI=true: failing"; exit 1; fi
  echo "run.sh: $skipped steps skipped (see above why)"
fi
exit 0
