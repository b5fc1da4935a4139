// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace portclass {

IpAddress IpAddress::v4(const std::uint8_t bytes[4]) noexcept {
  IpAddress a;
  a.family_ = Family::v4;
  std::memcpy(a.bytes_.data(), bytes, 4);
  return a;
}

IpAddress IpAddress::v6(const std::uint8_t bytes[16]) noexcept {
  IpAddress a;
  a.family_ = Family::v6;
  std::memcpy(a.bytes_.data(), bytes, 16);
  return a;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  // The message shows the text on one printable line, whatever it holds.
  const auto invalid = [text] {
    std::string shown;
    for (char c : text.substr(0, 64)) shown += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
    return make_error("invalid IP address '" + shown + (text.size() > 64 ? "...'" : "'"));
  };
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return invalid();
  const std::string s(text);
  std::uint8_t buf[16];
  // inet_pton reads a C string: "10.0.0.1\0junk" must not pass as its prefix.
  const bool one_string = text.find('\0') == std::string_view::npos;
  if (one_string && inet_pton(AF_INET, s.c_str(), buf) == 1) return v4(buf);
  if (one_string && inet_pton(AF_INET6, s.c_str(), buf) == 1) return v6(buf);
  return invalid();
}

bool IpAddress::is_multicast_or_broadcast() const noexcept {
  if (!is_v4()) return bytes_[0] == 0xff;
  const bool broadcast = bytes_[0] == 255 && bytes_[1] == 255 && bytes_[2] == 255 && bytes_[3] == 255;
  return (bytes_[0] & 0xf0) == 0xe0 || broadcast;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::size_t IpAddressHash::operator()(const IpAddress& a) const noexcept {
  // FNV-1a over the family and the bytes in use.
  std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint8_t>(a.family());
  const std::size_t n = a.is_v4() ? 4 : 16;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ a.bytes()[i]) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return make_error("invalid prefix: " + address.error().message);
  const unsigned max = address->is_v4() ? 32 : 128;
  unsigned length = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || length > max)
      return make_error("invalid prefix length in '" + address->to_string() + "/...': expected 0-" +
                        std::to_string(max));
  }
  IpPrefix p;
  p.network_ = *address;
  p.length_ = length;
  // Host bits must be zero.
  const auto& b = address->bytes();
  for (unsigned bit = length; bit < max; ++bit)
    if (b[bit / 8] & (0x80u >> (bit % 8)))
      return make_error("prefix " + address->to_string() + "/" + std::to_string(length) + " has host bits set");
  return p;
}

bool IpPrefix::contains(const IpAddress& a) const noexcept {
  if (a.family() != network_.family()) return false;
  const auto& x = a.bytes();
  const auto& n = network_.bytes();
  const unsigned full = length_ / 8;
  if (!std::equal(x.begin(), x.begin() + full, n.begin())) return false;
  const unsigned rest = length_ % 8;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff00u >> rest);
  return (x[full] & mask) == (n[full] & mask);
}

std::string IpPrefix::to_string() const { return network_.to_string() + "/" + std::to_string(length_); }

}  // namespace portclass
