// SPDX-License-Identifier: GPL-2.0-or-later
// PacketDecoder: raw link-layer bytes -> PacketFacts for one TCP/UDP packet.
//
// Link types: Ethernet (with 802.1Q/802.1ad VLAN tags), Linux cooked v1 and
// v2, raw IPv4/IPv6, BSD loopback. Every length is checked against the
// captured bytes; a header cut short is reported as truncated and never read
// past. Non-first IP fragments carry no L4 header and are skipped; ICMP errors
// (whose quoted header is not the packet's own) are not TCP/UDP and skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "portclass/host_directory.hpp"

namespace portclass::capture {

enum class DecodeStatus : std::uint8_t {
  ok,             // out holds a TCP or UDP packet
  not_ip,         // ARP, LLDP, ...
  not_tcp_udp,    // ICMP, other IP protocols, non-first fragments
  truncated,      // a header was cut short by the snap length
  malformed,      // a header contradicts itself (bad IHL, length, ...)
  unsupported_link,
};

std::string_view to_string(DecodeStatus s) noexcept;

// libpcap DLT_* values this decoder understands.
bool is_supported_link_type(int dlt) noexcept;

class PacketDecoder {
 public:
  // out.syn_options points into this decoder and is valid until the next call.
  DecodeStatus decode(int dlt, const std::uint8_t* data, std::size_t caplen, Timestamp when, PacketFacts& out);

 private:
  DecodeStatus decode_ip(const std::uint8_t* p, std::size_t len, PacketFacts& out);
  DecodeStatus decode_l4(std::uint8_t protocol, const std::uint8_t* p, std::size_t len, PacketFacts& out);
  std::string layout_;
};

}  // namespace portclass::capture
