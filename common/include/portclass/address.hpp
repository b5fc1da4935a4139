// SPDX-License-Identifier: GPL-2.0-or-later
// IPv4/IPv6 addresses and prefixes, compact and hashable, for per-host tables
// and per-subnet settings ("10.1.0.0/16 = windows").
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass {

class IpAddress {
 public:
  enum class Family : std::uint8_t { v4 = 4, v6 = 6 };

  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(const std::uint8_t bytes[4]) noexcept;
  static IpAddress v6(const std::uint8_t bytes[16]) noexcept;
  static Result<IpAddress> parse(std::string_view text);

  Family family() const noexcept { return family_; }
  bool is_v4() const noexcept { return family_ == Family::v4; }
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }  // v4 uses the first 4
  std::string to_string() const;
  // IPv4 224.0.0.0/4 or 255.255.255.255, IPv6 ff00::/8: destinations whose
  // protocols set their own TTLs (mDNS 255, SSDP and LLMNR 1 to 4).
  bool is_multicast_or_broadcast() const noexcept;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

struct IpAddressHash {
  std::size_t operator()(const IpAddress& a) const noexcept;
};

class IpPrefix {
 public:
  // "10.1.0.0/16", "fd00::/8", or a bare address (a /32 or /128). Host bits
  // must be zero: "10.1.2.3/16" is an error, not silently 10.1.0.0/16.
  static Result<IpPrefix> parse(std::string_view text);

  const IpAddress& network() const noexcept { return network_; }
  unsigned length() const noexcept { return length_; }
  bool contains(const IpAddress& a) const noexcept;
  std::string to_string() const;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;

 private:
  IpAddress network_;
  unsigned length_ = 0;
};

}  // namespace portclass
