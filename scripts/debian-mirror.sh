#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt already uses (the first non-security
# "deb" or "URIs:" entry, without a trailing slash), or http://deb.debian.org/debian
# when there is none. install-deps.sh adds bookworm-backports on it; chroot.sh
# makes other suites' chroots from it.
set -euo pipefail
m=$(grep -rhs -E '^(URIs:|deb ).*debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ \
    | grep -v security | grep -oE 'https?://[^ ]+' | head -n1 || true)
m=${m:-http://deb.debian.org/debian}
echo "${m%/}"
