// SPDX-License-Identifier: GPL-2.0-or-later
// portclass-nft against the real kernel, inside throw-away namespaces:
// nft accepts every generated ruleset, netlink loads exactly what nft -f
// loads, a failing batch changes nothing, check applies nothing, the audit
// finds each problem and nothing on its own output.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <sstream>

#include "netns_fixture.hpp"
#include "portclass/exit_code.hpp"
#include "portclass/nft/audit.hpp"
#include "portclass/nft/kernel.hpp"
#include "portclass/nft/live_range.hpp"
#include "portclass/nft/live_ruleset.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

using namespace portclass;
using namespace portclass::nft;
using nfttest::TestNetns;

namespace {

const OsProfileDb& db() { return OsProfileDb::builtin(); }
RangeSpec R(const char* text) { return resolve_range(text, {}, db()).value(); }

struct Case {
  std::string name;
  Config config;
};

// A matrix of configs covering every option of the policy.
std::vector<Case> configs() {
  std::vector<Case> out;
  for (const char* range : {"linux", "windows", "windows-xp", "macos", "freebsd", "20000-29999,40000-40099"}) {
    Config c;
    c.host_range = R(range);
    out.push_back({std::string("host ") + range, c});
  }
  Config full;
  full.host_range = R("linux");
  full.tcp_services = PortSet::parse("22,80,443,8000-8100").value();
  full.udp_services = PortSet::parse("53,5000-5010").value();
  full.protocols = Protocols{true, true, true, true, PortSet::parse("51820,51821").value()};
  out.push_back({"host with every service and protocol", full});
  Config restrict = full;
  restrict.outbound = Outbound::restrict;
  restrict.outbound_tcp = PortSet::parse("80,443").value();
  restrict.outbound_udp = PortSet::parse("53,123").value();
  out.push_back({"host, outbound restricted", restrict});
  Config stateless = restrict;
  stateless.stateless = true;
  out.push_back({"host, stateless, outbound restricted", stateless});
  Config v6only = full;
  v6only.ipv4 = false;
  out.push_back({"host, IPv6 only", v6only});
  Config v4only = full;
  v4only.ipv6 = false;
  v4only.ping = false;
  out.push_back({"host, IPv4 only, no ping", v4only});

  Config gw;
  gw.mode = Mode::gateway;
  gw.subnets = {Subnet{IpPrefix::parse("10.0.0.0/8").value(), R("linux")},
                Subnet{IpPrefix::parse("10.1.0.0/16").value(), R("windows")},
                Subnet{IpPrefix::parse("10.1.2.0/24").value(), R("windows-xp")},
                Subnet{IpPrefix::parse("fd00:1::/64").value(), R("freebsd")},
                Subnet{IpPrefix::parse("fd00:2::/64").value(), R("1025-5000,49152-65535")}};
  gw.tcp_services = PortSet::parse("22,443").value();
  gw.udp_services = PortSet::parse("53").value();
  gw.protocols = Protocols{true, false, false, true, PortSet::parse("51820").value()};
  out.push_back({"gateway, nested subnets", gw});
  Config gw_restrict = gw;
  gw_restrict.outbound = Outbound::restrict;
  gw_restrict.outbound_tcp = PortSet::parse("80,443").value();
  gw_restrict.outbound_udp = PortSet::parse("53").value();
  out.push_back({"gateway, outbound restricted", gw_restrict});
  Config gw_stateless = gw_restrict;
  gw_stateless.stateless = true;
  out.push_back({"gateway, stateless", gw_stateless});
  Config big;
  big.mode = Mode::gateway;
  const char* ranges[] = {"windows", "linux", "windows-xp", "freebsd"};
  for (int i = 0; i < 2000; ++i)
    big.subnets.push_back(
        Subnet{IpPrefix::parse("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24").value(),
               R(ranges[i % 4])});
  out.push_back({"gateway, 2000 subnets", big});
  return out;
}

// nft prints table/chain/set comments; the JSON schema of nft 1.0.6 has none.
std::string without_object_comments(const std::string& listing) {
  std::istringstream in(listing);
  std::string line, out;
  while (std::getline(in, line))
    if (!std::regex_match(line, std::regex(R"(\s*comment ".*")"))) out += line + "\n";
  return out;
}

Ruleset build(const Config& c) { return build_ruleset(c).value(); }

AuditReport audit_in(const TestNetns& ns) {
  return ns.run([] {
    HostFacts host;
    host.range = read_live_range().value();
    host.listening = read_listening_sockets().value();
    return audit(read_kernel_ruleset().value(), host);
  });
}

bool has_code(const AuditReport& r, const std::string& code) {
  for (const Finding& f : r.findings)
    if (f.code == code) return true;
  return false;
}

}  // namespace

TEST_CASE("every generated ruleset passes nft -c -f, nft -j -c -f and the helper's check", "[kernel]") {
  NEEDS_NETNS();
  TestNetns ns("check");
  for (const Case& c : configs()) {
    INFO(c.name);
    const Ruleset r = build(c.config);
    const std::string script = nfttest::temp_file("check.nft", render_script(r));
    const std::string json = nfttest::temp_file("check.json", render_json(r).dump());
    int rc = -1;
    const std::string out = ns.sh("nft -c -f " + script, &rc);
    INFO(out);
    CHECK(rc == 0);
    const std::string jout = ns.sh("nft -j -c -f " + json, &rc);
    INFO(jout);
    CHECK(rc == 0);
    auto k = ns.run([&] { return kernel_check(r); });
    INFO((k.ok() ? std::string("ok") : k.error().message));
    CHECK(k.ok());
  }
  // Checking applied nothing.
  CHECK(ns.ruleset().empty());
}

TEST_CASE("netlink loads exactly what nft -f and nft -j -f load", "[kernel]") {
  NEEDS_NETNS();
  TestNetns by_nft("nft"), by_json("json"), by_netlink("netlink");
  for (const Case& c : configs()) {
    INFO(c.name);
    const Ruleset r = build(c.config);
    const std::string script = nfttest::temp_file("same.nft", render_script(r));
    const std::string json = nfttest::temp_file("same.json", render_json(r).dump());
    int rc = -1;
    by_nft.sh("nft -f " + script, &rc);
    REQUIRE(rc == 0);
    by_json.sh("nft -j -f " + json, &rc);
    REQUIRE(rc == 0);
    auto applied = by_netlink.run([&] { return kernel_apply(r); });
    INFO((applied.ok() ? std::string("ok") : applied.error().message));
    REQUIRE(applied.ok());
    const std::string listed = by_nft.sh("nft list table inet portclass");
    CHECK(listed.find("chain") != std::string::npos);
    CHECK(by_netlink.sh("nft list table inet portclass") == listed);
    CHECK(without_object_comments(by_json.sh("nft list table inet portclass")) == without_object_comments(listed));
  }
}

TEST_CASE("a batch with a deliberate error leaves the previous ruleset byte-identical", "[kernel][atomic]") {
  NEEDS_NETNS();
  TestNetns ns("atomic");
  int rc = -1;
  // Another tool's table, which must never be touched.
  ns.sh(
      "nft add table ip other && nft add chain ip other input { type filter hook input priority 10 \\; } && "
      "nft add rule ip other input tcp dport 22 counter accept",
      &rc);
  REQUIRE(rc == 0);
  Config c;
  c.host_range = R("linux");
  c.tcp_services = PortSet::parse("22").value();
  REQUIRE(ns.run([&] { return kernel_apply(build(c)); }).ok());
  const std::string before = ns.ruleset();
  const std::string before_json = ns.sh("nft -j list ruleset");
  REQUIRE(before.find("table ip other") != std::string::npos);

  // A different ruleset whose fourth input rule names a set that does not
  // exist: only the kernel can tell (the model is built by hand, unvalidated).
  Config w;
  w.host_range = R("windows");
  Ruleset bad = build(w);
  Rule broken{
      "input", {Match{Field::th_dport, Op::in_set, {}, "no_such_set", 0, {}}}, Verdict::accept, "deliberately broken"};
  bad.rules.insert(bad.rules.begin() + 3, broken);
  auto applied = ns.run([&] { return kernel_apply(bad); });
  REQUIRE_FALSE(applied.ok());
  INFO(applied.error().message);
  CHECK(applied.error().message.find("rule 4 of chain input") != std::string::npos);
  CHECK(applied.error().message.find("no_such_set") != std::string::npos);
  CHECK(applied.error().message.find("nothing was changed") != std::string::npos);
  // The kind and errno say what happened, whatever the wording: the kernel
  // refused (ENOENT: no such set), and that is exit code 1.
  CHECK(applied.error().kind == ErrorKind::refused);
  CHECK(applied.error().error_number == ENOENT);
  CHECK(exit_code_of(applied.error().kind) == kExitFound);
  CHECK(ns.ruleset() == before);
  CHECK(ns.sh("nft -j list ruleset") == before_json);

  // An error in the last message of the batch, and one the kernel finds in
  // set elements (overlapping intervals), leave it identical too.
  Ruleset late = build(w);
  late.rules.push_back(broken);
  CHECK_FALSE(ns.run([&] { return kernel_apply(late); }).ok());
  Ruleset overlap = build(w);
  overlap.sets[0].elements = {port_interval({50000, 60000}), port_interval({55000, 65000})};
  auto o = ns.run([&] { return kernel_apply(overlap); });
  CHECK_FALSE(o.ok());
  CHECK(ns.ruleset() == before);

  // check reports the same error and changes nothing either.
  auto checked = ns.run([&] { return kernel_check(bad); });
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().message.find("rule 4 of chain input") != std::string::npos);
  CHECK(ns.ruleset() == before);
}

TEST_CASE("apply replaces its own table and leaves every other table alone", "[kernel]") {
  NEEDS_NETNS();
  TestNetns ns("others");
  int rc = -1;
  ns.sh(
      "nft add table inet filter && nft add chain inet filter input { type filter hook input priority 0 \\; } && "
      "nft add rule inet filter input ct state established,related accept && nft add table ip6 portclass",
      &rc);
  REQUIRE(rc == 0);
  const std::string others = ns.sh("nft list table inet filter; nft list table ip6 portclass");
  Config c;
  c.host_range = R("linux");
  REQUIRE(ns.run([&] { return kernel_apply(build(c)); }).ok());
  c.host_range = R("freebsd");
  REQUIRE(ns.run([&] { return kernel_apply(build(c)); }).ok());
  CHECK(ns.sh("nft list table inet filter; nft list table ip6 portclass") == others);
  CHECK(ns.sh("nft list set inet portclass ephemeral").find("10000-65535") != std::string::npos);
  REQUIRE(ns.run([&] { return kernel_remove_table("portclass"); }).ok());
  CHECK(ns.sh("nft list tables").find("inet portclass") == std::string::npos);
  CHECK(ns.sh("nft list table inet filter; nft list table ip6 portclass") == others);
}

TEST_CASE("the live range and listeners are read inside the namespace", "[kernel][live]") {
  NEEDS_NETNS();
  TestNetns ns("live");
  int rc = -1;
  ns.sh("sysctl -qw net.ipv4.ip_local_port_range=\"1025 5000\" net.ipv4.ip_local_reserved_ports=2000-2009", &rc);
  REQUIRE(rc == 0);
  const LiveRange live = ns.run([] { return read_live_range().value(); });
  CHECK(live.range == PortRange{1025, 5000});
  CHECK(live.ephemeral().to_string() == "1025-1999,2010-5000");
  // The test's own namespace is not the one read.
  CHECK(read_live_range().value().range != PortRange{1025, 5000});
}

TEST_CASE("audit finds each problem on a ruleset made to have it", "[kernel][audit]") {
  NEEDS_NETNS();
  const char* nd = "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept;";
  struct Problem {
    const char* code;
    std::string rules;
  };
  const std::vector<Problem> problems = {
      {"blanket-established", std::string("ct state established,related accept; ") + nd},
      {"return-any-port", std::string("ct state established ct direction reply accept; ") + nd},
      {"return-any-direction",
       std::string("ct state established meta l4proto { tcp, udp } th dport 32768-60999 accept; ") + nd},
      {"return-range-too-wide",
       std::string("ct state established ct direction reply meta l4proto { tcp, udp } th dport 1024-65535 accept; ") +
           nd},
      {"related-beyond-icmp",
       std::string("ct state established ct direction reply meta l4proto { tcp, udp } th dport 32768-60999 accept; "
                   "ct state related accept; ") +
           nd},
      {"return-range-too-narrow",
       std::string("ct state established ct direction reply meta l4proto { tcp, udp } th dport 40000-60999 accept; ") +
           nd},
      {"missing-neighbour-discovery",
       "ct state established ct direction reply meta l4proto { tcp, udp } th dport 32768-60999 accept;"},
      {"blanket-established",
       std::string("ct state vmap { established : accept, related : accept, invalid : drop }; ") + nd},
  };
  for (const Problem& p : problems) {
    INFO(p.code << ": " << p.rules);
    TestNetns ns("audit");
    const std::string file = nfttest::temp_file(
        "problem.nft",
        "table inet t {\n chain input {\n type filter hook input priority 0; policy drop;\n " + p.rules + "\n }\n}\n");
    int rc = -1;
    const std::string out = ns.sh("nft -f " + file, &rc);
    INFO(out);
    REQUIRE(rc == 0);
    const AuditReport report = audit_in(ns);
    INFO(to_text(report));
    CHECK(has_code(report, p.code));
  }
}

TEST_CASE("audit reports a listener inside the ephemeral range", "[kernel][audit]") {
  NEEDS_NETNS();
  TestNetns ns("listen");
  const AuditReport report = ns.run([] {
    // A socket created on this thread lives in the namespace.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(50000);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd, 1) == 0;
    HostFacts host;
    host.range = read_live_range().value();
    host.listening = read_listening_sockets().value();
    AuditReport r = audit(read_kernel_ruleset().value(), host);
    ::close(fd);
    if (!ok) r.findings.clear();
    return r;
  });
  INFO(to_text(report));
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].code == "service-in-ephemeral");
  CHECK(report.findings[0].message.find("a TCP service listens on 50000") != std::string::npos);
}

TEST_CASE("audit reports a UDP listener inside the ephemeral range", "[kernel][audit]") {
  NEEDS_NETNS();
  TestNetns ns("listen-udp");
  const AuditReport report = ns.run([] {
    // Bound and unconnected: a UDP service waiting for datagrams, over IPv6
    // so that the sock_diag dump of that family is exercised too.
    const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(50001);
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    HostFacts host;
    host.range = read_live_range().value();
    host.listening = read_listening_sockets().value();
    AuditReport r = audit(read_kernel_ruleset().value(), host);
    if (fd >= 0) ::close(fd);
    if (!ok) r.findings.clear();
    return r;
  });
  INFO(to_text(report));
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].code == "service-in-ephemeral");
  CHECK(report.findings[0].rule == "udp port 50001");
  CHECK(report.findings[0].message.find("a UDP service listens on 50001") != std::string::npos);
  REQUIRE(report.host.listening.size() == 1);
  CHECK(report.host.listening[0].transport == Transport::udp);
}

TEST_CASE("audit finds nothing on the helper's own rulesets", "[kernel][audit]") {
  NEEDS_NETNS();
  for (const Case& c : configs()) {
    INFO(c.name);
    TestNetns ns("own");
    // Host rulesets are audited against the range they were made for.
    if (c.config.mode == Mode::host) {
      const PortSet& eph = c.config.host_range->ports;
      if (eph.ranges().size() != 1) continue;  // the kernel range is one interval
      ns.sh("sysctl -qw net.ipv4.ip_local_port_range=\"" + std::to_string(eph.ranges()[0].first) + " " +
            std::to_string(eph.ranges()[0].last) + "\"");
    }
    REQUIRE(ns.run([&] { return kernel_apply(build(c.config)); }).ok());
    const AuditReport report = audit_in(ns);
    INFO(to_text(report));
    CHECK(report.chains_checked == 1);
    CHECK(report.findings.empty());
  }
}
