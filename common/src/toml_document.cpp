// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/toml_document.hpp"

#include <cstdio>
#include <string>

namespace portclass {
namespace {

// toml++ quotes the character it stopped at, which can be a line break or
// another control character of the input: escape those, the message stays one line.
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    }
  }
  return out;
}

}  // namespace

Result<toml::table> parse_toml_document(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return make_error(std::string(origin) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                      one_line(e.description()));
  }
}

}  // namespace portclass
