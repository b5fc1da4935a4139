// SPDX-License-Identifier: GPL-2.0-or-later
// The one IP / TCP / UDP parser (portclass/ip_packet.hpp): header fields,
// p0f's option layout and p0f's quirks.
#include "portclass/ip_packet.hpp"

#include <algorithm>

namespace portclass {
namespace {

constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::size_t kIcmpHeader = 8;  // type, code, checksum and 4 type-specific bytes, both versions
constexpr int kMaxIpv6Extensions = 8;
// p0f reads at most this many options (config.h MAX_TCP_OPT); more is "bad".
constexpr std::size_t kMaxTcpOptions = 24;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20, kEce = 0x40,
                       kCwr = 0x80;

std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

ParseStatus parse_ipv4(std::span<const std::uint8_t> b, IpHeader& out) noexcept {
  if (b.size() < 20) return ParseStatus::truncated;
  const std::size_t ihl = std::size_t{b[0] & 0x0fu} * 4;
  if (ihl < 20) return ParseStatus::malformed;
  if (b.size() < ihl) return ParseStatus::truncated;
  const std::size_t total = be16(&b[2]);
  if (total < ihl) return ParseStatus::malformed;
  const std::uint16_t flags_offset = be16(&b[6]);
  out.version = 4;
  out.ecn = b[1] & 0x03;
  out.ip_id = be16(&b[4]);
  out.reserved_bit = (flags_offset & 0x8000) != 0;
  out.dont_fragment = (flags_offset & 0x4000) != 0;
  out.ttl = b[8];
  out.protocol = b[9];
  out.src = IpAddress::v4(&b[12]);
  out.dst = IpAddress::v4(&b[16]);
  out.options_length = static_cast<std::uint16_t>(ihl - 20);
  // The IP length over trailing link padding, but never past the capture.
  out.payload_length = total - ihl;
  out.payload = b.subspan(ihl, std::min(b.size(), total) - ihl);
  return (flags_offset & 0x1fff) != 0 ? ParseStatus::fragment : ParseStatus::ok;
}

ParseStatus parse_ipv6(std::span<const std::uint8_t> b, IpHeader& out) noexcept {
  if (b.size() < 40) return ParseStatus::truncated;
  const std::uint32_t first = be32(&b[0]);
  out.version = 6;
  out.ecn = static_cast<std::uint8_t>((first >> 20) & 0x03);
  out.flow_label = first & 0xfffff;
  out.ttl = b[7];
  out.src = IpAddress::v6(&b[8]);
  out.dst = IpAddress::v6(&b[24]);
  std::size_t declared = be16(&b[4]);
  std::uint8_t next = b[6];
  // A jumbogram (RFC 2675) says 0 here and its size in a hop-by-hop option:
  // the capture bounds it then.
  if (declared == 0 && next == 0) declared = b.size() - 40;
  std::span<const std::uint8_t> rest = b.subspan(40, std::min(b.size() - 40, declared));
  std::size_t extensions = 0;
  bool later_fragment = false;
  for (int hops = 0; next == 0 || next == 43 || next == 44 || next == 51 || next == 60; ++hops) {
    // hop-by-hop, routing, fragment, authentication (AH), destination options
    if (hops == kMaxIpv6Extensions) return ParseStatus::malformed;
    if (declared - extensions < 8) return ParseStatus::malformed;
    if (rest.size() < 8) return ParseStatus::truncated;
    // AH counts its length in 4-byte units minus 2 (RFC 4302), the others in
    // 8-byte units minus 1; a fragment header is always 8.
    const std::size_t length = next == 44   ? 8
                               : next == 51 ? (std::size_t{rest[1]} + 2) * 4
                                            : (std::size_t{rest[1]} + 1) * 8;
    if (declared - extensions < length) return ParseStatus::malformed;
    if (rest.size() < length) return ParseStatus::truncated;
    if (next == 44 && (be16(&rest[2]) & 0xfff8) != 0) later_fragment = true;
    next = rest[0];
    extensions += length;
    rest = rest.subspan(length);
    if (later_fragment) break;
  }
  out.protocol = next;
  out.options_length = static_cast<std::uint16_t>(extensions);
  out.payload_length = declared - extensions;
  out.payload = rest;
  return later_fragment ? ParseStatus::fragment : ParseStatus::ok;
}

ParseStatus parse_tcp(const IpHeader& ip, TcpHeader& out) noexcept {
  const auto b = ip.payload;
  if (ip.payload_length < 20) return ParseStatus::malformed;
  if (b.size() < 20) return ParseStatus::truncated;
  out.src_port = be16(&b[0]);
  out.dst_port = be16(&b[2]);
  out.seq = be32(&b[4]);
  out.ack = be32(&b[8]);
  out.nonce_sum = (b[12] & 0x01) != 0;
  out.flags = b[13];
  out.window = be16(&b[14]);
  out.urgent = be16(&b[18]);
  const std::size_t header = std::size_t{b[12]} >> 4 << 2;
  if (header < 20 || header > ip.payload_length) return ParseStatus::malformed;
  out.options_cut = header > b.size();
  out.options = b.subspan(20, std::min(header, b.size()) - 20);
  out.payload_length = ip.payload_length - header;
  return ParseStatus::ok;
}

ParseStatus parse_udp(const IpHeader& ip, UdpHeader& out) noexcept {
  const auto b = ip.payload;
  if (ip.payload_length < 8) return ParseStatus::malformed;
  if (b.size() < 8) return ParseStatus::truncated;
  out.src_port = be16(&b[0]);
  out.dst_port = be16(&b[2]);
  // The UDP length bounds the payload when it is sane (0 in IPv6 jumbograms).
  const std::size_t length = be16(&b[4]);
  const std::size_t end = length >= 8 && length <= b.size() ? length : b.size();
  out.payload = b.subspan(8, end - 8);
  return ParseStatus::ok;
}

// The messages that quote the packet they answer: destination unreachable,
// source quench, redirect, time exceeded, parameter problem (ICMP); and
// destination unreachable, packet too big, time exceeded, parameter problem
// (ICMPv6, whose error types are all below 128).
bool is_icmp_error(std::uint8_t version, std::uint8_t type) noexcept {
  if (version == 6) return type >= 1 && type <= 4;
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

void add_item(std::string& layout, std::string_view item) {
  if (!layout.empty()) layout += ',';
  layout += item;
}

}  // namespace

std::string_view to_string(ParseStatus s) noexcept {
  switch (s) {
    case ParseStatus::ok: return "ok";
    case ParseStatus::truncated: return "truncated";
    case ParseStatus::malformed: return "malformed";
    case ParseStatus::fragment: return "fragment";
    case ParseStatus::not_tcp_udp: break;
  }
  return "not TCP/UDP";
}

TcpFlags TcpHeader::tcp_flags() const noexcept {
  return TcpFlags{(flags & kSyn) != 0, (flags & kAck) != 0, (flags & kFin) != 0, (flags & kRst) != 0};
}

ParseStatus parse_ip(std::span<const std::uint8_t> bytes, IpHeader& out) noexcept {
  out = IpHeader{};
  if (bytes.empty()) return ParseStatus::truncated;
  switch (bytes[0] >> 4) {
    case 4: return parse_ipv4(bytes, out);
    case 6: return parse_ipv6(bytes, out);
    default: return ParseStatus::malformed;
  }
}

ParseStatus parse_transport(const IpHeader& ip, TransportHeader& out) noexcept {
  out = TransportHeader{};
  if (ip.protocol == kProtoTcp) {
    out.transport = Transport::tcp;
    return parse_tcp(ip, out.tcp);
  }
  if (ip.protocol == kProtoUdp) {
    out.transport = Transport::udp;
    return parse_udp(ip, out.udp);
  }
  return ParseStatus::not_tcp_udp;
}

ParseStatus parse_icmp_quoted(const IpHeader& icmp, QuotedHeader& out) noexcept {
  out = QuotedHeader{};
  const std::uint8_t want = icmp.version == 6 ? kProtoIcmpv6 : kProtoIcmp;
  if (icmp.protocol != want) return ParseStatus::not_tcp_udp;
  const auto b = icmp.payload;
  if (b.size() < kIcmpHeader) return ParseStatus::truncated;
  if (!is_icmp_error(icmp.version, b[0])) return ParseStatus::not_tcp_udp;
  const ParseStatus status = parse_ip(b.subspan(kIcmpHeader), out.ip);
  if (status == ParseStatus::fragment) return ParseStatus::not_tcp_udp;
  if (status != ParseStatus::ok) return status;
  if (out.ip.protocol != kProtoTcp && out.ip.protocol != kProtoUdp) return ParseStatus::not_tcp_udp;
  // The ports are the first four bytes of either header.
  if (out.ip.payload.size() < 4) return ParseStatus::truncated;
  out.transport = out.ip.protocol == kProtoTcp ? Transport::tcp : Transport::udp;
  out.src_port = be16(&out.ip.payload[0]);
  out.dst_port = be16(&out.ip.payload[2]);
  return ParseStatus::ok;
}

// p0f 3.09b's option walk (process.c): MSS, window scale, SACK permitted and
// timestamps are read at their standard size whatever their length byte says
// (a wrong one is "bad"); SACK and unknown options skip their own length when
// it is plausible; anything that does not fit ends the walk as "bad". One
// place differs from p0f on purpose, keeping to p0f's documented meaning
// where its code slips: opt+ is any non-zero byte after EOL (p0f's loop
// misses one in the last byte).
TcpOptions parse_tcp_options(std::span<const std::uint8_t> o) {
  TcpOptions out;
  const std::size_t n = o.size();
  std::size_t i = 0;
  bool aborted = false;
  for (std::size_t count = 0; i < n && count < kMaxTcpOptions && !aborted; ++count) {
    const std::uint8_t kind = o[i++];
    const std::size_t left = n - i;
    switch (kind) {
      case 0:  // end of list: the rest is padding, which should be zero
        add_item(out.layout, "eol+" + std::to_string(left));
        if (std::any_of(o.begin() + static_cast<std::ptrdiff_t>(i), o.end(), [](std::uint8_t v) { return v != 0; }))
          out.quirks |= quirk_opt_plus;
        i = n;
        break;
      case 1: add_item(out.layout, "nop"); break;
      case 2:
        add_item(out.layout, "mss");
        // Cut short: named in the layout, so present, with p0f's value 0 (or an earlier option's).
        if (left < 3) {
          out.mss = out.mss.value_or(0);
          aborted = true;
          break;
        }
        if (o[i] != 4) out.quirks |= quirk_bad;
        out.mss = be16(&o[i + 1]);
        i += 3;
        break;
      case 3:
        add_item(out.layout, "ws");
        if (left < 2) {
          out.window_scale = out.window_scale.value_or(0);
          aborted = true;
          break;
        }
        if (o[i] != 3) out.quirks |= quirk_bad;
        out.window_scale = o[i + 1];
        if (o[i + 1] > 14) out.quirks |= quirk_exws;
        i += 2;
        break;
      case 4:
        add_item(out.layout, "sok");
        if (left < 1) {
          aborted = true;
          break;
        }
        if (o[i] != 2) out.quirks |= quirk_bad;
        i += 1;
        break;
      case 5:
        add_item(out.layout, "sack");
        if (left < 1 || o[i] < 10 || o[i] > 34 || o[i] - 1u > left) {
          aborted = true;
          break;
        }
        i += o[i] - 1u;
        break;
      case 8:
        add_item(out.layout, "ts");
        if (left < 9) {
          aborted = true;
          break;
        }
        if (o[i] != 10) out.quirks |= quirk_bad;
        out.ts_value = be32(&o[i + 1]);
        out.ts_echo = be32(&o[i + 5]);
        i += 9;
        break;
      default:
        add_item(out.layout, "?" + std::to_string(kind));
        if (left < 1 || o[i] < 2 || o[i] > 40 || o[i] - 1u > left) {
          aborted = true;
          break;
        }
        i += o[i] - 1u;
        break;
    }
  }
  // Cut short, implausible, or more options than p0f reads.
  if (aborted || i != n) out.quirks |= quirk_bad;
  return out;
}

// p0f 3.09b's quirks (process.c), one difference on purpose: ack+ is any
// non-zero ACK number without the ACK flag, as p0f documents it (its code
// tests `ack & !rst`, one bit of the number in host byte order).
TcpSignature make_tcp_signature(const IpHeader& ip, const TcpHeader& tcp) {
  TcpSignature s;
  s.syn_ack = tcp.is_syn_ack();
  s.ip_version = ip.version;
  s.ttl = ip.ttl;
  s.window = tcp.window;
  s.payload = tcp.payload_length > 0;
  if (ip.version == 4) {
    s.ip_options_length = static_cast<std::uint8_t>(std::min<std::uint16_t>(ip.options_length, 40));
    if (ip.reserved_bit) s.quirks |= quirk_zero_plus;
    if (ip.dont_fragment)
      s.quirks |= quirk_df | (ip.ip_id != 0 ? quirk_id_plus : 0u);
    else if (ip.ip_id == 0)
      s.quirks |= quirk_id_minus;
  } else if (ip.flow_label != 0) {
    s.quirks |= quirk_flow;
  }
  if (ip.ecn != 0 || (tcp.flags & (kEce | kCwr)) != 0 || tcp.nonce_sum) s.quirks |= quirk_ecn;
  if (tcp.seq == 0) s.quirks |= quirk_seq_minus;
  if ((tcp.flags & kAck) != 0) {
    if (tcp.ack == 0) s.quirks |= quirk_ack_minus;
  } else if (tcp.ack != 0 && (tcp.flags & kRst) == 0) {
    s.quirks |= quirk_ack_plus;
  }
  if ((tcp.flags & kUrg) != 0)
    s.quirks |= quirk_urgf_plus;
  else if (tcp.urgent != 0)
    s.quirks |= quirk_uptr_plus;
  if ((tcp.flags & kPsh) != 0) s.quirks |= quirk_pushf_plus;

  TcpOptions options = parse_tcp_options(tcp.options);
  s.layout = std::move(options.layout);
  s.quirks |= options.quirks;
  s.mss = options.mss;
  s.window_scale = options.window_scale;
  s.timestamp = options.ts_value;
  if (options.ts_value == 0u) s.quirks |= quirk_ts1_minus;
  // The peer's timestamp only means something once there is a peer: a bare SYN.
  const bool bare_syn = (tcp.flags & (kSyn | kAck | kFin | kRst)) == kSyn;
  if (bare_syn && options.ts_echo.value_or(0) != 0) s.quirks |= quirk_ts2_plus;
  return s;
}

std::optional<TcpSignature> handshake_signature(const IpHeader& ip, const TcpHeader& tcp) {
  if (!(tcp.is_syn() || tcp.is_syn_ack()) || (tcp.flags & (kFin | kRst)) != 0 || tcp.options_cut) return std::nullopt;
  return make_tcp_signature(ip, tcp);
}

}  // namespace portclass
