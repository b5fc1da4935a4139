// SPDX-License-Identifier: GPL-2.0-or-later
// HostProfile: the accumulated observations of one address.
//
// Contract:
//  - Memory is bounded per host (at most a few DistinctPorts bitmaps and small
//    maps) however many packets are added.
//  - merge() is commutative and, for parts that do not overlap in time, exact:
//    profile(A).merge(profile(B)) == profile(A+B). So profiles from many
//    sensors or from the pieces of a capture combine in any order.
//  - JSON (de)serialisation lives in profile_json.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "portclass/distinct_ports.hpp"
#include "portclass/port.hpp"
#include "portclass/sequence_stats.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass {

struct HostProfileCodec;

class HostProfile {
 public:
  // Distinct SYN (and, separately, SYN+ACK) signatures kept per host; more
  // is a crowd (NAT) and the overflow is only counted.
  static constexpr std::size_t kMaxSignatures = 16;
  // A signature key of a 40-byte option space with every quirk stays well
  // below this; longer text is not a signature and is only counted, so that
  // profile JSON always reads back what it wrote.
  static constexpr std::size_t kMaxSignatureLength = 320;

  struct TransportStats {
    DistinctPorts client_ports;  // source ports it used as a client
    SequenceStats client_sequence;
    DistinctPorts server_ports;  // ports it answered on as a server
    // TTL / hop limit -> packets. Per transport because UDP applications set
    // their own (mDNSResponder's DNS queries go out with 255), while TCP
    // segments carry the stack's default.
    std::map<std::uint8_t, std::uint64_t> ttls;
    friend bool operator==(const TransportStats&, const TransportStats&) = default;
  };

  // One packet sent by the host, with its IPv4 TTL or IPv6 hop limit (0: not
  // to be used, e.g. a multicast packet's).
  void add_packet(Transport transport, std::uint8_t ttl);
  // A source port it used as a client. connection_start: a SYN, or a UDP
  // datagram of a client flow; false for mid-connection TCP where the start
  // was not seen (counts towards the set of ports, not the sequence).
  void add_client_port(Transport transport, Port port, Timestamp when, bool connection_start);
  void add_server_port(Transport transport, Port port);
  // A SYN (as a client) or SYN+ACK (as a server) it sent: its signature.
  void add_signature(const TcpSignature& signature);
  // The same, from a stored key (TcpSignature::key()).
  void add_signature_key(bool syn_ack, std::string_view key, std::uint64_t count = 1);
  // A DNS query it sent (UDP to port 53) from this source port.
  void add_dns_query(Port source_port, Timestamp when);

  void merge(const HostProfile& other);

  std::uint64_t packets() const noexcept { return packets_; }
  const TransportStats& stats(Transport t) const noexcept { return t == Transport::tcp ? tcp_ : udp_; }
  const std::map<std::uint8_t, std::uint64_t>& ttl_counts(Transport t) const noexcept { return stats(t).ttls; }
  // Signature key -> how many SYNs (syn_ack false) or SYN+ACKs carried it.
  const std::map<std::string, std::uint64_t>& signatures(bool syn_ack) const noexcept {
    return syn_ack ? synack_signatures_ : syn_signatures_;
  }
  std::uint64_t signatures_dropped() const noexcept { return signatures_dropped_; }
  const DistinctPorts& dns_ports() const noexcept { return dns_ports_; }
  const SequenceStats& dns_sequence() const noexcept { return dns_sequence_; }
  std::uint64_t dns_queries() const noexcept { return dns_queries_; }

  friend struct HostProfileCodec;  // profile_json.cpp reads and restores every field

  friend bool operator==(const HostProfile&, const HostProfile&) = default;

 private:
  TransportStats& stats_mut(Transport t) noexcept { return t == Transport::tcp ? tcp_ : udp_; }

  std::uint64_t packets_ = 0;
  TransportStats tcp_;
  TransportStats udp_;
  std::map<std::string, std::uint64_t> syn_signatures_;
  std::map<std::string, std::uint64_t> synack_signatures_;
  std::uint64_t signatures_dropped_ = 0;
  DistinctPorts dns_ports_;
  SequenceStats dns_sequence_;
  std::uint64_t dns_queries_ = 0;
};

}  // namespace portclass
