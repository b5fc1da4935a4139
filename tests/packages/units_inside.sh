#!/usr/bin/env bash
# Run by units_test.sh inside its mount and network namespaces, with the
# portclass package laid over /usr (read that script's header). Never run it
# on its own: it writes /etc/portclass and loads nftables rules.
set -uo pipefail
units=/usr/lib/systemd/system
failures=0
pass() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; failures=$((failures + 1)); }

# Guard: a network namespace of our own (no interface but lo), never the
# machine's.
if [ "$(ip -o link show | grep -vc ': lo:')" -ne 0 ]; then
  echo "units_test.sh: not in a fresh network namespace; refusing to load rules" >&2
  exit 1
fi
ip link set lo up

# The value of KEY= in UNIT (the last one; these units set each key once).
key() { sed -n "s/^$2=//p" "$units/$1" | tail -n 1; }
# Runs a unit's command line as systemd would (no shell: split on spaces).
run_cmd() { local line=$1; shift; local -a argv; read -r -a argv <<<"$line"; "${argv[@]}" "$@"; }

echo "systemd-analyze verify"
out=$(systemd-analyze verify "$units/portclass-nft.service" "$units/portclass-host.service" \
  "$units/portclass-host.timer" 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then pass "the three units verify with no message"
else bad "systemd-analyze verify (exit $rc): $out"; fi

echo "portclass-nft.service"
for k in "Type=oneshot" "RemainAfterExit=yes" "Before=network-pre.target shutdown.target" \
  "Wants=network-pre.target" "PartOf=nftables.service" "ReloadPropagatedFrom=nftables.service"; do
  if grep -qx "$k" "$units/portclass-nft.service"; then pass "$k"; else bad "missing $k"; fi
done
if key portclass-nft.service After | grep -qw nftables.service; then pass "After=nftables.service"
else bad "not ordered after nftables.service"; fi
if grep -q '^WantedBy=' "$units/portclass-nft.service" && ! ls /etc/systemd/system/*.wants/portclass-* >/dev/null 2>&1; then
  pass "installable, not enabled"
else bad "no [Install] section, or enabled"; fi
start=$(key portclass-nft.service ExecStart)
reload=$(key portclass-nft.service ExecReload)
cfg=$(printf '%s\n' "$start" | grep -o '/etc/[^ ]*\.toml')
[ -n "$cfg" ] || bad "ExecStart names no config file: $start"
mkdir -p "$(dirname "$cfg")"
run_cmd "$start" >/tmp/nft.out 2>&1
rc=$?
if [ $rc -ne 0 ]; then pass "no config: fails (exit $rc: $(head -n 1 /tmp/nft.out))"
else bad "no config, and ExecStart succeeded"; fi
cp /usr/share/doc/portclass/examples/nft.toml "$cfg"
if run_cmd "$start" >/tmp/nft.out 2>&1; then pass "ExecStart: $(head -n 1 /tmp/nft.out)"
else bad "ExecStart failed: $(cat /tmp/nft.out)"; fi
nft list ruleset >/tmp/ruleset.1
if grep -q 'table inet portclass' /tmp/ruleset.1 && grep -q 'policy drop' /tmp/ruleset.1 \
  && grep -q 'elements = { 22 }' /tmp/ruleset.1; then
  pass "table inet portclass loaded (input policy drop, tcp 22)"
else bad "the ruleset is not the example's: $(cat /tmp/ruleset.1)"; fi
if run_cmd "$reload" >/tmp/nft.out 2>&1 && nft list ruleset | cmp -s - /tmp/ruleset.1; then
  pass "ExecReload applies it again, same ruleset"
else bad "ExecReload: $(cat /tmp/nft.out)"; fi
printf 'mode = "host"\nno_such_key = 1\n' >"$cfg"
run_cmd "$start" >/tmp/nft.out 2>&1
rc=$?
if [ $rc -eq 2 ] && nft list ruleset | cmp -s - /tmp/ruleset.1; then
  pass "bad config: exit 2, ruleset unchanged ($(head -n 1 /tmp/nft.out))"
else bad "bad config: exit $rc, $(cat /tmp/nft.out)"; fi

echo "portclass-host.service and .timer"
for k in "Type=oneshot" "SuccessExitStatus=1 4"; do
  if grep -qx "$k" "$units/portclass-host.service"; then pass "$k"; else bad "missing $k"; fi
done
if grep -q '^Unit=\|^OnUnitActiveSec=' "$units/portclass-host.timer" && grep -qx 'WantedBy=timers.target' "$units/portclass-host.timer"; then
  pass "timer: OnUnitActiveSec=$(key portclass-host.timer OnUnitActiveSec), WantedBy=timers.target"
else bad "timer without a period or [Install]"; fi
start=$(key portclass-host.service ExecStart)
dir=$(printf '%s\n' "$start" | awk '{print $2}')
[ "$dir" = /var/lib/prometheus/node-exporter ] || bad "textfile folder is '$dir', not node_exporter's"
run_cmd "$start" >/tmp/host.out 2>&1
rc=$?
case $rc in
  0|1|4) pass "ExecStart: exit $rc" ;;
  *) bad "ExecStart: exit $rc: $(cat /tmp/host.out)" ;;
esac
prom="$dir/portclass_host.prom"
if [ -s "$prom" ] && grep -q '^portclass_ephemeral_usable_ports ' "$prom"; then
  pass "$prom written ($(wc -l <"$prom") lines)"
else bad "$prom missing or empty"; fi
if [ "$(ls -A "$dir")" = portclass_host.prom ]; then pass "no temporary file left"
else bad "files left in $dir: $(ls -A "$dir" | tr '\n' ' ')"; fi
if [ "$(stat -c %a "$prom")" = 644 ]; then pass "mode 644 (node_exporter reads it)"
else bad "mode $(stat -c %a "$prom")"; fi
if command -v promtool >/dev/null; then
  if promtool check metrics <"$prom" >/tmp/promtool.out 2>&1; then pass "promtool check metrics"
  else bad "promtool: $(cat /tmp/promtool.out)"; fi
fi
# A crossed threshold: exit 4 (critical) is a success of the unit, the file is new.
before=$(stat -c %i "$prom")
run_cmd "$start" --warning 0 --critical 0 >/tmp/host.out 2>&1
rc=$?
if [ $rc -eq 4 ] && [ "$(stat -c %i "$prom")" != "$before" ] \
  && grep -q '^portclass_ephemeral_status 2' "$prom"; then
  pass "critical crossed: exit 4 (SuccessExitStatus), a new file by rename"
else bad "critical: exit $rc, status $(grep '^portclass_ephemeral_status' "$prom")"; fi
cp "$prom" /tmp/prom.keep
run_cmd "$start" --no-such-option >/tmp/host.out 2>&1
rc=$?
if [ $rc -eq 2 ] && cmp -s "$prom" /tmp/prom.keep && [ "$(ls -A "$dir")" = portclass_host.prom ]; then
  pass "bad usage: exit 2 (a failed unit), the old file kept, no temporary file"
else bad "bad usage: exit $rc, $(ls -A "$dir" | tr '\n' ' ')"; fi

if [ $failures -ne 0 ]; then echo "units_test.sh: $failures failed"; exit 1; fi
echo "units_test.sh: all passed"
