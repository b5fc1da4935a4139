#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel faults for `portclass-nft apply`, made by the real kernel in
# throw-away network namespaces (docs/nft-faults.md describes each):
#   faults.sh PORTCLASS_NFT_BINARY CASE
# CASE: socket | permission | midbatch | lost-answer | kill | kill-timing |
#       safe-kill | netns
# Every case checks that the previous ruleset survives byte-identical (or the
# tool says clearly what it applied), that stderr is one `portclass-nft: ...`
# line, that the exit code is the documented one, and that nothing left
# behind blocks the next apply. Needs root and `ip netns`; exits 77 (skip)
# with the reason elsewhere. strace (Debian's, for fault injection at chosen
# syscalls) is needed by every case but permission, midbatch and netns.
set -uo pipefail

bin=${1:?usage: faults.sh PORTCLASS_NFT_BINARY CASE}
case_name=${2:?usage: faults.sh PORTCLASS_NFT_BINARY CASE}

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (it creates network namespaces)"
for tool in ip nft setpriv prlimit; do command -v "$tool" >/dev/null || skip "needs $tool"; done
case "$case_name" in
  socket | lost-answer | kill | kill-timing | safe-kill | netns)
    command -v strace >/dev/null || skip "needs strace (fault injection; scripts/packages/nftfault.txt)" ;;
esac

prefix="pcflt$$"
tmp=$(mktemp -d)
chmod 755 "$tmp"
export PORTCLASS_STATE_DIR="$tmp/state"
fails=0
checks=0

cleanup() {
  # Revert watchdogs our applies started (pids from our private state dir,
  # only if that pid is still a portclass-nft).
  for f in "$tmp"/state/*/state; do
    [ -f "$f" ] || continue
    pid=$(sed -n 's/^pid=//p' "$f")
    if [ "${pid:-0}" -gt 0 ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q portclass-nft; then
      kill "$pid" 2>/dev/null
    fi
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$prefix"); do ip netns del "$ns"; done
  rm -f /run/netns/"$prefix"-ghost
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$prefix-probe" 2>/dev/null || skip "cannot create network namespaces (ip netns add)"
ip netns del "$prefix-probe"

# strace for fault injection. LeakSanitizer cannot run under ptrace, so in a
# sanitizer build the traced runs keep ASan and UBSan but skip the leak check
# at exit (every untraced run still has it).
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { checks=$((checks + 1)); }
check() { if eval "$2"; then pass; else fail "$1"; fi; }

newns() { ip netns add "$prefix-$1" && echo "$prefix-$1"; }
listing() { ip netns exec "$1" nft list ruleset; }
digest() { listing "$1" | md5sum | cut -d' ' -f1; }

# run NAME WANT_RC PATTERN CMD...: runs CMD (stdout, stderr to $tmp/out,
# $tmp/err; exit code in $rc), then judges it.
run() {
  local name=$1 want=$2 pattern=$3
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  judge "$name" "$want" "$pattern"
}

# judge NAME WANT_RC PATTERN: checks $rc, that $tmp/err is exactly one line
# starting with "portclass-nft: " and that it matches the ERE PATTERN (an
# exit 0 with an empty PATTERN needs nothing on stderr).
judge() {
  local name=$1 want=$2 pattern=$3 lines
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, wanted $want: $(head -c 400 "$tmp/err")"
    return 1
  fi
  if [ "$want" -eq 0 ] && [ -z "$pattern" ]; then pass; return 0; fi
  lines=$(wc -l <"$tmp/err")
  if [ "$lines" -ne 1 ] || ! grep -q '^portclass-nft: ' "$tmp/err"; then
    fail "$name: stderr is not one 'portclass-nft: ' line ($lines lines): $(head -c 400 "$tmp/err")"
    return 1
  fi
  if ! grep -Eq -- "$pattern" "$tmp/err"; then
    fail "$name: stderr does not match /$pattern/: $(cat "$tmp/err")"
    return 1
  fi
  echo "  $name: exit $rc: $(cat "$tmp/err")"
  pass
}

# Rulesets: A is the previous one; B the new one (it adds an output chain);
# C and D are later ones.
A=(--range windows --tcp 22)
B=(--range linux --tcp 22 --outbound restrict --outbound-tcp 80,443)
C=(--range freebsd --udp 53)
D=(--range macos)

# The listing B gives, from a namespace of its own.
expected_b() {
  local ns
  ns=$(newns "$1")
  "$bin" apply --netns "$ns" "${B[@]}" >/dev/null
  listing "$ns" >"$tmp/b.listing"
  ip netns del "$ns"
}

# Fills the output hook of namespace $1 up to the kernel's limit on hooks per
# hook point (1024 in net/netfilter/core.c, counting every user of the hook)
# with base chains of another admin's table. The first load asks for 1024
# chains: the kernel refuses those beyond the limit and names the first one,
# so the second load takes exactly as many as fit.
fill_output_hook() {
  local ns=$1 n first
  {
    echo "table inet other_admin {"
    for ((n = 1; n <= 1024; n++)); do echo "chain c$n { type filter hook output priority $n; policy accept; }"; done
    echo "}"
  } >"$tmp/hooks.nft"
  first=$(ip netns exec "$ns" nft -f "$tmp/hooks.nft" 2>&1 | grep -o 'chain c[0-9]*' | head -1 | tr -dc 0-9)
  [ -n "$first" ] || { fail "fill_output_hook: the kernel took 1024 output chains: no hook limit here"; return 1; }
  {
    echo "table inet other_admin {"
    for ((n = 1; n < first; n++)); do echo "chain c$n { type filter hook output priority $n; policy accept; }"; done
    echo "}"
  } >"$tmp/hooks.nft"
  ip netns exec "$ns" nft -f "$tmp/hooks.nft" || { fail "fill_output_hook: cannot load $((first - 1)) chains"; return 1; }
  # Full: one more output chain anywhere is refused.
  if ip netns exec "$ns" nft add chain inet other_admin probe '{ type filter hook output priority 0; }' 2>/dev/null; then
    fail "fill_output_hook: the output hook is not full"
    return 1
  fi
  echo "  output hook full: $((first - 1)) chains of table inet other_admin"
}

# The kernel's limit also refuses a chain half way through our batch.
case_midbatch() {
  local ns before
  ns=$(newns mid)
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  fill_output_hook "$ns" || return
  before=$(listing "$ns")
  expected_b mid-control  # B itself is a valid ruleset
  check "B applies in a namespace of its own" '[ -s "$tmp/b.listing" ] && grep -q "chain output" "$tmp/b.listing"'
  # In the batch, chain output follows the table, every set with its
  # elements, and chain input: the kernel took all of those and refused the
  # first message the full hook cannot take (its rules then fail too).
  "$bin" generate "${B[@]}" >"$tmp/b.nft"
  check "chain output comes after the sets and chain input" \
    '[ "$(grep -n "chain output" "$tmp/b.nft" | cut -d: -f1)" -gt "$(grep -n "chain input" "$tmp/b.nft" | cut -d: -f1)" ] &&
     [ "$(grep -n "chain input" "$tmp/b.nft" | cut -d: -f1)" -gt "$(grep -n "set out_tcp" "$tmp/b.nft" | cut -d: -f1)" ]'
  run "check B" 1 '^portclass-nft: kernel refused chain output: Argument list too long \[\+[0-9]+ more\]$' \
    "$bin" check --netns "$ns" "${B[@]}"
  run "apply B" 1 '^portclass-nft: kernel refused chain output: Argument list too long \[\+[0-9]+ more\]; nothing was changed$' \
    "$bin" apply --netns "$ns" "${B[@]}"
  check "apply B: previous ruleset byte-identical" '[ "$(listing "$ns")" = "$before" ]'
  run "apply B --confirm" 1 '^portclass-nft: kernel refused chain output: Argument list too long .*; nothing was changed$' \
    "$bin" apply --netns "$ns" "${B[@]}" --confirm 30
  check "apply B --confirm: previous ruleset byte-identical" '[ "$(listing "$ns")" = "$before" ]'
  check "apply B --confirm: state says cancelled" 'grep -qx state=cancelled "$PORTCLASS_STATE_DIR/netns-$ns/state"'
  run "confirm after the refused safe apply" 1 'nothing to confirm' "$bin" confirm --netns "$ns"
  run "next apply is not blocked" 0 "" "$bin" apply --netns "$ns" "${C[@]}"
}

# The socket refused: a real EMFILE from RLIMIT_NOFILE at each point that
# opens a descriptor, then strace's error injection at socket, bind and
# sendmsg (what an LSM or a full kernel would answer).
case_socket() {
  local ns before n socket_seen=0 reached=0
  ns=$(newns sock)
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  before=$(listing "$ns")
  # UBSan checks a vptr by probing memory through a pipe; with no descriptor
  # left that probe fails and it reports a false type error. So in a
  # sanitizer build this part is skipped (the injected faults below run).
  if ldd "$bin" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
    echo "  skipped under sanitizers: the RLIMIT_NOFILE sweep (the sanitizer's own probes need descriptors)"
    run "apply B --confirm" 0 "" "$bin" apply --netns "$ns" "${B[@]}" --confirm 30
  else
    for ((n = 4; n <= 24; n++)); do
      prlimit --nofile="$n" "$bin" apply --netns "$ns" "${B[@]}" --confirm 30 >"$tmp/out" 2>"$tmp/err"
      rc=$?
      [ "$rc" -eq 127 ] && continue  # the dynamic loader itself had no descriptor
      if [ "$rc" -eq 0 ]; then reached=$n; break; fi
      judge "nofile=$n: apply --confirm" 3 'Too many open files'
      check "nofile=$n: previous ruleset byte-identical" '[ "$(listing "$ns")" = "$before" ]'
      grep -q 'cannot open a netfilter netlink socket: Too many open files' "$tmp/err" && socket_seen=1
    done
    check "RLIMIT_NOFILE refused the netlink socket itself at some limit" '[ "$socket_seen" -eq 1 ]'
    check "a higher RLIMIT_NOFILE lets the safe apply through" '[ "$reached" -gt 0 ]'
  fi
  run "confirm the one that went through" 0 "" "$bin" confirm --netns "$ns"
  run "back to A" 0 "" "$bin" apply --netns "$ns" "${A[@]}"
  before=$(listing "$ns")

  local cmd
  for cmd in apply check; do
    run "$cmd: socket() EACCES" 3 '^portclass-nft: cannot open a netfilter netlink socket: Permission denied; nothing was changed$' \
      traced -o /dev/null -e inject=socket:error=EACCES:when=1 "$bin" "$cmd" --netns "$ns" "${B[@]}"
    run "$cmd: socket() EAFNOSUPPORT" 3 '^portclass-nft: cannot open a netfilter netlink socket: Address family not supported by protocol; nothing was changed$' \
      traced -o /dev/null -e inject=socket:error=EAFNOSUPPORT:when=1 "$bin" "$cmd" --netns "$ns" "${B[@]}"
    run "$cmd: bind() EADDRINUSE" 3 '^portclass-nft: cannot bind the netlink socket: Address already in use; nothing was changed$' \
      traced -o /dev/null -e inject=bind:error=EADDRINUSE "$bin" "$cmd" --netns "$ns" "${B[@]}"
    run "$cmd: sendmsg() ENOBUFS" 3 '^portclass-nft: cannot send the netlink batch: No buffer space available; nothing was changed$' \
      traced -o /dev/null -e inject=sendmsg:error=ENOBUFS "$bin" "$cmd" --netns "$ns" "${B[@]}"
    check "$cmd: previous ruleset byte-identical after the socket faults" '[ "$(listing "$ns")" = "$before" ]'
  done
  run "apply --confirm: socket() EACCES" 3 '^portclass-nft: cannot open a netfilter netlink socket: Permission denied; nothing was changed$' \
    traced -o /dev/null -e inject=socket:error=EACCES:when=1 "$bin" apply --netns "$ns" "${B[@]}" --confirm 30
  run "apply --confirm: sendmsg() ENOBUFS" 3 '^portclass-nft: cannot send the netlink batch: No buffer space available; nothing was changed$' \
    traced -o /dev/null -e inject=sendmsg:error=ENOBUFS "$bin" apply --netns "$ns" "${B[@]}" --confirm 30
  check "apply --confirm: previous ruleset byte-identical after the socket faults" '[ "$(listing "$ns")" = "$before" ]'
  run "next apply is not blocked" 0 "" "$bin" apply --netns "$ns" "${C[@]}"
}

# No CAP_NET_ADMIN: nfnetlink refuses every request. Root without
# capabilities, nobody, and root of a user namespace that does not own the
# network namespace. The refusal comes at once (it once waited 60 s for an
# answer the kernel never sends).
case_permission() {
  local ns before how cmd
  ns=$(newns perm)
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  before=$(listing "$ns")
  local -a nocaps=(setpriv --inh-caps=-all --bounding-set=-all)
  local -a nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  local -a userns=(unshare --user --map-root-user)
  for how in nocaps nobody userns; do
    local -n wrap=$how
    for cmd in apply check; do
      run "$how: $cmd" 3 'CAP_NET_ADMIN' timeout 30 ip netns exec "$ns" "${wrap[@]}" "$bin" "$cmd" "${B[@]}"
    done
    run "$how: apply --confirm" 3 'CAP_NET_ADMIN|Permission denied' \
      timeout 30 ip netns exec "$ns" "${wrap[@]}" env PORTCLASS_STATE_DIR="$tmp/state-$how" "$bin" apply "${B[@]}" --confirm 30
    run "$how: audit" 3 'CAP_NET_ADMIN' timeout 30 ip netns exec "$ns" "${wrap[@]}" "$bin" audit
    check "$how: previous ruleset byte-identical" '[ "$(listing "$ns")" = "$before" ]'
  done
  run "next apply (with the capability) is not blocked" 0 "" "$bin" apply --netns "$ns" "${C[@]}"
}

# The batch was sent but its answer lost (strace makes the receive fail):
# the kernel ran the batch inside sendmsg, so the ruleset generation tells
# whether it went in, and the tool must say so.
case_lost_answer() {
  local ns before
  expected_b lost-control
  ns=$(newns lost)
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  before=$(listing "$ns")
  run "apply B, answer lost" 3 '^portclass-nft: no answer from the kernel to the netlink batch: Resource temporarily unavailable; the ruleset generation moved, so the batch was most likely applied' \
    traced -o /dev/null -e inject=recvfrom:error=EAGAIN "$bin" apply --netns "$ns" "${B[@]}"
  check "the tool said applied: it is B, byte-identical" '[ "$(listing "$ns")" = "$(cat "$tmp/b.listing")" ]'
  run "check, answer lost" 3 'a check changes nothing$' \
    traced -o /dev/null -e inject=recvfrom:error=EAGAIN "$bin" check --netns "$ns" "${A[@]}"
  check "check changed nothing" '[ "$(listing "$ns")" = "$(cat "$tmp/b.listing")" ]'

  # A batch the kernel refuses half way, answer lost: nothing changed, and the tool knows it.
  run "back to A" 0 "" "$bin" apply --netns "$ns" "${A[@]}"
  fill_output_hook "$ns" || return
  before=$(listing "$ns")
  run "refused batch, answer lost" 3 'the ruleset generation did not move: nothing was changed$' \
    traced -o /dev/null -e inject=recvfrom:error=EAGAIN "$bin" apply --netns "$ns" "${B[@]}"
  check "refused batch, answer lost: previous ruleset byte-identical" '[ "$(listing "$ns")" = "$before" ]'
  run "refused safe apply, answer lost" 3 'nothing was changed$' \
    traced -o /dev/null -e inject=recvfrom:error=EAGAIN "$bin" apply --netns "$ns" "${B[@]}" --confirm 30
  check "refused safe apply, answer lost: state cancelled" 'grep -qx state=cancelled "$PORTCLASS_STATE_DIR/netns-$ns/state"'
  run "not blocked" 0 "" "$bin" apply --netns "$ns" "${A[@]}"

  # Safe apply whose answer is lost: the batch went in, so the revert must
  # stay armed (it used to be cancelled, leaving the new ruleset for good).
  ns=$(newns lost2)
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  before=$(listing "$ns")
  run "apply B --confirm 2, answer lost" 3 'most likely applied .*the revert stays armed: the previous table comes back in [0-9]+ s unless `portclass-nft confirm` runs$' \
    traced -o /dev/null -e inject=recvfrom:error=EAGAIN "$bin" apply --netns "$ns" "${B[@]}" --confirm 2
  check "it is B meanwhile" '[ "$(listing "$ns")" = "$(cat "$tmp/b.listing")" ]'
  run "a plain apply is refused while the revert is armed" 1 'a safe apply is waiting for confirmation' \
    "$bin" apply --netns "$ns" "${C[@]}"
  local i
  for ((i = 0; i < 60; i++)); do [ "$(listing "$ns")" = "$before" ] && break; sleep 0.1; done
  check "the revert brought the previous ruleset back, byte-identical" '[ "$(listing "$ns")" = "$before" ]'
  check "state says reverted" 'grep -qx state=reverted "$PORTCLASS_STATE_DIR/netns-$ns/state"'
  run "next apply is not blocked" 0 "" "$bin" apply --netns "$ns" "${C[@]}"
}

# The syscalls a run makes that touch the namespace, a file, a socket or a
# process, one "name ordinal" per line (ordinal: the how-manyth call of that
# name), from execve's successor to the end. Memory and descriptor
# housekeeping (mmap, brk, close, read, write, pipe2 ...; a sanitizer build
# makes hundreds) is left out: a kill there equals a kill at the next listed
# call, since nothing reaches the kernel's ruleset or the state files
# without one of those.
syscall_points() {
  awk -F'(' 'NR > 1 && $0 !~ /^(\+\+\+|---)/ && $0 !~ /^<\.\.\./ {
      name = $1; count[name]++
      if (name ~ /^(setns|openat|mkdir|flock|socket|bind|getsockname|setsockopt|sendto|recvmsg|sendmsg|recvfrom|ioctl|writev|rename|clone|clone3|wait4|kill)$/)
        print name, count[name] }' "$1"
}

# SIGKILL delivered at the entry of every syscall of a plain apply, one run
# each (strace's signal injection). Up to and including the entry of the
# batch's sendmsg nothing was sent: the previous ruleset must be whole; from
# the next syscall on the kernel has run the batch: the new one must be.
case_kill() {
  local ns before after_b i name k rc total=0 killed=0 missed=0 send_index=0 old=0 new=0
  ns=$(newns kill)
  run "apply B" 0 "" "$bin" apply --netns "$ns" "${B[@]}" || return
  after_b=$(listing "$ns")
  run "apply A" 0 "" "$bin" apply --netns "$ns" "${A[@]}" || return
  before=$(listing "$ns")
  traced -o "$tmp/trace" "$bin" apply --netns "$ns" "${B[@]}" >/dev/null || { fail "reference run"; return; }
  # Points from setns on (before it, the tool has not touched anything).
  syscall_points "$tmp/trace" | awk '$1 == "setns" { on = 1 } on' >"$tmp/points"
  send_index=$(grep -n '^sendmsg 1$' "$tmp/points" | cut -d: -f1)
  [ -n "$send_index" ] || { fail "no sendmsg in the reference run"; return; }
  i=0
  while read -r name k; do
    i=$((i + 1))
    [ "$name" = exit_group ] && continue
    [ "$(listing "$ns")" = "$before" ] || "$bin" apply --netns "$ns" "${A[@]}" >/dev/null
    # (in a subshell that is not the last command, so that its "Killed" goes to /dev/null)
    (traced -o /dev/null -e inject="$name":signal=SIGKILL:when="$k" "$bin" apply --netns "$ns" "${B[@]}" >/dev/null 2>&1
     exit $?) 2>/dev/null
    rc=$?
    total=$((total + 1))
    if [ "$rc" -ne 137 ]; then missed=$((missed + 1)); continue; fi
    killed=$((killed + 1))
    now=$(listing "$ns")
    if [ "$i" -le "$send_index" ]; then
      [ "$now" = "$before" ] && old=$((old + 1)) || fail "killed at $name #$k (point $i, before the send): ruleset is not the previous one"
    else
      [ "$now" = "$after_b" ] && new=$((new + 1)) || fail "killed at $name #$k (point $i, after the send): ruleset is not the new one"
    fi
  done <"$tmp/points"
  echo "  $total kill points: $killed killed ($old left the previous ruleset, $new the new one), $missed not reached"
  check "most kill points were reached" '[ "$killed" -ge $((total * 9 / 10)) ]'
  check "kills before and after the send" '[ "$old" -gt 0 ] && [ "$new" -gt 0 ]'
  pass
}

# SIGKILL after delays spread over a 10,000-subnet gateway apply, from
# outside, the way an admin or the OOM killer would: half spread over the
# whole run, half over the window in which the kernel runs the ~20,000-element
# batch inside sendmsg (located with strace beforehand). The ruleset is
# always exactly the previous one or exactly the new one, compared as whole
# listings; a run killed with the new ruleset in place and no "applied" line
# was killed while the kernel ran the batch (or just after).
case_kill_timing() {
  local ns ha hb runs=16 i dur send_at send_len delay pid status h old=0 new=0 killed=0 killed_new=0
  gen() {
    local i r
    echo 'mode = "gateway"'; echo '[services]'; echo 'tcp = [22, 443]'; echo '[subnets]'
    for ((i = 0; i < 10000; i++)); do
      case $(((i + $1) % 5)) in 0) r=windows ;; 1) r=linux ;; 2) r=windows-xp ;; 3) r=freebsd ;; 4) r=20000-29999 ;; esac
      echo "\"10.$((i / 256)).$((i % 256)).0/24\" = \"$r\""
    done
  }
  gen 0 >"$tmp/a.toml"
  gen 1 >"$tmp/b.toml"
  ns=$(newns timing)
  run "apply big A" 0 "" "$bin" apply --netns "$ns" -c "$tmp/a.toml" || return
  ha=$(digest "$ns")
  run "apply big B" 0 "" "$bin" apply --netns "$ns" -c "$tmp/b.toml" || return
  hb=$(digest "$ns")
  check "the two big rulesets differ" '[ "$ha" != "$hb" ]'
  # Where the send falls in a run (microseconds after execve) and how long
  # the kernel takes over it.
  "$bin" apply --netns "$ns" -c "$tmp/a.toml" >/dev/null
  # (--seccomp-bpf: only these syscalls stop the process, so it runs at
  # nearly its own speed; it needs -f, hence the pid column.)
  traced --seccomp-bpf -f -ttt -T -e trace=execve,sendmsg,exit_group -o "$tmp/timing" \
    "$bin" apply --netns "$ns" -c "$tmp/b.toml" >/dev/null
  read -r send_at send_len dur < <(awk '/execve\(/ { t0 = $2 } /sendmsg\(/ { s = $2; gsub(/[<>]/, "", $NF); d = $NF }
      /exit_group\(/ { e = $2 } END { printf "%d %d %d\n", (s - t0) * 1e6, d * 1e6, (e - t0) * 1e6 }' "$tmp/timing")
  # Under strace the start is slower; the tail from sendmsg on is the
  # kernel's. Place that tail at the end of a run timed the way the kills
  # are made.
  local tail=$((dur - send_at)) t0 t1 best=0
  for i in 1 2 3; do
    "$bin" apply --netns "$ns" -c "$tmp/a.toml" >/dev/null
    t0=$(date +%s%N)
    "$bin" apply --netns "$ns" -c "$tmp/b.toml" >/dev/null &
    wait $!
    t1=$(date +%s%N)
    ((best == 0 || (t1 - t0) / 1000 < best)) && best=$(((t1 - t0) / 1000))
  done
  dur=$best
  send_at=$((dur > tail ? dur - tail : 0))
  echo "  a big apply: ${dur} us; the kernel runs the batch inside sendmsg for ${send_len} us, from about ${send_at} us"
  for ((i = 0; i < runs; i++)); do
    [ "$(digest "$ns")" = "$ha" ] || "$bin" apply --netns "$ns" -c "$tmp/a.toml" >/dev/null
    if ((i % 2 == 0)); then
      delay=$((dur * i * 6 / (runs * 5)))  # 0 .. 1.2 x the run
    else
      delay=$((send_at - 5000 + (send_len + 10000) * i / runs))  # around the send
    fi
    "$bin" apply --netns "$ns" -c "$tmp/b.toml" >"$tmp/out" 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    h=$(digest "$ns")
    [ "$status" -eq 137 ] && killed=$((killed + 1))
    if [ "$h" = "$ha" ]; then old=$((old + 1))
    elif [ "$h" = "$hb" ]; then
      new=$((new + 1))
      [ "$status" -eq 137 ] && ! grep -q applied "$tmp/out" && killed_new=$((killed_new + 1))
    else fail "kill after $((delay / 1000)) ms (exit $status): the ruleset is neither the previous nor the new one"
    fi
  done
  echo "  $runs runs: $killed killed by SIGKILL ($killed_new of them after the batch went in); $old left the previous ruleset, $new the new one, $((runs - old - new)) anything else"
  check "at least one run was killed mid-way" '[ "$killed" -gt 0 ]'
  check "every run left a whole ruleset" '[ $((old + new)) -eq "$runs" ]'
}

# SIGKILL at the syscalls of `apply --confirm 3`, each in a namespace of
# its own, in batches that share one wait for the deadlines. Right after the kill a plain apply of C either is refused (a
# revert is armed) or goes through; after the deadline the ruleset must be
# C if it went through (the watchdog must not undo it), else exactly the
# previous one. Then nothing blocks a further apply.
case_safe_kill() {
  local ref before i name k batch=64 start points_total
  ref=$(newns sref)
  run "apply A" 0 "" "$bin" apply --netns "$ref" "${A[@]}" || return
  before=$(listing "$ref")
  traced -o "$tmp/trace" "$bin" apply --netns "$ref" "${B[@]}" --confirm 3 >/dev/null || { fail "reference run"; return; }
  "$bin" confirm --netns "$ref" >/dev/null
  "$bin" apply --netns "$ref" "${C[@]}" >/dev/null
  listing "$ref" >"$tmp/c.listing"
  # Points from taking the state lock on (before it the tool has touched
  # nothing: the plain kill case covers those); of the snapshot's dump
  # exchanges, which all come before anything is written, the first two.
  syscall_points "$tmp/trace" | awk '$1 == "flock" { on = 1 } $1 == "rename" { written = 1 }
      on && $1 != "exit_group" && (written || !(($1 == "sendto" || $1 == "recvmsg") && $2 > 2))' >"$tmp/points"
  points_total=$(wc -l <"$tmp/points")
  mapfile -t pts <"$tmp/points"
  local reached=0 refused=0 through=0 reverted=0
  for ((start = 0; start < points_total; start += batch)); do
    local -a nss=() rcs=()
    for ((i = start; i < start + batch && i < points_total; i++)); do
      read -r name k <<<"${pts[$i]}"
      ns=$(newns "sk$i")
      nss[$i]=$ns
      "$bin" apply --netns "$ns" "${A[@]}" >/dev/null
      (traced -o /dev/null -e inject="$name":signal=SIGKILL:when="$k" \
        "$bin" apply --netns "$ns" "${B[@]}" --confirm 3 >/dev/null 2>&1
       exit $?) 2>/dev/null
      rcs[$i]=$?
      "$bin" apply --netns "$ns" "${C[@]}" >"$tmp/out.$i" 2>"$tmp/err.$i"
      echo $? >"$tmp/rc.$i"
    done
    sleep 4.5  # past every deadline of this batch, and the watchdogs' revert
    for ((i = start; i < start + batch && i < points_total; i++)); do
      ns=${nss[$i]}
      local what="kill at ${pts[$i]}"
      [ "${rcs[$i]}" -eq 137 ] || continue
      reached=$((reached + 1))
      local crc
      crc=$(cat "$tmp/rc.$i")
      if [ "$crc" -eq 0 ]; then
        through=$((through + 1))
        [ "$(listing "$ns")" = "$(cat "$tmp/c.listing")" ] || fail "$what: the plain apply that went through was undone"
      elif [ "$crc" -eq 1 ] && grep -q 'a safe apply is waiting for confirmation' "$tmp/err.$i"; then
        refused=$((refused + 1))
        [ "$(listing "$ns")" = "$before" ] && reverted=$((reverted + 1)) ||
          fail "$what: after the deadline the ruleset is not the previous one"
      else
        fail "$what: the plain apply after the kill: exit $crc: $(cat "$tmp/err.$i")"
      fi
      "$bin" apply --netns "$ns" "${D[@]}" >/dev/null 2>"$tmp/err" || fail "$what: a later apply is blocked: $(cat "$tmp/err")"
      ip netns del "$ns"
    done
  done
  echo "  $points_total kill points, $reached reached: $refused had a revert armed (all back to the previous ruleset: $reverted), $through let the next apply through"
  check "most kill points were reached" '[ "$reached" -ge $((points_total * 9 / 10)) ]'
  check "some kills came before and some after the watchdog was armed" '[ "$refused" -gt 0 ] && [ "$through" -gt 0 ]'
}

# Namespaces that are not there (exit 2, as in portclass host): never made, a leftover file where one was,
# deleted while the apply runs (strace holds the tool at its socket() call).
case_netns() {
  local ns
  for cmd in apply check confirm audit; do
    local -a extra=()
    [ "$cmd" = apply ] || [ "$cmd" = check ] && extra=("${A[@]}")
    run "$cmd --netns (missing)" 2 "^portclass-nft: network namespace '$prefix-nosuch': cannot open /run/netns/$prefix-nosuch: No such file or directory$" \
      "$bin" "$cmd" --netns "$prefix-nosuch" "${extra[@]}"
  done
  run "apply --netns ../x" 2 "not a namespace name" "$bin" apply --netns ../x "${A[@]}"
  touch "/run/netns/$prefix-ghost"
  run "apply --netns (leftover file)" 2 "/run/netns/$prefix-ghost is not a network namespace" \
    "$bin" apply --netns "$prefix-ghost" "${A[@]}"
  rm -f "/run/netns/$prefix-ghost"

  ns=$(newns gone)
  traced -o /dev/null -e inject=socket:delay_enter=1500000:when=1 "$bin" apply --netns "$ns" "${A[@]}" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  sleep 0.5
  ip netns del "$ns"
  wait "$pid"
  rc=$?
  judge "apply into a namespace deleted meanwhile" 3 "^portclass-nft: network namespace '$ns' was deleted during the apply"
  check "the namespace is gone" '! ip netns list | grep -q "^$ns\b"'
  check "no 'applied' claim on stdout" '! grep -q applied "$tmp/out"'
}

case "$case_name" in
  socket) case_socket ;;
  permission) case_permission ;;
  midbatch) case_midbatch ;;
  lost-answer) case_lost_answer ;;
  kill) case_kill ;;
  kill-timing) case_kill_timing ;;
  safe-kill) case_safe_kill ;;
  netns) case_netns ;;
  *) echo "faults.sh: unknown case '$case_name'" >&2; exit 2 ;;
esac

echo "$case_name: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
