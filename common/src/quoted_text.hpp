// SPDX-License-Identifier: GPL-2.0-or-later
// Input quoted in an error message stays one printable line: bytes outside
// printable ASCII become \xNN, and text longer than `max` is cut ("...").
// Private to common/src (the signature file and sig parsers use it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portclass::detail {

inline std::string quoted_text(std::string_view s, std::size_t max = 80) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace portclass::detail
