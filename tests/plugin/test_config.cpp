// SPDX-License-Identifier: GPL-2.0-or-later
// The preference parsers and the validated configuration: what is accepted,
// what is rejected (with a message naming the input), and the per-port range
// table.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config.hpp"
#include "subnet_overrides.hpp"

using namespace portclass;
using namespace portclass::ws;

namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

std::string error_of(std::string_view text) {
  auto r = SubnetOverrides::parse(text);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("subnet overrides: OS, range, both; separators and spaces", "[config]") {
  auto r = SubnetOverrides::parse(
      " 10.1.0.0/16 os=windows ;10.2.0.0/16   range=20000-29999\n"
      "fd00::/8 os=linux range=20000-29999,40000-40100;;");
  REQUIRE(r.ok());
  const auto& e = r.value().entries();
  REQUIRE(e.size() == 3);
  CHECK(e[0].os == "windows");
  CHECK_FALSE(e[0].range);
  CHECK(e[1].os.empty());
  CHECK(e[1].range->to_string() == "20000-29999");
  CHECK(e[2].range->to_string() == "20000-29999,40000-40100");
  CHECK(e[0].text == "10.1.0.0/16 os=windows");
  CHECK(SubnetOverrides::parse("").value().empty());
  CHECK(SubnetOverrides::parse(" ; \n ").value().empty());
}

TEST_CASE("subnet overrides: the longest matching prefix wins, families never mix", "[config]") {
  auto r = SubnetOverrides::parse("10.0.0.0/8 os=linux; 10.1.0.0/16 os=windows; 0.0.0.0/0 os=freebsd");
  REQUIRE(r.ok());
  const auto& o = r.value();
  CHECK(o.match(ip("10.1.2.3"))->os == "windows");
  CHECK(o.match(ip("10.9.2.3"))->os == "linux");
  CHECK(o.match(ip("192.0.2.1"))->os == "freebsd");
  CHECK(o.match(ip("fd00::1")) == nullptr);
}

TEST_CASE("subnet overrides: every mistake is an error naming the entry", "[config]") {
  CHECK_THAT(error_of("10.1.2.3/16 os=windows"), Catch::Contains("host bits") && Catch::Contains("10.1.2.3/16"));
  CHECK_THAT(error_of("10.1.0.0/16 flavour=windows"), Catch::Contains("unknown key 'flavour'"));
  CHECK_THAT(error_of("10.1.0.0/16 os=windows os=linux"), Catch::Contains("os given twice"));
  CHECK_THAT(error_of("10.1.0.0/16 range=1-2 range=3-4"), Catch::Contains("range given twice"));
  CHECK_THAT(error_of("10.1.0.0/16 range=30000-20000"), Catch::Contains("30000-20000"));
  CHECK_THAT(error_of("10.1.0.0/16 range="), Catch::Contains("key=value"));
  CHECK_THAT(error_of("10.1.0.0/16 windows"), Catch::Contains("key=value"));
  CHECK_THAT(error_of("10.1.0.0/16"), Catch::Contains("says nothing"));
  CHECK_THAT(error_of("10.1.0.0/33 os=linux"), Catch::Contains("prefix length"));
  CHECK_THAT(error_of("ten.one os=linux"), Catch::Contains("ten.one"));
  CHECK_THAT(error_of("10.1.0.0/16 os=linux; 10.1.0.0/16 os=windows"), Catch::Contains("given twice"));
}

TEST_CASE("on/off switches accept the usual spellings and nothing else", "[config]") {
  for (const char* on : {"on", "ON", "true", "TRUE", "yes", "1", " on "}) CHECK(parse_switch(on).value());
  for (const char* off : {"off", "False", "no", "0"}) CHECK_FALSE(parse_switch(off).value());
  for (const char* bad : {"", "maybe", "2", "onn"}) {
    auto r = parse_switch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("not on or off"));
  }
}

TEST_CASE("build_config validates override OS names against the profiles", "[config]") {
  auto ok = build_config(Settings{true, "", "10.0.0.0/8 os=windows-xp; 10.1.0.0/16 os=macos", "", ""});
  REQUIRE(ok.ok());
  const Config& c = *ok.value();
  REQUIRE(c.override_profiles.size() == 2);
  CHECK(c.override_profiles[0]->id == "windows-xp");
  CHECK(c.override_profiles[1]->family == "macos");
  auto bad = build_config(Settings{true, "", "10.0.0.0/8 os=plan9", "", ""});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("portclass.subnets") && Catch::Contains("plan9"));
  auto syntax = build_config(Settings{true, "", "10.0.0.1/8 os=linux", "", ""});
  REQUIRE_FALSE(syntax.ok());
  CHECK_THAT(syntax.error().message, Catch::StartsWith("portclass.subnets"));
}

TEST_CASE("build_config reads a user profile file, and rejects a missing or bad one", "[config]") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto good = dir / ("portclass-test-good-" + std::to_string(::getpid()) + ".toml");
  const auto bad = dir / ("portclass-test-bad-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(good) << "[[profile]]\nid = \"labtuned\"\nfamily = \"linux\"\nname = \"tuned\"\n"
                         "ranges = [\"20000-29999\"]\ninitial_ttl = 64\nsources = [\"test\"]\n";
  std::ofstream(bad) << "[[profile]]\nid = \"x\"\nranges = [\"70000-80000\"]\n";
  auto with = build_config(Settings{true, good.string(), "10.0.0.0/8 os=labtuned", "", ""});
  REQUIRE(with.ok());
  CHECK(with.value()->profiles().find("labtuned"));
  const auto& ids = with.value()->ranges.ids_containing(25000);
  CHECK(std::find(ids.begin(), ids.end(), "labtuned") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "linux") == ids.end());
  auto broken = build_config(Settings{true, bad.string(), "", "", ""});
  REQUIRE_FALSE(broken.ok());
  CHECK_THAT(broken.error().message, Catch::StartsWith("portclass.profile_file"));
  auto missing = build_config(Settings{true, (dir / "no-such-portclass-file.toml").string(), "", "", ""});
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::StartsWith("portclass.profile_file"));
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

TEST_CASE("the range table agrees with every profile's ranges on every port", "[config]") {
  auto c = build_config(Settings{});
  REQUIRE(c.ok());
  const Config& config = *c.value();
  for (std::uint32_t port = 0; port < kPortCount; port += 7) {
    std::vector<std::string> want;
    for (const auto& p : config.profiles().profiles())
      if (p.ephemeral.contains(static_cast<Port>(port))) want.push_back(p.id);
    REQUIRE(config.ranges.ids_containing(static_cast<Port>(port)) == want);
  }
}
