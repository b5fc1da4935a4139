// SPDX-License-Identifier: GPL-2.0-or-later
// PortKnowledge: everything portclass knows about ports, precomputed into
// per-port tables so that per-packet questions are array lookups.
//
// It owns its OS-profile and notable-port databases and refers to a
// ServiceRegistry that must outlive it (ServiceRegistry::system() does).
#pragma once

#include <cstdint>
#include <vector>

#include "portclass/notable_ports.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/services.hpp"

namespace portclass {

class PortKnowledge {
 public:
  PortKnowledge(const ServiceRegistry& services, OsProfileDb profiles, NotablePortDb notable);

  // System services, built-in profiles and notable uses; built once.
  static const PortKnowledge& builtin();

  const ServiceRegistry& services() const noexcept { return *services_; }
  const OsProfileDb& profiles() const noexcept { return profiles_; }
  const NotablePortDb& notable() const noexcept { return notable_; }

  // How much the port looks like a service (server) port, 0..1: system ports
  // and registered names raise it, lying inside common ephemeral ranges lowers
  // it. Used by the client-side heuristic.
  double server_likeness(Port port, Transport transport) const noexcept {
    return likeness_[static_cast<std::size_t>(transport)][port];
  }
  // True when the port is inside the default range of at least one end-host
  // (non-gateway) profile.
  bool in_any_ephemeral_range(Port port) const noexcept { return in_ephemeral_[port] != 0; }

 private:
  const ServiceRegistry* services_;
  OsProfileDb profiles_;
  NotablePortDb notable_;
  std::vector<float> likeness_[2];
  std::vector<std::uint8_t> in_ephemeral_;
};

}  // namespace portclass
