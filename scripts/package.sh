#!/usr/bin/env bash
# Debian packages of portclass, made with CPack's DEB generator (dependencies
# from dpkg-shlibdeps; cmake/Packaging.cmake, docs/packaging.md):
#
#   bash scripts/package.sh [--suite SUITE] [--build-dir DIR] [--chroot DIR] [--lintian] [--out DIR]
#
#   --suite SUITE    bookworm (default: this machine's suite), trixie or sid. The
#                    machine's own suite builds here; another one builds inside a
#                    fresh chroot of that suite (scripts/chroot.sh, flavor build),
#                    since the packages depend on that suite's libraries.
#   --build-dir DIR  the CMake build folder (default build/pkg-SUITE, configured
#                    RelWithDebInfo with tests and benchmarks off and Debian's
#                    hardening flags from dpkg-buildflags). An existing one is
#                    reused as it is configured (e.g. build/test, or another
#                    stage's chroot build): nothing is compiled again, only the
#                    plugin and the nft helper are switched on if they were off;
#                    the packages' files are CPack components, whatever its
#                    install prefix or PORTCLASS_PLUGIN_INSTALL_SYSTEM says.
#                    For another suite DIR is mounted at /build in the chroot and
#                    the repository at /src (read-only), the layout of
#                    tests/plugin/wireshark_versions.sh, whose build/ws-SUITE
#                    folders can be reused so.
#   --chroot DIR     another suite: use this unpacked build chroot
#                    (scripts/chroot.sh unpack SUITE build DIR) instead of a new
#                    one, and leave it there.
#   --lintian        run the suite's own lintian on the packages; any error fails.
#   --out DIR        where the .deb files go (default build/packages/SUITE).
#
# Output: build/packages/SUITE/*.deb (and lintian.txt with --lintian).
# Exit: 0 done; 1 failed; 2 bad usage; 77 skipped (the chroot cannot be made
# here: not root, or no package registry), with a line saying why.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
umask 022

die() { echo "package.sh: $*" >&2; exit 2; }
fail() { echo "package.sh: $*" >&2; exit 1; }

host_suite() {  # this system's suite: its codename; sid has no VERSION_ID
  local id="" ver="" code=""
  if [ -r /etc/os-release ]; then
    id=$(. /etc/os-release && echo "${ID:-}")
    ver=$(. /etc/os-release && echo "${VERSION_ID:-}")
    code=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  fi
  [ "$id" = debian ] || { echo "not-debian"; return; }
  if [ -z "$ver" ]; then echo sid; else echo "$code"; fi
}

suite="" build_dir="" chroot_dir="" lintian=0 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) [ $# -ge 2 ] || die "--suite needs bookworm, trixie or sid"; suite=$2; shift ;;
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a folder"; build_dir=$2; shift ;;
    --chroot) [ $# -ge 2 ] || die "--chroot needs an unpacked build chroot"; chroot_dir=$2; shift ;;
    --lintian) lintian=1 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done
here_suite=$(host_suite)
suite=${suite:-$here_suite}
case "$suite" in
  bookworm|trixie|sid) ;;
  *) die "--suite '$suite': expected bookworm, trixie or sid" ;;
esac
build_dir=${build_dir:-build/pkg-$suite}
out=${out:-build/packages/$suite}
jobs=${PORTCLASS_JOBS:-2}

if [ "$suite" != "$here_suite" ]; then
  # Another suite: the same script, inside a chroot of that suite.
  [ -z "$chroot_dir" ] || [ -x "$chroot_dir/bin/sh" ] || die "--chroot '$chroot_dir' is not an unpacked chroot"
  fresh=0
  if [ -z "$chroot_dir" ]; then
    chroot_dir="${PORTCLASS_CHROOT_TMP:-/var/tmp/portclass-chroots}/pkg-$suite-$$"
    fresh=1
    status=0
    msg=$(bash scripts/chroot.sh unpack "$suite" build "$chroot_dir" 2>&1 >/dev/null) || status=$?
    if [ $status -eq 77 ]; then
      echo "package.sh: skipped: $(printf '%s\n' "$msg" | tail -n 1 | sed 's/^chroot.sh: //')"
      exit 77
    elif [ $status -ne 0 ]; then
      printf '%s\n' "$msg" >&2
      fail "could not unpack a $suite build chroot"
    fi
    trap 'bash "$repo/scripts/chroot.sh" remove "$chroot_dir" || true' EXIT
  fi
  args=(--suite "$suite" --build-dir /build --out /out)
  [ $lintian -eq 0 ] || args+=(--lintian)
  mkdir -p "$build_dir" "$out"
  echo "package.sh: building the $suite packages in $chroot_dir$([ $fresh -eq 1 ] && echo ' (fresh)'), $build_dir as /build"
  status=0
  bash scripts/chroot.sh run "$chroot_dir" --bind "$repo:/src:ro" --bind "$(realpath "$build_dir"):/build" \
    --bind "$(realpath "$out"):/out" -- env PORTCLASS_JOBS="$jobs" bash /src/scripts/package.sh "${args[@]}" || status=$?
  [ $status -ne 0 ] || echo "package.sh: $out holds the $suite packages (/out above)"
  exit $status
fi

# This system's suite: configure, build, package.
for tool in cmake cpack dpkg-shlibdeps dpkg-deb fakeroot; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs it)"
done
cfg=(-DPORTCLASS_BUILD_PLUGIN=ON -DPORTCLASS_BUILD_NFT=ON)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cfg+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTCLASS_BUILD_TESTS=OFF -DPORTCLASS_BUILD_BENCH=OFF)
  # Debian's hardening (fortify, stack protector, relro, bindnow); CMake reads
  # these once, when the folder is first configured.
  export DEB_BUILD_MAINT_OPTIONS=hardening=+all
  CXXFLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
  LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
  export CXXFLAGS LDFLAGS
  echo "package.sh: $suite packages, new build folder $build_dir"
else
  if grep -qE '^PORTCLASS_(SANITIZE|FUZZ):BOOL=ON' "$build_dir/CMakeCache.txt"; then
    fail "$build_dir is a sanitizer or fuzzing build; not packaging it"
  fi
  echo "package.sh: $suite packages, reusing $build_dir ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt"))"
fi
mkdir -p "$build_dir"
cmake -S . -B "$build_dir" "${cfg[@]}" >"$build_dir/configure.log" 2>&1 \
  || { cat "$build_dir/configure.log" >&2; fail "cmake configure failed"; }
start=$SECONDS
nice -n 5 cmake --build "$build_dir" -j"$jobs" >"$build_dir/build.log" 2>&1 \
  || { tail -n 40 "$build_dir/build.log" >&2; fail "the build failed (log: $build_dir/build.log)"; }
echo "package.sh: built in $((SECONDS - start)) s ($build_dir/build.log)"
rm -rf "$build_dir/cpack"
(cd "$build_dir" && cpack -G DEB -B "$PWD/cpack" >cpack.log 2>&1) \
  || { tail -n 40 "$build_dir/cpack.log" >&2; fail "cpack failed (log: $build_dir/cpack.log)"; }
mkdir -p "$out"
rm -f "$out"/*.deb "$out/lintian.txt"
cp "$build_dir"/cpack/*.deb "$out/"
for deb in "$out"/*.deb; do
  printf '  %s: %s\n' "$(basename "$deb")" "$(dpkg-deb -f "$deb" Depends)"
done
if [ $lintian -eq 1 ]; then
  command -v lintian >/dev/null || fail "lintian is missing"
  status=0
  lintian --fail-on error --display-info --tag-display-limit 0 "$out"/*.deb >"$out/lintian.txt" 2>&1 || status=$?
  errors=$(grep -c '^E: ' "$out/lintian.txt" || true)
  warnings=$(grep -c '^W: ' "$out/lintian.txt" || true)
  echo "package.sh: lintian ($(lintian --version)): $errors errors, $warnings warnings," \
    "$(grep -c '^I: ' "$out/lintian.txt" || true) infos ($out/lintian.txt)"
  if [ "$status" -ne 0 ] || [ "$errors" -ne 0 ]; then
    cat "$out/lintian.txt" >&2
    fail "lintian reports errors"
  fi
fi
echo "package.sh: $out"
