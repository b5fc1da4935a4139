// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/findings.hpp"

#include <cmath>

namespace portclass {
namespace {

// A port list short enough for one sentence: the first few ranges, then how
// many more ports there are.
std::string abbreviated(const PortSet& ports, std::size_t max_ranges = 6) {
  const auto& ranges = ports.ranges();
  if (ranges.size() <= max_ranges) return ports.to_string();
  std::string out;
  std::uint32_t shown = 0;
  for (std::size_t i = 0; i < max_ranges; ++i) {
    out += (i ? "," : "") + ranges[i].to_string();
    shown += ranges[i].size();
  }
  return out + ",... (" + std::to_string(ports.size() - shown) + " more)";
}

std::string percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + "%"; }

std::string range_name(const Candidate& best, const Inference& inference) {
  std::string s = best.name;
  if (inference.verdict != Verdict::identified) s += ", the likeliest profile at " + percent(best.probability);
  return s;
}

void server_in_range(const HostProfile& host, const Inference& inference, std::vector<Finding>& out) {
  const Candidate* best = inference.best();
  if (!best) return;
  for (const Transport t : {Transport::tcp, Transport::udp}) {
    const PortSet inside = host.stats(t).server_ports.to_set().intersection(best->range);
    if (inside.empty()) continue;
    out.push_back({FindingKind::server_in_ephemeral_range,
                   "serves " + abbreviated(inside) + "/" + std::string(to_string(t)) + " inside its ephemeral range " +
                       best->range.to_string() + " (" + range_name(*best, inference) +
                       "): its own outgoing connections can take these ports first; reserve them "
                       "(ip_local_reserved_ports) or move the service",
                   inside, t});
  }
}

void dns_ports(const HostProfile& host, const FindingOptions& options, std::vector<Finding>& out) {
  const std::uint64_t queries = host.dns_queries();
  if (queries < options.min_dns_queries || host.dns_ports().empty()) return;
  const std::uint32_t distinct = host.dns_ports().count();
  const PortSet ports = host.dns_ports().to_set();
  if (distinct == 1) {
    out.push_back({FindingKind::dns_fixed_port,
                   "all " + std::to_string(queries) + " DNS queries come from source port " + ports.to_string() +
                       ": a fixed port makes cache poisoning easy (CVE-2008-1447; RFC 5452 asks for random ports)",
                   ports, Transport::udp});
  } else if (double(distinct) < options.dns_low_entropy_share * double(queries)) {
    out.push_back({FindingKind::dns_low_entropy,
                   std::to_string(queries) + " DNS queries from only " + std::to_string(distinct) + " source ports (" +
                       abbreviated(ports) + "): little source-port entropy against cache poisoning (RFC 5452)",
                   ports, Transport::udp});
  }
  const SequenceStats& seq = host.dns_sequence();
  const std::uint64_t unit_steps = seq.unit_rises + seq.unit_falls;
  if (seq.steps() >= options.min_sequence_steps && double(unit_steps) > options.sequential_share * double(seq.steps()))
    out.push_back({FindingKind::dns_sequential,
                   std::to_string(unit_steps) + " of " + std::to_string(seq.steps()) +
                       " successive DNS source ports differ by one: predictable query ports (RFC 5452)",
                   ports, Transport::udp});
}

void sequential(const HostProfile& host, const FindingOptions& options, std::vector<Finding>& out) {
  for (const Transport t : {Transport::tcp, Transport::udp}) {
    const auto& stats = host.stats(t);
    const SequenceStats& seq = stats.client_sequence;
    if (seq.steps() < options.min_sequence_steps) continue;
    const double limit = options.sequential_share * double(seq.steps());
    const bool rises = double(seq.unit_rises) > limit, falls = double(seq.unit_falls) > limit;
    if (!rises && !falls) continue;
    const std::string transport = t == Transport::tcp ? "TCP" : "UDP";
    out.push_back({FindingKind::sequential_ports,
                   transport + " source ports " + (rises ? "rise" : "fall") + " by one per new connection (" +
                       std::to_string(rises ? seq.unit_rises : seq.unit_falls) + " of " + std::to_string(seq.steps()) +
                       " steps): " + (rises ? "a global counter" : "a count-down") +
                       " makes the next port predictable (RFC 6056)",
                   stats.client_ports.to_set(), t});
  }
}

void outside_ranges(const HostProfile& host, const Inference& inference, const PortKnowledge& knowledge,
                    std::vector<Finding>& out) {
  DistinctPorts client = host.stats(Transport::tcp).client_ports;
  client.merge(host.stats(Transport::udp).client_ports);
  const Candidate* best = inference.best();
  if (client.empty() || !best) return;
  const PortSet ports = client.to_set();

  PortSet foreign;  // outside the default range of every end-host profile
  client.for_each([&](Port p) {
    if (!knowledge.in_any_ephemeral_range(p)) foreign.add(p);
  });
  // Judge against every default range of the inferred family: a "tuned" best
  // candidate whose ports lie inside another version's default (Windows XP's
  // 1025-5000 under a Vista candidate), or that a global counter merely
  // concentrates, is not outside anything.
  PortSet default_range;
  for (const OsProfile& p : knowledge.profiles().profiles())
    if (p.family == best->family) default_range = default_range.union_with(p.ephemeral);
  if (default_range.empty()) default_range = best->range;
  const PortSet strays = ports.difference(default_range);
  std::string message;
  PortSet concerned;
  if (best->tuned && !strays.empty()) {
    message = "client ports span " + best->range.to_string() + ", outside every default range of " + best->family +
              " (" + default_range.to_string() + "): a tuned ip_local_port_range, or NAT";
    concerned = strays;
  } else if (!best->tuned && inference.verdict == Verdict::identified && !strays.empty()) {
    message = std::to_string(strays.size()) + " of " + std::to_string(client.count()) +
              " client ports lie outside the default ranges of " + best->family + " (" + default_range.to_string() +
              "): " + abbreviated(strays) + "; NAT, a tuned range or another stack behind the address";
    concerned = strays;
  }
  if (!foreign.empty()) {
    message += std::string(message.empty() ? "" : "; ") + std::to_string(foreign.size()) +
               " client ports lie outside every known OS range: " + abbreviated(foreign);
    concerned = concerned.union_with(foreign);
  }
  if (!message.empty())
    out.push_back({FindingKind::outside_known_ranges, std::move(message), std::move(concerned), std::nullopt});
}

}  // namespace

std::string_view to_string(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::server_in_ephemeral_range: return "server-in-ephemeral-range";
    case FindingKind::dns_fixed_port: return "dns-fixed-port";
    case FindingKind::dns_low_entropy: return "dns-low-entropy";
    case FindingKind::dns_sequential: return "dns-sequential";
    case FindingKind::sequential_ports: return "sequential-ports";
    case FindingKind::outside_known_ranges: break;
  }
  return "outside-known-ranges";
}

std::vector<Finding> find_issues(const HostProfile& host, const Inference& inference, const PortKnowledge& knowledge,
                                 const FindingOptions& options) {
  std::vector<Finding> out;
  server_in_range(host, inference, out);
  dns_ports(host, options, out);
  sequential(host, options, out);
  outside_ranges(host, inference, knowledge, out);
  return out;
}

}  // namespace portclass
