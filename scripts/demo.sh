#!/usr/bin/env bash
# The main job on the project's own samples: installs what is needed, builds
# portclass, then
#   1. annotates the lab capture with the Wireshark plugin in tshark,
#   2. profiles the hosts of that capture with the portclass command line,
#   3. generates an nftables ruleset for the lab's client hosts.
# Output goes to stdout and to build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

bash scripts/install-deps.sh
build=build/release
# Only what the demo runs: no test suites, no benchmarks.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPORTCLASS_BUILD_TESTS=OFF -DPORTCLASS_BUILD_BENCH=OFF
cmake --build "$build" -j"$(nproc)" --target portclass portclass-nft portclass_plugin
out="$build/demo"
mkdir -p "$out"
capture=samples/lab/captures/lab.pcapng

echo
echo "== 1. tshark with the portclass plugin: $capture"
# tshark ignores WIRESHARK_PLUGIN_DIR when run as root: run it as nobody,
# from a world-readable copy of the plugin and the capture.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$build/plugins" "$stage/plugins"
cp "$capture" "$stage/lab.pcapng"
chmod -R a+rX "$stage"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_user[@]}" env HOME="$stage" WIRESHARK_PLUGIN_DIR="$stage/plugins" \
  tshark -r "$stage/lab.pcapng" -2 -Y "portclass && frame.number <= 40" -T fields -E header=y \
  -e ip.src -e ipv6.src -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport \
  -e portclass.client.port -e portclass.client.method -e portclass.host.os -e portclass.host.conf \
  | tee "$out/annotated.tsv" | column -t -s $'\t'

echo
echo "== 2. portclass profile $capture"
"$build/cli/portclass" profile "$capture" | tee "$out/profile.txt"
"$build/cli/portclass" profile --json "$capture" > "$out/profiles.json"

echo
echo "== 3. portclass-nft generate for the lab's protected hosts (from the capture's profiles)"
"$build/nft-helper/portclass-nft" generate --mode gateway --from-profile "$out/profiles.json" | tee "$out/ruleset.nft"
echo
echo "demo: outputs in $repo/$out"
