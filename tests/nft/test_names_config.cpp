// SPDX-License-Identifier: GPL-2.0-or-later
// Names, comments and config files: hostile values are refused with one
// clear line, nothing of them can reach a ruleset.
#include <catch2/catch.hpp>

#include "portclass/nft/config.hpp"
#include "portclass/nft/names.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

const OsProfileDb& db() { return OsProfileDb::builtin(); }

Result<Config> parse(const std::string& text) { return parse_config(text, "test.toml", db()); }

bool one_line(const std::string& s) {
  return !s.empty() && s.find('\n') == std::string::npos && s.find('\r') == std::string::npos;
}

}  // namespace

TEST_CASE("identifiers accept only the strict charset", "[names]") {
  for (const char* good : {"portclass", "a", "fw_2", "abcdefghijklmnopqrstuvwxyz012345"}) {
    INFO(good);
    CHECK(is_identifier(good));
  }
  for (const char* bad : {"", "Portclass", "1abc", "_x", "a-b", "a b", "a;b", "a\"b", "a\nb", "table}",
                          "abcdefghijklmnopqrstuvwxyz0123456", "caf\xc3\xa9"}) {
    INFO(quoted_for_error(bad));
    CHECK_FALSE(is_identifier(bad));
    auto r = check_identifier("table", bad);
    REQUIRE_FALSE(r.ok());
    CHECK(one_line(r.error().message));
  }
}

TEST_CASE("comments refuse anything that could close the quoted string", "[names]") {
  CHECK(is_comment_text("office gateway (2nd floor): 10.1.0.0/16, ports 80-90 + 443 @ 50%"));
  for (const char* bad : {"say \"hi\"", "a\nb", "{ drop }", "back\\slash", "semi\x01", "tab\there", "quote'"}) {
    INFO(quoted_for_error(bad));
    CHECK_FALSE(is_comment_text(bad));
  }
  CHECK_FALSE(is_comment_text(std::string(128, 'a')));
  CHECK(is_comment_text(std::string(127, 'a')));
}

TEST_CASE("error messages show hostile bytes escaped on one line", "[names]") {
  const std::string shown = quoted_for_error("x\";\nflush ruleset\x7f");
  CHECK(one_line(shown));
  CHECK(shown.find("\\x0a") != std::string::npos);
  CHECK(shown.find("\\x7f") != std::string::npos);
}

TEST_CASE("profile ids map to identifiers", "[names]") {
  CHECK(identifier_from("windows-xp") == "windows_xp");
  CHECK(identifier_from("linux-2.6.23") == "linux_2_6_23");
  CHECK(identifier_from("--") == "");
  CHECK(identifier_from("9lives") == "lives");
}

TEST_CASE("a hostile value in any name field of a config is refused with one line", "[config]") {
  const char* hostile[] = {
      "table = \"x; flush ruleset\"\n",
      "table = \"portclass\\\"; delete table ip filter; \\\"\"\n",
      "comment = \"ok\\\" ; flush ruleset ; comment \\\"\"\n",
      "comment = \"line\\nbreak\"\n",
      "[ranges]\n\"a b\" = \"20000-29999\"\n",
      "[ranges]\n\"x}\" = \"20000-29999\"\n",
      "[ranges]\nlinux = \"20000-29999\"\n",
      "[ranges]\nlive = \"20000-29999\"\n",
  };
  for (const char* text : hostile) {
    INFO(text);
    auto c = parse(text);
    REQUIRE_FALSE(c.ok());
    CHECK(one_line(c.error().message));
    CHECK(c.error().message.rfind("test.toml: ", 0) == 0);
  }
}

TEST_CASE("invalid ranges, ports and subnets are refused", "[config]") {
  const char* bad[] = {
      "[host]\nrange = \"5000-1000\"\n",   // reversed
      "[host]\nrange = \"70000\"\n",       // beyond 65535
      "[host]\nrange = \"no-such-os\"\n",  // unknown profile
      "[host]\nrange = \"\"\n",            // empty
      "[services]\ntcp = [70000]\n",
      "[services]\ntcp = [-1]\n",
      "[services]\ntcp = [\"22-\"]\n",
      "[services]\ntcp = [true]\n",
      "mode = \"router\"\n",
      "[outbound]\npolicy = \"maybe\"\n",
      "[subnets]\n\"10.1.2.3/16\" = \"linux\"\n",  // host bits set
      "[subnets]\n\"10.1.0.0/33\" = \"linux\"\n",
      "[subnets]\n\"10.1.0.0/16\" = 5\n",
      "[subnets]\n\"10.1.0.0/16\" = \"live\"\n",
      "unknown_key = 1\n",
      "[services]\nsctp = [1]\n",
      "ipv6 = \"yes\"\n",
      "[host\n",  // syntax error
  };
  for (const char* text : bad) {
    INFO(text);
    auto c = parse(text);
    REQUIRE_FALSE(c.ok());
    CHECK(one_line(c.error().message));
  }
}

TEST_CASE("a valid config is read completely", "[config]") {
  auto c = parse(R"(
mode = "gateway"
table = "edge"
comment = "lab gateway"
ipv6 = false
stateless = true
ping = false
[ranges]
build_farm = "20000-29999"
[subnets]
"10.1.0.0/16" = "windows"
"10.2.0.0/16" = "build_farm"
"10.3.0.0/16" = "1025-5000,49152-65535"
[services]
tcp = [22, "8000-8100"]
udp = "53"
[outbound]
policy = "restrict"
tcp = [80, 443]
[protocols]
ntp = true
ike = true
wireguard = [51820]
)");
  REQUIRE(c.ok());
  CHECK(c->mode == Mode::gateway);
  CHECK(c->table == "edge");
  CHECK_FALSE(c->ipv6);
  CHECK(c->stateless);
  CHECK_FALSE(c->ping);
  REQUIRE(c->subnets.size() == 3);
  CHECK(c->subnets[0].range().ports == db().find("windows")->ephemeral);
  CHECK(c->subnets[1].range().label == "build_farm");
  CHECK(c->subnets[1].range().ports.to_string() == "20000-29999");
  CHECK(c->subnets[2].range().label.empty());
  CHECK(c->subnets[2].range().ports.to_string() == "1025-5000,49152-65535");
  CHECK(c->tcp_services.to_string() == "22,8000-8100");
  CHECK(c->udp_services.to_string() == "53");
  CHECK(c->outbound == Outbound::restrict);
  CHECK(c->outbound_tcp.to_string() == "80,443");
  CHECK(c->protocols.ntp);
  CHECK(c->protocols.ike);
  CHECK_FALSE(c->protocols.dhcp);
  CHECK(c->protocols.wireguard.to_string() == "51820");
}

TEST_CASE("command-line overrides are validated like the file", "[config]") {
  Config c;
  Overrides o;
  o.table = "bad name";
  CHECK_FALSE(apply_overrides(c, o, db()).ok());
  o = {};
  o.subnets = {"10.0.0.0/8"};  // no =RANGE
  CHECK_FALSE(apply_overrides(c, o, db()).ok());
  o = {};
  o.allow = {"telnet"};
  CHECK_FALSE(apply_overrides(c, o, db()).ok());
  o = {};
  o.wireguard = {"65536"};
  CHECK_FALSE(apply_overrides(c, o, db()).ok());
  o = {};
  o.mode = "gateway";
  o.subnets = {"10.0.0.0/8=windows-xp", "fd00::/64=freebsd"};
  o.allow = {"ntp", "ike"};
  REQUIRE(apply_overrides(c, o, db()).ok());
  CHECK(c.mode == Mode::gateway);
  REQUIRE(c.subnets.size() == 2);
  CHECK(c.subnets[0].range().ports.to_string() == "1025-5000");
  CHECK(c.subnets[1].range().ports.to_string() == "10000-65535");
  CHECK(c.protocols.ntp);
}

TEST_CASE("a hostile name never reaches the rendered ruleset", "[config]") {
  Config c;
  c.host_range = RangeSpec{"linux", PortSet{{32768, 60999}}, "profile linux"};
  c.table = "x\"; flush ruleset; \"";  // bypassing the loader must still be caught
  auto r = build_ruleset(c);
  REQUIRE_FALSE(r.ok());
  CHECK(one_line(r.error().message));
  c.table = "portclass";
  c.comment = "nice\" } table ip evil { \"";
  r = build_ruleset(c);
  REQUIRE_FALSE(r.ok());
}
