// SPDX-License-Identifier: GPL-2.0-or-later
#include "findings.hpp"

namespace portclass::ws {

Finding expert_kind(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::server_in_ephemeral_range: return Finding::server_in_ephemeral;
    case FindingKind::dns_fixed_port:
    case FindingKind::dns_low_entropy:
    case FindingKind::dns_sequential: return Finding::dns_fixed_port;
    case FindingKind::sequential_ports: return Finding::sequential_ports;
    case FindingKind::outside_known_ranges: break;
  }
  return Finding::outside_range;
}

}  // namespace portclass::ws
