// SPDX-License-Identifier: GPL-2.0-or-later
// IANA port categories (RFC 6335 section 6):
//   system (well-known)   0-1023
//   user (registered)     1024-49151
//   dynamic (private)     49152-65535
#pragma once

#include <string_view>
#include <vector>

#include "portclass/port.hpp"

namespace portclass {

enum class PortCategory : std::uint8_t { system, user, dynamic };

constexpr PortCategory category_of(Port p) noexcept {
  if (p <= 1023) return PortCategory::system;
  if (p <= 49151) return PortCategory::user;
  return PortCategory::dynamic;
}

constexpr PortRange range_of(PortCategory c) noexcept {
  switch (c) {
    case PortCategory::system: return {0, 1023};
    case PortCategory::user: return {1024, 49151};
    case PortCategory::dynamic: break;
  }
  return {49152, 65535};
}

// "system", "user", "dynamic": stable identifiers for fields and JSON.
std::string_view to_string(PortCategory c) noexcept;
// A sentence for people: what the category means and who assigns it.
std::string_view describe(PortCategory c) noexcept;

struct CategorySpan {
  PortCategory category;
  PortRange ports;  // the part of the input inside that category
};

// Splits a range at the category boundaries, in ascending order.
std::vector<CategorySpan> split_by_category(PortRange r);

}  // namespace portclass
