// SPDX-License-Identifier: GPL-2.0-or-later
// The first header of a captured record, per libpcap link type, and 802.11
// data frames (what radiotap, PPI, Prism/AVS and plain 802.11 captures hold).
#include <pcap/dlt.h>

#include <algorithm>

#include "layers.hpp"

namespace portclass::capture::detail {
namespace {

// ARCNET protocol IDs (RFC 1051, RFC 1201, RFC 2497) that carry IP.
constexpr std::uint8_t kArcnetIp1051 = 0xf0, kArcnetArp1051 = 0xf1, kArcnetIp1201 = 0xd4, kArcnetIpv6 = 0xc4,
                       kArcnetDiagnose = 0x80;
constexpr std::uint16_t kNflogPayload = 9;  // NFULA_PAYLOAD
constexpr int kMaxNflogTlvs = 64;

// BSD loopback: a 4-byte address family in the capturing host's byte order
// (DLT_NULL) or in network order (DLT_LOOP); IPv6's number differs per BSD.
DecodeStatus after_null(Bytes b, Layer& next) noexcept {
  if (b.size() < 4) return DecodeStatus::truncated;
  std::uint32_t family = le32(&b[0]);
  if (family > 0xffff) family = be32(&b[0]);
  switch (family) {
    case 2:  // AF_INET everywhere
    case 10:
    case 24:
    case 28:
    case 30:  // AF_INET6: Linux, Net/OpenBSD, FreeBSD, Darwin
      next = ip_layer(b.subspan(4));
      return DecodeStatus::ok;
    default: return DecodeStatus::not_ip;
  }
}

// Linux cooked v1 (16 bytes, protocol last) and v2 (20 bytes, protocol first).
DecodeStatus after_sll(Bytes b, std::size_t header, std::uint16_t protocol, std::uint16_t hatype,
                       Layer& next) noexcept {
  constexpr std::uint16_t kArphrdNetlink = 824;
  if (hatype == kArphrdNetlink) return DecodeStatus::not_ip;
  const Bytes payload = b.subspan(header);
  if (protocol == 0x0004) {  // 802.2 LLC frames
    next = Layer{Kind::llc, 0, payload};
    return DecodeStatus::ok;
  }
  if (protocol < 0x0600) return DecodeStatus::not_ip;  // Novell 802.3, CAN, ...
  next = ethertype_layer(protocol, payload);
  return DecodeStatus::ok;
}

// Radiotap: version 0, length, present bitmaps; only the Flags field matters
// (its "data pad" bit says the 802.11 header is padded to 32 bits). Flags is
// field 1, after TSFT (field 0: 8 bytes, 8-aligned from the header's start).
DecodeStatus after_radiotap(Bytes b, Layer& next) noexcept {
  if (b.size() < 8) return DecodeStatus::truncated;
  const std::size_t length = le16(&b[2]);
  if (b[0] != 0 || length < 8) return DecodeStatus::malformed;
  if (b.size() < length) return DecodeStatus::truncated;
  const std::uint32_t present = le32(&b[4]);
  std::size_t offset = 8;
  for (std::uint32_t word = present; (word & 0x80000000u) != 0; offset += 4) {
    if (offset + 4 > length) return DecodeStatus::malformed;
    word = le32(&b[offset]);
  }
  bool padded = false;
  if ((present & 0x1) != 0) offset = (offset + 7) / 8 * 8 + 8;
  if ((present & 0x2) != 0) {
    if (offset >= length) return DecodeStatus::malformed;
    padded = (b[offset] & 0x20) != 0;
  }
  next = Layer{Kind::ieee80211, static_cast<std::uint16_t>(padded), b.subspan(length)};
  return DecodeStatus::ok;
}

// PPI: version 0, flags, length, then the DLT of what follows.
DecodeStatus after_ppi(Bytes b, Layer& next) noexcept {
  if (b.size() < 8) return DecodeStatus::truncated;
  const std::size_t length = le16(&b[2]);
  const std::uint32_t dlt = le32(&b[4]);
  if (b[0] != 0 || length < 8) return DecodeStatus::malformed;
  if (b.size() < length) return DecodeStatus::truncated;
  if (dlt != DLT_IEEE802_11 && dlt != DLT_EN10MB) return DecodeStatus::not_ip;
  next = Layer{Kind::link, static_cast<std::uint16_t>(dlt), b.subspan(length)};
  return DecodeStatus::ok;
}

// Prism (little-endian message length at offset 4) or AVS (magic, then a
// big-endian header length): both just precede the 802.11 frame.
DecodeStatus after_prism_or_avs(Bytes b, Layer& next) noexcept {
  if (b.size() < 8) return DecodeStatus::truncated;
  const std::uint32_t magic = be32(&b[0]);
  const bool avs = magic == 0x80211001 || magic == 0x80211002;
  const std::uint32_t length = avs ? be32(&b[4]) : le32(&b[4]);
  if (length < 8) return DecodeStatus::malformed;
  if (b.size() < length) return DecodeStatus::truncated;
  next = Layer{Kind::ieee80211, 0, b.subspan(length)};
  return DecodeStatus::ok;
}

// NFLOG: family, version 0, resource id, then TLVs whose length and type are
// in the capturing host's byte order (told apart on the first TLV: a real
// type is small, its length covers at least its own header).
DecodeStatus after_nflog(Bytes b, Layer& next) noexcept {
  if (b.size() < 4) return DecodeStatus::truncated;
  if (b[1] != 0) return DecodeStatus::malformed;
  Bytes tlvs = b.subspan(4);
  if (tlvs.size() < 4) return DecodeStatus::truncated;
  const auto plausible = [&](std::uint16_t length, std::uint16_t type) { return length >= 4 && (type & 0x3fff) <= 64; };
  const bool little = plausible(le16(&tlvs[0]), le16(&tlvs[2]));
  if (!little && !plausible(be16(&tlvs[0]), be16(&tlvs[2]))) return DecodeStatus::malformed;
  for (int i = 0; i < kMaxNflogTlvs; ++i) {
    if (tlvs.empty()) return DecodeStatus::not_ip;  // no packet logged
    if (tlvs.size() < 4) return DecodeStatus::truncated;
    const std::size_t length = little ? le16(&tlvs[0]) : be16(&tlvs[0]);
    const std::uint16_t type = (little ? le16(&tlvs[2]) : be16(&tlvs[2])) & 0x3fff;
    if (length < 4) return DecodeStatus::malformed;
    if (type == kNflogPayload) {
      // The snap length may cut the payload: IP then sees a short packet.
      next = ip_layer(tlvs.subspan(4, std::min(length, tlvs.size()) - 4));
      return DecodeStatus::ok;
    }
    const std::size_t padded = (length + 3) / 4 * 4;
    if (padded >= tlvs.size()) return length <= tlvs.size() ? DecodeStatus::not_ip : DecodeStatus::truncated;
    tlvs = tlvs.subspan(padded);
  }
  return DecodeStatus::malformed;
}

// Cisco HDLC: address (unicast 0x0f, broadcast 0x8f), control 0, EtherType.
DecodeStatus after_chdlc(Bytes b, Layer& next) noexcept {
  if (b.size() < 4) return DecodeStatus::truncated;
  if ((b[0] != 0x0f && b[0] != 0x8f) || b[1] != 0) return DecodeStatus::malformed;
  next = ethertype_layer(be16(&b[2]), b.subspan(4));
  return DecodeStatus::ok;
}

// ARCNET: source, destination, (Linux only: a 2-byte offset), protocol ID;
// RFC 1201 protocols add a split flag and a sequence number, and on BSD an
// exception packet (flag 0xff) repeats those after 2 pad bytes.
DecodeStatus after_arcnet(Bytes b, bool linux_header, Layer& next) noexcept {
  std::size_t offset = linux_header ? 4 : 2;
  if (b.size() < offset + 1) return DecodeStatus::truncated;
  const std::uint8_t protocol = b[offset++];
  if (protocol != kArcnetIp1051 && protocol != kArcnetArp1051 && protocol != kArcnetDiagnose) {
    if (b.size() < offset + 3) return DecodeStatus::truncated;
    if (!linux_header && b[offset] == 0xff) offset += 4;
    offset += 3;
    if (b.size() < offset) return DecodeStatus::truncated;
  }
  if (protocol != kArcnetIp1051 && protocol != kArcnetIp1201 && protocol != kArcnetIpv6) return DecodeStatus::not_ip;
  next = ip_layer(b.subspan(offset));
  return DecodeStatus::ok;
}

// PPP over serial links: HDLC-like PPP, or Cisco HDLC framing (libpcap puts both under DLT_PPP_SERIAL).
DecodeStatus after_ppp_serial(Bytes b, Layer& next) noexcept {
  if (b.empty()) return DecodeStatus::truncated;
  if (b[0] == 0x0f || b[0] == 0x8f) return after_chdlc(b, next);
  next = Layer{Kind::ppp, 0, b};
  return DecodeStatus::ok;
}

}  // namespace

bool is_supported_dlt(int dlt) noexcept {
  switch (dlt) {
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_PPP:
    case DLT_PPP_SERIAL:
    case DLT_PPP_ETHER:
    case DLT_C_HDLC:
    case DLT_IEEE802_11:
    case DLT_IEEE802_11_RADIO:
    case DLT_PRISM_HEADER:
    case DLT_IEEE802_11_RADIO_AVS:
    case DLT_PPI:
    case DLT_NFLOG:
    case DLT_ARCNET:
    case DLT_ARCNET_LINUX: return true;
    default: return false;
  }
}

DecodeStatus next_after_link(int dlt, Bytes b, Layer& next) noexcept {
  switch (dlt) {
    case DLT_EN10MB: next = ethernet_layer(b); return DecodeStatus::ok;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6: next = ip_layer(b); return DecodeStatus::ok;
    case DLT_NULL:
    case DLT_LOOP: return after_null(b, next);
    case DLT_LINUX_SLL:
      if (b.size() < 16) return DecodeStatus::truncated;
      return after_sll(b, 16, be16(&b[14]), be16(&b[2]), next);
    case DLT_LINUX_SLL2:
      if (b.size() < 20) return DecodeStatus::truncated;
      return after_sll(b, 20, be16(&b[0]), be16(&b[8]), next);
    case DLT_PPP: next = Layer{Kind::ppp, 0, b}; return DecodeStatus::ok;
    case DLT_PPP_SERIAL: return after_ppp_serial(b, next);
    case DLT_PPP_ETHER:  // a PPPoE header without the Ethernet one
      return next_layer(ethertype_layer(0x8864, b), next);
    case DLT_C_HDLC: return after_chdlc(b, next);
    case DLT_IEEE802_11: next = Layer{Kind::ieee80211, 0, b}; return DecodeStatus::ok;
    case DLT_IEEE802_11_RADIO: return after_radiotap(b, next);
    case DLT_PRISM_HEADER:
    case DLT_IEEE802_11_RADIO_AVS: return after_prism_or_avs(b, next);
    case DLT_PPI: return after_ppi(b, next);
    case DLT_NFLOG: return after_nflog(b, next);
    case DLT_ARCNET: return after_arcnet(b, false, next);
    case DLT_ARCNET_LINUX: return after_arcnet(b, true, next);
    default: return DecodeStatus::unsupported_link;
  }
}

// An 802.11 data frame's MAC header, then LLC/SNAP. Management and control
// frames, null-data frames, protected (encrypted) payloads and A-MSDUs
// carry no IP packet this decoder can see.
DecodeStatus next_after_ieee80211(Bytes b, bool padded, Layer& next) noexcept {
  if (b.size() < 2) return DecodeStatus::truncated;
  const std::uint8_t control = b[0], flags = b[1];
  if ((control & 0x03) != 0) return DecodeStatus::malformed;  // protocol version 0 only
  const unsigned type = (control >> 2) & 0x03, subtype = control >> 4;
  if (type != 2 || (subtype & 0x04) != 0) return DecodeStatus::not_ip;  // not data, or no body
  if ((flags & 0x40) != 0) return DecodeStatus::not_ip;                 // protected
  std::size_t header = 24;
  if ((flags & 0x03) == 0x03) header += 6;  // to and from the distribution system: a fourth address
  const bool qos = (subtype & 0x08) != 0;
  if (qos) {
    if (b.size() < header + 2) return DecodeStatus::truncated;
    if ((b[header] & 0x80) != 0) return DecodeStatus::not_ip;  // A-MSDU
    header += 2;
    if ((flags & 0x80) != 0) header += 4;  // HT control
  }
  if (padded) header = (header + 3) / 4 * 4;
  if (b.size() < header) return DecodeStatus::truncated;
  next = Layer{Kind::llc, 0, b.subspan(header)};
  return DecodeStatus::ok;
}

}  // namespace portclass::capture::detail
