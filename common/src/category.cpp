// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/category.hpp"

#include <algorithm>

namespace portclass {

std::string_view to_string(PortCategory c) noexcept {
  switch (c) {
    case PortCategory::system: return "system";
    case PortCategory::user: return "user";
    case PortCategory::dynamic: break;
  }
  return "dynamic";
}

std::string_view describe(PortCategory c) noexcept {
  switch (c) {
    case PortCategory::system:
      return "system (well-known) port, 0-1023: assigned by IANA through IETF review; binding one needs privilege on "
             "most systems";
    case PortCategory::user:
      return "user (registered) port, 1024-49151: assigned by IANA on request; many operating systems also draw "
             "ephemeral client ports from parts of this range";
    case PortCategory::dynamic: break;
  }
  return "dynamic (private, ephemeral) port, 49152-65535: never assigned by IANA (RFC 6335); meant for short-lived "
         "client ports";
}

std::vector<CategorySpan> split_by_category(PortRange r) {
  std::vector<CategorySpan> out;
  for (auto c : {PortCategory::system, PortCategory::user, PortCategory::dynamic}) {
    const PortRange span = range_of(c);
    if (!span.overlaps(r)) continue;
    out.push_back({c, {std::max(span.first, r.first), std::min(span.last, r.last)}});
  }
  return out;
}

}  // namespace portclass
