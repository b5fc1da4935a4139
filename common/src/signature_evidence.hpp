// SPDX-License-Identifier: GPL-2.0-or-later
// The SYN and SYN+ACK signatures one host sent, matched against a
// SignatureDb: the stack evidence inference weighs (private to common/src).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portclass/host_profile.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/signature_db.hpp"

namespace portclass::detail {

struct SeenSignature {
  const std::string* key = nullptr;  // into the HostProfile
  bool syn_ack = false;
  std::uint64_t count = 0;
  TcpSignature signature;                // parsed back from the key
  std::optional<SignatureMatch> match;   // labels live in the SignatureDb
  const OsProfile* points_at = nullptr;  // the OS profile the matched label names
};

// Most frequent first; keys that do not parse are skipped (profile JSON
// refuses them, so only a hand-built profile can hold one).
std::vector<SeenSignature> seen_signatures(const HostProfile& host, const SignatureDb* db, const OsProfileDb& profiles);

// log P(signature | the host runs `profile`), up to a constant shared by all
// profiles: 0 when the signature points at the profile, less the further it
// points away. Unmatched SYNs fall back on the option layouts the profile
// lists (syn_options); an unmatched SYN+ACK says nothing.
double signature_log_likelihood(const SeenSignature& seen, const OsProfile& profile);

// "SYN 4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0 x3 = /etc/p0f/p0f.fp Linux 3.11 and newer (exact)"
std::string describe(const SeenSignature& seen);

}  // namespace portclass::detail
