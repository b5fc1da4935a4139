// SPDX-License-Identifier: GPL-2.0-or-later
#include "frame_headers.hpp"

#include <array>
#include <cstring>
#include <optional>

namespace portclass::ws {
namespace {

constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;

// Where an IP header usually starts: Ethernet, 802.1Q, Linux cooked (SLL),
// raw IP, SLL2, QinQ, loopback/null.
constexpr std::array<std::size_t, 7> kLikelyOffsets{14, 18, 16, 0, 20, 22, 4};

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

class Matcher {
 public:
  Matcher(std::span<const std::uint8_t> frame, const WireQuery& q) : frame_(frame), q_(q) {
    want_proto_ = q.transport == Transport::tcp ? kProtoTcp : kProtoUdp;
  }

  // The facts if an IP header matching the query starts at `h`.
  std::optional<WireFacts> at(std::size_t h) const {
    return q_.src.is_v4() ? at_v4(h) : at_v6(h);
  }

  std::size_t min_header() const { return q_.src.is_v4() ? 20 : 40; }

 private:
  bool in_bounds(std::size_t off, std::size_t len) const { return off <= frame_.size() && len <= frame_.size() - off; }

  std::optional<WireFacts> at_v4(std::size_t h) const {
    if (!in_bounds(h, 20)) return std::nullopt;
    const std::uint8_t* p = frame_.data() + h;
    const unsigned ihl = (p[0] & 0x0f) * 4u;
    if ((p[0] >> 4) != 4 || ihl < 20) return std::nullopt;
    if (std::memcmp(p + 12, q_.src.bytes().data(), 4) != 0 || std::memcmp(p + 16, q_.dst.bytes().data(), 4) != 0)
      return std::nullopt;
    if (p[9] != want_proto_) return std::nullopt;
    WireFacts f;
    f.found_ip = true;
    f.ttl = p[8];
    const bool first_fragment = (be16(p + 6) & 0x1fff) == 0;
    if (first_fragment) transport_at(h + ihl, f);
    return f;
  }

  std::optional<WireFacts> at_v6(std::size_t h) const {
    if (!in_bounds(h, 40)) return std::nullopt;
    const std::uint8_t* p = frame_.data() + h;
    if ((p[0] >> 4) != 6) return std::nullopt;
    if (std::memcmp(p + 8, q_.src.bytes().data(), 16) != 0 || std::memcmp(p + 24, q_.dst.bytes().data(), 16) != 0)
      return std::nullopt;
    WireFacts f;
    f.found_ip = true;
    f.ttl = p[7];
    std::uint8_t next = p[6];
    std::size_t off = h + 40;
    // Walk a bounded number of extension headers to the transport header.
    for (int hops = 0; hops < 8; ++hops) {
      if (next == want_proto_) {
        transport_at(off, f);
        return f;
      }
      if (!in_bounds(off, 8)) return f;
      const std::uint8_t* e = frame_.data() + off;
      switch (next) {
        case 0:    // hop-by-hop options
        case 43:   // routing
        case 60:   // destination options
          next = e[0];
          off += (std::size_t{e[1]} + 1) * 8;
          break;
        case 44:  // fragment: only the first fragment carries the transport header
          if ((be16(e + 2) & 0xfff8) != 0) return f;
          next = e[0];
          off += 8;
          break;
        case 51:  // authentication header
          next = e[0];
          off += (std::size_t{e[1]} + 2) * 4;
          break;
        default:
          return f;
      }
    }
    return f;
  }

  void transport_at(std::size_t off, WireFacts& f) const {
    const std::size_t min = q_.transport == Transport::tcp ? 20 : 8;
    if (!in_bounds(off, min)) return;
    const std::uint8_t* t = frame_.data() + off;
    if (be16(t) != q_.src_port || be16(t + 2) != q_.dst_port) return;
    f.found_transport = true;
    if (q_.transport != Transport::tcp) return;
    const std::uint8_t flags = t[13];
    f.tcp.fin = (flags & 0x01) != 0;
    f.tcp.syn = (flags & 0x02) != 0;
    f.tcp.rst = (flags & 0x04) != 0;
    f.tcp.ack = (flags & 0x10) != 0;
    if (f.tcp.syn) {
      const std::size_t doff = std::size_t{static_cast<std::uint8_t>(t[12] >> 4)} * 4;
      if (doff > 20 && in_bounds(off, doff)) f.syn_layout = tcp_option_layout(frame_.subspan(off + 20, doff - 20));
    }
  }

  std::span<const std::uint8_t> frame_;
  const WireQuery& q_;
  std::uint8_t want_proto_ = kProtoTcp;
};

}  // namespace

WireFacts find_wire_facts(std::span<const std::uint8_t> frame, const WireQuery& query) {
  if (query.src.family() != query.dst.family()) return {};
  const Matcher m(frame, query);
  for (std::size_t h : kLikelyOffsets)
    if (auto f = m.at(h)) return *f;
  // Unusual link layers and tunnels: scan, cheapest test (version nibble) first.
  const std::uint8_t version = query.src.is_v4() ? 4 : 6;
  if (frame.size() < m.min_header()) return {};
  for (std::size_t h = 0; h + m.min_header() <= frame.size(); ++h) {
    if ((frame[h] >> 4) != version) continue;
    if (auto f = m.at(h)) return *f;
  }
  return {};
}

std::string tcp_option_layout(std::span<const std::uint8_t> options) {
  std::string out;
  auto add = [&out](std::string_view letter) {
    if (!out.empty()) out += ',';
    out += letter;
  };
  std::size_t i = 0;
  while (i < options.size()) {
    const std::uint8_t kind = options[i];
    if (kind == 0) {
      add("E");
      break;
    }
    if (kind == 1) {
      add("N");
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) break;
    const std::size_t len = options[i + 1];
    if (len < 2 || i + len > options.size()) break;
    switch (kind) {
      case 2: add("M"); break;
      case 3: add("W"); break;
      case 4: add("S"); break;
      case 8: add("T"); break;
      default: add("?" + std::to_string(kind)); break;
    }
    i += len;
  }
  return out;
}

}  // namespace portclass::ws
