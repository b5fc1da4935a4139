#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# portclass-nft's command line, without root and without touching any
# kernel ruleset: exit codes, one clear line on stderr for bad or hostile
# input, --help on every subcommand, byte-identical output for equal input.
# (Commands that act on the kernel are only run with a --netns that does not
# exist, so they stop before any netlink.)
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PORTCLASS_STATE_DIR=$tmp/state
fails=0
pass=0

check() {  # check NAME EXPECTED_RC CMD...: runs CMD, compares its exit code
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $name: exit $rc, wanted $want"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1)); return
  fi
  if [ "$want" -ne 0 ]; then
    local lines
    lines=$(wc -l <"$tmp/err")
    if [ "$lines" -ne 1 ] || ! grep -q '^portclass-nft: ' "$tmp/err"; then
      echo "FAIL: $name: stderr is not one 'portclass-nft: ...' line:"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1)); return
    fi
    if [ -s "$tmp/out" ]; then
      echo "FAIL: $name: wrote to stdout on failure"; fails=$((fails + 1)); return
    fi
  fi
  pass=$((pass + 1))
}

for sub in "" generate check apply confirm audit; do
  check "--help ${sub:-(top)}" 0 "$bin" $sub --help
  grep -q "Usage" "$tmp/out" || { echo "FAIL: --help ${sub} printed no usage"; fails=$((fails + 1)); }
done

check "no subcommand" 2 "$bin"
check "unknown option" 2 "$bin" generate --frobnicate
check "unknown subcommand" 2 "$bin" frobnicate
check "hostile --table" 2 "$bin" generate --range linux --table 'x; flush ruleset'
check "hostile --table with newline" 2 "$bin" generate --range linux --table $'pc\nflush ruleset'
check "reversed range" 2 "$bin" generate --range 5000-1000
check "unknown profile" 2 "$bin" generate --range solaris-99
check "port beyond 65535" 2 "$bin" generate --range linux --tcp 70000
check "subnet with host bits" 2 "$bin" generate --mode gateway --subnet 10.1.2.3/16=linux
check "subnet without range" 2 "$bin" generate --mode gateway --subnet 10.1.0.0/16
check "gateway without subnets" 2 "$bin" generate --mode gateway
check "unknown protocol" 2 "$bin" generate --range linux --allow telnet
check "--confirm out of bounds" 2 "$bin" apply --netns none --confirm 0
check "missing config" 2 "$bin" generate --config "$tmp/none.toml"
check "missing profile document" 2 "$bin" generate --from-profile "$tmp/none.json"
echo '{"format":"portclass-profiles","version":99,"hosts":{}}' >"$tmp/bad.json"
check "bad profile document" 2 "$bin" generate --from-profile "$tmp/bad.json"
check "--explain-ranges without --from-profile" 2 "$bin" generate --explain-ranges
check "--explain-ranges with --json" 2 "$bin" generate --from-profile "$tmp/bad.json" --explain-ranges --json
check "--explain-ranges of a bad profile document" 2 "$bin" generate --from-profile "$tmp/bad.json" --explain-ranges
check "profile-subnet without from-profile" 2 "$bin" generate --mode gateway --subnet 10.0.0.0/8=linux --profile-subnet 10.0.0.0/8

printf 'table = "portclass\\"; flush ruleset; \\""\n' >"$tmp/hostile1.toml"
check "hostile table in config" 2 "$bin" generate --config "$tmp/hostile1.toml"
printf '[host]\nrange = "linux"\n[ranges]\n"a}b" = "1-2"\n' >"$tmp/hostile2.toml"
check "hostile range name in config" 2 "$bin" generate --config "$tmp/hostile2.toml"
printf 'comment = "x\\" } table ip evil { \\""\n[host]\nrange = "linux"\n' >"$tmp/hostile3.toml"
check "hostile comment in config" 2 "$bin" generate --config "$tmp/hostile3.toml"
printf 'mode = "gateway"\n[subnets]\n"10.0.0.0/8" = "linux"\nextra = 1\n[bogus]\n' >"$tmp/typo.toml"
check "unknown section in config" 2 "$bin" generate --config "$tmp/typo.toml"

check "netns that does not exist (apply)" 2 "$bin" apply --netns "pcnft-none-$$" --range linux
check "netns that does not exist (audit)" 2 "$bin" audit --netns "pcnft-none-$$"
check "netns name with a slash" 2 "$bin" audit --netns ../etc
check "confirm with nothing pending" 1 "$bin" confirm

# Deterministic output: a gateway of 3000 subnets, twice, script and JSON.
{
  echo 'mode = "gateway"'
  echo '[services]'
  echo 'tcp = [22, 443]'
  echo '[subnets]'
  for i in $(seq 0 2999); do
    case $((i % 4)) in 0) r=windows ;; 1) r=linux ;; 2) r=windows-xp ;; 3) r=20000-29999 ;; esac
    echo "\"10.$((i / 256)).$((i % 256)).0/24\" = \"$r\""
  done
} >"$tmp/big.toml"
check "generate big" 0 "$bin" generate --config "$tmp/big.toml" -o "$tmp/a.nft"
check "generate big again" 0 "$bin" generate --config "$tmp/big.toml" -o "$tmp/b.nft"
if cmp -s "$tmp/a.nft" "$tmp/b.nft"; then pass=$((pass + 1)); else echo "FAIL: script output differs between runs"; fails=$((fails + 1)); fi
"$bin" generate --config "$tmp/big.toml" --json >"$tmp/a.json"
"$bin" generate --config "$tmp/big.toml" --json >"$tmp/b.json"
if cmp -s "$tmp/a.json" "$tmp/b.json" && python3 -m json.tool "$tmp/a.json" >/dev/null; then
  pass=$((pass + 1))
else
  echo "FAIL: JSON output differs between runs or is not JSON"; fails=$((fails + 1))
fi
rules=$(grep -c ' accept comment\| drop comment' "$tmp/a.nft")
if [ "$rules" -lt 30 ]; then pass=$((pass + 1)); else echo "FAIL: $rules rules for 3000 subnets"; fails=$((fails + 1)); fi

echo "cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
