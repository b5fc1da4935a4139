// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host_profile.hpp"

namespace portclass {

void HostProfile::add_packet(std::uint8_t ttl) {
  ++packets_;
  ++ttls_[ttl];
}

void HostProfile::add_client_port(Transport transport, Port port, Timestamp when, bool connection_start) {
  auto& s = stats_mut(transport);
  s.client_ports.insert(port);
  if (connection_start) s.client_sequence.record(port, when);
}

void HostProfile::add_server_port(Transport transport, Port port) { stats_mut(transport).server_ports.insert(port); }

void HostProfile::add_syn(std::string_view option_layout) {
  // Bounded: a host showing more than kMaxSynLayouts layouts is a crowd (NAT)
  // and the overflow is only counted.
  if (option_layout.size() > kMaxSynLayoutLength) {
    ++syn_layouts_dropped_;
  } else if (auto it = syn_layouts_.find(std::string(option_layout)); it != syn_layouts_.end()) {
    ++it->second;
  } else if (syn_layouts_.size() < kMaxSynLayouts) {
    syn_layouts_.emplace(option_layout, 1);
  } else {
    ++syn_layouts_dropped_;
  }
}

void HostProfile::add_dns_query(Port source_port, Timestamp when) {
  ++dns_queries_;
  dns_ports_.insert(source_port);
  dns_sequence_.record(source_port, when);
}

void HostProfile::merge(const HostProfile& other) {
  packets_ += other.packets_;
  for (const auto& [ttl, n] : other.ttls_) ttls_[ttl] += n;
  for (auto t : {Transport::tcp, Transport::udp}) {
    auto& mine = stats_mut(t);
    const auto& theirs = other.stats(t);
    mine.client_ports.merge(theirs.client_ports);
    mine.client_sequence.merge(theirs.client_sequence);
    mine.server_ports.merge(theirs.server_ports);
  }
  for (const auto& [layout, n] : other.syn_layouts_) {
    if (auto it = syn_layouts_.find(layout); it != syn_layouts_.end())
      it->second += n;
    else if (syn_layouts_.size() < kMaxSynLayouts)
      syn_layouts_.emplace(layout, n);
    else
      syn_layouts_dropped_ += n;
  }
  syn_layouts_dropped_ += other.syn_layouts_dropped_;
  dns_ports_.merge(other.dns_ports_);
  dns_sequence_.merge(other.dns_sequence_);
  dns_queries_ += other.dns_queries_;
}

}  // namespace portclass
