// SPDX-License-Identifier: GPL-2.0-or-later
// --duration and --every: a positive whole number with s, m or h.
#include <catch2/catch.hpp>

#include "duration_argument.hpp"

using portclass::cli::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("durations with units") {
  CHECK(parse_duration("30s").value() == 30s);
  CHECK(parse_duration("10m").value() == 600s);
  CHECK(parse_duration("1h").value() == 3600s);
  CHECK(parse_duration("8784h").value() == 8784h);  // a leap year
  for (const char* bad : {"", "s", "30", "0s", "-5m", "1.5h", "5d", "m5", "10 m", "8785h", "99999999999999999999s"}) {
    const auto r = parse_duration(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().message.find("duration") != std::string::npos);
  }
}
