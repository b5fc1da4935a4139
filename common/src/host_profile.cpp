// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host_profile.hpp"

namespace portclass {

void HostProfile::add_packet(Transport transport, std::uint8_t ttl) {
  ++packets_;
  ++stats_mut(transport).ttls[ttl];
}

void HostProfile::add_client_port(Transport transport, Port port, Timestamp when, bool connection_start) {
  auto& s = stats_mut(transport);
  s.client_ports.insert(port);
  if (connection_start) s.client_sequence.record(port, when);
}

void HostProfile::add_server_port(Transport transport, Port port) { stats_mut(transport).server_ports.insert(port); }

void HostProfile::add_signature(const TcpSignature& signature) {
  add_signature_key(signature.syn_ack, signature.key());
}

void HostProfile::add_signature_key(bool syn_ack, std::string_view key, std::uint64_t count) {
  auto& table = syn_ack ? synack_signatures_ : syn_signatures_;
  const bool keepable = key.size() <= kMaxSignatureLength;
  if (auto it = keepable ? table.find(std::string(key)) : table.end(); it != table.end()) {
    it->second += count;
    return;
  }
  if (keepable && table.size() < kMaxSignatures) {
    table.emplace(key, count);
    return;
  }
  // Too long to be a real signature, or the table is full: counted, not kept.
  signatures_dropped_ += count;
}

void HostProfile::add_dns_query(Port source_port, Timestamp when) {
  ++dns_queries_;
  dns_ports_.insert(source_port);
  dns_sequence_.record(source_port, when);
}

void HostProfile::merge(const HostProfile& other) {
  packets_ += other.packets_;
  for (auto t : {Transport::tcp, Transport::udp}) {
    auto& mine = stats_mut(t);
    const auto& theirs = other.stats(t);
    mine.client_ports.merge(theirs.client_ports);
    mine.client_sequence.merge(theirs.client_sequence);
    mine.server_ports.merge(theirs.server_ports);
    for (const auto& [ttl, n] : theirs.ttls) mine.ttls[ttl] += n;
  }
  for (const bool syn_ack : {false, true})
    for (const auto& [key, n] : other.signatures(syn_ack)) add_signature_key(syn_ack, key, n);
  signatures_dropped_ += other.signatures_dropped_;
  dns_ports_.merge(other.dns_ports_);
  dns_sequence_.merge(other.dns_sequence_);
  dns_queries_ += other.dns_queries_;
}

}  // namespace portclass
