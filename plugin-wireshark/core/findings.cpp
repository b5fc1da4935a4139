// SPDX-License-Identifier: GPL-2.0-or-later
#include "findings.hpp"

namespace portclass::ws {

ExpertKind expert_kind(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::server_in_ephemeral_range: return ExpertKind::server_in_ephemeral;
    case FindingKind::dns_fixed_port:
    case FindingKind::dns_low_entropy:
    case FindingKind::dns_sequential: return ExpertKind::dns_fixed_port;
    case FindingKind::sequential_ports: return ExpertKind::sequential_ports;
    case FindingKind::outside_known_ranges: break;
  }
  return ExpertKind::outside_range;
}

}  // namespace portclass::ws
