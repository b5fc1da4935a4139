// SPDX-License-Identifier: GPL-2.0-or-later
// Rulesets from verdicts are safe (verdict_range.hpp, stored_verdict.hpp):
// each rule on hand-built profile documents whose stored verdicts say
// exactly what the rule is about, so these tests do not depend on what the
// inference engine concludes today.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "portclass/host_directory.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/nft/profile_import.hpp"
#include "portclass/nft/range_explanation.hpp"
#include "portclass/nft/stored_verdict.hpp"
#include "portclass/nft/verdict_range.hpp"
#include "portclass/profile_json.hpp"

using namespace portclass;
using namespace portclass::nft;
using nlohmann::json;

namespace {

PortSet P(const char* text) { return PortSet::parse(text).value(); }

// A client that opened one TCP connection from each port, TTL `ttl`.
HostProfile client(const std::vector<Port>& ports, std::uint8_t ttl = 64) {
  HostProfile p;
  Timestamp t = 0;
  for (Port port : ports) {
    p.add_packet(Transport::tcp, ttl);
    p.add_client_port(Transport::tcp, port, t += 1000, true);
  }
  return p;
}

std::vector<Port> run(Port first, int count, int step = 1) {
  std::vector<Port> out;
  out.reserve(count > 0 ? static_cast<std::size_t>(count) : 0);
  for (int i = 0; i < count; ++i) out.push_back(static_cast<Port>(first + i * step));
  return out;
}

json candidate(const char* id, double probability, const char* range, bool tuned = false) {
  return {{"id", id}, {"family", id}, {"name", id}, {"probability", probability}, {"range", range}, {"tuned", tuned}};
}

json verdict(const char* word, double confidence, json candidates) {
  return {{"os", word}, {"verdict", word}, {"confidence", confidence}, {"candidates", std::move(candidates)}};
}

// A profile document holding `host` as 10.0.0.5, with `analysis` stored
// for it (null: a bare profile document).
json document(const HostProfile& host, const json& analysis) {
  HostDirectory dir(PortKnowledge::builtin());
  dir.merge(IpAddress::parse("10.0.0.5").value(), host);
  json doc = to_json(dir);
  if (!analysis.is_null()) doc["analysis"] = {{"10.0.0.5", analysis}};
  return doc;
}

// The range --from-profile gives 10.0.0.5.
HostRange imported(const json& doc) {
  auto r = import_profiles(doc, OsProfileDb::builtin(), {});
  REQUIRE(r.ok());
  REQUIRE(r->hosts.size() == 1);
  return r->hosts.front();
}

std::string error_of(const json& doc) {
  auto r = import_profiles(doc, OsProfileDb::builtin(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\n') == std::string::npos);
  return r.error().message;
}

}  // namespace

TEST_CASE("a single profile's range at high confidence", "[verdict-range]") {
  const HostRange h =
      imported(document(client(run(49700, 20)),
                        verdict("identified", 0.97,
                                {candidate("windows", 0.95, "49152-65535"), candidate("macos", 0.03, "49152-65535")})));
  CHECK(h.verdict.stored);
  CHECK(h.choice.rule == RangeRule::single);
  CHECK(h.choice.ports == P("49152-65535"));
  CHECK(h.choice.label == "windows");
}

TEST_CASE("below high confidence: the union of the candidates that hold 90%", "[verdict-range]") {
  SECTION("two ranges of one family: both") {
    // The family is sure (Windows 95%), its profiles are not: XP's range
    // must not be dropped for modern Windows' at 60%.
    const HostRange h =
        imported(document(client(run(49700, 20), 128),
                          verdict("identified", 0.95,
                                  {candidate("windows", 0.6, "49152-65535"), candidate("windows-xp", 0.35, "1025-5000"),
                                   candidate("macos", 0.05, "49152-65535")})));
    CHECK(h.choice.rule == RangeRule::covering);
    CHECK(h.choice.ports == P("1025-5000,49152-65535"));
    CHECK(h.choice.label == "mixed");
  }
  SECTION("profiles that share a range: that range, named after the best") {
    const HostRange h = imported(
        document(client(run(40000, 20, 6)),
                 verdict("identified", 0.71,
                         {candidate("linux", 0.71, "32768-60999"), candidate("android", 0.29, "32768-60999")})));
    CHECK(h.choice.rule == RangeRule::covering);
    CHECK(h.choice.ports == P("32768-60999"));
    CHECK(h.choice.label == "linux");
  }
  SECTION("candidates are taken best first, whatever order the document lists them in") {
    const HostRange h = imported(
        document(client(run(40000, 20, 6)),
                 verdict("identified", 0.92,
                         {candidate("freebsd", 0.02, "10000-65535"), candidate("linux", 0.92, "32768-60999")})));
    CHECK(h.choice.rule == RangeRule::single);
    CHECK(h.choice.ports == P("32768-60999"));
  }
}

TEST_CASE("nothing known: 1024-65535", "[verdict-range]") {
  const HostProfile host = client(run(40000, 6, 2));
  for (const char* word : {"unknown", "several", "something-new"}) {
    INFO(word);
    const HostRange h = imported(document(host, verdict(word, 0.8, {candidate("linux", 0.8, "32768-60999")})));
    CHECK(h.choice.rule == RangeRule::unknown);
    CHECK(h.choice.ports == P("1024-65535"));
    CHECK(h.choice.label == "unidentified");
  }
  SECTION("identified with no candidates") {
    CHECK(imported(document(host, verdict("identified", 0.9, json::array()))).choice.ports == P("1024-65535"));
  }
  SECTION("the listed candidates hold less than 90% (a document lists only the best few)") {
    const HostRange h = imported(
        document(host, verdict("identified", 0.7,
                               {candidate("linux", 0.5, "32768-60999"), candidate("android", 0.2, "32768-60999"),
                                candidate("macos", 0.1, "49152-65535")})));
    CHECK(h.choice.rule == RangeRule::unknown);
    CHECK(h.choice.ports == P("1024-65535"));
  }
}

TEST_CASE("a tuned span is widened from evidence, never kept as observed", "[verdict-range]") {
  SECTION("the issue's Mac: ports rising from 49163, many of them") {
    // The old import gave 49000-49999 and broke at 50000.
    const HostRange h = imported(document(
        client(run(49163, 40)), verdict("identified", 0.99, {candidate("windows-xp", 0.99, "49163-49202", true)})));
    CHECK(h.choice.ports == P("49152-65535"));
    CHECK(h.choice.label == "tuned");
  }
  SECTION("a really tuned range, sampled by many ports: its aligned block") {
    std::vector<Port> ports = run(20011, 64, 157);  // 20011-29902
    const HostRange h =
        imported(document(client(ports), verdict("identified", 0.95, {candidate("linux", 0.95, "20011-29902", true)})));
    CHECK(h.choice.ports.contains(P("20000-29999")));
    CHECK(h.choice.ports == P("16384-32767"));
  }
  SECTION("a handful of ports says only that the default is wrong: 1024-65535") {
    const HostRange h = imported(document(
        client(run(51391, 6)), verdict("identified", 1.0, {candidate("windows-xp", 1.0, "51391-51396", true)})));
    CHECK(h.choice.rule == RangeRule::unknown);
    CHECK(h.choice.ports == P("1024-65535"));
  }
  SECTION("a handful of ports inside another candidate's range: that range stands") {
    const HostRange h = imported(document(
        client(run(49300, 8), 128),
        verdict("identified", 1.0,
                {candidate("windows-xp", 0.6, "49300-49307", true), candidate("windows", 0.4, "49152-65535")})));
    CHECK(h.choice.rule == RangeRule::covering);
    CHECK(h.choice.ports == P("49152-65535"));
    CHECK(h.choice.label == "windows");
  }
  SECTION("without a stored tuned flag, a range other than the profile's default is a tuned span") {
    json c = candidate("macos", 1.0, "49163-49168");
    c.erase("tuned");
    const HostRange h = imported(document(client(run(49163, 6)), verdict("identified", 1.0, {c})));
    REQUIRE(h.verdict.candidates.size() == 1);
    CHECK(h.verdict.candidates[0].tuned);
    CHECK(h.choice.ports == P("1024-65535"));
  }
}

TEST_CASE("widen_tuned_span: aligned blocks of at least 16384 ports", "[verdict-range]") {
  CHECK(widen_tuned_span(P("49200-49999"), 40) == P("49152-65535"));
  CHECK(widen_tuned_span(P("49163-49999"), 40) == P("32768-65535"));  // the margin reaches below 49152
  CHECK(widen_tuned_span(P("1069-3758"), 40) == P("1024-16383"));     // XP's 1025-5000 inside
  CHECK(widen_tuned_span(P("33000-48000"), 400) == P("32768-49151"));
  // The sampling margin pushes a span across a block edge: the next size up.
  CHECK(widen_tuned_span(P("49257-65423"), 40) == P("32768-65535"));
  CHECK(widen_tuned_span(P("32700-32800"), 40) == P("1024-65535"));
  CHECK(widen_tuned_span(P("65000-65535"), 32) == P("49152-65535"));
}

TEST_CASE("every client port the host was seen using is in its range", "[verdict-range]") {
  HostProfile host = client(run(33000, 100, 200));            // 3 strays among 103 ports
  host.add_client_port(Transport::tcp, 61500, 99'000, true);  // above Linux's range
  host.add_client_port(Transport::udp, 1500, 99'500, true);   // a low UDP port
  host.add_dns_query(5353, 99'900);                           // a DNS query from a fixed port
  const HostRange h = imported(document(host, verdict("identified", 0.95, {candidate("linux", 0.95, "32768-60999")})));
  CHECK(h.choice.rule == RangeRule::single);
  CHECK(h.choice.ports.contains(P("32768-60999")));
  CHECK(h.choice.ports.contains(h.seen));
  CHECK(h.choice.ports.contains(61500));
  CHECK(h.choice.ports.contains(1500));
  CHECK(h.choice.ports.contains(5353));
  CHECK(h.choice.ports == P("1500,5353,32768-60999,61500"));
  CHECK(h.choice.label == "linux");
}

TEST_CASE("many ports outside the verdict's range widen it", "[verdict-range]") {
  SECTION("a Linux stack drawing from 49152-65535 (the lab's macOS): the top is held") {
    // 40 ports across 49152-65535, a quarter of them above Linux's 60999.
    const HostRange h = imported(
        document(client(run(49200, 40, 409)), verdict("identified", 0.95, {candidate("linux", 0.92, "32768-60999")})));
    CHECK(h.choice.rule == RangeRule::single);
    CHECK(h.choice.label == "widened");
    CHECK(h.choice.ports.contains(P("49152-65535")));
    CHECK(h.choice.ports == P("32768-65535"));
  }
  SECTION("the one port seen lies outside: its block is added") {
    const HostRange h = imported(
        document(client({14330}, 128), verdict("identified", 0.99, {candidate("windows", 0.99, "49152-65535")})));
    CHECK(h.choice.ports == P("1024-16383,49152-65535"));
  }
  SECTION("client ports below 1024 are bound on purpose: added, never widened") {
    HostProfile host = client(run(33000, 20, 200));
    for (Port p : {109, 248, 512, 1023}) host.add_client_port(Transport::tcp, p, 99'000 + p, true);
    const HostRange h =
        imported(document(host, verdict("identified", 0.95, {candidate("linux", 0.95, "32768-60999")})));
    CHECK(h.choice.ports == P("109,248,512,1023,32768-60999"));
    CHECK(h.choice.label == "linux");
  }
}

TEST_CASE("the stored verdict is used, so the ruleset agrees with `portclass profile`", "[verdict-range]") {
  // Ports and TTL that inference would call macOS or Linux; the document says FreeBSD.
  const HostProfile host = client(run(49300, 40, 400));
  const HostRange stored =
      imported(document(host, verdict("identified", 0.99, {candidate("freebsd", 0.99, "10000-65535")})));
  CHECK(stored.verdict.stored);
  CHECK(stored.choice.ports == P("10000-65535"));
  CHECK(stored.choice.why.find("(stored verdict)") != std::string::npos);

  SECTION("a bare profile document is inferred here, and a note says so") {
    auto r = import_profiles(document(host, nullptr), OsProfileDb::builtin(), {});
    REQUIRE(r.ok());
    REQUIRE(r->hosts.size() == 1);
    CHECK_FALSE(r->hosts[0].verdict.stored);
    CHECK(r->hosts[0].choice.ports.contains(r->hosts[0].seen));
    REQUIRE_FALSE(r->notes.empty());
    CHECK(r->notes[0].find("stores no verdicts") != std::string::npos);
    CHECK(r->hosts[0].choice.why.find("inferred here") != std::string::npos);
  }
  SECTION("a host the analysis leaves out is inferred, with a note") {
    HostDirectory dir(PortKnowledge::builtin());
    dir.merge(IpAddress::parse("10.0.0.5").value(), host);
    dir.merge(IpAddress::parse("10.0.0.6").value(), host);
    json doc = to_json(dir);
    doc["analysis"] = {{"10.0.0.5", verdict("identified", 0.99, {candidate("macos", 0.99, "49152-65535")})}};
    auto r = import_profiles(doc, OsProfileDb::builtin(), {});
    REQUIRE(r.ok());
    REQUIRE(r->hosts.size() == 2);
    CHECK(r->hosts[0].verdict.stored);
    CHECK_FALSE(r->hosts[1].verdict.stored);
    bool noted = false;
    for (const std::string& n : r->notes) noted |= n.rfind("10.0.0.6: no stored verdict", 0) == 0;
    CHECK(noted);
  }
}

TEST_CASE("a bad stored verdict is refused with its JSON path, in one line", "[verdict-range]") {
  const HostProfile host = client(run(40000, 6, 2));
  const json good = candidate("linux", 0.95, "32768-60999");
  auto with = [&](const char* key, const json& value) {
    json c = good;
    c[key] = value;
    return document(host, verdict("identified", 0.95, {c}));
  };
  CHECK(error_of(with("probability", 1.5)).find("$.analysis[10.0.0.5].candidates[0].probability") != std::string::npos);
  CHECK(error_of(with("probability", "high")).find("expected a number 0-1") != std::string::npos);
  CHECK(error_of(with("range", "")).find(".range: empty") != std::string::npos);
  CHECK(error_of(with("range", "60000-70000")).find(".range") != std::string::npos);
  CHECK(error_of(with("tuned", "yes")).find(".tuned") != std::string::npos);
  CHECK(error_of(with("id", "x\"; flush ruleset\n")).find("OS profile id") != std::string::npos);
  CHECK(error_of(document(host, verdict("identified", 0.95, {good, good}))).find("more than 1") != std::string::npos);
  CHECK(error_of(document(host, verdict("identified", -1, {good}))).find(".confidence") != std::string::npos);
  CHECK(error_of(document(host, verdict("Identified!", 0.9, {good}))).find(".verdict") != std::string::npos);
  CHECK(error_of(document(host, json::array())).find("$.analysis[10.0.0.5]: expected an object") != std::string::npos);

  json twice = document(host, verdict("identified", 0.95, {good}));
  twice["analysis"] = {{"fd00::5", verdict("unknown", 0.1, json::array())},
                       {"fd00:0::5", verdict("unknown", 0.1, json::array())}};
  CHECK(error_of(twice).find("spelt two ways") != std::string::npos);
  json not_object = document(host, nullptr);
  not_object["analysis"] = "none";
  CHECK(error_of(not_object).find("$.analysis: expected an object") != std::string::npos);
}

TEST_CASE("servers get no return rule, a host seen opening connections does", "[verdict-range]") {
  HostProfile server;
  server.add_packet(Transport::tcp, 64);
  server.add_server_port(Transport::tcp, 445);
  server.add_client_port(Transport::tcp, 50000, 1000, false);  // a guess from a mid-connection packet
  CHECK_FALSE(imported(document(server, nullptr)).client);

  HostProfile serving_client = server;
  serving_client.add_client_port(Transport::tcp, 50010, 2000, true);  // its own SYN
  const HostRange h = imported(document(serving_client, nullptr));
  CHECK(h.client);
  CHECK(h.choice.ports.contains(P("50000,50010")));
}

TEST_CASE("explain-ranges JSON: one entry per host, servers with no range", "[verdict-range]") {
  HostDirectory dir(PortKnowledge::builtin());
  dir.merge(IpAddress::parse("10.0.0.5").value(), client(run(49700, 20), 128));
  HostProfile server;
  server.add_packet(Transport::tcp, 64);
  server.add_server_port(Transport::tcp, 443);
  dir.merge(IpAddress::parse("192.0.2.1").value(), server);
  json doc = to_json(dir);
  doc["analysis"] = {{"10.0.0.5", verdict("identified", 0.99, {candidate("windows", 0.99, "49152-65535")})}};
  auto r = import_profiles(doc, OsProfileDb::builtin(), {});
  REQUIRE(r.ok());
  const json e = explain_ranges(*r);
  CHECK(e["format"] == "portclass-nft-ranges");
  CHECK(e["thresholds"]["high_confidence"] == kHighConfidence);
  REQUIRE(e["hosts"].size() == 2);
  const json& c = e["hosts"][0];
  CHECK(c["address"] == "10.0.0.5");
  CHECK(c["client"] == true);
  CHECK(c["range"] == "49152-65535");
  CHECK(c["rule"] == "single");
  CHECK(c["subnet"] == "10.0.0.5/32");
  CHECK(c["seen_ports"] == "49700-49719");
  CHECK(c["verdict"]["source"] == "stored");
  CHECK(c["verdict"]["candidates"][0]["id"] == "windows");
  const json& s = e["hosts"][1];
  CHECK(s["client"] == false);
  CHECK(s["range"].is_null());
  CHECK(s["rule"] == "server");
  REQUIRE(e["subnets"].size() == 1);
  CHECK(e["subnets"][0]["prefix"] == "10.0.0.5/32");
}

TEST_CASE("whatever the verdict, the range holds the ports seen and single ranges stay narrow", "[verdict-range]") {
  // Random verdicts, the contract's invariants on each.
  std::mt19937 rng(20261201);
  const std::vector<const char*> ids = {"linux", "windows", "windows-xp", "macos", "freebsd"};
  for (int round = 0; round < 2000; ++round) {
    HostVerdict v;
    v.verdict = rng() % 4 ? "identified" : "unknown";
    v.stored = true;
    const int n = static_cast<int>(rng() % 4);
    double left = 1.0;
    for (int i = 0; i < n; ++i) {
      const double p = i + 1 == n ? left * (rng() % 2 ? 1.0 : 0.5) : left * static_cast<double>(rng() % 100) / 100.0;
      left -= p;
      const Port a = static_cast<Port>(1024 + rng() % 60000);
      const Port b = static_cast<Port>(std::min<std::uint32_t>(65535, a + rng() % 20000));
      v.candidates.push_back(VerdictCandidate{ids[rng() % ids.size()], "f", p, PortSet{{a, b}}, rng() % 3 == 0});
    }
    std::stable_sort(v.candidates.begin(), v.candidates.end(),
                     [](const auto& x, const auto& y) { return x.probability > y.probability; });
    v.confidence = v.candidates.empty() ? 0 : v.candidates.front().probability;
    PortSet seen;
    const int ports = 1 + static_cast<int>(rng() % 50);
    for (int i = 0; i < ports; ++i) {
      const Port p = static_cast<Port>(rng() % 65536);
      seen = seen.union_with(PortSet{{p, p}});
    }
    const RangeChoice c = choose_range(v, seen, static_cast<std::uint32_t>(ports));
    INFO("round " << round << ": " << c.why);
    REQUIRE_FALSE(c.ports.empty());
    REQUIRE(c.ports.contains(seen));
    if (c.rule == RangeRule::unknown) REQUIRE(c.ports.contains(kAnyClientPort));
    if (c.rule == RangeRule::single) {
      REQUIRE(v.candidates.front().probability >= kHighConfidence - 1e-9);
      const PortSet own = v.candidates.front().range.union_with(seen);
      if (!v.candidates.front().tuned && c.label != "widened") REQUIRE(c.ports == own);
      if (!v.candidates.front().tuned) REQUIRE(c.ports.contains(own));
    }
    // Ports seen beyond strays are widened, never kept as a sample.
    if (c.label == "widened") REQUIRE(c.ports.size() >= kTunedMinBlock - 1024);
    // Every covering candidate's default range is in.
    double held = 0;
    for (const VerdictCandidate& cand : v.candidates) {
      if (held >= kHighConfidence - 1e-9 || c.rule == RangeRule::unknown) break;
      held += cand.probability;
      if (!cand.tuned) REQUIRE(c.ports.contains(cand.range));
    }
  }
}
