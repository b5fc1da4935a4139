// SPDX-License-Identifier: GPL-2.0-or-later
// What each packet field of the model is, for the three back ends: its nft
// spelling, its libnftables JSON form, where the kernel loads it from, the
// dependency nft adds in an inet table, and how its values are written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "portclass/nft/model.hpp"

namespace portclass::nft {

enum class ValueKind : std::uint8_t {
  proto,    // tcp, udp, icmp, ipv6-icmp, esp, else a number
  nfproto,  // ipv4, ipv6
  port,     // 80, 8000-8100
  ipv4,     // 10.0.0.1, 10.0.0.0/8, a-b
  ipv6,
  icmp_type,     // echo-request ...
  icmpv6_type,   // nd-neighbor-solicit ...
  icmp_code,     // frag-needed ...
  integer,       // 255
  ct_state,      // established, related, invalid, new
  ct_direction,  // original, reply
  tcp_flags,     // syn, ack ...
  ifname,        // "lo"
};

enum class LoadSource : std::uint8_t { meta, ct, payload };
enum class PayloadBase : std::uint8_t { network = 1, transport = 2 };  // NFT_PAYLOAD_*_HEADER

struct FieldInfo {
  const char* text;           // "tcp dport"
  const char* json_protocol;  // payload: "tcp"; meta/ct: nullptr
  const char* json_field;     // payload field, or meta/ct key: "dport", "l4proto", "state"
  LoadSource source;
  std::uint32_t key;     // NFT_META_* or NFT_CT_* for meta/ct
  PayloadBase base;      // payload only
  std::uint32_t offset;  // payload only, bytes
  std::uint32_t width;   // bytes loaded into the register
  ValueKind kind;
  std::uint8_t nfproto;            // dependency nft adds: NFPROTO_IPV4 (2) / NFPROTO_IPV6 (10), 0 none
  std::uint8_t l4proto;            // dependency nft adds: meta l4proto N, 0 none
  std::optional<KeyType> set_key;  // key type of an anonymous set of these values
};

const FieldInfo& info(Field f) noexcept;

// One value or interval in nft syntax for this kind ("8000-8100",
// "10.0.0.0/8", "nd-neighbor-solicit").
std::string format_value(ValueKind kind, const Interval& value);

// How the elements of a set with this key type are written.
ValueKind set_value_kind(KeyType k) noexcept;
// Names of the bits set in `bits` ("established", "syn | ack"), in nft's order.
std::string format_bits(ValueKind kind, std::uint32_t bits);
// The symbolic name of a single value when nft has one ("tcp", "echo-request").
std::optional<std::string> symbol_of(ValueKind kind, std::uint64_t value);

}  // namespace portclass::nft
