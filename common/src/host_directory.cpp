// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host_directory.hpp"

#include <algorithm>

#include "portclass/category.hpp"

namespace portclass {

ClientDecision HostDirectory::observe(const PacketFacts& packet) {
  const bool is_tcp = packet.transport == Transport::tcp;
  const ClientDecision decision =
      decide_client(packet.src_port, packet.dst_port, packet.transport, is_tcp ? &packet.tcp : nullptr, *knowledge_);
  record(packet, decision);
  return decision;
}

ClientDecision HostDirectory::observe(const PacketFacts& packet, Endpoint known_client) {
  const bool is_tcp = packet.transport == Transport::tcp;
  ClientDecision decision =
      decide_client(packet.src_port, packet.dst_port, packet.transport, is_tcp ? &packet.tcp : nullptr, *knowledge_);
  // Certain, but not a SYN: attributed, and not the start of a connection.
  if (decision.method == ClientMethod::heuristic) decision = ClientDecision{known_client, ClientMethod::heuristic, 1.0};
  record(packet, decision);
  return decision;
}

bool HostDirectory::attributable(const PacketFacts& packet, const ClientDecision& decision) noexcept {
  if (decision.method != ClientMethod::heuristic || decision.confidence >= 1.0) return true;
  // A guess only counts between a system port and a non-system one (443 and
  // 51234): between two high ports (a tuned client's 24680, IANA-named, and a
  // server on 50000) the guess is wrong too often, and a wrong guess plants a
  // false server port on the client and a false client port on the server.
  const bool src_system = category_of(packet.src_port) == PortCategory::system;
  const bool dst_system = category_of(packet.dst_port) == PortCategory::system;
  return src_system != dst_system && decision.confidence >= kMinAttributionConfidence;
}

HostProfile& HostDirectory::host(const IpAddress& address) {
  if (max_hosts_) recency_.touch(address);
  return hosts_[address];
}

// After the packet is recorded, so that a reference held during record()
// is never to an evicted profile: its two hosts are the most recent and the
// cap is at least 2.
void HostDirectory::evict_excess() {
  if (!max_hosts_) return;
  while (hosts_.size() > max_hosts_) {
    const auto oldest = recency_.oldest();
    if (!oldest) break;
    recency_.remove(*oldest);
    hosts_.erase(*oldest);
    ++evicted_;
  }
}

void HostDirectory::set_max_hosts(std::size_t max_hosts) {
  max_hosts_ = max_hosts == 0 ? 0 : std::max<std::size_t>(max_hosts, 2);
  recency_ = RecencyOrder{};
  if (max_hosts_)
    for (const auto& entry : hosts_) recency_.touch(entry.first);
  evict_excess();
}

void HostDirectory::record(const PacketFacts& packet, const ClientDecision& decision) {
  record_unbounded(packet, decision);
  evict_excess();
}

void HostDirectory::record_unbounded(const PacketFacts& packet, const ClientDecision& decision) {
  const bool is_tcp = packet.transport == Transport::tcp;
  HostProfile& sender = host(packet.src);
  // A multicast or broadcast packet's TTL is its protocol's, not the stack's
  // default: the packet counts, its TTL does not (0: not seen).
  sender.add_packet(packet.transport, packet.dst.is_multicast_or_broadcast() ? std::uint8_t{0} : packet.ttl);

  if (!attributable(packet, decision)) return;

  const Port client_port = decision.client_port(packet.src_port, packet.dst_port);
  const Port server_port = decision.server_port(packet.src_port, packet.dst_port);
  if (decision.client == Endpoint::source) {
    // A TCP connection starts with its SYN; mid-connection packets only add
    // the port. Every UDP datagram may start a flow (repeats are not counted).
    const bool start = is_tcp ? decision.method == ClientMethod::syn : true;
    sender.add_client_port(packet.transport, client_port, packet.when, start);
    if (decision.method == ClientMethod::syn && packet.signature) sender.add_signature(*packet.signature);
    if (!is_tcp && server_port == 53) sender.add_dns_query(client_port, packet.when);
  } else {
    sender.add_server_port(packet.transport, server_port);
    if (decision.method == ClientMethod::syn_ack && packet.signature) sender.add_signature(*packet.signature);
    // The receiver is the client: its port counts, its sequence does not
    // (a reply says nothing about when the flow started).
    host(packet.dst).add_client_port(packet.transport, client_port, packet.when, false);
  }
}

void HostDirectory::merge(const IpAddress& address, const HostProfile& profile) {
  host(address).merge(profile);
  evict_excess();
}

void HostDirectory::merge(const HostDirectory& other) {
  for (const auto& [address, profile] : other.hosts_) merge(address, profile);
}

const HostProfile* HostDirectory::find(const IpAddress& address) const {
  const auto it = hosts_.find(address);
  return it == hosts_.end() ? nullptr : &it->second;
}

}  // namespace portclass
