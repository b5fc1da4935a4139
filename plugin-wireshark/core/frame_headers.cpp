// SPDX-License-Identifier: GPL-2.0-or-later
#include "frame_headers.hpp"

#include <array>
#include <cstring>

#include "portclass/ip_packet.hpp"

namespace portclass::ws {
namespace {

// Where an IP header usually starts: Ethernet, 802.1Q, Linux cooked (SLL),
// raw IP, SLL2, QinQ, loopback/null.
constexpr std::array<std::size_t, 7> kLikelyOffsets{14, 18, 16, 0, 20, 22, 4};

constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;

class Matcher {
 public:
  Matcher(std::span<const std::uint8_t> frame, const WireQuery& q)
      : frame_(frame),
        q_(q),
        want_protocol_(q.transport == Transport::tcp ? kProtoTcp : kProtoUdp),
        version_(q.src.is_v4() ? 4 : 6) {}

  // The facts if an IP header matching the query starts at `at`.
  std::optional<WireFacts> at(std::size_t at) const {
    // Cheapest tests first: the version nibble and the addresses.
    if (at >= frame_.size() || (frame_[at] >> 4) != version_) return std::nullopt;
    const std::size_t address_offset = version_ == 4 ? 12 : 8, length = version_ == 4 ? 4 : 16;
    if (frame_.size() - at < address_offset + 2 * length) return std::nullopt;
    const std::uint8_t* p = frame_.data() + at + address_offset;
    if (std::memcmp(p, q_.src.bytes().data(), length) != 0 ||
        std::memcmp(p + length, q_.dst.bytes().data(), length) != 0)
      return std::nullopt;
    IpHeader ip;
    const ParseStatus status = parse_ip(frame_.subspan(at), ip);
    if ((status != ParseStatus::ok && status != ParseStatus::fragment) || ip.protocol != want_protocol_)
      return std::nullopt;
    WireFacts f;
    f.found_ip = true;
    f.ttl = ip.ttl;
    TransportHeader t;
    if (status != ParseStatus::ok || parse_transport(ip, t) != ParseStatus::ok) return f;
    if (t.src_port() != q_.src_port || t.dst_port() != q_.dst_port) return f;
    f.found_transport = true;
    if (t.transport == Transport::tcp) {
      f.tcp = t.tcp.tcp_flags();
      f.signature = handshake_signature(ip, t.tcp);
    }
    return f;
  }

  std::size_t min_header() const { return version_ == 4 ? 20 : 40; }

 private:
  std::span<const std::uint8_t> frame_;
  const WireQuery& q_;
  std::uint8_t want_protocol_;
  std::uint8_t version_;
};

// Where an IP header could start: the likely offsets, then every offset of
// the frame (each try_at tests the version nibble first, the cheapest test).
// `try_at` returns true to stop.
template <typename TryAt>
void for_each_candidate(std::span<const std::uint8_t> frame, std::size_t min_header, TryAt&& try_at) {
  for (std::size_t h : kLikelyOffsets)
    if (try_at(h)) return;
  if (frame.size() < min_header) return;
  for (std::size_t h = 0; h + min_header <= frame.size(); ++h)
    if (try_at(h)) return;
}

}  // namespace

WireFacts find_wire_facts(std::span<const std::uint8_t> frame, const WireQuery& query) {
  if (query.src.family() != query.dst.family()) return {};
  const Matcher m(frame, query);
  WireFacts found;
  // Unusual link layers and tunnels: after the likely offsets, a scan.
  for_each_candidate(frame, m.min_header(), [&](std::size_t h) {
    auto f = m.at(h);
    if (f) found = *f;
    return f.has_value();
  });
  return found;
}

std::optional<QuotedHeader> find_quoted_header(std::span<const std::uint8_t> frame) {
  std::optional<QuotedHeader> found;
  constexpr std::size_t kMinIpv4 = 20;
  for_each_candidate(frame, kMinIpv4, [&](std::size_t h) {
    if (h >= frame.size()) return false;
    const unsigned version = frame[h] >> 4;
    if (version != 4 && version != 6) return false;
    IpHeader icmp;
    QuotedHeader quoted;
    if (parse_ip(frame.subspan(h), icmp) != ParseStatus::ok || parse_icmp_quoted(icmp, quoted) != ParseStatus::ok)
      return false;
    found = quoted;
    return true;
  });
  return found;
}

}  // namespace portclass::ws
