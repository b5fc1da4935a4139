#!/usr/bin/env bash
# The packages of one suite, installed, used and purged in a clean chroot of
# that suite (scripts/chroot.sh, flavor clean: nothing beyond apt):
#
#   bash tests/packages/install_test.sh SUITE DEBDIR
#
# DEBDIR holds portclass_*.deb and wireshark-plugin-portclass_*.deb (as
# scripts/package.sh writes them to build/packages/SUITE). Inside the chroot
# (tests/packages/install_inside.sh): tshark is installed first (the plugin
# package, like Debian's own dissector plugins, depends on libwireshark only);
# the plugin packages of the other suites beside DEBDIR (build/packages/*/),
# built for another Wireshark, must be refused by apt; `apt-get install
# ./portclass_*.deb ./wireshark-plugin-portclass_*.deb`; tshark as root lists the
# plugin from the system folder as a dissector; `portclass explain 60248` and
# `portclass-nft generate` with a minimal config work; the units are installed
# and not enabled; then `apt-get purge` (and autoremove) must leave nothing:
# dpkg -S knows none of the files and the file list of the system equals the
# one before the install.
#
# Downloaded .deb files are kept in /var/cache/portclass/apt/SUITE between runs.
# Exit: 0 pass, 1 fail, 2 usage, 77 skipped (not root, or no chroot can be made
# here: no package registry), with a line saying why.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ $# -eq 2 ] || { echo "usage: install_test.sh SUITE DEBDIR" >&2; exit 2; }
suite=$1
debdir=$(cd "$2" && pwd)
shopt -s nullglob
own=("$debdir"/portclass_*.deb "$debdir"/wireshark-plugin-portclass_*.deb)
[ ${#own[@]} -eq 2 ] || { echo "install_test.sh: $debdir must hold one portclass_*.deb and one wireshark-plugin-portclass_*.deb" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "install_test.sh: skipped: needs root (chroot)"; exit 77; }

# The plugin packages of the other suites built beside this one.
parent=$(dirname "$debdir")
foreign=()
for d in "$parent"/*/; do
  d=${d%/}
  [ "$d" != "$debdir" ] || continue
  f=("$d"/wireshark-plugin-portclass_*.deb)
  [ ${#f[@]} -eq 1 ] || continue
  # Only those built for another Wireshark: the same libwireshark package
  # name means the same library, which apt rightly accepts.
  if [ "$(dpkg-deb -f "${f[0]}" Depends | grep -o 'libwireshark[0-9]*' | head -n 1)" != \
       "$(dpkg-deb -f "${own[1]}" Depends | grep -o 'libwireshark[0-9]*' | head -n 1)" ]; then
    foreign+=("$(basename "$d")/$(basename "${f[0]}")")
  fi
done

dest="${PORTCLASS_CHROOT_TMP:-/var/tmp/portclass-chroots}/install-$suite-$$"
status=0
msg=$(bash "$repo/scripts/chroot.sh" unpack "$suite" clean "$dest" 2>&1 >/dev/null) || status=$?
if [ $status -eq 77 ]; then
  echo "install_test.sh: skipped: $(printf '%s\n' "$msg" | tail -n 1 | sed 's/^chroot.sh: //')"
  exit 77
elif [ $status -ne 0 ]; then
  printf '%s\n' "$msg" >&2
  echo "install_test.sh: could not unpack a clean $suite chroot" >&2
  exit 1
fi
trap 'bash "$repo/scripts/chroot.sh" remove "$dest" || true' EXIT
aptcache="${PORTCLASS_APT_CACHE:-/var/cache/portclass/apt}/$suite"
mkdir -p "$aptcache/partial"

status=0
bash "$repo/scripts/chroot.sh" run "$dest" \
  --bind "$parent:/debs:ro" --bind "$here:/t:ro" --bind "$aptcache:/var/cache/apt/archives" -- \
  bash /t/install_inside.sh "$suite" "/debs/$(basename "$debdir")" "${foreign[@]}" || status=$?
exit $status
