// SPDX-License-Identifier: GPL-2.0-or-later
// PacketDecoder: raw link-layer bytes -> PacketFacts for one TCP/UDP packet.
//
// Contract:
//  - Link types: Ethernet, Linux cooked v1/v2, raw IPv4/IPv6, BSD null and
//    loopback, PPP (plain, serial, PPPoE), Cisco HDLC, ARCNET (BSD and Linux),
//    NFLOG, and 802.11 data frames plain or behind radiotap, PPI, Prism or
//    AVS headers (LLC/SNAP). Inside them: 802.1Q/802.1ad tags, MPLS label
//    stacks (IP, or Ethernet after a pseudowire control word), PPPoE
//    sessions, and the tunnels GRE (with transparent Ethernet bridging,
//    PPTP's PPP, ERSPAN I/II/III), IP-in-IP, 6in4, 4in6, VXLAN (UDP 4789),
//    GENEVE (6081), GTP-U (2152), Teredo (3544) and AYIYA (5072).
//  - The innermost IP header with TCP or UDP is the packet observed; the
//    tunnel endpoints are not. A UDP datagram on a tunnel's port whose header
//    is not that tunnel's is observed itself.
//  - Bounded work whatever the input: at most kMaxLayers headers, at most
//    kMaxEncapsulations IP headers around the observed one; deeper is
//    malformed.
//  - Every length is checked against the captured bytes: a header cut short
//    is truncated and never read past; a header that contradicts itself is
//    malformed. Non-first IP fragments carry no L4 header (not_tcp_udp);
//    first fragments count. ICMP errors (whose quoted header is not the
//    packet's own) are not TCP/UDP.
//  - IP and TCP/UDP headers are read by the shared parser
//    (portclass/ip_packet.hpp), as in the Wireshark plugin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "portclass/host_directory.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass::capture {

enum class DecodeStatus : std::uint8_t {
  ok,           // out holds a TCP or UDP packet
  not_ip,       // ARP, LLDP, encrypted 802.11, ...
  not_tcp_udp,  // ICMP, other IP protocols, non-first fragments
  truncated,    // a header was cut short by the snap length
  malformed,    // a header contradicts itself (bad IHL, length, nesting too deep, ...)
  unsupported_link,
};

std::string_view to_string(DecodeStatus s) noexcept;

// libpcap DLT_* values this decoder understands.
bool is_supported_link_type(int dlt) noexcept;

class PacketDecoder {
 public:
  static constexpr int kMaxLayers = 32;
  static constexpr int kMaxEncapsulations = 8;

  // out.signature, when a packet has one (handshake_signature() in
  // portclass/ip_packet.hpp), points into this decoder and is valid until
  // the next call.
  DecodeStatus decode(int dlt, const std::uint8_t* data, std::size_t caplen, Timestamp when, PacketFacts& out);

  // Of the last packet decoded: the IP headers around the observed one (0:
  // not tunnelled), and the headers read before the verdict (link, tags,
  // labels, IP, tunnels; at most kMaxLayers).
  int encapsulations() const noexcept { return encapsulations_; }
  int layers() const noexcept { return layers_; }

 private:
  TcpSignature signature_;
  int encapsulations_ = 0;
  int layers_ = 0;
};

}  // namespace portclass::capture
