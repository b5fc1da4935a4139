// SPDX-License-Identifier: GPL-2.0-or-later
// Addresses, client-side decisions, host profiles, merging and JSON.
#include <catch2/catch.hpp>

#include <random>

#include "portclass/address.hpp"
#include "portclass/client_side.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/profile_json.hpp"

using namespace portclass;

TEST_CASE("addresses and prefixes parse, print and match", "[address]") {
  CHECK(IpAddress::parse("10.1.2.3").value().to_string() == "10.1.2.3");
  CHECK(IpAddress::parse("fd77:1::2").value().to_string() == "fd77:1::2");
  CHECK_FALSE(IpAddress::parse("10.1.2").ok());
  CHECK_FALSE(IpAddress::parse("").ok());
  const auto net = IpPrefix::parse("10.1.0.0/16").value();
  CHECK(net.contains(IpAddress::parse("10.1.200.3").value()));
  CHECK_FALSE(net.contains(IpAddress::parse("10.2.0.1").value()));
  CHECK_FALSE(net.contains(IpAddress::parse("::1").value()));
  CHECK(IpPrefix::parse("fd00::/8").value().contains(IpAddress::parse("fd77::1").value()));
  CHECK(IpPrefix::parse("10.0.0.1").value().length() == 32);
  CHECK(IpPrefix::parse("10.1.0.0/12").error().message.find("host bits") != std::string::npos);
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/33").ok());
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/").ok());
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/1x").ok());
}

TEST_CASE("the client is the SYN's sender, else the less service-like port", "[client]") {
  const auto& k = PortKnowledge::builtin();
  TcpFlags syn{true, false, false, false};
  TcpFlags synack{true, true, false, false};
  TcpFlags ack{false, true, false, false};
  // A SYN decides even against the heuristic (a client bound to port 80).
  auto d = decide_client(80, 45000, Transport::tcp, &syn, k);
  CHECK(d.client == Endpoint::source);
  CHECK(d.method == ClientMethod::syn);
  CHECK(d.confidence == 1.0);
  d = decide_client(443, 50123, Transport::tcp, &synack, k);
  CHECK(d.client == Endpoint::destination);
  CHECK(d.method == ClientMethod::syn_ack);
  // Mid-connection: the heuristic, both directions agree.
  d = decide_client(50123, 443, Transport::tcp, &ack, k);
  CHECK(d.client == Endpoint::source);
  CHECK(d.method == ClientMethod::heuristic);
  CHECK(d.confidence > 0.8);
  CHECK(decide_client(443, 50123, Transport::tcp, &ack, k).client == Endpoint::destination);
  d = decide_client(53, 41234, Transport::udp, nullptr, k);
  CHECK(d.client == Endpoint::destination);
  CHECK(d.client_port(53, 41234) == 41234);
  // Two ephemeral-looking ports: a coin toss, and the confidence says so.
  d = decide_client(50001, 50002, Transport::udp, nullptr, k);
  CHECK(d.confidence < 0.6);
}

TEST_CASE("distinct port sets stay exact across the switch to a bitmap", "[profile]") {
  DistinctPorts small, big;
  std::mt19937 rng(7);
  std::vector<Port> ports;
  ports.reserve(3000);
  for (int i = 0; i < 3000; ++i) ports.push_back(static_cast<Port>(rng()));
  for (std::size_t i = 0; i < ports.size(); ++i) (i % 2 ? small : big).insert(ports[i]);
  DistinctPorts all;
  for (Port p : ports) all.insert(p);
  DistinctPorts merged = small;
  merged.merge(big);
  CHECK(merged == all);
  DistinctPorts other_way = big;
  other_way.merge(small);
  CHECK(other_way == all);
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  CHECK(all.count() == ports.size());
  CHECK(all.min() == ports.front());
  CHECK(all.max() == ports.back());
  CHECK(all.count_even() == std::count_if(ports.begin(), ports.end(), [](Port p) { return p % 2 == 0; }));
  CHECK(all.count_in(PortSet{{0, 32767}}) ==
        std::count_if(ports.begin(), ports.end(), [](Port p) { return p <= 32767; }));
  CHECK(all.to_set().size() == ports.size());
}

TEST_CASE("sequence statistics see counters and merge halves exactly", "[profile]") {
  SequenceStats counter;
  for (int i = 0; i < 10; ++i) counter.record(static_cast<Port>(1100 + i), Timestamp{i} * 1000);
  CHECK(counter.events == 10);
  CHECK(counter.unit_rises == 9);
  counter.record(1109, 20000);  // the same socket again: not a new allocation
  CHECK(counter.events == 10);

  SequenceStats whole, first, second;
  std::mt19937 rng(3);
  for (int i = 0; i < 40; ++i) {
    const Port p = (i % 3 == 0) ? static_cast<Port>(2000 + i) : static_cast<Port>(rng() % 5 + 3000);
    whole.record(p, Timestamp{i} * 10);
    (i < 17 ? first : second).record(p, Timestamp{i} * 10);
  }
  SequenceStats a = first, b = second;
  a.merge(second);
  b.merge(first);
  CHECK(a == whole);
  CHECK(b == whole);
}

namespace {

PacketFacts packet(const char* src, const char* dst, Transport t, Port sp, Port dp, std::uint8_t ttl, TcpFlags flags,
                   Timestamp when, const TcpSignature* signature = nullptr) {
  PacketFacts f;
  f.src = IpAddress::parse(src).value();
  f.dst = IpAddress::parse(dst).value();
  f.transport = t;
  f.src_port = sp;
  f.dst_port = dp;
  f.ttl = ttl;
  f.tcp = flags;
  f.when = when;
  f.signature = signature;
  return f;
}

// A deterministic little capture: one client, one server, TCP and DNS.
std::vector<PacketFacts> conversation() {
  std::vector<PacketFacts> out;
  std::mt19937 rng(11);
  const TcpFlags syn{true, false, false, false}, synack{true, true, false, false}, ack{false, true, false, false};
  // One stack's SYN signature for every connection (static: facts only point to it).
  static const TcpSignature linux_syn =
      parse_signature_key("4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0", false).value();
  for (int i = 0; i < 30; ++i) {
    const Port cp = static_cast<Port>(32768 + (rng() % 14000) * 2);
    const Timestamp t = Timestamp{i} * 1000;
    out.push_back(packet("10.0.0.2", "10.0.0.1", Transport::tcp, cp, 443, 64, syn, t, &linux_syn));
    out.push_back(packet("10.0.0.1", "10.0.0.2", Transport::tcp, 443, cp, 64, synack, t + 1));
    out.push_back(packet("10.0.0.2", "10.0.0.1", Transport::tcp, cp, 443, 64, ack, t + 2));
    const Port dns = static_cast<Port>(32768 + rng() % 28000);
    out.push_back(packet("10.0.0.2", "10.0.0.1", Transport::udp, dns, 53, 64, {}, t + 3));
    out.push_back(packet("10.0.0.1", "10.0.0.2", Transport::udp, 53, dns, 64, {}, t + 4));
  }
  return out;
}

}  // namespace

TEST_CASE("a directory attributes ports to the right hosts", "[directory]") {
  HostDirectory dir(PortKnowledge::builtin());
  for (const auto& p : conversation()) dir.observe(p);
  const auto* client = dir.find(IpAddress::parse("10.0.0.2").value());
  const auto* server = dir.find(IpAddress::parse("10.0.0.1").value());
  REQUIRE(client);
  REQUIRE(server);
  CHECK(client->stats(Transport::tcp).client_ports.count() == 30);
  CHECK(client->stats(Transport::tcp).client_sequence.events == 30);
  CHECK(client->stats(Transport::tcp).server_ports.empty());
  CHECK(client->dns_queries() == 30);
  REQUIRE(client->signatures(false).size() == 1);  // one stack, one SYN signature
  CHECK(client->signatures(false).begin()->second == 30);
  CHECK(client->signatures(true).empty());
  CHECK(server->stats(Transport::tcp).server_ports.to_set().to_string() == "443");
  CHECK(server->stats(Transport::udp).server_ports.to_set().to_string() == "53");
  CHECK(server->stats(Transport::tcp).client_ports.empty());
  CHECK(client->packets() == 90);
  CHECK(client->ttl_counts(Transport::tcp).at(64) == 60);  // TTLs are kept per transport
  CHECK(client->ttl_counts(Transport::udp).at(64) == 30);
}

TEST_CASE("profiles of two halves merge into the profile of the whole, in either order", "[directory]") {
  const auto packets = conversation();
  HostDirectory whole(PortKnowledge::builtin()), first(PortKnowledge::builtin()), second(PortKnowledge::builtin());
  for (std::size_t i = 0; i < packets.size(); ++i) {
    whole.observe(packets[i]);
    (i < packets.size() / 2 ? first : second).observe(packets[i]);
  }
  HostDirectory ab(PortKnowledge::builtin()), ba(PortKnowledge::builtin());
  ab.merge(first);
  ab.merge(second);
  ba.merge(second);
  ba.merge(first);
  CHECK(to_json(ab) == to_json(whole));
  CHECK(to_json(ba) == to_json(whole));
  for (const auto& [address, profile] : whole.hosts()) CHECK(*ab.find(address) == profile);
}

TEST_CASE("profiles round-trip through JSON and bad documents are refused whole", "[json]") {
  HostDirectory dir(PortKnowledge::builtin());
  for (const auto& p : conversation()) dir.observe(p);
  const auto doc = to_json(dir);
  HostDirectory back(PortKnowledge::builtin());
  REQUIRE(merge_from_json(doc, back).value() == 2);
  CHECK(to_json(back) == doc);
  for (const auto& [address, profile] : dir.hosts()) CHECK(*back.find(address) == profile);

  auto broken = doc;
  broken["hosts"]["10.0.0.2"]["transports"]["tcp"]["client_ports"] = "80,70000";
  HostDirectory untouched(PortKnowledge::builtin());
  auto r = merge_from_json(broken, untouched);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("70000") != std::string::npos);
  CHECK(untouched.size() == 0);

  for (const auto& bad :
       {nlohmann::json::array(), nlohmann::json{{"format", "other"}},
        nlohmann::json{{"format", "portclass-profiles"}, {"version", 1}, {"hosts", nlohmann::json::object()}},
        nlohmann::json{{"format", "portclass-profiles"}, {"version", 2}, {"hosts", {{"not-an-ip", {}}}}}}) {
    INFO(bad.dump());
    CHECK_FALSE(merge_from_json(bad, untouched).ok());
  }
  auto negative = doc;
  negative["hosts"]["10.0.0.1"]["packets"] = -5;
  CHECK(merge_from_json(negative, untouched).error().message.find("packets") != std::string::npos);
}

TEST_CASE("a guess between two high ports attributes nothing", "[directory]") {
  // A tuned client (24680 is IANA-named) talking to a server on 50000, seen
  // mid-connection: the heuristic may guess wrong, so neither host learns a
  // port from it; the handshake still attributes with certainty.
  HostDirectory dir(PortKnowledge::builtin());
  const TcpFlags ack{false, true, false, false}, syn{true, false, false, false}, synack{true, true, false, false};
  dir.observe(packet("10.0.0.2", "10.0.0.1", Transport::tcp, 24680, 50000, 64, ack, 1));
  dir.observe(packet("10.0.0.1", "10.0.0.2", Transport::tcp, 50000, 24680, 64, ack, 2));
  const auto client = IpAddress::parse("10.0.0.2").value();
  const auto server = IpAddress::parse("10.0.0.1").value();
  CHECK(dir.find(client)->stats(Transport::tcp).server_ports.empty());
  CHECK(dir.find(client)->stats(Transport::tcp).client_ports.empty());
  CHECK(dir.find(server)->stats(Transport::tcp).client_ports.empty());
  dir.observe(packet("10.0.0.2", "10.0.0.1", Transport::tcp, 24682, 50000, 64, syn, 3));
  dir.observe(packet("10.0.0.1", "10.0.0.2", Transport::tcp, 50000, 24682, 64, synack, 4));
  CHECK(dir.find(client)->stats(Transport::tcp).client_ports.to_set().to_string() == "24682");
  CHECK(dir.find(server)->stats(Transport::tcp).server_ports.to_set().to_string() == "50000");
  CHECK(dir.find(client)->stats(Transport::tcp).server_ports.empty());
}
