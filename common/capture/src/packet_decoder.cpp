// SPDX-License-Identifier: GPL-2.0-or-later
// The decoder's loop: link and frame layers (layers.hpp) down to an IP
// header, IP tunnels back into the loop, the innermost TCP/UDP header into
// PacketFacts.
#include "portclass/capture/packet_decoder.hpp"

#include <utility>

#include "layers.hpp"
#include "portclass/ip_packet.hpp"

namespace portclass::capture {
namespace {

constexpr std::uint8_t kProtoIpInIp = 4, kProtoIpv6 = 41, kProtoGre = 47;

DecodeStatus status_of(ParseStatus s) noexcept {
  switch (s) {
    case ParseStatus::ok: return DecodeStatus::ok;
    case ParseStatus::truncated: return DecodeStatus::truncated;
    case ParseStatus::malformed: return DecodeStatus::malformed;
    case ParseStatus::fragment:
    case ParseStatus::not_tcp_udp: break;
  }
  return DecodeStatus::not_tcp_udp;
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

bool is_supported_link_type(int dlt) noexcept { return detail::is_supported_dlt(dlt); }

DecodeStatus PacketDecoder::decode(int dlt, const std::uint8_t* data, std::size_t caplen, Timestamp when,
                                   PacketFacts& out) {
  out = PacketFacts{};
  out.when = when;
  encapsulations_ = 0;
  layers_ = 0;
  if (!detail::is_supported_dlt(dlt)) return DecodeStatus::unsupported_link;
  detail::Layer layer{detail::Kind::link, static_cast<std::uint16_t>(dlt), detail::Bytes(data, caplen)};
  int ip_headers = 0;
  for (int step = 0; step < kMaxLayers; ++step) {
    layers_ = step + 1;
    if (layer.kind != detail::Kind::ip) {
      detail::Layer next;
      if (const DecodeStatus s = detail::next_layer(layer, next); s != DecodeStatus::ok) return s;
      layer = next;
      continue;
    }
    if (++ip_headers > kMaxEncapsulations + 1) return DecodeStatus::malformed;
    encapsulations_ = ip_headers - 1;
    IpHeader ip;
    if (const ParseStatus s = parse_ip(layer.bytes, ip); s != ParseStatus::ok) return status_of(s);
    if (ip.protocol == kProtoIpInIp || ip.protocol == kProtoIpv6) {  // IP-in-IP, 6in4, 4in6, 6in6
      layer = detail::ip_layer(ip.payload);
      continue;
    }
    if (ip.protocol == kProtoGre) {
      if (const DecodeStatus s = detail::next_after_gre(ip.payload, layer); s != DecodeStatus::ok) return s;
      continue;
    }
    TransportHeader t;
    if (const ParseStatus s = parse_transport(ip, t); s != ParseStatus::ok) return status_of(s);
    if (t.transport == Transport::udp) {
      const detail::UdpTunnel tunnel = detail::udp_tunnel(ip, t.udp);
      if (tunnel.tunnel) {
        if (tunnel.status != DecodeStatus::ok) return tunnel.status;
        layer = tunnel.next;
        continue;
      }
    }
    out.src = ip.src;
    out.dst = ip.dst;
    out.ttl = ip.ttl;
    out.transport = t.transport;
    out.src_port = t.src_port();
    out.dst_port = t.dst_port();
    if (t.transport == Transport::tcp) {
      out.tcp = t.tcp.tcp_flags();
      if (auto signature = handshake_signature(ip, t.tcp)) {
        signature_ = std::move(*signature);
        out.signature = &signature_;
      }
    }
    return DecodeStatus::ok;
  }
  return DecodeStatus::malformed;  // more headers than any real packet has
}

}  // namespace portclass::capture
