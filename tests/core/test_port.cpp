// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "portclass/category.hpp"
#include "portclass/port.hpp"

using namespace portclass;

TEST_CASE("ports parse and refuse bad input with the input named", "[port]") {
  CHECK(parse_port("80").value() == 80);
  CHECK(parse_port("65535").value() == 65535);
  CHECK(parse_port(" 0 ").value() == 0);
  for (const char* bad : {"65536", "-1", "abc", "", "8o", "99999999999999999999", "1.5"}) {
    auto r = parse_port(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    if (*bad) CHECK(r.error().message.find(bad) != std::string::npos);
  }
}
