// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's five kinds of expert info, and how the library's findings
// (portclass/findings.hpp, shared with the command line so both apply the same
// rules) map onto them:
//   server_in_ephemeral  <- server-in-ephemeral-range
//   dns_fixed_port       <- dns-fixed-port, dns-low-entropy, dns-sequential
//   sequential_ports     <- sequential-ports
//   outside_range        <- outside-known-ranges
//   several_stacks       <- the inference verdict "several" (NAT)
#pragma once

#include <cstdint>
#include <string_view>

#include "portclass/findings.hpp"

namespace portclass::ws {

enum class ExpertKind : std::uint8_t {
  server_in_ephemeral,  // a server listening inside its host's ephemeral range
  dns_fixed_port,       // DNS queries from a fixed or low-entropy source port (RFC 5452)
  sequential_ports,     // source ports allocated sequentially (predictable)
  outside_range,        // client ports outside every default range of the inferred OS
  several_stacks,       // packets that look like several OSes at once (NAT)
};
inline constexpr std::size_t kExpertKinds = 5;

// The id used by the library and the command line for the verdict-based one.
inline constexpr std::string_view kSeveralStacksId = "several-stacks";

ExpertKind expert_kind(FindingKind kind) noexcept;

class ExpertSet {
 public:
  void add(ExpertKind f) noexcept { bits_ |= bit(f); }
  bool has(ExpertKind f) const noexcept { return (bits_ & bit(f)) != 0; }
  bool empty() const noexcept { return bits_ == 0; }
  friend bool operator==(ExpertSet, ExpertSet) = default;

 private:
  static constexpr std::uint8_t bit(ExpertKind f) noexcept {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(f));
  }
  std::uint8_t bits_ = 0;
};

}  // namespace portclass::ws
