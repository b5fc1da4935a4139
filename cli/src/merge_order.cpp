// SPDX-License-Identifier: GPL-2.0-or-later
#include "merge_order.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <tuple>

#include <nlohmann/json.hpp>

#include "exit_code.hpp"

namespace portclass::cli {
namespace {

struct Span {
  std::int64_t first = std::numeric_limits<std::int64_t>::max();  // no events: after everything
  std::int64_t last = std::numeric_limits<std::int64_t>::max();
};

// One sequence object of the profile format (profile_json.hpp); malformed
// ones are left for merge_from_json to report with their JSON path.
void widen(Span& span, const nlohmann::json& sequence, bool& any) {
  if (!sequence.is_object()) return;
  const auto events = sequence.find("events");
  const auto first = sequence.find("first_time");
  const auto last = sequence.find("last_time");
  if (events == sequence.end() || !events->is_number_unsigned() || events->get<std::uint64_t>() == 0) return;
  if (first == sequence.end() || last == sequence.end() || !first->is_number_integer() || !last->is_number_integer())
    return;
  const auto f = first->get<std::int64_t>(), l = last->get<std::int64_t>();
  span.first = any ? std::min(span.first, f) : f;
  span.last = any ? std::max(span.last, l) : l;
  any = true;
}

Span span_of(const nlohmann::json& document) {
  Span span;
  bool any = false;
  const auto hosts = document.find("hosts");
  if (hosts == document.end() || !hosts->is_object()) return span;
  for (const auto& [address, host] : hosts->items()) {
    if (!host.is_object()) continue;
    if (const auto t = host.find("transports"); t != host.end() && t->is_object())
      for (const auto& [name, stats] : t->items())
        if (stats.is_object() && stats.contains("client_sequence")) widen(span, stats["client_sequence"], any);
    if (const auto d = host.find("dns"); d != host.end() && d->is_object() && d->contains("sequence"))
      widen(span, (*d)["sequence"], any);
  }
  return span;
}

}  // namespace

std::vector<std::string> in_time_order(const std::vector<std::string>& paths) {
  std::vector<std::tuple<Span, std::string>> files;
  std::vector<std::string> streams;
  for (const std::string& path : paths) {
    if (path == "-") {
      streams.push_back(path);
      continue;
    }
    std::ifstream in(path);
    if (!in) throw UsageError(path + ": cannot read profile document");
    // A file may hold several documents: its span covers them all.
    Span span;
    bool first = true;
    try {
      while (true) {
        in >> std::ws;
        if (in.peek() == std::char_traits<char>::eof()) break;
        nlohmann::json doc;
        in >> doc;
        const Span s = span_of(doc);
        span = first ? s : Span{std::min(span.first, s.first), std::max(span.last, s.last)};
        first = false;
      }
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError(path + ": not JSON (" + std::string(e.what()) + ")");
    }
    files.emplace_back(span, path);
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    const auto& [sa, pa] = a;
    const auto& [sb, pb] = b;
    return std::tie(sa.first, sa.last, pa) < std::tie(sb.first, sb.last, pb);
  });
  std::vector<std::string> out;
  out.reserve(paths.size());
  for (auto& [span, path] : files) out.push_back(std::move(path));
  out.insert(out.end(), streams.begin(), streams.end());
  return out;
}

}  // namespace portclass::cli
