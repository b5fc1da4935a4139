#!/usr/bin/env bash
# Clean Debian chroots for the tests that need another suite's packages
# (Wireshark 4.4 in trixie, 4.6 in sid) or a system nothing was installed on yet.
#
#   scripts/chroot.sh unpack SUITE FLAVOR DEST   # a fresh chroot of SUITE in DEST
#   scripts/chroot.sh run DEST [--user] [--bind HOST:PATH[:ro]]... -- CMD...
#   scripts/chroot.sh remove DEST
#
# FLAVOR names scripts/chroots/FLAVOR.txt, the packages beyond apt (one per line,
# '#' comments). The first unpack of a (suite, package list) makes a tarball with
# mmdebstrap from the machine's own Debian mirror and keeps it in
# $PORTCLASS_CHROOT_CACHE (default /var/cache/portclass/chroots), keyed by the
# list's content: a later unpack only extracts it (seconds, not a minute), and
# every DEST starts clean. run enters DEST in a private mount namespace with
# /proc, /dev and /sys (and the --bind folders) mounted, so nothing stays mounted
# when the command ends, whatever it does; --user runs CMD as nobody (65534).
#
# Exit codes: 0 ok; 2 bad usage; 77 the chroot cannot be made here (not root, or
# no answer from the package registry): callers skip their stage on 77 and fail
# only in CI (CI=true); any other code is CMD's own or a real failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${PORTCLASS_CHROOT_CACHE:-/var/cache/portclass/chroots}

die() { echo "chroot.sh: $*" >&2; exit 2; }
cannot() { echo "chroot.sh: $*" >&2; exit 77; }

packages_of() {  # packages_of FLAVOR: comma-separated, sorted
  local list="$here/chroots/$1.txt"
  [ -f "$list" ] || die "no package list $list"
  sed 's/#.*//' "$list" | tr -s ' \t' '\n' | grep -v '^$' | sort -u | paste -sd, -
}

tarball_of() {  # tarball_of SUITE FLAVOR: makes it when missing, prints its path
  local suite=$1 flavor=$2 pkgs key tar
  pkgs=$(packages_of "$flavor")
  key=$(printf '%s\n%s\n' "$suite" "$pkgs" | sha256sum | cut -c1-12)
  tar="$cache/$suite-$flavor-$key.tar"
  if [ ! -s "$tar" ]; then
    [ "$(id -u)" -eq 0 ] || cannot "making a $suite chroot needs root"
    mkdir -p "$cache"
    # One maker at a time per tarball: a second caller waits, then finds it made.
    exec 9>"$tar.lock"
    flock 9
  fi
  if [ ! -s "$tar" ]; then
    command -v mmdebstrap >/dev/null || cannot "mmdebstrap is not installed (scripts/install-deps.sh installs it)"
    local opts=(--variant=apt --format=tar --quiet)
    [ -z "$pkgs" ] || opts+=("--include=$pkgs")
    # The mirror is a snapshot: an unstable suite's Release file may have expired.
    opts+=(--aptopt='Acquire::Check-Valid-Until "false"')
    # (mmdebstrap itself keeps services from starting while packages install:
    # its chroot/policy-rc.d step.)
    echo "chroot.sh: making $suite ($flavor) with mmdebstrap, once: $tar" >&2
    local start=$SECONDS
    if ! mmdebstrap "${opts[@]}" "$suite" "$tar.part" "$(bash "$here/debian-mirror.sh")" >"$tar.log" 2>&1; then
      rm -f "$tar.part"
      if grep -qiE 'could not resolve|temporary failure|failed to fetch|connection (refused|timed out)|unable to connect|no route' "$tar.log"; then
        cannot "cannot reach the package registry for $suite (see $tar.log)"
      fi
      tail -n 20 "$tar.log" >&2
      echo "chroot.sh: mmdebstrap failed for $suite ($flavor); its log: $tar.log" >&2
      exit 1
    fi
    mv "$tar.part" "$tar"
    echo "chroot.sh: made $suite ($flavor) in $((SECONDS - start)) s" >&2
  fi
  echo "$tar"
}

unpack() {
  [ $# -eq 3 ] || die "usage: unpack SUITE FLAVOR DEST"
  local suite=$1 flavor=$2 dest=$3 tar
  [[ "$suite" =~ ^[a-z][a-z0-9-]*$ ]] || die "suite '$suite': expected a Debian suite name"
  [[ "$flavor" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "flavor '$flavor': expected a file name in scripts/chroots/"
  [ "$(id -u)" -eq 0 ] || cannot "a chroot needs root"
  tar=$(tarball_of "$suite" "$flavor")
  [ ! -e "$dest" ] || remove "$dest"
  mkdir -p "$dest"
  tar -C "$dest" -xf "$tar"
  # Name resolution for apt inside (install tests fetch the packages' dependencies).
  cp -L /etc/resolv.conf "$dest/etc/resolv.conf" 2>/dev/null || true
  echo "$dest"
}

run() {
  [ $# -ge 1 ] || die "usage: run DEST [--user] [--bind HOST:PATH[:ro]]... -- CMD..."
  local dest=$1 user=0 binds=()
  shift
  [ -x "$dest/bin/sh" ] || die "$dest is not a chroot"
  while [ $# -gt 0 ]; do
    case "$1" in
      --user) user=1 ;;
      --bind) [ $# -ge 2 ] || die "--bind needs HOST:PATH"; binds+=("$2"); shift ;;
      --) shift; break ;;
      *) die "run: unknown option '$1'" ;;
    esac
    shift
  done
  [ $# -ge 1 ] || die "run: no command"
  local as=()
  [ $user -eq 0 ] || as=(setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env)
  # A private mount namespace: the mounts end with the command. The script
  # inside gets DEST, the binds and the command as arguments, never as code.
  unshare --mount --propagation private -- bash -euc '
    dest=$1; nb=$2; shift 2
    mount -t proc proc "$dest/proc"
    mount --rbind /dev "$dest/dev"
    mount --rbind /sys "$dest/sys"
    mount -t tmpfs tmpfs "$dest/tmp" -o mode=1777
    for ((i = 0; i < nb; i++)); do
      spec=$1; shift
      IFS=: read -r host inside mode <<<"$spec"
      mkdir -p "$dest$inside"
      mount --bind "$host" "$dest$inside"
      [ "${mode:-}" != ro ] || mount -o remount,bind,ro "$dest$inside"
    done
    exec chroot "$dest" "$@"
  ' chroot-run "$dest" "${#binds[@]}" "${binds[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 ${CI:+CI=$CI} "${as[@]}" "$@"
}

remove() {
  [ $# -eq 1 ] || die "usage: remove DEST"
  local dest=$1
  [ -e "$dest" ] || return 0
  [ -x "$dest/bin/sh" ] || die "$dest does not look like a chroot; not removing it"
  # run's mounts live in its own mount namespace; refuse if anything from this
  # one is still mounted below DEST (rm -rf would go into it).
  if findmnt -rn -o TARGET | grep -q "^$(realpath "$dest")/"; then
    die "something is still mounted below $dest; not removing it"
  fi
  rm -rf --one-file-system "$dest"
}

[ $# -ge 1 ] || die "usage: unpack | run | remove (see the header of $0)"
cmd=$1
shift
case "$cmd" in
  unpack) unpack "$@" ;;
  run) run "$@" ;;
  remove) remove "$@" ;;
  -h|--help) sed -n '2,20p' "$0" ;;
  *) die "unknown command '$cmd'" ;;
esac
