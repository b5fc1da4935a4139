// SPDX-License-Identifier: GPL-2.0-or-later
// Findings: the things worth telling an operator about one observed host,
// derived only from its HostProfile and the Inference drawn from it.
//
// Shared by `portclass profile` and anything else that shows per-host results
// (the Wireshark plugin can raise the same findings as expert info), so the
// rules live here once:
//  - server-in-ephemeral-range: ports the host serves on that lie inside its
//    inferred ephemeral range (best candidate, tuned span included); its own
//    outgoing connections can take them first.
//  - dns-fixed-port: every DNS query (UDP to 53) from one source port.
//  - dns-low-entropy: many DNS queries from few source ports.
//  - dns-sequential: successive DNS source ports step by +-1.
//  - sequential-ports: client source ports step by +-1 per new connection
//    (a global counter or count-down: predictable, RFC 6056).
//  - outside-known-ranges: client ports outside every default range of the
//    inferred family (reported when the best candidate is "tuned", or when
//    the host is identified), or outside every end-host profile's range.
// Each rule needs a minimum of evidence (FindingOptions) so that a handful of
// packets never produces a finding. Findings come in the order listed above.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/host_profile.hpp"
#include "portclass/inference.hpp"
#include "portclass/knowledge.hpp"

namespace portclass {

enum class FindingKind : std::uint8_t {
  server_in_ephemeral_range,
  dns_fixed_port,
  dns_low_entropy,
  dns_sequential,
  sequential_ports,
  outside_known_ranges,
};

// Stable identifiers for JSON and filters: "server-in-ephemeral-range", ...
std::string_view to_string(FindingKind kind) noexcept;

struct Finding {
  FindingKind kind;
  std::string message;  // one sentence for people, names the ports concerned
  PortSet ports;        // the ports the finding is about (may be empty)
  // The transport of those ports; none when the finding is about both
  // (outside-known-ranges joins TCP and UDP client ports).
  std::optional<Transport> transport;
};

struct FindingOptions {
  std::uint64_t min_dns_queries = 4;    // fewer queries say nothing about their ports
  double dns_low_entropy_share = 0.25;  // distinct ports / queries below this: low entropy
  std::uint64_t min_sequence_steps = 4;
  double sequential_share = 0.5;  // share of +-1 steps above which ports are sequential
};

std::vector<Finding> find_issues(const HostProfile& host, const Inference& inference, const PortKnowledge& knowledge,
                                 const FindingOptions& options = {});

}  // namespace portclass
