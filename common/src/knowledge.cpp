// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/knowledge.hpp"

#include "portclass/category.hpp"

namespace portclass {
namespace {

// How service-like a port is, before anything is seen on the wire. The values
// only need the right order: system ports above named user ports above
// unnamed ports, and anything inside a common ephemeral range pulled down.
float likeness(Port port, bool named, bool in_common_ephemeral, bool notable_server) {
  if (port == 0) return 0.0f;
  float score = 0.0f;
  switch (category_of(port)) {
    case PortCategory::system: score = named ? 0.95f : 0.85f; break;
    case PortCategory::user: score = named ? 0.7f : 0.35f; break;
    case PortCategory::dynamic: score = named ? 0.35f : 0.1f; break;
  }
  if (in_common_ephemeral && port > 1023) score *= 0.6f;
  if (notable_server) score = std::max(score, 0.6f);
  return score;
}

}  // namespace

PortKnowledge::PortKnowledge(const ServiceRegistry& services, OsProfileDb profiles, NotablePortDb notable)
    : services_(&services), profiles_(std::move(profiles)), notable_(std::move(notable)) {
  in_ephemeral_.assign(kPortCount, 0);
  std::vector<std::uint8_t> common(kPortCount, 0);  // ranges of the widespread profiles
  for (const auto& p : profiles_.profiles()) {
    if (p.gateway) continue;
    for (const auto& r : p.ephemeral.ranges())
      for (std::uint32_t port = r.first; port <= r.last; ++port) {
        in_ephemeral_[port] = 1;
        if (p.prior >= 0.5) common[port] = 1;
      }
  }
  std::vector<std::uint8_t> server_range[2] = {std::vector<std::uint8_t>(kPortCount, 0),
                                               std::vector<std::uint8_t>(kPortCount, 0)};
  for (const auto& use : notable_.uses()) {
    if (use.kind == "client-range") continue;
    for (const auto& r : use.ports.ranges())
      for (std::uint32_t port = r.first; port <= r.last; ++port) {
        if (use.tcp) server_range[0][port] = 1;
        if (use.udp) server_range[1][port] = 1;
      }
  }
  for (auto t : {Transport::tcp, Transport::udp}) {
    const auto ti = static_cast<std::size_t>(t);
    likeness_[ti].resize(kPortCount);
    for (std::uint32_t port = 0; port < kPortCount; ++port) {
      const auto p = static_cast<Port>(port);
      likeness_[ti][port] = likeness(p, services_->is_named(p, t), common[port] != 0, server_range[ti][port] != 0);
    }
  }
}

const PortKnowledge& PortKnowledge::builtin() {
  static const PortKnowledge knowledge(ServiceRegistry::system(), OsProfileDb::builtin(), NotablePortDb::builtin());
  return knowledge;
}

}  // namespace portclass
