// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/address_intervals.hpp"

#include <algorithm>

#include "portclass/nft/fields.hpp"

namespace portclass::nft {
namespace {

__extension__ typedef unsigned __int128 u128;

u128 to_u128(const Bytes& b) {
  u128 v = 0;
  for (std::uint8_t byte : b) v = (v << 8) | byte;
  return v;
}

Bytes to_bytes(u128 v, std::size_t width) {
  Bytes out(width);
  for (std::size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
  return out;
}

struct Span {
  u128 low;
  u128 high;
  unsigned length;
  std::size_t owner;
};

}  // namespace

Result<std::vector<OwnedInterval>> most_specific(const std::vector<std::pair<IpPrefix, std::size_t>>& prefixes) {
  std::vector<OwnedInterval> out;
  if (prefixes.empty()) return out;
  const std::size_t width = prefixes.front().first.network().is_v4() ? 4 : 16;
  std::vector<Span> spans;
  spans.reserve(prefixes.size());
  for (const auto& [prefix, owner] : prefixes) {
    const Interval i = prefix_interval(prefix);
    if (i.low.size() != width) return make_error("internal: mixed address families");
    spans.push_back({to_u128(i.low), to_u128(i.high), prefix.length(), owner});
  }
  // Outer prefixes first at equal start, so the stack below holds the nesting.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    if (a.low != b.low) return a.low < b.low;
    if (a.length != b.length) return a.length < b.length;
    return a.owner < b.owner;
  });
  std::vector<Span> unique;
  for (const Span& s : spans) {
    if (!unique.empty() && unique.back().low == s.low && unique.back().length == s.length) {
      if (unique.back().owner != s.owner) {
        const Interval i{to_bytes(s.low, width), to_bytes(s.high, width)};
        return make_error("subnet " + format_value(width == 4 ? ValueKind::ipv4 : ValueKind::ipv6, i) +
                          " is given twice with different ranges");
      }
      continue;
    }
    unique.push_back(s);
  }

  auto emit = [&](u128 low, u128 high, std::size_t owner) {
    if (!out.empty() && out.back().owner == owner && to_u128(out.back().interval.high) + 1 == low) {
      out.back().interval.high = to_bytes(high, width);
      return;
    }
    out.push_back({{to_bytes(low, width), to_bytes(high, width)}, owner});
  };

  // Sweep: `stack` holds the prefixes containing the cursor, innermost on
  // top; `next` is the first address not yet assigned (valid while !done).
  std::vector<Span> stack;
  u128 next = 0;
  bool exhausted = false;  // `next` would be past the last address of the family
  auto close_top = [&]() {
    const Span top = stack.back();
    stack.pop_back();
    if (!exhausted && next <= top.high) emit(next, top.high, top.owner);
    const u128 max = width == 4 ? u128{0xffffffffu} : ~u128{0};
    if (top.high == max)
      exhausted = true;
    else if (!exhausted)
      next = top.high + 1;
  };
  for (const Span& s : unique) {
    while (!stack.empty() && stack.back().high < s.low) close_top();
    if (!stack.empty() && next < s.low) emit(next, s.low - 1, stack.back().owner);
    stack.push_back(s);
    next = s.low;
  }
  while (!stack.empty()) close_top();
  return out;
}

std::vector<Interval> merge_intervals(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) { return a.low < b.low; });
  std::vector<Interval> out;
  for (Interval& i : intervals) {
    if (!out.empty()) {
      const u128 last_high = to_u128(out.back().high);
      const u128 low = to_u128(i.low);
      const bool max = last_high == (i.low.size() == 4 ? u128{0xffffffffu} : ~u128{0});
      if (max || low <= last_high + 1) {
        if (last_high < to_u128(i.high)) out.back().high = i.high;
        continue;
      }
    }
    out.push_back(i);
  }
  return out;
}

}  // namespace portclass::nft
