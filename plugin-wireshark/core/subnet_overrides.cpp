// SPDX-License-Identifier: GPL-2.0-or-later
#include "subnet_overrides.hpp"

#include <algorithm>

namespace portclass::ws {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

Result<SubnetOverride> parse_entry(std::string_view entry) {
  const auto words = split_words(entry);
  const std::string quoted = "'" + std::string(entry) + "'";
  auto prefix = IpPrefix::parse(words.front());
  if (!prefix) return make_error(quoted + ": " + prefix.error().message);
  SubnetOverride o{prefix.value(), {}, std::nullopt, std::string(entry)};
  bool have_os = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const auto eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == word.size())
      return make_error(quoted + ": expected key=value, got '" + std::string(word) + "'");
    const std::string_view key = word.substr(0, eq);
    const std::string_view value = word.substr(eq + 1);
    if (key == "os") {
      if (have_os) return make_error(quoted + ": os given twice");
      have_os = true;
      o.os = std::string(value);
    } else if (key == "range") {
      if (o.range) return make_error(quoted + ": range given twice");
      auto set = PortSet::parse(value);
      if (!set) return make_error(quoted + ": " + set.error().message);
      if (set.value().empty()) return make_error(quoted + ": empty range");
      o.range = std::move(set).value();
    } else {
      return make_error(quoted + ": unknown key '" + std::string(key) + "' (want os= or range=)");
    }
  }
  if (!have_os && !o.range) return make_error(quoted + ": says nothing (want os=ID and/or range=PORTS)");
  return o;
}

}  // namespace

Result<SubnetOverrides> SubnetOverrides::parse(std::string_view text) {
  SubnetOverrides result;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(";\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    auto parsed = parse_entry(entry);
    if (!parsed) return parsed.error();
    const auto& prefix = parsed.value().prefix;
    const bool repeated = std::any_of(result.entries_.begin(), result.entries_.end(),
                                      [&](const SubnetOverride& o) { return o.prefix == prefix; });
    if (repeated) return make_error("'" + std::string(entry) + "': prefix " + prefix.to_string() + " given twice");
    result.entries_.push_back(std::move(parsed).value());
  }
  return result;
}

const SubnetOverride* SubnetOverrides::match(const IpAddress& address) const noexcept {
  const SubnetOverride* best = nullptr;
  for (const auto& o : entries_)
    if (o.prefix.contains(address) && (!best || o.prefix.length() > best->prefix.length())) best = &o;
  return best;
}

}  // namespace portclass::ws
