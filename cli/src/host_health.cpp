// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_health.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace portclass::cli {
namespace {

struct Destination {
  std::set<Port> ports;
  std::set<Port> time_wait;
};

double share(std::size_t used, std::uint32_t usable) {
  if (usable == 0) return used > 0 ? 1.0 : 0.0;
  return double(used) / double(usable);
}

}  // namespace

std::string_view to_string(HealthLevel level) noexcept {
  switch (level) {
    case HealthLevel::ok: return "ok";
    case HealthLevel::warning: return "warning";
    case HealthLevel::critical: break;
  }
  return "critical";
}

double connect_half_utilisation(const HostHealth& h) noexcept {
  return h.connect_prefers_even ? h.even_utilisation : h.odd_utilisation;
}

HealthLevel level_for(double utilisation, const Thresholds& thresholds) noexcept {
  if (utilisation >= thresholds.critical) return HealthLevel::critical;
  if (utilisation >= thresholds.warning) return HealthLevel::warning;
  return HealthLevel::ok;
}

HostHealth assess_host(const host::LocalPortConfig& config, const std::vector<host::SocketEntry>& sockets,
                       const Thresholds& thresholds) {
  HostHealth h;
  h.config = config;
  h.range_size = config.range.size();
  h.reserved_in_range = config.reserved.intersection(PortSet{config.range});
  h.usable = h.range_size - h.reserved_in_range.size();
  const auto usable = [&](Port p) { return config.range.contains(p) && !h.reserved_in_range.contains(p); };

  std::set<Port> tcp_listener_ports;
  for (const host::SocketEntry& s : sockets)
    if (s.transport == Transport::tcp && s.state == host::SocketState::listen) tcp_listener_ports.insert(s.local_port);

  std::set<Port> in_use, time_wait, tcp_bound, udp_ports;
  std::map<std::pair<IpAddress, Port>, Destination> destinations;
  for (const host::SocketEntry& s : sockets) {
    const std::string state(host::state_name(s.state));
    if (s.transport == Transport::udp) {
      ++h.udp_sockets, ++h.udp_states[state];
      if (usable(s.local_port))
        udp_ports.insert(s.local_port), in_use.insert(s.local_port),
            h.held.push_back({s.transport, s.local_port, s.inode});
      continue;
    }
    ++h.tcp_sockets, ++h.tcp_states[state];
    if (!usable(s.local_port)) continue;
    if (s.remote_port == 0) {  // listening or bound only: the port is gone for every destination
      tcp_bound.insert(s.local_port), in_use.insert(s.local_port);
      h.held.push_back({s.transport, s.local_port, s.inode});
      continue;
    }
    // An accepted connection lives on its listener's port, not an ephemeral one.
    if (tcp_listener_ports.contains(s.local_port)) continue;
    auto& d = destinations[{s.remote, s.remote_port}];
    d.ports.insert(s.local_port);
    in_use.insert(s.local_port);
    h.held.push_back({s.transport, s.local_port, s.inode});
    if (s.state == host::SocketState::time_wait) d.time_wait.insert(s.local_port), time_wait.insert(s.local_port);
  }

  h.ports_in_use = static_cast<std::uint32_t>(in_use.size());
  h.ports_in_time_wait = static_cast<std::uint32_t>(time_wait.size());
  h.tcp_bound_ports = static_cast<std::uint32_t>(tcp_bound.size());
  h.udp_ports = static_cast<std::uint32_t>(udp_ports.size());

  for (std::uint32_t p = config.range.first; p <= config.range.last; ++p)
    if (!h.reserved_in_range.contains(static_cast<Port>(p))) ++(p % 2 == 0 ? h.even_usable : h.odd_usable);
  h.connect_prefers_even = config.range.first % 2 == 0;
  std::size_t bound_even = 0;
  for (Port p : tcp_bound) bound_even += p % 2 == 0;
  const std::size_t bound_odd = tcp_bound.size() - bound_even;

  h.tcp_utilisation = share(tcp_bound.size(), h.usable);
  h.even_utilisation = share(bound_even, h.even_usable);
  h.odd_utilisation = share(bound_odd, h.odd_usable);
  for (const auto& [key, d] : destinations) {
    std::size_t even = bound_even, odd = bound_odd, held_even = 0;
    for (Port p : d.ports) {
      if (p % 2 == 0) ++held_even;
      if (tcp_bound.contains(p)) continue;
      ++(p % 2 == 0 ? even : odd);
    }
    DestinationLoad load{key.first,
                         key.second,
                         static_cast<std::uint32_t>(d.ports.size()),
                         static_cast<std::uint32_t>(d.time_wait.size()),
                         share(even + odd, h.usable),
                         static_cast<std::uint32_t>(held_even),
                         share(even, h.even_usable),
                         share(odd, h.odd_usable)};
    h.tcp_utilisation = std::max(h.tcp_utilisation, load.utilisation);
    h.even_utilisation = std::max(h.even_utilisation, load.even_utilisation);
    h.odd_utilisation = std::max(h.odd_utilisation, load.odd_utilisation);
    h.destinations.push_back(load);
  }
  std::sort(h.destinations.begin(), h.destinations.end(), [](const DestinationLoad& a, const DestinationLoad& b) {
    return std::tie(b.ports, a.address, a.port) < std::tie(a.ports, b.address, b.port);
  });
  h.udp_utilisation = share(udp_ports.size(), h.usable);
  h.utilisation = std::max(h.tcp_utilisation, h.udp_utilisation);
  h.level = level_for(h.utilisation, thresholds);
  h.parity_level = level_for(connect_half_utilisation(h), thresholds);

  for (const host::SocketEntry& s : sockets)
    if (host::is_listening(s)) h.listening_ports.add(s.local_port);
  for (const host::SocketEntry& s : sockets)
    if (host::is_listening(s) && config.range.contains(s.local_port))
      h.listeners.push_back({s, config.reserved.contains(s.local_port), {}});
  std::sort(h.listeners.begin(), h.listeners.end(), [](const ListenerInRange& a, const ListenerInRange& b) {
    return std::tie(a.socket.local_port, a.socket.transport, a.socket.local) <
           std::tie(b.socket.local_port, b.socket.transport, b.socket.local);
  });
  return h;
}

}  // namespace portclass::cli
