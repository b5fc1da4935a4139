// SPDX-License-Identifier: GPL-2.0-or-later
// The ruleset as data: one inet table with its sets, base chains and rules.
//
// This is the single description that every output is made from: the nft
// script renderer, the libnftables JSON renderer and the netlink batch
// builder all walk the same Ruleset, so the three can only differ in syntax.
// Matches are written at the level of the nft language ("tcp dport @set"):
// the protocol dependencies nft adds on its own (meta nfproto, meta l4proto)
// are added by the netlink builder exactly as nft adds them, so a ruleset
// loaded through netlink lists back identically to one loaded with nft -f.
//
// Values are big-endian byte strings of the field's width (a port is 2
// bytes, an IPv6 address 16); a set element or a match value is an inclusive
// interval of them, so a single value, a range and a prefix are one type.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/port.hpp"

namespace portclass::nft {

// A big-endian value of at most 16 bytes (an IPv6 address), stored inline:
// a gateway of 10,000 subnets has tens of thousands of them, and a heap
// allocation each was most of the helper's run time.
class Bytes {
 public:
  static constexpr std::size_t kCapacity = 16;

  Bytes() = default;
  explicit Bytes(std::size_t n, std::uint8_t fill = 0) : size_(static_cast<std::uint8_t>(std::min(n, kCapacity))) {
    std::fill_n(bytes_.begin(), size_, fill);
  }
  Bytes(std::initializer_list<std::uint8_t> init) : Bytes(init.begin(), init.end()) {}
  template <class It>
  Bytes(It first, It last) {
    while (first != last && size_ < kCapacity) bytes_[size_++] = static_cast<std::uint8_t>(*first++);
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::uint8_t* data() noexcept { return bytes_.data(); }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::uint8_t* begin() noexcept { return bytes_.data(); }
  std::uint8_t* end() noexcept { return bytes_.data() + size_; }
  const std::uint8_t* begin() const noexcept { return bytes_.data(); }
  const std::uint8_t* end() const noexcept { return bytes_.data() + size_; }
  std::uint8_t& operator[](std::size_t i) noexcept { return bytes_[i]; }
  std::uint8_t operator[](std::size_t i) const noexcept { return bytes_[i]; }
  std::uint8_t front() const noexcept { return bytes_[0]; }

  friend bool operator==(const Bytes& a, const Bytes& b) noexcept {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }
  // Lexicographic, as for std::vector: equal widths compare as numbers.
  friend bool operator<(const Bytes& a, const Bytes& b) noexcept {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<std::uint8_t, kCapacity> bytes_{};
  std::uint8_t size_ = 0;
};

struct Interval {
  Bytes low;
  Bytes high;  // inclusive; equal to low for a single value
  bool single() const noexcept { return low == high; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

// The data types a set key or a match value can have.
enum class KeyType : std::uint8_t { inet_proto, inet_service, ipv4_addr, ipv6_addr, icmp_type, icmpv6_type };

std::uint32_t key_length(KeyType t) noexcept;   // bytes
std::uint32_t key_type_id(KeyType t) noexcept;  // nft's datatype number, stored in the kernel
const char* key_type_name(KeyType t) noexcept;  // "inet_service"

// The packet fields the generated rules look at.
enum class Field : std::uint8_t {
  meta_iif,
  meta_oif,
  meta_l4proto,
  meta_nfproto,
  ct_state,
  ct_direction,
  ip_saddr,
  ip_daddr,
  ip6_saddr,
  ip6_daddr,
  ip6_hoplimit,
  th_sport,
  th_dport,
  tcp_sport,
  tcp_dport,
  udp_sport,
  udp_dport,
  tcp_flags,
  icmp_type,
  icmp_code,
  icmpv6_type,
};

enum class Op : std::uint8_t {
  eq,          // field == values[0] (a value, a range or a prefix)
  neq,         // field != values[0]
  in_set,      // field in @set, or in the anonymous set `values`
  any_bits,    // (field & bits) != 0: "ct state established"
  masked_neq,  // (field & bits) != value: "tcp flags & (syn | ack) != syn"
};

// ct state bits (nf_conntrack_common.h) and TCP flag bits.
inline constexpr std::uint32_t kCtInvalid = 1u << 0;
inline constexpr std::uint32_t kCtEstablished = 1u << 1;
inline constexpr std::uint32_t kCtRelated = 1u << 2;
inline constexpr std::uint32_t kCtNew = 1u << 3;
inline constexpr std::uint32_t kTcpSyn = 0x02;
inline constexpr std::uint32_t kTcpAck = 0x10;

// IANA protocol numbers used by the rules.
inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoEsp = 50;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;

struct Match {
  Field field = Field::meta_l4proto;
  Op op = Op::eq;
  std::vector<Interval> values;  // eq/neq: one; in_set: anonymous set; masked_neq: the value
  std::string set;               // in_set: a named set of the table (values empty)
  std::uint32_t bits = 0;        // any_bits / masked_neq
  std::string ifname;            // meta_iif / meta_oif
};

enum class Verdict : std::uint8_t { accept, drop };
enum class Hook : std::uint8_t { input, forward, output };
const char* to_string(Hook h) noexcept;

struct Set {
  std::string name;
  KeyType key = KeyType::inet_service;
  bool interval = true;
  std::vector<Interval> elements;  // sorted, disjoint, non-adjacent when interval
  std::string comment;
};

struct Chain {
  std::string name;
  Hook hook = Hook::input;
  int priority = 0;  // "filter"
  Verdict policy = Verdict::drop;
  std::string comment;
};

struct Rule {
  std::string chain;
  std::vector<Match> matches;
  Verdict verdict = Verdict::accept;
  std::string comment;  // why the rule exists
};

struct Ruleset {
  std::string table;  // always family inet
  std::string comment;
  std::vector<Set> sets;
  std::vector<Chain> chains;
  std::vector<Rule> rules;  // in order; each names its chain

  const Set* find_set(const std::string& name) const;
};

// Checks what the type system cannot: names, comment charset and length,
// value widths, references to existing sets and chains, sorted disjoint set
// elements. Renderers and the netlink builder assume a validated ruleset.
Result<void> validate(const Ruleset& ruleset);

// Value helpers.
Bytes be_bytes(std::uint64_t value, std::size_t width);
std::uint64_t be_value(const Bytes& bytes);  // bytes up to 8 long
Interval port_interval(PortRange r);
Interval value_interval(std::uint64_t value, std::size_t width);
std::vector<Interval> port_intervals(const PortSet& ports);
PortSet ports_of(const std::vector<Interval>& intervals);  // inverse of port_intervals
Interval address_interval(const IpAddress& a);             // a single address
Interval prefix_interval(const IpPrefix& p);
// The prefix length when [low, high] is exactly one CIDR block, else -1.
int prefix_length_of(const Interval& interval);

}  // namespace portclass::nft
