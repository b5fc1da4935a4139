#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-lab.sh - CI test of samples/lab/make-lab.sh.
#
# Runs make-lab.sh into a temporary directory and checks its captures with
# tshark against its labels.tsv:
#   - every labelled client address sends TCP and UDP, all with its labelled
#     TTL / hop limit, all from source ports inside its labelled range, from
#     more than one port (dnsfixed: every UDP query from one single port);
#   - the server's addresses send only from its service ports (80, 22, 50000,
#     53) with TTL 64, and every reply from a service port comes from a server
#     address; the port-50000 service answers (SYN+ACK seen);
#   - every capture holds IPv4 and IPv6 packets and only labelled addresses;
#   - lab.pcapng holds exactly the packets of the per-client captures;
#   - no namespace of the run is left behind.
#
# With --captures DIR it checks existing captures (e.g. the committed ones in
# samples/lab/captures) instead: no root and no namespaces needed.
# Exit 0 all good, 1 a check failed, 77 skipped (not root, namespaces not
# permitted, or a tool missing).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAKE_LAB=$HERE/../../samples/lab/make-lab.sh

skip() { echo "SKIP: $*"; exit 77; }

CAP=""
case "${1:-}" in
    "") ;;
    --captures) CAP=${2:?--captures needs a directory} ;;
    -h|--help) echo "usage: check-lab.sh [--captures DIR]"; exit 0 ;;
    *) echo "check-lab.sh: unknown argument $1" >&2; exit 2 ;;
esac

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
OUT=$(mktemp -d /tmp/check-lab.XXXXXX)
trap 'rm -rf -- "$OUT"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

elapsed=""
if [[ -z $CAP ]]; then
    [[ $EUID -eq 0 ]] || skip "not root (make-lab.sh creates network namespaces)"
    for tool in ip tcpdump mergecap python3; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
    done
    probe="pclabprobe$$"
    ip netns add "$probe" >/dev/null 2>&1 || skip "'ip netns add' not permitted here"
    ip netns del "$probe"

    t0=$SECONDS
    if ! timeout --kill-after=10 240 bash "$MAKE_LAB" "$OUT/captures" >"$OUT/make.log" 2>&1; then
        cat "$OUT/make.log"
        echo "FAIL: make-lab.sh failed"
        echo "check-lab: 0 passed, 1 failed"
        exit 1
    fi
    elapsed=$((SECONDS - t0))
    CAP=$OUT/captures

    # Namespaces of the run must be gone.
    prefix=$(sed -n 's/^make-lab: namespaces \(pclab[0-9]*\)-\*$/\1/p' "$OUT/make.log")
    if [[ -z $prefix ]]; then
        bad "namespace prefix not found in make-lab.sh's output"
    elif ip netns list | grep -q "^$prefix-"; then
        bad "namespaces left behind: $(ip netns list | grep "^$prefix-" | tr '\n' ' ')"
    else
        ok "namespaces $prefix-* removed"
    fi
fi

for f in labels.tsv lab.pcapng; do
    [[ -s $CAP/$f ]] || { bad "$f missing"; echo "check-lab: $pass passed, $fail failed"; exit 1; }
done
if [[ $(head -1 "$CAP/labels.tsv") == $'address\tos\tfamily\trange\tttl\trole' ]]; then
    ok "labels.tsv header"
else
    bad "labels.tsv header: $(head -1 "$CAP/labels.tsv")"
fi

mapfile -t oses < <(awk -F'\t' 'NR > 1 && $6 == "client" && !seen[$2]++ { print $2 }' "$CAP/labels.tsv")
[[ ${#oses[@]} -eq 7 ]] && ok "7 client hosts labelled" || bad "${#oses[@]} client hosts labelled, want 7"

total=0
syn50000=0
for os in "${oses[@]}"; do
    pcap=$CAP/$os.pcap
    if [[ ! -s $pcap ]]; then
        bad "$os.pcap missing"
        continue
    fi
    frames=$(tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
    total=$((total + frames))
    # One line per TCP/UDP packet (ICMP errors excluded: they quote inner headers).
    tshark -r "$pcap" -Y '(tcp || udp) && !icmp && !icmpv6' -T fields -E separator=/t \
        -e ip.src -e ipv6.src -e ip.ttl -e ipv6.hlim -e tcp.srcport -e udp.srcport \
        -e tcp.flags.syn -e tcp.flags.ack >"$OUT/$os.fields" 2>/dev/null
    n50=$(awk -F'\t' '$5 == 50000 && ($7 == "1" || $7 == "True") && ($8 == "1" || $8 == "True")' \
        "$OUT/$os.fields" | wc -l)
    syn50000=$((syn50000 + n50))
    while IFS= read -r line; do
        case $line in
            ok\ *) ok "${line#ok }" ;;
            *) bad "${line#FAIL }" ;;
        esac
    done < <(awk -F'\t' -v os="$os" -v labels="$CAP/labels.tsv" -v frames="$frames" '
        BEGIN {
            while ((getline line < labels) > 0) {
                split(line, f, "\t")
                if (f[1] == "address") continue
                role[f[1]] = f[6]; host[f[1]] = f[2]; ttl[f[1]] = f[5]
                split(f[4], r, "-"); lo[f[1]] = r[1] + 0; hi[f[1]] = r[2] + 0
            }
            svc[80] = svc[22] = svc[50000] = svc[53] = 1
        }
        {
            src = ($1 != "") ? $1 : $2
            t = ($3 != "") ? $3 : $4
            proto = ($5 != "") ? "tcp" : "udp"
            sp = (proto == "tcp") ? $5 + 0 : $6 + 0
            if ($1 != "") v4++; else v6++
            if (!(src in role)) { stray[src]++; next }
            if (role[src] == "client" && host[src] != os) { stray[src]++; next }
            if (role[src] == "server") {
                srv++
                if (t != ttl[src]) srvttl++
                if (!(sp in svc)) srvport++
                next
            }
            if (sp in svc) fromsvc++
            k = src SUBSEP proto
            n[k]++
            if (t != ttl[src]) badttl[k]++
            if (sp < lo[src] || sp > hi[src]) { badport[k]++; ex[k] = sp }
            if (!((k, sp) in seen)) { seen[k, sp] = 1; distinct[k]++ }
            if (!(k in mn) || sp < mn[k]) mn[k] = sp
            if (sp > mx[k]) mx[k] = sp
        }
        END {
            printf "%s %s.pcap: %d frames, %d IPv4 and %d IPv6 TCP/UDP packets\n",
                (v4 > 0 && v6 > 0) ? "ok  " : "FAIL", os, frames, v4, v6
            for (s in stray) printf "FAIL %s.pcap: %d packets from unexpected source %s\n", os, stray[s], s
            printf "%s %s.pcap: server sent %d packets, %d with TTL != 64, %d from non-service ports\n",
                (srv > 0 && srvttl == 0 && srvport == 0) ? "ok  " : "FAIL", os, srv, srvttl, srvport
            if (fromsvc > 0) printf "FAIL %s.pcap: %d client packets from service ports\n", os, fromsvc
            for (a in role) {
                if (role[a] != "client" || host[a] != os) continue
                for (p = 1; p <= 2; p++) {
                    proto = (p == 1) ? "tcp" : "udp"
                    k = a SUBSEP proto
                    good = n[k] > 0 && badttl[k] == 0 && badport[k] == 0
                    if (os == "dnsfixed" && proto == "udp") good = good && distinct[k] == 1
                    else good = good && distinct[k] > 1
                    printf "%s %-8s %-9s %s: %3d pkts ttl=%s (%d off) sport %d-%d in %d-%d (%d out%s), %d distinct\n",
                        good ? "ok  " : "FAIL", os, a, proto, n[k], ttl[a], badttl[k],
                        mn[k], mx[k], lo[a], hi[a], badport[k],
                        badport[k] ? ", e.g. " ex[k] : "", distinct[k]
                }
            }
        }' "$OUT/$os.fields")
done

[[ $syn50000 -gt 0 ]] && ok "port-50000 server answered $syn50000 SYNs" || bad "no SYN+ACK from port 50000"

merged=$(tshark -r "$CAP/lab.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
[[ $merged -eq $total && $total -gt 0 ]] && ok "lab.pcapng has all $merged frames" ||
    bad "lab.pcapng has $merged frames, the captures $total"

size=$(du -cb "$CAP" | tail -1 | cut -f1)
[[ $size -lt 2000000 ]] && ok "outputs total $size bytes" || bad "outputs total $size bytes (>= 2 MB)"

[[ -n $elapsed ]] && echo "make-lab.sh took ${elapsed}s"
echo "check-lab: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
