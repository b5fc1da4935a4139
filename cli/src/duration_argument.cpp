// SPDX-License-Identifier: GPL-2.0-or-later
#include "duration_argument.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace portclass::cli {

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.size() < 2) return make_error("bad duration " + quoted + " (a number and a unit: 30s, 10m, 1h)");
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    default: return make_error("bad duration " + quoted + " (the unit is s, m or h: 30s, 10m, 1h)");
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n <= 0)
    return make_error("bad duration " + quoted + " (a positive whole number and a unit: 30s, 10m, 1h)");
  // A year is more than any capture runs; above it the arithmetic could overflow.
  if (n > std::int64_t{366} * 24 * 3600 / unit) return make_error("duration " + quoted + " is longer than a year");
  return std::chrono::seconds(n * unit);
}

}  // namespace portclass::cli
