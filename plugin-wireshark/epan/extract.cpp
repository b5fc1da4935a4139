// SPDX-License-Identifier: GPL-2.0-or-later
#include "extract.hpp"

#include <limits>

#include "registration.hpp"

namespace portclass::ws::plugin {
namespace {

// A frame's time in microseconds, saturated at the ends of Timestamp: pcapng
// has 64-bit timestamps, so a damaged or hostile capture can hold seconds
// whose product with 10^6 overflows (tests/hostile/regressions/).
Timestamp microseconds(const nstime_t& ts) noexcept {
  Timestamp t = 0;
  if (__builtin_mul_overflow(Timestamp{ts.secs}, 1'000'000, &t) || __builtin_add_overflow(t, ts.nsecs / 1000, &t))
    return ts.secs < 0 ? std::numeric_limits<Timestamp>::min() : std::numeric_limits<Timestamp>::max();
  return t;
}

// The post-dissector's tvb is the whole frame: its captured bytes (empty when none).
std::span<const std::uint8_t> frame_bytes(tvbuff_t* tvb) {
  const guint length = tvb_captured_length(tvb);
  const auto* bytes = length ? tvb_get_ptr(tvb, 0, static_cast<gint>(length)) : nullptr;
  return bytes ? std::span<const std::uint8_t>(bytes, length) : std::span<const std::uint8_t>();
}

}  // namespace

bool to_ip(const address& a, IpAddress& out) {
  if (a.type == AT_IPv4 && a.len == 4) {
    out = IpAddress::v4(static_cast<const std::uint8_t*>(a.data));
    return true;
  }
  if (a.type == AT_IPv6 && a.len == 16) {
    out = IpAddress::v6(static_cast<const std::uint8_t*>(a.data));
    return true;
  }
  return false;
}

PacketKind classify(const packet_info* pinfo) {
  // ICMP errors quote the offending packet's IP and transport header. What
  // packet_info holds afterwards differs by version (find_quoted_header() says
  // how), so any packet with ICMP in it is a candidate, read from its bytes.
  const PluginState& s = state();
  for (wmem_list_frame_t* f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
    const int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
    if (id == s.proto_icmp || id == s.proto_icmpv6) return PacketKind::quoted;
  }
  if (pinfo->ptype != PT_TCP && pinfo->ptype != PT_UDP) return PacketKind::none;
  if ((pinfo->net_src.type != AT_IPv4 && pinfo->net_src.type != AT_IPv6) || pinfo->net_src.type != pinfo->net_dst.type)
    return PacketKind::none;
  return PacketKind::own;
}

std::optional<QuotedHeader> extract_quoted(tvbuff_t* tvb) { return find_quoted_header(frame_bytes(tvb)); }

PacketIn extract_packet(tvbuff_t* tvb, const packet_info* pinfo, WireFacts& wire) {
  PacketIn in;
  PacketFacts& f = in.facts;
  to_ip(pinfo->net_src, f.src);
  to_ip(pinfo->net_dst, f.dst);
  f.transport = pinfo->ptype == PT_TCP ? Transport::tcp : Transport::udp;
  f.src_port = static_cast<Port>(pinfo->srcport);
  f.dst_port = static_cast<Port>(pinfo->destport);
  f.when = microseconds(pinfo->abs_ts);

  wire = find_wire_facts(frame_bytes(tvb), static_cast<const FlowTuple&>(f));
  f.ttl = wire.ttl;
  in.have_tcp_flags = wire.found_transport && f.transport == Transport::tcp;
  if (in.have_tcp_flags) f.tcp = wire.tcp;
  f.signature = wire.signature ? &*wire.signature : nullptr;
  in.frame = pinfo->num;
  in.first_pass = !PINFO_FD_VISITED(pinfo);
  return in;
}

}  // namespace portclass::ws::plugin
