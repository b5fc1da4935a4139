// SPDX-License-Identifier: GPL-2.0-or-later
#include "text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace portclass::cli {

std::string endpoint(const IpAddress& address, Port port) {
  const auto& b = address.bytes();
  const bool unspecified =
      std::all_of(b.begin(), b.begin() + (address.is_v4() ? 4 : 16), [](auto x) { return x == 0; });
  if (unspecified) return fmt::format("*:{}", port);
  if (address.is_v4()) return fmt::format("{}:{}", address.to_string(), port);
  return fmt::format("[{}]:{}", address.to_string(), port);
}

std::string percent(double share) {
  const double p = share * 100;
  if (p > 0 && p < 0.1) return "<0.1%";
  if (p > 0 && p < 1) return fmt::format("{:.1f}%", p);
  return fmt::format("{:.0f}%", p);
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace portclass::cli
