// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/profile_import.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include "portclass/host_directory.hpp"
#include "portclass/inference.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/nft/stored_verdict.hpp"
#include "portclass/profile_json.hpp"

namespace portclass::nft {
namespace {

struct Group {
  IpPrefix prefix;
  PortSet ports;
  std::set<std::string> labels;
  std::size_t hosts = 0;
};

// Every port the host was seen using as a client: the return rule must hold
// them all, whatever the verdict says.
PortSet client_ports_seen(const HostProfile& host) {
  return host.stats(Transport::tcp)
      .client_ports.to_set()
      .union_with(host.stats(Transport::udp).client_ports.to_set())
      .union_with(host.dns_ports().to_set());
}

// A server with a stray client port or two (a misattributed mid-connection
// packet) is still a server; a host seen opening a connection is a client.
bool is_server(const HostProfile& host, std::uint32_t client_ports) {
  const auto& tcp = host.stats(Transport::tcp);
  const auto& udp = host.stats(Transport::udp);
  if (client_ports == 0 && host.dns_ports().empty()) return true;
  const bool serves = !tcp.server_ports.empty() || !udp.server_ports.empty();
  const bool opened = tcp.client_sequence.events > 0 || udp.client_sequence.events > 0 || host.dns_queries() > 0;
  return serves && client_ports < InferenceOptions{}.min_client_ports && !opened;
}

}  // namespace

Result<ProfileImport> import_profiles(const nlohmann::json& document, const OsProfileDb& db,
                                      const std::vector<IpPrefix>& group_prefixes, const SignatureDb* signatures) {
  InferenceOptions inference;
  inference.signatures = signatures;
  HostDirectory directory(PortKnowledge::builtin());
  auto merged = merge_from_json(document, directory);
  if (!merged) return make_error("profile document: " + merged.error().message);
  auto stored = read_stored_verdicts(document, db);
  if (!stored) return make_error("profile document: " + stored.error().message);

  std::vector<IpAddress> addresses;
  for (const auto& [address, profile] : directory.hosts()) addresses.push_back(address);
  std::sort(addresses.begin(), addresses.end());

  ProfileImport out;
  std::vector<Group> groups;
  groups.reserve(group_prefixes.size());
  for (const IpPrefix& p : group_prefixes) groups.push_back(Group{p, {}, {}, 0});
  if (stored->empty() && !addresses.empty())
    out.notes.push_back(
        "the document stores no verdicts (a bare profile document): each host is inferred here, "
        "from its ports, TTL and TCP signatures, which may differ from what `portclass profile` printed");

  for (const IpAddress& address : addresses) {
    const HostProfile& host = *directory.find(address);
    HostRange h;
    h.address = address;
    h.seen = client_ports_seen(host);
    const std::uint32_t client_ports =
        host.stats(Transport::tcp).client_ports.count() + host.stats(Transport::udp).client_ports.count();
    if (is_server(host, client_ports)) {
      out.notes.push_back(address.to_string() + ": seen as a server (" + std::to_string(client_ports) +
                          " client ports, no connection seen opening), no return rule; add it with --subnet if it "
                          "is a client");
      out.hosts.push_back(std::move(h));
      continue;
    }
    h.client = true;
    if (const auto it = stored->find(address); it != stored->end()) {
      h.verdict = it->second;
    } else {
      h.verdict = from_inference(infer(host, db, inference));
      if (!stored->empty())
        out.notes.push_back(address.to_string() + ": no stored verdict in the document, inferred here");
    }
    h.choice = choose_range(h.verdict, h.seen, client_ports);
    out.notes.push_back(address.to_string() + ": " + h.choice.why);

    RangeSpec range;
    range.label = h.choice.label;
    range.ports = h.choice.ports;
    range.origin = std::string(h.verdict.stored ? "stored verdict " : "inferred ") + h.verdict.verdict + ", " +
                   std::string(to_string(h.choice.rule)) + " range";
    // The most specific group prefix containing the host, if any.
    Group* home = nullptr;
    for (Group& g : groups)
      if (g.prefix.contains(address) && (!home || g.prefix.length() > home->prefix.length())) home = &g;
    if (home) {
      home->ports = home->ports.union_with(range.ports);
      home->labels.insert(range.label);
      ++home->hosts;
      h.group = home->prefix;
    } else {
      auto prefix = IpPrefix::parse(address.to_string());
      if (!prefix) return prefix.error();
      out.subnets.push_back(Subnet{*prefix, std::move(range)});
    }
    out.hosts.push_back(std::move(h));
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
                                           const std::vector<IpPrefix>& group_prefixes, const SignatureDb* signatures) {
  std::ifstream in(path);
  if (!in) return make_error(path.string() + ": cannot read the profile document");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(path.string() + ": not JSON: " + e.what());
  }
  auto r = import_profiles(doc, db, group_prefixes, signatures);
  if (!r) return make_error(path.string() + ": " + r.error().message);
  return r;
}

}  // namespace portclass::nft
