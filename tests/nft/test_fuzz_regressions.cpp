// SPDX-License-Identifier: GPL-2.0-or-later
// Regression tests for what the fuzzers found in the nft helper's input
// (fuzz/regressions/nft_config/); tests/core/test_fuzz_regressions.cpp has the library's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "portclass/nft/config.hpp"

using namespace portclass;

// The helper parses its config with toml++ itself: a syntax error quoting a
// line break printed two lines (fuzz/regressions/nft_config/toml-error-quotes-a-newline.toml).
TEST_CASE("nft config: a TOML syntax error is reported on one printable line", "[fuzz][nft]") {
  for (const char* text : {"ping = i\n", "comment = \"a\x01b\"\n", "[subnets\n"}) {
    auto config = nft::parse_config(text, "gw.toml", OsProfileDb::builtin());
    REQUIRE_FALSE(config.ok());
    const std::string& m = config.error().message;
    INFO(m);
    CHECK(m.rfind("gw.toml:", 0) == 0);
    CHECK(std::none_of(m.begin(), m.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }));
  }
}

// fuzz/regressions/nft_config/subnet-address-with-nul.toml: a subnet key
// "10.0.0.1\0; flush ruleset" passed as 10.0.0.1.
TEST_CASE("nft config: a subnet address with a NUL inside is refused", "[fuzz][nft]") {
  const std::string text = "mode = \"gateway\"\n[subnets]\n\"10.0.0.1\\u0000; flush ruleset\" = \"linux\"\n";
  auto config = nft::parse_config(text, "gw.toml", OsProfileDb::builtin());
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("invalid IP address") != std::string::npos);
}
