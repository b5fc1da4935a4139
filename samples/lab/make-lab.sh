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
OS's ephemeral port range, IPv4 TTL and IPv6 hop limit.  Every client makes TCP
connections and DNS-like UDP exchanges over IPv4 and IPv6; tcpdump captures
each link inside the server namespace.

Writes into OUTDIR (created if needed; existing files of the same names are
replaced):
  <os>.pcap     one capture per client link (Ethernet, full packets)
  lab.pcapng    all captures merged in time order (mergecap)
  labels.tsv    address, os, family, range, ttl, role for every address

Needs root (network namespaces), ip (iproute2), tcpdump, mergecap
(wireshark-common), python3.  Takes about 10 seconds.  Namespaces are named
pclab<PID>-*; they and every process started are removed on exit, error or
Ctrl-C.

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
for tool in ip tcpdump mergecap sysctl "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "make-lab.sh: $tool not found (packages: iproute2 tcpdump wireshark-common procps python3)" >&2
        exit 2
    }
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABNET=$HERE/labnet.py
[[ -r $LABNET ]] || { echo "make-lab.sh: $LABNET missing" >&2; exit 2; }

# --------------------------------------------------------------------------
# The hosts.  index:os:family:port range:TTL (= IPv6 hop limit):TCP ports:UDP source port
# Client N uses 10.77.N.2 and fd77:N::2; its server side is 10.77.N.1 and fd77:N::1.
HOSTS=(
    "1:linux:linux:32768-60999:64:80,22,50000:0"
    "2:win10:windows:49152-65535:128:80,50000:0"
    "3:winxp:windows:1025-5000:128:80,22:0"
    "4:macos:macos:49152-65535:64:80,22,50000:0"
    "5:freebsd:freebsd:10000-65535:64:80,22:0"
    "6:tuned:linux:20000-29999:64:80,22,50000:0"
    "7:dnsfixed:linux:32768-60999:64:80,22:33333"
)
SERVER_TCP=80,22,50000
SERVER_UDP=53
TCP_COUNT=24   # per client and family (IPv4, IPv6)
UDP_COUNT=12   # per client and family

PREFIX="pclab$$"
NS_SRV="$PREFIX-srv"
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
    # ... and anything still running inside the namespaces this script created.
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

# --------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/pclab.XXXXXX)
chmod 755 "$WORK"
START=$SECONDS

log "namespaces $PREFIX-*"
ns_add "$NS_SRV"
nsctl "$NS_SRV" net.ipv6.conf.default.accept_dad 0

for h in "${HOSTS[@]}"; do
    IFS=: read -r n os family range ttl tcp_ports udp_sport <<<"$h"
    ns="$PREFIX-$os"
    ns_add "$ns"
    # The OS's defaults, per namespace.  The IPv6 hop limit is set on "all",
    # on "default" (inherited by interfaces that appear later, so also by the
    # veth end moved in below) and on the interface itself after the move.
    nsctl "$ns" net.ipv4.ip_local_port_range "${range/-/ }"
    nsctl "$ns" net.ipv4.ip_default_ttl "$ttl"
    nsctl "$ns" net.ipv6.conf.all.hop_limit "$ttl"
    nsctl "$ns" net.ipv6.conf.default.hop_limit "$ttl"
    nsctl "$ns" net.ipv6.conf.default.accept_dad 0

    # veth pair: created in the server namespace, peer moved straight into the client's.
    ip -n "$NS_SRV" link add "s-$os" type veth peer name eth0 netns "$ns"
    nsctl "$ns" net.ipv6.conf.eth0.hop_limit "$ttl"
    ip -n "$NS_SRV" addr add "10.77.$n.1/24" dev "s-$os"
    ip -n "$NS_SRV" addr add "fd77:$n::1/64" dev "s-$os" nodad
    ip -n "$ns" addr add "10.77.$n.2/24" dev eth0
    ip -n "$ns" addr add "fd77:$n::2/64" dev eth0 nodad
    ip -n "$NS_SRV" link set "s-$os" up
    ip -n "$ns" link set eth0 up
done

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

# One tcpdump per client link, inside the server namespace: full packets (-s 0),
# handed over and written per packet (--immediate-mode, -U; without immediate mode
# the last ring-buffer block can be lost on SIGINT), kept as root (-Z root) so it can write into $WORK.
declare -A TCPDUMP_PID=()
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
    ip netns exec "$NS_SRV" tcpdump -i "s-$os" -n -s 0 -U --immediate-mode -Z root \
        -w "$WORK/$os.pcap" 2>"$WORK/tcpdump-$os.log" &
    TCPDUMP_PID[$os]=$!
    PIDS+=("$!")
done
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
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
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os family range ttl tcp_ports udp_sport <<<"$h"
    ip netns exec "$PREFIX-$os" "$PYTHON" "$LABNET" client --name "$os" \
        --v4 "10.77.$n.1" --v6 "fd77:$n::1" --tcp-ports "$tcp_ports" \
        --tcp-count "$TCP_COUNT" --udp-port 53 --udp-count "$UDP_COUNT" \
        --udp-sport "$udp_sport" --seed "$((LAB_SEED * 100 + n))" --max-seconds 60 \
        >"$WORK/client-$os.log" 2>&1 &
    CLIENT_PID[$os]=$!
    PIDS+=("$!")
done
failed=0
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
    pid=${CLIENT_PID[$os]}
    wait_gone "$pid" 900 || { kill -KILL "$pid" 2>/dev/null; log "client $os timed out"; }
    if ! wait "$pid"; then
        log "client $os failed: $(cat "$WORK/client-$os.log")"
        failed=1
    fi
done
[[ $failed -eq 0 ]] || die "some clients failed"

# Let the last FIN/ACKs pass, then stop the captures and wait for them to flush.
sleep 0.5
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
    kill -INT "${TCPDUMP_PID[$os]}"
done
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
    pid=${TCPDUMP_PID[$os]}
    wait_gone "$pid" 100 || { kill -KILL "$pid" 2>/dev/null; die "tcpdump on s-$os did not stop"; }
    wait "$pid" || die "tcpdump on s-$os exited with an error: $(cat "$WORK/tcpdump-$os.log")"
    # Every TCP connection is at least 7 packets, every UDP exchange 2.
    got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$WORK/tcpdump-$os.log")
    dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$WORK/tcpdump-$os.log")
    min=$((2 * (7 * TCP_COUNT + 2 * UDP_COUNT)))
    [[ ${got:-0} -ge $min && ${dropped:-1} -eq 0 ]] ||
        die "capture of $os incomplete: ${got:-?} packets (want >= $min), ${dropped:-?} dropped"
done
kill -TERM "$SERVER_PID"
wait_gone "$SERVER_PID" 50 || die "server did not stop"
wait "$SERVER_PID" || true

# Merge in time order (mergecap's default; -a would concatenate).
pcaps=()
for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
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
    for h in "${HOSTS[@]}"; do
        IFS=: read -r n _ <<<"$h"
        printf '%s\tserver\tlinux\t32768-60999\t64\tserver\n' "10.77.$n.1"
        printf '%s\tserver\tlinux\t32768-60999\t64\tserver\n' "fd77:$n::1"
    done
} >"$WORK/labels.tsv"

mkdir -p -- "$OUTDIR"
for f in "${pcaps[@]}" "$WORK/lab.pcapng" "$WORK/labels.tsv"; do
    cp -- "$f" "$OUTDIR/"
    chmod 644 "$OUTDIR/$(basename "$f")"
done

for h in "${HOSTS[@]}"; do
    IFS=: read -r n os _ <<<"$h"
    log "$os: $(grep -o '[0-9]* packets captured' "$WORK/tcpdump-$os.log" || echo '? packets')"
done
log "done in $((SECONDS - START)) s: $OUTDIR"
