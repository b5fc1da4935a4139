// SPDX-License-Identifier: GPL-2.0-or-later
// The two tokenising helpers of p0f-style text (signature keys, sig values,
// quirk lists), private to common/src.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace portclass::detail {

// "a:b::c" split on ':' -> {"a", "b", "", "c"}: empty fields are kept, so a
// field count tells a malformed text.
inline std::vector<std::string_view> split_fields(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A decimal number in [0, max]: digits only (no sign, no spaces), at most 10.
inline std::optional<std::uint32_t> decimal(std::string_view s, std::uint32_t max) {
  std::uint32_t v = 0;
  if (s.empty() || s.size() > 10 || s.front() < '0' || s.front() > '9') return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace portclass::detail
