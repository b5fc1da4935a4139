// SPDX-License-Identifier: GPL-2.0-or-later
// The finding rules (portclass/findings.hpp) on host profiles built here.
#include <catch2/catch.hpp>

#include <algorithm>

#include "portclass/findings.hpp"

using namespace portclass;

namespace {

std::vector<Finding> findings_of(const HostProfile& host) {
  const auto& k = PortKnowledge::builtin();
  return find_issues(host, infer(host, k.profiles()), k);
}

bool has(const std::vector<Finding>& f, FindingKind kind) {
  return std::any_of(f.begin(), f.end(), [&](const Finding& x) { return x.kind == kind; });
}

// A Linux-looking client: even ports inside 32768-60999, TTL 64, random steps.
HostProfile linux_client() {
  HostProfile h;
  Port p = 33000;
  for (int i = 0; i < 30; ++i, p = static_cast<Port>(p + 2 * (97 + 31 * (i % 7)))) {
    h.add_packet(Transport::tcp, 64);
    h.add_client_port(Transport::tcp, p, Timestamp{i} * 1000, true);
    h.add_signature_key(false, "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");
  }
  return h;
}

}  // namespace

TEST_CASE("a plain Linux client has no findings", "[findings]") {
  HostProfile h = linux_client();
  for (int i = 0; i < 10; ++i) h.add_dns_query(static_cast<Port>(40000 + 977 * i), 100000 + i);
  const auto f = findings_of(h);
  INFO((f.empty() ? std::string() : f.front().message));
  CHECK(f.empty());
}

TEST_CASE("one DNS source port for every query", "[findings]") {
  HostProfile h = linux_client();
  for (int i = 0; i < 6; ++i) h.add_dns_query(33333, 100000 + i);
  const auto f = findings_of(h);
  REQUIRE(has(f, FindingKind::dns_fixed_port));
  CHECK(f.front().ports.to_string() == "33333");
  // Three queries are not enough to say.
  HostProfile few = linux_client();
  for (int i = 0; i < 3; ++i) few.add_dns_query(33333, 100000 + i);
  CHECK_FALSE(has(findings_of(few), FindingKind::dns_fixed_port));
}

TEST_CASE("few DNS ports for many queries, and sequential DNS ports", "[findings]") {
  HostProfile h = linux_client();
  for (int i = 0; i < 40; ++i) h.add_dns_query(static_cast<Port>(41000 + 500 * (i % 3)), 100000 + i);
  CHECK(has(findings_of(h), FindingKind::dns_low_entropy));
  HostProfile s = linux_client();
  for (int i = 0; i < 10; ++i) s.add_dns_query(static_cast<Port>(42000 + i), 100000 + i);
  CHECK(has(findings_of(s), FindingKind::dns_sequential));
}

TEST_CASE("source ports that rise by one per connection", "[findings]") {
  HostProfile h;
  for (int i = 0; i < 20; ++i) {
    h.add_packet(Transport::tcp, 128);
    h.add_client_port(Transport::tcp, static_cast<Port>(1100 + i), Timestamp{i} * 1000, true);
  }
  const auto f = findings_of(h);
  REQUIRE(has(f, FindingKind::sequential_ports));
  CHECK_FALSE(has(f, FindingKind::outside_known_ranges));  // 1100-1119 is Windows XP's range
}

TEST_CASE("a service inside the host's ephemeral range", "[findings]") {
  HostProfile h = linux_client();
  h.add_server_port(Transport::tcp, 50000);
  h.add_server_port(Transport::tcp, 22);
  const auto f = findings_of(h);
  REQUIRE(has(f, FindingKind::server_in_ephemeral_range));
  CHECK(f.front().ports.to_string() == "50000");
}

TEST_CASE("the same port served on TCP and UDP gives one finding per transport, each saying which", "[findings]") {
  // A subset test on the ports could not tell these two apart: the finding
  // carries its transport.
  HostProfile h = linux_client();
  h.add_server_port(Transport::tcp, 50000);
  h.add_server_port(Transport::udp, 50000);
  h.add_server_port(Transport::udp, 51000);
  const auto f = findings_of(h);
  std::vector<const Finding*> served;
  for (const Finding& x : f)
    if (x.kind == FindingKind::server_in_ephemeral_range) served.push_back(&x);
  REQUIRE(served.size() == 2);
  CHECK(served[0]->transport == Transport::tcp);
  CHECK(served[0]->ports.to_string() == "50000");
  CHECK(served[1]->transport == Transport::udp);
  CHECK(served[1]->ports.to_string() == "50000,51000");
}

TEST_CASE("ports outside every range of the inferred family", "[findings]") {
  HostProfile h;
  for (int i = 0; i < 30; ++i) {
    h.add_packet(Transport::tcp, 64);
    h.add_client_port(Transport::tcp, static_cast<Port>(20000 + 2 * 131 * i), Timestamp{i} * 1000, true);
  }
  const auto f = findings_of(h);
  REQUIRE(has(f, FindingKind::outside_known_ranges));
  // Ports below 1024 are outside every end-host range.
  HostProfile low = linux_client();
  for (Port p : {700, 701, 702}) low.add_client_port(Transport::udp, p, 0, false);
  const auto g = findings_of(low);
  REQUIRE(has(g, FindingKind::outside_known_ranges));
  CHECK(g.back().ports.contains(Port{700}));
}
