// SPDX-License-Identifier: GPL-2.0-or-later
// The decoder's layer steps (internal to portclass::capture).
//
// A packet is peeled one header at a time: each step reads the header at the
// start of a Layer's bytes and names what follows it (another Layer) or says
// why it cannot (a DecodeStatus). Steps never read past their span and do
// constant work, so PacketDecoder bounds a packet's cost by bounding the
// number of steps. IP headers and what follows them (TCP, UDP, tunnels over
// them) are the decoder's own loop (packet_decoder.cpp).
#pragma once

#include <cstdint>
#include <span>

#include "portclass/capture/packet_decoder.hpp"
#include "portclass/ip_packet.hpp"

namespace portclass::capture::detail {

using Bytes = std::span<const std::uint8_t>;

enum class Kind : std::uint8_t {
  link,       // a whole captured record; type = its DLT
  ethernet,   // an Ethernet II / 802.3 frame
  ethertype,  // bytes after an EtherType field; type = the EtherType
  llc,        // 802.2 LLC (with SNAP)
  ppp,        // a PPP frame (optional address/control, protocol field)
  mpls,       // an MPLS label stack
  ieee80211,  // an 802.11 MAC frame; type = 1 when radiotap says the header is padded
  ip,         // an IPv4 or IPv6 header
};

struct Layer {
  Kind kind = Kind::link;
  std::uint16_t type = 0;
  Bytes bytes;
};

// The layer after `in`, for any kind but ip (frames.cpp, which hands link
// and ieee80211 layers to link_layers.cpp).
DecodeStatus next_layer(const Layer& in, Layer& next) noexcept;
bool is_supported_dlt(int dlt) noexcept;
DecodeStatus next_after_link(int dlt, Bytes b, Layer& next) noexcept;
DecodeStatus next_after_ieee80211(Bytes b, bool padded, Layer& next) noexcept;

// What a GRE packet (the IP payload of protocol 47) carries (tunnels.cpp).
DecodeStatus next_after_gre(Bytes gre, Layer& next) noexcept;

// Whether a UDP datagram is a tunnel (VXLAN, GENEVE, GTP-U, Teredo, AYIYA,
// recognised by port and a header check) and what it carries.
struct UdpTunnel {
  bool tunnel = false;  // false: the datagram is the packet to observe
  DecodeStatus status = DecodeStatus::ok;
  Layer next;
};
UdpTunnel udp_tunnel(const IpHeader& ip, const UdpHeader& udp) noexcept;

// Layer constructors for what follows a header.
inline Layer ip_layer(Bytes b) noexcept { return Layer{Kind::ip, 0, b}; }
inline Layer ethernet_layer(Bytes b) noexcept { return Layer{Kind::ethernet, 0, b}; }
inline Layer ethertype_layer(std::uint16_t type, Bytes b) noexcept { return Layer{Kind::ethertype, type, b}; }

inline std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
inline std::uint32_t be32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
inline std::uint16_t le16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[1] << 8 | p[0]); }
inline std::uint32_t le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}

}  // namespace portclass::capture::detail
