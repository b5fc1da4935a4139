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
    const bool client = !host.stats(Transport::tcp).client_ports.empty() || !host.stats(Transport::udp).client_ports.empty();
    if (!client) {
      out.notes.push_back(address.to_string() + ": seen only as a server, no return rule needed");
      continue;
    }
    const Inference inference = infer(host, db);
    RangeSpec range;
    const Candidate* best = inference.best();
    if (inference.verdict == Verdict::identified && best) {
      range.label = best->tuned ? "tuned" : best->id;
      range.ports = best->range;
      range.origin = "inferred " + inference.label();
      out.notes.push_back(address.to_string() + ": " + inference.summary());
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
    out.subnets.push_back(Subnet{*prefix, range});
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
