// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/verdict_range.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace portclass::nft {
namespace {

// Probabilities are read back from JSON text: allow for rounding.
constexpr double kSlack = 1e-9;
const PortSet kSystemPorts{{0, 1023}};

std::string percent(double p) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", std::clamp(p, 0.0, 1.0) * 100.0);
  return buffer;
}

RangeChoice unknown_range(const PortSet& seen, std::string why) {
  return RangeChoice{kAnyClientPort.union_with(seen), RangeRule::unknown, "unidentified", std::move(why)};
}

std::string header(const HostVerdict& v) {
  return v.verdict + " " + percent(v.confidence) + (v.stored ? " (stored verdict)" : " (inferred here)");
}

}  // namespace

std::string_view to_string(RangeRule r) noexcept {
  switch (r) {
    case RangeRule::single: return "single";
    case RangeRule::covering: return "covering";
    case RangeRule::unknown: return "unknown";
  }
  return "unknown";
}

PortSet widen_tuned_span(const PortSet& span, std::uint32_t distinct_ports) {
  if (span.empty()) return span;
  const std::uint32_t low = span.ranges().front().first;
  const std::uint32_t high = span.ranges().back().last;
  // n ports drawn from a range leave on average span / (n - 1) unseen at
  // each end; a counter's ports are a slice, which the block size covers.
  const std::uint32_t margin = distinct_ports > 1 ? (high - low) / (distinct_ports - 1) : 0;
  const std::uint32_t first = low > margin ? low - margin : 0;
  const std::uint32_t last = std::min<std::uint32_t>(65535, high + margin);
  // The smallest power-of-two block, aligned to its size, holding both ends.
  std::uint32_t block = kTunedMinBlock;
  while (block < 65536 && first / block != last / block) block *= 2;
  const std::uint32_t start = first / block * block;
  const std::uint32_t end = std::min<std::uint32_t>(65535, start + block - 1);
  // Below 1024 are the system ports, which no allocator hands out.
  return PortSet{{static_cast<Port>(std::max<std::uint32_t>(start, 1024)), static_cast<Port>(end)}};
}

RangeChoice choose_range(const HostVerdict& v, const PortSet& seen, std::uint32_t distinct_ports) {
  if (v.verdict != "identified") return unknown_range(seen, header(v) + ": not identified, 1024-65535");
  if (v.candidates.empty()) return unknown_range(seen, header(v) + ": no candidates, 1024-65535");

  // Rule 2: the best candidates until they hold kHighConfidence.
  std::vector<const VerdictCandidate*> covering;
  double held = 0;
  for (const VerdictCandidate& c : v.candidates) {
    if (held >= kHighConfidence - kSlack) break;
    covering.push_back(&c);
    held += c.probability;
  }
  if (held < kHighConfidence - kSlack)
    return unknown_range(seen, header(v) + ": the listed candidates hold only " + percent(held) + ", 1024-65535");

  // Rule 3: what each covering candidate says about the range.
  PortSet ports;
  std::vector<const VerdictCandidate*> unbacked;
  std::vector<std::string> labels;
  std::vector<PortSet> contributions;
  std::string parts;
  for (const VerdictCandidate* c : covering) {
    parts += (parts.empty() ? "" : " + ") + c->id + " " + percent(c->probability);
    if (!c->tuned) {
      ports = ports.union_with(c->range);
      labels.push_back(c->id);
      contributions.push_back(c->range);
      continue;
    }
    if (distinct_ports >= kTunedMinPorts) {
      const PortSet block = widen_tuned_span(c->range, distinct_ports);
      parts += " tuned " + c->range.to_string() + " widened to " + block.to_string();
      ports = ports.union_with(block);
      labels.push_back("tuned");
      contributions.push_back(block);
    } else {
      parts += " tuned " + c->range.to_string() + " (" + std::to_string(distinct_ports) + " ports, too few)";
      unbacked.push_back(c);
    }
  }
  if (ports.empty()) return unknown_range(seen, header(v) + ": " + parts + ": the range is unknown, 1024-65535");
  for (const VerdictCandidate* c : unbacked)
    if (!ports.contains(c->range))
      return unknown_range(seen, header(v) + ": " + parts + ": the range is unknown, 1024-65535");

  const bool alone = covering.size() == 1;
  const bool one_range = std::all_of(contributions.begin(), contributions.end(),
                                     [&](const PortSet& p) { return p == contributions.front(); });
  RangeChoice out;
  out.rule = alone ? RangeRule::single : RangeRule::covering;
  out.label = one_range ? labels.front() : "mixed";
  out.why = header(v) + ": " + parts;

  // Rule 4: ports the verdict's ranges do not hold. A few are strays (a
  // bind() to a chosen port); more say the range reaches beyond them, as a
  // tuned span would. System ports are always chosen, never allocated.
  const PortSet outside = seen.difference(ports).difference(kSystemPorts);
  if (!outside.empty() && outside.size() > kStrayShare * seen.size()) {
    const PortSet block = widen_tuned_span(outside, outside.size());
    out.why += "; " + std::to_string(outside.size()) + " of " + std::to_string(seen.size()) +
               " client ports seen lie outside, widened to " + block.to_string();
    ports = ports.union_with(block);
    out.label = "widened";
  }
  out.ports = ports.union_with(seen);
  out.why += " -> " + out.ports.to_string();
  if (!ports.contains(seen)) out.why += " (with the client ports seen outside it)";
  return out;
}

}  // namespace portclass::nft
