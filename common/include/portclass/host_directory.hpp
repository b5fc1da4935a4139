// SPDX-License-Identifier: GPL-2.0-or-later
// HostDirectory: per-address HostProfiles fed packet by packet.
//
// The one place that turns a packet's facts into observations of its two
// hosts, shared by the command line (libpcap) and the Wireshark plugin, so
// both see a capture the same way. It keeps no per-flow state: each packet is
// judged on its own (SYN, SYN+ACK, or the port heuristic), which keeps memory
// bounded by the number of hosts and makes directories of two halves of a
// capture merge into the directory of the whole.
//
// Optionally capped (set_max_hosts, for captures that run for ever): when a
// new host would exceed the cap, the least recently seen host is evicted
// with its whole profile and counted (evicted()). A capped directory is
// exact only while nothing was evicted.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "portclass/address.hpp"
#include "portclass/client_side.hpp"
#include "portclass/flow_tuple.hpp"
#include "portclass/host_profile.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/recency_order.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass {

struct PacketFacts : FlowTuple {
  std::uint8_t ttl = 0;  // IPv4 TTL or IPv6 hop limit
  TcpFlags tcp;          // ignored for UDP
  // The signature of a SYN or SYN+ACK (portclass/tcp_signature.hpp), else
  // null; owned by whoever decoded the packet, valid during the call.
  const TcpSignature* signature = nullptr;
  Timestamp when = 0;
};

class HostDirectory {
 public:
  using Map = std::unordered_map<IpAddress, HostProfile, IpAddressHash>;

  // Heuristic decisions attribute ports only between a system port and a
  // non-system one, and only from this confidence up.
  static constexpr double kMinAttributionConfidence = 0.6;

  explicit HostDirectory(const PortKnowledge& knowledge) : knowledge_(&knowledge) {}

  ClientDecision observe(const PacketFacts& packet);
  // As observe(packet), for a mid-connection packet of a TCP connection whose
  // handshake the caller saw (e.g. Wireshark's conversation): the packet is
  // attributed to `known_client` with certainty instead of by the port
  // heuristic, and does not start a connection. A SYN or SYN+ACK is still
  // judged by its flags.
  ClientDecision observe(const PacketFacts& packet, Endpoint known_client);
  void merge(const HostDirectory& other);
  void merge(const IpAddress& address, const HostProfile& profile);

  // 0: unbounded (the default). Otherwise at least 2, as one packet touches
  // two hosts; set it before observing (hosts already present are ordered
  // arbitrarily).
  void set_max_hosts(std::size_t max_hosts);
  std::size_t max_hosts() const noexcept { return max_hosts_; }
  std::uint64_t evicted() const noexcept { return evicted_; }

  const HostProfile* find(const IpAddress& address) const;
  const Map& hosts() const noexcept { return hosts_; }
  std::size_t size() const noexcept { return hosts_.size(); }
  const PortKnowledge& knowledge() const noexcept { return *knowledge_; }

 private:
  static bool attributable(const PacketFacts& packet, const ClientDecision& decision) noexcept;
  void record(const PacketFacts& packet, const ClientDecision& decision);
  void record_unbounded(const PacketFacts& packet, const ClientDecision& decision);
  HostProfile& host(const IpAddress& address);
  void evict_excess();

  const PortKnowledge* knowledge_;
  Map hosts_;
  std::size_t max_hosts_ = 0;
  std::uint64_t evicted_ = 0;
  RecencyOrder recency_;  // kept only when capped
};

}  // namespace portclass
