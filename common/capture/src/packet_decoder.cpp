// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/capture/packet_decoder.hpp"

#include <pcap/dlt.h>

namespace portclass::capture {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr int kMaxVlanTags = 4;

std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

bool is_ipv6_extension(std::uint8_t next) noexcept {
  return next == 0 || next == 43 || next == 44 || next == 60;  // hop-by-hop, routing, fragment, destination
}

}  // namespace

std::string_view to_string(DecodeStatus s) noexcept {
  switch (s) {
    case DecodeStatus::ok: return "ok";
    case DecodeStatus::not_ip: return "not IP";
    case DecodeStatus::not_tcp_udp: return "not TCP/UDP";
    case DecodeStatus::truncated: return "truncated";
    case DecodeStatus::malformed: return "malformed";
    case DecodeStatus::unsupported_link: break;
  }
  return "unsupported link type";
}

bool is_supported_link_type(int dlt) noexcept {
  switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
      return true;
    default:
      return false;
  }
}

DecodeStatus PacketDecoder::decode(int dlt, const std::uint8_t* p, std::size_t len, Timestamp when,
                                   PacketFacts& out) {
  out = PacketFacts{};
  out.when = when;
  layout_.clear();
  std::uint16_t ethertype = 0;
  switch (dlt) {
    case DLT_EN10MB: {
      if (len < 14) return DecodeStatus::truncated;
      ethertype = be16(p + 12);
      p += 14, len -= 14;
      for (int tags = 0; ethertype == kEtherVlan || ethertype == kEtherQinQ; ++tags) {
        if (tags == kMaxVlanTags) return DecodeStatus::malformed;
        if (len < 4) return DecodeStatus::truncated;
        ethertype = be16(p + 2);
        p += 4, len -= 4;
      }
      break;
    }
    case DLT_LINUX_SLL:
      if (len < 16) return DecodeStatus::truncated;
      ethertype = be16(p + 14);
      p += 16, len -= 16;
      break;
    case DLT_LINUX_SLL2:
      if (len < 20) return DecodeStatus::truncated;
      ethertype = be16(p);
      p += 20, len -= 20;
      break;
    case DLT_NULL:
    case DLT_LOOP:
      // A 4-byte address family (host or network order): the IP version
      // nibble that follows tells v4 from v6 either way.
      if (len < 4) return DecodeStatus::truncated;
      p += 4, len -= 4;
      return decode_ip(p, len, out);
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
      return decode_ip(p, len, out);
    default:
      return DecodeStatus::unsupported_link;
  }
  if (ethertype != kEtherIpv4 && ethertype != kEtherIpv6) return DecodeStatus::not_ip;
  return decode_ip(p, len, out);
}

DecodeStatus PacketDecoder::decode_ip(const std::uint8_t* p, std::size_t len, PacketFacts& out) {
  if (len < 1) return DecodeStatus::truncated;
  const unsigned version = p[0] >> 4;
  if (version == 4) {
    if (len < 20) return DecodeStatus::truncated;
    const std::size_t ihl = std::size_t{p[0] & 0x0fu} * 4;
    if (ihl < 20) return DecodeStatus::malformed;
    if (len < ihl) return DecodeStatus::truncated;
    const std::size_t total = be16(p + 2);
    if (total < ihl) return DecodeStatus::malformed;
    if ((be16(p + 6) & 0x1fff) != 0) return DecodeStatus::not_tcp_udp;  // non-first fragment
    out.ttl = p[8];
    out.src = IpAddress::v4(p + 12);
    out.dst = IpAddress::v4(p + 16);
    // Trust the IP length over trailing link padding, but never the captured length.
    const std::size_t l4_len = std::min(len, total) - ihl;
    return decode_l4(p[9], p + ihl, l4_len, out);
  }
  if (version == 6) {
    if (len < 40) return DecodeStatus::truncated;
    out.ttl = p[7];
    out.src = IpAddress::v6(p + 8);
    out.dst = IpAddress::v6(p + 24);
    std::uint8_t next = p[6];
    std::size_t payload = be16(p + 4);
    p += 40, len -= 40;
    if (payload < len) len = payload;  // drop link padding
    for (int hops = 0; is_ipv6_extension(next); ++hops) {
      if (hops == 8) return DecodeStatus::malformed;
      if (len < 8) return DecodeStatus::truncated;
      if (next == 44 && (be16(p + 2) & 0xfff8) != 0) return DecodeStatus::not_tcp_udp;  // non-first fragment
      const std::size_t ext = next == 44 ? 8 : (std::size_t{p[1]} + 1) * 8;
      if (len < ext) return DecodeStatus::truncated;
      next = p[0];
      p += ext, len -= ext;
    }
    return decode_l4(next, p, len, out);
  }
  return DecodeStatus::malformed;
}

DecodeStatus PacketDecoder::decode_l4(std::uint8_t protocol, const std::uint8_t* p, std::size_t len,
                                      PacketFacts& out) {
  if (protocol == kProtoUdp) {
    if (len < 8) return DecodeStatus::truncated;
    out.transport = Transport::udp;
    out.src_port = be16(p);
    out.dst_port = be16(p + 2);
    return DecodeStatus::ok;
  }
  if (protocol != kProtoTcp) return DecodeStatus::not_tcp_udp;
  if (len < 20) return DecodeStatus::truncated;
  out.transport = Transport::tcp;
  out.src_port = be16(p);
  out.dst_port = be16(p + 2);
  const std::uint8_t flags = p[13];
  out.tcp = TcpFlags{(flags & 0x02) != 0, (flags & 0x10) != 0, (flags & 0x01) != 0, (flags & 0x04) != 0};
  const std::size_t header = static_cast<std::size_t>(p[12] >> 4) * 4;
  if (header < 20) return DecodeStatus::malformed;
  if (out.tcp.syn && !out.tcp.ack) {
    // The option layout of a SYN is a stack's signature (p0f's letters).
    const std::size_t end = std::min(header, len);
    // The separator goes with an item, so a stop never leaves a dangling ','.
    const auto add = [this](std::string_view item) {
      if (!layout_.empty()) layout_ += ',';
      layout_ += item;
    };
    for (std::size_t i = 20; i < end;) {
      const std::uint8_t kind = p[i];
      if (kind == 0) {
        add("E");
        break;
      }
      if (kind == 1) {
        add("N");
        ++i;
        continue;
      }
      // Cut short or malformed: stop, keep what was read (as the plugin does).
      if (i + 1 >= end || p[i + 1] < 2 || i + p[i + 1] > end) break;
      switch (kind) {
        case 2: add("M"); break;
        case 3: add("W"); break;
        case 4: add("S"); break;
        case 8: add("T"); break;
        default: add("?" + std::to_string(kind)); break;
      }
      i += p[i + 1];
    }
    out.syn_options = layout_;
  }
  return DecodeStatus::ok;
}

}  // namespace portclass::capture
