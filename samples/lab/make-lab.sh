#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-lab.sh - build portclass's labelled sample captures with real kernel stacks.
#
# See samples/lab/README.md.  Everything happens inside network namespaces this
# script creates (and always removes); the root namespace is never touched.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: make-lab.sh [--help] OUTDIR

Build real, labelled packet captures: one server network namespace and one
namespace per emulated client OS (linux win10 winxp macos freebsd tuned
dnsfixed), each client joined to the server by its own veth pair and given that
OS's ephemeral port range, IPv4 TTL and IPv6 hop limit (winxp also takes its
source ports from a counter, as Windows XP did).  A router namespace (nat)
masquerades two more clients, one emulating Linux and one Windows 10, onto its
own address on a link to the server.  Every client makes TCP connections and
DNS-like UDP exchanges over IPv4 and IPv6; tcpdump captures each link inside
the server namespace.

Writes into OUTDIR (created if needed; existing files of the same names are
replaced):
  <os>.pcap     one capture per server link (Ethernet, full packets);
                nat.pcap is the router's link
  lab.pcapng    all captures merged in time order (mergecap)
  labels.tsv    address, os, family, range, ttl, role for every address

Needs root (network namespaces), ip (iproute2), tcpdump, mergecap
(wireshark-common), nft (nftables, run inside the router namespace only),
python3.  Takes about 10 seconds.  Namespaces are named pclab<PID>-*; they and
every process started are removed on exit, error or Ctrl-C.

Environment: PYTHON (default python3), LAB_SEED (default 1).
EOF
}

case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") usage >&2; exit 2 ;;
    -*) echo "make-lab.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
esac
[[ $# -eq 1 ]] || { echo "make-lab.sh: want exactly one OUTDIR (try --help)" >&2; exit 2; }
OUTDIR=$1

if [[ $EUID -ne 0 ]]; then
    echo "make-lab.sh: must run as root (it creates network namespaces)" >&2
    exit 2
fi

PYTHON=${PYTHON:-python3}
LAB_SEED=${LAB_SEED:-1}
[[ $LAB_SEED =~ ^[0-9]{1,6}$ ]] || { echo "make-lab.sh: LAB_SEED must be a number" >&2; exit 2; }
for tool in ip tcpdump mergecap sysctl nft "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "make-lab.sh: $tool not found (packages: iproute2 tcpdump wireshark-common procps nftables python3)" >&2
        exit 2
    }
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABNET=$HERE/labnet.py
[[ -r $LABNET ]] || { echo "make-lab.sh: $LABNET missing" >&2; exit 2; }

# --------------------------------------------------------------------------
# The hosts.  index:os:family:port range:TTL (= IPv6 hop limit):TCP ports:UDP source port:ports
# Client N uses 10.77.N.2 and fd77:N::2; its server side is 10.77.N.1 and fd77:N::1.
# ports: "kernel" (the namespace's kernel picks each source port) or
# "sequential" (labnet.py binds each socket to the next port of a counter).
HOSTS=(
    "1:linux:linux:32768-60999:64:80,22,50000:0:kernel"
    "2:win10:windows:49152-65535:128:80,50000:0:kernel"
    "3:winxp:windows:1025-5000:128:80,22:0:sequential"
    "4:macos:macos:49152-65535:64:80,22,50000:0:kernel"
    "5:freebsd:freebsd:10000-65535:64:80,22:0:kernel"
    "6:tuned:linux:20000-29999:64:80,22,50000:0:kernel"
    "7:dnsfixed:linux:32768-60999:64:80,22:33333:kernel"
)
# The NAT case: a router namespace on server link NAT_N (router 10.77.NAT_N.2 /
# fd77:NAT_N::2) masquerades the clients behind it onto that address.
# index:name:port range:TTL:TCP ports; client K is 10.78.K.2 / fd78:K::2 behind
# the router's 10.78.K.1 / fd78:K::1 (addresses never seen by the server).
NAT_N=8
NAT_CLIENTS=(
    "1:nat-linux:32768-60999:64:80,22,50000"
    "2:nat-win10:49152-65535:128:80,50000"
)
NAT_RANGE=32768-65535   # union of the clients' ranges: NAT_N's labelled range
NAT_TTLS=64,128         # the clients' initial TTLs (seen one hop later: 63, 127)
SERVER_TCP=80,22,50000
SERVER_UDP=53
# Clients never pick these automatically (ip_local_reserved_ports), so a
# service port seen as a source is always the server's: 50000 lies inside the
# linux, win10 and macos ranges, and a client SYN from 50000 (it happened:
# macos, one run in six) blurs that case.  Sorted, as the kernel reads it back.
RESERVED_PORTS=22,53,80,50000
TCP_COUNT=24   # per client and family (IPv4, IPv6)
UDP_COUNT=12   # per client and family
# First port of winxp's counter: pseudo-random in 1025-4000, drawn from LAB_SEED
# so a run can be repeated; low enough that 72 sockets per family never wrap.
RANDOM=$((LAB_SEED * 100 + 3))
XP_FIRST=$((1025 + RANDOM % 2976))

PREFIX="pclab$$"
NS_SRV="$PREFIX-srv"
NS_NAT="$PREFIX-nat"
CREATED_NS=()
PIDS=()
WORK=""

log() { printf 'make-lab: %s\n' "$*" >&2; }
die() { printf 'make-lab.sh: %s\n' "$*" >&2; exit 1; }

# Wait up to $2 tenths of a second for pid $1 to end; 0 if it did.
wait_gone() {
    local pid=$1 tenths=$2 i
    for ((i = 0; i < tenths; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$pid" 2>/dev/null
}

cleanup() {
    local rc=$? pid ns
    trap - EXIT
    trap '' INT TERM   # finish cleaning up even if interrupted again
    set +e
    # Processes this script started (tracked by pid) ...
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    # ... and anything still running inside the namespaces this script created
    # (the router's included; its nftables ruleset goes with its namespace).
    for ns in "${CREATED_NS[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
    done
    for ns in "${CREATED_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    ip netns list 2>/dev/null | grep "^$PREFIX-" >&2 && log "could not delete the namespaces above"
    [[ -n $WORK && -d $WORK ]] && rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

ns_add() {
    CREATED_NS+=("$1")   # first, so an interrupt right after the add still removes it
    ip netns add "$1"
    ip -n "$1" link set lo up
}

# nsctl NS KEY VALUE: set a sysctl inside NS and read it back.
nsctl() {
    local ns=$1 key=$2 want=$3 got
    ip netns exec "$ns" sysctl -q -w "$key=$want" >/dev/null
    got=$(ip netns exec "$ns" sysctl -n "$key" | tr -s ' \t' ' ')
    [[ $got == "$want" ]] || die "$ns: $key is '$got' after writing '$want'"
}

# client_ns NS RANGE TTL: a namespace with an OS's defaults.  The IPv6 hop
# limit is set on "all", on "default" (inherited by interfaces that appear
# later, so also by the veth end moved in) and, in link_client, on eth0 itself.
client_ns() {
    local ns=$1 range=$2 ttl=$3
    ns_add "$ns"
    nsctl "$ns" net.ipv4.ip_local_port_range "${range/-/ }"
    nsctl "$ns" net.ipv4.ip_local_reserved_ports "$RESERVED_PORTS"
    nsctl "$ns" net.ipv4.ip_default_ttl "$ttl"
    nsctl "$ns" net.ipv6.conf.all.hop_limit "$ttl"
    nsctl "$ns" net.ipv6.conf.default.hop_limit "$ttl"
    nsctl "$ns" net.ipv6.conf.default.accept_dad 0
}

# link_client UPNS UPIF NS V4 V6 TTL: a veth pair created in UPNS (UPIF, V4.1/24,
# V6::1/64) with its peer moved straight into NS (eth0, V4.2/24, V6::2/64).
link_client() {
    local upns=$1 upif=$2 ns=$3 v4=$4 v6=$5 ttl=$6
    ip -n "$upns" link add "$upif" type veth peer name eth0 netns "$ns"
    nsctl "$ns" net.ipv6.conf.eth0.hop_limit "$ttl"
    ip -n "$upns" addr add "$v4.1/24" dev "$upif"
    ip -n "$upns" addr add "$v6::1/64" dev "$upif" nodad
    ip -n "$ns" addr add "$v4.2/24" dev eth0
    ip -n "$ns" addr add "$v6::2/64" dev eth0 nodad
    ip -n "$upns" link set "$upif" up
    ip -n "$ns" link set eth0 up
}

# --------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/pclab.XXXXXX)
chmod 755 "$WORK"
START=$SECONDS

log "namespaces $PREFIX-*"
ns_add "$NS_SRV"
nsctl "$NS_SRV" net.ipv6.conf.default.accept_dad 0

# Every traffic source: namespace|name|server v4|server v6|TCP ports|labnet option|seed
CLIENTS=()
# The server's links (one capture each) and how many clients send over each.
LINKS=()
declare -A LINK_CLIENTS=()

for h in "${HOSTS[@]}"; do
    IFS=: read -r n os family range ttl tcp_ports udp_sport alloc <<<"$h"
    ns="$PREFIX-$os"
    client_ns "$ns" "$range" "$ttl"
    link_client "$NS_SRV" "s-$os" "$ns" "10.77.$n" "fd77:$n" "$ttl"
    opt="--udp-sport=$udp_sport"
    [[ $alloc == sequential ]] && opt="--sequential-from=$XP_FIRST"
    CLIENTS+=("$ns|$os|10.77.$n.1|fd77:$n::1|$tcp_ports|$opt|$((LAB_SEED * 100 + n))")
    LINKS+=("$os")
    LINK_CLIENTS[$os]=1
done

# The router: its WAN side (eth0) is an ordinary client link of the server.
# Forwarding and the masquerade rule exist only inside its namespace.
ns_add "$NS_NAT"
nsctl "$NS_NAT" net.ipv6.conf.default.accept_dad 0
link_client "$NS_SRV" "s-nat" "$NS_NAT" "10.77.$NAT_N" "fd77:$NAT_N" 64
LINKS+=(nat)
LINK_CLIENTS[nat]=${#NAT_CLIENTS[@]}
for c in "${NAT_CLIENTS[@]}"; do
    IFS=: read -r k name range ttl tcp_ports <<<"$c"
    ns="$PREFIX-$name"
    client_ns "$ns" "$range" "$ttl"
    link_client "$NS_NAT" "lan$k" "$ns" "10.78.$k" "fd78:$k" "$ttl"
    ip -n "$ns" route add default via "10.78.$k.1"
    ip -n "$ns" -6 route add default via "fd78:$k::1"
    CLIENTS+=("$ns|$name|10.77.$NAT_N.1|fd77:$NAT_N::1|$tcp_ports|--udp-sport=0|$((LAB_SEED * 100 + NAT_N * 10 + k))")
done
nsctl "$NS_NAT" net.ipv4.ip_forward 1
nsctl "$NS_NAT" net.ipv6.conf.all.forwarding 1
# Masquerade keeps a client's source port when the translated tuple is free.
# On a clash (both clients on one port towards the same server port: rare) it
# picks another port, which "to :RANGE" keeps inside the labelled range rather
# than anywhere in 1024-65535.  The second rule catches the rest (ICMP).
ip netns exec "$NS_NAT" nft -f - <<EOF || die "the router's nftables ruleset did not load"
table inet pclab_nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth0" meta l4proto { tcp, udp } masquerade to :$NAT_RANGE
        oifname "eth0" masquerade
    }
}
EOF

# Server: all services on every address of the server namespace.
ip netns exec "$NS_SRV" "$PYTHON" "$LABNET" server --tcp "$SERVER_TCP" --udp "$SERVER_UDP" \
    --ready-file "$WORK/server.ready" --max-seconds 240 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
for ((i = 0; i < 100; i++)); do
    [[ -e $WORK/server.ready ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "server died"; }
    sleep 0.1
done
[[ -e $WORK/server.ready ]] || die "server not ready after 10 s"

# One tcpdump per server link, inside the server namespace: full packets (-s 0),
# handed over and written per packet (--immediate-mode, -U; without immediate mode
# the last ring-buffer block can be lost on SIGINT), kept as root (-Z root) so it can write into $WORK.
declare -A TCPDUMP_PID=()
for os in "${LINKS[@]}"; do
    ip netns exec "$NS_SRV" tcpdump -i "s-$os" -n -s 0 -U --immediate-mode -Z root \
        -w "$WORK/$os.pcap" 2>"$WORK/tcpdump-$os.log" &
    TCPDUMP_PID[$os]=$!
    PIDS+=("$!")
done
for os in "${LINKS[@]}"; do
    for ((i = 0; i < 100; i++)); do
        grep -q 'listening on' "$WORK/tcpdump-$os.log" && break
        kill -0 "${TCPDUMP_PID[$os]}" 2>/dev/null ||
            { cat "$WORK/tcpdump-$os.log" >&2; die "tcpdump on s-$os died"; }
        sleep 0.1
    done
    grep -q 'listening on' "$WORK/tcpdump-$os.log" || die "tcpdump on s-$os not ready after 10 s"
done
sleep 0.2

# Clients, all at once; each is bounded (--max-seconds) and we bound the wait too.
log "traffic"
declare -A CLIENT_PID=()
for c in "${CLIENTS[@]}"; do
    IFS='|' read -r ns name v4 v6 tcp_ports opt seed <<<"$c"
    ip netns exec "$ns" "$PYTHON" "$LABNET" client --name "$name" \
        --v4 "$v4" --v6 "$v6" --tcp-ports "$tcp_ports" \
        --tcp-count "$TCP_COUNT" --udp-port 53 --udp-count "$UDP_COUNT" \
        "$opt" --seed "$seed" --max-seconds 60 \
        >"$WORK/client-$name.log" 2>&1 &
    CLIENT_PID[$name]=$!
    PIDS+=("$!")
done
failed=0
for c in "${CLIENTS[@]}"; do
    IFS='|' read -r _ name _ <<<"$c"
    pid=${CLIENT_PID[$name]}
    wait_gone "$pid" 900 || { kill -KILL "$pid" 2>/dev/null; log "client $name timed out"; }
    if ! wait "$pid"; then
        log "client $name failed: $(cat "$WORK/client-$name.log")"
        failed=1
    fi
done
[[ $failed -eq 0 ]] || die "some clients failed"

# Let the last FIN/ACKs pass, then stop the captures and wait for them to flush.
sleep 0.5
for os in "${LINKS[@]}"; do
    kill -INT "${TCPDUMP_PID[$os]}"
done
for os in "${LINKS[@]}"; do
    pid=${TCPDUMP_PID[$os]}
    wait_gone "$pid" 100 || { kill -KILL "$pid" 2>/dev/null; die "tcpdump on s-$os did not stop"; }
    wait "$pid" || die "tcpdump on s-$os exited with an error: $(cat "$WORK/tcpdump-$os.log")"
    # Every TCP connection is at least 7 packets, every UDP exchange 2.
    got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$WORK/tcpdump-$os.log")
    dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$WORK/tcpdump-$os.log")
    min=$((LINK_CLIENTS[$os] * 2 * (7 * TCP_COUNT + 2 * UDP_COUNT)))
    [[ ${got:-0} -ge $min && ${dropped:-1} -eq 0 ]] ||
        die "capture of $os incomplete: ${got:-?} packets (want >= $min), ${dropped:-?} dropped"
done
kill -TERM "$SERVER_PID"
wait_gone "$SERVER_PID" 50 || die "server did not stop"
wait "$SERVER_PID" || true

# Merge in time order (mergecap's default; -a would concatenate).
pcaps=()
for os in "${LINKS[@]}"; do
    pcaps+=("$WORK/$os.pcap")
done
mergecap -F pcapng -w "$WORK/lab.pcapng" "${pcaps[@]}"

# Labels: every client address, then the server's.
{
    printf 'address\tos\tfamily\trange\tttl\trole\n'
    for h in "${HOSTS[@]}"; do
        IFS=: read -r n os family range ttl _ <<<"$h"
        printf '%s\t%s\t%s\t%s\t%s\tclient\n' "10.77.$n.2" "$os" "$family" "$range" "$ttl"
        printf '%s\t%s\t%s\t%s\t%s\tclient\n' "fd77:$n::2" "$os" "$family" "$range" "$ttl"
    done
    # The router's address stands for every client behind it.
    printf '%s\tnat\tseveral\t%s\t%s\tclient\n' "10.77.$NAT_N.2" "$NAT_RANGE" "$NAT_TTLS"
    printf '%s\tnat\tseveral\t%s\t%s\tclient\n' "fd77:$NAT_N::2" "$NAT_RANGE" "$NAT_TTLS"
    for h in "${HOSTS[@]}" "$NAT_N"; do
        n=${h%%:*}
        printf '%s\tserver\tlinux\t32768-60999\t64\tserver\n' "10.77.$n.1"
        printf '%s\tserver\tlinux\t32768-60999\t64\tserver\n' "fd77:$n::1"
    done
} >"$WORK/labels.tsv"

mkdir -p -- "$OUTDIR"
for f in "${pcaps[@]}" "$WORK/lab.pcapng" "$WORK/labels.tsv"; do
    cp -- "$f" "$OUTDIR/"
    chmod 644 "$OUTDIR/$(basename "$f")"
done

for os in "${LINKS[@]}"; do
    log "$os: $(grep -o '[0-9]* packets captured' "$WORK/tcpdump-$os.log" || echo '? packets')"
done
log "winxp's port counter started at $XP_FIRST"
log "done in $((SECONDS - START)) s: $OUTDIR"
