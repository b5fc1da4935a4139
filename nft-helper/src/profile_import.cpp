// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/profile_import.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "portclass/host_directory.hpp"
#include "portclass/inference.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/profile_json.hpp"

namespace portclass::nft {
namespace {

// What NAT devices and cloud gateways may use (AWS NACL guidance): the
// honest range for a host whose stack cannot be told.
const PortSet kUnidentified{{1024, 65535}};
constexpr Port kRounding = 1000;

// A tuned host's observed span is a sample of its real range: widen it by
// the expected unseen margin at each end (span / (n - 1) for n uniform
// draws), then round out to multiples of 1000, the round numbers admins set.
// A ruleset narrower than the host's range breaks connections; this errs wide.
PortSet widen_tuned(const PortSet& observed, std::uint32_t samples) {
  if (observed.empty()) return observed;
  const std::uint32_t low = observed.ranges().front().first;
  const std::uint32_t high = observed.ranges().back().last;
  const std::uint32_t margin = samples > 1 ? (high - low) / (samples - 1) : 0;
  std::uint32_t first = low > margin ? low - margin : 1;
  std::uint32_t last = std::min<std::uint32_t>(65535, high + margin);
  first = std::max<std::uint32_t>(1, first / kRounding * kRounding);
  last = std::min<std::uint32_t>(65535, (last / kRounding + 1) * kRounding - 1);
  return PortSet{{static_cast<Port>(first), static_cast<Port>(last)}};
}

struct Group {
  IpPrefix prefix;
  PortSet ports;
  std::set<std::string> labels;
  std::size_t hosts = 0;
};

}  // namespace

Result<ProfileImport> import_profiles(const nlohmann::json& document, const OsProfileDb& db,
                                      const std::vector<IpPrefix>& group_prefixes) {
  HostDirectory directory(PortKnowledge::builtin());
  auto merged = merge_from_json(document, directory);
  if (!merged) return make_error("profile document: " + merged.error().message);

  std::vector<IpAddress> addresses;
  for (const auto& [address, profile] : directory.hosts()) addresses.push_back(address);
  std::sort(addresses.begin(), addresses.end());

  ProfileImport out;
  std::vector<Group> groups;
  for (const IpPrefix& p : group_prefixes) groups.push_back(Group{p, {}, {}, 0});

  for (const IpAddress& address : addresses) {
    const HostProfile& host = *directory.find(address);
    const std::uint32_t client_ports =
        host.stats(Transport::tcp).client_ports.count() + host.stats(Transport::udp).client_ports.count();
    const bool server =
        !host.stats(Transport::tcp).server_ports.empty() || !host.stats(Transport::udp).server_ports.empty();
    // A server with a stray client port or two (a misattributed packet) is
    // still a server; the threshold is inference's own minimum.
    if (client_ports == 0 || (server && client_ports < InferenceOptions{}.min_client_ports)) {
      out.notes.push_back(address.to_string() + ": seen as a server (" + std::to_string(client_ports) +
                          " client ports), no return rule; add it with --subnet if it is a client");
      continue;
    }
    const Inference inference = infer(host, db);
    RangeSpec range;
    const Candidate* best = inference.best();
    if (inference.verdict == Verdict::identified && best) {
      range.label = best->tuned ? "tuned" : best->id;
      range.ports = best->tuned ? widen_tuned(best->range, client_ports) : best->range;
      range.origin = "inferred " + inference.label();
      out.notes.push_back(address.to_string() + ": " + inference.summary() +
                          (best->tuned ? "; tuned span widened to " + range.ports.to_string() : ""));
    } else {
      range.label = "unidentified";
      range.ports = kUnidentified;
      range.origin = "not identified (" + inference.label() + ")";
      out.notes.push_back(address.to_string() + ": " + inference.label() + ", given 1024-65535: " + inference.summary());
    }
    // The most specific group prefix containing the host, if any.
    Group* home = nullptr;
    for (Group& g : groups)
      if (g.prefix.contains(address) && (!home || g.prefix.length() > home->prefix.length())) home = &g;
    if (home) {
      home->ports = home->ports.union_with(range.ports);
      home->labels.insert(range.label);
      ++home->hosts;
      continue;
    }
    auto prefix = IpPrefix::parse(address.to_string());
    if (!prefix) return prefix.error();
    out.subnets.push_back(Subnet{*prefix, std::move(range)});
  }
  for (const Group& g : groups) {
    if (g.hosts == 0) {
      out.notes.push_back(g.prefix.to_string() + ": no client host seen inside, left out");
      continue;
    }
    RangeSpec range;
    range.label = g.labels.size() == 1 ? *g.labels.begin() : "mixed";
    range.ports = g.ports;
    range.origin = "union of " + std::to_string(g.hosts) + " observed hosts";
    out.subnets.push_back(Subnet{g.prefix, range});
  }
  return out;
}

Result<ProfileImport> import_profiles_file(const std::filesystem::path& path, const OsProfileDb& db,
                                           const std::vector<IpPrefix>& group_prefixes) {
  std::ifstream in(path);
  if (!in) return make_error(path.string() + ": cannot read the profile document");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(path.string() + ": not JSON: " + e.what());
  }
  auto r = import_profiles(doc, db, group_prefixes);
  if (!r) return make_error(path.string() + ": " + r.error().message);
  return r;
}

}  // namespace portclass::nft
