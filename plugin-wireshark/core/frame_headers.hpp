// SPDX-License-Identifier: GPL-2.0-or-later
// Finds a packet's own IP and TCP/UDP headers again inside its raw frame.
//
// Why: a post-dissector gets the addresses and ports from packet_info, but not
// the TTL, the TCP flags or the SYN's signature. Asking the IP and TCP
// dissectors for their fields (set_postdissector_wanted_hfids) forces a
// protocol tree for every packet and costs more than the whole plugin;
// locating the headers again in the frame bytes costs a few comparisons.
//
// Contract:
//  - The IP header is the one whose source and destination are exactly the
//    given addresses and whose payload is the given transport with the given
//    ports. Link layers and tunnels in front of it do not matter: known offsets
//    are tried first (Ethernet, VLAN, Linux cooked, raw IP), then the frame is
//    scanned.
//  - Headers are read by portclass's one IP/TCP/UDP parser
//    (portclass/ip_packet.hpp), the one the command line's decoder uses, so
//    both give the same signature for the same SYN.
//  - A non-first IPv4/IPv6 fragment yields the TTL but no transport header.
//  - Nothing found yields found_ip == false; never reads outside the span.
//  - find_quoted_header() is the same search for an ICMP error's quoted header.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "portclass/address.hpp"
#include "portclass/client_side.hpp"
#include "portclass/flow_tuple.hpp"
#include "portclass/ip_packet.hpp"
#include "portclass/port.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass::ws {

// The packet whose headers are looked for.
using WireQuery = FlowTuple;

struct WireFacts {
  bool found_ip = false;
  std::uint8_t ttl = 0;          // IPv4 TTL or IPv6 hop limit
  bool found_transport = false;  // the TCP/UDP header with the right ports
  TcpFlags tcp;                  // valid when found_transport and TCP
  // A SYN's or SYN+ACK's signature (handshake_signature() in portclass/ip_packet.hpp).
  std::optional<TcpSignature> signature;
};

WireFacts find_wire_facts(std::span<const std::uint8_t> frame, const WireQuery& query);

// The TCP/UDP header quoted in the frame's ICMP or ICMPv6 error
// (parse_icmp_quoted() in portclass/ip_packet.hpp), found by the same offsets
// and scan. Why from the bytes: Wireshark 4.0 leaves the quoted header's ports
// in packet_info, 4.2 and later restore the ICMP packet's own (none), so
// packet_info cannot say it on every version.
std::optional<QuotedHeader> find_quoted_header(std::span<const std::uint8_t> frame);

}  // namespace portclass::ws
