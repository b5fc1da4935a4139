#!/usr/bin/env bash
# Installs the Debian 12 packages listed in scripts/packages/*.txt, and those in
# scripts/packages/bookworm-backports/*.txt from the bookworm-backports suite
# (added to apt's sources, on the same mirror host as the machine's bookworm entry).
# Needs root (or sudo); does nothing when everything is already installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list() { cat "$@" 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u || true; }
mapfile -t wanted < <(list "$here"/packages/*.txt)
mapfile -t wanted_bpo < <(list "$here"/packages/bookworm-backports/*.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
missing_bpo=()
for p in "${wanted_bpo[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_bpo+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_bpo[@]} -eq 0 ]; then
  wanted+=("${wanted_bpo[@]}")
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 2; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]} ${missing_bpo[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
# Packages such as prometheus (for promtool) bring a server whose postinst would
# start it: no service may start during the install (policy-rc.d exit 101 is how
# invoke-rc.d and deb-systemd-invoke are told). An existing policy is kept as is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# install-deps.sh: no service starts during the install\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
if [ ${#missing_bpo[@]} -gt 0 ]; then
  # bookworm-backports on the mirror the machine already uses for bookworm (written
  # once; an existing file is left alone, so running again changes nothing).
  bpo=/etc/apt/sources.list.d/portclass-backports.list
  if [ ! -e "$bpo" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(bash "$here/debian-mirror.sh")
    echo "deb $mirror bookworm-backports main" | $sudo tee "$bpo" >/dev/null
  fi
fi
$sudo apt-get update -q
[ ${#missing[@]} -eq 0 ] || $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
[ ${#missing_bpo[@]} -eq 0 ] || $sudo apt-get install -y -q --no-install-recommends -t bookworm-backports "${missing_bpo[@]}"
# suricata is wanted as an offline reader (suricata -r) only: its service stays
# disabled and stopped, and no suricata process may be left behind.
if dpkg-query -W -f='${Status}' suricata 2>/dev/null | grep -q 'install ok installed'; then
  if [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now suricata.service >/dev/null 2>&1 || true
  else
    # No systemd running (a container): the postinst still enabled the unit for
    # the next boot; disable works offline (it removes the wants/ symlink).
    command -v systemctl >/dev/null && { $sudo systemctl disable suricata.service >/dev/null 2>&1 || true; }
    if [ -x /etc/init.d/suricata ]; then
      $sudo /etc/init.d/suricata stop >/dev/null 2>&1 || true
      $sudo update-rc.d suricata disable >/dev/null 2>&1 || true
    fi
  fi
  if pgrep -x Suricata-Main >/dev/null || pgrep -x suricata >/dev/null; then
    echo "install-deps: a suricata service is running; stop it: only 'suricata -r' is needed" >&2
    exit 3
  fi
fi
# Only promtool is wanted from prometheus: keep the server disabled and stopped
# where systemd runs, and check that no server process is left.
if dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q 'install ok installed'; then
  if [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prometheus ]; then
    $sudo /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  if pgrep -x prometheus >/dev/null; then
    echo "install-deps: a prometheus server is running (pid $(pgrep -x prometheus | tr '\n' ' ')); stop it: only promtool is needed" >&2
    exit 3
  fi
fi
