// SPDX-License-Identifier: GPL-2.0-or-later
#include "live_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "portclass/findings.hpp"
#include "text.hpp"

namespace portclass::cli {

LiveTable::LiveTable(std::FILE* stream) : stream_(stream), enabled_(stream && isatty(fileno(stream))) {}

LiveTable::~LiveTable() { clear(); }

void LiveTable::draw(const HostDirectory& directory, const PortKnowledge& knowledge, const InferenceOptions& inference,
                     const InputSummary& summary, std::chrono::steady_clock::duration elapsed) {
  if (!enabled_) return;
  // The busiest hosts only: inferring every host each second would cost
  // more than the capture on a big table.
  std::vector<std::pair<const IpAddress*, const HostProfile*>> rows;
  rows.reserve(directory.size());
  for (const auto& [address, profile] : directory.hosts()) rows.emplace_back(&address, &profile);
  const std::size_t shown = std::min(kRows, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    [](const auto& a, const auto& b) { return a.second->packets() > b.second->packets(); });

  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  std::string text =
      fmt::format("live on {} ({}:{:02}): {} packets, {} TCP/UDP, {} dropped by the kernel; {}{}\x1b[K\n",
                  fmt::join(summary.files, ", "), seconds / 60, seconds % 60, summary.counters.packets,
                  summary.counters.tcp_udp, summary.drops.kernel_dropped, plural(directory.size(), "host", "hosts"),
                  directory.evicted() ? fmt::format(" ({} evicted)", directory.evicted()) : "");
  text += fmt::format("{:<40} {:>9}  {:<30} {}\x1b[K\n", "host", "packets", "os (confidence, range)", "findings");
  for (std::size_t i = 0; i < shown; ++i) {
    const HostProfile& p = *rows[i].second;
    const Inference inf = infer(p, knowledge.profiles(), inference);
    const auto findings = find_issues(p, inf, knowledge);
    const Candidate* best = inf.best();
    const std::string os =
        fmt::format("{} {}{}", inf.label(), percent(inf.confidence()), best ? ", " + best->range.to_string() : "");
    std::string kinds;
    for (const Finding& f : findings) kinds += (kinds.empty() ? "" : " ") + std::string(to_string(f.kind));
    text += fmt::format("{:<40} {:>9}  {:<30} {}\x1b[K\n", rows[i].first->to_string(), p.packets(), os,
                        kinds.empty() ? "-" : kinds);
  }
  if (lines_) text = fmt::format("\x1b[{}F", lines_) + text + "\x1b[J";
  std::fputs(text.c_str(), stream_);
  std::fflush(stream_);
  lines_ = static_cast<int>(shown) + 2;
}

void LiveTable::clear() {
  if (!enabled_ || !lines_) return;
  std::fprintf(stream_, "\x1b[%dF\x1b[J", lines_);
  std::fflush(stream_);
  lines_ = 0;
}

}  // namespace portclass::cli
