// SPDX-License-Identifier: GPL-2.0-or-later
// Subnets to disjoint interval-set elements: most specific prefix wins.
#include <catch2/catch.hpp>

#include "portclass/nft/address_intervals.hpp"
#include "portclass/nft/fields.hpp"
#include "portclass/nft/live_ruleset.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

IpPrefix P(const char* text) { return IpPrefix::parse(text).value(); }

std::string text_of(const std::vector<OwnedInterval>& v, std::size_t owner) {
  std::string out;
  for (const OwnedInterval& o : v) {
    if (o.owner != owner) continue;
    const ValueKind k = o.interval.low.size() == 4 ? ValueKind::ipv4 : ValueKind::ipv6;
    out += (out.empty() ? "" : ",") + format_value(k, o.interval);
  }
  return out;
}

}  // namespace

TEST_CASE("a nested subnet is carved out of the one that contains it", "[intervals]") {
  auto r = most_specific({{P("10.0.0.0/8"), 0}, {P("10.1.0.0/16"), 1}, {P("10.1.2.0/24"), 0}});
  REQUIRE(r.ok());
  CHECK(text_of(*r, 0) == "10.0.0.0/16,10.1.2.0/24,10.2.0.0-10.255.255.255");
  CHECK(text_of(*r, 1) == "10.1.0.0/23,10.1.3.0-10.1.255.255");
  // Disjoint, sorted, and covering exactly the /8.
  for (std::size_t i = 1; i < r->size(); ++i) CHECK((*r)[i - 1].interval.high < (*r)[i].interval.low);
  CHECK(r->front().interval.low == Bytes{10, 0, 0, 0});
  CHECK(r->back().interval.high == Bytes{10, 255, 255, 255});
}

TEST_CASE("adjacent subnets of one owner merge, of two owners do not", "[intervals]") {
  auto r = most_specific({{P("10.0.1.0/24"), 0}, {P("10.0.0.0/24"), 0}, {P("10.0.2.0/24"), 1}});
  REQUIRE(r.ok());
  CHECK(text_of(*r, 0) == "10.0.0.0/23");
  CHECK(text_of(*r, 1) == "10.0.2.0/24");
}

TEST_CASE("the whole address space and IPv6 work", "[intervals]") {
  auto r = most_specific({{P("::/0"), 0}, {P("fd00::/8"), 1}, {P("ffff::/16"), 2}});
  REQUIRE(r.ok());
  CHECK(text_of(*r, 0) == "::-fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,fe00::-fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK(text_of(*r, 1) == "fd00::/8");
  CHECK(text_of(*r, 2) == "ffff::/16");
  auto v4 = most_specific({{P("0.0.0.0/0"), 3}});
  REQUIRE(v4.ok());
  CHECK(text_of(*v4, 3) == "0.0.0.0/0");
}

TEST_CASE("the same subnet with two ranges is an error, twice with one is not", "[intervals]") {
  CHECK(most_specific({{P("10.0.0.0/8"), 0}, {P("10.0.0.0/8"), 0}}).ok());
  auto r = most_specific({{P("10.0.0.0/8"), 0}, {P("10.0.0.0/8"), 1}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("10.0.0.0/8") != std::string::npos);
}

TEST_CASE("merge_intervals joins overlapping and adjacent ranges", "[intervals]") {
  auto m = merge_intervals({prefix_interval(P("10.0.2.0/24")), prefix_interval(P("10.0.0.0/24")),
                            prefix_interval(P("10.0.1.0/24")), prefix_interval(P("10.0.1.128/25")),
                            prefix_interval(P("10.0.9.0/24"))});
  REQUIRE(m.size() == 2);
  CHECK(format_value(ValueKind::ipv4, m[0]) == "10.0.0.0-10.0.2.255");
  CHECK(format_value(ValueKind::ipv4, m[1]) == "10.0.9.0/24");
}

TEST_CASE("prefix detection", "[intervals]") {
  CHECK(prefix_length_of(prefix_interval(P("fe80::/10"))) == 10);
  CHECK(prefix_length_of(prefix_interval(P("10.1.2.3/32"))) == 32);
  CHECK(prefix_length_of(Interval{{10, 0, 0, 1}, {10, 0, 0, 2}}) == -1);
}

TEST_CASE("interval set elements read back from the kernel's encoding", "[intervals]") {
  // nft's encoding of { 1025-5000, 49152-65535 }: an end marker at 0, the
  // exclusive end 5001, and an open range at the top with no end.
  auto v = intervals_from_elements(
      {{{0xc0, 0x00}, false}, {{0x13, 0x89}, true}, {{0x04, 0x01}, false}, {{0x00, 0x00}, true}}, 2);
  CHECK(ports_of(v).to_string() == "1025-5000,49152-65535");
  // Adjacent ranges share a key: end before start.
  auto w = intervals_from_elements(
      {{{0x00, 0x0a}, false}, {{0x00, 0x14}, true}, {{0x00, 0x14}, false}, {{0x00, 0x1e}, true}}, 2);
  REQUIRE(w.size() == 2);
  CHECK(ports_of({w[0]}).to_string() == "10-19");
  CHECK(ports_of({w[1]}).to_string() == "20-29");
}
