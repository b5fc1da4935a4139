#!/usr/bin/env bash
# Run by install_test.sh inside a clean chroot: install_inside.sh SUITE DEBDIR
# [FOREIGN...] (FOREIGN: plugin packages of other suites, relative to /debs).
# Read install_test.sh's header.
set -uo pipefail
suite=$1 debdir=$2
shift 2
export DEBIAN_FRONTEND=noninteractive
failures=0
pass() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; failures=$((failures + 1)); }
step() { printf '%s (%d s)\n' "$*" "$SECONDS"; }
apt_q() { apt-get -q -o Dpkg::Use-Pty=0 "$@"; }

# Every path on the system but the volatile ones and apt's and dpkg's own
# bookkeeping (dpkg's per-package files in /var/lib/dpkg/info are kept).
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run \
    -o -path /debs -o -path /t -o -path /var/cache -o -path /var/log -o -path /var/lib/apt \
    -o -path /var/lib/dpkg/triggers -o -path /var/lib/dpkg/updates \) -prune -o -print \
    | grep -vE '^/var/lib/dpkg/(status|status-old|available|lock.*|diversions|statoverride)(-old)?$' \
    | sort
}

step "apt-get update, tshark"
apt_q update >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; echo "install_inside: apt-get update failed"; exit 1; }
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt_q install -y --no-install-recommends tshark >/tmp/apt.log 2>&1 \
  || { tail -n 30 /tmp/apt.log; echo "install_inside: tshark does not install"; exit 1; }
pass "tshark $(dpkg-query -W -f='${Version}' tshark)"

for f in "$@"; do
  step "apt refuses /debs/$f"
  if apt_q install -s "/debs/$f" >/tmp/apt.log 2>&1; then
    bad "apt would install $f in $suite: $(grep -E '^Inst' /tmp/apt.log | head -n 3)"
  else
    pass "refused: $(grep -E 'Depends:' /tmp/apt.log | head -n 1 | sed 's/^ *//')"
  fi
done

snapshot >/tmp/before.list
step "apt-get install ./portclass_*.deb ./wireshark-plugin-portclass_*.deb"
cd "$debdir" || exit 1
if apt_q install -y --no-install-recommends ./portclass_*.deb ./wireshark-plugin-portclass_*.deb >/tmp/apt.log 2>&1; then
  pass "installed: $(dpkg-query -W -f='${Package} ${Version}\n' portclass wireshark-plugin-portclass | paste -sd, - | sed 's/,/, /g')"
else
  tail -n 30 /tmp/apt.log
  bad "apt-get install failed"
  exit 1
fi
cd /
dpkg -L portclass wireshark-plugin-portclass | sort -u >/tmp/files.list

step "checks"
plugins=$(tshark -G plugins 2>&1)
line=$(printf '%s\n' "$plugins" | grep 'portclass\.so')
ver=$(dpkg-query -W -f='${Version}' libwireshark-data | cut -d. -f1,2)
if printf '%s\n' "$line" | grep -qE "dissector[[:space:]]+/usr/lib/[^ ]*/wireshark/plugins/$ver/epan/portclass\.so"; then
  pass "tshark -G plugins (root, system folder): $(printf '%s' "$line" | tr -s ' \t' ' ')"
else
  bad "tshark -G plugins does not list portclass.so as a dissector in plugins/$ver/epan: ${line:-$(printf '%s\n' "$plugins" | tail -n 5)}"
fi
n=$(tshark -G fields 2>/dev/null | grep -cP '\tportclass\.')
if [ "$n" -gt 10 ]; then pass "tshark -G fields: $n portclass.* fields"
else bad "tshark -G fields: $n portclass.* fields"; fi
if out=$(portclass explain 60248 2>&1) && printf '%s\n' "$out" | grep -qi ephemeral; then
  pass "portclass explain 60248: $(printf '%s\n' "$out" | head -n 1)"
else bad "portclass explain 60248: $out"; fi
printf 'mode = "host"\n[host]\nrange = "linux"\n[services]\ntcp = [22]\n' >/tmp/nft.toml
if out=$(portclass-nft generate --config /tmp/nft.toml 2>&1) && printf '%s\n' "$out" | grep -q '^table inet portclass {' \
  && printf '%s\n' "$out" | grep -q 'elements = { 32768-60999 }'; then
  pass "portclass-nft generate: $(printf '%s\n' "$out" | grep -c . ) lines, table inet portclass"
else bad "portclass-nft generate: $out"; fi
for p in /usr/share/man/man1/portclass.1.gz /usr/share/man/man1/portclass-nft.1.gz \
  /usr/share/doc/portclass/copyright /usr/share/doc/wireshark-plugin-portclass/copyright \
  /usr/lib/systemd/system/portclass-nft.service /usr/lib/systemd/system/portclass-host.timer; do
  [ -f "$p" ] || bad "$p is not installed"
done
pass "man pages, copyright files, units in place"
if ls /etc/systemd/system/*.wants/portclass* >/dev/null 2>&1; then bad "a unit was enabled by the install"
else pass "no unit enabled"; fi
# The administrator enables the timer (what `systemctl enable` makes): the
# purge must take the link away too (the file lists are compared below).
mkdir -p /etc/systemd/system/timers.target.wants
ln -s /usr/lib/systemd/system/portclass-host.timer /etc/systemd/system/timers.target.wants/portclass-host.timer

step "apt-get purge"
if apt_q purge -y portclass wireshark-plugin-portclass >/tmp/apt.log 2>&1 \
  && apt_q autoremove --purge -y >>/tmp/apt.log 2>&1; then
  pass "purged, dependencies autoremoved"
else tail -n 20 /tmp/apt.log; bad "apt-get purge failed"; fi
if dpkg-query -W portclass wireshark-plugin-portclass 2>/dev/null | grep -q .; then
  bad "dpkg still knows: $(dpkg-query -W portclass wireshark-plugin-portclass 2>&1)"
fi
known=0 left=0
while read -r f; do
  [ -d "$f" ] && [ ! -L "$f" ] && continue
  dpkg -S "$f" >/dev/null 2>&1 && { known=$((known + 1)); echo "    dpkg -S still finds $f"; }
  { [ -e "$f" ] || [ -L "$f" ]; } && { left=$((left + 1)); echo "    still there: $f"; }
done </tmp/files.list
if [ $known -eq 0 ] && [ $left -eq 0 ]; then pass "dpkg -S finds none of the $(wc -l </tmp/files.list) paths; none is left"
else bad "$known paths known to dpkg, $left left"; fi
snapshot >/tmp/after.list
if cmp -s /tmp/before.list /tmp/after.list; then
  pass "the file system's list equals the one before the install ($(wc -l </tmp/after.list) paths)"
else
  bad "the file system differs from before the install:"
  diff /tmp/before.list /tmp/after.list | grep '^[<>]' | head -n 30
fi
apt_q autoclean >/dev/null 2>&1 || true

if [ $failures -ne 0 ]; then echo "install_test.sh ($suite): $failures failed"; exit 1; fi
echo "install_test.sh ($suite): all passed"
