// SPDX-License-Identifier: GPL-2.0-or-later
// Tunnels over IP: GRE (RFC 2784/2890, PPTP's enhanced GRE, ERSPAN types I,
// II and III inside it) and the UDP ones recognised by port: VXLAN (4789),
// GENEVE (6081), GTP-U (2152), Teredo (3544), AYIYA (5072).
//
// A UDP datagram on a tunnel's port is a tunnel only when its header checks
// out; otherwise it is ordinary traffic that happens to use the port, and it
// is observed itself.
#include <algorithm>

#include "layers.hpp"

namespace portclass::capture::detail {
namespace {

constexpr std::uint16_t kGreChecksum = 0x8000, kGreRouting = 0x4000, kGreKey = 0x2000, kGreSequence = 0x1000,
                        kGreAck = 0x0080;
constexpr int kMaxGreRoutes = 16;
constexpr int kMaxGtpExtensions = 8;

enum : std::uint16_t { kVxlan = 4789, kGeneve = 6081, kGtpU = 2152, kTeredo = 3544, kAyiya = 5072 };

DecodeStatus after_erspan(std::uint16_t protocol, bool sequenced, Bytes b, Layer& next) noexcept {
  if (protocol == 0x88be && !sequenced) {  // type I: no header of its own
    next = ethernet_layer(b);
    return DecodeStatus::ok;
  }
  if (protocol == 0x88be) {  // type II: 8 bytes, version 1
    if (b.size() < 8) return DecodeStatus::truncated;
    if ((b[0] >> 4) != 1) return DecodeStatus::malformed;
    next = ethernet_layer(b.subspan(8));
    return DecodeStatus::ok;
  }
  // Type III: 12 bytes, version 2, an optional 8-byte platform subheader (O
  // bit), and a frame type saying Ethernet (0) or IP (2).
  if (b.size() < 12) return DecodeStatus::truncated;
  if ((b[0] >> 4) != 2) return DecodeStatus::malformed;
  const std::size_t header = (b[11] & 0x01) != 0 ? 20 : 12;
  if (b.size() < header) return DecodeStatus::truncated;
  switch ((b[10] >> 2) & 0x1f) {
    case 0: next = ethernet_layer(b.subspan(header)); return DecodeStatus::ok;
    case 2: next = ip_layer(b.subspan(header)); return DecodeStatus::ok;
    default: return DecodeStatus::not_ip;
  }
}

// The UDP payload of a recognised tunnel: `b` as captured, `declared` bytes
// per the UDP/IP lengths. A header that does not fit the declared length is
// not that tunnel; one cut by the capture is truncated.
UdpTunnel vxlan(Bytes b, std::size_t declared) noexcept {
  if (declared < 8 || (!b.empty() && (b[0] & 0x08) == 0)) return {};  // the I flag: a valid network id
  if (b.size() < 8) return {true, DecodeStatus::truncated, {}};
  return {true, DecodeStatus::ok, ethernet_layer(b.subspan(8))};
}

UdpTunnel geneve(Bytes b, std::size_t declared) noexcept {
  if (declared < 8) return {};
  if (b.size() < 8) return {true, DecodeStatus::truncated, {}};
  if ((b[0] >> 6) != 0) return {};  // version 0
  const std::size_t header = 8 + std::size_t{b[0] & 0x3fu} * 4;
  if (declared < header) return {};
  if (b.size() < header) return {true, DecodeStatus::truncated, {}};
  return {true, DecodeStatus::ok, ethertype_layer(be16(&b[2]), b.subspan(header))};
}

// GTP-U G-PDUs (user data); echo and other signalling messages are the
// datagram's own traffic.
UdpTunnel gtp_u(Bytes b, std::size_t declared) noexcept {
  if (declared < 8) return {};
  if (b.size() < 2) return {true, DecodeStatus::truncated, {}};
  if ((b[0] >> 5) != 1 || (b[0] & 0x10) == 0 || b[1] != 0xff) return {};  // version 1, GTP (not GTP'), G-PDU
  if (b.size() < 8) return {true, DecodeStatus::truncated, {}};
  std::size_t offset = 8;
  if ((b[0] & 0x07) != 0) {  // sequence number, N-PDU number, next extension type
    offset += 4;
    if (b.size() < offset) return {true, DecodeStatus::truncated, {}};
    // The next-extension byte means something only with the E flag
    // (TS 29.281 5.1): with S or PN alone it is spare, whatever it holds.
    const std::uint8_t first_extension = (b[0] & 0x04) != 0 ? b[offset - 1] : 0;
    for (std::uint8_t type = first_extension, n = 0; type != 0; ++n) {
      if (n == kMaxGtpExtensions) return {true, DecodeStatus::malformed, {}};
      if (b.size() < offset + 1) return {true, DecodeStatus::truncated, {}};
      const std::size_t length = std::size_t{b[offset]} * 4;
      if (length == 0) return {true, DecodeStatus::malformed, {}};
      if (b.size() < offset + length) return {true, DecodeStatus::truncated, {}};
      type = b[offset + length - 1];
      offset += length;
    }
  }
  if (b.size() <= offset) return {true, DecodeStatus::truncated, {}};
  const unsigned version = b[offset] >> 4;
  if (version != 4 && version != 6) return {true, DecodeStatus::not_ip, {}};
  return {true, DecodeStatus::ok, ip_layer(b.subspan(offset))};
}

// Teredo (RFC 4380): an optional authentication indicator, an optional
// origin indication, then an IPv6 packet.
UdpTunnel teredo(Bytes b) noexcept {
  std::size_t offset = 0;
  if (b.size() >= 4 && be16(&b[0]) == 0x0001) offset = 4 + std::size_t{b[2]} + b[3] + 9;  // ids, nonce, confirmation
  if (b.size() >= offset + 2 && be16(&b[offset]) == 0x0000) offset += 8;
  if (b.size() <= offset || (b[offset] >> 4) != 6) return {};
  return {true, DecodeStatus::ok, ip_layer(b.subspan(offset))};
}

// AYIYA (draft-massar-v6ops-ayiya): identity of 2^n bytes, signature of 4*n
// bytes; only "forward" messages carry a packet (IPv6 or IPv4).
UdpTunnel ayiya(Bytes b) noexcept {
  if (b.size() < 8) return {};
  const unsigned opcode = b[2] & 0x0f, next_header = b[3];
  if (opcode != 1 || (next_header != 41 && next_header != 4)) return {};
  const std::size_t offset = 8 + (std::size_t{1} << (b[0] >> 4)) + (std::size_t{b[1]} >> 4) * 4;
  if (b.size() <= offset) return {true, DecodeStatus::truncated, {}};
  return {true, DecodeStatus::ok, ip_layer(b.subspan(offset))};
}

}  // namespace

DecodeStatus next_after_gre(Bytes b, Layer& next) noexcept {
  if (b.size() < 4) return DecodeStatus::truncated;
  const std::uint16_t flags = be16(&b[0]), protocol = be16(&b[2]);
  std::size_t offset = 4;
  switch (flags & 0x0007) {  // version
    case 0:
      if ((flags & (kGreChecksum | kGreRouting)) != 0) offset += 4;  // checksum and offset
      if ((flags & kGreKey) != 0) offset += 4;
      if ((flags & kGreSequence) != 0) offset += 4;
      if ((flags & kGreRouting) != 0) {  // RFC 1701 source routes, up to a null entry
        for (int routes = 0;; ++routes) {
          if (routes == kMaxGreRoutes) return DecodeStatus::malformed;
          if (b.size() < offset + 4) return DecodeStatus::truncated;
          const std::size_t length = b[offset + 3];
          const bool last = be16(&b[offset]) == 0 && length == 0;
          offset += 4 + length;
          if (last) break;
        }
      }
      break;
    case 1:  // PPTP: key (payload length, call id) always, sequence and ack optional
      if ((flags & kGreKey) == 0 || protocol != 0x880b) return DecodeStatus::malformed;
      offset += 4;
      if ((flags & kGreSequence) != 0) offset += 4;
      if ((flags & kGreAck) != 0) offset += 4;
      break;
    default: return DecodeStatus::malformed;
  }
  if (b.size() < offset) return DecodeStatus::truncated;
  const Bytes payload = b.subspan(offset);
  if (protocol == 0x88be || protocol == 0x22eb)
    return after_erspan(protocol, (flags & kGreSequence) != 0, payload, next);
  next = ethertype_layer(protocol, payload);
  return DecodeStatus::ok;
}

UdpTunnel udp_tunnel(const IpHeader& ip, const UdpHeader& udp) noexcept {
  const Bytes b = udp.payload;
  const std::size_t declared = ip.payload_length >= 8 ? ip.payload_length - 8 : 0;
  for (const std::uint16_t port : {udp.dst_port, udp.src_port}) {
    switch (port) {
      case kVxlan: return vxlan(b, declared);
      case kGeneve: return geneve(b, declared);
      case kGtpU: return gtp_u(b, declared);
      case kTeredo: return teredo(b);
      case kAyiya: return ayiya(b);
      default: break;
    }
  }
  return {};
}

}  // namespace portclass::capture::detail
