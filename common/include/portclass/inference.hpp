// SPDX-License-Identifier: GPL-2.0-or-later
// OS and ephemeral-range inference for one host from its HostProfile.
//
// Model (docs/inference.md has the details): every profile of the database is
// scored by a log-likelihood that adds independent pieces of evidence:
//  - source ports: under the profile's default range (a few strays tolerated),
//    or under "range tuned away from the default", which explains ports
//    concentrated anywhere at a fixed cost and so never depends on the profile;
//  - the initial TTL class of its packets (64 / 128 / 255 ...);
//  - TCP source-port parity (Linux's connect() prefers even ports);
//  - sequential allocation (+1 steps: a global counter; -1 steps: count-down);
//  - SYN option layouts, where seen.
// Parity and sequence evidence are capped so that no single habit decides
// alone. Posteriors are normalised with the profiles' priors and summed per
// family. The verdict is honest: "unknown" with too few observations or when
// nothing explains the ports, "several" when the host looks like more than one
// stack (NAT), "identified" otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portclass/host_profile.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/signature_db.hpp"

namespace portclass {

enum class Verdict : std::uint8_t { identified, unknown, several };
std::string_view to_string(Verdict v) noexcept;  // "identified", "unknown", "several"

struct InferenceOptions {
  std::uint32_t min_client_ports = 4;  // fewer client ports and no SYN/SYN+ACK signature: unknown
  double identify_threshold = 0.6;     // best family posterior needed for "identified"
  // TCP signatures to match SYNs and SYN+ACKs against (p0f's database, the
  // built-in one, user files); null: only the option layouts listed in the
  // OS profiles are compared.
  const SignatureDb* signatures = nullptr;
};

struct Candidate {
  std::string id;
  std::string family;
  std::string name;
  PortSet range;       // the profile's default range, or the observed span when tuned
  bool tuned = false;  // the ports lie outside the default range
  double probability = 0;
};

struct FamilyScore {
  std::string family;
  double probability = 0;
};

// A SYN or SYN+ACK signature the host sent and what it matched.
struct SignatureSeen {
  bool syn_ack = false;
  std::string key;  // TcpSignature::key(): what profile JSON stores
  std::string p0f;  // the same in p0f's raw_sig form, to pivot to p0f's output
  std::uint64_t count = 0;
  std::string label;       // the matched label ("Linux 3.11 and newer"), empty when none
  std::string origin;      // "builtin", or the path of the file (p0f's database included)
  std::string match;       // "exact", "generic" or "fuzzy"; empty when none
  std::string profile_id;  // the OS profile the label names, empty when none
};

struct Inference {
  Verdict verdict = Verdict::unknown;
  std::vector<Candidate> candidates;      // best first, probabilities sum to ~1
  std::vector<FamilyScore> families;      // best first
  std::vector<std::string> evidence;      // sentences, most telling first
  std::vector<SignatureSeen> signatures;  // most frequent first

  // "linux", or "unknown" / "several" when not identified.
  std::string label() const;
  // Posterior of the best family, 0 when there is no candidate.
  double confidence() const noexcept { return families.empty() ? 0.0 : families.front().probability; }
  const Candidate* best() const noexcept { return candidates.empty() ? nullptr : &candidates.front(); }
  // One line: "linux 93% (32768-60999): 23 of 24 ... ; TTL 64".
  std::string summary() const;
};

Inference infer(const HostProfile& host, const OsProfileDb& db, const InferenceOptions& options = {});

}  // namespace portclass
