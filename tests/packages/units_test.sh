#!/usr/bin/env bash
# The systemd units of the portclass package, checked as installed:
#
#   bash tests/packages/units_test.sh DEBDIR     # DEBDIR holds portclass_*.deb
#
# The package is unpacked and laid over /usr in a private mount namespace
# (overlayfs, writes go to a tmpfs; /etc and /var get a tmpfs layer too), in a
# new network namespace (unshare -n), so the units, their programs and their
# paths are exactly those of an installed package while nothing on this machine
# changes and no rule reaches its network namespace. There:
#   1. systemd-analyze verify on the three units: no message at all is allowed
#      (it reports unknown keys, missing programs, bad dependencies);
#   2. portclass-nft.service: its ExecStart, run as written, applies the example
#      config (/usr/share/doc/portclass/examples/nft.toml as /etc/portclass/nft.toml)
#      in the namespace; ExecReload applies it again; a bad config fails (exit 2)
#      and leaves the ruleset as it was; a missing config fails;
#   3. portclass-host.service: its ExecStart writes portclass_host.prom into the
#      textfile folder, leaves no temporary file, and the file parses as
#      Prometheus text (promtool when installed); crossed thresholds (exit 1/4)
#      are in SuccessExitStatus and still write the file; a failing run (exit 2)
#      keeps the old file.
# The programs must run on this machine: test the packages built for its suite.
# Exit: 0 pass, 1 fail, 77 skipped (not root, no overlayfs), 2 usage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: units_test.sh DEBDIR" >&2; exit 2; }
debdir=$(cd "$1" && pwd)
shopt -s nullglob
debs=("$debdir"/portclass_*.deb)
[ ${#debs[@]} -eq 1 ] || { echo "units_test.sh: expected one portclass_*.deb in $debdir, found ${#debs[@]}" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "units_test.sh: skipped: needs root (mount and network namespaces)"; exit 77; }
command -v systemd-analyze >/dev/null || { echo "units_test.sh: skipped: systemd-analyze is not installed"; exit 77; }
command -v nft >/dev/null || { echo "units_test.sh: skipped: nft is not installed"; exit 77; }

work=$(mktemp -d /tmp/portclass-units.XXXXXX)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "${debs[0]}" "$work/root"
cp "$(dirname "$0")/units_inside.sh" "$work/inside.sh"
mkdir "$work/layers"

status=0
unshare --mount --net --propagation private -- bash -euc '
  work=$1
  mount -t tmpfs tmpfs "$work/layers"
  for d in usr etc var; do
    mkdir -p "$work/layers/$d/upper" "$work/layers/$d/work"
    lower=/$d
    [ ! -d "$work/root/$d" ] || lower="$work/root/$d:/$d"
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/layers/$d/upper,workdir=$work/layers/$d/work" "/$d" \
      || { echo "units_test.sh: skipped: overlayfs over /$d is not possible here"; exit 77; }
  done
  exec bash "$work/inside.sh"
' units "$work" || status=$?
exit $status
