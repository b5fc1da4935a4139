// SPDX-License-Identifier: GPL-2.0-or-later
// The policy: what the rules accept, that their number does not grow with
// ports or subnets, and that equal input gives byte-identical output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "portclass/nft/fields.hpp"
#include "portclass/nft/live_range.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

const OsProfileDb& db() { return OsProfileDb::builtin(); }

Config host_config(const char* range = "linux") {
  Config c;
  c.host_range = resolve_range(range, {}, db()).value();
  return c;
}

Config gateway_config(std::size_t subnets) {
  Config c;
  c.mode = Mode::gateway;
  const char* ranges[] = {"windows", "linux", "windows-xp", "freebsd", "20000-29999"};
  for (std::size_t i = 0; i < subnets; ++i) {
    const std::string prefix = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24";
    c.subnets.push_back(Subnet{IpPrefix::parse(prefix).value(), resolve_range(ranges[i % 5], {}, db()).value()});
  }
  c.subnets.push_back(Subnet{IpPrefix::parse("fd00:1::/64").value(), resolve_range("macos", {}, db()).value()});
  return c;
}

bool has(const Match& m, Field f) { return m.field == f; }

const Match* find(const Rule& r, Field f) {
  for (const Match& m : r.matches)
    if (has(m, f)) return &m;
  return nullptr;
}

// Every rule that accepts by conntrack state must say which ports (or be
// ICMP-only), and `related` must be ICMP-only: the two promises of the policy.
void check_promises(const Ruleset& r) {
  for (const Rule& rule : r.rules) {
    const Match* state = find(rule, Field::ct_state);
    if (!state || rule.verdict != Verdict::accept) continue;
    INFO(render_rule(rule));
    const Match* l4 = find(rule, Field::meta_l4proto);
    const bool icmp_only = l4 && std::all_of(l4->values.begin(), l4->values.end(), [](const Interval& v) {
                             return v.low[0] == kProtoIcmp || v.low[0] == kProtoIcmpv6;
                           });
    if (state->bits & kCtRelated) CHECK(icmp_only);
    if (state->bits & kCtEstablished) {
      const bool ports = find(rule, Field::th_dport) || find(rule, Field::udp_dport) || find(rule, Field::tcp_sport) ||
                         find(rule, Field::udp_sport) || find(rule, Field::tcp_dport);
      CHECK((ports || icmp_only));
      const Match* dir = find(rule, Field::ct_direction);
      REQUIRE(dir);
      CHECK(dir->values.front().low == Bytes{1});  // reply
    }
  }
}

}  // namespace

TEST_CASE("host mode: return traffic only as established replies to the ephemeral set", "[policy]") {
  auto r = build_ruleset(host_config("windows"));
  REQUIRE(r.ok());
  REQUIRE(r->chains.size() == 1);
  CHECK(r->chains[0].hook == Hook::input);
  CHECK(r->chains[0].policy == Verdict::drop);
  const Set* eph = r->find_set("ephemeral");
  REQUIRE(eph);
  CHECK(ports_of(eph->elements).to_string() == "49152-65535");
  const Rule* ret = nullptr;
  for (const Rule& rule : r->rules)
    if (const Match* m = find(rule, Field::th_dport); m && m->set == "ephemeral") ret = &rule;
  REQUIRE(ret);
  CHECK(render_rule(*ret).rfind(
            "ct state established ct direction reply meta l4proto { tcp, udp } th dport @ephemeral accept", 0) == 0);
  check_promises(*r);
}

TEST_CASE("the rule count does not grow with the number of ports", "[policy]") {
  Config few = host_config();
  few.tcp_services = PortSet::parse("22").value();
  Config many = host_config();
  many.tcp_services = PortSet::parse("22,25,80,443,1000-2000,3000,4000-4100,8080,9000-9999").value();
  auto a = build_ruleset(few), b = build_ruleset(many);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->rules.size() == b->rules.size());
  CHECK(b->find_set("tcp_services")->elements.size() == 9);
}

TEST_CASE("the rule count does not grow with the number of subnets", "[policy]") {
  auto small = build_ruleset(gateway_config(10));
  auto large = build_ruleset(gateway_config(3000));
  REQUIRE(small.ok());
  REQUIRE(large.ok());
  CHECK(small->rules.size() == large->rules.size());
  // One return rule per distinct range and family: 5 IPv4 ranges + 1 IPv6.
  std::size_t returns = 0;
  for (const Rule& rule : large->rules)
    if (const Match* m = find(rule, Field::th_dport); m && !m->set.empty()) ++returns;
  CHECK(returns == 6);
  // Every subnet is in a set; windows owns every fifth /24 (and shares its
  // range, hence its set, with the IPv6 macOS subnet).
  const Set* windows = large->find_set("macos_windows_v4");
  REQUIRE(windows);
  CHECK(windows->elements.size() == 600);
  check_promises(*large);
}

TEST_CASE("equal input gives byte-identical script and JSON, whatever the subnet order", "[policy][determinism]") {
  Config a = gateway_config(500);
  Config b = a;
  std::mt19937 shuffle(42);
  std::shuffle(b.subnets.begin(), b.subnets.end(), shuffle);
  REQUIRE(a.subnets.front().prefix.to_string() != b.subnets.front().prefix.to_string());
  auto ra = build_ruleset(a), rb = build_ruleset(b);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  CHECK(render_script(*ra) == render_script(*rb));
  CHECK(render_json(*ra).dump() == render_json(*rb).dump());
  CHECK(render_script(*ra) == render_script(*build_ruleset(a)));
}

TEST_CASE("stateless: no conntrack match anywhere, TCP openings refused", "[policy]") {
  Config c = host_config();
  c.stateless = true;
  c.tcp_services = PortSet::parse("22").value();
  c.protocols.ntp = true;
  auto r = build_ruleset(c);
  REQUIRE(r.ok());
  bool tcp_return = false;
  for (const Rule& rule : r->rules) {
    INFO(render_rule(rule));
    CHECK_FALSE(find(rule, Field::ct_state));
    CHECK_FALSE(find(rule, Field::ct_direction));
    if (const Match* m = find(rule, Field::tcp_dport); m && m->set == "ephemeral") {
      const Match* flags = find(rule, Field::tcp_flags);
      REQUIRE(flags);
      CHECK(flags->op == Op::masked_neq);
      CHECK(flags->bits == (kTcpSyn | kTcpAck));
      tcp_return = true;
    }
  }
  CHECK(tcp_return);
}

TEST_CASE("the live range minus reserved ports becomes the ephemeral set", "[policy][live]") {
  const auto dir = std::filesystem::temp_directory_path() / ("pcnft-proc-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "sys/net/ipv4");
  std::ofstream(dir / "sys/net/ipv4/ip_local_port_range") << "32768\t60999\n";
  std::ofstream(dir / "sys/net/ipv4/ip_local_reserved_ports") << "8080,40000-40010,50000\n";
  auto live = read_live_range(dir);
  REQUIRE(live.ok());
  CHECK(live->ephemeral().to_string() == "32768-39999,40011-49999,50001-60999");
  Config c;
  c.host_range = live_range_spec(*live);
  auto r = build_ruleset(c);
  REQUIRE(r.ok());
  CHECK(ports_of(r->find_set("ephemeral")->elements).to_string() == "32768-39999,40011-49999,50001-60999");
  CHECK(r->find_set("ephemeral")->comment.find("minus reserved 40000-40010,50000") != std::string::npos);

  std::ofstream(dir / "sys/net/ipv4/ip_local_port_range") << "garbage\n";
  CHECK_FALSE(read_live_range(dir).ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("switching a family off drops it and leaves out its rules", "[policy]") {
  Config c = host_config();
  c.ipv4 = false;
  auto r = build_ruleset(c);
  REQUIRE(r.ok());
  bool dropped = false;
  for (const Rule& rule : r->rules) {
    CHECK_FALSE(find(rule, Field::icmp_type));
    if (const Match* m = find(rule, Field::meta_nfproto); m && rule.verdict == Verdict::drop)
      dropped = m->values.front().low == Bytes{2};
  }
  CHECK(dropped);
}

TEST_CASE("gateway mode refuses nothing to protect and conflicting subnets", "[policy]") {
  Config c;
  c.mode = Mode::gateway;
  CHECK_FALSE(build_ruleset(c).ok());
  c.subnets.push_back(Subnet{IpPrefix::parse("10.0.0.0/8").value(), resolve_range("linux", {}, db()).value()});
  c.subnets.push_back(Subnet{IpPrefix::parse("10.0.0.0/8").value(), resolve_range("windows", {}, db()).value()});
  auto r = build_ruleset(c);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("10.0.0.0/8") != std::string::npos);
}

TEST_CASE("profiles sharing a range share one set and one rule", "[policy]") {
  Config c;
  c.mode = Mode::gateway;
  c.subnets.push_back(Subnet{IpPrefix::parse("10.1.0.0/16").value(), resolve_range("windows", {}, db()).value()});
  c.subnets.push_back(Subnet{IpPrefix::parse("10.3.0.0/16").value(), resolve_range("macos", {}, db()).value()});
  auto r = build_ruleset(c);
  REQUIRE(r.ok());
  CHECK(r->find_set("macos_windows_ports"));
  CHECK(r->find_set("macos_windows_v4")->elements.size() == 2);
}
