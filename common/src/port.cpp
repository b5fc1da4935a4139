// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/port.hpp"

#include <algorithm>
#include <charconv>

namespace portclass {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 64) out += "...";
  return out + "'";
}

}  // namespace

std::string_view to_string(Transport t) noexcept { return t == Transport::tcp ? "tcp" : "udp"; }

std::optional<Transport> parse_transport(std::string_view text) noexcept {
  if (text == "tcp" || text == "TCP") return Transport::tcp;
  if (text == "udp" || text == "UDP") return Transport::udp;
  return std::nullopt;
}

Result<Port> parse_port(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return make_error("empty port number");
  if (!std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return make_error("invalid port " + quoted(text) + ": expected a number from 0 to 65535");
  unsigned long value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc{} || end != t.data() + t.size() || value > 65535)
    return make_error("port " + quoted(text) + " is out of range 0-65535");
  return static_cast<Port>(value);
}

std::string PortRange::to_string() const {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

Result<PortRange> parse_port_range(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return make_error("empty port range");
  const auto sep = t.find_first_of("-:", 1);  // from 1: a leading '-' is a sign, not a separator
  if (sep == std::string_view::npos) {
    auto p = parse_port(t);
    if (!p) return p.error();
    return PortRange{*p, *p};
  }
  auto lo = parse_port(t.substr(0, sep));
  if (!lo) return make_error("invalid range " + quoted(text) + ": " + lo.error().message);
  auto hi = parse_port(t.substr(sep + 1));
  if (!hi) return make_error("invalid range " + quoted(text) + ": " + hi.error().message);
  if (*lo > *hi) return make_error("invalid range " + quoted(text) + ": start is above end");
  return PortRange{*lo, *hi};
}

PortSet::PortSet(std::initializer_list<PortRange> ranges) {
  for (const auto& r : ranges) add(r);
}

PortSet::PortSet(const std::vector<PortRange>& ranges) {
  for (const auto& r : ranges) add(r);
}

Result<PortSet> PortSet::parse(std::string_view text) {
  if (trim(text).empty()) return make_error("empty port list");
  PortSet set;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    auto r = parse_port_range(rest.substr(0, comma));
    if (!r) {
      const bool is_list = text.find(',') != std::string_view::npos;
      return make_error(r.error().message + (is_list ? " in list " + quoted(text) : ""));
    }
    set.add(*r);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return set;
}

void PortSet::add(PortRange r) {
  // Find the first range that ends at or after r.first - 1 (touching counts).
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), r, [](const PortRange& a, const PortRange& b) {
    return std::uint32_t{a.last} + 1 < b.first;
  });
  auto end = it;
  while (end != ranges_.end() && end->first <= std::uint32_t{r.last} + 1) {
    r.first = std::min(r.first, end->first);
    r.last = std::max(r.last, end->last);
    ++end;
  }
  it = ranges_.erase(it, end);
  ranges_.insert(it, r);
}

std::uint32_t PortSet::size() const noexcept {
  std::uint32_t n = 0;
  for (const auto& r : ranges_) n += r.size();
  return n;
}

bool PortSet::contains(Port p) const noexcept { return contains(PortRange{p, p}); }

bool PortSet::contains(const PortRange& r) const noexcept {
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), r.first, [](Port v, const PortRange& x) { return v < x.first; });
  if (it == ranges_.begin()) return false;
  return std::prev(it)->contains(r);
}

bool PortSet::contains(const PortSet& other) const noexcept {
  return std::all_of(other.ranges_.begin(), other.ranges_.end(), [this](const PortRange& r) { return contains(r); });
}

bool PortSet::overlaps(const PortSet& other) const noexcept { return !intersection(other).empty(); }

PortSet PortSet::intersection(const PortSet& other) const {
  PortSet out;
  auto a = ranges_.begin();
  auto b = other.ranges_.begin();
  while (a != ranges_.end() && b != other.ranges_.end()) {
    const Port lo = std::max(a->first, b->first);
    const Port hi = std::min(a->last, b->last);
    if (lo <= hi) out.ranges_.push_back({lo, hi});
    (a->last < b->last) ? ++a : ++b;
  }
  return out;
}

PortSet PortSet::union_with(const PortSet& other) const {
  PortSet out = *this;
  for (const auto& r : other.ranges_) out.add(r);
  return out;
}

PortSet PortSet::complement() const {
  PortSet out;
  std::uint32_t next = 0;
  for (const auto& r : ranges_) {
    if (r.first > next) out.ranges_.push_back({static_cast<Port>(next), static_cast<Port>(r.first - 1)});
    next = std::uint32_t{r.last} + 1;
  }
  if (next <= 65535) out.ranges_.push_back({static_cast<Port>(next), 65535});
  return out;
}

PortSet PortSet::difference(const PortSet& other) const { return intersection(other.complement()); }

std::string PortSet::to_string() const {
  std::string out;
  for (const auto& r : ranges_) {
    if (!out.empty()) out += ',';
    out += r.to_string();
  }
  return out;
}

}  // namespace portclass
