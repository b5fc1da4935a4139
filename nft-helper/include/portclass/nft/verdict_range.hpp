// SPDX-License-Identifier: GPL-2.0-or-later
// The ephemeral range a gateway ruleset gives one host, from its OS verdict.
//
// A return rule narrower than the range the host really draws from breaks
// its connections; one a little wider only lets in replies to connections
// the host itself opened. So every rule below errs wide.
//
// Contract of choose_range(verdict, seen, distinct_ports):
//  1. Nothing known: a verdict other than "identified", no candidates, or
//     candidates that together hold less than kHighConfidence of the
//     probability (a document lists only the best few) give kAnyClientPort,
//     1024-65535 (what NAT devices may use).
//  2. Otherwise the covering candidates are taken best first until they hold
//     kHighConfidence (0.9) of the probability. So a single profile's range
//     is used only when that profile alone is that likely; below that the
//     range is the union over the covering candidates.
//  3. Each covering candidate contributes:
//     - its default range (range, not tuned);
//     - a tuned span (range tuned away from the default, or NAT) backed by at
//       least kTunedMinPorts distinct client ports: the span widened by the
//       expected unseen margin at each end (span / (n - 1) for n ports), then
//       rounded out to the enclosing block aligned to its own size, at least
//       kTunedMinBlock ports (the quarters of the port space: 49152-65535 is
//       Windows' and macOS's default, 32768-65535 holds Linux's);
//     - a tuned span with fewer ports says only that the default range is
//       wrong: it contributes nothing when the other contributions already
//       hold its span, otherwise the host's range is unknown (rule 1).
//  4. Client ports seen (`seen`) outside what rules 2-3 gave: when more
//     than kStrayShare of them lie outside (system ports below 1024 aside:
//     those are bound on purpose, never allocated), the verdict's ranges are
//     contradicted rather than dented by strays, and the outside ports are
//     widened like a tuned span (whatever their number: the host uses them).
//  5. Every port in `seen` (the client ports the host was seen using) is
//     added, whatever the rules above gave.
// The result is never empty, and always contains `seen`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portclass/port.hpp"

namespace portclass::nft {

// Probability a profile must hold alone for its range to be used alone, and
// that the covering candidates must hold together.
inline constexpr double kHighConfidence = 0.9;
// Distinct client ports a tuned span needs before it says where the range is.
inline constexpr std::uint32_t kTunedMinPorts = 32;
// Smallest block a tuned span is rounded out to (a power of two).
inline constexpr std::uint32_t kTunedMinBlock = 16384;
// Share of the client ports seen that may lie outside the verdict's ranges
// as strays; more, and the range is widened to hold them (rule 4).
inline constexpr double kStrayShare = 0.05;
// The range of a host whose stack or range cannot be told.
inline const PortSet kAnyClientPort{{1024, 65535}};

// One candidate of a verdict, as `portclass profile --json` stores it.
struct VerdictCandidate {
  std::string id;  // OS profile id
  std::string family;
  double probability = 0;
  PortSet range;  // the default range, or the observed span when tuned
  bool tuned = false;
};

// A host's verdict: stored in the profile document or computed here.
struct HostVerdict {
  std::string verdict;  // "identified", "unknown", "several", ...
  double confidence = 0;
  std::vector<VerdictCandidate> candidates;  // best first
  bool stored = false;                       // read from the document rather than inferred here
};

enum class RangeRule : std::uint8_t {
  single,    // one candidate holds kHighConfidence alone
  covering,  // the union of the candidates that hold it together
  unknown,   // nothing known: kAnyClientPort
};
std::string_view to_string(RangeRule r) noexcept;  // "single", "covering", "unknown"

struct RangeChoice {
  PortSet ports;
  RangeRule rule = RangeRule::unknown;
  std::string label;  // names the nft set: a profile id, "tuned", "mixed", "widened" or "unidentified"
  std::string why;    // one line, for notes
};

RangeChoice choose_range(const HostVerdict& verdict, const PortSet& seen, std::uint32_t distinct_ports);

// The enclosing aligned block of a tuned span (rule 3), exposed for tests.
PortSet widen_tuned_span(const PortSet& span, std::uint32_t distinct_ports);

}  // namespace portclass::nft
