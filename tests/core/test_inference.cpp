// SPDX-License-Identifier: GPL-2.0-or-later
// Inference on synthetic hosts whose behaviour is set by the test.
#include <catch2/catch.hpp>

#include <random>

#include "portclass/inference.hpp"

using namespace portclass;

namespace {

// A Linux 3.11+ SYN (TcpSignature key form).
constexpr const char* kLinuxSyn = "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0";

struct Behaviour {
  PortRange range;
  std::uint8_t ttl;
  bool even_only = false;
  bool counter = false;  // +1 per connection
  int connections = 24;
  std::string syn_signature;  // a TcpSignature key
};

HostProfile host(const Behaviour& b, unsigned seed = 1) {
  std::mt19937 rng(seed);
  HostProfile h;
  Port next = static_cast<Port>(b.range.first + rng() % 50);
  for (int i = 0; i < b.connections; ++i) {
    Port p;
    if (b.counter) {
      p = next++;
    } else {
      p = static_cast<Port>(b.range.first + rng() % b.range.size());
      if (b.even_only) p = static_cast<Port>(p & ~1u);
      if (p < b.range.first) p = static_cast<Port>(p + 2);
    }
    h.add_client_port(Transport::tcp, p, Timestamp{i} * 1000, true);
    if (!b.syn_signature.empty()) h.add_signature_key(false, b.syn_signature);
    for (int k = 0; k < 3; ++k) h.add_packet(Transport::tcp, static_cast<std::uint8_t>(b.ttl - 1));  // one hop away
  }
  return h;
}

}  // namespace

TEST_CASE("each default stack is recognised from ports and TTL", "[inference]") {
  const auto& db = OsProfileDb::builtin();
  struct Case {
    Behaviour b;
    const char* family;
  };
  const Case cases[] = {
      {{{32768, 60999}, 64, true}, "linux"},
      {{{49152, 65535}, 128}, "windows"},
      {{{49152, 65535}, 64}, "macos"},
      {{{10000, 65535}, 64}, "freebsd"},
      {{{1025, 5000}, 128, false, true}, "windows"},
  };
  for (const auto& c : cases) {
    for (unsigned seed = 1; seed <= 5; ++seed) {
      const auto inf = infer(host(c.b, seed), db);
      INFO(c.family << " seed " << seed << ": " << inf.summary());
      CHECK(inf.verdict == Verdict::identified);
      CHECK(inf.label() == c.family);
      CHECK(inf.confidence() >= 0.6);
      CHECK_FALSE(inf.evidence.empty());
    }
  }
  const auto xp = infer(host({{1025, 5000}, 128, false, true}), db);
  CHECK(xp.best()->id == "windows-xp");
  CHECK(xp.summary().find("steps +1") != std::string::npos);
}

TEST_CASE("parity alone does not decide", "[inference]") {
  // Even ports (Linux's habit) but Windows' TTL and range: still Windows.
  const auto inf = infer(host({{49152, 65535}, 128, true, false, 24, kLinuxSyn}), OsProfileDb::builtin());
  INFO(inf.summary());
  CHECK(inf.label() == "windows");
}

TEST_CASE("a range tuned away from every default is reported as such", "[inference]") {
  const auto inf = infer(host({{20000, 29999}, 64, true, false, 30, kLinuxSyn}), OsProfileDb::builtin());
  INFO(inf.summary());
  REQUIRE(inf.best());
  CHECK(inf.best()->tuned);
  CHECK(inf.best()->range.ranges().front().first >= 20000);
  CHECK(inf.best()->range.ranges().front().last <= 29999);
  CHECK(inf.summary().find("tuned host or NAT") != std::string::npos);
}

TEST_CASE("too few observations give unknown, mixed stacks give several", "[inference]") {
  const auto& db = OsProfileDb::builtin();
  const auto few = infer(host({{32768, 60999}, 64, true, false, 2}), db);
  CHECK(few.verdict == Verdict::unknown);
  CHECK(few.label() == "unknown");
  CHECK(few.summary().find("too few") != std::string::npos);

  HostProfile nat = host({{32768, 60999}, 64, true});
  nat.merge(host({{49152, 65535}, 128}, 9));
  const auto several = infer(nat, db);
  INFO(several.summary());
  CHECK(several.verdict == Verdict::several);
  CHECK(several.summary().find("TTL") != std::string::npos);

  const auto nothing = infer(HostProfile{}, db);
  CHECK(nothing.verdict == Verdict::unknown);
}

TEST_CASE("observed TTLs round up to the initial TTL", "[inference]") {
  CHECK(initial_ttl_class(64) == 64);
  CHECK(initial_ttl_class(57) == 64);
  CHECK(initial_ttl_class(65) == 128);
  CHECK(initial_ttl_class(120) == 128);
  CHECK(initial_ttl_class(250) == 255);
  CHECK(initial_ttl_class(30) == 32);
}

TEST_CASE("ports clustered inside a default range are not a tuned range", "[inference]") {
  // Windows XP's counter packs ports into a few dozen neighbours: still its
  // default range, and the counter is evidence.
  const auto inf = infer(host({{1400, 1500}, 128, false, true, 30}), OsProfileDb::builtin());
  INFO(inf.summary());
  REQUIRE(inf.best());
  CHECK_FALSE(inf.best()->tuned);
  CHECK(inf.best()->id == "windows-xp");
  CHECK(inf.best()->range.to_string() == "1025-5000");
}

TEST_CASE("the link an MSS implies is evidence in words, not in the score", "[inference]") {
  SignatureDb db;
  REQUIRE(db.load_text("[mtu]\nlabel = DSL\nsig = 1492\n", "test", false).ok());
  HostProfile h = host({{32768, 60999}, 64, true});
  h.add_signature_key(false, "4:64:0:1452:64240,7:mss,sok,ts,nop,ws:df,id+:0");
  InferenceOptions with;
  with.signatures = &db;
  const auto inf = infer(h, OsProfileDb::builtin(), with);
  INFO(inf.summary());
  CHECK(inf.summary().find("MSS 1452: MTU 1492 (DSL)") != std::string::npos);
  const auto without = infer(h, OsProfileDb::builtin());
  CHECK(without.confidence() == Approx(inf.confidence()));
}
