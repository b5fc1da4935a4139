// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/range_explanation.hpp"

namespace portclass::nft {

using nlohmann::json;

namespace {

json verdict_json(const HostVerdict& v) {
  json candidates = json::array();
  for (const VerdictCandidate& c : v.candidates)
    candidates.push_back({{"id", c.id},
                          {"family", c.family},
                          {"probability", c.probability},
                          {"range", c.range.to_string()},
                          {"tuned", c.tuned}});
  return {{"source", v.stored ? "stored" : "inferred"},
          {"verdict", v.verdict},
          {"confidence", v.confidence},
          {"candidates", std::move(candidates)}};
}

}  // namespace

json explain_ranges(const ProfileImport& imported) {
  json hosts = json::array();
  for (const HostRange& h : imported.hosts) {
    const std::string own = h.address.to_string() + (h.address.is_v4() ? "/32" : "/128");
    hosts.push_back({{"address", h.address.to_string()},
                     {"client", h.client},
                     {"subnet", h.client ? json(h.group ? h.group->to_string() : own) : json(nullptr)},
                     {"range", h.client ? json(h.choice.ports.to_string()) : json(nullptr)},
                     {"rule", h.client ? std::string(to_string(h.choice.rule)) : "server"},
                     {"label", h.client ? json(h.choice.label) : json(nullptr)},
                     {"seen_ports", h.seen.to_string()},
                     {"verdict", h.client ? verdict_json(h.verdict) : json(nullptr)},
                     {"why", h.client ? h.choice.why : "seen as a server: no return rule"}});
  }
  json subnets = json::array();
  for (const Subnet& s : imported.subnets)
    subnets.push_back(
        {{"prefix", s.prefix.to_string()}, {"range", s.range().ports.to_string()}, {"label", s.range().label}});
  return {{"format", "portclass-nft-ranges"},
          {"version", 1},
          {"thresholds",
           {{"high_confidence", kHighConfidence},
            {"tuned_min_ports", kTunedMinPorts},
            {"tuned_min_block", kTunedMinBlock},
            {"stray_share", kStrayShare}}},
          {"hosts", std::move(hosts)},
          {"subnets", std::move(subnets)},
          {"notes", imported.notes}};
}

}  // namespace portclass::nft
