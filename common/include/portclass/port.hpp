// SPDX-License-Identifier: GPL-2.0-or-later
// Ports, port ranges and normalised sets of ranges.
//
// Contract:
//  - Port is a plain 16-bit number; parse_port() accepts decimal 0-65535 only.
//  - PortRange is inclusive [first, last] with first <= last (the parser refuses a
//    reversed range instead of swapping it: a typo must not silently widen a rule).
//  - PortSet is always normalised: sorted, disjoint, adjacent ranges merged. So two
//    sets are equal exactly when they contain the same ports, and to_string() is
//    canonical ("22,80,8000-8100").
//  - Accepted syntax: "80", "32768-60999", "32768:60999", and comma-separated lists
//    of those with optional spaces. Everything else is an Error naming the input.
#pragma once

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/result.hpp"

namespace portclass {

using Port = std::uint16_t;
inline constexpr std::uint32_t kPortCount = 65536;

enum class Transport : std::uint8_t { tcp, udp };

std::string_view to_string(Transport t) noexcept;
std::optional<Transport> parse_transport(std::string_view text) noexcept;

Result<Port> parse_port(std::string_view text);

struct PortRange {
  Port first = 0;
  Port last = 0;

  constexpr std::uint32_t size() const noexcept { return std::uint32_t{last} - first + 1; }
  constexpr bool contains(Port p) const noexcept { return first <= p && p <= last; }
  constexpr bool contains(const PortRange& r) const noexcept { return first <= r.first && r.last <= last; }
  constexpr bool overlaps(const PortRange& r) const noexcept { return first <= r.last && r.first <= last; }
  std::string to_string() const;  // "80" or "32768-60999"

  friend constexpr auto operator<=>(const PortRange&, const PortRange&) = default;
};

Result<PortRange> parse_port_range(std::string_view text);

class PortSet {
 public:
  PortSet() = default;
  PortSet(std::initializer_list<PortRange> ranges);
  explicit PortSet(const std::vector<PortRange>& ranges);

  static Result<PortSet> parse(std::string_view text);
  static PortSet all() { return PortSet{{0, 65535}}; }

  void add(PortRange r);
  void add(Port p) { add(PortRange{p, p}); }

  bool empty() const noexcept { return ranges_.empty(); }
  std::uint32_t size() const noexcept;  // number of ports, up to 65536
  bool contains(Port p) const noexcept;
  bool contains(const PortRange& r) const noexcept;
  bool contains(const PortSet& other) const noexcept;  // subset test
  bool overlaps(const PortSet& other) const noexcept;

  PortSet intersection(const PortSet& other) const;
  PortSet union_with(const PortSet& other) const;
  PortSet difference(const PortSet& other) const;
  PortSet complement() const;

  const std::vector<PortRange>& ranges() const noexcept { return ranges_; }
  std::string to_string() const;  // canonical, "" for the empty set

  friend bool operator==(const PortSet&, const PortSet&) = default;

 private:
  std::vector<PortRange> ranges_;  // sorted, disjoint, non-adjacent
};

}  // namespace portclass
