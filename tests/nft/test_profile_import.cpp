// SPDX-License-Identifier: GPL-2.0-or-later
// --from-profile: hosts of a `portclass profile --json` document become
// gateway subnets with their inferred ranges. First on synthetic profiles,
// then on the sample lab's real captures (bare profile documents, so the
// import infers each host itself; test_verdict_range.cpp covers stored
// verdicts rule by rule).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "portclass/capture/capture_reader.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/profile_import.hpp"
#include "portclass/profile_json.hpp"

using namespace portclass;
using namespace portclass::nft;
namespace fs = std::filesystem;

namespace {

IpAddress A(const char* text) { return IpAddress::parse(text).value(); }

// `count` connections from `client` to a server on 443: the client opened
// each from a port (SYN), the server answered on 443.
void connections(HostDirectory& dir, const IpAddress& client, std::uint8_t ttl, Port first, int step, int count,
                 Timestamp& clock) {
  HostProfile c, server;
  for (int i = 0; i < count; ++i) {
    const Port port = static_cast<Port>(first + i * step);
    c.add_packet(Transport::tcp, ttl);
    c.add_client_port(Transport::tcp, port, clock += 1000, true);
    server.add_packet(Transport::tcp, 64);
    server.add_server_port(Transport::tcp, 443);
  }
  dir.merge(client, c);
  dir.merge(A("192.0.2.1"), server);
}

}  // namespace

TEST_CASE("synthetic profiles: each client gets a range holding its OS's, servers none", "[import]") {
  HostDirectory dir(PortKnowledge::builtin());
  Timestamp clock = 0;
  connections(dir, A("10.9.0.2"), 128, 1100, 1, 40, clock);    // XP-like: sequential from 1100, TTL 128
  connections(dir, A("10.9.0.3"), 64, 33000, 614, 40, clock);  // Linux-like: even ports across the range
  const auto doc = to_json(dir);                               // a bare profile document: inferred by the import

  auto imported = import_profiles(doc, OsProfileDb::builtin(), {});
  REQUIRE(imported.ok());
  std::map<std::string, Subnet> by_prefix;
  for (const Subnet& s : imported->subnets) by_prefix.emplace(s.prefix.to_string(), s);
  REQUIRE(by_prefix.count("10.9.0.2/32"));
  REQUIRE(by_prefix.count("10.9.0.3/32"));
  CHECK_FALSE(by_prefix.count("192.0.2.1/32"));  // the server
  CHECK(by_prefix.at("10.9.0.2/32").range().ports.contains(PortSet::parse("1025-5000").value()));
  CHECK(by_prefix.at("10.9.0.3/32").range().ports.contains(PortSet::parse("32768-60999").value()));

  // Grouped into the user's subnet: one entry with the union of both ranges.
  auto grouped = import_profiles(doc, OsProfileDb::builtin(), {IpPrefix::parse("10.9.0.0/24").value()});
  REQUIRE(grouped.ok());
  REQUIRE(grouped->subnets.size() == 1);
  CHECK(grouped->subnets[0].prefix.to_string() == "10.9.0.0/24");
  CHECK(grouped->subnets[0].range().ports ==
        by_prefix.at("10.9.0.2/32").range().ports.union_with(by_prefix.at("10.9.0.3/32").range().ports));
  for (const HostRange& h : grouped->hosts)
    if (h.client) CHECK(h.group == IpPrefix::parse("10.9.0.0/24").value());
}

TEST_CASE("a bad profile document is refused with its JSON path", "[import]") {
  auto r = import_profiles(nlohmann::json{{"format", "something-else"}}, OsProfileDb::builtin(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\n') == std::string::npos);
}

TEST_CASE("the lab capture becomes a gateway ruleset with each client's real range", "[import][lab]") {
  const fs::path captures = fs::path(PORTCLASS_SOURCE_DIR) / "samples/lab/captures";
  if (!fs::exists(captures / "lab.pcapng") || !fs::exists(captures / "labels.tsv")) {
    WARN("skipped: samples/lab/captures/lab.pcapng is not there (run samples/lab/make-lab.sh)");
    return;
  }
  HostDirectory dir(PortKnowledge::builtin());
  auto reader = capture::CaptureReader::open(captures / "lab.pcapng");
  REQUIRE(reader.ok());
  REQUIRE(reader.value().read_all([&](const PacketFacts& p) { dir.observe(p); }).ok());

  auto imported = import_profiles(to_json(dir), OsProfileDb::builtin(), {});
  REQUIRE(imported.ok());
  std::map<std::string, PortSet> ranges;
  for (const Subnet& s : imported->subnets) ranges[s.prefix.network().to_string()] = s.range().ports;
  std::map<std::string, RangeRule> rules;
  for (const HostRange& h : imported->hosts) rules[h.address.to_string()] = h.choice.rule;

  std::ifstream labels(captures / "labels.tsv");
  std::string line;
  std::getline(labels, line);
  int clients = 0, exact = 0;
  while (std::getline(labels, line)) {
    std::istringstream row(line);
    std::string address, os, family, range, ttl, role;
    row >> address >> os >> family >> range >> ttl >> role;
    INFO(address << " " << os << " labelled " << range);
    if (role != "client") {
      CHECK_FALSE(ranges.count(address));  // servers get no return rule
      continue;
    }
    ++clients;
    REQUIRE(ranges.count(address));
    const PortSet labelled = PortSet::parse(range).value();
    // The ruleset must never be narrower than what the host really uses,
    CHECK(ranges[address].contains(labelled));
    // nor wide open for a host identified (1024-65535 when nothing is known).
    INFO(to_string(rules[address]));
    if (rules[address] != RangeRule::unknown) CHECK(ranges[address].size() <= 2 * labelled.size());
    exact += ranges[address] == labelled;
  }
  CHECK(clients >= 10);
  // The hosts at their OS's default range get exactly it (Linux, Windows,
  // XP, macOS, the fixed-DNS Linux host: 10 addresses at the time of writing).
  CHECK(exact >= clients / 2);

  auto ruleset = [&] {
    Config c;
    c.mode = Mode::gateway;
    c.subnets = imported->subnets;
    return build_ruleset(c);
  }();
  REQUIRE(ruleset.ok());
  CHECK(ruleset->find_set("windows_xp_ports"));
}
