#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate + apply of a gateway ruleset with 10,000 subnets by portclass-nft
# (config -> model -> one libnftnl batch) against `nft -f` loading the same
# ruleset text, each run in a fresh network namespace. Prints both medians.
# Not part of CTest (speed targets live in benchmarks). Needs root.
#   bench/nft/bench-apply.sh PORTCLASS_NFT_BINARY [RUNS] [SUBNETS]
set -euo pipefail
bin=${1:?usage: bench-apply.sh PORTCLASS_NFT_BINARY [RUNS] [SUBNETS]}
runs=${2:-9}
subnets=${3:-10000}
[ "$(id -u)" -eq 0 ] || { echo "bench-apply: needs root (network namespaces)" >&2; exit 77; }
tmp=$(mktemp -d)
prefix="pcnftb$$"
cleanup() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$prefix" || true); do ip netns del "$ns"; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# 10,000 /24s cycling through five ranges, so that neighbours never merge.
{
  echo 'mode = "gateway"'
  echo '[services]'
  echo 'tcp = [22, 443]'
  echo '[subnets]'
  for ((i = 0; i < subnets; i++)); do
    case $((i % 5)) in 0) r=windows ;; 1) r=linux ;; 2) r=windows-xp ;; 3) r=freebsd ;; 4) r=20000-29999 ;; esac
    echo "\"10.$((i / 256)).$((i % 256)).0/24\" = \"$r\""
  done
} >"$tmp/gw.toml"
"$bin" generate --config "$tmp/gw.toml" -o "$tmp/gw.nft"
echo "ruleset: $subnets subnets, $(grep -c 'accept comment\|drop comment' "$tmp/gw.nft") rules, $(wc -c <"$tmp/gw.nft") bytes of nft text"

now() { date +%s%N; }
declare -a ours theirs
for ((run = 0; run < runs; run++)); do
  ip netns add "$prefix-a$run"
  ip netns add "$prefix-b$run"
  # Alternate the order so neither side always runs on a warmer machine.
  for side in $( ((run % 2)) && echo "nft ours" || echo "ours nft"); do
    if [ "$side" = ours ]; then
      t0=$(now); ip netns exec "$prefix-a$run" "$bin" apply --config "$tmp/gw.toml" >/dev/null; t1=$(now)
      ours+=($(((t1 - t0) / 1000)))
    else
      t0=$(now); ip netns exec "$prefix-b$run" nft -f "$tmp/gw.nft"; t1=$(now)
      theirs+=($(((t1 - t0) / 1000)))
    fi
  done
  if [ "$run" -eq 0 ]; then  # both loaded the same ruleset
    if ! cmp -s <(ip netns exec "$prefix-a0" nft list ruleset) <(ip netns exec "$prefix-b0" nft list ruleset); then
      echo "bench-apply: the two rulesets differ" >&2; exit 1
    fi
  fi
  ip netns del "$prefix-a$run"
  ip netns del "$prefix-b$run"
done

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
m_ours=$(median "${ours[@]}")
m_nft=$(median "${theirs[@]}")
echo "portclass-nft generate+apply: median $((m_ours / 1000)) ms over $runs runs (all: $(printf '%s ' "${ours[@]}" | awk '{for(i=1;i<=NF;i++) printf "%d ", $i/1000}')ms)"
echo "nft -f same text:             median $((m_nft / 1000)) ms over $runs runs (all: $(printf '%s ' "${theirs[@]}" | awk '{for(i=1;i<=NF;i++) printf "%d ", $i/1000}')ms)"
awk -v a="$m_ours" -v b="$m_nft" 'BEGIN { printf "ratio: portclass-nft takes %.2f of nft -f'"'"'s time\n", a / b }'
