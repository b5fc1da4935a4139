#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-lab.sh - CI test of samples/lab/make-lab.sh.
#
# Runs make-lab.sh into a temporary directory and checks its captures with
# tshark against its labels.tsv:
#   - every labelled client address sends TCP and UDP, all with its labelled
#     TTL / hop limit (nat: one hop less), all from source ports inside its
#     labelled range, from more than one port (dnsfixed: every UDP query from
#     one single port);
#   - winxp's new sockets (TCP SYNs and UDP queries, in time order) take
#     successive ports: >= 80% of the steps are +1, and so are more than half
#     of the steps between its TCP SYNs alone (the share at which portclass
#     reports sequential ports); on every other host under 20% of TCP steps are +1;
#   - the nat address sends with TTL 63 and 127 and hop limits 63 and 127 (a
#     Linux and a Windows client one hop behind it), the TTL-63 ports lie in
#     Linux's range and some below Windows', the TTL-127 ports in Windows'
#     range and some above Linux's;
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
[[ ${#oses[@]} -eq 8 ]] && ok "8 client hosts labelled" || bad "${#oses[@]} client hosts labelled, want 8"

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
    # One line per TCP/UDP packet in capture (= time) order; ICMP errors
    # excluded: they quote inner headers.
    tshark -r "$pcap" -Y '(tcp || udp) && !icmp && !icmpv6' -T fields -E separator=/t \
        -e ip.src -e ipv6.src -e ip.ttl -e ipv6.hlim -e tcp.srcport -e udp.srcport \
        -e tcp.flags.syn -e tcp.flags.ack -e udp.dstport >"$OUT/$os.fields" 2>/dev/null
    # The router's clients are one hop from the capture point, the others none.
    hops=0
    [[ $os == nat ]] && hops=1
    n50=$(awk -F'\t' '$5 == 50000 && ($7 == "1" || $7 == "True") && ($8 == "1" || $8 == "True")' \
        "$OUT/$os.fields" | wc -l)
    syn50000=$((syn50000 + n50))
    while IFS= read -r line; do
        case $line in
            ok\ *) ok "${line#ok }" ;;
            *) bad "${line#FAIL }" ;;
        esac
    done < <(awk -F'\t' -v os="$os" -v labels="$CAP/labels.tsv" -v frames="$frames" -v hops="$hops" '
        BEGIN {
            while ((getline line < labels) > 0) {
                split(line, f, "\t")
                if (f[1] == "address") continue
                role[f[1]] = f[6]; host[f[1]] = f[2]; ttl[f[1]] = f[5]
                split(f[4], r, "-"); lo[f[1]] = r[1] + 0; hi[f[1]] = r[2] + 0
                # the TTLs a client may arrive with: each labelled one, less the hops
                nt = split(f[5], tl, ",")
                for (i = 1; i <= nt; i++) okttl[f[1], tl[i] - hops] = 1
            }
            # nat: which emulated client an arriving TTL stands for, and its range
            natlo[63] = 32768; nathi[63] = 60999; natlo[127] = 49152; nathi[127] = 65535
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
            if (!((src, t) in okttl)) badttl[k]++
            if (os == "nat") {
                seenttl[src, t]++
                if (sp < natlo[t] || sp > nathi[t]) natout[src, t]++
                if (t == 63 && sp < 49152) natonly[t]++    # no Windows port
                if (t == 127 && sp > 60999) natonly[t]++   # no Linux port
            }
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
                    printf "%s %-8s %-9s %s: %3d pkts ttl=%s%s (%d off) sport %d-%d in %d-%d (%d out%s), %d distinct\n",
                        good ? "ok  " : "FAIL", os, a, proto, n[k], ttl[a], hops ? " -" hops : "",
                        badttl[k], mn[k], mx[k], lo[a], hi[a], badport[k],
                        badport[k] ? ", e.g. " ex[k] : "", distinct[k]
                }
                if (os != "nat") continue
                # Several hosts behind one address: both TTLs, each (bar a rare
                # NAT port clash) within the range of its own client.
                for (t = 63; t <= 127; t += 64) {
                    c = seenttl[a, t] + 0; o = natout[a, t] + 0
                    printf "%s nat      %-9s ttl %d: %3d pkts, %d outside %d-%d\n",
                        (c > 0 && o * 20 <= c) ? "ok  " : "FAIL", a, t, c, o, natlo[t], nathi[t]
                }
            }
            # Ports only one of the two ranges explains, over both addresses
            # (one router): a handful of random UDP ports make this near certain.
            if (os == "nat")
                printf "%s nat: %d TTL-63 packets from ports below 49152, %d TTL-127 packets from ports above 60999\n",
                    (natonly[63] > 0 && natonly[127] > 0) ? "ok  " : "FAIL", natonly[63], natonly[127]
        }' "$OUT/$os.fields")

    # Successive source ports of new sockets (TCP SYNs and UDP queries) per
    # client address, in time order; a port equal to the previous one is no
    # new event (as portclass counts them).
    while IFS= read -r line; do
        case $line in
            ok\ *) ok "${line#ok }" ;;
            *) bad "${line#FAIL }" ;;
        esac
    done < <(awk -F'\t' -v os="$os" -v labels="$CAP/labels.tsv" '
        BEGIN {
            while ((getline line < labels) > 0) {
                split(line, f, "\t")
                if (f[6] == "client" && f[2] == os) client[f[1]] = 1
            }
        }
        function step(key, port) {
            if (!(key in last)) { last[key] = port; return }
            if (port == last[key]) return
            steps[key]++
            if (port == last[key] + 1) unit[key]++
            last[key] = port
        }
        {
            src = ($1 != "") ? $1 : $2
            if (!(src in client)) next
            tcpsyn = $5 != "" && ($7 == "1" || $7 == "True") && !($8 == "1" || $8 == "True")
            query = $6 != "" && $9 == 53
            if (!tcpsyn && !query) next
            sp = (tcpsyn ? $5 : $6) + 0
            step(src SUBSEP "all", sp)
            if (tcpsyn) step(src SUBSEP "tcp", sp)
        }
        END {
            for (a in client) {
                ka = a SUBSEP "all"; kt = a SUBSEP "tcp"
                sa = steps[ka] + 0; ua = unit[ka] + 0; st = steps[kt] + 0; ut = unit[kt] + 0
                if (os == "winxp")
                    good = sa >= 20 && ua * 5 >= sa * 4 && st >= 10 && ut * 2 > st
                else
                    good = st >= 10 && ut * 5 < st
                printf "%s %-8s %-9s +1 steps: %d of %d between new sockets, %d of %d between TCP SYNs (want %s)\n",
                    good ? "ok  " : "FAIL", os, a, ua, sa, ut, st,
                    os == "winxp" ? ">= 80% and > 50%" : "< 20% between SYNs"
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
