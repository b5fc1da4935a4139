// SPDX-License-Identifier: GPL-2.0-or-later
// The two renderers: the script replaces only its own table; the JSON is the
// same ruleset in the libnftables schema. (That nft accepts both, and that
// both load the same ruleset as netlink, is checked against the kernel in
// test_kernel.cpp.)
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

Ruleset sample() {
  Config c;
  c.table = "edge";
  c.mode = Mode::gateway;
  c.subnets.push_back(
      Subnet{IpPrefix::parse("10.1.0.0/16").value(), resolve_range("windows", {}, OsProfileDb::builtin()).value()});
  c.subnets.push_back(
      Subnet{IpPrefix::parse("fd00:2::/64").value(), resolve_range("linux", {}, OsProfileDb::builtin()).value()});
  c.tcp_services = PortSet::parse("22,8000-8100").value();
  c.protocols.ike = true;
  return build_ruleset(c).value();
}

}  // namespace

TEST_CASE("the script replaces its own table and names no other", "[render]") {
  const Ruleset r = sample();
  const std::string script = render_script(r);
  CHECK(script.find("table inet edge\ndelete table inet edge\ntable inet edge {\n") != std::string::npos);
  std::istringstream lines(script);
  std::string line;
  const std::regex table_word(R"((^|\s)table\s+(\S+)\s+(\S+))");
  std::size_t rules = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.rfind('#', 0) != 0 && std::regex_search(line, m, table_word)) {
      CHECK(m[2] == "inet");
      CHECK(m[3] == "edge");
    }
    CHECK(line.find("flush ruleset") == std::string::npos);
    if (line.find(" accept") != std::string::npos || line.find(" drop comment") != std::string::npos) ++rules;
  }
  CHECK(rules == r.rules.size());
  // Each rule says why it exists.
  for (const Rule& rule : r.rules) CHECK_FALSE(rule.comment.empty());
}

TEST_CASE("the JSON has one command per object and rule, with the replace idiom", "[render]") {
  const Ruleset r = sample();
  const auto j = render_json(r);
  const auto& cmds = j.at("nftables");
  REQUIRE(cmds.is_array());
  CHECK(cmds[0].contains("metainfo"));
  CHECK(cmds[1]["add"]["table"]["name"] == "edge");
  CHECK(cmds[2]["delete"]["table"]["name"] == "edge");
  std::size_t rules = 0, sets = 0, chains = 0;
  for (const auto& c : cmds) {
    if (!c.contains("add")) continue;
    rules += c["add"].contains("rule");
    sets += c["add"].contains("set");
    chains += c["add"].contains("chain");
    if (c["add"].contains("rule")) {
      CHECK(c["add"]["rule"]["family"] == "inet");
      CHECK(c["add"]["rule"]["table"] == "edge");
    }
  }
  CHECK(rules == r.rules.size());
  CHECK(sets == r.sets.size());
  CHECK(chains == r.chains.size());
}

TEST_CASE("JSON values: ranges, prefixes, named sets and state bits", "[render]") {
  const auto j = render_json(sample());
  bool return_rule = false;
  for (const auto& c : j["nftables"]) {
    if (!c.contains("add")) continue;
    if (c["add"].contains("set") && c["add"]["set"]["name"] == "windows_v4")
      CHECK(c["add"]["set"]["elem"][0]["prefix"] == nlohmann::ordered_json({{"addr", "10.1.0.0"}, {"len", 16}}));
    if (c["add"].contains("set") && c["add"]["set"]["name"] == "tcp_services")
      CHECK(c["add"]["set"]["elem"][1]["range"] == nlohmann::ordered_json::array({8000, 8100}));
    if (!c["add"].contains("rule")) continue;
    const auto& expr = c["add"]["rule"]["expr"];
    for (const auto& e : expr)
      if (e.contains("match") && e["match"]["right"] == "@windows_ports") {
        return_rule = true;
        CHECK(expr[1]["match"]["left"]["ct"]["key"] == "state");
        CHECK(expr[1]["match"]["op"] == "in");
        CHECK(expr[1]["match"]["right"] == "established");
        CHECK(expr[2]["match"]["right"] == "reply");
      }
  }
  CHECK(return_rule);
}
