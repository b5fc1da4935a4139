// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/fields.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <array>
#include <utility>

namespace portclass::nft {
namespace {

constexpr std::uint8_t kV4 = NFPROTO_IPV4;
constexpr std::uint8_t kV6 = NFPROTO_IPV6;
constexpr auto kNet = PayloadBase::network;
constexpr auto kTh = PayloadBase::transport;

// Indexed by Field. Offsets are the header offsets nft uses (src/proto.c).
const std::array<FieldInfo, 21> kFields = {{
    {"iif", nullptr, "iif", LoadSource::meta, NFT_META_IIF, kNet, 0, 4, ValueKind::ifname, 0, 0, std::nullopt},
    {"oif", nullptr, "oif", LoadSource::meta, NFT_META_OIF, kNet, 0, 4, ValueKind::ifname, 0, 0, std::nullopt},
    {"meta l4proto", nullptr, "l4proto", LoadSource::meta, NFT_META_L4PROTO, kNet, 0, 1, ValueKind::proto, 0, 0,
     KeyType::inet_proto},
    {"meta nfproto", nullptr, "nfproto", LoadSource::meta, NFT_META_NFPROTO, kNet, 0, 1, ValueKind::nfproto, 0, 0,
     std::nullopt},
    {"ct state", nullptr, "state", LoadSource::ct, NFT_CT_STATE, kNet, 0, 4, ValueKind::ct_state, 0, 0, std::nullopt},
    {"ct direction", nullptr, "direction", LoadSource::ct, NFT_CT_DIRECTION, kNet, 0, 1, ValueKind::ct_direction, 0, 0,
     std::nullopt},
    {"ip saddr", "ip", "saddr", LoadSource::payload, 0, kNet, 12, 4, ValueKind::ipv4, kV4, 0, KeyType::ipv4_addr},
    {"ip daddr", "ip", "daddr", LoadSource::payload, 0, kNet, 16, 4, ValueKind::ipv4, kV4, 0, KeyType::ipv4_addr},
    {"ip6 saddr", "ip6", "saddr", LoadSource::payload, 0, kNet, 8, 16, ValueKind::ipv6, kV6, 0, KeyType::ipv6_addr},
    {"ip6 daddr", "ip6", "daddr", LoadSource::payload, 0, kNet, 24, 16, ValueKind::ipv6, kV6, 0, KeyType::ipv6_addr},
    {"ip6 hoplimit", "ip6", "hoplimit", LoadSource::payload, 0, kNet, 7, 1, ValueKind::integer, kV6, 0, std::nullopt},
    {"th sport", "th", "sport", LoadSource::payload, 0, kTh, 0, 2, ValueKind::port, 0, 0, KeyType::inet_service},
    {"th dport", "th", "dport", LoadSource::payload, 0, kTh, 2, 2, ValueKind::port, 0, 0, KeyType::inet_service},
    {"tcp sport", "tcp", "sport", LoadSource::payload, 0, kTh, 0, 2, ValueKind::port, 0, IPPROTO_TCP,
     KeyType::inet_service},
    {"tcp dport", "tcp", "dport", LoadSource::payload, 0, kTh, 2, 2, ValueKind::port, 0, IPPROTO_TCP,
     KeyType::inet_service},
    {"udp sport", "udp", "sport", LoadSource::payload, 0, kTh, 0, 2, ValueKind::port, 0, IPPROTO_UDP,
     KeyType::inet_service},
    {"udp dport", "udp", "dport", LoadSource::payload, 0, kTh, 2, 2, ValueKind::port, 0, IPPROTO_UDP,
     KeyType::inet_service},
    {"tcp flags", "tcp", "flags", LoadSource::payload, 0, kTh, 13, 1, ValueKind::tcp_flags, 0, IPPROTO_TCP,
     std::nullopt},
    {"icmp type", "icmp", "type", LoadSource::payload, 0, kTh, 0, 1, ValueKind::icmp_type, kV4, IPPROTO_ICMP,
     KeyType::icmp_type},
    {"icmp code", "icmp", "code", LoadSource::payload, 0, kTh, 1, 1, ValueKind::icmp_code, kV4, IPPROTO_ICMP,
     std::nullopt},
    {"icmpv6 type", "icmpv6", "type", LoadSource::payload, 0, kTh, 0, 1, ValueKind::icmpv6_type, kV6, IPPROTO_ICMPV6,
     KeyType::icmpv6_type},
}};

using Names = std::initializer_list<std::pair<std::uint64_t, const char*>>;

// nft's symbol tables (src/proto.c, src/datatype.c), the subset portclass
// writes or may read back.
const Names kProtoNames = {{1, "icmp"}, {2, "igmp"}, {6, "tcp"},        {17, "udp"},   {47, "gre"},
                           {50, "esp"}, {51, "ah"},  {58, "ipv6-icmp"}, {132, "sctp"}, {136, "udplite"}};
const Names kNfprotoNames = {{NFPROTO_IPV4, "ipv4"}, {NFPROTO_IPV6, "ipv6"}};
const Names kIcmpNames = {
    {0, "echo-reply"},         {3, "destination-unreachable"}, {4, "source-quench"},        {5, "redirect"},
    {8, "echo-request"},       {9, "router-advertisement"},    {10, "router-solicitation"}, {11, "time-exceeded"},
    {12, "parameter-problem"}, {13, "timestamp-request"},      {14, "timestamp-reply"}};
const Names kIcmpv6Names = {
    {1, "destination-unreachable"}, {2, "packet-too-big"},        {3, "time-exceeded"},
    {4, "parameter-problem"},       {128, "echo-request"},        {129, "echo-reply"},
    {130, "mld-listener-query"},    {131, "mld-listener-report"}, {132, "mld-listener-done"},
    {133, "nd-router-solicit"},     {134, "nd-router-advert"},    {135, "nd-neighbor-solicit"},
    {136, "nd-neighbor-advert"},    {137, "nd-redirect"},         {143, "mld2-listener-report"}};
const Names kIcmpCodeNames = {{0, "net-unreachable"},  {1, "host-unreachable"}, {2, "prot-unreachable"},
                              {3, "port-unreachable"}, {4, "frag-needed"},      {9, "net-prohibited"},
                              {10, "host-prohibited"}, {13, "admin-prohibited"}};
const Names kCtStateNames = {{1, "invalid"}, {2, "established"}, {4, "related"}, {8, "new"}, {64, "untracked"}};
const Names kCtDirNames = {{0, "original"}, {1, "reply"}};
const Names kTcpFlagNames = {{0x01, "fin"}, {0x02, "syn"}, {0x04, "rst"}, {0x08, "psh"},
                             {0x10, "ack"}, {0x20, "urg"}, {0x40, "ecn"}, {0x80, "cwr"}};

const char* lookup(const Names& names, std::uint64_t v) {
  for (const auto& [value, name] : names)
    if (value == v) return name;
  return nullptr;
}

const Names* names_of(ValueKind kind) {
  switch (kind) {
    case ValueKind::proto: return &kProtoNames;
    case ValueKind::nfproto: return &kNfprotoNames;
    case ValueKind::icmp_type: return &kIcmpNames;
    case ValueKind::icmpv6_type: return &kIcmpv6Names;
    case ValueKind::icmp_code: return &kIcmpCodeNames;
    case ValueKind::ct_state: return &kCtStateNames;
    case ValueKind::ct_direction: return &kCtDirNames;
    case ValueKind::tcp_flags: return &kTcpFlagNames;
    default: return nullptr;
  }
}

std::string address_text(const Bytes& b) {
  std::uint8_t raw[16] = {};
  for (std::size_t i = 0; i < b.size() && i < 16; ++i) raw[i] = b[i];
  return (b.size() == 4 ? IpAddress::v4(raw) : IpAddress::v6(raw)).to_string();
}

std::string scalar_text(ValueKind kind, const Bytes& b) {
  if (kind == ValueKind::ipv4 || kind == ValueKind::ipv6) return address_text(b);
  const std::uint64_t v = be_value(b);
  if (auto name = symbol_of(kind, v)) return *name;
  return std::to_string(v);
}

}  // namespace

const FieldInfo& info(Field f) noexcept { return kFields[static_cast<std::size_t>(f)]; }

std::optional<std::string> symbol_of(ValueKind kind, std::uint64_t value) {
  if (const Names* names = names_of(kind))
    if (const char* name = lookup(*names, value)) return std::string(name);
  return std::nullopt;
}

std::string format_value(ValueKind kind, const Interval& value) {
  if (value.single()) return scalar_text(kind, value.low);
  if (kind == ValueKind::ipv4 || kind == ValueKind::ipv6) {
    const int len = prefix_length_of(value);
    if (len >= 0) return address_text(value.low) + "/" + std::to_string(len);
  }
  return scalar_text(kind, value.low) + "-" + scalar_text(kind, value.high);
}

std::string format_bits(ValueKind kind, std::uint32_t bits) {
  const Names* names = names_of(kind);
  std::string out;
  const char* separator = kind == ValueKind::ct_state ? "," : " | ";
  for (std::uint32_t bit = 1; bit != 0 && bit <= bits; bit <<= 1) {
    if (!(bits & bit)) continue;
    if (!out.empty()) out += separator;
    const char* name = names ? lookup(*names, bit) : nullptr;
    out += name ? name : std::to_string(bit);
  }
  return out;
}

ValueKind set_value_kind(KeyType k) noexcept {
  switch (k) {
    case KeyType::inet_proto: return ValueKind::proto;
    case KeyType::inet_service: return ValueKind::port;
    case KeyType::ipv4_addr: return ValueKind::ipv4;
    case KeyType::ipv6_addr: return ValueKind::ipv6;
    case KeyType::icmp_type: return ValueKind::icmp_type;
    case KeyType::icmpv6_type: return ValueKind::icmpv6_type;
  }
  return ValueKind::integer;
}

}  // namespace portclass::nft
