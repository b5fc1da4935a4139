// SPDX-License-Identifier: GPL-2.0-or-later
#include "profile_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "portclass/profile_json.hpp"
#include "text.hpp"

namespace portclass::cli {
namespace {

constexpr std::size_t kShownCandidates = 3;

std::string short_list(const PortSet& ports, std::size_t max_ranges = 8) {
  const auto& ranges = ports.ranges();
  if (ranges.size() <= max_ranges) return ports.to_string();
  std::string s;
  for (std::size_t i = 0; i < max_ranges; ++i) s += (i ? "," : "") + ranges[i].to_string();
  return s + fmt::format(",... ({} ports)", ports.size());
}

std::string os_line(const Inference& inf) {
  const Candidate* best = inf.best();
  if (inf.verdict == Verdict::identified && best) {
    std::string s = fmt::format("{} {} ({}, range {}{})", inf.label(), percent(inf.confidence()), best->name,
                                best->range.to_string(), best->tuned ? ", tuned" : "");
    if (inf.families.size() > 1 && inf.families[1].probability >= 0.05)
      s += fmt::format("; then {} {}", inf.families[1].family, percent(inf.families[1].probability));
    return s;
  }
  if (!best) return inf.label();
  return fmt::format("{} (likeliest: {} {}, range {})", inf.label(), best->name, percent(best->probability),
                     best->range.to_string());
}

std::string ports_line(const HostProfile& p) {
  std::string s;
  for (const Transport t : {Transport::tcp, Transport::udp}) {
    const auto& st = p.stats(t);
    if (!st.client_ports.empty())
      s += fmt::format("{}{} client {} ({})", s.empty() ? "" : "; ", to_string(t), st.client_ports.count(),
                       PortRange{st.client_ports.min(), st.client_ports.max()}.to_string());
    if (!st.server_ports.empty())
      s += fmt::format("{}{} server {}", s.empty() ? "" : "; ", to_string(t), short_list(st.server_ports.to_set()));
  }
  if (p.dns_queries())
    s += fmt::format("; {} from {}", plural(p.dns_queries(), "DNS query", "DNS queries"),
                     plural(p.dns_ports().count(), "source port", "source ports"));
  return s.empty() ? "none attributed" : s;
}

}  // namespace

std::vector<HostAnalysis> analyse(const HostDirectory& directory, const PortKnowledge& knowledge,
                                  const InferenceOptions& options) {
  std::vector<HostAnalysis> out;
  out.reserve(directory.size());
  for (const auto& [address, profile] : directory.hosts()) {
    HostAnalysis a{address, &profile, infer(profile, knowledge.profiles(), options), {}};
    a.findings = find_issues(profile, a.inference, knowledge);
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const HostAnalysis& a, const HostAnalysis& b) { return a.address < b.address; });
  return out;
}

void note_flows_only(std::vector<HostAnalysis>& hosts) {
  for (HostAnalysis& h : hosts)
    h.inference.evidence.push_back(
        "TTL and SYN evidence missing: only flow records (Suricata EVE) were seen, no packets; "
        "the verdict rests on the ports and their order");
}

void render_text(const std::vector<HostAnalysis>& hosts, const InputSummary& input, std::ostream& out) {
  if (input.eve) {
    const EveCounters& e = input.eve_counters;
    out << fmt::format(
        "{}: {} lines, {} flow events, {} netflow events (+{} repeating a flow event), {} ignored, "
        "{} malformed (skipped); {}\n",
        plural(input.files.size(), "EVE log", "EVE logs"), e.lines, e.flows, e.netflows, e.repeats, e.ignored,
        e.malformed, plural(hosts.size(), "host", "hosts"));
  } else if (input.profiles) {
    out << fmt::format("{} merged: {}\n", plural(input.documents, "profile document", "profile documents"),
                       plural(hosts.size(), "host", "hosts"));
  } else {
    const auto& c = input.counters;
    const std::string what = input.live ? fmt::format("live on {}{}", fmt::join(input.files, ", "),
                                                      input.snapshot ? " (snapshot, still capturing)" : "")
                                        : plural(input.files.size(), "capture", "captures");
    out << fmt::format("{}: {} packets, {} TCP/UDP, {} truncated (counted, not used), {} malformed, {} other; {}\n",
                       what, c.packets, c.tcp_udp, c.truncated, c.malformed, c.other,
                       plural(hosts.size(), "host", "hosts"));
    if (input.live)
      out << fmt::format("kernel drops: {} (no room in the capture buffer), {} by the interface\n",
                         input.drops.kernel_dropped, input.drops.interface_dropped);
  }
  if (!input.filter.empty()) out << "filter: " << input.filter << "\n";
  if (input.max_hosts)
    out << fmt::format("host table capped at {}: {} evicted (least recently seen first)\n", input.max_hosts,
                       plural(input.evicted, "host", "hosts"));
  if (!input.broken.empty()) out << "input broke: " << input.broken << " (the report holds what came before)\n";
  std::size_t findings = 0, flagged = 0;
  for (const HostAnalysis& h : hosts) {
    out << "\n" << h.address.to_string() << "\n";
    out << "  os        " << os_line(h.inference) << "\n";
    for (std::size_t i = 0; i < h.inference.evidence.size(); ++i)
      out << (i == 0 ? "  evidence  " : "            ") << h.inference.evidence[i] << "\n";
    out << fmt::format("  packets   {}\n", h.profile->packets());
    out << "  ports     " << ports_line(*h.profile) << "\n";
    if (h.findings.empty()) out << "  findings  none\n";
    for (std::size_t i = 0; i < h.findings.size(); ++i)
      out << (i == 0 ? "  findings  " : "            ") << "[" << to_string(h.findings[i].kind) << "] "
          << h.findings[i].message << "\n";
    findings += h.findings.size();
    flagged += !h.findings.empty();
  }
  out << fmt::format("\n{} on {}\n", plural(findings, "finding", "findings"), plural(flagged, "host", "hosts"));
}

nlohmann::json to_json(const HostDirectory& directory, const std::vector<HostAnalysis>& hosts,
                       const InputSummary& input) {
  using nlohmann::json;
  json doc = portclass::to_json(directory);
  json analysis = json::object();
  for (const HostAnalysis& h : hosts) {
    const Inference& inf = h.inference;
    json a;
    a["os"] = inf.label();
    a["verdict"] = to_string(inf.verdict);
    a["confidence"] = inf.confidence();
    const Candidate* best = inf.best();
    a["range"] = best ? json(best->range.to_string()) : json(nullptr);
    a["tuned"] = best ? best->tuned : false;
    a["candidates"] = json::array();
    for (std::size_t i = 0; i < std::min(kShownCandidates, inf.candidates.size()); ++i) {
      const Candidate& c = inf.candidates[i];
      a["candidates"].push_back({{"id", c.id},
                                 {"family", c.family},
                                 {"name", c.name},
                                 {"range", c.range.to_string()},
                                 {"tuned", c.tuned},
                                 {"probability", c.probability}});
    }
    a["evidence"] = inf.evidence;
    a["signatures"] = json::array();
    for (const SignatureSeen& sig : inf.signatures)
      a["signatures"].push_back({{"kind", sig.syn_ack ? "syn+ack" : "syn"},
                                 {"key", sig.key},
                                 {"p0f", sig.p0f},
                                 {"count", sig.count},
                                 {"label", sig.label.empty() ? json(nullptr) : json(sig.label)},
                                 {"origin", sig.origin.empty() ? json(nullptr) : json(sig.origin)},
                                 {"match", sig.match.empty() ? json(nullptr) : json(sig.match)},
                                 {"profile", sig.profile_id.empty() ? json(nullptr) : json(sig.profile_id)}});
    a["findings"] = json::array();
    for (const Finding& f : h.findings)
      a["findings"].push_back({{"kind", to_string(f.kind)}, {"message", f.message}, {"ports", f.ports.to_string()}});
    analysis[h.address.to_string()] = std::move(a);
  }
  doc["analysis"] = std::move(analysis);
  json in = {{"files", input.files},
             {"kind", input.eve        ? "eve"
                      : input.profiles ? "profiles"
                      : input.live     ? "live"
                                       : "captures"}};
  if (input.profiles) in["documents"] = input.documents;
  if (input.eve)
    in["counters"] = {{"lines", input.eve_counters.lines},       {"flows", input.eve_counters.flows},
                      {"netflows", input.eve_counters.netflows}, {"netflow_repeats", input.eve_counters.repeats},
                      {"ignored", input.eve_counters.ignored},   {"malformed", input.eve_counters.malformed}};
  else if (!input.profiles)
    in["counters"] = {{"packets", input.counters.packets},
                      {"tcp_udp", input.counters.tcp_udp},
                      {"truncated", input.counters.truncated},
                      {"malformed", input.counters.malformed},
                      {"other", input.counters.other}};
  if (input.live) {
    in["counters"]["received"] = input.drops.received;
    in["counters"]["kernel_dropped"] = input.drops.kernel_dropped;
    in["counters"]["interface_dropped"] = input.drops.interface_dropped;
    in["snapshot"] = input.snapshot;
    in["netns"] = input.netns.empty() ? json(nullptr) : json(input.netns);
  }
  in["filter"] = input.filter.empty() ? json(nullptr) : json(input.filter);
  if (input.max_hosts) in["max_hosts"] = input.max_hosts;
  in["evicted_hosts"] = input.evicted;
  if (!input.broken.empty()) in["broken"] = input.broken;
  doc["input"] = std::move(in);
  return doc;
}

}  // namespace portclass::cli
