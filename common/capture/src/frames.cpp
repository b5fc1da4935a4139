// SPDX-License-Identifier: GPL-2.0-or-later
// Frame-level layer steps: Ethernet (II and 802.3), EtherType dispatch
// (802.1Q/802.1ad/QinQ tags, MPLS, PPPoE session, transparent Ethernet
// bridging, PPP), 802.2 LLC/SNAP, PPP and MPLS label stacks. The dispatch
// of every layer kind is here too.
#include "layers.hpp"

#include <algorithm>

namespace portclass::capture::detail {
namespace {

constexpr std::size_t kMaxMplsLabels = 16;

// 802.3: a length (dropping any padding), then 802.2 LLC.
DecodeStatus length_and_llc(std::uint16_t length, Bytes payload, Layer& next) noexcept {
  if (length > 1500) return DecodeStatus::malformed;  // neither a length nor an EtherType
  next = Layer{Kind::llc, 0, payload.first(std::min<std::size_t>(payload.size(), length))};
  return DecodeStatus::ok;
}

DecodeStatus after_ethernet(Bytes b, Layer& next) noexcept {
  if (b.size() < 14) return DecodeStatus::truncated;
  const std::uint16_t type = be16(&b[12]);
  if (type < 0x0600) return length_and_llc(type, b.subspan(14), next);
  next = ethertype_layer(type, b.subspan(14));
  return DecodeStatus::ok;
}

DecodeStatus after_ethertype(std::uint16_t type, Bytes b, Layer& next) noexcept {
  switch (type) {
    case 0x0800:
    case 0x86dd: next = ip_layer(b); return DecodeStatus::ok;
    case 0x8100:  // 802.1Q
    case 0x88a8:  // 802.1ad
    case 0x9100:  // pre-standard QinQ
      if (b.size() < 4) return DecodeStatus::truncated;
      if (be16(&b[2]) < 0x0600) return length_and_llc(be16(&b[2]), b.subspan(4), next);
      next = ethertype_layer(be16(&b[2]), b.subspan(4));
      return DecodeStatus::ok;
    case 0x8847:  // MPLS unicast
    case 0x8848:  // MPLS multicast
      next = Layer{Kind::mpls, 0, b};
      return DecodeStatus::ok;
    case 0x8864: {  // PPPoE session stage (RFC 2516): version/type 1/1, code 0
      if (b.size() < 6) return DecodeStatus::truncated;
      if (b[0] != 0x11 || b[1] != 0x00) return DecodeStatus::malformed;
      const Bytes payload = b.subspan(6);
      next = Layer{Kind::ppp, 0, payload.first(std::min<std::size_t>(payload.size(), be16(&b[4])))};
      return DecodeStatus::ok;
    }
    case 0x6558:  // transparent Ethernet bridging (GRE, GENEVE)
      next = ethernet_layer(b);
      return DecodeStatus::ok;
    case 0x880b:  // PPP (PPTP's GRE)
      next = Layer{Kind::ppp, 0, b};
      return DecodeStatus::ok;
    default: return DecodeStatus::not_ip;
  }
}

DecodeStatus after_llc(Bytes b, Layer& next) noexcept {
  if (b.size() < 3) return DecodeStatus::truncated;
  if (b[0] != 0xaa || b[1] != 0xaa || b[2] != 0x03) return DecodeStatus::not_ip;  // not SNAP
  if (b.size() < 8) return DecodeStatus::truncated;
  // RFC 1042 and 802.1H encapsulation carry an EtherType; other OUIs their own protocols.
  const bool ethertype_oui = b[3] == 0 && b[4] == 0 && (b[5] == 0 || b[5] == 0xf8);
  if (!ethertype_oui) return DecodeStatus::not_ip;
  return after_ethertype(be16(&b[6]), b.subspan(8), next);
}

DecodeStatus after_ppp(Bytes b, Layer& next) noexcept {
  if (b.size() >= 2 && b[0] == 0xff && b[1] == 0x03) b = b.subspan(2);  // HDLC-like address and control
  if (b.empty()) return DecodeStatus::truncated;
  // Protocol field compression: an odd first byte is a one-byte protocol.
  std::uint16_t protocol = b[0];
  std::size_t length = 1;
  if ((b[0] & 1) == 0) {
    if (b.size() < 2) return DecodeStatus::truncated;
    protocol = be16(&b[0]);
    length = 2;
  }
  switch (protocol) {
    case 0x21:  // IPv4
    case 0x57:  // IPv6
      next = ip_layer(b.subspan(length));
      return DecodeStatus::ok;
    case 0x281:  // MPLS unicast
    case 0x283:  // MPLS multicast
      next = Layer{Kind::mpls, 0, b.subspan(length)};
      return DecodeStatus::ok;
    default: return DecodeStatus::not_ip;  // LCP, IPCP, CHAP, ...
  }
}

// An Ethernet frame (untagged or tagged) whose EtherType says IP and whose
// payload starts with that IP version.
bool carries_ip(Bytes e) noexcept {
  if (e.size() < 15) return false;
  const std::uint16_t type = be16(&e[12]);
  const unsigned version = e[14] >> 4;
  return (type == 0x0800 && version == 4) || (type == 0x86dd && version == 6) || type == 0x8100 || type == 0x88a8;
}

DecodeStatus after_mpls(Bytes b, Layer& next) noexcept {
  for (std::size_t labels = 0;; ++labels) {
    if (labels == kMaxMplsLabels) return DecodeStatus::malformed;
    if (b.size() < 4) return DecodeStatus::truncated;
    const bool bottom = (b[2] & 0x01) != 0;
    b = b.subspan(4);
    if (bottom) break;
  }
  if (b.empty()) return DecodeStatus::truncated;
  // What the label stack carries is not named. A first nibble of 4 or 6 is
  // IP; anything else an Ethernet pseudowire, with a control word (RFC 4385:
  // first nibble 0) or without one. A MAC address may start with 0 too, so
  // the reading whose Ethernet frame holds IP wins; the control word when
  // neither or both do (RFC 4448 recommends it).
  const unsigned nibble = b[0] >> 4;
  if (nibble == 4 || nibble == 6) {
    next = ip_layer(b);
    return DecodeStatus::ok;
  }
  const bool control_word =
      nibble == 0 && (carries_ip(b.subspan(std::min<std::size_t>(4, b.size()))) || !carries_ip(b));
  if (control_word && b.size() < 4) return DecodeStatus::truncated;
  next = ethernet_layer(control_word ? b.subspan(4) : b);
  return DecodeStatus::ok;
}

}  // namespace

DecodeStatus next_layer(const Layer& in, Layer& next) noexcept {
  switch (in.kind) {
    case Kind::link: return next_after_link(in.type, in.bytes, next);
    case Kind::ethernet: return after_ethernet(in.bytes, next);
    case Kind::ethertype: return after_ethertype(in.type, in.bytes, next);
    case Kind::llc: return after_llc(in.bytes, next);
    case Kind::ppp: return after_ppp(in.bytes, next);
    case Kind::mpls: return after_mpls(in.bytes, next);
    case Kind::ieee80211: return next_after_ieee80211(in.bytes, in.type != 0, next);
    case Kind::ip: break;
  }
  return DecodeStatus::malformed;  // IP is the decoder's own step
}

}  // namespace portclass::capture::detail
